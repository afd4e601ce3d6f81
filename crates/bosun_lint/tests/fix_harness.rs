//! The fix engine over the whole registry: for every rule whose documented bad example
//! yields a fix, applying it (and re-linting, round after round) must converge, keep the
//! file parsing, and leave nothing fixable; and rules must keep their declared fix
//! availability.

use bosun_diagnostics::FixAvailability;
use bosun_lint::docs::{examples, ExampleKind};
use bosun_lint::fix::{fix_source, select_fixes, FixOptions};
use bosun_lint::rules::RULES;
use bosun_lint::{LintInput, LintOptions, Linter};

fn errors(src: &str) -> usize {
    bosun_dockerfile::parse(src).errors.len()
}

#[test]
fn fixes_of_every_rule_converge_and_keep_the_file_parsing() {
    let opts = FixOptions {
        unsafe_fixes: true,
        ..Default::default()
    };
    let mut failures = Vec::new();
    let mut fixed_rules = Vec::new();
    for rule in RULES.iter() {
        let code = rule.meta.code;
        let linter = Linter::new(LintOptions {
            select: vec![code.to_string()],
            ..Default::default()
        });
        for e in examples(rule.meta.docs) {
            if e.kind != ExampleKind::Bad {
                continue;
            }
            let findings = linter.lint(LintInput {
                path: "Dockerfile",
                source: &e.source,
                build: &e.build,
            });
            let own: Vec<_> = findings.iter().filter(|f| f.code == code).collect();
            let with_fix = own.iter().filter(|f| f.fix.is_some()).count();
            if rule.meta.fix == FixAvailability::None && with_fix > 0 {
                failures.push(format!("{code}: declares no fix but offers {with_fix}"));
            }
            if rule.meta.fix == FixAvailability::Always && with_fix < own.len() {
                failures.push(format!(
                    "{code}: declares a fix always, but {} of {} findings of its bad example (docs line {}) have none",
                    own.len() - with_fix,
                    own.len(),
                    e.line
                ));
            }
            if with_fix == 0 {
                continue;
            }
            let out = fix_source(&linter, "Dockerfile", &e.source, &e.build, &opts);
            if !out.changed(&e.source) {
                if out.discarded.is_empty() {
                    failures.push(format!(
                        "{code}: fixes offered but nothing changed (docs line {})",
                        e.line
                    ));
                }
                continue;
            }
            if !fixed_rules.contains(&code) {
                fixed_rules.push(code);
            }
            if errors(&out.source) > errors(&e.source) {
                failures.push(format!(
                    "{code}: the fixed file parses worse:\n{}",
                    out.source
                ));
            }
            let left = select_fixes(&out.source, &out.findings, &opts);
            if !left.is_empty() {
                failures.push(format!(
                    "{code}: still fixable after {} rounds: {:?}\n{}",
                    out.rounds,
                    left.iter().map(|(f, _)| &f.message).collect::<Vec<_>>(),
                    out.source
                ));
            }
            let again = fix_source(&linter, "Dockerfile", &out.source, &e.build, &opts);
            if again.source != out.source {
                failures.push(format!(
                    "{code}: a second --fix changes the file again:\n{}\n---\n{}",
                    out.source, again.source
                ));
            }
        }
    }
    eprintln!(
        "rules whose doc example was fixed: {}",
        fixed_rules.join(", ")
    );
    // The BuildKit casing and format checks all carry fixes: the harness must have
    // exercised them.
    for code in [
        "BK1001", "BK1002", "BK1003", "BK1004", "BK1006", "BK1010", "BK1011",
    ] {
        if !fixed_rules.contains(&code) {
            failures.push(format!("{code}: its bad example was not fixed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn all_default_rules_together_converge_on_every_bad_example() {
    let linter = Linter::new(LintOptions::default());
    let opts = FixOptions {
        unsafe_fixes: true,
        ..Default::default()
    };
    let mut failures = Vec::new();
    for rule in RULES.iter() {
        for e in examples(rule.meta.docs) {
            let out = fix_source(&linter, "Dockerfile", &e.source, &e.build, &opts);
            if errors(&out.source) > errors(&e.source) {
                failures.push(format!("{}: parses worse after fixing", rule.meta.code));
            }
            let again = fix_source(&linter, "Dockerfile", &out.source, &e.build, &opts);
            if again.source != out.source {
                failures.push(format!(
                    "{} (docs line {}): not converged after {} rounds:\n{}\n---\n{}",
                    rule.meta.code, e.line, out.rounds, out.source, again.source
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn safe_only_by_default_and_conflicts_wait_for_the_next_round() {
    // FromAsCasing and ConsistentInstructionCasing both fix line 1; StageNameCasing
    // edits the same FROM: all must end up applied over the rounds.
    let src = "from alpine as Build\nRUN echo\nrun echo\nrun echo\n";
    let linter = Linter::new(LintOptions::default());
    let build = bosun_lint::BuildContext::default();
    let out = fix_source(&linter, "Dockerfile", src, &build, &FixOptions::default());
    assert_eq!(
        out.source,
        "from alpine as build\nrun echo\nrun echo\nrun echo\n"
    );
    assert!(out.rounds >= 1);
    let codes: Vec<&str> = out.applied.iter().map(|a| a.code.as_str()).collect();
    assert!(
        codes.contains(&"BK1001") && codes.contains(&"BK1004"),
        "{codes:?}"
    );
}
