//! NoEmptyContinuation: empty lines inside a line continuation.

use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Edit, Fix, FixAvailability, RuleMeta, Severity};
use bosun_dockerfile::WarningKind;

pub static META: RuleMeta = RuleMeta {
    code: "BK1003",
    name: "empty-continuation-line",
    aliases: &["NoEmptyContinuation", "NoEmptyContinuations"],
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    summary: "Empty continuation lines will become errors in a future release.",
    docs: r#"## What it does

Flags an instruction continued with `\` over an empty (or whitespace-only) line, once
per instruction, on its last line (where BuildKit reports it). This is BuildKit's
`NoEmptyContinuation` check; BuildKit's parser warns that such lines
"will become errors in a future release". A comment line there is fine.

## Why is this bad?

The empty line looks like the end of the instruction, but the parser skips it and
carries on, so the next line silently becomes part of the command.

## Example

```dockerfile bad
FROM debian:12
RUN apt-get update && \

    apt-get install -y --no-install-recommends curl
```

```dockerfile good
FROM debian:12
RUN apt-get update && \
    apt-get install -y --no-install-recommends curl
```

## Fix safety

The fix deletes the empty line, which the parser skips anyway: safe.

## References

- BuildKit check `NoEmptyContinuation`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let src = ctx.source;
    // BuildKit warns once per instruction, on its last line (where the parser stands
    // when it sees the instruction had empty continuation lines).
    for ins in &df.instructions {
        let edits: Vec<Edit> = df
            .warnings
            .iter()
            .filter(|w| w.kind == WarningKind::EmptyContinuationLine)
            .filter(|w| w.range.start >= ins.range.start && w.range.start <= ins.range.end)
            .map(|w| {
                let lr = df.line_range(df.line_of(w.range.start));
                let mut end = lr.end;
                if src.get(end..).is_some_and(|r| r.starts_with("\r\n")) {
                    end += 2;
                } else if src.get(end..).is_some_and(|r| r.starts_with('\n')) {
                    end += 1;
                }
                Edit::delete(lr.start, end)
            })
            .collect();
        if edits.is_empty() {
            continue;
        }
        let last = df.line_range(ins.end_line);
        ctx.report(&META, "Empty continuation line", last.start..last.end)
            .fix(Fix::safe("Delete the empty continuation lines", edits));
    }
}
