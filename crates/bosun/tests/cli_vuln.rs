//! `bosun vuln` through the binary: real images against the PyPA and Go vulndb
//! advisories of the corpus, SBOM files as targets, and the one-line errors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn bosun(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bosun"))
        .args(args)
        .env("CI", "true")
        .env_remove("BOSUN_DB")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The PyPA and Go vulndb advisories of the corpus, imported once per test binary.
fn db() -> Option<PathBuf> {
    static DB: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let pypa = bosun_testkit::corpus("osv/pypa-advisory-database")?;
    let go = bosun_testkit::corpus("osv/golang-vulndb")?;
    let r = DB.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_vuln");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let db = dir.join("vuln.db");
        let o = bosun(&[
            "db",
            "import",
            "--db",
            db.to_str().unwrap(),
            pypa.to_str().unwrap(),
            go.to_str().unwrap(),
        ]);
        if o.status.code() != Some(0) {
            return Err(stderr(&o));
        }
        Ok(db)
    });
    match r {
        Ok(p) => Some(p.clone()),
        Err(e) => bosun_testkit::setup_failed("bosun db import", e),
    }
}

fn vuln_json(target: &Path, db: &Path) -> (Output, Vec<serde_json::Value>) {
    let o = bosun(&[
        "vuln",
        target.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&o)));
    (o, v)
}

/// (package name from the purl, version) of every finding.
fn packages(findings: &[serde_json::Value]) -> BTreeSet<String> {
    findings
        .iter()
        .map(|f| {
            let purl = f["location"]["purl"].as_str().unwrap();
            let (name, _) = purl.rsplit_once('@').unwrap();
            name.rsplit('/').next().unwrap().to_string()
        })
        .collect()
}

fn pairs(findings: &[serde_json::Value]) -> BTreeSet<(String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["location"]["purl"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const PYAPP_PACKAGES: &[&str] = &[
    "cryptography",
    "django",
    "flask",
    "idna",
    "pip",
    "pyyaml",
    "requests",
    "urllib3",
];

#[test]
fn pyapp_has_exactly_the_pypa_advisories_of_its_python_packages() {
    let Some(db) = db() else { return };
    let Some(image) = bosun_testkit::test_image("pyapp.docker.tar") else {
        return;
    };
    let (o, findings) = vuln_json(&image, &db);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(findings.len(), 35);
    assert_eq!(
        pairs(&findings).len(),
        35,
        "one per (vulnerability, package)"
    );
    let want: BTreeSet<String> = PYAPP_PACKAGES.iter().map(|s| s.to_string()).collect();
    assert_eq!(packages(&findings), want);
    for f in &findings {
        assert_eq!(f["location"]["kind"], "package");
        assert_eq!(f["location"]["image"], image.to_str().unwrap());
        assert!(f["location"]["path"].is_string(), "{f}");
        let code = f["code"].as_str().unwrap();
        assert!(
            code.starts_with("PYSEC-") || code.starts_with("GHSA-"),
            "{code}"
        );
    }
    // Aliases and the fixed version are in the message.
    let urllib3 = findings
        .iter()
        .find(|f| f["code"] == "PYSEC-2023-212")
        .expect("PYSEC-2023-212 for urllib3");
    let msg = urllib3["message"].as_str().unwrap();
    assert!(msg.contains("CVE-2023-45803"), "{msg}");
    assert!(msg.contains("GHSA-g4mx-q9vg-27p4"), "{msg}");
    assert!(msg.contains("fixed in 1.26.18"), "{msg}");
}

#[test]
fn goapp_has_exactly_the_go_vulndb_advisories_of_its_stdlib() {
    let Some(db) = db() else { return };
    let Some(image) = bosun_testkit::test_image("goapp.docker.tar") else {
        return;
    };
    let (o, findings) = vuln_json(&image, &db);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(findings.len(), 80);
    assert_eq!(pairs(&findings).len(), 80);
    let purls: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["location"]["purl"].as_str().unwrap())
        .collect();
    assert_eq!(purls, BTreeSet::from(["pkg:golang/stdlib@1.19.8"]));
    assert!(findings
        .iter()
        .all(|f| f["code"].as_str().unwrap().starts_with("GO-")));
}

#[test]
fn an_sbom_file_gives_the_same_findings_as_the_image() {
    let Some(db) = db() else { return };
    let Some(image) = bosun_testkit::test_image("pyapp.docker.tar") else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let cdx = t.path().join("bom.cdx.json");
    let spdx = t.path().join("bom.spdx.json");
    let o = bosun(&[
        "sbom",
        image.to_str().unwrap(),
        "-o",
        &format!("cyclonedx-json={}", cdx.display()),
        "-o",
        &format!("spdx-json={}", spdx.display()),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, from_image) = vuln_json(&image, &db);
    let codes = |fs: &[serde_json::Value]| -> BTreeSet<(String, String)> {
        fs.iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    packages(std::slice::from_ref(f))
                        .into_iter()
                        .next()
                        .unwrap(),
                )
            })
            .collect()
    };
    for sbom in [&cdx, &spdx] {
        let (o, findings) = vuln_json(sbom, &db);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert_eq!(findings.len(), 35, "{}", sbom.display());
        assert_eq!(codes(&findings), codes(&from_image), "{}", sbom.display());
    }
}

#[test]
fn threshold_none_and_ignore_unfixed() {
    let Some(db) = db() else { return };
    let Some(image) = bosun_testkit::test_image("goapp.docker.tar") else {
        return;
    };
    let o = bosun(&[
        "vuln",
        image.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--failure-threshold",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Every Go stdlib advisory of go1.19.8 has a fixed release: none is dropped.
    let o = bosun(&[
        "vuln",
        image.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--ignore-unfixed",
        "--format",
        "json",
    ]);
    let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.len(), 80);
    assert!(v
        .iter()
        .all(|f| f["message"].as_str().unwrap().contains("; fixed in ")));
}

#[test]
fn a_missing_database_is_one_line_saying_how_to_create_one() {
    let t = tempfile::tempdir().unwrap();
    let sbom = t.path().join("bom.json");
    std::fs::write(&sbom, br#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#).unwrap();
    let missing = t.path().join("nope.db");
    let o = bosun(&[
        "vuln",
        sbom.to_str().unwrap(),
        "--db",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("bosun db import"), "{err}");
    assert!(err.contains("bosun db update"), "{err}");
    assert!(!missing.exists(), "a scan never creates the database");
}

#[test]
fn a_json_file_that_is_no_sbom_is_one_line_and_exit_2() {
    let Some(db) = db() else { return };
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("package.json");
    std::fs::write(&f, br#"{"name":"x","version":"1.0.0"}"#).unwrap();
    let o = bosun(&["vuln", f.to_str().unwrap(), "--db", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("not a CycloneDX, SPDX or bosun SBOM document"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}
