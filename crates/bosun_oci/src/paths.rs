//! Lexical path handling for tar entries. Nothing here touches the host filesystem:
//! paths are cleaned as strings, and `..` can never climb above the image root.

/// What cleaning a raw tar path revealed. All false for a well-behaved entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PathFlags {
    /// The raw path started with `/`.
    pub absolute: bool,
    /// The raw path contained `..` components.
    pub parent_refs: bool,
    /// A `..` would have climbed above the root (it was dropped: the path is clamped).
    pub escapes_root: bool,
    /// The raw path was not valid UTF-8 (it was converted lossily).
    pub non_utf8: bool,
}

impl PathFlags {
    /// True when anything about the raw path is suspicious.
    pub fn any(&self) -> bool {
        self.absolute || self.parent_refs || self.escapes_root || self.non_utf8
    }
}

/// Cleans a raw tar path: drops leading `/` and `./`, empty and `.` components, resolves
/// `..` lexically (clamped at the root) and trailing slashes. The root itself is `""`.
pub fn clean_path(raw: &[u8]) -> (String, PathFlags) {
    // Nearly every tar path is clean already, or clean but for a leading `./` or `/`
    // and a trailing `/` (one per entry of every layer: worth the check).
    let absolute = raw.first() == Some(&b'/');
    let trimmed = raw.strip_prefix(b"./").unwrap_or(raw);
    let trimmed = trimmed.strip_prefix(b"/").unwrap_or(trimmed);
    let trimmed = trimmed.strip_suffix(b"/").unwrap_or(trimmed);
    if is_clean(trimmed) {
        if let Ok(s) = std::str::from_utf8(trimmed) {
            let flags = PathFlags {
                absolute,
                ..PathFlags::default()
            };
            return (s.to_string(), flags);
        }
    }
    clean_path_general(raw)
}

/// [`clean_path`] for any input.
fn clean_path_general(raw: &[u8]) -> (String, PathFlags) {
    let mut flags = PathFlags::default();
    let s = match std::str::from_utf8(raw) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            flags.non_utf8 = true;
            String::from_utf8_lossy(raw)
        }
    };
    flags.absolute = s.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for comp in s.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                flags.parent_refs = true;
                if out.pop().is_none() {
                    flags.escapes_root = true;
                }
            }
            c => out.push(c),
        }
    }
    (out.join("/"), flags)
}

/// True when `p` has no empty, `.` or `..` component and no leading or trailing `/`
/// (the root, `""`, is clean).
fn is_clean(p: &[u8]) -> bool {
    p.is_empty()
        || p.split(|&b| b == b'/')
            .all(|c| !c.is_empty() && c != b"." && c != b"..")
}

/// The parent directory of a cleaned path (`""` for top-level entries and the root).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The last component of a cleaned path.
pub fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, n)| n)
}

/// Joins a cleaned directory and a name.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// True when `path` is `dir` itself or below it (`dir = ""` is the root: always true).
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || (path.len() > dir.len()
            && path.starts_with(dir)
            && path.as_bytes().get(dir.len()) == Some(&b'/'))
}

/// Where a symlink at `link_path` with target `target` points, resolved lexically inside
/// the image root (absolute targets are relative to the image root, as in a container).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkResolution {
    /// The cleaned target path inside the image.
    pub path: String,
    /// True when a relative target climbs above the root with `..` (on a host that
    /// unpacked the layer naively this would point outside the extraction directory).
    pub escapes_root: bool,
    /// True for an absolute target (`/etc/passwd`).
    pub absolute: bool,
}

/// Resolves a symlink target lexically (without following other symlinks).
pub fn resolve_link(link_path: &str, target: &str) -> LinkResolution {
    let absolute = target.starts_with('/');
    let combined = if absolute {
        target.to_string()
    } else {
        join(parent(link_path), target)
    };
    let (path, flags) = clean_path(combined.as_bytes());
    LinkResolution {
        path,
        escapes_root: flags.escapes_root,
        absolute,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_path_agrees_with_the_general_one() {
        let parts: [&[u8]; 9] = [b"", b"/", b".", b"..", b"a", b"bc", b"./", b"//", b"\xff"];
        let mut n = 0;
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in parts {
                        let raw = [a, b, c, d].concat();
                        assert_eq!(clean_path(&raw), clean_path_general(&raw), "{raw:?}");
                        n += 1;
                    }
                }
            }
        }
        assert_eq!(n, 9 * 9 * 9 * 9);
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean_path(b"./etc/passwd").0, "etc/passwd");
        assert_eq!(clean_path(b"/etc//passwd/").0, "etc/passwd");
        let (p, f) = clean_path(b"../../etc/shadow");
        assert_eq!(p, "etc/shadow");
        assert!(f.escapes_root && f.parent_refs && !f.absolute);
        let (p, f) = clean_path(b"a/b/../../c");
        assert_eq!(p, "c");
        assert!(f.parent_refs && !f.escapes_root);
        let (p, f) = clean_path(b"/");
        assert_eq!(p, "");
        assert!(f.absolute);
        assert!(clean_path(b"a/\xff").1.non_utf8);
    }

    #[test]
    fn links_and_within() {
        let r = resolve_link("usr/bin/x", "../../../../etc/passwd");
        assert_eq!(r.path, "etc/passwd");
        assert!(r.escapes_root);
        let r = resolve_link("usr/bin/x", "/etc/passwd");
        assert!(r.absolute && !r.escapes_root);
        assert_eq!(resolve_link("bin", "usr/bin").path, "usr/bin");
        assert!(is_within("a/b", "a"));
        assert!(!is_within("ab", "a"));
        assert!(is_within("anything", ""));
    }
}
