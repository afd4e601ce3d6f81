//! Small helpers that reproduce Go's string functions byte for byte (BuildKit's parser
//! is written in Go, and its quirks are part of the format).

/// Go's `unicode.IsSpace`. Rust's `char::is_whitespace` is the same Unicode
/// `White_Space` property that Go uses.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `utf8.DecodeRune`: the char at the start of `b` and its width; invalid bytes
/// decode as U+FFFD with width 1. Empty input gives (U+FFFD, 0).
pub(crate) fn decode_rune(b: &[u8]) -> (char, usize) {
    let Some(&first) = b.first() else {
        return (char::REPLACEMENT_CHARACTER, 0);
    };
    if first < 0x80 {
        return (char::from(first), 1);
    }
    let width = match first {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (char::REPLACEMENT_CHARACTER, 1),
    };
    match b.get(..width).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => match s.chars().next() {
            Some(c) => (c, width),
            None => (char::REPLACEMENT_CHARACTER, 1),
        },
        None => (char::REPLACEMENT_CHARACTER, 1),
    }
}

/// Go's `utf8.DecodeLastRune`.
pub(crate) fn decode_last_rune(b: &[u8]) -> (char, usize) {
    let n = b.len();
    if n == 0 {
        return (char::REPLACEMENT_CHARACTER, 0);
    }
    let start_min = n.saturating_sub(4);
    let mut start = n - 1;
    while start > start_min && b.get(start).is_some_and(|&c| c & 0xC0 == 0x80) {
        start -= 1;
    }
    let (c, w) = decode_rune(b.get(start..).unwrap_or(&[]));
    if start + w != n {
        return (char::REPLACEMENT_CHARACTER, 1);
    }
    (c, w)
}

/// Length of the leading run of `unicode.IsSpace` runes (Go's `TrimLeftFunc`).
pub(crate) fn leading_space_len(b: &[u8]) -> usize {
    let mut i = 0;
    while i < b.len() {
        let (c, w) = decode_rune(&b[i..]);
        if w == 0 || !is_space(c) || (c == char::REPLACEMENT_CHARACTER && w == 1) {
            break;
        }
        i += w;
    }
    i
}

/// Length of the trailing run of `unicode.IsSpace` runes.
pub(crate) fn trailing_space_len(b: &[u8]) -> usize {
    let mut end = b.len();
    while end > 0 {
        let (c, w) = decode_last_rune(&b[..end]);
        if w == 0 || !is_space(c) || (c == char::REPLACEMENT_CHARACTER && w == 1) {
            break;
        }
        end -= w;
    }
    b.len() - end
}

/// Go's `strings.TrimSpace`, as the range `start..end` of `b` that remains.
pub(crate) fn trim_space_range(b: &[u8]) -> (usize, usize) {
    let start = leading_space_len(b);
    let end = b.len() - trailing_space_len(&b[start..]);
    (start, end.max(start))
}

/// The bytes matched by BuildKit's `[\t\v\f\r ]` (its `reWhitespace`).
pub(crate) fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b'\t' | 0x0B | 0x0C | b'\r' | b' ')
}

/// Go's `regexp.MustCompile("[\t\v\f\r ]+").Split(s, n)` for n = -1 (all) or 2,
/// returning ranges into `s`.
pub(crate) fn split_ascii_ws(s: &[u8], limit: Option<usize>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        if limit.is_some_and(|n| out.len() + 1 >= n) {
            break;
        }
        if s.get(i).is_some_and(|&b| is_ascii_ws(b)) {
            let ws_start = i;
            while s.get(i).is_some_and(|&b| is_ascii_ws(b)) {
                i += 1;
            }
            out.push((start, ws_start));
            start = i;
        } else {
            i += 1;
        }
    }
    out.push((start, s.len()));
    out
}

/// Converts bytes to a `String`. Valid UTF-8 is kept as is; invalid bytes (which Go's
/// byte-wise flag and HEALTHCHECK parsing can produce) are dropped, as the reference
/// tooling does.
pub(crate) fn to_string(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let mut out = String::with_capacity(b.len());
            for chunk in b.utf8_chunks() {
                out.push_str(chunk.valid());
            }
            out
        }
    }
}

/// Appends Go's `string(rune(b))` for a byte: Latin-1 reinterpretation, which is what
/// BuildKit's byte-wise flag parser does to non-ASCII bytes.
pub(crate) fn push_byte_as_rune(out: &mut Vec<u8>, b: u8) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(char::from(b).encode_utf8(&mut buf).as_bytes());
}

/// Go's `unicode.IsSpace(rune(b))` for one byte.
pub(crate) fn byte_is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0x85 | 0xA0)
}

/// Go's `strings.ToLower` limited to what can make an instruction keyword match:
/// ASCII plus the two non-ASCII letters Go lowers to ASCII (KELVIN SIGN and
/// LATIN CAPITAL LETTER I WITH DOT ABOVE).
pub(crate) fn go_lower_keyword(s: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(s).ok()?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{212A}' => out.push('k'),
            '\u{0130}' => out.push('i'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_go() {
        let s = b"a  b\tc";
        assert_eq!(split_ascii_ws(s, None), vec![(0, 1), (3, 4), (5, 6)]);
        assert_eq!(split_ascii_ws(s, Some(2)), vec![(0, 1), (3, 6)]);
        assert_eq!(split_ascii_ws(b"", None), vec![(0, 0)]);
        assert_eq!(split_ascii_ws(b"abc", Some(2)), vec![(0, 3)]);
    }

    #[test]
    fn trim_space_unicode() {
        let s = "\u{a0} x \u{2003}".as_bytes();
        let (a, b) = trim_space_range(s);
        assert_eq!(&s[a..b], b"x");
        assert_eq!(trim_space_range(b"   "), (3, 3));
    }

    #[test]
    fn decode_invalid() {
        assert_eq!(decode_rune(b"\xff"), (char::REPLACEMENT_CHARACTER, 1));
        assert_eq!(decode_rune("é".as_bytes()), ('é', 2));
        assert_eq!(decode_last_rune("aé".as_bytes()), ('é', 2));
        assert_eq!(decode_last_rune(b"a\xa0"), (char::REPLACEMENT_CHARACTER, 1));
    }
}
