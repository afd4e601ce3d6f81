//! Variable expansion and word splitting exactly as BuildKit's Dockerfile frontend does
//! it (`frontend/dockerfile/shell/lex.go`: `ProcessWord`, `ProcessWords`,
//! `ProcessWordWithMatches`).
//!
//! Why hand-written: no crate implements BuildKit's dialect. It looks like POSIX shell
//! but differs in many small ways that Dockerfiles depend on: a configurable escape
//! token (`\` or `` ` ``), `\` outside quotes escaping any character, `$1`/`$@` always
//! expanding to nothing, no command substitution or tilde expansion, glob patterns in
//! `#`/`%`/`/` that know only `*` and `?` and that go through Go regular expressions
//! (so `?` and `*` never match a newline), `${a:#x}` being an error, and so on. Shell
//! crates (which implement a real shell) would get these wrong, so this module follows
//! BuildKit's behaviour case by case; the conformance tests run BuildKit's own tables
//! (`envVarTest`, `wordsTest`).
//!
//! Known differences from the Go code:
//! * Go's `unicode.IsLetter`/`unicode.IsDigit` (categories L and Nd) are approximated by
//!   [`char::is_alphabetic`]/[`char::is_numeric`] for non-ASCII characters in variable
//!   names; the two agree on every ASCII character and on ordinary letters of other
//!   scripts.
//! * Recent BuildKit shares one word buffer between a word and the words of a nested
//!   `${a:-...}`, so `ProcessWords("x${a:-y}")` loses the `x`. Here each nesting level has
//!   its own buffer (as BuildKit had before that change), which is what the code plainly
//!   means to do.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

/// Where variable values come from.
pub trait Env {
    /// The value of `name`, or `None` when it is not set (set but empty is `Some("")`).
    fn lookup(&self, name: &str) -> Option<&str>;
}

impl<T: Env + ?Sized> Env for &T {
    fn lookup(&self, name: &str) -> Option<&str> {
        (**self).lookup(name)
    }
}

impl<S: BuildHasher> Env for HashMap<String, String, S> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl Env for BTreeMap<String, String> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

/// A list of pairs; the last pair with a name wins (like BuildKit's `BuildEnvs`).
impl Env for [(String, String)] {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Env for Vec<(String, String)> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.as_slice().lookup(name)
    }
}

/// No variable is set.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEnv;

impl Env for NoEnv {
    fn lookup(&self, _name: &str) -> Option<&str> {
        None
    }
}

/// An ordered variable map. Keys compare exactly (Linux) or ignoring ASCII case
/// (Windows containers, BuildKit's `NormalizeEnvKey`). Lookups and updates go through
/// a hash index (O(1)), so filling it with n variables is linear.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VarMap {
    entries: Vec<(String, String)>,
    /// Key (ASCII-lower-cased when `fold_case`) -> position in `entries`.
    index: HashMap<String, usize>,
    fold_case: bool,
}

impl VarMap {
    /// An empty map with case-sensitive keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map whose keys ignore case, as on Windows.
    pub fn windows() -> Self {
        VarMap {
            fold_case: true,
            ..VarMap::default()
        }
    }

    /// Builds a map from `KEY=value` strings (`KEY` alone means set and empty); a later
    /// key replaces an earlier one.
    pub fn from_assignments<I, S>(items: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut map = VarMap::new();
        map.extend_assignments(items);
        map
    }

    /// Adds `KEY=value` strings to the map.
    pub fn extend_assignments<I, S>(&mut self, items: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for item in items {
            let item = item.as_ref();
            match item.split_once('=') {
                Some((k, v)) => self.set(k, v),
                None => self.set(item, ""),
            }
        }
    }

    fn index_key<'k>(&self, key: &'k str) -> std::borrow::Cow<'k, str> {
        if self.fold_case && key.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(key.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(key)
        }
    }

    /// Sets `key` to `value`, replacing an earlier value.
    pub fn set(&mut self, key: &str, value: &str) {
        let ik = self.index_key(key);
        match self.index.get(ik.as_ref()).copied() {
            Some(at) => {
                if let Some(entry) = self.entries.get_mut(at) {
                    entry.1.clear();
                    entry.1.push_str(value);
                }
            }
            None => {
                let ik = ik.into_owned();
                self.index.insert(ik, self.entries.len());
                self.entries.push((key.to_string(), value.to_string()));
            }
        }
    }

    /// Removes `key` (O(n): the positions after it move).
    pub fn remove(&mut self, key: &str) {
        let ik = self.index_key(key).into_owned();
        if let Some(at) = self.index.remove(&ik) {
            if at < self.entries.len() {
                self.entries.remove(at);
            }
            for v in self.index.values_mut() {
                if *v > at {
                    *v -= 1;
                }
            }
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        let at = *self.index.get(self.index_key(key).as_ref())?;
        self.entries.get(at).map(|(_, v)| v.as_str())
    }

    /// Whether `key` is set.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The pairs in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// Number of variables.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no variable is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Env for VarMap {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
}

/// What went wrong while expanding a word.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandErrorKind {
    #[error("syntax error: missing '}}'")]
    MissingBrace,
    #[error("syntax error: bad substitution")]
    BadSubstitution,
    #[error("syntax error: missing '/' in ${{}}")]
    MissingSlash,
    #[error("unexpected end of statement while looking for matching {0}")]
    Unterminated(char),
    /// More than [`MAX_NESTING`] nested `${...}`: refused so hostile input cannot
    /// exhaust the stack (BuildKit, on Go's growable stacks, has no such limit).
    #[error("substitutions nested too deeply")]
    TooDeep,
    /// The expansion grew past [`MAX_EXPANSION_BYTES`] beyond the word's own length
    /// (`ARG A=$A$A` chains double a value at each step): refused so that a small
    /// hostile file cannot make gigabytes of text.
    #[error("expansion too long")]
    TooLong,
    #[error("unexpected end of statement while looking for matching single-quote")]
    UnterminatedSingleQuote,
    #[error("unexpected end of statement while looking for matching double-quote")]
    UnterminatedDoubleQuote,
    #[error("unsupported modifier ({0}) in substitution")]
    UnsupportedModifier(String),
    /// `${name?message}` / `${name:?message}` on an unset (or empty) variable.
    #[error("{name}: {message}")]
    Required { name: String, message: String },
    #[error("invalid pattern ({pattern}) in substitution: {reason}")]
    InvalidPattern { pattern: String, reason: String },
}

/// An expansion error, with the word it happened in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("failed to process {word:?}: {kind}")]
pub struct ExpandError {
    pub word: String,
    pub kind: ExpandErrorKind,
}

/// The result of expanding one word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// The word with variables substituted and quotes removed (`ProcessWord`).
    pub value: String,
    /// The word split on unquoted whitespace after substitution (`ProcessWords`).
    pub words: Vec<String>,
    /// Variables that were looked up and found, in order of first use.
    pub matched: Vec<String>,
    /// Variables that were looked up and not found, in order of first use.
    pub unmatched: Vec<String>,
}

/// BuildKit's `shell.Lex`: the escape token and the processing options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lexer {
    escape: char,
    raw_quotes: bool,
    raw_escapes: bool,
    skip_process_quotes: bool,
    skip_unset_env: bool,
}

impl Default for Lexer {
    fn default() -> Self {
        Lexer::new('\\')
    }
}

impl Lexer {
    /// A lexer with the given escape token (`\` by default, `` ` `` with
    /// `# escape=``).
    pub const fn new(escape: char) -> Self {
        Lexer {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_process_quotes: false,
            skip_unset_env: false,
        }
    }

    /// The escape token.
    pub fn escape(&self) -> char {
        self.escape
    }

    /// Keep quote characters in the output (`RawQuotes`).
    pub const fn raw_quotes(mut self, on: bool) -> Self {
        self.raw_quotes = on;
        self
    }

    /// Keep escape characters in the output (`RawEscapes`).
    pub const fn raw_escapes(mut self, on: bool) -> Self {
        self.raw_escapes = on;
        self
    }

    /// Treat quotes as ordinary characters (`SkipProcessQuotes`).
    pub const fn skip_process_quotes(mut self, on: bool) -> Self {
        self.skip_process_quotes = on;
        self
    }

    /// Leave references to unset variables as written (`SkipUnsetEnv`).
    pub const fn skip_unset_env(mut self, on: bool) -> Self {
        self.skip_unset_env = on;
        self
    }

    /// Expands `word` (BuildKit's `ProcessWordWithMatches`): the value, the split words
    /// and which variables were used.
    pub fn process_word_with_matches<E: Env + ?Sized>(
        &self,
        word: &str,
        env: &E,
    ) -> Result<Expansion, ExpandError> {
        let mut sw = ShellWord {
            lex: self,
            scan: Scanner::new(word),
            env,
            raw_escapes: self.raw_escapes,
            matched: Vec::new(),
            unmatched: Vec::new(),
            depth: 0,
            max_len: word.len().saturating_add(MAX_EXPANSION_BYTES),
        };
        match sw.process_stop_on(None, self.raw_escapes) {
            Ok((value, words)) => Ok(Expansion {
                value,
                words,
                matched: sw.matched,
                unmatched: sw.unmatched,
            }),
            Err(kind) => Err(ExpandError {
                word: word.to_string(),
                kind,
            }),
        }
    }

    /// Expands `word` into one string (BuildKit's `ProcessWord`).
    pub fn process_word<E: Env + ?Sized>(
        &self,
        word: &str,
        env: &E,
    ) -> Result<String, ExpandError> {
        self.process_word_with_matches(word, env).map(|e| e.value)
    }

    /// Expands `word` and splits it on unquoted whitespace (BuildKit's `ProcessWords`).
    pub fn process_words<E: Env + ?Sized>(
        &self,
        word: &str,
        env: &E,
    ) -> Result<Vec<String>, ExpandError> {
        self.process_word_with_matches(word, env).map(|e| e.words)
    }
}

/// Expands `word` with the default lexer (escape `\`).
pub fn expand<E: Env + ?Sized>(word: &str, env: &E) -> Result<String, ExpandError> {
    Lexer::default().process_word(word, env)
}

/// A character cursor with Go `text/scanner` `Peek`/`Next` semantics (a leading byte
/// order mark is skipped).
struct Scanner<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str) -> Self {
        let pos = if src.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        Scanner { src, pos }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
}

/// Word splitting state (BuildKit's `wordsStruct`).
#[derive(Default)]
struct Words {
    word: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() {
            if self.in_word && !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        self.word.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        for ch in s.chars() {
            self.add_char(ch);
        }
    }

    fn add_raw_string(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(std::mem::take(&mut self.word));
        }
        self.words
    }
}

/// How deeply `${...}` may nest.
pub const MAX_NESTING: usize = 200;

/// How much longer than the word itself its expansion may grow (BuildKit has no
/// limit; real values are a few KiB at most).
pub const MAX_EXPANSION_BYTES: usize = 1 << 20;

struct ShellWord<'a, 'e, E: Env + ?Sized> {
    depth: usize,
    /// Most bytes any string built while expanding this word may have.
    max_len: usize,
    lex: &'a Lexer,
    scan: Scanner<'a>,
    env: &'e E,
    raw_escapes: bool,
    matched: Vec<String>,
    unmatched: Vec<String>,
}

fn is_name_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic()
    }
}

fn is_name_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        c.is_numeric()
    }
}

fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

impl<E: Env + ?Sized> ShellWord<'_, '_, E> {
    fn get_env(&mut self, name: &str) -> Option<String> {
        match self.env.lookup(name) {
            Some(v) => {
                if !self.matched.iter().any(|m| m == name) {
                    self.matched.push(name.to_string());
                }
                Some(v.to_string())
            }
            None => {
                if !self.unmatched.iter().any(|m| m == name) {
                    self.unmatched.push(name.to_string());
                }
                None
            }
        }
    }

    /// Refuses a string longer than the word may expand to.
    fn check_len(&self, len: usize) -> Result<(), ExpandErrorKind> {
        if len > self.max_len {
            Err(ExpandErrorKind::TooLong)
        } else {
            Ok(())
        }
    }

    /// Processes until `stop` (consumed) or the end of input.
    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<String>), ExpandErrorKind> {
        if self.depth >= MAX_NESTING {
            return Err(ExpandErrorKind::TooDeep);
        }
        self.depth += 1;
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let r = self.process_stop_on_inner(stop);
        self.raw_escapes = saved;
        self.depth -= 1;
        r
    }

    fn process_stop_on_inner(
        &mut self,
        stop: Option<char>,
    ) -> Result<(String, Vec<String>), ExpandErrorKind> {
        let mut result = String::new();
        let mut words = Words::default();
        let quotes = !self.lex.skip_process_quotes;
        while let Some(ch) = self.scan.peek() {
            if stop == Some(ch) {
                self.scan.next();
                return Ok((result, words.finish()));
            }
            if ch == '$' {
                let tmp = self.process_dollar()?;
                self.check_len(result.len() + tmp.len())?;
                result.push_str(&tmp);
                words.add_string(&tmp);
            } else if quotes && ch == '\'' {
                let tmp = self.process_single_quote()?;
                result.push_str(&tmp);
                words.add_raw_string(&tmp);
            } else if quotes && ch == '"' {
                let tmp = self.process_double_quote()?;
                self.check_len(result.len() + tmp.len())?;
                result.push_str(&tmp);
                words.add_raw_string(&tmp);
            } else {
                self.scan.next();
                if ch == self.lex.escape {
                    if self.raw_escapes {
                        words.add_raw_char(ch);
                        result.push(ch);
                    }
                    // The escape token escapes the next character, except at the end.
                    let Some(escaped) = self.scan.next() else {
                        break;
                    };
                    words.add_raw_char(escaped);
                    result.push(escaped);
                } else {
                    words.add_char(ch);
                    result.push(ch);
                }
            }
        }
        if let Some(stop) = stop {
            return Err(ExpandErrorKind::Unterminated(stop));
        }
        Ok((result, words.finish()))
    }

    fn process_single_quote(&mut self) -> Result<String, ExpandErrorKind> {
        // Everything up to the next single quote is literal; it cannot be escaped.
        let mut result = String::new();
        let open = self.scan.next();
        if self.lex.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.scan.next() {
                None => return Err(ExpandErrorKind::UnterminatedSingleQuote),
                Some('\'') => {
                    if self.lex.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> Result<String, ExpandErrorKind> {
        // Literal except `$` and the escape token, which escapes only `"`, `$` and
        // itself; any other escape stays as written.
        let mut result = String::new();
        let open = self.scan.next();
        if self.lex.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.scan.peek() {
                None => return Err(ExpandErrorKind::UnterminatedDoubleQuote),
                Some('"') => {
                    self.scan.next();
                    if self.lex.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.process_dollar()?;
                    self.check_len(result.len() + value.len())?;
                    result.push_str(&value);
                }
                Some(_) => {
                    let Some(mut ch) = self.scan.next() else {
                        continue;
                    };
                    if ch == self.lex.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.scan.peek() {
                            // An escape at the very end is dropped (and the missing
                            // quote is reported on the next turn).
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.lex.escape => {
                                self.scan.next();
                                ch = n;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.scan.peek() {
            if name.is_empty() && is_name_digit(ch) {
                while let Some(d) = self.scan.peek() {
                    if !is_name_digit(d) {
                        break;
                    }
                    self.scan.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && is_special_param(ch) {
                self.scan.next();
                name.push(ch);
                return name;
            }
            if !is_name_letter(ch) && !is_name_digit(ch) && ch != '_' {
                break;
            }
            self.scan.next();
            name.push(ch);
        }
        name
    }

    fn process_dollar(&mut self) -> Result<String, ExpandErrorKind> {
        self.scan.next(); // the '$'

        if self.scan.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(match self.get_env(&name) {
                Some(v) => v,
                None if self.lex.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }

        self.scan.next(); // the '{'
        match self.scan.peek() {
            None => return Err(ExpandErrorKind::MissingBrace),
            Some('{' | '}' | ':') => return Err(ExpandErrorKind::BadSubstitution),
            Some(_) => {}
        }
        let name = self.process_name();
        let first = self.scan.next();
        let mut modifier = String::new();
        modifier.extend(first);
        match first {
            Some('}') => Ok(match self.get_env(&name) {
                Some(v) => v,
                None if self.lex.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            }),
            Some(c @ (':' | '+' | '-' | '?' | '#' | '%')) => {
                let null_is_unset = c == ':';
                let op = if null_is_unset {
                    let op = self.scan.next();
                    modifier.extend(op);
                    op
                } else {
                    Some(c)
                };
                let raw = matches!(op, Some('#' | '%'));
                if null_is_unset && raw {
                    return Err(ExpandErrorKind::UnsupportedModifier(modifier));
                }
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.scan.peek().is_none() {
                            return Err(ExpandErrorKind::MissingBrace);
                        }
                        return Err(e);
                    }
                };
                let value = self.get_env(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}{modifier}{word}}}"));
                }
                let set = value.is_some();
                let value = value.unwrap_or_default();
                let null = !set || (null_is_unset && value.is_empty());
                match op {
                    Some('-') => Ok(if null { word } else { value }),
                    Some('+') => Ok(if null { String::new() } else { word }),
                    Some('?') => {
                        if !set || (null_is_unset && value.is_empty()) {
                            let message = if !word.is_empty() {
                                word
                            } else if !set {
                                "is not allowed to be unset".to_string()
                            } else {
                                "is not allowed to be empty".to_string()
                            };
                            return Err(ExpandErrorKind::Required { name, message });
                        }
                        Ok(value)
                    }
                    Some(op @ ('#' | '%')) => {
                        // `#`/`%` strip the shortest match, `##`/`%%` the longest.
                        let (pattern, greedy) = match word.strip_prefix(op) {
                            Some(rest) => (rest, true),
                            None => (word.as_str(), false),
                        };
                        if op == '%' {
                            trim_suffix(pattern, &value, greedy)
                        } else {
                            trim_prefix(pattern, &value, greedy)
                        }
                    }
                    _ => Err(ExpandErrorKind::UnsupportedModifier(modifier)),
                }
            }
            Some('/') => {
                let replace_all = self.scan.peek() == Some('/');
                if replace_all {
                    self.scan.next();
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.scan.peek().is_none() {
                            return Err(ExpandErrorKind::MissingSlash);
                        }
                        return Err(e);
                    }
                };
                let replacement = match self.process_stop_on(Some('}'), true) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.scan.peek().is_none() {
                            return Err(ExpandErrorKind::MissingBrace);
                        }
                        return Err(e);
                    }
                };
                let value = self.get_env(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                }
                let value = value.unwrap_or_default();
                let re = shell_pattern_to_regex(&pattern, true, false)?;
                if replace_all {
                    replace_all_go(&re, &value, &replacement, self.max_len)
                        .ok_or(ExpandErrorKind::TooLong)
                } else {
                    self.check_len(value.len() + replacement.len())?;
                    Ok(match re.find(&value) {
                        Some(m) => {
                            let mut out = String::with_capacity(value.len());
                            out.push_str(value.get(..m.start()).unwrap_or_default());
                            out.push_str(&replacement);
                            out.push_str(value.get(m.end()..).unwrap_or_default());
                            out
                        }
                        None => value,
                    })
                }
            }
            _ => Err(ExpandErrorKind::UnsupportedModifier(modifier)),
        }
    }
}

/// Converts a shell wildcard pattern (`?` one character, `*` any run, `\` escapes `*`,
/// `?` and `\`; no bracket expressions) to a regular expression, the way BuildKit does
/// (so the same things match, including `.` not matching a newline).
fn shell_pattern_to_regex(
    pattern: &str,
    greedy: bool,
    anchored: bool,
) -> Result<regex::Regex, ExpandErrorKind> {
    let invalid = |reason: String| ExpandErrorKind::InvalidPattern {
        pattern: pattern.to_string(),
        reason,
    };
    let mut out = String::with_capacity(pattern.len() + 4);
    if anchored {
        out.push('^');
    }
    let star = if greedy { ".*" } else { ".*?" };
    let mut chars = pattern.chars().peekable();
    while let Some(tok) = chars.next() {
        match tok {
            '*' => out.push_str(star),
            '?' => out.push('.'),
            '\\' => {
                // `}` and `/` are escaped inside `${}` but the escape is not part of
                // the pattern.
                if matches!(chars.peek(), Some('}' | '/')) {
                    continue;
                }
                match chars.next() {
                    Some(c @ ('*' | '?' | '\\')) => {
                        out.push('\\');
                        out.push(c);
                    }
                    Some(c) => return Err(invalid(format!("invalid escape '\\{c}'"))),
                    None => return Err(invalid("invalid escape '\\'".to_string())),
                }
            }
            '[' | ']' | '{' | '}' | '.' | '+' | '(' | ')' | '|' | '^' | '$' => {
                out.push('\\');
                out.push(tok);
            }
            c => out.push(c),
        }
    }
    regex::Regex::new(&out).map_err(|e| invalid(e.to_string()))
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, ExpandErrorKind> {
    let re = shell_pattern_to_regex(pattern, greedy, true)?;
    Ok(match re.find(value) {
        Some(m) => value.get(m.end()..).unwrap_or_default().to_string(),
        None => value.to_string(),
    })
}

/// Reverses a pattern but keeps each `\x` escape pair in order (`a\*c` -> `c\*a`).
fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pieces: Vec<&[char]> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars.get(i) == Some(&'\\') && i + 1 < chars.len() {
            pieces.push(chars.get(i..i + 2).unwrap_or_default());
            i += 2;
        } else {
            pieces.push(chars.get(i..=i).unwrap_or_default());
            i += 1;
        }
    }
    pieces.iter().rev().flat_map(|p| p.iter()).collect()
}

fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, ExpandErrorKind> {
    // A regular expression cannot find the shortest rightmost match, so reverse both
    // the pattern and the value and trim a prefix instead.
    let pattern = reverse_pattern(pattern);
    let reversed: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&pattern, &reversed, greedy)?;
    Ok(trimmed.chars().rev().collect())
}

/// Go's `Regexp.ReplaceAllString`: successive non-overlapping matches, an empty match
/// right after a match is not replaced, and `$0`, `${0}`, `$$` in the replacement are
/// expanded (other references expand to nothing, a malformed `$` stays). `None` when
/// the result would pass `max_len` bytes.
fn replace_all_go(re: &regex::Regex, src: &str, template: &str, max_len: usize) -> Option<String> {
    let mut out = String::with_capacity(src.len());
    let mut last_end = 0usize;
    let mut search = 0usize;
    while search <= src.len() {
        let Some(m) = re.find_at(src, search) else {
            break;
        };
        out.push_str(src.get(last_end..m.start()).unwrap_or_default());
        if m.end() > last_end || m.start() == 0 {
            go_expand(&mut out, template, m.as_str());
        }
        if out.len() > max_len {
            return None;
        }
        last_end = m.end();
        let width = src
            .get(search..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
        if search + width > m.end() {
            search += width;
        } else if search + 1 > m.end() {
            search += 1;
        } else {
            search = m.end();
        }
    }
    out.push_str(src.get(last_end..).unwrap_or_default());
    (out.len() <= max_len).then_some(out)
}

fn go_expand(out: &mut String, template: &str, whole: &str) {
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(rest.get(..i).unwrap_or_default());
        rest = rest.get(i + 1..).unwrap_or_default();
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        match go_extract(rest) {
            Some((name, after)) => {
                rest = after;
                if name == "0" {
                    out.push_str(whole);
                }
            }
            None => out.push('$'),
        }
    }
    out.push_str(rest);
}

/// Go's `regexp.extract`: a `name` or `{name}` at the start of `s`.
fn go_extract(s: &str) -> Option<(&str, &str)> {
    let (body, brace) = match s.strip_prefix('{') {
        Some(b) => (b, true),
        None => (s, false),
    };
    let len: usize = body
        .chars()
        .take_while(|&c| is_name_letter(c) || is_name_digit(c) || c == '_')
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let name = body.get(..len)?;
    let mut after = body.get(len..)?;
    if brace {
        after = after.strip_prefix('}')?;
    }
    Some((name, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

    fn env(pairs: &[(&str, &str)]) -> VarMap {
        let mut m = VarMap::new();
        for (k, v) in pairs {
            m.set(k, v);
        }
        m
    }

    fn run(input: &str, pairs: &[(&str, &str)]) -> Result<Expansion, ExpandError> {
        Lexer::default().process_word_with_matches(input, &env(pairs))
    }

    #[test]
    fn pattern_conversion() {
        let re = shell_pattern_to_regex("(()[]{\\}^$.\\*\\?|\\\\", true, true).unwrap();
        assert_eq!(re.as_str(), "^\\(\\(\\)\\[\\]\\{\\}\\^\\$\\.\\*\\?\\|\\\\");
        for bad in ["\\", "\\x", "\\\\\\"] {
            assert!(shell_pattern_to_regex(bad, true, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn pattern_reversal() {
        assert_eq!(reverse_pattern("a\\*c"), "c\\*a");
        assert_eq!(reverse_pattern("\\\\\\ab"), "b\\a\\\\");
        assert_eq!(reverse_pattern("ab\\"), "\\ba");
        assert_eq!(reverse_pattern("\\\\b"), "b\\\\");
    }

    #[test]
    fn matches_and_unmatched() {
        let e = run(
            "${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}",
            &[("FOO", "xxx"), ("BAR", "")],
        )
        .unwrap();
        assert_eq!(e.value, "xxx  ccc");
        assert_eq!(e.matched, vec!["FOO", "BAR"]);
        assert_eq!(e.unmatched, vec!["BAZ"]);
        let e = run(
            "${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}",
            &[("FOO", "xxx"), ("BAR", "")],
        )
        .unwrap();
        assert_eq!(e.value, "aaa  ");
    }

    #[test]
    fn required_messages() {
        let set = [("VAR", "plain"), ("ARG", "x")];
        let empty = [("VAR", ""), ("ARG", "x")];
        let unset = [("ARG", "x")];
        assert_eq!(
            run("${VAR:?message here$ARG}", &set).unwrap().value,
            "plain"
        );
        let e = run("${VAR:?message here$ARG}", &empty).unwrap_err();
        assert!(e.to_string().contains("message herex"), "{e}");
        assert!(run("${VAR:?message here$ARG}", &unset).is_err());
        assert_eq!(run("${VAR?m}", &empty).unwrap().value, "");
        let e = run("${VAR?}", &unset).unwrap_err();
        assert!(
            e.to_string().contains("VAR: is not allowed to be unset"),
            "{e}"
        );
    }

    #[test]
    fn prefix_suffix_patterns() {
        let cases: &[Case] = &[
            (
                "${FOO#()[]{\\}^$.\\*\\?|\\\\}",
                &[("FOO", "()[]{}^$.*?|\\x")],
                "x",
            ),
            ("${FOO%%\\**}", &[("FOO", "xx**")], "xx"),
            ("${FOO#*x*y}", &[("FOO", "xxyy")], "y"),
            ("${FOO#*}", &[("FOO", "xxyy")], "xxyy"),
            ("${FOO#$BAR}", &[("FOO", "xxyy"), ("BAR", "x")], "xyy"),
            ("${FOO##*x}", &[("FOO", "xxyy")], "yy"),
            ("${FOO#?\\?}", &[("FOO", "???y")], "?y"),
            ("${ABC:-.}${FOO%x}${ABC:-.}", &[("FOO", "xxyy")], ".xxyy."),
            ("${FOO%%\\**\\*}", &[("FOO", "a***yy*")], "a"),
            ("${FOO%y*}", &[("FOO", "xxyy")], "xxy"),
            ("${FOO%%y*}", &[("FOO", "xxyy")], "xx"),
            ("${FOO%}", &[("FOO", "xxyy")], "xxyy"),
        ];
        for (input, pairs, want) in cases {
            assert_eq!(run(input, pairs).unwrap().value, *want, "{input}");
        }
        assert!(run("${FOO:#x}", &[("FOO", "xx")]).is_err());
        assert!(run("${FOO:%x}", &[("FOO", "xx")]).is_err());
    }

    #[test]
    fn replacement() {
        let cases: &[Case] = &[
            (
                "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
                &[("FOO", "/foo*/*/*.txt"), ("NEEDLE", "\\*/")],
                "/foo.*/*.txt - /foo..*.txt",
            ),
            (
                "${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}",
                &[("FOO", "/tmp/tmp/bar.txt"), ("NEEDLE", "/tmp")],
                "/tmp/bar.txt - /bar.txt",
            ),
            (
                "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
                &[
                    ("FOO", "/a/foo/b/c.txt"),
                    ("NEEDLE", "/?/"),
                    ("REPLACEMENT", "/"),
                ],
                "/foo/b/c.txt - /foo/c.txt",
            ),
            (
                "${FOO//\\//\\/}",
                &[("FOO", "/tmp/foo.txt")],
                "\\/tmp\\/foo.txt",
            ),
            ("${FOO/$BAR/ww}", &[("FOO", "xxyy"), ("BAR", "")], "wwxxyy"),
            ("${FOO///}", &[("FOO", "xxyy")], "xxyy"),
            ("${FOO///}", &[], ""),
            ("${FOO//x/<\\$0>}", &[("FOO", "axb")], "a<\\x>b"),
        ];
        for (input, pairs, want) in cases {
            assert_eq!(run(input, pairs).unwrap().value, *want, "{input}");
        }
        assert!(run("${FOO//ww}", &[("FOO", "xxyy")]).is_err());
        assert!(run("${FOO//}", &[("FOO", "xxyy")]).is_err());
    }

    #[test]
    fn skip_unset_env_keeps_references() {
        let lex = Lexer::default().skip_unset_env(true);
        let e = env(&[("A", "1")]);
        assert_eq!(
            lex.process_word("$A-$B-${C}-${D:-x}", &e).unwrap(),
            "1-$B-${C}-${D:-x}"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}x{}", "${a:-".repeat(5000), "}".repeat(5000));
        let e = run(&deep, &[]).unwrap_err();
        assert_eq!(e.kind, ExpandErrorKind::TooDeep);
        let ok = format!("{}x{}", "${a:-".repeat(50), "}".repeat(50));
        assert_eq!(run(&ok, &[]).unwrap().value, "x");
    }

    #[test]
    fn expansion_length_is_capped() {
        // Half the cap, referenced twice, fits (with the word's own length); three
        // times does not, in any position.
        let half = "x".repeat(MAX_EXPANSION_BYTES / 2);
        let vars = [("A", half.as_str())];
        assert_eq!(run("$A$A", &vars).unwrap().value.len(), MAX_EXPANSION_BYTES);
        for word in [
            "$A$A$A",
            "\"$A$A$A\"",
            "${B:-$A$A$A}",
            "${A//x/xxx}",
            "${A/x/$A$A$A}",
        ] {
            let e = run(word, &vars).unwrap_err();
            assert_eq!(e.kind, ExpandErrorKind::TooLong, "{word}");
        }
    }

    #[test]
    fn length_operator_is_not_supported() {
        // `${#a}` reads `#` as the special parameter and `a` as an unknown modifier,
        // as BuildKit does (no string length).
        let e = run("${#PWD}", &[("PWD", "/home")]).unwrap_err();
        assert!(
            matches!(e.kind, ExpandErrorKind::UnsupportedModifier(_)),
            "{e}"
        );
        assert_eq!(run("$#", &[]).unwrap().value, "");
    }

    #[test]
    fn heredoc_line_lexing_keeps_everything() {
        // The settings BuildKit's parser uses to find heredoc words on a line.
        let lex = Lexer::default()
            .raw_quotes(true)
            .raw_escapes(true)
            .skip_unset_env(true);
        let words = lex
            .process_words("cat <<$EOF <<'A B' \\x ${U:-d}", &NoEnv)
            .unwrap();
        assert_eq!(words, ["cat", "<<$EOF", "<<'A B'", "\\x", "${U:-d}"]);
    }

    #[test]
    fn backtick_escape() {
        let lex = Lexer::new('`');
        let e = env(&[("A", "1")]);
        assert_eq!(lex.process_word("`$A\\$A", &e).unwrap(), "$A\\1");
        assert_eq!(lex.process_word("\"`\"x\"", &e).unwrap(), "\"x");
    }

    #[test]
    fn platform_release_name() {
        let e = env(&[
            ("VERSION", "v1.2.3"),
            ("TARGETOS", "linux"),
            ("TARGETARCH", "arm"),
            ("TARGETVARIANT", "v7"),
        ]);
        let s = "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
        let r = Lexer::default().process_word_with_matches(s, &e).unwrap();
        assert_eq!(r.value, "something-v1.2.3.linux-arm-v7.tar.gz");
        assert_eq!(r.matched.len(), 4);
        assert!(r.unmatched.is_empty());
    }
}
