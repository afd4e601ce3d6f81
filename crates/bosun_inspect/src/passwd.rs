//! `/etc/passwd`, `/etc/shadow` and `/etc/group` parsers. Lines that do not parse are
//! skipped (a hostile image must not make the check fail).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswdEntry {
    pub name: String,
    /// The password field (`x` when the password is in shadow).
    pub password: String,
    pub uid: u32,
    pub gid: u32,
    /// 1-based line.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShadowEntry {
    pub name: String,
    pub password: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupEntry {
    pub name: String,
    pub gid: u32,
    pub line: usize,
}

fn records(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        // NIS compat lines (`+`, `-user`) are not local users.
        .filter(|(_, l)| !l.starts_with('+') && !l.starts_with('-'))
        .map(|(i, l)| (i + 1, l.split(':').collect()))
}

pub fn parse_passwd(text: &str) -> Vec<PasswdEntry> {
    records(text)
        .filter_map(|(line, f)| {
            Some(PasswdEntry {
                name: f.first()?.to_string(),
                password: f.get(1)?.to_string(),
                uid: f.get(2)?.trim().parse().ok()?,
                gid: f.get(3)?.trim().parse().ok()?,
                line,
            })
        })
        .collect()
}

pub fn parse_shadow(text: &str) -> Vec<ShadowEntry> {
    records(text)
        .filter_map(|(line, f)| {
            Some(ShadowEntry {
                name: f.first()?.to_string(),
                password: f.get(1)?.to_string(),
                line,
            })
        })
        .collect()
}

pub fn parse_group(text: &str) -> Vec<GroupEntry> {
    records(text)
        .filter_map(|(line, f)| {
            Some(GroupEntry {
                name: f.first()?.to_string(),
                gid: f.get(2)?.trim().parse().ok()?,
                line,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_skips_garbage() {
        let p = parse_passwd("root:x:0:0:root:/root:/bin/bash\n# c\n\nbad line\n+::::::\napp:x:10001:10001::/home/app:/bin/sh\nx:y:notanumber:1\n");
        assert_eq!(
            p.iter()
                .map(|e| (e.name.as_str(), e.uid, e.line))
                .collect::<Vec<_>>(),
            [("root", 0, 1), ("app", 10001, 6)]
        );
        let s = parse_shadow("root:*:19000:0:99999:7:::\nguest::19000::::::\n");
        assert_eq!(s[1].password, "");
        let g = parse_group("root:x:0:\nstaff:x:50:\n");
        assert_eq!(g[1].gid, 50);
    }
}
