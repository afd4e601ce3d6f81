//! Per-instruction argument parsers, one per BuildKit line parser
//! (`parseMaybeJSON`, `parseMaybeJSONToList`, `parseNameVal`, `parseNameOrNameVal`,
//! `parseStringsWhitespaceDelimited`, `parseString`, `parseHealthConfig`,
//! `parseIgnore`; `parseSubCommand` is in the driver because it recurses).
//!
//! They work on the argument bytes and report every produced word with its byte
//! range in those bytes, so the driver can map it back to the source.

use super::gotext::{byte_is_space, decode_rune, is_space, split_ascii_ws, to_string};
use super::json::{decode_string_array, JsonError};

/// A produced word: text and range in the parsed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawWord {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawKeyValue {
    pub key: RawWord,
    pub value: RawWord,
    pub legacy: bool,
}

/// What a line parser returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// BuildKit's node values.
    pub value: Vec<String>,
    pub json: bool,
    pub words: Vec<RawWord>,
    pub key_values: Vec<RawKeyValue>,
}

pub(crate) const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// BuildKit's `parseWords`: whitespace-separated words, quotes and escapes kept,
/// an escape at the very end dropped.
pub(crate) fn parse_words(rest: &[u8], escape: char) -> Vec<RawWord> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word: Vec<u8> = Vec::new();
    let mut word_start = 0;
    let mut quote = '\0';
    let mut blank_ok = false;
    let n = rest.len();
    let mut pos = 0;
    let mut ch_width;
    let push_char = |w: &mut Vec<u8>, c: char, raw: &[u8]| {
        // Go appends `string(ch)`: for an invalid byte that is U+FFFD.
        if c == char::REPLACEMENT_CHARACTER && raw.len() == 1 {
            w.extend_from_slice("\u{fffd}".as_bytes());
        } else {
            w.extend_from_slice(raw);
        }
    };
    loop {
        let (mut ch, w) = if pos < n {
            decode_rune(&rest[pos..])
        } else {
            ('\0', 0)
        };
        ch_width = w;
        if phase == Phase::Spaces {
            if pos >= n {
                break;
            }
            if is_space(ch) {
                pos += ch_width;
                continue;
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if pos >= n {
            if blank_ok || !word.is_empty() {
                words.push(RawWord {
                    text: to_string(&word),
                    start: word_start,
                    end: n,
                });
            }
            break;
        }
        if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(RawWord {
                        text: to_string(&word),
                        start: word_start,
                        end: pos,
                    });
                }
                word.clear();
                blank_ok = false;
                pos += ch_width;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if pos + ch_width == n {
                    pos += ch_width;
                    continue;
                }
                push_char(&mut word, ch, &rest[pos..pos + ch_width]);
                pos += ch_width;
                let (c2, w2) = decode_rune(&rest[pos..]);
                ch = c2;
                ch_width = w2;
            }
            push_char(&mut word, ch, &rest[pos..pos + ch_width]);
            pos += ch_width;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if pos + ch_width == n {
                phase = Phase::Word;
                pos += ch_width;
                continue;
            }
            pos += ch_width;
            push_char(&mut word, ch, escape_bytes(escape).as_bytes());
            let (c2, w2) = decode_rune(&rest[pos..]);
            ch = c2;
            ch_width = w2;
        }
        push_char(&mut word, ch, &rest[pos..pos + ch_width]);
        pos += ch_width;
    }
    words
}

fn escape_bytes(escape: char) -> String {
    escape.to_string()
}

fn word_at(rest: &[u8], start: usize, end: usize) -> RawWord {
    RawWord {
        text: to_string(rest.get(start..end).unwrap_or(&[])),
        start,
        end,
    }
}

/// `parseNameVal` (ENV, LABEL): `k=v ...` or the legacy `k v`. Values are triplets
/// `key, value, sep` (sep `=` or `""`), as in current BuildKit.
pub(crate) fn parse_name_val(rest: &[u8], key: &str, escape: char) -> Result<Parsed, String> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Parsed::default());
    };
    let mut out = Parsed::default();
    if !first.text.contains('=') {
        let parts = split_ascii_ws(rest, Some(2));
        let (Some(&(ks, ke)), Some(&(vs, ve))) = (parts.first(), parts.get(1)) else {
            return Err(format!("{key} must have two arguments"));
        };
        let k = word_at(rest, ks, ke);
        let v = word_at(rest, vs, ve);
        out.value = vec![k.text.clone(), v.text.clone(), String::new()];
        out.key_values.push(RawKeyValue {
            key: k,
            value: v,
            legacy: true,
        });
        out.words = words;
        return Ok(out);
    }
    for w in &words {
        let Some(eq) = w.text.find('=') else {
            return Err(format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                crate::dump::go_quote(&w.text)
            ));
        };
        let (k, v) = (&w.text[..eq], &w.text[eq + 1..]);
        out.value.push(k.to_string());
        out.value.push(v.to_string());
        out.value.push("=".to_string());
        // The word text equals the source bytes of the word (minus a dropped final
        // escape), so the split point maps directly.
        let kend = (w.start + eq).min(w.end);
        let vstart = (kend + 1).min(w.end);
        out.key_values.push(RawKeyValue {
            key: RawWord {
                text: k.to_string(),
                start: w.start,
                end: kend,
            },
            value: RawWord {
                text: v.to_string(),
                start: vstart,
                end: w.end,
            },
            legacy: false,
        });
    }
    out.words = words;
    Ok(out)
}

/// `parseNameOrNameVal` (ARG): every word as is.
pub(crate) fn parse_name_or_name_val(rest: &[u8], escape: char) -> Parsed {
    let words = parse_words(rest, escape);
    Parsed {
        value: words.iter().map(|w| w.text.clone()).collect(),
        json: false,
        words,
        key_values: Vec::new(),
    }
}

/// `parseStringsWhitespaceDelimited` (FROM, EXPOSE; shell-form ADD/COPY/VOLUME).
pub(crate) fn parse_strings_whitespace_delimited(rest: &[u8]) -> Parsed {
    if rest.is_empty() {
        return Parsed::default();
    }
    let words: Vec<RawWord> = split_ascii_ws(rest, None)
        .into_iter()
        .map(|(s, e)| word_at(rest, s, e))
        .collect();
    Parsed {
        value: words.iter().map(|w| w.text.clone()).collect(),
        json: false,
        words,
        key_values: Vec::new(),
    }
}

/// `parseString` (USER, WORKDIR, STOPSIGNAL, MAINTAINER): the rest as one value.
pub(crate) fn parse_string(rest: &[u8], escape: char) -> Parsed {
    if rest.is_empty() {
        return Parsed::default();
    }
    Parsed {
        value: vec![to_string(rest)],
        json: false,
        words: parse_words(rest, escape),
        key_values: Vec::new(),
    }
}

/// `parseJSON`: Ok(Some) for a string array, Ok(None) when not JSON, Err when JSON
/// with non-strings.
fn parse_json(rest: &[u8]) -> Result<Option<Parsed>, String> {
    let lead = super::gotext::leading_space_len(rest);
    let body = &rest[lead..];
    if !body.starts_with(b"[") {
        return Ok(None);
    }
    match decode_string_array(body) {
        Ok(elems) => {
            let words: Vec<RawWord> = elems
                .into_iter()
                .map(|j| RawWord {
                    text: j.text,
                    start: lead + j.start,
                    end: lead + j.end,
                })
                .collect();
            Ok(Some(Parsed {
                value: words.iter().map(|w| w.text.clone()).collect(),
                json: true,
                words,
                key_values: Vec::new(),
            }))
        }
        Err(JsonError::Syntax) => Ok(None),
        Err(JsonError::NotStrings) => Err(NOT_STRING_ARRAY.to_string()),
    }
}

/// `parseMaybeJSON` (RUN, CMD, ENTRYPOINT, SHELL).
pub(crate) fn parse_maybe_json(rest: &[u8], escape: char) -> Result<Parsed, String> {
    if rest.is_empty() {
        return Ok(Parsed::default());
    }
    if let Some(p) = parse_json(rest)? {
        return Ok(p);
    }
    Ok(Parsed {
        value: vec![to_string(rest)],
        json: false,
        words: parse_words(rest, escape),
        key_values: Vec::new(),
    })
}

/// `parseMaybeJSONToList` (ADD, COPY, VOLUME).
pub(crate) fn parse_maybe_json_to_list(rest: &[u8]) -> Result<Parsed, String> {
    if let Some(p) = parse_json(rest)? {
        return Ok(p);
    }
    Ok(parse_strings_whitespace_delimited(rest))
}

/// `parseHealthConfig`: the type word (`CMD`, `NONE`, ...) then `parseMaybeJSON`.
/// BuildKit finds the type word byte by byte.
pub(crate) fn parse_health_config(rest: &[u8], escape: char) -> Result<Parsed, String> {
    let sep = rest
        .iter()
        .position(|&b| byte_is_space(b))
        .unwrap_or(rest.len());
    let next = sep
        + rest
            .get(sep..)
            .unwrap_or(&[])
            .iter()
            .take_while(|&&b| byte_is_space(b))
            .count();
    if sep == 0 {
        return Ok(Parsed::default());
    }
    let typ = word_at(rest, 0, sep);
    let cmd = parse_maybe_json(rest.get(next..).unwrap_or(&[]), escape)?;
    let mut out = Parsed {
        value: vec![typ.text.clone()],
        json: cmd.json,
        words: vec![typ],
        key_values: Vec::new(),
    };
    out.value.extend(cmd.value);
    out.words.extend(cmd.words.into_iter().map(|w| RawWord {
        text: w.text,
        start: w.start + next,
        end: w.end + next,
    }));
    Ok(out)
}

/// `parseIgnore` (unknown instructions): one empty value. Words are still given.
pub(crate) fn parse_ignore(rest: &[u8], escape: char) -> Parsed {
    Parsed {
        value: vec![String::new()],
        json: false,
        words: parse_words(rest, escape),
        key_values: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(ws: &[RawWord]) -> Vec<&str> {
        ws.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn words_keep_quotes_and_escapes() {
        let w = parse_words(br#"a="b c" d\ e 'f\'g' h\"#, '\\');
        // `'` cannot be escaped inside single quotes: `'f\'` closes, `g' h\` reopens.
        assert_eq!(texts(&w), vec![r#"a="b c""#, r"d\ e", r"'f\'g' h\"]);
        assert_eq!((w[0].start, w[0].end), (0, 7));
    }

    #[test]
    fn name_val_forms() {
        let p = parse_name_val(b"a=b c=\"d e\"", "ENV", '\\').unwrap_or_default();
        assert_eq!(p.value, vec!["a", "b", "=", "c", "\"d e\"", "="]);
        assert_eq!(p.key_values[1].value.start, 6);
        let p = parse_name_val(b"a  b c", "ENV", '\\').unwrap_or_default();
        assert_eq!(p.value, vec!["a", "b c", ""]);
        assert!(p.key_values[0].legacy);
        assert_eq!(
            parse_name_val(b"a", "ENV", '\\'),
            Err("ENV must have two arguments".to_string())
        );
        assert!(parse_name_val(b"a=b c", "LABEL", '\\').is_err());
    }

    #[test]
    fn health() {
        let p = parse_health_config(br#"CMD ["a", "b"]"#, '\\').unwrap_or_default();
        assert_eq!(p.value, vec!["CMD", "a", "b"]);
        assert!(p.json);
        let p = parse_health_config(b"NONE", '\\').unwrap_or_default();
        assert_eq!(p.value, vec!["NONE"]);
    }
}
