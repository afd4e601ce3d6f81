//! apk: `**/lib/apk/db/installed` (Alpine, Wolfi, Chainguard). One paragraph per
//! package of `X:value` lines: `P` name, `V` version, `A` arch, `o` origin (the source
//! package that secdb and OSV `Alpine:` records name), `L` licence.

use super::{paragraphs, text, too_large, Cataloguer, FileMeta, Sink, DB_FILE_CAP};
use crate::licenses;
use crate::model::{Package, PackageType};

/// The apk database reader.
pub struct Apk;

impl Cataloguer for Apk {
    fn name(&self) -> &'static str {
        "apk"
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        file.path
            .ends_with("/lib/apk/db/installed")
            .then_some(DB_FILE_CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if truncated {
            return too_large(file, DB_FILE_CAP, sink);
        }
        let text = text(body);
        let mut bad: Vec<String> = Vec::new();
        for (line, para) in paragraphs(&text) {
            let get = |k: char| {
                para.iter().find_map(|l| {
                    let mut c = l.chars();
                    (c.next() == Some(k) && c.next() == Some(':'))
                        .then(|| l[2..].trim())
                        .filter(|v| !v.is_empty())
                })
            };
            let (Some(name), Some(version)) = (get('P'), get('V')) else {
                bad.push(format!(
                    "line {line}: entry without P: (name) and V: (version)"
                ));
                continue;
            };
            let mut p = Package::new(PackageType::Apk, name, version, "apk");
            p.arch = get('A').map(str::to_string);
            p.source_name = get('o').filter(|o| *o != name).map(str::to_string);
            if let Some(l) = get('L') {
                p.licenses = vec![licenses::normalise(l)];
            }
            sink.package(p);
        }
        if let Some(first) = bad.first() {
            let more = match bad.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            sink.warn(
                file.path,
                format!("unreadable package entry at {first}{more}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_db_with_origin_and_licence() {
        let body = "C:Q1abc=\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\nL:Apache-2.0\no:openssl\n\nP:musl\nV:1.2.5-r0\nA:x86_64\nL:MIT\no:musl\n\nV:1\n";
        let f = FileMeta {
            path: "/lib/apk/db/installed",
            size: body.len() as u64,
            mode: 0o644,
        };
        assert!(Apk.wants(&f).is_some());
        let mut s = Sink::default();
        Apk.parse(&f, body.as_bytes(), false, &mut s);
        assert_eq!(s.packages.len(), 2);
        assert_eq!(s.packages[0].source_name.as_deref(), Some("openssl"));
        assert_eq!(s.packages[0].licenses, ["Apache-2.0"]);
        assert_eq!(s.packages[1].source_name, None);
        assert_eq!(s.warnings.len(), 1);
    }
}
