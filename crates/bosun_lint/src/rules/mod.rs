//! The registration point: every rule bosun has.
//!
//! Each area of rules (`buildkit`, `hadolint`, `security`, ...) is a module that
//! exposes `pub static RULES: &[&Rule]`; add the module below and its slice to
//! [`GROUPS`]. [`RULES`] is all of them, in that order. Codes must be unique (a test
//! checks it).

pub mod buildkit;
pub mod hadolint;
pub mod security;

use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};
use std::sync::LazyLock;

/// The rule areas, in the order their rules are listed.
pub static GROUPS: &[&[&Rule]] = &[
    FRAMEWORK,
    hadolint::RULES,
    security::RULES,
    buildkit::RULES,
    crate::pragma::RULES,
];

/// Every registered rule, in registry order.
pub static RULES: LazyLock<Vec<&'static Rule>> =
    LazyLock::new(|| GROUPS.iter().flat_map(|g| g.iter().copied()).collect());

/// Rules the framework itself owns.
pub static FRAMEWORK: &[&Rule] = &[&PARSE_ERROR];

pub static PARSE_ERROR_META: RuleMeta = RuleMeta {
    code: "DL1000",
    name: "dockerfile-parse-error",
    area: Area::Lint,
    group: "framework",
    aliases: &["parse-error"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "The Dockerfile cannot be parsed the way BuildKit would read it.",
    docs: r#"## What it does

Reports the places where the file breaks BuildKit's Dockerfile grammar, with the
parser's own message: a file with no instruction, a line that cannot be read, a
malformed parser directive. The other rules still run on every instruction that could
be read.

## Why is this bad?

`docker build` refuses the file, so the image cannot be built at all. hadolint reports
its parse failures under the same code, `DL1000`.

## Example

```dockerfile bad
# A Dockerfile with comments but no instruction.
```

```dockerfile good
# A Dockerfile with an instruction.
FROM alpine:3.20
```
"#,
};

/// `DL1000`: the parser's errors, as findings.
pub static PARSE_ERROR: Rule = Rule::new(&PARSE_ERROR_META, check_parse_errors);

fn check_parse_errors(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for err in &df.errors {
        ctx.report(
            &PARSE_ERROR_META,
            err.message.clone(),
            err.range.start..err.range.end,
        );
    }
}
