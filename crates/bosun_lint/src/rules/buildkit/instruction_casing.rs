//! ConsistentInstructionCasing: instruction keywords in one case, the file's majority.

use super::{casing, Casing};
use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, Edit, Fix, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1004",
    name: "inconsistent-instruction-casing",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["ConsistentInstructionCasing"],
    severity: Severity::Style,
    fix: FixAvailability::Always,
    summary:
        "Instruction keywords should be all uppercase or all lowercase, like most of the file.",
    docs: r#"## What it does

Flags an instruction keyword written in mixed case (`Run`), or in the other case than
the majority of the file's instructions (a `run` among `FROM`, `COPY`, `CMD`). Ties
count as uppercase. As in BuildKit, only instructions from the first `FROM` on are
counted and checked. This is BuildKit's `ConsistentInstructionCasing` check.

## Why is this bad?

Mixed casing makes a Dockerfile harder to read and to search for.

## Example

```dockerfile bad
FROM alpine:3.20
Run echo hello > /greeting.txt
CMD ["cat", "/greeting.txt"]
```

```dockerfile good
FROM alpine:3.20
RUN echo hello > /greeting.txt
CMD ["cat", "/greeting.txt"]
```

## Fix safety

The fix rewrites the keyword in the majority case. Keywords are case-insensitive, so it
is safe.

## References

- BuildKit check `ConsistentInstructionCasing`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let Some(first_from) = df.instructions.iter().position(|i| i.is("FROM")) else {
        return;
    };
    let staged = df.instructions.get(first_from..).unwrap_or_default();
    let (mut lower, mut upper) = (0usize, 0usize);
    for i in staged {
        match casing(&i.keyword.text) {
            Casing::Lower => lower += 1,
            Casing::Upper => upper += 1,
            Casing::Mixed => {}
        }
    }
    let majority_lower = lower > upper;
    for i in staged {
        let kw = &i.keyword;
        let (wanted, label) = if majority_lower {
            (kw.text.to_lowercase(), "lowercase")
        } else {
            (kw.text.to_uppercase(), "uppercase")
        };
        if kw.text == wanted {
            continue;
        }
        ctx.report(
            &META,
            format!(
                "Command '{}' should match the case of the command majority ({label})",
                kw.text
            ),
            kw.range.start..kw.range.end,
        )
        .fix(Fix::safe(
            format!("Write `{wanted}`"),
            vec![Edit::replace(kw.range.start, kw.range.end, wanted.clone())],
        ));
    }
}
