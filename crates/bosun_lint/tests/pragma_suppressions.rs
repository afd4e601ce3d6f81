//! Suppression comments through the linter: scopes, BuildKit's `# check=`, bosun's own
//! pragma with a reason, unused and malformed pragmas.

use bosun_diagnostics::{Finding, Location, Severity};
use bosun_lint::fix::{fix_source, FixOptions};
use bosun_lint::{lint_source, BuildContext, LintOptions, Linter};

fn lint(src: &str) -> Vec<Finding> {
    lint_source("Dockerfile", src, &LintOptions::default())
}

fn at(findings: &[Finding], code: &str) -> Vec<usize> {
    findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| match &f.location {
            Location::File { span: Some(s), .. } => s.start_line,
            _ => 0,
        })
        .collect()
}

/// (code, line) of the findings of `codes` in `src`, sorted.
fn codes_at(src: &str, codes: &[&str]) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = lint(src)
        .into_iter()
        .filter(|f| codes.contains(&f.code.as_str()))
        .map(|f| {
            let line = match &f.location {
                Location::File { span: Some(s), .. } => s.start_line,
                _ => 0,
            };
            (f.code, line)
        })
        .collect();
    v.sort();
    v
}

const UNPINNED: &str =
    "RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*";

#[test]
fn hadolint_ignore_covers_only_the_next_instruction() {
    let src = format!("FROM debian:12\n# hadolint ignore=DL3008\n{UNPINNED}\n{UNPINNED}\n");
    let f = lint(&src);
    assert_eq!(at(&f, "DL3008"), vec![4]);
    assert!(at(&f, "BSN9001").is_empty());
    let src = format!("# hadolint global ignore=DL3008\nFROM debian:12\n{UNPINNED}\n{UNPINNED}\n");
    assert!(at(&lint(&src), "DL3008").is_empty());
}

#[test]
fn buildkit_check_skip_by_name_and_per_instruction() {
    let src =
        "# check=skip=FromAsCasing,JSONArgsRecommended\nFROM alpine:3.20 as base\nCMD echo hi\n";
    let f = lint(src);
    assert!(at(&f, "BK1002").is_empty(), "{f:?}");
    assert!(
        at(&f, "DL3025").is_empty(),
        "JSONArgsRecommended is DL3025: {f:?}"
    );
    // Per instruction (text after the first space is a free comment); on a FROM the
    // whole stage.
    let src = "FROM alpine:3.20 AS a\n# check=skip=UndefinedVar reason here\nCOPY x $NOPE/\nCOPY y $NOPE2/\n# check=skip=UndefinedVar\nFROM alpine:3.20 AS b\nCOPY z $NOPE3/\n";
    let f = lint(src);
    assert_eq!(at(&f, "BK1014"), vec![4], "{f:?}");
    // skip=all covers BuildKit checks (and their hadolint equivalents) only.
    let src = "# check=skip=all\nFROM alpine:3.20 as base\nWORKDIR app\nRUN cd /tmp && echo hi\n";
    let f = lint(src);
    assert!(at(&f, "BK1002").is_empty());
    assert!(at(&f, "DL3000").is_empty(), "DL3000 is WorkdirRelativePath");
    assert_eq!(at(&f, "DL3003"), vec![4]);
}

#[test]
fn check_error_true_raises_buildkit_findings() {
    let f = lint("# check=error=true\nFROM alpine:3.20 as base\n");
    let bk: Vec<_> = f.iter().filter(|f| f.code == "BK1002").collect();
    assert_eq!(bk.len(), 1);
    assert_eq!(bk[0].severity, Severity::Error);
}

#[test]
fn bosun_pragma_needs_a_reason() {
    let ok = format!("FROM debian:12\n# bosun: ignore[DL3008] reason=\"snapshot mirror pins versions\"\n{UNPINNED}\n");
    let f = lint(&ok);
    assert!(
        at(&f, "DL3008").is_empty() && at(&f, "BSN9002").is_empty(),
        "{f:?}"
    );
    let bad = format!("FROM debian:12\n# bosun: ignore[DL3008]\n{UNPINNED}\n");
    let f = lint(&bad);
    assert_eq!(at(&f, "DL3008"), vec![3], "no reason: no effect");
    assert_eq!(at(&f, "BSN9002"), vec![2]);
    assert!(f
        .iter()
        .any(|x| x.code == "BSN9002" && x.message.contains("reason")));
}

#[test]
fn unknown_names_and_unused_suppressions_are_reported() {
    let src = "FROM alpine:3.20\n# hadolint ignore=DL9999\nRUN echo\n# hadolint ignore=DL3008\nRUN echo\n";
    let f = lint(src);
    assert_eq!(at(&f, "BSN9002"), vec![2]);
    assert_eq!(at(&f, "BSN9001"), vec![4]);
    // The unused one is removed by --fix, and the result is clean of pragma findings.
    let linter = Linter::new(LintOptions::default());
    let out = fix_source(
        &linter,
        "Dockerfile",
        src,
        &BuildContext::default(),
        &FixOptions::default(),
    );
    assert!(!out.source.contains("DL3008"), "{}", out.source);
    assert!(
        out.source.contains("DL9999"),
        "unknown names are for a human to fix"
    );
    // A rule that does not run cannot make its pragma unused.
    let f = lint_source(
        "Dockerfile",
        src,
        &LintOptions {
            ignore: vec!["DL3008".into()],
            ..Default::default()
        },
    );
    assert!(at(&f, "BSN9001").is_empty());
}

#[test]
fn unused_name_in_a_list_is_removed_alone() {
    let src = format!("FROM debian:12\n# hadolint ignore=DL3059,DL3008\n{UNPINNED}\n");
    let f = lint(&src);
    assert_eq!(at(&f, "BSN9001"), vec![2]);
    let linter = Linter::new(LintOptions::default());
    let out = fix_source(
        &linter,
        "Dockerfile",
        &src,
        &BuildContext::default(),
        &FixOptions::default(),
    );
    assert!(
        out.source.contains("# hadolint ignore=DL3008\n"),
        "{}",
        out.source
    );
}

#[test]
fn disable_ignore_pragma_makes_suppressions_inert() {
    let src = format!("FROM debian:12\n# hadolint ignore=DL3008\n{UNPINNED}\n");
    let mut options = LintOptions::default();
    options.settings.disable_ignore_pragma = true;
    let f = lint_source("Dockerfile", &src, &options);
    assert_eq!(at(&f, "DL3008"), vec![3]);
    assert!(at(&f, "BSN9001").is_empty());
}

#[test]
fn buildkit_and_hadolint_secret_name_checks_report_one_finding_per_key() {
    let codes = |src: &str| codes_at(src, &["BK1015", "DL3064", "BSN9001"]);
    let one = |c: &str, l: usize| (c.to_string(), l);
    // Both know GITHUB_TOKEN: hadolint's code (the stable one) is kept.
    assert_eq!(codes("FROM alpine\nARG GITHUB_TOKEN\n"), [one("DL3064", 2)]);
    assert_eq!(
        codes("FROM alpine\nARG GITHUB_TOKEN=x\n"),
        [one("DL3064", 2)]
    );
    // Each keeps the names only it knows, on the same line too.
    assert_eq!(
        codes("FROM alpine\nARG DOCKER_USERNAME\n"),
        [one("DL3064", 2)]
    );
    assert_eq!(codes("FROM alpine\nARG SSH_KEY\n"), [one("BK1015", 2)]);
    assert_eq!(
        codes("FROM alpine\nENV SSH_KEY=1 DOCKER_USERNAME=x\n"),
        [one("BK1015", 2), one("DL3064", 2)]
    );
    // A suppression of either silences both, and is used.
    assert_eq!(
        codes("FROM alpine\n# hadolint ignore=DL3064\nARG GITHUB_TOKEN\n"),
        []
    );
    assert_eq!(
        codes("# check=skip=SecretsUsedInArgOrEnv\nFROM alpine\nARG GITHUB_TOKEN\n"),
        []
    );
    // Alone, hadolint's rule reports as hadolint does.
    let only = LintOptions {
        select: vec!["DL3064".into()],
        ..LintOptions::default()
    };
    let f = lint_source("Dockerfile", "FROM alpine\nARG GITHUB_TOKEN\n", &only);
    assert_eq!(at(&f, "DL3064"), vec![2]);
}

#[test]
fn buildkit_and_hadolint_twins_report_once_where_both_fire() {
    let codes = |src: &str| codes_at(src, &["BK1016", "DL3000", "BK1017", "DL3025", "BSN9001"]);
    let one = |c: &str, l: usize| (c.to_string(), l);
    // WORKDIR: the first relative one is BuildKit's and hadolint's (shown as DL3000); a
    // later one is hadolint's alone.
    assert_eq!(
        codes("FROM alpine\nWORKDIR app\nWORKDIR more\nCMD [\"x\"]\n"),
        [one("DL3000", 2), one("DL3000", 3)]
    );
    // CMD in shell form: both (shown as DL3025); under a custom SHELL hadolint's alone.
    assert_eq!(
        codes("FROM alpine\nCMD run\nFROM alpine\nSHELL [\"/bin/bash\", \"-c\"]\nCMD run\n"),
        [one("DL3025", 2), one("DL3025", 5)]
    );
    // A hadolint pragma silences the BuildKit twin as well.
    assert_eq!(
        codes("FROM alpine\n# hadolint ignore=DL3025\nCMD run\nFROM alpine\nCMD [\"x\"]\n"),
        []
    );
    // Skipping the BuildKit check by name silences hadolint's twin where both fire, and
    // a hadolint pragma silences the BuildKit one.
    assert_eq!(
        codes("# check=skip=JSONArgsRecommended\nFROM alpine\nCMD run\n"),
        []
    );
    assert_eq!(
        codes("FROM alpine\n# hadolint ignore=DL3000\nWORKDIR app\nCMD [\"x\"]\n"),
        []
    );
}
