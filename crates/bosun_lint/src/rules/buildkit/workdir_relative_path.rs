//! WorkdirRelativePath: the first WORKDIR of a stage is a relative path.

use crate::context::Context;
use crate::registry::Rule;
use crate::rules::hadolint::instructions::is_absolute;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1016",
    name: "workdir-relative-path-buildkit",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["WorkdirRelativePath"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "The first WORKDIR of a stage is relative to whatever the base image left.",
    docs: r#"## What it does

Flags a relative `WORKDIR` when no WORKDIR came before it in the stage or in the stages
it is built `FROM`: the path is then relative to the base image's working directory.
A relative path after an absolute WORKDIR is well defined and not flagged. This is
BuildKit's `WorkdirRelativePath` check; hadolint's `DL3000` flags every relative WORKDIR
(where both flag one, bosun reports hadolint's code).

## Why is this bad?

The base image's working directory can change with its next release, and with it where
this stage's files go.

## Example

```dockerfile bad
FROM debian:12
WORKDIR app
```

```dockerfile good
FROM debian:12
WORKDIR /app
WORKDIR logs
```

## References

- BuildKit check `WorkdirRelativePath`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let model = ctx.model();
    // ONBUILD triggers are not instructions of this build: BuildKit does not check them.
    for (i, ins) in df.instructions.iter().enumerate() {
        if !ins.is("WORKDIR") || model.workdir_at(i).is_some() {
            continue;
        }
        let path = ins.args.text.trim();
        if path.is_empty() || is_absolute(path) {
            continue;
        }
        let msg = format!(
            "Relative workdir {path:?} can have unexpected results if the base image changes"
        );
        let range = ins.args.range();
        ctx.report(&META, msg, range.start..range.end);
    }
}
