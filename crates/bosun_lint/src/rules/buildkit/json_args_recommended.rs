//! JSONArgsRecommended: CMD or ENTRYPOINT in shell form where no SHELL was chosen.

use crate::context::Context;
use crate::registry::Rule;
use crate::rules::hadolint::instructions::json_form_fix;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1017",
    name: "json-args-recommended",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["JSONArgsRecommended"],
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    summary: "CMD and ENTRYPOINT in shell form run under /bin/sh, which does not pass on signals.",
    docs: r#"## What it does

Flags `CMD` and `ENTRYPOINT` written in shell form, unless a `SHELL` instruction in the
stage (or a stage it is built `FROM`) chose the shell on purpose. This is BuildKit's
`JSONArgsRecommended` check; hadolint's `DL3025` flags the shell form under any SHELL
(where both flag one, bosun reports hadolint's code).

## Why is this bad?

In shell form the command runs as a child of `/bin/sh -c`, which does not forward
`SIGTERM`: `docker stop` waits, then kills the process without a clean shutdown.

## Example

```dockerfile bad
FROM debian:12
CMD python -m app
```

```dockerfile good
FROM debian:12
CMD ["python", "-m", "app"]
```

## Fix safety

The fix rewrites a command of plain words in JSON form; it is unsafe (variables and shell
syntax in the command would stop working), so it is offered only with `--unsafe-fixes`.

## References

- BuildKit check `JSONArgsRecommended`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let model = ctx.model();
    // ONBUILD triggers are not instructions of this build: BuildKit does not check them.
    for (i, ins) in df.instructions.iter().enumerate() {
        if !(ins.is("CMD") || ins.is("ENTRYPOINT")) || ins.json {
            continue;
        }
        // Under a SHELL set in the stage (or the stage it is built from) the shell form
        // is the point.
        if model.shell_at(i).instruction.is_some() {
            continue;
        }
        let text = ins.args.text.trim();
        if text.is_empty() {
            continue;
        }
        let range = ins.args.range();
        let fix = json_form_fix(text, range);
        let msg = format!(
            "JSON arguments recommended for {} to prevent unintended behavior related to OS signals",
            ins.cmd
        );
        let r = ctx.report(&META, msg, range.start..range.end);
        if let Some(fix) = fix {
            r.fix(fix);
        }
    }
}
