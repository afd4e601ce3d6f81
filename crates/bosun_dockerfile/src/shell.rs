//! The commands inside each RUN: name, arguments, flags, pipes and `&&`/`||`/`;` chains,
//! with byte positions that map back into the Dockerfile.
//!
//! Parser choice: tree-sitter with the `tree-sitter-bash` grammar. Candidates were
//! tree-sitter-bash, `brush-parser`, `yash-syntax` and `conch-parser`. conch-parser has
//! not been maintained since 2019 and yash-syntax is an async, POSIX-only parser that
//! rejects what it cannot parse. brush-parser (maintained, pure Rust) parsed the 6,159
//! shell-form RUN scripts and heredoc bodies of the corpus in about 0.14 s of CPU
//! against 0.25 s for tree-sitter, but it is all-or-nothing: a script with one odd
//! construct yields no commands at all. tree-sitter is maintained by the tree-sitter
//! organisation, recovers from errors (the commands around an error node are still
//! found), and gives byte ranges for every node. Building every [`Script`] of the 2,101
//! corpus files (tree-sitter plus this module) takes about 0.38 s of CPU, about 5,500
//! files/s on one core, which fits the lint budget of 2,000 files/s on two cores. Both
//! parsers failed on the same 57 of 2,651 distinct scripts, all PowerShell (not parsed
//! here: non-POSIX `SHELL`s and Windows images give `not_shell`) or heredoc markers
//! without their bodies (handled here by blanking the heredoc words and parsing script
//! bodies on their own).
//!
//! Positions: every [`Word`] and [`Command`] range is a byte range into
//! [`Script::text`]; [`Script::source_range`] maps it into the Dockerfile source through
//! the instruction's [`LogicalLine`] (line continuations) and heredoc body ranges.

use crate::ast::{Instruction, LogicalLine, Segment, TextRange};
use std::cell::RefCell;

/// Shells whose `-c` argument and stdin heredocs are shell scripts.
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"];

/// How deep `sh -c '...'` scripts are parsed inside each other.
const MAX_NESTING: usize = 4;

/// The operator joining a command to the one before or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChainOp {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;` or a newline.
    Seq,
    /// `&`
    Background,
}

/// Where a command's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The RUN line itself (or an exec-form array).
    Line,
    /// The body of the n-th heredoc of the instruction, run as a script (`RUN <<EOF`,
    /// `RUN bash <<EOF`).
    Heredoc(usize),
}

/// A shell word. `text` has quotes removed and escapes resolved (expansions are kept
/// as written, e.g. `$PKG`); `raw` is the text as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub raw: String,
    /// Byte range in [`Script::text`].
    pub range: TextRange,
    /// Some part of the word was quoted.
    pub quoted: bool,
    /// The word contains a parameter expansion, command substitution or arithmetic
    /// expansion outside single quotes, so its runtime value is not `text`.
    pub dynamic: bool,
}

impl Word {
    fn synthetic(text: &str, range: TextRange) -> Word {
        Word {
            text: text.to_string(),
            raw: text.to_string(),
            range,
            quoted: false,
            dynamic: false,
        }
    }

    /// The part after the last `/` (`/usr/bin/apt-get` -> `apt-get`).
    pub fn basename(&self) -> &str {
        basename(&self.text)
    }
}

/// A redirection of a command (`> /dev/null`, `2>&1`, `<<EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The operator with its descriptor, e.g. `>`, `2>`, `>&`, `<<`, `<<<`.
    pub op: String,
    pub target: Option<Word>,
    pub range: TextRange,
}

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: Word,
    pub args: Vec<Word>,
    /// `NAME=value` words before the name (or given to `env`).
    pub assignments: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// From the first assignment or the name to the last argument, in [`Script::text`].
    pub range: TextRange,
    /// The command whose output this one reads through `|` (index in
    /// [`Script::commands`]).
    pub piped_from: Option<usize>,
    /// The command this one's output goes to through `|`.
    pub piped_to: Option<usize>,
    /// The operator before this command (`a && b`: `And` on `b`).
    pub op_before: Option<ChainOp>,
    /// The operator after this command (`a && b`: `And` on `a`).
    pub op_after: Option<ChainOp>,
    /// Inside `( ... )`.
    pub in_subshell: bool,
    /// Inside `$( ... )`, backticks or `<( ... )`.
    pub in_substitution: bool,
    /// Inside the script argument of `sh -c` / `bash -c` (nesting depth, 0 = top).
    pub nested_depth: usize,
    pub origin: Origin,
    /// For a wrapper (`sudo`, `env`, `xargs`, ...): the command it runs.
    pub wraps: Option<usize>,
    /// For a command run by a wrapper: the wrapper.
    pub wrapped_by: Option<usize>,
}

/// Which flags of a command take a value (`-t <release>` for `apt-get`), for telling
/// flags from positional arguments.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlagSpec<'a> {
    /// Flags that take a value, e.g. `&["-t", "--target-release", "-o"]`. A short flag
    /// takes the rest of its cluster or the next word; a long flag takes `=value` or
    /// the next word.
    pub with_value: &'a [&'a str],
}

impl<'a> FlagSpec<'a> {
    pub const NONE: FlagSpec<'static> = FlagSpec { with_value: &[] };

    pub const fn new(with_value: &'a [&'a str]) -> Self {
        FlagSpec { with_value }
    }

    fn takes_value(&self, flag: &str) -> bool {
        self.with_value.contains(&flag)
    }
}

/// One argument of a command, read with a [`FlagSpec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg<'w> {
    /// A flag such as `-y` (from `-qy`) or `--yes`; `value` is its value, if it takes
    /// one.
    Flag {
        name: String,
        value: Option<String>,
        word: &'w Word,
    },
    /// A positional argument.
    Positional(&'w Word),
}

impl Command {
    /// The name's base name (`/usr/bin/apt-get` -> `apt-get`).
    pub fn basename(&self) -> &str {
        self.name.basename()
    }

    /// True when the name's base name is one of `names`.
    pub fn is_named(&self, names: &[&str]) -> bool {
        names.contains(&self.basename())
    }

    /// The arguments split into flags and positionals (`--` ends the flags).
    pub fn parse_args<'w>(&'w self, spec: &FlagSpec<'_>) -> Vec<Arg<'w>> {
        let mut out = Vec::with_capacity(self.args.len());
        let mut iter = self.args.iter().peekable();
        let mut only_positional = false;
        while let Some(word) = iter.next() {
            let t = word.text.as_str();
            if only_positional || t == "-" || !t.starts_with('-') {
                out.push(Arg::Positional(word));
                continue;
            }
            if t == "--" {
                only_positional = true;
                continue;
            }
            if let Some(long) = t.strip_prefix("--") {
                let (name, value) = match long.split_once('=') {
                    Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                    None => {
                        let name = t.to_string();
                        let value = if spec.takes_value(&name) {
                            iter.next().map(|w| w.text.clone())
                        } else {
                            None
                        };
                        (name, value)
                    }
                };
                out.push(Arg::Flag { name, value, word });
                continue;
            }
            // A single-dash word named in the spec as a whole (`-name` for `find`).
            if t.chars().count() > 2 && spec.takes_value(t) {
                let value = iter.next().map(|w| w.text.clone());
                out.push(Arg::Flag {
                    name: t.to_string(),
                    value,
                    word,
                });
                continue;
            }
            let cluster = t.get(1..).unwrap_or_default();
            for (i, c) in cluster.char_indices() {
                let name = format!("-{c}");
                if spec.takes_value(&name) {
                    let rest = cluster.get(i + c.len_utf8()..).unwrap_or_default();
                    let value = if rest.is_empty() {
                        iter.next().map(|w| w.text.clone())
                    } else {
                        Some(rest.to_string())
                    };
                    out.push(Arg::Flag { name, value, word });
                    break;
                }
                out.push(Arg::Flag {
                    name,
                    value: None,
                    word,
                });
            }
        }
        out
    }

    /// True when any of `names` (`-y`, `--yes`, ...) is given, in combined short flags
    /// too (`-qy`), or as `--name=value`. Flags are read with no flag taking a value;
    /// use [`Command::has_flag_in`] when some do.
    pub fn has_flag(&self, names: &[&str]) -> bool {
        self.has_flag_in(&FlagSpec::NONE, names)
    }

    /// [`Command::has_flag`] with a [`FlagSpec`].
    pub fn has_flag_in(&self, spec: &FlagSpec<'_>, names: &[&str]) -> bool {
        self.args.iter().any(|w| names.contains(&w.text.as_str()))
            || self.parse_args(spec).iter().any(|a| match a {
                Arg::Flag { name, .. } => names.contains(&name.as_str()),
                Arg::Positional(_) => false,
            })
    }

    /// The value of the first of `names` that is given (`-t stable`, `--target=x`).
    pub fn flag_value(&self, spec: &FlagSpec<'_>, names: &[&str]) -> Option<String> {
        self.parse_args(spec).into_iter().find_map(|a| match a {
            Arg::Flag { name, value, .. } if names.contains(&name.as_str()) => value,
            _ => None,
        })
    }

    /// The positional arguments (not flags, not flag values).
    pub fn positionals<'w>(&'w self, spec: &FlagSpec<'_>) -> Vec<&'w Word> {
        self.parse_args(spec)
            .into_iter()
            .filter_map(|a| match a {
                Arg::Positional(w) => Some(w),
                Arg::Flag { .. } => None,
            })
            .collect()
    }

    /// The first positional argument (`install` in `apt-get -y install x`), reading
    /// flags with no flag taking a value; see [`Command::subcommand_in`].
    pub fn subcommand(&self) -> Option<&Word> {
        self.subcommand_in(&FlagSpec::NONE)
    }

    /// The first positional argument, with a [`FlagSpec`] (so `-t stable` in
    /// `apt-get -t stable install` is skipped).
    pub fn subcommand_in(&self, spec: &FlagSpec<'_>) -> Option<&Word> {
        self.parse_args(spec).into_iter().find_map(|a| match a {
            Arg::Positional(w) => Some(w),
            Arg::Flag { .. } => None,
        })
    }

    /// True when any argument's text equals one of `texts`.
    pub fn has_arg(&self, texts: &[&str]) -> bool {
        self.args.iter().any(|w| texts.contains(&w.text.as_str()))
    }
}

/// The commands of one RUN.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// The text the commands were parsed from: the RUN arguments as BuildKit joins
    /// them, then (after a newline) each heredoc body that runs as a script.
    pub text: String,
    /// Maps [`Script::text`] back to the Dockerfile source.
    pub map: LogicalLine,
    pub commands: Vec<Command>,
    /// The script is not POSIX shell (a `SHELL ["pwsh", ...]`/`cmd` stage, or a
    /// heredoc whose `#!` names another interpreter): nothing was parsed.
    pub not_shell: bool,
    /// Where the shell parser found syntax errors (ranges in [`Script::text`]); the
    /// commands around them were still found.
    pub errors: Vec<TextRange>,
}

impl Script {
    /// Parses shell text on its own (positions map to themselves).
    pub fn parse(text: &str) -> Script {
        let map = LogicalLine {
            text: text.to_string(),
            segments: vec![Segment {
                logical_start: 0,
                source: TextRange::new(0, text.len()),
            }],
        };
        let mut script = Script {
            text: text.to_string(),
            map,
            ..Script::default()
        };
        let mut b = Builder::new(&mut script);
        b.parse_into(text, 0, Origin::Line, 0);
        b.finish();
        script
    }

    /// The commands of a RUN (or `ONBUILD RUN`) instruction, run by a POSIX shell.
    /// `None` when the instruction is not a RUN.
    pub fn from_instruction(instr: &Instruction) -> Option<Script> {
        Self::from_instruction_with_shell(instr, &[])
    }

    /// Like [`Script::from_instruction`], for a stage whose `SHELL` is `shell` (empty:
    /// the default `/bin/sh -c`). A non-POSIX shell (pwsh, powershell, cmd) gives a
    /// script with `not_shell` set and no commands.
    pub fn from_instruction_with_shell(instr: &Instruction, shell: &[String]) -> Option<Script> {
        let (run, heredocs) = if instr.is("RUN") {
            (instr, &instr.heredocs)
        } else if instr.is("ONBUILD") {
            match instr.onbuild.as_deref() {
                Some(sub) if sub.is("RUN") => (sub, &instr.heredocs),
                _ => return None,
            }
        } else {
            return None;
        };
        let mut script = Script::default();
        let posix = shell
            .first()
            .is_none_or(|s| SHELLS.contains(&basename(s).trim_end_matches(".exe")));
        if run.json {
            build_exec_form(&mut script, run);
            return Some(script);
        }
        if !posix {
            script.text = run.args.text.clone();
            script.map = run.args.clone();
            script.not_shell = true;
            return Some(script);
        }
        build_shell_form(&mut script, run, heredocs);
        Some(script)
    }

    /// The Dockerfile source range of a range in [`Script::text`].
    pub fn source_range(&self, range: TextRange) -> TextRange {
        self.map.source_range(range)
    }

    /// Commands whose name's base name is one of `names` (wrapped commands included:
    /// `sudo apt-get install` yields `apt-get`).
    pub fn commands_named<'s>(
        &'s self,
        names: &'s [&'s str],
    ) -> impl Iterator<Item = &'s Command> + 's {
        self.commands.iter().filter(move |c| c.is_named(names))
    }

    /// The command a wrapper chain ends in (`sudo env X=1 sh` -> `sh`).
    pub fn innermost(&self, index: usize) -> Option<&Command> {
        let mut cur = self.commands.get(index)?;
        let mut steps = 0;
        while let Some(next) = cur.wraps.and_then(|i| self.commands.get(i)) {
            cur = next;
            steps += 1;
            if steps > 16 {
                break;
            }
        }
        Some(cur)
    }

    /// Pipes into a shell (`curl ... | sh`, `wget -O- ... | sudo bash`): pairs of
    /// (the writing command, the shell reading it).
    pub fn find_pipes_into_shell(&self) -> Vec<(&Command, &Command)> {
        let mut out = Vec::new();
        for c in &self.commands {
            if c.wrapped_by.is_some() {
                continue;
            }
            let Some(to) = c.piped_to else { continue };
            let Some(target) = self.innermost(to) else {
                continue;
            };
            if target.is_named(SHELLS) || target.is_named(&["python", "python3", "perl", "ruby"]) {
                let from = c.wraps.and_then(|i| self.innermost(i)).unwrap_or(c);
                out.push((from, target));
            }
        }
        out
    }
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn build_exec_form(script: &mut Script, run: &Instruction) {
    // Exec form: the JSON elements are the command; no shell parses them, unless the
    // command is itself `sh -c "..."`.
    let mut text = String::new();
    let mut segments = Vec::new();
    let mut words = Vec::new();
    for w in &run.words {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(&w.text);
        let src = if w.range.len() == w.text.len() + 2 {
            TextRange::new(w.range.start + 1, w.range.end - 1)
        } else {
            w.range
        };
        segments.push(Segment {
            logical_start: start,
            source: src,
        });
        words.push(Word::synthetic(&w.text, TextRange::new(start, text.len())));
    }
    script.text = text;
    script.map = LogicalLine {
        text: script.text.clone(),
        segments,
    };
    let mut iter = words.into_iter();
    let Some(name) = iter.next() else { return };
    let args: Vec<Word> = iter.collect();
    let end = args.last().map_or(name.range.end, |a| a.range.end);
    let cmd = Command {
        range: TextRange::new(name.range.start, end),
        name,
        args,
        assignments: Vec::new(),
        redirects: Vec::new(),
        piped_from: None,
        piped_to: None,
        op_before: None,
        op_after: None,
        in_subshell: false,
        in_substitution: false,
        nested_depth: 0,
        origin: Origin::Line,
        wraps: None,
        wrapped_by: None,
    };
    let mut b = Builder::new(script);
    b.push_command(cmd, 0);
    b.finish();
}

/// Finds each heredoc marker (`<<EOF`, `<<-"EOF"`, `3<<EOF`) in `line`, in order.
fn heredoc_markers(line: &str) -> Vec<TextRange> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(0);
        if let Some(q) = quote {
            if b == q {
                quote = None;
            } else if b == b'\\' && q == b'"' {
                i += 1;
            }
            i += 1;
            continue;
        }
        match b {
            b'\\' => {
                i += 2;
                continue;
            }
            b'\'' | b'"' => {
                quote = Some(b);
                i += 1;
                continue;
            }
            _ => {}
        }
        if b == b'<' && bytes.get(i + 1) == Some(&b'<') && bytes.get(i + 2) == Some(&b'<') {
            // A here-string `<<<` is not a heredoc.
            i += 3;
            continue;
        }
        if b == b'<' && bytes.get(i + 1) == Some(&b'<') {
            let start = i;
            let mut j = i + 2;
            if bytes.get(j) == Some(&b'-') {
                j += 1;
            }
            while bytes.get(j).is_some_and(|c| *c == b' ' || *c == b'\t') {
                j += 1;
            }
            let word_start = j;
            let mut q: Option<u8> = None;
            while let Some(&c) = bytes.get(j) {
                match q {
                    Some(qq) => {
                        if c == qq {
                            q = None;
                        }
                    }
                    None => {
                        if c == b'\'' || c == b'"' {
                            q = Some(c);
                        } else if c.is_ascii_whitespace() || b";|&<>()".contains(&c) {
                            break;
                        }
                    }
                }
                j += 1;
            }
            if j > word_start {
                out.push(TextRange::new(start, j));
            }
            i = j.max(i + 2);
            continue;
        }
        i += 1;
    }
    out
}

fn build_shell_form(script: &mut Script, run: &Instruction, heredocs: &[crate::ast::Heredoc]) {
    let line = &run.args;
    let markers = if heredocs.is_empty() {
        Vec::new()
    } else {
        heredoc_markers(&line.text)
    };
    // Blank the heredoc markers (same length, so offsets hold) so the line parses as
    // ordinary shell without the bodies.
    let mut parse_text = line.text.clone();
    for m in &markers {
        if let Some(slice) = parse_text.get(m.start..m.end) {
            let blank = " ".repeat(slice.len());
            parse_text.replace_range(m.start..m.end, &blank);
        }
    }
    let only_heredocs = !markers.is_empty() && parse_text.trim().is_empty();

    script.text = line.text.clone();
    script.map = line.clone();
    let mut b = Builder::new(script);
    if !only_heredocs {
        b.parse_into(&parse_text, 0, Origin::Line, 0);
    }
    // Which heredoc bodies are scripts: all of them for `RUN <<EOF`; otherwise those
    // read by a shell without `-c`.
    for (i, h) in heredocs.iter().enumerate() {
        let is_script = if only_heredocs {
            i == 0
        } else {
            markers.get(i).is_some_and(|m| b.consumer_is_shell(m.start))
        };
        if !is_script {
            continue;
        }
        if let Some(interp) = shebang(&h.content) {
            if !SHELLS.contains(&basename(interp)) {
                continue;
            }
        }
        let offset = b.script.text.len() + 1;
        b.script.text.push('\n');
        b.script.text.push_str(&h.content);
        b.script.map.text = b.script.text.clone();
        b.script.map.segments.push(Segment {
            logical_start: offset,
            source: h.content_range,
        });
        b.parse_into(&h.content, offset, Origin::Heredoc(i), 0);
    }
    if only_heredocs && b.script.commands.is_empty() {
        // `RUN <<EOF` with a non-shell interpreter: nothing to parse.
        b.script.not_shell = heredocs
            .first()
            .and_then(|h| shebang(&h.content))
            .is_some_and(|i| !SHELLS.contains(&basename(i)));
    }
    b.finish();
}

/// The interpreter named by a `#!` line (`#!/usr/bin/env python3` -> `python3`).
fn shebang(content: &str) -> Option<&str> {
    let first = content.lines().next()?.strip_prefix("#!")?;
    let mut parts = first.split_whitespace();
    let prog = parts.next()?;
    if basename(prog) == "env" {
        parts.find(|p| !p.starts_with('-'))
    } else {
        Some(prog)
    }
}

thread_local! {
    static PARSER: RefCell<Option<tree_sitter::Parser>> = const { RefCell::new(None) };
}

fn parse_tree(text: &str) -> Option<tree_sitter::Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        if slot.is_none() {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&tree_sitter_bash::LANGUAGE.into()).ok()?;
            *slot = Some(p);
        }
        slot.as_mut()?.parse(text, None)
    })
}

#[derive(Clone, Copy)]
struct Ctx {
    in_subshell: bool,
    in_substitution: bool,
    origin: Origin,
    depth: usize,
}

/// How positions of a parsed text map into [`Script::text`].
#[derive(Clone, Copy)]
enum PosMap {
    /// `script_offset = offset + shift`.
    Shift(usize),
    /// The text is the unquoted form of a word: offsets map one-to-one after `shift`
    /// when `exact`, otherwise everything maps to `word`.
    Word {
        shift: usize,
        exact: bool,
        word: TextRange,
    },
}

impl PosMap {
    fn range(&self, start: usize, end: usize) -> TextRange {
        match *self {
            PosMap::Shift(s) => TextRange::new(start + s, end + s),
            PosMap::Word { shift, exact, word } => {
                if exact {
                    TextRange::new(start + shift, end + shift)
                } else {
                    word
                }
            }
        }
    }
}

struct Builder<'s> {
    script: &'s mut Script,
}

impl<'s> Builder<'s> {
    fn new(script: &'s mut Script) -> Self {
        Builder { script }
    }

    fn finish(self) {}

    /// True when the command around `offset` (a heredoc marker on the line) is a shell
    /// reading a script from stdin (no `-c`).
    fn consumer_is_shell(&self, offset: usize) -> bool {
        let top = |c: &&Command| {
            c.origin == Origin::Line
                && c.nested_depth == 0
                && c.wrapped_by.is_none()
                && !c.in_substitution
        };
        // The command the marker follows; for `<<EOF python3` the one after it.
        let consumer = self
            .script
            .commands
            .iter()
            .enumerate()
            .filter(|(_, c)| top(c) && c.range.start <= offset)
            .max_by_key(|(_, c)| c.range.start)
            .or_else(|| {
                self.script
                    .commands
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| top(c))
                    .min_by_key(|(_, c)| c.range.start)
            })
            .map(|(i, _)| i);
        let Some(i) = consumer else { return false };
        let Some(cmd) = self.script.innermost(i) else {
            return false;
        };
        cmd.is_named(SHELLS) && !cmd.has_flag(&["-c"])
    }

    fn parse_into(&mut self, text: &str, shift: usize, origin: Origin, depth: usize) {
        self.parse_mapped(text, PosMap::Shift(shift), origin, depth);
    }

    fn parse_mapped(&mut self, text: &str, map: PosMap, origin: Origin, depth: usize) {
        let Some(tree) = parse_tree(text) else { return };
        let ctx = Ctx {
            in_subshell: false,
            in_substitution: false,
            origin,
            depth,
        };
        let mut w = Walker {
            b: self,
            src: text,
            map,
            level: 0,
        };
        w.statements(tree.root_node(), ctx);
    }

    /// Adds a command and, for wrappers, the command they run; returns its index.
    fn push_command(&mut self, cmd: Command, depth: usize) -> usize {
        let idx = self.script.commands.len();
        self.script.commands.push(cmd);
        self.unwrap(idx, 0);
        // The command and the commands its wrappers run: parse `sh -c` scripts.
        let mut cur = Some(idx);
        while let Some(i) = cur {
            let Some(c) = self.script.commands.get(i) else {
                break;
            };
            cur = c.wraps;
            if c.is_named(SHELLS) || c.is_named(&["su"]) {
                let c = c.clone();
                self.nested_shell(&c, depth);
            }
        }
        idx
    }

    fn unwrap(&mut self, idx: usize, level: usize) {
        if level > 8 {
            return;
        }
        let Some(outer) = self.script.commands.get(idx) else {
            return;
        };
        let Some((name_at, assignments)) = wrapped_start(outer) else {
            return;
        };
        let Some(name) = outer.args.get(name_at).cloned() else {
            return;
        };
        let args: Vec<Word> = outer.args.get(name_at + 1..).unwrap_or_default().to_vec();
        let inner = Command {
            range: TextRange::new(name.range.start, outer.range.end.max(name.range.end)),
            name,
            args,
            assignments,
            redirects: outer.redirects.clone(),
            piped_from: outer.piped_from,
            piped_to: outer.piped_to,
            op_before: outer.op_before,
            op_after: outer.op_after,
            in_subshell: outer.in_subshell,
            in_substitution: outer.in_substitution,
            nested_depth: outer.nested_depth,
            origin: outer.origin,
            wraps: None,
            wrapped_by: Some(idx),
        };
        let inner_idx = self.script.commands.len();
        self.script.commands.push(inner);
        if let Some(o) = self.script.commands.get_mut(idx) {
            o.wraps = Some(inner_idx);
        }
        self.unwrap(inner_idx, level + 1);
    }

    /// `sh -c '...'`: parse the script argument too.
    fn nested_shell(&mut self, cmd: &Command, depth: usize) {
        if depth >= MAX_NESTING || !(cmd.is_named(SHELLS) || cmd.is_named(&["su"])) {
            return;
        }
        let mut saw_c = false;
        let mut script_word = None;
        for w in &cmd.args {
            let t = w.text.as_str();
            if saw_c {
                script_word = Some(w);
                break;
            }
            if t.starts_with('-') && !t.starts_with("--") && t.contains('c') {
                saw_c = true;
            }
        }
        let Some(word) = script_word else { return };
        if word.dynamic && !word.text.contains(' ') {
            return;
        }
        let raw_len = word.raw.len();
        let (shift, exact) = if word.raw == word.text {
            (word.range.start, true)
        } else if raw_len == word.text.len() + 2
            && (word.raw.starts_with('\'') || word.raw.starts_with('"'))
        {
            (word.range.start + 1, true)
        } else {
            (word.range.start, false)
        };
        let map = PosMap::Word {
            shift,
            exact,
            word: word.range,
        };
        let text = word.text.clone();
        let start = self.script.commands.len();
        self.parse_mapped(&text, map, cmd.origin, depth + 1);
        let (sub, subst) = (cmd.in_subshell, cmd.in_substitution);
        for c in self.script.commands.iter_mut().skip(start) {
            c.in_subshell |= sub;
            c.in_substitution |= subst;
        }
    }
}

/// For a wrapper command (`sudo`, `env`, `xargs`, ...): the index in `args` of the
/// command it runs, and `NAME=value` words it sets.
fn wrapped_start(cmd: &Command) -> Option<(usize, Vec<Word>)> {
    let (value_flags, skip_positionals): (&[&str], usize) = match cmd.basename() {
        "sudo" | "doas" => (
            &[
                "-u",
                "-g",
                "-C",
                "-D",
                "-h",
                "-p",
                "-r",
                "-t",
                "-U",
                "-T",
                "-R",
                "--user",
                "--group",
                "--chdir",
                "--prompt",
                "--role",
                "--type",
                "--other-user",
                "--close-from",
                "--host",
                "--command-timeout",
                "--chroot",
            ],
            0,
        ),
        "env" => (
            &["-u", "-C", "-S", "--unset", "--chdir", "--split-string"],
            0,
        ),
        "command" | "exec" | "nohup" | "time" | "builtin" => (&["-a"], 0),
        "nice" => (&["-n", "--adjustment"], 0),
        "timeout" => (&["-s", "-k", "--signal", "--kill-after"], 1),
        "stdbuf" => (&["-i", "-o", "-e", "--input", "--output", "--error"], 0),
        "xargs" => (
            &[
                "-I",
                "-i",
                "-n",
                "-P",
                "-d",
                "-a",
                "-E",
                "-e",
                "-L",
                "-l",
                "-s",
                "--max-args",
                "--max-procs",
                "--delimiter",
                "--arg-file",
                "--eof",
                "--max-lines",
                "--max-chars",
                "--replace",
                "--process-slot-var",
            ],
            0,
        ),
        "gosu" | "su-exec" | "chroot" => (&[], 1),
        _ => return None,
    };
    let is_env = cmd.basename() == "env";
    let is_command = cmd.basename() == "command";
    let mut assignments = Vec::new();
    let mut i = 0;
    let mut positionals_left = skip_positionals;
    while let Some(w) = cmd.args.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            i += 1;
            continue;
        }
        if t.starts_with('-') && t.len() > 1 && positionals_left == skip_positionals {
            // `command -v x` only looks a command up.
            if is_command && (t.contains('v') || t.contains('V')) {
                return None;
            }
            let takes = if let Some(long) = t.strip_prefix("--") {
                !long.contains('=') && value_flags.contains(&t)
            } else {
                let flag: String = t.chars().take(2).collect();
                t.chars().count() == 2 && value_flags.contains(&flag.as_str())
            };
            i += if takes { 2 } else { 1 };
            continue;
        }
        if is_env && is_assignment(t) {
            assignments.push(w.clone());
            i += 1;
            continue;
        }
        if positionals_left > 0 {
            positionals_left -= 1;
            i += 1;
            continue;
        }
        return Some((i, assignments));
    }
    None
}

fn is_assignment(t: &str) -> bool {
    match t.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

struct Walker<'b, 's, 't> {
    b: &'b mut Builder<'s>,
    src: &'t str,
    map: PosMap,
    /// Recursion depth, bounded by [`MAX_TREE_DEPTH`] so hostile nesting cannot
    /// exhaust the stack (deeper parts are skipped).
    level: usize,
}

/// How deep the walker descends into the syntax tree.
const MAX_TREE_DEPTH: usize = 256;

/// First and last command indices of a subtree (top-level order).
type Span2 = Option<(usize, usize)>;

fn join(a: Span2, b: Span2) -> Span2 {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some((f, _)), Some((_, l))) => Some((f, l)),
    }
}

impl Walker<'_, '_, '_> {
    fn text(&self, n: tree_sitter::Node) -> &str {
        self.src.get(n.byte_range()).unwrap_or_default()
    }

    fn range(&self, n: tree_sitter::Node) -> TextRange {
        self.map.range(n.start_byte(), n.end_byte())
    }

    fn error_at(&mut self, node: tree_sitter::Node) {
        let r = self.range(node);
        if !self.b.script.errors.contains(&r) {
            self.b.script.errors.push(r);
        }
    }

    fn link(&mut self, prev: Span2, next: Span2, op: ChainOp) {
        if let (Some((_, last)), Some((first, _))) = (prev, next) {
            if let Some(c) = self.b.script.commands.get_mut(last) {
                c.op_after = Some(op);
            }
            if let Some(c) = self.b.script.commands.get_mut(first) {
                c.op_before = Some(op);
            }
        }
    }

    /// Walks the children of a node that holds statements, linking consecutive ones
    /// with the operator between them.
    fn statements(&mut self, node: tree_sitter::Node, ctx: Ctx) -> Span2 {
        let mut cursor = node.walk();
        let mut whole: Span2 = None;
        let mut prev: Span2 = None;
        let mut op: Option<ChainOp> = None;
        let mut other_token = false;
        let children: Vec<tree_sitter::Node> = node.children(&mut cursor).collect();
        for child in children {
            // ERROR nodes are recorded when walked (below); a missing token here.
            if child.is_missing() {
                self.error_at(child);
            }
            if !child.is_named() {
                match child.kind() {
                    "&&" => op = Some(ChainOp::And),
                    "||" => op = Some(ChainOp::Or),
                    ";" | ";;" | "\n" => op = Some(op.unwrap_or(ChainOp::Seq)),
                    "&" => op = Some(ChainOp::Background),
                    _ => other_token = true,
                }
                continue;
            }
            if child.kind() == "comment" {
                continue;
            }
            let span = self.statement(child, ctx);
            if span.is_some() {
                if prev.is_some() && !other_token {
                    self.link(prev, span, op.unwrap_or(ChainOp::Seq));
                }
                prev = span;
                op = None;
                other_token = false;
            }
            whole = join(whole, span);
        }
        whole
    }

    fn statement(&mut self, node: tree_sitter::Node, ctx: Ctx) -> Span2 {
        if self.level >= MAX_TREE_DEPTH {
            return None;
        }
        self.level += 1;
        let span = self.statement_inner(node, ctx);
        self.level -= 1;
        span
    }

    fn statement_inner(&mut self, node: tree_sitter::Node, ctx: Ctx) -> Span2 {
        match node.kind() {
            "command" => self.command(node, ctx, Vec::new()),
            "declaration_command" | "unset_command" => self.keyword_command(node, ctx),
            "redirected_statement" => {
                let mut redirects = Vec::new();
                let mut body = None;
                for child in kids(node) {
                    match child.kind() {
                        "file_redirect" | "heredoc_redirect" | "herestring_redirect" => {
                            redirects.push(self.redirect(child, ctx));
                        }
                        _ if child.is_named() && body.is_none() => body = Some(child),
                        _ => {}
                    }
                }
                let span = match body {
                    Some(b) if b.kind() == "command" => {
                        return self.command(b, ctx, redirects);
                    }
                    Some(b) => self.statement(b, ctx),
                    None => None,
                };
                // Redirects after a list belong to its last command.
                if let Some((_, last)) = span {
                    if let Some(c) = self.b.script.commands.get_mut(last) {
                        c.redirects.extend(redirects);
                    }
                }
                span
            }
            "pipeline" => {
                let mut cursor = node.walk();
                let children: Vec<tree_sitter::Node> = node.children(&mut cursor).collect();
                let mut whole: Span2 = None;
                let mut prev: Span2 = None;
                for child in children {
                    if !child.is_named() || child.kind() == "comment" {
                        continue;
                    }
                    let span = self.statement(child, ctx);
                    if let (Some((_, last)), Some((first, _))) = (prev, span) {
                        self.pipe(last, first);
                    }
                    if span.is_some() {
                        prev = span;
                    }
                    whole = join(whole, span);
                }
                whole
            }
            "subshell" => self.statements(
                node,
                Ctx {
                    in_subshell: true,
                    ..ctx
                },
            ),
            "command_substitution" | "process_substitution" => self.statements(
                node,
                Ctx {
                    in_substitution: true,
                    ..ctx
                },
            ),
            "variable_assignment" | "variable_assignments" => {
                self.substitutions_in(node, ctx);
                None
            }
            "ERROR" => {
                self.error_at(node);
                self.statements(node, ctx)
            }
            _ => self.statements(node, ctx),
        }
    }

    fn pipe(&mut self, from: usize, to: usize) {
        let cmds = &mut self.b.script.commands;
        if let Some(c) = cmds.get_mut(from) {
            c.piped_to = Some(to);
        }
        if let Some(c) = cmds.get_mut(to) {
            c.piped_from = Some(from);
        }
        // Commands run by wrappers share the wrapper's pipe.
        let mut inner = cmds.get(from).and_then(|c| c.wraps);
        while let Some(i) = inner {
            if let Some(c) = cmds.get_mut(i) {
                c.piped_to = Some(to);
                inner = c.wraps;
            } else {
                break;
            }
        }
        let mut inner = cmds.get(to).and_then(|c| c.wraps);
        while let Some(i) = inner {
            if let Some(c) = cmds.get_mut(i) {
                c.piped_from = Some(from);
                inner = c.wraps;
            } else {
                break;
            }
        }
    }

    /// Commands inside `$(...)` etc. in a node that is not itself a statement.
    fn substitutions_in(&mut self, node: tree_sitter::Node, ctx: Ctx) {
        if node.child_count() == 0 || self.level >= MAX_TREE_DEPTH {
            return;
        }
        self.level += 1;
        self.substitutions_in_inner(node, ctx);
        self.level -= 1;
    }

    fn substitutions_in_inner(&mut self, node: tree_sitter::Node, ctx: Ctx) {
        let children = kids(node);
        for child in children {
            match child.kind() {
                "command_substitution" | "process_substitution" => {
                    self.statement(child, ctx);
                }
                "raw_string" | "word" | "heredoc_content" => {}
                _ => self.substitutions_in(child, ctx),
            }
        }
    }

    fn redirect(&mut self, node: tree_sitter::Node, ctx: Ctx) -> Redirect {
        let mut op = String::new();
        let mut target = None;
        for child in kids(node) {
            match child.kind() {
                "file_descriptor" => op.push_str(self.text(child)),
                "heredoc_start" => target = Some(self.word(child)),
                "heredoc_body" | "heredoc_end" => {}
                k if !child.is_named() => op.push_str(k),
                _ => {
                    if target.is_none() {
                        self.substitutions_in(child, ctx);
                        target = Some(self.word(child));
                    }
                }
            }
        }
        Redirect {
            op,
            target,
            range: self.range(node),
        }
    }

    fn keyword_command(&mut self, node: tree_sitter::Node, ctx: Ctx) -> Span2 {
        let children = kids(node);
        let mut name = None;
        let mut args = Vec::new();
        for child in children {
            if name.is_none() && !child.is_named() {
                name = Some(self.word(child));
                continue;
            }
            if child.is_named() && child.kind() != "comment" {
                args.push(self.word(child));
            }
        }
        let name = name?;
        let cmd = self.new_command(name, args, Vec::new(), Vec::new(), self.range(node), ctx);
        let idx = self.b.push_command(cmd, ctx.depth);
        let children = kids(node);
        for child in children {
            self.substitutions_in(child, ctx);
        }
        Some((idx, idx))
    }

    fn new_command(
        &self,
        name: Word,
        args: Vec<Word>,
        assignments: Vec<Word>,
        redirects: Vec<Redirect>,
        range: TextRange,
        ctx: Ctx,
    ) -> Command {
        Command {
            name,
            args,
            assignments,
            redirects,
            range,
            piped_from: None,
            piped_to: None,
            op_before: None,
            op_after: None,
            in_subshell: ctx.in_subshell,
            in_substitution: ctx.in_substitution,
            nested_depth: ctx.depth,
            origin: ctx.origin,
            wraps: None,
            wrapped_by: None,
        }
    }

    fn command(
        &mut self,
        node: tree_sitter::Node,
        ctx: Ctx,
        mut redirects: Vec<Redirect>,
    ) -> Span2 {
        let children = kids(node);
        let mut name = None;
        let mut args = Vec::new();
        let mut assignments = Vec::new();
        let mut subs = Vec::new();
        for child in children {
            match child.kind() {
                "variable_assignment" => {
                    assignments.push(self.word(child));
                    subs.push(child);
                }
                "command_name" => {
                    name = Some(self.word(child));
                    subs.push(child);
                }
                "file_redirect" | "herestring_redirect" | "heredoc_redirect" => {
                    redirects.push(self.redirect(child, ctx));
                }
                "comment" => {}
                _ if child.is_named() => {
                    args.push(self.word(child));
                    subs.push(child);
                }
                _ => {}
            }
        }
        let Some(name) = name else {
            for s in subs {
                self.substitutions_in(s, ctx);
            }
            return None;
        };
        let range = self.range(node);
        let cmd = self.new_command(name, args, assignments, redirects, range, ctx);
        let idx = self.b.push_command(cmd, ctx.depth);
        let inner_ctx = Ctx {
            in_substitution: true,
            ..ctx
        };
        for s in subs {
            match s.kind() {
                "command_substitution" | "process_substitution" => {
                    self.statement(s, inner_ctx);
                }
                _ => self.substitutions_in(s, inner_ctx),
            }
        }
        Some((idx, idx))
    }

    fn word(&self, node: tree_sitter::Node) -> Word {
        let raw = self.text(node).to_string();
        let mut text = String::with_capacity(raw.len());
        let mut quoted = false;
        let mut dynamic = false;
        self.unquote(node, &mut text, &mut quoted, &mut dynamic, 0);
        Word {
            text,
            raw,
            range: self.range(node),
            quoted,
            dynamic,
        }
    }

    fn unquote(
        &self,
        node: tree_sitter::Node,
        out: &mut String,
        quoted: &mut bool,
        dynamic: &mut bool,
        level: usize,
    ) {
        if level >= MAX_TREE_DEPTH {
            out.push_str(self.text(node));
            return;
        }
        let raw = self.text(node);
        match node.kind() {
            "raw_string" => {
                *quoted = true;
                out.push_str(strip_quotes(raw, "'", "'"));
            }
            "ansi_c_string" => {
                *quoted = true;
                unescape_ansi_c(strip_quotes(raw, "$'", "'"), out);
            }
            "string" | "translated_string" => {
                *quoted = true;
                let inner = raw.strip_prefix('$').unwrap_or(raw);
                // Expansions inside stay as written; escapes of `"`, `\`, `$` and `` ` ``
                // are resolved.
                if node_has_expansion(node, 0) {
                    *dynamic = true;
                }
                unescape_double(strip_quotes(inner, "\"", "\""), out);
            }
            "simple_expansion"
            | "expansion"
            | "command_substitution"
            | "arithmetic_expansion"
            | "process_substitution" => {
                *dynamic = true;
                out.push_str(raw);
            }
            "word"
            | "number"
            | "variable_name"
            | "heredoc_start"
            | "file_descriptor"
            | "special_variable_name"
            | "extglob_pattern"
            | "test_operator"
            | "regex" => {
                if node.kind() == "heredoc_start" && (raw.contains('\'') || raw.contains('"')) {
                    *quoted = true;
                    out.extend(raw.chars().filter(|c| *c != '\'' && *c != '"'));
                } else {
                    unescape_bare(raw, out);
                }
                if node.kind() == "number" && node.named_child_count() > 0 {
                    *dynamic = true;
                }
            }
            _ => {
                // concatenation, command_name, variable_assignment, ...: the children in
                // order, with any text between them copied.
                let mut pos = node.start_byte();
                let children = kids(node);
                if node.child_count() == 0 {
                    unescape_bare(raw, out);
                    return;
                }
                for child in children {
                    if child.start_byte() > pos {
                        if let Some(gap) = self.src.get(pos..child.start_byte()) {
                            unescape_bare(gap, out);
                        }
                    }
                    if child.is_named() {
                        self.unquote(child, out, quoted, dynamic, level + 1);
                    } else {
                        out.push_str(self.text(child));
                    }
                    pos = child.end_byte();
                }
                if node.end_byte() > pos {
                    if let Some(gap) = self.src.get(pos..node.end_byte()) {
                        unescape_bare(gap, out);
                    }
                }
            }
        }
    }
}

/// The children of `node` (no cursor allocation; fine for the few children of words
/// and commands).
fn kids<'t>(node: tree_sitter::Node<'t>) -> impl Iterator<Item = tree_sitter::Node<'t>> {
    (0..node.child_count()).filter_map(move |i| node.child(i))
}

fn node_has_expansion(node: tree_sitter::Node, level: usize) -> bool {
    if level >= MAX_TREE_DEPTH {
        return true;
    }
    let children = kids(node);
    children.into_iter().any(|c| {
        matches!(
            c.kind(),
            "simple_expansion" | "expansion" | "command_substitution" | "arithmetic_expansion"
        ) || (c.kind() != "raw_string" && node_has_expansion(c, level + 1))
    })
}

fn strip_quotes<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    let s = s.strip_prefix(open).unwrap_or(s);
    s.strip_suffix(close).unwrap_or(s)
}

/// Outside quotes a backslash escapes the next character; backslash-newline vanishes.
fn unescape_bare(s: &str, out: &mut String) {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('\n') => {}
                Some(n) => out.push(n),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
}

/// Inside double quotes a backslash escapes only `$`, `` ` ``, `"`, `\` and newline.
fn unescape_double(s: &str, out: &mut String) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('$' | '`' | '"' | '\\') => {
                    out.extend(chars.next());
                }
                Some('\n') => {
                    chars.next();
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
}

fn unescape_ansi_c(s: &str, out: &mut String) {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &Script) -> Vec<&str> {
        s.commands.iter().map(|c| c.name.text.as_str()).collect()
    }

    #[test]
    fn chain_and_pipes() {
        let s = Script::parse(
            "set -eux; apt-get update && apt-get install -y x || true\ncurl -fsSL https://x | sh -",
        );
        assert_eq!(
            names(&s),
            ["set", "apt-get", "apt-get", "true", "curl", "sh"]
        );
        let c = &s.commands;
        assert_eq!(c[0].op_after, Some(ChainOp::Seq));
        assert_eq!(c[1].op_before, Some(ChainOp::Seq));
        assert_eq!(c[1].op_after, Some(ChainOp::And));
        assert_eq!(c[2].op_before, Some(ChainOp::And));
        assert_eq!(c[2].op_after, Some(ChainOp::Or));
        assert_eq!(c[3].op_after, Some(ChainOp::Seq));
        assert_eq!(c[4].piped_to, Some(5));
        assert_eq!(c[5].piped_from, Some(4));
        let pipes = s.find_pipes_into_shell();
        assert_eq!(pipes.len(), 1);
        assert_eq!(pipes[0].0.name.text, "curl");
    }

    #[test]
    fn flags_and_positionals() {
        let s = Script::parse(
            "apt-get -qy -t stable install --no-install-recommends pkg=1.0 'other pkg'",
        );
        let c = &s.commands[0];
        assert!(c.has_flag(&["-y", "--yes"]));
        assert!(c.has_flag(&["--no-install-recommends"]));
        assert!(!c.has_flag(&["--yes"]));
        let spec = FlagSpec::new(&["-t", "--target-release"]);
        assert_eq!(
            c.subcommand_in(&spec).map(|w| w.text.as_str()),
            Some("install")
        );
        let pos: Vec<&str> = c
            .positionals(&spec)
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(pos, ["install", "pkg=1.0", "other pkg"]);
        assert_eq!(c.flag_value(&spec, &["-t"]).as_deref(), Some("stable"));
        // Without the spec, `stable` looks like the subcommand.
        assert_eq!(c.subcommand().map(|w| w.text.as_str()), Some("stable"));
    }

    #[test]
    fn wrappers_expose_both() {
        let s =
            Script::parse("sudo -u root env DEBIAN_FRONTEND=noninteractive apt-get install -y x");
        assert_eq!(names(&s), ["sudo", "env", "apt-get"]);
        let apt: Vec<&Command> = s.commands_named(&["apt-get"]).collect();
        assert_eq!(apt.len(), 1);
        assert_eq!(apt[0].assignments.len(), 1);
        assert_eq!(apt[0].wrapped_by, Some(1));
        assert_eq!(s.commands[0].wraps, Some(1));
        let s = Script::parse("find . -name '*.pyc' | xargs -n 1 rm -f");
        assert!(s.commands_named(&["rm"]).next().is_some());
        let s = Script::parse("command -v curl");
        assert_eq!(names(&s), ["command"]);
    }

    #[test]
    fn quotes_removed_raw_kept() {
        let s = Script::parse(r#"echo "a b" 'c d' e\ f "$HOME/x" pre"fix"post"#);
        let a = &s.commands[0].args;
        let texts: Vec<&str> = a.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["a b", "c d", "e f", "$HOME/x", "prefixpost"]);
        assert_eq!(a[0].raw, "\"a b\"");
        assert!(a[3].dynamic);
        assert!(!a[1].dynamic);
        assert_eq!(&s.text[a[1].range.start..a[1].range.end], "'c d'");
    }

    #[test]
    fn control_flow_and_substitution() {
        let s = Script::parse(
            "if [ -f x ]; then for i in a b; do echo $i; done; fi; (cd /src && make); ls $(pwd)",
        );
        let n = names(&s);
        assert!(
            n.contains(&"echo") && n.contains(&"make") && n.contains(&"pwd"),
            "{n:?}"
        );
        let make = s.commands_named(&["make"]).next().unwrap();
        assert!(make.in_subshell);
        assert_eq!(make.op_before, Some(ChainOp::And));
        let pwd = s.commands_named(&["pwd"]).next().unwrap();
        assert!(pwd.in_substitution);
    }

    #[test]
    fn nested_sh_c() {
        let s = Script::parse("su -c 'apt-get install -y curl' && sudo bash -c \"wget -q x\"");
        let apt = s.commands_named(&["apt-get"]).next().unwrap();
        assert_eq!(apt.nested_depth, 1);
        assert_eq!(
            &s.text[apt.range.start..apt.range.end],
            "apt-get install -y curl"
        );
        assert!(s.commands_named(&["wget"]).next().is_some());
    }

    #[test]
    fn errors_still_yield_commands() {
        let s = Script::parse("apt-get update && apt-get install -y x ) && echo 'done");
        assert!(!s.errors.is_empty());
        let mut dedup = s.errors.clone();
        dedup.dedup();
        assert_eq!(dedup, s.errors, "each error once");
        assert!(Script::parse("apt-get update && apt-get install -y x")
            .errors
            .is_empty());
        assert!(s.commands_named(&["apt-get"]).count() >= 1);
    }

    #[test]
    fn deep_nesting_does_not_crash() {
        let deep = format!("{}x{}", "echo $(".repeat(3000), ")".repeat(3000));
        let s = Script::parse(&deep);
        assert!(s.commands_named(&["echo"]).count() >= 100);
        let deep = format!("{}x{}", "( ".repeat(3000), " )".repeat(3000));
        let _ = Script::parse(&deep);
    }

    #[test]
    fn heredoc_markers_found() {
        let m = heredoc_markers("cat <<-\"EOF\" > /x && bash <<X 3<<'Y' <<<no");
        let got: Vec<&str> = m
            .iter()
            .map(|r| &"cat <<-\"EOF\" > /x && bash <<X 3<<'Y' <<<no"[r.start..r.end])
            .collect();
        assert_eq!(got, ["<<-\"EOF\"", "<<X", "<<'Y'"]);
    }
}
