//! UndefinedArgInFrom: FROM uses a variable that no global ARG declares.

use super::{defaults, froms, meta_args, suggest, PLATFORM_ARGS};
use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1005",
    name: "undefined-arg-in-from",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["UndefinedArgInFrom"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "FROM refers to a build argument that is not declared before the first FROM.",
    docs: r#"## What it does

Flags a variable used in `FROM` (the image or `--platform`) that is neither declared by
an `ARG` before the first `FROM` nor one of BuildKit's automatic platform arguments
(`TARGETPLATFORM`, `BUILDPLATFORM`, ...). A "did you mean" suggestion names a declared
argument with a similar name. This is BuildKit's `UndefinedArgInFrom` check.

## Why is this bad?

An undeclared variable expands to an empty string, so the base image is not what the
line says (often a typo: `$VERSON` for `$VERSION`).

## Example

```dockerfile bad
ARG VERSION=3.20
FROM alpine:${VERSON}
```

```dockerfile good
ARG VERSION=3.20
FROM alpine:${VERSION}
```

## References

- BuildKit check `UndefinedArgInFrom`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let args = meta_args(df);
    let env = defaults(&args);
    let declared: Vec<&str> = args
        .iter()
        .map(|a| a.key.as_str())
        .chain(PLATFORM_ARGS)
        .collect();
    let lexer = bosun_dockerfile::expand::Lexer::new(df.escape);
    for from in froms(df).collect::<Vec<_>>() {
        let mut unmatched: Vec<String> = Vec::new();
        let mut words: Vec<&str> = Vec::new();
        if let Some(img) = from.image {
            words.push(&img.text);
        }
        if let Some(p) = from.instr.flag("platform").and_then(|f| f.value.as_deref()) {
            words.push(p);
        }
        for w in words {
            if let Ok(exp) = lexer.process_word_with_matches(w, &env) {
                for u in exp.unmatched {
                    if !unmatched.contains(&u) {
                        unmatched.push(u);
                    }
                }
            }
        }
        for var in unmatched {
            if declared.contains(&var.as_str()) {
                continue;
            }
            let mut msg = format!("FROM argument '{var}' is not declared");
            if let Some(s) = suggest(&var, declared.iter().copied()) {
                msg.push_str(&format!(" (did you mean {s}?)"));
            }
            let r = from.instr.range;
            let line_end = df.line_range(from.instr.start_line).end.max(r.start);
            ctx.report(&META, msg, r.start..line_end);
        }
    }
}
