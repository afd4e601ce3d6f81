//! `go.mod`, for `dir:` targets (see [`Cataloguer::declared`]): every `require`d
//! module with its version, direct or `// indirect`, after the `replace` directives
//! that give a module and version (a replacement by a local path keeps the
//! requirement). The `module` line names the project itself, with no version, and is
//! not a package. syft and trivy read the same lines. Hand-written: the format is
//! line-based, and no well-kept crate parses it outside the Go toolchain.

use super::lang_common::{too_large, with_purl};
use super::{text, Cataloguer, FileMeta, Sink};
use crate::model::{Package, PackageType};

/// The go.mod reader.
pub struct GoMod;

const NAME: &str = "go-mod";
const CAP: u64 = 16 << 20;

/// The words of a directive line, comments dropped.
fn words(line: &str) -> Vec<&str> {
    line.split("//")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect()
}

impl Cataloguer for GoMod {
    fn name(&self) -> &'static str {
        NAME
    }

    fn declared(&self) -> bool {
        true
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        (file.file_name() == "go.mod").then_some(CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, "go.mod", CAP, sink) {
            return;
        }
        let text = text(body);
        let mut required: Vec<(String, String)> = Vec::new();
        // (old path, old version or none) -> (new path, new version)
        let mut replaced: Vec<(String, Option<String>, String, String)> = Vec::new();
        let mut block: Option<&str> = None;
        for line in text.lines() {
            let w = words(line);
            let (verb, args): (&str, &[&str]) = match (block, w.as_slice()) {
                (Some(_), [")"]) => {
                    block = None;
                    continue;
                }
                (Some(b), args) => (b, args),
                (None, [verb, "("]) => {
                    block = Some(verb);
                    continue;
                }
                (None, [verb, args @ ..]) => (verb, args),
                (None, []) => continue,
            };
            match (verb, args) {
                ("require", [path, version]) => {
                    required.push((path.to_string(), version.to_string()))
                }
                ("replace", [old, "=>", new, new_v]) => {
                    replaced.push((old.to_string(), None, new.to_string(), new_v.to_string()))
                }
                ("replace", [old, old_v, "=>", new, new_v]) => replaced.push((
                    old.to_string(),
                    Some(old_v.to_string()),
                    new.to_string(),
                    new_v.to_string(),
                )),
                _ => {}
            }
        }
        for (mut path, mut version) in required {
            let rule = replaced.iter().find(|(old, old_v, _, _)| {
                *old == path && old_v.as_ref().is_none_or(|v| *v == version)
            });
            if let Some((_, _, new, new_v)) = rule {
                path = new.clone();
                version = new_v.clone();
            }
            sink.package(with_purl(Package::new(
                PackageType::Go,
                path,
                version,
                NAME,
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What syft 1.18 and trivy 0.59 list for this file.
    #[test]
    fn requires_and_replacements() {
        let body = "module example.com/app\n\ngo 1.21\n\ntoolchain go1.21.5\n\nrequire (\n\tgithub.com/pkg/errors v0.9.1\n\tgolang.org/x/text v0.14.0 // indirect\n)\n\nrequire github.com/stretchr/testify v1.8.4\n\nreplace github.com/pkg/errors => github.com/pkg/errors v0.9.0\n\nreplace (\n\texample.com/local v1.0.0 => ../local\n)\n\nrequire example.com/local v1.0.0\n";
        let sink = crate::catalog::offer_to(&GoMod, "/src/go.mod", body.as_bytes());
        let got: Vec<_> = sink
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("github.com/pkg/errors", "v0.9.0"),
                ("golang.org/x/text", "v0.14.0"),
                ("github.com/stretchr/testify", "v1.8.4"),
                ("example.com/local", "v1.0.0"),
            ]
        );
        assert!(sink.warnings.is_empty());
    }
}
