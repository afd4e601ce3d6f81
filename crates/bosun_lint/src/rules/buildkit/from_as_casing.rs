//! FromAsCasing: the `AS` keyword should match the case of `FROM`.

use super::{casing, froms, Casing};
use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, Edit, Fix, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1002",
    name: "from-as-casing-mismatch",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["FromAsCasing"],
    severity: Severity::Style,
    fix: FixAvailability::Always,
    summary: "The `AS` keyword should match the case of the `FROM` keyword.",
    docs: r#"## What it does

Flags `FROM image as name` (or `from image AS name`): the `AS` keyword is not cased like
the `FROM` keyword. A `FROM` keyword in mixed case (`From`) is left to
`ConsistentInstructionCasing`. This is BuildKit's `FromAsCasing` check.

## Why is this bad?

Keywords in one consistent case are easier to read and to search for.

## Example

```dockerfile bad
FROM debian:12 as build
RUN echo hi
```

```dockerfile good
FROM debian:12 AS build
RUN echo hi
```

## Fix safety

The fix rewrites `AS` in the case of `FROM`; keywords are case-insensitive, so it is
safe.

## References

- BuildKit check `FromAsCasing`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

fn check(ctx: &mut Context<'_>) {
    for from in froms(ctx.dockerfile) {
        let Some(as_kw) = from.as_kw else { continue };
        let kw = &from.instr.keyword.text;
        let wanted = match casing(kw) {
            Casing::Lower => as_kw.text.to_lowercase(),
            Casing::Upper => as_kw.text.to_uppercase(),
            Casing::Mixed => continue,
        };
        if as_kw.text == wanted {
            continue;
        }
        ctx.report(
            &META,
            format!(
                "'{}' and '{}' keywords' casing do not match",
                as_kw.text, kw
            ),
            as_kw.range.start..as_kw.range.end,
        )
        .fix(Fix::safe(
            format!("Write `{wanted}` to match `{kw}`"),
            vec![Edit::replace(
                as_kw.range.start,
                as_kw.range.end,
                wanted.clone(),
            )],
        ));
    }
}
