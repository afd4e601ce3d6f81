//! Conformance with BuildKit's parser on 2,101 real Dockerfiles: `bosun parse
//! --format json` output must equal the reference output (`oracle.jsonl`, made with
//! BuildKit's Go parser) line for line, as JSON values and as text.

use bosun_dockerfile::{dump::parse_json_line, parse_bytes};

#[test]
fn corpus_matches_buildkit_oracle() {
    let Some(root) = bosun_testkit::corpus("dockerfiles") else {
        return;
    };
    let root = root.as_path();
    let Some(oracle) = bosun_testkit::corpus("dockerfiles/oracle.jsonl")
        .map(|p| std::fs::read_to_string(p).expect("read oracle.jsonl"))
    else {
        return;
    };
    let mut total = 0;
    let mut mismatches = Vec::new();
    let start = std::time::Instant::now();
    for line in oracle.lines() {
        let Ok(expected) = serde_json::from_str::<serde_json::Value>(line) else {
            panic!("bad oracle line: {line}");
        };
        let Some(file) = expected.get("file").and_then(|f| f.as_str()) else {
            panic!("oracle line without file: {line}");
        };
        total += 1;
        let bytes = std::fs::read(root.join(file)).unwrap_or_default();
        let df = parse_bytes(&bytes);
        let got_text = parse_json_line(file, &df);
        let got: serde_json::Value = match serde_json::from_str(&got_text) {
            Ok(v) => v,
            Err(e) => {
                mismatches.push(format!("{file}: invalid JSON output ({e}): {got_text}"));
                continue;
            }
        };
        if got != expected {
            mismatches.push(format!("{file}:\n  expected {line}\n  got      {got_text}"));
        } else if got_text != line {
            mismatches.push(format!(
                "{file}: same values, different text:\n  expected {line}\n  got      {got_text}"
            ));
        }
    }
    eprintln!(
        "oracle agreement: {}/{} in {:?}",
        total - mismatches.len(),
        total,
        start.elapsed()
    );
    assert_eq!(total, 2101, "expected 2,101 oracle entries");
    assert!(
        mismatches.is_empty(),
        "{} of {total} files differ from BuildKit:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Parse throughput over the whole corpus (files read first; parsing only). Prints
/// files per second; run with `--release -- --nocapture` for the real number. Also a
/// guard against accidental super-linear behaviour.
#[test]
fn corpus_parse_throughput() {
    let Some(root) = bosun_testkit::corpus("dockerfiles/visible") else {
        return;
    };
    let repos = std::fs::read_dir(&root).expect("read the corpus folder");
    let mut files = Vec::new();
    for repo in repos.flatten() {
        for f in std::fs::read_dir(repo.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            files.push(std::fs::read(f.path()).unwrap_or_default());
        }
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    let rounds = 3;
    let start = std::time::Instant::now();
    let mut instructions = 0;
    for _ in 0..rounds {
        for f in &files {
            instructions += parse_bytes(f).instructions.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = (files.len() * rounds) as f64;
    eprintln!(
        "parsed {} files x{rounds} ({:.1} MB, {} instructions) in {secs:.3}s: {:.0} files/s, {:.1} MB/s",
        files.len(),
        bytes as f64 / 1e6,
        instructions / rounds,
        n / secs,
        (bytes * rounds) as f64 / 1e6 / secs
    );
    assert!(instructions > 0);
    // Generous bound even for unoptimised builds on a busy machine.
    assert!(secs < 60.0, "parsing the corpus took {secs:.1}s");
}
