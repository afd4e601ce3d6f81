//! The report of `bosun scan`: what every stage (lint, image checks, SBOM,
//! vulnerabilities, policy) found about one Dockerfile and/or one image, as one value
//! ([`ScanReport`]), and its renderers: the short summary for terminals
//! ([`write_summary`]), JSON ([`write_json`]) and one self-contained HTML page
//! ([`html::render`]). SARIF and the per-finding text stay with
//! `bosun_diagnostics::render` (one renderer per format).
//!
//! Invariants:
//! - no IO: every renderer writes to a `Write` it is given, and the HTML page names no
//!   external resource (inline CSS and script, a `default-src 'none'` content security
//!   policy);
//! - every string that came from outside (finding messages and locations, `created_by`,
//!   labels, package names) passes `bosun_diagnostics::render`'s redactor before any
//!   format writes it, and is HTML-escaped by construction in the page (maud escapes
//!   every interpolated string).

pub mod html;

use bosun_diagnostics::render::{escape_control, redact_text, redacted};
use bosun_diagnostics::{Finding, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The version of the JSON layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// One stage of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StageKind {
    /// Dockerfile rules.
    Lint,
    /// Image checks (config, history, layer entries).
    Image,
    /// The package inventory.
    Sbom,
    /// Known vulnerabilities of the packages.
    Vuln,
    /// The promotion policy.
    Policy,
}

impl StageKind {
    pub const ALL: [StageKind; 5] = [
        StageKind::Lint,
        StageKind::Image,
        StageKind::Sbom,
        StageKind::Vuln,
        StageKind::Policy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Lint => "lint",
            StageKind::Image => "image",
            StageKind::Sbom => "sbom",
            StageKind::Vuln => "vuln",
            StageKind::Policy => "policy",
        }
    }

    /// A title for people.
    pub fn title(self) -> &'static str {
        match self {
            StageKind::Lint => "Dockerfile",
            StageKind::Image => "Image checks",
            StageKind::Sbom => "Packages",
            StageKind::Vuln => "Vulnerabilities",
            StageKind::Policy => "Policy",
        }
    }
}

/// What one stage did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    pub kind: StageKind,
    /// `None` when it ran; else why it did not (no Dockerfile given, no database...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// One line on what it looked at (`2 files`, `14 packages`, `3 advisories
    /// matched`...).
    pub note: String,
    pub findings: Vec<Finding>,
}

impl Stage {
    pub fn ran(kind: StageKind, note: impl Into<String>, findings: Vec<Finding>) -> Stage {
        Stage {
            kind,
            skipped: None,
            note: note.into(),
            findings,
        }
    }

    pub fn skipped(kind: StageKind, why: impl Into<String>) -> Stage {
        Stage {
            kind,
            skipped: Some(why.into()),
            note: String::new(),
            findings: Vec::new(),
        }
    }

    /// Findings per severity, every severity present (zeros included).
    pub fn counts(&self) -> BTreeMap<Severity, usize> {
        counts(&self.findings)
    }
}

fn counts(findings: &[Finding]) -> BTreeMap<Severity, usize> {
    let mut m: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|s| (*s, 0)).collect();
    for f in findings {
        *m.entry(f.severity).or_default() += 1;
    }
    m
}

/// One layer of the image: what the bar and the layer table show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerRow {
    /// 0 = base layer.
    pub index: usize,
    pub digest: String,
    /// Bytes of the layer blob as stored.
    pub size: u64,
    /// The history entry that made it.
    pub created_by: Option<String>,
    /// Packages this layer added (the SBOM's "added by" layer).
    pub packages: usize,
    /// Image-check findings located in this layer.
    pub findings: usize,
}

/// One package upgrade that fixes known vulnerabilities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixRow {
    pub package: String,
    pub installed: String,
    /// The lowest version that fixes every listed vulnerability it can.
    pub fixed_in: String,
    /// Vulnerabilities the upgrade fixes.
    pub fixes: usize,
    /// The worst of them.
    pub severity: Severity,
}

/// The policy's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyVerdict {
    pub pass: bool,
    /// Every reason for a deny, one line each.
    pub reasons: Vec<String>,
}

/// Everything one `bosun scan` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanReport {
    pub schema_version: u32,
    /// What was scanned, as the user named it.
    pub targets: Vec<String>,
    /// The image, when one was scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageSummary>,
    /// Every stage, in [`StageKind::ALL`] order.
    pub stages: Vec<Stage>,
    /// The fix summary; empty when there is nothing to upgrade (the section is left out).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<FixRow>,
    /// The policy's verdict, when a policy was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyVerdict>,
    /// Findings at or above this fail the scan; `None`: never.
    pub failure_threshold: Option<Severity>,
}

/// The image's config facts and layers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageSummary {
    pub name: String,
    /// The manifest (or config) digest.
    pub digest: String,
    pub user: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub layers: Vec<LayerRow>,
    /// Packages in the final filesystem.
    pub packages: usize,
}

impl ScanReport {
    /// Every finding of every stage.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.stages.iter().flat_map(|s| s.findings.iter())
    }

    /// True when a finding reaches the threshold or the policy denied.
    pub fn failed(&self) -> bool {
        let by_findings = self
            .failure_threshold
            .is_some_and(|t| self.findings().any(|f| f.severity >= t));
        by_findings || self.policy.as_ref().is_some_and(|p| !p.pass)
    }

    /// The verdict in one line: `FAIL: 12 findings at or above warning; policy denied`.
    pub fn verdict_line(&self) -> String {
        let mut why = Vec::new();
        if let Some(t) = self.failure_threshold {
            let n = self.findings().filter(|f| f.severity >= t).count();
            if n > 0 {
                why.push(format!(
                    "{n} finding{} at or above {t}",
                    if n == 1 { "" } else { "s" }
                ));
            }
        }
        if let Some(p) = &self.policy {
            why.push(if p.pass {
                "policy passed".to_string()
            } else {
                format!(
                    "policy denied ({} reason{})",
                    p.reasons.len(),
                    if p.reasons.len() == 1 { "" } else { "s" }
                )
            });
        }
        let word = if self.failed() { "FAIL" } else { "PASS" };
        if why.is_empty() {
            word.to_string()
        } else {
            format!("{word}: {}", why.join("; "))
        }
    }

    /// A copy whose untrusted strings are redacted (findings, `created_by`, labels,
    /// fix rows, policy reasons): what every format writes.
    pub fn redacted(&self) -> ScanReport {
        let r = |s: &str| redact_text(s).into_owned();
        let mut out = self.clone();
        for s in &mut out.stages {
            s.findings = redacted(&s.findings);
        }
        if let Some(img) = &mut out.image {
            img.name = r(&img.name);
            img.user = img.user.as_deref().map(r);
            img.labels = img.labels.iter().map(|(k, v)| (r(k), r(v))).collect();
            for l in &mut img.layers {
                l.created_by = l.created_by.as_deref().map(r);
            }
        }
        for f in &mut out.fixes {
            f.package = r(&f.package);
            f.installed = r(&f.installed);
            f.fixed_in = r(&f.fixed_in);
        }
        if let Some(p) = &mut out.policy {
            p.reasons = p.reasons.iter().map(|s| r(s)).collect();
        }
        out.targets = out.targets.iter().map(|s| r(s)).collect();
        out
    }
}

/// The report as JSON (redacted; control characters escaped). The layout:
/// `schema_version`, `targets`, `image` (`name`, `digest`, `user`, `labels`, `layers`
/// [`index`, `digest`, `size`, `created_by`, `packages`, `findings`], `packages`),
/// `stages` [`kind`, `skipped`?, `note`, `findings` (as `bosun lint --format json`)],
/// `fixes`?, `policy`? (`pass`, `reasons`), `failure_threshold`, and `summary`
/// (per stage: findings per severity) and `verdict` (`pass`, `line`).
pub fn write_json(w: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    let clean = report.redacted();
    let mut value = serde_json::to_value(&clean).map_err(io::Error::from)?;
    let summary: BTreeMap<&str, BTreeMap<Severity, usize>> = clean
        .stages
        .iter()
        .map(|s| (s.kind.as_str(), s.counts()))
        .collect();
    if let serde_json::Value::Object(m) = &mut value {
        m.insert(
            "summary".into(),
            serde_json::to_value(summary).map_err(io::Error::from)?,
        );
        m.insert(
            "verdict".into(),
            serde_json::json!({ "pass": !clean.failed(), "line": clean.verdict_line() }),
        );
    }
    bosun_diagnostics::render::write_json(w, &value)
}

/// The short summary for terminals: one line per stage (findings per severity, or why
/// it did not run), the policy's reasons, and the verdict line. Strings are redacted
/// and control characters escaped.
pub fn write_summary(w: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    let clean = report.redacted();
    let t = |s: &str| escape_control(s).into_owned();
    writeln!(w, "bosun scan: {}", t(&clean.targets.join(", ")))?;
    writeln!(
        w,
        "{:<8} {:>8} {:>8} {:>5} {:>7} {:>3} {:>4} {:>5}  what",
        "stage", "findings", "critical", "error", "warning", "low", "info", "style"
    )?;
    for s in &clean.stages {
        if let Some(why) = &s.skipped {
            writeln!(w, "{:<8} not run: {}", s.kind.as_str(), t(why))?;
            continue;
        }
        let c = s.counts();
        writeln!(
            w,
            "{:<8} {:>8} {:>8} {:>5} {:>7} {:>3} {:>4} {:>5}  {}",
            s.kind.as_str(),
            s.findings.len(),
            c[&Severity::Critical],
            c[&Severity::Error],
            c[&Severity::Warning],
            c[&Severity::Low],
            c[&Severity::Info],
            c[&Severity::Style],
            t(&s.note)
        )?;
    }
    if let Some(p) = &clean.policy {
        for r in &p.reasons {
            writeln!(w, "  policy: {}", t(r))?;
        }
    }
    writeln!(w, "{}", clean.verdict_line())
}

/// Human-readable bytes (`1.5 MiB`).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_human() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024), "3.0 MiB");
    }
}
