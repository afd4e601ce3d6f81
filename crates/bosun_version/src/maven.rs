//! Maven versions, after the version order of the POM reference
//! (maven.apache.org/pom.html, "Version Order Specification"), as osv-scalibr
//! implements it.
//!
//! Why not a port of `ComparableVersion`: Maven's releases disagree with each other
//! and with the specification. maven-artifact 3.8.6 (which generated osv-scalibr's
//! 14,752 real OSV comparisons) and 3.8.7 (Debian's, checked by hand) differ on 18
//! of those pairs (`1.5.9.RC1` against `1.5.9-RC0`), and both say `1-1 > 1-ga-1`
//! where the specification says equal. OSV.dev and osv-scalibr order Maven versions
//! by the specification, so matching OSV advisories the way OSV computes them means
//! doing the same. This model agrees with 3.8.6 on all 14,752 real pairs and passes
//! the specification's examples; on 3,000 generated adversarial pairs (null
//! qualifiers inside hyphenated parts, `1-ga-1`, `0.sp`) it differs from 3.8.7 on 74.
//!
//! Neither this order nor Maven's own is total on unusual versions; sort Maven
//! versions from untrusted data with [`crate::sort_versions`], which never panics.
//!
//! The lowercased version is split into tokens at `.` and `-` (the separator is the
//! token's prefix) and at digit/letter transitions (prefix `-`). Empty tokens are
//! `0`; `cr` is `rc`; `ga`, `final`, `release` are the empty qualifier; `a`, `b`, `m`
//! directly followed by a digit are `alpha`, `beta`, `milestone`. Trailing null
//! tokens (`0`, ``) are trimmed, at the end and before each `-`. Tokens compare
//! pairwise, the shorter version padded with nulls: with the same prefix, numbers by
//! value, a number above a qualifier, qualifiers by rank (`alpha` < `beta` <
//! `milestone` < `rc` < `snapshot` < `` < `sp` < others, alphabetically); with
//! different prefixes, `.qualifier` < `-qualifier` < `-number` < `.number`.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::pep440::Num;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    /// `0` for the first token, else `.` or `-`.
    prefix: u8,
    value: Box<str>,
    /// The value as a number, when it is all digits.
    num: Option<Num>,
    /// Padding added for the comparison, not a token of the version.
    null: bool,
}

/// The tokens after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Maven(Vec<Token>);

const KEYWORDS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

fn keyword_rank(v: &str) -> usize {
    KEYWORDS
        .iter()
        .position(|k| *k == v)
        .unwrap_or(KEYWORDS.len())
}

fn token(prefix: u8, value: &str, null: bool) -> Token {
    let num = (!value.is_empty() && value.bytes().all(|c| c.is_ascii_digit()))
        .then(|| Num::from_digits(value.as_bytes()));
    Token {
        prefix,
        value: value.into(),
        num,
        null,
    }
}

pub(crate) fn parse(s: &str) -> Result<Maven, &'static str> {
    if s.is_empty() {
        return Err("version string is empty");
    }
    let v = s.to_lowercase();
    let mut tokens: Vec<Token> = Vec::new();
    // Raw tokens between `.` and `-`, each with the separator before it.
    let mut raws: Vec<(u8, &str)> = Vec::new();
    let mut st = 0;
    let mut prefix = 0u8;
    for (i, c) in v.bytes().enumerate() {
        if c == b'.' || c == b'-' {
            raws.push((prefix, &v[st..i]));
            prefix = c;
            st = i + 1;
        }
    }
    raws.push((prefix, &v[st..]));
    for (prefix, raw) in raws {
        let b = raw.as_bytes();
        // Sub-tokens at digit/non-digit transitions.
        let mut st = 0;
        let mut first = true;
        loop {
            let mut e = st;
            if e < b.len() {
                let digit = b[e].is_ascii_digit();
                while e < b.len() && b[e].is_ascii_digit() == digit {
                    e += 1;
                }
            }
            let followed = e < b.len();
            let mut cur = &raw[st..e];
            if cur.is_empty() {
                cur = "0";
            }
            let cur = match cur {
                "cr" => "rc",
                "ga" | "final" | "release" => "",
                "a" if followed => "alpha",
                "b" if followed => "beta",
                "m" if followed => "milestone",
                c => c,
            };
            let p = if first { prefix } else { b'-' };
            let mut t = token(p, cur, false);
            if let Some(n) = &t.num {
                // Leading zeros removed.
                t.value = match n {
                    Num::Small(x) => x.to_string().into(),
                    Num::Big(d) => d.clone(),
                };
            }
            tokens.push(t);
            first = false;
            st = e;
            if st >= b.len() {
                break;
            }
        }
    }
    // Trim trailing nulls, then again before each hyphen, from the end.
    let trim = |t: &Token| matches!(&*t.value, "0" | "" | "final" | "ga");
    let mut i = tokens.len() as isize - 1;
    while i > 0 {
        if trim(&tokens[i as usize]) {
            tokens.remove(i as usize);
            i -= 1;
            continue;
        }
        while i >= 0 && tokens[i as usize].prefix != b'-' {
            i -= 1;
        }
        i -= 1;
    }
    Ok(Maven(tokens))
}

fn null_like(t: &Token) -> Token {
    if t.prefix == b'-' {
        token(b'-', "", true)
    } else {
        // `sp` is the one qualifier above the empty one, so it is padded with "".
        token(b'.', if &*t.value == "sp" { "" } else { "0" }, true)
    }
}

fn order(t: &Token) -> u8 {
    match (t.num.is_some(), t.prefix) {
        (true, b'-') => 2,
        (true, _) => 3,
        (false, b'-') => 1,
        (false, _) => 0,
    }
}

fn less(v: &Token, w: &Token) -> bool {
    if v.prefix != w.prefix {
        return order(v) < order(w);
    }
    if let (Some(a), Some(b)) = (&v.num, &w.num) {
        return a < b;
    }
    if v.num.is_some() && !v.null {
        return false;
    }
    if w.num.is_some() && !w.null {
        return true;
    }
    let (l, r) = (keyword_rank(&v.value), keyword_rank(&w.value));
    if l == KEYWORDS.len() && r == KEYWORDS.len() {
        return v.value < w.value;
    }
    l < r
}

fn same(v: &Token, w: &Token) -> bool {
    v.prefix == w.prefix && v.value == w.value
}

fn less_than(a: &[Token], b: &[Token]) -> bool {
    for k in 0..a.len().max(b.len()) {
        // Only padding allocates.
        let l = a
            .get(k)
            .map_or_else(|| Cow::Owned(null_like(&b[k])), Cow::Borrowed);
        let r = b
            .get(k)
            .map_or_else(|| Cow::Owned(null_like(&a[k])), Cow::Borrowed);
        if same(&l, &r) {
            continue;
        }
        return less(&l, &r);
    }
    false
}

impl Ord for Maven {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(x, y)| same(x, y)) {
            Ordering::Equal
        } else if less_than(&self.0, &other.0) {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    }
}

partial_ord_from_ord!(Maven);

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp(&parse(b).unwrap())
    }

    #[test]
    fn maven_versions() {
        use Ordering::*;
        assert_eq!(c("1.0", "1"), Equal);
        assert_eq!(c("1-ga", "1"), Equal);
        assert_eq!(c("1.0-alpha-1", "1.0"), Less);
        assert_eq!(c("1.0-SNAPSHOT", "1.0"), Less);
        assert_eq!(c("1.0-sp", "1.0"), Greater);
        assert_eq!(c("1.0a1", "1.0-alpha-1"), Equal);
        assert_eq!(c("1-1", "1-ga-1"), Equal);
        assert_eq!(c("1.0-rc1", "1.0-cr1"), Equal);
        assert_eq!(c("1.0-foo", "1.0-sp"), Greater);
        assert_eq!(c("1.1", "1-1"), Greater);
    }
}
