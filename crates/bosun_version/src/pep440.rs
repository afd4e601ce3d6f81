//! Python versions: PEP 440, ordered like `packaging.version.Version` (its `_cmpkey`).
//!
//! Strings PEP 440 rejects but PyPI still carries (`0.3m1`, `0.9-doduo`) are read as
//! setuptools' legacy versions (`packaging.version.LegacyVersion`, packaging < 22):
//! they sort before every PEP 440 version, and among themselves by legacy parts. Only
//! an empty string is refused.

use std::cmp::Ordering;

use crate::cmp_digits;

/// A non-negative integer of any size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Num {
    Small(u64),
    /// Digits without leading zeros, too big for `u64`.
    Big(Box<str>),
}

impl Num {
    pub(crate) fn from_digits(d: &[u8]) -> Num {
        let d = {
            let n = d.iter().take_while(|&&c| c == b'0').count();
            &d[n..]
        };
        if d.len() <= 19 {
            Num::Small(d.iter().fold(0, |n, &c| n * 10 + u64::from(c - b'0')))
        } else {
            Num::Big(String::from_utf8_lossy(d).into())
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        *self == Num::Small(0)
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => cmp_digits(a.as_bytes(), b.as_bytes()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pep440 {
    Legacy(Vec<Box<str>>),
    Modern(Box<Modern>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Modern {
    epoch: Num,
    /// Without trailing zeros.
    release: Vec<Num>,
    /// 0 = a, 1 = b, 2 = rc.
    pre: Option<(u8, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    local: Option<Vec<Local>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Local {
    // Declared first: a string segment sorts before a numeric one.
    Str(Box<str>),
    Num(Num),
}

pub(crate) fn parse(s: &str) -> Result<Pep440, &'static str> {
    if s.trim().is_empty() {
        return Err("version string is empty");
    }
    // Lowercase only when needed: most versions are already lowercase.
    let lower: std::borrow::Cow<'_, str> = if s.bytes().any(|c| c.is_ascii_uppercase()) {
        s.to_ascii_lowercase().into()
    } else {
        s.into()
    };
    Ok(match modern(lower.trim().as_bytes()) {
        Some(m) => Pep440::Modern(Box::new(m)),
        None => Pep440::Legacy(legacy(&lower)),
    })
}

fn digits(b: &[u8], i: usize) -> usize {
    let mut e = i;
    while e < b.len() && b[e].is_ascii_digit() {
        e += 1;
    }
    e
}

fn is_sep(c: Option<&u8>) -> bool {
    matches!(c, Some(b'-' | b'_' | b'.'))
}

/// Matches one of `labels` (longest first) at `i`; returns its index and end.
fn label(b: &[u8], i: usize, labels: &[&str]) -> Option<(usize, usize)> {
    labels
        .iter()
        .position(|l| b[i..].starts_with(l.as_bytes()))
        .map(|k| (k, i + labels[k].len()))
}

/// `[-_.]?LABEL[-_.]?N?` at `i`: label index, number (0 when absent) and end.
fn lettered(b: &[u8], i: usize, labels: &[&str]) -> Option<(usize, Num, usize)> {
    let j = if is_sep(b.get(i)) { i + 1 } else { i };
    let (k, mut e) = label(b, j, labels)?;
    let sep_end = if is_sep(b.get(e)) { e + 1 } else { e };
    let d = digits(b, sep_end);
    let n = if d > sep_end {
        e = d;
        Num::from_digits(&b[sep_end..d])
    } else {
        e = sep_end;
        Num::Small(0)
    };
    Some((k, n, e))
}

/// The PEP 440 grammar (packaging's `VERSION_PATTERN`) over a lowercased, trimmed
/// string; `None` when it does not match.
fn modern(b: &[u8]) -> Option<Modern> {
    let mut i = usize::from(b.first() == Some(&b'v'));
    let mut epoch = Num::Small(0);
    let e = digits(b, i);
    if e > i && b.get(e) == Some(&b'!') {
        epoch = Num::from_digits(&b[i..e]);
        i = e + 1;
    }
    let mut release = Vec::new();
    loop {
        let e = digits(b, i);
        if e == i {
            return None;
        }
        release.push(Num::from_digits(&b[i..e]));
        i = e;
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
        } else {
            break;
        }
    }
    while release.last().is_some_and(Num::is_zero) {
        release.pop();
    }
    const PRE: [&str; 8] = ["alpha", "beta", "preview", "pre", "rc", "c", "a", "b"];
    let mut pre = None;
    if let Some((k, n, e)) = lettered(b, i, &PRE) {
        let kind = match PRE[k] {
            "alpha" | "a" => 0,
            "beta" | "b" => 1,
            _ => 2,
        };
        pre = Some((kind, n));
        i = e;
    }
    let mut post = None;
    if b.get(i) == Some(&b'-') && digits(b, i + 1) > i + 1 {
        let e = digits(b, i + 1);
        post = Some(Num::from_digits(&b[i + 1..e]));
        i = e;
    } else if let Some((_, n, e)) = lettered(b, i, &["post", "rev", "r"]) {
        post = Some(n);
        i = e;
    }
    let mut dev = None;
    if let Some((_, n, e)) = lettered(b, i, &["dev"]) {
        dev = Some(n);
        i = e;
    }
    let mut local = None;
    if b.get(i) == Some(&b'+') {
        let mut segs = Vec::new();
        i += 1;
        loop {
            let st = i;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i == st {
                return None;
            }
            let seg = &b[st..i];
            segs.push(if seg.iter().all(u8::is_ascii_digit) {
                Local::Num(Num::from_digits(seg))
            } else {
                Local::Str(String::from_utf8_lossy(seg).into())
            });
            if is_sep(b.get(i)) {
                i += 1;
            } else {
                break;
            }
        }
        local = Some(segs);
    }
    if i != b.len() {
        return None;
    }
    Some(Modern {
        epoch,
        release,
        pre,
        post,
        dev,
        local,
    })
}

/// setuptools' legacy parts (packaging's `_legacy_cmpkey`) of a lowercased string.
fn legacy(s: &str) -> Vec<Box<str>> {
    let b = s.as_bytes();
    let mut parts: Vec<Box<str>> = Vec::new();
    let mut push = |part: &str| {
        let part = match part {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            p => p,
        };
        if part.is_empty() || part == "." {
            return;
        }
        let part: Box<str> = if part.as_bytes()[0].is_ascii_digit() {
            format!("{part:0>8}").into()
        } else {
            format!("*{part}").into()
        };
        if part.starts_with('*') {
            if &*part < "*final" {
                while parts.last().is_some_and(|p| &**p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| &**p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part);
    };
    // `re.split(r"(\d+|[a-z]+|\.|-)")`: the tokens and the text between them.
    let mut i = 0;
    let mut gap = 0;
    while i < b.len() {
        let c = b[i];
        let e = if c.is_ascii_digit() {
            digits(b, i)
        } else if c.is_ascii_lowercase() {
            let mut e = i;
            while e < b.len() && b[e].is_ascii_lowercase() {
                e += 1;
            }
            e
        } else if c == b'.' || c == b'-' {
            i + 1
        } else {
            // Not a token: part of the text between tokens (may be multi-byte).
            i += s[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        push(&s[gap..i]);
        push(&s[i..e]);
        i = e;
        gap = e;
    }
    push(&s[gap..]);
    push("final");
    parts
}

impl Ord for Pep440 {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Pep440::Legacy(a), Pep440::Legacy(b)) => a.cmp(b),
            (Pep440::Legacy(_), Pep440::Modern(_)) => Ordering::Less,
            (Pep440::Modern(_), Pep440::Legacy(_)) => Ordering::Greater,
            (Pep440::Modern(a), Pep440::Modern(b)) => a.cmp(b),
        }
    }
}

impl Modern {
    /// packaging's pre-release key: a dev-only release sorts before its pre-releases;
    /// no pre-release sorts after them.
    fn pre_key(&self) -> (i8, Option<&(u8, Num)>) {
        match &self.pre {
            None if self.post.is_none() && self.dev.is_some() => (-1, None),
            None => (1, None),
            Some(p) => (0, Some(p)),
        }
    }
}

impl Ord for Modern {
    fn cmp(&self, o: &Self) -> Ordering {
        self.epoch
            .cmp(&o.epoch)
            .then_with(|| self.release.cmp(&o.release))
            .then_with(|| self.pre_key().cmp(&o.pre_key()))
            // None < Some: no post-release sorts first.
            .then_with(|| self.post.cmp(&o.post))
            // No dev-release sorts last.
            .then_with(|| match (&self.dev, &o.dev) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
            // None < Some: no local version sorts first.
            .then_with(|| self.local.cmp(&o.local))
    }
}

partial_ord_from_ord!(Num, Pep440, Modern);

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp(&parse(b).unwrap())
    }

    #[test]
    fn pep440_spellings_normalise() {
        use Ordering::*;
        assert_eq!(c("1.0a1", "1.0.alpha.1"), Equal);
        assert_eq!(c("1.0-1", "1.0.post1"), Equal);
        assert_eq!(c("1.0rev", "1.0.post0"), Equal);
        assert_eq!(c("v1.0", "1.0.0"), Equal);
        assert_eq!(c(" 1.0 ", "1.0"), Equal);
        assert_eq!(c("1.0.dev0", "1.0a0"), Less);
        assert_eq!(c("1.0+abc.5", "1.0+abc.a"), Greater);
        assert_eq!(c("1!0.1", "2.0"), Greater);
        assert_eq!(c("1.0c1", "1.0rc1"), Equal);
        assert_eq!(c("0.3m1", "0.1"), Less);
        assert!(matches!(parse("1.0").unwrap(), Pep440::Modern(_)));
        assert!(matches!(parse("0.3m1").unwrap(), Pep440::Legacy(_)));
        assert!(parse("  ").is_err());
    }
}
