//! Flag extraction (`--name[=value]` words before an instruction's arguments), as
//! BuildKit's `extractBuilderFlags` does it: byte by byte, quotes and `\` escapes
//! removed, a bare `--` ending the flags.
//!
//! Quirk kept on purpose: BuildKit walks bytes and appends each as a rune, so
//! non-ASCII bytes are reinterpreted as Latin-1 (`--chown=José` gives `--chown=JosÃ©`)
//! and the bytes 0x85 and 0xA0 count as whitespace.

use super::gotext::{byte_is_space, push_byte_as_rune};

/// One extracted flag: BuildKit's string (as bytes) and where its raw word is in the
/// input.
#[derive(Debug, Clone)]
pub(crate) struct RawFlag {
    pub text: Vec<u8>,
    pub start: usize,
    pub end: usize,
}

/// Returns the flags and the offset in `line` where the remaining arguments start.
pub(crate) fn extract_builder_flags(line: &[u8]) -> (Vec<RawFlag>, usize) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word: Vec<u8> = Vec::new();
    let mut word_start = 0;
    let mut quote = 0u8;
    let mut blank_ok = false;
    let n = line.len();
    let mut pos = 0;
    while pos <= n {
        let ch = line.get(pos).copied().unwrap_or(0);
        if phase == Phase::Spaces {
            if pos == n {
                break;
            }
            if byte_is_space(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || pos + 1 == n || line.get(pos + 1) != Some(&b'-') {
                return (flags, pos);
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if pos == n {
            // In a word or a quote at the end of input.
            if word != b"--" && (blank_ok || !word.is_empty()) {
                flags.push(RawFlag {
                    text: std::mem::take(&mut word),
                    start: word_start,
                    end: n,
                });
            }
            break;
        }
        if phase == Phase::Word {
            if byte_is_space(ch) {
                phase = Phase::Spaces;
                if word == b"--" {
                    return (flags, pos);
                }
                if blank_ok || !word.is_empty() {
                    flags.push(RawFlag {
                        text: std::mem::take(&mut word),
                        start: word_start,
                        end: pos,
                    });
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            let mut c = ch;
            if c == b'\\' {
                if pos + 1 == n {
                    pos += 1;
                    continue;
                }
                pos += 1;
                c = line.get(pos).copied().unwrap_or(0);
            }
            push_byte_as_rune(&mut word, c);
            pos += 1;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        let mut c = ch;
        if c == b'\\' {
            if pos + 1 == n {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            c = line.get(pos).copied().unwrap_or(0);
        }
        push_byte_as_rune(&mut word, c);
        pos += 1;
    }
    (flags, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> (Vec<String>, String) {
        let (f, at) = extract_builder_flags(s.as_bytes());
        (
            f.into_iter()
                .map(|f| String::from_utf8_lossy(&f.text).into_owned())
                .collect(),
            s[at..].to_string(),
        )
    }

    #[test]
    fn like_buildkit() {
        assert_eq!(
            run("--link src dst"),
            (vec!["--link".into()], "src dst".into())
        );
        assert_eq!(
            run("--mount=type=cache,target=\"/x y\" echo"),
            (vec!["--mount=type=cache,target=/x y".into()], "echo".into())
        );
        assert_eq!(run("-- --x echo"), (vec![], " --x echo".into()));
        assert_eq!(run("--x -- echo"), (vec!["--x".into()], " echo".into()));
        assert_eq!(run("--"), (vec![], "".into()));
        assert_eq!(run("--x='' c"), (vec!["--x=".into()], "c".into()));
        assert_eq!(run("-x c"), (vec![], "-x c".into()));
        assert_eq!(
            run("--chown=José a"),
            (vec!["--chown=JosÃ©".into()], "a".into())
        );
    }
}
