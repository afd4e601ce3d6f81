//! FromPlatformFlagConstDisallowed: `FROM --platform=<constant>`.

use super::froms;
use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1009",
    name: "from-platform-constant",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["FromPlatformFlagConstDisallowed"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "FROM --platform should not use a constant value.",
    docs: r#"## What it does

Flags `FROM --platform=linux/amd64 ...`: a platform written as a constant rather than
through a variable such as `$BUILDPLATFORM`. A stage whose name contains the platform's
OS or architecture (`AS build-amd64`) is exempt, since it is clearly meant for that
platform. This is BuildKit's `FromPlatformFlagConstDisallowed` check. (hadolint's
DL3029 flags every `--platform`, variable or not.)

## Why is this bad?

A constant platform forces emulation on every other build platform and makes the image
the wrong architecture when built for another target.

## Example

```dockerfile bad
FROM --platform=linux/amd64 golang:1.22 AS build
```

```dockerfile good
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
```

## References

- BuildKit check `FromPlatformFlagConstDisallowed`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

/// `os[/arch[/variant]]` of a platform string (BuildKit's `platforms.Parse`, loosely:
/// only the parts are needed). `None` when it does not look like a platform.
pub fn platform_parts(p: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = p.split('/').collect();
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    };
    if parts.is_empty() || parts.len() > 3 || !parts.iter().all(|s| valid(s)) {
        return None;
    }
    let os = parts[0].to_lowercase();
    let arch = match parts.get(1) {
        Some(a) => normalize_arch(&a.to_lowercase()),
        None => return Some(("linux".into(), normalize_arch(&os))).filter(|_| is_arch(&os)),
    };
    Some((os, arch))
}

fn is_arch(s: &str) -> bool {
    matches!(
        s,
        "amd64"
            | "x86_64"
            | "arm64"
            | "aarch64"
            | "arm"
            | "386"
            | "i386"
            | "ppc64le"
            | "s390x"
            | "riscv64"
            | "mips64le"
            | "loong64"
    )
}

/// containerd's architecture normalisation for the common aliases.
pub fn normalize_arch(a: &str) -> String {
    match a {
        "x86_64" | "x86-64" | "amd64" => "amd64",
        "aarch64" | "arm64" => "arm64",
        "i386" | "i686" | "386" => "386",
        "armhf" | "armel" | "arm" => "arm",
        other => other,
    }
    .to_string()
}

fn check(ctx: &mut Context<'_>) {
    for from in froms(ctx.dockerfile).collect::<Vec<_>>() {
        let Some(flag) = from.instr.flag("platform") else {
            continue;
        };
        let Some(value) = flag.value.as_deref() else {
            continue;
        };
        if value.contains('$') {
            continue; // some substitution happens: not a constant
        }
        let Some((os, arch)) = platform_parts(value) else {
            continue;
        };
        let stage = from.name.map(|n| n.text.to_lowercase()).unwrap_or_default();
        if stage.contains(&os) || stage.contains(&arch) {
            continue;
        }
        ctx.report(
            &META,
            format!("FROM --platform flag should not use constant value \"{value}\""),
            flag.range.start..flag.range.end,
        );
    }
}
