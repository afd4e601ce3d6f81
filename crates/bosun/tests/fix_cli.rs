//! `bosun lint --fix / --diff / --config`: through the real binary, in temp dirs.

use std::path::Path;
use std::process::{Command, Output};

fn bosun(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bosun"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .expect("run bosun")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const MESSY: &str = "# a comment that must survive\nfrom alpine:3.20 as Build\nRUN echo hi\nENV APP_HOME /srv/app\nEXPOSE 8080:80/TCP\n";

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let df = dir.path().join("Dockerfile");
    std::fs::write(&df, MESSY).unwrap();
    let out = bosun(dir.path(), &["lint", "--diff", "Dockerfile"]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(
        stdout.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{stdout}"
    );
    assert!(stdout.contains("+FROM alpine:3.20 AS build\n"), "{stdout}");
    assert!(stdout.contains("+ENV APP_HOME=/srv/app\n"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&df).unwrap(),
        MESSY,
        "--diff writes nothing"
    );
}

#[test]
fn fix_writes_atomically_and_converges() {
    let dir = tempfile::tempdir().unwrap();
    let df = dir.path().join("Dockerfile");
    std::fs::write(&df, MESSY).unwrap();
    let out = bosun(dir.path(), &["lint", "--fix", "Dockerfile"]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bosun: fixed "), "{stderr}");
    let fixed = std::fs::read_to_string(&df).unwrap();
    assert_eq!(
        fixed,
        "# a comment that must survive\nFROM alpine:3.20 AS build\nRUN echo hi\nENV APP_HOME=/srv/app\nEXPOSE 80/tcp\n"
    );
    // A second run changes nothing.
    let again = bosun(dir.path(), &["lint", "--fix", "Dockerfile"]);
    assert!(
        text(&again.stderr).contains("fixed 0 problem(s) in 0 file(s)"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(std::fs::read_to_string(&df).unwrap(), fixed);
    let entries = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "no temp file left behind");
}

#[test]
fn discovered_bosun_toml_applies_and_a_bad_config_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("svc")).unwrap();
    std::fs::write(
        dir.path().join("svc/Dockerfile"),
        "FROM alpine:3.20 as build\n",
    )
    .unwrap();
    let out = bosun(dir.path(), &["lint", "-f", "json", "svc/Dockerfile"]);
    assert!(
        text(&out.stdout).contains("BK1002"),
        "{}",
        text(&out.stdout)
    );
    std::fs::write(
        dir.path().join("bosun.toml"),
        "[rules]\nignore = [\"FromAsCasing\"]\n",
    )
    .unwrap();
    let out = bosun(dir.path(), &["lint", "-f", "json", "svc/Dockerfile"]);
    assert!(
        !text(&out.stdout).contains("BK1002"),
        "{}",
        text(&out.stdout)
    );
    std::fs::write(
        dir.path().join("bosun.toml"),
        "[rules]\nignore = [\"NoSuchRule\"]\n",
    )
    .unwrap();
    let out = bosun(dir.path(), &["lint", "svc/Dockerfile"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("bosun.toml:2:11: unknown rule `NoSuchRule`"),
        "{stderr}"
    );
    // --config overrides discovery.
    std::fs::write(dir.path().join("hl.yaml"), "failure-threshold: none\n").unwrap();
    let out = bosun(
        dir.path(),
        &["lint", "--config", "hl.yaml", "svc/Dockerfile"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("BK1002"));
}
