//! Arch Linux pacman: `**/var/lib/pacman/local/<name>-<version>/desc`, one file per
//! installed package of `%KEY%` headers, each followed by its value lines and a blank
//! line: `%NAME%`, `%VERSION%` (`[epoch:]version-release`), `%BASE%` (the source
//! package), `%ARCH%`, `%LICENSE%` (one licence per line). syft reads the same files
//! (trivy does not read Arch Linux); the purl is `pkg:alpm/arch/<name>@<version>`.

use super::{text, too_large, Cataloguer, FileMeta, Sink};
use crate::licenses;
use crate::model::{Package, PackageType};

/// The pacman database reader.
pub struct Alpm;

/// Cap for one `desc` file (a few KiB in practice).
const DESC_CAP: u64 = 1 << 20;

fn wanted(path: &str) -> bool {
    let Some(dir) = path.strip_suffix("/desc") else {
        return false;
    };
    let Some((db, entry)) = dir.rsplit_once('/') else {
        return false;
    };
    !entry.is_empty() && db.ends_with("/var/lib/pacman/local")
}

impl Cataloguer for Alpm {
    fn name(&self) -> &'static str {
        "alpm"
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        wanted(file.path).then_some(DESC_CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if truncated {
            return too_large(file, DESC_CAP, sink);
        }
        let text = text(body);
        let mut fields: Vec<(&str, Vec<&str>)> = Vec::new();
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if let Some(key) = line.strip_prefix('%').and_then(|l| l.strip_suffix('%')) {
                fields.push((key, Vec::new()));
            } else if let Some((_, values)) = fields.last_mut().filter(|_| !line.is_empty()) {
                values.push(line.trim());
            }
        }
        let get = |k: &str| {
            fields
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.as_slice())
                .unwrap_or(&[])
        };
        let (Some(name), Some(version)) = (get("NAME").first(), get("VERSION").first()) else {
            return sink.warn(file.path, "pacman desc without %NAME% and %VERSION%");
        };
        let mut p = Package::new(PackageType::Alpm, *name, *version, "alpm");
        p.arch = get("ARCH").first().map(|a| a.to_string());
        p.source_name = get("BASE")
            .first()
            .filter(|b| *b != name)
            .map(|b| b.to_string());
        p.licenses = get("LICENSE")
            .iter()
            .map(|l| licenses::normalise(l))
            .collect();
        sink.package(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desc_files() {
        let path = "/var/lib/pacman/local/zlib-1:1.3-2/desc";
        let f = FileMeta {
            path,
            size: 10,
            mode: 0o644,
        };
        assert!(Alpm.wants(&f).is_some());
        for other in [
            "/var/lib/pacman/local/desc",
            "/var/lib/pacman/local/zlib-1:1.3-2/files",
            "/var/lib/pacman/sync/core.db/desc",
        ] {
            assert!(!wanted(other), "{other}");
        }
        let body = "%NAME%\nzlib\n\n%VERSION%\n1:1.3-2\n\n%BASE%\nzlib-src\n\n%DESC%\nCompression\n\n%ARCH%\nx86_64\n\n%LICENSE%\nZlib\nMIT\n\n";
        let mut sink = Sink::default();
        Alpm.parse(&f, body.as_bytes(), false, &mut sink);
        let p = &sink.packages[0];
        assert_eq!(
            (p.name.as_str(), p.version.as_str(), p.arch.as_deref()),
            ("zlib", "1:1.3-2", Some("x86_64"))
        );
        assert_eq!(p.source_name.as_deref(), Some("zlib-src"));
        assert_eq!(p.licenses, ["Zlib", "MIT"]);
        let mut sink = Sink::default();
        Alpm.parse(&f, b"%DESC%\nno name\n", false, &mut sink);
        assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
        assert_eq!(sink.warnings[0].path, path);
    }
}
