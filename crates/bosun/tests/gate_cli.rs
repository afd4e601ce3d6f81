//! `bosun gate` on the real test images: `bad` (root, planted secrets) is denied by
//! `require_non_root` and `deny_secrets`, `goapp` (user 65532, no secrets) passes them;
//! registries, labels and a Rego policy each pass one image and deny another; bad
//! policies, a missing vulnerability database and a missing key exit 2 with one line.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn gate(image: &Path, policies: &[&Path], extra: &[&str]) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bosun"));
    c.arg("gate").arg(image).env("CI", "true");
    for p in policies {
        c.arg("--policy").arg(p);
    }
    let out = c.args(extra).output().expect("run bosun");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write policy");
    p
}

fn reasons(run: &Run) -> Vec<(String, String)> {
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr));
    v["verdict"]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap_or("").to_string(),
                r["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn non_root_and_secrets_deny_bad_and_pass_goapp() {
    let Some(bad) = bosun_testkit::test_image("bad.docker.tar") else {
        return;
    };
    let Some(goapp) = bosun_testkit::test_image("goapp.docker.tar") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let root = write(
        dir.path(),
        "root.toml",
        "[image]\nrequire_non_root = true\n",
    );
    let secrets = write(dir.path(), "secrets.toml", "[image]\ndeny_secrets = true\n");

    let r = gate(&bad, &[&root], &["--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        reasons(&r),
        [(
            "image.require_non_root = true".to_string(),
            "the image runs as root (config User is empty)".to_string()
        )]
    );

    let r = gate(&bad, &[&secrets], &["--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let got = reasons(&r);
    assert!(!got.is_empty());
    assert!(
        got.iter().all(|(k, _)| k == "image.deny_secrets = true"),
        "{got:?}"
    );
    // Every reason is one of the image's secret findings, and every secret finding of
    // the image gives a reason.
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    let secret_findings = v["report"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            matches!(
                f["code"].as_str().unwrap_or(""),
                "BSI101" | "BSI102" | "BSI110" | "BSI111" | "BSI112" | "BSI113"
            )
        })
        .count();
    assert_eq!(got.len(), secret_findings);

    for p in [&root, &secrets] {
        let r = gate(&goapp, &[p], &[]);
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
        assert_eq!(r.stdout, format!("PASS {} (0 reasons)\n", goapp.display()));
    }
}

#[test]
fn registries_labels_and_rego_on_goapp() {
    let Some(goapp) = bosun_testkit::test_image("goapp.docker.tar") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    // goapp.docker.tar is tagged localhost/goapp:1 by podman.
    let local = write(
        dir.path(),
        "local.toml",
        "[image]\nallowed_registries = [\"localhost\"]\nrequired_labels = [\"io.buildah.version\"]\n",
    );
    let r = gate(&goapp, &[&local], &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    let strict = write(
        dir.path(),
        "strict.toml",
        "[image]\nallowed_registries = [\"registry.example.com\"]\nrequired_labels = [\"org.opencontainers.image.source\"]\n",
    );
    let r = gate(&goapp, &[&strict], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        format!(
            "DENY {g} (2 reasons)\n  - image.allowed_registries: {g} is from registry localhost, not one of [registry.example.com]\n  - image.required_labels: label org.opencontainers.image.source is missing\n",
            g = goapp.display()
        )
    );

    let rego = write(
        dir.path(),
        "users.rego",
        "package bosun\nimport rego.v1\ndeny contains sprintf(\"user %s is not 65532:65532\", [input.image.user]) if input.image.user != \"65532:65532\"\n",
    );
    let r = gate(&goapp, &[&rego], &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let rego_deny = write(
        dir.path(),
        "labels.rego",
        "package bosun\nimport rego.v1\ndeny contains sprintf(\"built by buildah %s\", [v]) if { v := input.image.labels[\"io.buildah.version\"] }\n",
    );
    let r = gate(&goapp, &[&rego, &rego_deny], &["--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        reasons(&r),
        [(
            format!("rego {}", rego_deny.display()),
            "built by buildah 1.28.2".to_string()
        )]
    );
}

#[test]
fn bad_policies_and_missing_sources_exit_2_with_one_line() {
    // These fail before the image is opened, so any path will do.
    let dir = tempfile::tempdir().expect("tempdir");
    let image = dir.path().join("none.tar");
    let cases = [
        (
            "typo.toml",
            "[image]\ndeny_secret = true\n",
            "typo.toml:2:1: unknown field `deny_secret`",
        ),
        (
            "broken.rego",
            "package bosun\nimport rego.v1\ndeny contains msg if {\n",
            "broken.rego:",
        ),
        (
            "vulns.toml",
            "[vulnerabilities]\nfail_on = \"high\"\n",
            "the vulnerability check needs a vulnerability database: no vulnerability database at /nonexistent-bosun/vuln.db (create one with `bosun db import PATH...` or `bosun db update`)",
        ),
        (
            "sigs.toml",
            "[signatures]\nrequired_keys = [\"keys/release.pub\"]\n",
            "cannot read public key ",
        ),
    ];
    for (name, text, want) in cases {
        let p = write(dir.path(), name, text);
        let r = gate(&image, &[&p], &["--db", "/nonexistent-bosun/vuln.db"]);
        assert_eq!(r.code, 2, "{name}: {}", r.stdout);
        assert_eq!(r.stdout, "", "{name}");
        assert_eq!(r.stderr.lines().count(), 1, "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains(want),
            "{name}: {} does not contain {want}",
            r.stderr
        );
    }
}
