//! Decoding of exec-form arrays the way BuildKit does it: Go's `json.Decoder.Decode`
//! into `[]interface{}`, then "every element must be a string".
//!
//! Hand-written rather than serde_json because Go differs in ways that change the
//! result: the decoder reads only the first JSON value and ignores what follows
//! (`CMD ["a"] b` is exec form), lone UTF-16 surrogates in `\u` escapes become
//! U+FFFD instead of an error, nesting is allowed to depth 10000, and a syntax error
//! must be told apart from "valid JSON but not all strings" (the first falls back to
//! shell form, the second rejects the file).

/// A decoded array element: its text and its byte range (including the quotes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonString {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not JSON (or not complete): BuildKit falls back to shell form.
    Syntax,
    /// Valid JSON array with a non-string element: BuildKit rejects the file.
    NotStrings,
}

const MAX_DEPTH: usize = 10_000;

/// Decodes the JSON array at the start of `s` (after JSON whitespace).
pub(crate) fn decode_string_array(s: &[u8]) -> Result<Vec<JsonString>, JsonError> {
    let mut p = Parser { s, pos: 0 };
    p.skip_ws();
    if p.peek() != Some(b'[') {
        return Err(JsonError::Syntax);
    }
    p.pos += 1;
    let mut out = Vec::new();
    let mut all_strings = true;
    p.skip_ws();
    if p.peek() == Some(b']') {
        return Ok(out);
    }
    loop {
        p.skip_ws();
        if p.peek() == Some(b'"') {
            let start = p.pos;
            let text = p.string()?;
            out.push(JsonString {
                text,
                start,
                end: p.pos,
            });
        } else {
            all_strings = false;
            p.value(1)?;
        }
        p.skip_ws();
        match p.next() {
            Some(b',') => continue,
            Some(b']') => break,
            _ => return Err(JsonError::Syntax),
        }
    }
    if all_strings {
        Ok(out)
    } else {
        Err(JsonError::NotStrings)
    }
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek();
        if b.is_some() {
            self.pos += 1;
        }
        b
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Validates any JSON value. `depth` is the nesting depth of the container the
    /// value sits in. Iterative for containers, so deep nesting cannot overflow the
    /// stack.
    fn value(&mut self, depth: usize) -> Result<(), JsonError> {
        // Stack of open containers: true = object, false = array.
        let mut stack: Vec<bool> = Vec::new();
        loop {
            // Parse one value start.
            self.skip_ws();
            match self.peek() {
                Some(b'[') | Some(b'{') => {
                    let is_obj = self.peek() == Some(b'{');
                    self.pos += 1;
                    if depth + stack.len() + 1 > MAX_DEPTH {
                        return Err(JsonError::Syntax);
                    }
                    stack.push(is_obj);
                    self.skip_ws();
                    let close = if is_obj { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        stack.pop();
                    } else {
                        if is_obj {
                            self.object_key()?;
                        }
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                _ => return Err(JsonError::Syntax),
            }
            // After a complete value: close containers or move to the next element.
            loop {
                let Some(&is_obj) = stack.last() else {
                    return Ok(());
                };
                self.skip_ws();
                match self.next() {
                    Some(b',') => {
                        if is_obj {
                            self.object_key()?;
                        }
                        break;
                    }
                    Some(b'}') if is_obj => {
                        stack.pop();
                    }
                    Some(b']') if !is_obj => {
                        stack.pop();
                    }
                    _ => return Err(JsonError::Syntax),
                }
            }
        }
    }

    fn object_key(&mut self) -> Result<(), JsonError> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(JsonError::Syntax);
        }
        self.string()?;
        self.skip_ws();
        if self.next() != Some(b':') {
            return Err(JsonError::Syntax);
        }
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), JsonError> {
        if self.s.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(JsonError::Syntax)
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<(), JsonError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(JsonError::Syntax),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(JsonError::Syntax);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(JsonError::Syntax);
            }
        }
        Ok(())
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let h = self.s.get(at..at + 4)?;
        let mut v = 0u32;
        for &b in h {
            let d = (b as char).to_digit(16)?;
            v = v * 16 + d;
        }
        Some(v)
    }

    /// Parses a string starting at `"`, decoding it like Go's `encoding/json`.
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.next() else {
                return Err(JsonError::Syntax);
            };
            match b {
                b'"' => break,
                0x00..=0x1F => return Err(JsonError::Syntax),
                b'\\' => {
                    let Some(e) = self.next() else {
                        return Err(JsonError::Syntax);
                    };
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0C),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let Some(r) = self.hex4(self.pos) else {
                                return Err(JsonError::Syntax);
                            };
                            self.pos += 4;
                            let mut c = char::from_u32(r);
                            if (0xD800..0xE000).contains(&r) {
                                c = None;
                                // A valid surrogate pair is `\uD8xx\uDCxx`.
                                if (0xD800..0xDC00).contains(&r)
                                    && self.s.get(self.pos) == Some(&b'\\')
                                    && self.s.get(self.pos + 1) == Some(&b'u')
                                {
                                    if let Some(r2) = self.hex4(self.pos + 2) {
                                        if (0xDC00..0xE000).contains(&r2) {
                                            let cp = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
                                            c = char::from_u32(cp);
                                            self.pos += 6;
                                        }
                                    }
                                }
                            }
                            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return Err(JsonError::Syntax),
                    }
                }
                _ => out.push(b),
            }
        }
        Ok(match String::from_utf8(out) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Result<Vec<String>, JsonError> {
        decode_string_array(s.as_bytes()).map(|v| v.into_iter().map(|j| j.text).collect())
    }

    #[test]
    fn go_decoder_behaviour() {
        assert_eq!(texts(r#"["a", "b"]"#), Ok(vec!["a".into(), "b".into()]));
        assert_eq!(texts(r#"["a"] trailing"#), Ok(vec!["a".into()]));
        assert_eq!(texts("[]"), Ok(vec![]));
        assert_eq!(texts(r#"["a",]"#), Err(JsonError::Syntax));
        assert_eq!(texts("['a']"), Err(JsonError::Syntax));
        assert_eq!(texts(r#"["a""#), Err(JsonError::Syntax));
        assert_eq!(texts(r#"["a", null]"#), Err(JsonError::NotStrings));
        assert_eq!(
            texts(r#"["a", [1, {"x": [true]}]]"#),
            Err(JsonError::NotStrings)
        );
        assert_eq!(texts(r#"["a", 01]"#), Err(JsonError::Syntax));
        assert_eq!(texts(r#"["\ud800x"]"#), Ok(vec!["\u{fffd}x".into()]));
        assert_eq!(texts(r#"["\ud83d\ude00"]"#), Ok(vec!["\u{1f600}".into()]));
        assert_eq!(texts(r#"["\ud800\u0041"]"#), Ok(vec!["\u{fffd}A".into()]));
        assert_eq!(texts("[\"a\tb\"]"), Err(JsonError::Syntax));
        let deep = format!("[{}{}]", "[".repeat(9_998), "]".repeat(9_998));
        assert_eq!(texts(&deep), Err(JsonError::NotStrings));
        let deeper = format!("[{}{}]", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(texts(&deeper), Err(JsonError::Syntax));
    }

    #[test]
    fn element_ranges_include_quotes() {
        let v = decode_string_array(br#"[ "ab", "c" ]"#).unwrap_or_default();
        assert_eq!((v[0].start, v[0].end), (2, 6));
        assert_eq!((v[1].start, v[1].end), (8, 11));
    }
}
