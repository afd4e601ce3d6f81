//! RPM versions: `[epoch:]version[-release]` compared with rpm's `rpmvercmp`
//! (rpmio/rpmvercmp.c), the way OSV's Red Hat, AlmaLinux, Rocky, SUSE and Mageia data
//! is meant.
//!
//! The epoch is the part before the first `:` when it is all digits (`a:1` has no
//! epoch: the whole string is the version). The release is the part after the last
//! `-`. A missing epoch is `0`. A version without a release sorts before the same
//! version with one (`1 < 1-0`, `1 < 1-`), as in osv-scalibr's Red Hat comparator.

use std::cmp::Ordering;

#[derive(Debug, Clone)]
pub(crate) struct Evr {
    /// Byte range of the epoch digits (empty: epoch 0).
    epoch: (usize, usize),
    version: (usize, usize),
    /// Byte range of the release, if there is a `-`.
    release: Option<(usize, usize)>,
}

pub(crate) fn parse(s: &str) -> Result<Evr, &'static str> {
    if s.is_empty() {
        return Err("version string is empty");
    }
    let (epoch, rest) = match s.find(':') {
        Some(c) if s.as_bytes()[..c].iter().all(u8::is_ascii_digit) => ((0, c), c + 1),
        _ => ((0, 0), 0),
    };
    let (version, release) = match s[rest..].rfind('-') {
        Some(h) => ((rest, rest + h), Some((rest + h + 1, s.len()))),
        None => ((rest, s.len()), None),
    };
    Ok(Evr {
        epoch,
        version,
        release,
    })
}

pub(crate) fn cmp(a_raw: &str, a: &Evr, b_raw: &str, b: &Evr) -> Ordering {
    let (ab, bb) = (a_raw.as_bytes(), b_raw.as_bytes());
    crate::cmp_digits(&ab[a.epoch.0..a.epoch.1], &bb[b.epoch.0..b.epoch.1])
        .then_with(|| {
            let (x, y) = (&ab[a.version.0..a.version.1], &bb[b.version.0..b.version.1]);
            match (x.is_empty(), y.is_empty()) {
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                _ => vercmp(x, y),
            }
        })
        .then_with(|| match (a.release, b.release) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => vercmp(&ab[x.0..x.1], &bb[y.0..y.1]),
        })
}

/// rpm's `rpmvercmp` on two version (or release) strings: alternating runs of digits
/// and letters, other characters only separate, `~` sorts before anything (even the
/// end), `^` after the end but before anything else.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    vercmp(a.as_bytes(), b.as_bytes())
}

fn vercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let sep = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && sep(a[i]) {
            i += 1;
        }
        while j < b.len() && sep(b[j]) {
            j += 1;
        }
        let (ac, bc) = (a.get(i).copied(), b.get(j).copied());
        if ac == Some(b'~') || bc == Some(b'~') {
            if ac != Some(b'~') {
                return Ordering::Greater;
            }
            if bc != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ac == Some(b'^') || bc == Some(b'^') {
            if ac.is_none() {
                return Ordering::Less;
            }
            if bc.is_none() {
                return Ordering::Greater;
            }
            if ac != Some(b'^') {
                return Ordering::Greater;
            }
            if bc != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(ac), Some(_)) = (ac, bc) else {
            break;
        };
        let numeric = ac.is_ascii_digit();
        let class = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let si = i;
        while i < a.len() && class(&a[i]) {
            i += 1;
        }
        let sj = j;
        while j < b.len() && class(&b[j]) {
            j += 1;
        }
        let (x, y) = (&a[si..i], &b[sj..j]);
        if y.is_empty() {
            // Segments of different kinds: a number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let o = if numeric {
            crate::cmp_digits(x, y)
        } else {
            x.cmp(y)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}
