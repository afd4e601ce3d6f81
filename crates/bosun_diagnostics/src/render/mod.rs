//! Renderers: findings to text (with code frames), JSON and SARIF 2.1.0.
//!
//! Renderers never read files: the caller hands in the text of every file that code
//! frames should show ([`Sources`]). Every renderer writes to a `Write` it is given.
//!
//! **Redaction in one place.** Every string of a finding that came from outside (the
//! message, the location's paths, image name and `created_by`, the fix title) passes
//! the redactor here before any format writes it: the secret finder installed with
//! [`install_secret_finder`] (the binary installs `bosun_secrets`' detectors; this crate
//! cannot depend on them, they depend on it) plus the ranges of [`Finding::redact`] in
//! code frames. A secret becomes [`MASK`], whatever its length: the mask never reveals
//! how long the secret was (in code frames each line of a multi-line secret becomes one
//! mask, so line numbers do not move).
//!
//! **Escaping in one place.** Control characters (C0, DEL, C1) and bidirectional
//! overrides in those strings are shown escaped in text (`\x1b`, `\n`, `\u{202e}`), and
//! JSON and SARIF carry them JSON-escaped (`\u001b`; serde escapes C0, this module also
//! escapes DEL and C1, which serde writes raw). In code frames they are replaced by
//! `?` (one per byte, so spans keep their offsets). [`escape_control`] is the same
//! function the binary uses for its error line.

mod json;
mod sarif;
mod text;

pub use json::{findings_value, render_json, render_json_value};
pub use sarif::{
    add_omitted, render_sarif, render_sarif_runs, render_sarif_with_omitted, sarif_document,
    sarif_log, SarifRun, ToolInfo,
};
pub use text::{render_text, summary_line, TextOptions};

use crate::{Finding, Location};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// The text of the files findings point into, by the path used in their locations.
pub type Sources = HashMap<String, String>;

/// Finds secrets in a string: the byte ranges of the secret values.
pub type SecretFinder = fn(&str) -> Vec<Range<usize>>;

static FINDER: OnceLock<SecretFinder> = OnceLock::new();

/// Installs the secret finder every renderer applies to every untrusted string (once per
/// process; later calls are ignored).
pub fn install_secret_finder(f: SecretFinder) {
    let _ = FINDER.set(f);
}

/// The installed finder's ranges in `s` (none when no finder is installed).
pub(crate) fn find_secrets(s: &str) -> Vec<Range<usize>> {
    FINDER.get().map(|f| f(s)).unwrap_or_default()
}

/// What a secret is replaced with: fixed, so that its length is never revealed.
pub const MASK: &str = "****";

/// `s` with every secret the installed finder sees replaced by [`MASK`].
pub fn redact_text(s: &str) -> Cow<'_, str> {
    let Some(find) = FINDER.get() else {
        return Cow::Borrowed(s);
    };
    let ranges = find(s);
    if ranges.is_empty() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(replace_ranges(s, &ranges).0)
}

/// Merged, sorted, in-bounds ranges on char boundaries.
fn merged(s: &str, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut v: Vec<Range<usize>> = ranges
        .iter()
        .filter_map(|r| {
            let mut a = r.start.min(s.len());
            let mut b = r.end.min(s.len());
            while !s.is_char_boundary(a) {
                a -= 1;
            }
            while !s.is_char_boundary(b) {
                b += 1;
            }
            (a < b).then_some(a..b)
        })
        .collect();
    v.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(v.len());
    for r in v {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Replaces each range (each line of it, newlines kept) by [`MASK`]; returns the new
/// text and, per merged range, (old range, new length).
fn replace_ranges(s: &str, ranges: &[Range<usize>]) -> (String, Vec<(Range<usize>, usize)>) {
    let ranges = merged(s, ranges);
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(ranges.len());
    let mut at = 0;
    for r in ranges {
        out.push_str(s.get(at..r.start).unwrap_or(""));
        let before = out.len();
        let secret = s.get(r.clone()).unwrap_or("");
        for (i, line) in secret.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let cr = line.ends_with('\r');
            if !line.trim_end_matches('\r').is_empty() {
                out.push_str(MASK);
            }
            if cr {
                out.push('\r');
            }
        }
        map.push((r.clone(), out.len() - before));
        at = r.end;
    }
    out.push_str(s.get(at..).unwrap_or(""));
    (out, map)
}

/// `source` with the bytes of `ranges` masked: each line of each range becomes
/// [`MASK`] (newlines are kept, so line numbers do not move; columns after a mask do,
/// see [`mask_with_offsets`]).
pub fn mask(source: &str, ranges: &[Range<usize>]) -> String {
    if ranges.is_empty() {
        return source.to_string();
    }
    replace_ranges(source, ranges).0
}

/// Like [`mask`], and a function mapping a byte offset of `source` to the masked text
/// (an offset inside a secret maps to the end of its mask).
pub fn mask_with_offsets(
    source: &str,
    ranges: &[Range<usize>],
) -> (String, impl Fn(usize) -> usize) {
    let (text, map) = replace_ranges(source, ranges);
    let f = move |o: usize| {
        let mut shift: isize = 0;
        for (r, new_len) in &map {
            if r.end <= o {
                shift += *new_len as isize - (r.end - r.start) as isize;
            } else if r.start < o {
                return (r.start as isize + shift) as usize + new_len;
            } else {
                break;
            }
        }
        (o as isize + shift).max(0) as usize
    };
    (text, f)
}

/// True for the characters that must never reach a terminal raw: C0 and C1 controls,
/// DEL, and the bidirectional overrides and isolates (Trojan Source).
pub fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// `s` with dangerous characters (see [`is_dangerous`]) escaped: `\n`, `\r`, `\t`,
/// `\x1b` for the other ASCII controls, `\u{..}` for the rest. A backslash stays as is.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && is_dangerous(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if is_dangerous(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// For code frames: dangerous characters become `?`, one per byte, so that byte offsets
/// and lines stay valid (newlines and tabs are kept).
pub(crate) fn neutralize_frame(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| c != '\n' && c != '\t' && c != '\r' && is_dangerous(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c != '\n' && c != '\t' && c != '\r' && is_dangerous(c) {
            for _ in 0..c.len_utf8() {
                out.push('?');
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A copy of `f` whose untrusted strings are redacted, and escaped when `escape`.
pub(crate) fn clean_finding(f: &Finding, escape: bool) -> Finding {
    let c = |s: &str| -> String {
        let r = redact_text(s);
        if escape {
            escape_control(&r).into_owned()
        } else {
            r.into_owned()
        }
    };
    let mut out = f.clone();
    out.message = c(&f.message);
    out.location = match &f.location {
        Location::File { path, span } => Location::File {
            path: c(path),
            span: *span,
        },
        Location::Layer {
            image,
            layer_index,
            layer_digest,
            path,
            created_by,
        } => Location::Layer {
            image: c(image),
            layer_index: *layer_index,
            layer_digest: c(layer_digest),
            path: c(path),
            // The layer's one shared copy when cleaning leaves it as it is.
            created_by: created_by.as_ref().map(|s| {
                let cleaned = c(s);
                if *cleaned == **s {
                    s.clone()
                } else {
                    std::sync::Arc::from(cleaned)
                }
            }),
        },
        Location::ImageConfig { image, field } => Location::ImageConfig {
            image: c(image),
            field: c(field),
        },
        Location::Package { purl, image, path } => Location::Package {
            purl: c(purl),
            image: image.as_deref().map(c),
            path: path.as_deref().map(c),
        },
        Location::Workload {
            source,
            workload,
            field,
            span,
        } => Location::Workload {
            source: c(source),
            workload: c(workload),
            field: c(field),
            span: *span,
        },
    };
    if let Some(fix) = &mut out.fix {
        fix.title = c(&fix.title);
    }
    out
}

/// Copies of `findings` with every untrusted string redacted (not escaped): what
/// every machine format, and any renderer outside this module, must write.
pub fn redacted(findings: &[Finding]) -> Vec<Finding> {
    findings.iter().map(|f| clean_finding(f, false)).collect()
}

/// Writes `value` as pretty-printed JSON and a newline, with DEL and C1 controls
/// escaped (serde escapes C0). Callers hand in [`redacted`] findings.
pub fn write_json(
    w: &mut dyn std::io::Write,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::from)?;
    w.write_all(escape_json_c1(&text).as_bytes())?;
    writeln!(w)
}

/// JSON text with DEL and C1 controls (which serde writes raw) escaped as `\u00XX`.
/// They can only occur inside JSON strings, where the escape means the same character.
pub(crate) fn escape_json_c1(json: &str) -> Cow<'_, str> {
    if !json.chars().any(|c| {
        c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) || is_dangerous(c) && (c as u32) > 0x9f
    }) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if (c as u32) >= 0x7f && is_dangerous(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
    fn mask_hides_the_length_and_keeps_lines() {
        let src = "ENV TOKEN=abcé\nRUN x\n";
        let masked = mask(src, &[10..15, 40..50]);
        assert_eq!(masked, "ENV TOKEN=****\nRUN x\n");
        assert_eq!(mask(src, &[]), src);
        let long = "A=0123456789abcdefghij\nB=ab\nC\n";
        assert_eq!(mask(long, &[2..22, 25..27]), "A=****\nB=****\nC\n");
        let key = "K=-----BEGIN\nabc\n-----END\nX";
        let ranges = vec![2..25, 2..3];
        let (m, at) = mask_with_offsets(key, &ranges);
        assert_eq!(m, "K=****\n****\n****\nX");
        assert_eq!(&m[at(26)..], "X");
        assert_eq!(at(1), 1);
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape_control("a\x1b[31mb\nc\u{202e}d\u{9b}"),
            "a\\x1b[31mb\\nc\\u{202e}d\\u{9b}"
        );
        assert!(matches!(escape_control("plain/path é"), Cow::Borrowed(_)));
        assert_eq!(neutralize_frame("a\x1bb\u{9b}\n"), "a?b??\n");
        assert_eq!(escape_json_c1("\"a\u{9b}\u{7f}\""), "\"a\\u009b\\u007f\"");
    }
}
