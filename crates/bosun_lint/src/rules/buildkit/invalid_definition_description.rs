//! InvalidDefinitionDescription (experimental): the comment above `FROM ... AS name` or
//! `ARG name` should start with the name.

use super::froms;
use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1012",
    name: "definition-description-format",
    aliases: &["InvalidDefinitionDescription"],
    severity: Severity::Style,
    fix: FixAvailability::None,
    summary: "A comment right above `FROM ... AS name` or `ARG name` should start with the name (experimental).",
    docs: r#"## What it does

Flags a comment block directly above a named `FROM` stage or an `ARG` whose last line
does not start with the stage or argument name, e.g. `# Build the app` above
`FROM golang AS build` instead of `# build compiles the app`. BuildKit uses such comments
as descriptions in `docker buildx build --call=outline` and `--call=targets`.

This is BuildKit's experimental `InvalidDefinitionDescription` check. Like BuildKit,
bosun runs it only when asked: with `# check=experimental=InvalidDefinitionDescription`
(or `experimental=all`) at the top of the Dockerfile, or by selecting it
(`--select InvalidDefinitionDescription`).

## Why is this bad?

The comment is not picked up as the description of the target or argument.

## Example

```dockerfile bad
# check=experimental=InvalidDefinitionDescription
# Compile the application
FROM golang:1.22 AS build
```

```dockerfile good
# check=experimental=InvalidDefinitionDescription
# build compiles the application
FROM golang:1.22 AS build
```

## References

- BuildKit check `InvalidDefinitionDescription`
"#,
};

/// On in the registry so that the check function runs, but it stays silent unless the
/// file's `# check=experimental=` or the run's `select` enables it (BuildKit's
/// experimental rules are opt-in).
pub static RULE: Rule = Rule::new(&META, check);

fn enabled(ctx: &Context<'_>) -> bool {
    super::experimental_enabled(ctx, &META)
}

/// (instruction, keys, range, comments above it)
type Target<'a> = (
    &'static str,
    Vec<String>,
    std::ops::Range<usize>,
    &'a Vec<String>,
);

fn check(ctx: &mut Context<'_>) {
    if !enabled(ctx) {
        return;
    }
    let df = ctx.dockerfile;
    let mut targets: Vec<Target<'_>> = Vec::new();
    for from in froms(df) {
        if let Some(name) = from.name {
            let r = from.instr.range;
            let end = df.line_range(from.instr.start_line).end.max(r.start);
            targets.push((
                "FROM",
                vec![name.text.to_lowercase()],
                r.start..end,
                &from.instr.prev_comments,
            ));
        }
    }
    for arg in df.instructions.iter().filter(|i| i.is("ARG")) {
        let keys: Vec<String> = arg
            .value
            .iter()
            .map(|v| v.split_once('=').map_or(v.as_str(), |(k, _)| k).to_string())
            .collect();
        let r = arg.range;
        let end = df.line_range(arg.start_line).end.max(r.start);
        targets.push(("ARG", keys, r.start..end, &arg.prev_comments));
    }
    for (instruction, keys, range, comments) in targets {
        let (Some(last), Some(first_key)) = (comments.last(), keys.first()) else {
            continue;
        };
        let first_word = last.split(' ').next().unwrap_or("");
        if keys.iter().any(|k| k == first_word) {
            continue;
        }
        let example = if keys.len() > 1 {
            "<arg_key>"
        } else {
            first_key.as_str()
        };
        ctx.report(
            &META,
            format!(
                "Comment for {instruction} should follow the format: \"# {example} <description>\""
            ),
            range,
        );
    }
}
