//! How a rule declares itself, and the registry that holds every declared rule.
//!
//! # One declaration shape
//!
//! Every rule of every area (Dockerfile lint, image checks, runtime audit) is one
//! `static` [`RuleMeta`], written as a plain struct literal, so that the rule is
//! greppable and the catalogue test can find every declaration in the source tree
//! (`ignore`: rustdoc would read the `##` headings of `docs` as hidden lines; the unit
//! tests below declare rules this way):
//!
//! ````ignore
//! use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};
//!
//! pub static PRIVILEGED: RuleMeta = RuleMeta {
//!     code: "BSA101",
//!     name: "privileged-container",
//!     area: Area::Audit,
//!     group: "runtime",
//!     aliases: &["CIS-DI-5.4", "KSV017"],
//!     severity: Severity::Error,
//!     fix: FixAvailability::None,
//!     summary: "The container runs privileged.",
//!     docs: r#"## What it does
//!
//! Flags containers started with `--privileged` / `privileged: true`.
//!
//! ## Why is this bad?
//!
//! A privileged container has every capability and every device of the host.
//!
//! ## Example
//!
//! ```yaml bad
//! services:
//!   app:
//!     image: app@sha256:...
//!     privileged: true
//! ```
//!
//! ```yaml good
//! services:
//!   app:
//!     image: app@sha256:...
//! ```
//! "#,
//! };
//! ````
//!
//! The area crate pairs the declaration with the check function type it needs (lint:
//! `bosun_lint::registry::Rule::new(&META, check)`; image: the inspect visitor reports
//! with `&META`; audit: the runtime model's checks) and lists its rules in one public
//! slice. `bosun_rules` puts every area's slice into the one [`Registry`]; its tests
//! fail when a `RuleMeta` declared anywhere in `crates/` is missing from it, when two
//! rules share a code, or when a declaration is incomplete ([`Registry::problems`]).
//!
//! # Docs
//!
//! `docs` is the rule's markdown page: `## What it does`, `## Why is this bad?` and at
//! least one fenced example block whose info string ends in `bad` and one ending in
//! `good` (```` ```dockerfile bad ````, ```` ```yaml good ````, ```` ```json bad ````).
//! The area's test harness runs those examples: every `bad` one must trigger the rule,
//! every `good` one must not. [`rule_page`] and [`index_page`] are the one generator of
//! `docs/rules/*.md` and of `bosun rule CODE`.

use serde::{Deserialize, Serialize};
use std::fmt::{self, Write as _};
use std::str::FromStr;

use crate::Severity;

/// Which part of bosun runs a rule (and which command reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    /// Dockerfile rules (`bosun lint`).
    Lint,
    /// Image rules (`bosun image`).
    Image,
    /// Runtime rules over containers, Compose files and Kubernetes manifests (`bosun audit`).
    Audit,
}

impl Area {
    pub const ALL: [Area; 3] = [Area::Lint, Area::Image, Area::Audit];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Lint => "lint",
            Area::Image => "image",
            Area::Audit => "audit",
        }
    }

    /// The command whose findings come from this area's rules.
    pub fn command(self) -> &'static str {
        match self {
            Area::Lint => "bosun lint",
            Area::Image => "bosun image",
            Area::Audit => "bosun audit",
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Area {
    type Err = String;

    fn from_str(s: &str) -> Result<Area, String> {
        Area::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown area `{s}` (expected lint, image or audit)"))
    }
}

/// Whether a rule can produce fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    /// `no`, `sometimes`, `always`: as the rule pages say it.
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "no",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

/// The declaration of one rule: what every rule says about itself. The catalogue
/// (`bosun rules`), `bosun rule CODE`, the generated docs, SARIF's rule metadata and
/// every [`crate::Finding`] the rule reports read this. See the module docs for how
/// to declare one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable code, unique across every area: hadolint's (`DL3008`) where the check is
    /// hadolint's, else bosun's (`BSN1001`, `BK1002`, `BSI100`, ...).
    pub code: &'static str,
    /// Kebab-case name describing the pattern, e.g. `apt-get-install-unpinned`.
    pub name: &'static str,
    /// Which command runs the rule.
    pub area: Area,
    /// The family inside the area, lower-case: `framework`, `hadolint`, `security`,
    /// `buildkit`, `pragma` for lint; `image` for image; the audit area's own families.
    /// `bosun rules --area` accepts an area or a group.
    pub group: &'static str,
    /// Other names users may know the rule by: hadolint codes, BuildKit check names,
    /// Dockle, Trivy or Docker Bench IDs.
    pub aliases: &'static [&'static str],
    /// The default severity (configuration may override it per run).
    pub severity: Severity,
    pub fix: FixAvailability,
    /// One line: what the rule flags.
    pub summary: &'static str,
    /// Markdown page: what it does, why it matters, a bad and a good example.
    pub docs: &'static str,
}

/// Base of the rule pages in the repository.
pub const DOCS_BASE_URL: &str = "https://github.com/bosun-dev/bosun/blob/main/docs/rules";

impl RuleMeta {
    pub fn help_url(&self) -> String {
        format!("{DOCS_BASE_URL}/{}.md", self.code)
    }

    /// True when `name` is this rule's code, name or one of its aliases
    /// (case-insensitive).
    pub fn is_named(&self, name: &str) -> bool {
        self.code.eq_ignore_ascii_case(name)
            || self.name.eq_ignore_ascii_case(name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// The fenced example blocks of [`RuleMeta::docs`], in order.
    pub fn examples(&self) -> Vec<DocExample> {
        doc_examples(self.docs)
    }
}

/// Whether a docs example should trigger its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    Bad,
    Good,
}

/// One fenced example block of a rule page: ```` ```LANG bad ```` or ```` ```LANG good ````.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocExample {
    /// The first word of the info string: `dockerfile`, `json`, `yaml`, ...
    pub lang: String,
    pub kind: ExampleKind,
    /// The block's text (every line, each ending in `\n`).
    pub text: String,
    /// 1-based line of the opening fence in the page.
    pub line: usize,
}

/// The `LANG bad` and `LANG good` blocks of a markdown page, in order. Blocks with any
/// other info string are prose examples and are not returned.
pub fn doc_examples(markdown: &str) -> Vec<DocExample> {
    let mut out = Vec::new();
    let mut current: Option<DocExample> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim();
        match &mut current {
            None => {
                let Some(info) = trimmed.strip_prefix("```") else {
                    continue;
                };
                let mut words = info.split_whitespace();
                let (Some(lang), Some(kind), None) = (words.next(), words.next(), words.next())
                else {
                    continue;
                };
                let kind = match kind {
                    "bad" => ExampleKind::Bad,
                    "good" => ExampleKind::Good,
                    _ => continue,
                };
                current = Some(DocExample {
                    lang: lang.to_string(),
                    kind,
                    text: String::new(),
                    line: i + 1,
                });
            }
            Some(ex) => {
                if trimmed == "```" {
                    out.extend(current.take());
                } else {
                    ex.text.push_str(line);
                    ex.text.push('\n');
                }
            }
        }
    }
    out
}

/// One rule as the registry holds it: its declaration and whether it runs by default.
#[derive(Debug, Clone, Copy)]
pub struct Registered {
    pub meta: &'static RuleMeta,
    /// `false` for opt-in rules (they run only when selected by name or configured).
    pub enabled_by_default: bool,
}

impl Registered {
    pub const fn new(meta: &'static RuleMeta) -> Registered {
        Registered {
            meta,
            enabled_by_default: true,
        }
    }

    /// Makes the rule opt-in.
    pub const fn off_by_default(mut self) -> Registered {
        self.enabled_by_default = false;
        self
    }
}

/// The value of `--area` names neither an area nor a group of rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule area `{given}` (expected one of: {expected})")]
pub struct UnknownArea {
    pub given: String,
    pub expected: String,
}

/// Every rule of every area, in a fixed order (the order of the areas' lists): the
/// catalogue, `bosun rule CODE` and the generated docs read it. Built by `bosun_rules`
/// from each area's list.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    rules: Vec<Registered>,
}

impl Registry {
    pub fn new(rules: impl IntoIterator<Item = Registered>) -> Registry {
        Registry {
            rules: rules.into_iter().collect(),
        }
    }

    /// Every registered rule, in registry order.
    pub fn rules(&self) -> &[Registered] {
        &self.rules
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule a user means by `name`: the rule with that code, else the first rule
    /// with that name or alias (case-insensitive). Several rules may share an alias
    /// (two image rules both implement parts of Dockle's `CIS-DI-0010`).
    pub fn find(&self, name: &str) -> Option<&Registered> {
        let name = name.trim();
        self.rules
            .iter()
            .find(|r| r.meta.code.eq_ignore_ascii_case(name))
            .or_else(|| self.rules.iter().find(|r| r.meta.is_named(name)))
    }

    /// The areas and groups, in registry order, without repeats: what `--area` accepts.
    pub fn selectors(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Area::ALL.iter().map(|a| a.as_str()).collect();
        for r in &self.rules {
            if !out.contains(&r.meta.group) {
                out.push(r.meta.group);
            }
        }
        out
    }

    /// The rules of an area (`lint`, `image`, `audit`) or of a group (`hadolint`,
    /// `buildkit`, ...), case-insensitive, in registry order.
    pub fn select(&self, area_or_group: &str) -> Result<Vec<Registered>, UnknownArea> {
        let s = area_or_group.trim();
        if let Ok(area) = s.parse::<Area>() {
            return Ok(self
                .rules
                .iter()
                .filter(|r| r.meta.area == area)
                .copied()
                .collect());
        }
        let picked: Vec<Registered> = self
            .rules
            .iter()
            .filter(|r| r.meta.group.eq_ignore_ascii_case(s))
            .copied()
            .collect();
        if picked.is_empty() {
            return Err(UnknownArea {
                given: s.to_string(),
                expected: self.selectors().join(", "),
            });
        }
        Ok(picked)
    }

    /// What is wrong with the declarations, one line each (empty when all is well):
    /// repeated codes, a code that another rule uses as its name or alias, malformed
    /// codes, names or groups, an empty or multi-line summary, and docs without the
    /// required sections or without a `bad` and a `good` example. Tests assert this
    /// is empty.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            let m = r.meta;
            if self.rules[..i].iter().any(|o| o.meta.code == m.code) {
                out.push(format!("{}: the code is declared twice", m.code));
            }
            for other in &self.rules {
                if other.meta.code != m.code
                    && (other.meta.name.eq_ignore_ascii_case(m.code)
                        || other
                            .meta
                            .aliases
                            .iter()
                            .any(|a| a.eq_ignore_ascii_case(m.code)))
                {
                    out.push(format!(
                        "{}: the code is also a name or alias of {}",
                        m.code, other.meta.code
                    ));
                }
            }
            out.extend(
                declaration_problems(m)
                    .into_iter()
                    .map(|p| format!("{}: {p}", m.code)),
            );
        }
        out
    }
}

/// The sections every rule page must have.
pub const REQUIRED_SECTIONS: [&str; 2] = ["## What it does", "## Why is this bad?"];

fn declaration_problems(m: &RuleMeta) -> Vec<String> {
    let mut out = Vec::new();
    let letters = m.code.trim_end_matches(|c: char| c.is_ascii_digit());
    if letters.is_empty()
        || letters.len() == m.code.len()
        || !letters.chars().all(|c| c.is_ascii_uppercase())
    {
        out.push("the code is not capital letters then digits".to_string());
    }
    let kebab = |s: &str| {
        !s.is_empty()
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if !kebab(m.name) {
        out.push(format!("the name `{}` is not kebab-case", m.name));
    }
    if !kebab(m.group) {
        out.push(format!("the group `{}` is not kebab-case", m.group));
    }
    if m.summary.trim().is_empty() || m.summary.contains('\n') {
        out.push("the summary is not one line".to_string());
    }
    for section in REQUIRED_SECTIONS {
        if !m.docs.contains(section) {
            out.push(format!("the docs lack `{section}`"));
        }
    }
    let examples = m.examples();
    for kind in [ExampleKind::Bad, ExampleKind::Good] {
        if !examples.iter().any(|e| e.kind == kind) {
            out.push(format!("the docs have no `{kind:?}` example block").to_lowercase());
        }
    }
    out
}

fn area_text(m: &RuleMeta) -> String {
    if m.group == m.area.as_str() {
        m.area.to_string()
    } else {
        format!("{}, group {}", m.area, m.group)
    }
}

/// The page of one rule, as `bosun rule CODE` prints it and `docs/rules/CODE.md`
/// holds it.
pub fn rule_page(rule: &Registered) -> String {
    let meta = rule.meta;
    let mut out = String::new();
    let _ = writeln!(out, "# {} `{}`", meta.code, meta.name);
    out.push('\n');
    let _ = writeln!(out, "{}", meta.summary);
    out.push('\n');
    let _ = writeln!(out, "| | |");
    let _ = writeln!(out, "|---|---|");
    let _ = writeln!(out, "| Code | `{}` |", meta.code);
    let _ = writeln!(out, "| Name | `{}` |", meta.name);
    let _ = writeln!(
        out,
        "| Area | {} (`{}`) |",
        area_text(meta),
        meta.area.command()
    );
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
    let _ = writeln!(out, "| Fix | {} |", meta.fix.as_str());
    out.push('\n');
    out.push_str(meta.docs.trim());
    out.push('\n');
    out
}

/// The index page `docs/rules/README.md`: one table per area. `preamble` (markdown)
/// goes under the title: where the pages come from and how to regenerate them.
pub fn index_page(registry: &Registry, preamble: &str) -> String {
    let mut out = String::new();
    out.push_str("# bosun rules\n\n");
    out.push_str(preamble.trim());
    out.push_str("\n\n");
    let _ = writeln!(out, "{} rules.\n", registry.len());
    for area in Area::ALL {
        let rules: Vec<&Registered> = registry
            .rules()
            .iter()
            .filter(|r| r.meta.area == area)
            .collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {area} (`{}`)\n", area.command());
        out.push_str("| Code | Name | Group | Severity | Fix | Aliases | Summary |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for rule in rules {
            let m = rule.meta;
            let aliases: Vec<String> = m.aliases.iter().map(|a| format!("`{a}`")).collect();
            let _ = writeln!(
                out,
                "| [{code}]({code}.md) | `{name}` | {group} | {sev}{opt} | {fix} | {aliases} | {summary} |",
                code = m.code,
                name = m.name,
                group = m.group,
                sev = m.severity,
                opt = if rule.enabled_by_default {
                    ""
                } else {
                    " (opt-in)"
                },
                fix = m.fix.as_str(),
                aliases = aliases.join(", "),
                summary = m.summary.replace('|', "\\|"),
            );
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    static GOOD_DOCS: &str = "## What it does\n\nx\n\n## Why is this bad?\n\ny\n\n\
        ```dockerfile bad\nFROM a\n```\n\n```dockerfile good\nFROM b\n```\n";

    static A: RuleMeta = RuleMeta {
        code: "TST100",
        name: "first-rule",
        area: Area::Lint,
        group: "framework",
        aliases: &["First", "shared"],
        severity: Severity::Warning,
        fix: FixAvailability::None,
        summary: "First.",
        docs: GOOD_DOCS,
    };
    static B: RuleMeta = RuleMeta {
        code: "TST200",
        name: "second-rule",
        area: Area::Image,
        group: "image",
        aliases: &["shared"],
        severity: Severity::Error,
        fix: FixAvailability::Always,
        summary: "Second.",
        docs: GOOD_DOCS,
    };
    static BROKEN: RuleMeta = RuleMeta {
        code: "tst1",
        name: "Broken Rule",
        area: Area::Audit,
        group: "",
        aliases: &["TST100"],
        severity: Severity::Info,
        fix: FixAvailability::None,
        summary: "",
        docs: "## What it does\n```yaml bad\nx: 1\n```\n",
    };

    fn registry() -> Registry {
        Registry::new([Registered::new(&A), Registered::new(&B).off_by_default()])
    }

    #[test]
    fn find_prefers_codes_then_the_first_name_or_alias() {
        let r = registry();
        assert_eq!(r.find("tst200").map(|r| r.meta.code), Some("TST200"));
        assert_eq!(r.find(" second-rule ").map(|r| r.meta.code), Some("TST200"));
        assert_eq!(r.find("first").map(|r| r.meta.code), Some("TST100"));
        assert_eq!(r.find("SHARED").map(|r| r.meta.code), Some("TST100"));
        assert!(r.find("nope").is_none());
    }

    #[test]
    fn select_takes_an_area_or_a_group() {
        let r = registry();
        let codes = |v: Vec<Registered>| v.iter().map(|r| r.meta.code).collect::<Vec<_>>();
        assert_eq!(codes(r.select("lint").unwrap()), ["TST100"]);
        assert_eq!(codes(r.select("IMAGE").unwrap()), ["TST200"]);
        assert_eq!(codes(r.select("framework").unwrap()), ["TST100"]);
        assert!(r.select("audit").unwrap().is_empty());
        let err = r.select("hadolint").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown rule area `hadolint` (expected one of: lint, image, audit, framework)"
        );
    }

    #[test]
    fn problems_name_every_bad_declaration() {
        assert_eq!(registry().problems(), Vec::<String>::new());
        let r = Registry::new([
            Registered::new(&A),
            Registered::new(&BROKEN),
            Registered::new(&A),
        ]);
        assert_eq!(
            r.problems(),
            [
                "TST100: the code is also a name or alias of tst1",
                "tst1: the code is not capital letters then digits",
                "tst1: the name `Broken Rule` is not kebab-case",
                "tst1: the group `` is not kebab-case",
                "tst1: the summary is not one line",
                "tst1: the docs lack `## Why is this bad?`",
                "tst1: the docs have no `good` example block",
                "TST100: the code is declared twice",
                "TST100: the code is also a name or alias of tst1",
            ]
        );
    }

    #[test]
    fn examples_keep_language_kind_and_line() {
        let ex = doc_examples(
            "x\n```dockerfile bad\nFROM a\n```\n```yaml good\na: 1\nb: 2\n```\n```dockerfile\nFROM c\n```\n",
        );
        assert_eq!(ex.len(), 2);
        assert_eq!(
            (
                ex[0].lang.as_str(),
                ex[0].kind,
                ex[0].text.as_str(),
                ex[0].line
            ),
            ("dockerfile", ExampleKind::Bad, "FROM a\n", 2)
        );
        assert_eq!(
            (
                ex[1].lang.as_str(),
                ex[1].kind,
                ex[1].text.as_str(),
                ex[1].line
            ),
            ("yaml", ExampleKind::Good, "a: 1\nb: 2\n", 5)
        );
    }

    #[test]
    fn pages_carry_the_declaration() {
        let r = registry();
        let page = rule_page(&r.rules()[1]);
        assert!(
            page.starts_with("# TST200 `second-rule`\n\nSecond.\n"),
            "{page}"
        );
        assert!(
            page.contains("| Area | image (`bosun image`) |\n"),
            "{page}"
        );
        assert!(page.contains("| Aliases | `shared` |\n"));
        assert!(page.contains("| Enabled by default | no (opt-in) |\n"));
        assert!(page.contains("| Fix | always |\n"));
        assert!(page.ends_with("```dockerfile good\nFROM b\n```\n"));
        let page = rule_page(&r.rules()[0]);
        assert!(
            page.contains("| Area | lint, group framework (`bosun lint`) |\n"),
            "{page}"
        );
        let index = index_page(&r, "Generated.");
        assert!(index
            .starts_with("# bosun rules\n\nGenerated.\n\n2 rules.\n\n## lint (`bosun lint`)\n"));
        assert!(index.contains("| [TST200](TST200.md) | `second-rule` | image | error (opt-in) | always | `shared` | Second. |\n"), "{index}");
        assert!(!index.contains("## audit"));
    }
}
