//! hadolint's DL rules, with hadolint's codes and default severities, reading the
//! Dockerfile the way BuildKit does (ARG-resolved base images, cache mounts, heredocs,
//! exec-form and ONBUILD RUNs) and reporting the exact line and column inside
//! multi-line RUNs.
//!
//! `DL3002`, `DL3004`, `DL3006`, `DL3007`, `DL3020` and `DL4000` live with the security
//! rules (`rules/security`).
//!
//! Layout: the rules read the file's semantic model (`Context::model`:
//! `bosun_dockerfile::model`, whose RUNs carry their commands, cut once by
//! `bosun_dockerfile::shell`), and are grouped by topic: [`instructions`]
//! (instruction-level checks), [`packages`] (apt, apk, yum, dnf, zypper, pip, npm,
//! gem, go, yarn, pecl), [`cache_mounts`] (BuildKit cache mounts for build tools:
//! cargo, go, Maven, Gradle, Composer, NuGet, pnpm, Mix, gem/bundler), [`commands`]
//! (other checks of RUN commands), [`configured`] (rules that need configuration:
//! trusted registries and the label schema).

pub mod cache_mounts;
pub mod commands;
pub mod configured;
pub mod instructions;
pub mod packages;

use crate::context::Context;
use crate::registry::Rule;
use bosun_dockerfile::TextRange;

/// Every hadolint rule of this module, in code order.
pub static RULES: &[&Rule] = &[
    &instructions::DL1001,
    &instructions::DL3000,
    &commands::DL3001,
    &commands::DL3003,
    &packages::DL3008,
    &packages::DL3009,
    &commands::DL3010,
    &instructions::DL3011,
    &instructions::DL3012,
    &packages::DL3013,
    &packages::DL3014,
    &packages::DL3015,
    &packages::DL3016,
    &packages::DL3018,
    &packages::DL3019,
    &instructions::DL3021,
    &instructions::DL3022,
    &instructions::DL3023,
    &instructions::DL3024,
    &instructions::DL3025,
    &configured::DL3026,
    &packages::DL3027,
    &packages::DL3028,
    &instructions::DL3029,
    &packages::DL3030,
    &packages::DL3032,
    &packages::DL3033,
    &packages::DL3034,
    &packages::DL3035,
    &packages::DL3036,
    &packages::DL3037,
    &packages::DL3038,
    &packages::DL3040,
    &packages::DL3041,
    &packages::DL3042,
    &instructions::DL3043,
    &instructions::DL3044,
    &instructions::DL3045,
    &commands::DL3046,
    &commands::DL3047,
    &instructions::DL3048,
    &configured::DL3049,
    &configured::DL3050,
    &configured::DL3051,
    &configured::DL3052,
    &configured::DL3053,
    &configured::DL3054,
    &configured::DL3055,
    &configured::DL3056,
    &instructions::DL3057,
    &configured::DL3058,
    &commands::DL3059,
    &packages::DL3060,
    &instructions::DL3061,
    &packages::DL3062,
    &instructions::DL3063,
    &instructions::DL3064,
    &instructions::DL3065,
    &instructions::DL3066,
    &instructions::DL3067,
    &packages::DL3068,
    &cache_mounts::DL3069,
    &cache_mounts::DL3070,
    &cache_mounts::DL3071,
    &cache_mounts::DL3072,
    &cache_mounts::DL3073,
    &cache_mounts::DL3074,
    &cache_mounts::DL3075,
    &cache_mounts::DL3076,
    &cache_mounts::DL3077,
    &commands::DL4001,
    &instructions::DL4003,
    &instructions::DL4004,
    &commands::DL4005,
    &commands::DL4006,
    &instructions::DL4007,
];

/// Reports `rule` at `range`.
pub(crate) fn report<'c>(
    ctx: &'c mut Context<'_>,
    rule: &'static Rule,
    message: impl Into<String>,
    range: TextRange,
) -> crate::context::Report<'c> {
    ctx.report(rule.meta, message, range.start..range.end)
}

pub(crate) use bosun_dockerfile::unquote;

#[cfg(test)]
pub(crate) mod test_util {
    use crate::context::{BuildContext, Context};
    use crate::registry::Rule;
    use crate::runner::LintOptions;

    /// The 1-based (line, column) of every finding `rule` reports on `src`.
    pub fn run(rule: &Rule, src: &str) -> Vec<(usize, usize)> {
        findings(rule, src)
            .iter()
            .filter_map(|f| match &f.location {
                bosun_diagnostics::Location::File { span: Some(s), .. } => {
                    Some((s.start_line, s.start_column))
                }
                _ => None,
            })
            .collect()
    }

    pub fn findings(rule: &Rule, src: &str) -> Vec<bosun_diagnostics::Finding> {
        let df = bosun_dockerfile::parse(src);
        let build = BuildContext::default();
        let options = LintOptions::default();
        let mut ctx = Context::new("Dockerfile", src, &df, &build, &options);
        (rule.check)(&mut ctx);
        ctx.into_findings()
    }

    /// Lines reported.
    pub fn lines(rule: &Rule, src: &str) -> Vec<usize> {
        run(rule, src).into_iter().map(|(l, _)| l).collect()
    }

    /// Prints the commands bosun sees in each RUN of `BOSUN_DEBUG_FILE`.
    #[test]
    #[ignore = "debugging aid"]
    fn debug_file() {
        let Ok(path) = std::env::var("BOSUN_DEBUG_FILE") else {
            return;
        };
        let src = std::fs::read_to_string(path).unwrap_or_default();
        let df = bosun_dockerfile::parse(&src);
        let f = bosun_dockerfile::model::Model::new(&df);
        for s in f.stages() {
            eprintln!(
                "stage {:?} base={} resolved={} parent={:?} used_later={}",
                s.name_as_written,
                s.base_name.raw,
                s.base_resolved(),
                s.parent(),
                s.used_later
            );
        }
        for r in f.runs() {
            eprintln!(
                "RUN line {} stage {:?} shell {:?} pipes {}",
                r.start_line,
                r.stage,
                r.shell.words,
                r.pipes().count()
            );
            for c in r.commands() {
                let args: Vec<&str> = c.args.iter().map(|a| a.text.as_str()).collect();
                eprintln!("   {} {:?}", c.name, args);
            }
        }
    }

    /// Applies the fixes of all findings (non-overlapping, back to front).
    pub fn apply_fixes(rule: &Rule, src: &str) -> String {
        let mut edits: Vec<bosun_diagnostics::Edit> = findings(rule, src)
            .into_iter()
            .filter_map(|f| f.fix)
            .flat_map(|f| f.edits)
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.start));
        let mut out = src.to_string();
        let mut last = usize::MAX;
        for e in edits {
            if e.end > last {
                continue;
            }
            out.replace_range(e.start..e.end, &e.content);
            last = e.start;
        }
        out
    }
}
