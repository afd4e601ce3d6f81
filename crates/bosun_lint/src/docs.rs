//! The examples inside the Dockerfile rules' pages, which the harness runs. (The pages
//! themselves, `docs/rules/*.md` and `bosun rule CODE`, come from the one generator in
//! `bosun_diagnostics`, fed by the `bosun_rules` registry.)
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

pub use bosun_diagnostics::ExampleKind;

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
    bosun_diagnostics::doc_examples(markdown)
        .into_iter()
        .filter(|e| e.lang == "dockerfile")
        .map(|e| DocExample {
            kind: e.kind,
            build: header_context(&e.text),
            settings: header_settings(&e.text),
            source: e.text,
            line: e.line,
        })
        .collect()
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

pub use bosun_diagnostics::REQUIRED_SECTIONS;

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
