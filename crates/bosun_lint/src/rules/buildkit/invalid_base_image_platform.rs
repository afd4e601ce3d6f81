//! InvalidBaseImagePlatform: the base image's platform differs from the one asked for.
//! Offline, only what the Dockerfile itself says can be judged: Docker's per-architecture
//! repositories (`arm64v8/alpine`) pulled with a different constant `--platform`.

use super::from_platform_flag_const_disallowed::{normalize_arch, platform_parts};
use super::froms;
use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1013",
    name: "base-image-platform-mismatch",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["InvalidBaseImagePlatform"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "The base image is for another platform than the one FROM --platform asks for.",
    docs: r#"## What it does

Flags `FROM --platform=<constant>` with a base image from one of Docker's
per-architecture repositories (`amd64/`, `arm64v8/`, `arm32v7/`, `i386/`, `ppc64le/`,
`s390x/`, `riscv64/`, ...) for a different architecture.

BuildKit's `InvalidBaseImagePlatform` compares the platform of the image it actually
pulled with the one the build expects. bosun works offline, so it judges only what the
Dockerfile itself states; the general case needs the registry.

## Why is this bad?

The image runs under emulation, or not at all, on the platform the stage is built for.

## Example

```dockerfile bad
FROM --platform=linux/amd64 arm64v8/alpine:3.20 AS tools-amd64
```

```dockerfile good
FROM --platform=linux/arm64 arm64v8/alpine:3.20 AS tools-arm64
```

## References

- BuildKit check `InvalidBaseImagePlatform`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

/// Docker's per-architecture namespaces and the platform their images are for.
const ARCH_NAMESPACES: [(&str, &str, &str); 11] = [
    ("amd64", "amd64", "linux/amd64"),
    ("arm64v8", "arm64", "linux/arm64/v8"),
    ("arm32v7", "arm", "linux/arm/v7"),
    ("arm32v6", "arm", "linux/arm/v6"),
    ("arm32v5", "arm", "linux/arm/v5"),
    ("i386", "386", "linux/386"),
    ("ppc64le", "ppc64le", "linux/ppc64le"),
    ("s390x", "s390x", "linux/s390x"),
    ("riscv64", "riscv64", "linux/riscv64"),
    ("mips64le", "mips64le", "linux/mips64le"),
    ("winamd64", "amd64", "windows/amd64"),
];

fn check(ctx: &mut Context<'_>) {
    for from in froms(ctx.dockerfile).collect::<Vec<_>>() {
        let Some(value) = from.instr.flag("platform").and_then(|f| f.value.as_deref()) else {
            continue;
        };
        if value.contains('$') {
            continue;
        }
        let Some((os, arch)) = platform_parts(value) else {
            continue;
        };
        let Some(img) = from.image else { continue };
        let name = img
            .text
            .strip_prefix("docker.io/")
            .or_else(|| img.text.strip_prefix("index.docker.io/"))
            .unwrap_or(&img.text);
        let Some((ns, _)) = name.split_once('/') else {
            continue;
        };
        let Some((_, ns_arch, ns_platform)) = ARCH_NAMESPACES.iter().find(|(n, _, _)| *n == ns)
        else {
            continue;
        };
        let ns_os = ns_platform.split('/').next().unwrap_or("linux");
        if normalize_arch(ns_arch) != arch || ns_os != os {
            ctx.report(
                &META,
                format!(
                    "Base image {} was pulled with platform \"{ns_platform}\", expected \"{value}\" for current build",
                    img.text
                ),
                img.range.start..img.range.end,
            );
        }
    }
}
