//! hadolint's rules that run only when configured: trusted registries (`DL3026`) and the
//! label schema (`DL3049`-`DL3058`). Without `trustedRegistries` / `label-schema` in the
//! configuration they report nothing.

use super::{report, unquote};
use crate::config::LabelType;
use crate::context::Context;
use crate::registry::Rule;
use crate::rules::buildkit::buildkit_aliases;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};
use bosun_dockerfile::{Instruction, TextRange};

pub static DL3026_META: RuleMeta = RuleMeta {
    code: "DL3026",
    name: "untrusted-registry",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3026"),
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "Use only trusted registries for base images.",
    docs: r#"## What it does

When trusted registries are configured (`trustedRegistries` in `.hadolint.yaml`,
`trusted-registries` in `bosun.toml`), flags base images, `COPY --from` images and
`RUN --mount=from=` images from other registries. Names without a registry are Docker
Hub (`docker.io`); `*` wildcards match the start or end (`*.gcr.io`, `registry-*`).

## Why is this bad?

Images from unknown registries bypass the vetting (scanning, signing, mirroring) that an
organisation applies to its own.

## Example

```dockerfile bad
# settings: trusted-registries=registry.example.com
FROM quay.io/someone/tool:1.0
```

```dockerfile good
# settings: trusted-registries=registry.example.com
FROM registry.example.com/base/debian:12
```

## Differences from hadolint

Image names are resolved through `ARG` defaults first (`FROM ${REGISTRY}/app:1`), and
names that stay unresolved are not reported.

## References

- hadolint `DL3026`
"#,
};

pub static DL3026: Rule = Rule::new(&DL3026_META, check_dl3026);

fn wildcard_match(pattern: &str, value: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(rest), _) => value.ends_with(rest),
        (_, Some(rest)) => value.starts_with(rest),
        _ => pattern.eq_ignore_ascii_case(value),
    }
}

/// The registry of an image reference (`docker.io` when it names none).
pub fn registry_of(image: &str) -> &str {
    match image.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first,
        _ => "docker.io",
    }
}

fn trusted(registry: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| {
        wildcard_match(a, registry)
            || (registry == "docker.io" && (a == "hub.docker.com" || a == "index.docker.io"))
    })
}

fn check_dl3026(ctx: &mut Context<'_>) {
    let allowed = ctx.options.settings.trusted_registries.clone();
    if allowed.is_empty() {
        return;
    }
    let df = ctx.dockerfile;
    let f = ctx.model();
    let mut found: Vec<(String, TextRange)> = Vec::new();
    for (si, st) in f.stages().iter().enumerate() {
        let image = st.base_resolved();
        if image.contains('$')
            || image.eq_ignore_ascii_case("scratch")
            || f.find_stage(image, si).is_some()
        {
            continue;
        }
        if let Some(w) = df.instructions.get(st.from).and_then(|i| i.words.first()) {
            found.push((image.to_string(), w.range));
        }
    }
    for (i, ins) in df.instructions.iter().enumerate() {
        let here = f.stage_index_of(i).unwrap_or(0);
        let mut refs: Vec<(String, TextRange)> = Vec::new();
        if ins.is("COPY") || ins.is("ADD") {
            if let Some(flag) = ins.flag("from") {
                refs.push((flag.value.clone().unwrap_or_default(), flag.range));
            }
        }
        if ins.is("RUN") {
            for flag in ins.flags_named("mount") {
                if let Some(from) = flag
                    .value
                    .as_deref()
                    .map(bosun_dockerfile::model::Mount::parse)
                    .and_then(|m| m.from)
                {
                    refs.push((from, flag.range));
                }
            }
        }
        for (r, range) in refs {
            let r = bosun_dockerfile::expand::expand(&r, f.global_scope()).unwrap_or(r);
            let is_image = r.contains([':', '/', '@']);
            if r.contains('$') || !is_image || f.find_stage(&r, here + 1).is_some() {
                continue;
            }
            found.push((r, range));
        }
    }
    for (image, range) in found {
        let registry = registry_of(&image).to_string();
        if !trusted(&registry, &allowed) {
            report(
                ctx,
                &DL3026,
                format!("`{image}` comes from `{registry}`, which is not a trusted registry"),
                range,
            );
        }
    }
}

/// The labels of the final stage and the stages it is built from, with their values.
fn final_labels<'d>(ctx: &Context<'d>) -> (Vec<(&'d Instruction, usize)>, Option<TextRange>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let mut chain = Vec::new();
    let mut cur = f.stages().len().checked_sub(1);
    while let Some(s) = cur {
        if chain.contains(&s) {
            break;
        }
        chain.push(s);
        cur = f.stages().get(s).and_then(|st| st.parent());
    }
    let mut out = Vec::new();
    for s in chain.iter().rev() {
        let Some(st) = f.stages().get(*s) else {
            continue;
        };
        for ins in df.instructions.get(st.from..st.end).unwrap_or(&[]) {
            if ins.is("LABEL") {
                for i in 0..ins.key_values().len() {
                    out.push((ins, i));
                }
            }
        }
    }
    let from = f
        .stages()
        .last()
        .and_then(|st| df.instructions.get(st.from))
        .map(|i| i.keyword.range);
    (out, from)
}

pub static DL3049_META: RuleMeta = RuleMeta {
    code: "DL3049",
    name: "label-missing",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3049"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "A label required by the label schema is missing.",
    docs: r#"## What it does

When a label schema is configured (`label-schema`), flags the final image when one of its
labels is not set by the final stage or the stages it is built from.

## Why is this bad?

Required labels (owner, source, version) are how registries, scanners and people find
out what an image is and who maintains it.

## Example

```dockerfile bad
# settings: label-schema=org.opencontainers.image.source:url
FROM debian:12
```

```dockerfile good
# settings: label-schema=org.opencontainers.image.source:url
FROM debian:12
LABEL org.opencontainers.image.source="https://github.com/example/app"
```

## Differences from hadolint

Only the final image is checked (hadolint checks every stage without an alias); labels
set in the stages it is built from count.

## References

- hadolint `DL3049`
"#,
};

pub static DL3049: Rule = Rule::new(&DL3049_META, check_dl3049);

fn check_dl3049(ctx: &mut Context<'_>) {
    let schema = ctx.options.settings.label_schema.clone();
    if schema.is_empty() {
        return;
    }
    let (labels, from) = final_labels(ctx);
    let Some(from) = from else {
        return;
    };
    let present: Vec<String> = labels
        .iter()
        .filter_map(|(ins, i)| ins.key_values().get(*i))
        .map(|kv| unquote(&kv.key.text).to_string())
        .collect();
    for (name, _) in &schema {
        if !present.iter().any(|p| p == name) {
            report(ctx, &DL3049, format!("Label `{name}` is missing"), from);
        }
    }
}

pub static DL3050_META: RuleMeta = RuleMeta {
    code: "DL3050",
    name: "label-superfluous",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3050"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "A label is not in the label schema.",
    docs: r#"## What it does

When `strict-labels` is on, flags labels that the configured label schema does not list.

## Why is this bad?

A strict schema keeps label keys consistent across images; stray keys are usually typos
of schema keys.

## Example

```dockerfile bad
# settings: label-schema=org.opencontainers.image.version:semver
# settings: strict-labels
FROM debian:12
LABEL version="1.0.0"
```

```dockerfile good
# settings: label-schema=org.opencontainers.image.version:semver
# settings: strict-labels
FROM debian:12
LABEL org.opencontainers.image.version="1.0.0"
```

## References

- hadolint `DL3050`
"#,
};

pub static DL3050: Rule = Rule::new(&DL3050_META, check_dl3050);

fn check_dl3050(ctx: &mut Context<'_>) {
    if !ctx.options.settings.strict_labels {
        return;
    }
    let schema = ctx.options.settings.label_schema.clone();
    let df = ctx.dockerfile;
    for ins in df.instructions.iter().filter(|i| i.is("LABEL")) {
        for kv in ins.key_values() {
            let k = unquote(&kv.key.text);
            if !k.contains('$') && !schema.iter().any(|(n, _)| n == k) {
                report(
                    ctx,
                    &DL3050,
                    format!("Superfluous label `{k}`: it is not in the label schema"),
                    kv.key.range,
                );
            }
        }
    }
}

fn rfc3339(v: &str) -> bool {
    let b = v.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return false;
    }
    if !matches!(b[10], b'T' | b't' | b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

fn semver(v: &str) -> bool {
    let (core, _build) = v.split_once('+').unwrap_or((v, ""));
    let (core, pre) = core
        .split_once('-')
        .map_or((core, None), |(c, p)| (c, Some(p)));
    let parts: Vec<&str> = core.split('.').collect();
    let num = |p: &&str| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p.len() == 1 || !p.starts_with('0'))
    };
    parts.len() == 3
        && parts.iter().all(num)
        && pre.is_none_or(|p| {
            !p.is_empty()
                && p.split('.').all(|x| {
                    !x.is_empty() && x.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        })
}

fn url(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once(':') else {
        return false;
    };
    !rest.is_empty()
        && !v.contains(char::is_whitespace)
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
}

fn email(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !v.contains(char::is_whitespace)
        && domain.contains('.')
        && domain
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

fn git_hash(v: &str) -> bool {
    (v.len() == 40 || v.len() == 64) && v.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Common SPDX license identifiers (the full list has hundreds; these cover what
/// images use). `LicenseRef-*` and expressions with AND/OR/WITH are accepted.
const SPDX: &[&str] = &[
    "0BSD",
    "AFL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.1",
    "Apache-2.0",
    "Artistic-2.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-4-Clause",
    "BSL-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.2",
    "GPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "ISC",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "MIT",
    "MIT-0",
    "MPL-1.1",
    "MPL-2.0",
    "MS-PL",
    "MS-RL",
    "NCSA",
    "OFL-1.1",
    "OpenSSL",
    "PHP-3.01",
    "PostgreSQL",
    "Python-2.0",
    "Ruby",
    "Unlicense",
    "UPL-1.0",
    "Vim",
    "W3C",
    "WTFPL",
    "X11",
    "Zlib",
    "ZPL-2.1",
    "Classpath-exception-2.0",
    "LLVM-exception",
    "GCC-exception-3.1",
];

fn spdx(v: &str) -> bool {
    let spaced = v.replace(['(', ')'], " ");
    let mut expect_id = true;
    let mut any = false;
    for tok in spaced.split_whitespace() {
        if expect_id {
            let id = tok.strip_suffix('+').unwrap_or(tok);
            if !(SPDX.contains(&id)
                || id.starts_with("LicenseRef-")
                || id.starts_with("DocumentRef-"))
            {
                return false;
            }
            any = true;
            expect_id = false;
        } else if matches!(tok, "AND" | "OR" | "WITH") {
            expect_id = true;
        } else {
            return false;
        }
    }
    any && !expect_id
}

/// Reports schema labels of type `ty` whose value fails `valid` (empty values are
/// DL3051's).
fn check_format(
    ctx: &mut Context<'_>,
    rule: &'static crate::registry::Rule,
    ty: LabelType,
    valid: fn(&str) -> bool,
    what: &str,
) {
    let names: Vec<String> = ctx
        .options
        .settings
        .label_schema
        .iter()
        .filter(|(_, t)| *t == ty)
        .map(|(n, _)| n.clone())
        .collect();
    if names.is_empty() {
        return;
    }
    let df = ctx.dockerfile;
    for ins in df.instructions.iter().filter(|i| i.is("LABEL")) {
        for kv in ins.key_values() {
            let k = unquote(&kv.key.text);
            let v = unquote(&kv.value.text);
            if names.iter().any(|n| n == k) && !v.is_empty() && !v.contains('$') && !valid(v) {
                report(
                    ctx,
                    rule,
                    format!("Label `{k}` is not {what}: `{v}`"),
                    kv.value.range,
                );
            }
        }
    }
}

pub static DL3051_META: RuleMeta = RuleMeta {
    code: "DL3051",
    name: "label-empty",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3051"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A label of the label schema is empty.",
    docs: r#"## What it does

Flags labels of the configured label schema whose value is empty.

## Why is this bad?

An empty required label satisfies the letter of the schema but carries nothing.

## Example

```dockerfile bad
# settings: label-schema=org.opencontainers.image.authors:text
FROM debian:12
LABEL org.opencontainers.image.authors=""
```

```dockerfile good
# settings: label-schema=org.opencontainers.image.authors:text
FROM debian:12
LABEL org.opencontainers.image.authors="platform@example.com"
```

## References

- hadolint `DL3051`
"#,
};

pub static DL3051: Rule = Rule::new(&DL3051_META, check_dl3051);

fn check_dl3051(ctx: &mut Context<'_>) {
    let names: Vec<String> = ctx
        .options
        .settings
        .label_schema
        .iter()
        .map(|(n, _)| n.clone())
        .collect();
    if names.is_empty() {
        return;
    }
    let df = ctx.dockerfile;
    for ins in df.instructions.iter().filter(|i| i.is("LABEL")) {
        for kv in ins.key_values() {
            let k = unquote(&kv.key.text);
            if names.iter().any(|n| n == k) && unquote(&kv.value.text).trim().is_empty() {
                report(
                    ctx,
                    &DL3051,
                    format!("Label `{k}` is empty"),
                    kv.key.range.cover(kv.value.range),
                );
            }
        }
    }
}

pub static DL3052_META: RuleMeta = RuleMeta {
    code: "DL3052",
    name: "label-not-url",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3052"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A `url` label of the label schema is not a URL.",
    docs: r#"## What it does

Flags labels that the configured label schema types as `url` when their value is not an
absolute URL.

## Why is this bad?

Tools follow these links (source repository, documentation); a broken one misleads.

## Example

```dockerfile bad
# settings: label-schema=org.opencontainers.image.source:url
FROM debian:12
LABEL org.opencontainers.image.source="github.com/example/app"
```

```dockerfile good
# settings: label-schema=org.opencontainers.image.source:url
FROM debian:12
LABEL org.opencontainers.image.source="https://github.com/example/app"
```

## References

- hadolint `DL3052`
"#,
};

pub static DL3052: Rule = Rule::new(&DL3052_META, check_dl3052);

fn check_dl3052(ctx: &mut Context<'_>) {
    check_format(ctx, &DL3052, LabelType::Url, url, "a valid URL");
}

pub static DL3053_META: RuleMeta = RuleMeta {
    code: "DL3053",
    name: "label-not-rfc3339",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3053"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "An `rfc3339` label of the label schema is not an RFC 3339 time.",
    docs: r#"## What it does

Flags labels that the configured label schema types as `rfc3339` when their value is not
an RFC 3339 timestamp (`2024-05-01T12:00:00Z`).

## Why is this bad?

Build dates in other formats cannot be compared or parsed by tools.

## Example

```dockerfile bad
# settings: label-schema=org.opencontainers.image.created:rfc3339
FROM debian:12
LABEL org.opencontainers.image.created="May 1st 2024"
```

```dockerfile good
# settings: label-schema=org.opencontainers.image.created:rfc3339
FROM debian:12
LABEL org.opencontainers.image.created="2024-05-01T12:00:00Z"
```

## References

- hadolint `DL3053`
"#,
};

pub static DL3053: Rule = Rule::new(&DL3053_META, check_dl3053);

fn check_dl3053(ctx: &mut Context<'_>) {
    check_format(
        ctx,
        &DL3053,
        LabelType::Rfc3339,
        rfc3339,
        "an RFC 3339 time",
    );
}

pub static DL3054_META: RuleMeta = RuleMeta {
    code: "DL3054",
    name: "label-not-spdx",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3054"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "An `spdx` label of the label schema is not an SPDX license expression.",
    docs: r#"## What it does

Flags labels that the configured label schema types as `spdx` when their value is not an
SPDX license identifier or expression (`MIT`, `Apache-2.0 OR MIT`).

## Why is this bad?

License scanners read the identifier; free text defeats them.

## Example

```dockerfile bad
# settings: label-schema=org.opencontainers.image.licenses:spdx
FROM debian:12
LABEL org.opencontainers.image.licenses="Apache License"
```

```dockerfile good
# settings: label-schema=org.opencontainers.image.licenses:spdx
FROM debian:12
LABEL org.opencontainers.image.licenses="Apache-2.0"
```

## References

- hadolint `DL3054`
"#,
};

pub static DL3054: Rule = Rule::new(&DL3054_META, check_dl3054);

fn check_dl3054(ctx: &mut Context<'_>) {
    check_format(
        ctx,
        &DL3054,
        LabelType::Spdx,
        spdx,
        "an SPDX license expression",
    );
}

pub static DL3055_META: RuleMeta = RuleMeta {
    code: "DL3055",
    name: "label-not-git-hash",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3055"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A `hash` label of the label schema is not a git commit hash.",
    docs: r#"## What it does

Flags labels that the configured label schema types as `hash` when their value is not a
full git commit hash (40 or 64 hexadecimal digits).

## Why is this bad?

Short or mistyped revisions cannot be traced back to the source reliably.

## Example

```dockerfile bad
# settings: label-schema=org.opencontainers.image.revision:hash
FROM debian:12
LABEL org.opencontainers.image.revision="main"
```

```dockerfile good
# settings: label-schema=org.opencontainers.image.revision:hash
FROM debian:12
LABEL org.opencontainers.image.revision="0123456789abcdef0123456789abcdef01234567"
```

## References

- hadolint `DL3055`
"#,
};

pub static DL3055: Rule = Rule::new(&DL3055_META, check_dl3055);

fn check_dl3055(ctx: &mut Context<'_>) {
    check_format(ctx, &DL3055, LabelType::Hash, git_hash, "a git commit hash");
}

pub static DL3056_META: RuleMeta = RuleMeta {
    code: "DL3056",
    name: "label-not-semver",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3056"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A `semver` label of the label schema is not a semantic version.",
    docs: r#"## What it does

Flags labels that the configured label schema types as `semver` when their value is not
a semantic version (`1.2.3`, `2.0.0-rc.1`).

## Why is this bad?

Version-aware tools sort and compare these values.

## Example

```dockerfile bad
# settings: label-schema=org.opencontainers.image.version:semver
FROM debian:12
LABEL org.opencontainers.image.version="v1.2"
```

```dockerfile good
# settings: label-schema=org.opencontainers.image.version:semver
FROM debian:12
LABEL org.opencontainers.image.version="1.2.0"
```

## References

- hadolint `DL3056`
"#,
};

pub static DL3056: Rule = Rule::new(&DL3056_META, check_dl3056);

fn check_dl3056(ctx: &mut Context<'_>) {
    check_format(
        ctx,
        &DL3056,
        LabelType::Semver,
        semver,
        "a semantic version",
    );
}

pub static DL3058_META: RuleMeta = RuleMeta {
    code: "DL3058",
    name: "label-not-email",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3058"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "An `email` label of the label schema is not an email address.",
    docs: r#"## What it does

Flags labels that the configured label schema types as `email` when their value is not
an email address.

## Why is this bad?

Whoever needs to reach the maintainers of an image uses this address.

## Example

```dockerfile bad
# settings: label-schema=maintainer:email
FROM debian:12
LABEL maintainer="the platform team"
```

```dockerfile good
# settings: label-schema=maintainer:email
FROM debian:12
LABEL maintainer="platform@example.com"
```

## References

- hadolint `DL3058`
"#,
};

pub static DL3058: Rule = Rule::new(&DL3058_META, check_dl3058);

fn check_dl3058(ctx: &mut Context<'_>) {
    check_format(ctx, &DL3058, LabelType::Email, email, "an email address");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries() {
        let allowed = vec!["docker.io".to_string(), "*.gcr.io".to_string()];
        assert!(trusted(registry_of("debian:12"), &allowed));
        assert!(trusted(registry_of("eu.gcr.io/p/x"), &allowed));
        assert!(!trusted(registry_of("quay.io/x/y"), &allowed));
        assert_eq!(registry_of("localhost/x"), "localhost");
        assert_eq!(registry_of("library/debian"), "docker.io");
    }

    #[test]
    fn formats() {
        assert!(rfc3339("2024-05-01T12:00:00Z") && rfc3339("2024-05-01T12:00:00.5+02:00"));
        assert!(!rfc3339("2024-05-01") && !rfc3339("2024-05-01T12:00:00"));
        assert!(semver("1.2.3") && semver("1.0.0-rc.1+b5") && !semver("1.2") && !semver("01.2.3"));
        assert!(url("https://x.y/z") && !url("x.y/z"));
        assert!(email("a@b.co") && !email("a@b") && !email("team"));
        assert!(
            spdx("MIT")
                && spdx("(Apache-2.0 OR MIT)")
                && spdx("GPL-2.0-only WITH Classpath-exception-2.0")
        );
        assert!(!spdx("Apache License") && !spdx("MIT OR"));
        assert!(git_hash(&"a".repeat(40)) && !git_hash("abc123"));
    }
}
