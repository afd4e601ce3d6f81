//! Edge cases of the BuildKit checks, run through the linter.

use crate::context::{BuildContext, Dockerignore};
use crate::runner::{LintInput, LintOptions, Linter};
use bosun_diagnostics::{Finding, Location, RuleMeta};

fn run_with(meta: &RuleMeta, src: &str, build: &BuildContext) -> Vec<Finding> {
    let linter = Linter::new(LintOptions {
        select: vec![meta.code.to_string()],
        ..Default::default()
    });
    linter
        .lint(LintInput {
            path: "Dockerfile",
            source: src,
            build,
        })
        .into_iter()
        .filter(|f| f.code == meta.code)
        .collect()
}

fn run(meta: &RuleMeta, src: &str) -> Vec<Finding> {
    run_with(meta, src, &BuildContext::default())
}

fn lines(findings: &[Finding]) -> Vec<usize> {
    findings
        .iter()
        .map(|f| match &f.location {
            Location::File { span: Some(s), .. } => s.start_line,
            _ => 0,
        })
        .collect()
}

/// Applies every finding's fix (non-overlapping, in reverse order).
fn fixed(src: &str, findings: &[Finding]) -> String {
    let mut edits: Vec<&bosun_diagnostics::Edit> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|f| f.edits.iter())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.start));
    let mut out = src.to_string();
    for e in edits {
        out.replace_range(e.start..e.end, &e.content);
    }
    out
}

#[test]
fn stage_name_casing_renames_references() {
    let src =
        "FROM golang AS Build\nRUN x\nFROM Build AS next\nFROM scratch\nCOPY --from=Build /a /a\n";
    let f = run(&super::stage_name_casing::META, src);
    assert_eq!(lines(&f), vec![1]);
    assert_eq!(f[0].message, "Stage name 'Build' should be lowercase");
    assert_eq!(
        fixed(src, &f),
        "FROM golang AS build\nRUN x\nFROM build AS next\nFROM scratch\nCOPY --from=build /a /a\n"
    );
    assert!(run(&super::stage_name_casing::META, "FROM a AS b-1.x\n").is_empty());
}

#[test]
fn from_as_casing_follows_the_from_keyword() {
    let m = &super::from_as_casing::META;
    let f = run(
        m,
        "FROM a as b\nfrom c AS d\nFrom e as f\nfrom g as h\nFROM i AS j\n",
    );
    assert_eq!(lines(&f), vec![1, 2]);
    assert_eq!(
        f[0].message,
        "'as' and 'FROM' keywords' casing do not match"
    );
    assert_eq!(
        fixed("FROM a as b\n", &run(m, "FROM a as b\n")),
        "FROM a AS b\n"
    );
    assert_eq!(
        fixed("from c AS d\n", &run(m, "from c AS d\n")),
        "from c as d\n"
    );
}

#[test]
fn empty_continuation_lines_are_found_and_deleted() {
    let m = &super::no_empty_continuation::META;
    let src = "FROM a\nRUN a \\\n\n  \\\n    && b \\\n# comment\n    && c\n";
    let f = run(m, src);
    assert_eq!(lines(&f), vec![7], "{f:?}");
    assert_eq!(
        fixed(src, &f),
        "FROM a\nRUN a \\\n  \\\n    && b \\\n# comment\n    && c\n"
    );
}

#[test]
fn instruction_casing_uses_the_majority() {
    let m = &super::instruction_casing::META;
    let src = "arg X=1\nfrom a\nrun x\nCOPY a b\nWorkDir /x\n";
    let f = run(m, src);
    // Majority lower (2 vs 1, the ARG before FROM is not counted).
    assert_eq!(lines(&f), vec![4, 5]);
    assert!(f[0].message.contains("(lowercase)"), "{}", f[0].message);
    assert_eq!(
        fixed(src, &f),
        "arg X=1\nfrom a\nrun x\ncopy a b\nworkdir /x\n"
    );
    // A tie counts as uppercase.
    let f = run(m, "FROM a\nrun x\n");
    assert_eq!(lines(&f), vec![2]);
}

#[test]
fn undefined_arg_in_from_suggests_a_name() {
    let m = &super::undefined_arg_in_from::META;
    let f = run(m, "ARG VERSION=1\nARG DECLARED\nFROM alpine:${VERSON}\nFROM x:$DECLARED\nFROM --platform=$BUILDPLATFORM y:$TARGETARCH\n");
    assert_eq!(lines(&f), vec![3]);
    assert_eq!(
        f[0].message,
        "FROM argument 'VERSON' is not declared (did you mean VERSION?)"
    );
    // An ARG declared inside a stage does not count for later FROMs.
    let f = run(m, "FROM a\nARG T=1\nFROM b:$T\n");
    assert_eq!(lines(&f), vec![3]);
}

#[test]
fn legacy_key_value_format_fix() {
    let m = &super::legacy_key_value_format::META;
    let src = "FROM a\nENV A 1\nENV B=2 C=3\nLABEL maintainer Jane Doe\nENV D \"x y\" z\n";
    let f = run(m, src);
    assert_eq!(lines(&f), vec![2, 4, 5]);
    assert_eq!(
        f[0].message,
        "\"ENV key=value\" should be used instead of legacy \"ENV key value\" format"
    );
    let out = fixed(src, &f);
    assert_eq!(
        out,
        "FROM a\nENV A=1\nENV B=2 C=3\nLABEL maintainer=\"Jane Doe\"\nENV D=\"x y\"\\ z\n"
    );
    assert!(run(m, &out).is_empty(), "fixed text is clean");
    // The values BuildKit computes are unchanged.
    let before = bosun_dockerfile::parse(src);
    let after = bosun_dockerfile::parse(&out);
    let lexer = bosun_dockerfile::expand::Lexer::new('\\');
    let vals = |df: &bosun_dockerfile::Dockerfile| -> Vec<String> {
        df.instructions
            .iter()
            .flat_map(|i| i.key_values.iter())
            .map(|kv| {
                lexer
                    .process_word(&kv.value.text, &bosun_dockerfile::expand::NoEnv)
                    .unwrap()
            })
            .collect()
    };
    assert_eq!(vals(&before), vals(&after));
}

#[test]
fn copy_ignored_file_needs_the_dockerignore() {
    let m = &super::copy_ignored_file::META;
    let src = "FROM a\nCOPY README.md app/ /dst/\nCOPY --from=build README.md /x\nADD https://x/README.md /y\nCOPY [\"secrets/key.pem\", \"/k\"]\nCOPY . /src\n";
    assert!(run(m, src).is_empty(), "unknown .dockerignore: silent");
    let build = BuildContext {
        dockerignore: Dockerignore::Present("*.md\nsecrets\n".into()),
    };
    let f = run_with(m, src, &build);
    assert_eq!(lines(&f), vec![2, 5]);
    assert_eq!(
        f[0].message,
        "Attempting to Copy file \"README.md\" that is excluded by .dockerignore"
    );
    let all = BuildContext {
        dockerignore: Dockerignore::Present("*\n".into()),
    };
    let f = run_with(m, "FROM a\nCOPY . /src\n", &all);
    assert_eq!(lines(&f), vec![2]);
    let negated = BuildContext {
        dockerignore: Dockerignore::Present("docs\n!docs/keep.md\n".into()),
    };
    assert!(run_with(m, "FROM a\nCOPY docs /d\n", &negated).is_empty());
}

#[test]
fn invalid_default_arg_in_from() {
    let m = &super::invalid_default_arg_in_from::META;
    let f = run(m, "ARG TAG\nARG IMG=alpine\nFROM alpine:${TAG}\nFROM ${IMG}:3\nFROM ${NOPE}\nFROM golang:${TARGETARCH}\n");
    assert_eq!(lines(&f), vec![3, 5]);
    assert_eq!(
        f[0].message,
        "Default value for ARG alpine:${TAG} results in empty or invalid base image name"
    );
}

#[test]
fn from_platform_constant() {
    let m = &super::from_platform_flag_const_disallowed::META;
    let f = run(
        m,
        "FROM --platform=linux/amd64 a\nFROM --platform=$BUILDPLATFORM b\nFROM --platform=linux/arm64 c AS build-arm64\nFROM --platform=linux/x86_64 d AS tools-amd64\n",
    );
    assert_eq!(lines(&f), vec![1]);
    assert_eq!(
        f[0].message,
        "FROM --platform flag should not use constant value \"linux/amd64\""
    );
}

#[test]
fn expose_checks_and_fixes() {
    let p = &super::expose_proto_casing::META;
    let src = "FROM a\nEXPOSE 80/TCP 53/udp 8080/Sctp $P/TCP\n";
    let f = run(p, src);
    assert_eq!(f.len(), 3);
    assert_eq!(
        fixed(src, &f),
        "FROM a\nEXPOSE 80/tcp 53/udp 8080/sctp $P/TCP\n"
    );
    let i = &super::expose_invalid_format::META;
    let src = "FROM a\nEXPOSE 80 8080:80 127.0.0.1:9000:9000/udp [::1]:5:5\n";
    let f = run(i, src);
    assert_eq!(f.len(), 3);
    assert_eq!(
        f[0].message,
        "EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'"
    );
    assert_eq!(fixed(src, &f), "FROM a\nEXPOSE 80 80 9000/udp 5\n");
}

#[test]
fn definition_description_is_experimental() {
    let m = &super::invalid_definition_description::META;
    let src =
        "# Build it\nFROM a AS build\n# VERSION of the app\nARG VERSION=1\n# Some args\nARG A B\n";
    let default_run = |text: &str| -> Vec<Finding> {
        crate::runner::lint_source("Dockerfile", text, &LintOptions::default())
            .into_iter()
            .filter(|f| f.code == m.code)
            .collect()
    };
    assert!(
        default_run(src).is_empty(),
        "experimental: off unless asked for"
    );
    assert_eq!(run(m, src).len(), 2, "selecting it by name turns it on");
    let on = format!("# check=experimental=InvalidDefinitionDescription\n{src}");
    let f = default_run(&on);
    assert_eq!(lines(&f), vec![3, 7]);
    assert_eq!(
        f[1].message,
        "Comment for ARG should follow the format: \"# <arg_key> <description>\""
    );
}

#[test]
fn base_image_platform_of_arch_repositories() {
    let m = &super::invalid_base_image_platform::META;
    let f = run(
        m,
        "FROM --platform=linux/amd64 arm64v8/alpine\nFROM --platform=linux/arm64 docker.io/arm64v8/alpine\nFROM --platform=linux/amd64 amd64/debian\nFROM arm64v8/alpine\n",
    );
    assert_eq!(lines(&f), vec![1]);
}

#[test]
fn undefined_var_follows_scopes() {
    let m = &super::undefined_var::META;
    let src = "FROM scratch AS base\nARG V=1\nENV A=$V B=$A\nCOPY x $DEST/\nRUN echo $NOT_CHECKED\nWORKDIR $HTTP_PROXY\nUSER $TARGETARCH\nFROM base\nCOPY y $V/\nFROM alpine\nCOPY z ${JAVA_HOME}/ $APP_DIRR/\n";
    let f = run(m, src);
    let msgs: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "Usage of undefined variable '$A' (did you mean $V?)",
            "Usage of undefined variable '$DEST'",
            "Usage of undefined variable '$TARGETARCH'",
            "Usage of undefined variable '$APP_DIRR'",
        ],
        "{f:?}"
    );
    assert_eq!(lines(&f), vec![3, 4, 7, 11]);
    let f = run(m, "FROM alpine\nARG APP_DIR=/x\nCOPY a $APP_DRI/\n");
    assert_eq!(
        f[0].message,
        "Usage of undefined variable '$APP_DRI' (did you mean $APP_DIR?)"
    );
}
