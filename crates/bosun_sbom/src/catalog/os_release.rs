//! The distribution: `/etc/os-release`, else `/usr/lib/os-release` (the driver prefers
//! the first when both are present in the final filesystem).

use super::{text, Cataloguer, FileMeta, Sink};
use crate::model::Distro;

/// The os-release reader.
pub struct OsRelease;

/// The paths read, most authoritative first.
pub const PATHS: [&str; 2] = ["/etc/os-release", "/usr/lib/os-release"];

impl Cataloguer for OsRelease {
    fn name(&self) -> &'static str {
        "os-release"
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        PATHS.contains(&file.path).then_some(64 << 10)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], _truncated: bool, sink: &mut Sink) {
        match parse(&text(body)) {
            Some(d) => sink.distro = Some(d),
            None => sink.warn(file.path, "no ID field"),
        }
    }
}

/// Parses os-release text (shell-style `KEY=value`, values optionally quoted).
pub fn parse(text: &str) -> Option<Distro> {
    let mut d = Distro::default();
    let mut has_id = false;
    for line in text.lines() {
        let Some((k, v)) = line.trim().split_once('=') else {
            continue;
        };
        let v = unquote(v.trim());
        match k.trim() {
            "ID" => {
                d.id = v.to_ascii_lowercase();
                has_id = !d.id.is_empty();
            }
            "VERSION_ID" => d.version_id = v,
            "VERSION_CODENAME" if !v.is_empty() => d.codename = Some(v),
            "PRETTY_NAME" if !v.is_empty() => d.pretty_name = Some(v),
            "ID_LIKE" => d.id_like = v.split_whitespace().map(str::to_string).collect(),
            _ => {}
        }
    }
    has_id.then_some(d)
}

fn unquote(v: &str) -> String {
    let s = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(v);
    s.replace("\\\"", "\"").replace("\\\\", "\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_and_alpine() {
        let d = parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n").unwrap();
        assert_eq!((d.id.as_str(), d.version_id.as_str()), ("debian", "12"));
        assert_eq!(d.codename.as_deref(), Some("bookworm"));
        let a = parse("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n").unwrap();
        assert_eq!(a.version_id, "3.20.3");
        let u = parse("ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n").unwrap();
        assert_eq!(u.id_like, ["debian"]);
        assert_eq!(parse("NAME=x\n"), None);
    }
}
