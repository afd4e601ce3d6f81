//! SecretsUsedInArgOrEnv: an ARG or ENV whose name says it holds a secret.

use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{FixAvailability, RuleMeta, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub static META: RuleMeta = RuleMeta {
    code: "BK1015",
    name: "secrets-used-in-arg-or-env",
    aliases: &["SecretsUsedInArgOrEnv"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "ARG and ENV should not carry sensitive data.",
    docs: r#"## What it does

Flags an `ARG` or `ENV` key that names a secret, with BuildKit's word rules: one of the
words `apikey`, `auth`, `credential`, `credentials`, `key`, `password`, `pword`,
`passwd`, `secret` or `token` (any case) stands alone or at the start or end of the name
between underscores (`DB_PASSWORD`, `github_token`, `API_KEY`, `SECRET_PASSPHRASE`), and
the word `public` does not appear (`PUBLIC_KEY` is fine). This is BuildKit's
`SecretsUsedInArgOrEnv` check; hadolint's `DL3064` looks for a different list of names.

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

- BuildKit check `SecretsUsedInArgOrEnv`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

static DENY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)",
    )
    .expect("valid regex")
});
static ALLOW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:_|^)public(?:_|$)").expect("valid regex"));

/// BuildKit's test for a secret-looking key.
pub fn is_secret_key(key: &str) -> bool {
    DENY.is_match(key) && !ALLOW.is_match(key)
}

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in &df.instructions {
        let keys: Vec<(String, std::ops::Range<usize>)> = if ins.is("ARG") {
            ins.words
                .iter()
                .map(|w| {
                    let key = w.text.split('=').next().unwrap_or("");
                    (key.to_string(), w.range.start..w.range.start + key.len())
                })
                .collect()
        } else if ins.is("ENV") {
            ins.key_values
                .iter()
                .map(|kv| (kv.key.text.clone(), kv.key.range.start..kv.key.range.end))
                .collect()
        } else {
            continue;
        };
        for (key, range) in keys {
            if !is_secret_key(&key) {
                continue;
            }
            // BuildKit reports the instruction's line; the span runs from the keyword
            // to the key.
            let msg = format!(
                "Do not use ARG or ENV instructions for sensitive data ({} {key:?})",
                ins.cmd
            );
            ctx.report(&META, msg, ins.keyword.range.start..range.end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret_key;

    #[test]
    fn buildkit_word_rules() {
        for k in [
            "SECRET_PASSPHRASE",
            "SUPER_Secret",
            "password",
            "super_duper_secret_token",
            "auth",
            "apikey",
            "git_key",
            "AWS_ACCESS_KEY_ID",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "sunflower",
            "PUBLIC_KEY",
            "public_token",
            "keyboard",
            "MONKEY",
            "passphrase",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }
}
