//! The runner and rule selection, exercised through the registered rules' own bad
//! examples (so the tests hold whichever rules are registered).

use bosun_diagnostics::{Finding, Severity};
use bosun_lint::docs::{examples, DocExample, ExampleKind};
use bosun_lint::rules::RULES;
use bosun_lint::{lint_source, LintInput, LintOptions, Linter, Rule, RuleSet, SeverityOverride};

fn bad_example(rule: &Rule) -> DocExample {
    examples(rule.meta.docs)
        .into_iter()
        .find(|e| e.kind == ExampleKind::Bad)
        .expect("every rule has a bad example (harness)")
}

fn run(options: LintOptions, e: &DocExample) -> Vec<Finding> {
    Linter::new(options).lint(LintInput {
        path: "Dockerfile",
        source: &e.source,
        build: &e.build,
    })
}

fn codes(f: &[Finding], code: &str) -> usize {
    f.iter().filter(|f| f.code == code).count()
}

/// A rule that is on by default, with an alias, and whose bad example does not need the
/// build context.
fn sample_rule() -> &'static Rule {
    RULES
        .iter()
        .copied()
        .find(|r| r.enabled_by_default && !r.meta.aliases.is_empty())
        .expect("a registered rule with an alias")
}

#[test]
fn select_and_ignore_accept_codes_names_and_aliases() {
    let rule = sample_rule();
    let e = bad_example(rule);
    let code = rule.meta.code;
    for name in [code, rule.meta.name, rule.meta.aliases[0]] {
        let only = run(
            LintOptions {
                select: vec![name.to_lowercase()],
                ..Default::default()
            },
            &e,
        );
        assert!(codes(&only, code) > 0, "--select {name}");
        assert!(
            only.iter().all(|f| f.code == code),
            "--select {name} runs only {code}"
        );
        let without = run(
            LintOptions {
                ignore: vec![name.to_string()],
                ..Default::default()
            },
            &e,
        );
        assert_eq!(codes(&without, code), 0, "--ignore {name}");
    }
    let all = run(LintOptions::default(), &e);
    assert!(codes(&all, code) > 0, "on by default");
}

#[test]
fn severity_overrides_set_and_turn_off() {
    let rule = sample_rule();
    let e = bad_example(rule);
    let code = rule.meta.code;
    let target = if rule.meta.severity == Severity::Critical {
        Severity::Style
    } else {
        Severity::Critical
    };
    let raised = run(
        LintOptions {
            severity: vec![(rule.meta.name.to_string(), SeverityOverride::Set(target))],
            ..Default::default()
        },
        &e,
    );
    let own: Vec<_> = raised.iter().filter(|f| f.code == code).collect();
    assert!(!own.is_empty());
    assert!(own.iter().all(|f| f.severity == target));
    let off = run(
        LintOptions {
            severity: vec![
                (code.to_string(), SeverityOverride::Set(target)),
                (code.to_string(), SeverityOverride::Off),
            ],
            ..Default::default()
        },
        &e,
    );
    assert_eq!(codes(&off, code), 0, "the later override wins");
}

#[test]
fn opt_in_rules_run_only_when_asked() {
    let Some(rule) = RULES.iter().copied().find(|r| !r.enabled_by_default) else {
        bosun_testkit::skip("skipping: no opt-in rule is registered");
        return;
    };
    let e = bad_example(rule);
    let code = rule.meta.code;
    assert_eq!(codes(&run(LintOptions::default(), &e), code), 0);
    let selected = run(
        LintOptions {
            select: vec![code.to_string()],
            ..Default::default()
        },
        &e,
    );
    assert!(codes(&selected, code) > 0);
    let all = run(
        LintOptions {
            select: vec!["ALL".into()],
            ..Default::default()
        },
        &e,
    );
    assert!(codes(&all, code) > 0, "ALL includes opt-in rules");
    let by_severity = run(
        LintOptions {
            severity: vec![(code.to_string(), SeverityOverride::Set(Severity::Info))],
            ..Default::default()
        },
        &e,
    );
    assert!(
        codes(&by_severity, code) > 0,
        "a severity override enables it"
    );
}

#[test]
fn unknown_selectors_are_reported() {
    let options = LintOptions {
        select: vec!["DL1000".into(), "no-such-rule".into(), "all".into()],
        ignore: vec!["XX9999".into()],
        ..Default::default()
    };
    let unknown: Vec<String> = RuleSet::unknown_selectors(&options)
        .into_iter()
        .map(|u| u.0)
        .collect();
    assert_eq!(unknown, ["no-such-rule", "XX9999"]);
    assert!(RuleSet::from_options(&options).is_enabled("DL1000"));
}

#[test]
fn parse_errors_are_findings_and_other_rules_still_run() {
    let empty = lint_source("Dockerfile", "# only a comment\n", &LintOptions::default());
    let parse: Vec<_> = empty.iter().filter(|f| f.code == "DL1000").collect();
    assert_eq!(parse.len(), 1, "{empty:#?}");
    assert_eq!(parse[0].severity, Severity::Error);
    assert!(!parse[0].message.is_empty());

    // A file with a broken line after good instructions: the parse error is reported
    // and the rules still see the instructions before it.
    let rule = sample_rule();
    let e = bad_example(rule);
    let broken = format!("{}\nRUN <<EOF\necho never terminated\n", e.source);
    let findings = Linter::new(LintOptions::default()).lint(LintInput {
        path: "Dockerfile",
        source: &broken,
        build: &e.build,
    });
    assert!(codes(&findings, rule.meta.code) > 0, "{findings:#?}");
}

#[test]
fn findings_are_sorted_by_position_then_code() {
    // Concatenate several rules' bad examples into one file: many findings, many codes.
    let text: String = RULES
        .iter()
        .take(12)
        .map(|r| bad_example(r).source)
        .filter(|s| !s.starts_with("# only"))
        .collect::<Vec<_>>()
        .join("\n");
    let findings = lint_source("Dockerfile", &text, &LintOptions::default());
    assert!(findings.len() > 1);
    let keys: Vec<_> = findings.iter().map(Finding::sort_key).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Deterministic: the same input gives the same output.
    assert_eq!(
        findings,
        lint_source("Dockerfile", &text, &LintOptions::default())
    );
}

#[test]
fn the_runner_never_panics_on_odd_input() {
    for text in [
        "",
        "\u{feff}FROM a\n",
        "FROM\n",
        "RUN \\\n",
        "FROM a AS\nCOPY --from= . .\n",
        "\0\0\0",
        "ONBUILD ONBUILD RUN x\n",
        "FROM a\nRUN <<EOF\n",
        "# escape=`\nFROM a\nRUN x `\n",
    ] {
        let _ = lint_source(
            "Dockerfile",
            text,
            &LintOptions {
                select: vec!["ALL".into()],
                ..Default::default()
            },
        );
    }
}

/// Variables held by ARG/ENV count only in their stage and the stages built `FROM` it:
/// a name the Dockerfile sets only with the ENV of an unrelated stage is empty there
/// (`$PKG` installs nothing, `httpd-$E` has no version), and a version in a variable
/// counts the same for yum (DL3033) and dnf (DL3041).
#[test]
fn package_variables_follow_stage_scopes() {
    let src = "FROM centos:7 AS a\nENV PKG=httpd E=2.4\n\
               FROM centos:7 AS b\nRUN yum install -y $PKG && yum clean all\n\
               FROM a AS c\nRUN yum install -y $PKG && yum clean all\n\
               FROM fedora:40\nARG V=1.2\n\
               RUN dnf install -y httpd-$V && dnf clean all\n\
               RUN yum install -y httpd-$V && yum clean all\n\
               RUN dnf install -y httpd-$E && dnf clean all\n\
               RUN yum install -y httpd-${E} && yum clean all\n";
    let f = lint_source("Dockerfile", src, &LintOptions::default());
    let lines = |code: &str| -> Vec<usize> {
        f.iter()
            .filter(|x| x.code == code)
            .map(|x| match &x.location {
                bosun_diagnostics::Location::File { span: Some(s), .. } => s.start_line,
                _ => 0,
            })
            .collect()
    };
    // Stage b does not see stage a's ENV (`$PKG` is empty: nothing to flag); stage c
    // inherits it (`httpd`, unpinned); the last stage does not see `E` either.
    assert_eq!(lines("DL3033"), [6, 12]);
    assert_eq!(lines("DL3041"), [11]);
}
