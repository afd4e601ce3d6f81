//! InvalidDefaultArgInFrom: with only the default ARG values, FROM names no valid image.

use super::{defaults, froms, meta_args};
use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub static META: RuleMeta = RuleMeta {
    code: "BK1008",
    name: "invalid-default-arg-in-from",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["InvalidDefaultArgInFrom"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "With the default ARG values, the FROM image name is empty or invalid.",
    docs: r#"## What it does

Expands each `FROM` image with the default values of the global `ARG`s only (as if no
`--build-arg` were given; the automatic platform arguments are set) and flags it when
the result is empty or not a valid image reference, e.g. `ARG TAG` then
`FROM alpine:${TAG}` gives `alpine:`. This is BuildKit's `InvalidDefaultArgInFrom` check.

## Why is this bad?

The Dockerfile only builds when the caller remembers to pass `--build-arg`; a plain
`docker build` fails with an obscure reference error.

## Example

```dockerfile bad
ARG TAG
FROM alpine:${TAG}
```

```dockerfile good
ARG TAG=3.20
FROM alpine:${TAG}
```

## References

- BuildKit check `InvalidDefaultArgInFrom`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

/// A Docker image reference (`distribution/reference` grammar, before normalisation):
/// optional domain, lowercase path components, optional tag and digest.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    let domain_component = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    let domain =
        format!(r"(?:{domain_component}(?:\.{domain_component})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?");
    let path_component = r"[a-z0-9]+(?:(?:[_.]|__|[-]+)[a-z0-9]+)*";
    // Go's `\w` is ASCII (`[0-9A-Za-z_]`); Rust's is Unicode and, repeated 127 times,
    // costs milliseconds to compile.
    let tag = r"[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
    let digest = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    let re =
        format!(r"^(?:{domain}/)?{path_component}(?:/{path_component})*(?::{tag})?(?:@{digest})?$");
    Regex::new(&re).unwrap_or_else(|_| Regex::new("^$").unwrap_or_else(|_| unreachable!()))
});

/// True when `s` parses as a normalised image reference, as BuildKit's
/// `reference.ParseNormalizedNamed` requires.
pub fn is_valid_reference(s: &str) -> bool {
    if s.is_empty() || s.len() > 255 + 200 {
        return false;
    }
    // A bare 64-hex string is an image ID, not a name.
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return false;
    }
    if !REFERENCE.is_match(s) {
        return false;
    }
    // The name part (without tag/digest) is at most 255 characters.
    let name_end = s.find('@').unwrap_or(s.len());
    let name = &s[..name_end];
    let name = match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => &name[..i],
        _ => name,
    };
    name.len() <= 255
}

/// Values BuildKit gives the automatic platform ARGs (any concrete platform will do
/// for deciding whether a name is valid).
const PLATFORM_DEFAULTS: [(&str, &str); 8] = [
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
];

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let args = meta_args(df);
    let mut env: Vec<(String, String)> = PLATFORM_DEFAULTS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    env.extend(defaults(&args));
    let lexer = bosun_dockerfile::expand::Lexer::new(df.escape);
    for from in froms(df).collect::<Vec<_>>() {
        let Some(img) = from.image else { continue };
        if !img.text.contains('$') {
            continue; // a constant name is BuildKit's parse error, not this check
        }
        let Ok(value) = lexer.process_word(&img.text, &env) else {
            return; // BuildKit abandons the check on expansion errors
        };
        if !is_valid_reference(&value) {
            ctx.report(
                &META,
                format!(
                    "Default value for ARG {} results in empty or invalid base image name",
                    img.text
                ),
                img.range.start..img.range.end,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_valid_reference;

    #[test]
    fn references() {
        for ok in [
            "alpine",
            "alpine:3.20",
            "library/alpine:3",
            "docker.io/library/alpine:3.20",
            "localhost:5000/team/app:v1.2-rc",
            "ghcr.io/o/r@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "a__b/c-d.e",
        ] {
            assert!(is_valid_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "alpine:",
            ":3",
            "Alpine",
            "alpine:-x",
            "a//b",
            "alpine@",
            "x y",
        ] {
            assert!(!is_valid_reference(bad), "{bad}");
        }
    }
}
