//! Inputs that could hang bosun or make it read without end (issue 12): FIFOs and
//! devices given as a Dockerfile, a `.dockerignore` or a `--config`, and giant files
//! for `bosun parse` and for config files. Each is refused (or, for a
//! `.dockerignore`, ignored) quickly with one line and the documented exit code.

use nix::sys::stat::Mode;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_bosun");
const BOUND: Duration = Duration::from_secs(10);

/// Runs bosun with `args` in `dir`, feeding `stdin`; kills it (and fails) if it is
/// still running after [`BOUND`].
fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("XDG_CONFIG_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn bosun");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    // A child that refuses early closes its stdin: a write error is expected then.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let start = Instant::now();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            break;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("bosun {args:?} still running after {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = writer.join();
    child.wait_with_output().expect("output")
}

fn one_line_error(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(needle), "{needle:?} in {err:?}");
}

fn fifo(path: &Path) {
    nix::unistd::mkfifo(path, Mode::S_IRUSR | Mode::S_IWUSR).expect("mkfifo");
}

const DOCKERFILE: &str = "FROM alpine:3.19\nUSER app\nHEALTHCHECK NONE\n";

#[test]
fn fifo_dockerfile_is_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    fifo(&dir.path().join("Dockerfile"));
    let out = run(dir.path(), &["lint", "Dockerfile"], b"");
    one_line_error(&out, "not a regular file");
}

#[test]
fn device_dockerfile_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(dir.path(), &["lint", "/dev/zero"], b"");
    one_line_error(&out, "not a regular file");
}

#[test]
fn fifo_dockerignore_is_ignored_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).expect("write");
    fifo(&dir.path().join(".dockerignore"));
    let out = run(dir.path(), &["lint", "--format", "json", "Dockerfile"], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    // With the .dockerignore unknown, the rules about it (BSN5xxx) stay silent: only
    // the findings about the Dockerfile itself (no OCI labels, tag not pinned by
    // digest, non-numeric USER).
    let mut codes: Vec<&str> = findings.iter().filter_map(|f| f["code"].as_str()).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["BSN1001", "BSN6001", "DL3066"], "{findings:?}");
}

#[test]
fn fifo_and_device_config_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).expect("write");
    fifo(&dir.path().join("cfg.toml"));
    let out = run(
        dir.path(),
        &["lint", "--config", "cfg.toml", "Dockerfile"],
        b"",
    );
    one_line_error(&out, "not a regular file");
    let out = run(
        dir.path(),
        &["lint", "--config", "/dev/zero", "Dockerfile"],
        b"",
    );
    one_line_error(&out, "not a regular file");
}

#[test]
fn giant_discovered_config_is_refused_unread() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).expect("write");
    // 3 GiB of zeros that take no disk (sparse).
    let f = std::fs::File::create(dir.path().join("bosun.toml")).expect("create");
    f.set_len(3 << 30).expect("set_len");
    drop(f);
    let out = run(dir.path(), &["lint", "Dockerfile"], b"");
    one_line_error(&out, "too large");
}

#[test]
fn parse_caps_its_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A sparse 3 GiB file, /dev/zero, a FIFO and 11 MiB on stdin: one error line each
    // on stdout (parse's JSON lines), exit 2.
    let big = dir.path().join("big.Dockerfile");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(3 << 30).expect("set_len");
    drop(f);
    fifo(&dir.path().join("fifo.Dockerfile"));
    for arg in ["big.Dockerfile", "/dev/zero", "fifo.Dockerfile"] {
        let out = run(dir.path(), &["parse", arg], b"");
        assert_eq!(out.status.code(), Some(2), "{arg}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(stdout.lines().count(), 1, "{arg}: {stdout}");
        assert!(stdout.contains("error"), "{arg}: {stdout}");
    }
    let mut huge = b"FROM alpine\n".to_vec();
    huge.resize(11 << 20, b'#');
    let out = run(dir.path(), &["parse", "-"], &huge);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("too large"), "{stdout}");
    // A normal file still parses.
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).expect("write");
    let out = run(dir.path(), &["parse", "Dockerfile"], b"");
    assert_eq!(out.status.code(), Some(0));
}
