//! Ruby gems: installed gem specifications.
//!
//! Files: `*.gemspec` anywhere below a `specifications/` folder (syft's and trivy's
//! rule; default gems sit in its `default/` subfolder), e.g.
//! `/usr/lib/ruby/gems/3.1.0/specifications/`,
//! `/usr/local/bundle/specifications/`, and Debian's
//! `/usr/share/rubygems-integration/all/specifications/`; read up to 1 MiB.
//!
//! Fields: name, version, licences (`s.license`/`s.licenses`, each as declared). purl
//! `pkg:gem/<name>@<version>`.
//!
//! How: the files are Ruby source written by `Gem::Specification#to_ruby` (or by
//! Debian's packaging, the same shape); the `s.name = "x"`, `s.version = "1.0"` and
//! licence assignments are read line by line, taking the quoted strings. Hand-written:
//! no crate reads gemspecs, and evaluating Ruby is out of the question.
//! Known gaps: a hand-written gemspec that computes its name or version (a
//! `*.gemspec` in a source checkout) yields a warning, not a package; `Gemfile.lock`
//! is not read.

use crate::catalog::lang_common::{too_large, with_purl};
use crate::catalog::{Cataloguer, FileMeta, Sink};
use crate::model::{Package, PackageType};

const NAME: &str = "ruby-gemspec";
const MAX_SPEC: u64 = 1 << 20;

/// The installed gemspec cataloguer.
pub fn ruby() -> Box<dyn Cataloguer> {
    Box::new(GemSpec)
}

struct GemSpec;

impl Cataloguer for GemSpec {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        let (dir, name) = file.path.rsplit_once('/')?;
        (name.ends_with(".gemspec") && dir.split('/').any(|c| c == "specifications"))
            .then_some(MAX_SPEC)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, "gemspec", MAX_SPEC, sink) {
            return;
        }
        let text = String::from_utf8_lossy(body);
        let (mut name, mut version, mut licenses) = (None, None, Vec::new());
        for line in text.lines() {
            let Some((field, value)) = assignment(line) else {
                continue;
            };
            match field {
                "name" if name.is_none() => name = quoted(value).into_iter().next(),
                "version" if version.is_none() => version = quoted(value).into_iter().next(),
                "license" | "licenses" if licenses.is_empty() => licenses = quoted(value),
                _ => {}
            }
        }
        match (name, version) {
            (Some(n), Some(v)) if !n.is_empty() && !v.is_empty() => {
                let mut p = Package::new(PackageType::Gem, n, v, NAME);
                p.licenses = licenses;
                sink.package(with_purl(p));
            }
            _ => sink.warn(file.path, "gemspec has no literal name and version"),
        }
    }
}

/// `  s.version = "1.0".freeze` -> (`version`, `"1.0".freeze`).
fn assignment(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start();
    let (lhs, rhs) = line.split_once('=')?;
    if rhs.starts_with(['=', '~']) {
        return None;
    }
    let (recv, field) = lhs.trim_end().split_once('.')?;
    let simple =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (simple(recv) && simple(field)).then_some((field, rhs.trim()))
}

/// The double- or single-quoted string literals of a Ruby expression (no
/// interpolation; `\"` escapes kept out of the value).
fn quoted(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = expr.chars();
    while let Some(c) = chars.next() {
        if c == '"' || c == '\'' {
            let mut s = String::new();
            let mut escaped = false;
            for d in chars.by_ref() {
                match d {
                    '\\' if !escaped => escaped = true,
                    d if d == c && !escaped => break,
                    d => {
                        s.push(d);
                        escaped = false;
                    }
                }
            }
            out.push(s);
        } else if c == '#' {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemspecs_anywhere_below_a_specifications_folder() {
        let wants = |path: &str| {
            GemSpec
                .wants(&FileMeta {
                    path,
                    size: 10,
                    mode: 0o644,
                })
                .is_some()
        };
        for p in [
            "/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec",
            "/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec",
            "/usr/local/bundle/specifications/x/y/z-1.0.gemspec",
            "/usr/share/rubygems-integration/all/specifications/rack-2.2.gemspec",
        ] {
            assert!(wants(p), "{p}");
        }
        for p in [
            "/src/app/app.gemspec",
            "/usr/lib/ruby/gems/3.1.0/specifications.gemspec",
            "/specifications-old/x.gemspec",
            "/usr/lib/ruby/gems/3.1.0/specifications/README",
        ] {
            assert!(!wants(p), "{p}");
        }
    }

    #[test]
    fn assignments_and_literals() {
        assert_eq!(
            assignment("  s.name = \"abbrev\".freeze"),
            Some(("name", "\"abbrev\".freeze"))
        );
        assert_eq!(assignment("  s.version == 1"), None);
        assert_eq!(assignment("if x.y"), None);
        assert_eq!(
            quoted(r#"["Ruby".freeze, 'BSD-2-Clause'] # "no""#),
            ["Ruby", "BSD-2-Clause"]
        );
        assert_eq!(quoted(r#"Gem::Version.new("1.2.3")"#), ["1.2.3"]);
    }
}
