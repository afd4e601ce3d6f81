//! Filters over findings, all pure (file text in, decisions out):
//!
//! - [`SeverityFilter`]: trivy's `--severity` syntax, a comma-separated list of
//!   `UNKNOWN`, `LOW`, `MEDIUM`, `HIGH`, `CRITICAL` (any case); bosun also takes
//!   `HIGH+` for "high and above".
//! - [`IgnoreFile`]: `[[ignore]]` entries in TOML, each with an `id` (the
//!   vulnerability id or any alias), an optional `package` (a name or a purl; a
//!   purl without version matches every version), a `reason` and an `expires` date
//!   (`YYYY-MM-DD`); both are required. An entry past its date no longer
//!   suppresses anything and is reported.
//! - [`Vex`]: OpenVEX statements. `not_affected` and `fixed` suppress the
//!   findings of the vulnerability (by name or alias) in the products they name:
//!   a package purl, or the image (its digest, a `pkg:oci` purl with the digest,
//!   or its name) with optional `subcomponents` purls. When several statements
//!   speak about one finding, the latest (by timestamp, then document order) wins.

use crate::matcher::VulnMatch;
use crate::severity::{best_score, rating};
use serde::Deserialize;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FilterError {
    #[error("unknown severity `{0}` (UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL, comma-separated, or one of them with `+` for it and above)")]
    Severity(String),
    #[error("{0}")]
    Ignore(String),
    #[error("not an OpenVEX document: {0}")]
    Vex(String),
}

/// The severity names of trivy's scale, lowest first.
pub const SEVERITIES: [&str; 5] = ["unknown", "low", "medium", "high", "critical"];

/// The severity of a match on trivy's scale: from the best CVSS score, `unknown`
/// without one.
pub fn severity_name(v: &VulnMatch) -> &'static str {
    match best_score(&v.severity).map(|s| rating(s.value)) {
        Some("critical") => "critical",
        Some("high") => "high",
        Some("medium") => "medium",
        Some("low") => "low",
        _ => "unknown",
    }
}

/// Which severities to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityFilter {
    keep: [bool; 5],
}

impl SeverityFilter {
    /// `high,critical`, `HIGH+`, `medium`.
    pub fn parse(spec: &str) -> Result<SeverityFilter, FilterError> {
        let mut keep = [false; 5];
        for word in spec.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let (name, and_above) = match word.strip_suffix('+') {
                Some(n) => (n, true),
                None => (word, false),
            };
            let i = SEVERITIES
                .iter()
                .position(|s| s.eq_ignore_ascii_case(name))
                .ok_or_else(|| FilterError::Severity(word.to_string()))?;
            let end = if and_above { SEVERITIES.len() } else { i + 1 };
            for k in &mut keep[i..end] {
                *k = true;
            }
        }
        if !keep.iter().any(|k| *k) {
            return Err(FilterError::Severity(spec.to_string()));
        }
        Ok(SeverityFilter { keep })
    }

    pub fn keeps(&self, v: &VulnMatch) -> bool {
        let name = severity_name(v);
        SEVERITIES
            .iter()
            .position(|s| *s == name)
            .is_some_and(|i| self.keep[i])
    }
}

/// One entry of an ignore file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    pub id: String,
    #[serde(default)]
    pub package: Option<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub expires: String,
}

/// An ignore file: every entry with a reason and an expiry date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreFile {
    pub entries: Vec<IgnoreEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreDoc {
    #[serde(default)]
    ignore: Vec<IgnoreEntry>,
}

impl IgnoreFile {
    /// Parses the TOML text; an entry without `reason` or a valid `expires` date is
    /// an error naming the entry.
    pub fn parse(text: &str) -> Result<IgnoreFile, FilterError> {
        let doc: IgnoreDoc =
            toml::from_str(text).map_err(|e| FilterError::Ignore(one_line(&e.to_string())))?;
        for (i, e) in doc.ignore.iter().enumerate() {
            let which = format!("ignore entry {} (`{}`)", i + 1, e.id);
            if e.id.trim().is_empty() {
                return Err(FilterError::Ignore(format!(
                    "ignore entry {} has no `id`",
                    i + 1
                )));
            }
            if e.reason.trim().is_empty() {
                return Err(FilterError::Ignore(format!("{which} needs a `reason`")));
            }
            if e.expires.trim().is_empty() {
                return Err(FilterError::Ignore(format!(
                    "{which} needs an `expires` date (YYYY-MM-DD)"
                )));
            }
            if !is_date(&e.expires) {
                return Err(FilterError::Ignore(format!(
                    "{which}: `expires = \"{}\"` is not a date (YYYY-MM-DD)",
                    e.expires
                )));
            }
        }
        Ok(IgnoreFile {
            entries: doc.ignore,
        })
    }
}

impl IgnoreEntry {
    /// True when the date (`YYYY-MM-DD`, today) is after `expires`.
    pub fn expired(&self, today: &str) -> bool {
        today > self.expires.as_str()
    }

    /// True when the entry names this vulnerability (id or alias) and, if it names
    /// a package, this package (by name or purl).
    pub fn matches(&self, v: &VulnMatch, name: &str, purl: &str) -> bool {
        let id = self.id.trim();
        let names_vuln =
            v.id.eq_ignore_ascii_case(id) || v.aliases.iter().any(|a| a.eq_ignore_ascii_case(id));
        names_vuln
            && match self.package.as_deref().map(str::trim) {
                None | Some("") => true,
                Some(p) if p.starts_with("pkg:") => purl_matches(p, purl),
                Some(p) => p == name,
            }
    }
}

/// `YYYY-MM-DD` with a real month and day.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `want` names `have`: same purl without qualifiers and subpath, case-insensitive
/// type and name; a `want` without version matches every version.
pub fn purl_matches(want: &str, have: &str) -> bool {
    let core = |p: &str| -> String {
        let p = p.split(['?', '#']).next().unwrap_or(p);
        p.replace("%3A", ":")
            .replace("%3a", ":")
            .to_ascii_lowercase()
    };
    let (want, have) = (core(want), core(have));
    if want == have {
        return true;
    }
    match (want.rsplit_once('@'), have.rsplit_once('@')) {
        (None, Some((h, _))) => want == h,
        _ => false,
    }
}

/// One OpenVEX statement, flattened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexStatement {
    /// The vulnerability's name and aliases.
    pub vulnerability: Vec<String>,
    pub products: Vec<VexProduct>,
    /// `not_affected`, `affected`, `fixed`, `under_investigation`.
    pub status: String,
    pub justification: Option<String>,
    pub impact_statement: Option<String>,
    /// The statement's timestamp, else the document's.
    pub timestamp: Option<String>,
    /// Position in the documents read (later wins on equal timestamps).
    pub order: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexProduct {
    pub id: String,
    pub subcomponents: Vec<String>,
}

/// The statements of OpenVEX documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vex {
    pub statements: Vec<VexStatement>,
}

#[derive(Deserialize)]
struct VexDoc {
    #[serde(rename = "@context")]
    context: String,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    statements: Vec<VexStmtDoc>,
}

#[derive(Deserialize)]
struct VexStmtDoc {
    vulnerability: VexVuln,
    #[serde(default)]
    products: Vec<VexProductDoc>,
    status: String,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum VexVuln {
    Name(String),
    Full {
        #[serde(default)]
        name: Option<String>,
        #[serde(rename = "@id", default)]
        id: Option<String>,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum VexProductDoc {
    Id(String),
    Full {
        #[serde(rename = "@id", default)]
        id: Option<String>,
        #[serde(default)]
        identifiers: Option<VexIdentifiers>,
        #[serde(default)]
        subcomponents: Vec<VexProductDoc>,
    },
}

#[derive(Deserialize)]
struct VexIdentifiers {
    #[serde(default)]
    purl: Option<String>,
}

impl VexProductDoc {
    fn id(&self) -> Option<String> {
        match self {
            VexProductDoc::Id(s) => Some(s.clone()),
            VexProductDoc::Full {
                id, identifiers, ..
            } => id
                .clone()
                .or_else(|| identifiers.as_ref().and_then(|i| i.purl.clone())),
        }
    }
}

impl Vex {
    /// Adds the statements of one OpenVEX JSON document.
    pub fn add_document(&mut self, text: &str) -> Result<(), FilterError> {
        let doc: VexDoc =
            serde_json::from_str(text).map_err(|e| FilterError::Vex(e.to_string()))?;
        if !doc.context.starts_with("https://openvex.dev/ns") {
            return Err(FilterError::Vex(format!(
                "@context `{}` is not OpenVEX's",
                doc.context
            )));
        }
        for s in doc.statements {
            let vulnerability = match s.vulnerability {
                VexVuln::Name(n) => vec![n],
                VexVuln::Full { name, id, aliases } => {
                    name.into_iter().chain(id).chain(aliases).collect()
                }
            };
            let products = s
                .products
                .iter()
                .filter_map(|p| {
                    let subcomponents = match p {
                        VexProductDoc::Full { subcomponents, .. } => {
                            subcomponents.iter().filter_map(VexProductDoc::id).collect()
                        }
                        VexProductDoc::Id(_) => Vec::new(),
                    };
                    Some(VexProduct {
                        id: p.id()?,
                        subcomponents,
                    })
                })
                .collect();
            let order = self.statements.len();
            self.statements.push(VexStatement {
                vulnerability,
                products,
                status: s.status,
                justification: s.justification,
                impact_statement: s.impact_statement,
                timestamp: s.timestamp.or_else(|| doc.timestamp.clone()),
                order,
            });
        }
        Ok(())
    }

    /// The statement that decides about this finding when it suppresses it
    /// (`not_affected` or `fixed`); `None` when no statement applies or the
    /// deciding one does not suppress. `image` holds the ways the image may be
    /// named (its digest, its name); empty for a directory or SBOM target.
    pub fn suppressing(
        &self,
        v: &VulnMatch,
        purl: &str,
        image: &[String],
    ) -> Option<&VexStatement> {
        let names_vuln = |s: &VexStatement| {
            s.vulnerability.iter().any(|n| {
                n.eq_ignore_ascii_case(&v.id) || v.aliases.iter().any(|a| a.eq_ignore_ascii_case(n))
            })
        };
        let is_image = |id: &str| {
            let id = id.replace("%3A", ":").replace("%3a", ":");
            image.iter().any(|i| {
                !i.is_empty() && (id == *i || id.contains(i.as_str()) && i.starts_with("sha256:"))
            })
        };
        let names_pkg = |p: &VexProduct| {
            if purl_matches(&p.id, purl) {
                return true;
            }
            is_image(&p.id)
                && (p.subcomponents.is_empty()
                    || p.subcomponents.iter().any(|s| purl_matches(s, purl)))
        };
        let decider = self
            .statements
            .iter()
            .filter(|s| names_vuln(s) && s.products.iter().any(names_pkg))
            .max_by(|a, b| {
                a.timestamp
                    .cmp(&b.timestamp)
                    .then_with(|| a.order.cmp(&b.order))
            })?;
        matches!(decider.status.as_str(), "not_affected" | "fixed").then_some(decider)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SeverityVector;

    fn vm(id: &str, aliases: &[&str], cvss: Option<&str>) -> VulnMatch {
        VulnMatch {
            id: id.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            records: vec![id.into()],
            summary: String::new(),
            severity: cvss
                .map(|c| SeverityVector {
                    kind: "CVSS_V3".into(),
                    score: c.into(),
                })
                .into_iter()
                .collect(),
            fixed: None,
            status: None,
            urgency: None,
            informational: None,
        }
    }

    const CRIT: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    const MED: &str = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N";

    #[test]
    fn severity_lists_and_minimums() {
        let crit = vm("A", &[], Some(CRIT));
        let med = vm("B", &[], Some(MED));
        let none = vm("C", &[], None);
        let f = SeverityFilter::parse("HIGH,CRITICAL").unwrap();
        assert!(f.keeps(&crit) && !f.keeps(&med) && !f.keeps(&none));
        let f = SeverityFilter::parse("medium+").unwrap();
        assert!(f.keeps(&crit) && f.keeps(&med) && !f.keeps(&none));
        let f = SeverityFilter::parse("unknown").unwrap();
        assert!(!f.keeps(&crit) && f.keeps(&none));
        assert_eq!(
            SeverityFilter::parse("severe"),
            Err(FilterError::Severity("severe".into()))
        );
        assert!(SeverityFilter::parse(",").is_err());
    }

    #[test]
    fn ignore_entries_need_reason_and_expiry() {
        let ok = IgnoreFile::parse(
            "[[ignore]]\nid = \"CVE-1\"\npackage = \"urllib3\"\nreason = \"r\"\nexpires = \"2026-02-28\"\n",
        )
        .unwrap();
        let e = &ok.entries[0];
        assert!(e.matches(
            &vm("PYSEC-1", &["CVE-1"], None),
            "urllib3",
            "pkg:pypi/urllib3@1"
        ));
        assert!(!e.matches(&vm("PYSEC-1", &["CVE-1"], None), "idna", "pkg:pypi/idna@1"));
        assert!(!e.expired("2026-02-28"));
        assert!(e.expired("2026-03-01"));
        let err = IgnoreFile::parse("[[ignore]]\nid = \"CVE-1\"\nexpires = \"2026-01-01\"\n")
            .unwrap_err();
        assert_eq!(err.to_string(), "ignore entry 1 (`CVE-1`) needs a `reason`");
        let err = IgnoreFile::parse("[[ignore]]\nid = \"CVE-1\"\nreason = \"x\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "ignore entry 1 (`CVE-1`) needs an `expires` date (YYYY-MM-DD)"
        );
        let err = IgnoreFile::parse(
            "[[ignore]]\nid = \"CVE-1\"\nreason = \"x\"\nexpires = \"2026-02-30\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("is not a date"), "{err}");
        assert!(IgnoreFile::parse("[[ignore]]\nid = \"X\"\nwhy = 1\n").is_err());
        let purl = IgnoreFile::parse(
            "[[ignore]]\nid = \"CVE-1\"\npackage = \"pkg:pypi/urllib3\"\nreason = \"r\"\nexpires = \"2026-01-01\"\n",
        )
        .unwrap();
        assert!(purl.entries[0].matches(&vm("CVE-1", &[], None), "x", "pkg:pypi/urllib3@1.26.4"));
    }

    #[test]
    fn openvex_not_affected_suppresses_latest_wins() {
        let mut vex = Vex::default();
        vex.add_document(
            r#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a",
                "timestamp":"2026-01-01T00:00:00Z","version":1,
                "statements":[
                 {"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:pypi/urllib3@1.26.4"}],
                  "status":"not_affected","justification":"vulnerable_code_not_in_execute_path"},
                 {"vulnerability":{"name":"CVE-2"},
                  "products":[{"@id":"pkg:oci/app@sha256%3Aabcd","subcomponents":[{"@id":"pkg:pypi/idna"}]}],
                  "status":"fixed"},
                 {"vulnerability":"CVE-3","products":["pkg:pypi/idna@2.10"],"status":"not_affected",
                  "justification":"component_not_present"},
                 {"vulnerability":"CVE-3","products":["pkg:pypi/idna@2.10"],"status":"affected",
                  "timestamp":"2026-02-01T00:00:00Z"}
                ]}"#,
        )
        .unwrap();
        let s = vex
            .suppressing(
                &vm("PYSEC-9", &["CVE-1"], None),
                "pkg:pypi/urllib3@1.26.4",
                &[],
            )
            .unwrap();
        assert_eq!(
            s.justification.as_deref(),
            Some("vulnerable_code_not_in_execute_path")
        );
        assert!(vex
            .suppressing(&vm("CVE-1", &[], None), "pkg:pypi/urllib3@2.0", &[])
            .is_none());
        let image = vec!["sha256:abcd".to_string()];
        assert!(vex
            .suppressing(&vm("CVE-2", &[], None), "pkg:pypi/idna@2.10", &image)
            .is_some());
        assert!(vex
            .suppressing(&vm("CVE-2", &[], None), "pkg:pypi/idna@2.10", &[])
            .is_none());
        assert!(vex
            .suppressing(&vm("CVE-2", &[], None), "pkg:pypi/flask@1", &image)
            .is_none());
        // The later `affected` statement overrides the earlier `not_affected`.
        assert!(vex
            .suppressing(&vm("CVE-3", &[], None), "pkg:pypi/idna@2.10", &[])
            .is_none());
        assert!(Vex::default().add_document(r#"{"@context":"x"}"#).is_err());
    }
}
