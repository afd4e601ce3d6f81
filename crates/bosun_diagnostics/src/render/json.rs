//! JSON: an array of findings, one object each. The shape is stable:
//!
//! ```json
//! [
//!   {
//!     "code": "DL3008",
//!     "name": "apt-get-install-unpinned",
//!     "severity": "warning",
//!     "message": "Pin versions in apt-get install",
//!     "location": {
//!       "kind": "file",
//!       "path": "Dockerfile",
//!       "span": { "start": 40, "end": 79, "start_line": 3, "start_column": 5,
//!                 "end_line": 3, "end_column": 44 }
//!     },
//!     "fix": { "applicability": "safe", "title": "...",
//!              "edits": [ { "start": 52, "end": 52, "content": " --no-install-recommends" } ] },
//!     "help_url": "https://.../docs/rules/DL3008.md"
//!   }
//! ]
//! ```
//!
//! `severity` is one of style, info, low, warning, error, critical. `location.kind` is
//! `file` (`span` is `null` for a whole-file finding; offsets are bytes, lines and
//! columns are 1-based, columns count characters, ends are exclusive), `layer`
//! (`image`, `layer_index`, `layer_digest`, `path`, `created_by`), `image_config`
//! (`image`, `field`) or `package` (`purl`, `image`, `path`). `fix` and `help_url` are
//! left out when absent. Fix edits are byte ranges of the file.

use crate::Finding;
use std::io::{self, Write};

/// Writes the findings as a pretty-printed JSON array and a newline.
/// Every string is redacted first (see the `render` module docs); control characters
/// are JSON-escaped.
pub fn render_json(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let clean: Vec<Finding> = findings
        .iter()
        .map(|f| super::clean_finding(f, false))
        .collect();
    let text = serde_json::to_string_pretty(&clean).map_err(io::Error::from)?;
    w.write_all(super::escape_json_c1(&text).as_bytes())?;
    writeln!(w)
}

/// A JSON array of the findings, cleaned as [`render_json`] cleans them, for
/// commands that wrap findings in a larger document (`bosun vuln`).
pub fn findings_value(findings: &[Finding]) -> serde_json::Value {
    let clean: Vec<Finding> = findings
        .iter()
        .map(|f| super::clean_finding(f, false))
        .collect();
    serde_json::to_value(clean).unwrap_or(serde_json::Value::Null)
}

/// Writes any JSON document pretty-printed with a newline, every string value
/// redacted and DEL/C1 controls escaped, as [`render_json`] does for findings.
pub fn render_json_value(w: &mut dyn Write, value: &serde_json::Value) -> io::Result<()> {
    fn redact(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) => {
                if let std::borrow::Cow::Owned(r) = super::redact_text(s) {
                    *s = r;
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(redact),
            serde_json::Value::Object(o) => o.values_mut().for_each(redact),
            _ => {}
        }
    }
    let mut v = value.clone();
    redact(&mut v);
    let text = serde_json::to_string_pretty(&v).map_err(io::Error::from)?;
    w.write_all(super::escape_json_c1(&text).as_bytes())?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Edit, Fix, FixAvailability, Location, RuleMeta, Severity, Span};

    static RULE: RuleMeta = RuleMeta {
        code: "DL9999",
        name: "test-rule",
        aliases: &[],
        severity: Severity::Error,
        fix: FixAvailability::Always,
        summary: "s",
        docs: "",
    };

    #[test]
    fn shape_is_the_documented_one() {
        let src = "FROM a\nRUN b\n";
        let f = Finding::new(
            &RULE,
            "msg",
            Location::file("D", Some(Span::from_offsets(src, 7, 12))),
        )
        .with_fix(Fix::safe("do it", vec![Edit::insert(7, "x")]))
        .with_redaction(8..9);
        let mut out = Vec::new();
        render_json(&mut out, &[f]).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let o = &v[0];
        assert_eq!(o["code"], "DL9999");
        assert_eq!(o["name"], "test-rule");
        assert_eq!(o["severity"], "error");
        assert_eq!(o["message"], "msg");
        assert_eq!(o["location"]["kind"], "file");
        assert_eq!(o["location"]["path"], "D");
        assert_eq!(o["location"]["span"]["start_line"], 2);
        assert_eq!(o["location"]["span"]["end_column"], 6);
        assert_eq!(o["fix"]["applicability"], "safe");
        assert_eq!(o["fix"]["edits"][0]["content"], "x");
        assert!(o["help_url"].as_str().unwrap().ends_with("/DL9999.md"));
        assert!(
            o.get("redact").is_none(),
            "redactions are not part of the output"
        );
    }
}
