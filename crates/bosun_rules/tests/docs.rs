//! `docs/rules/` is generated from the registry (every area); this test fails when the
//! committed pages are stale. Regenerate with
//! `BOSUN_UPDATE_DOCS=1 cargo test -p bosun_rules --test docs`.

use std::collections::BTreeMap;
use std::path::PathBuf;

fn docs_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules"))
}

#[test]
fn committed_rule_pages_are_up_to_date() {
    let dir = docs_dir();
    let expected: BTreeMap<String, String> = bosun_rules::pages().into_iter().collect();
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
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(have) if &have == text => {}
            Ok(_) => stale.push(format!("{name} differs")),
            Err(_) => stale.push(format!("{name} is missing")),
        }
    }
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".md") && !expected.contains_key(&name) {
            stale.push(format!("{name} belongs to no rule"));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale ({}); run `BOSUN_UPDATE_DOCS=1 cargo test -p bosun_rules --test docs`",
        stale.join(", ")
    );
}

#[test]
fn every_rule_has_a_page_and_an_index_row() {
    let reg = bosun_rules::registry();
    let pages = bosun_rules::pages();
    assert_eq!(pages.len(), reg.len() + 1);
    let index = &pages[0].1;
    for (rule, (name, page)) in reg.rules().iter().zip(&pages[1..]) {
        let m = rule.meta;
        assert_eq!(name, &format!("{}.md", m.code));
        assert!(page.starts_with(&format!("# {} `{}`\n\n{}\n", m.code, m.name, m.summary)));
        for alias in m.aliases {
            assert!(page.contains(&format!("`{alias}`")), "{}: {alias}", m.code);
        }
        assert!(
            index.contains(&format!(
                "| [{code}]({code}.md) | `{}` |",
                m.name,
                code = m.code
            )),
            "{}",
            m.code
        );
    }
    assert!(index.contains("## lint (`bosun lint`)"));
    assert!(index.contains("## image (`bosun image`)"));
}
