//! `bosun rules` and `bosun rule CODE`.

use std::collections::HashSet;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_bosun");

fn bosun(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run bosun")
}

#[test]
fn rules_json_lists_every_rule_once() {
    let o = bosun(&["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), bosun_rules::registry().len());
    let mut codes = HashSet::new();
    for r in arr {
        for key in [
            "code", "name", "area", "group", "aliases", "severity", "fixable", "summary",
        ] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        assert!(codes.insert(r["code"].as_str().unwrap().to_string()));
        assert!(r["aliases"].is_array());
        assert!(r["fixable"].is_boolean());
    }
    assert!(codes.contains("DL1000"));
    assert!(codes.contains("BSI100"));
    assert!(codes.contains("BSA001"));
}

fn json_codes(args: &[&str]) -> Vec<(String, String, String)> {
    let o = bosun(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("code"), s("area"), s("group"))
        })
        .collect()
}

#[test]
fn rules_filter_by_area_and_group() {
    let lint = json_codes(&["rules", "--area", "lint", "--format", "json"]);
    assert_eq!(lint.len(), bosun_lint::rules::RULES.len());
    assert!(lint.iter().all(|(_, area, _)| area == "lint"));
    let image = json_codes(&["rules", "--area", "image", "--format", "json"]);
    let image_codes: Vec<&str> = image.iter().map(|(c, _, _)| c.as_str()).collect();
    let expected: Vec<&str> = bosun_inspect::RULES.iter().map(|r| r.code).collect();
    assert_eq!(image_codes, expected);
    let audit = json_codes(&["rules", "--area", "audit", "--format", "json"]);
    let audit_codes: Vec<&str> = audit.iter().map(|(c, _, _)| c.as_str()).collect();
    let expected_audit: Vec<&str> = bosun_rules::registry()
        .select("audit")
        .unwrap()
        .iter()
        .map(|r| r.meta.code)
        .collect();
    assert_eq!(expected_audit.len(), 17);
    assert_eq!(audit_codes, expected_audit);
    let buildkit = json_codes(&["rules", "--area", "BuildKit", "--format", "json"]);
    assert_eq!(buildkit.len(), bosun_lint::rules::buildkit::RULES.len());
    assert!(buildkit
        .iter()
        .all(|(c, a, g)| c.starts_with("BK1") && a == "lint" && g == "buildkit"));
    let hadolint = json_codes(&["rules", "--area", "hadolint", "--format", "json"]);
    assert_eq!(hadolint.len(), bosun_lint::rules::hadolint::RULES.len());
    let security = json_codes(&["rules", "--area", "security", "--format", "json"]);
    assert_eq!(security.len(), bosun_lint::rules::security::RULES.len());
    let text = bosun(&["rules", "--area", "image"]);
    let out = String::from_utf8(text.stdout).unwrap();
    assert!(
        out.lines()
            .any(|l| l.starts_with("BSI100 ") && l.contains("image-runs-as-root")),
        "{out}"
    );
    assert!(out.ends_with(&format!(
        "\n{} rules. `bosun rule CODE` shows one rule's page.\n",
        expected.len()
    )));
    let o = bosun(&["rules", "--area", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown rule area `nope` (expected one of: lint, image, audit"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn rule_answers_every_area_and_alias() {
    for (name, heading) in [
        ("BSI100", "# BSI100 `image-runs-as-root`"),
        ("CIS-DI-0001", "# BSI100 `image-runs-as-root`"),
        ("image-runs-as-root", "# BSI100 `image-runs-as-root`"),
        ("JSONArgsRecommended", "# BK1017 `"),
        ("MaintainerDeprecated", "# DL4000 `"),
        ("StageNameCasing", "# BK1001 `"),
        ("dl3008", "# DL3008 `apt-get-install-unpinned`"),
        ("BSN1001", "# BSN1001 `"),
        ("BSA001", "# BSA001 `runs-as-root`"),
        ("KSV012", "# BSA001 `runs-as-root`"),
    ] {
        let o = bosun(&["rule", name]);
        assert_eq!(o.status.code(), Some(0), "{name}");
        let page = String::from_utf8(o.stdout).unwrap();
        assert!(page.starts_with(heading), "{name}: {page}");
        assert!(page.contains("## What it does"), "{name}");
    }
    let page = String::from_utf8(bosun(&["rule", "BSI100"]).stdout).unwrap();
    assert!(
        page.contains("| Area | image (`bosun image`) |\n"),
        "{page}"
    );
    assert!(page.contains("```dockerfile bad"), "{page}");
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/rules/BSI100.md"
    ))
    .unwrap();
    assert_eq!(page, committed);
}

#[test]
fn rules_text_is_a_table() {
    let o = bosun(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("CODE"), "{out}");
    assert!(out
        .lines()
        .any(|l| l.starts_with("DL1000 ") && l.contains("dockerfile-parse-error")));
    assert_eq!(bosun(&["rules", "--format", "xml"]).status.code(), Some(2));
}

#[test]
fn rule_prints_the_page_by_code_name_or_alias() {
    let by_code = bosun(&["rule", "DL1000"]);
    assert_eq!(by_code.status.code(), Some(0));
    let page = String::from_utf8(by_code.stdout).unwrap();
    assert!(
        page.starts_with("# DL1000 `dockerfile-parse-error`"),
        "{page}"
    );
    assert!(page.contains("## What it does"));
    assert!(page.contains("```dockerfile bad"));
    let by_name = bosun(&["rule", "dockerfile-parse-error"]);
    assert_eq!(String::from_utf8(by_name.stdout).unwrap(), page);
    let o = bosun(&["rule", "NOPE"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown rule `NOPE`"));
}
