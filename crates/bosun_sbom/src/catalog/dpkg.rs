//! dpkg: `**/lib/dpkg/status` (one paragraph per package) and `**/lib/dpkg/status.d/*`
//! (distroless: one file per package, no `Status:` field). Records the architecture and
//! the source package with its version (`Source: name (version)`).

use super::{paragraphs, text, too_large, Cataloguer, FileMeta, Sink, DB_FILE_CAP};
use crate::model::{Package, PackageType};

/// The dpkg database reader.
pub struct Dpkg;

fn is_status(path: &str) -> bool {
    path.ends_with("/lib/dpkg/status")
}

fn is_status_d(path: &str) -> bool {
    let Some((dir, name)) = path.rsplit_once('/') else {
        return false;
    };
    dir.ends_with("/lib/dpkg/status.d")
        && !name.is_empty()
        && !name.ends_with(".md5sums")
        && !name.starts_with('.')
}

impl Cataloguer for Dpkg {
    fn name(&self) -> &'static str {
        "dpkg"
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        (is_status(file.path) || is_status_d(file.path)).then_some(DB_FILE_CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if truncated {
            return too_large(file, DB_FILE_CAP, sink);
        }
        let text = text(body);
        let mut bad = Vec::new();
        for (line, para) in paragraphs(&text) {
            match paragraph(&para) {
                Ok(Some(p)) => sink.package(p),
                Ok(None) => {}
                Err(why) => bad.push(format!("line {line}: {why}")),
            }
        }
        if let Some(first) = bad.first() {
            let more = match bad.len() {
                1 => String::new(),
                n => format!(" (and {} more unreadable entries)", n - 1),
            };
            sink.warn(
                file.path,
                format!("unreadable package entry at {first}{more}"),
            );
        }
    }
}

/// `Ok(None)` for a package that is not installed (only its config files remain).
fn paragraph(lines: &[&str]) -> Result<Option<Package>, String> {
    let mut fields: Vec<(&str, String)> = Vec::new();
    for l in lines {
        if l.starts_with([' ', '\t']) {
            // Continuation of a multi-line field (Description, Conffiles).
            match fields.last_mut() {
                Some(_) => continue,
                None => return Err("continuation line before any field".into()),
            }
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err(format!("not a `Field: value` line: {:.60}", l));
        };
        if k.is_empty() || k.contains(char::is_whitespace) {
            return Err(format!("not a `Field: value` line: {:.60}", l));
        }
        fields.push((k, v.trim().to_string()));
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| f.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    if let Some(status) = get("Status") {
        // `want flag state`: keep what dpkg considers present on disk.
        let state = status.split_whitespace().nth(2).unwrap_or("");
        if matches!(state, "not-installed" | "config-files") {
            return Ok(None);
        }
    }
    let name = get("Package").ok_or("no Package field")?;
    let version = get("Version").ok_or_else(|| format!("package {name}: no Version field"))?;
    let mut p = Package::new(PackageType::Deb, name, version, "dpkg");
    p.arch = get("Architecture").map(str::to_string);
    if let Some(src) = get("Source") {
        let (sname, sver) = match src.split_once('(') {
            Some((n, v)) => (n.trim(), Some(v.trim_end_matches(')').trim())),
            None => (src, None),
        };
        if sname != name {
            p.source_name = Some(sname.to_string());
        }
        if let Some(v) = sver.filter(|v| *v != version) {
            p.source_version = Some(v.to_string());
        }
    }
    Ok(Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, body: &str) -> Sink {
        let mut sink = Sink::default();
        let f = FileMeta {
            path,
            size: body.len() as u64,
            mode: 0o644,
        };
        assert!(Dpkg.wants(&f).is_some(), "{path} wanted");
        Dpkg.parse(&f, body.as_bytes(), false, &mut sink);
        sink
    }

    const STATUS: &str = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.15-1~deb12u1\nDescription: x\n more\n .\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n\nPackage: libc6\nStatus: install ok installed\nSource: glibc (2.36-9+deb12u9)\nVersion: 2.36-9+deb12u9\nArchitecture: amd64\n\nPackage: bsdutils\nStatus: install ok installed\nSource: util-linux (2.38.1-5)\nVersion: 1:2.38.1-5+deb12u3\n";

    #[test]
    fn status_with_sources_and_removed_packages() {
        let s = run("/var/lib/dpkg/status", STATUS);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        let got: Vec<_> = s
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.source_name.as_deref(),
                    p.source_version.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("libssl3", "3.0.15-1~deb12u1", Some("openssl"), None),
                ("libc6", "2.36-9+deb12u9", Some("glibc"), None),
                (
                    "bsdutils",
                    "1:2.38.1-5+deb12u3",
                    Some("util-linux"),
                    Some("2.38.1-5")
                ),
            ]
        );
        assert_eq!(s.packages[0].arch.as_deref(), Some("amd64"));
    }

    #[test]
    fn distroless_status_d() {
        let s = run(
            "/var/lib/dpkg/status.d/base-files",
            "Package: base-files\nVersion: 12.4+deb12u8\nArchitecture: amd64\n",
        );
        assert_eq!(s.packages.len(), 1);
        let f = FileMeta {
            path: "/var/lib/dpkg/status.d/base-files.md5sums",
            size: 1,
            mode: 0o644,
        };
        assert_eq!(Dpkg.wants(&f), None);
    }

    #[test]
    fn corrupt_entries_warn_once_and_keep_the_rest() {
        let body = format!("garbage without colon\nmore\n\n{STATUS}\n\nPackage: nover\n");
        let s = run("/var/lib/dpkg/status", &body);
        assert_eq!(s.packages.len(), 3);
        assert_eq!(s.warnings.len(), 1);
        assert!(
            s.warnings[0].message.contains("line 1") && s.warnings[0].message.contains("1 more"),
            "{:?}",
            s.warnings
        );
    }

    #[test]
    fn truncated_is_a_warning() {
        let mut sink = Sink::default();
        let f = FileMeta {
            path: "/var/lib/dpkg/status",
            size: 1 << 40,
            mode: 0o644,
        };
        Dpkg.parse(&f, b"Package: a\nVersion: 1\n", true, &mut sink);
        assert!(sink.packages.is_empty());
        assert_eq!(sink.warnings.len(), 1);
    }
}
