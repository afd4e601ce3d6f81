//! Lints the visible corpus with every DL rule and writes one line per finding
//! (`file<TAB>code<TAB>line<TAB>column<TAB>message`) for `scripts/parity.sh`, which
//! compares them with hadolint's. Ignored by default (it is a generator, not a check):
//! `BOSUN_PARITY_OUT=/tmp/bosun.tsv cargo test --release -p bosun_lint --test parity_corpus -- --ignored`.

use bosun_diagnostics::Location;
use bosun_lint::{BuildContext, LintInput, LintOptions, Linter};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

fn corpus() -> PathBuf {
    bosun_testkit::corpus("dockerfiles/visible").unwrap_or_default()
}

#[test]
#[ignore = "generator for scripts/parity.sh"]
fn parity_dump() {
    let root = corpus();
    if !root.is_dir() {
        bosun_testkit::skip(&format!("skipped: corpus not found at {}", root.display()));
        return;
    }
    let paths = bosun_testkit::files_under(&root);
    let texts: Vec<(String, String)> = paths
        .iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(&root).ok()?.to_string_lossy().into_owned();
            let bytes = std::fs::read(p).ok()?;
            Some((rel, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect();
    // Every rule whose code is a hadolint DL code, opt-in ones excluded (as hadolint).
    let select: Vec<String> = bosun_lint::rules::RULES
        .iter()
        .filter(|r| r.enabled_by_default && r.meta.code.starts_with("DL"))
        .map(|r| r.meta.code.to_string())
        .collect();
    // `BOSUN_PARITY_SELECT=DL3008,DL3009` restricts the run (for profiling).
    let select = match std::env::var("BOSUN_PARITY_SELECT") {
        Ok(list) => list.split(',').map(str::to_string).collect(),
        Err(_) => select,
    };
    let linter = Linter::new(LintOptions {
        select,
        ..Default::default()
    });
    let build = BuildContext::default();
    let started = Instant::now();
    let mut out = String::new();
    let mut n = 0usize;
    for (rel, text) in &texts {
        for f in linter.lint(LintInput {
            path: rel,
            source: text,
            build: &build,
        }) {
            let (line, col) = match &f.location {
                Location::File { span: Some(s), .. } => (s.start_line, s.start_column),
                _ => (0, 0),
            };
            n += 1;
            let _ = writeln!(
                out,
                "{rel}\t{}\t{line}\t{col}\t{}",
                f.code,
                f.message.replace(['\t', '\n'], " ")
            );
        }
    }
    let elapsed = started.elapsed();
    eprintln!(
        "linted {} files ({} findings, {} rules) in {:.3} s",
        texts.len(),
        n,
        linter.rules().len(),
        elapsed.as_secs_f64()
    );
    if let Ok(dest) = std::env::var("BOSUN_PARITY_OUT") {
        std::fs::write(&dest, out).expect("write parity output");
        std::fs::write(
            format!("{dest}.time"),
            format!("{} {}\n", texts.len(), elapsed.as_secs_f64()),
        )
        .expect("write timing");
        let codes: Vec<&str> = linter.rules().rules().map(|(r, _)| r.meta.code).collect();
        std::fs::write(format!("{dest}.codes"), codes.join(" ")).expect("write codes");
    }
}
