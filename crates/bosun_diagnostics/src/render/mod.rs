//! Renderers: findings to text (with code frames), JSON and SARIF 2.1.0.
//!
//! Renderers never read files: the caller hands in the text of every file that code
//! frames should show ([`Sources`]). Every renderer writes to a `Write` it is given.
//!
//! Secrets: for every file, the byte ranges that any finding of that file marks in
//! [`Finding::redact`] are masked (each character replaced by `*`) in every code frame
//! of that file, whichever finding the frame belongs to.

mod json;
mod sarif;
mod text;

pub use json::render_json;
pub use sarif::{render_sarif, sarif_document, ToolInfo};
pub use text::{render_text, summary_line, TextOptions};

use crate::Finding;
use std::collections::HashMap;

/// The text of the files findings point into, by the path used in their locations.
pub type Sources = HashMap<String, String>;

/// `source` with the bytes of `ranges` masked: every character in them becomes `*`
/// (newlines are kept, so line numbers and columns do not move).
pub fn mask(source: &str, ranges: &[std::ops::Range<usize>]) -> String {
    if ranges.is_empty() {
        return source.to_string();
    }
    let mut out = String::with_capacity(source.len());
    for (i, c) in source.char_indices() {
        let secret = c != '\n' && c != '\r' && ranges.iter().any(|r| r.start <= i && i < r.end);
        out.push(if secret { '*' } else { c });
    }
    out
}

/// Every redaction range of the findings in `path`.
pub(crate) fn redactions_for<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    path: &str,
) -> Vec<std::ops::Range<usize>> {
    findings
        .into_iter()
        .filter(|f| matches!(&f.location, crate::Location::File { path: p, .. } if p == path))
        .flat_map(|f| f.redact.iter().cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_lines_and_columns() {
        let src = "ENV TOKEN=abcé\nRUN x\n";
        let masked = mask(src, &[10..15, 40..50]);
        assert_eq!(masked, "ENV TOKEN=****\nRUN x\n");
        assert_eq!(mask(src, &[]), src);
    }
}
