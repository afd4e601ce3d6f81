//! The lossless Dockerfile syntax tree.
//!
//! Everything here points back into [`Dockerfile::source`] through byte ranges
//! ([`TextRange`]), so rules can report exact lines and columns and fixes can edit the
//! original text. The *values* (`Instruction::value`, `Instruction::flags`, heredoc
//! contents, ...) are exactly what BuildKit's own parser reports for the same file, so
//! a rule that reads them sees the Dockerfile the way `docker build` does.
//!
//! The API is additive-only: other crates code against it.

use bosun_diagnostics::{LineIndex, Span};
use serde::Serialize;

/// A byte range `start..end` into [`Dockerfile::source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> TextRange {
        TextRange { start, end }
    }

    /// An empty range at `offset`.
    pub const fn empty(offset: usize) -> TextRange {
        TextRange {
            start: offset,
            end: offset,
        }
    }

    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// True when `offset` lies in `start..end`.
    pub const fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// True when `other` lies entirely inside `self`.
    pub const fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The smallest range covering both.
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The text of this range in `source` (empty when out of bounds or not on
    /// character boundaries; never panics).
    pub fn slice(self, source: &str) -> &str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

/// A parsed Dockerfile. Produced by [`Dockerfile::parse`] / [`crate::parse`], which never
/// fail: problems are values in `errors` (non-empty exactly when BuildKit would reject
/// the file) and `warnings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dockerfile {
    /// The file's text, unchanged (a leading BOM and CRLF line ends are kept; ranges
    /// index into this string).
    pub source: String,
    /// The escape character in effect: `\` or `` ` `` (from `# escape=`).
    pub escape: char,
    /// Parser directives recognised at the top of the file (`syntax`, `escape`, `check`),
    /// in file order.
    pub directives: Vec<Directive>,
    /// The instructions, in file order.
    pub instructions: Vec<Instruction>,
    /// Every comment line (directive lines and comment lines inside continuations
    /// included; heredoc bodies excluded), in file order.
    pub comments: Vec<Comment>,
    /// Why BuildKit would reject this file. Empty when it parses. When non-empty,
    /// `instructions` holds what was parsed before the error (best effort).
    pub errors: Vec<ParseError>,
    /// Things BuildKit's parser warns about (empty continuation lines).
    pub warnings: Vec<ParseWarning>,
    /// Where each line starts (built once by the parser; positions of findings are
    /// looked up here, never by rescanning the source).
    #[serde(skip)]
    pub(crate) lines: LineIndex,
}

impl Dockerfile {
    /// Parses Dockerfile text. Never panics, never fails.
    pub fn parse(source: &str) -> Dockerfile {
        crate::syntax::parse_str(source)
    }

    /// Parses raw bytes: a UTF-8 BOM is allowed (BuildKit strips it), CRLF line ends are
    /// fine. Bytes that are not UTF-8 are replaced by U+FFFD and reported as a
    /// [`ParseError`] (bosun works on text).
    pub fn parse_bytes(bytes: &[u8]) -> Dockerfile {
        crate::syntax::parse_bytes(bytes)
    }

    /// True when BuildKit would accept the file.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// 1-based line and 1-based column (in characters) of byte `offset`
    /// (clamped to the source).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.source, offset)
    }

    /// 1-based line number of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_col(offset).0
    }

    /// Number of lines, counting the (possibly empty) text after the last newline as a
    /// line, so every offset `0..=source.len()` has a line.
    pub fn line_count(&self) -> usize {
        self.lines.line_starts().len().max(1)
    }

    /// The range of 1-based `line`, without its line terminator (`\n` or `\r\n`).
    /// Out-of-range lines give an empty range at the end of the source.
    pub fn line_range(&self, line: usize) -> TextRange {
        let len = self.source.len();
        let Some(&start) = line
            .checked_sub(1)
            .and_then(|i| self.lines.line_starts().get(i))
        else {
            return TextRange::empty(len);
        };
        let mut end = self.lines.line_starts().get(line).map_or(len, |&next| next);
        let bytes = self.source.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
            if end > start && bytes.get(end - 1) == Some(&b'\r') {
                end -= 1;
            }
        }
        TextRange::new(start, end)
    }

    /// The text of `range` (empty when out of bounds).
    pub fn text(&self, range: TextRange) -> &str {
        range.slice(&self.source)
    }

    /// A diagnostics [`Span`] (offsets plus line/column of both ends) for `range`.
    pub fn span(&self, range: TextRange) -> Span {
        self.lines.span(&self.source, range.start, range.end)
    }

    /// The line index of the source (for callers that map many offsets).
    pub fn line_index(&self) -> &LineIndex {
        &self.lines
    }

    /// The directive named `name` (lower-case: `syntax`, `escape`, `check`), if present.
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }
}

/// A parser directive such as `# syntax=docker/dockerfile:1` at the top of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// Lower-cased key: `syntax`, `escape` or `check`.
    pub name: String,
    /// The value, trimmed, as BuildKit reads it.
    pub value: String,
    /// The whole line (without its line terminator).
    pub range: TextRange,
    /// Where the key is.
    pub name_range: TextRange,
    /// Where the value is.
    pub value_range: TextRange,
}

/// A comment line: `text` is what follows `#`, trimmed (as BuildKit's `PrevComment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub text: String,
    /// The comment from `#` to the end of the line (without the line terminator).
    pub range: TextRange,
    /// True when the comment sits inside an instruction's line continuation
    /// (BuildKit drops it from the joined line).
    pub in_continuation: bool,
}

/// Why BuildKit would reject the file. `message` is BuildKit's own message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    pub range: TextRange,
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// An empty or whitespace-only line inside a line continuation (BuildKit's
    /// NoEmptyContinuation check). `range` is the empty line.
    EmptyContinuationLine,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParseWarning {
    pub kind: WarningKind,
    pub message: String,
    pub range: TextRange,
}

/// A piece of text with its place in the source.
///
/// For exec (JSON) form, `text` is the decoded array element and `range` the element
/// including its quotes. For shell-ish forms, `text` is the raw whitespace-separated
/// word (quotes and escapes kept, as BuildKit's ENV/LABEL word parsing keeps them);
/// `range` covers its bytes in the source (a word broken by a line continuation
/// covers the continuation too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    pub text: String,
    pub range: TextRange,
}

/// A flag as BuildKit takes it: `--name[=value]` before the instruction's arguments.
/// `raw` is BuildKit's flag string (quotes removed, e.g. `--mount=type=cache,target=/x`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// The name without the leading `--`.
    pub name: String,
    /// The value after the first `=`, if any (quotes removed).
    pub value: Option<String>,
    /// BuildKit's string for this flag, e.g. `--from=builder`.
    pub raw: String,
    /// The whole flag in the source.
    pub range: TextRange,
    /// The value in the source (after `=`), if any.
    pub value_range: Option<TextRange>,
}

/// One `key=value` (or legacy `KEY value`) pair of ENV or LABEL.
/// Key and value are raw: quotes and escapes are kept, as in BuildKit's AST.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    pub key: Word,
    pub value: Word,
    /// True for the legacy `ENV KEY value` form (whitespace instead of `=`).
    pub legacy: bool,
}

/// A heredoc attached to RUN, COPY or ADD (`<<EOF` ... `EOF`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// The delimiter word, unquoted.
    pub name: String,
    /// The body, raw, every line with its line terminator (not chomped even for `<<-`).
    pub content: String,
    /// File descriptor prefix (`3<<EOF`), 0 when absent.
    pub file_descriptor: u64,
    /// True when the delimiter is unquoted: variables in the body are expanded.
    pub expand: bool,
    /// True for `<<-`: leading tabs are stripped from the body when used.
    pub chomp: bool,
    /// The heredoc word on the instruction line (e.g. `<<-"EOF"`); empty range if the
    /// word could not be located.
    pub word_range: TextRange,
    /// Body plus terminator line.
    pub range: TextRange,
    /// Just the body.
    pub content_range: TextRange,
}

/// The argument text of an instruction after the keyword and flags, joined across
/// line continuations exactly as BuildKit joins them (escape + newline removed,
/// comment and blank lines inside dropped, continuation lines' leading whitespace
/// kept), trimmed like BuildKit trims it.
///
/// `text` is built from `segments`, each a piece of the source copied verbatim, so any
/// byte of `text` maps back to the file with [`LogicalLine::source_offset`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct LogicalLine {
    pub text: String,
    /// Pieces of `text`, in order; contiguous in `text`.
    pub segments: Vec<Segment>,
}

/// `text[logical_start..logical_start + source.len()]` is a verbatim copy of
/// `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub logical_start: usize,
    pub source: TextRange,
}

impl LogicalLine {
    /// The source offset of byte `logical_offset` of `text`. Offsets at or past the end
    /// map to just past the last byte of the last segment.
    pub fn source_offset(&self, logical_offset: usize) -> usize {
        let idx = self
            .segments
            .partition_point(|s| s.logical_start <= logical_offset);
        match idx.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(seg) => {
                let within = logical_offset - seg.logical_start;
                if within <= seg.source.len() {
                    seg.source.start + within
                } else {
                    seg.source.end
                }
            }
            None => self.segments.first().map_or(0, |s| s.source.start),
        }
    }

    /// The source range of `text[logical.start..logical.end]` (it may span several
    /// lines; the covered source then includes the continuation characters).
    pub fn source_range(&self, logical: TextRange) -> TextRange {
        if logical.is_empty() {
            let at = self.source_offset(logical.start);
            return TextRange::empty(at);
        }
        let start = self.source_offset(logical.start);
        // Map the last byte, then step past it.
        let end = self.source_offset(logical.end - 1) + 1;
        TextRange::new(start, end.max(start))
    }

    /// The source range the whole logical line came from.
    pub fn range(&self) -> TextRange {
        match (self.segments.first(), self.segments.last()) {
            (Some(a), Some(b)) => TextRange::new(a.source.start, b.source.end),
            _ => TextRange::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The instructions BuildKit knows, upper-case.
pub const KNOWN_INSTRUCTIONS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// One instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instruction {
    /// The instruction, upper-case (`RUN`, `COPY`, ...). Unknown words are kept
    /// (ASCII upper-cased): BuildKit's parser accepts any word; the build rejects it
    /// later (see [`Instruction::is_known`]).
    pub cmd: String,
    /// The keyword as written, with its range.
    pub keyword: Word,
    /// Flags before the arguments (`--from=x`), exactly as BuildKit lists them.
    pub flags: Vec<Flag>,
    /// BuildKit's node values for this instruction, e.g. `["echo hi"]` for shell-form
    /// RUN, `["echo", "hi"]` for exec form, `[key, value, sep, ...]` triplets for
    /// ENV/LABEL (sep `=` or `""` for the legacy form), `["CMD", ...]` for HEALTHCHECK.
    /// Empty for ONBUILD (see `onbuild`).
    pub value: Vec<String>,
    /// Exec (JSON array) form.
    pub json: bool,
    /// Heredocs (RUN, COPY, ADD, also inside ONBUILD: attached to the outer ONBUILD
    /// instruction, like BuildKit does).
    pub heredocs: Vec<Heredoc>,
    /// For ONBUILD, the trigger instruction (its ranges point into the same source).
    pub onbuild: Option<Box<Instruction>>,
    /// The whole instruction: from the keyword to the end of its last line, heredoc
    /// bodies and terminators included (without the final line terminator).
    pub range: TextRange,
    /// 1-based first line, as BuildKit reports it.
    pub start_line: usize,
    /// 1-based last line (continuations and heredoc bodies included), as BuildKit.
    pub end_line: usize,
    /// The argument text after keyword and flags, joined like BuildKit does.
    pub args: LogicalLine,
    /// The whole joined line including keyword and flags (BuildKit's `Original`,
    /// without heredoc bodies).
    pub line: LogicalLine,
    /// Words of the arguments: decoded elements with ranges for exec form, otherwise
    /// the whitespace-separated raw words of `args`.
    pub words: Vec<Word>,
    /// ENV / LABEL pairs (empty for other instructions).
    pub key_values: Vec<KeyValue>,
    /// Comment lines directly before this instruction (BuildKit's `PrevComment`).
    pub prev_comments: Vec<String>,
}

impl Instruction {
    /// True when `cmd` equals `name` (case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.cmd.eq_ignore_ascii_case(name)
    }

    /// ENV / LABEL key-value pairs.
    pub fn key_values(&self) -> &[KeyValue] {
        &self.key_values
    }

    /// The first flag called `name` (without `--`).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// All flags called `name` (e.g. repeated `--mount`).
    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.name == name)
    }

    /// The ONBUILD trigger's cmd, if this is ONBUILD with a trigger.
    pub fn sub_cmd(&self) -> Option<&str> {
        self.onbuild.as_deref().map(|i| i.cmd.as_str())
    }

    /// True for the 18 instructions BuildKit knows (unknown words parse, but the
    /// build rejects them).
    pub fn is_known(&self) -> bool {
        KNOWN_INSTRUCTIONS.contains(&self.cmd.as_str())
    }

    /// Shell form (not JSON) for RUN/CMD/ENTRYPOINT-like instructions.
    pub fn is_shell_form(&self) -> bool {
        !self.json
    }
}

/// `s` without surrounding whitespace and one level of matching quotes (`"a"`, `'a'`):
/// the value of an ARG/ENV/LABEL key or value or a COPY path as a rule compares it.
/// The one copy for every rule.
pub fn unquote(s: &str) -> &str {
    let t = s.trim();
    let b = t.as_bytes();
    match (b.first(), b.last()) {
        (Some(&q @ (b'"' | b'\'')), Some(&l)) if b.len() >= 2 && l == q => {
            t.get(1..t.len() - 1).unwrap_or("")
        }
        _ => t,
    }
}

#[cfg(test)]
mod unquote_tests {
    use super::unquote;

    #[test]
    fn one_level_of_matching_quotes() {
        assert_eq!(unquote("\"a b\""), "a b");
        assert_eq!(unquote(" 'x' "), "x");
        assert_eq!(unquote("\"\"x\"\""), "\"x\"");
        assert_eq!(unquote("\"a'"), "\"a'");
        assert_eq!(unquote("\""), "\"");
        assert_eq!(unquote("''"), "");
        assert_eq!(unquote("plain"), "plain");
    }
}
