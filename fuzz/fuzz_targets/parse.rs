//! Parses arbitrary bytes and checks the syntax tree's invariants: nothing panics,
//! every range lies inside the source, line numbers are ordered and in range, and
//! logical lines map back onto the source text they were copied from.
#![no_main]

use bosun_dockerfile::{dump, parse_bytes, Dockerfile, Instruction, LogicalLine, TextRange};
use libfuzzer_sys::fuzz_target;

fn check_range(df: &Dockerfile, r: TextRange, what: &str) {
    assert!(
        r.start <= r.end && r.end <= df.source.len(),
        "{what} range {r:?} outside source of {} bytes",
        df.source.len()
    );
}

fn check_line(df: &Dockerfile, ll: &LogicalLine) {
    for seg in &ll.segments {
        check_range(df, seg.source, "segment");
        let piece = ll
            .text
            .as_bytes()
            .get(seg.logical_start..seg.logical_start + seg.source.len());
        assert_eq!(
            piece,
            df.source.as_bytes().get(seg.source.start..seg.source.end),
            "segment text differs from source"
        );
    }
    for off in 0..=ll.text.len() {
        assert!(ll.source_offset(off) <= df.source.len());
    }
}

fn check_instruction(df: &Dockerfile, inst: &Instruction) {
    check_range(df, inst.range, "instruction");
    check_range(df, inst.keyword.range, "keyword");
    assert!(inst.start_line >= 1, "start_line 0");
    assert!(inst.start_line <= inst.end_line, "start_line > end_line");
    assert!(inst.end_line <= df.line_count(), "end_line past the file");
    check_line(df, &inst.args);
    check_line(df, &inst.line);
    for f in &inst.flags {
        check_range(df, f.range, "flag");
        if let Some(v) = f.value_range {
            check_range(df, v, "flag value");
        }
    }
    for w in &inst.words {
        check_range(df, w.range, "word");
    }
    for kv in &inst.key_values {
        check_range(df, kv.key.range, "key");
        check_range(df, kv.value.range, "value");
    }
    for h in &inst.heredocs {
        check_range(df, h.range, "heredoc");
        check_range(df, h.content_range, "heredoc content");
        check_range(df, h.word_range, "heredoc word");
        assert_eq!(df.text(h.content_range), h.content, "heredoc content range");
    }
    if let Some(inner) = &inst.onbuild {
        check_instruction(df, inner);
    }
    let _ = df.span(inst.range);
}

fuzz_target!(|data: &[u8]| {
    let df = parse_bytes(data);
    if df.errors.is_empty() {
        assert!(!df.instructions.is_empty(), "accepted a file with no instructions");
    }
    for inst in &df.instructions {
        check_instruction(&df, inst);
    }
    for c in &df.comments {
        check_range(&df, c.range, "comment");
    }
    for d in &df.directives {
        check_range(&df, d.range, "directive");
        check_range(&df, d.value_range, "directive value");
    }
    for e in &df.errors {
        check_range(&df, e.range, "error");
    }
    for w in &df.warnings {
        check_range(&df, w.range, "warning");
    }
    let _ = dump::dump(&df);
    let _ = dump::parse_json_line("f", &df);
    let _ = df.line_col(data.len());
});
