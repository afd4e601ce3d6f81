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
    assert_eq!(arr.len(), bosun_lint::rules::RULES.len());
    let mut codes = HashSet::new();
    for r in arr {
        for key in ["code", "name", "aliases", "severity", "fixable", "summary"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        assert!(codes.insert(r["code"].as_str().unwrap().to_string()));
        assert!(r["aliases"].is_array());
        assert!(r["fixable"].is_boolean());
    }
    assert!(codes.contains("DL1000"));
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
