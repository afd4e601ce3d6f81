//! What hadolint's rules need to know about a whole Dockerfile, computed once per file
//! and shared by all of them: the stages (with base images resolved through ARG
//! defaults, and whether a later stage uses them), the effective SHELL of each RUN, its
//! cache mounts, and the commands of every RUN script (shell form, exec form, heredoc
//! bodies, ONBUILD RUN), each parsed once.
//!
//! The framework keeps them in the file's shared state (`Context::hadolint_facts`), so
//! each file is analysed once whatever the number of rules.

use super::shell::{parse_script, Cmd, Linear, OffsetMap, Script};
use bosun_dockerfile::expand::VarMap;
use bosun_dockerfile::model::Mount;
use bosun_dockerfile::{Dockerfile, Instruction, TextRange};

/// A build stage.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Index of its FROM in `dockerfile.instructions`.
    pub from: usize,
    /// `AS name`, as written.
    pub name: Option<String>,
    /// The image word as written (`$BASE`, `debian:12`).
    pub base: String,
    /// The image with global ARG defaults substituted.
    pub base_resolved: String,
    /// The earlier stage this one is built `FROM`, if any.
    pub parent: Option<usize>,
    /// A later FROM, `COPY --from` or `RUN --mount=from=` uses this stage.
    pub used_later: bool,
    /// The last instruction of the stage (exclusive end index).
    pub end: usize,
}

/// The shell a RUN's shell form runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellSpec {
    /// The SHELL words (`["/bin/bash", "-o", "pipefail", "-c"]`), or the default.
    pub words: Vec<String>,
    /// Set by a SHELL instruction (not the default).
    pub explicit: bool,
}

impl ShellSpec {
    /// Windows images run shell-form RUN with `cmd /S /C`.
    fn default_windows() -> ShellSpec {
        ShellSpec {
            words: vec!["cmd".into(), "/S".into(), "/C".into()],
            explicit: false,
        }
    }

    fn default_posix() -> ShellSpec {
        ShellSpec {
            words: vec!["/bin/sh".into(), "-c".into()],
            explicit: false,
        }
    }

    pub fn program(&self) -> &str {
        let first = self.words.first().map_or("", String::as_str);
        basename(first)
    }

    /// PowerShell or cmd: not a POSIX shell.
    pub fn is_non_posix(&self) -> bool {
        let p = self.program().to_ascii_lowercase();
        p.contains("pwsh") || p.contains("powershell") || p.starts_with("cmd")
    }

    /// The SHELL turns on pipefail (`-o pipefail`, `-eo pipefail`, `-euxo pipefail`).
    pub fn has_pipefail(&self) -> bool {
        self.words.iter().enumerate().any(|(i, w)| {
            w == "pipefail"
                && i > 0
                && self
                    .words
                    .get(i - 1)
                    .is_some_and(|p| p.starts_with('-') && !p.starts_with("--") && p.ends_with('o'))
        }) || self.words.iter().any(|w| w == "-opipefail")
    }
}

pub fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

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
    pub shell: ShellSpec,
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
        self.mounts.iter().any(|m| {
            (m.kind == "cache" || m.kind == "tmpfs")
                && m.target.as_deref().is_some_and(|t| t.contains(fragment))
        })
    }

    /// A cache or tmpfs mount whose target is `dir` or a parent of it.
    pub fn has_cache_mount_covering(&self, dir: &str) -> bool {
        self.mounts.iter().any(|m| {
            if m.kind != "cache" && m.kind != "tmpfs" {
                return false;
            }
            let t = m.target.as_deref().unwrap_or("").trim_end_matches('/');
            !t.is_empty() && (dir == t || dir.starts_with(&format!("{t}/")))
        })
    }
}

/// Everything shared by the hadolint rules for one file.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub stages: Vec<Stage>,
    /// Stage index of each instruction (None before the first FROM).
    pub stage_of: Vec<Option<usize>>,
    pub runs: Vec<Run>,
    /// Global ARG defaults (before the first FROM).
    pub global_args: VarMap,
    /// Lower-cased stage name -> first stage with that name.
    pub stage_names: std::collections::HashMap<String, usize>,
}

impl Facts {
    pub fn stage_index_of(&self, instr: usize) -> Option<usize> {
        self.stage_of.get(instr).copied().flatten()
    }

    /// The RUNs (and ONBUILD RUNs) of instruction `instr`: `runs` is in instruction
    /// order, so this is a binary search, not a scan per instruction.
    pub fn runs_at(&self, instr: usize) -> &[Run] {
        let lo = self.runs.partition_point(|r| r.index < instr);
        let hi = self.runs.partition_point(|r| r.index <= instr);
        self.runs.get(lo..hi).unwrap_or_default()
    }

    pub fn is_last_stage(&self, stage: usize) -> bool {
        stage + 1 == self.stages.len()
    }

    /// Finds a stage by name (case-insensitive, as BuildKit) or index.
    pub fn find_stage(&self, reference: &str, before: usize) -> Option<usize> {
        if let Ok(n) = reference.parse::<usize>() {
            return (n < before.min(self.stages.len())).then_some(n);
        }
        // The first stage of that name, if it comes before `before` (a map, not a scan
        // per reference: 50,000 stages must stay linear).
        self.stage_names
            .get(&reference.to_ascii_lowercase())
            .copied()
            .filter(|&i| i < before.min(self.stages.len()))
    }
}

/// The facts of `df`, computed now (rules get them once per file from
/// `Context::hadolint_facts`).
pub fn facts(df: &Dockerfile) -> Facts {
    compute(df)
}

pub fn compute(df: &Dockerfile) -> Facts {
    let mut facts = Facts::default();
    let mut global = VarMap::new();
    let mut seen_from = false;
    for ins in &df.instructions {
        if ins.is("FROM") {
            seen_from = true;
        } else if ins.is("ARG") && !seen_from {
            for w in &ins.words {
                if let Some((k, v)) = w.text.split_once('=') {
                    global.set(k, bosun_dockerfile::unquote(v));
                }
            }
        }
    }
    // Stages.
    let mut stage_of = Vec::with_capacity(df.instructions.len());
    let mut current: Option<usize> = None;
    for (i, ins) in df.instructions.iter().enumerate() {
        if ins.is("FROM") {
            let base = ins
                .words
                .first()
                .map(|w| w.text.clone())
                .unwrap_or_default();
            let base_resolved =
                bosun_dockerfile::expand::expand(&base, &global).unwrap_or_else(|_| base.clone());
            let name = match (ins.words.get(1), ins.words.get(2)) {
                (Some(kw), Some(n)) if kw.text.eq_ignore_ascii_case("as") => Some(n.text.clone()),
                _ => None,
            };
            let idx = facts.stages.len();
            let parent = facts.find_stage(&base_resolved, idx);
            if let Some(p) = parent {
                if let Some(s) = facts.stages.get_mut(p) {
                    s.used_later = true;
                }
            }
            if let Some(c) = current {
                if let Some(s) = facts.stages.get_mut(c) {
                    s.end = i;
                }
            }
            facts.stages.push(Stage {
                from: i,
                name,
                base,
                base_resolved,
                parent,
                used_later: false,
                end: df.instructions.len(),
            });
            if let Some(n) = facts.stages.last().and_then(|s| s.name.as_ref()) {
                facts
                    .stage_names
                    .entry(n.to_ascii_lowercase())
                    .or_insert(idx);
            }
            current = Some(idx);
        }
        stage_of.push(current);
    }
    facts.stage_of = stage_of;
    // Uses by COPY --from and RUN --mount=from.
    for (i, ins) in df.instructions.iter().enumerate() {
        let here = facts.stage_of.get(i).copied().flatten();
        let before = here.unwrap_or(0);
        let mut refs: Vec<String> = Vec::new();
        if ins.is("COPY") || ins.is("ADD") {
            if let Some(v) = ins.flag("from").and_then(|f| f.value.clone()) {
                refs.push(v);
            }
        }
        if ins.is("RUN") {
            for f in ins.flags_named("mount") {
                if let Some(from) = f.value.as_deref().map(Mount::parse).and_then(|m| m.from) {
                    refs.push(from);
                }
            }
        }
        for r in refs {
            let r = bosun_dockerfile::expand::expand(&r, &global).unwrap_or(r);
            if let Some(s) = facts.find_stage(&r, before) {
                if let Some(st) = facts.stages.get_mut(s) {
                    st.used_later = true;
                }
            }
        }
    }
    // Shells and RUNs.
    let mut shells: Vec<ShellSpec> = Vec::with_capacity(facts.stages.len());
    let mut shell = ShellSpec::default_posix();
    for (i, ins) in df.instructions.iter().enumerate() {
        let stage = facts.stage_of.get(i).copied().flatten();
        if ins.is("FROM") {
            // Finish the previous stage's shell, start this one's.
            shells.push(shell.clone());
            let st = stage.and_then(|s| facts.stages.get(s));
            shell = match st
                .and_then(|s| s.parent)
                .and_then(|p| shells.get(p + 1).cloned())
            {
                Some(inherited) => inherited,
                None if st.is_some_and(|s| {
                    bosun_dockerfile::model::looks_windows_str(&s.base_resolved)
                }) =>
                {
                    ShellSpec::default_windows()
                }
                None => ShellSpec::default_posix(),
            };
            continue;
        }
        if ins.is("SHELL") && ins.json && !ins.words.is_empty() {
            shell = ShellSpec {
                words: ins.words.iter().map(|w| w.text.clone()).collect(),
                explicit: true,
            };
            continue;
        }
        if ins.is("RUN") {
            facts.runs.push(make_run(df, ins, i, false, stage, &shell));
        } else if ins.is("ONBUILD") {
            if let Some(trigger) = ins.onbuild.as_deref() {
                if trigger.is("RUN") {
                    let mut run = make_run(df, trigger, i, true, stage, &shell);
                    run.range = ins.range;
                    run.start_line = ins.start_line;
                    if run.scripts.iter().all(|s| !s.heredoc) && !ins.heredocs.is_empty() {
                        add_heredoc_scripts(&mut run, trigger, &ins.heredocs, &shell);
                    }
                    facts.runs.push(run);
                }
            }
        }
    }
    facts.global_args = global;
    facts
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

const POSIX_SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

fn make_run(
    df: &Dockerfile,
    ins: &Instruction,
    index: usize,
    onbuild: bool,
    stage: Option<usize>,
    shell: &ShellSpec,
) -> Run {
    let mounts: Vec<Mount> = ins
        .flags_named("mount")
        .filter_map(|f| f.value.as_deref().map(Mount::parse))
        .collect();
    let flags_text = ins.flags.iter().map(|f| f.raw.clone()).collect();
    let mut run = Run {
        index,
        onbuild,
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
                let mut script = parse_script(&script_word.text, &map);
                // The exec form's own shell flags count as its SHELL.
                let exec_shell = ShellSpec {
                    words: words
                        .iter()
                        .take(c_pos.unwrap_or(0) + 1)
                        .map(|w| w.text.clone())
                        .collect(),
                    explicit: true,
                };
                run.shell = exec_shell;
                script.commands.retain(|_| true);
                run.scripts.push(RunScript {
                    script,
                    heredoc: false,
                });
                return run;
            }
        }
        // A plain exec form: one command.
        if let Some(first) = words.first() {
            let cmd = Cmd {
                name: first.text.clone(),
                name_range: first.range,
                args: words
                    .iter()
                    .skip(1)
                    .map(|w| super::shell::Arg {
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
                    pipes: Vec::new(),
                    pipefail_set_at: None,
                    code_end: None,
                },
                heredoc: false,
            });
        }
        return run;
    }
    // A Windows (cmd, PowerShell) script is not POSIX shell: its statements (split at
    // `;`, `&&`, `||`, `|`) each give a command of whitespace-separated words.
    if shell.is_non_posix() {
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
                        .map(|(t, r)| super::shell::Arg {
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
        run.scripts.push(RunScript {
            script: Script {
                commands,
                pipes: Vec::new(),
                pipefail_set_at: None,
                code_end: None,
            },
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
        add_heredoc_scripts(&mut run, ins, &ins.heredocs, shell);
    }
    run
}

/// Adds the heredoc bodies that the shell runs as scripts: `RUN <<EOF` (the body is
/// the script) and `RUN bash <<EOF` / `RUN sh -e <<EOF` (a shell reads it).
fn add_heredoc_scripts(
    run: &mut Run,
    ins: &Instruction,
    heredocs: &[bosun_dockerfile::Heredoc],
    _shell: &ShellSpec,
) {
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
        if let Some(first_line) = body.lines().next() {
            if let Some(interp) = first_line.strip_prefix("#!") {
                let interp = interp.trim();
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
        }
        let script = parse_script(body, &Linear(h.content_range.start));
        run.scripts.push(RunScript {
            script,
            heredoc: true,
        });
    }
}
