//! StageNameCasing: stage names should be lowercase.

use super::froms;
use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, Edit, Fix, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1001",
    name: "stage-name-not-lowercase",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["StageNameCasing"],
    severity: Severity::Style,
    fix: FixAvailability::Always,
    summary: "Stage names should be lowercase.",
    docs: r#"## What it does

Flags a stage name (`FROM image AS Name`) that is not all lowercase. This is BuildKit's
`StageNameCasing` check.

## Why is this bad?

BuildKit lowercases stage names internally, so `AS Builder` and `--from=builder` name
the same stage. Writing them in mixed case suggests a distinction that does not exist
and makes references harder to search for.

## Example

```dockerfile bad
FROM golang:1.22 AS Builder
RUN go build -o /app .
FROM scratch
COPY --from=Builder /app /app
```

```dockerfile good
FROM golang:1.22 AS builder
RUN go build -o /app .
FROM scratch
COPY --from=builder /app /app
```

## Fix safety

The fix lowercases the name where it is defined and where `FROM` and `COPY --from`
refer to it. Since BuildKit compares stage names case-insensitively, the build is
unchanged: the fix is safe.

## References

- BuildKit check `StageNameCasing`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for from in froms(df) {
        let Some(name) = from.name else { continue };
        let lower = name.text.to_lowercase();
        if name.text == lower {
            continue;
        }
        let mut edits = vec![Edit::replace(
            name.range.start,
            name.range.end,
            lower.clone(),
        )];
        for i in &df.instructions {
            if i.is("FROM") {
                if let Some(img) = i.words.first() {
                    if img.text.eq_ignore_ascii_case(&name.text) && img.text != lower {
                        edits.push(Edit::replace(img.range.start, img.range.end, lower.clone()));
                    }
                }
            }
            if i.is("COPY") {
                for f in i.flags_named("from") {
                    if let (Some(v), Some(r)) = (&f.value, f.value_range) {
                        if v.eq_ignore_ascii_case(&name.text)
                            && v != &lower
                            && df.text(r) == v.as_str()
                        {
                            edits.push(Edit::replace(r.start, r.end, lower.clone()));
                        }
                    }
                }
            }
        }
        ctx.report(
            &META,
            format!("Stage name '{}' should be lowercase", name.text),
            name.range.start..name.range.end,
        )
        .fix(Fix::safe(format!("Rename the stage to `{lower}`"), edits));
    }
}
