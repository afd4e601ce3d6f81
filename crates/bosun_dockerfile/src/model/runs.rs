//! The RUNs of a Dockerfile as the rules read them: each RUN (and ONBUILD RUN) with its
//! shell, its `--mount`s and its scripts, each script cut into commands once by
//! [`crate::shell::parse_script`] when the model is built.
//!
//! Arguments that are only known variables are resolved here, once, for every rule:
//! `apt-get install $DEPS` after `ARG DEPS="build-essential curl"` (or an ENV, or
//! `DEPS=...` earlier in the same script) gives the arguments `build-essential` and
//! `curl`, each with the range of `$DEPS`. A word with an unknown variable (an ARG
//! without a default, the base image's ENV, `$(...)`) is kept as written. A name the
//! Dockerfile sets only with ENV (never as an ARG) is empty in a stage that does not
//! have it in scope: an ENV does not cross `FROM` into a stage not built on its own
//! (`git-core-${version}` there is `git-core-`, no version).

use super::{Mount, Scope, ShellState};
use crate::ast::{Dockerfile, Heredoc, Instruction, TextRange};
use crate::expand::{Env, Lexer};
use crate::shell::{basename, parse_script, Arg, Cmd, Linear, OffsetMap, Script, ShellAssignment};
use std::collections::HashSet;

/// One script of a RUN (its shell-form text, a heredoc body, or an exec form).
#[derive(Debug, Clone)]
pub struct RunScript {
    pub script: Script,
    /// A heredoc body.
    pub heredoc: bool,
}

/// One RUN (or ONBUILD RUN).
#[derive(Debug, Clone)]
pub struct Run {
    /// Index in `dockerfile.instructions` (of the ONBUILD for ONBUILD RUN).
    pub index: usize,
    pub onbuild: bool,
    pub exec_form: bool,
    pub stage: Option<usize>,
    /// The shell of the shell form (for an exec form `["sh", "-c", ...]`, its own words
    /// up to `-c`, counted as set explicitly).
    pub shell: ShellState,
    /// `--mount`s: expanded with the RUN's variables; an ONBUILD RUN's as written.
    pub mounts: Vec<Mount>,
    /// The `--mount`/`--network`/`--security` flags as written (for DL3059).
    pub flags_text: Vec<String>,
    pub scripts: Vec<RunScript>,
    /// Range of the keyword `RUN` (of the trigger for ONBUILD RUN).
    pub keyword: TextRange,
    /// The whole instruction.
    pub range: TextRange,
    pub start_line: usize,
    pub has_heredoc: bool,
}

impl Run {
    pub fn commands(&self) -> impl Iterator<Item = &Cmd> + '_ {
        self.scripts.iter().flat_map(|s| s.script.commands.iter())
    }

    pub fn any_command(&self, f: impl Fn(&Cmd) -> bool) -> bool {
        self.commands().any(f)
    }

    pub fn pipes(&self) -> impl Iterator<Item = TextRange> + '_ {
        self.scripts
            .iter()
            .flat_map(|s| s.script.pipes.iter().copied())
    }

    /// A cache or tmpfs mount whose target contains `fragment`.
    pub fn has_cache_mount(&self, fragment: &str) -> bool {
        self.cache_targets().any(|t| t.contains(fragment))
    }

    /// A cache or tmpfs mount whose target is `dir` or a parent of it.
    pub fn has_cache_mount_covering(&self, dir: &str) -> bool {
        self.cache_targets().any(|t| {
            let t = t.trim_end_matches('/');
            !t.is_empty()
                && (dir == t
                    || dir
                        .strip_prefix(t)
                        .is_some_and(|rest| rest.starts_with('/')))
        })
    }

    fn cache_targets(&self) -> impl Iterator<Item = &str> + '_ {
        self.mounts
            .iter()
            .filter(|m| m.kind == "cache" || m.kind == "tmpfs")
            .filter_map(|m| m.target.as_deref())
    }
}

/// Maps offsets of a decoded JSON string element to its place in the file: exact when
/// the element has no escapes, else everything maps to the element's start.
struct JsonElement {
    start: usize,
    exact: bool,
    len: usize,
}

impl OffsetMap for JsonElement {
    fn map(&self, offset: usize) -> usize {
        if self.exact {
            self.start + offset.min(self.len)
        } else {
            self.start
        }
    }
}

/// Programs that read a POSIX shell script.
pub const POSIX_SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

/// The variables a RUN sees: its stage's ARGs and ENVs, and the names the Dockerfile
/// sets only with ENV (never as an ARG), which are empty where they are not in scope:
/// an ENV does not cross `FROM` into a stage that is not built on its own.
#[derive(Clone, Copy)]
pub(super) struct RunVars<'a> {
    pub scope: &'a Scope,
    pub env_only: &'a HashSet<String>,
}

/// The RUN of instruction `index` (`ins` is the trigger for ONBUILD RUN). `vars` are
/// the RUN's variables; `None` for an ONBUILD RUN, which runs in another build.
pub(super) fn make_run(
    df: &Dockerfile,
    ins: &Instruction,
    index: usize,
    stage: Option<usize>,
    shell: &ShellState,
    mounts: Vec<Mount>,
    vars: Option<RunVars<'_>>,
) -> Run {
    let flags_text = ins.flags.iter().map(|f| f.raw.clone()).collect();
    let mut run = Run {
        index,
        onbuild: vars.is_none(),
        exec_form: ins.json,
        stage,
        shell: shell.clone(),
        mounts,
        flags_text,
        scripts: Vec::new(),
        keyword: ins.keyword.range,
        range: ins.range,
        start_line: ins.start_line,
        has_heredoc: !ins.heredocs.is_empty(),
    };
    if ins.json {
        // `["sh", "-c", "..."]` is a shell script after all.
        if let (true, Some(vars)) = (exec_form(df, ins, index, &mut run), vars) {
            resolve_variables(&mut run, vars, &df.source);
        }
        return run;
    }
    // A Windows (cmd, PowerShell) script is not POSIX shell.
    if shell.is_non_posix() {
        run.scripts.push(RunScript {
            script: windows_script(ins),
            heredoc: false,
        });
        return run;
    }
    // Shell form: the argument text (heredoc operators in it open bodies that are not
    // part of this text).
    let script = parse_script(&ins.args.text, &ins.args);
    run.scripts.push(RunScript {
        script,
        heredoc: false,
    });
    if !ins.heredocs.is_empty() {
        add_heredoc_scripts(&mut run, ins, &ins.heredocs);
    }
    if let Some(vars) = vars {
        resolve_variables(&mut run, vars, &df.source);
    }
    run
}

/// The variables a command sees: the script's own assignments before it, then the
/// RUN's ARGs and ENVs.
struct CommandEnv<'a> {
    vars: RunVars<'a>,
    shell: &'a [ShellAssignment],
    before: usize,
}

impl Env for CommandEnv<'_> {
    fn lookup(&self, name: &str) -> Option<&str> {
        match self
            .shell
            .iter()
            .rev()
            .find(|a| a.at < self.before && a.name == name)
        {
            // Set by the script: its value, or unknown.
            Some(a) => a.value.as_deref(),
            // Set only by the ENV of a stage this one is not built on: empty here.
            None if !self.vars.scope.is_declared(name) && self.vars.env_only.contains(name) => {
                Some("")
            }
            None => self.vars.scope.get(name),
        }
    }
}

/// Replaces the arguments that use only known variables by their values (split on
/// whitespace where the expansion is unquoted, as the shell does).
fn resolve_variables(run: &mut Run, vars: RunVars<'_>, source: &str) {
    let lexer = Lexer::default();
    for rs in &mut run.scripts {
        let script = &mut rs.script;
        for cmd in &mut script.commands {
            if cmd.args.iter().all(|a| a.literal) {
                continue;
            }
            let env = CommandEnv {
                vars,
                shell: &script.assignments,
                before: cmd.range.start,
            };
            let mut out = Vec::with_capacity(cmd.args.len());
            for arg in std::mem::take(&mut cmd.args) {
                match resolve_arg(&arg, &env, &lexer, source) {
                    Some(words) => out.extend(words.into_iter().map(|text| Arg {
                        text,
                        range: arg.range,
                        literal: true,
                    })),
                    None => out.push(arg),
                }
            }
            cmd.args = out;
        }
    }
}

/// The words `arg` expands to, when every variable it uses is known; `None` to keep
/// it as written.
fn resolve_arg(
    arg: &Arg,
    env: &CommandEnv<'_>,
    lexer: &Lexer,
    source: &str,
) -> Option<Vec<String>> {
    if arg.literal {
        return None;
    }
    let raw = source.get(arg.range.start..arg.range.end)?;
    // Only plain variable references: no command substitution, arithmetic or text
    // that spans lines.
    if raw.contains(['\n', '`']) || raw.contains("$(") || !raw.contains('$') {
        return None;
    }
    let e = lexer.process_word_with_matches(raw, env).ok()?;
    if !e.unmatched.is_empty() || e.matched.is_empty() {
        return None;
    }
    Some(e.words)
}

/// `RUN ["sh", "-c", "script"]` gives the script (and its shell; `true`); another exec
/// form is one command (`false`).
fn exec_form(df: &Dockerfile, ins: &Instruction, index: usize, run: &mut Run) -> bool {
    let words = &ins.words;
    let prog = words.first().map_or("", |w| basename(&w.text));
    let c_pos = words.iter().position(|w| {
        w.text == "-c"
            || (w.text.starts_with('-') && !w.text.starts_with("--") && w.text.ends_with('c'))
    });
    if POSIX_SHELLS.contains(&prog) {
        if let Some(script_word) = c_pos.and_then(|p| words.get(p + 1)) {
            let raw = df.text(script_word.range);
            let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
            let map = JsonElement {
                start: script_word.range.start + 1,
                exact: inner == script_word.text,
                len: inner.len(),
            };
            // The exec form's own shell flags count as its SHELL.
            run.shell = ShellState {
                words: words
                    .iter()
                    .take(c_pos.unwrap_or(0) + 1)
                    .map(|w| w.text.clone())
                    .collect(),
                instruction: Some(index),
            };
            run.scripts.push(RunScript {
                script: parse_script(&script_word.text, &map),
                heredoc: false,
            });
            return true;
        }
    }
    let Some(first) = words.first() else {
        return false;
    };
    let cmd = Cmd {
        name: first.text.clone(),
        name_range: first.range,
        args: words
            .iter()
            .skip(1)
            .map(|w| Arg {
                text: w.text.clone(),
                range: w.range,
                literal: !w.text.contains('$'),
            })
            .collect(),
        range: TextRange::new(
            first.range.start,
            words.last().map_or(first.range.end, |w| w.range.end),
        ),
        wrapper: None,
        in_substitution: false,
    };
    run.scripts.push(RunScript {
        script: Script {
            commands: vec![cmd],
            ..Script::default()
        },
        heredoc: false,
    });
    false
}

/// A cmd or PowerShell script: its statements (split at `;`, `&&`, `||`, `|`) each
/// give a command of whitespace-separated words.
fn windows_script(ins: &Instruction) -> Script {
    let text = &ins.args.text;
    let mut commands = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        let sep = match bytes.get(i) {
            None => 1,
            Some(b';' | b'|') => {
                if bytes.get(i + 1) == Some(&b'|') {
                    2
                } else {
                    1
                }
            }
            Some(b'&') if bytes.get(i + 1) == Some(&b'&') => 2,
            _ => 0,
        };
        if sep == 0 {
            i += 1;
            continue;
        }
        let piece = text.get(start..i).unwrap_or("");
        let mut words = Vec::new();
        let mut offset = start;
        for w in piece.split_whitespace() {
            let at = text
                .get(offset..)
                .and_then(|t| t.find(w))
                .map_or(offset, |p| offset + p);
            let range = ins.args.source_range(TextRange::new(at, at + w.len()));
            words.push((w.to_string(), range));
            offset = at + w.len();
        }
        if let Some(((name, name_range), rest)) = words.split_first() {
            let end = rest.last().map_or(name_range.end, |(_, r)| r.end);
            commands.push(Cmd {
                name: name.clone(),
                name_range: *name_range,
                args: rest
                    .iter()
                    .map(|(t, r)| Arg {
                        text: t.clone(),
                        range: *r,
                        literal: !t.contains('$'),
                    })
                    .collect(),
                range: TextRange::new(name_range.start, end),
                wrapper: None,
                in_substitution: false,
            });
        }
        i += sep;
        start = i;
    }
    Script {
        commands,
        ..Script::default()
    }
}

/// Adds the heredoc bodies that the shell runs as scripts: `RUN <<EOF` (the body is
/// the script) and `RUN bash <<EOF` / `RUN sh -e <<EOF` (a shell reads it).
pub(super) fn add_heredoc_scripts(run: &mut Run, ins: &Instruction, heredocs: &[Heredoc]) {
    let first_cmd = run
        .scripts
        .first()
        .and_then(|s| s.script.commands.first())
        .map(|c| basename(&c.name).to_string());
    let only_heredoc = ins.args.text.split_whitespace().all(|w| {
        w.starts_with("<<")
            || w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.contains("<<")
    });
    let shell_reads = first_cmd
        .as_deref()
        .is_some_and(|c| POSIX_SHELLS.contains(&c));
    if !(only_heredoc || shell_reads) {
        return;
    }
    for h in heredocs {
        let body = h.content.as_str();
        if let Some(interp) = body.lines().next().and_then(|l| l.strip_prefix("#!")) {
            let prog = interp.split_whitespace().collect::<Vec<_>>();
            let name = match prog.as_slice() {
                [env, p, ..] if basename(env) == "env" => basename(p),
                [p, ..] => basename(p),
                [] => "",
            };
            if !POSIX_SHELLS.contains(&name) {
                continue;
            }
        }
        let script = parse_script(body, &Linear(h.content_range.start));
        run.scripts.push(RunScript {
            script,
            heredoc: true,
        });
    }
}
