//! The RUN command view on real Dockerfiles: snippets from the corpus, and every RUN of
//! the 2,101 corpus files (positions must map back onto the words in the file).

use bosun_dockerfile::shell::{ChainOp, FlagSpec, Origin, Script};
use bosun_dockerfile::{parse, Instruction};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn runs(src: &str) -> Vec<(Instruction, Script)> {
    let df = parse(src);
    df.instructions
        .iter()
        .filter_map(|i| Script::from_instruction(i).map(|s| (i.clone(), s)))
        .collect()
}

fn only_script(src: &str) -> Script {
    let mut r = runs(src);
    assert_eq!(r.len(), 1, "one RUN expected");
    r.remove(0).1
}

#[test]
fn multi_line_run_with_continuations() {
    let src = "FROM debian:12\nRUN set -eux; \\\n    apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n        ca-certificates curl \\\n    && rm -rf /var/lib/apt/lists/*\n";
    let df = parse(src);
    let s = only_script(src);
    let names: Vec<&str> = s.commands.iter().map(|c| c.name.text.as_str()).collect();
    assert_eq!(names, ["set", "apt-get", "apt-get", "rm"]);
    let install = s.commands.get(2).expect("install");
    assert_eq!(install.op_before, Some(ChainOp::And));
    assert_eq!(
        install.subcommand().map(|w| w.text.as_str()),
        Some("install")
    );
    let packages: Vec<&str> = install
        .positionals(&FlagSpec::NONE)
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(packages, ["install", "ca-certificates", "curl"]);
    // `curl` is on line 5, column 25 of the file.
    let curl = install
        .args
        .iter()
        .find(|w| w.text == "curl")
        .expect("curl");
    let r = s.source_range(curl.range);
    assert_eq!(df.text(r), "curl");
    assert_eq!(df.line_col(r.start), (5, 25));
}

#[test]
fn heredoc_run_is_a_script() {
    let src = "FROM alpine\nRUN <<EOF\nset -e\napk add --no-cache curl\ncurl -fsSL https://example.com/x | sh\nEOF\n";
    let df = parse(src);
    let s = only_script(src);
    let apk = s.commands_named(&["apk"]).next().expect("apk");
    assert_eq!(apk.origin, Origin::Heredoc(0));
    assert!(apk.has_flag(&["--no-cache"]));
    let r = s.source_range(apk.name.range);
    assert_eq!(df.text(r), "apk");
    assert_eq!(df.line_of(r.start), 4);
    assert_eq!(s.find_pipes_into_shell().len(), 1);
}

#[test]
fn heredoc_data_is_not_a_script() {
    let src = "FROM alpine\nRUN cat <<EOF > /etc/motd && bash <<'SCRIPT'\nrm -rf /\nEOF\napk add git\nSCRIPT\n";
    let s = only_script(src);
    assert!(
        s.commands_named(&["rm"]).next().is_none(),
        "cat's heredoc is data"
    );
    let apk = s
        .commands_named(&["apk"])
        .next()
        .expect("bash reads a script");
    assert_eq!(apk.origin, Origin::Heredoc(1));
    let cat = s.commands_named(&["cat"]).next().expect("cat");
    assert_eq!(cat.op_after, Some(ChainOp::And));
}

#[test]
fn heredoc_before_its_reader() {
    let src =
        "FROM alpine\nRUN <<EOF sh -e\napk add curl\nEOF\nRUN <<EOF python3\nimport os\nEOF\n";
    let r = runs(src);
    assert!(r[0].1.commands_named(&["apk"]).next().is_some());
    assert!(r[1].1.commands_named(&["import"]).next().is_none());
    assert!(r[1].1.commands_named(&["python3"]).next().is_some());
}

#[test]
fn heredoc_with_other_interpreter() {
    let src = "FROM python\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n";
    let s = only_script(src);
    assert!(s.commands.is_empty());
    assert!(s.not_shell);
}

#[test]
fn exec_form_and_onbuild() {
    let src = "FROM alpine\nRUN [\"apk\", \"add\", \"curl\"]\nONBUILD RUN apk add git && echo ok\nRUN [\"/bin/sh\", \"-c\", \"apt-get install -y x\"]\n";
    let df = parse(src);
    let r = runs(src);
    assert_eq!(r.len(), 3);
    let exec = &r[0].1;
    let apk = exec.commands_named(&["apk"]).next().expect("apk");
    assert_eq!(apk.args.len(), 2);
    assert_eq!(df.text(exec.source_range(apk.args[1].range)), "curl");
    let onbuild = &r[1].1;
    assert_eq!(onbuild.commands_named(&["apk", "echo"]).count(), 2);
    let nested = &r[2].1;
    let apt = nested
        .commands_named(&["apt-get"])
        .next()
        .expect("sh -c script");
    assert_eq!(apt.nested_depth, 1);
    assert_eq!(df.text(nested.source_range(apt.name.range)), "apt-get");
}

#[test]
fn powershell_stage_is_not_parsed() {
    let src = "FROM mcr.microsoft.com/windows/servercore\nRUN Write-Host 'hi'; $x = 1\n";
    let df = parse(src);
    let i = df.instructions.get(1).expect("RUN");
    let s =
        Script::from_instruction_with_shell(i, &["pwsh".into(), "-Command".into()]).expect("a RUN");
    assert!(s.not_shell);
    assert!(s.commands.is_empty());
}

fn corpus_dir() -> Option<PathBuf> {
    let p: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "../../../shared/corpus/dockerfiles/visible",
    ]
    .iter()
    .collect();
    if p.is_dir() {
        Some(p)
    } else {
        bosun_testkit::skip(&format!("SKIP: corpus not found at {}", p.display()));
        None
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn corpus_positions_map_back() {
    let Some(dir) = corpus_dir() else { return };
    let files = files(&dir);
    let (mut scripts, mut commands, mut checked, mut bad) = (0usize, 0usize, 0usize, Vec::new());
    let mut parse_time = std::time::Duration::ZERO;
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let df = bosun_dockerfile::parse_bytes(&bytes);
        for i in &df.instructions {
            let t = Instant::now();
            let Some(s) = Script::from_instruction(i) else {
                continue;
            };
            parse_time += t.elapsed();
            scripts += 1;
            commands += s.commands.len();
            for c in &s.commands {
                if c.wrapped_by.is_some() || c.nested_depth > 0 || c.name.raw.contains('\\') {
                    continue;
                }
                checked += 1;
                let got = df.text(s.source_range(c.name.range));
                // A word broken by a line continuation covers the continuation.
                if got != c.name.raw && !got.contains('\n') {
                    bad.push(format!(
                        "{}: {:?} maps to {:?}",
                        f.display(),
                        c.name.raw,
                        got
                    ));
                }
            }
        }
    }
    eprintln!(
        "{} files, {scripts} RUN scripts, {commands} commands, {checked} names checked, shell parse {:?}",
        files.len(),
        parse_time
    );
    assert!(files.len() > 2000, "corpus should have 2,101 files");
    assert!(
        commands > 30_000,
        "expected the corpus' commands, got {commands}"
    );
    assert!(
        bad.is_empty(),
        "{} names map wrongly:\n{}",
        bad.len(),
        bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// docker-node's Dockerfile: `case`, `for`, `{ ...; } ||` groups, `$(...)`, pipes,
/// comment lines inside continuations.
#[test]
fn docker_node_run_script() {
    let Some(dir) = corpus_dir() else { return };
    let path = dir.join("nodejs__docker-node/22__bullseye__Dockerfile");
    let Ok(src) = std::fs::read_to_string(&path) else {
        bosun_testkit::skip(&format!("SKIP: {} not readable", path.display()));
        return;
    };
    let df = parse(&src);
    let model = bosun_dockerfile::model::Model::new(&df);
    let run = df
        .instructions
        .iter()
        .position(|i| i.is("RUN") && i.start_line == 8)
        .expect("the RUN on line 8");
    let s = model.script(run, &df).expect("a RUN");
    assert!(s.errors.is_empty(), "parses cleanly: {:?}", s.errors);
    let dpkg = s.commands_named(&["dpkg"]).next().expect("dpkg in $(...)");
    assert!(dpkg.in_substitution);
    assert!(
        s.commands_named(&["echo"]).next().is_some(),
        "case arm body"
    );
    assert_eq!(
        s.commands_named(&["gpg"]).count(),
        5,
        "4 in the for body, 1 after"
    );
    let sha = s.commands_named(&["sha256sum"]).next().expect("sha256sum");
    let from = sha
        .piped_from
        .and_then(|i| s.commands.get(i))
        .expect("piped");
    assert_eq!(from.basename(), "grep");
    let node = s.commands_named(&["node"]).next().expect("node --version");
    assert_eq!(df.line_of(s.source_range(node.name.range).start), 45);
    assert_eq!(node.op_before, Some(ChainOp::And));
    assert_eq!(
        model
            .expand(run, "v$NODE_VERSION")
            .map(|e| e.value)
            .ok()
            .as_deref(),
        Some("v22.23.2")
    );
    let tar = s.commands_named(&["tar"]).next().expect("tar");
    assert!(tar.has_flag(&["-x"]) && tar.has_flag(&["--strip-components"]));
}

/// rocker's `RUN <<EOF` with `if/then/fi` and `$(...)` in the heredoc body.
#[test]
fn rocker_heredoc_run() {
    let Some(dir) = corpus_dir() else { return };
    let path = dir.join("rocker-org__rocker-versioned2/dockerfiles__r-ver_devel.Dockerfile");
    let Ok(src) = std::fs::read_to_string(&path) else {
        bosun_testkit::skip(&format!("SKIP: {} not readable", path.display()));
        return;
    };
    let df = parse(&src);
    let model = bosun_dockerfile::model::Model::new(&df);
    let run = df
        .instructions
        .iter()
        .position(|i| i.is("RUN") && i.start_line == 17)
        .expect("the RUN <<EOF on line 17");
    let s = model.script(run, &df).expect("a RUN");
    let grep = s
        .commands_named(&["grep"])
        .next()
        .expect("grep in the if condition");
    assert_eq!(grep.origin, Origin::Heredoc(0));
    assert!(grep.has_flag(&["-q"]));
    let userdel = s.commands_named(&["userdel"]).next().expect("userdel");
    assert_eq!(df.line_of(s.source_range(userdel.name.range).start), 19);
    let id = s.commands_named(&["id"]).next().expect("id in $(...)");
    assert!(id.in_substitution);
    let setup = s
        .commands
        .iter()
        .find(|c| c.basename() == "setup_R.sh")
        .expect("the script call");
    assert_eq!(
        df.text(s.source_range(setup.name.range)),
        "/rocker_scripts/setup_R.sh"
    );
    assert_eq!(model.env_at(run).get("LANG"), Some("en_US.UTF-8"));
    assert_eq!(model.env_at(run).get("R_VERSION"), Some("devel"));
}
