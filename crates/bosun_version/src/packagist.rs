//! Packagist (PHP) versions: PHP's `version_compare` order over Composer-style input,
//! as osv-scalibr models it.
//!
//! A leading `v`/`V` is dropped (Composer does); `-`, `_`, `+` become `.`; a `.` goes
//! between a digit and a following or preceding character that is neither a digit
//! nor a dot. Parts then compare pairwise: numbers by value (any size), names by
//! PHP's special-form rank (prefix match: `dev` < `alpha`=`a` < `beta`=`b` <
//! `RC`=`rc` < a number (`#`) < `pl`=`p`; any other name ranks below `dev`, as in
//! PHP), a number against a name as `#` against it. When one version has parts left
//! over, a number left over wins, and otherwise the rest is compared against `#`.
//!
//! Like PHP's, this order is not total on odd tails; sort Packagist versions from
//! untrusted data with [`crate::sort_versions`], which never panics.
//!
//! Where this differs from PHP's own `version_compare`: PHP also turns every other
//! non-alphanumeric character into a dot and never doubles dots, and it saturates
//! numbers at `i64::MAX`; the known answers (osv-scalibr's hand-written edge cases,
//! `1.2.3.# = 1.2.3.1`, and 30-digit numbers) follow the model above, and the
//! 10,630 comparisons generated with PHP agree with it.

use std::cmp::Ordering;

use crate::pep440::Num;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Num(Num),
    /// A name, with its special-form rank.
    Name(i8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Php(Vec<Part>);

/// PHP's special forms, matched as prefixes.
fn rank(form: &[u8]) -> i8 {
    const FORMS: [(&[u8], i8); 10] = [
        (b"dev", 0),
        (b"alpha", 1),
        (b"a", 1),
        (b"beta", 2),
        (b"b", 2),
        (b"RC", 3),
        (b"rc", 3),
        (b"#", 4),
        (b"pl", 5),
        (b"p", 5),
    ];
    FORMS
        .iter()
        .find(|(n, _)| form.starts_with(n))
        .map_or(-1, |&(_, o)| o)
}

const HASH: i8 = 4;

pub(crate) fn parse(s: &str) -> Result<Php, &'static str> {
    let t = s.strip_prefix('v').unwrap_or(s);
    let t = t.strip_prefix('V').unwrap_or(t);
    if t.is_empty() {
        return Err("version string is empty");
    }
    let b = t.as_bytes();
    let other = |c: u8| !c.is_ascii_digit() && c != b'.';
    let mut parts = Vec::new();
    let mut st = 0;
    let mut push = |seg: &[u8]| {
        parts.push(if !seg.is_empty() && seg.iter().all(u8::is_ascii_digit) {
            Part::Num(Num::from_digits(seg))
        } else {
            Part::Name(rank(seg))
        })
    };
    for i in 0..b.len() {
        let c = b[i];
        if matches!(c, b'.' | b'-' | b'_' | b'+') {
            push(&b[st..i]);
            st = i + 1;
        } else if i > st {
            let p = b[i - 1];
            if (other(p) && c.is_ascii_digit()) || (p.is_ascii_digit() && other(c)) {
                push(&b[st..i]);
                st = i;
            }
        }
    }
    push(&b[st..]);
    Ok(Php(parts))
}

fn cmp_part(a: &Part, b: &Part) -> Ordering {
    match (a, b) {
        (Part::Num(x), Part::Num(y)) => x.cmp(y),
        (Part::Name(x), Part::Name(y)) => x.cmp(y),
        (Part::Num(_), Part::Name(y)) => HASH.cmp(y),
        (Part::Name(x), Part::Num(_)) => x.cmp(&HASH),
    }
}

/// A part that `strconv.Atoi` would read: digits fitting in an `i64`.
fn is_int(p: &Part) -> bool {
    matches!(p, Part::Num(Num::Small(n)) if *n <= i64::MAX as u64)
}

fn cmp_parts(a: &[Part], b: &[Part]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = cmp_part(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    let hash = [Part::Name(HASH)];
    match a.len().cmp(&b.len()) {
        Ordering::Greater if is_int(&a[b.len()]) => Ordering::Greater,
        Ordering::Greater => cmp_parts(&a[b.len()..], &hash),
        Ordering::Less if is_int(&b[a.len()]) => Ordering::Less,
        Ordering::Less => cmp_parts(&hash, &b[a.len()..]),
        Ordering::Equal => Ordering::Equal,
    }
}

impl Ord for Php {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_parts(&self.0, &other.0)
    }
}

partial_ord_from_ord!(Php);
