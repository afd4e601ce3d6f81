//! Tricky Dockerfile grammar, each case with BuildKit's answer inline (generated
//! once with BuildKit's Go parser through the PyPI `dockerfile` package; layout as
//! in the shared corpus's oracle.jsonl).

use bosun_dockerfile::{dump::parse_json_line, parse};

fn check(src: &str, expected: &str) {
    let got = parse_json_line("t", &parse(src));
    assert_eq!(got, expected, "source: {src:?}");
}

#[test]
fn continuation_comments_blank() {
    check(
        "FROM a\nRUN echo a \\\n  # comment\n\n    b \\\n  c\nRUN x \\\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"echo a     b   c\"], \"start_line\": 2, \"end_line\": 6, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"x\"], \"start_line\": 7, \"end_line\": 7, \"heredocs\": []}]}",
    );
}

#[test]
fn continuation_at_eof() {
    check(
        "FROM a\nRUN x \\",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"x\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}]}",
    );
}

#[test]
fn continuation_trailing_ws() {
    check(
        "FROM a\nRUN a \\ \t\n b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a  b\"], \"start_line\": 2, \"end_line\": 3, \"heredocs\": []}]}",
    );
}

#[test]
fn double_escape_no_continuation() {
    check(
        "FROM a\nRUN a\\\\\nRUN b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\\\\\\\\\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"b\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}]}",
    );
}

#[test]
fn escape_only_line() {
    check(
        "FROM a\n\\\n\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": null, \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"\"], \"start_line\": 2, \"end_line\": 3, \"heredocs\": []}]}",
    );
}

#[test]
fn backtick_escape() {
    check(
        "# escape=`\nFROM a\nRUN dir `\n  c:\\x `\n  d\nCOPY a\\ b c\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"dir   c:\\\\x   d\"], \"start_line\": 3, \"end_line\": 5, \"heredocs\": []}, {\"cmd\": \"COPY\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\\\\\", \"b\", \"c\"], \"start_line\": 6, \"end_line\": 6, \"heredocs\": []}]}",
    );
}

#[test]
fn escape_after_comment_ignored() {
    check(
        "# hello\n# escape=`\nFROM a\nRUN a`\nRUN b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a`\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"b\"], \"start_line\": 5, \"end_line\": 5, \"heredocs\": []}]}",
    );
}

#[test]
fn escape_after_blank_ignored() {
    check(
        "\n# escape=`\nFROM a\nRUN a`\nRUN b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a`\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"b\"], \"start_line\": 5, \"end_line\": 5, \"heredocs\": []}]}",
    );
}

#[test]
fn directive_case_and_spaces() {
    check(
        "#  ESCAPE =  `  \nFROM a\nRUN a`\n b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a b\"], \"start_line\": 3, \"end_line\": 4, \"heredocs\": []}]}",
    );
}

#[test]
fn repeated_directive() {
    check(
        "# syntax=a\n# syntax=b\nFROM a\n",
        "{\"file\": \"t\", \"error\": \"only one syntax parser directive can be used\"}",
    );
}

#[test]
fn invalid_escape() {
    check(
        "# escape=x\nFROM a\n",
        "{\"file\": \"t\", \"error\": \"invalid escape token 'x' does not match ` or \\\\\"}",
    );
}

#[test]
fn bom_directive() {
    check(
        "\u{feff}# escape=`\nFROM a\nRUN a`\n b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a b\"], \"start_line\": 3, \"end_line\": 4, \"heredocs\": []}]}",
    );
}

#[test]
fn crlf() {
    check(
        "FROM a\r\nRUN a \\\r\n  b\r\nCMD [\"x\"]\r\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a   b\"], \"start_line\": 2, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"CMD\", \"sub_cmd\": null, \"json\": true, \"flags\": [], \"value\": [\"x\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}]}",
    );
}

#[test]
fn json_trailing_garbage() {
    check(
        "FROM a\nCMD [\"a\"] b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"CMD\", \"sub_cmd\": null, \"json\": true, \"flags\": [], \"value\": [\"a\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}]}",
    );
}

#[test]
fn json_invalid_fallback() {
    check(
        "FROM a\nCMD ['a']\nENTRYPOINT [\"a\",]\nRUN [\"a\"\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"CMD\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"['a']\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"ENTRYPOINT\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"[\\\"a\\\",]\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"[\\\"a\\\"\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}]}",
    );
}

#[test]
fn json_non_string() {
    check(
        "FROM a\nCMD [\"a\", 1]\n",
        "{\"file\": \"t\", \"error\": \"when using JSON array syntax, arrays must be comprised of strings only\"}",
    );
}

#[test]
fn json_nested_valid_non_string() {
    check(
        "FROM a\nCOPY [\"a\", [\"b\"]]\n",
        "{\"file\": \"t\", \"error\": \"when using JSON array syntax, arrays must be comprised of strings only\"}",
    );
}

#[test]
fn json_empty_and_escapes() {
    check(
        "FROM a\nCMD []\nCMD [\"\\u00e9\\ud83d\\ude00\\ud800\", \"\\\"\\\\\"]\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"CMD\", \"sub_cmd\": null, \"json\": true, \"flags\": [], \"value\": [], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"CMD\", \"sub_cmd\": null, \"json\": true, \"flags\": [], \"value\": [\"\\u00e9\\ud83d\\ude00\\ufffd\", \"\\\"\\\\\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}]}",
    );
}

#[test]
fn json_list_forms() {
    check(
        "FROM a\nCOPY [\"a b\", \"c\"]\nVOLUME [\"/v\"]\nADD [\"x\",\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"COPY\", \"sub_cmd\": null, \"json\": true, \"flags\": [], \"value\": [\"a b\", \"c\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"VOLUME\", \"sub_cmd\": null, \"json\": true, \"flags\": [], \"value\": [\"/v\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"ADD\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"[\\\"x\\\",\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}]}",
    );
}

#[test]
fn flags_quotes_and_terminator() {
    check(
        "FROM a\nRUN --mount=type=cache,target=\"/x y\" --network=none echo\nRUN -- --x echo\nRUN --x -- echo\nCOPY --link src dst\nRUN -x y\nRUN --x='' c\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [\"--mount=type=cache,target=/x y\", \"--network=none\"], \"value\": [\"echo\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"--x echo\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [\"--x\"], \"value\": [\"echo\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}, {\"cmd\": \"COPY\", \"sub_cmd\": null, \"json\": false, \"flags\": [\"--link\"], \"value\": [\"src\", \"dst\"], \"start_line\": 5, \"end_line\": 5, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"-x y\"], \"start_line\": 6, \"end_line\": 6, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [\"--x=\"], \"value\": [\"c\"], \"start_line\": 7, \"end_line\": 7, \"heredocs\": []}]}",
    );
}

#[test]
fn flags_non_ascii() {
    check(
        "FROM a\nCOPY --chown=Jos\u{e9} a b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"COPY\", \"sub_cmd\": null, \"json\": false, \"flags\": [\"--chown=Jos\\u00c3\\u00a9\"], \"value\": [\"a\", \"b\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}]}",
    );
}

#[test]
fn env_forms() {
    check(
        "FROM a\nENV A b c\nENV A=b C=\"d e\" F=g\\ h\nENV A=\nLABEL a=b \"c d\"=e\nLABEL legacy value here\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"ENV\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"A\", \"b c\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"ENV\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"A\", \"b\", \"C\", \"\\\"d e\\\"\", \"F\", \"g\\\\ h\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"ENV\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"A\", \"\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}, {\"cmd\": \"LABEL\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\", \"b\", \"\\\"c d\\\"\", \"e\"], \"start_line\": 5, \"end_line\": 5, \"heredocs\": []}, {\"cmd\": \"LABEL\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"legacy\", \"value here\"], \"start_line\": 6, \"end_line\": 6, \"heredocs\": []}]}",
    );
}

#[test]
fn env_no_value() {
    check(
        "FROM a\nENV PATH\n",
        "{\"file\": \"t\", \"error\": \"ENV must have two arguments\"}",
    );
}

#[test]
fn env_mixed() {
    check(
        "FROM a\nENV a=b c\n",
        "{\"file\": \"t\", \"error\": \"Syntax error - can't find = in \\\"c\\\". Must be of the form: name=value\"}",
    );
}

#[test]
fn arg_forms() {
    check(
        "ARG a b=c \"d=e f\"\nFROM a\nARG\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"ARG\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\", \"b=c\", \"\\\"d=e f\\\"\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"ARG\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}]}",
    );
}

#[test]
fn healthcheck_forms() {
    check(
        "FROM a\nHEALTHCHECK\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5s CMD [\"a\", \"b\"]\nHEALTHCHECK CMD  curl -f x\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"HEALTHCHECK\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"HEALTHCHECK\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"NONE\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"HEALTHCHECK\", \"sub_cmd\": null, \"json\": true, \"flags\": [\"--interval=5s\"], \"value\": [\"CMD\", \"a\", \"b\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}, {\"cmd\": \"HEALTHCHECK\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"CMD\", \"curl -f x\"], \"start_line\": 5, \"end_line\": 5, \"heredocs\": []}]}",
    );
}

#[test]
fn onbuild_forms() {
    check(
        "FROM a\nONBUILD RUN echo hi\nONBUILD --foo=bar COPY --from=x a b\nONBUILD\nONBUILD ONBUILD RUN x\nONBUILD ENV a=b c=d\nONBUILD CMD [\"x\"]\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"ONBUILD\", \"sub_cmd\": \"RUN\", \"json\": false, \"flags\": [], \"value\": [\"echo hi\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"ONBUILD\", \"sub_cmd\": \"COPY\", \"json\": false, \"flags\": [\"--foo=bar\"], \"value\": [\"a\", \"b\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"ONBUILD\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}, {\"cmd\": \"ONBUILD\", \"sub_cmd\": \"ONBUILD\", \"json\": false, \"flags\": [], \"value\": [\"\"], \"start_line\": 5, \"end_line\": 5, \"heredocs\": []}, {\"cmd\": \"ONBUILD\", \"sub_cmd\": \"ENV\", \"json\": false, \"flags\": [], \"value\": [\"a\", \"b\", \"c\", \"d\"], \"start_line\": 6, \"end_line\": 6, \"heredocs\": []}, {\"cmd\": \"ONBUILD\", \"sub_cmd\": \"CMD\", \"json\": true, \"flags\": [], \"value\": [\"x\"], \"start_line\": 7, \"end_line\": 7, \"heredocs\": []}]}",
    );
}

#[test]
fn onbuild_heredoc() {
    check(
        "FROM a\nONBUILD RUN <<EOF\nhi\nEOF\nRUN b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"ONBUILD\", \"sub_cmd\": \"RUN\", \"json\": false, \"flags\": [], \"value\": [\"<<EOF\"], \"start_line\": 2, \"end_line\": 4, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"b\"], \"start_line\": 5, \"end_line\": 5, \"heredocs\": []}]}",
    );
}

#[test]
fn heredoc_basic() {
    check(
        "FROM a\nRUN <<EOF\nset -e\necho hi\nEOF\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"<<EOF\"], \"start_line\": 2, \"end_line\": 5, \"heredocs\": [{\"name\": \"EOF\", \"content\": \"set -e\\necho hi\\n\"}]}]}",
    );
}

#[test]
fn heredoc_multiple_quoted_chomp_fd() {
    check(
        "FROM a\nRUN <<\"A\" 3<<-B cat\na $x\nA\n\tb\n\tB\nCOPY <<one <<'two' /dst/\n1\none\n2\ntwo\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"<<\\\"A\\\" 3<<-B cat\"], \"start_line\": 2, \"end_line\": 6, \"heredocs\": [{\"name\": \"A\", \"content\": \"a $x\\n\"}, {\"name\": \"B\", \"content\": \"\\tb\\n\"}]}, {\"cmd\": \"COPY\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"<<one\", \"<<'two'\", \"/dst/\"], \"start_line\": 7, \"end_line\": 11, \"heredocs\": [{\"name\": \"one\", \"content\": \"1\\n\"}, {\"name\": \"two\", \"content\": \"2\\n\"}]}]}",
    );
}

#[test]
fn heredoc_after_continuation() {
    check(
        "FROM a\nRUN cat \\\n  <<EOF\nbody\nEOF\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"cat   <<EOF\"], \"start_line\": 2, \"end_line\": 5, \"heredocs\": [{\"name\": \"EOF\", \"content\": \"body\\n\"}]}]}",
    );
}

#[test]
fn heredoc_crlf() {
    check(
        "FROM a\r\nRUN cat <<EOF\r\nx\r\nEOF\r\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"cat <<EOF\"], \"start_line\": 2, \"end_line\": 4, \"heredocs\": [{\"name\": \"EOF\", \"content\": \"x\\r\\n\"}]}]}",
    );
}

#[test]
fn heredoc_space_not_heredoc() {
    check(
        "FROM a\nRUN cat << EOF\nRUN x<<EOF\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"cat << EOF\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"x<<EOF\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}]}",
    );
}

#[test]
fn heredoc_json_form() {
    check(
        "FROM a\nRUN [\"<<EOF\"]\nCMD b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": true, \"flags\": [], \"value\": [\"<<EOF\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"CMD\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"b\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}]}",
    );
}

#[test]
fn heredoc_unterminated() {
    check(
        "FROM a\nRUN <<EOF\nx\n",
        "{\"file\": \"t\", \"error\": \"unterminated heredoc\"}",
    );
}

#[test]
fn heredoc_escaped_and_partial_quotes() {
    check(
        "FROM a\nRUN <<\\EOF <<E\"N\"D\na\nEOF\nb\nEND\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"<<\\\\EOF <<E\\\"N\\\"D\"], \"start_line\": 2, \"end_line\": 6, \"heredocs\": [{\"name\": \"EOF\", \"content\": \"a\\n\"}, {\"name\": \"END\", \"content\": \"b\\n\"}]}]}",
    );
}

#[test]
fn heredoc_lexer_error_no_heredoc() {
    check(
        "FROM a\nRUN <<EOF ${a#b}\nRUN c\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"<<EOF ${a#b}\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"c\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}]}",
    );
}

#[test]
fn heredoc_not_on_other_instructions() {
    check(
        "FROM a\nCMD <<EOF\nRUN x\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"CMD\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"<<EOF\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"x\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}]}",
    );
}

#[test]
fn lowercase_and_unknown() {
    check(
        "from a\nrun echo\nBOGUS x y\nCmd [\"a\"]\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"echo\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"BOGUS\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"CMD\", \"sub_cmd\": null, \"json\": true, \"flags\": [], \"value\": [\"a\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}]}",
    );
}

#[test]
fn empty_file() {
    check(
        "",
        "{\"file\": \"t\", \"error\": \"file with no instructions\"}",
    );
}

#[test]
fn comment_only() {
    check(
        "# a\n#\n  # b\n",
        "{\"file\": \"t\", \"error\": \"file with no instructions\"}",
    );
}

#[test]
fn whitespace_only() {
    check(
        "  \n\t\n",
        "{\"file\": \"t\", \"error\": \"file with no instructions\"}",
    );
}

#[test]
fn leading_whitespace_and_comment_in_continuation() {
    check(
        "  FROM a\n   RUN a \\\n      # c\n   b\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a    b\"], \"start_line\": 2, \"end_line\": 4, \"heredocs\": []}]}",
    );
}

#[test]
fn stopsignal_user_workdir() {
    check(
        "FROM a\nUSER  me:grp \nWORKDIR /a b\nSTOPSIGNAL SIGKILL\nMAINTAINER me <m@x>\nEXPOSE 80/tcp  443\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"USER\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"me:grp\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"WORKDIR\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"/a b\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}, {\"cmd\": \"STOPSIGNAL\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"SIGKILL\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}, {\"cmd\": \"MAINTAINER\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"me <m@x>\"], \"start_line\": 5, \"end_line\": 5, \"heredocs\": []}, {\"cmd\": \"EXPOSE\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"80/tcp\", \"443\"], \"start_line\": 6, \"end_line\": 6, \"heredocs\": []}]}",
    );
}

#[test]
fn from_words() {
    check(
        "FROM --platform=$BUILDPLATFORM golang:1 AS build\nFROM build\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [\"--platform=$BUILDPLATFORM\"], \"value\": [\"golang:1\", \"AS\", \"build\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"build\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}]}",
    );
}

#[test]
fn shell_not_json() {
    check(
        "FROM a\nSHELL /bin/sh -c\nSHELL [\"/bin/bash\", \"-c\"]\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}, {\"cmd\": \"SHELL\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"/bin/sh -c\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}, {\"cmd\": \"SHELL\", \"sub_cmd\": null, \"json\": true, \"flags\": [], \"value\": [\"/bin/bash\", \"-c\"], \"start_line\": 3, \"end_line\": 3, \"heredocs\": []}]}",
    );
}

#[test]
fn no_instruction_after_comments_then_one() {
    check(
        "# a\n\n# b\nFROM x\n",
        "{\"file\": \"t\", \"instructions\": [{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"x\"], \"start_line\": 4, \"end_line\": 4, \"heredocs\": []}]}",
    );
}

#[test]
fn long_line() {
    let src = format!("FROM a\nRUN {}\n", "x".repeat(70000));
    check(
        &src,
        "{\"file\": \"t\", \"error\": \"dockerfile line greater than max allowed size of 65535\"}",
    );
}

/// A long `ONBUILD ONBUILD ...` chain parses in linear time and still reports an
/// error at its far end, as BuildKit does.
#[test]
fn deep_onbuild_chain() {
    let ok = format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(5000));
    let df = parse(&ok);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions[1].sub_cmd(), Some("ONBUILD"));
    let bad = format!("FROM a\n{}ENV a\n", "ONBUILD ".repeat(5000));
    let df = parse(&bad);
    assert_eq!(
        df.errors.first().map(|e| e.message.as_str()),
        Some("ENV must have two arguments")
    );
}
