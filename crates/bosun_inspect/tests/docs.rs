//! `docs/image-rules/` is generated from the rules; this test fails when it is stale.
//! Regenerate with `BOSUN_UPDATE_DOCS=1 cargo test -p bosun_inspect --test docs`.

use bosun_inspect::rules::{index_page, rule_page, RULES};
use std::path::PathBuf;

#[test]
fn image_rule_pages_are_up_to_date() {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/image-rules"
    ));
    let mut pages: Vec<(String, String)> = RULES
        .iter()
        .map(|r| (format!("{}.md", r.code), rule_page(r)))
        .collect();
    pages.push(("README.md".into(), index_page()));
    if std::env::var_os("BOSUN_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).expect("create docs/image-rules");
        for (name, text) in &pages {
            std::fs::write(dir.join(name), text).expect("write page");
        }
    }
    for (name, text) in &pages {
        let on_disk = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert_eq!(&on_disk, text, "docs/image-rules/{name} is stale: run BOSUN_UPDATE_DOCS=1 cargo test -p bosun_inspect --test docs");
        if name != "README.md" {
            assert!(
                text.contains("```dockerfile,bad") && text.contains("```dockerfile,good"),
                "{name}"
            );
        }
    }
}
