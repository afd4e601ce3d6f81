//! The normalised advisory: what every importer produces and the store keeps.
//!
//! It is OSV's model cut to what matching needs, plus the distribution's own view
//! (status and urgency) and RustSec's `informational` kind, which OSV keeps in
//! free-form `database_specific` fields.

use serde::{Deserialize, Serialize};

/// One advisory (an OSV record, a Debian tracker CVE, a DSA, an Alpine secfix CVE).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    /// `GO-2023-1234`, `PYSEC-2021-1`, `DSA-5380-1`, `DEBIAN-CVE-2023-1393`, ...
    pub id: String,
    /// Where it came from: `osv:GO`, `osv:PYSEC`, `debian-tracker`, `debian-dsa`,
    /// `debian-dla`, `alpine-secdb`, ...
    pub source: String,
    /// Other ids of the same vulnerability (CVE, GHSA, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// One line.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// CVSS vectors (and other typed scores) of the record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityVector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// When set, the record was withdrawn and never matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    pub affected: Vec<Affected>,
}

/// An OSV `severity` entry: `{type: CVSS_V3, score: "CVSS:3.1/AV:N/..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityVector {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

/// One affected package of an advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// OSV ecosystem with its release: `PyPI`, `Go`, `Debian:12`, `Alpine:v3.20`,
    /// `AlmaLinux:9`.
    pub ecosystem: String,
    /// Package name as the advisory spells it (Debian and Alpine: the source
    /// package; AlmaLinux: the binary rpm).
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// The distribution's status: `fixed`, `unfixed`, `no-dsa`, `postponed`,
    /// `ignored`, `end-of-life` (Debian); `None` for plain OSV records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The distribution's urgency (`unimportant`, `low`, `medium`, `high`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<String>,
    /// RustSec's informational kind (`unmaintained`, `unsound`, `notice`): a warning,
    /// not a vulnerability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informational: Option<String>,
    /// Severity given for this package only (OSV `affected[].severity`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityVector>,
}

impl Affected {
    /// An affected package with no ranges, versions or distribution view yet.
    pub fn new(ecosystem: impl Into<String>, name: impl Into<String>) -> Affected {
        Affected {
            ecosystem: ecosystem.into(),
            name: name.into(),
            ranges: Vec::new(),
            versions: Vec::new(),
            status: None,
            urgency: None,
            informational: None,
            severity: Vec::new(),
        }
    }
}

/// How the versions of a range are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeKind {
    /// SemVer 2.0, whatever the ecosystem.
    Semver,
    /// The ecosystem's own ordering.
    Ecosystem,
    /// Commit hashes: never matched against package versions.
    Git,
}

/// One OSV range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: RangeKind,
    pub events: Vec<Event>,
}

impl Range {
    /// An ECOSYSTEM range `introduced: 0` and, when given, `fixed: <fixed>`.
    pub fn ecosystem_up_to(fixed: Option<&str>) -> Range {
        let mut events = vec![Event::Introduced("0".into())];
        if let Some(f) = fixed {
            events.push(Event::Fixed(f.into()));
        }
        Range {
            kind: RangeKind::Ecosystem,
            events,
        }
    }
}

/// One OSV range event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl Event {
    /// The version the event names.
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// The ecosystem without its release: `Debian:12` -> `Debian`.
pub fn base_ecosystem(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem)
}

/// The name as the store indexes it: PEP 503 for PyPI (lowercase, runs of `-_.` as
/// one `-`), lowercase for ecosystems whose names are case-insensitive (npm,
/// NuGet, Packagist, crates.io keeps case but `-`/`_` are distinct so it is kept
/// as is), the name unchanged elsewhere.
pub fn normalise_name(ecosystem: &str, name: &str) -> String {
    match base_ecosystem(ecosystem) {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut in_sep = false;
            for c in name.trim().chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !in_sep {
                        out.push('-');
                    }
                    in_sep = true;
                } else {
                    out.extend(c.to_lowercase());
                    in_sep = false;
                }
            }
            out
        }
        "npm" | "NuGet" | "Packagist" => name.to_lowercase(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_normalises_case_and_separator_runs() {
        assert_eq!(normalise_name("PyPI", "PyYAML"), "pyyaml");
        assert_eq!(normalise_name("PyPI", "zope.interface"), "zope-interface");
        assert_eq!(normalise_name("PyPI", "a_-_b"), "a-b");
        assert_eq!(
            normalise_name("Go", "github.com/Foo/bar"),
            "github.com/Foo/bar"
        );
        assert_eq!(normalise_name("npm", "@Scope/X"), "@scope/x");
    }

    #[test]
    fn base_ecosystem_drops_the_release() {
        assert_eq!(base_ecosystem("Debian:12"), "Debian");
        assert_eq!(base_ecosystem("PyPI"), "PyPI");
    }
}
