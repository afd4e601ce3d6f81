//! The one findings model. Every check in bosun (Dockerfile rules, image checks,
//! vulnerability matches, policy) reports a [`Finding`]; renderers, the policy gate and
//! the exit code read nothing else.

use crate::RuleMeta;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One scale for every kind of check, from a style hint to a critical CVE, so that a
/// single `--failure-threshold` works across lint, image and vulnerability findings.
///
/// hadolint's levels map as `style`, `info`, `warning`, `error`; CVSS-style levels map
/// as `low`, `medium` (= warning), `high` (= error), `critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Style,
    Info,
    Low,
    Warning,
    Error,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 6] = [
        Severity::Style,
        Severity::Info,
        Severity::Low,
        Severity::Warning,
        Severity::Error,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Style => "style",
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        }
    }

    /// SARIF has only three levels (plus `none`).
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Style | Severity::Info | Severity::Low => "note",
            Severity::Warning => "warning",
            Severity::Error | Severity::Critical => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity `{0}` (expected one of: style, info, low, warning, error, critical)")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "style" => Severity::Style,
            "info" | "information" | "note" | "negligible" => Severity::Info,
            "low" => Severity::Low,
            "warning" | "warn" | "medium" | "moderate" => Severity::Warning,
            "error" | "high" => Severity::Error,
            "critical" => Severity::Critical,
            _ => return Err(UnknownSeverity(s.to_string())),
        })
    }
}

/// A byte range in a text file, with 1-based line and column (in characters) of both
/// ends precomputed so that machine formats need not re-read the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Span {
    /// Computes line and column of a byte range in `source`. Out-of-range or
    /// mid-character offsets are clamped, never a panic. This scans `source` up to
    /// `end`: for many spans of one text, build a [`LineIndex`] once instead.
    pub fn from_offsets(source: &str, start: usize, end: usize) -> Span {
        Span::clamped(source, start, end, |at| line_col(source, at))
    }

    /// The span of `start..end` clamped to `source`, with positions from `lc`.
    fn clamped(
        source: &str,
        start: usize,
        end: usize,
        lc: impl Fn(usize) -> (usize, usize),
    ) -> Span {
        let start = clamp_to_char(source, start.min(source.len()));
        let end = clamp_to_char(source, end.clamp(start, source.len()));
        let (start_line, start_column) = lc(start);
        let (end_line, end_column) = lc(end);
        Span {
            start,
            end,
            start_line,
            start_column,
            end_line,
            end_column,
        }
    }
}

/// Where every line of one text starts, built once per file in one pass, so that the
/// line and column of any offset cost a binary search (and, on lines that are not
/// pure ASCII, a count of the characters before it on its line) instead of a rescan
/// of the text from its start (which made lint quadratic in the number of findings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line (line 1 at index 0).
    starts: Vec<usize>,
    /// Per line: true when it holds only ASCII (its columns are byte offsets).
    ascii: Vec<bool>,
}

impl LineIndex {
    /// Indexes `source` (one pass).
    pub fn new(source: &str) -> LineIndex {
        let bytes = source.as_bytes();
        let mut starts = vec![0];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
                ascii.push(line_ascii);
                line_ascii = true;
            } else if !b.is_ascii() {
                line_ascii = false;
            }
        }
        ascii.push(line_ascii);
        LineIndex { starts, ascii }
    }

    /// The byte offsets where lines start (line 1 at index 0).
    pub fn line_starts(&self) -> &[usize] {
        &self.starts
    }

    /// 1-based line and 1-based column (in characters) of byte `at` of `source`, the
    /// text this index was built from (clamped to it, never a panic).
    pub fn line_col(&self, source: &str, at: usize) -> (usize, usize) {
        let at = clamp_to_char(source, at.min(source.len()));
        let idx = match self.starts.binary_search(&at) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(idx).copied().unwrap_or(0).min(at);
        let column = if self.ascii.get(idx).copied().unwrap_or(false) {
            at - start
        } else {
            source.get(start..at).map_or(0, |s| s.chars().count())
        };
        (idx + 1, column + 1)
    }

    /// The [`Span`] of bytes `start..end` of `source` (the text this index was built
    /// from); clamped like [`Span::from_offsets`].
    pub fn span(&self, source: &str, start: usize, end: usize) -> Span {
        Span::clamped(source, start, end, |at| self.line_col(source, at))
    }
}

fn clamp_to_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line and 1-based column in characters of byte offset `at`. Scans
/// `source` up to `at`: for many offsets of one text use a [`LineIndex`].
pub fn line_col(source: &str, at: usize) -> (usize, usize) {
    let before = &source[..at];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..at].chars().count() + 1;
    (line, column)
}

/// Where a finding is. Dockerfile checks point into a file; image checks into a layer,
/// the config or the history; vulnerability checks at a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// A span in a text file (a Dockerfile, a config file). `span` is `None` for
    /// findings about the file as a whole (e.g. a missing `.dockerignore`).
    File { path: String, span: Option<Span> },
    /// A path inside one layer of an image.
    Layer {
        image: String,
        layer_index: usize,
        layer_digest: String,
        path: String,
        /// The history entry (`created_by`) that made this layer, when known. Shared by
        /// the findings of one layer (one copy per layer, not per finding).
        #[serde(with = "shared_str")]
        created_by: Option<std::sync::Arc<str>>,
    },
    /// A field of the image config, e.g. `config.Env[2]`, `config.User`,
    /// `history[3].created_by`.
    ImageConfig { image: String, field: String },
    /// A package, identified by its purl, optionally where it was found.
    Package {
        purl: String,
        image: Option<String>,
        path: Option<String>,
    },
    /// A setting of a container as it runs or is declared (`bosun audit`).
    Workload {
        /// A Compose or Kubernetes file, or an engine (`unix:///var/run/docker.sock`).
        source: String,
        /// The service or container: `service web`, `Deployment/api container app`,
        /// `container web (1a2b3c4d5e6f)`.
        workload: String,
        /// The field as the source spells it: `services.web.privileged`,
        /// `spec.template.spec.containers[0].securityContext`, `HostConfig.Privileged`.
        field: String,
        /// Where the field (or the workload, for a missing setting) is in the file.
        span: Option<Span>,
    },
}

impl Location {
    pub fn file(path: impl Into<String>, span: Option<Span>) -> Location {
        Location::File {
            path: path.into(),
            span,
        }
    }

    /// A short, single-line rendering of the location (`path:line:col`, `layer 3 /etc/x`).
    pub fn short(&self) -> String {
        match self {
            Location::File {
                path,
                span: Some(s),
            } => format!("{path}:{}:{}", s.start_line, s.start_column),
            Location::File { path, span: None } => path.clone(),
            Location::Layer {
                image,
                layer_index,
                path,
                ..
            } => format!(
                "{image} layer {layer_index} /{}",
                path.trim_start_matches('/')
            ),
            Location::ImageConfig { image, field } => format!("{image} {field}"),
            Location::Package { purl, .. } => purl.clone(),
            Location::Workload {
                source,
                workload,
                field,
                span,
            } => match span {
                Some(s) => format!(
                    "{source}:{}:{} {workload} {field}",
                    s.start_line, s.start_column
                ),
                None => format!("{source} {workload} {field}"),
            },
        }
    }
}

/// How safe it is to apply a fix without a human looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applicability {
    /// Shown as advice only; never applied.
    DisplayOnly,
    /// May change behaviour; applied with `--unsafe-fixes`.
    Unsafe,
    /// Keeps behaviour; applied with `--fix`.
    Safe,
}

/// Replace bytes `start..end` of the file with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub content: String,
}

impl Edit {
    pub fn replace(start: usize, end: usize, content: impl Into<String>) -> Edit {
        Edit {
            start,
            end,
            content: content.into(),
        }
    }
    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit::replace(at, at, content)
    }
    pub fn delete(start: usize, end: usize) -> Edit {
        Edit::replace(start, end, "")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, imperative: "Add `--no-install-recommends`".
    pub title: String,
    /// Non-overlapping edits, applied together or not at all.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            title: title.into(),
            edits,
        }
    }
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            title: title.into(),
            edits,
        }
    }
    pub fn display_only(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::DisplayOnly,
            title: title.into(),
            edits,
        }
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code: hadolint's (`DL3008`) where it is hadolint's check, else bosun's.
    pub code: String,
    /// Kebab-case name describing the pattern, e.g. `apt-get-install-unpinned`.
    pub name: String,
    pub severity: Severity,
    /// What is wrong, specific to this place.
    pub message: String,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_url: Option<String>,
    /// Byte ranges of the file (same file as `location`) that hold a secret value.
    /// Renderers mask these bytes in every code frame they print for that file, so a
    /// secret never reaches a terminal or a log in full. Never serialized.
    #[serde(skip)]
    pub redact: Vec<std::ops::Range<usize>>,
}

impl Finding {
    /// A finding for `rule` at `location`, with the rule's default severity and page.
    pub fn new(rule: &RuleMeta, message: impl Into<String>, location: Location) -> Finding {
        Finding {
            code: rule.code.to_string(),
            name: rule.name.to_string(),
            severity: rule.severity,
            message: message.into(),
            location,
            fix: None,
            help_url: Some(rule.help_url()),
            redact: Vec::new(),
        }
    }

    pub fn with_fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// Marks bytes `range` of the file as a secret value to mask in code frames.
    pub fn with_redaction(mut self, range: std::ops::Range<usize>) -> Finding {
        self.redact.push(range);
        self
    }

    /// Order for stable output: file/location, then position, then code.
    pub fn sort_key(&self) -> (String, usize, usize, String) {
        match &self.location {
            Location::File { path, span } => (
                path.clone(),
                span.map_or(0, |s| s.start_line),
                span.map_or(0, |s| s.start_column),
                self.code.clone(),
            ),
            Location::Layer {
                image,
                layer_index,
                path,
                ..
            } => (
                format!("{image}\0{path}"),
                *layer_index,
                0,
                self.code.clone(),
            ),
            Location::Workload {
                source,
                workload,
                span,
                ..
            } => (
                format!("{source}\0{workload}"),
                span.map_or(0, |s| s.start_line),
                span.map_or(0, |s| s.start_column),
                self.code.clone(),
            ),
            other => (other.short(), 0, 0, self.code.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_scale_is_ordered_and_parses_peer_names() {
        assert!(Severity::Style < Severity::Info);
        assert!(Severity::Warning < Severity::Error);
        assert_eq!("MEDIUM".parse::<Severity>().unwrap(), Severity::Warning);
        assert_eq!("high".parse::<Severity>().unwrap(), Severity::Error);
        assert!("bogus".parse::<Severity>().is_err());
    }

    #[test]
    fn line_index_agrees_with_a_rescan() {
        let src = "FROM a\n\u{e9}t\u{e9} x\r\n\nRUN b\u{1F600}c";
        let idx = LineIndex::new(src);
        for start in 0..=src.len() + 2 {
            for end in [start, start + 1, start + 5, src.len() + 3] {
                assert_eq!(
                    idx.span(src, start, end),
                    Span::from_offsets(src, start, end),
                    "{start}..{end}"
                );
            }
        }
        assert_eq!(idx.line_starts(), &[0, 7, 16, 17]);
    }

    #[test]
    fn span_line_and_column_are_one_based_and_clamped() {
        let src = "FROM a\nRUN é x\n";
        let s = Span::from_offsets(src, 7, 12);
        assert_eq!((s.start_line, s.start_column), (2, 1));
        assert_eq!((s.end_line, s.end_column), (2, 5));
        // Mid-character and past-the-end offsets never panic.
        let s = Span::from_offsets(src, 12, 999);
        assert_eq!(s.end, src.len());
    }
}

/// Serde for `Option<Arc<str>>` as a plain optional string (serde's `rc` feature would
/// do it too, but would change `serde` for the whole workspace's build).
mod shared_str {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::sync::Arc;

    pub fn serialize<S: Serializer>(v: &Option<Arc<str>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(text) => s.serialize_some(&**text),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<str>>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(Arc::from))
    }
}
