//! The promotion gate's policy engine. Pure: the binary gathers the facts into a
//! [`GateReport`], reads the policy files, and hands both in as data.
//!
//! It owns:
//! - the gate report ([`report`]) and its JSON layout (below, and
//!   `docs/gate-report.md`);
//! - TOML policies ([`Policy`]) for the common rules;
//! - Rego policies ([`RegoPolicy`], through the `regorus` engine) for custom rules,
//!   over the same report JSON as `input`;
//! - the [`Verdict`]: pass or deny, with every reason.
//!
//! Invariants:
//! - A rule whose data source the report lacks (`null`) is an error
//!   ([`PolicyError::MissingSource`]), never a pass.
//! - Unknown TOML keys are errors; every policy error is one line naming the file and
//!   the line.
//! - Each reason names the policy key, what failed and where, e.g.
//!   `vulnerabilities.fail_on = high: CVE-2023-1234 (high) in pkg:pypi/urllib3@1.26.4, fixed in 1.26.5`.
//!
//! # TOML policy
//!
//! ```toml
//! [signatures]
//! required_keys = ["keys/release.pub"]   # every key listed must have signed the digest
//! [vulnerabilities]
//! fail_on = "high"                        # deny findings at or above this severity
//! ignore_unfixed = true                   # ... unless no fixed version exists
//! [image]
//! require_non_root = true                 # blank User, root, 0, 0:0, 00 are root
//! deny_secrets = true                     # any secret finding (image or Dockerfile)
//! allowed_registries = ["registry.example.com"]   # docker.io when the name has none
//! required_labels = ["org.opencontainers.image.source"]
//! banned_packages = ["telnetd"]           # package names, case-insensitive
//! ```
//!
//! # Rego policy
//!
//! `package bosun`, with `deny` a set of strings; each string is one reason:
//!
//! ```rego
//! package bosun
//! import rego.v1
//! deny contains msg if {
//!     not input.image.labels["org.opencontainers.image.licenses"]
//!     msg := "the image declares no licence"
//! }
//! ```
//!
//! # Report JSON (`input` of Rego policies; `bosun gate --format json` prints it)
//!
//! ```text
//! {
//!   "schema_version": 1,
//!   "target": {
//!     "reference": string,          // as given: docker://..., docker-archive:...
//!     "digest": string | null,      // what the reference resolves to (the index's
//!                                   // digest for a multi-platform image), sha256:...
//!     "registry": string | null     // normalised host: docker.io, registry.example.com
//!   },
//!   "image": {
//!     "user": string | null,        // config User as written
//!     "labels": {string: string}
//!   },
//!   "findings": [Finding],          // bosun_diagnostics::Finding: code, name, severity
//!                                   // (style|info|low|warning|error|critical), message,
//!                                   // location {kind: file|layer|image_config|package, ...},
//!                                   // fix?, help_url?
//!   "packages": [Package] | null,   // bosun_sbom::Package: name, version, type, namespace?,
//!                                   // arch?, source_name?, source_version?, licenses,
//!                                   // found_by, locations [{path, layer_digest?, layer_index?}],
//!                                   // purl; null = no SBOM made
//!   "vulnerabilities": [{
//!       "id": string, "aliases": [string], "purl": string,
//!       "severity": "low"|"warning"|"error"|"critical",   // warning = medium, error = high
//!       "fixed_version": string | null,
//!       "status": "fixed"|"not-fixed"|"wont-fix"
//!   }] | null,                      // null = not matched
//!   "signatures": [{"key": string, "fingerprint": string | null}] | null
//!                                   // keys whose signature over digest verified;
//!                                   // null = not checked
//! }
//! ```

pub mod policy;
pub mod rego;
pub mod report;

pub use policy::{cvss_word, is_secret_finding, Policy};
pub use rego::RegoPolicy;
pub use report::{
    normalize_registry, registry_of, GateReport, ImageFacts, Signature, Target, VulnStatus,
    Vulnerability,
};

use serde::{Deserialize, Serialize};
use std::fmt;

/// A data source of the report that a policy may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The SBOM (`packages`).
    Packages,
    /// Vulnerability matches (`vulnerabilities`).
    Vulnerabilities,
    /// Signature verification (`signatures`).
    Signatures,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Packages => "a package list (SBOM)",
            Source::Vulnerabilities => "a vulnerability database",
            Source::Signatures => "signature verification",
        })
    }
}

/// One reason to deny.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The policy key that denied (`image.require_non_root = true`,
    /// `vulnerabilities.fail_on = high`, `rego policy.rego`).
    pub key: String,
    /// What failed, and where.
    pub message: String,
}

impl Reason {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Reason {
        Reason {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// The gate's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// True when no policy gave a reason to deny.
    pub pass: bool,
    /// Every reason, TOML policies first, then Rego policies, each in order.
    pub reasons: Vec<Reason>,
}

/// A policy that cannot be read or evaluated: one line naming the file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{file}:{line}:{column}: {message}")]
    Toml {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{location}: {message}")]
    Rego { location: String, message: String },
    #[error("{key} needs {needs}, which this gate run did not produce")]
    MissingSource { key: &'static str, needs: Source },
}

/// Evaluates every policy over `report`.
pub fn decide(
    policies: &[Policy],
    rego: &[RegoPolicy],
    report: &GateReport,
) -> Result<Verdict, PolicyError> {
    let mut reasons = Vec::new();
    for p in policies {
        reasons.extend(p.evaluate(report)?);
    }
    for r in rego {
        reasons.extend(r.evaluate(report)?);
    }
    Ok(Verdict {
        pass: reasons.is_empty(),
        reasons,
    })
}
