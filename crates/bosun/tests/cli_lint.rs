//! `bosun lint` end to end: exit codes, formats, discovery and every kind of bad input.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_bosun");

/// Clean for every rule that is on by default.
const CLEAN: &str = "# syntax=docker/dockerfile:1\n\
FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a\n\
LABEL org.opencontainers.image.source=\"https://example.com/app\" \\\n\
      org.opencontainers.image.revision=\"0123456\" \\\n\
      org.opencontainers.image.version=\"1.0.0\"\n\
USER 10001\n\
CMD [\"true\"]\n";

/// Triggers DL3000 (an error) and DL3007 (a warning), at least.
const BAD: &str = "FROM debian:latest\nWORKDIR app\nRUN echo hello\n";

fn bosun(args: &[&str], dir: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run bosun")
}

fn bosun_stdin(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run bosun");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

/// `.dockerignore` for the clean file so build-context rules stay quiet.
const IGNORE: &[u8] = b".git\n.env\n.env.*\n*.pem\n*.key\nid_rsa\nid_ed25519\n.npmrc\n.pypirc\n.netrc\n.git-credentials\n.aws\n.docker\n*.tfstate\n";

#[test]
fn clean_file_exits_0() {
    let d = project(&[("Dockerfile", CLEAN.as_bytes()), (".dockerignore", IGNORE)]);
    let o = bosun(&["lint", "Dockerfile"], d.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o).trim(), "No findings in 1 file.");
    assert!(stderr(&o).is_empty());
}

#[test]
fn findings_exit_1_with_located_text_and_frames() {
    let d = project(&[("Dockerfile", BAD.as_bytes()), (".dockerignore", IGNORE)]);
    let o = bosun(&["lint"], d.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Dockerfile:2:9: DL3000 [error] "), "{out}");
    assert!(out.contains("2 | WORKDIR app"), "code frame: {out}");
    assert!(out.contains("^^^"), "{out}");
    assert!(out.lines().last().unwrap().starts_with("Found "), "{out}");
    assert!(out.contains("1 error"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when piped");
}

#[test]
fn failure_threshold_decides_the_exit_code() {
    let d = project(&[("Dockerfile", BAD.as_bytes())]);
    let code = |t: &str| {
        bosun(&["lint", "-t", t, "Dockerfile"], d.path())
            .status
            .code()
    };
    assert_eq!(code("none"), Some(0));
    assert_eq!(code("error"), Some(1));
    assert_eq!(code("critical"), Some(0));
    assert_eq!(code("style"), Some(1));
    let o = bosun(&["lint", "-t", "bogus", "Dockerfile"], d.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("failure-threshold"), "{}", stderr(&o));
    // Only a warning-level file: the default threshold (warning) fails it, error does not.
    let w = project(&[("Dockerfile", b"FROM debian:latest\nUSER 1000\n")]);
    let o = bosun(&["lint", "--select", "DL3007", "Dockerfile"], w.path());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let o = bosun(
        &["lint", "--select", "DL3007", "-t", "error", "Dockerfile"],
        w.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn json_format_is_an_array_of_findings() {
    let d = project(&[("Dockerfile", BAD.as_bytes())]);
    let o = bosun(&["lint", "--format", "json", "Dockerfile"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let arr = v.as_array().unwrap();
    let dl3000 = arr.iter().find(|f| f["code"] == "DL3000").expect("DL3000");
    assert_eq!(dl3000["severity"], "error");
    assert_eq!(dl3000["location"]["path"], "Dockerfile");
    assert_eq!(dl3000["location"]["span"]["start_line"], 2);
    assert!(dl3000["help_url"].as_str().unwrap().ends_with("DL3000.md"));
    for f in arr {
        for key in ["code", "name", "severity", "message", "location"] {
            assert!(f.get(key).is_some(), "{key} in {f}");
        }
    }
    // Clean: an empty array.
    let c = project(&[("Dockerfile", CLEAN.as_bytes()), (".dockerignore", IGNORE)]);
    let o = bosun(&["lint", "-f", "json", "Dockerfile"], c.path());
    assert_eq!(stdout(&o).trim(), "[]");
}

#[test]
fn sarif_format_is_valid_and_complete() {
    let d = project(&[("sub dir/Dockerfile", BAD.as_bytes())]);
    let o = bosun(&["lint", "--format", "sarif", "."], d.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "sub%20dir/Dockerfile");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    let Some(sarif) = bosun_testkit::schemas::sarif() else {
        return;
    };
    let errors = bosun_testkit::schemas::errors(sarif, &v);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn stdin_is_linted_as_dash() {
    let d = tempfile::tempdir().unwrap();
    let o = bosun_stdin(&["lint", "-"], d.path(), BAD.as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("-:2:9: DL3000"), "{}", stdout(&o));
    let o = bosun_stdin(&["lint", "-f", "json", "-"], d.path(), b"FROM \xff\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("bosun: -: not valid UTF-8"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_path_is_one_line_and_other_files_are_still_linted() {
    let d = project(&[("Dockerfile", BAD.as_bytes())]);
    let o = bosun(&["lint", "nope/Dockerfile", "Dockerfile"], d.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "bosun: nope/Dockerfile: no such file or directory\n"
    );
    assert!(
        stdout(&o).contains("Dockerfile:2:9: DL3000"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn directory_without_dockerfiles_is_an_error() {
    let d = project(&[("src/main.rs", b"fn main() {}\n"), ("README.md", b"hi\n")]);
    let o = bosun(&["lint", "src"], d.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("bosun: src: no Dockerfile found"), "{err}");
}

#[test]
fn binary_invalid_utf8_and_huge_files_are_refused_one_line_each() {
    let huge = vec![b'#'; 50 * 1024 * 1024];
    let d = project(&[
        ("bin.Dockerfile", b"FROM alpine\n\0\x01\x02RUN x\n"),
        (
            "latin1.Dockerfile",
            b"FROM alpine\nLABEL author=\"Jos\xe9\"\n",
        ),
        ("huge.Dockerfile", &huge),
        ("Dockerfile", BAD.as_bytes()),
    ]);
    let o = bosun(&["lint", "-f", "json", "."], d.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        err.contains("bosun: bin.Dockerfile: binary file (contains NUL bytes)"),
        "{err}"
    );
    assert!(
        err.contains("bosun: latin1.Dockerfile: not valid UTF-8 (invalid byte at offset 29)"),
        "{err}"
    );
    assert!(err.contains("bosun: huge.Dockerfile: file is too large (52428800 bytes; bosun lints files up to 10 MiB)"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v.as_array().unwrap().iter().any(|f| f["code"] == "DL3000"),
        "the good file is still reported"
    );
}

/// A file the user may not read. As root (CI) every file is readable, so the check runs
/// as `nobody` through `setpriv`; as any other user it runs directly.
#[test]
fn unreadable_file_is_one_line() {
    use std::os::unix::fs::PermissionsExt;
    let d = project(&[("Dockerfile", BAD.as_bytes())]);
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let p = d.path().join("Dockerfile");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let is_root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    let o = if is_root {
        let Some(setpriv) = bosun_testkit::tool("setpriv") else {
            return;
        };
        Command::new(setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
            .args(["lint", "Dockerfile"])
            .current_dir(d.path())
            .env_remove("NO_COLOR")
            .output()
            .expect("run bosun as nobody")
    } else {
        bosun(&["lint", "Dockerfile"], d.path())
    };
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "bosun: Dockerfile: cannot read: permission denied\n"
    );
}

#[test]
fn a_directory_argument_finds_dockerfile_names_and_honours_gitignore() {
    let d = project(&[
        ("Dockerfile", BAD.as_bytes()),
        ("svc/api.Dockerfile", BAD.as_bytes()),
        ("svc/worker.dockerfile", BAD.as_bytes()),
        ("svc/Dockerfile.dev", BAD.as_bytes()),
        ("svc/Containerfile", BAD.as_bytes()),
        (".devcontainer/Dockerfile", BAD.as_bytes()),
        ("svc/Dockerfile.dockerignore", b".git\n"),
        ("svc/notes.txt", BAD.as_bytes()),
        ("vendor/Dockerfile", BAD.as_bytes()),
        (".gitignore", b"vendor/\n"),
    ]);
    let o = bosun(&["lint", "-f", "json", "-t", "none"], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut paths: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "DL3000")
        .map(|f| f["location"]["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            ".devcontainer/Dockerfile",
            "Dockerfile",
            "svc/Containerfile",
            "svc/Dockerfile.dev",
            "svc/api.Dockerfile",
            "svc/worker.dockerfile"
        ]
    );
    // An explicit file is linted whatever its name.
    let o = bosun(&["lint", "-f", "json", "svc/notes.txt"], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("svc/notes.txt"));
}

#[test]
fn select_and_ignore_filter_rules_and_unknown_rules_are_usage_errors() {
    let d = project(&[("Dockerfile", BAD.as_bytes())]);
    let o = bosun(
        &["lint", "-f", "json", "--select", "DL3000", "Dockerfile"],
        d.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert!(!arr.is_empty() && arr.iter().all(|f| f["code"] == "DL3000"));
    let o = bosun(
        &[
            "lint",
            "-f",
            "json",
            "--ignore",
            "DL3000,DL3007",
            "Dockerfile",
        ],
        d.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["code"] != "DL3000" && f["code"] != "DL3007"));
    let o = bosun(&["lint", "--select", "NOPE123", "Dockerfile"], d.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown rule `NOPE123`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let d = project(&[("Dockerfile", BAD.as_bytes())]);
    let o = bosun(&["lint", "--color", "always", "Dockerfile"], d.path());
    assert!(stdout(&o).contains('\u{1b}'), "--color always");
    let o = bosun(&["lint", "--color", "never", "Dockerfile"], d.path());
    assert!(!stdout(&o).contains('\u{1b}'));
    let o = Command::new(BIN)
        .args(["lint", "Dockerfile"])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&o).contains('\u{1b}'));
    let o = bosun(&["lint", "--color", "sometimes", "Dockerfile"], d.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn parse_errors_are_findings() {
    let d = project(&[("Dockerfile", b"# nothing here\n")]);
    let o = bosun(&["lint", "-f", "json", "Dockerfile"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().any(|f| f["code"] == "DL1000"));
}

#[test]
fn secrets_are_masked_in_code_frames() {
    let secret = "AKIAIOSFODNN7EXAMPLE";
    let text = format!(
        "FROM alpine:3.20\nENV AWS_ACCESS_KEY_ID={secret} AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    );
    let d = project(&[("Dockerfile", text.as_bytes())]);
    for format in ["text", "json", "sarif"] {
        let o = bosun(&["lint", "-f", format, "Dockerfile"], d.path());
        assert_eq!(o.status.code(), Some(1));
        let out = stdout(&o);
        assert!(!out.contains(secret), "{format} leaks the key id:\n{out}");
        assert!(
            !out.contains("bPxRfiCYEXAMPLEKEY"),
            "{format} leaks the secret:\n{out}"
        );
    }
}

#[test]
fn the_shipped_examples_have_findings() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let o = bosun(&["lint", examples], Path::new("."));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("python-api/Dockerfile"));
    assert!(stdout(&o).contains("node-web/Dockerfile"));
}
