//! hadolint's package-manager checks: apt, apk, yum, dnf, zypper, pip, npm, gem, go,
//! yarn, pecl.

use super::report;
use crate::context::Context;
use crate::registry::Rule;
use crate::rules::buildkit::buildkit_aliases;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};
use bosun_diagnostics::{Edit, Fix};
use bosun_dockerfile::model::{Model, Run};
use bosun_dockerfile::shell::{Arg, Cmd};
use bosun_dockerfile::TextRange;

/// An argument that is only an expansion (`$PKGS`, `"${LIST}"`): its value is unknown.
fn is_only_variable(a: &Arg) -> bool {
    !a.literal && a.text.replace("${VAR}", "").trim().is_empty()
}

/// Reports `rule` once per command for which `bad` returns the offending arguments.
fn per_command(
    ctx: &mut Context<'_>,
    rule: &'static Rule,
    f: &Model,
    mut bad: impl FnMut(&Run, &Cmd) -> Option<(String, TextRange, Option<Fix>)>,
) {
    let mut out = Vec::new();
    for run in f.runs() {
        for cmd in run.commands() {
            if let Some(found) = bad(run, cmd) {
                out.push(found);
            }
        }
    }
    for (msg, range, fix) in out {
        let r = report(ctx, rule, msg, range);
        if let Some(fix) = fix {
            r.fix(fix);
        }
    }
}

/// The first non-flag argument is one of `subs`.
fn subcommand_is<'c>(cmd: &'c Cmd, subs: &[&str]) -> Option<&'c Arg> {
    cmd.subcommand().filter(|a| subs.contains(&a.text.as_str()))
}

/// Operands after the subcommand, without the values of `value_flags`.
fn packages<'c>(cmd: &'c Cmd, sub: &Arg, value_flags: &[&str]) -> Vec<&'c Arg> {
    cmd.operands(value_flags)
        .into_iter()
        .filter(|a| a.range.start > sub.range.start && !is_only_variable(a))
        .collect()
}

fn list(args: &[&Arg]) -> String {
    args.iter()
        .map(|a| format!("`{}`", a.text))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts ` <flag>` after the subcommand word.
fn insert_after(sub: &Arg, text: &str) -> Edit {
    Edit::insert(sub.range.end, format!(" {text}"))
}

// ------------------------------------------------------------------ apt-get
const APT_VALUE_FLAGS: &[&str] = &[
    "t",
    "target-release",
    "o",
    "option",
    "c",
    "config-file",
    "a",
    "host-architecture",
];

fn apt_install(cmd: &Cmd) -> Option<&Arg> {
    if !cmd.is("apt-get") {
        return None;
    }
    subcommand_is(cmd, &["install"])
}

pub static DL3008_META: RuleMeta = RuleMeta {
    code: "DL3008",
    name: "apt-get-install-unpinned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3008"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Pin package versions in `apt-get install`.",
    docs: r#"## What it does

Flags `apt-get install` (and `aptitude install`) of packages without a version
(`pkg=1.2.3`), a release
(`pkg/bookworm-backports`) or a `.deb` file.

## Why is this bad?

Without pins, rebuilding the same Dockerfile later installs other versions: builds are
not reproducible and may break.

## Example

```dockerfile bad
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

```dockerfile good
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Differences from hadolint

- A variable with a known value (an ARG default, an ENV, or `PKGS="..."` earlier in
  the same RUN) is read as the packages it holds, and they are named in the message;
  packages given only by a variable without a known value (`apt-get install
  $PACKAGES` with `ARG PACKAGES`) are not reported.
- Values of `-o`, `-c`, `-a` and `-t` are not taken for packages.
- Commands run through `sudo`, `env` or `nice` are checked too.

## References

- hadolint `DL3008`
"#,
};

pub static DL3008: Rule = Rule::new(&DL3008_META, check_dl3008);

/// `apt-get install` or `aptitude install` (same package specs and `-y`).
fn apt_or_aptitude_install(cmd: &Cmd) -> Option<&Arg> {
    if cmd.is("aptitude") {
        return subcommand_is(cmd, &["install"]);
    }
    apt_install(cmd)
}

fn check_dl3008(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3008, &f, |_, cmd| {
        let sub = apt_or_aptitude_install(cmd)?;
        let unpinned: Vec<&Arg> = packages(cmd, sub, APT_VALUE_FLAGS)
            .into_iter()
            .filter(|p| !(p.text.contains('=') || p.text.contains('/') || p.text.ends_with(".deb")))
            .collect();
        let first = unpinned.first()?;
        Some((
            format!(
                "Pin versions in `apt-get install`: {} (use `<package>=<version>`)",
                list(&unpinned)
            ),
            first.range,
            None,
        ))
    });
}

pub static DL3009_META: RuleMeta = RuleMeta {
    code: "DL3009",
    name: "apt-lists-not-removed",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3009"),
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    summary: "Remove /var/lib/apt/lists after `apt-get update`.",
    docs: r#"## What it does

Flags a RUN that runs `apt-get update` (or `apt update`, `aptitude update`) without
removing `/var/lib/apt/lists` in the same RUN, when its layer ends up in the image: in the final stage, in a stage the final one
is built `FROM`, or in an `ONBUILD` trigger.

## Why is this bad?

The package lists weigh tens of megabytes. Removed in a later RUN, they still sit in the
earlier layer.

## Example

```dockerfile bad
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

```dockerfile good
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
    && rm -rf /var/lib/apt/lists/*
```

```dockerfile good
FROM debian:12
RUN --mount=type=cache,target=/var/lib/apt/lists \
    apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Differences from hadolint

- A cache or tmpfs mount on `/var/lib/apt/lists` (or `/var/lib/apt`) keeps the lists
  out of the layer, so it is not reported.
- Build stages that only feed `COPY --from` are not reported: their layers are not in
  the image.
- The cleanup must actually remove `/var/lib/apt/lists`; hadolint accepts any `rm -rf`.
- hadolint pull request #1249 (not merged) makes `DL3009` "Use BuildKit cache mounts for
  apt": it reports every `apt-get update` without cache mounts, in every stage, even one
  that removes the lists. bosun keeps the layer-size check: `rm -rf
  /var/lib/apt/lists/*` in the same RUN keeps the lists out of the layer as well as a
  cache or tmpfs mount does, and both are accepted.

## Fix safety

The fix appends ` && rm -rf /var/lib/apt/lists/*` to the RUN. It is safe unless a later
RUN installs packages without running `apt-get update` first (those would then fail):
then it is marked unsafe.

## References

- hadolint `DL3009`
- Docker docs: "Best practices: apt-get"
"#,
};

pub static DL3009: Rule = Rule::new(&DL3009_META, check_dl3009);

fn removes_dir(cmd: &Cmd, dir: &str) -> bool {
    cmd.is("rm")
        && cmd.args.iter().any(|a| {
            a.text
                .trim_end_matches(['*', '/'])
                .starts_with(dir.trim_end_matches('/'))
                && a.text.starts_with(dir.trim_end_matches('/'))
        })
}

/// Stages whose layers end up in the final image: the last stage and its FROM chain.
/// Per stage: part of the final image (the last stage and its `FROM` parents). A
/// parent is always an earlier stage, so the walk ends; a membership vector, not a
/// list scanned per RUN.
fn image_stages(f: &Model) -> Vec<bool> {
    let mut out = vec![false; f.stages().len()];
    let mut cur = f.stages().len().checked_sub(1);
    while let Some(s) = cur {
        match out.get_mut(s) {
            Some(slot) if !*slot => *slot = true,
            _ => break,
        }
        cur = f
            .stages()
            .get(s)
            .and_then(|st| st.parent())
            .filter(|&p| p < s);
    }
    out
}

/// The apt front ends that fetch the package lists (`update`) into `/var/lib/apt/lists`.
fn is_apt(c: &Cmd) -> bool {
    c.is("apt-get") || c.is("apt") || c.is("aptitude")
}

fn check_dl3009(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let in_image = image_stages(&f);
    let mut out = Vec::new();
    for (ri, run) in f.runs().iter().enumerate() {
        let relevant = run.onbuild || run.stage.is_none_or(|s| in_image.get(s) == Some(&true));
        if !relevant {
            continue;
        }
        let Some(update) = run
            .commands()
            .find(|c| is_apt(c) && subcommand_is(c, &["update"]).is_some())
        else {
            continue;
        };
        if run.commands().any(|c| removes_dir(c, "/var/lib/apt/lists")) {
            continue;
        }
        if run.has_cache_mount_covering("/var/lib/apt/lists") {
            continue;
        }
        let fix = if !run.exec_form && !run.has_heredoc {
            df.instructions.get(run.index).map(|ins| {
                let ins = ins.onbuild.as_deref().unwrap_or(ins);
                let end = run
                    .scripts
                    .first()
                    .and_then(|s| s.script.code_end)
                    .unwrap_or_else(|| ins.args.range().end);
                let later_needs_lists = f.runs().iter().skip(ri + 1).any(|r| {
                    r.commands()
                        .any(|c| is_apt(c) && subcommand_is(c, &["install"]).is_some())
                        && !r
                            .commands()
                            .any(|c| is_apt(c) && subcommand_is(c, &["update"]).is_some())
                });
                let edit = vec![Edit::insert(end, " && rm -rf /var/lib/apt/lists/*")];
                let title = "Append `&& rm -rf /var/lib/apt/lists/*`";
                if later_needs_lists {
                    Fix::unsafe_(title, edit)
                } else {
                    Fix::safe(title, edit)
                }
            })
        } else {
            None
        };
        out.push((update.range, fix));
    }
    for (range, fix) in out {
        let r = report(ctx, &DL3009, "Delete the apt lists (`rm -rf /var/lib/apt/lists/*`) in the RUN that runs `apt-get update`", range);
        if let Some(fix) = fix {
            r.fix(fix);
        }
    }
}

pub static DL3014_META: RuleMeta = RuleMeta {
    code: "DL3014",
    name: "apt-get-install-without-yes",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3014"),
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    summary: "Use `-y` with `apt-get install`.",
    docs: r#"## What it does

Flags `apt-get install` (and `aptitude install`) without `-y` (`--yes`, `--assume-yes`,
`-qq`, `--quiet --quiet`, or `-o APT::Get::Assume-Yes=true`).

## Why is this bad?

Without it, apt asks for confirmation; in a build there is nobody to answer and the
build fails as soon as the install needs more than the named packages.

## Example

```dockerfile bad
FROM debian:12
RUN apt-get install --no-install-recommends curl=7.88.1-10+deb12u8
```

```dockerfile good
FROM debian:12
RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Fix safety

The fix adds `-y` after `install`; the build could not answer the question anyway, so it
is safe.

## References

- hadolint `DL3014`
"#,
};

pub static DL3014: Rule = Rule::new(&DL3014_META, check_dl3014);

fn apt_assumes_yes(cmd: &Cmd) -> bool {
    cmd.has_any_flag(&["y", "yes", "assume-yes"])
        || cmd.count_flag("q") + cmd.args.iter().filter(|a| a.text == "--quiet").count() >= 2
        || cmd.args.iter().any(|a| {
            a.text == "--quiet=2"
                || a.text == "-q=2"
                || a.text.contains("APT::Get::Assume-Yes=true")
                || a.text.contains("APT::Get::Assume-Yes=1")
        })
}

fn check_dl3014(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3014, &f, |_, cmd| {
        let sub = apt_or_aptitude_install(cmd)?;
        if apt_assumes_yes(cmd) {
            return None;
        }
        Some((
            "Use the `-y` switch to avoid manual input: `apt-get install -y <package>`".into(),
            cmd.range,
            Some(Fix::safe("Add `-y`", vec![insert_after(sub, "-y")])),
        ))
    });
}

pub static DL3015_META: RuleMeta = RuleMeta {
    code: "DL3015",
    name: "apt-get-install-recommends",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3015"),
    severity: Severity::Info,
    fix: FixAvailability::Always,
    summary: "Use `--no-install-recommends` with `apt-get install`.",
    docs: r#"## What it does

Flags `apt-get install` without `--no-install-recommends` (or
`-o APT::Install-Recommends=false`), unless an earlier RUN of the stage configured apt
not to install recommended packages.

## Why is this bad?

Recommended packages are not needed to run the named ones and often double the image
size.

## Example

```dockerfile bad
FROM debian:12
RUN apt-get install -y curl=7.88.1-10+deb12u8
```

```dockerfile good
FROM debian:12
RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Fix safety

The fix adds `--no-install-recommends` after `install`. It is unsafe: software that
relied on a recommended package may miss it.

## References

- hadolint `DL3015`
"#,
};

pub static DL3015: Rule = Rule::new(&DL3015_META, check_dl3015);

fn check_dl3015(ctx: &mut Context<'_>) {
    let f = ctx.model();
    // Stages (and their descendants) where apt was configured without recommends.
    let mut configured: Vec<bool> = vec![false; f.stages().len()];
    let mut out = Vec::new();
    for run in f.runs() {
        let stage_cfg = run
            .stage
            .and_then(|s| configured.get(s).copied())
            .unwrap_or(false)
            || run
                .stage
                .and_then(|s| f.stages().get(s))
                .and_then(|s| s.parent())
                .and_then(|p| configured.get(p).copied())
                .unwrap_or(false);
        for cmd in run.commands() {
            if cmd
                .args
                .iter()
                .any(|a| a.text.contains("Install-Recommends"))
                && !cmd.is("apt-get")
            {
                if let Some(slot) = run.stage.and_then(|s| configured.get_mut(s)) {
                    *slot = true;
                }
            }
            let Some(sub) = apt_install(cmd) else {
                continue;
            };
            let disabled = cmd.has_flag("no-install-recommends")
                || cmd.args.iter().any(|a| {
                    a.text.contains("APT::Install-Recommends=false")
                        || a.text.contains("APT::Install-Recommends=0")
                });
            if disabled || stage_cfg {
                continue;
            }
            out.push((cmd.range, insert_after(sub, "--no-install-recommends")));
        }
    }
    for (range, edit) in out {
        report(
            ctx,
            &DL3015,
            "Avoid additional packages by specifying `--no-install-recommends`",
            range,
        )
        .fix(Fix::unsafe_("Add `--no-install-recommends`", vec![edit]));
    }
}

pub static DL3027_META: RuleMeta = RuleMeta {
    code: "DL3027",
    name: "apt-instead-of-apt-get",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3027"),
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    summary: "Use `apt-get` or `apt-cache`, not `apt`, in scripts.",
    docs: r#"## What it does

Flags the `apt` command in RUN.

## Why is this bad?

`apt` is meant for people at a terminal: its output and behaviour may change between
releases and it warns that it has no stable command-line interface. `apt-get` and
`apt-cache` are stable.

## Example

```dockerfile bad
FROM debian:12
RUN apt install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

```dockerfile good
FROM debian:12
RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Fix safety

For `install`, `update`, `upgrade`, `remove`, `purge`, `autoremove` and `clean` the fix
replaces `apt` by `apt-get`; it is unsafe because the two differ in details (progress
output, some defaults).

## References

- hadolint `DL3027`
"#,
};

pub static DL3027: Rule = Rule::new(&DL3027_META, check_dl3027);

fn check_dl3027(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3027, &f, |_, cmd| {
        if !cmd.is("apt") {
            return None;
        }
        let fix = subcommand_is(
            cmd,
            &[
                "install",
                "update",
                "upgrade",
                "remove",
                "purge",
                "autoremove",
                "clean",
                "dist-upgrade",
            ],
        )
        .map(|_| {
            Fix::unsafe_(
                "Use `apt-get`",
                vec![Edit::replace(
                    cmd.name_range.start,
                    cmd.name_range.end,
                    "apt-get",
                )],
            )
        });
        Some((
            "Do not use `apt`: it is an end-user tool, use `apt-get` or `apt-cache`".into(),
            cmd.name_range,
            fix,
        ))
    });
}

// ------------------------------------------------------------------ apk
pub static DL3018_META: RuleMeta = RuleMeta {
    code: "DL3018",
    name: "apk-add-unpinned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3018"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Pin package versions in `apk add`.",
    docs: r#"## What it does

Flags `apk add` of packages without a version constraint (`pkg=1.2.3-r0`, `pkg~1.2`)
or a local `.apk` file.

## Why is this bad?

Without pins, rebuilds install whatever the repository has that day.

## Example

```dockerfile bad
FROM alpine:3.20
RUN apk add --no-cache curl
```

```dockerfile good
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r0
```

## Differences from hadolint

Packages given only by a variable are not reported, and the values of `--virtual`,
`--repository`, `--root`, `--arch` and `--cache-dir` are not taken for packages.

## References

- hadolint `DL3018`
"#,
};

pub static DL3018: Rule = Rule::new(&DL3018_META, check_dl3018);

const APK_VALUE_FLAGS: &[&str] = &[
    "t",
    "virtual",
    "repository",
    "X",
    "p",
    "root",
    "arch",
    "cache-dir",
    "keys-dir",
];

fn apk_add(cmd: &Cmd) -> Option<&Arg> {
    if !cmd.is("apk") {
        return None;
    }
    subcommand_is(cmd, &["add"])
}

fn check_dl3018(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3018, &f, |_, cmd| {
        let sub = apk_add(cmd)?;
        let unpinned: Vec<&Arg> = packages(cmd, sub, APK_VALUE_FLAGS)
            .into_iter()
            .filter(|p| !(p.text.contains(['=', '~', '<', '>']) || p.text.ends_with(".apk")))
            .collect();
        let first = unpinned.first()?;
        Some((
            format!(
                "Pin versions in `apk add`: {} (use `<package>=<version>`)",
                list(&unpinned)
            ),
            first.range,
            None,
        ))
    });
}

pub static DL3019_META: RuleMeta = RuleMeta {
    code: "DL3019",
    name: "apk-add-without-no-cache",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3019"),
    severity: Severity::Info,
    fix: FixAvailability::Always,
    summary: "Use `apk add --no-cache`.",
    docs: r#"## What it does

Flags `apk add` without `--no-cache`, unless a cache or tmpfs mount covers
`/var/cache/apk` or the same RUN removes `/var/cache/apk`.

## Why is this bad?

`apk add` keeps the package index in `/var/cache/apk`, which then ships in the layer.
`--no-cache` fetches the index for this command only and keeps nothing.

## Example

```dockerfile bad
FROM alpine:3.20
RUN apk add curl=8.9.1-r0
```

```dockerfile good
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r0
```

## Differences from hadolint

- Removing `/var/cache/apk` in the same RUN is accepted too: the index does not reach the
  layer.
- hadolint pull request #1249 (not merged) makes `DL3019` "Use BuildKit cache mount for
  apk": it reports every apk install without a cache mount, even one that cleans up.
  bosun keeps the layer-size check: `--no-cache` (or removing `/var/cache/apk`) in the
  same RUN keeps the cache out of the layer as well as a cache or tmpfs mount does, and
  both are accepted.

## Fix safety

The fix adds `--no-cache` after `add`; the installed packages are the same, so it is
safe.

## References

- hadolint `DL3019`
"#,
};

pub static DL3019: Rule = Rule::new(&DL3019_META, check_dl3019);

fn check_dl3019(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3019, &f, |run, cmd| {
        let sub = apk_add(cmd)?;
        if cmd.has_flag("no-cache")
            || run.has_cache_mount_covering("/var/cache/apk")
            || run.commands().any(|c| removes_dir(c, "/var/cache/apk"))
        {
            return None;
        }
        Some((
            "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*`".into(),
            cmd.range,
            Some(Fix::safe("Add `--no-cache`", vec![insert_after(sub, "--no-cache")])),
        ))
    });
}

// ------------------------------------------------------------------ yum / dnf / zypper
fn yes_rule(
    cmd: &Cmd,
    names: &[&str],
    subs: &[&str],
    yes: &[&str],
) -> Option<(String, TextRange, Option<Fix>)> {
    if !names.contains(&cmd.name.as_str()) {
        return None;
    }
    let sub = subcommand_is(cmd, subs)?;
    if cmd.has_any_flag(yes) {
        return None;
    }
    Some((
        format!(
            "Use the `-y` switch to avoid manual input: `{} {} -y <package>`",
            cmd.name, sub.text
        ),
        cmd.range,
        Some(Fix::safe("Add `-y`", vec![insert_after(sub, "-y")])),
    ))
}

pub static DL3030_META: RuleMeta = RuleMeta {
    code: "DL3030",
    name: "yum-install-without-yes",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3030"),
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    summary: "Use `-y` with `yum install`.",
    docs: r#"## What it does

Flags `yum install` (`groupinstall`, `localinstall`) without `-y`/`--assumeyes`.

## Why is this bad?

yum asks for confirmation and the build has nobody to answer.

## Example

```dockerfile bad
FROM centos:7
RUN yum install httpd-2.4.6 && yum clean all
```

```dockerfile good
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
```

## Fix safety

The fix adds `-y` after the subcommand; safe.

## References

- hadolint `DL3030`
"#,
};

pub static DL3030: Rule = Rule::new(&DL3030_META, check_dl3030);

fn check_dl3030(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3030, &f, |_, cmd| {
        yes_rule(
            cmd,
            &["yum"],
            &["install", "groupinstall", "localinstall"],
            &["y", "assumeyes"],
        )
    });
}

/// `clean` must come after the install in the same RUN (or a cache mount / removal).
fn missing_clean(
    run: &Run,
    is_install: impl Fn(&Cmd) -> bool,
    is_clean: impl Fn(&Cmd) -> bool,
    cache_dirs: &[&str],
) -> Option<TextRange> {
    if cache_dirs.iter().any(|d| run.has_cache_mount_covering(d)) {
        return None;
    }
    let cmds: Vec<&Cmd> = run.commands().collect();
    let first_install = cmds.iter().position(|c| is_install(c))?;
    let cleaned = cmds
        .iter()
        .skip(first_install + 1)
        .any(|c| is_clean(c) || cache_dirs.iter().any(|d| removes_dir(c, d)));
    (!cleaned)
        .then(|| cmds.get(first_install).map(|c| c.range))
        .flatten()
}

fn per_run(
    ctx: &mut Context<'_>,
    rule: &'static Rule,
    msg: &str,
    mut bad: impl FnMut(&Run) -> Option<TextRange>,
) {
    let f = ctx.model();
    let ranges: Vec<TextRange> = f.runs().iter().filter_map(&mut bad).collect();
    for r in ranges {
        report(ctx, rule, msg, r);
    }
}

pub static DL3032_META: RuleMeta = RuleMeta {
    code: "DL3032",
    name: "yum-clean-missing",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3032"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Run `yum clean all` after `yum install`.",
    docs: r#"## What it does

Flags a RUN with `yum install` that does not run `yum clean all` (or remove
`/var/cache/yum`) after it, unless a cache mount covers `/var/cache/yum`.

## Why is this bad?

yum's cache of downloaded packages and metadata stays in the layer.

## Example

```dockerfile bad
FROM centos:7
RUN yum install -y httpd-2.4.6
```

```dockerfile good
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
```

## Differences from hadolint

- A cache or tmpfs mount on `/var/cache/yum` keeps the cache out of the layer and is
  accepted; the clean must come after the install.
- hadolint pull request #1249 (not merged) makes `DL3032` "Use BuildKit cache mount for
  yum": it reports every yum install without a cache mount, even one that cleans up.
  bosun keeps the layer-size check: `yum clean all` (or removing `/var/cache/yum`) in
  the same RUN keeps the cache out of the layer as well as a cache or tmpfs mount does,
  and both are accepted.

## References

- hadolint `DL3032`
"#,
};

pub static DL3032: Rule = Rule::new(&DL3032_META, check_dl3032);

fn check_dl3032(ctx: &mut Context<'_>) {
    per_run(
        ctx,
        &DL3032,
        "`yum clean all` missing after yum command",
        |run| {
            missing_clean(
                run,
                |c| {
                    c.is("yum")
                        && subcommand_is(c, &["install", "groupinstall", "localinstall"]).is_some()
                },
                // `yum clean` alone does nothing and `metadata` or `packages` leave the
                // other half of the cache: only `all` empties it.
                |c| c.is("yum") && subcommand_is(c, &["clean"]).is_some() && c.has_arg("all"),
                &["/var/cache/yum"],
            )
        },
    );
}

pub static DL3033_META: RuleMeta = RuleMeta {
    code: "DL3033",
    name: "yum-install-unpinned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3033"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Pin package versions in `yum install`.",
    docs: r#"## What it does

Flags `yum install` of packages without a version (`httpd-2.4.6`) or `.rpm` file, and
`yum module install` of modules without a stream (`nodejs:18`).

## Why is this bad?

Unpinned packages make rebuilds install different versions.

## Example

```dockerfile bad
FROM centos:7
RUN yum install -y httpd && yum clean all
```

```dockerfile good
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
```

## References

- hadolint `DL3033`
"#,
};

pub static DL3033: Rule = Rule::new(&DL3033_META, check_dl3033);

const RPM_VALUE_FLAGS: &[&str] = &[
    "c",
    "config",
    "installroot",
    "releasever",
    "setopt",
    "enablerepo",
    "disablerepo",
    "x",
    "exclude",
    "repo",
    "repofrom",
    "d",
    "e",
    "debuglevel",
    "errorlevel",
];

fn rpm_unpinned(
    cmd: &Cmd,
    names: &[&str],
    pinned: impl Fn(&str) -> bool,
) -> Option<(String, TextRange, Option<Fix>)> {
    if !names.contains(&cmd.name.as_str()) {
        return None;
    }
    let module = cmd.has_arg("module");
    let install = cmd.args.iter().find(|a| a.text == "install")?;
    let pkgs = packages(cmd, install, RPM_VALUE_FLAGS);
    let unpinned: Vec<&Arg> = pkgs
        .into_iter()
        .filter(|p| {
            if module {
                !p.text.contains(':')
            } else {
                !(p.text.ends_with(".rpm") || pinned(&p.text))
            }
        })
        .collect();
    let first = unpinned.first()?;
    Some((
        format!(
            "Specify versions with `{} install -y <package>-<version>`: {}",
            cmd.name,
            list(&unpinned)
        ),
        first.range,
        None,
    ))
}

fn check_dl3033(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3033, &f, |_, cmd| {
        // `name-version`; an empty version (`git-core-${V}` where `V` is empty) is no pin.
        rpm_unpinned(cmd, &["yum"], |p| {
            p.rsplit_once('-').is_some_and(|(_, v)| !v.is_empty())
        })
    });
}

pub static DL3034_META: RuleMeta = RuleMeta {
    code: "DL3034",
    name: "zypper-without-non-interactive",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3034"),
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    summary: "Use `-y` (or `-n`) with zypper.",
    docs: r#"## What it does

Flags `zypper install` (`in`, `remove`, `rm`, `source-install`, `si`, `patch`) without
`-y`/`--no-confirm` or the global `-n`/`--non-interactive`.

## Why is this bad?

zypper asks for confirmation and the build has nobody to answer.

## Example

```dockerfile bad
FROM opensuse/leap:15.6
RUN zypper install curl=8.6.0 && zypper clean
```

```dockerfile good
FROM opensuse/leap:15.6
RUN zypper install -y curl=8.6.0 && zypper clean
```

## Fix safety

The fix adds `-y` after the subcommand; safe.

## References

- hadolint `DL3034`
"#,
};

pub static DL3034: Rule = Rule::new(&DL3034_META, check_dl3034);

fn check_dl3034(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3034, &f, |_, cmd| {
        yes_rule(
            cmd,
            &["zypper"],
            &[
                "install",
                "in",
                "remove",
                "rm",
                "source-install",
                "si",
                "patch",
            ],
            &["y", "no-confirm", "n", "non-interactive"],
        )
    });
}

pub static DL3035_META: RuleMeta = RuleMeta {
    code: "DL3035",
    name: "zypper-dist-upgrade",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3035"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Do not use `zypper dist-upgrade`.",
    docs: r#"## What it does

Flags `zypper dist-upgrade` (`dup`).

## Why is this bad?

A distribution upgrade inside an image build changes the base distribution under the
image; use a newer base image instead.

## Example

```dockerfile bad
FROM opensuse/leap:15.6
RUN zypper -n dist-upgrade
```

```dockerfile good
FROM opensuse/leap:15.6
RUN zypper -n patch
```

## References

- hadolint `DL3035`
"#,
};

pub static DL3035: Rule = Rule::new(&DL3035_META, check_dl3035);

fn check_dl3035(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3035, &f, |_, cmd| {
        (cmd.is("zypper") && subcommand_is(cmd, &["dist-upgrade", "dup"]).is_some()).then(|| {
            (
                "Do not use `zypper dist-upgrade`".to_string(),
                cmd.range,
                None,
            )
        })
    });
}

pub static DL3036_META: RuleMeta = RuleMeta {
    code: "DL3036",
    name: "zypper-clean-missing",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3036"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Run `zypper clean` after `zypper install`.",
    docs: r#"## What it does

Flags a RUN with `zypper install` that does not run `zypper clean` (`cc`) after it,
unless a cache mount covers `/var/cache/zypp`.

## Why is this bad?

zypper's package cache stays in the layer.

## Example

```dockerfile bad
FROM opensuse/leap:15.6
RUN zypper install -y curl=8.6.0
```

```dockerfile good
FROM opensuse/leap:15.6
RUN zypper install -y curl=8.6.0 && zypper clean
```

## Differences from hadolint

- hadolint pull request #1249 (not merged) makes `DL3036` "Use BuildKit cache mount for
  zypper": it reports every zypper install without a cache mount, even one that cleans
  up. bosun keeps the layer-size check: `zypper clean` in the same RUN keeps the cache
  out of the layer as well as a cache or tmpfs mount does, and both are accepted.

## References

- hadolint `DL3036`
"#,
};

pub static DL3036: Rule = Rule::new(&DL3036_META, check_dl3036);

fn check_dl3036(ctx: &mut Context<'_>) {
    per_run(
        ctx,
        &DL3036,
        "`zypper clean` missing after zypper use",
        |run| {
            missing_clean(
                run,
                |c| c.is("zypper") && subcommand_is(c, &["install", "in"]).is_some(),
                |c| c.is("zypper") && subcommand_is(c, &["clean", "cc"]).is_some(),
                &["/var/cache/zypp"],
            )
        },
    );
}

pub static DL3037_META: RuleMeta = RuleMeta {
    code: "DL3037",
    name: "zypper-install-unpinned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3037"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Pin package versions in `zypper install`.",
    docs: r#"## What it does

Flags `zypper install` of packages without a version (`curl=8.6.0`, `curl>=8`) or
`.rpm` file.

## Why is this bad?

Unpinned packages make rebuilds install different versions.

## Example

```dockerfile bad
FROM opensuse/leap:15.6
RUN zypper install -y curl && zypper clean
```

```dockerfile good
FROM opensuse/leap:15.6
RUN zypper install -y curl=8.6.0 && zypper clean
```

## References

- hadolint `DL3037`
"#,
};

pub static DL3037: Rule = Rule::new(&DL3037_META, check_dl3037);

fn check_dl3037(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3037, &f, |_, cmd| {
        let sub = if cmd.is("zypper") {
            subcommand_is(cmd, &["install", "in"])?
        } else {
            return None;
        };
        let unpinned: Vec<&Arg> = packages(cmd, sub, &["r", "repo", "from", "t", "type"])
            .into_iter()
            .filter(|p| !(p.text.contains(['=', '<', '>']) || p.text.ends_with(".rpm")))
            .collect();
        let first = unpinned.first()?;
        Some((
            format!(
                "Specify versions with `zypper install -y <package>=<version>`: {}",
                list(&unpinned)
            ),
            first.range,
            None,
        ))
    });
}

const DNF: &[&str] = &["dnf", "dnf5", "microdnf"];

/// dnf subcommands that download packages, with dnf's short aliases.
const DNF_INSTALLING: &[&str] = &[
    "install",
    "in",
    "reinstall",
    "rei",
    "upgrade",
    "up",
    "upgrade-minimal",
    "up-min",
    "localinstall",
];

pub static DL3038_META: RuleMeta = RuleMeta {
    code: "DL3038",
    name: "dnf-install-without-yes",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3038"),
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    summary: "Use `-y` with `dnf install`.",
    docs: r#"## What it does

Flags `dnf install` (`groupinstall`, `localinstall`) without `-y`/`--assumeyes`.

## Why is this bad?

dnf asks for confirmation and the build has nobody to answer.

## Example

```dockerfile bad
FROM fedora:40
RUN dnf install httpd-2.4.62 && dnf clean all
```

```dockerfile good
FROM fedora:40
RUN dnf install -y httpd-2.4.62 && dnf clean all
```

## Differences from hadolint

`microdnf` never asks for confirmation, so it is not reported; `dnf5` is checked like
`dnf`.

## Fix safety

The fix adds `-y` after the subcommand; safe.

## References

- hadolint `DL3038`
"#,
};

pub static DL3038: Rule = Rule::new(&DL3038_META, check_dl3038);

fn check_dl3038(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3038, &f, |_, cmd| {
        yes_rule(
            cmd,
            &["dnf", "dnf5"],
            &["install", "groupinstall", "localinstall"],
            &["y", "assumeyes"],
        )
    });
}

pub static DL3040_META: RuleMeta = RuleMeta {
    code: "DL3040",
    name: "dnf-clean-missing",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3040"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Run `dnf clean all` after `dnf install`.",
    docs: r#"## What it does

Flags a RUN with `dnf install` (`microdnf`, `dnf5`; also `reinstall`, `upgrade`,
`upgrade-minimal` and dnf's short forms `in`, `rei`, `up`, `up-min`) that does not run
`dnf clean all` (or remove `/var/cache/dnf`) after it, unless a cache mount covers the
dnf cache. `microdnf clean all` does not count after `dnf install`, nor the other way
round.

## Why is this bad?

dnf's metadata and package cache stay in the layer (often over 100 MB).

## Example

```dockerfile bad
FROM fedora:40
RUN dnf install -y httpd-2.4.62
```

```dockerfile good
FROM fedora:40
RUN dnf install -y httpd-2.4.62 && dnf clean all
```

## Differences from hadolint

- Cache or tmpfs mounts on `/var/cache/dnf` and `/var/cache/yum` are accepted (hadolint
  accepts only `/var/cache/libdnf5`).
- hadolint pull request #1249 (not merged) makes `DL3040` "Use BuildKit cache mount for
  dnf": it reports every dnf install without a cache mount, even one that cleans up.
  bosun keeps the layer-size check: `dnf clean all` (or removing the dnf cache) in the
  same RUN keeps the cache out of the layer as well as a cache or tmpfs mount does, and
  both are accepted.

## References

- hadolint `DL3040`
"#,
};

pub static DL3040: Rule = Rule::new(&DL3040_META, check_dl3040);

fn check_dl3040(ctx: &mut Context<'_>) {
    per_run(
        ctx,
        &DL3040,
        "`dnf clean all` missing after dnf command",
        |run| {
            // dnf (dnf5) and microdnf each clean their own metadata: `microdnf clean all`
            // does not clean after `dnf install`, nor the other way round.
            let family = |name: &str| name == "microdnf";
            [false, true].into_iter().find_map(|micro| {
                missing_clean(
                    run,
                    |c| {
                        DNF.contains(&c.name.as_str())
                            && family(&c.name) == micro
                            && subcommand_is(c, DNF_INSTALLING).is_some()
                    },
                    |c| {
                        DNF.contains(&c.name.as_str())
                            && family(&c.name) == micro
                            && subcommand_is(c, &["clean"]).is_some()
                    },
                    &["/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum"],
                )
            })
        },
    );
}

pub static DL3041_META: RuleMeta = RuleMeta {
    code: "DL3041",
    name: "dnf-install-unpinned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3041"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Pin package versions in `dnf install`.",
    docs: r#"## What it does

Flags `dnf install` (`microdnf`, `dnf5`) of packages without a version
(`httpd-2.4.62`, or a version in a variable: `httpd-$VERSION`) or `.rpm` file, and
`dnf module install` without a stream (`nodejs:20`).

## Why is this bad?

Unpinned packages make rebuilds install different versions.

## Example

```dockerfile bad
FROM fedora:40
RUN dnf install -y httpd && dnf clean all
```

```dockerfile good
FROM fedora:40
RUN dnf install -y httpd-2.4.62 && dnf clean all
```

## References

- hadolint `DL3041`
"#,
};

pub static DL3041: Rule = Rule::new(&DL3041_META, check_dl3041);

/// `name-1.2.3`: some dash-separated part after the first starts with a digit, and all
/// such parts use version characters.
fn rpm_versioned(p: &str) -> bool {
    let parts: Vec<&str> = p.split('-').collect();
    if parts.len() <= 1 {
        return false;
    }
    let rest = &parts[1..];
    // A version held in a variable (`tomcat-$VERSION`, `"git-core-${GIT_VER}"`) is a
    // pin, as for yum's DL3033.
    let variable = |x: &&str| x.starts_with('$');
    rest.iter().all(|x| {
        variable(x)
            || x.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".~^_:+*".contains(c))
    }) && rest
        .iter()
        .any(|x| variable(x) || x.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

fn check_dl3041(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3041, &f, |_, cmd| {
        if cmd.subcommand().is_some_and(|s| s.text == "group") {
            return None;
        }
        rpm_unpinned(cmd, DNF, rpm_versioned)
    });
}

// ------------------------------------------------------------------ pip
fn pip_install(cmd: &Cmd) -> Option<&Arg> {
    if cmd.name.starts_with("pip")
        && !cmd.name.starts_with("pipx")
        && !cmd.name.starts_with("pipenv")
    {
        return subcommand_is(cmd, &["install"]);
    }
    if cmd.name.starts_with("python") {
        let texts: Vec<&str> = cmd.args.iter().map(|a| a.text.as_str()).collect();
        let pos = texts
            .windows(3)
            .position(|w| w == ["-m", "pip", "install"])?;
        return cmd.args.get(pos + 2);
    }
    None
}

const PIP_VALUE_FLAGS: &[&str] = &[
    "abi",
    "b",
    "build",
    "e",
    "editable",
    "extra-index-url",
    "f",
    "find-links",
    "i",
    "index-url",
    "implementation",
    "no-binary",
    "only-binary",
    "platform",
    "prefix",
    "progress-bar",
    "proxy",
    "python-version",
    "root",
    "src",
    "t",
    "target",
    "trusted-host",
    "upgrade-strategy",
    "c",
    "constraint",
    "r",
    "requirement",
    "log",
    "cache-dir",
    "timeout",
    "retries",
    "config-settings",
    "C",
    "report",
    "python",
    "root-user-action",
    "global-option",
    "install-option",
    "build-option",
    "cert",
    "client-cert",
    "exists-action",
];

pub static DL3013_META: RuleMeta = RuleMeta {
    code: "DL3013",
    name: "pip-install-unpinned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3013"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Pin package versions in `pip install`.",
    docs: r#"## What it does

Flags `pip install` (and `pipx install`) of packages without a version specifier
(`pkg==1.2`), unless the
install uses a requirements (`-r`) or constraints (`-c`) file, a local path or a
pinned VCS URL.

## Why is this bad?

Unpinned packages make rebuilds install different versions.

## Example

```dockerfile bad
FROM python:3.12
RUN pip install --no-cache-dir requests
```

```dockerfile good
FROM python:3.12
RUN pip install --no-cache-dir requests==2.32.3
```

## Differences from hadolint

Packages given only by a variable are not reported.

## References

- hadolint `DL3013`
"#,
};

pub static DL3013: Rule = Rule::new(&DL3013_META, check_dl3013);

fn pip_pinned(p: &str) -> bool {
    const VCS: &[&str] = &["git+", "hg+", "svn+", "bzr+", "git://"];
    let vcs = VCS.iter().any(|v| p.starts_with(v));
    ["==", ">=", "<=", ">", "<", "!=", "~=", "==="]
        .iter()
        .any(|s| p.contains(s))
        || (vcs && p.rsplit('/').next().is_some_and(|last| last.contains('@')))
        || [".whl", ".tar.gz", ".zip", ".tgz"]
            .iter()
            .any(|s| p.ends_with(s))
        || (!vcs && p.contains('/'))
        || p.starts_with('.')
}

const PIPX_VALUE_FLAGS: &[&str] = &["python", "index-url", "pip-args", "suffix", "preinstall"];

fn check_dl3013(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3013, &f, |_, cmd| {
        if cmd.is("pipx") {
            // `pipx install black==24.1.0`: one package spec, pinned like pip's.
            let sub = subcommand_is(cmd, &["install"])?;
            let unpinned: Vec<&Arg> = packages(cmd, sub, PIPX_VALUE_FLAGS)
                .into_iter()
                .filter(|p| !pip_pinned(&p.text))
                .collect();
            let first = unpinned.first()?;
            return Some((
                format!(
                    "Pin versions in pipx: {} (use `<package>==<version>`)",
                    list(&unpinned)
                ),
                first.range,
                None,
            ));
        }
        let sub = pip_install(cmd)?;
        if cmd.has_any_flag(&["r", "requirement", "c", "constraint", "e", "editable"])
            || cmd.has_arg(".")
        {
            return None;
        }
        let unpinned: Vec<&Arg> = packages(cmd, sub, PIP_VALUE_FLAGS)
            .into_iter()
            .filter(|p| !pip_pinned(&p.text))
            .collect();
        let first = unpinned.first()?;
        Some((
            format!(
                "Pin versions in pip: {} (use `<package>==<version>` or a requirements file)",
                list(&unpinned)
            ),
            first.range,
            None,
        ))
    });
}

pub static DL3042_META: RuleMeta = RuleMeta {
    code: "DL3042",
    name: "pip-install-with-cache",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3042"),
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    summary: "Use `pip install --no-cache-dir`.",
    docs: r#"## What it does

Flags `pip install` without `--no-cache-dir`, unless `PIP_NO_CACHE_DIR` is set (by
`ENV` in the stage or its parents, or in the RUN) or a cache mount covers pip's cache.

## Why is this bad?

pip keeps downloaded wheels in `~/.cache/pip`, which then ships in the layer.

## Example

```dockerfile bad
FROM python:3.12
RUN pip install requests==2.32.3
```

```dockerfile good
FROM python:3.12
RUN pip install --no-cache-dir requests==2.32.3
```

```dockerfile good
FROM python:3.12
RUN --mount=type=cache,target=/root/.cache/pip pip install requests==2.32.3
```

## Differences from hadolint

- Any cache or tmpfs mount whose target covers pip's cache directory is accepted, and
  `pipx`/`pipenv` are not reported.
- hadolint pull request #1249 (not merged) makes `DL3042` "Use BuildKit cache mount for
  pip": it reports every pip install without a cache mount, even one that cleans up.
  bosun keeps the layer-size check: `--no-cache-dir` (or `PIP_NO_CACHE_DIR`) in the same
  RUN keeps the cache out of the layer as well as a cache or tmpfs mount does, and both
  are accepted.

## Fix safety

The fix adds `--no-cache-dir` after `install`; the installed packages are the same, so
it is safe.

## References

- hadolint `DL3042`
"#,
};

pub static DL3042: Rule = Rule::new(&DL3042_META, check_dl3042);

fn truthy(v: &str) -> bool {
    matches!(
        super::unquote(v).to_ascii_lowercase().as_str(),
        "1" | "true" | "on" | "yes"
    )
}

fn check_dl3042(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    // Stages with PIP_NO_CACHE_DIR set by ENV (inherited by child stages).
    let mut no_cache: Vec<bool> = vec![false; f.stages().len()];
    // Instructions before the first FROM (a snippet without one) share one scope.
    let mut before_from = false;
    for (i, ins) in df.instructions.iter().enumerate() {
        let stage = f.stage_index_of(i);
        if ins.is("FROM") {
            if let Some(s) = stage {
                let inherited = f
                    .stages()
                    .get(s)
                    .and_then(|st| st.parent())
                    .and_then(|p| no_cache.get(p).copied())
                    .unwrap_or(false);
                if let Some(slot) = no_cache.get_mut(s) {
                    *slot = inherited;
                }
            }
        }
        let env = if ins.is("ENV") {
            Some(ins)
        } else {
            ins.onbuild.as_deref().filter(|t| t.is("ENV"))
        };
        if let Some(env) = env {
            for kv in env.key_values() {
                if kv.key.text == "PIP_NO_CACHE_DIR" {
                    let on = truthy(&kv.value.text);
                    match stage.and_then(|s| no_cache.get_mut(s)) {
                        Some(slot) => *slot = on,
                        None => before_from = on,
                    }
                }
            }
        }
        if !ins.is("RUN") && !ins.is("ONBUILD") {
            continue;
        }
        let stage_set = match stage {
            Some(s) => no_cache.get(s).copied().unwrap_or(false),
            None => before_from,
        };
        let mut out = Vec::new();
        for run in f.runs_at(i) {
            if stage_set
                || run.has_cache_mount(".cache/pip")
                || run.has_cache_mount_covering("/root/.cache/pip")
            {
                continue;
            }
            let text = df.text(run.range);
            if let Some(pos) = text.find("PIP_NO_CACHE_DIR=") {
                let v: String = text[pos + 17..]
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != ';' && *c != '&')
                    .collect();
                if truthy(&v) {
                    continue;
                }
            }
            for cmd in run.commands() {
                let Some(sub) = pip_install(cmd) else {
                    continue;
                };
                if cmd.has_arg("--no-cache-dir")
                    || cmd
                        .args
                        .iter()
                        .any(|a| a.text.starts_with("--no-cache-dir="))
                {
                    continue;
                }
                out.push((cmd.range, insert_after(sub, "--no-cache-dir")));
            }
        }
        for (range, edit) in out {
            report(
                ctx,
                &DL3042,
                "Avoid use of cache directory with pip: use `pip install --no-cache-dir <package>`",
                range,
            )
            .fix(Fix::safe("Add `--no-cache-dir`", vec![edit]));
        }
    }
}

// ------------------------------------------------------------------ npm / yarn / gem / go
pub static DL3016_META: RuleMeta = RuleMeta {
    code: "DL3016",
    name: "npm-install-unpinned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3016"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Pin package versions in `npm install`.",
    docs: r#"## What it does

Flags `npm install <package>` without a version (`pkg@1.2.3`), unless the package is a
local folder, a tarball or a git URL with a commit (`#sha`).

## Why is this bad?

Unpinned packages make rebuilds install different versions. (`npm install` or `npm ci`
without package names use the lock file and are fine.)

## Example

```dockerfile bad
FROM node:20
RUN npm install -g typescript
```

```dockerfile good
FROM node:20
RUN npm install -g typescript@5.5.4
```

## Differences from hadolint

Values of options such as `--prefix` and `--registry` are not taken for packages, and
packages given only by a variable are not reported.

## References

- hadolint `DL3016`
"#,
};

pub static DL3016: Rule = Rule::new(&DL3016_META, check_dl3016);

fn npm_pinned(p: &str) -> bool {
    let git = ["git://", "git+ssh://", "git+http://", "git+https://"]
        .iter()
        .any(|g| p.starts_with(g));
    if git {
        return p.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"].iter().any(|s| p.ends_with(s))
        || ["/", "./", "../", "~/"].iter().any(|s| p.starts_with(s))
    {
        return true;
    }
    let unscoped = if let Some(rest) = p.strip_prefix('@') {
        rest.split_once('/').map_or(rest, |(_, r)| r)
    } else {
        p
    };
    unscoped.contains('@')
}

fn check_dl3016(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3016, &f, |_, cmd| {
        if !cmd.is("npm") {
            return None;
        }
        let sub = subcommand_is(cmd, &["install", "i", "add"])?;
        let pkgs = packages(
            cmd,
            sub,
            &[
                "prefix",
                "registry",
                "cache",
                "userconfig",
                "loglevel",
                "tag",
                "C",
                "w",
                "workspace",
                "install-strategy",
            ],
        );
        let unpinned: Vec<&Arg> = pkgs.into_iter().filter(|p| !npm_pinned(&p.text)).collect();
        let first = unpinned.first()?;
        Some((
            format!(
                "Pin versions in npm: {} (use `<package>@<version>`)",
                list(&unpinned)
            ),
            first.range,
            None,
        ))
    });
}

pub static DL3028_META: RuleMeta = RuleMeta {
    code: "DL3028",
    name: "gem-install-unpinned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3028"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Pin gem versions in `gem install`.",
    docs: r#"## What it does

Flags `gem install` of gems without a version (`gem:1.2.3`, `-v 1.2.3`). Build options
after `--` and a `true`/`false` value after a long option are not gems.

## Why is this bad?

Unpinned gems make rebuilds install different versions.

## Example

```dockerfile bad
FROM ruby:3.3
RUN gem install bundler
```

```dockerfile good
FROM ruby:3.3
RUN gem install bundler:2.5.16
```

## References

- hadolint `DL3028`
"#,
};

pub static DL3028: Rule = Rule::new(&DL3028_META, check_dl3028);

fn check_dl3028(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3028, &f, |_, cmd| {
        if !cmd.is("gem") {
            return None;
        }
        let sub = subcommand_is(cmd, &["install", "i"])?;
        if cmd.has_any_flag(&["v", "version"]) {
            return None;
        }
        let pkgs = packages(
            cmd,
            sub,
            &[
                "i",
                "install-dir",
                "n",
                "bindir",
                "source",
                "s",
                "p",
                "http-proxy",
                "platform",
                "document",
            ],
        );
        // After `--` come the gem's build options (`-- --with-x=y`), not gems; a bare
        // `true`/`false` after a long option is that option's value.
        let end = cmd
            .args
            .iter()
            .find(|a| a.text == "--")
            .map_or(usize::MAX, |a| a.range.start);
        let bool_values: Vec<usize> = cmd
            .args
            .windows(2)
            .filter(|w| {
                w[0].text.starts_with("--")
                    && !w[0].text.contains('=')
                    && matches!(w[1].text.as_str(), "true" | "false")
            })
            .map(|w| w[1].range.start)
            .collect();
        let unpinned: Vec<&Arg> = pkgs
            .into_iter()
            .filter(|p| p.range.start < end && !bool_values.contains(&p.range.start))
            .filter(|p| !p.text.contains(':'))
            .collect();
        let first = unpinned.first()?;
        Some((
            format!(
                "Pin versions in gem install: {} (use `<gem>:<version>`)",
                list(&unpinned)
            ),
            first.range,
            None,
        ))
    });
}

pub static DL3060_META: RuleMeta = RuleMeta {
    code: "DL3060",
    name: "yarn-cache-not-cleaned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3060"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Run `yarn cache clean` after `yarn install`.",
    docs: r#"## What it does

Flags a RUN with `yarn install` that does not run `yarn cache clean` after it, unless a
cache mount covers yarn's cache. Like `DL3009`, only RUNs whose layer reaches the image
are checked (the final stage and the stages it is built `FROM`).

## Why is this bad?

yarn's global cache stays in the layer.

## Example

```dockerfile bad
FROM node:20
RUN yarn install --frozen-lockfile
```

```dockerfile good
FROM node:20
RUN yarn install --frozen-lockfile && yarn cache clean
```

## Differences from hadolint

- hadolint pull request #1249 (not merged) makes `DL3060` "Use BuildKit cache mount for
  yarn": it reports every yarn install without a cache mount, even one that cleans up.
  bosun keeps the layer-size check: `yarn cache clean` in the same RUN keeps the cache
  out of the layer as well as a cache or tmpfs mount does, and both are accepted.

## References

- hadolint `DL3060`
"#,
};

pub static DL3060: Rule = Rule::new(&DL3060_META, check_dl3060);

fn check_dl3060(ctx: &mut Context<'_>) {
    let f = ctx.model();
    let in_image = image_stages(&f);
    per_run(
        ctx,
        &DL3060,
        "`yarn cache clean` missing after `yarn install`",
        |run| {
            let relevant = run.onbuild || run.stage.is_none_or(|s| in_image.get(s) == Some(&true));
            if !relevant
                || run.has_cache_mount(".cache/yarn")
                || run.has_cache_mount("/usr/local/share/.cache")
            {
                return None;
            }
            missing_clean(
                run,
                |c| c.is("yarn") && c.has_arg("install"),
                |c| c.is("yarn") && c.has_arg("cache") && c.has_arg("clean"),
                &[],
            )
        },
    );
}

pub static DL3062_META: RuleMeta = RuleMeta {
    code: "DL3062",
    name: "go-install-unpinned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3062"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Pin versions in `go install`.",
    docs: r#"## What it does

Flags `go install` (`go install tool NAME`), `go get` and `go run` of a remote package
without a version (`pkg@v1.2.3`; `@latest` is not a version). Local packages (`.`,
`./cmd/app`, `main.go`) are fine; for `go run` only the package is looked at, not the
program's arguments after it.

## Why is this bad?

Without a version, Go resolves the newest release at build time.

## Example

```dockerfile bad
FROM golang:1.22
RUN go install golang.org/x/tools/gopls@latest
```

```dockerfile good
FROM golang:1.22
RUN go install golang.org/x/tools/gopls@v0.16.1
```

## References

- hadolint `DL3062`
"#,
};

pub static DL3062: Rule = Rule::new(&DL3062_META, check_dl3062);

fn check_dl3062(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3062, &f, |_, cmd| {
        if !cmd.is("go") {
            return None;
        }
        let sub = subcommand_is(cmd, &["install", "get", "run"])?;
        let mut pkgs = packages(
            cmd,
            sub,
            &[
                "ldflags", "gcflags", "tags", "o", "C", "modfile", "mod", "p", "asmflags",
                "buildvcs", "overlay", "pkgdir", "toolexec", "exec",
            ],
        );
        // `go install tool NAME`: `tool` names the mode, not a package.
        if sub.text == "install" && pkgs.first().is_some_and(|p| p.text == "tool") {
            pkgs.remove(0);
        }
        // `go run PKG ARGS...`: what follows the package is the program's arguments.
        if sub.text == "run" {
            pkgs.truncate(1);
        }
        let unpinned: Vec<&Arg> = pkgs
            .into_iter()
            .filter(|p| {
                let t = p.text.as_str();
                let local = t.starts_with('.') || t.starts_with('/') || t.ends_with(".go");
                let pinned = t.rsplit_once('@').is_some_and(|(_, v)| {
                    !v.is_empty() && v != "latest" && v != "master" && v != "main"
                });
                !local && !pinned
            })
            .collect();
        let first = unpinned.first()?;
        Some((
            format!(
                "Pin versions in go: {} (use `<package>@<version>`)",
                list(&unpinned)
            ),
            first.range,
            None,
        ))
    });
}

pub static DL3068_META: RuleMeta = RuleMeta {
    code: "DL3068",
    name: "pecl-install-unpinned",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3068"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Pin versions in `pecl install`.",
    docs: r#"## What it does

Flags `pecl install` of packages without a numeric version (`redis-6.1.0`; a channel
prefix such as `pecl.php.net/` or `channel://pecl.php.net/` is allowed). Stability
keywords (`redis-beta`, `xdebug-stable`) float, so they are not versions. Release
archives (`.tgz`, `.tar`, `.tar.gz`, `.tar.bz2`, `.zip`), `package.xml` descriptors and
`http(s)://` downloads are fixed already. A version that is a variable
(`redis-${REDIS_VERSION}`) counts as pinned.

## Why is this bad?

Without a version, PECL installs the newest release at build time, so two builds of the
same Dockerfile can get different extensions.

## Example

```dockerfile bad
FROM php:8.3-cli
RUN pecl install redis && docker-php-ext-enable redis
```

```dockerfile good
FROM php:8.3-cli
RUN pecl install redis-6.1.0 && docker-php-ext-enable redis
```

## References

- hadolint `DL3068` (proposed upstream in hadolint pull request #1069, in no hadolint release: opt-in, run it with `--select DL3068` or `select` in `bosun.toml`)
- `pecl help install`
"#,
};

pub static DL3068: Rule = Rule::new(&DL3068_META, check_dl3068).off_by_default();

/// A `pecl install` operand names a fixed release: a local archive or `package.xml`, a
/// URL, or `[channel/]name-<digit>...` (a variable version counts as pinned).
fn pecl_pinned(p: &str) -> bool {
    let fixed_file = [".tgz", ".tar", ".tar.gz", ".tar.bz2", ".zip", ".xml"]
        .iter()
        .any(|s| p.ends_with(s));
    if fixed_file || p.starts_with("http://") || p.starts_with("https://") {
        return true;
    }
    let without_scheme = p.split_once("://").map_or(p, |(_, rest)| rest);
    let name = without_scheme.rsplit('/').next().unwrap_or(without_scheme);
    name.rsplit_once('-').is_some_and(|(_, version)| {
        version.starts_with(|c: char| c.is_ascii_digit()) || version.starts_with("${")
    })
}

fn check_dl3068(ctx: &mut Context<'_>) {
    let f = ctx.model();
    per_command(ctx, &DL3068, &f, |_, cmd| {
        if !cmd.is("pecl") {
            return None;
        }
        let sub = subcommand_is(cmd, &["install"])?;
        let pkgs = packages(
            cmd,
            sub,
            &[
                "R",
                "installroot",
                "P",
                "packagingroot",
                "D",
                "configureoptions",
            ],
        );
        let unpinned: Vec<&Arg> = pkgs.into_iter().filter(|p| !pecl_pinned(&p.text)).collect();
        let first = unpinned.first()?;
        Some((
            format!(
                "Pin versions in pecl: {} (use `<package>-<version>`)",
                list(&unpinned)
            ),
            first.range,
            None,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{apply_fixes, lines, run};
    use super::*;

    #[test]
    fn packages_held_by_known_variables() {
        use super::super::test_util::findings;
        let messages = |src: &str| -> Vec<(usize, String)> {
            findings(&DL3008, src)
                .into_iter()
                .map(|f| match f.location {
                    bosun_diagnostics::Location::File { span: Some(s), .. } => {
                        (s.start_line, f.message)
                    }
                    _ => (0, f.message),
                })
                .collect()
        };
        let pin =
            |p: &str| format!("Pin versions in `apt-get install`: {p} (use `<package>=<version>`)");
        // An ARG default.
        let src = "FROM debian:12\nARG DEPS=\"build-essential curl=7.88.1\"\nRUN apt-get install -y $DEPS\n";
        assert_eq!(messages(src), [(3, pin("`build-essential`"))]);
        // An ENV, quoted and braced.
        let src =
            "FROM debian:12\nENV TOOLS=\"git wget\"\nRUN apt-get install -y ${TOOLS} jq=1.6\n";
        assert_eq!(messages(src), [(3, pin("`git`, `wget`"))]);
        // An assignment earlier in the same RUN (and not one after the command).
        let src = "FROM debian:12\nRUN PKGS='make gcc' && apt-get install -y $PKGS && PKGS=x\n";
        assert_eq!(messages(src), [(2, pin("`make`, `gcc`"))]);
        // Unknown values stay silent: an ARG without default, an expansion in the value.
        let src = "FROM debian:12\nARG DEPS\nRUN apt-get install -y $DEPS\nRUN V=\"$(cat f)\"; apt-get install -y $V\n";
        assert!(messages(src).is_empty());
        // A pinned value is clean.
        let src = "FROM debian:12\nARG CURL=curl=7.88.1\nRUN apt-get install -y \"$CURL\"\n";
        assert!(messages(src).is_empty());
    }

    #[test]
    fn yum_clean_must_be_all_and_aptitude_update_fetches_lists() {
        // `yum clean` alone and with another target leave the cache; `all` or removing
        // /var/cache/yum does not.
        let src = "FROM c\nRUN yum install -y a-1 && yum clean\nRUN yum install -y b-1 && yum clean metadata\nRUN yum install -y c-1 && yum clean all\nRUN yum install -y d-1 && rm -rf /var/cache/yum/*\n";
        assert_eq!(lines(&DL3032, src), vec![2, 3]);
        // aptitude fetches the lists like apt-get; removing them in the same RUN is clean.
        let src = "FROM d\nRUN aptitude update && aptitude install -y a=1\nRUN aptitude update && aptitude install -y b=1 && rm -rf /var/lib/apt/lists/*\n";
        assert_eq!(lines(&DL3009, src), vec![2]);
    }

    #[test]
    fn pecl_pins_and_options() {
        let src = "FROM php\nRUN pecl install -D 'with-x=\"yes\"' redis-6.1.0\nRUN pecl install redis-${REDIS_VERSION} xdebug\nRUN pecl install -R /opt imagick-3.7.0\nRUN pecl channel-update pecl.php.net\n";
        assert_eq!(run(&DL3068, src), vec![(3, 41)]);
        let msg = &super::super::test_util::findings(&DL3068, src)[0].message;
        assert_eq!(
            msg,
            "Pin versions in pecl: `xdebug` (use `<package>-<version>`)"
        );
    }

    #[test]
    fn dnf_short_subcommands_and_clean_per_tool() {
        let src = "FROM f\nRUN dnf in -y a-1\nRUN dnf up-min -y\nRUN dnf rei -y b-1 && dnf clean all\nRUN dnf install -y c-1 && microdnf clean all\nRUN microdnf install -y d-1 && microdnf clean all\n";
        assert_eq!(lines(&DL3040, src), vec![2, 3, 5]);
    }

    #[test]
    fn pipx_and_aptitude() {
        assert_eq!(
            lines(
                &DL3013,
                "FROM p\nRUN pipx install black\nRUN pipx install --python python3.12 ruff==0.4.1\n"
            ),
            vec![2]
        );
        assert_eq!(
            lines(
                &DL3008,
                "FROM d\nRUN aptitude install -y curl\nRUN aptitude install -y wget=1.21\n"
            ),
            vec![2]
        );
        assert_eq!(
            lines(&DL3014, "FROM d\nRUN aptitude install curl=1\n"),
            vec![2]
        );
    }

    #[test]
    fn option_values_are_not_packages() {
        assert!(lines(
            &DL3014,
            "FROM d\nRUN apt-get --quiet --quiet install python\n"
        )
        .is_empty());
        assert_eq!(
            lines(&DL3014, "FROM d\nRUN apt-get --quiet install python\n"),
            vec![2]
        );
        assert!(lines(
            &DL3013,
            "FROM p\nRUN pip install --root-user-action ignore six==1.16\n"
        )
        .is_empty());
        assert_eq!(
            lines(
                &DL3028,
                "FROM r\nRUN gem install x:1 -- --with-y true\nRUN gem install z --no-document\n"
            ),
            vec![3]
        );
    }

    #[test]
    fn apt_pinning() {
        let src = "FROM d\nRUN apt-get update && apt-get install -y \\\n    curl=1 \\\n    wget \\\n    ./x.deb\nRUN apt-get install -y $PKGS -t bookworm-backports y/bookworm\n";
        assert_eq!(run(&DL3008, src), vec![(4, 5)]);
    }

    #[test]
    fn apt_lists_final_stage_mounts_and_fix() {
        let src = "FROM d AS build\nRUN apt-get update && apt-get install -y x\nFROM d AS base\nRUN apt-get update\nFROM base\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\n";
        assert_eq!(lines(&DL3009, src), vec![4]);
        let fixed = apply_fixes(
            &DL3009,
            "FROM d\nRUN apt-get update && \\\n    apt-get install -y x\n",
        );
        assert_eq!(fixed, "FROM d\nRUN apt-get update && \\\n    apt-get install -y x && rm -rf /var/lib/apt/lists/*\n");
        assert!(lines(&DL3009, &fixed).is_empty());
    }

    #[test]
    fn apt_yes_and_recommends_fixes_converge() {
        let src = "FROM d\nRUN apt-get install x=1\nRUN apt-get -qq install x=1\nRUN apt-get -q install x=1\n";
        assert_eq!(lines(&DL3014, src), vec![2, 4]);
        let fixed = apply_fixes(&DL3014, src);
        assert!(fixed.contains("apt-get install -y x=1"));
        assert!(lines(&DL3014, &fixed).is_empty());
        let fixed = apply_fixes(&DL3015, src);
        assert!(lines(&DL3015, &fixed).is_empty());
        assert_eq!(lines(&DL3015, "FROM d\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/x\nRUN apt-get install -y x=1\n"), Vec::<usize>::new());
    }

    #[test]
    fn apt_vs_apt_get() {
        let src = "FROM d\nRUN apt install -y x && apt-get install -y y\n";
        assert_eq!(run(&DL3027, src), vec![(2, 5)]);
        assert!(apply_fixes(&DL3027, src).contains("RUN apt-get install -y x"));
    }

    #[test]
    fn apk_rules() {
        let src = "FROM a\nRUN apk add --no-cache --virtual .deps x=1 y\nRUN apk add z=1\nRUN --mount=type=cache,target=/var/cache/apk apk add z=1\n";
        assert_eq!(lines(&DL3018, src), vec![2]);
        assert_eq!(lines(&DL3019, src), vec![3]);
        let fixed = apply_fixes(&DL3019, src);
        assert!(fixed.contains("apk add --no-cache z=1"));
        assert!(lines(&DL3019, &fixed).is_empty());
    }

    #[test]
    fn rpm_family() {
        let src = "FROM f\nRUN yum install httpd && yum clean all\nRUN yum install -y httpd-2.4\nRUN dnf install -y python3-devel foo-1.2 && dnf clean all\nRUN microdnf install foo-1.2\nRUN zypper -n install curl && zypper clean\n";
        assert_eq!(lines(&DL3030, src), vec![2]);
        assert_eq!(lines(&DL3032, src), vec![3]);
        assert_eq!(lines(&DL3033, src), vec![2]);
        assert_eq!(lines(&DL3038, src), Vec::<usize>::new());
        assert_eq!(lines(&DL3040, src), vec![5]);
        assert_eq!(lines(&DL3041, src), vec![4]);
        assert_eq!(lines(&DL3034, src), Vec::<usize>::new());
        assert_eq!(lines(&DL3037, src), vec![6]);
        assert_eq!(
            lines(
                &DL3036,
                "FROM s\nRUN zypper in -y x=1\nRUN zypper clean && zypper in -y x=1\n"
            ),
            vec![2, 3]
        );
        assert_eq!(lines(&DL3035, "FROM s\nRUN zypper -n dup\n"), vec![2]);
    }

    #[test]
    fn pip_rules() {
        let src = "FROM p\nRUN pip install foo\nRUN pip install -r r.txt\nRUN python3 -m pip install --no-cache-dir x==1\nRUN --mount=type=cache,target=/root/.cache/pip pip install y==1\nRUN pip install -e .\n";
        assert_eq!(lines(&DL3013, src), vec![2]);
        assert_eq!(lines(&DL3042, src), vec![2, 3, 6]);
        assert!(lines(
            &DL3042,
            "FROM p\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n"
        )
        .is_empty());
        let fixed = apply_fixes(&DL3042, src);
        assert!(lines(&DL3042, &fixed).is_empty());
    }

    #[test]
    fn npm_gem_go_yarn() {
        assert_eq!(lines(&DL3016, "FROM n\nRUN npm install -g typescript @scope/x@1 ./local\nRUN npm install\nRUN npm ci\n"), vec![2]);
        assert_eq!(lines(&DL3028, "FROM r\nRUN gem install bundler\nRUN gem install rails -v 7\nRUN gem install x:1\n"), vec![2]);
        assert_eq!(lines(&DL3062, "FROM g\nRUN go install ./cmd/x\nRUN go install a/b@latest\nRUN go install a/b@v1\n"), vec![3]);
        assert_eq!(
            lines(
                &DL3060,
                "FROM n\nRUN yarn install\nRUN yarn install && yarn cache clean\n"
            ),
            vec![2]
        );
    }
}

#[cfg(test)]
mod fix_placement {
    use super::super::test_util::{apply_fixes, lines};
    use super::*;

    #[test]
    fn apt_lists_fix_goes_before_a_trailing_comment() {
        let src = "FROM d\nRUN apt-get update && \\\n    apt-get install -y x  # why\n";
        let fixed = apply_fixes(&DL3009, src);
        assert_eq!(fixed, "FROM d\nRUN apt-get update && \\\n    apt-get install -y x && rm -rf /var/lib/apt/lists/*  # why\n");
        assert!(lines(&DL3009, &fixed).is_empty());
    }
}

#[cfg(test)]
mod run_forms {
    use super::super::test_util::{lines, run};
    use super::*;

    #[test]
    fn onbuild_exec_form_and_heredoc_runs_are_checked() {
        let src = "FROM d\nONBUILD RUN apt-get install x=1\nRUN [\"apt-get\", \"install\", \"y=1\"]\nRUN <<EOF\nset -e\napt-get install z=1\nEOF\nRUN [\"sh\", \"-c\", \"apt-get install w=1\"]\n";
        assert_eq!(lines(&DL3014, src), vec![2, 3, 6, 8]);
        // The exact place inside the heredoc and the exec-form script.
        assert_eq!(run(&DL3014, src)[2], (6, 1));
        assert_eq!(run(&DL3014, src)[3], (8, 19));
    }
}
