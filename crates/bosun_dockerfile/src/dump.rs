//! Renderings of the syntax tree in BuildKit's own formats:
//!
//! - [`dump`]: `parser.Node.Dump()`, the s-expression format of BuildKit's parser
//!   test files;
//! - [`parse_json_line`]: one line of `bosun parse --format json`, the instruction
//!   list the reference tooling (the PyPI `dockerfile` package, BuildKit's Go parser)
//!   reports, byte for byte the same JSON text (Python's `json.dumps` layout with
//!   `ensure_ascii`). The JSON is written by hand because that exact layout is the
//!   format.

use crate::ast::{Dockerfile, Instruction};
use std::fmt::Write as _;

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0B}' => out.push_str("\\v"),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` without Unicode category tables:
/// control characters, non-space whitespace and the common format characters are
/// not printable.
fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c,
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{E000}'..='\u{F8FF}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{FFFE}'..='\u{FFFF}'
        | '\u{E0000}'..='\u{10FFFF}')
}

/// `Node.Dump()` of the whole file: one `(cmd ...)` line per instruction, each line
/// ending in `\n` (BuildKit's test files hold exactly this).
pub fn dump(df: &Dockerfile) -> String {
    let mut out = String::new();
    for inst in &df.instructions {
        out.push('(');
        out.push_str(&dump_instruction(inst));
        out.push_str(")\n");
    }
    out
}

/// `Node.Dump()` of one instruction node (without the surrounding parentheses).
pub fn dump_instruction(inst: &Instruction) -> String {
    let mut s = inst.keyword.text.to_lowercase();
    if !inst.flags.is_empty() {
        s.push_str(" [");
        for (i, f) in inst.flags.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&go_quote(&f.raw));
        }
        s.push(']');
    }
    if let Some(inner) = &inst.onbuild {
        s.push_str(" (");
        s.push_str(&dump_instruction(inner));
        s.push(')');
    }
    for v in &inst.value {
        s.push(' ');
        s.push_str(&go_quote(v));
    }
    s.trim().to_string()
}

/// The values the reference tooling (BuildKit v0.12) reports: ENV and LABEL as
/// `key, value` pairs (the `sep` node came later).
fn reference_values(inst: &Instruction) -> Vec<&str> {
    if inst.onbuild.is_some() {
        // BuildKit's ONBUILD node holds one value-less node carrying the trigger.
        return vec![""];
    }
    if matches!(inst.cmd.as_str(), "ENV" | "LABEL") {
        inst.value
            .chunks(3)
            .flat_map(|c| c.iter().take(2))
            .map(String::as_str)
            .collect()
    } else {
        inst.value.iter().map(String::as_str).collect()
    }
}

/// Python's `json.dumps(s)` with the default `ensure_ascii=True`.
fn py_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// The reference tooling hands Go strings to Python as C strings, so a value ends
/// at its first NUL character; bosun's output does the same to stay comparable
/// (the syntax tree keeps the whole value).
fn c_str(s: &str) -> &str {
    s.split('\0').next().unwrap_or("")
}

fn py_str_list<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        py_str(out, c_str(s));
    }
    out.push(']');
}

fn py_opt_str(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => py_str(out, c_str(s)),
        None => out.push_str("null"),
    }
}

/// The reference tooling's `cmd`: the keyword as written, upper-cased (Python's
/// `str.upper`, i.e. full Unicode upper-casing); an empty keyword is `null`.
fn reference_cmd(inst: &Instruction) -> Option<String> {
    if inst.keyword.text.is_empty() {
        None
    } else {
        Some(inst.keyword.text.to_uppercase())
    }
}

/// One line of `bosun parse --format json` for `file` (no trailing newline):
/// `{"file": ..., "instructions": [...]}` or `{"file": ..., "error": "..."}`.
pub fn parse_json_line(file: &str, df: &Dockerfile) -> String {
    let mut out = String::new();
    out.push_str("{\"file\": ");
    py_str(&mut out, file);
    if let Some(err) = df.errors.first() {
        out.push_str(", \"error\": ");
        py_str(&mut out, &err.message);
        out.push('}');
        return out;
    }
    out.push_str(", \"instructions\": [");
    for (i, inst) in df.instructions.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        // For ONBUILD the reference reads json, values and heredocs from the trigger,
        // flags and lines from ONBUILD itself.
        let body = inst.onbuild.as_deref().unwrap_or(inst);
        out.push_str("{\"cmd\": ");
        py_opt_str(&mut out, reference_cmd(inst).as_deref());
        out.push_str(", \"sub_cmd\": ");
        py_opt_str(
            &mut out,
            inst.onbuild.as_deref().and_then(reference_cmd).as_deref(),
        );
        out.push_str(", \"json\": ");
        out.push_str(if body.json { "true" } else { "false" });
        out.push_str(", \"flags\": ");
        py_str_list(&mut out, inst.flags.iter().map(|f| f.raw.as_str()));
        out.push_str(", \"value\": ");
        py_str_list(&mut out, reference_values(body));
        let _ = write!(
            out,
            ", \"start_line\": {}, \"end_line\": {}, \"heredocs\": [",
            inst.start_line, inst.end_line
        );
        let heredocs = if inst.onbuild.is_some() {
            &[][..]
        } else {
            &inst.heredocs[..]
        };
        for (j, h) in heredocs.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            out.push_str("{\"name\": ");
            py_str(&mut out, c_str(&h.name));
            out.push_str(", \"content\": ");
            py_str(&mut out, c_str(&h.content));
            out.push('}');
        }
        out.push_str("]}");
    }
    out.push_str("]}");
    out
}

/// The error line for a file that could not be read.
pub fn parse_json_error_line(file: &str, message: &str) -> String {
    let mut out = String::new();
    out.push_str("{\"file\": ");
    py_str(&mut out, file);
    out.push_str(", \"error\": ");
    py_str(&mut out, message);
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\t\u{1}é"), "\"\\t\\x01é\"");
        assert_eq!(go_quote("\u{a0}"), "\"\\u00a0\"");
    }

    #[test]
    fn python_json_strings() {
        let mut s = String::new();
        py_str(&mut s, "é\u{1F600}\u{7f}/");
        assert_eq!(s, r#""\u00e9\ud83d\ude00\u007f/""#);
    }
}
