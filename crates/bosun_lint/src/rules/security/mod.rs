//! Security rules: base-image pinning, the user a container runs as, secrets in the
//! Dockerfile and the build context, build hygiene, and image metadata.
//!
//! Codes: hadolint's where the check is hadolint's (`DL3002`, `DL3004`, `DL3006`,
//! `DL3007`, `DL3020`, `DL4000`, so `# hadolint ignore=` keeps working), bosun's `BSN`
//! series otherwise, by area:
//!
//! | series | area |
//! |---|---|
//! | `BSN1xxx` | image pinning and supply chain (digests, remote ADD, `curl \| sh`) |
//! | `BSN2xxx` | user and privileges (root, ssh servers, world-writable modes) |
//! | `BSN3xxx` | secrets (ARG/ENV, copied key files, build args in RUN, hard-coded tokens) |
//! | `BSN4xxx` | build hygiene (build tools in the runtime stage, layer caching) |
//! | `BSN5xxx` | build context (`.dockerignore`) |
//! | `BSN6xxx` | metadata (OCI labels) |
//!
//! The rules read the file's semantic model (`Context::model`: stages, RUNs and their
//! commands, computed once per file) and read secrets with `bosun_secrets`.

pub mod dockerignore;
pub mod hygiene;
pub mod images;
pub mod metadata;
pub mod secrets;
pub mod user;

#[cfg(test)]
mod corpus_tests;

use crate::registry::Rule;
use bosun_dockerfile::{Dockerfile, Instruction};

use bosun_dockerfile::model::Model;

/// Declares one rule: `security_rule!(IDENT, META_IDENT, "CODE", "name", [aliases],
/// Severity, FixAvailability, "summary", docs, check_fn)`.
macro_rules! security_rule {
    ($id:ident, $meta:ident, $code:literal, $name:literal, [$($alias:literal),*], $sev:ident, $fix:ident, $summary:literal, $docs:expr, $check:path) => {
        pub static $meta: bosun_diagnostics::RuleMeta = bosun_diagnostics::RuleMeta {
            code: $code,
            name: $name,
            aliases: &[$($alias),*],
            severity: bosun_diagnostics::Severity::$sev,
            fix: bosun_diagnostics::FixAvailability::$fix,
            summary: $summary,
            docs: $docs,
        };
        pub static $id: $crate::registry::Rule = $crate::registry::Rule::new(&$meta, $check);
    };
}
pub(crate) use security_rule;

/// Every security rule, in code order.
pub static RULES: &[&Rule] = &[
    &images::DL3006,
    &images::DL3007,
    &images::DL3020,
    &images::BSN1001,
    &images::BSN1002,
    &images::BSN1003,
    &user::DL3002,
    &user::DL3004,
    &user::BSN2001,
    &user::BSN2002,
    &user::BSN2003,
    &secrets::BSN3001,
    &secrets::BSN3002,
    &secrets::BSN3003,
    &secrets::BSN3004,
    &hygiene::BSN4001,
    &hygiene::BSN4002,
    &hygiene::BSN4003,
    &dockerignore::BSN5001,
    &dockerignore::BSN5002,
    &metadata::DL4000,
    &metadata::BSN6001,
];

pub(crate) use bosun_dockerfile::unquote;

/// The final stage (the image `docker build` produces without `--target`).
pub(crate) fn final_stage(facts: &Model) -> Option<usize> {
    facts.stages().len().checked_sub(1)
}

/// The instructions of stage `stage`, with their indices.
pub(crate) fn stage_instructions<'d>(
    df: &'d Dockerfile,
    facts: &'d Model,
    stage: usize,
) -> impl Iterator<Item = (usize, &'d Instruction)> + 'd {
    // The stage's own range (a scan of the whole file per stage made 50,000 stages
    // quadratic).
    let range = facts.stages().get(stage).map_or(0..0, |s| {
        s.from.min(s.end)..s.end.min(df.instructions.len())
    });
    let start = range.start;
    df.instructions
        .get(range)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(move |(i, ins)| (start + i, ins))
        .filter(move |(i, _)| facts.stage_index_of(*i) == Some(stage))
}

/// Membership of `chain` by stage index (for lookups per RUN without a scan).
pub(crate) fn chain_members(facts: &Model, chain: &[usize]) -> Vec<bool> {
    let mut m = vec![false; facts.stages().len()];
    for &s in chain {
        if let Some(slot) = m.get_mut(s) {
            *slot = true;
        }
    }
    m
}

/// The chain of stages `stage` is built from inside this Dockerfile, `stage` first
/// (`FROM base AS a` / `FROM a AS b` → `[b, a]`).
pub(crate) fn stage_chain(facts: &Model, stage: usize) -> Vec<usize> {
    let mut out = vec![stage];
    let mut cur = stage;
    while let Some(p) = facts.stages().get(cur).and_then(|s| s.parent()) {
        // A parent is always an earlier stage: no cycle, and no `contains` scan
        // (that made a chain of 50,000 stages quadratic).
        if p >= cur {
            break;
        }
        out.push(p);
        cur = p;
    }
    out
}

/// True when the image built by `stage` runs a service: its effective `ENTRYPOINT`
/// (or else `CMD`) is not a shell, a REPL or `sleep`. Toolchain, CI and base images
/// (`CMD ["python3"]`, `CMD ["bash"]`, no CMD at all) are not services.
pub(crate) fn runs_service(df: &Dockerfile, facts: &Model, stage: usize) -> bool {
    let (mut entrypoint, mut cmd): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for &s in stage_chain(facts, stage).iter().rev() {
        for (_, i) in stage_instructions(df, facts, s) {
            let words = || -> Vec<String> {
                if i.json {
                    i.words.iter().map(|w| w.text.clone()).collect()
                } else {
                    i.args
                        .text
                        .split_whitespace()
                        .map(|w| unquote(w).to_string())
                        .collect()
                }
            };
            if i.is("ENTRYPOINT") {
                entrypoint = words();
                cmd.clear();
            } else if i.is("CMD") {
                cmd = words();
            }
        }
    }
    // entrypoint wrappers that end up running the CMD (`docker-entrypoint.sh`, tini)
    let is_wrapper = |w: &str| {
        let b = basename(w);
        b.contains("entrypoint") || matches!(b, "tini" | "dumb-init" | "gosu" | "su-exec" | "--")
    };
    let mut words: Vec<String> = entrypoint.into_iter().chain(cmd).collect();
    while words.first().is_some_and(|w| is_wrapper(w)) {
        words.remove(0);
    }
    let Some(program) = words.first().map(|w| basename(w).to_string()) else {
        return false;
    };
    let only_flags = words.iter().skip(1).all(|w| w.starts_with('-'));
    // interactive programs and runtimes when run alone (`python3`, `dotnet --info`)
    const REPLS: &[&str] = &[
        "sh", "bash", "zsh", "ash", "fish", "python", "python2", "python3", "node", "irb", "ruby",
        "php", "ghci", "R", "jshell", "pwsh", "dotnet", "java", "deno", "bun", "perl", "lua",
        "julia", "erl", "iex", "scala", "groovy", "swift", "go",
    ];
    // placeholders whatever their arguments
    const IDLE: &[&str] = &["sleep", "tail", "cat", "make", "true", "/true"];
    let idle = program.starts_with('-') || IDLE.contains(&program.as_str());
    let repl = only_flags && REPLS.contains(&program.as_str());
    !(idle || repl)
}

pub(crate) use bosun_dockerfile::shell::basename;

#[cfg(test)]
pub(crate) mod test_util {
    use crate::context::{BuildContext, Dockerignore};
    use crate::runner::{LintInput, LintOptions, Linter};
    use bosun_diagnostics::Finding;

    /// Runs one rule (by code) over `src` with an unknown build context.
    pub fn run(code: &str, src: &str) -> Vec<Finding> {
        run_with(code, src, Dockerignore::Unknown)
    }

    pub fn run_with(code: &str, src: &str, dockerignore: Dockerignore) -> Vec<Finding> {
        let linter = Linter::new(LintOptions {
            select: vec![code.to_string()],
            ..Default::default()
        });
        // more facts may be added to BuildContext later
        #[allow(clippy::needless_update)]
        let build = BuildContext {
            dockerignore,
            ..Default::default()
        };
        linter
            .lint(LintInput {
                path: "Dockerfile",
                source: src,
                build: &build,
            })
            .into_iter()
            .filter(|f| f.code == code)
            .collect()
    }

    /// The source text each finding points at.
    pub fn spans<'s>(src: &'s str, findings: &[Finding]) -> Vec<&'s str> {
        findings
            .iter()
            .map(|f| match &f.location {
                bosun_diagnostics::Location::File { span: Some(s), .. } => {
                    src.get(s.start..s.end).unwrap_or("")
                }
                _ => "",
            })
            .collect()
    }
}
