//! The gate report: everything `bosun gate` learned about one image, in one JSON
//! document. TOML policies and Rego policies (as `input`) read nothing else.

use bosun_diagnostics::{Finding, Severity};
use bosun_sbom::Package;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the report's JSON layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything the gate knows about one image. See the crate docs for the JSON schema.
///
/// A data source that was not gathered is `None` (JSON `null`), which is different from
/// "gathered and empty" (`[]`): a policy that needs a missing source is an error, never
/// a pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// What was examined.
    pub target: Target,
    /// Facts from the image config.
    pub image: ImageFacts,
    /// Image check findings (secrets included) and, when a Dockerfile was given, lint
    /// findings.
    pub findings: Vec<Finding>,
    /// The packages in the image (the SBOM); `None` when no SBOM was made.
    pub packages: Option<Vec<Package>>,
    /// Vulnerabilities matched against the packages; `None` when not matched.
    pub vulnerabilities: Option<Vec<Vulnerability>>,
    /// Keys whose signature over `target.digest` verified; `None` when signatures
    /// were not checked.
    pub signatures: Option<Vec<Signature>>,
}

impl GateReport {
    /// A report with no findings and no optional sources gathered.
    pub fn new(target: Target, image: ImageFacts) -> GateReport {
        GateReport {
            schema_version: SCHEMA_VERSION,
            target,
            image,
            findings: Vec::new(),
            packages: None,
            vulnerabilities: None,
            signatures: None,
        }
    }
}

/// The image examined.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The reference as the user gave it (`docker://registry.example.com/app:1`,
    /// `docker-archive:app.tar`).
    pub reference: String,
    /// The digest the reference resolves to (`sha256:...`): the index's for a
    /// multi-platform image, else the manifest's; what signatures sign. `None` for a
    /// source without one (a legacy docker archive).
    pub digest: Option<String>,
    /// The registry host the image is named after, normalised ([`normalize_registry`]):
    /// from the reference for a registry source, else from the first name the archive
    /// or layout gives the image. `None` when the image has no registry name.
    pub registry: Option<String>,
}

/// Facts from the image config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageFacts {
    /// Config `User` as written (`None` when absent; absent and empty both mean root).
    pub user: Option<String>,
    /// Config `Labels`.
    pub labels: BTreeMap<String, String>,
}

/// One vulnerability affecting one package. Deliberately small: the vulnerability
/// matcher converts its own richer records into this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vulnerability {
    /// The advisory ID (`CVE-2023-1234`, `GHSA-...`, `PYSEC-...`).
    pub id: String,
    /// Other IDs of the same advisory.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The affected package's purl.
    pub purl: String,
    /// Severity on bosun's one scale (`low`, `warning` = medium, `error` = high,
    /// `critical`).
    pub severity: Severity,
    /// The first version that fixes it, if one exists.
    pub fixed_version: Option<String>,
    /// Whether a fix exists.
    pub status: VulnStatus,
}

/// Whether a vulnerability has a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VulnStatus {
    /// A fixed version exists.
    Fixed,
    /// No fixed version yet.
    NotFixed,
    /// The maintainers will not fix it.
    WontFix,
}

impl Vulnerability {
    /// True when no fixed version exists (what `ignore_unfixed` skips).
    pub fn is_unfixed(&self) -> bool {
        self.status != VulnStatus::Fixed || self.fixed_version.is_none()
    }
}

/// A key whose signature over the target digest verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The public key as the policy names it (`keys/release.pub`).
    pub key: String,
    /// The key's fingerprint (`sha256:...` of its public key bytes), when known.
    pub fingerprint: Option<String>,
}

/// A registry host as references compare it: lowercase, Docker Hub's aliases
/// (`index.docker.io`, `registry-1.docker.io`, `registry.hub.docker.com`) as
/// `docker.io`, no `https://` or trailing `/`.
pub fn normalize_registry(host: &str) -> String {
    let h = host.trim();
    let h = h
        .strip_prefix("https://")
        .or_else(|| h.strip_prefix("http://"))
        .unwrap_or(h);
    let h = h.trim_end_matches('/').to_ascii_lowercase();
    match h.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".to_string()
        }
        _ => h,
    }
}

/// The registry host of an image name (`[registry/]repository[:tag][@digest]`),
/// normalised; Docker's rule: the first component is a registry only when it has a
/// `.` or `:` or is `localhost`, otherwise the name is on `docker.io`.
pub fn registry_of(name: &str) -> String {
    let first = name.split('/').next().unwrap_or("");
    if name.contains('/')
        && (first.contains('.')
            || first.contains(':')
            || first == "localhost"
            || first.starts_with('['))
    {
        normalize_registry(first)
    } else {
        "docker.io".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_of_follows_docker() {
        assert_eq!(registry_of("alpine"), "docker.io");
        assert_eq!(registry_of("alpine:3.20"), "docker.io");
        assert_eq!(registry_of("library/alpine"), "docker.io");
        assert_eq!(registry_of("user/app:1"), "docker.io");
        assert_eq!(
            registry_of("Registry.Example.com/app:1"),
            "registry.example.com"
        );
        assert_eq!(registry_of("127.0.0.1:5000/app"), "127.0.0.1:5000");
        assert_eq!(registry_of("localhost/goapp:latest"), "localhost");
        assert_eq!(registry_of("index.docker.io/library/alpine"), "docker.io");
    }

    #[test]
    fn unfixed_means_no_fixed_version() {
        let mut v = Vulnerability {
            id: "CVE-1".into(),
            aliases: vec![],
            purl: "pkg:pypi/x@1".into(),
            severity: Severity::Error,
            fixed_version: Some("2".into()),
            status: VulnStatus::Fixed,
        };
        assert!(!v.is_unfixed());
        v.status = VulnStatus::WontFix;
        v.fixed_version = None;
        assert!(v.is_unfixed());
    }
}
