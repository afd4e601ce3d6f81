//! Users and privileges: `DL3002` (final stage runs as root), `BSN2001` (no USER in
//! the final stage), `DL3004` (sudo), `BSN2002` (ssh servers), `BSN2003`
//! (world-writable modes).

use super::{basename, final_stage, security_rule, stage_chain, stage_instructions};
use crate::context::Context;
use bosun_dockerfile::shell::Cmd;
use bosun_dockerfile::Instruction;

/// The last USER of the final stage, following `FROM <earlier stage>` chains:
/// `(instruction index, stage)`.
fn effective_user(
    df: &bosun_dockerfile::Dockerfile,
    f: &bosun_dockerfile::model::Model,
) -> Option<(usize, usize)> {
    let last = final_stage(f)?;
    for s in stage_chain(f, last) {
        let found = stage_instructions(df, f, s)
            .filter(|(_, i)| i.is("USER"))
            .last()
            .map(|(i, _)| (i, s));
        if found.is_some() {
            return found;
        }
    }
    None
}

use bosun_dockerfile::model::is_root_user;

security_rule!(
    DL3002,
    DL3002_META,
    "DL3002",
    "final-stage-runs-as-root",
    [],
    Warning,
    None,
    "The last USER of the final stage should not be root.",
    r#"## What it does

Flags a final stage whose last `USER` is root: `root`, `0`, `root:root`, `0:0`, or a
variable whose value is one of those. Only the final stage counts (the image that
runs); a builder stage may well need root. A final stage built `FROM` an earlier stage
inherits that stage's `USER`.

(hadolint's `DL3002` checks every stage; this one checks the stage that ships.)

## Why is this bad?

A process running as root in a container is root on the container's files and one
kernel bug or misconfiguration away from root on the host.

## Example

```dockerfile bad
FROM debian:12
USER root
CMD ["app"]
```

```dockerfile good
FROM debian:12 AS build
USER root
RUN make
FROM debian:12
USER 10001
CMD ["app"]
```

## References

- hadolint `DL3002`; CIS Docker Benchmark 4.1
"#,
    check_dl3002
);

fn check_dl3002(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let Some((idx, stage)) = effective_user(df, &f) else {
        return;
    };
    let Some(ins) = df.instructions.get(idx) else {
        return;
    };
    let Some(word) = ins.words.first() else {
        return;
    };
    let _ = stage;
    let model = ctx.model();
    let Ok(user) = bosun_dockerfile::expand::expand(&word.text, model.env_at(idx)) else {
        return;
    };
    // An empty value is root at run time, but here it comes from an ARG without a
    // default (a `--build-arg` decides): unknown, not reported.
    if !user.is_empty() && is_root_user(&user) {
        let via = if user != word.text {
            format!(" (`{}` is `{user}`)", word.text)
        } else {
            String::new()
        };
        ctx.report(
            &DL3002_META,
            format!("The final stage runs as root{via}: switch to an unprivileged USER"),
            word.range.start..word.range.end,
        );
    }
}

security_rule!(
    BSN2001,
    BSN2001_META,
    "BSN2001",
    "final-stage-without-user",
    [],
    Low,
    None,
    "The final stage sets no USER, so it runs as the base image's user (usually root).",
    r#"## What it does

Flags a final stage with no `USER` instruction at all (nor in the earlier stages it is
built `FROM`) in an image that runs a service (its `ENTRYPOINT`/`CMD` is not a shell,
a REPL or `sleep`: base and toolchain images are left alone), when its base image is
not one known to run unprivileged (a `nonroot` or `rootless` tag).

## Why is this bad?

Without `USER`, the container runs as whatever the base image says, which for almost
every base image (and always for `scratch`) is root. Create a user and switch to it,
or use a `nonroot` variant of the base image.

## Example

```dockerfile bad
FROM python:3.12-slim
COPY app.py /app/
CMD ["python", "/app/app.py"]
```

```dockerfile good
FROM python:3.12-slim
RUN useradd -u 10001 app
COPY app.py /app/
USER app
CMD ["python", "/app/app.py"]
```

## References

- CIS Docker Benchmark 4.1; Trivy `DS-0002`
"#,
    check_bsn2001
);

fn check_bsn2001(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let Some(last) = final_stage(&f) else { return };
    if effective_user(df, &f).is_some() || !super::runs_service(df, &f, last) {
        return;
    }
    // the chain's outermost external base
    let chain = stage_chain(&f, last);
    let root_stage = chain.last().copied().unwrap_or(last);
    let Some(stage) = f.stages().get(root_stage) else {
        return;
    };
    let base = stage.base_resolved().to_ascii_lowercase();
    if base.contains("nonroot") || base.contains("rootless") || base.contains("non-root") {
        return;
    }
    let Some(from) = f
        .stages()
        .get(last)
        .and_then(|s| df.instructions.get(s.from))
    else {
        return;
    };
    let range = from.words.first().map_or(from.keyword.range, |w| w.range);
    ctx.report(
        &BSN2001_META,
        "The final stage sets no USER: it runs as the base image's user, usually root; add `USER <uid>`",
        range.start..range.end,
    );
}

security_rule!(
    DL3004,
    DL3004_META,
    "DL3004",
    "sudo-usage",
    [],
    Error,
    None,
    "Do not use sudo.",
    r#"## What it does

Flags `sudo` in `RUN` commands.

## Why is this bad?

Build steps already run as the current `USER`; `sudo` needs a setuid binary and a
sudoers policy in the image (more attack surface) and behaves unpredictably without a
TTY. Switch with `USER root` for the steps that need it, or use `gosu`/`su-exec` in
an entrypoint.

## Example

```dockerfile bad
FROM debian:12
RUN sudo apt-get update
```

```dockerfile good
FROM debian:12
USER root
RUN apt-get update
```

## References

- hadolint `DL3004`
"#,
    check_dl3004
);

fn check_dl3004(ctx: &mut Context<'_>) {
    let src = ctx.source;
    let f = ctx.model();
    let mut seen = Vec::new();
    for run in f.runs() {
        for c in run.commands() {
            let range = if basename(&c.name) == "sudo" {
                Some((c.name_range.start, c.name_range.end))
            } else if c.wrapper.as_deref() == Some("sudo") {
                // the `sudo` word before the command name
                let lo = run.range.start.min(c.name_range.start);
                src.get(lo..c.name_range.start)
                    .and_then(|t| t.rfind("sudo"))
                    .map(|i| (lo + i, lo + i + 4))
            } else {
                None
            };
            if let Some(r) = range {
                if !seen.contains(&r) {
                    seen.push(r);
                    ctx.report(
                        &DL3004_META,
                        "Do not use sudo: use `USER root` for the steps that need it",
                        r.0..r.1,
                    );
                }
            }
        }
    }
}

/// Package-manager install commands: `(command, subcommands)`.
const INSTALLERS: &[(&str, &[&str])] = &[
    ("apt-get", &["install"]),
    ("apt", &["install"]),
    ("aptitude", &["install"]),
    ("apk", &["add"]),
    ("yum", &["install"]),
    ("dnf", &["install"]),
    ("microdnf", &["install"]),
    ("tdnf", &["install"]),
    ("zypper", &["install", "in"]),
    ("pacman", &["-S", "-Sy", "-Syu"]),
];

/// The package arguments of an install command (flags and the subcommand removed).
pub(crate) fn installed_packages(c: &Cmd) -> Vec<&bosun_dockerfile::shell::Arg> {
    let name = basename(&c.name);
    let Some((_, subs)) = INSTALLERS.iter().find(|(n, _)| *n == name) else {
        return Vec::new();
    };
    let Some(pos) = c.args.iter().position(|a| subs.contains(&a.text.as_str())) else {
        return Vec::new();
    };
    // flags whose next argument is a value
    const VALUE_FLAGS: &[&str] = &[
        "-t",
        "--target-release",
        "-o",
        "--option",
        "--virtual",
        "-X",
        "--repository",
        "--setopt",
        "--enablerepo",
        "--disablerepo",
        "-c",
        "--config",
    ];
    let mut out = Vec::new();
    let mut skip_next = false;
    for a in c.args.iter().skip(pos + 1) {
        if skip_next {
            skip_next = false;
            continue;
        }
        if a.text.starts_with('-') {
            skip_next = VALUE_FLAGS.contains(&a.text.as_str());
            continue;
        }
        out.push(a);
    }
    out
}

/// The package name without a version or architecture (`gcc=4:12.2`, `make~4`,
/// `openssh-server:amd64`, `gcc>=12`).
pub(crate) fn package_name(arg: &str) -> &str {
    let end = arg.find(['=', '<', '>', '~', ':']).unwrap_or(arg.len());
    &arg[..end]
}

security_rule!(
    BSN2002,
    BSN2002_META,
    "BSN2002",
    "ssh-server-in-image",
    [],
    Warning,
    None,
    "Do not run an SSH server in a container.",
    r#"## What it does

Flags `EXPOSE 22` and the installation of an SSH server (`openssh-server`, `openssh`
on Alpine, `dropbear`).

## Why is this bad?

An SSH daemon is a second, long-lived, network-facing entry point with its own keys and
passwords to manage; host keys baked into the image are shared by every container.
Use `docker exec` / `kubectl exec` to get a shell.

## Example

```dockerfile bad
FROM debian:12
RUN apt-get update && apt-get install -y openssh-server
EXPOSE 22
```

```dockerfile good
FROM debian:12
RUN apt-get update && apt-get install -y openssh-client
EXPOSE 8080
```

## References

- CIS Docker Benchmark 5.7; Trivy `DS-0004`; Checkov `CKV_DOCKER_1`
"#,
    check_bsn2002
);

fn check_bsn2002(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    for ins in df.instructions.iter().filter(|i| i.is("EXPOSE")) {
        for w in &ins.words {
            let port = w.text.split('/').next().unwrap_or("");
            let port = port.rsplit(':').next().unwrap_or(port);
            if port == "22" {
                ctx.report(
                    &BSN2002_META,
                    "`EXPOSE 22` publishes an SSH server: use `docker exec` instead",
                    w.range.start..w.range.end,
                );
            }
        }
    }
    for run in f.runs() {
        for c in run.commands() {
            let alpine = basename(&c.name) == "apk";
            for a in installed_packages(c) {
                let p = package_name(&a.text);
                let server = matches!(
                    p,
                    "openssh-server" | "dropbear" | "dropbear-bin" | "tinysshd"
                ) || (alpine && p == "openssh");
                if server {
                    ctx.report(
                        &BSN2002_META,
                        format!("`{p}` installs an SSH server in the image"),
                        a.range.start..a.range.end,
                    );
                }
            }
        }
    }
}

/// True for an octal mode that lets others write (`777`, `0666`, `2777`), except the
/// sticky-bit modes of shared temp dirs (`1777`).
fn octal_world_writable(mode: &str) -> bool {
    if mode.is_empty() || mode.len() > 4 || !mode.chars().all(|c| ('0'..='7').contains(&c)) {
        return false;
    }
    let digits: Vec<u32> = mode.chars().filter_map(|c| c.to_digit(8)).collect();
    let others = digits.last().copied().unwrap_or(0);
    let sticky = digits.len() == 4 && digits.first().is_some_and(|d| d & 1 == 1);
    others & 2 == 2 && !sticky
}

/// True for a symbolic mode that grants others write (`o+w`, `a+rwx`, `ugo=rwx`,
/// `+w` is left out: it honours the umask).
fn symbolic_world_writable(mode: &str) -> bool {
    mode.split(',').any(|clause| {
        let Some(op) = clause.find(['+', '=']) else {
            return false;
        };
        let (who, perms) = clause.split_at(op);
        (who.contains('o') || who.contains('a')) && perms[1..].contains('w')
    })
}

fn world_writable(mode: &str) -> bool {
    octal_world_writable(mode) || symbolic_world_writable(mode)
}

security_rule!(
    BSN2003,
    BSN2003_META,
    "BSN2003",
    "world-writable-permissions",
    [],
    Warning,
    None,
    "Do not make files or directories world-writable.",
    r#"## What it does

Flags `chmod 777` / `chmod -R 666` / `chmod o+w` / `chmod a+rwx`, `mkdir -m 777`,
`install -m 777`, and `COPY --chmod=777` / `ADD --chmod=777`. Sticky-bit modes for
shared temporary directories (`chmod 1777 /tmp`) are fine.

## Why is this bad?

Any user or process in the container can then replace the files (binaries, scripts,
configuration) that the application runs or trusts. Give ownership to the user that
needs to write (`chown`, `COPY --chown`) and keep modes like `755`/`644`.

## Example

```dockerfile bad
FROM debian:12
RUN mkdir /data && chmod 777 /data
```

```dockerfile good
FROM debian:12
RUN mkdir /data && chown 10001:10001 /data && chmod 750 /data
```

## References

- Checkov/Trivy permission checks; CIS Docker Benchmark 4.8
"#,
    check_bsn2003
);

fn check_bsn2003(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    for run in f.runs() {
        for c in run.commands() {
            let name = basename(&c.name);
            let mode_args: Vec<&bosun_dockerfile::shell::Arg> = match name {
                "chmod" => c
                    .args
                    .iter()
                    .filter(|a| !a.text.starts_with("--"))
                    .filter(|a| {
                        !(a.text.starts_with('-')
                            && a.text[1..].chars().all(|ch| "RfvcH".contains(ch)))
                    })
                    .take(1)
                    .collect(),
                "mkdir" | "install" => {
                    let mut out = Vec::new();
                    for (i, a) in c.args.iter().enumerate() {
                        if a.text == "-m" || a.text == "--mode" {
                            if let Some(v) = c.args.get(i + 1) {
                                out.push(v);
                            }
                        }
                    }
                    out
                }
                _ => Vec::new(),
            };
            for a in mode_args {
                let mode = a.text.strip_prefix("--mode=").unwrap_or(&a.text);
                if world_writable(mode) {
                    ctx.report(
                        &BSN2003_META,
                        format!("`{name} {mode}` makes paths world-writable"),
                        a.range.start..a.range.end,
                    );
                }
            }
        }
    }
    for ins in df
        .instructions
        .iter()
        .filter(|i| i.is("COPY") || i.is("ADD"))
    {
        check_chmod_flag(ctx, ins);
    }
}

fn check_chmod_flag(ctx: &mut Context<'_>, ins: &Instruction) {
    if let Some(flag) = ins.flag("chmod") {
        let Some(v) = flag.value.as_deref() else {
            return;
        };
        if world_writable(v) {
            let r = flag.value_range.unwrap_or(flag.range);
            ctx.report(
                &BSN2003_META,
                format!("`--chmod={v}` makes the copied files world-writable"),
                r.start..r.end,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{run, spans};
    use super::*;

    #[test]
    fn only_the_final_stage_counts() {
        let src = "FROM a:1 AS build\nUSER root\nRUN make\nFROM b:1\nUSER app\n";
        assert!(run("DL3002", src).is_empty());
        let src = "FROM a:1\nUSER app\nUSER 0:0\n";
        assert_eq!(spans(src, &run("DL3002", src)), ["0:0"]);
    }

    #[test]
    fn user_through_variables_and_inherited_stages() {
        let src = "FROM a:1\nARG RUNAS=root\nUSER ${RUNAS}\n";
        let f = run("DL3002", src);
        assert_eq!(spans(src, &f), ["${RUNAS}"]);
        assert!(f[0].message.contains("is `root`"));
        let src = "FROM a:1 AS base\nUSER root\nFROM base\nCMD x\n";
        assert_eq!(spans(src, &run("DL3002", src)), ["root"]);
        assert!(run("BSN2001", src).is_empty(), "inherits a USER");
        let src = "FROM a:1 AS base\nUSER app\nFROM base\nCMD x\n";
        assert!(run("DL3002", src).is_empty());
        assert!(run("BSN2001", src).is_empty());
    }

    #[test]
    fn no_user_in_final_stage() {
        let src = "FROM golang:1 AS b\nUSER app\nFROM scratch\nCOPY --from=b /x /x\nENTRYPOINT [\"/x\"]\n";
        assert_eq!(spans(src, &run("BSN2001", src)), ["scratch"]);
        let src = "FROM python:3.12\nCMD python app.py\n";
        assert_eq!(run("BSN2001", src).len(), 1);
        let src = "FROM gcr.io/distroless/static:nonroot\nCOPY x /x\nCMD [\"/x\"]\n";
        assert!(run("BSN2001", src).is_empty());
        assert!(run("BSN2001", "FROM a:1\nUSER 10001\nCMD [\"/x\"]\n").is_empty());
        // base and toolchain images
        assert!(run("BSN2001", "FROM debian:12\nCMD [\"bash\"]\n").is_empty());
        assert!(run("BSN2001", "FROM python:3.12\nCMD [\"python3\"]\n").is_empty());
        assert!(run("BSN2001", "FROM debian:12\nRUN make\n").is_empty());
        // entrypoint wrappers run the CMD
        let src = "FROM node:20\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"node\"]\n";
        assert!(run("BSN2001", src).is_empty());
        let src = "FROM node:20\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"node\", \"server.js\"]\n";
        assert_eq!(run("BSN2001", src).len(), 1);
        let src = "FROM x:1\nENTRYPOINT [\"/usr/bin/dotnet\"]\nCMD [\"--info\"]\n";
        assert!(run("BSN2001", src).is_empty());
    }

    #[test]
    fn sudo_as_command_and_wrapper() {
        let src =
            "FROM a:1\nRUN sudo apt-get update && \\\n  sudo -E make install\nRUN echo sudo\n";
        let f = run("DL3004", src);
        assert_eq!(spans(src, &f), ["sudo", "sudo"]);
        assert_eq!(f[1].location.short(), "Dockerfile:3:3");
    }

    #[test]
    fn ssh_servers() {
        let src = "FROM a:1\nRUN apt-get install -y --no-install-recommends openssh-server=1:9 curl\nRUN apk add --no-cache openssh\nRUN apt-get install -y openssh-client\nEXPOSE 22/tcp 8080\nEXPOSE 2222\n";
        assert_eq!(
            spans(src, &run("BSN2002", src)),
            ["openssh-server=1:9", "openssh", "22/tcp"]
        );
    }

    #[test]
    fn world_writable_modes() {
        for m in [
            "777",
            "0777",
            "666",
            "2777",
            "o+w",
            "a+rwx",
            "ugo=rwx",
            "u+x,o+w",
            "--mode=777",
        ] {
            let m = m.strip_prefix("--mode=").unwrap_or(m);
            assert!(world_writable(m), "{m}");
        }
        for m in ["755", "0644", "1777", "+x", "u+w", "g+w", "770", "/data"] {
            assert!(!world_writable(m), "{m}");
        }
        let src = "FROM a:1\nRUN mkdir /data && chmod -R 777 /data && chmod 1777 /tmp\nRUN mkdir -m 777 /x\nCOPY --chmod=666 a /a\nRUN chmod 755 /y\n";
        assert_eq!(spans(src, &run("BSN2003", src)), ["777", "777", "666"]);
    }
}
