//! The lossless side of the syntax tree: ranges, logical-line mapping, words,
//! key-value pairs, comments, directives, warnings.

use bosun_dockerfile::{parse, parse_bytes, WarningKind};

#[test]
fn logical_line_maps_back_into_multi_line_run() {
    let src = "FROM a\nRUN echo a \\\n  # note\n\n    && b \\\n  c\n";
    let df = parse(src);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let run = &df.instructions[1];
    assert_eq!(run.value, vec!["echo a     && b   c"]);
    assert_eq!(run.args.text, "echo a     && b   c");
    assert_eq!((run.start_line, run.end_line), (2, 6));
    // Every byte of the logical text maps to the same byte in the source.
    for (i, b) in run.args.text.bytes().enumerate() {
        assert_eq!(src.as_bytes()[run.args.source_offset(i)], b, "offset {i}");
    }
    let amp = run.args.text.find("&&").unwrap_or(0);
    let at = run.args.source_offset(amp);
    assert_eq!(df.line_col(at), (5, 5));
    assert_eq!(
        df.text(run.range),
        "RUN echo a \\\n  # note\n\n    && b \\\n  c"
    );
    assert_eq!(df.text(run.keyword.range), "RUN");
    // The blank line inside the continuation is BuildKit's NoEmptyContinuation.
    assert_eq!(df.warnings.len(), 1);
    assert_eq!(df.warnings[0].kind, WarningKind::EmptyContinuationLine);
    assert_eq!(df.line_of(df.warnings[0].range.start), 4);
    // The comment inside the continuation is kept as a comment.
    assert_eq!(df.comments.len(), 1);
    assert_eq!(df.comments[0].text, "note");
    assert!(df.comments[0].in_continuation);
    let span = df.span(run.keyword.range);
    assert_eq!(
        (span.start_line, span.start_column, span.end_column),
        (2, 1, 4)
    );
}

#[test]
fn flags_words_and_ranges() {
    let src = "FROM a AS b\nCOPY --from=b --chmod=\"755\" /src  /dst\n";
    let df = parse(src);
    let copy = &df.instructions[1];
    let from = copy.flag("from").map(|f| (f.value.clone(), f.raw.clone()));
    assert_eq!(from, Some((Some("b".to_string()), "--from=b".to_string())));
    let chmod = &copy.flags[1];
    assert_eq!(chmod.raw, "--chmod=755");
    assert_eq!(df.text(chmod.range), "--chmod=\"755\"");
    assert_eq!(chmod.value_range.map(|r| df.text(r)), Some("\"755\""));
    let words: Vec<(&str, &str)> = copy
        .words
        .iter()
        .map(|w| (w.text.as_str(), df.text(w.range)))
        .collect();
    assert_eq!(words, vec![("/src", "/src"), ("/dst", "/dst")]);
    assert_eq!(copy.args.text, "/src  /dst");
    let from_words: Vec<&str> = df.instructions[0]
        .words
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(from_words, vec!["a", "AS", "b"]);
}

#[test]
fn exec_form_words_are_decoded_elements() {
    let src = "FROM a\nCMD [\"a\", \"b \\\"c\\\"\"]\n";
    let df = parse(src);
    let cmd = &df.instructions[1];
    assert!(cmd.json);
    assert_eq!(cmd.value, vec!["a", "b \"c\""]);
    let ranges: Vec<&str> = cmd.words.iter().map(|w| df.text(w.range)).collect();
    assert_eq!(ranges, vec!["\"a\"", "\"b \\\"c\\\"\""]);
}

#[test]
fn env_and_label_pairs() {
    let src = "FROM a\nENV A=1 B=\"x y\" \\\n    C=z\nLABEL legacy the value\n";
    let df = parse(src);
    let env = &df.instructions[1];
    assert_eq!(
        env.value,
        vec!["A", "1", "=", "B", "\"x y\"", "=", "C", "z", "="]
    );
    let pairs: Vec<(&str, &str, bool)> = env
        .key_values()
        .iter()
        .map(|kv| (df.text(kv.key.range), df.text(kv.value.range), kv.legacy))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("A", "1", false),
            ("B", "\"x y\"", false),
            ("C", "z", false)
        ]
    );
    assert_eq!(df.line_of(env.key_values()[2].key.range.start), 3);
    let label = &df.instructions[2];
    assert_eq!(label.value, vec!["legacy", "the value", ""]);
    let kv = &label.key_values()[0];
    assert!(kv.legacy);
    assert_eq!(
        (df.text(kv.key.range), df.text(kv.value.range)),
        ("legacy", "the value")
    );
}

#[test]
fn heredoc_ranges() {
    let src = "FROM a\nRUN <<-EOF cat > /x\n\thello\n\tEOF\nRUN b\n";
    let df = parse(src);
    let run = &df.instructions[1];
    assert_eq!((run.start_line, run.end_line), (2, 4));
    let h = &run.heredocs[0];
    assert_eq!((h.name.as_str(), h.chomp, h.expand), ("EOF", true, true));
    assert_eq!(h.content, "\thello\n");
    assert_eq!(df.text(h.content_range), "\thello\n");
    assert_eq!(df.text(h.range), "\thello\n\tEOF");
    assert_eq!(df.text(h.word_range), "<<-EOF");
    assert!(df.text(run.range).ends_with("\tEOF"));
    assert_eq!(df.instructions[2].start_line, 5);
}

#[test]
fn directives_comments_and_prev_comments() {
    let src = "# syntax=docker/dockerfile:1\n# escape=`\n\n# base image\n# pinned\nFROM a\n# escape=\\\nRUN a `\n  b\n";
    let df = parse(src);
    assert_eq!(df.escape, '`');
    let dirs: Vec<(&str, &str, &str)> = df
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str(), df.text(d.value_range)))
        .collect();
    assert_eq!(
        dirs,
        vec![
            ("syntax", "docker/dockerfile:1", "docker/dockerfile:1"),
            ("escape", "`", "`")
        ]
    );
    assert_eq!(
        df.instructions[0].prev_comments,
        vec!["base image", "pinned"]
    );
    assert_eq!(df.instructions[1].prev_comments, vec!["escape=\\"]);
    assert_eq!(df.instructions[1].value, vec!["a   b"]);
    assert_eq!(df.comments.len(), 5);
}

#[test]
fn onbuild_trigger_is_a_full_instruction() {
    let src = "FROM a\nONBUILD COPY --from=x a b\n";
    let df = parse(src);
    let ob = &df.instructions[1];
    assert_eq!(ob.cmd, "ONBUILD");
    assert!(ob.value.is_empty());
    let inner = ob.onbuild.as_deref();
    assert_eq!(inner.map(|i| i.cmd.as_str()), Some("COPY"));
    assert_eq!(inner.map(|i| df.text(i.keyword.range)), Some("COPY"));
    assert_eq!(
        inner.map(|i| i.value.clone()),
        Some(vec!["a".to_string(), "b".to_string()])
    );
    assert_eq!(
        inner.and_then(|i| i.flag("from")).map(|f| df.text(f.range)),
        Some("--from=x")
    );
}

#[test]
fn bytes_bom_crlf_and_invalid_utf8() {
    let df = parse_bytes(b"\xef\xbb\xbfFROM a\r\nRUN a \\\r\n b\r\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions[0].keyword.text, "FROM");
    assert_eq!(df.instructions[1].value, vec!["a  b"]);
    assert_eq!(df.text(df.line_range(2)), "RUN a \\");
    let bad = parse_bytes(b"FROM a\nRUN echo \xff\n");
    assert_eq!(bad.errors.len(), 1);
    assert!(bad.errors[0].message.contains("UTF-8"));
    assert_eq!(bad.instructions.len(), 2);
}

#[test]
fn rejections_are_values() {
    for (src, msg) in [
        ("", "file with no instructions"),
        ("# only\n", "file with no instructions"),
        ("FROM a\nENV PATH\n", "ENV must have two arguments"),
        (
            "FROM a\nCMD [\"a\", 1]\n",
            "when using JSON array syntax, arrays must be comprised of strings only",
        ),
        ("FROM a\nRUN <<EOF\nx\n", "unterminated heredoc"),
        (
            "# escape=x\nFROM a\n",
            "invalid escape token 'x' does not match ` or \\",
        ),
    ] {
        let df = parse(src);
        assert_eq!(
            df.errors.first().map(|e| e.message.as_str()),
            Some(msg),
            "{src:?}"
        );
        assert!(!df.is_ok());
    }
    // Unknown instructions parse (BuildKit rejects them later, not its parser).
    let df = parse("FROM a\nFOO bar\n");
    assert!(df.is_ok());
    assert!(!df.instructions[1].is_known());
    assert_eq!(df.instructions[1].value, vec![""]);
}
