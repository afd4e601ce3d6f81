//! CopyIgnoredFile: COPY/ADD of a path the `.dockerignore` excludes.

use crate::context::{Context, Dockerignore};
use crate::registry::Rule;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1007",
    name: "copy-of-ignored-file",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["CopyIgnoredFile"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "COPY or ADD names a source that the `.dockerignore` excludes from the build context.",
    docs: r#"## What it does

Flags a `COPY` or `ADD` source from the build context that the `.dockerignore` excludes
(the path or one of its parent directories matches, and no later `!` pattern brings it
back). Sources from another stage or image (`--from`), heredocs, URLs and sources with
variables are not checked; neither is a source under a directory that a `!` pattern may
partly re-include. This is BuildKit's experimental `CopyIgnoredFile` check; it needs
the `.dockerignore` of the build context. Like BuildKit, bosun runs it only when asked:
with `# check=experimental=CopyIgnoredFile` (or `experimental=all`) at the top of the
Dockerfile, or by selecting it (`--select CopyIgnoredFile`); `# check=skip=` does not
turn an experimental check off.

## Why is this bad?

The excluded file is not sent to the builder, so the instruction fails (or copies less
than it says) although the file exists next to the Dockerfile.

## Example

```dockerfile bad
# check=experimental=CopyIgnoredFile
# .dockerignore: *.md, secrets
FROM alpine:3.20
COPY README.md /docs/
```

```dockerfile good
# check=experimental=CopyIgnoredFile
# .dockerignore: *.md, secrets
FROM alpine:3.20
COPY app.conf /etc/app/
```

## References

- BuildKit check `CopyIgnoredFile`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

/// One `.dockerignore` pattern.
struct Pattern {
    text: String,
    exclusion: bool,
    matcher: globset::GlobMatcher,
}

/// Parses a `.dockerignore` like BuildKit (moby/patternmatcher `ignorefile.ReadAll`):
/// comments and blank lines skipped, `!` negates, patterns cleaned, a leading `/`
/// dropped. Patterns that do not compile are skipped.
fn parse_ignore(text: &str) -> Vec<Pattern> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (exclusion, pat) = match line.strip_prefix('!') {
            Some(p) => (true, p.trim()),
            None => (false, line),
        };
        let cleaned = clean(pat);
        if cleaned.is_empty() {
            continue;
        }
        let mut variants = vec![cleaned.clone()];
        if let Some(base) = cleaned.strip_suffix("/**") {
            variants.push(base.to_string());
        }
        for v in variants {
            if let Ok(g) = globset::GlobBuilder::new(&v)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
            {
                out.push(Pattern {
                    text: cleaned.clone(),
                    exclusion,
                    matcher: g.compile_matcher(),
                });
            }
        }
    }
    out
}

/// `filepath.Clean` for slash paths, without a leading `/`.
fn clean(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// True when `path` or one of its parents matches `p`.
fn matches_or_parent(p: &Pattern, path: &str) -> bool {
    if p.matcher.is_match(path) {
        return true;
    }
    let segs: Vec<&str> = path.split('/').collect();
    (1..segs.len()).any(|i| p.matcher.is_match(segs[..i].join("/")))
}

/// BuildKit's `MatchesOrParentMatches`: the last matching pattern decides.
fn excluded(patterns: &[Pattern], path: &str) -> bool {
    let mut matched = false;
    for p in patterns {
        if matches_or_parent(p, path) {
            matched = !p.exclusion;
        }
    }
    matched
}

/// The literal directory prefix of a pattern before its first wildcard element.
fn literal_prefix(p: &str) -> (String, bool) {
    let elems: Vec<&str> = p.split('/').collect();
    for (i, e) in elems.iter().enumerate() {
        if e.contains(['*', '?', '[']) {
            return (elems[..i].join("/"), true);
        }
    }
    (p.to_string(), false)
}

fn at_or_below(path: &str, base: &str) -> bool {
    base.is_empty() || path == base || path.starts_with(&format!("{base}/"))
}

/// A `!` pattern might re-include something at or below `src`: the check cannot be
/// decided statically (BuildKit skips it too).
fn negated_below(patterns: &[Pattern], src: &str) -> bool {
    patterns.iter().filter(|p| p.exclusion).any(|p| {
        let (prefix, wildcard) = literal_prefix(&p.text);
        at_or_below(&prefix, src) || (wildcard && at_or_below(src, &prefix))
    })
}

fn root_ignored(patterns: &[Pattern]) -> bool {
    patterns
        .iter()
        .any(|p| !p.exclusion && matches!(p.text.as_str(), "*" | "**" | "**/*"))
}

fn check(ctx: &mut Context<'_>) {
    if !super::experimental_enabled(ctx, &META) {
        return;
    }
    let Dockerignore::Present(text) = &ctx.build.dockerignore else {
        return;
    };
    let patterns = parse_ignore(text);
    if patterns.is_empty() {
        return;
    }
    let df = ctx.dockerfile;
    for instr in &df.instructions {
        let is_add = instr.is("ADD");
        if !(is_add || instr.is("COPY")) || instr.flag("from").is_some() {
            continue;
        }
        let n = instr.words.len();
        if n < 2 {
            continue;
        }
        for w in &instr.words[..n - 1] {
            let raw = if instr.json {
                w.text.clone()
            } else {
                if w.text.starts_with("<<") || w.text.contains('$') {
                    continue;
                }
                match bosun_dockerfile::expand::Lexer::new(df.escape)
                    .process_word(&w.text, &bosun_dockerfile::expand::NoEnv)
                {
                    Ok(v) => v,
                    Err(_) => continue,
                }
            };
            if is_add && (raw.contains("://") || raw.starts_with("git@")) {
                continue;
            }
            let src = clean(&raw);
            let is_root = src.is_empty();
            if is_root && !root_ignored(&patterns) {
                continue;
            }
            if negated_below(&patterns, &src) {
                continue;
            }
            if is_root || excluded(&patterns, &src) {
                let shown = if is_root { ".".to_string() } else { src };
                let verb = if is_add { "Add" } else { "Copy" };
                ctx.report(
                    &META,
                    format!(
                        "Attempting to {verb} file \"{shown}\" that is excluded by .dockerignore"
                    ),
                    w.range.start..w.range.end,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_dockerignore() {
        let p = parse_ignore("# comment\n*.md\n/secrets\nbuild/**\n!build/keep\nnode_modules\n");
        assert!(excluded(&p, "README.md"));
        assert!(!excluded(&p, "docs/README.md"), "* does not cross /");
        assert!(excluded(&p, "secrets"));
        assert!(excluded(&p, "secrets/key.pem"), "parent directory matches");
        assert!(excluded(&p, "node_modules/x/y.js"));
        assert!(excluded(&p, "build/out"));
        assert!(!excluded(&p, "build/keep"));
        assert!(!excluded(&p, "src/main.rs"));
        assert!(negated_below(&p, "build"));
        assert!(!negated_below(&p, "secrets"));
    }

    #[test]
    fn clean_normalises_paths() {
        assert_eq!(clean("./a//b/../c/"), "a/c");
        assert_eq!(clean("/x"), "x");
        assert_eq!(clean("."), "");
    }
}
