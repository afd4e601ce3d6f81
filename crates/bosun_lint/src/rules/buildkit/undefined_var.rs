//! UndefinedVar: a variable BuildKit expands that no ARG or ENV defines.

use super::suggest;
use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};
use bosun_dockerfile::Instruction;

pub static META: RuleMeta = RuleMeta {
    code: "BK1014",
    name: "undefined-variable",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["UndefinedVar"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A variable is used that no ARG or ENV in scope defines.",
    docs: r#"## What it does

Flags `$VAR` / `${VAR}` in an instruction that BuildKit expands itself (`ADD`, `COPY`
and their `--chown`/`--chmod`/`--from`, `ENV`, `ARG` defaults, `EXPOSE`, `LABEL`,
`STOPSIGNAL`, `USER`, `VOLUME`, `WORKDIR`, `RUN --mount` options) when no `ARG` or
`ENV` in scope declares it. A "did you mean" suggestion names a variable in scope with a
similar name. Shell-form `RUN`/`CMD`/`ENTRYPOINT` are expanded by the container's shell,
not BuildKit, and are not checked. This is BuildKit's `UndefinedVar` check.

BuildKit also counts the base image's `ENV`, which bosun cannot see offline: for a stage
built on an external image, variables commonly set by base images (`PATH`, `HOME`,
`*_VERSION`, `*_HOME`, ...) are not reported. Stages built on `scratch` (directly or
through other stages) are checked fully.

## Why is this bad?

An undefined variable expands to an empty string: `COPY app $APP_DIR/` copies to `/`.
It is usually a typo or an `ARG` that was not re-declared inside the stage.

## Example

```dockerfile bad
FROM alpine:3.20
ARG APP_DIR=/srv/app
COPY app.conf $APP_DRI/
```

```dockerfile good
FROM alpine:3.20
ARG APP_DIR=/srv/app
COPY app.conf $APP_DIR/
```

## References

- BuildKit check `UndefinedVar`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

/// Environment variables base images commonly set (only consulted for stages whose
/// base image's ENV is unknown).
const COMMON_IMAGE_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "HOSTNAME",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "TERM",
    "SHELL",
    "USER",
    "PWD",
    "TZ",
    "DEBIAN_FRONTEND",
    "GOPATH",
    "GOROOT",
    "GOTOOLCHAIN",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "PYTHONPATH",
    "PYTHONUNBUFFERED",
    "PIP_NO_CACHE_DIR",
    "GEM_HOME",
    "BUNDLE_PATH",
    "BUNDLE_APP_CONFIG",
    "NODE_ENV",
    "NPM_CONFIG_PREFIX",
    "JAVA_OPTS",
    "MAVEN_CONFIG",
    "GRADLE_USER_HOME",
    "CATALINA_HOME",
    "NGINX_VERSION",
    "GPG_KEY",
    "DOTNET_RUNNING_IN_CONTAINER",
    "ASPNETCORE_URLS",
    "APP_UID",
];

fn maybe_from_image(name: &str) -> bool {
    COMMON_IMAGE_ENV.contains(&name)
        || [
            "_VERSION",
            "_HOME",
            "_PATH",
            "_SHA256",
            "_URL",
            "_DOWNLOAD_URL",
        ]
        .iter()
        .any(|s| name.ends_with(s))
        || name.starts_with("LC_")
}

/// The words of `instr` that BuildKit expands.
fn expanded_words(instr: &Instruction) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let cmd = instr.cmd.as_str();
    match cmd {
        "ADD" | "COPY" => {
            for f in &instr.flags {
                if matches!(
                    f.name.as_str(),
                    "chown" | "chmod" | "from" | "checksum" | "exclude"
                ) {
                    if let Some(v) = f.value.as_deref() {
                        out.push(v);
                    }
                }
            }
            if !instr.json {
                out.extend(
                    instr
                        .words
                        .iter()
                        .filter(|w| !w.text.starts_with("<<"))
                        .map(|w| w.text.as_str()),
                );
            }
        }
        "ENV" => out.extend(instr.key_values.iter().map(|kv| kv.value.text.as_str())),
        "LABEL" => {
            for kv in &instr.key_values {
                out.push(&kv.key.text);
                out.push(&kv.value.text);
            }
        }
        "ARG" => out.extend(
            instr
                .value
                .iter()
                .filter_map(|v| v.split_once('=').map(|(_, d)| d)),
        ),
        "EXPOSE" | "VOLUME" if !instr.json => {
            out.extend(instr.words.iter().map(|w| w.text.as_str()))
        }
        "STOPSIGNAL" | "USER" | "WORKDIR" => out.push(&instr.args.text),
        "RUN" => out.extend(
            instr
                .flags
                .iter()
                .filter(|f| f.name == "mount")
                .filter_map(|f| f.value.as_deref()),
        ),
        _ => {}
    }
    out
}

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let model = ctx.model();
    for (i, instr) in df.instructions.iter().enumerate() {
        let Some(stage) = model.stage_of(i) else {
            continue;
        };
        if instr.is("FROM") {
            continue;
        }
        let image_env_unknown = model.inherits_image_env(stage.index);
        let mut reported: Vec<String> = Vec::new();
        for word in expanded_words(instr) {
            if !word.contains('$') {
                continue;
            }
            for var in model.undefined_vars(i, word) {
                if reported.contains(&var)
                    || (bosun_dockerfile::model::is_predefined_arg(&var)
                        && !super::PLATFORM_ARGS.contains(&var.as_str()))
                    || (image_env_unknown && maybe_from_image(&var))
                {
                    continue;
                }
                let names = model.env_at(i).names();
                let mut msg = format!("Usage of undefined variable '${var}'");
                if let Some(s) = suggest(&var, names.iter().copied()) {
                    msg.push_str(&format!(" (did you mean ${s}?)"));
                }
                let end = df.line_range(instr.start_line).end.max(instr.range.start);
                ctx.report(&META, msg, instr.range.start..end);
                reported.push(var);
            }
        }
    }
}
