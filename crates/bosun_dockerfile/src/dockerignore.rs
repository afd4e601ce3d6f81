//! `.dockerignore` matching as BuildKit does it (moby `patternmatcher` and
//! `ignorefile.ReadAll`). The one matcher for every rule (`CopyIgnoredFile`, BSN5001,
//! BSN5002).
//!
//! - one pattern per line; lines starting with `#` are comments; surrounding
//!   whitespace is trimmed, empty lines are skipped;
//! - `!pattern` re-includes; the last matching pattern decides;
//! - patterns and paths are cleaned like Go's `filepath.Clean`, without a leading `/`
//!   (everything is relative to the context root);
//! - `*` matches a run of non-`/` characters, `?` one non-`/` character, `[...]` a
//!   class, `**/` any number of directories (none included), a trailing `/**`
//!   everything below (not the directory itself), `\` escapes the next character;
//!   `{` and `}` are literal (BuildKit has no alternatives);
//! - a path is excluded when it or one of its parent directories matches
//!   (`MatchesOrParentMatches`).
//!
//! Patterns are compiled with `globset` (literal separators, backslash escapes), whose
//! `*`, `?`, classes and `**` forms are the ones above; only braces are escaped before
//! compiling. A pattern globset refuses is skipped.

/// One pattern of a `.dockerignore`.
#[derive(Debug, Clone)]
pub struct IgnorePattern {
    /// The pattern, cleaned (no leading `/` or `!`).
    pub text: String,
    /// A `!` line: re-includes what it matches.
    pub exclusion: bool,
    matcher: globset::GlobMatcher,
}

impl IgnorePattern {
    /// True when the pattern matches `path` itself (cleaned, `/`-separated).
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }

    /// True when the pattern matches `path` or one of its parent directories.
    pub fn matches_or_parent(&self, path: &str) -> bool {
        if self.matches(path) {
            return true;
        }
        let mut p = path;
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            if self.matches(p) {
                return true;
            }
        }
        false
    }
}

/// The patterns of one `.dockerignore`.
#[derive(Debug, Clone, Default)]
pub struct IgnoreFile {
    patterns: Vec<IgnorePattern>,
}

impl IgnoreFile {
    /// Reads the text of a `.dockerignore` (never fails: unusable lines are skipped).
    pub fn parse(text: &str) -> IgnoreFile {
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
            let text = clean(body);
            if text.is_empty() {
                continue;
            }
            let glob = text.replace('{', "\\{").replace('}', "\\}");
            if let Ok(g) = globset::GlobBuilder::new(&glob)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
            {
                patterns.push(IgnorePattern {
                    text,
                    exclusion,
                    matcher: g.compile_matcher(),
                });
            }
        }
        IgnoreFile { patterns }
    }

    /// The usable patterns, in file order.
    pub fn patterns(&self) -> &[IgnorePattern] {
        &self.patterns
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// True when `path` (relative to the context root) is left out of the build
    /// context: the last pattern matching it or a parent directory is not a `!` one.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = clean(path);
        let mut excluded = false;
        for p in &self.patterns {
            if p.matches_or_parent(&path) {
                excluded = !p.exclusion;
            }
        }
        excluded
    }

    /// True when a `!` pattern might re-include something at or below `path`, so
    /// whether `path` reaches the builder cannot be decided from the patterns alone.
    pub fn may_reinclude_below(&self, path: &str) -> bool {
        let path = clean(path);
        self.patterns.iter().filter(|p| p.exclusion).any(|p| {
            let (prefix, wildcard) = literal_prefix(&p.text);
            at_or_below(&prefix, &path) || (wildcard && at_or_below(&path, &prefix))
        })
    }
}

/// Go's `filepath.Clean` for `/` paths, without a leading `/` (`""` for the root); `..`
/// never climbs above the root. Also the model's WORKDIR joins.
pub fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
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

/// The literal directories of a pattern before its first wildcard element, and
/// whether there is a wildcard.
fn literal_prefix(p: &str) -> (String, bool) {
    let elems: Vec<&str> = p.split('/').collect();
    for (i, e) in elems.iter().enumerate() {
        if e.contains(['*', '?', '[']) {
            return (elems.get(..i).unwrap_or_default().join("/"), true);
        }
    }
    (p.to_string(), false)
}

fn at_or_below(path: &str, base: &str) -> bool {
    base.is_empty()
        || path == base
        || path
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buildkit_pattern_semantics() {
        let p = IgnoreFile::parse(
            "# comment\n*.md\n/secrets\nbuild/**\n!build/keep\nnode_modules\n**/*.pem\n \n!\n",
        );
        assert_eq!(p.patterns().len(), 6);
        assert!(p.is_excluded("README.md"));
        assert!(!p.is_excluded("docs/README.md"), "* does not cross /");
        assert!(p.is_excluded("secrets"));
        assert!(
            p.is_excluded("./secrets/key.txt"),
            "a parent directory matches"
        );
        assert!(p.is_excluded("node_modules/x/y.js"));
        assert!(p.is_excluded("build/out"));
        assert!(!p.is_excluded("build"), "build/** is what is below build");
        assert!(!p.is_excluded("build/keep"));
        assert!(p.is_excluded("key.pem"), "**/ matches no directory too");
        assert!(p.is_excluded("a/b/c.pem"));
        assert!(!p.is_excluded("src/main.rs"));
        assert!(p.may_reinclude_below("build"));
        assert!(p.may_reinclude_below("."));
        assert!(!p.may_reinclude_below("secrets"));
    }

    #[test]
    fn classes_escapes_and_braces() {
        let p = IgnoreFile::parse("file[0-9].txt\n\\*literal\n{a,b}\n?x\n");
        assert!(p.is_excluded("file7.txt"));
        assert!(!p.is_excluded("fileA.txt"));
        assert!(p.is_excluded("*literal"));
        assert!(!p.is_excluded("xliteral"));
        assert!(p.is_excluded("{a,b}"), "braces are literal in BuildKit");
        assert!(!p.is_excluded("a"));
        assert!(p.is_excluded("ax"));
        assert!(!p.is_excluded("a/x"), "? does not match /");
    }

    #[test]
    fn last_match_wins() {
        let p = IgnoreFile::parse("*\n!src\nsrc/*.tmp\n");
        assert!(p.is_excluded("Dockerfile"));
        assert!(!p.is_excluded("src/main.rs"));
        assert!(p.is_excluded("src/x.tmp"));
    }

    #[test]
    fn matcher_follows_docker_semantics() {
        let m = IgnoreFile::parse(
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
        let m = IgnoreFile::parse("*\n!src\n!package.json\n");
        assert!(m.is_excluded(".env") && m.is_excluded(".git/HEAD"));
        assert!(!m.is_excluded("src/a.js") && !m.is_excluded("package.json"));
        let m = IgnoreFile::parse("**\n!app/**\n");
        assert!(m.is_excluded("x") && !m.is_excluded("app/a/b"));
        let m = IgnoreFile::parse("[a-c].txt\nd?.md\n");
        assert!(m.is_excluded("b.txt") && !m.is_excluded("e.txt") && m.is_excluded("d1.md"));
    }

    #[test]
    fn clean_normalises_paths() {
        assert_eq!(clean("./a//b/../c/"), "a/c");
        assert_eq!(clean("/x"), "x");
        assert_eq!(clean("."), "");
    }
}
