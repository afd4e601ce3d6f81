//! BuildKit's own conformance tables for variable substitution (`envVarTest`) and word
//! splitting (`wordsTest`), from `shared/corpus/buildkit-shell/`.
//!
//! `envVarTest` rows are `PLATFORM|input|expected`: `A` rows run with Linux semantics
//! (case-sensitive names) and again with Windows semantics (names ignore case), `U` rows
//! with Linux semantics, and `W` rows with Windows semantics (a [`VarMap::windows`] map,
//! as BuildKit's `NormalizeEnvKey` does on Windows).

use bosun_dockerfile::expand::{Lexer, VarMap};
use std::path::PathBuf;

fn corpus(name: &str) -> Option<String> {
    let path: PathBuf = bosun_testkit::corpus(&format!("buildkit-shell/{name}"))?;
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) => bosun_testkit::setup_failed(&format!("read {}", path.display()), e),
    }
}

const ENV: [&str; 4] = ["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="];

fn check_row(lex: &Lexer, env: &VarMap, input: &str, expected: &str) -> Result<(), String> {
    match lex.process_word(input, env) {
        Ok(got) if expected == "error" => Err(format!("{input:?}: expected an error, got {got:?}")),
        Ok(got) if got != expected => Err(format!("{input:?}: expected {expected:?}, got {got:?}")),
        Ok(_) => Ok(()),
        Err(e) if expected != "error" => Err(format!("{input:?}: expected {expected:?}, got {e}")),
        Err(_) => Ok(()),
    }
}

#[test]
fn env_var_table() {
    let Some(text) = corpus("envVarTest") else {
        return;
    };
    let lex = Lexer::new('\\');
    let unix = VarMap::from_assignments(ENV);
    let mut windows = VarMap::windows();
    windows.extend_assignments(ENV);

    let (mut rows, mut passed, mut windows_runs) = (0, 0, 0);
    let mut failures = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.trim().split('|').collect();
        let [platform, input, expected] = fields.as_slice() else {
            failures.push(format!("line {}: not three fields", n + 1));
            continue;
        };
        let (platform, input, expected) = (platform.trim(), input.trim(), expected.trim());
        rows += 1;
        let envs: Vec<&VarMap> = match platform {
            "A" => vec![&unix, &windows],
            "U" => vec![&unix],
            "W" => vec![&windows],
            other => {
                failures.push(format!("line {}: unknown platform {other}", n + 1));
                continue;
            }
        };
        let mut ok = true;
        for env in envs {
            if std::ptr::eq(env, &windows) {
                windows_runs += 1;
            }
            if let Err(e) = check_row(&lex, env, input, expected) {
                failures.push(format!("line {} ({platform}): {e}", n + 1));
                ok = false;
            }
        }
        if ok {
            passed += 1;
        }
    }
    eprintln!("envVarTest: {passed}/{rows} rows pass ({windows_runs} runs with Windows keys)");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(rows, 230, "the table should have 230 rows");
}

#[test]
fn words_table() {
    let Some(text) = corpus("wordsTest") else {
        return;
    };
    let lex = Lexer::new('\\');
    let mut env = VarMap::new();
    let (mut rows, mut failures) = (0, Vec::new());
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("ENV ") {
            env.extend_assignments([rest.trim_start_matches(' ')]);
            continue;
        }
        let Some((input, expected)) = line.split_once('|') else {
            failures.push(format!("line {}: no separator", n + 1));
            continue;
        };
        rows += 1;
        let input = input.trim();
        let expected: Vec<&str> = expected.trim_start_matches(' ').split(',').collect();
        let got = match lex.process_words(input, &env) {
            Ok(words) => words,
            Err(_) => vec!["error".to_string()],
        };
        if got != expected {
            failures.push(format!(
                "line {}: {input:?} -> {got:?}, expected {expected:?}",
                n + 1
            ));
        }
    }
    eprintln!("wordsTest: {}/{rows} rows pass", rows - failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(rows >= 20, "the table should have its rows, found {rows}");
}
