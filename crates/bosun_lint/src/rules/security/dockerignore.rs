//! The build context: `BSN5001` (no `.dockerignore`) and `BSN5002` (a `.dockerignore`
//! that lets `.git`, `.env`, keys or credentials into the context).

use super::security_rule;
use crate::context::{Context, Dockerignore};
use bosun_dockerfile::dockerignore::IgnoreFile;

/// True when the Dockerfile copies from the build context at all (a COPY/ADD without
/// `--from` whose sources are not URLs, or a RUN bind mount of the context).
fn uses_context(df: &bosun_dockerfile::Dockerfile) -> bool {
    df.instructions.iter().any(|i| {
        let i = i.onbuild.as_deref().unwrap_or(i);
        ((i.is("COPY") || i.is("ADD"))
            && i.flag("from").is_none()
            && i.heredocs.is_empty()
            && i.words.len() >= 2
            && i.words[..i.words.len() - 1]
                .iter()
                .any(|w| !w.text.contains("://") && !w.text.starts_with("git@")))
            || (i.is("RUN")
                && i.flags_named("mount").any(|f| {
                    f.value.as_deref().is_some_and(|v| {
                        let m = bosun_dockerfile::model::Mount::parse(v);
                        m.from.is_none() && m.kind == "bind"
                    })
                }))
    })
}

/// True when some COPY/ADD sends the whole context (`COPY . .`).
fn copies_whole_context(df: &bosun_dockerfile::Dockerfile) -> bool {
    df.instructions.iter().any(|i| {
        (i.is("COPY") || i.is("ADD"))
            && i.flag("from").is_none()
            && i.words.len() >= 2
            && i.words[..i.words.len() - 1]
                .iter()
                .any(|w| matches!(w.text.as_str(), "." | "./" | "*" | "./*"))
    })
}

security_rule!(
    BSN5001,
    BSN5001_META,
    "BSN5001",
    "missing-dockerignore",
    [],
    Low,
    None,
    "Keep a `.dockerignore` beside the Dockerfile.",
    r#"## What it does

Flags a Dockerfile that copies from its build context when the context has no
`.dockerignore` (nor `<Dockerfile>.dockerignore`).

## Why is this bad?

Without it, everything in the directory is sent to the builder: the `.git` history,
`.env` files, local keys and credentials, `node_modules`, build output. A `COPY . .`
then puts all of it into the image, and a large context slows every build.

## Example

```dockerfile bad
# .dockerignore: absent
FROM node:20
COPY . /app
```

```dockerfile good
# .dockerignore: .git, .env*, *.pem, *.key, node_modules
FROM node:20
COPY . /app
```
"#,
    check_bsn5001
);

fn check_bsn5001(ctx: &mut Context<'_>) {
    if ctx.build.dockerignore != Dockerignore::Absent || !uses_context(ctx.dockerfile) {
        return;
    }
    ctx.report_file(
        &BSN5001_META,
        "The build context has no .dockerignore: .git, .env files and keys are sent to the builder (add one excluding at least .git, .env*, *.pem, *.key)",
    );
}

/// Paths at the context root that should never reach the builder, with what they are.
const SENSITIVE: &[(&str, &str)] = &[
    (".git/HEAD", ".git"),
    (".env", ".env"),
    (".env.local", ".env.*"),
    (".env.production", ".env.*"),
    ("id_rsa", "id_rsa"),
    ("id_ed25519", "id_ed25519"),
    ("server.key", "*.key"),
    ("tls.key", "*.key"),
    ("privkey.pem", "*.pem"),
    (".npmrc", ".npmrc"),
    (".pypirc", ".pypirc"),
    (".netrc", ".netrc"),
    (".git-credentials", ".git-credentials"),
    (".aws/credentials", ".aws"),
    (".docker/config.json", ".docker"),
    ("terraform.tfstate", "*.tfstate"),
];

security_rule!(
    BSN5002,
    BSN5002_META,
    "BSN5002",
    "dockerignore-allows-secrets",
    [],
    Warning,
    None,
    "The `.dockerignore` should exclude `.git`, `.env*`, keys and credentials.",
    r#"## What it does

When the Dockerfile copies the whole context (`COPY . .`), checks the `.dockerignore`
with Docker's matching rules (`*`, `**`, `!` exceptions, last match wins) against
well-known sensitive paths at the context root: `.git`, `.env`, `.env.*`, `id_rsa`,
`*.key`, `*.pem` keys, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.aws/`,
`.docker/`, `*.tfstate`, and reports the ones it lets through.

## Why is this bad?

`COPY . .` copies everything the `.dockerignore` does not exclude into a layer of the
image, where anyone who pulls it can read it.

## Example

```dockerfile bad
# .dockerignore: node_modules
FROM node:20
COPY . /app
```

```dockerfile good
# .dockerignore: node_modules, .git, .env*, *.pem, *.key, .npmrc, .pypirc, .netrc, .git-credentials, .aws, .docker, *.tfstate, id_*
FROM node:20
COPY . /app
```
"#,
    check_bsn5002
);

fn check_bsn5002(ctx: &mut Context<'_>) {
    let Dockerignore::Present(text) = &ctx.build.dockerignore else {
        return;
    };
    if !copies_whole_context(ctx.dockerfile) {
        return;
    }
    let m = IgnoreFile::parse(text);
    let mut leaks: Vec<&str> = Vec::new();
    for (path, label) in SENSITIVE {
        if !m.is_excluded(path) && !leaks.contains(label) {
            leaks.push(label);
        }
    }
    if leaks.is_empty() {
        return;
    }
    let df = ctx.dockerfile;
    let Some(copy) = df.instructions.iter().find(|i| {
        (i.is("COPY") || i.is("ADD"))
            && i.flag("from").is_none()
            && i.words.len() >= 2
            && i.words[..i.words.len() - 1]
                .iter()
                .any(|w| matches!(w.text.as_str(), "." | "./" | "*" | "./*"))
    }) else {
        return;
    };
    let list = leaks
        .iter()
        .map(|l| format!("`{l}`"))
        .collect::<Vec<_>>()
        .join(", ");
    ctx.report(
        &BSN5002_META,
        format!("The .dockerignore does not exclude {list}: this COPY puts them in the image"),
        copy.range.start..copy.line.range().end.max(copy.range.start),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{run_with, spans};
    use super::*;

    #[test]
    fn missing_dockerignore_only_when_context_is_used() {
        let src = "FROM a:1\nCOPY . /app\n";
        assert_eq!(run_with("BSN5001", src, Dockerignore::Absent).len(), 1);
        assert!(run_with("BSN5001", src, Dockerignore::Unknown).is_empty());
        assert!(run_with("BSN5001", src, Dockerignore::Present(String::new())).is_empty());
        let src = "FROM a:1\nCOPY --from=b /x /x\nADD https://x.org/a /a\n";
        assert!(run_with("BSN5001", src, Dockerignore::Absent).is_empty());
    }

    #[test]
    fn leaky_dockerignore() {
        let src = "FROM a:1\nCOPY . /app\n";
        let f = run_with(
            "BSN5002",
            src,
            Dockerignore::Present("node_modules\n.git\n".into()),
        );
        assert_eq!(spans(src, &f), ["COPY . /app"]);
        assert!(f[0].message.contains("`.env`") && !f[0].message.contains("`.git`"));
        let good = "*\n!src\n!package.json\n";
        assert!(run_with("BSN5002", src, Dockerignore::Present(good.into())).is_empty());
        // only specific files are copied: the ignore file matters less
        let src = "FROM a:1\nCOPY package.json /app/\n";
        assert!(run_with("BSN5002", src, Dockerignore::Present(String::new())).is_empty());
    }
}
