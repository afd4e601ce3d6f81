//! Running the detectors: keyword pre-filter, regexes, validation, de-duplication.

use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use aho_corasick::AhoCorasick;
use base64::Engine as _;
use regex::bytes::Regex;

use crate::names::is_secret_name;
use crate::paths::{is_allowlisted_path, is_config_like_path, is_skipped_file, secret_file_kind};
use crate::rules::{Check, RULES};
use crate::value::{is_allowlisted_example, is_placeholder_value, redact, shannon_entropy};
use crate::{Confidence, SecretMatch, Severity, GENERIC_RULE_ID, NAMED_VALUE_RULE_ID};

struct Compiled {
    /// One regex per entry of `RULES`, compiled the first time the keyword pre-filter
    /// lets its rule run (`None` only if a pattern failed to compile, which a unit test
    /// rules out). Compiling all of them up front cost most of a one-file lint run.
    regexes: Vec<OnceLock<Option<Regex>>>,
    keywords: Option<AhoCorasick>,
    /// Keyword pattern id → rule index.
    keyword_rule: Vec<usize>,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let regexes = RULES.iter().map(|_| OnceLock::new()).collect();
    let mut words = Vec::new();
    let mut keyword_rule = Vec::new();
    for (i, r) in RULES.iter().enumerate() {
        for k in r.keywords {
            words.push(*k);
            keyword_rule.push(i);
        }
    }
    let keywords = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&words)
        .ok();
    Compiled {
        regexes,
        keywords,
        keyword_rule,
    }
});

/// Finds secrets in a text. Ranges are byte ranges of `text`.
pub fn find_secrets_in_text(text: &str) -> Vec<SecretMatch> {
    find_secrets_in_bytes(text.as_bytes())
}

/// Finds secrets in bytes that may not be valid UTF-8 (a file from an image layer).
/// Ranges are byte ranges of `bytes`.
/// A detector's regex. Byte-oriented with Unicode off: secrets are ASCII, `\s` and
/// `(?i)` mean their ASCII forms, and a negated class such as `[^:@/\s]{1,128}`
/// compiles to a byte set instead of a UTF-8 automaton (23 ms for every detector
/// becomes 7 ms, paid per process by the lint of one file).
pub(crate) fn compile(pattern: &str) -> Option<Regex> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .ok()
}

pub fn find_secrets_in_bytes(bytes: &[u8]) -> Vec<SecretMatch> {
    let c = &*COMPILED;
    let mut active = vec![false; RULES.len()];
    // The generic `key = value` rule runs only on the lines where one of its keywords
    // occurs: in source code almost every line is an assignment, and a capture search
    // over all of them dominates the scan otherwise.
    let mut generic_lines: Vec<Range<usize>> = Vec::new();
    if let Some(ac) = &c.keywords {
        for m in ac.find_overlapping_iter(bytes) {
            let Some(&r) = c.keyword_rule.get(m.pattern().as_usize()) else {
                continue;
            };
            if let Some(a) = active.get_mut(r) {
                *a = true;
            }
            if RULES
                .get(r)
                .is_some_and(|rule| rule.check == Check::Generic)
                && generic_lines.last().is_none_or(|l| m.start() >= l.end)
            {
                let start = bytes
                    .get(..m.start())
                    .and_then(|b| b.iter().rposition(|&c| c == b'\n'))
                    .map_or(0, |i| i + 1);
                let end = bytes
                    .get(m.end()..)
                    .and_then(|b| b.iter().position(|&c| c == b'\n'))
                    .map_or(bytes.len(), |i| m.end() + i);
                match generic_lines.last_mut() {
                    Some(l) if l.end >= start => l.end = l.end.max(end),
                    _ => generic_lines.push(start..end),
                }
            }
        }
    }
    let whole_range = 0..bytes.len();
    let whole = std::slice::from_ref(&whole_range);
    let mut found: Vec<(usize, SecretMatch)> = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        if !active.get(i).copied().unwrap_or(false) {
            continue;
        }
        let Some(Some(re)) = c
            .regexes
            .get(i)
            .map(|slot| slot.get_or_init(|| compile(rule.pattern)))
        else {
            continue;
        };
        let windows: &[Range<usize>] = if rule.check == Check::Generic {
            &generic_lines
        } else {
            whole
        };
        for window in windows {
            let base = window.start;
            let Some(slice) = bytes.get(window.clone()) else {
                continue;
            };
            for caps in re.captures_iter(slice) {
                let Some(s) = caps.name("s").or_else(|| caps.get(0)) else {
                    continue;
                };
                let (mut start, mut end) = (base + s.start(), base + s.end());
                if rule.boundary && !at_boundary(bytes, start, end) {
                    continue;
                }
                let key = caps
                    .name("k")
                    .map(|k| String::from_utf8_lossy(k.as_bytes()).into_owned());
                let mut confidence = rule.confidence;
                let mut severity = rule.severity;
                let mut redacted = None;
                let value = String::from_utf8_lossy(s.as_bytes());
                match rule.check {
                    Check::None => {}
                    Check::NotPlaceholder => {
                        if is_placeholder_value(&value) {
                            continue;
                        }
                    }
                    Check::DockerAuth => {
                        if !is_basic_auth(&value) {
                            continue;
                        }
                    }
                    Check::Jwt => {
                        if !is_jwt(&value) {
                            continue;
                        }
                    }
                    Check::PrivateKey => {
                        let Some(block_end) = private_key_end(bytes, end) else {
                            continue;
                        };
                        redacted = Some(format!("{value} ****"));
                        end = block_end;
                    }
                    Check::UrlPassword => {
                        if is_placeholder_value(&value) {
                            continue;
                        }
                        if value.chars().count() < 8 || shannon_entropy(&value) < 2.5 {
                            confidence = Confidence::Low;
                        }
                    }
                    Check::Xml => {
                        if is_placeholder_value(&value) || in_xml_comment(bytes, start) {
                            continue;
                        }
                    }
                    Check::Generic => {
                        let Some(k) = key.as_deref() else { continue };
                        let quoted = caps.name("q").is_some_and(|q| !q.is_empty());
                        match judge_generic(bytes, start, k, &value, quoted) {
                            Some(conf) => {
                                confidence = conf;
                                if conf == Confidence::Low {
                                    severity = Severity::Low;
                                }
                            }
                            None => continue,
                        }
                        // a trailing `\` (line continuation) or `.` is not part of the value
                        while end > start && matches!(bytes.get(end - 1), Some(b'\\' | b'.')) {
                            end -= 1;
                        }
                    }
                }
                let secret = String::from_utf8_lossy(bytes.get(start..end).unwrap_or_default());
                let example = is_allowlisted_example(&secret);
                if example {
                    confidence = Confidence::Low;
                    severity = severity.min(Severity::Warning);
                }
                if start > end {
                    start = end;
                }
                found.push((
                    i,
                    SecretMatch {
                        rule_id: rule.id,
                        description: rule.description,
                        severity,
                        confidence,
                        range: start..end,
                        line: 0,
                        redacted: redacted.unwrap_or_else(|| redact(&secret)),
                        key,
                        example,
                    },
                ));
            }
        }
    }
    let mut kept = dedupe(found);
    // 1-based line numbers, counted incrementally
    let (mut pos, mut line) = (0usize, 1usize);
    for m in &mut kept {
        let upto = m.range.start.min(bytes.len());
        if upto >= pos {
            line += bytes
                .get(pos..upto)
                .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
            pos = upto;
        }
        m.line = line;
    }
    kept
}

/// Keeps one match per overlapping group: the most confident, then the earlier rule
/// in the table, then the longer. Output is sorted by position.
fn dedupe(mut found: Vec<(usize, SecretMatch)>) -> Vec<SecretMatch> {
    found.sort_by_key(|(i, m)| (m.range.start, *i));
    let mut kept: Vec<(usize, SecretMatch)> = Vec::new();
    for (i, m) in found {
        let better = |a: &(usize, SecretMatch), b: &(usize, SecretMatch)| {
            (a.1.confidence, std::cmp::Reverse(a.0), a.1.range.len())
                > (b.1.confidence, std::cmp::Reverse(b.0), b.1.range.len())
        };
        let overlaps = kept
            .last()
            .is_some_and(|(_, last)| m.range.start < last.range.end || m.range == last.range);
        if overlaps {
            if let Some(last) = kept.last_mut() {
                let cand = (i, m);
                if better(&cand, last) {
                    *last = cand;
                }
            }
        } else {
            kept.push((i, m));
        }
    }
    kept.into_iter().map(|(_, m)| m).collect()
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn at_boundary(bytes: &[u8], start: usize, end: usize) -> bool {
    let before_ok = start == 0 || bytes.get(start - 1).is_none_or(|&b| !is_ident_byte(b));
    let after_ok = bytes.get(end).is_none_or(|&b| !b.is_ascii_alphanumeric());
    before_ok && after_ok
}

fn is_basic_auth(value: &str) -> bool {
    let engine = base64::engine::general_purpose::STANDARD;
    let decoded = engine
        .decode(value.trim())
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(value.trim()));
    let Ok(decoded) = decoded else { return false };
    let Ok(text) = String::from_utf8(decoded) else {
        return false;
    };
    match text.split_once(':') {
        Some((user, pass)) => !user.is_empty() && !pass.is_empty() && !is_placeholder_value(pass),
        None => false,
    }
}

fn is_jwt(value: &str) -> bool {
    let Some(header) = value.split('.').next() else {
        return false;
    };
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    match engine.decode(header.trim_end_matches('=')) {
        Ok(d) => String::from_utf8_lossy(&d).contains("\"alg\""),
        Err(_) => false,
    }
}

/// Given the end of a PEM `-----BEGIN ... PRIVATE KEY-----` header, returns the end
/// of the block (after the END line) if the block has a real body (at least 40
/// base64 characters, so `...` placeholders in documentation do not count).
fn private_key_end(bytes: &[u8], header_end: usize) -> Option<usize> {
    const MAX_BLOCK: usize = 64 * 1024;
    let window_end = header_end.saturating_add(MAX_BLOCK).min(bytes.len());
    let window = bytes.get(header_end..window_end)?;
    let (body, block_end) = match find(window, b"-----END") {
        Some(i) => {
            let after = i + 8;
            let close = window
                .get(after..)
                .and_then(|w| find(w, b"-----"))
                .map_or(after, |j| after + j + 5);
            (window.get(..i)?, header_end + close.min(window.len()))
        }
        None => {
            // no END line (truncated or escaped): take the run of base64 text
            let n = window
                .iter()
                .take_while(|&&b| b.is_ascii_alphanumeric() || b"+/=\\ \t\r\n:,-".contains(&b))
                .count();
            (window.get(..n)?, header_end + n)
        }
    };
    let b64 = body
        .iter()
        .filter(|b| b.is_ascii_alphanumeric() || **b == b'+' || **b == b'/')
        .count();
    (b64 >= 40).then_some(block_end)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Judges a generic `key = value` candidate; returns its confidence, or `None` to drop.
fn judge_generic(
    bytes: &[u8],
    start: usize,
    key: &str,
    value: &str,
    quoted: bool,
) -> Option<Confidence> {
    // a bare `auth` key (`"auth": "basic"`, `auth: true`) is a setting more often
    // than a secret; Docker's `"auth"` has its own rule
    if !is_secret_name(key) || key.eq_ignore_ascii_case("auth") {
        return None;
    }
    if is_comment_line(bytes, start) {
        return None;
    }
    let v = value.trim_end_matches(['\\', '.']);
    if v.chars().count() < 4 || is_placeholder_value(v) {
        return None;
    }
    if v.eq_ignore_ascii_case(key)
        || matches!(v.as_bytes().first(), Some(b'-' | b'&' | b'*' | b'|'))
    {
        return None;
    }
    let classes = [
        v.chars().any(|c| c.is_ascii_lowercase()),
        v.chars().any(|c| c.is_ascii_uppercase()),
        v.chars().any(|c| c.is_ascii_digit()),
        v.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    let strong = v.chars().count() >= 10 && shannon_entropy(v) >= 3.0 && classes >= 2;
    // Code, not configuration: an attribute as the key (`self.passwd = passwd`) or a
    // bare identifier as the value (`PseudoToken = Whitespace + ...`). Kept only at
    // `Low`, which `scan_file` reports in configuration files alone.
    let attribute_key = ["self.", "this.", "cls.", "@", "$"]
        .iter()
        .any(|p| key.starts_with(p));
    // `Whitespace`, `rc2_key_st`, `current_token`: an identifier, not a literal
    let identifier_value = !quoted
        && v.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && (v.contains('_')
            || v.chars().all(|c| c.is_ascii_alphabetic())
                && v.chars().any(|c| c.is_ascii_uppercase()));
    if (attribute_key && !quoted) || identifier_value {
        return Some(Confidence::Low);
    }
    Some(if strong {
        Confidence::Medium
    } else {
        Confidence::Low
    })
}

/// True when `at` is inside an XML comment (`<!-- ... -->`), as in the sample
/// `<password>` elements of a stock Maven `settings.xml`.
fn in_xml_comment(bytes: &[u8], at: usize) -> bool {
    let before = bytes.get(..at).unwrap_or_default();
    let open = rfind(before, b"<!--");
    let close = rfind(before, b"-->");
    match (open, close) {
        (Some(o), Some(c)) => o > c,
        (Some(_), None) => true,
        _ => false,
    }
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn is_comment_line(bytes: &[u8], at: usize) -> bool {
    let line_start = bytes
        .get(..at)
        .and_then(|b| b.iter().rposition(|&c| c == b'\n'))
        .map_or(0, |i| i + 1);
    let line = bytes.get(line_start..at).unwrap_or_default();
    let trimmed: &[u8] = match line.iter().position(|b| !b.is_ascii_whitespace()) {
        Some(i) => line.get(i..).unwrap_or_default(),
        None => return false,
    };
    [
        &b"#"[..],
        b"//",
        b";",
        b"*",
        b"--",
        b"/*",
        b"<!--",
        b"rem ",
        b"REM ",
    ]
    .iter()
    .any(|p| trimmed.starts_with(p))
}

/// Judges `name=value` as found in a Dockerfile `ENV`/`ARG`, an image's `config.Env`
/// or a build-arg in the history. Returns matches with ranges into `value`:
/// - any known token format in the value (with `name=` as context, so that
///   `AWS_SECRET_ACCESS_KEY=<40 chars>` is recognised);
/// - otherwise, when [`is_secret_name`]`(name)` and the value is a literal
///   (not [`is_placeholder_value`]), one [`NAMED_VALUE_RULE_ID`] match: confidence
///   `Medium` (severity `error`) for a strong value, `Low` (severity `warning`) for a
///   weak one such as `hunter2`.
pub fn check_assignment(name: &str, value: &str) -> Vec<SecretMatch> {
    let combined = format!("{name}={value}");
    let off = name.len() + 1;
    let mut out: Vec<SecretMatch> = find_secrets_in_text(&combined)
        .into_iter()
        .filter(|m| m.rule_id != GENERIC_RULE_ID && m.range.start >= off)
        .map(|mut m| {
            m.range = (m.range.start - off)..(m.range.end - off);
            if m.key.is_none() {
                m.key = Some(name.to_string());
            }
            m
        })
        .collect();
    if out.is_empty() && is_secret_name(name) {
        let trimmed = value.trim();
        let lead = value.len() - value.trim_start().len();
        if !is_placeholder_value(trimmed) {
            let strong = trimmed.chars().count() >= 10 && shannon_entropy(trimmed) >= 3.0;
            let example = is_allowlisted_example(trimmed);
            let (confidence, severity) = if example || !strong {
                (Confidence::Low, Severity::Warning)
            } else {
                (Confidence::Medium, Severity::Error)
            };
            out.push(SecretMatch {
                rule_id: NAMED_VALUE_RULE_ID,
                description: "Literal value of a secret-named variable",
                severity,
                confidence,
                range: lead..lead + trimmed.len(),
                line: 1 + value[..lead].matches('\n').count(),
                redacted: redact(trimmed),
                key: Some(name.to_string()),
                example,
            });
        }
    }
    out
}

/// Scans one file of an image (or a build context) with the path rules applied:
/// - nothing for documentation, test, vendored and third-party package paths
///   ([`is_allowlisted_path`]), lock files, and binary content (a NUL byte in the
///   first 8 KiB);
/// - low-confidence judged matches (`password=hunter2`, `http://u:weak@host`) only in
///   configuration-like files ([`is_config_like_path`]) and known credential files;
///   documented example keys stay reported at low confidence.
pub fn scan_file(path: &str, content: &[u8]) -> Vec<SecretMatch> {
    if is_allowlisted_path(path) || is_skipped_file(path) {
        return Vec::new();
    }
    let head = content.get(..content.len().min(8192)).unwrap_or_default();
    if head.contains(&0) {
        return Vec::new();
    }
    let config_like = is_config_like_path(path) || secret_file_kind(path).is_some();
    let mut found = find_secrets_in_bytes(content);
    // weak judged values (not documented examples, which keep their own policy)
    found.retain(|m| config_like || m.example || m.confidence > Confidence::Low);
    found
}

#[cfg(test)]
mod tests;
