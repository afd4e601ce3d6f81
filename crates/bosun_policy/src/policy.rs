//! The TOML policy: the common gate rules as data, and their evaluation over a
//! [`GateReport`].

use crate::report::{normalize_registry, GateReport};
use crate::{PolicyError, Reason, Source};
use bosun_diagnostics::{Finding, Severity};
use serde::Deserialize;

/// A TOML policy. Every table and key is optional; an absent key checks nothing.
/// Unknown keys are errors (a typo must not silently disable a rule).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default)]
    pub signatures: SignaturesPolicy,
    #[serde(default)]
    pub vulnerabilities: VulnerabilitiesPolicy,
    #[serde(default)]
    pub image: ImagePolicy,
}

/// `[signatures]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignaturesPolicy {
    /// Public keys (paths, relative to the policy file) that must every one have
    /// signed the target digest.
    #[serde(default)]
    pub required_keys: Vec<String>,
}

/// `[vulnerabilities]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilitiesPolicy {
    /// Deny every vulnerability at or above this severity (`low`, `medium`, `high`,
    /// `critical`, or bosun's names `warning`, `error`).
    pub fail_on: Option<SeverityName>,
    /// Skip vulnerabilities that have no fixed version.
    #[serde(default)]
    pub ignore_unfixed: bool,
}

/// `[image]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImagePolicy {
    /// Deny an image whose config `User` is root (blank, `root`, `0`, `0:0`, `00`, ...).
    #[serde(default)]
    pub require_non_root: bool,
    /// Deny an image (or Dockerfile) with any secret finding.
    #[serde(default)]
    pub deny_secrets: bool,
    /// The image must be named after one of these registry hosts.
    pub allowed_registries: Option<Vec<String>>,
    /// Labels the image config must set (to a non-empty value).
    #[serde(default)]
    pub required_labels: Vec<String>,
    /// Package names that must not be installed (case-insensitive).
    #[serde(default)]
    pub banned_packages: Vec<String>,
}

/// A severity as the policy wrote it (kept for messages) and as bosun orders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityName {
    pub written: String,
    pub severity: Severity,
}

impl<'de> Deserialize<'de> for SeverityName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let written = String::deserialize(d)?;
        let severity = written.parse::<Severity>().map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown severity `{written}` (expected low, medium, high or critical)"
            ))
        })?;
        Ok(SeverityName { written, severity })
    }
}

/// The CVSS word for a severity on bosun's scale (`error` is `high`).
pub fn cvss_word(s: Severity) -> &'static str {
    match s {
        Severity::Style | Severity::Info => "negligible",
        Severity::Low => "low",
        Severity::Warning => "medium",
        Severity::Error => "high",
        Severity::Critical => "critical",
    }
}

/// Finding codes that report a secret: the image checks' secret rules, the Dockerfile
/// secret rules (`BSN3xxx`) and BuildKit's `SecretsUsedInArgOrEnv`.
pub fn is_secret_finding(f: &Finding) -> bool {
    matches!(
        f.code.as_str(),
        "BSI101" | "BSI102" | "BSI110" | "BSI111" | "BSI112" | "BSI113" | "SecretsUsedInArgOrEnv"
    ) || f.code.starts_with("BSN3")
}

impl Policy {
    /// Parses a TOML policy. `name` (the file name) prefixes the one-line error, with
    /// the line and column of the problem.
    pub fn parse(name: &str, text: &str) -> Result<Policy, PolicyError> {
        toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| {
                let mut i = s.start.min(text.len());
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                bosun_diagnostics::line_col(text, i)
            });
            let message = e.message().trim().replace('\n', " ");
            PolicyError::Toml {
                file: name.to_string(),
                line: at.map_or(0, |a| a.0),
                column: at.map_or(0, |a| a.1),
                message,
            }
        })
    }

    /// The data sources this policy reads, so the gate gathers them (and fails early
    /// when one is not available).
    pub fn needs(&self) -> Vec<Source> {
        let mut v = Vec::new();
        if !self.image.banned_packages.is_empty() {
            v.push(Source::Packages);
        }
        if self.vulnerabilities.fail_on.is_some() {
            v.push(Source::Vulnerabilities);
        }
        if !self.signatures.required_keys.is_empty() {
            v.push(Source::Signatures);
        }
        v
    }

    /// Every reason this policy denies `report`; empty means pass. A rule whose data
    /// source the report lacks is an error, never a pass.
    pub fn evaluate(&self, report: &GateReport) -> Result<Vec<Reason>, PolicyError> {
        let mut out = Vec::new();
        self.check_signatures(report, &mut out)?;
        self.check_vulnerabilities(report, &mut out)?;
        self.check_image(report, &mut out)?;
        Ok(out)
    }

    fn check_signatures(
        &self,
        report: &GateReport,
        out: &mut Vec<Reason>,
    ) -> Result<(), PolicyError> {
        if self.signatures.required_keys.is_empty() {
            return Ok(());
        }
        let sigs = report
            .signatures
            .as_ref()
            .ok_or(PolicyError::MissingSource {
                key: "signatures.required_keys",
                needs: Source::Signatures,
            })?;
        let digest = report.target.digest.as_deref().unwrap_or("(no digest)");
        for key in &self.signatures.required_keys {
            if !sigs.iter().any(|s| &s.key == key) {
                out.push(Reason::new(
                    "signatures.required_keys",
                    format!("no valid signature by {key} over {digest}"),
                ));
            }
        }
        Ok(())
    }

    fn check_vulnerabilities(
        &self,
        report: &GateReport,
        out: &mut Vec<Reason>,
    ) -> Result<(), PolicyError> {
        let Some(fail_on) = &self.vulnerabilities.fail_on else {
            return Ok(());
        };
        let vulns = report
            .vulnerabilities
            .as_ref()
            .ok_or(PolicyError::MissingSource {
                key: "vulnerabilities.fail_on",
                needs: Source::Vulnerabilities,
            })?;
        let key = format!("vulnerabilities.fail_on = {}", fail_on.written);
        for v in vulns {
            if v.severity < fail_on.severity {
                continue;
            }
            if self.vulnerabilities.ignore_unfixed && v.is_unfixed() {
                continue;
            }
            let fix = match &v.fixed_version {
                Some(f) => format!(", fixed in {f}"),
                None => ", no fix".to_string(),
            };
            out.push(Reason::new(
                key.clone(),
                format!("{} ({}) in {}{fix}", v.id, cvss_word(v.severity), v.purl),
            ));
        }
        Ok(())
    }

    fn check_image(&self, report: &GateReport, out: &mut Vec<Reason>) -> Result<(), PolicyError> {
        let p = &self.image;
        if p.require_non_root && bosun_inspect::is_root_user(report.image.user.as_deref()) {
            let what = match report.image.user.as_deref().map(str::trim) {
                None | Some("") => "config User is empty".to_string(),
                Some(u) => format!("config User is `{u}`"),
            };
            out.push(Reason::new(
                "image.require_non_root = true",
                format!("the image runs as root ({what})"),
            ));
        }
        if p.deny_secrets {
            for f in report.findings.iter().filter(|f| is_secret_finding(f)) {
                out.push(Reason::new(
                    "image.deny_secrets = true",
                    format!(
                        "{} {} at {}: {}",
                        f.code,
                        f.name,
                        f.location.short(),
                        f.message
                    ),
                ));
            }
        }
        if let Some(allowed) = &p.allowed_registries {
            let allowed: Vec<String> = allowed.iter().map(|a| normalize_registry(a)).collect();
            match &report.target.registry {
                Some(r) if allowed.contains(&normalize_registry(r)) => {}
                Some(r) => out.push(Reason::new(
                    "image.allowed_registries",
                    format!(
                        "{} is from registry {r}, not one of [{}]",
                        report.target.reference,
                        allowed.join(", ")
                    ),
                )),
                None => out.push(Reason::new(
                    "image.allowed_registries",
                    format!(
                        "{} names no registry (an unnamed archive or layout)",
                        report.target.reference
                    ),
                )),
            }
        }
        for label in &p.required_labels {
            match report.image.labels.get(label) {
                Some(v) if !v.trim().is_empty() => {}
                Some(_) => out.push(Reason::new(
                    "image.required_labels",
                    format!("label {label} is empty"),
                )),
                None => out.push(Reason::new(
                    "image.required_labels",
                    format!("label {label} is missing"),
                )),
            }
        }
        if !p.banned_packages.is_empty() {
            let packages = report.packages.as_ref().ok_or(PolicyError::MissingSource {
                key: "image.banned_packages",
                needs: Source::Packages,
            })?;
            for pkg in packages {
                if p.banned_packages
                    .iter()
                    .any(|b| b.trim().eq_ignore_ascii_case(&pkg.name))
                {
                    let at = pkg
                        .locations
                        .first()
                        .map(|l| format!(" at {}", l.path))
                        .unwrap_or_default();
                    let id = if pkg.purl.is_empty() {
                        format!("{} {}", pkg.name, pkg.version)
                    } else {
                        pkg.purl.clone()
                    };
                    out.push(Reason::new(
                        "image.banned_packages",
                        format!("{id} is installed{at}"),
                    ));
                }
            }
        }
        Ok(())
    }
}
