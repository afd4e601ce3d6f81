//! Dockerfile rules: the registry, the runner, rule docs.
//!
//! # Writing a rule (the contract)
//!
//! A rule is a module under `src/rules/<area>/` with three items:
//!
//! ````ignore
//! use crate::context::Context;
//! use crate::registry::Rule;
//! use bosun_diagnostics::{Area, Edit, Fix, FixAvailability, RuleMeta, Severity};
//!
//! pub static META: RuleMeta = RuleMeta {
//!     code: "DL3000",                 // stable forever, unique
//!     name: "workdir-relative-path",  // kebab-case, names the pattern
//!     area: Area::Lint,
//!     group: "hadolint",              // framework | hadolint | security | buildkit | pragma
//!     aliases: &["WorkdirRelativePath"], // hadolint codes, BuildKit check names
//!     severity: Severity::Error,
//!     fix: FixAvailability::None,     // None | Sometimes | Always
//!     summary: "WORKDIR should be an absolute path.",
//!     docs: r#"## What it does
//! ...
//! ## Why is this bad?
//! ...
//! ```dockerfile bad
//! FROM alpine
//! WORKDIR app
//! ```
//!
//! ```dockerfile good
//! FROM alpine
//! WORKDIR /app
//! ```
//! "#,
//! };
//!
//! pub static RULE: Rule = Rule::new(&META, check); // `.off_by_default()` for opt-in
//!
//! fn check(ctx: &mut Context<'_>) {
//!     let df = ctx.dockerfile; // a `&'a` reference: hold it while reporting
//!     for instr in df.instructions.iter().filter(|i| i.cmd == "workdir") {
//!         // ...
//!         ctx.report(&META, "use an absolute WORKDIR", instr.range.start..instr.range.end)
//!             .fix(Fix::safe("Make it absolute", vec![Edit::insert(0, "/")]));
//!     }
//! }
//! ````
//!
//! Then list `&RULE` in the area's `pub static RULES: &[&Rule]` and the area in
//! [`rules::GROUPS`].
//!
//! - A rule does no IO and never panics on any input: it reads [`Context`]
//!   (`dockerfile`, `source`, `path`, `build` facts such as the `.dockerignore`,
//!   `options`, and `model()`: the semantic model, built once per file) and calls
//!   [`Context::report`] (a span) or [`Context::report_file`] (the whole file). The
//!   returned [`Report`] takes `.fix(..)`, `.redact(range)` (secret values: renderers
//!   mask them in code frames; keep them out of messages too) and `.severity(..)`.
//! - Compile regexes once (`std::sync::LazyLock`), never per file.
//! - `docs` must have `## What it does`, `## Why is this bad?`, and at least one
//!   ```` ```dockerfile bad ```` and one ```` ```dockerfile good ```` block. The harness
//!   (`tests/framework_harness.rs`) runs every rule on its examples: each bad block
//!   must yield at least one finding of the rule, each good block none. Build-context
//!   facts for an example go in header comments, e.g. `# .dockerignore: absent` (see
//!   [`docs`]).
//! - List the rule in its group's `RULES` slice (`rules/mod.rs` chains the groups);
//!   `bosun_rules`' tests fail for a `RuleMeta` that no list holds.
//! - Rule pages in `docs/rules/` are generated from the registry of every area: run
//!   `BOSUN_UPDATE_DOCS=1 cargo test -p bosun_rules --test docs` after changing a rule.
//!
//! # Running rules
//!
//! [`lint_source`] (pure) lints one text; [`Linter`] resolves [`LintOptions`] once and
//! lints many files (in parallel: it is `Sync`). Parse errors become `DL1000` findings
//! and the other rules still run on what was parsed. Findings come back sorted by
//! position, then code.

pub mod config;
pub mod context;
pub mod discover;
pub mod docs;
pub mod fix;
pub mod pragma;
pub mod registry;
pub mod rules;
pub mod runner;
pub mod shellcheck;

pub use context::{BuildContext, Context, Dockerignore, FileShared, Report};
pub use registry::{find_rule, CheckFn, Rule, RuleSet, UnknownRule};
pub use runner::{lint_source, sort_findings, LintInput, LintOptions, Linter, SeverityOverride};
