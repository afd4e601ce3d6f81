//! Lint stays linear in time and memory on giant Dockerfiles (issue 12): the file is
//! generated here, `bosun lint` runs as a child process, and the test asserts the exit
//! code, the exact number of findings of the rule the file triggers, the wall time and
//! the peak memory of the child.
//!
//! Sizes are the (100,000 ENV, 200,000 RUN, 300,000 EXPOSE lines, 50,000
//! stages) in a release build; a debug build (unoptimised code, about 10x slower) runs
//! a quarter of each so that the suite stays fast, with the same bounds. Before the
//! line index and the shared scopes, 5,000 ENV lines took 1.6 GB and 20,000 RUN lines
//! 74 s.

use nix::sys::resource::{getrusage, UsageWho};
use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_bosun");
/// Peak resident memory any lint child may reach: 512 MiB for the debug sizes, 1 GiB
/// for the four times larger release sizes (memory is linear in the file: the
/// findings and one model per file are held until rendered).
const MEMORY_CEILING_KIB: i64 = if cfg!(debug_assertions) {
    512 * 1024
} else {
    1024 * 1024
};
/// Wall time any lint child may take (generous: the machine may be shared).
const TIME_BOUND: Duration = Duration::from_secs(30);

fn size(release: usize) -> usize {
    if cfg!(debug_assertions) {
        release / 4
    } else {
        release
    }
}

/// Lints `text` as JSON; returns the findings.
fn lint(name: &str, text: &str) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    let mut f = std::fs::File::create(&path).expect("create Dockerfile");
    f.write_all(text.as_bytes()).expect("write Dockerfile");
    drop(f);
    let start = Instant::now();
    let out = Command::new(BIN)
        .args(["lint", "--format", "json", "--failure-threshold", "none"])
        .arg(&path)
        .output()
        .expect("run bosun lint");
    let took = start.elapsed();
    // The largest peak of the children waited for so far: every case shares the
    // ceiling, so this bounds this child too.
    let peak = getrusage(UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage")
        .max_rss();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(took < TIME_BOUND, "{name}: took {took:?}");
    assert!(
        peak < MEMORY_CEILING_KIB,
        "{name}: peak memory {peak} KiB over the ceiling"
    );
    eprintln!("{name}: {took:?}, peak so far {peak} KiB");
    serde_json::from_slice(&out.stdout).expect("JSON findings")
}

fn count(findings: &[serde_json::Value], code: &str) -> usize {
    findings.iter().filter(|f| f["code"] == code).count()
}

fn file(first: &str, lines: usize, line: impl Fn(usize) -> String) -> String {
    let mut s = String::with_capacity(lines * 16);
    s.push_str(first);
    for i in 0..lines {
        s.push_str(&line(i));
        s.push('\n');
    }
    s
}

#[test]
fn many_env_lines() {
    let n = size(100_000);
    let text = file("FROM alpine:3.19\n", n, |i| format!("ENV V{i}=v{i}"));
    let findings = lint("env.Dockerfile", &text);
    // Only the two findings of a small file of the same shape: no OCI labels
    // (BSN6001) and a base not pinned by digest (BSN1001).
    assert_eq!(count(&findings, "BSN6001"), 1);
    assert_eq!(count(&findings, "BSN1001"), 1);
    assert_eq!(findings.len(), 2);
}

#[test]
fn many_arg_lines_reference_each_other() {
    let n = size(100_000);
    let text = file("FROM alpine:3.19\nARG A0=x\n", n, |i| {
        format!("ARG A{}=${{A0}}y{i}", i + 1)
    });
    let findings = lint("arg.Dockerfile", &text);
    assert_eq!(count(&findings, "BK1014"), 0, "every ARG is defined");
    assert_eq!(findings.len(), 2, "BSN6001 and BSN1001 only");
}

#[test]
fn many_run_lines() {
    let n = size(200_000);
    let text = file("FROM alpine:3.19\n", n, |i| format!("RUN echo {i}"));
    let findings = lint("run.Dockerfile", &text);
    // DL3059: every RUN after the first follows another RUN.
    assert_eq!(count(&findings, "DL3059"), n - 1);
    assert_eq!(
        findings.len(),
        n - 1 + 2,
        "DL3059, BSN6001 and BSN1001 only"
    );
}

#[test]
fn many_expose_lines() {
    let n = size(300_000);
    let text = file("FROM alpine:3.19\n", n, |i| {
        format!("EXPOSE {}/TCP", 23 + i % 60_000)
    });
    let findings = lint("expose.Dockerfile", &text);
    // BuildKit's ExposeProtoCasing: the protocol should be lower case, on every line
    // (ports from 23 up: `EXPOSE 22` would add BSN2002).
    assert_eq!(count(&findings, "BK1010"), n);
    assert_eq!(findings.len(), n + 2, "BK1010, BSN6001 and BSN1001 only");
}

#[test]
fn many_stages() {
    let n = size(50_000);
    let text = file("", n, |i| {
        if i == 0 {
            "FROM alpine:3.19 AS s0".to_string()
        } else {
            format!("FROM s{} AS s{i}", i - 1)
        }
    });
    let findings = lint("stages.Dockerfile", &text);
    assert_eq!(count(&findings, "DL3024"), 0, "stage names are unique");
    assert_eq!(findings.len(), 2, "BSN6001 and BSN1001 only");
}

#[test]
fn many_pragmas() {
    // A pragma above every RUN; each suppresses that RUN's DL3059 except the first,
    // whose RUN follows no RUN (so that pragma suppresses nothing: BSN9001).
    let n = size(50_000);
    let text = file("FROM alpine:3.19\n", n, |i| {
        format!("# hadolint ignore=DL3059\nRUN echo {i}")
    });
    let findings = lint("pragmas.Dockerfile", &text);
    assert_eq!(count(&findings, "DL3059"), 0, "every DL3059 suppressed");
    assert_eq!(count(&findings, "BSN9001"), 1, "the first pragma is unused");
    assert_eq!(findings.len(), 3, "BSN9001, BSN6001 and BSN1001 only");
}

#[test]
fn self_doubling_args() {
    // 30 doublings of a 16-byte value would be 16 GiB; expansions are capped, so the
    // value stops growing (it becomes unknown) and the run stays small and fast.
    let doubling = |scope: &str| {
        let mut s = format!("ARG A=0123456789abcdef\n{scope}");
        for _ in 0..30 {
            s.push_str("ARG A=$A$A\n");
        }
        s
    };
    let text = format!(
        "{}FROM alpine:3.19\n{}RUN echo \"$A\"\n",
        doubling(""),
        doubling("")
    );
    let findings = lint("doubling.Dockerfile", &text);
    assert_eq!(findings.len(), 2, "BSN6001 and BSN1001 only");
}
