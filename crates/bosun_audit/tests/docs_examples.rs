//! Every rule's page: its bad Compose example triggers it, its good one does not.

use bosun_audit::{audit, declarations, RULES};

fn block<'a>(docs: &'a str, tag: &str) -> &'a str {
    let start = docs
        .find(&format!("```yaml {tag}\n"))
        .unwrap_or_else(|| panic!("no yaml,{tag} block"))
        + tag.len()
        + 9;
    let len = docs[start..].find("```").expect("unterminated block");
    &docs[start..start + len]
}

fn codes(text: &str) -> Vec<String> {
    let d = declarations("compose.yaml", text).expect("example parses");
    assert_eq!(d.workloads.len(), 1, "{text}");
    audit(&d.workloads).into_iter().map(|f| f.code).collect()
}

#[test]
fn bad_examples_trigger_and_good_ones_do_not() {
    assert_eq!(RULES.len(), 17);
    for r in RULES {
        let m = r;
        assert!(
            codes(block(m.docs, "bad")).iter().any(|c| c == m.code),
            "{}: bad example does not trigger",
            m.code
        );
        assert!(
            !codes(block(m.docs, "good")).iter().any(|c| c == m.code),
            "{}: good example triggers",
            m.code
        );
    }
}

#[test]
fn codes_are_unique_and_in_order() {
    for (i, r) in RULES.iter().enumerate() {
        assert_eq!(r.code, format!("BSA{:03}", i + 1));
        assert_eq!(bosun_audit::rules::CHECKS[i].0.code, r.code);
    }
    assert_eq!(bosun_audit::rules::CHECKS.len(), RULES.len());
}
