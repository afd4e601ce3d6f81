//! Running the rules over one Dockerfile. Pure: the caller hands in the text and the
//! build-context facts (the binary does the file IO).

use crate::context::{BuildContext, Context, FileShared};
use crate::registry::RuleSet;
use bosun_diagnostics::{Finding, Severity};
use std::sync::Arc;

/// A severity given to a rule by configuration (e.g. hadolint's `override:` keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeverityOverride {
    /// Report the rule's findings at this severity (and run it even if opt-in).
    Set(Severity),
    /// Do not run the rule (hadolint's `ignore`/`none` level).
    Off,
}

/// What to run and how. Build it with `LintOptions { select, ..Default::default() }`
/// so that fields added later (configuration, pragmas, fixes) do not break callers.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Only run these rules (codes, names or aliases; `ALL` for every rule, opt-in
    /// rules included). Empty: the rules that are on by default.
    pub select: Vec<String>,
    /// Never run these rules (codes, names or aliases; `ALL` for every rule).
    pub ignore: Vec<String>,
    /// Severity overrides by code, name or alias, applied in order (later wins).
    pub severity: Vec<(String, SeverityOverride)>,
    /// Settings from the configuration (trusted registries, label schema, pragmas).
    pub settings: crate::config::Settings,
}

/// One Dockerfile to lint.
#[derive(Debug, Clone, Copy)]
pub struct LintInput<'a> {
    /// Path shown in findings.
    pub path: &'a str,
    pub source: &'a str,
    pub build: &'a BuildContext,
}

/// A configured linter: resolve the options once, then lint many files (it is `Sync`,
/// so files can be linted in parallel).
#[derive(Debug, Clone)]
pub struct Linter {
    options: LintOptions,
    rules: RuleSet,
}

impl Linter {
    pub fn new(options: LintOptions) -> Linter {
        let rules = RuleSet::from_options(&options);
        Linter { options, rules }
    }

    pub fn options(&self) -> &LintOptions {
        &self.options
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Lints one Dockerfile: parses it (parse errors become `DL1000` findings and the
    /// rules still run on what was parsed), runs every enabled rule, applies the
    /// severity overrides and sorts the findings stably.
    pub fn lint(&self, input: LintInput<'_>) -> Vec<Finding> {
        let dockerfile = bosun_dockerfile::parse(input.source);
        let shared = Arc::new(FileShared::default());
        let mut findings = Vec::new();
        for (rule, severity) in self.rules.rules() {
            let mut ctx = Context::with_shared(
                input.path,
                input.source,
                &dockerfile,
                input.build,
                &self.options,
                Arc::clone(&shared),
            );
            (rule.check)(&mut ctx);
            let mut found = ctx.into_findings();
            if let Some(severity) = severity {
                for f in found.iter_mut().filter(|f| f.code == rule.meta.code) {
                    f.severity = severity;
                }
            }
            findings.append(&mut found);
        }
        // Suppression comments and `# check=` (see `pragma`).
        let before: Vec<(String, (usize, usize))> = findings
            .iter()
            .filter(|f| {
                SAME_PROBLEM
                    .iter()
                    .any(|(a, b)| f.code == *a || f.code == *b)
            })
            .map(|f| (f.code.clone(), place(f)))
            .collect();
        let mut findings = crate::pragma::apply_for_run(
            &dockerfile,
            findings,
            input.path,
            &self.rules,
            &self.options.settings,
        );
        merge_same_problem(&mut findings, &before);
        sort_findings(&mut findings);
        findings
    }
}

/// Pairs of rules that report one problem at one place in two tools' words: hadolint's
/// DL3064 and BuildKit's `SecretsUsedInArgOrEnv` (BK1015) both flag `ARG GITHUB_TOKEN`;
/// DL3000 and `WorkdirRelativePath` (BK1016) a first relative WORKDIR; DL3025 and
/// `JSONArgsRecommended` (BK1017) a shell-form CMD. Each keeps what only it flags
/// (`DOCKER_USERNAME` is DL3064's alone, `SECRET_PASSPHRASE` BK1015's, a CMD under a
/// custom SHELL DL3025's), but where both fire the user sees the first, hadolint's code
/// (the stable one), and a suppression of either (`# hadolint ignore=DL3064`,
/// `# check=skip=SecretsUsedInArgOrEnv`) silences both there.
pub const SAME_PROBLEM: &[(&str, &str)] = &[
    ("DL3064", "BK1015"),
    ("DL3000", "BK1016"),
    ("DL3025", "BK1017"),
];

/// Where a finding of a [`SAME_PROBLEM`] pair points: its line and the byte its span
/// ends at (both rules end their span with the key they flag).
fn place(f: &Finding) -> (usize, usize) {
    match &f.location {
        bosun_diagnostics::Location::File { span: Some(s), .. } => (s.start_line, s.end),
        _ => (0, 0),
    }
}

/// Applies [`SAME_PROBLEM`]: `before` lists (code, place) of the pairs' findings before
/// suppressions were applied.
fn merge_same_problem(findings: &mut Vec<Finding>, before: &[(String, (usize, usize))]) {
    if before.is_empty() {
        return;
    }
    let at = |fs: &[Finding], code: &str, line: (usize, usize)| {
        fs.iter().any(|f| f.code == code && place(f) == line)
    };
    let mut drop: Vec<(&str, (usize, usize))> = Vec::new();
    for &(first, second) in SAME_PROBLEM {
        for (code, line) in before {
            let other = if code == first { second } else { first };
            let suppressed = !at(findings, code, *line);
            let other_fired = before.iter().any(|(c, l)| c == other && l == line);
            if other_fired && (suppressed || code == second) {
                // Suppressed here: so is the twin. Both left: the second goes.
                drop.push((if suppressed { other } else { second }, *line));
            }
        }
    }
    findings.retain(|f| !drop.iter().any(|(c, l)| f.code == *c && place(f) == *l));
}

/// Sorts findings by file, position and code; stable, so findings at the same place
/// keep the order their rules reported them in.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by_cached_key(Finding::sort_key);
}

/// Lints `source` (shown as `path`) with nothing known about its build context.
pub fn lint_source(path: &str, source: &str, options: &LintOptions) -> Vec<Finding> {
    let build = BuildContext::default();
    Linter::new(options.clone()).lint(LintInput {
        path,
        source,
        build: &build,
    })
}
