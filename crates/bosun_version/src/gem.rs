//! RubyGems versions, after `Gem::Version` (rubygems/version.rb).
//!
//! Valid: a digit, then letters, digits, `.` and `-` (see [`valid`]), with blanks
//! around (an empty string is `0`). A `-` means `.pre.`. The segments are the runs
//! of digits and of letters; trailing zeros are dropped from the release part and
//! from the prerelease part; then segments compare pairwise (a missing one is 0),
//! a string sorts before a number, strings compare bytewise, numbers by value.

use std::cmp::Ordering;

use crate::pep440::Num;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Num(Num),
    Str(Box<str>),
}

/// The canonical segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gem(Vec<Seg>);

/// RubyGems' own pattern (`[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`)
/// rejects `1beta`, which OSV's RubyGems data and osv-scalibr's known answers use;
/// this accepts a digit followed by letters, digits, `.` and `-`, without empty
/// dot-separated parts.
fn valid(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_digit)
        && s.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'-')
        && !s.ends_with(b".")
        && !s.windows(2).any(|w| w == b".." || w == b"-." || w == b".-")
}

pub(crate) fn parse(s: &str) -> Result<Gem, &'static str> {
    // Ruby's String#strip: ASCII whitespace and NUL.
    let t = s.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\0');
    let t = if t.is_empty() { "0" } else { t };
    if !valid(t.as_bytes()) {
        return Err("malformed version number string");
    }
    // `-` is `.pre.`: a string segment `pre` where the dash was.
    let b = t.as_bytes();
    let mut segs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'-' {
            segs.push(Seg::Str("pre".into()));
            i += 1;
        } else if c.is_ascii_digit() {
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            segs.push(Seg::Num(Num::from_digits(&b[st..i])));
        } else if c.is_ascii_alphabetic() {
            let st = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            segs.push(Seg::Str(t[st..i].into()));
        } else {
            i += 1;
        }
    }
    // canonical_segments: drop trailing zeros of the release and prerelease parts.
    let split = segs
        .iter()
        .position(|s| matches!(s, Seg::Str(_)))
        .unwrap_or(segs.len());
    let mut pre = segs.split_off(split);
    let zero = |s: &Seg| matches!(s, Seg::Num(n) if n.is_zero());
    while segs.last().is_some_and(zero) {
        segs.pop();
    }
    while pre.last().is_some_and(zero) {
        pre.pop();
    }
    segs.append(&mut pre);
    Ok(Gem(segs))
}

impl Ord for Gem {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Seg::Num(Num::Small(0));
        for k in 0..self.0.len().max(other.0.len()) {
            let a = self.0.get(k).unwrap_or(&zero);
            let b = other.0.get(k).unwrap_or(&zero);
            let o = match (a, b) {
                (Seg::Num(x), Seg::Num(y)) => x.cmp(y),
                (Seg::Str(x), Seg::Str(y)) => x.cmp(y),
                (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
                (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

partial_ord_from_ord!(Gem);

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp(&parse(b).unwrap())
    }

    #[test]
    fn gem_versions() {
        use Ordering::*;
        assert_eq!(c("1.0.a", "1.a"), Equal);
        assert_eq!(c("1.0.0", "1"), Equal);
        assert_eq!(c("1.2.4.beta", "1.2.4"), Less);
        assert_eq!(c("1.0.0-rc1", "1.0.0.pre.rc1"), Equal);
        assert_eq!(c("1beta", "1"), Less);
        assert_eq!(c("", "0"), Equal);
        for bad in ["junk", "1..2", "1.2 3", "1.", "-1"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
