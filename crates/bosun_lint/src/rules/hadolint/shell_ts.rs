//! The hadolint command view ([`super::shell::Script`], [`Cmd`], [`Arg`]) built from the
//! shared tree-sitter parse of `bosun_dockerfile::shell` instead of the hand-written
//! tokenizer in [`super::shell`].
//!
//! [`parse_script`] is a drop-in for [`super::shell::parse_script`] (same arguments, same
//! output contract); [`from_ts`] adapts a script the model already parsed
//! (`Model::script`), so a RUN is parsed once and shared by every rule.
//!
//! What is kept of the tree-sitter view, to match the contract of [`super::shell`]:
//! - every simple command, in the order the hand-written tokenizer finishes them (a
//!   command inside `$(...)` comes before the command whose argument holds it);
//! - commands found inside `sh -c '...'` strings are left out (the string is one
//!   argument, as in hadolint);
//! - wrappers (`exec`, `command`, `builtin`, `busybox`, `sudo`, `env`, `nohup`, `nice`,
//!   `stdbuf`) are removed and named in [`Cmd::wrapper`]; other wrappers the tree-sitter
//!   view unwraps (`xargs`, `timeout`, `gosu`, ...) stay the command, as in hadolint;
//! - assignments and redirections are dropped; a command whose name is not literal
//!   (`$CMD x`) is left out;
//! - [`Arg::text`] has quotes removed, escapes resolved and every expansion (`$X`,
//!   `${X}`, `$(...)`, backticks, `$((...))`) written as `${VAR}`.
//!
//! Why a small hand-written word simplifier ([`simplify`]): the tree-sitter
//! [`Word`](bosun_dockerfile::shell::Word) keeps expansions as written in its unquoted
//! text and does not say where they are, so the `${VAR}` form is rebuilt from the word's raw text (a single word, already
//! delimited by the parser). Pipe operator ranges are found in the text between the
//! two commands the tree-sitter view links with `piped_to`.
//!
//! tree-sitter-bash quirks repaired from the text (`merged_words`): a word cut in
//! two (`a-$X-b.tgz`), words after a redirection's target kept in the redirection
//! (`echo >&2 "msg"`), a lone `-` dropped as an anonymous token (`apt-key add - 2>&1`),
//! group braces read as command names after a syntax error. Known remaining
//! difference: `[ ... ]` is a test expression, not a command `[` (no rule wants it).
//! `tests/shell_view_diff.rs` compares both views over the corpus.
//!
//! Cost (release, one core of a loaded 2-core machine, the 5,826 corpus scripts):
//! the tokenizer 23 ms, this adapter 310 ms (nearly all of it the tree-sitter parse).
//! With `facts.rs` switched to [`parse_script`], the DL parity run over the 2,101
//! files gave the same findings but one (a DL4006 on a buildah heredoc test file
//! hadolint cannot parse) and took 2.2 s instead of 0.35 s.

use super::shell::{Arg, Cmd, OffsetMap, Script};
use bosun_dockerfile::shell::{Command as TsCommand, Script as TsScript};
use bosun_dockerfile::TextRange;

/// Words that are never command names.
const RESERVED: &[&str] = &["{", "}", "!"];

/// Wrappers removed from the front of a command (the set of [`super::shell`]).
const WRAPPERS: &[&str] = &[
    "exec", "command", "builtin", "busybox", "sudo", "env", "nohup", "nice", "stdbuf",
];

/// Parses `text` (whose byte `i` is at Dockerfile offset `map.map(i)`) with the shared
/// tree-sitter parser and builds the hadolint view.
pub fn parse_script(text: &str, map: &dyn OffsetMap) -> Script {
    let ts = TsScript::parse(text);
    let mut out = build(&ts, |_| true, &|r: TextRange| {
        TextRange::new(map.map(r.start), map.map(r.end))
    });
    out.code_end = code_end(text).map(|e| map.map(e - 1) + 1);
    out
}

/// The hadolint views of a script the model parsed (`Model::script`): the RUN line
/// first, then each heredoc body run as a script (`true` marks a heredoc body).
pub fn from_ts(ts: &TsScript) -> Vec<(Script, bool)> {
    use bosun_dockerfile::shell::Origin;
    let mut origins: Vec<Origin> = vec![Origin::Line];
    for c in &ts.commands {
        if !origins.contains(&c.origin) {
            origins.push(c.origin);
        }
    }
    let map = |r: TextRange| ts.source_range(r);
    origins
        .into_iter()
        .map(|o| {
            let s = build(ts, |c| c.origin == o, &map);
            (s, o != Origin::Line)
        })
        .collect()
}

/// Builds the view of the commands of `ts` that `keep` selects; `map` maps ranges of
/// the parsed text to Dockerfile ranges.
fn build(
    ts: &TsScript,
    keep: impl Fn(&TsCommand) -> bool,
    map: &dyn Fn(TextRange) -> TextRange,
) -> Script {
    let mut script = Script::default();
    let mut cmds: Vec<(TextRange, Cmd)> = Vec::new();
    for (i, c) in ts.commands.iter().enumerate() {
        // Only outermost commands of the script itself; their wrapped commands are
        // reached through `wraps`.
        if c.nested_depth > 0 || c.wrapped_by.is_some() || !keep(c) {
            continue;
        }
        let (cmd, wrapper) = unwrap(ts, i);
        let Some(cmd) = cmd else { continue };
        let mut words = merged_words(ts, cmd);
        // After a syntax error tree-sitter can leave a group's braces as words
        // (`! { a | b; }`): they are not commands.
        while words
            .first()
            .is_some_and(|(raw, _)| RESERVED.contains(&raw.as_str()))
        {
            words.remove(0);
        }
        let mut iter = words.into_iter();
        let Some((name_raw, name_r)) = iter.next() else {
            continue;
        };
        let (name, name_literal) = simplify(&name_raw);
        if !name_literal || name.is_empty() {
            continue;
        }
        let name_range = map(name_r);
        let rest: Vec<(String, TextRange)> = iter.collect();
        let args: Vec<Arg> = rest
            .iter()
            .map(|(raw, r)| {
                let (text, literal) = simplify(raw);
                Arg {
                    text,
                    range: map(*r),
                    literal,
                }
            })
            .collect();
        let last_end = args.last().map_or(name_range.end, |a| a.range.end);
        let range = TextRange::new(name_range.start, last_end.max(name_range.end));
        // The order the tokenizer ends commands in: by the end of their last word or
        // redirection (a `$(...)` inside ends before its command), then by start.
        let key_end = cmd
            .redirects
            .iter()
            .map(|r| r.range.end)
            .chain(rest.last().map(|(_, r)| r.end))
            .fold(name_r.end, usize::max);
        cmds.push((
            TextRange::new(name_r.start, key_end),
            Cmd {
                name,
                name_range,
                args,
                range,
                wrapper,
                in_substitution: cmd.in_substitution,
            },
        ));
    }
    cmds.sort_by_key(|(k, _)| (k.end, std::cmp::Reverse(k.start)));
    for (_, cmd) in cmds {
        if cmd.name == "set" && script.pipefail_set_at.is_none() && sets_pipefail(&cmd) {
            script.pipefail_set_at = Some(cmd.range.start);
        }
        script.commands.push(cmd);
    }
    let mut pipes: Vec<TextRange> = Vec::new();
    for c in &ts.commands {
        if c.nested_depth > 0 || c.wrapped_by.is_some() || !keep(c) {
            continue;
        }
        let Some(to) = c.piped_to.and_then(|t| ts.commands.get(t)) else {
            continue;
        };
        let from_end = c
            .redirects
            .iter()
            .map(|r| r.range.end)
            .fold(c.range.end, usize::max);
        if let Some(p) = pipe_between(&ts.text, from_end, to.range.start) {
            let r = map(p);
            if !pipes.contains(&r) {
                pipes.push(r);
            }
        }
    }
    pipes.sort_by_key(|r| r.start);
    script.pipes = pipes;
    script
}

/// Follows the wrapper chain of command `i` through the wrappers hadolint removes:
/// the command that runs and the last wrapper removed.
fn unwrap(ts: &TsScript, i: usize) -> (Option<&TsCommand>, Option<String>) {
    let mut cur = ts.commands.get(i);
    let mut wrapper = None;
    let mut steps = 0;
    while let Some(c) = cur {
        let (name, literal) = simplify(&c.name.raw);
        if !literal || !WRAPPERS.contains(&name.as_str()) || steps > 16 {
            break;
        }
        match c.wraps.and_then(|w| ts.commands.get(w)) {
            Some(inner) => {
                wrapper = Some(name);
                cur = Some(inner);
                steps += 1;
            }
            // `env A=1` alone, `exec` with no operand: the wrapper is the command.
            None => break,
        }
    }
    (cur, wrapper)
}

/// The name and arguments of `cmd` as (raw text, range), words that touch (no blank
/// between them) joined: tree-sitter-bash sometimes cuts one shell word in two
/// (`a/$X-b` gives `a/$` and `X-b`), and the shell never does.
///
/// tree-sitter-bash also puts the words after a redirection's target into the
/// redirection (`echo >&2 "error"`): they are arguments, and are taken back here from
/// the text between the target's end and the redirection's end.
fn merged_words(ts: &TsScript, cmd: &TsCommand) -> Vec<(String, TextRange)> {
    let mut words: Vec<(String, TextRange)> = std::iter::once(&cmd.name)
        .chain(cmd.args.iter())
        .map(|w| (w.raw.clone(), w.range))
        .collect();
    for r in &cmd.redirects {
        let Some(t) = &r.target else { continue };
        if r.op.contains("<<") || r.range.end <= t.range.end {
            continue;
        }
        if let Some(rest) = ts.text.get(t.range.end..r.range.end) {
            for (s, e) in split_words(rest) {
                if let Some(raw) = rest.get(s..e) {
                    let at = t.range.end;
                    words.push((raw.to_string(), TextRange::new(at + s, at + e)));
                }
            }
        }
    }
    // Words tree-sitter left as anonymous tokens (`apt-key add - 2>&1` loses `-`):
    // text inside the command that no word, assignment or redirection covers.
    let mut covered: Vec<TextRange> = words.iter().map(|(_, r)| *r).collect();
    covered.extend(cmd.assignments.iter().map(|w| w.range));
    covered.extend(cmd.redirects.iter().map(|r| r.range));
    covered.sort_by_key(|r| r.start);
    let mut pos = cmd.name.range.start;
    let mut gaps = Vec::new();
    for r in &covered {
        // Past the command node only up to a redirection of the same statement
        // (`a - 2>&1`), not across the end of a group (`{ a; } > f`).
        let same_statement = ts
            .text
            .get(pos..r.start)
            .is_some_and(|g| !g.bytes().any(|b| b";&|(){}\n".contains(&b)));
        let end = if same_statement {
            r.start
        } else {
            r.start.min(cmd.range.end)
        };
        if end > pos {
            gaps.push(TextRange::new(pos, end));
        }
        pos = pos.max(r.end);
    }
    if cmd.range.end > pos {
        gaps.push(TextRange::new(pos, cmd.range.end));
    }
    for g in gaps {
        if let Some(rest) = ts.text.get(g.start..g.end) {
            for (s, e) in split_words(rest) {
                if let Some(raw) = rest.get(s..e) {
                    words.push((raw.to_string(), TextRange::new(g.start + s, g.start + e)));
                }
            }
        }
    }
    words.sort_by_key(|(_, r)| r.start);
    let mut out: Vec<(String, TextRange)> = Vec::with_capacity(words.len());
    for (raw, range) in words {
        if let Some(last) = out.last_mut() {
            if last.1.end == range.start && !raw.is_empty() {
                last.0.push_str(&raw);
                last.1 = TextRange::new(last.1.start, range.end);
                continue;
            }
        }
        out.push((raw, range));
    }
    out
}

/// Byte ranges of the blank-separated words of a fragment (quotes and `$(...)` kept
/// whole).
fn split_words(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut start: Option<usize> = None;
    let mut quote: Option<u8> = None;
    let mut depth = 0usize;
    while let Some(&c) = bytes.get(i) {
        if let Some(q) = quote {
            if c == b'\\' && q == b'"' {
                i += 1;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                b'\\' if bytes.get(i + 1) == Some(&b'\n') => {
                    if let Some(s) = start.take() {
                        out.push((s, i));
                    }
                    i += 2;
                    continue;
                }
                b'\\' => i += 1,
                b'\'' | b'"' | b'`' => quote = Some(c),
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => {
                    if let Some(s) = start.take() {
                        out.push((s, i));
                    }
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        if start.is_none() {
            start = Some(i);
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push((s, i.min(bytes.len())));
    }
    out
}

/// The `|` (or `|&`) operator in `text[from..to]`: the last one not part of `||`.
fn pipe_between(text: &str, from: usize, to: usize) -> Option<TextRange> {
    let gap = text.get(from..to)?.as_bytes();
    let mut i = gap.len();
    while i > 0 {
        i -= 1;
        if gap.get(i) != Some(&b'|') {
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| gap.get(j));
        if before == Some(&b'|') || gap.get(i + 1) == Some(&b'|') {
            continue;
        }
        let len = if gap.get(i + 1) == Some(&b'&') { 2 } else { 1 };
        return Some(TextRange::new(from + i, from + i + len));
    }
    None
}

/// `set -o pipefail`, `set -eo pipefail`, `set -euxo pipefail`, `set -e -o pipefail`.
fn sets_pipefail(cmd: &Cmd) -> bool {
    cmd.args.iter().enumerate().any(|(i, a)| {
        a.text == "pipefail"
            && i > 0
            && cmd.args.get(i - 1).is_some_and(|p| {
                p.text.starts_with('-') && !p.text.starts_with("--") && p.text.ends_with('o')
            })
    })
}

/// The offset just past the last byte of code in `text`: trailing blanks and a
/// trailing `#` comment (outside quotes) left out.
fn code_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut end = 0usize;
    let mut i = 0usize;
    let mut quote: Option<u8> = None;
    let mut at_word_start = true;
    while let Some(&c) = bytes.get(i) {
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
                end = i + 1;
                at_word_start = false;
            }
            None => match c {
                b'\\' => {
                    if bytes.get(i + 1) != Some(&b'\n') {
                        end = i + 2;
                        at_word_start = false;
                    }
                    i += 1;
                }
                b'\'' | b'"' | b'`' => {
                    quote = Some(c);
                    end = i + 1;
                    at_word_start = false;
                }
                b'#' if at_word_start => {
                    while bytes.get(i).is_some_and(|b| *b != b'\n') {
                        i += 1;
                    }
                    at_word_start = true;
                    continue;
                }
                b' ' | b'\t' | b'\r' | b'\n' => at_word_start = true,
                b';' | b'&' | b'|' | b'(' | b')' => {
                    end = i + 1;
                    at_word_start = true;
                }
                _ => {
                    end = i + 1;
                    at_word_start = false;
                }
            },
        }
        i += 1;
    }
    (end > 0).then_some(end.min(bytes.len()))
}

/// A word's raw text with quotes removed, escapes resolved and every expansion written
/// as `${VAR}`; true when it had no expansion.
pub fn simplify(raw: &str) -> (String, bool) {
    let mut s = Simplifier {
        src: raw,
        pos: 0,
        out: String::with_capacity(raw.len()),
        literal: true,
    };
    s.run();
    (s.out, s.literal)
}

struct Simplifier<'a> {
    src: &'a str,
    pos: usize,
    out: String,
    literal: bool,
}

impl Simplifier<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.src.as_bytes().get(i).copied()
    }

    /// Copies the character at `pos`.
    fn copy_char(&mut self) {
        match self.src.get(self.pos..).and_then(|r| r.chars().next()) {
            Some(ch) => {
                self.out.push(ch);
                self.pos += ch.len_utf8();
            }
            None => self.pos += 1,
        }
    }

    /// Copies up to the closing single quote (from `pos`) and steps past it.
    fn single_quoted(&mut self) {
        let rest = self.src.get(self.pos..).unwrap_or("");
        let end = rest.find('\'').map_or(self.src.len(), |i| self.pos + i);
        self.out.push_str(self.src.get(self.pos..end).unwrap_or(""));
        self.pos = (end + 1).min(self.src.len());
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b'\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'\n') => self.pos += 1,
                        Some(_) => self.copy_char(),
                        None => {}
                    }
                }
                b'\'' => {
                    self.pos += 1;
                    self.single_quoted();
                }
                b'"' => {
                    self.pos += 1;
                    self.double_quoted();
                }
                b'$' if self.at(self.pos + 1) == Some(b'\'') => {
                    self.pos += 2;
                    self.single_quoted();
                }
                b'$' => self.dollar(),
                b'`' => self.backtick(),
                _ => self.copy_char(),
            }
        }
    }

    fn double_quoted(&mut self) {
        while let Some(d) = self.peek() {
            match d {
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(e @ (b'"' | b'\\' | b'$' | b'`')) => {
                            self.out.push(e as char);
                            self.pos += 1;
                        }
                        Some(b'\n') => self.pos += 1,
                        Some(_) => self.out.push('\\'),
                        None => {}
                    }
                }
                b'$' => self.dollar(),
                b'`' => self.backtick(),
                _ => self.copy_char(),
            }
        }
    }

    fn expansion(&mut self) {
        self.out.push_str("${VAR}");
        self.literal = false;
    }

    /// At a `$`.
    fn dollar(&mut self) {
        self.pos += 1;
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                self.skip_balanced(b'{', b'}');
                self.expansion();
            }
            Some(b'(') => {
                self.pos += 1;
                self.skip_balanced(b'(', b')');
                self.expansion();
            }
            Some(c) if c.is_ascii_digit() => {
                self.pos += 1;
                self.expansion();
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                while self
                    .peek()
                    .is_some_and(|d| d.is_ascii_alphanumeric() || d == b'_')
                {
                    self.pos += 1;
                }
                self.expansion();
            }
            Some(b'@' | b'*' | b'#' | b'?' | b'-' | b'$' | b'!') => {
                self.pos += 1;
                self.expansion();
            }
            _ => self.out.push('$'),
        }
    }

    fn backtick(&mut self) {
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'\\' {
                self.pos += 1;
            } else if c == b'`' {
                break;
            }
        }
        self.pos = self.pos.min(self.src.len());
        self.expansion();
    }

    /// Skips to the `close` matching an already consumed `open`, stepping over quoted
    /// text.
    fn skip_balanced(&mut self, open: u8, close: u8) {
        let mut depth = 1usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'\'' if open == b'(' => {
                    let rest = self.src.get(self.pos..).unwrap_or("");
                    self.pos = rest.find('\'').map_or(self.src.len(), |i| self.pos + i + 1);
                }
                b'"' => {
                    while let Some(d) = self.peek() {
                        self.pos += 1;
                        if d == b'\\' {
                            self.pos += 1;
                        } else if d == b'"' {
                            break;
                        }
                    }
                }
                _ if c == open => depth += 1,
                _ if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        self.pos = self.pos.min(self.src.len());
    }
}

#[cfg(test)]
mod tests {
    use super::super::shell::{self, Linear};
    use super::*;

    fn names(text: &str) -> Vec<String> {
        parse_script(text, &Linear(0))
            .commands
            .into_iter()
            .map(|c| c.name)
            .collect()
    }

    #[test]
    fn commands_through_operators_substitutions_and_keywords() {
        assert_eq!(
            names("a x && b | c; (d) || $(e f) `g`\nif h; then i; fi; for x in 1 2; do j; done"),
            ["a", "b", "c", "d", "e", "g", "h", "i", "j"]
        );
        assert_eq!(
            names("FOO=1 sudo -u me env A=2 apt-get install x"),
            ["apt-get"]
        );
        assert_eq!(names("cat <<EOF > /x\nnot a command\nEOF\nk"), ["cat", "k"]);
        assert_eq!(names("x $(y z) w"), ["y", "x"]);
    }

    #[test]
    fn words_are_simplified_ranged_and_unwrapped() {
        let s = parse_script("sudo apt-get install -y \"a=1\" $B 'c'd", &Linear(10));
        let c = &s.commands[0];
        let texts: Vec<&str> = c.args.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["install", "-y", "a=1", "${VAR}", "cd"]);
        assert_eq!(c.args[2].range, TextRange::new(34, 39));
        assert_eq!(c.wrapper.as_deref(), Some("sudo"));
        assert!(c.has_flag("y") && !c.args[3].literal && c.args[4].literal);
    }

    #[test]
    fn pipes_and_pipefail() {
        let s = parse_script("set -eo pipefail; a | b 2>&1 |& c || d", &Linear(0));
        assert_eq!(s.pipefail_set_at, Some(0));
        assert_eq!(s.pipes, [TextRange::new(20, 21), TextRange::new(29, 31)]);
        assert_eq!(s.code_end, Some(38));
        let t = parse_script("a | b # x | y\n", &Linear(0));
        assert_eq!(t.pipes.len(), 1);
        assert_eq!(t.code_end, Some(5));
    }

    #[test]
    fn simplify_matches_oversimplify() {
        assert_eq!(
            simplify("\"$A\"-${B:-x}/$(c d)`e`"),
            ("${VAR}-${VAR}/${VAR}${VAR}".into(), false)
        );
        assert_eq!(simplify("'$A'\\ b$"), ("$A b$".into(), true));
        assert_eq!(simplify("$((1+2))x"), ("${VAR}x".into(), false));
    }

    /// The model's script (one parse per RUN) gives the line and each heredoc body run
    /// as a script, with Dockerfile ranges.
    #[test]
    fn from_model_script_splits_line_and_heredoc_bodies() {
        let src = "FROM x\nRUN <<EOF\napt-get install -y curl\nEOF\nRUN cat <<EOF > /x && echo hi | tee y\nbody\nEOF\n";
        let df = bosun_dockerfile::parse(src);
        let runs: Vec<_> = df.instructions.iter().filter(|i| i.is("RUN")).collect();
        let views = from_ts(&TsScript::from_instruction(runs[0]).unwrap());
        assert_eq!(views.len(), 2);
        assert!(views[0].0.commands.is_empty() && !views[0].1);
        let c = &views[1].0.commands[0];
        assert!(views[1].1);
        assert_eq!(&src[c.name_range.start..c.name_range.end], "apt-get");
        assert_eq!(&src[c.args[2].range.start..c.args[2].range.end], "curl");
        let views = from_ts(&TsScript::from_instruction(runs[1]).unwrap());
        assert_eq!(views.len(), 1);
        let names: Vec<&str> = views[0]
            .0
            .commands
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["cat", "echo", "tee"]);
        let p = views[0].0.pipes[0];
        assert_eq!(&src[p.start..p.end], "|");
    }

    /// The hand-written tokenizer and this adapter agree on simple scripts.
    #[test]
    fn agrees_with_the_tokenizer_on_simple_scripts() {
        for text in [
            "apt-get update && apt-get install -y --no-install-recommends curl=7.1 \\\n  && rm -rf /var/lib/apt/lists/*",
            "cd /x; make -j\"$(nproc)\" | tee log",
            "pip install --no-cache-dir -r requirements.txt",
        ] {
            let a = shell::parse_script(text, &Linear(3));
            let b = parse_script(text, &Linear(3));
            assert_eq!(a, b, "{text}");
        }
    }
}
