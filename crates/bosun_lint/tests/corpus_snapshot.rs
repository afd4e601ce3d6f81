//! Every rule (opt-in ones included) over the whole visible Dockerfile corpus, with
//! the exact number of findings per rule compared to a checked-in snapshot
//! (`tests/snapshots/corpus_counts.txt`). A rule that stops firing, or starts firing
//! more, fails this test; review the change, then regenerate with
//! `BOSUN_UPDATE_SNAPSHOTS=1 cargo test -p bosun_lint --test corpus_snapshot` and
//! commit the new counts with the change that explains them.

use bosun_lint::{BuildContext, LintInput, LintOptions, Linter};
use std::collections::BTreeMap;
use std::path::Path;

const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/snapshots/corpus_counts.txt"
);

#[test]
fn per_rule_counts_on_the_corpus_match_the_snapshot() {
    let Some(root) = bosun_testkit::corpus("dockerfiles/visible") else {
        return;
    };
    let paths = bosun_testkit::files_under(&root);
    assert_eq!(
        paths.len(),
        2101,
        "the visible corpus has 2,101 Dockerfiles"
    );

    let linter = Linter::new(LintOptions {
        select: vec!["ALL".to_string()],
        ..Default::default()
    });
    let build = BuildContext::default();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for rule in bosun_lint::rules::RULES.iter() {
        counts.insert(rule.meta.code.to_string(), 0);
    }
    for p in &paths {
        let bytes = std::fs::read(p).unwrap();
        let source = String::from_utf8_lossy(&bytes);
        let rel = p.strip_prefix(&root).unwrap().display().to_string();
        for f in linter.lint(LintInput {
            path: &rel,
            source: &source,
            build: &build,
        }) {
            *counts.entry(f.code).or_default() += 1;
        }
    }
    let mut got = format!("# files {}\n", paths.len());
    for (code, n) in &counts {
        got.push_str(&format!("{code} {n}\n"));
    }
    if std::env::var_os("BOSUN_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(Path::new(SNAPSHOT).parent().unwrap()).unwrap();
        std::fs::write(SNAPSHOT, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(SNAPSHOT)
        .expect("snapshot missing: run with BOSUN_UPDATE_SNAPSHOTS=1 and review it");
    if want != got {
        let diff = similar_lines(&want, &got);
        panic!("per-rule counts changed (review, then BOSUN_UPDATE_SNAPSHOTS=1):\n{diff}");
    }
}

/// The lines that differ, as `- old` / `+ new`.
fn similar_lines(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut out = String::new();
    for l in &w {
        if !g.contains(l) {
            out.push_str(&format!("- {l}\n"));
        }
    }
    for l in &g {
        if !w.contains(l) {
            out.push_str(&format!("+ {l}\n"));
        }
    }
    out
}
