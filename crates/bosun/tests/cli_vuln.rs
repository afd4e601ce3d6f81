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
    let (o, doc) = vuln_doc(target, db, &[]);
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    (o, findings)
}

/// The whole JSON document of `bosun vuln TARGET --db DB -f json EXTRA...`.
fn vuln_doc(target: &Path, db: &Path, extra: &[&str]) -> (Output, serde_json::Value) {
    let mut args = vec![
        "vuln",
        target.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = bosun(&args);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
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
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let v = doc["findings"].as_array().unwrap();
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

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vuln")
        .join(name)
}

/// (code, package name) of every finding.
fn codes(fs: &[serde_json::Value]) -> BTreeSet<(String, String)> {
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
}

#[test]
fn pyapp_findings_name_their_layer_and_the_base_and_the_fixes_are_summarised() {
    let Some(db) = db() else { return };
    let Some(image) = bosun_testkit::test_image("pyapp.docker.tar") else {
        return;
    };
    let (o, doc) = vuln_doc(&image, &db, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // buildah's history: the base (podman-imported bookworm) is the first layer.
    assert_eq!(doc["base"]["layers"], 1);
    assert_eq!(doc["base"]["evidence"], "history");
    assert_eq!(doc["base"]["name"], "localhost/debian:bookworm");
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 35);
    // Every Python package came with the `pip install` step: layer 2, not the base.
    for f in findings {
        assert_eq!(f["added_by"]["index"], 2, "{f}");
        assert_eq!(f["added_by"]["base"], false, "{f}");
        assert!(f["message"]
            .as_str()
            .unwrap()
            .contains("added by layer 2 (not the base)"));
    }
    // The summary: one upgrade per package with a fix, the highest fix of each.
    let s = &doc["fix_summary"];
    assert_eq!(s["findings"], 35);
    assert!(s["rebuild"].is_null(), "no findings in the base layer");
    let upgrades = s["upgrades"].as_array().unwrap();
    let fixed: usize = upgrades
        .iter()
        .map(|u| u["findings"].as_u64().unwrap() as usize)
        .sum();
    let unfixed = findings
        .iter()
        .filter(|f| f["vulnerability"]["fixed"].is_null())
        .count();
    assert_eq!(fixed + unfixed, 35);
    assert_eq!(s["unfixed"].as_u64().unwrap() as usize, unfixed);
    for u in upgrades {
        let name = u["name"].as_str().unwrap();
        let mine: Vec<&serde_json::Value> = findings
            .iter()
            .filter(|f| {
                f["package"]["name"]
                    .as_str()
                    .unwrap()
                    .eq_ignore_ascii_case(name)
                    && !f["vulnerability"]["fixed"].is_null()
            })
            .collect();
        assert_eq!(u["fixes"].as_u64().unwrap() as usize, mine.len(), "{u}");
        assert!(mine.iter().any(|f| f["vulnerability"]["fixed"] == u["to"]));
    }
    let urllib3 = upgrades.iter().find(|u| u["name"] == "urllib3").unwrap();
    assert_eq!(urllib3["from"], "1.26.4");
    assert_eq!(urllib3["ecosystem"], "PyPI");
    // The table says the same in words.
    let o = bosun(&[
        "vuln",
        image.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    let line = format!(
        "upgrade urllib3 (PyPI) 1.26.4 -> {}: fixes {}",
        urllib3["to"].as_str().unwrap(),
        urllib3["fixes"]
    );
    assert!(out.contains(&line), "{out}");
    assert!(
        out.contains("base image: 1 layer (from the image's history: localhost/debian:bookworm)"),
        "{out}"
    );
}

#[test]
fn an_oci_layout_names_its_base_by_annotation_and_base_flag_checks_layers() {
    let Some(db) = db() else { return };
    let Some(dir) = bosun_testkit::test_image("pyapp.ocidir") else {
        return;
    };
    let target = format!("oci:{}", dir.display());
    let (o, doc) = vuln_doc(Path::new(&target), &db, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(doc["base"]["layers"], 1);
    assert_eq!(doc["base"]["evidence"], "annotation");
    assert_eq!(doc["base"]["name"], "localhost/debian:bookworm");
    assert!(doc["base"]["digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    // An image that is not the base: one line, exit 2.
    let Some(goapp) = bosun_testkit::test_image("goapp.docker.tar") else {
        return;
    };
    let o = bosun(&[
        "vuln",
        &target,
        "--db",
        db.to_str().unwrap(),
        "--base",
        goapp.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("is not built on"), "{err}");
}

/// syft's pyapp SBOMs (CycloneDX and SPDX, committed fixtures) list more Python
/// packages than bosun finds vulnerable (asgiref, jinja2, werkzeug, ...), none with
/// an advisory in this corpus: exactly the image's 35 findings.
#[test]
fn syft_sboms_give_the_findings_of_the_image() {
    let Some(db) = db() else { return };
    let Some(image) = bosun_testkit::test_image("pyapp.docker.tar") else {
        return;
    };
    let (_, from_image) = vuln_json(&image, &db);
    for name in ["pyapp.syft.cdx.json", "pyapp.syft.spdx.json"] {
        let (o, findings) = vuln_json(&fixture(name), &db);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert_eq!(findings.len(), 35, "{name}");
        assert_eq!(codes(&findings), codes(&from_image), "{name}");
    }
}

#[test]
fn severity_ignore_file_and_vex_filter_and_expired_entries_are_reported() {
    let Some(db) = db() else { return };
    let sbom = fixture("pyapp.syft.cdx.json");
    let (_, all) = vuln_doc(&sbom, &db, &[]);
    let all = all["findings"].as_array().unwrap().clone();
    // --severity keeps exactly the findings of those severities.
    let critical = all
        .iter()
        .filter(|f| f["vulnerability"]["severity"] == "critical")
        .count();
    let high_up = all
        .iter()
        .filter(|f| {
            matches!(
                f["vulnerability"]["severity"].as_str(),
                Some("high" | "critical")
            )
        })
        .count();
    let (_, d) = vuln_doc(&sbom, &db, &["--severity", "CRITICAL"]);
    assert_eq!(d["findings"].as_array().unwrap().len(), critical);
    let (_, d) = vuln_doc(&sbom, &db, &["--severity", "high+"]);
    assert_eq!(d["findings"].as_array().unwrap().len(), high_up);
    let (_, d) = vuln_doc(&sbom, &db, &["--severity", "high,critical"]);
    assert_eq!(d["findings"].as_array().unwrap().len(), high_up);
    let o = bosun(&[
        "vuln",
        sbom.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "-s",
        "bad",
    ]);
    assert_eq!(o.status.code(), Some(2));

    // One ignore entry that holds, one that expired, one VEX statement.
    let t = tempfile::tempdir().unwrap();
    let ignore = t.path().join("ignore.toml");
    std::fs::write(
        &ignore,
        "[[ignore]]\nid = \"CVE-2023-45803\"\npackage = \"urllib3\"\nreason = \"not reachable\"\nexpires = \"2999-01-01\"\n\
         [[ignore]]\nid = \"PYSEC-2021-19\"\nreason = \"old\"\nexpires = \"2020-01-01\"\n",
    )
    .unwrap();
    let vex = t.path().join("a.vex.json");
    // A urllib3 finding other than the ignored one.
    let other = all
        .iter()
        .find(|f| f["package"]["name"] == "urllib3" && f["code"] != "PYSEC-2023-212")
        .unwrap();
    let other_id = other["code"].as_str().unwrap();
    std::fs::write(
        &vex,
        serde_json::json!({
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": "https://example.com/vex/1",
            "author": "test",
            "timestamp": "2026-01-01T00:00:00Z",
            "version": 1,
            "statements": [{
                "vulnerability": {"name": other_id},
                "products": [{"@id": "pkg:pypi/urllib3@1.26.4"}],
                "status": "not_affected",
                "justification": "vulnerable_code_not_in_execute_path"
            }]
        })
        .to_string(),
    )
    .unwrap();
    let (o, d) = vuln_doc(
        &sbom,
        &db,
        &[
            "--ignore-file",
            ignore.to_str().unwrap(),
            "--vex",
            vex.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let f = d["findings"].as_array().unwrap();
    let vulns = f
        .iter()
        .filter(|x| x["name"] == "vulnerable-package")
        .count();
    assert_eq!(vulns, all.len() - 2);
    let expired: Vec<&serde_json::Value> = f.iter().filter(|x| x["code"] == "BV001").collect();
    assert_eq!(expired.len(), 1);
    assert!(expired[0]["message"]
        .as_str()
        .unwrap()
        .contains("PYSEC-2021-19 expired on 2020-01-01"));
    let sup = d["suppressed"].as_array().unwrap();
    assert_eq!(sup.len(), 2);
    assert_eq!(sup.iter().filter(|s| s["by"] == "ignore-file").count(), 1);
    let by_vex = sup.iter().find(|s| s["by"] == "vex").unwrap();
    assert_eq!(by_vex["id"], other_id);
    assert_eq!(
        by_vex["justification"],
        "vulnerable_code_not_in_execute_path"
    );

    // An entry without a reason: one line, exit 2.
    std::fs::write(
        &ignore,
        "[[ignore]]\nid = \"X\"\nexpires = \"2999-01-01\"\n",
    )
    .unwrap();
    let o = bosun(&[
        "vuln",
        sbom.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--ignore-file",
        ignore.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("needs a `reason`"), "{err}");
}

#[test]
fn a_directory_target_matches_its_python_packages() {
    let Some(db) = db() else { return };
    let t = tempfile::tempdir().unwrap();
    let info = t
        .path()
        .join("lib/python3.11/site-packages/urllib3-1.26.4.dist-info");
    std::fs::create_dir_all(&info).unwrap();
    std::fs::write(
        info.join("METADATA"),
        "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n",
    )
    .unwrap();
    let sbom = fixture("pyapp.syft.cdx.json");
    let (_, all) = vuln_json(&sbom, &db);
    let want: BTreeSet<String> = all
        .iter()
        .filter(|f| f["package"]["name"] == "urllib3")
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    assert!(!want.is_empty());
    let target = format!("dir:{}", t.path().display());
    let (o, doc) = vuln_doc(Path::new(&target), &db, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let got: BTreeSet<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, want);
    assert!(doc["base"].is_null());
}

#[test]
fn sarif_and_cyclonedx_outputs_validate_against_their_schemas() {
    let Some(db) = db() else { return };
    let sbom = fixture("pyapp.syft.cdx.json");
    let (_, all) = vuln_json(&sbom, &db);
    // SARIF 2.1.0.
    let Some(sarif) = bosun_testkit::schemas::sarif() else {
        return;
    };
    let o = bosun(&[
        "vuln",
        sbom.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "-f",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let errors = bosun_testkit::schemas::errors(sarif, &v);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), all.len());

    // CycloneDX 1.6 with the SPDX licence and JSF schemas it references.
    let Some(cdx) = bosun_testkit::schemas::cyclonedx() else {
        return;
    };
    let o = bosun(&[
        "vuln",
        sbom.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "-f",
        "cyclonedx-json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let errors = bosun_testkit::schemas::errors(cdx, &v);
    assert!(errors.is_empty(), "{errors:#?}");
    let refs: BTreeSet<&str> = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    let vulns = v["vulnerabilities"].as_array().unwrap();
    let ids: BTreeSet<&str> = all.iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(vulns.len(), ids.len());
    let mut affects = 0;
    for x in vulns {
        for a in x["affects"].as_array().unwrap() {
            assert!(refs.contains(a["ref"].as_str().unwrap()), "{a}");
            affects += 1;
        }
    }
    assert_eq!(affects, all.len(), "one affects entry per finding");
}

#[test]
fn db_push_and_pull_through_an_oci_layout_and_a_registry() {
    let Some(db) = db() else { return };
    let t = tempfile::tempdir().unwrap();
    let layout = format!("oci:{}:vulndb", t.path().join("layout").display());
    let o = bosun(&["db", "push", &layout, "--db", db.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let pulled = t.path().join("pulled/vuln.db");
    let o = bosun(&["db", "pull", &layout, "--db", pulled.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sbom = fixture("pyapp.syft.cdx.json");
    let (_, a) = vuln_json(&sbom, &db);
    let (_, b) = vuln_json(&sbom, &pulled);
    assert_eq!(codes(&a), codes(&b));
    // Pulling again replaces the file in place.
    let o = bosun(&["db", "pull", &layout, "--db", pulled.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Not a database artifact: one line, exit 2, the old database untouched.
    let Some(image) = bosun_testkit::test_image("pyapp.ocidir") else {
        return;
    };
    let o = bosun(&[
        "db",
        "pull",
        &format!("oci:{}", image.display()),
        "--db",
        pulled.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a bosun vulnerability database"));
    let (_, c) = vuln_json(&sbom, &pulled);
    assert_eq!(codes(&a), codes(&c));

    let Some(reg) = bosun_testkit::start_registry(&bosun_testkit::RegistryConfig::default()) else {
        return;
    };
    let host = reg.host();
    let r = format!("{host}/bosun/vulndb:latest");
    let o = bosun(&[
        "db",
        "push",
        &r,
        "--insecure-registry",
        &host,
        "--db",
        db.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let from_reg = t.path().join("reg/vuln.db");
    let o = bosun(&[
        "db",
        "pull",
        &r,
        "--insecure-registry",
        &host,
        "--db",
        from_reg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, d) = vuln_json(&sbom, &from_reg);
    assert_eq!(codes(&a), codes(&d));
}
