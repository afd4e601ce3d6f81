//! Conformance with hadolint's and BuildKit's own tests, read as data.
//!
//! `tests/conformance/hadolint.jsonl` holds the cases of hadolint's rule specs
//! (`test/Hadolint/Rule/*Spec.hs`, `test/Hadolint/PragmaSpec.hs`) and
//! `tests/conformance/buildkit.jsonl` those of BuildKit's lint tests
//! (`frontend/dockerfile/dockerfile_lint_test.go`), both extracted by
//! `scripts/extract-conformance.py` (see `tests/conformance/README.md` for sources and
//! licences). Every case runs; a case that fails must be listed, with its reason, in
//! `tests/conformance/differences.tsv`, and a listed case that passes fails the test, so
//! the list stays honest. `docs/parity.md` carries the same list (regenerate its section
//! with `BOSUN_UPDATE_SNAPSHOTS=1`).

use bosun_diagnostics::{Finding, Location};
use bosun_lint::config::{LabelType, Settings};
use bosun_lint::{BuildContext, Dockerignore, LintInput, LintOptions, Linter};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(name)
}

fn cases(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(data(name)).expect("conformance data is in the repo");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

fn line_of(f: &Finding) -> usize {
    match &f.location {
        Location::File { span: Some(s), .. } => s.start_line,
        _ => 0,
    }
}

/// The deliberate differences: (suite, case id) -> reason.
fn differences() -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(data("differences.tsv")).expect("differences.tsv");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(suite), Some(id), Some(reason)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!("differences.tsv: `suite<TAB>case id<TAB>reason` expected, got {line:?}");
        };
        let key = (suite.to_string(), id.to_string());
        assert!(
            out.insert(key, reason.trim().to_string()).is_none(),
            "differences.tsv lists {suite} {id} twice"
        );
    }
    out
}

/// The settings a case's hadolint configuration stands for.
fn settings(config: &Value) -> Settings {
    let mut out = Settings::default();
    if let Some(r) = config["trusted_registries"].as_array() {
        out.trusted_registries = r
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
    }
    if let Some(schema) = config["label_schema"].as_array() {
        out.label_schema = schema
            .iter()
            .map(|pair| {
                let name = pair[0].as_str().expect("label name").to_string();
                let kind: LabelType = serde_json::from_value(pair[1].clone()).expect("label type");
                (name, kind)
            })
            .collect();
    }
    out.strict_labels = config["strict_labels"].as_bool().unwrap_or(false);
    out
}

/// hadolint's `onBuildRuleCatches` helpers wrap every RUN instruction in ONBUILD.
fn wrap_runs_in_onbuild(source: &str) -> String {
    let df = bosun_dockerfile::parse(source);
    let mut out = source.to_string();
    for ins in df.instructions.iter().rev() {
        if ins.cmd == "RUN" {
            out.insert_str(ins.range.start, "ONBUILD ");
        }
    }
    out
}

/// Checks the list of failures of one suite against `differences.tsv`.
fn check_against_differences(suite: &str, total: usize, failures: BTreeMap<String, String>) {
    let listed: BTreeMap<String, String> = differences()
        .into_iter()
        .filter(|((s, _), _)| s == suite)
        .map(|((_, id), reason)| (id, reason))
        .collect();
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(id, _)| !listed.contains_key(*id))
        .map(|(id, why)| format!("  {id}: {why}"))
        .collect();
    let now_passing: Vec<&String> = listed
        .keys()
        .filter(|id| !failures.contains_key(*id))
        .collect();
    eprintln!(
        "{suite}: {} of {total} cases pass, {} listed as deliberate differences",
        total - failures.len(),
        listed.len()
    );
    assert!(
        unexpected.is_empty() && now_passing.is_empty(),
        "{suite} conformance:\n{} failing case(s) not in differences.tsv:\n{}\n{} case(s) listed in differences.tsv now pass (remove them):\n  {}",
        unexpected.len(),
        unexpected.join("\n"),
        now_passing.len(),
        now_passing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n  ")
    );
}

fn hadolint_failures(program: Option<&str>) -> (usize, BTreeMap<String, String>) {
    let mut failures = BTreeMap::new();
    let mut total = 0;
    for case in cases("hadolint.jsonl") {
        let code = case["code"].as_str().expect("code");
        let is_sc = code == "SC";
        if is_sc != program.is_some() {
            continue;
        }
        total += 1;
        let id = case["id"].as_str().expect("id").to_string();
        let mut text = case["dockerfile"].as_str().expect("dockerfile").to_string();
        if case["onbuild"].as_bool() == Some(true) {
            text = wrap_runs_in_onbuild(&text);
        }
        let found: Vec<Finding> = match program {
            Some(program) => bosun_lint::shellcheck::check_source(
                program,
                "Dockerfile",
                &text,
                &Default::default(),
            )
            .expect("shellcheck runs")
            .into_iter()
            .filter(|f| f.code.starts_with("SC"))
            .collect(),
            None => {
                let linter = Linter::new(LintOptions {
                    select: vec![code.to_string()],
                    settings: settings(&case["config"]),
                    ..Default::default()
                });
                linter
                    .lint(LintInput {
                        path: "Dockerfile",
                        source: &text,
                        build: &BuildContext::default(),
                    })
                    .into_iter()
                    .filter(|f| f.code == code)
                    .collect()
            }
        };
        let n = found.len() as u64;
        let min = case["min"].as_u64().expect("min");
        let max = case["max"].as_u64();
        if n < min || max.is_some_and(|m| n > m) {
            let want = match max {
                Some(m) if m == min => format!("exactly {m}"),
                Some(m) => format!("{min}..={m}"),
                None => format!("at least {min}"),
            };
            let lines: Vec<String> = found
                .iter()
                .map(|f| format!("{}@{}", f.code, line_of(f)))
                .collect();
            failures.insert(
                id,
                format!("{code}: want {want}, got {n} {lines:?} in {text:?}"),
            );
        }
    }
    (total, failures)
}

#[test]
fn hadolint_rule_specs() {
    let (total, failures) = hadolint_failures(None);
    assert!(total >= 1000, "only {total} hadolint cases");
    check_against_differences("hadolint", total, failures);
}

#[test]
fn hadolint_shellcheck_specs() {
    let Some(program) = bosun_testkit::tool("shellcheck") else {
        return;
    };
    let program = program.to_string_lossy().into_owned();
    let (total, failures) = hadolint_failures(Some(&program));
    assert_eq!(total, 30, "ShellcheckSpec cases");
    check_against_differences("hadolint-shellcheck", total, failures);
}

/// BuildKit's check names, and which bosun rule codes report each (the one table,
/// `rules::buildkit::CHECKS`).
fn buildkit_names() -> BTreeMap<&'static str, &'static str> {
    let mut by_code = BTreeMap::new();
    for check in bosun_lint::rules::buildkit::CHECKS {
        for code in check.codes {
            let before = by_code.insert(*code, check.name());
            assert!(before.is_none(), "{code} stands for two BuildKit checks");
        }
    }
    let mut names: Vec<&str> = by_code.values().copied().collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    // MultipleInstructionsDisallowed is DL3012, DL4003 and DL4004 (one instruction each).
    assert_eq!(
        before - names.len(),
        2,
        "one bosun rule per BuildKit check: {by_code:?}"
    );
    by_code
}

#[test]
fn buildkit_lint_tests() {
    let names = buildkit_names();
    // As `docker build --check` runs: without hadolint's twins of BuildKit checks (which
    // would otherwise be shown in their place where both fire, see runner::SAME_PROBLEM).
    let twins: Vec<String> = bosun_lint::rules::buildkit::CHECKS
        .iter()
        .flat_map(|c| c.twins.iter().map(|t| t.to_string()))
        .collect();
    assert_eq!(twins, ["DL3064", "DL3000", "DL3025"]);
    let linter = Linter::new(LintOptions {
        ignore: twins,
        ..LintOptions::default()
    });
    let mut failures = BTreeMap::new();
    let all = cases("buildkit.jsonl");
    for case in &all {
        let id = case["id"].as_str().expect("id").to_string();
        let text = case["dockerfile"].as_str().expect("dockerfile");
        let build = BuildContext {
            dockerignore: match case["dockerignore"].as_str() {
                Some(t) => Dockerignore::Present(t.to_string()),
                None => Dockerignore::Absent,
            },
        };
        // Every finding of a rule standing for a BuildKit check, duplicates kept.
        let mut got: Vec<(String, usize)> = linter
            .lint(LintInput {
                path: "Dockerfile",
                source: text,
                build: &build,
            })
            .iter()
            .filter_map(|f| {
                names
                    .get(f.code.as_str())
                    .map(|n| (n.to_string(), line_of(f)))
            })
            .collect();
        got.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        let mut want: Vec<(String, usize)> = case["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .map(|w| {
                (
                    w["rule"].as_str().expect("rule").to_string(),
                    w["line"].as_u64().expect("line") as usize,
                )
            })
            .collect();
        want.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        if got != want {
            failures.insert(id, format!("want {want:?}, got {got:?} in {text:?}"));
        }
    }
    assert!(all.len() >= 70, "only {} BuildKit cases", all.len());
    check_against_differences("buildkit", all.len(), failures);
}

/// `docs/parity.md` lists the same deliberate differences as `differences.tsv`.
#[test]
fn parity_doc_lists_the_differences() {
    let mut section = String::from(SECTION_START);
    section.push_str(
        "\n## Conformance with hadolint's and BuildKit's own tests\n\n\
         Checked by `crates/bosun_lint/tests/conformance.rs` (do not edit: regenerate with\n\
         `BOSUN_UPDATE_SNAPSHOTS=1 cargo test -p bosun_lint --test conformance`). The cases\n\
         come from hadolint's rule specs and BuildKit's lint tests, read as data\n\
         (`crates/bosun_lint/tests/conformance/`); every case passes except these deliberate\n\
         differences:\n\n\
         | suite | case | reason |\n|---|---|---|\n",
    );
    for ((suite, id), reason) in differences() {
        let cell = |s: &str| s.replace('|', "\\|");
        section.push_str(&format!(
            "| {suite} | `{}` | {} |\n",
            cell(&id),
            cell(&reason)
        ));
    }
    section.push_str(SECTION_END);
    section.push('\n');
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/parity.md");
    let doc = std::fs::read_to_string(&path).expect("docs/parity.md");
    let current = match (doc.find(SECTION_START), doc.find(SECTION_END)) {
        (Some(a), Some(b)) if b > a => &doc[a..b + SECTION_END.len() + 1],
        _ => "",
    };
    if current == section {
        return;
    }
    if std::env::var_os("BOSUN_UPDATE_SNAPSHOTS").is_some() {
        let updated = if current.is_empty() {
            format!("{}\n{section}", doc.trim_end())
        } else {
            doc.replace(current, &section)
        };
        std::fs::write(&path, updated).expect("write docs/parity.md");
        return;
    }
    panic!(
        "docs/parity.md does not list the conformance differences of differences.tsv; \
         run BOSUN_UPDATE_SNAPSHOTS=1 cargo test -p bosun_lint --test conformance"
    );
}

const SECTION_START: &str =
    "<!-- conformance: generated by crates/bosun_lint/tests/conformance.rs -->";
const SECTION_END: &str = "<!-- end conformance -->";
