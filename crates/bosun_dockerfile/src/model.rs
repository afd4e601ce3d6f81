//! The semantic model of a Dockerfile: stages, ARG/ENV scopes as BuildKit applies them,
//! base images, stage references, USER, WORKDIR and SHELL at every instruction.
//!
//! Built once per file by [`Model::new`] (never fails: what cannot be resolved is
//! represented as unknown) and shared by all rules. Instruction indices are indices into
//! [`Dockerfile::instructions`].
//!
//! Scoping, as BuildKit does it:
//! * ARGs before the first FROM are global: FROM lines (image and `--platform`) see them,
//!   together with the automatic platform ARGs (`TARGETPLATFORM`, `BUILDOS`, ...).
//!   Inside a stage a global is visible only after `ARG NAME` re-declares it; the bare
//!   form takes the global default.
//! * Stage ARGs and ENVs are visible from the next instruction to the end of the stage
//!   and in stages built `FROM` it. ENV wins over an ARG of the same name.
//! * All pairs of one ARG/ENV instruction are expanded with the variables in force
//!   before it (so `ENV A=1 B=$A` gives `B` the old `A`); global ARGs see the ones
//!   declared before them.

mod image_ref;
mod runs;

pub use image_ref::{ImageRef, RefError, DOCKER_HUB};
pub use runs::{Run, RunScript, POSIX_SHELLS};

use crate::ast::{Dockerfile, Instruction};
use crate::expand::{Env, ExpandError, Expansion, Lexer};
use rpds::HashTrieMapSync;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The automatic platform ARGs.
pub const PLATFORM_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// The proxy ARGs BuildKit accepts without declaration (kept out of the image history).
pub const PROXY_ARGS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// True for ARG names BuildKit defines by itself: platform ARGs, proxy ARGs,
/// `BUILDKIT_*` and `SOURCE_DATE_EPOCH`.
pub fn is_predefined_arg(name: &str) -> bool {
    PLATFORM_ARGS.contains(&name)
        || PROXY_ARGS.contains(&name)
        || name.starts_with("BUILDKIT_")
        || name == "SOURCE_DATE_EPOCH"
}

/// Build settings the model assumes.
#[derive(Debug, Clone)]
pub struct ModelOptions {
    /// The build and target platform (`os/arch[/variant]`).
    pub platform: String,
    /// `--build-arg` values (they override ARG defaults of declared ARGs).
    pub build_args: Vec<(String, String)>,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            platform: "linux/amd64".to_string(),
            build_args: Vec::new(),
        }
    }
}

/// Where a variable comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VarSource {
    /// An ARG instruction (index).
    Arg(usize),
    /// An ENV instruction (index).
    Env(usize),
    /// An automatic platform ARG in FROM lines.
    Platform,
}

/// A variable in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    /// `None`: declared (`ARG NAME`) without a value; expansion sees it as unset.
    pub value: Option<String>,
    pub source: VarSource,
}

/// The variables in force at one point: ENV over ARG.
///
/// Persistent maps (`rpds`): every instruction of a stage holds its own `Scope`, and an
/// ARG or ENV makes a new one that shares all but the changed path with the one before
/// (O(log n) time and memory per variable set, O(1) per clone), so a file of n ENV
/// lines costs O(n log n), not the O(n^2) of a copied list per instruction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    args: HashTrieMapSync<String, Declared>,
    envs: HashTrieMapSync<String, Declared>,
    /// Declaration counter (orders [`Scope::names`]).
    next: u64,
}

/// A variable and when it was declared in its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Declared {
    order: u64,
    var: Var,
}

impl Scope {
    /// The variable `name` (ENV first, then ARG).
    pub fn var(&self, name: &str) -> Option<&Var> {
        self.envs
            .get(name)
            .or_else(|| self.args.get(name))
            .map(|d| &d.var)
    }

    /// The value of `name`, if it is set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.var(name).and_then(|v| v.value.as_deref())
    }

    /// True when `name` is declared by an ARG or ENV (with or without value).
    pub fn is_declared(&self, name: &str) -> bool {
        self.var(name).is_some()
    }

    /// The ARGs in scope, in declaration order (the latest declaration of a name).
    pub fn args(&self) -> Vec<&Var> {
        Self::ordered(&self.args)
    }

    /// The ENVs in scope, in declaration order (the latest declaration of a name).
    pub fn envs(&self) -> Vec<&Var> {
        Self::ordered(&self.envs)
    }

    fn ordered(map: &HashTrieMapSync<String, Declared>) -> Vec<&Var> {
        let mut all: Vec<&Declared> = map.values().collect();
        all.sort_unstable_by_key(|d| d.order);
        all.into_iter().map(|d| &d.var).collect()
    }

    /// The names in scope (ARGs then ENVs, declaration order, no duplicates).
    pub fn names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.args().into_iter().map(|v| v.name.as_str()).collect();
        out.extend(
            self.envs()
                .into_iter()
                .filter(|v| !self.args.contains_key(v.name.as_str()))
                .map(|v| v.name.as_str()),
        );
        out
    }

    fn set_arg(&mut self, var: Var) {
        let order = self.next;
        self.next += 1;
        self.args
            .insert_mut(var.name.clone(), Declared { order, var });
    }

    fn set_env(&mut self, var: Var) {
        let order = self.next;
        self.next += 1;
        self.envs
            .insert_mut(var.name.clone(), Declared { order, var });
    }
}

impl Env for Scope {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
}

/// A value as written and as far as it can be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub raw: String,
    /// The expanded value; `None` when expansion failed (a BuildKit error).
    pub value: Option<String>,
    /// False when the value depends on an ARG declared without a value (known only
    /// from `--build-arg`), or expansion failed.
    pub complete: bool,
    /// Variables the word used that have a value, in order.
    pub matched: Vec<String>,
    /// Variables the word used that have no value (undeclared, or declared without
    /// value), in order.
    pub unmatched: Vec<String>,
    /// The expansion error, when BuildKit would fail on this word.
    pub error: Option<ExpandError>,
}

impl Resolved {
    fn new(raw: &str, lexer: &Lexer, scope: &Scope) -> Resolved {
        match lexer.process_word_with_matches(raw, scope) {
            Ok(e) => {
                let complete = !e.unmatched.iter().any(|n| scope.is_declared(n));
                Resolved {
                    raw: raw.to_string(),
                    value: Some(e.value),
                    complete,
                    matched: e.matched,
                    unmatched: e.unmatched,
                    error: None,
                }
            }
            Err(err) => Resolved {
                raw: raw.to_string(),
                value: None,
                complete: false,
                matched: Vec::new(),
                unmatched: Vec::new(),
                error: Some(err),
            },
        }
    }

    /// True when the word uses no variable at all (a constant).
    pub fn is_constant(&self) -> bool {
        self.error.is_none() && self.matched.is_empty() && self.unmatched.is_empty()
    }
}

/// What a stage is built from, as a build without `--build-arg` resolves it (ARG
/// defaults; an ARG without a value expands to nothing, so `${X:-alpine}` gives
/// `alpine`). [`Stage::base_name`]`.complete` tells whether a build arg could change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`.
    Scratch,
    /// An earlier stage (index).
    Stage(usize),
    /// An image.
    Image(ImageRef),
    /// Not resolvable (an expansion error, or the expanded text is empty or not a
    /// valid reference, e.g. `alpine:` from `alpine:${TAG}` with `ARG TAG`); the text
    /// as far as it was expanded.
    Unknown(String),
}

/// A build stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// `AS name`, lower-cased as BuildKit does.
    pub name: Option<String>,
    /// `AS name` as written.
    pub name_as_written: Option<String>,
    /// The FROM instruction's index.
    pub from: usize,
    /// One past the stage's last instruction.
    pub end: usize,
    /// The base image word, as written and expanded with the global ARGs.
    pub base_name: Resolved,
    pub base: Base,
    /// `--platform`, as written and expanded.
    pub platform: Option<Resolved>,
    /// A later stage is built `FROM` it, copies from it (`COPY --from`) or mounts it
    /// (`RUN --mount=from=`).
    pub used_later: bool,
}

impl Stage {
    /// The instruction indices of the stage (FROM included).
    pub fn instructions(&self) -> std::ops::Range<usize> {
        self.from..self.end
    }

    /// The base image word with the global ARGs substituted, or as written when it
    /// does not expand.
    pub fn base_resolved(&self) -> &str {
        self.base_name
            .value
            .as_deref()
            .unwrap_or(self.base_name.raw.as_str())
    }

    /// The parent stage, when built `FROM` another stage.
    pub fn parent(&self) -> Option<usize> {
        match self.base {
            Base::Stage(i) => Some(i),
            _ => None,
        }
    }
}

/// A reference from `COPY --from`, `RUN --mount=from=` or FROM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageRef {
    Stage(usize),
    Image(ImageRef),
    /// A build context given on the command line could also match; not resolvable.
    Unknown(String),
}

/// One `--mount` of a RUN.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mount {
    /// `type=` (`bind` by default).
    pub kind: String,
    pub target: Option<String>,
    pub source: Option<String>,
    pub from: Option<String>,
    pub id: Option<String>,
    /// The other `key[=value]` options, in order.
    pub options: Vec<(String, Option<String>)>,
}

impl Mount {
    /// Parses a `--mount` value (`type=cache,target=/root/.cache`). Like BuildKit, the
    /// value is a CSV record: fields may be quoted.
    pub fn parse(value: &str) -> Mount {
        let mut m = Mount {
            kind: "bind".to_string(),
            ..Mount::default()
        };
        for field in csv_fields(value) {
            let (k, v) = match field.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.to_string())),
                None => (field.trim().to_ascii_lowercase(), None),
            };
            match (k.as_str(), v) {
                ("type", Some(v)) => m.kind = v.to_ascii_lowercase(),
                ("target" | "dst" | "destination", Some(v)) => m.target = Some(v),
                ("source" | "src", Some(v)) => m.source = Some(v),
                ("from", Some(v)) => m.from = Some(v),
                ("id", Some(v)) => m.id = Some(v),
                (_, v) => m.options.push((k, v)),
            }
        }
        m
    }
}

fn csv_fields(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() || !out.is_empty() {
        out.push(cur);
    }
    out
}

/// The user at some point of a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserState {
    /// No USER in the stage or its parent stages: the base image's user (root for
    /// `scratch`, unknown for an image).
    NotSet,
    /// Set by the USER instruction at `instruction`.
    Set { instruction: usize, user: Resolved },
}

impl UserState {
    /// Whether this user is root: `root`, `0`, `root:root`, `0:0`, `0:root`, a variable
    /// whose value (or `${X:-root}` default) is one of those. `None` when unknown
    /// (not set, or a variable without a value).
    pub fn is_root(&self) -> Option<bool> {
        match self {
            UserState::NotSet => None,
            UserState::Set { user, .. } => {
                let value = user.value.as_deref()?;
                if value.is_empty() && !user.complete {
                    return None;
                }
                Some(is_root_user(value))
            }
        }
    }

    /// The user name or id (before `:`), if known.
    pub fn name(&self) -> Option<&str> {
        match self {
            UserState::NotSet => None,
            UserState::Set { user, .. } => {
                let v = user.value.as_deref()?;
                Some(v.split_once(':').map_or(v, |(u, _)| u))
            }
        }
    }
}

/// True when a container started with `USER value` (or an image config `User`) runs as
/// uid 0, decided as runc does it (`moby/sys/user.GetExecUser`): the part before `:`
/// is a passwd name or a number read by Go's `strconv.Atoi` (optional sign, decimal
/// digits), so `root`, `0`, `00`, `+0` and `-0` are uid 0; an empty user part (`""`,
/// `:1000`) takes the default uid, 0. Nothing is trimmed: runc does not trim, and
/// ` 0` is neither a number nor a name. The one answer for every rule and image check.
pub fn is_root_user(value: &str) -> bool {
    let user = value.split_once(':').map_or(value, |(u, _)| u);
    let digits = user
        .strip_prefix('+')
        .or_else(|| user.strip_prefix('-'))
        .unwrap_or(user);
    user.is_empty() || user == "root" || (!digits.is_empty() && digits.bytes().all(|b| b == b'0'))
}

/// The kind of shell a stage's RUN shell form runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShellKind {
    /// sh, dash, ash, busybox.
    Sh,
    Bash,
    Zsh,
    /// pwsh / powershell.
    PowerShell,
    /// Windows `cmd`.
    Cmd,
    Other,
}

/// The SHELL in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellState {
    /// The shell words (`["/bin/sh", "-c"]` by default).
    pub words: Vec<String>,
    /// The SHELL instruction that set it (in this stage or a parent), if any.
    pub instruction: Option<usize>,
}

impl ShellState {
    fn default_shell() -> ShellState {
        ShellState {
            words: vec!["/bin/sh".to_string(), "-c".to_string()],
            instruction: None,
        }
    }

    /// Windows images run shell-form RUN with `cmd /S /C`.
    fn windows_default() -> ShellState {
        ShellState {
            words: vec!["cmd".to_string(), "/S".to_string(), "/C".to_string()],
            instruction: None,
        }
    }

    /// Set by a SHELL instruction (or an exec form's own shell), not the default.
    pub fn explicit(&self) -> bool {
        self.instruction.is_some()
    }

    /// The program's file name (`/bin/bash` -> `bash`).
    pub fn program(&self) -> &str {
        crate::shell::basename(self.words.first().map_or("", String::as_str))
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

    pub fn kind(&self) -> ShellKind {
        let prog = self.words.first().map_or("sh", |p| {
            let base = p.rsplit(['/', '\\']).next().unwrap_or(p);
            base.strip_suffix(".exe").unwrap_or(base)
        });
        match prog.to_ascii_lowercase().as_str() {
            "sh" | "dash" | "ash" | "busybox" => ShellKind::Sh,
            "bash" => ShellKind::Bash,
            "zsh" => ShellKind::Zsh,
            "pwsh" | "powershell" => ShellKind::PowerShell,
            "cmd" => ShellKind::Cmd,
            _ => ShellKind::Other,
        }
    }

    /// True for POSIX-like shells (sh, bash, zsh).
    pub fn is_posix(&self) -> bool {
        matches!(
            self.kind(),
            ShellKind::Sh | ShellKind::Bash | ShellKind::Zsh
        )
    }
}

/// Everything known just before one instruction runs.
#[derive(Debug, Clone)]
struct InstrState {
    stage: Option<usize>,
    scope: Arc<Scope>,
    user: Arc<UserState>,
    workdir: Option<Arc<str>>,
    shell: Arc<ShellState>,
}

/// The semantic model of one Dockerfile.
#[derive(Debug)]
pub struct Model {
    lexer: Lexer,
    options: ModelOptions,
    global_scope: Arc<Scope>,
    stages: Vec<Stage>,
    states: Vec<InstrState>,
    /// Per stage, the state after its last instruction.
    stage_end: Vec<InstrState>,
    refs: Vec<Vec<StageRef>>,
    mounts: Vec<Vec<Mount>>,
    runs: Vec<Run>,
    reachable: Vec<bool>,
    /// Lower-cased stage name -> first stage with it.
    stage_names: HashMap<String, usize>,
    /// Per stage: descends from an external or unresolved image (see
    /// [`Model::inherits_image_env`]).
    image_env: Vec<bool>,
}

fn platform_vars(platform: &str) -> Vec<(String, String)> {
    let mut parts = platform.splitn(3, '/');
    let os = parts.next().unwrap_or("linux").to_string();
    let arch = parts.next().unwrap_or("amd64").to_string();
    let variant = parts.next().unwrap_or("").to_string();
    let mut out = Vec::new();
    for prefix in ["TARGET", "BUILD"] {
        out.push((format!("{prefix}PLATFORM"), platform.to_string()));
        out.push((format!("{prefix}OS"), os.clone()));
        out.push((format!("{prefix}ARCH"), arch.clone()));
        out.push((format!("{prefix}VARIANT"), variant.clone()));
    }
    out
}

impl Model {
    /// Builds the model with the default options (linux/amd64, no build args).
    pub fn new(df: &Dockerfile) -> Model {
        Self::with_options(df, ModelOptions::default())
    }

    /// Builds the model for a platform and build args.
    pub fn with_options(df: &Dockerfile, options: ModelOptions) -> Model {
        Builder::new(df, options).build()
    }

    /// The stages in order.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The last stage (BuildKit's default target).
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage called `name` (case-insensitive), or with that index.
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        let lower = name.to_ascii_lowercase();
        self.stage_names
            .get(&lower)
            .and_then(|&i| self.stages.get(i))
    }

    /// The stage an instruction belongs to (`None` before the first FROM).
    pub fn stage_of(&self, instruction: usize) -> Option<&Stage> {
        let i = self.states.get(instruction)?.stage?;
        self.stages.get(i)
    }

    /// The ARGs declared before the first FROM, with the platform ARGs, as FROM lines
    /// see them.
    pub fn global_scope(&self) -> &Scope {
        &self.global_scope
    }

    /// The variables in force for `instruction` (before it runs): the global scope for
    /// FROM and for ARGs before the first FROM.
    pub fn env_at(&self, instruction: usize) -> &Scope {
        self.states
            .get(instruction)
            .map_or(&self.global_scope, |s| &s.scope)
    }

    /// Expands `word` as BuildKit would for `instruction` (escape token of the file).
    pub fn expand(&self, instruction: usize, word: &str) -> Result<Expansion, ExpandError> {
        self.lexer
            .process_word_with_matches(word, self.env_at(instruction))
    }

    /// Expands `word` as far as possible: unknown values are left as written.
    pub fn resolve(&self, instruction: usize, word: &str) -> Resolved {
        Resolved::new(word, &self.lexer, self.env_at(instruction))
    }

    /// The user in force for `instruction` (before it runs).
    pub fn user_at(&self, instruction: usize) -> &UserState {
        static NOT_SET: UserState = UserState::NotSet;
        self.states.get(instruction).map_or(&NOT_SET, |s| &s.user)
    }

    /// The user at the end of stage `stage`.
    pub fn user_at_end(&self, stage: usize) -> &UserState {
        static NOT_SET: UserState = UserState::NotSet;
        self.stage_end.get(stage).map_or(&NOT_SET, |s| &s.user)
    }

    /// The working directory for `instruction`, if a WORKDIR set it (in the stage or a
    /// parent stage); relative WORKDIRs are joined as BuildKit joins them.
    pub fn workdir_at(&self, instruction: usize) -> Option<&str> {
        self.states.get(instruction)?.workdir.as_deref()
    }

    /// The SHELL for `instruction`.
    pub fn shell_at(&self, instruction: usize) -> &ShellState {
        match self.states.get(instruction) {
            Some(s) => &s.shell,
            None => default_shell_ref(),
        }
    }

    /// The SHELL at the end of stage `stage`.
    pub fn shell_at_end(&self, stage: usize) -> &ShellState {
        self.stage_end
            .get(stage)
            .map_or_else(|| default_shell_ref(), |s| &s.shell)
    }

    /// The `--mount`s of a RUN (values expanded with the RUN's variables).
    pub fn mounts(&self, instruction: usize) -> &[Mount] {
        self.mounts.get(instruction).map_or(&[], Vec::as_slice)
    }

    /// Stage and image references of `instruction`: `COPY --from`/`ADD --from`, each
    /// `RUN --mount=from=`.
    pub fn references(&self, instruction: usize) -> &[StageRef] {
        self.refs.get(instruction).map_or(&[], Vec::as_slice)
    }

    /// True when the final stage needs stage `stage` (itself, a parent, or a stage it
    /// copies or mounts from, transitively).
    pub fn is_reachable(&self, stage: usize) -> bool {
        self.reachable.get(stage).copied().unwrap_or(false)
    }

    /// The stages the final stage depends on (itself included), in order.
    pub fn reachable_stages(&self) -> Vec<usize> {
        (0..self.stages.len())
            .filter(|&i| self.is_reachable(i))
            .collect()
    }

    /// Every RUN and ONBUILD RUN in instruction order, with its shell, mounts and
    /// commands (each script parsed once, when the model was built).
    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// The RUNs of instruction `instruction` (a binary search, not a scan).
    pub fn runs_at(&self, instruction: usize) -> &[Run] {
        let lo = self.runs.partition_point(|r| r.index < instruction);
        let hi = self.runs.partition_point(|r| r.index <= instruction);
        self.runs.get(lo..hi).unwrap_or_default()
    }

    /// The index of the stage `instruction` belongs to.
    pub fn stage_index_of(&self, instruction: usize) -> Option<usize> {
        self.states.get(instruction)?.stage
    }

    /// True for the last stage.
    pub fn is_last_stage(&self, stage: usize) -> bool {
        stage + 1 == self.stages.len()
    }

    /// The stage `reference` names (case-insensitive, as BuildKit) or numbers, if it
    /// comes before stage `before`.
    pub fn find_stage(&self, reference: &str, before: usize) -> Option<usize> {
        let limit = before.min(self.stages.len());
        if let Ok(n) = reference.parse::<usize>() {
            return (n < limit).then_some(n);
        }
        self.stage_names
            .get(&reference.to_ascii_lowercase())
            .copied()
            .filter(|&i| i < limit)
    }

    /// The variables `word` uses at `instruction` that nothing defines, as BuildKit's
    /// UndefinedVar check sees them: not an ARG in scope (with or without a value), not
    /// an ENV in scope, not `BUILDKIT_SBOM_SCAN_*`. BuildKit also consults the base
    /// image's config ENV, which an offline model cannot see: check
    /// [`Model::inherits_image_env`] before reporting. Empty when `word` does not
    /// expand (the expansion error is a different finding).
    pub fn undefined_vars(&self, instruction: usize, word: &str) -> Vec<String> {
        let scope = self.env_at(instruction);
        match self.lexer.process_word_with_matches(word, scope) {
            Ok(e) => e
                .unmatched
                .into_iter()
                .filter(|n| {
                    !scope.is_declared(n)
                        && n != "BUILDKIT_SBOM_SCAN_CONTEXT"
                        && n != "BUILDKIT_SBOM_SCAN_STAGE"
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// True when stage `stage` descends (through `FROM <stage>` links) from an
    /// external or unresolved image, whose config ENV is unknown here; false for
    /// `scratch`.
    pub fn inherits_image_env(&self, stage: usize) -> bool {
        self.image_env.get(stage).copied().unwrap_or(true)
    }

    /// The options the model was built with.
    pub fn options(&self) -> &ModelOptions {
        &self.options
    }
}

fn default_shell_ref() -> &'static ShellState {
    static DEFAULT: OnceLock<ShellState> = OnceLock::new();
    DEFAULT.get_or_init(ShellState::default_shell)
}

struct Builder<'d> {
    df: &'d Dockerfile,
    lexer: Lexer,
    options: ModelOptions,
    /// Bytes the stored ARG/ENV/WORKDIR/FROM values grew by in expansion so far.
    grown: std::cell::Cell<usize>,
}

/// Most bytes all the values a model stores may grow by in expansion together, past
/// which further values that grow are unknown (`None`). Each expansion is capped
/// ([`crate::expand::MAX_EXPANSION_BYTES`]); this bounds their sum, since 100,000
/// `ARG B=$A` lines after a long `A` would each store a copy.
const MAX_MODEL_GROWTH_BYTES: usize = 64 << 20;

/// The names the Dockerfile sets with ENV and never declares with ARG (as written).
fn env_only_names(df: &Dockerfile) -> std::collections::HashSet<String> {
    let mut envs = std::collections::HashSet::new();
    let mut args = std::collections::HashSet::new();
    for instr in &df.instructions {
        if instr.is("ENV") {
            envs.extend(instr.key_values.iter().map(|kv| kv.key.text.clone()));
        } else if instr.is("ARG") {
            args.extend(arg_pairs(instr).into_iter().map(|(k, _)| k));
        }
    }
    envs.retain(|n| !args.contains(n));
    envs
}

/// `ARG` words: `NAME` or `NAME=value` (value raw).
fn arg_pairs(instr: &Instruction) -> Vec<(String, Option<String>)> {
    instr
        .value
        .iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (w.clone(), None),
        })
        .collect()
}

fn join_workdir(current: Option<&str>, requested: &str) -> String {
    if requested.starts_with('/') || current.is_none() {
        let base = if requested.starts_with('/') {
            String::new()
        } else {
            "/".to_string()
        };
        return clean_path(&format!("{base}{requested}"));
    }
    let cur = current.unwrap_or("/");
    clean_path(&format!("{cur}/{requested}"))
}

/// Lexical path cleaning (Go's `path.Clean` for absolute paths).
fn clean_path(p: &str) -> String {
    format!("/{}", crate::dockerignore::clean(p))
}

impl<'d> Builder<'d> {
    fn new(df: &'d Dockerfile, options: ModelOptions) -> Self {
        Builder {
            df,
            lexer: Lexer::new(df.escape),
            options,
            grown: std::cell::Cell::new(0),
        }
    }

    fn build_arg(&self, name: &str) -> Option<&str> {
        self.options
            .build_args
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn expand_value(&self, raw: &str, scope: &Scope) -> Option<String> {
        let value = self.lexer.process_word(raw, scope).ok()?;
        let growth = value.len().saturating_sub(raw.len());
        if growth > 0 {
            let total = self.grown.get().saturating_add(growth);
            if total > MAX_MODEL_GROWTH_BYTES {
                return None;
            }
            self.grown.set(total);
        }
        Some(value)
    }

    fn build(self) -> Model {
        let df = self.df;
        let n = df.instructions.len();
        let platform = platform_vars(&self.options.platform);

        // Global ARGs (before the first FROM), each seeing the ones before it.
        let mut global = Scope::default();
        for (k, v) in &platform {
            global.set_arg(Var {
                name: k.clone(),
                value: Some(v.clone()),
                source: VarSource::Platform,
            });
        }
        let first_from = df
            .instructions
            .iter()
            .position(|i| i.is("FROM"))
            .unwrap_or(n);
        let mut states: Vec<InstrState> = Vec::with_capacity(n);
        let default_shell = Arc::new(ShellState::default_shell());
        let mut pre_from_shell = default_shell.clone();
        let windows_shell = Arc::new(ShellState::windows_default());
        let not_set = Arc::new(UserState::NotSet);
        // Declared global ARGs (without the platform ones) and their values.
        let mut global_args: HashMap<String, Var> = HashMap::new();
        for (idx, instr) in df.instructions.iter().enumerate().take(first_from) {
            states.push(InstrState {
                stage: None,
                scope: Arc::new(global.clone()),
                user: not_set.clone(),
                workdir: None,
                shell: pre_from_shell.clone(),
            });
            // A snippet without FROM (BuildKit rejects it; linters read it): its SHELL
            // applies to the RUNs after it, not to the first stage.
            if instr.is("SHELL") && instr.json && !instr.value.is_empty() {
                pre_from_shell = Arc::new(ShellState {
                    words: instr.value.clone(),
                    instruction: Some(idx),
                });
            }
            if instr.is("ARG") {
                for (k, v) in arg_pairs(instr) {
                    let value = match self.build_arg(&k) {
                        Some(b) => Some(b.to_string()),
                        None => v.and_then(|v| self.expand_value(&v, &global)),
                    };
                    let var = Var {
                        name: k,
                        value,
                        source: VarSource::Arg(idx),
                    };
                    global_args.insert(var.name.clone(), var.clone());
                    global.set_arg(var);
                }
            }
        }
        let global = Arc::new(global);

        let mut stages: Vec<Stage> = Vec::new();
        // Stage name -> index of the first stage with that name (a map, not a scan
        // per FROM: 50,000 stages must stay linear).
        let mut stage_names: HashMap<String, usize> = HashMap::new();
        let mut stage_end: Vec<InstrState> = Vec::new();
        let mut cur: Option<InstrState> = None;
        let mut refs: Vec<Vec<StageRef>> = vec![Vec::new(); n];

        for (idx, instr) in df.instructions.iter().enumerate().skip(first_from) {
            if instr.is("FROM") {
                if let Some(prev) = cur.take() {
                    if let Some(last) = stages.last_mut() {
                        last.end = idx;
                    }
                    stage_end.push(prev);
                }
                let stage = self.stage(idx, instr, &global, stages.len(), &stage_names);
                if let Some(name) = &stage.name {
                    stage_names.entry(name.clone()).or_insert(stage.index);
                }
                let stage_index = stages.len();
                let start = match stage.base {
                    Base::Stage(p) => match stage_end.get(p) {
                        Some(parent) => {
                            let mut s = parent.clone();
                            s.stage = Some(stage_index);
                            s
                        }
                        None => self.fresh(stage_index, &default_shell, &not_set),
                    },
                    Base::Image(ref r) if self.windows_platform() || looks_windows(r) => {
                        self.fresh(stage_index, &windows_shell, &not_set)
                    }
                    _ if self.windows_platform() => {
                        self.fresh(stage_index, &windows_shell, &not_set)
                    }
                    _ => self.fresh(stage_index, &default_shell, &not_set),
                };
                states.push(InstrState {
                    stage: Some(stage_index),
                    scope: global.clone(),
                    user: start.user.clone(),
                    workdir: start.workdir.clone(),
                    shell: start.shell.clone(),
                });
                stages.push(stage);
                cur = Some(start);
                continue;
            }
            let Some(state) = cur.as_mut() else {
                states.push(InstrState {
                    stage: None,
                    scope: global.clone(),
                    user: not_set.clone(),
                    workdir: None,
                    shell: default_shell.clone(),
                });
                continue;
            };
            states.push(state.clone());
            self.apply(idx, instr, state, &global_args);
        }
        if let Some(prev) = cur.take() {
            if let Some(last) = stages.last_mut() {
                last.end = n;
            }
            stage_end.push(prev);
        }

        let mut mounts: Vec<Vec<Mount>> = vec![Vec::new(); n];
        // Stage references of COPY --from / RUN --mount=from= (resolved after all
        // stages are known: BuildKit looks names up among all stages).
        for (idx, instr) in df.instructions.iter().enumerate() {
            let Some(stage) = states.get(idx).and_then(|s| s.stage) else {
                continue;
            };
            let scope = states.get(idx).map(|s| s.scope.clone()).unwrap_or_default();
            let mut out = Vec::new();
            let target = if instr.is("ONBUILD") {
                None
            } else {
                Some(instr)
            };
            if let Some(i) = target {
                if i.is("COPY") || i.is("ADD") {
                    if let Some(from) = i.flag("from").and_then(|f| f.value.as_deref()) {
                        let v = self
                            .expand_value(from, &scope)
                            .unwrap_or_else(|| from.to_string());
                        out.push(resolve_ref(&v, stage, stages.len(), &stage_names));
                    }
                }
                if i.is("RUN") {
                    for f in i.flags_named("mount") {
                        let Some(v) = f.value.as_deref() else {
                            continue;
                        };
                        let v = self
                            .expand_value(v, &scope)
                            .unwrap_or_else(|| v.to_string());
                        let mount = Mount::parse(&v);
                        if let Some(from) = &mount.from {
                            out.push(resolve_ref(from, stage, stages.len(), &stage_names));
                        }
                        if let Some(slot) = mounts.get_mut(idx) {
                            slot.push(mount);
                        }
                    }
                }
            }
            if let Some(slot) = refs.get_mut(idx) {
                *slot = out;
            }
        }

        // Uses by later stages: FROM <stage>, COPY --from, RUN --mount=from=.
        for i in 0..stages.len() {
            if let Some(p) = stages.get(i).and_then(Stage::parent) {
                if let Some(st) = stages.get_mut(p) {
                    st.used_later = true;
                }
            }
        }
        for (idx, out) in refs.iter().enumerate() {
            let Some(here) = states.get(idx).and_then(|s| s.stage) else {
                continue;
            };
            for r in out {
                if let StageRef::Stage(t) = *r {
                    if t < here {
                        if let Some(st) = stages.get_mut(t) {
                            st.used_later = true;
                        }
                    }
                }
            }
        }
        let runs = self.runs(&states, &mounts);
        let reachable = reachability(&stages, &refs);
        // A parent is always an earlier stage, so one pass in order answers every stage.
        let mut image_env: Vec<bool> = Vec::with_capacity(stages.len());
        for s in &stages {
            let v = match s.base {
                Base::Stage(p) => image_env.get(p).copied().unwrap_or(true),
                Base::Scratch => false,
                Base::Image(_) | Base::Unknown(_) => true,
            };
            image_env.push(v);
        }
        Model {
            lexer: self.lexer,
            options: self.options,
            global_scope: global,
            stages,
            states,
            stage_end,
            refs,
            mounts,
            runs,
            reachable,
            stage_names,
            image_env,
        }
    }

    /// Every RUN and ONBUILD RUN, parsed.
    fn runs(&self, states: &[InstrState], mounts: &[Vec<Mount>]) -> Vec<Run> {
        let df = self.df;
        let env_only = env_only_names(df);
        let none = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (idx, instr) in df.instructions.iter().enumerate() {
            let state = states.get(idx);
            let stage = state.and_then(|s| s.stage);
            let shell: &ShellState = match state {
                Some(s) => &s.shell,
                None => default_shell_ref(),
            };
            if instr.is("RUN") {
                // Before the first FROM (a snippet) there is no stage scope: as written.
                let m = match stage {
                    Some(_) => mounts.get(idx).cloned().unwrap_or_default(),
                    None => instr
                        .flags_named("mount")
                        .filter_map(|f| f.value.as_deref().map(Mount::parse))
                        .collect(),
                };
                // Before the first FROM (a snippet) every ENV of the text is in view.
                let vars = state.map(|s| runs::RunVars {
                    scope: &s.scope,
                    env_only: if stage.is_some() { &env_only } else { &none },
                });
                out.push(runs::make_run(df, instr, idx, stage, shell, m, vars));
            } else if let Some(trigger) = instr.onbuild.as_deref().filter(|t| t.is("RUN")) {
                // Not expanded: the variables are those of the build that uses it.
                let m = trigger
                    .flags_named("mount")
                    .filter_map(|f| f.value.as_deref().map(Mount::parse))
                    .collect();
                let mut run = runs::make_run(df, trigger, idx, stage, shell, m, None);
                run.range = instr.range;
                run.start_line = instr.start_line;
                if run.scripts.iter().all(|s| !s.heredoc) && !instr.heredocs.is_empty() {
                    runs::add_heredoc_scripts(&mut run, trigger, &instr.heredocs);
                }
                out.push(run);
            }
        }
        out
    }

    fn windows_platform(&self) -> bool {
        self.options.platform.starts_with("windows")
    }

    fn fresh(&self, stage: usize, shell: &Arc<ShellState>, user: &Arc<UserState>) -> InstrState {
        InstrState {
            stage: Some(stage),
            scope: Arc::new(Scope::default()),
            user: user.clone(),
            workdir: None,
            shell: shell.clone(),
        }
    }

    fn stage(
        &self,
        idx: usize,
        instr: &Instruction,
        global: &Scope,
        count: usize,
        names: &HashMap<String, usize>,
    ) -> Stage {
        let base_raw = instr.value.first().cloned().unwrap_or_default();
        let (name_as_written, name) = match (instr.value.get(1), instr.value.get(2)) {
            (Some(as_kw), Some(n)) if as_kw.eq_ignore_ascii_case("as") => {
                (Some(n.clone()), Some(n.to_ascii_lowercase()))
            }
            _ => (None, None),
        };
        let base_name = Resolved::new(&base_raw, &self.lexer, global);
        let platform = instr
            .flag("platform")
            .and_then(|f| f.value.as_deref())
            .map(|p| Resolved::new(p, &self.lexer, global));
        let base = match base_name.value.as_deref() {
            None => Base::Unknown(base_raw.clone()),
            Some(v) => {
                let lower = v.to_ascii_lowercase();
                if let Some(&p) = names.get(&lower) {
                    Base::Stage(p)
                } else if lower == "scratch" {
                    Base::Scratch
                } else {
                    match ImageRef::parse(v) {
                        Ok(r) => Base::Image(r),
                        Err(_) => Base::Unknown(v.to_string()),
                    }
                }
            }
        };
        Stage {
            index: count,
            name,
            name_as_written,
            from: idx,
            end: idx + 1,
            base_name,
            base,
            platform,
            used_later: false,
        }
    }

    fn apply(
        &self,
        idx: usize,
        instr: &Instruction,
        state: &mut InstrState,
        global_args: &HashMap<String, Var>,
    ) {
        match instr.cmd.as_str() {
            "ARG" => {
                let before = state.scope.clone();
                let mut scope = (*state.scope).clone();
                for (k, v) in arg_pairs(instr) {
                    let name = self.expand_value(&k, &before).unwrap_or(k);
                    let value = match (self.build_arg(&name), v) {
                        (Some(b), _) => Some(b.to_string()),
                        (None, Some(v)) => self.expand_value(&v, &before),
                        (None, None) => {
                            if let Some(g) = global_args.get(&name) {
                                g.value.clone()
                            } else if PLATFORM_ARGS.contains(&name.as_str()) {
                                platform_vars(&self.options.platform)
                                    .into_iter()
                                    .find(|(k, _)| *k == name)
                                    .map(|(_, v)| v)
                            } else {
                                None
                            }
                        }
                    };
                    scope.set_arg(Var {
                        name,
                        value,
                        source: VarSource::Arg(idx),
                    });
                }
                state.scope = Arc::new(scope);
            }
            "ENV" => {
                let before = state.scope.clone();
                let mut scope = (*state.scope).clone();
                for kv in &instr.key_values {
                    let key = self
                        .expand_value(&kv.key.text, &before)
                        .unwrap_or_else(|| kv.key.text.clone());
                    let value = self.expand_value(&kv.value.text, &before);
                    scope.set_env(Var {
                        name: key,
                        value,
                        source: VarSource::Env(idx),
                    });
                }
                state.scope = Arc::new(scope);
            }
            "USER" => {
                let raw = instr.value.first().cloned().unwrap_or_default();
                state.user = Arc::new(UserState::Set {
                    instruction: idx,
                    user: Resolved::new(&raw, &self.lexer, &state.scope),
                });
            }
            "WORKDIR" => {
                let raw = instr.value.first().cloned().unwrap_or_default();
                let value = self
                    .expand_value(&raw, &state.scope)
                    .unwrap_or_else(|| raw.clone());
                if !value.is_empty() {
                    let joined = join_workdir(state.workdir.as_deref(), &value);
                    state.workdir = Some(Arc::from(joined.as_str()));
                }
            }
            "SHELL" if instr.json && !instr.value.is_empty() => {
                state.shell = Arc::new(ShellState {
                    words: instr.value.clone(),
                    instruction: Some(idx),
                });
            }
            _ => {}
        }
    }
}

/// A guess from the image name that it is a Windows image (its default shell is then
/// `cmd`): `mcr.microsoft.com/windows/...`, a repository named `windows`,
/// `nanoserver`, `servercore` or `windowsservercore` (`microsoft/nanoserver`), tags
/// such as `3.12-windowsservercore-ltsc2022` or `1.22-nanoserver`. The one Windows
/// test for every rule.
pub fn looks_windows(r: &ImageRef) -> bool {
    let repo = r.repository.to_ascii_lowercase();
    let tag = r.tag.as_deref().unwrap_or_default().to_ascii_lowercase();
    let last = repo.rsplit('/').next().unwrap_or(&repo);
    (r.registry == "mcr.microsoft.com" && repo.starts_with("windows"))
        || last == "windows"
        || last.contains("nanoserver")
        || last.contains("servercore")
        || tag.contains("servercore")
        || tag.contains("nanoserver")
}

/// [`looks_windows`] for an image reference as text (`false` when it does not parse).
pub fn looks_windows_str(image: &str) -> bool {
    ImageRef::parse(image)
        .or_else(|_| ImageRef::parse(&image.to_ascii_lowercase()))
        .is_ok_and(|r| looks_windows(&r))
}

fn resolve_ref(
    value: &str,
    current: usize,
    count: usize,
    names: &HashMap<String, usize>,
) -> StageRef {
    let lower = value.to_ascii_lowercase();
    if let Some(&p) = names.get(&lower) {
        return StageRef::Stage(p);
    }
    if let Ok(i) = value.parse::<usize>() {
        if i < count && i != current {
            return StageRef::Stage(i);
        }
        return StageRef::Unknown(value.to_string());
    }
    match ImageRef::parse(value) {
        Ok(r) => StageRef::Image(r),
        Err(_) => StageRef::Unknown(value.to_string()),
    }
}

fn reachability(stages: &[Stage], refs: &[Vec<StageRef>]) -> Vec<bool> {
    let mut reach = vec![false; stages.len()];
    let Some(last) = stages.len().checked_sub(1) else {
        return reach;
    };
    let mut stack = vec![last];
    while let Some(s) = stack.pop() {
        let Some(slot) = reach.get_mut(s) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        let Some(stage) = stages.get(s) else { continue };
        if let Some(p) = stage.parent() {
            stack.push(p);
        }
        for i in stage.instructions() {
            for r in refs.get(i).map_or(&[][..], Vec::as_slice) {
                if let StageRef::Stage(t) = r {
                    stack.push(*t);
                }
            }
        }
    }
    reach
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Model>();
    }

    #[test]
    fn workdir_joins() {
        assert_eq!(join_workdir(None, "app"), "/app");
        assert_eq!(join_workdir(Some("/usr"), "src/../lib"), "/usr/lib");
        assert_eq!(join_workdir(Some("/usr"), "/opt/"), "/opt");
    }

    #[test]
    fn mounts() {
        let m = Mount::parse("type=cache,target=/root/.cache,from=builder,sharing=locked");
        assert_eq!(m.kind, "cache");
        assert_eq!(m.target.as_deref(), Some("/root/.cache"));
        assert_eq!(m.from.as_deref(), Some("builder"));
        assert_eq!(
            m.options,
            vec![("sharing".to_string(), Some("locked".to_string()))]
        );
        let m = Mount::parse("\"target=/a,b\",ro");
        assert_eq!(m.kind, "bind");
        assert_eq!(m.target.as_deref(), Some("/a,b"));
    }

    #[test]
    fn windows_images() {
        for i in [
            "mcr.microsoft.com/windows/servercore:ltsc2022",
            "mcr.microsoft.com/windows:1809",
            "mcr.microsoft.com/powershell:lts-nanoserver-1809",
            "microsoft/nanoserver",
            "microsoft/windowsservercore:1803",
            "python:3.12-windowsservercore-ltsc2022",
            "golang:1.22-nanoserver",
            "example.com/team/windows:1",
            "MCR.microsoft.com/Windows/ServerCore:ltsc2019",
        ] {
            assert!(looks_windows_str(i), "{i}");
        }
        for i in [
            "debian:12",
            "mcr.microsoft.com/dotnet/sdk:8.0",
            "windowsfan/app",
            "$BASE",
            "",
        ] {
            assert!(!looks_windows_str(i), "{i}");
        }
    }

    #[test]
    fn root_users() {
        // What runc runs as uid 0 (GetExecUser: passwd name, else strconv.Atoi, else
        // the default uid 0 for an empty user part).
        for u in [
            "root",
            "0",
            "00",
            "+0",
            "-0",
            "0:0",
            "root:root",
            "0:root",
            "000:1000",
            "",
            ":0",
            ":1000",
        ] {
            assert!(is_root_user(u), "{u:?}");
        }
        for u in [
            "app", "1000", "1000:0", "rootless", "10", "Root", " 0", "0 ", "+", "-", "0x0", "1_0",
            "+-0",
        ] {
            assert!(!is_root_user(u), "{u:?}");
        }
    }
}
