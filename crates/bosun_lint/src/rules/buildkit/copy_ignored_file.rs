//! CopyIgnoredFile: COPY/ADD of a path the `.dockerignore` excludes.

use crate::context::{Context, Dockerignore};
use crate::registry::Rule;
use bosun_diagnostics::{FixAvailability, RuleMeta, Severity};
use bosun_dockerfile::dockerignore::{clean, IgnoreFile};

pub static META: RuleMeta = RuleMeta {
    code: "BK1007",
    name: "copy-of-ignored-file",
    aliases: &["CopyIgnoredFile"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "COPY or ADD names a source that the `.dockerignore` excludes from the build context.",
    docs: r#"## What it does

Flags a `COPY` or `ADD` source from the build context that the `.dockerignore` excludes
(the path or one of its parent directories matches, and no later `!` pattern brings it
back). Sources from another stage or image (`--from`), heredocs, URLs and sources with
variables are not checked; neither is a source under a directory that a `!` pattern may
partly re-include. This is BuildKit's experimental `CopyIgnoredFile` check; it needs
the `.dockerignore` of the build context. Like BuildKit, bosun runs it only when asked:
with `# check=experimental=CopyIgnoredFile` (or `experimental=all`) at the top of the
Dockerfile, or by selecting it (`--select CopyIgnoredFile`); `# check=skip=` does not
turn an experimental check off.

## Why is this bad?

The excluded file is not sent to the builder, so the instruction fails (or copies less
than it says) although the file exists next to the Dockerfile.

## Example

```dockerfile bad
# check=experimental=CopyIgnoredFile
# .dockerignore: *.md, secrets
FROM alpine:3.20
COPY README.md /docs/
```

```dockerfile good
# check=experimental=CopyIgnoredFile
# .dockerignore: *.md, secrets
FROM alpine:3.20
COPY app.conf /etc/app/
```

## References

- BuildKit check `CopyIgnoredFile`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

/// The whole context is ignored (`*`, `**`, `**/*`): then `COPY .` copies nothing.
fn root_ignored(ignore: &IgnoreFile) -> bool {
    ignore
        .patterns()
        .iter()
        .any(|p| !p.exclusion && matches!(p.text.as_str(), "*" | "**" | "**/*"))
}

fn check(ctx: &mut Context<'_>) {
    if !super::experimental_enabled(ctx, &META) {
        return;
    }
    let Dockerignore::Present(text) = &ctx.build.dockerignore else {
        return;
    };
    let ignore = IgnoreFile::parse(text);
    if ignore.is_empty() {
        return;
    }
    let df = ctx.dockerfile;
    for instr in &df.instructions {
        let is_add = instr.is("ADD");
        if !(is_add || instr.is("COPY")) || instr.flag("from").is_some() {
            continue;
        }
        let n = instr.words.len();
        if n < 2 {
            continue;
        }
        for w in &instr.words[..n - 1] {
            let raw = if instr.json {
                w.text.clone()
            } else {
                if w.text.starts_with("<<") || w.text.contains('$') {
                    continue;
                }
                match bosun_dockerfile::expand::Lexer::new(df.escape)
                    .process_word(&w.text, &bosun_dockerfile::expand::NoEnv)
                {
                    Ok(v) => v,
                    Err(_) => continue,
                }
            };
            if is_add && (raw.contains("://") || raw.starts_with("git@")) {
                continue;
            }
            let src = clean(&raw);
            let is_root = src.is_empty();
            if is_root && !root_ignored(&ignore) {
                continue;
            }
            if ignore.may_reinclude_below(&src) {
                continue;
            }
            if is_root || ignore.is_excluded(&src) {
                let shown = if is_root { ".".to_string() } else { src };
                let verb = if is_add { "Add" } else { "Copy" };
                ctx.report(
                    &META,
                    format!(
                        "Attempting to {verb} file \"{shown}\" that is excluded by .dockerignore"
                    ),
                    w.range.start..w.range.end,
                );
            }
        }
    }
}
