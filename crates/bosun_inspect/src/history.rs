//! Parsing of history `created_by` strings as the builders write them:
//!
//! - classic builder and Buildah: `/bin/sh -c #(nop)  ENV A=1`, `/bin/sh -c #(nop) ARG X=1`,
//!   and for RUN with build arguments in scope `|2 A=1 B=2 /bin/sh -c make`;
//! - BuildKit: `ENV A=1`, `ARG X=1`, `RUN |1 X=1 /bin/sh -c make # buildkit`;
//! - Kaniko and others: `RUN make`, `ENV A=1`.

/// What one `created_by` says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatedBy {
    /// `RUN`, `ENV`, `ARG`, `COPY`, ... when recognisable.
    pub instruction: Option<String>,
    /// Build arguments recorded before a RUN (`|N K=V ...`), in order.
    pub build_args: Vec<(String, String)>,
    /// `K=V` pairs of an ENV, ARG or LABEL instruction.
    pub assignments: Vec<(String, String)>,
}

const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Parses one `created_by`. Never fails: unknown forms give an empty value.
pub fn parse_created_by(created_by: &str) -> CreatedBy {
    let mut s = created_by.trim();
    if let Some(rest) = s.strip_suffix("# buildkit") {
        s = rest.trim_end();
    }
    let mut out = CreatedBy::default();
    if let Some(rest) = s.strip_prefix("/bin/sh -c #(nop)") {
        let rest = rest.trim_start();
        let (word, body) = split_first_word(rest);
        let upper = word.to_ascii_uppercase();
        if INSTRUCTIONS.contains(&upper.as_str()) {
            out.assignments = assignments(&upper, body);
            out.instruction = Some(upper);
        }
        return out;
    }
    let (word, body) = split_first_word(s);
    let upper = word.to_ascii_uppercase();
    if word.starts_with('|') {
        out.instruction = Some("RUN".into());
        out.build_args = build_args(s);
        return out;
    }
    if word == upper && INSTRUCTIONS.contains(&upper.as_str()) {
        if upper == "RUN" {
            out.build_args = build_args(body);
        } else {
            out.assignments = assignments(&upper, body);
        }
        out.instruction = Some(upper);
        return out;
    }
    if s.starts_with("/bin/sh -c") || s.starts_with("/bin/bash -c") {
        out.instruction = Some("RUN".into());
    }
    out
}

fn split_first_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => s.split_at(i),
        None => (s, ""),
    }
}

/// `|N K=V ... command`: the N words after `|N`.
fn build_args(s: &str) -> Vec<(String, String)> {
    let s = s.trim_start();
    let Some(rest) = s.strip_prefix('|') else {
        return Vec::new();
    };
    let (count, rest) = split_first_word(rest);
    let Ok(count) = count.parse::<usize>() else {
        return Vec::new();
    };
    shell_words(rest)
        .into_iter()
        .take(count)
        .filter_map(|w| split_assignment(&w))
        .collect()
}

fn assignments(instruction: &str, body: &str) -> Vec<(String, String)> {
    if !matches!(instruction, "ENV" | "ARG" | "LABEL") {
        return Vec::new();
    }
    let words = shell_words(body);
    // Legacy `ENV KEY value with spaces`.
    if instruction == "ENV" && words.first().is_some_and(|w| !w.contains('=')) {
        let (key, value) = split_first_word(body.trim());
        return vec![(key.to_string(), unquote(value.trim()))];
    }
    words.iter().filter_map(|w| split_assignment(w)).collect()
}

fn unquote(s: &str) -> String {
    shell_words(s).join(" ")
}

fn split_assignment(word: &str) -> Option<(String, String)> {
    let (k, v) = word.split_once('=')?;
    if k.is_empty() {
        return None;
    }
    Some((k.to_string(), v.to_string()))
}

/// Splits a shell-like string into words, removing quotes and backslashes. Hand-written
/// (a few lines) because the builders' formats only need quote removal, and a partial
/// parse of a malformed string must still yield words rather than an error.
pub(crate) fn shell_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    cur.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                if !matches!(n, '"' | '\\' | '$' | '`') {
                                    cur.push('\\');
                                }
                                cur.push(n);
                            }
                        }
                        _ => cur.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn classic_and_buildah_run_with_build_args() {
        let c = parse_created_by(
            "|2 DB_PASSWORD=hunter2 MODE='a b' /bin/sh -c echo \"password=$DB_PASSWORD\"",
        );
        assert_eq!(c.instruction.as_deref(), Some("RUN"));
        assert_eq!(
            c.build_args,
            pairs(&[("DB_PASSWORD", "hunter2"), ("MODE", "a b")])
        );
    }

    #[test]
    fn buildkit_run_env_arg() {
        let c = parse_created_by("RUN |1 TOKEN=abc /bin/sh -c make # buildkit");
        assert_eq!(c.build_args, pairs(&[("TOKEN", "abc")]));
        let c = parse_created_by("ENV A=1 B=\"two words\"");
        assert_eq!(c.instruction.as_deref(), Some("ENV"));
        assert_eq!(c.assignments, pairs(&[("A", "1"), ("B", "two words")]));
        let c = parse_created_by("ARG DB_PASSWORD=hunter2");
        assert_eq!(c.assignments, pairs(&[("DB_PASSWORD", "hunter2")]));
        // A RUN without build args has none.
        assert!(parse_created_by("RUN /bin/sh -c make # buildkit")
            .build_args
            .is_empty());
    }

    #[test]
    fn classic_nop_forms() {
        let c = parse_created_by("/bin/sh -c #(nop)  ENV AWS_SECRET_ACCESS_KEY=wJal/x");
        assert_eq!(c.assignments, pairs(&[("AWS_SECRET_ACCESS_KEY", "wJal/x")]));
        let c = parse_created_by("/bin/sh -c #(nop) ENV LEGACY value with spaces");
        assert_eq!(c.assignments, pairs(&[("LEGACY", "value with spaces")]));
        let c = parse_created_by("/bin/sh -c #(nop) CMD [\"x\"]");
        assert_eq!(c.instruction.as_deref(), Some("CMD"));
        assert!(c.assignments.is_empty());
    }

    #[test]
    fn malformed_input_never_panics() {
        for s in [
            "|",
            "|x",
            "|3",
            "|99 A=1",
            "RUN |",
            "\"",
            "'unterminated",
            "ENV",
            "ENV =x",
            "/bin/sh -c #(nop)",
        ] {
            let _ = parse_created_by(s);
        }
        assert_eq!(
            parse_created_by("|99 A=1 /bin/sh").build_args,
            pairs(&[("A", "1")])
        );
    }
}
