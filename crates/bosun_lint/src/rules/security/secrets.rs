//! Secrets: `BSN3001` (ARG/ENV), `BSN3002` (key and credential files copied in),
//! `BSN3003` (a secret build arg used by RUN), `BSN3004` (hard-coded tokens elsewhere).
//! Values are never printed: messages carry `bosun_secrets::redact`ed forms and every
//! finding marks the secret bytes for the renderers to mask.

use super::{security_rule, stage_instructions, unquote};
use crate::context::Context;
use bosun_dockerfile::model::Model;
use bosun_dockerfile::{Dockerfile, Instruction, Word};
use bosun_secrets::{
    check_assignment, find_secrets_in_text, is_allowlisted_path, is_secret_name, secret_file_kind,
    Confidence, SecretMatch, Severity,
};
use std::ops::Range;

/// Maps a range of the unquoted value of `word` back to the source (exact when the
/// raw text is the value, optionally inside one pair of quotes).
fn value_source_range(df: &Dockerfile, word: &Word, value: &str, r: &Range<usize>) -> Range<usize> {
    let raw = df.text(word.range);
    let whole = word.range.start..word.range.end;
    if let Some(pos) = raw.find(value) {
        if raw.len() == word.range.len() && r.end <= value.len() {
            let s = word.range.start + pos + r.start;
            return s..word.range.start + pos + r.end;
        }
    }
    whole
}

/// `NAME` / `NAME=value` words of an ARG.
fn arg_decls(ins: &Instruction) -> impl Iterator<Item = (&Word, &str, Option<&str>)> + '_ {
    ins.words.iter().map(|w| match w.text.split_once('=') {
        Some((k, v)) => (w, k, Some(v)),
        None => (w, w.text.as_str(), None),
    })
}

/// True when `text` references `$name` or `${name...}`.
fn find_var_use(text: &str, name: &str) -> Option<Range<usize>> {
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| t.find('$')).map(|i| i + from) {
        let rest = &text[i + 1..];
        let (inner, len) = if let Some(r) = rest.strip_prefix('{') {
            let n: usize = r
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .map(char::len_utf8)
                .sum();
            let close = usize::from(r[n..].starts_with('}'));
            (&r[..n], n + 1 + close)
        } else {
            let n: usize = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .map(char::len_utf8)
                .sum();
            (&rest[..n], n)
        };
        if inner == name {
            return Some(i..i + 1 + len);
        }
        from = i + 1;
    }
    None
}

/// Uses of secret-named ARGs by RUNs of the same stage: `(arg name, source range of
/// the use)`, one per (ARG, RUN).
fn secret_args_used_by_run(df: &Dockerfile, f: &Model) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    for (s, _) in f.stages().iter().enumerate() {
        let mut declared: Vec<String> = Vec::new();
        for (_, ins) in stage_instructions(df, f, s) {
            if ins.is("ARG") {
                for (_, name, _) in arg_decls(ins) {
                    if is_secret_name(name) && !declared.iter().any(|d| d == name) {
                        declared.push(name.to_string());
                    }
                }
            } else if ins.is("RUN") {
                for name in &declared {
                    if let Some(r) = find_var_use(&ins.args.text, name) {
                        let src = ins
                            .args
                            .source_range(bosun_dockerfile::TextRange::new(r.start, r.end));
                        out.push((name.clone(), src.start..src.end));
                        continue;
                    }
                    for h in &ins.heredocs {
                        if let Some(r) = find_var_use(&h.content, name) {
                            let base = h.content_range.start;
                            out.push((name.clone(), base + r.start..base + r.end));
                            break;
                        }
                    }
                }
            }
        }
    }
    out
}

fn describe(m: &SecretMatch) -> String {
    if m.rule_id == bosun_secrets::NAMED_VALUE_RULE_ID {
        format!("a literal value (`{}`)", m.redacted)
    } else if m.example {
        format!("a documented example {} (`{}`)", m.description, m.redacted)
    } else {
        format!("a {} (`{}`)", m.description, m.redacted)
    }
}

security_rule!(
    BSN3001,
    BSN3001_META,
    "BSN3001",
    "secret-in-arg-or-env",
    [],
    Error,
    None,
    "Do not put secrets in ARG or ENV.",
    r#"## What it does

Flags `ENV` and `ARG` that carry a secret:
- a value in a known token format (`ghp_...`, `AKIA...`, a PEM private key, a URL with a
  password, ...), whatever the variable is called;
- a literal value of a variable named like a secret, judged by whole words
  (`DB_PASSWORD`, `NPM_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `API_KEY`; not `GPG_KEY`,
  `PASSWORD_FILE`, `TOKEN_URL`, `KEYCLOAK_URL`), also when copied from a build arg
  (`ENV TOKEN=$TOKEN`);
- an `ARG` named like a secret with no value (it will be passed with `--build-arg`),
  unless a `RUN` uses it, which `BSN3003` reports.

Values never appear in full in the message.

## Why is this bad?

`ENV` values are stored in the image config and `ARG` values in the build history:
anyone who can pull the image can read them (`docker inspect`, `docker history`), and
they stay in every layer built from it. Pass secrets at build time with
`RUN --mount=type=secret` and at run time from the orchestrator.

## Example

```dockerfile bad
FROM node:20
ENV NPM_TOKEN=npm_4f0cE2aB9d8C7e6F5a4B3c2D1e0F9a8B7c6D
```

```dockerfile good
FROM node:20
ENV GPG_KEY=A917B1ECDA84AEC2B568FED6F50ABC807BD5DCD0
ENV DB_PASSWORD_FILE=/run/secrets/db_password
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
```

## References

- hadolint `DL3064` and BuildKit's `SecretsUsedInArgOrEnv` (`BK1015`) judge the name
  alone; Trivy `DS-0031`
"#,
    check_bsn3001
);

fn check_bsn3001(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let used_by_run: Vec<String> = secret_args_used_by_run(df, &ctx.model())
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    for ins in &df.instructions {
        let ins = if ins.is("ONBUILD") {
            match ins.onbuild.as_deref() {
                Some(t) => t,
                None => continue,
            }
        } else {
            ins
        };
        if ins.is("ENV") {
            for kv in &ins.key_values {
                let name = unquote(&kv.key.text);
                let value = unquote(&kv.value.text);
                report_assignment(ctx, df, "ENV", name, &kv.value, value);
            }
        } else if ins.is("ARG") {
            for (w, name, default) in arg_decls(ins) {
                match default {
                    Some(v) => {
                        let v = unquote(v);
                        report_assignment(ctx, df, "ARG", name, w, v);
                    }
                    None => {
                        if is_secret_name(name) && !used_by_run.iter().any(|n| n == name) {
                            ctx.report(
                                &BSN3001_META,
                                format!(
                                    "Build arg `{name}` is named like a secret: pass it with `RUN --mount=type=secret` instead of `--build-arg`"
                                ),
                                w.range.start..w.range.end,
                            )
                            .severity(Severity::Warning);
                        }
                    }
                }
            }
        }
    }
}

fn report_assignment(
    ctx: &mut Context<'_>,
    df: &Dockerfile,
    kind: &str,
    name: &str,
    word: &Word,
    value: &str,
) {
    let found = check_assignment(name, value);
    if let Some(m) = found.first() {
        let range = value_source_range(df, word, value, &m.range);
        let severity = if m.confidence == Confidence::Low {
            Severity::Warning
        } else {
            Severity::Error
        };
        ctx.report(
            &BSN3001_META,
            format!(
                "{kind} `{name}` holds {}: it is stored in the image {}; use `RUN --mount=type=secret` or a runtime secret",
                describe(m),
                if kind == "ENV" { "config" } else { "history" }
            ),
            range.clone(),
        )
        .redact(range)
        .severity(severity);
        return;
    }
    // ENV TOKEN=$TOKEN: a build arg copied into the runtime environment
    let v = value.trim();
    if kind == "ENV" && is_secret_name(name) && (v.starts_with('$')) && v.len() > 1 {
        ctx.report(
            &BSN3001_META,
            format!(
                "ENV `{name}` copies `{v}` into the image config, where anyone who pulls the image can read it"
            ),
            word.range.start..word.range.end,
        )
        .severity(Severity::Warning);
    }
}

security_rule!(
    BSN3002,
    BSN3002_META,
    "BSN3002",
    "secret-file-copied",
    [],
    Error,
    None,
    "Do not COPY or ADD keys and credential files into the image.",
    r#"## What it does

Flags `COPY`/`ADD` sources that are, by name, private keys or credential files:
`id_rsa`, `*.key`, `*.pem` (not certificate bundles), `*.p12`, `.env`, `.npmrc`,
`.pypirc`, `.netrc`, `.git-credentials`, `.docker/config.json`, `.aws/credentials`,
gcloud and Azure credentials, kubeconfigs, Terraform state, ...

## Why is this bad?

Every file copied into a layer stays in the image, even if a later `RUN rm` deletes
it: anyone who pulls the image can extract it from the layer. Mount it for the one
step that needs it (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`).

## Example

```dockerfile bad
FROM node:20
COPY .npmrc /root/.npmrc
RUN npm ci && rm /root/.npmrc
```

```dockerfile good
FROM node:20
COPY id_ed25519.pub /root/.ssh/authorized_keys
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```

## References

- Dockle `CIS-DI-0010`; Trivy `DS-0031`
"#,
    check_bsn3002
);

fn check_bsn3002(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in df
        .instructions
        .iter()
        .filter(|i| i.is("COPY") || i.is("ADD"))
    {
        if ins.words.len() < 2 || !ins.heredocs.is_empty() {
            continue;
        }
        // a destination that says "public key / trust material"
        // (`COPY jenkins.io.key /war/jenkins-key.pub`, `... /usr/share/keyrings/`)
        let dest = ins
            .words
            .last()
            .map(|w| unquote(&w.text).to_ascii_lowercase())
            .unwrap_or_default();
        let public_dest = [".pub", ".asc", ".gpg", ".crt", ".cer"]
            .iter()
            .any(|e| dest.ends_with(e))
            || [
                "keyrings",
                "trusted.gpg",
                "rpm-gpg",
                "ca-certificates",
                "/certs",
            ]
            .iter()
            .any(|d| dest.contains(d));
        for w in &ins.words[..ins.words.len() - 1] {
            let src = unquote(&w.text).trim_end_matches('/');
            if src.contains("://") || is_allowlisted_path(src) {
                continue;
            }
            let Some(kind) = secret_file_kind(src) else {
                continue;
            };
            if public_dest
                && matches!(
                    kind,
                    bosun_secrets::SecretFileKind::PrivateKey | bosun_secrets::SecretFileKind::Pem
                )
            {
                continue;
            }
            ctx.report(
                &BSN3002_META,
                format!(
                    "`{}` copies a {} into the image: it stays in the layer even if deleted later; mount it with `RUN --mount=type=secret`",
                    w.text,
                    kind.description()
                ),
                w.range.start..w.range.end,
            )
            .severity(kind.severity().max(Severity::Warning).min(Severity::Error));
        }
    }
}

security_rule!(
    BSN3003,
    BSN3003_META,
    "BSN3003",
    "secret-build-arg-used-in-run",
    [],
    Error,
    None,
    "Pass build secrets with `RUN --mount=type=secret`, not as build args.",
    r#"## What it does

Flags a `RUN` that uses a build arg named like a secret (`ARG NPM_TOKEN` then
`RUN npm ci` with `$NPM_TOKEN`), pointing at the use.

## Why is this bad?

The value of every build arg a `RUN` sees is recorded in the image history
(`docker history --no-trunc` shows `|1 NPM_TOKEN=... /bin/sh -c npm ci`), and often in
the build cache and CI logs. A secret mount is never written to the image.

## Example

```dockerfile bad
FROM node:20
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci
```

```dockerfile good
FROM node:20
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc && npm ci && rm .npmrc
```

## References

- Docker docs, "Build secrets"
"#,
    check_bsn3003
);

fn check_bsn3003(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for (name, range) in secret_args_used_by_run(df, &ctx.model()) {
        ctx.report(
            &BSN3003_META,
            format!(
                "RUN uses build arg `{name}`: its value is recorded in the image history; use `RUN --mount=type=secret,id={},env={name}`",
                name.to_ascii_lowercase()
            ),
            range,
        );
    }
}

security_rule!(
    BSN3004,
    BSN3004_META,
    "BSN3004",
    "hardcoded-secret",
    [],
    Error,
    None,
    "Do not hard-code credentials in the Dockerfile.",
    r#"## What it does

Flags credentials written into `RUN`, `LABEL`, `CMD`, `ENTRYPOINT`, `HEALTHCHECK`,
`COPY`/`RUN` heredocs and the other instructions (ENV and ARG are `BSN3001`): tokens in
known formats (GitHub, GitLab, AWS, Slack, Stripe, npm, PyPI, Google, private keys,
JWTs, ...) and passwords embedded in URLs. Comments are not part of the image and are
not checked. Documented example keys are ignored.

## Why is this bad?

The Dockerfile text of `RUN` ends up in the image history, `LABEL`s in the config, and
heredoc files in the layers: the credential ships with the image and lives in the
repository.

## Example

```dockerfile bad
FROM alpine:3.20
RUN git clone https://deploy:Zq8r2LkP0vXw9TfB@git.example.org/app.git
```

```dockerfile good
FROM alpine:3.20
RUN --mount=type=secret,id=git_token \
    git clone "https://deploy:$(cat /run/secrets/git_token)@git.example.org/app.git"
```
"#,
    check_bsn3004
);

fn check_bsn3004(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let src = ctx.source;
    let matches = find_secrets_in_text(src);
    if matches.is_empty() {
        return;
    }
    for m in matches {
        if m.example
            || m.confidence == Confidence::Low
            || m.rule_id == bosun_secrets::GENERIC_RULE_ID
        {
            continue;
        }
        let Some(ins) = df.instructions.iter().find(|i| {
            i.range.start <= m.range.start && m.range.end <= i.range.end.max(i.range.start)
        }) else {
            continue; // outside any instruction: a comment
        };
        let inner = ins.onbuild.as_deref().unwrap_or(ins);
        if inner.is("ENV") || inner.is("ARG") {
            continue;
        }
        if df
            .comments
            .iter()
            .any(|c| c.range.start <= m.range.start && m.range.end <= c.range.end)
        {
            continue;
        }
        ctx.report(
            &BSN3004_META,
            format!(
                "{} holds {}: move it to a build secret (`RUN --mount=type=secret`)",
                inner.cmd,
                describe(&m)
            ),
            m.range.clone(),
        )
        .redact(m.range.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{run, spans};
    use super::*;

    fn cat(parts: &[&str]) -> String {
        parts.concat()
    }

    #[test]
    fn env_and_arg_values() {
        let key = cat(&["wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY"]);
        let src = format!(
            "FROM debian:12\nARG DB_PASSWORD=hunter2\nENV AWS_SECRET_ACCESS_KEY={key}\nENV GPG_KEY=A917B1ECDA84AEC2B568FED6F50ABC807BD5DCD0 PATH=/x\nENV PASSWORD_FILE=/run/secrets/pw\n"
        );
        let f = run("BSN3001", &src);
        assert_eq!(spans(&src, &f), ["hunter2", key.as_str()]);
        assert!(f
            .iter()
            .all(|x| !x.message.contains("hunter2") && !x.message.contains(&key)));
        assert!(f[0].message.contains("`****`"));
        assert!(f[1].message.contains("example"));
        let bosun_diagnostics::Location::File { span: Some(sp), .. } = &f[0].location else {
            panic!("no span")
        };
        assert_eq!(f[0].redact, vec![sp.start..sp.end]);
    }

    #[test]
    fn token_in_any_variable_and_quoted_values() {
        let tok = cat(&["ghp_", "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz2Cd"]);
        let src = format!("FROM a:1\nENV CONFIG=\"{tok}\"\n");
        let f = run("BSN3001", &src);
        assert_eq!(spans(&src, &f), [tok.as_str()]);
        assert_eq!(f[0].severity, Severity::Error);
        assert!(f[0].message.contains("ghp_****"));
    }

    #[test]
    fn args_without_value_and_env_copies() {
        let src = "FROM a:1\nARG NPM_TOKEN\nARG GPG_KEY\nARG VERSION\nARG GITHUB_TOKEN\nENV GITHUB_TOKEN=$GITHUB_TOKEN\nENV EMPTY_TOKEN=\n";
        let f = run("BSN3001", src);
        assert_eq!(
            spans(src, &f),
            ["NPM_TOKEN", "GITHUB_TOKEN", "$GITHUB_TOKEN"]
        );
        assert!(f.iter().all(|x| x.severity == Severity::Warning));
    }

    #[test]
    fn arg_used_by_run_is_bsn3003_only() {
        let src = "FROM a:1\nARG NPM_TOKEN\nRUN echo \"//r/:_authToken=${NPM_TOKEN}\" > .npmrc && \\\n    npm ci\nRUN echo $NPM_TOKEN_URL\n";
        let f = run("BSN3003", src);
        assert_eq!(spans(src, &f), ["${NPM_TOKEN}"]);
        assert!(run("BSN3001", src).is_empty());
        // another stage does not see the ARG
        let src = "FROM a:1\nARG NPM_TOKEN\nFROM b:1\nRUN echo $NPM_TOKEN\n";
        assert!(run("BSN3003", src).is_empty());
        // heredoc use
        let src = "FROM a:1\nARG API_KEY\nRUN <<EOF\ncurl -H \"x: $API_KEY\" x\nEOF\n";
        assert_eq!(spans(src, &run("BSN3003", src)), ["$API_KEY"]);
    }

    #[test]
    fn copied_secret_files() {
        let src = "FROM a:1\nCOPY id_rsa /root/.ssh/id_rsa\nCOPY .env /app/.env\nCOPY id_rsa.pub cert.pem /x/\nCOPY [\"server.key\", \"/k\"]\nCOPY --from=b /root/.npmrc /root/\nCOPY tests/fixtures/key.pem /t/\nADD https://x.org/a.key /k\nCOPY jenkins.io-2026.key /war/jenkins-key.pub\nCOPY repo.key /usr/share/keyrings/\n";
        let f = run("BSN3002", src);
        assert_eq!(
            spans(src, &f),
            ["id_rsa", ".env", "\"server.key\"", "/root/.npmrc"]
        );
    }

    #[test]
    fn heredoc_files_and_onbuild() {
        let pw = cat(&["Zq8r2LkP0v", "Xw9TfB"]);
        let src = format!(
            "FROM a:1\nCOPY <<EOF /root/.netrc\nmachine git.example.org login ci password {pw}\nEOF\nONBUILD ENV API_TOKEN={pw}\n"
        );
        assert_eq!(spans(&src, &run("BSN3004", &src)), [pw.as_str()]);
        assert_eq!(spans(&src, &run("BSN3001", &src)), [pw.as_str()]);
    }

    #[test]
    fn hardcoded_tokens_outside_env() {
        let url = cat(&[
            "https://deploy:",
            "Zq8r2LkP0vXw9TfB",
            "@git.example.org/a.git",
        ]);
        let tok = cat(&["glpat-", "xY9_zW8-vU7tS6rQ5pO4"]);
        let src = format!(
            "FROM a:1\n# token {tok}\nRUN git clone {url}\nLABEL x=\"{tok}\"\nENV T={tok}\nRUN git clone https://user:${{TOKEN}}@x.org/a.git\n"
        );
        let f = run("BSN3004", &src);
        assert_eq!(spans(&src, &f), ["Zq8r2LkP0vXw9TfB", tok.as_str()]);
        assert!(!f[0].message.contains("Zq8r2LkP0vXw9TfB"));
    }
}
