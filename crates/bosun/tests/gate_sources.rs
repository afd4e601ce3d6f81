//! `bosun gate` with the data sources it gathers only when a policy needs them: the
//! SBOM (`image.banned_packages`, a Rego rule over `input.packages`), vulnerabilities
//! (`vulnerabilities.fail_on`, `ignore_unfixed`) from a database the test imports, and
//! signatures (`signatures.required_keys`, key paths relative to the policy file); each
//! with a passing and a failing image. `--attest` signs the verdict and
//! `verify-attestation` reads it back.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use bosun_oci::testing::{layer_tar, ImageSpec, TestEntry, TestLayer};
use bosun_oci::Compression;
use support::{bosun, key_pair, text, PASSWORD};

/// The verdict's reasons as (key, message), from `--format json`.
fn reasons(o: &Output) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\n{}", text(&o.stdout), text(&o.stderr)));
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

fn gate_json(target: &str, policy: &Path, extra: &[&str]) -> Output {
    let o = bosun(
        &[
            &["gate", target, "--policy", policy.to_str().unwrap()][..],
            &["--format", "json"],
            extra,
        ]
        .concat(),
        None,
    );
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{target}: {}",
        text(&o.stderr)
    );
    o
}

/// An OCI layout in `dir` (tag `v1`) with one layer holding `files`.
fn layout(dir: &Path, files: &[(&str, &[u8])]) -> String {
    let img = ImageSpec {
        layers: vec![TestLayer {
            tar: layer_tar(
                &files
                    .iter()
                    .map(|(p, d)| TestEntry::file(p, d))
                    .collect::<Vec<_>>(),
            ),
            compression: Compression::Gzip,
            created_by: "COPY . /".into(),
        }],
        ..Default::default()
    }
    .build();
    img.write_oci_dir(dir, Some("v1")).expect("write layout");
    format!("oci:{}:v1", dir.display())
}

const DPKG_STATUS: &str = "Package: telnetd\nStatus: install ok installed\nPriority: optional\nSection: net\nMaintainer: Debian\nArchitecture: amd64\nSource: netkit-telnet\nVersion: 0.17+2.4-2\nDescription: telnet server\n\nPackage: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\nDescription: shell\n";

#[test]
fn banned_packages_and_a_rego_rule_over_packages() {
    let t = tempfile::tempdir().unwrap();
    let with = layout(
        &t.path().join("with"),
        &[("var/lib/dpkg/status", DPKG_STATUS.as_bytes())],
    );
    let without = layout(
        &t.path().join("without"),
        &[(
            "var/lib/dpkg/status",
            DPKG_STATUS.split("\n\n").nth(1).unwrap().as_bytes(),
        )],
    );
    let policy = t.path().join("banned.toml");
    std::fs::write(&policy, "[image]\nbanned_packages = [\"TelnetD\"]\n").unwrap();
    let o = gate_json(&with, &policy, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(
        reasons(&o),
        [(
            "image.banned_packages".to_string(),
            "pkg:deb/debian/telnetd@0.17%2B2.4-2?arch=amd64 is installed at /var/lib/dpkg/status"
                .to_string()
        )]
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["report"]["packages"].as_array().unwrap().len(), 2);
    assert!(report["report"]["vulnerabilities"].is_null());
    assert!(report["report"]["signatures"].is_null());
    let o = gate_json(&without, &policy, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert_eq!(reasons(&o), []);

    // Rego over input.packages: the same decision, from the same report.
    let rego = t.path().join("packages.rego");
    std::fs::write(
        &rego,
        "package bosun\nimport rego.v1\ndeny contains sprintf(\"%s is not allowed\", [p.name]) if {\n  some p in input.packages\n  p.name == \"telnetd\"\n}\n",
    )
    .unwrap();
    let o = gate_json(&with, &rego, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(
        reasons(&o),
        [(
            format!("rego {}", rego.display()),
            "telnetd is not allowed".to_string()
        )]
    );
    let o = gate_json(&without, &rego, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

/// Two real PyPA advisories from the corpus (idna PYSEC-2024-60, CVSS 7.5 high, fixed
/// in 3.7; urllib3 PYSEC-2023-212, CVSS 4.4 medium, fixed in 1.26.18) and one written
/// here with no fix (requests, critical), imported once per test binary.
fn db() -> Option<PathBuf> {
    static DB: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let pypa = bosun_testkit::corpus("osv/pypa-advisory-database/vulns")?;
    let r = DB.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gate_sources");
        let _ = std::fs::remove_dir_all(&dir);
        let src = dir.join("advisories");
        std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
        for f in ["idna/PYSEC-2024-60.yaml", "urllib3/PYSEC-2023-212.yaml"] {
            let name = f.split('/').nth(1).unwrap();
            std::fs::copy(pypa.join(f), src.join(name)).map_err(|e| e.to_string())?;
        }
        let unfixed = serde_json::json!({
            "schema_version": "1.6.0",
            "id": "BOSUN-TEST-UNFIXED-1",
            "modified": "2025-01-01T00:00:00Z",
            "summary": "an advisory with no fixed version",
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]
        });
        std::fs::write(src.join("unfixed.json"), unfixed.to_string()).map_err(|e| e.to_string())?;
        let db = dir.join("vuln.db");
        let o = bosun(
            &[
                "db",
                "import",
                "--db",
                db.to_str().unwrap(),
                src.to_str().unwrap(),
            ],
            None,
        );
        if o.status.code() != Some(0) {
            return Err(text(&o.stderr));
        }
        Ok(db)
    });
    match r {
        Ok(p) => Some(p.clone()),
        Err(e) => bosun_testkit::setup_failed("bosun db import", e),
    }
}

#[test]
fn vulnerabilities_fail_on_and_ignore_unfixed() {
    let Some(db) = db() else { return };
    let Some(pyapp) = bosun_testkit::test_image("pyapp.docker.tar") else {
        return;
    };
    let Some(nodeapp) = bosun_testkit::test_image("nodeapp.docker.tar") else {
        return;
    };
    let (pyapp, nodeapp) = (pyapp.to_str().unwrap(), nodeapp.to_str().unwrap());
    let t = tempfile::tempdir().unwrap();
    let db_flag = ["--db", db.to_str().unwrap()];
    let policy = |name: &str, body: &str| {
        let p = t.path().join(name);
        std::fs::write(&p, body).unwrap();
        p
    };
    let high = policy("high.toml", "[vulnerabilities]\nfail_on = \"high\"\n");
    let o = gate_json(pyapp, &high, &db_flag);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(
        reasons(&o),
        [
            (
                "vulnerabilities.fail_on = high".to_string(),
                "PYSEC-2024-60 (high) in pkg:pypi/idna@2.10, fixed in 3.7".to_string()
            ),
            (
                "vulnerabilities.fail_on = high".to_string(),
                "BOSUN-TEST-UNFIXED-1 (critical) in pkg:pypi/requests@2.25.0, no fix".to_string()
            ),
        ]
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        report["report"]["vulnerabilities"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(report["report"]["packages"].is_null());

    // ignore_unfixed drops the advisory with no fix; medium adds urllib3's.
    let medium = policy(
        "medium.toml",
        "[vulnerabilities]\nfail_on = \"medium\"\nignore_unfixed = true\n",
    );
    let o = gate_json(pyapp, &medium, &db_flag);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(
        reasons(&o),
        [
            (
                "vulnerabilities.fail_on = medium".to_string(),
                "PYSEC-2024-60 (high) in pkg:pypi/idna@2.10, fixed in 3.7".to_string()
            ),
            (
                "vulnerabilities.fail_on = medium".to_string(),
                "PYSEC-2023-212 (medium) in pkg:pypi/urllib3@1.26.4, fixed in 1.26.18".to_string()
            ),
        ]
    );
    let critical = policy(
        "critical.toml",
        "[vulnerabilities]\nfail_on = \"critical\"\nignore_unfixed = true\n",
    );
    let o = gate_json(pyapp, &critical, &db_flag);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));

    // nodeapp has no PyPI package: nothing matches.
    let o = gate_json(nodeapp, &high, &db_flag);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["report"]["vulnerabilities"], serde_json::json!([]));
}

#[test]
fn required_keys_relative_to_the_policy_and_an_attested_verdict() {
    let t = tempfile::tempdir().unwrap();
    let policies = t.path().join("policies");
    let (release_key, _) = key_pair(&policies.join("keys"), "release");
    let (other_key, other_pub) = key_pair(t.path(), "other");
    std::fs::write(
        policies.join("signed.toml"),
        "[signatures]\nrequired_keys = [\"keys/release.pub\"]\n",
    )
    .unwrap();
    let policy = policies.join("signed.toml");
    let signed = layout(&t.path().join("signed"), &[("app/id", b"signed")]);
    let unsigned = layout(&t.path().join("unsigned"), &[("app/id", b"unsigned")]);
    // The policy is read from another working directory: key paths follow the policy.
    for (target, key) in [(&signed, &release_key), (&unsigned, &other_key)] {
        let o = bosun(
            &["sign", "--key", key.to_str().unwrap(), target],
            Some(PASSWORD),
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
    let o = gate_json(&signed, &policy, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sigs = report["report"]["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 1);
    assert_eq!(sigs[0]["key"], "keys/release.pub");
    assert!(sigs[0]["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    let o = gate_json(&unsigned, &policy, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let digest = serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["report"]
        ["target"]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        reasons(&o),
        [(
            "signatures.required_keys".to_string(),
            format!("no valid signature by keys/release.pub over {digest}")
        )]
    );

    // --attest: the verdict (a deny here) is signed and attached to the gated digest.
    let o = bosun(
        &[
            "gate",
            &unsigned,
            "--policy",
            policy.to_str().unwrap(),
            "--attest",
            "--key",
            other_key.to_str().unwrap(),
        ],
        Some(PASSWORD),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("DENY "), "{}", text(&o.stdout));
    let v = bosun(
        &[
            "verify-attestation",
            "--key",
            other_pub.to_str().unwrap(),
            "--type",
            "https://bosun.dev/gate/v1",
            &unsigned,
        ],
        None,
    );
    assert_eq!(v.status.code(), Some(0), "{}", text(&v.stderr));
    let predicate: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(predicate["verdict"]["pass"], false);
    assert_eq!(predicate["verdict"]["reasons"].as_array().unwrap().len(), 1);
    assert_eq!(predicate["report"]["target"]["digest"], digest.as_str());
    assert_eq!(
        predicate["policies"],
        serde_json::json!([policy.display().to_string()])
    );
    // --attest without --key, and on an archive (nowhere to attach): one line, exit 2.
    let o = bosun(
        &[
            "gate",
            &unsigned,
            "--policy",
            policy.to_str().unwrap(),
            "--attest",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("--attest needs --key"));
}

#[test]
fn sbom_and_vuln_attest_onto_the_image_digest() {
    let Some(db) = db() else { return };
    let t = tempfile::tempdir().unwrap();
    let (key, pubkey) = key_pair(t.path(), "k");
    let (k, p) = (key.to_str().unwrap(), pubkey.to_str().unwrap());
    let target = layout(
        &t.path().join("img"),
        &[("var/lib/dpkg/status", DPKG_STATUS.as_bytes())],
    );
    let o = bosun(
        &["sbom", &target, "-f", "json", "--attest", "--key", k],
        Some(PASSWORD),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = bosun(
        &[
            "verify-attestation",
            "--key",
            p,
            "--type",
            "cyclonedx",
            &target,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let bom: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    let names: Vec<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["bash", "telnetd"]);

    let o = bosun(
        &[
            "vuln",
            &target,
            "--db",
            db.to_str().unwrap(),
            "--attest",
            "--key",
            k,
        ],
        Some(PASSWORD),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = bosun(
        &["verify-attestation", "--key", p, "--type", "vuln", &target],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let predicate: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(predicate["scanner"]["uri"], "https://bosun.dev");
    assert_eq!(predicate["scanner"]["result"], serde_json::json!([]));

    // --attest on an archive: nowhere to attach; one line, exit 2.
    let archive = t.path().join("img.tar");
    let img = ImageSpec {
        layers: vec![TestLayer {
            tar: layer_tar(&[TestEntry::file("a", b"a")]),
            compression: Compression::Gzip,
            created_by: "COPY a /".into(),
        }],
        ..Default::default()
    }
    .build();
    img.write_oci_archive(&archive, Some("v1")).unwrap();
    let o = bosun(
        &["sbom", archive.to_str().unwrap(), "--attest", "--key", k],
        Some(PASSWORD),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("nowhere to attach"),
        "{}",
        text(&o.stderr)
    );
}
