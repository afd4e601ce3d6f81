//! The Dockerfile parser.
//!
//! Hand-written on purpose: no crate parses Dockerfiles the way BuildKit does (its
//! line-continuation regex, per-instruction argument parsers, byte-wise flag
//! extraction, heredoc detection through its shell lexer, Go's JSON decoding), and
//! bosun must agree with BuildKit on every file BuildKit accepts. The structure
//! follows BuildKit's `frontend/dockerfile/parser` (v0.12 for values, plus the
//! current release's `check` directive, ENV/LABEL separator values and comment
//! handling), but everything is tracked with byte ranges into the source.
//!
//! What is *not* an error here, because BuildKit's parser accepts it and only the
//! later instruction stage rejects it: unknown instructions, `ONBUILD ONBUILD`,
//! `ONBUILD FROM`, non-JSON SHELL, wrong FROM arity, unknown flags. Rules and the
//! semantic model report those.

mod flags;
mod gotext;
mod heredoc;
mod json;
mod line_parsers;

use crate::ast::{
    Comment, Directive, Dockerfile, Flag, Heredoc, Instruction, KeyValue, LogicalLine, ParseError,
    ParseWarning, Segment, TextRange, WarningKind, Word,
};
use gotext::{go_lower_keyword, leading_space_len, split_ascii_ws, to_string, trim_space_range};
use line_parsers::{Parsed, RawWord};

/// bufio.Scanner's default maximum token size.
const MAX_LINE: usize = 64 * 1024;

pub(crate) fn parse_bytes(bytes: &[u8]) -> Dockerfile {
    match std::str::from_utf8(bytes) {
        Ok(s) => parse_str(s),
        Err(e) => {
            let valid_up_to = e.valid_up_to();
            let text = String::from_utf8_lossy(bytes);
            let mut df = parse_str(&text);
            let at = valid_up_to.min(df.source.len());
            df.errors.insert(
                0,
                ParseError {
                    message: format!(
                        "file is not valid UTF-8 (first invalid byte at offset {valid_up_to})"
                    ),
                    range: TextRange::new(at, (at + 1).min(df.source.len())),
                },
            );
            df
        }
    }
}

/// One physical line: `start..content_end` is the text without `\r`/`\n` at the
/// end, `start..end` includes the line terminator.
#[derive(Debug, Clone, Copy)]
struct PhysLine {
    start: usize,
    content_end: usize,
    end: usize,
}

struct Directives {
    escape: u8,
    done: bool,
    seen: Vec<String>,
}

struct State<'a> {
    src: &'a str,
    lines: Vec<PhysLine>,
    /// Lines the scanner can deliver (stops before an over-long line).
    scan_limit: usize,
    scan_error: Option<String>,
    next: usize,
    d: Directives,
    out: Dockerfile,
}

pub(crate) fn parse_str(source: &str) -> Dockerfile {
    let bytes = source.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let end = match memchr_nl(&bytes[start..]) {
            Some(i) => start + i + 1,
            None => bytes.len(),
        };
        let mut content_end = end;
        while content_end > start && matches!(bytes[content_end - 1], b'\n' | b'\r') {
            content_end -= 1;
        }
        lines.push(PhysLine {
            start,
            content_end,
            end,
        });
        start = end;
    }
    let mut scan_limit = lines.len();
    let mut scan_error = None;
    for (i, l) in lines.iter().enumerate() {
        let len = l.end - l.start;
        let has_nl = bytes.get(l.end.wrapping_sub(1)) == Some(&b'\n');
        if len > MAX_LINE || (!has_nl && len >= MAX_LINE) {
            scan_limit = i;
            scan_error = Some(format!(
                "dockerfile line greater than max allowed size of {}",
                MAX_LINE - 1
            ));
            break;
        }
    }
    let mut st = State {
        src: source,
        lines,
        scan_limit,
        scan_error,
        next: 0,
        d: Directives {
            escape: b'\\',
            done: false,
            seen: Vec::new(),
        },
        out: Dockerfile {
            source: source.to_string(),
            escape: '\\',
            directives: Vec::new(),
            instructions: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            lines: bosun_diagnostics::LineIndex::new(source),
        },
    };
    if let Err(e) = st.run() {
        st.out.errors.push(e);
    } else if st.out.instructions.is_empty() {
        st.out.errors.push(ParseError {
            message: "file with no instructions".to_string(),
            range: TextRange::new(0, source.len()),
        });
    } else if let Some(msg) = st.scan_error.take() {
        let at = st
            .lines
            .get(st.scan_limit)
            .map_or(source.len(), |l| l.start);
        let end = st
            .lines
            .get(st.scan_limit)
            .map_or(source.len(), |l| l.content_end);
        st.out.errors.push(ParseError {
            message: msg,
            range: TextRange::new(at, end),
        });
    }
    st.out.escape = char::from(st.d.escape);
    st.out
}

fn memchr_nl(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// The regex `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` (Go's `\s` is
/// `[\t\n\f\r ]`). Returns key and value ranges in `token`.
fn match_directive(token: &[u8]) -> Option<((usize, usize), (usize, usize))> {
    let is_s = |b: u8| matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ');
    if token.first() != Some(&b'#') {
        return None;
    }
    let mut i = 1;
    while token.get(i).is_some_and(|&b| is_s(b)) {
        i += 1;
    }
    let ks = i;
    if !token.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    while token.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        i += 1;
    }
    let ke = i;
    while token.get(i).is_some_and(|&b| is_s(b)) {
        i += 1;
    }
    if token.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    let ws_start = i;
    while token.get(i).is_some_and(|&b| is_s(b)) {
        i += 1;
    }
    let mut end = token.len();
    if i >= end {
        // Only whitespace after `=`: the lazy value takes the last whitespace char.
        if i > ws_start {
            return Some(((ks, ke), (end - 1, end)));
        }
        return None;
    }
    while end > i && is_s(token[end - 1]) {
        end -= 1;
    }
    Some(((ks, ke), (i, end)))
}

fn is_comment(content: &[u8]) -> bool {
    content.get(leading_space_len(content)) == Some(&b'#')
}

/// BuildKit's line-continuation regex `([^E])E[ \t]*$|^E[ \t]*$`: the new end of
/// `content` when it continues.
fn trim_continuation(content: &[u8], escape: u8) -> Option<usize> {
    let mut j = content.len();
    while j > 0 && matches!(content[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    if j == 0 || content[j - 1] != escape {
        return None;
    }
    if j == 1 || content[j - 2] != escape {
        Some(j - 1)
    } else {
        None
    }
}

/// Builder for a logical line.
#[derive(Default)]
struct LineBuilder {
    text: String,
    segments: Vec<Segment>,
}

impl LineBuilder {
    fn push(&mut self, src: &str, start: usize, end: usize) {
        if end <= start {
            return;
        }
        let Some(piece) = src.get(start..end) else {
            return;
        };
        self.segments.push(Segment {
            logical_start: self.text.len(),
            source: TextRange::new(start, end),
        });
        self.text.push_str(piece);
    }

    fn finish(self) -> LogicalLine {
        LogicalLine {
            text: self.text,
            segments: self.segments,
        }
    }
}

/// The part `start..end` of a logical line, as its own logical line.
fn sub_line(ll: &LogicalLine, start: usize, end: usize) -> LogicalLine {
    let end = end.min(ll.text.len());
    let start = start.min(end);
    let mut segments = Vec::new();
    for seg in &ll.segments {
        let s0 = seg.logical_start;
        let s1 = s0 + seg.source.len();
        let a = s0.max(start);
        let b = s1.min(end);
        if a < b {
            segments.push(Segment {
                logical_start: a - start,
                source: TextRange::new(seg.source.start + (a - s0), seg.source.start + (b - s0)),
            });
        }
    }
    let text = match ll.text.get(start..end) {
        Some(t) => t.to_string(),
        // Not on a char boundary (only after BuildKit's byte-wise flag parsing of
        // non-ASCII text): keep what is valid.
        None => to_string(ll.text.as_bytes().get(start..end).unwrap_or(&[])),
    };
    LogicalLine { text, segments }
}

fn map_range(ll: &LogicalLine, start: usize, end: usize) -> TextRange {
    ll.source_range(TextRange::new(start, end))
}

fn to_word(ll: &LogicalLine, w: RawWord) -> Word {
    Word {
        range: map_range(ll, w.start, w.end),
        text: w.text,
    }
}

impl State<'_> {
    fn line(&self, i: usize) -> Option<PhysLine> {
        if i < self.scan_limit {
            self.lines.get(i).copied()
        } else {
            None
        }
    }

    fn content(&self, l: PhysLine) -> &[u8] {
        self.src
            .as_bytes()
            .get(l.start..l.content_end)
            .unwrap_or(&[])
    }

    fn line_error(&self, message: String, first: usize, last: usize) -> ParseError {
        let start = self.lines.get(first).map_or(self.src.len(), |l| l.start);
        let end = self
            .lines
            .get(last)
            .map_or(self.src.len(), |l| l.content_end)
            .max(start);
        ParseError {
            message,
            range: TextRange::new(start, end),
        }
    }

    fn record_comment(&mut self, l: PhysLine, skip: usize, in_continuation: bool) {
        let content = self.content(l);
        let lead = leading_space_len(&content[skip.min(content.len())..]) + skip;
        let start = l.start + lead;
        let body = content.get(lead + 1..).unwrap_or(&[]);
        let (a, b) = trim_space_range(body);
        self.out.comments.push(Comment {
            text: to_string(&body[a..b]),
            range: TextRange::new(start, l.content_end.max(start)),
            in_continuation,
        });
    }

    /// BuildKit's `possibleParserDirective`. `token` starts at `offset` in the source.
    fn possible_directive(
        &mut self,
        token: &[u8],
        offset: usize,
        line_index: usize,
    ) -> Result<bool, ParseError> {
        if self.d.done {
            return Ok(false);
        }
        let Some(((ks, ke), (vs, ve))) = match_directive(token) else {
            self.d.done = true;
            return Ok(false);
        };
        let key = to_string(&token[ks..ke]).to_ascii_lowercase();
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            self.d.done = true;
            return Ok(false);
        }
        if self.d.seen.contains(&key) {
            return Err(self.line_error(
                format!("only one {key} parser directive can be used"),
                line_index,
                line_index,
            ));
        }
        self.d.seen.push(key.clone());
        let value = to_string(&token[vs..ve]);
        if key == "escape" {
            match value.as_str() {
                "`" => self.d.escape = b'`',
                "\\" => self.d.escape = b'\\',
                _ => {
                    return Err(self.line_error(
                        format!("invalid escape token '{value}' does not match ` or \\"),
                        line_index,
                        line_index,
                    ))
                }
            }
        }
        let l = self.lines.get(line_index).copied();
        let line_range = l.map_or(TextRange::default(), |l| {
            TextRange::new(l.start, l.content_end)
        });
        self.out.directives.push(Directive {
            name: key,
            value,
            range: line_range,
            name_range: TextRange::new(offset + ks, offset + ke),
            value_range: TextRange::new(offset + vs, offset + ve),
        });
        Ok(true)
    }

    fn run(&mut self) -> Result<(), ParseError> {
        let mut prev_comments: Vec<String> = Vec::new();
        let mut current_line = 0usize;
        while let Some(l) = self.line(self.next) {
            let idx = self.next;
            self.next += 1;
            let mut content_start = l.start;
            if current_line == 0 && self.src.as_bytes()[l.start..].starts_with(b"\xEF\xBB\xBF") {
                content_start = (l.start + 3).min(l.content_end);
            }
            let raw = self
                .src
                .as_bytes()
                .get(content_start..l.content_end)
                .unwrap_or(&[]);
            let comment = is_comment(raw);
            // BuildKit: TrimSpace(line[1:]) of the raw line, newline included.
            let prev_text = {
                let full = self.src.as_bytes().get(content_start..l.end).unwrap_or(&[]);
                let body = full.get(1..).unwrap_or(&[]);
                let (a, b) = trim_space_range(body);
                to_string(&body[a..b])
            };
            let lead = leading_space_len(raw);
            let token_start = content_start + lead;
            let token = &self.src.as_bytes()[token_start..l.content_end];
            let is_directive = self.possible_directive(token, token_start, idx)?;
            if comment {
                self.record_comment(l, content_start - l.start, false);
                if !is_directive {
                    if prev_text.is_empty() {
                        prev_comments.clear();
                    } else {
                        prev_comments.push(prev_text);
                    }
                }
            }
            current_line += 1;
            let start_line = current_line;
            // trimComments: a token starting with `#` becomes empty.
            let token_end = if token.first() == Some(&b'#') {
                token_start
            } else {
                l.content_end
            };
            let token = &self.src.as_bytes()[token_start..token_end];
            let (first_end, mut end_of_line) = match trim_continuation(token, self.d.escape) {
                Some(e) => (token_start + e, false),
                None => (token_end, true),
            };
            if end_of_line && token.is_empty() {
                continue;
            }
            let mut lb = LineBuilder::default();
            lb.push(self.src, token_start, first_end);
            let mut empty_line: Option<usize> = None;
            let mut last_idx = idx;
            while !end_of_line {
                let Some(nl) = self.line(self.next) else {
                    break;
                };
                let nidx = self.next;
                self.next += 1;
                last_idx = nidx;
                current_line += 1;
                let raw = self.content(nl);
                if is_comment(raw) {
                    self.record_comment(nl, 0, true);
                    continue;
                }
                // trimComments on the untrimmed line only strips a `#` in column 1,
                // which is_comment already caught.
                if leading_space_len(raw) == raw.len() {
                    empty_line.get_or_insert(nidx);
                    continue;
                }
                match trim_continuation(raw, self.d.escape) {
                    Some(e) => lb.push(self.src, nl.start, nl.start + e),
                    None => {
                        lb.push(self.src, nl.start, nl.content_end);
                        end_of_line = true;
                    }
                }
            }
            let line = lb.finish();
            if let Some(e) = empty_line {
                let range = self.lines.get(e).map_or(TextRange::default(), |l| {
                    TextRange::new(l.start, l.content_end)
                });
                self.out.warnings.push(ParseWarning {
                    kind: WarningKind::EmptyContinuationLine,
                    message: format!("Empty continuation line found in: {}", line.text),
                    range,
                });
            }
            let mut inst = self
                .new_node_from_line(&line, 0)
                .map_err(|m| self.line_error(m, idx, last_idx))?;
            inst.prev_comments = std::mem::take(&mut prev_comments);
            // Heredocs.
            let heredoc_target = match &inst.onbuild {
                Some(inner) if inst.cmd == "ONBUILD" => Some(inner.as_ref()),
                Some(_) => None,
                None => Some(&inst),
            };
            let can_heredoc = heredoc_target
                .is_some_and(|t| matches!(t.cmd.as_str(), "RUN" | "COPY" | "ADD") && !t.json);
            if can_heredoc && line.text.contains("<<") {
                let starts = heredoc::heredocs_from_line(line.text.as_bytes())
                    .map_err(|e| self.line_error(e.0, idx, last_idx))?;
                for h in starts {
                    let body_start = self.line(self.next).map_or(self.src.len(), |l| l.start);
                    let mut terminated = false;
                    let mut content_end = body_start;
                    let mut term_end = body_start;
                    while let Some(hl) = self.line(self.next) {
                        self.next += 1;
                        last_idx = self.next - 1;
                        current_line += 1;
                        let mut cand = self.content(hl);
                        if h.chomp {
                            let tabs = cand.iter().take_while(|&&b| b == b'\t').count();
                            cand = &cand[tabs..];
                        }
                        if cand == h.name.as_bytes() {
                            terminated = true;
                            content_end = hl.start;
                            term_end = hl.content_end;
                            break;
                        }
                        content_end = hl.end;
                        term_end = hl.end;
                    }
                    if !terminated {
                        return Err(self.line_error(
                            "unterminated heredoc".to_string(),
                            idx,
                            last_idx,
                        ));
                    }
                    inst.heredocs.push(Heredoc {
                        name: h.name,
                        content: self
                            .src
                            .get(body_start..content_end)
                            .unwrap_or("")
                            .to_string(),
                        file_descriptor: h.file_descriptor,
                        expand: h.expand,
                        chomp: h.chomp,
                        word_range: map_range(&line, h.start, h.end),
                        range: TextRange::new(body_start, term_end.max(body_start)),
                        content_range: TextRange::new(body_start, content_end.max(body_start)),
                    });
                }
            }
            inst.start_line = start_line;
            inst.end_line = current_line;
            let end = self
                .lines
                .get(last_idx)
                .map_or(self.src.len(), |l| l.content_end);
            inst.range = TextRange::new(inst.range.start, end.max(inst.range.start));
            if let Some(inner) = inst.onbuild.as_deref_mut() {
                inner.start_line = start_line;
                inner.end_line = current_line;
                inner.range = TextRange::new(inner.range.start, end.max(inner.range.start));
            }
            self.out.instructions.push(inst);
        }
        Ok(())
    }

    /// BuildKit's `newNodeFromLine`: split off the keyword and flags, dispatch on the
    /// keyword.
    fn new_node_from_line(&self, line: &LogicalLine, depth: usize) -> Result<Instruction, String> {
        let bytes = line.text.as_bytes();
        let (ts, te) = trim_space_range(bytes);
        let trimmed = &bytes[ts..te];
        let parts = split_ascii_ws(trimmed, Some(2));
        let (cs, ce) = parts.first().copied().unwrap_or((0, 0));
        let (cmd_start, cmd_end) = (ts + cs, ts + ce);
        let mut flags = Vec::new();
        let (mut args_start, mut args_end) = (te, te);
        if let Some(&(rs, _)) = parts.get(1) {
            let rest_start = ts + rs;
            let rest = &bytes[rest_start..te];
            let (raw_flags, at) = flags::extract_builder_flags(rest);
            for f in raw_flags {
                let raw = to_string(&f.text);
                let body = raw.strip_prefix("--").unwrap_or(&raw);
                let (name, value) = match body.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (body.to_string(), None),
                };
                let (fs, fe) = (rest_start + f.start, rest_start + f.end);
                let value_range = bytes
                    .get(fs..fe)
                    .and_then(|w| w.iter().position(|&b| b == b'='))
                    .map(|eq| map_range(line, fs + eq + 1, fe));
                flags.push(Flag {
                    name,
                    value,
                    raw,
                    range: map_range(line, fs, fe),
                    value_range,
                });
            }
            let args_raw = &bytes[rest_start + at..te];
            let (a, b) = trim_space_range(args_raw);
            args_start = rest_start + at + a;
            args_end = rest_start + at + b;
        }
        let keyword_bytes = &bytes[cmd_start..cmd_end];
        let keyword_text = to_string(keyword_bytes);
        let lower = go_lower_keyword(keyword_bytes);
        let args = sub_line(line, args_start, args_end);
        let rest = bytes.get(args_start..args_end).unwrap_or(&[]);
        let escape = char::from(self.d.escape);
        let mut onbuild = None;
        let known = lower.as_deref().is_some_and(is_known_instruction);
        let parsed: Parsed = match lower.as_deref() {
            Some("add" | "copy" | "volume") => line_parsers::parse_maybe_json_to_list(rest)?,
            Some("arg") => line_parsers::parse_name_or_name_val(rest, escape),
            Some("cmd" | "entrypoint" | "run" | "shell") => {
                line_parsers::parse_maybe_json(rest, escape)?
            }
            Some("env") => line_parsers::parse_name_val(rest, "ENV", escape)?,
            Some("label") => line_parsers::parse_name_val(rest, "LABEL", escape)?,
            Some("expose" | "from") => line_parsers::parse_strings_whitespace_delimited(rest),
            Some("healthcheck") => line_parsers::parse_health_config(rest, escape)?,
            Some("maintainer" | "stopsignal" | "user" | "workdir") => {
                line_parsers::parse_string(rest, escape)
            }
            Some("onbuild") => {
                if !rest.is_empty() {
                    if depth < MAX_TREE_DEPTH {
                        let inner = self.new_node_from_line(&args, depth + 1)?;
                        onbuild = Some(Box::new(inner));
                    } else {
                        // Deeper `ONBUILD ONBUILD ...` chains are only checked for
                        // errors (BuildKit parses them; nothing reads them), so a long
                        // chain costs linear time and no copies.
                        self.validate_chain(rest)?;
                    }
                }
                Parsed {
                    words: line_parsers::parse_words(rest, escape),
                    ..Parsed::default()
                }
            }
            _ => line_parsers::parse_ignore(rest, escape),
        };
        let cmd = match lower.as_deref() {
            Some(l) if known => l.to_ascii_uppercase(),
            // ASCII-only upper-casing, so an unknown word never turns into a known
            // keyword (`onbuıld` stays unknown, as in BuildKit).
            _ => keyword_text.to_ascii_uppercase(),
        };
        let words: Vec<Word> = parsed
            .words
            .into_iter()
            .map(|w| to_word(&args, w))
            .collect();
        let key_values = parsed
            .key_values
            .into_iter()
            .map(|kv| KeyValue {
                key: to_word(&args, kv.key),
                value: to_word(&args, kv.value),
                legacy: kv.legacy,
            })
            .collect();
        let keyword_range = map_range(line, cmd_start, cmd_end);
        Ok(Instruction {
            cmd,
            keyword: Word {
                text: keyword_text,
                range: keyword_range,
            },
            flags,
            value: parsed.value,
            json: parsed.json,
            heredocs: Vec::new(),
            onbuild,
            range: TextRange::new(
                keyword_range.start,
                line.range().end.max(keyword_range.start),
            ),
            start_line: 0,
            end_line: 0,
            args,
            line: line.clone(),
            words,
            key_values,
            prev_comments: Vec::new(),
        })
    }
}

/// How many ONBUILD levels are built as syntax trees (ONBUILD, its trigger, and the
/// trigger's trigger, which is what anything reports).
const MAX_TREE_DEPTH: usize = 2;

impl State<'_> {
    /// Runs BuildKit's node parsing over `line` for its errors only, iteratively
    /// through ONBUILD chains.
    fn validate_chain(&self, mut line: &[u8]) -> Result<(), String> {
        let escape = char::from(self.d.escape);
        loop {
            let (ts, te) = trim_space_range(line);
            let trimmed = &line[ts..te];
            let parts = split_ascii_ws(trimmed, Some(2));
            let (cs, ce) = parts.first().copied().unwrap_or((0, 0));
            let keyword = &trimmed[cs..ce];
            let rest: &[u8] = match parts.get(1) {
                Some(&(rs, _)) => {
                    let r = &trimmed[rs..];
                    let (_, at) = flags::extract_builder_flags(r);
                    let args = &r[at..];
                    let (a, b) = trim_space_range(args);
                    &args[a..b]
                }
                None => &[],
            };
            match go_lower_keyword(keyword).as_deref() {
                Some("onbuild") if !rest.is_empty() => line = rest,
                Some("add" | "copy" | "volume") => {
                    return line_parsers::parse_maybe_json_to_list(rest).map(drop)
                }
                Some("cmd" | "entrypoint" | "run" | "shell") => {
                    return line_parsers::parse_maybe_json(rest, escape).map(drop)
                }
                Some("env") => return line_parsers::parse_name_val(rest, "ENV", escape).map(drop),
                Some("label") => {
                    return line_parsers::parse_name_val(rest, "LABEL", escape).map(drop)
                }
                Some("healthcheck") => {
                    return line_parsers::parse_health_config(rest, escape).map(drop)
                }
                _ => return Ok(()),
            }
        }
    }
}

fn is_known_instruction(lower: &str) -> bool {
    matches!(
        lower,
        "add"
            | "arg"
            | "cmd"
            | "copy"
            | "entrypoint"
            | "env"
            | "expose"
            | "from"
            | "healthcheck"
            | "label"
            | "maintainer"
            | "onbuild"
            | "run"
            | "shell"
            | "stopsignal"
            | "user"
            | "volume"
            | "workdir"
    )
}
