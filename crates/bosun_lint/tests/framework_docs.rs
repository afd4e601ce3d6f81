//! `docs/rules/` is generated from the registry; this test fails when the committed
//! pages are stale. Regenerate with
//! `BOSUN_UPDATE_DOCS=1 cargo test -p bosun_lint --test framework_docs`.

use bosun_lint::docs::{index_page, rule_page};
use bosun_lint::rules::RULES;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn expected() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert("README.md".to_string(), index_page(&RULES));
    for rule in RULES.iter() {
        files.insert(format!("{}.md", rule.meta.code), rule_page(rule));
    }
    files
}

#[test]
fn committed_rule_pages_are_up_to_date() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules"));
    let expected = expected();
    if std::env::var_os("BOSUN_UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".md") && !expected.contains_key(&name) {
                std::fs::remove_file(&p).unwrap();
            }
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(have) if &have == text => {}
            Ok(_) => stale.push(format!("{name} differs")),
            Err(_) => stale.push(format!("{name} is missing")),
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.ends_with(".md") && !expected.contains_key(&name) {
                stale.push(format!("{name} belongs to no rule"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale ({}); run `BOSUN_UPDATE_DOCS=1 cargo test -p bosun_lint --test framework_docs`",
        stale.join(", ")
    );
}

#[test]
fn pages_carry_the_rule_metadata() {
    for rule in RULES.iter() {
        let page = rule_page(rule);
        assert!(page.starts_with(&format!("# {} `{}`", rule.meta.code, rule.meta.name)));
        assert!(page.contains(rule.meta.summary));
        for alias in rule.meta.aliases {
            assert!(
                page.contains(&format!("`{alias}`")),
                "{}: alias {alias}",
                rule.meta.code
            );
        }
    }
    let index = index_page(&RULES);
    for rule in RULES.iter() {
        assert!(index.contains(&format!("[{code}]({code}.md)", code = rule.meta.code)));
    }
}
