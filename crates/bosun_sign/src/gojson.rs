//! JSON bytes as Go's `encoding/json.Marshal` writes them, so payloads built
//! here are byte-identical to cosign's: no whitespace, struct fields in
//! declaration order (our structs declare them in Go's order), map keys
//! sorted, and `<`, `>`, `&`, U+2028, U+2029 escaped as `\u003c` etc. (Go's
//! HTML-safe default). serde_json has no such mode, so this is a small
//! `Formatter` of our own.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, Serializer};

struct GoFormatter;

impl Formatter for GoFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let esc = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..i])?;
            writer.write_all(esc.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: serde_json::ser::CharEscape,
    ) -> io::Result<()> {
        CompactFormatter.write_char_escape(writer, char_escape)
    }
}

/// Serializes `value` as Go's `json.Marshal` would.
pub(crate) fn to_vec<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ser = Serializer::with_formatter(&mut out, GoFormatter);
    // Serializing plain structs, strings and maps into a Vec cannot fail.
    value.serialize(&mut ser).expect("JSON into memory");
    out
}
