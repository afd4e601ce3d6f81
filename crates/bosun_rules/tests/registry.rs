//! The registry holds every declared rule, once, and every declaration is complete.

use bosun_diagnostics::Area;
use regex::Regex;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `text` without its inline `#[cfg(test)] mod x { .. }` modules (found by matching
/// braces outside string and character literals and comments).
fn without_test_modules(text: &str, test_module: &Regex) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(m) = test_module.find(rest) {
        out.push_str(&rest[..m.start()]);
        let body = &rest[m.end()..];
        let end = matching_brace(body).unwrap_or(body.len());
        rest = &body[end..];
    }
    out.push_str(rest);
    out
}

/// The byte offset just after the `}` that closes a block whose `{` was just read.
fn matching_brace(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let (mut i, mut depth) = (0, 1usize);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = s[i..].find('\n').map_or(b.len(), |n| i + n);
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'#') | Some(b'"'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let hashes = s[i + 1..].bytes().take_while(|&c| c == b'#').count();
                let close = format!("\"{}", "#".repeat(hashes));
                let open = i + 1 + hashes + 1;
                i = s[open..]
                    .find(&close)
                    .map_or(b.len(), |n| open + n + close.len() - 1);
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') => i += 2,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The codes of every `RuleMeta { code: "..", .. }` literal in `crates/*/src`, outside
/// comments and inline test modules, with the file that declares it; and every place a
/// `RuleMeta` literal takes its code from a macro argument (a second way to declare).
fn declarations() -> (Vec<(String, PathBuf)>, Vec<PathBuf>) {
    let literal = Regex::new(r#"RuleMeta\s*\{\s*code:\s*"([^"]*)""#).unwrap();
    let from_macro = Regex::new(r"RuleMeta\s*\{\s*code:\s*\$").unwrap();
    let test_module = Regex::new(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{").unwrap();
    let mut found = Vec::new();
    let mut macros = Vec::new();
    let mut files = Vec::new();
    for krate in std::fs::read_dir(crates_dir()).unwrap().flatten() {
        let src = krate.path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let text = without_test_modules(&text, &test_module);
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for c in literal.captures_iter(&code) {
            found.push((c[1].to_string(), file.clone()));
        }
        if from_macro.is_match(&code) {
            macros.push(file.clone());
        }
    }
    (found, macros)
}

#[test]
fn every_declared_rule_is_registered_once() {
    let reg = bosun_rules::registry();
    let (declared, macros) = declarations();
    let macros: Vec<String> = macros
        .iter()
        .map(|p| p.strip_prefix(crates_dir()).unwrap().display().to_string())
        .collect();
    assert_eq!(
        macros,
        Vec::<String>::new(),
        "a macro declares rules: declare them as `RuleMeta` literals"
    );
    let registered: BTreeSet<&str> = reg.rules().iter().map(|r| r.meta.code).collect();
    assert_eq!(registered.len(), reg.len(), "a code is registered twice");
    let missing: Vec<String> = declared
        .iter()
        .filter(|(code, _)| !registered.contains(code.as_str()))
        .map(|(code, file)| format!("{code} ({})", file.display()))
        .collect();
    assert_eq!(missing, Vec::<String>::new(), "declared but not registered");
    assert_eq!(
        declared.len(),
        reg.len(),
        "every registered rule is one literal declaration"
    );
    assert_eq!(declared.len(), 158);
}

#[test]
fn every_declaration_is_complete() {
    assert_eq!(bosun_rules::registry().problems(), Vec::<String>::new());
}

#[test]
fn every_area_is_registered_in_full() {
    let reg = bosun_rules::registry();
    let count = |a: &str| reg.select(a).unwrap().len();
    assert_eq!(count("lint"), bosun_lint::rules::RULES.len());
    assert_eq!(count("image"), bosun_inspect::RULES.len());
    assert_eq!(count("lint"), 118);
    assert_eq!(count("image"), 23);
    assert_eq!(count("audit"), bosun_audit::RULES.len());
    assert_eq!(count("audit"), 17);
    assert_eq!(count("framework"), 1);
    assert_eq!(count("hadolint"), 76);
    assert_eq!(count("security"), 22);
    assert_eq!(count("buildkit"), 17);
    assert_eq!(count("pragma"), 2);
    assert_eq!(count("hadolint"), bosun_lint::rules::hadolint::RULES.len());
    assert_eq!(count("security"), bosun_lint::rules::security::RULES.len());
    assert_eq!(count("buildkit"), bosun_lint::rules::buildkit::RULES.len());
    assert_eq!(reg.len(), 158);
    for r in reg.rules() {
        match r.meta.area {
            Area::Lint => assert!(bosun_lint::find_rule(r.meta.code).is_some()),
            Area::Image => assert!(bosun_inspect::rules::find(r.meta.code).is_some()),
            Area::Audit => assert!(bosun_audit::RULES.iter().any(|a| a.code == r.meta.code)),
        }
    }
}

#[test]
fn codes_names_and_aliases_of_every_area_resolve() {
    let reg = bosun_rules::registry();
    let code = |n: &str| reg.find(n).map(|r| r.meta.code);
    assert_eq!(code("DL3008"), Some("DL3008"));
    assert_eq!(code("dl3008"), Some("DL3008"));
    assert_eq!(code("JSONArgsRecommended"), Some("BK1017"));
    assert_eq!(code("MaintainerDeprecated"), Some("DL4000"));
    assert_eq!(code("StageNameCasing"), Some("BK1001"));
    assert_eq!(code("BSI100"), Some("BSI100"));
    assert_eq!(code("image-runs-as-root"), Some("BSI100"));
    assert_eq!(code("CIS-DI-0001"), Some("BSI100"));
    assert_eq!(code("BSN1001"), Some("BSN1001"));
    assert_eq!(code("NOPE"), None);
    let err = reg.select("nope").unwrap_err().to_string();
    assert!(
        err.starts_with("unknown rule area `nope` (expected one of: lint, image, audit, "),
        "{err}"
    );
}
