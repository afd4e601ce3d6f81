//! The build context: `BSN5001` (no `.dockerignore`) and `BSN5002` (a `.dockerignore`
//! that lets `.git`, `.env`, keys or credentials into the context).

use crate::context::{Context, Dockerignore};
use crate::registry::Rule;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};
use regex::Regex;

/// One `.dockerignore` pattern, compiled.
#[derive(Debug, Clone)]
struct Pattern {
    re: Regex,
    exclusion: bool,
}

/// A `.dockerignore` matcher with Docker's semantics (moby `patternmatcher`):
/// - one pattern per line; `#` lines are comments; surrounding whitespace is trimmed;
/// - patterns are cleaned like Go's `filepath.Clean` (a leading `/` and `./` are
///   dropped: everything is relative to the context root);
/// - `*` matches any run of non-`/` characters, `?` one non-`/` character, `[...]` a
///   class, `**` any number of directories (including none);
/// - a pattern that matches a directory excludes everything under it;
/// - `!pattern` re-includes; the last matching pattern wins.
///
/// Hand-written (a few dozen lines) because the semantics differ from gitignore's
/// (no implicit `**/` prefix, no special meaning of a trailing `/` beyond cleaning),
/// which the usual ignore crates implement.
#[derive(Debug, Clone, Default)]
pub struct DockerignoreMatcher {
    patterns: Vec<Pattern>,
}

fn clean(pattern: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in pattern.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn glob_to_regex(glob: &str) -> String {
    let mut re = String::from("^");
    let chars: Vec<char> = glob.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                // `**/` matches zero or more directories; a trailing `**` anything
                if chars.get(i + 2) == Some(&'/') {
                    re.push_str("(?:.*/)?");
                    i += 3;
                } else {
                    re.push_str(".*");
                    i += 2;
                }
                continue;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                let mut j = i + 1;
                let mut class = String::from("[");
                if chars.get(j) == Some(&'!') || chars.get(j) == Some(&'^') {
                    class.push('^');
                    j += 1;
                }
                let mut closed = false;
                while let Some(&d) = chars.get(j) {
                    if d == ']' && j > i + 1 {
                        closed = true;
                        break;
                    }
                    if d == '\\' || d == '[' {
                        class.push('\\');
                    }
                    class.push(d);
                    j += 1;
                }
                if closed {
                    class.push(']');
                    re.push_str(&class);
                    i = j + 1;
                    continue;
                }
                re.push_str("\\[");
            }
            '\\' => {
                if let Some(&n) = chars.get(i + 1) {
                    re.push_str(&regex::escape(&n.to_string()));
                    i += 2;
                    continue;
                }
            }
            other => re.push_str(&regex::escape(&other.to_string())),
        }
        i += 1;
    }
    re.push('$');
    re
}

impl DockerignoreMatcher {
    pub fn parse(text: &str) -> DockerignoreMatcher {
        let mut patterns = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exclusion, body) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let cleaned = clean(body);
            if cleaned.is_empty() {
                continue;
            }
            if let Ok(re) = Regex::new(&glob_to_regex(&cleaned)) {
                patterns.push(Pattern { re, exclusion });
            }
        }
        DockerignoreMatcher { patterns }
    }

    /// True when `path` (relative to the context root, `/`-separated) is left out of
    /// the build context.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = clean(path);
        // the path itself and each parent directory
        let mut candidates = vec![path.as_str()];
        let mut p = path.as_str();
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            candidates.push(p);
        }
        let mut excluded = false;
        for pat in &self.patterns {
            if candidates.iter().any(|c| pat.re.is_match(c)) {
                excluded = !pat.exclusion;
            }
        }
        excluded
    }
}

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
                        !v.contains("from=") && (v.contains("type=bind") || !v.contains("type="))
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

pub static BSN5001_META: RuleMeta = RuleMeta {
    code: "BSN5001",
    name: "missing-dockerignore",
    area: Area::Lint,
    group: "security",
    aliases: &[],
    severity: Severity::Low,
    fix: FixAvailability::None,
    summary: "Keep a `.dockerignore` beside the Dockerfile.",
    docs: r#"## What it does

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
};

pub static BSN5001: Rule = Rule::new(&BSN5001_META, check_bsn5001);

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

pub static BSN5002_META: RuleMeta = RuleMeta {
    code: "BSN5002",
    name: "dockerignore-allows-secrets",
    area: Area::Lint,
    group: "security",
    aliases: &[],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "The `.dockerignore` should exclude `.git`, `.env*`, keys and credentials.",
    docs: r#"## What it does

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
};

pub static BSN5002: Rule = Rule::new(&BSN5002_META, check_bsn5002);

fn check_bsn5002(ctx: &mut Context<'_>) {
    let Dockerignore::Present(text) = &ctx.build.dockerignore else {
        return;
    };
    if !copies_whole_context(ctx.dockerfile) {
        return;
    }
    let m = DockerignoreMatcher::parse(text);
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
    fn matcher_follows_docker_semantics() {
        let m = DockerignoreMatcher::parse(
            "# comment\n/.git\n*.pem\n!keep.pem\n**/*.key\nnode_modules/\nsecrets/*\n!secrets/public\n.env*\n",
        );
        for p in [
            ".git",
            ".git/HEAD",
            "a.pem",
            "x.key",
            "deep/dir/x.key",
            "node_modules/a/b.js",
            "secrets/x",
            ".env",
            ".env.local",
        ] {
            assert!(m.is_excluded(p), "{p}");
        }
        for p in [
            "keep.pem",
            "sub/a.pem",
            "secrets/public",
            "src/main.rs",
            "env",
        ] {
            assert!(!m.is_excluded(p), "{p}");
        }
        // last match wins, exclusions can re-exclude
        let m = DockerignoreMatcher::parse("*\n!src\n!package.json\n");
        assert!(m.is_excluded(".env") && m.is_excluded(".git/HEAD"));
        assert!(!m.is_excluded("src/a.js") && !m.is_excluded("package.json"));
        let m = DockerignoreMatcher::parse("**\n!app/**\n");
        assert!(m.is_excluded("x") && !m.is_excluded("app/a/b"));
        let m = DockerignoreMatcher::parse("[a-c].txt\nd?.md\n");
        assert!(m.is_excluded("b.txt") && !m.is_excluded("e.txt") && m.is_excluded("d1.md"));
    }

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
