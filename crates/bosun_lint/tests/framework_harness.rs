//! Every registered rule keeps the framework's promises: unique codes, kebab-case names,
//! documented pages, and doc examples that behave (bad ones trigger the rule, good ones
//! do not).

use bosun_lint::docs::{examples, ExampleKind, REQUIRED_SECTIONS};
use bosun_lint::rules::RULES;
use bosun_lint::{LintInput, LintOptions, Linter};
use std::collections::HashSet;

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[test]
fn codes_names_and_aliases_are_unique() {
    let mut seen = HashSet::new();
    for rule in RULES.iter() {
        let m = rule.meta;
        for n in std::iter::once(m.code)
            .chain(std::iter::once(m.name))
            .chain(m.aliases.iter().copied())
        {
            assert!(
                seen.insert(n.to_ascii_lowercase()),
                "`{n}` (rule {}) names two rules",
                m.code
            );
        }
    }
    assert!(!RULES.is_empty());
}

#[test]
fn names_are_kebab_case_and_codes_are_plain() {
    for rule in RULES.iter() {
        let m = rule.meta;
        assert!(
            is_kebab(m.name),
            "{}: name `{}` is not kebab-case",
            m.code,
            m.name
        );
        assert!(
            !m.code.is_empty() && m.code.chars().all(|c| c.is_ascii_alphanumeric()),
            "code `{}` must be letters and digits",
            m.code
        );
        assert!(!m.summary.trim().is_empty(), "{}: empty summary", m.code);
    }
}

#[test]
fn every_rule_page_has_the_required_sections() {
    for rule in RULES.iter() {
        for section in REQUIRED_SECTIONS {
            assert!(
                rule.meta.docs.lines().any(|l| l.trim_end() == section),
                "{}: docs lack `{section}`",
                rule.meta.code
            );
        }
    }
}

#[test]
fn doc_examples_behave() {
    let mut failures = Vec::new();
    for rule in RULES.iter() {
        let code = rule.meta.code;
        let ex = examples(rule.meta.docs);
        if !ex.iter().any(|e| e.kind == ExampleKind::Bad) {
            failures.push(format!("{code}: no ```dockerfile bad example"));
        }
        if !ex.iter().any(|e| e.kind == ExampleKind::Good) {
            failures.push(format!("{code}: no ```dockerfile good example"));
        }
        for e in &ex {
            // Select the rule alone (this also runs opt-in rules), with the example's
            // settings.
            let linter = Linter::new(LintOptions {
                select: vec![code.to_string()],
                settings: e.settings.clone(),
                ..Default::default()
            });
            let findings = linter.lint(LintInput {
                path: "Dockerfile",
                source: &e.source,
                build: &e.build,
            });
            let own = findings.iter().filter(|f| f.code == code).count();
            match e.kind {
                ExampleKind::Bad if own == 0 => failures.push(format!(
                    "{code}: the bad example at docs line {} yields no {code} finding",
                    e.line
                )),
                ExampleKind::Good if own > 0 => failures.push(format!(
                    "{code}: the good example at docs line {} yields {own} {code} finding(s): {:?}",
                    e.line,
                    findings.iter().map(|f| &f.message).collect::<Vec<_>>()
                )),
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
