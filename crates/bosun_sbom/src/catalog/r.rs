//! R packages: the `DESCRIPTION` file of every installed package (`<library>/<name>/
//! DESCRIPTION`, Debian's `/usr/lib/R/library`, rocker's `/usr/local/lib/R/site-library`),
//! Debian control format: `Package:`, `Version:`, `License:` (its `+ file LICENSE`
//! part dropped). Only files with both a package name and a version count, as in syft
//! (trivy does not read R); the purl is `pkg:cran/<name>@<version>`.

use super::{text, too_large, Cataloguer, FileMeta, Sink};
use crate::catalog::lang_common::with_purl;
use crate::licenses;
use crate::model::{Package, PackageType};

/// The R `DESCRIPTION` reader.
pub struct RDescription;

/// Cap for one `DESCRIPTION` file.
const CAP: u64 = 1 << 20;

impl Cataloguer for RDescription {
    fn name(&self) -> &'static str {
        "r-package"
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        (file.file_name() == "DESCRIPTION").then_some(CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if truncated {
            return too_large(file, CAP, sink);
        }
        let text = text(body);
        // Fields start at column 0; continuation lines are indented.
        let field = |k: &str| {
            text.lines().find_map(|l| {
                let (key, value) = l.split_once(':')?;
                (key == k).then(|| value.trim()).filter(|v| !v.is_empty())
            })
        };
        let (Some(name), Some(version)) = (field("Package"), field("Version")) else {
            return; // not an R package's DESCRIPTION (the name is common)
        };
        let mut p = Package::new(PackageType::Cran, name, version, "r-package");
        if let Some(l) = field("License") {
            let l = l.split(" + file").next().unwrap_or(l);
            let l = l.split(" | file").next().unwrap_or(l).trim();
            if !l.is_empty() {
                p.licenses = vec![licenses::normalise(l)];
            }
        }
        sink.package(with_purl(p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_files() {
        let f = FileMeta {
            path: "/usr/local/lib/R/site-library/jsonlite/DESCRIPTION",
            size: 10,
            mode: 0o644,
        };
        let body = "Package: jsonlite\nVersion: 1.8.8\nTitle: A Simple and Robust JSON Parser\n  for R\nLicense: MIT + file LICENSE\n";
        let mut sink = Sink::default();
        RDescription.parse(&f, body.as_bytes(), false, &mut sink);
        let p = &sink.packages[0];
        assert_eq!(p.purl, "pkg:cran/jsonlite@1.8.8");
        assert_eq!(p.licenses, ["MIT"]);
        let mut sink = Sink::default();
        RDescription.parse(&f, b"Some other DESCRIPTION file\n", false, &mut sink);
        assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 0));
    }
}
