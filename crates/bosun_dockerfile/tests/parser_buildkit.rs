//! BuildKit's own parser test cases (copied into the shared corpus): the AST dump
//! must equal BuildKit's `result` files byte for byte, the negative cases must be
//! rejected, and line numbers must match.

use bosun_dockerfile::{dump::dump, parse_bytes};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    bosun_testkit::corpus("buildkit-parser")
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn positive_cases_dump_like_buildkit() {
    let Some(root) = corpus() else { return };
    let dirs = cases(&root.join("testfiles"));
    assert_eq!(dirs.len(), 33, "expected BuildKit's 33 positive cases");
    let mut failures = Vec::new();
    for dir in &dirs {
        let input = std::fs::read(dir.join("Dockerfile")).unwrap_or_default();
        let expected = std::fs::read_to_string(dir.join("result")).unwrap_or_default();
        let df = parse_bytes(&input);
        if !df.errors.is_empty() {
            failures.push(format!("{}: rejected: {:?}", dir.display(), df.errors));
            continue;
        }
        let got = dump(&df);
        if got != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{got}",
                dir.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn negative_cases_are_rejected() {
    let Some(root) = corpus() else { return };
    let dirs = cases(&root.join("testfiles-negative"));
    assert_eq!(dirs.len(), 4);
    for dir in &dirs {
        let input = std::fs::read(dir.join("Dockerfile")).unwrap_or_default();
        let df = parse_bytes(&input);
        assert!(
            !df.errors.is_empty(),
            "{} should be rejected",
            dir.display()
        );
    }
}

#[test]
fn testfile_line_numbers() {
    let Some(root) = corpus() else { return };
    let input = std::fs::read(root.join("testfile-line/Dockerfile")).unwrap_or_default();
    let df = parse_bytes(&input);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let lines: Vec<(usize, usize)> = df
        .instructions
        .iter()
        .map(|i| (i.start_line, i.end_line))
        .collect();
    assert_eq!(lines, vec![(5, 5), (11, 12), (17, 31)]);
}
