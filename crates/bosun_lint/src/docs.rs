//! Rule pages: the examples inside them (which the harness runs) and the generated
//! `docs/rules/*.md` files.
//!
//! # Doc example convention
//!
//! A rule's `docs` markdown holds fenced blocks whose info string is
//! `dockerfile bad` or `dockerfile good`. Every `bad` block must make the rule report
//! at least once, and every `good` block must make it report nothing.
//!
//! Build-context facts for an example are given by header comment lines at the top of
//! the block (before any other line), which are ordinary Dockerfile comments:
//!
//! - `# .dockerignore: absent` — the build context has no `.dockerignore`;
//! - `# .dockerignore: empty` — it has an empty one;
//! - `# .dockerignore: .git, *.pem, node_modules` — it has one with these patterns
//!   (comma-separated, one per line in the file).
//!
//! Without such a line nothing is known about the `.dockerignore`
//! ([`Dockerignore::Unknown`]).
//!
//! Settings of rules that only run when configured are given the same way (hadolint's
//! configuration keys):
//!
//! - `# settings: trusted-registries=docker.io,*.gcr.io` (DL3026);
//! - `# settings: label-schema=org.opencontainers.image.version:semver,maintainer:email`
//!   (DL3049 and the label-format rules);
//! - `# settings: strict-labels` (DL3050).

use crate::context::{BuildContext, Dockerignore};
use crate::registry::Rule;
use bosun_diagnostics::{FixAvailability, RuleMeta};
use std::fmt::Write as _;

/// Whether an example should trigger its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    Bad,
    Good,
}

/// One fenced `dockerfile bad|good` block of a rule page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocExample {
    pub kind: ExampleKind,
    /// The Dockerfile text, header lines included.
    pub source: String,
    /// The build context the header lines describe.
    pub build: BuildContext,
    /// The rule settings the header lines give (empty when none).
    pub settings: crate::config::Settings,
    /// 1-based line of the opening fence in the page.
    pub line: usize,
}

/// The `dockerfile bad` and `dockerfile good` blocks of a markdown page, in order.
pub fn examples(markdown: &str) -> Vec<DocExample> {
    let mut out = Vec::new();
    let mut current: Option<(ExampleKind, usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim();
        match &mut current {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let mut words = info.split_whitespace();
                    if words.next() == Some("dockerfile") {
                        let kind = match words.next() {
                            Some("bad") => Some(ExampleKind::Bad),
                            Some("good") => Some(ExampleKind::Good),
                            _ => None,
                        };
                        if let Some(kind) = kind {
                            current = Some((kind, i + 1, String::new()));
                        }
                    }
                }
            }
            Some((kind, start, text)) => {
                if trimmed == "```" {
                    let build = header_context(text);
                    let settings = header_settings(text);
                    out.push(DocExample {
                        kind: *kind,
                        source: std::mem::take(text),
                        build,
                        settings,
                        line: *start,
                    });
                    current = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    out
}

/// Reads the `# .dockerignore: ...` header of an example.
pub fn header_context(source: &str) -> BuildContext {
    let mut build = BuildContext::default();
    for line in source.lines() {
        let Some(comment) = line.trim_start().strip_prefix('#') else {
            break;
        };
        if let Some(value) = comment.trim_start().strip_prefix(".dockerignore:") {
            let value = value.trim();
            build.dockerignore = match value {
                "absent" => Dockerignore::Absent,
                "empty" => Dockerignore::Present(String::new()),
                patterns => {
                    let mut text = String::new();
                    for p in patterns.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        text.push_str(p);
                        text.push('\n');
                    }
                    Dockerignore::Present(text)
                }
            };
        }
    }
    build
}

/// Reads the `# settings: ...` header lines of an example.
pub fn header_settings(source: &str) -> crate::config::Settings {
    use crate::config::LabelType;
    let mut settings = crate::config::Settings::default();
    for line in source.lines() {
        let Some(comment) = line.trim_start().strip_prefix('#') else {
            break;
        };
        let Some(value) = comment.trim_start().strip_prefix("settings:") else {
            continue;
        };
        let (key, list) = value.trim().split_once('=').unwrap_or((value.trim(), ""));
        let items = list.split(',').map(str::trim).filter(|i| !i.is_empty());
        match key.trim() {
            "trusted-registries" => settings.trusted_registries.extend(items.map(String::from)),
            "label-schema" => {
                const TYPES: [LabelType; 7] = [
                    LabelType::Text,
                    LabelType::Url,
                    LabelType::Semver,
                    LabelType::Hash,
                    LabelType::Rfc3339,
                    LabelType::Spdx,
                    LabelType::Email,
                ];
                for item in items {
                    let (name, ty) = item.rsplit_once(':').unwrap_or((item, "text"));
                    if let Some(t) = TYPES.iter().find(|t| t.as_str() == ty) {
                        settings.label_schema.push((name.to_string(), *t));
                    }
                }
            }
            "strict-labels" => settings.strict_labels = true,
            _ => {}
        }
    }
    settings
}

/// The sections every rule page must have; the harness checks them.
pub const REQUIRED_SECTIONS: [&str; 2] = ["## What it does", "## Why is this bad?"];

fn fix_text(fix: FixAvailability) -> &'static str {
    match fix {
        FixAvailability::None => "no",
        FixAvailability::Sometimes => "sometimes",
        FixAvailability::Always => "always",
    }
}

/// The page of one rule as `bosun rule CODE` prints it and `docs/rules/CODE.md` holds it.
pub fn rule_page(rule: &Rule) -> String {
    let meta: &RuleMeta = rule.meta;
    let mut out = String::new();
    let _ = writeln!(out, "# {} `{}`", meta.code, meta.name);
    out.push('\n');
    let _ = writeln!(out, "{}", meta.summary);
    out.push('\n');
    let _ = writeln!(out, "| | |");
    let _ = writeln!(out, "|---|---|");
    let _ = writeln!(out, "| Code | `{}` |", meta.code);
    let _ = writeln!(out, "| Name | `{}` |", meta.name);
    if !meta.aliases.is_empty() {
        let aliases: Vec<String> = meta.aliases.iter().map(|a| format!("`{a}`")).collect();
        let _ = writeln!(out, "| Aliases | {} |", aliases.join(", "));
    }
    let _ = writeln!(out, "| Default severity | {} |", meta.severity);
    let _ = writeln!(
        out,
        "| Enabled by default | {} |",
        if rule.enabled_by_default {
            "yes"
        } else {
            "no (opt-in)"
        }
    );
    let _ = writeln!(out, "| Fix | {} |", fix_text(meta.fix));
    out.push('\n');
    out.push_str(meta.docs.trim());
    out.push('\n');
    out
}

/// The index page `docs/rules/README.md`.
pub fn index_page(rules: &[&Rule]) -> String {
    let mut out = String::new();
    out.push_str("# bosun rules\n\n");
    out.push_str(
        "Generated from the rule registry (`crates/bosun_lint/src/rules/mod.rs`); do not edit.\n\
         Regenerate with `BOSUN_UPDATE_DOCS=1 cargo test -p bosun_lint --test framework_docs`.\n\n",
    );
    let _ = writeln!(out, "{} rules.\n", rules.len());
    out.push_str("| Code | Name | Severity | Fix | Aliases | Summary |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for rule in rules {
        let m = rule.meta;
        let aliases: Vec<String> = m.aliases.iter().map(|a| format!("`{a}`")).collect();
        let _ = writeln!(
            out,
            "| [{code}]({code}.md) | `{name}` | {sev}{opt} | {fix} | {aliases} | {summary} |",
            code = m.code,
            name = m.name,
            sev = m.severity,
            opt = if rule.enabled_by_default {
                ""
            } else {
                " (opt-in)"
            },
            fix = fix_text(m.fix),
            aliases = aliases.join(", "),
            summary = m.summary.replace('|', "\\|"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_extracted_with_their_context() {
        let md = "## What it does\n\n```dockerfile bad\n# .dockerignore: absent\nFROM a\n```\n\
                  text\n```dockerfile good\n# .dockerignore: .git, *.pem\nFROM b\n```\n\
                  ```dockerfile\nFROM ignored\n```\n";
        let ex = examples(md);
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].kind, ExampleKind::Bad);
        assert_eq!(ex[0].build.dockerignore, Dockerignore::Absent);
        assert_eq!(ex[0].source, "# .dockerignore: absent\nFROM a\n");
        assert_eq!(ex[0].line, 3);
        assert_eq!(ex[1].kind, ExampleKind::Good);
        assert_eq!(
            ex[1].build.dockerignore,
            Dockerignore::Present(".git\n*.pem\n".into())
        );
    }

    #[test]
    fn header_stops_at_first_instruction() {
        let b = header_context("FROM a\n# .dockerignore: absent\n");
        assert_eq!(b.dockerignore, Dockerignore::Unknown);
        let b = header_context("# .dockerignore: empty\nFROM a\n");
        assert_eq!(b.dockerignore, Dockerignore::Present(String::new()));
    }
}
