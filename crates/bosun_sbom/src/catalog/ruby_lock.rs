//! `Gemfile.lock`, for `dir:` targets (see [`Cataloguer::declared`]): the gems of its
//! `specs:` lists (under `GEM`, `GIT` and `PATH`), the lines indented by exactly four
//! spaces, `name (version)`; a platform suffix (`1.15.5-x86_64-linux`) is not part of
//! the version, as trivy reads it. Hand-written: the format is line-based, and no
//! well-kept crate reads it outside Bundler.

use super::lang_common::{too_large, with_purl};
use super::{text, Cataloguer, FileMeta, Sink};
use crate::model::{Package, PackageType};

/// The Gemfile.lock reader.
pub struct GemfileLock;

const NAME: &str = "ruby-gemfile-lock";
const CAP: u64 = 16 << 20;

/// `name (version)` of one spec line.
fn spec(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("    ")?;
    if rest.starts_with(' ') {
        return None; // a dependency of the spec above
    }
    let (name, version) = rest.split_once(" (")?;
    let version = version.strip_suffix(')')?;
    let version = version.split('-').next().unwrap_or(version);
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

impl Cataloguer for GemfileLock {
    fn name(&self) -> &'static str {
        NAME
    }

    fn declared(&self) -> bool {
        true
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        (file.file_name() == "Gemfile.lock").then_some(CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, "Gemfile.lock", CAP, sink) {
            return;
        }
        let text = text(body);
        let mut in_specs = false;
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if !line.starts_with(' ') {
                in_specs = false; // a section header (`GEM`, `PLATFORMS`, ...)
                continue;
            }
            if line.trim() == "specs:" {
                in_specs = true;
                continue;
            }
            if let Some((name, version)) = spec(line).filter(|_| in_specs) {
                sink.package(with_purl(Package::new(
                    PackageType::Gem,
                    name,
                    version,
                    NAME,
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What trivy 0.59 lists for this file (syft 1.18 keeps the platform suffix).
    #[test]
    fn specs_of_every_source() {
        let body = "GIT\n  remote: https://github.com/x/y.git\n  specs:\n    ydep (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.0.8)\n    rails (7.1.2)\n      rack (>= 2.2.4)\n    nokogiri (1.15.5-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.7.3)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  rails\n  nokogiri (1.0)\n\nBUNDLED WITH\n   2.4.22\n";
        let sink = crate::catalog::offer_to(&GemfileLock, "/src/Gemfile.lock", body.as_bytes());
        let got: Vec<_> = sink
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("ydep", "0.1.0"),
                ("rack", "3.0.8"),
                ("rails", "7.1.2"),
                ("nokogiri", "1.15.5"),
                ("racc", "1.7.3"),
            ]
        );
    }
}
