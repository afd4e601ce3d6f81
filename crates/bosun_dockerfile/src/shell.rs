//! The commands of a RUN script: the one shell view every rule reads (through
//! [`crate::model::Model::runs`], which parses each RUN once).
//!
//! A RUN script is cut into simple commands (name plus arguments), through pipes, `&&`,
//! `;`, subshells, `$(...)`/backticks, `if`/`for`/`while`/`case` bodies and heredoc
//! bodies. Each argument keeps its source range (so rules report the exact line and
//! column inside a multi-line RUN) and a "simplified" text: quotes removed, escapes
//! resolved, and every expansion (`$X`, `${X}`, `$(..)`, backticks) written as `${VAR}`,
//! which is how hadolint (through ShellCheck's `oversimplify`) sees words, so pinning
//! checks agree with it on `apt-get install $PKGS`.
//!
//! Why hand-written: the rules need only this command/argument view with byte offsets
//! back into the Dockerfile (through continuation joins), never execution; a small
//! tokenizer that never fails is simpler than adapting a full shell AST, and it is
//! tolerant of the half-shell text Dockerfiles contain (unbalanced quotes are read to
//! the end of the script instead of rejecting it).

use crate::TextRange;

/// One argument (or the command name) of a simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// Quotes removed, escapes resolved, expansions as `${VAR}`.
    pub text: String,
    /// Where the word is in the Dockerfile.
    pub range: TextRange,
    /// True when the word has no expansion in it.
    pub literal: bool,
}

/// One simple command: `name arg...` (assignments, redirections and wrappers such as
/// `exec`, `command`, `sudo`, `env` removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    pub name: String,
    pub name_range: TextRange,
    pub args: Vec<Arg>,
    /// From the name to the end of the last argument.
    pub range: TextRange,
    /// The wrapper the command ran under, if any (`sudo`, `exec`, ...).
    pub wrapper: Option<String>,
    /// The command is inside `$(...)` or backticks.
    pub in_substitution: bool,
}

/// The commands of one script and where its pipes are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Cmd>,
    /// Source ranges of the `|` (and `|&`) operators, command substitutions included.
    pub pipes: Vec<TextRange>,
    /// `set -o pipefail` (or `set -eo pipefail`, `set -euxo pipefail`, ...) runs in
    /// the script, at this source offset.
    pub pipefail_set_at: Option<usize>,
    /// The Dockerfile offset just past the last byte of code (a trailing shell comment
    /// excluded): where text can be appended to the script.
    pub code_end: Option<usize>,
    /// Shell variables the script sets (`DEPS="a b"`, `export V=1`), in order.
    pub assignments: Vec<ShellAssignment>,
}

/// A shell variable set by the script (a statement of assignments only, or `export`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellAssignment {
    pub name: String,
    /// The value with quotes removed; `None` when it uses an expansion (unknown here).
    pub value: Option<String>,
    /// Dockerfile offset of the assignment.
    pub at: usize,
}

/// One flag of a command, hadolint-style: `--name=v` gives `name`, `-abc` gives `a`,
/// `b`, `c`; `-` and `--` are not flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagRef<'a> {
    pub name: &'a str,
    /// Index of the argument the flag is in.
    pub arg: usize,
    /// True for `--name=value` (the value is inline, not the next argument).
    pub inline_value: bool,
}

impl Cmd {
    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }

    /// The flags of the arguments.
    pub fn flags(&self) -> impl Iterator<Item = FlagRef<'_>> + '_ {
        self.args.iter().enumerate().flat_map(|(i, a)| {
            let t = a.text.as_str();
            let mut out: Vec<FlagRef<'_>> = Vec::new();
            if t == "-" || t == "--" {
                return out;
            }
            if let Some(long) = t.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, _)) => (n, true),
                    None => (long, false),
                };
                out.push(FlagRef {
                    name,
                    arg: i,
                    inline_value: inline,
                });
            } else if let Some(short) = t.strip_prefix('-') {
                for (j, _) in short.char_indices() {
                    let end = short[j..].chars().next().map_or(j, |c| j + c.len_utf8());
                    out.push(FlagRef {
                        name: &short[j..end],
                        arg: i,
                        inline_value: false,
                    });
                }
            }
            out
        })
    }

    pub fn is_flag_arg(&self, i: usize) -> bool {
        self.args
            .get(i)
            .is_some_and(|a| a.text.starts_with('-') && a.text != "-" && a.text != "--")
    }

    pub fn has_flag(&self, name: &str) -> bool {
        self.flags().any(|f| f.name == name)
    }

    pub fn has_any_flag(&self, names: &[&str]) -> bool {
        self.flags().any(|f| names.contains(&f.name))
    }

    /// How many times a short flag is given (`-qq` counts 2).
    pub fn count_flag(&self, name: &str) -> usize {
        self.flags().filter(|f| f.name == name).count()
    }

    /// Any argument equal to one of `texts` (hadolint's `cmdHasArgs`).
    pub fn has_any_arg(&self, texts: &[&str]) -> bool {
        self.args.iter().any(|a| texts.contains(&a.text.as_str()))
    }

    pub fn has_arg(&self, text: &str) -> bool {
        self.args.iter().any(|a| a.text == text)
    }

    /// The first non-flag argument (the subcommand of `apt-get install`, `pip install`).
    pub fn subcommand(&self) -> Option<&Arg> {
        self.args.iter().find(|a| !a.text.starts_with('-'))
    }

    /// Indices of arguments that are values of the flags in `value_flags` (the
    /// argument after a flag given without an inline `=value`).
    pub fn flag_value_indices(&self, value_flags: &[&str]) -> Vec<usize> {
        let mut out = Vec::new();
        for f in self.flags() {
            if value_flags.contains(&f.name) && !f.inline_value {
                // For `-yt value`, the value is the next argument only when the flag
                // is the last letter of its group.
                let is_last_letter = self
                    .args
                    .get(f.arg)
                    .is_some_and(|a| a.text.starts_with("--") || a.text.ends_with(f.name));
                if is_last_letter {
                    out.push(f.arg + 1);
                }
            }
        }
        out
    }

    /// The values given to flag `name` (`-u 1000`, `--uid=1000`, `--uid 1000`).
    pub fn flag_values(&self, names: &[&str]) -> Vec<&str> {
        let mut out = Vec::new();
        for f in self.flags() {
            if !names.contains(&f.name) {
                continue;
            }
            let Some(a) = self.args.get(f.arg) else {
                continue;
            };
            if f.inline_value {
                if let Some((_, v)) = a.text.split_once('=') {
                    out.push(v);
                }
            } else if a.text.starts_with("--") || a.text.ends_with(f.name) {
                if let Some(next) = self.args.get(f.arg + 1) {
                    out.push(next.text.as_str());
                }
            } else if let Some(pos) = a.text.find(f.name) {
                // `-u1000`: the rest of the word is the value.
                let rest = &a.text[pos + f.name.len()..];
                if !rest.is_empty() {
                    out.push(rest);
                }
            }
        }
        out
    }

    /// Non-flag arguments, leaving out the values of `value_flags`.
    pub fn operands<'s>(&'s self, value_flags: &[&str]) -> Vec<&'s Arg> {
        let skip = self.flag_value_indices(value_flags);
        self.args
            .iter()
            .enumerate()
            .filter(|(i, a)| !skip.contains(i) && !is_flag_text(&a.text))
            .map(|(_, a)| a)
            .collect()
    }

    /// The source offset just past the name (where a flag can be inserted).
    pub fn after_name(&self) -> usize {
        self.name_range.end
    }
}

fn is_flag_text(t: &str) -> bool {
    t.starts_with('-') && t != "-"
}

/// Reserved words that are never command names.
const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in", "case",
    "esac", "function", "{", "}", "!", "select", "time", "[[", "]]",
];

/// Wrappers whose first operand is the real command.
const WRAPPERS: &[&str] = &[
    "exec", "command", "builtin", "busybox", "sudo", "env", "nohup", "nice", "stdbuf",
];

/// A word while tokenizing.
#[derive(Debug, Clone)]
struct Tok {
    text: String,
    start: usize,
    end: usize,
    literal: bool,
    /// The raw text had no quotes or escapes (for reserved-word detection).
    plain: bool,
}

#[derive(Debug, Clone)]
enum Item {
    Word(Tok),
    /// `;`, `&`, `&&`, `||`, newline, `(`, `)`, `;;` ...
    Sep,
    Pipe(usize, usize),
    /// A redirection operator: the next word is its target.
    Redirect,
    /// Something consumed that neither ends a command nor is a word (a heredoc
    /// operator with its delimiter).
    Nothing,
}

/// The last component of a path or command (`/usr/bin/apt-get` -> `apt-get`; `\\` too,
/// for Windows paths).
pub fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Maps offsets of the script text to Dockerfile offsets.
pub trait OffsetMap {
    fn map(&self, offset: usize) -> usize;
}

/// The script text is verbatim in the Dockerfile at `base`.
pub struct Linear(pub usize);

impl OffsetMap for Linear {
    fn map(&self, offset: usize) -> usize {
        self.0 + offset
    }
}

impl OffsetMap for crate::LogicalLine {
    fn map(&self, offset: usize) -> usize {
        self.source_offset(offset)
    }
}

/// Parses `text` (whose byte `i` is at Dockerfile offset `map.map(i)`).
pub fn parse_script(text: &str, map: &dyn OffsetMap) -> Script {
    let mut script = Script::default();
    let mut lexer = Lexer {
        src: text,
        bytes: text.as_bytes(),
        pos: 0,
        map,
        pending_heredocs: Vec::new(),
        last_sep_was_double_semi: false,
        last_close_paren: false,
        code_end: 0,
    };
    parse_into(&mut lexer, &mut script, false, None);
    if lexer.code_end > 0 {
        script.code_end = Some(map.map(lexer.code_end - 1) + 1);
    }
    script
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    map: &'a dyn OffsetMap,
    /// Heredoc delimiters whose bodies start after the current line.
    pending_heredocs: Vec<(String, bool)>,
    last_sep_was_double_semi: bool,
    last_close_paren: bool,
    /// Offset just past the last non-blank, non-comment byte read.
    code_end: usize,
}

/// Reads items until the end (or the closing `)`/backtick when `close` is given) and
/// turns them into commands.
fn parse_into(lx: &mut Lexer<'_>, script: &mut Script, in_subst: bool, close: Option<u8>) {
    let mut words: Vec<Tok> = Vec::new();
    let mut expect_redirect_target = false;
    // State of `for x in ...` and `case x in` headers.
    let mut skip_until_sep = false;
    let mut case_depth = 0usize;
    let mut case_pattern = false;
    loop {
        let item = lx.next_item(script, in_subst, close);
        let Some(item) = item else {
            flush(lx, &mut words, script, in_subst);
            break;
        };
        match item {
            Item::Word(tok) => {
                if expect_redirect_target {
                    expect_redirect_target = false;
                    continue;
                }
                if skip_until_sep {
                    if tok.plain && tok.text == "do" {
                        skip_until_sep = false;
                    }
                    continue;
                }
                if case_pattern {
                    // Words up to the `)` of a case pattern.
                    if tok.plain && tok.text == "esac" {
                        case_pattern = false;
                        case_depth = case_depth.saturating_sub(1);
                    }
                    continue;
                }
                if words.is_empty() && tok.plain && RESERVED.contains(&tok.text.as_str()) {
                    match tok.text.as_str() {
                        "for" | "select" => skip_until_sep = true,
                        "case" => {
                            // `case WORD in`: skip to `in`, then patterns.
                            case_depth += 1;
                            lx.skip_case_header();
                            case_pattern = true;
                        }
                        "esac" => case_depth = case_depth.saturating_sub(1),
                        "[[" => lx.skip_test_expression(),
                        "function" => lx.skip_function_name(),
                        _ => {}
                    }
                    continue;
                }
                words.push(tok);
            }
            Item::Redirect => expect_redirect_target = true,
            Item::Nothing => {}
            Item::Pipe(s, e) => {
                if case_pattern {
                    // `a|b)`: alternatives of a case pattern.
                    continue;
                }
                flush(lx, &mut words, script, in_subst);
                script
                    .pipes
                    .push(TextRange::new(lx.map.map(s), lx.map.map(e)));
            }
            Item::Sep => {
                // `name()` function definitions: `name ( )`.
                if words.len() == 1 && lx.peek_byte() == Some(b')') {
                    words.clear();
                    lx.pos += 1;
                    continue;
                }
                flush(lx, &mut words, script, in_subst);
                skip_until_sep = false;
                if case_depth > 0 && lx.last_sep_was_double_semi {
                    case_pattern = true;
                }
                lx.last_sep_was_double_semi = false;
            }
        }
        if case_pattern && lx.last_close_paren {
            case_pattern = false;
        }
        lx.last_close_paren = false;
    }
}

impl Lexer<'_> {
    fn peek_byte(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }
}

fn flush(lx: &Lexer<'_>, words: &mut Vec<Tok>, script: &mut Script, in_subst: bool) {
    if words.is_empty() {
        return;
    }
    let taken = std::mem::take(words);
    record_assignments(lx, &taken, script);
    let mut iter = taken.into_iter().peekable();
    // Leading assignments.
    while let Some(w) = iter.peek() {
        if is_assignment(&w.text) {
            iter.next();
        } else {
            break;
        }
    }
    let mut rest: Vec<Tok> = iter.collect();
    let mut wrapper = None;
    // Wrappers: `sudo -u x cmd`, `env A=1 cmd`, `exec cmd`, `command cmd`.
    loop {
        let Some(first) = rest.first() else {
            return;
        };
        if !first.literal || !WRAPPERS.contains(&first.text.as_str()) {
            break;
        }
        let name = first.text.clone();
        // `command -v x` / `command -V x` are lookups, not runs.
        if name == "command"
            && rest
                .get(1)
                .is_some_and(|w| w.text == "-v" || w.text == "-V")
        {
            break;
        }
        let mut i = 1;
        while let Some(w) = rest.get(i) {
            if w.text.starts_with('-') {
                // Options with a value.
                let takes_value = matches!(
                    (name.as_str(), w.text.as_str()),
                    (
                        "sudo",
                        "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-r" | "-t" | "-U"
                    ) | ("env", "-u" | "-C" | "-S")
                        | ("nice", "-n")
                        | ("stdbuf", "-i" | "-o" | "-e")
                );
                i += if takes_value { 2 } else { 1 };
            } else if name == "env" && is_assignment(&w.text) {
                i += 1;
            } else {
                break;
            }
        }
        if i >= rest.len() {
            break;
        }
        wrapper = Some(name);
        rest.drain(..i);
    }
    let Some(first) = rest.first() else {
        return;
    };
    if !first.literal || first.text.is_empty() {
        return;
    }
    let name_range = TextRange::new(lx.map.map(first.start), lx.map.map(first.end));
    let last_end = rest.last().map_or(first.end, |w| w.end);
    let range = TextRange::new(name_range.start, lx.map.map(last_end).max(name_range.end));
    let name = first.text.clone();
    let args = rest
        .iter()
        .skip(1)
        .map(|w| Arg {
            text: w.text.clone(),
            range: TextRange::new(lx.map.map(w.start), lx.map.map(w.end)),
            literal: w.literal,
        })
        .collect();
    let cmd = Cmd {
        name,
        name_range,
        args,
        range,
        wrapper,
        in_substitution: in_subst,
    };
    if cmd.name == "set" && script.pipefail_set_at.is_none() && sets_pipefail(&cmd) {
        script.pipefail_set_at = Some(cmd.range.start);
    }
    script.commands.push(cmd);
}

/// Records the shell variables a statement sets: `A=1 B="x y"` alone (not a prefix of
/// a command, which only sets the command's environment) or `export A=1`.
fn record_assignments(lx: &Lexer<'_>, words: &[Tok], script: &mut Script) {
    let rest = match words.first() {
        Some(w) if w.literal && w.text == "export" => words.get(1..).unwrap_or_default(),
        _ if words.iter().all(|w| is_assignment(&w.text)) => words,
        _ => return,
    };
    for w in rest.iter().filter(|w| is_assignment(&w.text)) {
        let Some((name, value)) = w.text.split_once('=') else {
            continue;
        };
        if name.ends_with('+') || name.contains('[') {
            continue;
        }
        script.assignments.push(ShellAssignment {
            name: name.to_string(),
            value: w.literal.then(|| value.to_string()),
            at: lx.map.map(w.start),
        });
    }
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

fn is_assignment(t: &str) -> bool {
    let Some(eq) = t.find('=') else {
        return false;
    };
    let name = t[..eq].strip_suffix('+').unwrap_or(&t[..eq]);
    let name = name.split('[').next().unwrap_or("");
    !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

// The lexer proper.
impl Lexer<'_> {
    /// The next item, or `None` at the end (or at `close`).
    fn next_item(
        &mut self,
        script: &mut Script,
        in_subst: bool,
        close: Option<u8>,
    ) -> Option<Item> {
        let item = self.next_item_inner(script, in_subst, close);
        let after_code = self
            .pos
            .checked_sub(1)
            .and_then(|p| self.bytes.get(p))
            .is_some_and(|b| !b.is_ascii_whitespace());
        if item.is_some() && after_code {
            self.code_end = self.code_end.max(self.pos);
        }
        item
    }

    fn next_item_inner(
        &mut self,
        script: &mut Script,
        in_subst: bool,
        close: Option<u8>,
    ) -> Option<Item> {
        loop {
            let b = self.peek_byte()?;
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' if self.bytes.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
                b'\\'
                    if self.bytes.get(self.pos + 1) == Some(&b'\r')
                        && self.bytes.get(self.pos + 2) == Some(&b'\n') =>
                {
                    self.pos += 3
                }
                b'#' => {
                    while let Some(c) = self.peek_byte() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'\n' => {
                    self.pos += 1;
                    self.skip_heredoc_bodies();
                    return Some(Item::Sep);
                }
                b')' if close == Some(b')') => {
                    self.pos += 1;
                    return None;
                }
                b'`' if close == Some(b'`') => {
                    self.pos += 1;
                    return None;
                }
                b';' => {
                    self.pos += 1;
                    if self.peek_byte() == Some(b';') {
                        self.pos += 1;
                        self.last_sep_was_double_semi = true;
                        if self.peek_byte() == Some(b'&') {
                            self.pos += 1;
                        }
                    } else if self.peek_byte() == Some(b'&') {
                        self.pos += 1;
                        self.last_sep_was_double_semi = true;
                    }
                    return Some(Item::Sep);
                }
                b'&' => {
                    self.pos += 1;
                    match self.peek_byte() {
                        Some(b'&') => {
                            self.pos += 1;
                            return Some(Item::Sep);
                        }
                        Some(b'>') => {
                            self.pos += 1;
                            if self.peek_byte() == Some(b'>') {
                                self.pos += 1;
                            }
                            return Some(Item::Redirect);
                        }
                        _ => return Some(Item::Sep),
                    }
                }
                b'|' => {
                    let start = self.pos;
                    self.pos += 1;
                    match self.peek_byte() {
                        Some(b'|') => {
                            self.pos += 1;
                            return Some(Item::Sep);
                        }
                        Some(b'&') => {
                            self.pos += 1;
                            return Some(Item::Pipe(start, start + 2));
                        }
                        _ => return Some(Item::Pipe(start, start + 1)),
                    }
                }
                b'(' => {
                    self.pos += 1;
                    if self.peek_byte() == Some(b'(') {
                        // `(( arithmetic ))`: no commands inside.
                        self.skip_balanced(b'(', b')');
                        continue;
                    }
                    // A subshell: its commands are read by the same loop.
                    return Some(Item::Sep);
                }
                b')' => {
                    self.pos += 1;
                    self.last_close_paren = true;
                    return Some(Item::Sep);
                }
                b'<' | b'>' => return Some(self.redirect(script)),
                _ => {
                    let tok = self.word(script, in_subst, close);
                    // A word made only of digits followed by `<`/`>` is an fd number.
                    if tok.plain
                        && !tok.text.is_empty()
                        && tok.text.bytes().all(|c| c.is_ascii_digit())
                        && matches!(self.peek_byte(), Some(b'<' | b'>'))
                    {
                        continue;
                    }
                    if tok.text.is_empty() && tok.start == tok.end {
                        // Could not make progress: skip a byte.
                        self.pos += 1;
                        continue;
                    }
                    return Some(Item::Word(tok));
                }
            }
        }
    }

    fn redirect(&mut self, _script: &mut Script) -> Item {
        let first = self.peek_byte();
        self.pos += 1;
        if first == Some(b'<') {
            if self.peek_byte() == Some(b'<') {
                self.pos += 1;
                if self.peek_byte() == Some(b'<') {
                    // Here-string.
                    self.pos += 1;
                    return Item::Redirect;
                }
                let strip = if self.peek_byte() == Some(b'-') {
                    self.pos += 1;
                    true
                } else {
                    false
                };
                while matches!(self.peek_byte(), Some(b' ' | b'\t')) {
                    self.pos += 1;
                }
                let delim = self.heredoc_delimiter();
                if !delim.is_empty() {
                    self.pending_heredocs.push((delim, strip));
                }
                return Item::Nothing;
            }
            if matches!(self.peek_byte(), Some(b'&' | b'>')) {
                self.pos += 1;
            }
            return Item::Redirect;
        }
        // `>`, `>>`, `>&`, `>|`
        if matches!(self.peek_byte(), Some(b'>' | b'&' | b'|')) {
            self.pos += 1;
        }
        Item::Redirect
    }

    /// Reads a heredoc delimiter word (quotes removed).
    fn heredoc_delimiter(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek_byte() {
            match c {
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')' => break,
                b'\'' | b'"' => {
                    self.pos += 1;
                    while let Some(d) = self.peek_byte() {
                        self.pos += 1;
                        if d == c {
                            break;
                        }
                        out.push(d as char);
                    }
                }
                b'\\' => {
                    self.pos += 1;
                }
                _ => {
                    let ch = self.src[self.pos..].chars().next().unwrap_or(' ');
                    out.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        out
    }

    /// After a newline: skip the bodies of heredocs opened on the previous line.
    fn skip_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.pending_heredocs);
        for (delim, strip) in pending {
            loop {
                if self.pos >= self.bytes.len() {
                    return;
                }
                let line_end = self.src[self.pos..]
                    .find('\n')
                    .map_or(self.bytes.len(), |i| self.pos + i);
                let line = &self.src[self.pos..line_end];
                let line = line.strip_suffix('\r').unwrap_or(line);
                let candidate = if strip {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                self.pos = (line_end + 1).min(self.bytes.len());
                if candidate == delim {
                    break;
                }
            }
        }
    }

    fn skip_balanced(&mut self, open: u8, close: u8) {
        let mut depth = 1usize;
        while let Some(c) = self.peek_byte() {
            self.pos += 1;
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    // `))`
                    if self.peek_byte() == Some(close) {
                        self.pos += 1;
                    }
                    return;
                }
            }
        }
    }

    fn skip_case_header(&mut self) {
        // Skip `WORD in` (to the word `in`).
        let rest = &self.src[self.pos..];
        let mut offset = 0;
        for part in rest.split_inclusive([' ', '\t', '\n', ';']) {
            offset += part.len();
            if part.trim_end_matches([' ', '\t', '\n', ';']) == "in" {
                self.pos += offset;
                return;
            }
        }
        self.pos = self.bytes.len();
    }

    fn skip_test_expression(&mut self) {
        if let Some(i) = self.src[self.pos..].find("]]") {
            self.pos += i + 2;
        } else {
            self.pos = self.bytes.len();
        }
    }

    fn skip_function_name(&mut self) {
        while matches!(self.peek_byte(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        while let Some(c) = self.peek_byte() {
            if c.is_ascii_whitespace() || c == b'(' || c == b'{' {
                break;
            }
            self.pos += 1;
        }
        if self.src[self.pos..].starts_with("()") {
            self.pos += 2;
        }
    }

    /// Reads one word starting at `pos`.
    fn word(&mut self, script: &mut Script, in_subst: bool, close: Option<u8>) -> Tok {
        let start = self.pos;
        let mut text = String::new();
        let mut literal = true;
        let mut plain = true;
        while let Some(c) = self.peek_byte() {
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')' => {
                    // `(` inside a word (e.g. `=(`) ends it too; good enough.
                    break;
                }
                b'`' if close == Some(b'`') => break,
                b'\\' => {
                    plain = false;
                    self.pos += 1;
                    match self.peek_byte() {
                        Some(b'\n') => self.pos += 1,
                        Some(_) => {
                            let ch = self.src[self.pos..].chars().next().unwrap_or(' ');
                            text.push(ch);
                            self.pos += ch.len_utf8();
                        }
                        None => {}
                    }
                }
                b'\'' => {
                    plain = false;
                    self.pos += 1;
                    let end = self.src[self.pos..]
                        .find('\'')
                        .map_or(self.bytes.len(), |i| self.pos + i);
                    text.push_str(&self.src[self.pos..end]);
                    self.pos = (end + 1).min(self.bytes.len());
                }
                b'"' => {
                    plain = false;
                    self.pos += 1;
                    while let Some(d) = self.peek_byte() {
                        match d {
                            b'"' => {
                                self.pos += 1;
                                break;
                            }
                            b'\\' => {
                                self.pos += 1;
                                if let Some(e) = self.peek_byte() {
                                    if matches!(e, b'"' | b'\\' | b'$' | b'`') {
                                        text.push(e as char);
                                        self.pos += 1;
                                    } else if e == b'\n' {
                                        self.pos += 1;
                                    } else {
                                        text.push('\\');
                                    }
                                }
                            }
                            b'$' => {
                                if self.dollar(script, &mut text) {
                                    literal = false;
                                }
                            }
                            b'`' => {
                                literal = false;
                                self.backtick(script);
                                text.push_str("${VAR}");
                            }
                            _ => {
                                let ch = self.src[self.pos..].chars().next().unwrap_or(' ');
                                text.push(ch);
                                self.pos += ch.len_utf8();
                            }
                        }
                    }
                }
                b'$' => {
                    if self.bytes.get(self.pos + 1) == Some(&b'\'') {
                        plain = false;
                        self.pos += 2;
                        let end = self.src[self.pos..]
                            .find('\'')
                            .map_or(self.bytes.len(), |i| self.pos + i);
                        text.push_str(&self.src[self.pos..end]);
                        self.pos = (end + 1).min(self.bytes.len());
                    } else if self.dollar(script, &mut text) {
                        literal = false;
                        plain = false;
                    }
                }
                b'`' => {
                    literal = false;
                    plain = false;
                    self.backtick(script);
                    text.push_str("${VAR}");
                }
                _ => {
                    let ch = self.src[self.pos..].chars().next().unwrap_or(' ');
                    text.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        let _ = in_subst;
        Tok {
            text,
            start,
            end: self.pos,
            literal,
            plain,
        }
    }

    /// At a `$`: reads an expansion, appends its simplified text, returns true when it
    /// was an expansion (false for a lone `$`).
    fn dollar(&mut self, script: &mut Script, text: &mut String) -> bool {
        self.pos += 1;
        match self.peek_byte() {
            Some(b'{') => {
                self.pos += 1;
                self.skip_balanced(b'{', b'}');
                text.push_str("${VAR}");
                true
            }
            Some(b'(') => {
                self.pos += 1;
                if self.peek_byte() == Some(b'(') {
                    self.pos += 1;
                    self.skip_balanced(b'(', b')');
                } else {
                    self.substitution(script, b')');
                }
                text.push_str("${VAR}");
                true
            }
            Some(c) if c.is_ascii_alphanumeric() || c == b'_' => {
                if c.is_ascii_digit() {
                    self.pos += 1;
                } else {
                    while self
                        .peek_byte()
                        .is_some_and(|d| d.is_ascii_alphanumeric() || d == b'_')
                    {
                        self.pos += 1;
                    }
                }
                text.push_str("${VAR}");
                true
            }
            Some(b'@' | b'*' | b'#' | b'?' | b'-' | b'$' | b'!') => {
                self.pos += 1;
                text.push_str("${VAR}");
                true
            }
            _ => {
                text.push('$');
                false
            }
        }
    }

    fn backtick(&mut self, script: &mut Script) {
        self.pos += 1;
        self.substitution(script, b'`');
    }

    /// Parses the commands of `$(...)` or backticks (the opening is consumed).
    fn substitution(&mut self, script: &mut Script, close: u8) {
        let saved_heredocs = std::mem::take(&mut self.pending_heredocs);
        parse_into_nested(self, script, close);
        self.pending_heredocs = saved_heredocs;
    }
}

fn parse_into_nested(lx: &mut Lexer<'_>, script: &mut Script, close: u8) {
    parse_into(lx, script, true, Some(close));
}

#[cfg(test)]
mod tests {
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
    }

    #[test]
    fn case_patterns_are_not_commands_or_pipes() {
        let s = parse_script(
            "V=$(sed -n 's/^a = \"\\(.*\\)\"$/\\1/p' f)\ncase \"$V\" in\n  *.*) E=1 ;;\n  a|b)\n    echo x\n    ;;\nesac\necho y | tee z\n",
            &Linear(0),
        );
        let names: Vec<&str> = s.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["sed", "echo", "echo", "tee"]);
        assert_eq!(s.pipes.len(), 1);
    }

    #[test]
    fn words_are_simplified_and_ranged() {
        let s = parse_script("apt-get install -y \"a=1\" $B 'c'd", &Linear(10));
        let c = &s.commands[0];
        let texts: Vec<&str> = c.args.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["install", "-y", "a=1", "${VAR}", "cd"]);
        assert_eq!(c.args[2].range, TextRange::new(29, 34));
        assert!(c.has_flag("y") && !c.args[3].literal);
    }
}
