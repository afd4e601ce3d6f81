//! Bitnami images: each component installed under `/opt/bitnami/<component>/` ships an
//! SPDX JSON document of itself and what it bundles (`.spdx-<component>.spdx`), whose
//! packages name themselves with `pkg:bitnami/<name>@<version>-<revision>` purls. One
//! package per such purl, named and versioned by it (as trivy reads them: the purl's
//! `nss_wrapper`, not the SPDX name `nss-wrapper`), with the SPDX licence when it is
//! one. Documents are read with `serde_json`, up to 64 MiB; packages without a Bitnami
//! purl are skipped.

use serde::Deserialize;

use super::lang_common::{too_large, with_purl};
use super::{Cataloguer, FileMeta, Sink};
use crate::licenses;
use crate::model::{Package, PackageType};

/// The Bitnami SPDX reader.
pub struct BitnamiSpdx;

const NAME: &str = "bitnami";
const CAP: u64 = 64 << 20;

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    packages: Vec<SpdxPackage>,
}

#[derive(Deserialize)]
struct SpdxPackage {
    #[serde(rename = "licenseConcluded", default)]
    license_concluded: Option<String>,
    #[serde(rename = "externalRefs", default)]
    external_refs: Vec<ExternalRef>,
}

#[derive(Deserialize)]
struct ExternalRef {
    #[serde(rename = "referenceType", default)]
    kind: String,
    #[serde(rename = "referenceLocator", default)]
    locator: String,
}

fn wanted(path: &str) -> bool {
    let Some((_, name)) = path.rsplit_once('/') else {
        return false;
    };
    path.starts_with("/opt/bitnami/") && name.starts_with(".spdx-") && name.ends_with(".spdx")
}

impl Cataloguer for BitnamiSpdx {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        wanted(file.path).then_some(CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, "Bitnami SPDX document", CAP, sink) {
            return;
        }
        let doc: Doc = match serde_json::from_slice(body) {
            Ok(d) => d,
            Err(e) => return sink.warn(file.path, format!("not an SPDX JSON document: {e}")),
        };
        for p in doc.packages {
            let purls = p
                .external_refs
                .iter()
                .filter(|r| r.kind == "purl" && r.locator.starts_with("pkg:bitnami/"));
            for r in purls {
                let Ok(u) = r.locator.parse::<packageurl::PackageUrl>() else {
                    continue;
                };
                let Some(version) = u.version().filter(|v| !v.is_empty()) else {
                    continue;
                };
                let mut pkg = Package::new(PackageType::Bitnami, u.name(), version, NAME);
                pkg.arch = u.qualifiers().get("arch").map(|a| a.to_string());
                if let Some(l) = p
                    .license_concluded
                    .as_deref()
                    .filter(|l| !matches!(*l, "" | "NOASSERTION" | "NONE"))
                {
                    pkg.licenses.push(licenses::normalise(l));
                }
                sink.package(with_purl(pkg));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spdx_documents_of_components() {
        let path = "/opt/bitnami/postgresql/.spdx-postgresql.spdx";
        let f = FileMeta {
            path,
            size: 10,
            mode: 0o644,
        };
        assert!(BitnamiSpdx.wants(&f).is_some());
        for other in [
            "/opt/bitnami/postgresql/spdx-postgresql.spdx",
            "/usr/share/.spdx-x.spdx",
            "/opt/bitnami/.bitnami_components.json",
        ] {
            assert!(!wanted(other), "{other}");
        }
        let body = r#"{"spdxVersion":"SPDX-2.3","packages":[
            {"name":"postgresql","versionInfo":"17.2.0","licenseConcluded":"PostgreSQL","externalRefs":[
              {"referenceCategory":"SECURITY","referenceType":"cpe23Type","referenceLocator":"cpe:2.3:*:postgresql:postgresql:17.2.0:*:*:*:*:*:*:*"},
              {"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:bitnami/postgresql@17.2.0-8?arch=arm64&distro=debian-12"}]},
            {"name":"nss-wrapper","versionInfo":"1.1.16","licenseConcluded":"NOASSERTION","externalRefs":[
              {"referenceType":"purl","referenceLocator":"pkg:bitnami/nss_wrapper@1.1.16?arch=arm64&distro=debian-12"}]},
            {"name":"no-purl","versionInfo":"1"}]}"#;
        let mut sink = Sink::default();
        BitnamiSpdx.parse(&f, body.as_bytes(), false, &mut sink);
        let got: Vec<_> = sink
            .packages
            .iter()
            .map(|p| (p.purl.as_str(), p.arch.as_deref(), p.licenses.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "pkg:bitnami/postgresql@17.2.0-8",
                    Some("arm64"),
                    vec!["PostgreSQL".to_string()]
                ),
                ("pkg:bitnami/nss_wrapper@1.1.16", Some("arm64"), vec![]),
            ]
        );
        let mut sink = Sink::default();
        BitnamiSpdx.parse(&f, b"{\"packages\": 7}", false, &mut sink);
        assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
        assert_eq!(sink.warnings[0].path, path);
    }
}
