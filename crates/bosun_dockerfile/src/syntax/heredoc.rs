//! Heredoc detection, as BuildKit's parser does it: the joined instruction line is
//! split into shell words by BuildKit's shell lexer (quotes and escapes kept raw,
//! unset variables kept as written, no environment), and every word matching
//! `^(\d*)<<(-?)([^<]*)$` whose rest lexes to exactly one word is a heredoc.
//!
//! This is a reduced copy of the lexer's *word splitting* only (no expansion: with an
//! empty environment and "skip unset" every `$var` stays as written). The full
//! expansion engine lives in `crate::shell`/`crate::expand`.

use super::gotext::{decode_rune, is_space};

/// A heredoc start found on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeredocStart {
    pub name: String,
    pub file_descriptor: u64,
    pub expand: bool,
    pub chomp: bool,
    /// Byte range of the word in the lexed line.
    pub start: usize,
    pub end: usize,
}

const EOF: Option<char> = None;

/// A word and its byte range.
type Span3 = (String, usize, usize);

struct Lexer {
    chars: Vec<(usize, char)>,
    len: usize,
    pos: usize,
    raw_quotes: bool,
    raw_escapes: bool,
    /// Nesting of `${...}`; bounded so hostile input cannot exhaust the stack
    /// (deeper nesting counts as a lexer error: no heredocs on that line).
    depth: usize,
}

const MAX_NESTING: usize = 256;

#[derive(Default)]
struct Words {
    word: String,
    word_start: usize,
    in_word: bool,
    words: Vec<(String, usize, usize)>,
}

impl Words {
    fn add_char(&mut self, c: char, at: usize, end: usize) {
        if is_space(c) && self.in_word {
            if !self.word.is_empty() {
                self.words
                    .push((std::mem::take(&mut self.word), self.word_start, at));
                self.in_word = false;
            }
        } else if !is_space(c) {
            self.add_raw_char(c, at, end);
        }
    }

    fn start(&mut self, at: usize) {
        if self.word.is_empty() {
            self.word_start = at;
        }
    }

    fn add_raw_char(&mut self, c: char, at: usize, _end: usize) {
        self.start(at);
        self.word.push(c);
        self.in_word = true;
    }

    fn add_raw_string(&mut self, s: &str, at: usize) {
        self.start(at);
        self.word.push_str(s);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str, at: usize, end: usize) {
        for c in s.chars() {
            self.add_char(c, at, end);
        }
    }

    fn finish(mut self, end: usize) -> Vec<(String, usize, usize)> {
        if !self.word.is_empty() {
            self.words
                .push((std::mem::take(&mut self.word), self.word_start, end));
        }
        self.words
    }
}

struct LexError;

impl Lexer {
    fn new(s: &[u8], raw_quotes: bool, raw_escapes: bool) -> Lexer {
        let mut chars = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            let (c, w) = decode_rune(&s[i..]);
            chars.push((i, c));
            i += w.max(1);
        }
        Lexer {
            chars,
            len: s.len(),
            pos: 0,
            raw_quotes,
            raw_escapes,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn offset(&self) -> usize {
        self.chars.get(self.pos).map_or(self.len, |&(o, _)| o)
    }

    /// BuildKit's `processStopOn`: returns the processed text and the words.
    fn process_stop_on(&mut self, stop: Option<char>) -> Result<(String, Vec<Span3>), LexError> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            let at = self.offset();
            if stop.is_some() && Some(ch) == stop {
                self.next();
                let end = self.offset();
                return Ok((result, words.finish(end)));
            }
            match ch {
                '$' => {
                    let tmp = self.process_dollar()?;
                    result.push_str(&tmp);
                    let end = self.offset();
                    words.add_string(&tmp, at, end);
                }
                '\'' => {
                    let tmp = self.process_single_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp, at);
                }
                '"' => {
                    let tmp = self.process_double_quote()?;
                    result.push_str(&tmp);
                    words.add_raw_string(&tmp, at);
                }
                _ => {
                    self.next();
                    if ch == '\\' {
                        if self.raw_escapes {
                            words.add_raw_char(ch, at, self.offset());
                            result.push(ch);
                        }
                        let Some(c2) = self.next() else {
                            break;
                        };
                        words.add_raw_char(c2, at, self.offset());
                        result.push(c2);
                    } else {
                        words.add_char(ch, at, self.offset());
                        result.push(ch);
                    }
                }
            }
        }
        if stop.is_some() {
            return Err(LexError);
        }
        Ok((result, words.finish(self.len)))
    }

    fn process_single_quote(&mut self) -> Result<String, LexError> {
        let mut result = String::new();
        let open = self.next();
        if self.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.next() {
                None => return Err(LexError),
                Some('\'') => {
                    if self.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> Result<String, LexError> {
        let mut result = String::new();
        let open = self.next();
        if self.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.peek() {
                None => return Err(LexError),
                Some('"') => {
                    self.next();
                    if self.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let v = self.process_dollar()?;
                    result.push_str(&v);
                }
                Some(_) => {
                    let mut ch = self.next();
                    if ch == Some('\\') {
                        if self.raw_escapes {
                            result.push('\\');
                        }
                        match self.peek() {
                            None => continue,
                            Some('"' | '$' | '\\') => ch = self.next(),
                            Some(_) => {}
                        }
                    }
                    result.extend(ch);
                }
            }
        }
    }

    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && is_go_digit(ch) {
                while let Some(d) = self.peek().filter(|&c| is_go_digit(c)) {
                    self.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                name.push(ch);
                return name;
            }
            if !ch.is_alphabetic() && !is_go_digit(ch) && ch != '_' {
                break;
            }
            self.next();
            name.push(ch);
        }
        name
    }

    /// `$...` with no environment and unset variables kept as written (BuildKit
    /// v0.12's modifier set: `:`, `+`, `-`, `?`).
    fn process_dollar(&mut self) -> Result<String, LexError> {
        if self.depth >= MAX_NESTING {
            return Err(LexError);
        }
        self.depth += 1;
        let r = self.process_dollar_inner();
        self.depth -= 1;
        r
    }

    fn process_dollar_inner(&mut self) -> Result<String, LexError> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(format!("${name}"));
        }
        self.next();
        match self.peek() {
            None | Some('{' | '}' | ':') => return Err(LexError),
            _ => {}
        }
        let name = self.process_name();
        let ch = self.next();
        match ch {
            Some('}') => Ok(format!("${{{name}}}")),
            Some(':') => {
                let modifier = self.next();
                let mut chs = String::from(":");
                chs.push(modifier.unwrap_or(char::REPLACEMENT_CHARACTER));
                let (word, _) = self.process_stop_on(Some('}'))?;
                Ok(format!("${{{name}{chs}{word}}}"))
            }
            Some(c @ ('+' | '-' | '?')) => {
                let (word, _) = self.process_stop_on(Some('}'))?;
                Ok(format!("${{{name}{c}{word}}}"))
            }
            _ => Err(LexError),
        }
    }
}

/// Go's `unicode.IsDigit` (decimal digits, category Nd).
fn is_go_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric() && is_nd(c))
}

/// Rough category-Nd test for non-ASCII digits: Rust has no direct API, so accept
/// chars whose `is_numeric` is true and that sit in a block of ten consecutive
/// numerics starting at a code point ending in 0 (how Unicode lays out Nd digits).
fn is_nd(c: char) -> bool {
    let cp = c as u32;
    let base = cp - (cp % 16);
    let zero = (base..base + 16)
        .filter_map(char::from_u32)
        .position(|d| d.is_numeric());
    match zero {
        Some(z) => {
            let z = base + z as u32;
            cp >= z
                && cp < z + 10
                && (z..z + 10).all(|x| char::from_u32(x).is_some_and(|d| d.is_numeric()))
        }
        None => false,
    }
}

/// Splits `line` into words like BuildKit's lexer with raw quotes and escapes.
/// `None` when the lexer errors (BuildKit then finds no heredocs on the line).
fn raw_words(line: &[u8]) -> Option<Vec<(String, usize, usize)>> {
    let mut lx = Lexer::new(line, true, true);
    lx.process_stop_on(EOF).ok().map(|(_, w)| w)
}

fn words_of(s: &str, raw_quotes: bool) -> Result<Vec<String>, LexError> {
    let mut lx = Lexer::new(s.as_bytes(), raw_quotes, false);
    lx.process_stop_on(EOF)
        .map(|(_, w)| w.into_iter().map(|(t, _, _)| t).collect())
}

/// Matches `^(\d*)<<(-?)([^<]*)$`, returning (fd digits, chomp, rest).
fn match_heredoc_word(word: &str) -> Option<(&str, bool, &str)> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let (fd, after) = word.split_at(digits);
    let after = after.strip_prefix("<<")?;
    let (chomp, rest) = match after.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, after),
    };
    if rest.contains('<') {
        return None;
    }
    Some((fd, chomp, rest))
}

/// Error while reading a heredoc word (BuildKit then rejects the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeredocWordError(pub String);

/// Finds the heredocs started on `line` (the whole joined instruction line).
pub(crate) fn heredocs_from_line(line: &[u8]) -> Result<Vec<HeredocStart>, HeredocWordError> {
    let Some(words) = raw_words(line) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (word, start, end) in words {
        let Some((fd, chomp, rest)) = match_heredoc_word(&word) else {
            continue;
        };
        if rest.is_empty() {
            continue;
        }
        let failed = || HeredocWordError(format!("failed to process \"{rest}\""));
        let cooked = words_of(rest, false).map_err(|_| failed())?;
        if cooked.len() != 1 {
            continue;
        }
        let raw = words_of(rest, true).map_err(|_| failed())?;
        if raw.len() != cooked.len() {
            return Err(HeredocWordError(format!(
                "internal lexing of heredoc produced inconsistent results: {rest}"
            )));
        }
        let name = cooked.into_iter().next().unwrap_or_default();
        let raw0 = raw.into_iter().next().unwrap_or_default();
        let quotes = |s: &str| s.bytes().filter(|&b| b == b'\'' || b == b'"').count();
        let expand = quotes(&name) == quotes(&raw0);
        // Go's strconv.ParseUint: "" is an error (0); overflow saturates.
        let file_descriptor = if fd.is_empty() {
            0
        } else {
            fd.parse::<u64>().unwrap_or(u64::MAX)
        };
        out.push(HeredocStart {
            name,
            file_descriptor,
            expand,
            chomp,
            start,
            end,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, bool, bool, u64)> {
        heredocs_from_line(line.as_bytes())
            .unwrap_or_default()
            .into_iter()
            .map(|h| (h.name, h.expand, h.chomp, h.file_descriptor))
            .collect()
    }

    #[test]
    fn detection_like_buildkit() {
        assert_eq!(names("RUN <<EOF"), vec![("EOF".into(), true, false, 0)]);
        assert_eq!(names("RUN cat << EOF"), vec![]);
        assert_eq!(names("RUN x<<EOF"), vec![]);
        assert_eq!(
            names("RUN <<E\"O\"F"),
            vec![("EOF".into(), false, false, 0)]
        );
        assert_eq!(names("RUN <<\\EOF"), vec![("EOF".into(), true, false, 0)]);
        assert_eq!(
            names("RUN <<'A' 3<<-B"),
            vec![("A".into(), false, false, 0), ("B".into(), true, true, 3)]
        );
        assert_eq!(names("RUN <<\"\""), vec![]);
        assert_eq!(
            names("RUN <<\"a b\""),
            vec![("a b".into(), false, false, 0)]
        );
        assert_eq!(names("RUN <<EOF ${a#b}"), vec![]);
        assert_eq!(
            names("RUN <<EOF ${a:-b c}"),
            vec![("EOF".into(), true, false, 0)]
        );
        assert_eq!(names("RUN <<EOF 'a"), vec![]);
        assert_eq!(
            names("RUN ${x:-a <<EOF}"),
            vec![("EOF}".into(), true, false, 0)]
        );
        assert_eq!(names("RUN <<<EOF"), vec![]);
    }

    #[test]
    fn word_ranges() {
        let h = heredocs_from_line(b"RUN cat <<-\"EOF\" > x").unwrap_or_default();
        assert_eq!((h[0].start, h[0].end), (8, 16));
    }
}
