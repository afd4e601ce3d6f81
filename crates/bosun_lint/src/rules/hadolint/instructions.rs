//! hadolint's checks of instructions (everything but the commands inside RUN).

use super::{report, unquote};
use crate::context::Context;
use crate::registry::Rule;
use crate::rules::buildkit::buildkit_aliases;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};
use bosun_diagnostics::{Edit, Fix};
use bosun_dockerfile::{Instruction, TextRange};
use std::collections::HashSet;

// ---------------------------------------------------------------------------------
pub static DL1001_META: RuleMeta = RuleMeta {
    code: "DL1001",
    name: "hadolint-ignore-pragma",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL1001"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "An inline `# hadolint ignore=` pragma silences a rule.",
    docs: r#"## What it does

Flags every inline `# hadolint ignore=...` (and `# hadolint global ignore=...`) comment.
It is off by default: turn it on (`--select DL1001`) in projects that want every
exception recorded in the configuration file instead of scattered through Dockerfiles.

## Why is this bad?

Inline ignores hide findings where reviewers rarely look, and they outlive the reason
they were added.

## Example

```dockerfile bad
FROM debian:12
# hadolint ignore=DL3008
RUN apt-get install -y --no-install-recommends curl
```

```dockerfile good
FROM debian:12
RUN apt-get install -y --no-install-recommends curl=7.88.1-10
```

## References

- hadolint `DL1001` (same code, off by default there too)
"#,
};

pub static DL1001: Rule = Rule::new(&DL1001_META, check_dl1001).off_by_default();

fn check_dl1001(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for c in &df.comments {
        let t = c.text.trim_start();
        let Some(rest) = t.strip_prefix("hadolint") else {
            continue;
        };
        let rest = rest.trim_start();
        let rest = rest.strip_prefix("global").map_or(rest, str::trim_start);
        let rest = rest.strip_prefix("stage").map_or(rest, str::trim_start);
        if rest.starts_with("ignore=") {
            report(
                ctx,
                &DL1001,
                "Please refrain from using inline ignore pragmas `# hadolint ignore=...`",
                c.range,
            );
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3000_META: RuleMeta = RuleMeta {
    code: "DL3000",
    name: "workdir-relative-path",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3000"),
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "WORKDIR should be an absolute path.",
    docs: r#"## What it does

Flags every `WORKDIR` whose path is relative, as hadolint does. BuildKit's
`WorkdirRelativePath` (bosun `BK1016`) flags only the first WORKDIR of a stage; where
both flag one, bosun reports this one (hadolint's code is the stable one).

## Why is this bad?

A relative `WORKDIR` is resolved against the previous working directory, which may
come from the base image and change under you. An absolute path says where files go.

## Example

```dockerfile bad
FROM debian:12
WORKDIR app
```

```dockerfile good
FROM debian:12
WORKDIR /app
```

Paths that start with a variable (`$HOME/app`) and Windows paths (`C:\app`) are
accepted.

## References

- hadolint `DL3000`
"#,
};

pub static DL3000: Rule = Rule::new(&DL3000_META, check_dl3000);

pub(crate) fn is_absolute(path: &str) -> bool {
    let p = path.trim_start_matches(['"', '\'']);
    let b = p.as_bytes();
    p.starts_with('/')
        || p.starts_with('$')
        || p.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

fn check_dl3000(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for outer in &df.instructions {
        let ins = outer.onbuild.as_deref().unwrap_or(outer);
        if !ins.is("WORKDIR") {
            continue;
        }
        let path = ins.args.text.trim();
        if path.is_empty() || is_absolute(path) {
            continue;
        }
        let range = ins.args.range();
        report(
            ctx,
            &DL3000,
            format!("Use an absolute WORKDIR instead of `{path}`"),
            range,
        );
    }
}

/// Instructions plus ONBUILD triggers.
fn all_instructions(df: &bosun_dockerfile::Dockerfile) -> impl Iterator<Item = &Instruction> {
    df.instructions
        .iter()
        .flat_map(|i| std::iter::once(i).chain(i.onbuild.as_deref()))
}

// ---------------------------------------------------------------------------------
pub static DL3011_META: RuleMeta = RuleMeta {
    code: "DL3011",
    name: "expose-port-out-of-range",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3011"),
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "EXPOSE a port between 0 and 65535.",
    docs: r#"## What it does

Flags `EXPOSE` ports (or port ranges) above 65535.

## Why is this bad?

TCP and UDP ports are 16-bit numbers; a larger port cannot be published and the
instruction is a mistake.

## Example

```dockerfile bad
FROM nginx:1.27
EXPOSE 80800
```

```dockerfile good
FROM nginx:1.27
EXPOSE 8080
```

Ports given by variables are not checked.

## References

- hadolint `DL3011`
"#,
};

pub static DL3011: Rule = Rule::new(&DL3011_META, check_dl3011);

fn check_dl3011(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in all_instructions(df).filter(|i| i.is("EXPOSE")) {
        for w in &ins.words {
            let t = unquote(&w.text);
            if t.contains('$') {
                continue;
            }
            let port = t.split('/').next().unwrap_or("");
            let too_big = port.split('-').any(|p| {
                !p.is_empty()
                    && p.bytes().all(|b| b.is_ascii_digit())
                    && p.parse::<u64>().map_or(true, |n| n > 65535)
            });
            if too_big {
                report(
                    ctx,
                    &DL3011,
                    format!("Port `{t}` is out of range: valid UNIX ports range from 0 to 65535"),
                    w.range,
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3012_META: RuleMeta = RuleMeta {
    code: "DL3012",
    name: "multiple-healthchecks",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3012"),
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A stage should have at most one HEALTHCHECK.",
    docs: r#"## What it does

Flags every `HEALTHCHECK` of a stage that a later one in the same stage overrides (as
BuildKit's `MultipleInstructionsDisallowed` does: the instruction without effect is
reported, hadolint reports the later one).

## Why is this bad?

Only the last `HEALTHCHECK` of a stage takes effect; the earlier ones are dead code
that readers may believe in.

## Example

```dockerfile bad
FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
HEALTHCHECK CMD wget -q -O /dev/null http://localhost/ || exit 1
```

```dockerfile good
FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
```

## References

- hadolint `DL3012`
"#,
};

pub static DL3012: Rule = Rule::new(&DL3012_META, check_dl3012);

fn check_dl3012(ctx: &mut Context<'_>) {
    repeated_in_stage(
        ctx,
        "HEALTHCHECK",
        &DL3012,
        "Multiple `HEALTHCHECK` instructions in one stage: only the last one takes effect",
    );
}

fn repeated_in_stage(
    ctx: &mut Context<'_>,
    cmd: &str,
    rule: &'static crate::registry::Rule,
    msg: &str,
) {
    // Like BuildKit's MultipleInstructionsDisallowed: every instance but the last one
    // of its stage is reported, since those are the ones that have no effect.
    let df = ctx.dockerfile;
    let mut earlier: Option<&Instruction> = None;
    for ins in &df.instructions {
        if ins.is("FROM") {
            earlier = None;
        } else if ins.is(cmd) {
            if let Some(prev) = earlier {
                report(ctx, rule, msg, prev.keyword.range);
            }
            earlier = Some(ins);
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3021_META: RuleMeta = RuleMeta {
    code: "DL3021",
    name: "copy-multiple-sources-dest-not-dir",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3021"),
    severity: Severity::Error,
    fix: FixAvailability::Always,
    summary: "With several sources, the COPY destination must end with `/`.",
    docs: r#"## What it does

Flags a `COPY` (or `ADD`) with more than one source whose destination does not end
with `/`.

## Why is this bad?

When several files are copied, the destination must be a directory; BuildKit fails the
build if it does not end with `/`.

## Example

```dockerfile bad
FROM debian:12
COPY a.txt b.txt /app
```

```dockerfile good
FROM debian:12
COPY a.txt b.txt /app/
```

## Fix safety

The fix appends `/` to the destination: the build fails without it, so it is safe.

## References

- hadolint `DL3021`
"#,
};

pub static DL3021: Rule = Rule::new(&DL3021_META, check_dl3021);

/// Sources and destination words of a COPY/ADD (heredoc words included as sources).
fn copy_paths(ins: &Instruction) -> Option<(&[bosun_dockerfile::Word], &bosun_dockerfile::Word)> {
    let (dest, sources) = ins.words.split_last()?;
    Some((sources, dest))
}

fn check_dl3021(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in all_instructions(df).filter(|i| i.is("COPY") || i.is("ADD")) {
        let Some((sources, dest)) = copy_paths(ins) else {
            continue;
        };
        if sources.len() < 2 {
            continue;
        }
        let d = unquote(&dest.text);
        if d.ends_with('/') || d.ends_with('\\') || d.contains('$') {
            continue;
        }
        let fix_at = if ins.json {
            dest.range.end.saturating_sub(1)
        } else if df.text(dest.range).ends_with(['"', '\'']) {
            dest.range.end - 1
        } else {
            dest.range.end
        };
        report(
            ctx,
            &DL3021,
            format!(
                "`{}` with more than 2 arguments requires the last argument to end with `/`",
                ins.cmd
            ),
            dest.range,
        )
        .fix(Fix::safe(
            "Add a trailing `/` to the destination",
            vec![Edit::insert(fix_at, "/")],
        ));
    }
}

// ---------------------------------------------------------------------------------
pub static DL3022_META: RuleMeta = RuleMeta {
    code: "DL3022",
    name: "copy-from-unknown-stage",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3022"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "`COPY --from` should name an earlier stage or an image.",
    docs: r#"## What it does

Flags `COPY --from=<name>` where `<name>` is neither an earlier stage (by name or
index) nor an image reference.

## Why is this bad?

A `--from` that names no stage is pulled as an image named like that: a typo in a stage
name silently turns into a registry pull (or a build failure).

## Example

```dockerfile bad
FROM golang:1.22 AS build
RUN go build -o /app .
FROM debian:12
COPY --from=buld /app /app
```

```dockerfile good
FROM golang:1.22 AS build
RUN go build -o /app .
FROM debian:12
COPY --from=build /app /app
```

## Differences from hadolint

- `--from` values with variables are resolved through the global `ARG` defaults
  (`COPY --from=${BUILDER}`), and are not reported when they cannot be resolved.
- Image references are recognised by a tag (`:`), a registry path (`/`) or a digest
  (`@`); hadolint accepts only `:`.
- Stage names are compared case-insensitively, as BuildKit does.

## References

- hadolint `DL3022`
"#,
};

pub static DL3022: Rule = Rule::new(&DL3022_META, check_dl3022);

fn check_dl3022(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    for (i, ins) in df.instructions.iter().enumerate() {
        if !(ins.is("COPY") || ins.is("ADD")) {
            continue;
        }
        let Some(flag) = ins.flag("from") else {
            continue;
        };
        let Some(raw) = flag.value.as_deref() else {
            continue;
        };
        let value = bosun_dockerfile::expand::expand(raw, f.global_scope())
            .unwrap_or_else(|_| raw.to_string());
        if value.is_empty() || value.contains('$') || raw.contains('$') && value == raw {
            continue;
        }
        if value.contains([':', '/', '@']) {
            continue;
        }
        let here = f.stage_index_of(i).unwrap_or(0);
        if f.find_stage(&value, here + 1).is_some() {
            continue;
        }
        // Only earlier stages count: a later stage of that name is still an error.
        report(
            ctx,
            &DL3022,
            format!("`COPY --from={value}` does not reference a previously defined `FROM` alias"),
            flag.range,
        );
    }
}

// ---------------------------------------------------------------------------------
pub static DL3023_META: RuleMeta = RuleMeta {
    code: "DL3023",
    name: "copy-from-own-stage",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3023"),
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "`COPY --from` cannot copy from the stage it is in.",
    docs: r#"## What it does

Flags `COPY --from=<name>` inside the stage called `<name>`.

## Why is this bad?

A stage cannot copy from itself: BuildKit rejects the cycle.

## Example

```dockerfile bad
FROM debian:12 AS app
COPY --from=app /etc/hosts /tmp/hosts
```

```dockerfile good
FROM debian:12 AS base
FROM debian:12 AS app
COPY --from=base /etc/hosts /tmp/hosts
```

## References

- hadolint `DL3023`
"#,
};

pub static DL3023: Rule = Rule::new(&DL3023_META, check_dl3023);

fn check_dl3023(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    for (i, ins) in df.instructions.iter().enumerate() {
        if !(ins.is("COPY") || ins.is("ADD")) {
            continue;
        }
        let (Some(flag), Some(stage)) = (ins.flag("from"), f.stage_index_of(i)) else {
            continue;
        };
        let Some(v) = flag.value.as_deref() else {
            continue;
        };
        let own = f
            .stages()
            .get(stage)
            .and_then(|s| s.name_as_written.as_deref());
        let by_index = v.parse::<usize>().ok() == Some(stage);
        if by_index || own.is_some_and(|n| n.eq_ignore_ascii_case(v)) {
            report(
                ctx,
                &DL3023,
                format!("`COPY --from={v}` cannot reference its own `FROM` alias"),
                flag.range,
            );
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3024_META: RuleMeta = RuleMeta {
    code: "DL3024",
    name: "duplicate-stage-name",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3024"),
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "Stage names must be unique.",
    docs: r#"## What it does

Flags a `FROM ... AS <name>` whose name an earlier stage already has (compared
case-insensitively, as BuildKit does).

## Why is this bad?

BuildKit rejects duplicate stage names; before that, references to the name become
ambiguous.

## Example

```dockerfile bad
FROM debian:12 AS build
FROM debian:12 AS build
```

```dockerfile good
FROM debian:12 AS build
FROM debian:12 AS test
```

## References

- hadolint `DL3024`
"#,
};

pub static DL3024: Rule = Rule::new(&DL3024_META, check_dl3024);

fn check_dl3024(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let mut seen: HashSet<String> = HashSet::new();
    for ins in df.instructions.iter().filter(|i| i.is("FROM")) {
        let Some(name) = ins.words.get(2).filter(|_| {
            ins.words
                .get(1)
                .is_some_and(|w| w.text.eq_ignore_ascii_case("as"))
        }) else {
            continue;
        };
        if !seen.insert(name.text.to_ascii_lowercase()) {
            report(
                ctx,
                &DL3024,
                format!(
                    "Stage name `{}` is already used: `FROM` aliases must be unique",
                    name.text
                ),
                name.range,
            );
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3025_META: RuleMeta = RuleMeta {
    code: "DL3025",
    name: "cmd-entrypoint-shell-form",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3025"),
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    summary: "Use the JSON (exec) form for CMD and ENTRYPOINT.",
    docs: r#"## What it does

Flags `CMD` and `ENTRYPOINT` written in shell form.

## Why is this bad?

The shell form runs the program as a child of `/bin/sh -c`: the shell is PID 1, so
`SIGTERM` from `docker stop` never reaches the program, which is killed after the
timeout. An `ENTRYPOINT` in shell form also ignores `CMD` and `docker run` arguments.

## Example

```dockerfile bad
FROM node:20
CMD node server.js
```

```dockerfile good
FROM node:20
CMD ["node", "server.js"]
```

## Differences from hadolint

- `HEALTHCHECK CMD` in shell form is not reported (hadolint does): a health check is
  not PID 1 and gets no signals, so the shell form is harmless there.
- After a `SHELL` instruction the shell form is reported, as hadolint does. BuildKit's
  `JSONArgsRecommended` (bosun `BK1017`) takes the SHELL as a deliberate choice and does
  not; where both report a line, bosun shows this one (hadolint's code is the stable one).

## Fix safety

When the command is plain words (no variables, quotes, globs, redirections or
operators), the fix rewrites it as a JSON array. It is unsafe: the program no longer
runs under a shell (no `$VAR` expansion from the shell, different PID 1).

## References

- hadolint `DL3025`
- Docker docs: "Shell and exec form"
"#,
};

pub static DL3025: Rule = Rule::new(&DL3025_META, check_dl3025);

fn check_dl3025(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for outer in &df.instructions {
        let ins = outer.onbuild.as_deref().unwrap_or(outer);
        if !(ins.is("CMD") || ins.is("ENTRYPOINT")) || ins.json {
            continue;
        }
        let text = ins.args.text.trim();
        if text.is_empty() {
            continue;
        }
        let range = ins.args.range();
        let r = report(
            ctx,
            &DL3025,
            format!("Use arguments JSON notation for `{}`", ins.cmd),
            range,
        );
        if let Some(fix) = json_form_fix(text, range) {
            r.fix(fix);
        }
    }
}

/// The (unsafe) fix that rewrites a shell-form command at `range` in JSON form, when
/// it is plain words (shared with BuildKit's `JSONArgsRecommended`).
pub(crate) fn json_form_fix(text: &str, range: TextRange) -> Option<Fix> {
    json_form(text).map(|json| {
        Fix::unsafe_(
            "Rewrite in JSON (exec) form",
            vec![Edit::replace(range.start, range.end, json)],
        )
    })
}

/// `["a", "b"]` for a command of plain words; `None` when shell syntax is involved.
pub(crate) fn json_form(text: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c);
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || !words.iter().all(|w| w.chars().all(plain)) || text.contains('\n') {
        return None;
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    Some(format!("[{}]", quoted.join(", ")))
}

// ---------------------------------------------------------------------------------
pub static DL3029_META: RuleMeta = RuleMeta {
    code: "DL3029",
    name: "from-platform-flag",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3029"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Do not pin the platform with `FROM --platform`.",
    docs: r#"## What it does

Flags `FROM --platform=...` with a fixed platform or a variable other than the
BuildKit-provided `$BUILDPLATFORM`.

## Why is this bad?

A hard-wired platform makes the image build for that platform whatever the builder is
asked for, which breaks multi-platform builds or runs the image under emulation.

## Example

```dockerfile bad
FROM --platform=linux/amd64 debian:12
```

```dockerfile good
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
```

## Differences from hadolint

hadolint flags every `--platform`. `--platform=$BUILDPLATFORM` is the documented way to
run build tools natively in a cross-compiling stage, so it is not reported;
`--platform=$TARGETPLATFORM` is left to `DL3065`.

## References

- hadolint `DL3029`
"#,
};

pub static DL3029: Rule = Rule::new(&DL3029_META, check_dl3029);

/// The variable a `--platform` value is made of: `$NAME`, `${NAME}`, or `${NAME:-default}`
/// (and the other `${NAME<modifier>...}` forms), whose value is NAME's when NAME is set.
fn platform_var(v: &str) -> Option<&str> {
    let v = v.trim();
    let name = v
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .map(|r| r.split([':', '-', '+']).next().unwrap_or(r))
        .or_else(|| v.strip_prefix('$'))?;
    Some(name)
}

fn check_dl3029(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in df.instructions.iter().filter(|i| i.is("FROM")) {
        let Some(flag) = ins.flag("platform") else {
            continue;
        };
        let v = flag.value.as_deref().unwrap_or("");
        if matches!(platform_var(v), Some("BUILDPLATFORM" | "TARGETPLATFORM")) {
            continue;
        }
        report(
            ctx,
            &DL3029,
            format!("Do not use `--platform={v}` with `FROM`"),
            flag.range,
        );
    }
}

// ---------------------------------------------------------------------------------
pub static DL3043_META: RuleMeta = RuleMeta {
    code: "DL3043",
    name: "onbuild-forbidden-trigger",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3043"),
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "ONBUILD cannot trigger FROM, MAINTAINER or ONBUILD.",
    docs: r#"## What it does

Flags `ONBUILD FROM`, `ONBUILD MAINTAINER` and `ONBUILD ONBUILD`.

## Why is this bad?

These triggers are not allowed: the downstream build fails when it runs them.

## Example

```dockerfile bad
FROM debian:12
ONBUILD FROM alpine:3.20
```

```dockerfile good
FROM debian:12
ONBUILD RUN echo "building on top"
```

## References

- hadolint `DL3043`
"#,
};

pub static DL3043: Rule = Rule::new(&DL3043_META, check_dl3043);

fn check_dl3043(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in df.instructions.iter().filter(|i| i.is("ONBUILD")) {
        if let Some(t) = ins.onbuild.as_deref() {
            if t.is("FROM") || t.is("MAINTAINER") || t.is("ONBUILD") {
                report(
                    ctx,
                    &DL3043,
                    format!("`{}` cannot be triggered from within `ONBUILD`", t.cmd),
                    t.keyword.range,
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3044_META: RuleMeta = RuleMeta {
    code: "DL3044",
    name: "env-self-reference",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3044"),
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "Do not use a variable in the same ENV that defines it.",
    docs: r#"## What it does

Flags `ENV A=1 B=$A`: a value that refers to a variable defined earlier in the same
`ENV` instruction (and not before it).

## Why is this bad?

All values of one `ENV` are expanded before any of them is set, so `$A` is the old
value of `A` (usually empty), not `1`.

## Example

```dockerfile bad
FROM debian:12
ENV APP_HOME=/app APP_BIN=$APP_HOME/bin
```

```dockerfile good
FROM debian:12
ENV APP_HOME=/app
ENV APP_BIN=$APP_HOME/bin
```

## Differences from hadolint

Only references *after* the definition are reported: `ENV B=$A A=1` reads the earlier
`A` as anyone would expect, and hadolint's report of it is a false alarm.

## References

- hadolint `DL3044`
"#,
};

pub static DL3044: Rule = Rule::new(&DL3044_META, check_dl3044);

/// `$name` or `${name...}` occurs in `text`.
fn refers_to(text: &str, name: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(p) = text[i..].find('$') {
        let at = i + p + 1;
        let rest = &text[at..];
        if let Some(inner) = rest.strip_prefix('{') {
            if inner.starts_with(name) {
                let after = inner.as_bytes().get(name.len());
                if matches!(
                    after,
                    Some(b'}' | b':' | b'-' | b'+' | b'?' | b'#' | b'%' | b'/')
                ) {
                    return true;
                }
            }
        } else if rest.starts_with(name) {
            let after = b.get(at + name.len());
            if !after.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                return true;
            }
        }
        i = at;
    }
    false
}

fn check_dl3044(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let mut known: HashSet<String> = HashSet::new();
    for ins in &df.instructions {
        if ins.is("FROM") {
            continue;
        }
        if ins.is("ARG") {
            for w in &ins.words {
                known.insert(w.text.split('=').next().unwrap_or("").to_string());
            }
            continue;
        }
        if !ins.is("ENV") {
            continue;
        }
        let kvs = ins.key_values();
        for (i, kv) in kvs.iter().enumerate() {
            let name = kv.key.text.as_str();
            if known.contains(name) {
                continue;
            }
            if let Some(later) = kvs
                .iter()
                .skip(i + 1)
                .find(|o| refers_to(&o.value.text, name))
            {
                report(
                    ctx,
                    &DL3044,
                    format!("`{name}` is defined in this same `ENV`: `$` references to it here see its previous value"),
                    later.value.range,
                );
            }
        }
        for kv in kvs {
            known.insert(kv.key.text.clone());
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3045_META: RuleMeta = RuleMeta {
    code: "DL3045",
    name: "copy-relative-dest-without-workdir",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3045"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "COPY to a relative destination needs a WORKDIR.",
    docs: r#"## What it does

Flags `COPY` (and `ADD`) to a relative destination in a stage where no `WORKDIR` was set
(in it or in the stages it is built from).

## Why is this bad?

The relative path is resolved against the base image's working directory, which you do
not control and which may change.

## Example

```dockerfile bad
FROM node:20
COPY package.json .
```

```dockerfile good
FROM node:20
WORKDIR /app
COPY package.json .
```

## References

- hadolint `DL3045`
"#,
};

pub static DL3045: Rule = Rule::new(&DL3045_META, check_dl3045);

fn check_dl3045(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let mut workdir_set: Vec<bool> = vec![false; f.stages().len()];
    for (i, ins) in df.instructions.iter().enumerate() {
        let stage = f.stage_index_of(i);
        if ins.is("FROM") {
            if let Some(s) = stage {
                let inherited = f
                    .stages()
                    .get(s)
                    .and_then(|st| st.parent())
                    .and_then(|p| workdir_set.get(p).copied())
                    .unwrap_or(false);
                if let Some(slot) = workdir_set.get_mut(s) {
                    *slot = inherited;
                }
            }
            continue;
        }
        if ins.is("WORKDIR") {
            if let Some(slot) = stage.and_then(|s| workdir_set.get_mut(s)) {
                *slot = true;
            }
            continue;
        }
        if !ins.is("COPY") && !ins.is("ADD") {
            continue;
        }
        if stage
            .and_then(|s| workdir_set.get(s).copied())
            .unwrap_or(false)
        {
            continue;
        }
        let Some((_, dest)) = copy_paths(ins) else {
            continue;
        };
        if is_absolute(&dest.text) {
            continue;
        }
        report(
            ctx,
            &DL3045,
            format!(
                "`{}` to the relative destination `{}` without `WORKDIR` set",
                ins.cmd,
                unquote(&dest.text)
            ),
            dest.range,
        );
    }
}

// ---------------------------------------------------------------------------------
pub static DL3048_META: RuleMeta = RuleMeta {
    code: "DL3048",
    name: "invalid-label-key",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3048"),
    severity: Severity::Style,
    fix: FixAvailability::None,
    summary: "Label keys should follow Docker's label key format.",
    docs: r#"## What it does

Flags label keys that do not follow Docker's recommended format: lower-case letters,
digits, `.`, `-`, `_` and `/`, starting with a letter, ending with a letter or digit, without
`..` or `--`, and not in the reserved `com.docker.`, `io.docker.` and
`org.dockerproject.` namespaces.

## Why is this bad?

Tools that read labels expect reverse-DNS keys; other keys collide or get rejected.

## Example

```dockerfile bad
FROM debian:12
LABEL Maintainer_Name="someone"
```

```dockerfile good
FROM debian:12
LABEL org.opencontainers.image.authors="someone"
```

Keys built from variables are not checked.

## References

- hadolint `DL3048`
"#,
};

pub static DL3048: Rule = Rule::new(&DL3048_META, check_dl3048);

fn label_key_ok(k: &str) -> bool {
    let first_ok = k.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let last_ok = k
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let chars_ok = k.chars().all(|c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '/')
    });
    let reserved = ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .any(|p| k.starts_with(p));
    first_ok && last_ok && chars_ok && !reserved && !k.contains("..") && !k.contains("--")
}

fn check_dl3048(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in all_instructions(df).filter(|i| i.is("LABEL")) {
        for kv in ins.key_values() {
            let k = unquote(&kv.key.text);
            if k.contains('$') || label_key_ok(k) {
                continue;
            }
            report(
                ctx,
                &DL3048,
                format!("Invalid label key `{k}`"),
                kv.key.range,
            );
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3057_META: RuleMeta = RuleMeta {
    code: "DL3057",
    name: "healthcheck-missing",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3057"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "The image has no HEALTHCHECK.",
    docs: r#"## What it does

Flags a Dockerfile whose final stage has no `HEALTHCHECK` (inherited ones cannot be
seen). Off by default: many images are health-checked by their orchestrator instead.

## Why is this bad?

Without a health check, a container that hangs is reported as running.

## Example

```dockerfile bad
FROM nginx:1.27
```

```dockerfile good
FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
```

## References

- hadolint `DL3057` (off by default there too)
"#,
};

pub static DL3057: Rule = Rule::new(&DL3057_META, check_dl3057).off_by_default();

fn check_dl3057(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let Some(last) = f.stages().last() else {
        return;
    };
    let mut chain = vec![last];
    let mut cur = last;
    while let Some(p) = cur.parent().and_then(|p| f.stages().get(p)) {
        chain.push(p);
        cur = p;
    }
    let has = chain.iter().any(|s| {
        df.instructions
            .get(s.from..s.end)
            .is_some_and(|ins| ins.iter().any(|i| i.is("HEALTHCHECK")))
    });
    if !has {
        if let Some(from) = df.instructions.get(last.from) {
            report(
                ctx,
                &DL3057,
                "`HEALTHCHECK` instruction missing",
                from.keyword.range,
            );
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3061_META: RuleMeta = RuleMeta {
    code: "DL3061",
    name: "instruction-before-from",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3061"),
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A Dockerfile must start with FROM (ARG and comments may come first).",
    docs: r#"## What it does

Flags instructions other than `ARG` before the first `FROM`.

## Why is this bad?

BuildKit rejects the file: only `ARG` may come before the first `FROM`.

## Example

```dockerfile bad
LABEL org.opencontainers.image.title="app"
FROM debian:12
```

```dockerfile good
ARG DEBIAN_VERSION=12
FROM debian:${DEBIAN_VERSION}
```

## References

- hadolint `DL3061`
"#,
};

pub static DL3061: Rule = Rule::new(&DL3061_META, check_dl3061);

fn check_dl3061(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in &df.instructions {
        if ins.is("FROM") {
            break;
        }
        if ins.is("ARG") {
            continue;
        }
        report(ctx, &DL3061, format!("`{}` before the first `FROM`: a Dockerfile must begin with `FROM`, `ARG` or a comment", ins.cmd), ins.keyword.range);
    }
}

// ---------------------------------------------------------------------------------
pub static DL3063_META: RuleMeta = RuleMeta {
    code: "DL3063",
    name: "reserved-stage-name",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3063"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Do not call a stage `scratch` or `context`.",
    docs: r#"## What it does

Flags stages named `scratch` or `context`.

## Why is this bad?

`scratch` is the empty image and `context` names the build context in
`--build-context`/`COPY --from`; a stage with such a name is confusing at best.

## Example

```dockerfile bad
FROM debian:12 AS scratch
```

```dockerfile good
FROM debian:12 AS base
```

## References

- hadolint `DL3063`
"#,
};

pub static DL3063: Rule = Rule::new(&DL3063_META, check_dl3063);

fn check_dl3063(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in df.instructions.iter().filter(|i| i.is("FROM")) {
        if !ins
            .words
            .get(1)
            .is_some_and(|w| w.text.eq_ignore_ascii_case("as"))
        {
            continue;
        }
        if let Some(name) = ins.words.get(2) {
            if ["scratch", "context"].contains(&name.text.to_ascii_lowercase().as_str()) {
                report(
                    ctx,
                    &DL3063,
                    format!("Stage name `{}` is a reserved word", name.text),
                    name.range,
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3064_META: RuleMeta = RuleMeta {
    code: "DL3064",
    name: "sensitive-arg-or-env-name",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3064"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "ARG and ENV should not carry secrets.",
    docs: r#"## What it does

Flags `ARG` and `ENV` whose name looks like it holds a secret: well-known names
(`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `NPM_TOKEN`, ...) and names containing
`password`, `secret`, `token`, `api_key`, `client_key`, `private` or `username`.

## Why is this bad?

Build arguments and environment variables are stored in the image config and history,
readable by anyone who can pull the image. Use `RUN --mount=type=secret` instead.

## Example

```dockerfile bad
FROM node:20
ARG NPM_TOKEN
```

```dockerfile good
FROM node:20
RUN --mount=type=secret,id=npm_token npm ci
```

## References

- hadolint `DL3064`
"#,
};

pub static DL3064: Rule = Rule::new(&DL3064_META, check_dl3064);

const KNOWN_SENSITIVE: &[&str] = &[
    "ACCESS_TOKEN",
    "APPLICATION_KEY",
    "APP_SECRET",
    "AUTH_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "CF_PASSWORD",
    "CF_USERNAME",
    "CIRCLE_TOKEN",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPLOY_USER",
    "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL",
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_ID",
    "FACEBOOK_APP_SECRET",
    "FIREBASE_API_TOKEN",
    "FIREBASE_TOKEN",
    "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN",
    "GH_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_TOKEN",
    "HEROKU_API_KEY",
    "HEROKU_API_USER",
    "NPM_AUTH_TOKEN",
    "NPM_TOKEN",
    "OKTA_CLIENT_TOKEN",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY",
    "OS_PASSWORD",
    "OS_USERNAME",
    "POSTGRES_PASSWORD",
    "SLACK_TOKEN",
    "STRIPE_API_KEY",
    "VAULT_CLIENT_KEY",
    "VAULT_TOKEN",
];
const SENSITIVE_PARTS: &[&str] = &[
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
    "username",
];

pub(crate) fn is_sensitive_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let lower = name.to_ascii_lowercase();
    KNOWN_SENSITIVE.contains(&upper.as_str()) || SENSITIVE_PARTS.iter().any(|p| lower.contains(p))
}

fn check_dl3064(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in all_instructions(df) {
        // The span is the key (as BK1015's ends with it: see `runner::SAME_PROBLEM`).
        let names: Vec<(String, TextRange)> = if ins.is("ARG") {
            ins.words
                .iter()
                .map(|w| {
                    let key = w.text.split('=').next().unwrap_or("");
                    let range = TextRange {
                        start: w.range.start,
                        end: w.range.start + key.len(),
                    };
                    (key.to_string(), range)
                })
                .collect()
        } else if ins.is("ENV") {
            ins.key_values()
                .iter()
                .map(|kv| (kv.key.text.clone(), kv.key.range))
                .collect()
        } else {
            continue;
        };
        for (name, range) in names {
            if is_sensitive_name(&name) {
                report(
                    ctx,
                    &DL3064,
                    format!(
                        "`{name}` looks like sensitive data: do not pass it with `{}`",
                        ins.cmd
                    ),
                    range,
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL3065_META: RuleMeta = RuleMeta {
    code: "DL3065",
    name: "from-platform-targetplatform",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3065"),
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    summary: "`FROM --platform=$TARGETPLATFORM` is the default.",
    docs: r#"## What it does

Flags `FROM --platform=$TARGETPLATFORM`.

## Why is this bad?

Building for the target platform is what `FROM` does anyway; the flag only adds noise.

## Example

```dockerfile bad
FROM --platform=$TARGETPLATFORM debian:12
```

```dockerfile good
FROM debian:12
```

## Fix safety

The fix removes the flag; the platform stays the same, so it is safe.

## References

- hadolint `DL3065`
"#,
};

pub static DL3065: Rule = Rule::new(&DL3065_META, check_dl3065);

fn check_dl3065(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let src = ctx.source;
    for ins in df.instructions.iter().filter(|i| i.is("FROM")) {
        let Some(flag) = ins.flag("platform") else {
            continue;
        };
        if !matches!(
            flag.value.as_deref().map(str::trim),
            Some("$TARGETPLATFORM" | "${TARGETPLATFORM}")
        ) {
            continue;
        }
        // Remove the flag and the blanks after it.
        let mut end = flag.range.end;
        while src
            .as_bytes()
            .get(end)
            .is_some_and(|b| *b == b' ' || *b == b'\t')
        {
            end += 1;
        }
        report(
            ctx,
            &DL3065,
            "Setting `FROM --platform` to `$TARGETPLATFORM` is redundant: it is the default",
            flag.range,
        )
        .fix(Fix::safe(
            "Remove `--platform=$TARGETPLATFORM`",
            vec![Edit::delete(flag.range.start, end)],
        ));
    }
}

// ---------------------------------------------------------------------------------
pub static DL3066_META: RuleMeta = RuleMeta {
    code: "DL3066",
    name: "user-non-numeric",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3066"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "The final USER should be a numeric UID.",
    docs: r#"## What it does

Flags the last `USER` of the final stage when it names the user instead of giving a
numeric UID (and GID).

## Why is this bad?

Orchestrators (Kubernetes `runAsNonRoot`, OpenShift) check the numeric UID from the
image config; a name cannot be verified without the image's `/etc/passwd`.

## Example

```dockerfile bad
FROM debian:12
RUN useradd --uid 10001 app
USER app
```

```dockerfile good
FROM debian:12
RUN useradd --uid 10001 app
USER 10001:10001
```

## Differences from hadolint

Only the last `USER` of the final stage is checked (the one in the image config), as
upstream hadolint decided to do too; users of build stages never reach the image.
Users given by a variable are not reported.

## References

- hadolint `DL3066`
"#,
};

pub static DL3066: Rule = Rule::new(&DL3066_META, check_dl3066);

fn check_dl3066(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    // The final stage; without FROM (a snippet), the whole file.
    let range = f
        .stages()
        .last()
        .map_or(0..df.instructions.len(), |last| last.from..last.end);
    let Some(user) = df
        .instructions
        .get(range)
        .and_then(|s| s.iter().rev().find(|i| i.is("USER")))
    else {
        return;
    };
    let text = user.args.text.trim();
    let uid = text.split(':').next().unwrap_or("");
    if uid.is_empty() || uid.contains('$') || uid.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    report(
        ctx,
        &DL3066,
        format!("Non-numeric user `{uid}` may not be resolvable by the host system: use a UID"),
        user.args.range(),
    );
}

// ---------------------------------------------------------------------------------
pub static DL3067_META: RuleMeta = RuleMeta {
    code: "DL3067",
    name: "copy-from-whole-filesystem",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3067"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Do not copy a whole filesystem from another stage.",
    docs: r#"## What it does

Flags `COPY --from=<stage> / /`.

## Why is this bad?

It copies everything, package databases and caches included, defeating the point of a
multi-stage build and hiding what the final image contains.

## Example

```dockerfile bad
FROM debian:12 AS build
FROM scratch
COPY --from=build / /
```

```dockerfile good
FROM debian:12 AS build
FROM scratch
COPY --from=build /usr/local/bin/app /usr/local/bin/app
```

## References

- hadolint `DL3067`
"#,
};

pub static DL3067: Rule = Rule::new(&DL3067_META, check_dl3067);

fn check_dl3067(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in df.instructions.iter().filter(|i| i.is("COPY")) {
        if ins.flag("from").is_none() {
            continue;
        }
        let Some((sources, dest)) = copy_paths(ins) else {
            continue;
        };
        if unquote(&dest.text) == "/" && sources.iter().any(|s| unquote(&s.text) == "/") {
            report(
                ctx,
                &DL3067,
                "Do not copy an entire filesystem from another stage",
                ins.args.range(),
            );
        }
    }
}

// ---------------------------------------------------------------------------------
pub static DL4003_META: RuleMeta = RuleMeta {
    code: "DL4003",
    name: "multiple-cmd",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL4003"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A stage should have at most one CMD.",
    docs: r#"## What it does

Flags a second `CMD` in the same stage.

## Why is this bad?

Only the last `CMD` takes effect; the others mislead readers.

## Example

```dockerfile bad
FROM node:20
CMD ["node", "a.js"]
CMD ["node", "b.js"]
```

```dockerfile good
FROM node:20
CMD ["node", "b.js"]
```

## References

- hadolint `DL4003`
"#,
};

pub static DL4003: Rule = Rule::new(&DL4003_META, check_dl4003);

fn check_dl4003(ctx: &mut Context<'_>) {
    repeated_in_stage(
        ctx,
        "CMD",
        &DL4003,
        "Multiple `CMD` instructions in one stage: only the last one takes effect",
    );
}

pub static DL4004_META: RuleMeta = RuleMeta {
    code: "DL4004",
    name: "multiple-entrypoint",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL4004"),
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A stage should have at most one ENTRYPOINT.",
    docs: r#"## What it does

Flags every `ENTRYPOINT` of a stage that a later one in the same stage overrides (as
BuildKit's `MultipleInstructionsDisallowed` does: the instruction without effect is
reported, hadolint reports the later one).

## Why is this bad?

Only the last `ENTRYPOINT` takes effect; the others mislead readers.

## Example

```dockerfile bad
FROM node:20
ENTRYPOINT ["node"]
ENTRYPOINT ["npm"]
```

```dockerfile good
FROM node:20
ENTRYPOINT ["npm"]
```

## References

- hadolint `DL4004`
"#,
};

pub static DL4004: Rule = Rule::new(&DL4004_META, check_dl4004);

fn check_dl4004(ctx: &mut Context<'_>) {
    repeated_in_stage(
        ctx,
        "ENTRYPOINT",
        &DL4004,
        "Multiple `ENTRYPOINT` instructions in one stage: only the last one takes effect",
    );
}

// ---------------------------------------------------------------------------------
pub static DL4007_META: RuleMeta = RuleMeta {
    code: "DL4007",
    name: "copy-whole-context",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL4007"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Do not `COPY .`: copy only the files the image needs.",
    docs: r#"## What it does

Flags a `COPY` whose source is the whole build context: `.` or `./` (quoted or not).
`COPY --from=<stage> . .` copies from another stage, not from the context, and is
not flagged.

## Why is this bad?

The whole context includes whatever lies around the Dockerfile: `.git`, `.env` files,
local configuration, credentials. A `.dockerignore` helps only as long as it is kept
complete; naming what the image needs makes the image's content explicit, and a later
`RUN rm` cannot take a file back out of the layer `COPY` wrote it to.

## Example

```dockerfile bad
FROM node:20
WORKDIR /app
COPY . .
```

```dockerfile good
FROM node:20
WORKDIR /app
COPY package.json package-lock.json ./
COPY src/ ./src/
```

## References

- hadolint `DL4007` (proposed upstream in hadolint pull request #1200, for issue #1199; in no hadolint release: opt-in, run it with `--select DL4007` or `select` in `bosun.toml`)
"#,
};

pub static DL4007: Rule = Rule::new(&DL4007_META, check_dl4007).off_by_default();

fn check_dl4007(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let mut found = Vec::new();
    for ins in all_instructions(df).filter(|i| i.is("COPY")) {
        if ins.flag("from").is_some() {
            continue;
        }
        let Some((sources, _)) = copy_paths(ins) else {
            continue;
        };
        if let Some(src) = sources
            .iter()
            .find(|s| matches!(unquote(&s.text), "." | "./"))
        {
            found.push(src.range);
        }
    }
    for range in found {
        report(
            ctx,
            &DL4007,
            "`COPY .` copies the whole build context (`.git`, `.env`, local files): copy only what the image needs",
            range,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{apply_fixes, lines};
    use super::*;

    #[test]
    fn dl4007_whole_context_but_not_other_stages() {
        let src = "FROM node:20 AS build\nCOPY [\"./\", \"/app/\"]\nFROM scratch\nCOPY --from=build . .\nCOPY ./src /src\nONBUILD COPY . /app\nCOPY a . /x/\n";
        assert_eq!(lines(&DL4007, src), vec![2, 6, 7]);
    }

    #[test]
    fn workdir() {
        assert_eq!(
            lines(
                &DL3000,
                "FROM a\nWORKDIR app\nWORKDIR /x\nWORKDIR $HOME/y\nWORKDIR C:\\\\app\n"
            ),
            vec![2]
        );
        // Every relative WORKDIR, as hadolint (BuildKit's first-only rule is BK1016).
        let src =
            "FROM a AS x\nWORKDIR /app\nFROM x\nWORKDIR sub\nFROM b\nWORKDIR rel\nWORKDIR more\n";
        assert_eq!(lines(&DL3000, src), vec![4, 6, 7]);
        assert_eq!(
            lines(&crate::rules::buildkit::workdir_relative_path::RULE, src),
            vec![6]
        );
    }

    #[test]
    fn json_args_under_a_custom_shell_are_hadolints_and_not_buildkits() {
        let src = "FROM a AS x\nSHELL [\"pwsh\", \"-c\"]\nCMD Get-Date\nFROM x\nCMD Get-Date\nFROM b\nCMD date\n";
        assert_eq!(lines(&DL3025, src), vec![3, 5, 7]);
        assert_eq!(
            lines(&crate::rules::buildkit::json_args_recommended::RULE, src),
            vec![7]
        );
    }

    #[test]
    fn ports() {
        assert_eq!(
            lines(
                &DL3011,
                "FROM a\nEXPOSE 80 70000/tcp\nEXPOSE 1-65536 ${P}\n"
            ),
            vec![2, 3]
        );
    }

    #[test]
    fn repeated_per_stage() {
        // The overridden instruction is reported (BuildKit's line), per stage.
        let src = "FROM a\nCMD a\nCMD b\nCMD c\nFROM b\nCMD d\n";
        assert_eq!(lines(&DL4003, src), vec![2, 3]);
        assert_eq!(
            lines(&DL3012, "FROM a\nHEALTHCHECK CMD a\nHEALTHCHECK NONE\n"),
            vec![2]
        );
    }

    #[test]
    fn copy_dest_slash_and_fix() {
        let src = "FROM a\nCOPY a b /x\nCOPY a /x\nCOPY [\"a\", \"b\", \"/y\"]\n";
        assert_eq!(lines(&DL3021, src), vec![2, 4]);
        assert_eq!(
            apply_fixes(&DL3021, src),
            "FROM a\nCOPY a b /x/\nCOPY a /x\nCOPY [\"a\", \"b\", \"/y/\"]\n"
        );
    }

    #[test]
    fn copy_from_stage_resolution() {
        let src = "ARG B=build\nFROM a AS build\nFROM b\nCOPY --from=${B} /x /x\nCOPY --from=nope /x /x\nCOPY --from=nginx:1 /x /x\nCOPY --from=0 /x /x\nCOPY --from=Build /x /x\n";
        assert_eq!(lines(&DL3022, src), vec![5]);
        assert_eq!(lines(&DL3023, "FROM a AS x\nCOPY --from=x / /y\n"), vec![2]);
    }

    #[test]
    fn stage_names() {
        assert_eq!(lines(&DL3024, "FROM a AS x\nFROM b AS X\n"), vec![2]);
        assert_eq!(lines(&DL3063, "FROM a AS scratch\nFROM b AS y\n"), vec![1]);
    }

    #[test]
    fn cmd_json_form_and_fix() {
        let src = "FROM a\nCMD node server.js\nENTRYPOINT [\"x\"]\nHEALTHCHECK CMD curl -f x\nCMD echo $HOME\n";
        assert_eq!(lines(&DL3025, src), vec![2, 5]);
        let fixed = apply_fixes(&DL3025, src);
        assert!(fixed.contains("CMD [\"node\", \"server.js\"]"));
        assert!(fixed.contains("CMD echo $HOME"));
    }

    #[test]
    fn platform_rules() {
        let src = "FROM --platform=linux/amd64 a\nFROM --platform=$BUILDPLATFORM b\nFROM --platform=${TARGETPLATFORM} c\n";
        assert_eq!(lines(&DL3029, src), vec![1]);
        assert_eq!(lines(&DL3065, src), vec![3]);
        assert_eq!(
            apply_fixes(&DL3065, "FROM --platform=$TARGETPLATFORM c\n"),
            "FROM c\n"
        );
    }

    #[test]
    fn env_self_reference() {
        let src = "FROM a\nENV A=1 B=$A\nENV D=$C C=1\nARG E\nENV E=2 F=${E}\n";
        assert_eq!(lines(&DL3044, src), vec![2]);
    }

    #[test]
    fn relative_copy_dest() {
        let src = "FROM a AS base\nCOPY x .\nWORKDIR /app\nFROM base\nCOPY y .\nFROM c\nCOPY z /abs\nCOPY w rel/\n";
        assert_eq!(lines(&DL3045, src), vec![2, 8]);
    }

    #[test]
    fn label_keys_and_secrets() {
        assert_eq!(
            lines(
                &DL3048,
                "FROM a\nLABEL ok.key=1 Bad_Key=2 \"com.docker.x\"=3\n"
            ),
            vec![2, 2]
        );
        assert_eq!(
            lines(
                &DL3064,
                "FROM a\nARG NPM_TOKEN\nENV DB_PASSWORD=x HOME=/h\nARG VERSION\n"
            ),
            vec![2, 3]
        );
    }

    #[test]
    fn order_onbuild_user_copy_root() {
        assert_eq!(lines(&DL3061, "ARG X\nLABEL a=b\nFROM a\n"), vec![2]);
        assert_eq!(
            lines(&DL3043, "FROM a\nONBUILD FROM b\nONBUILD RUN x\n"),
            vec![2]
        );
        assert_eq!(
            lines(
                &DL3066,
                "FROM a AS b\nUSER x\nFROM c\nUSER app\nUSER 1000:1000\n"
            ),
            Vec::<usize>::new()
        );
        assert_eq!(
            lines(
                &DL3066,
                "FROM a AS b\nUSER x\nFROM c\nUSER 1000\nUSER app\n"
            ),
            vec![5]
        );
        assert_eq!(
            lines(&DL3067, "FROM a AS b\nFROM c\nCOPY --from=b / /\n"),
            vec![3]
        );
    }

    #[test]
    fn pragmas_and_healthcheck() {
        assert_eq!(
            lines(
                &DL1001,
                "FROM a\n# hadolint ignore=DL3008\nRUN x\n# plain\n"
            ),
            vec![2]
        );
        assert_eq!(lines(&DL3057, "FROM a\nRUN x\n"), vec![1]);
        assert!(lines(&DL3057, "FROM a AS b\nHEALTHCHECK CMD x\nFROM b\n").is_empty());
    }
}
