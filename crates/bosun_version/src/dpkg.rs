//! Debian versions, after dpkg's `parseversion` and `verrevcmp` (lib/dpkg/version.c).
//!
//! `[epoch:]upstream[-revision]`: the epoch is everything before the first `:`, the
//! revision everything after the last `-`. A missing revision compares like `0`
//! (dpkg's rule: `1.0` = `1.0-0`).

use std::cmp::Ordering;
use std::ops::Range;

#[derive(Debug, Clone)]
pub(crate) struct Dpkg {
    epoch: u32,
    upstream: Range<usize>,
    revision: Range<usize>,
}

pub(crate) fn parse(s: &str) -> Result<Dpkg, &'static str> {
    // dpkg trims surrounding blanks and refuses embedded ones.
    let start = s.len() - s.trim_start().len();
    let t = s.trim();
    if t.is_empty() {
        return Err("version string is empty");
    }
    if t.bytes().any(|c| c.is_ascii_whitespace()) {
        return Err("version string has embedded spaces");
    }
    let (epoch, rest_start) = match t.find(':') {
        Some(colon) => {
            let e = &t[..colon];
            if e.is_empty() || !e.bytes().all(|c| c.is_ascii_digit()) {
                return Err("epoch in version is not a number");
            }
            let epoch: u32 = e.parse().map_err(|_| "epoch in version is too big")?;
            if epoch > i32::MAX as u32 {
                return Err("epoch in version is too big");
            }
            if colon + 1 == t.len() {
                return Err("nothing after colon in version number");
            }
            (epoch, colon + 1)
        }
        None => (0, 0),
    };
    let rest = &t[rest_start..];
    let (up, rev) = match rest.rfind('-') {
        Some(h) => {
            if h + 1 == rest.len() {
                return Err("revision number is empty");
            }
            (0..h, h + 1..rest.len())
        }
        None => (0..rest.len(), rest.len()..rest.len()),
    };
    if up.is_empty() {
        return Err("version number is empty");
    }
    let off = start + rest_start;
    Ok(Dpkg {
        epoch,
        upstream: up.start + off..up.end + off,
        revision: rev.start + off..rev.end + off,
    })
}

pub(crate) fn cmp(a_raw: &str, a: &Dpkg, b_raw: &str, b: &Dpkg) -> Ordering {
    a.epoch
        .cmp(&b.epoch)
        .then_with(|| {
            verrevcmp(
                &a_raw.as_bytes()[a.upstream.clone()],
                &b_raw.as_bytes()[b.upstream.clone()],
            )
        })
        .then_with(|| {
            verrevcmp(
                &a_raw.as_bytes()[a.revision.clone()],
                &b_raw.as_bytes()[b.revision.clone()],
            )
        })
}

/// dpkg's character weight: `~` sorts before everything, even the end of the string;
/// letters before other characters.
fn order(c: u8) -> i32 {
    if c.is_ascii_digit() {
        0
    } else if c.is_ascii_alphabetic() {
        c as i32
    } else if c == b'~' {
        -1
    } else if c != 0 {
        c as i32 + 256
    } else {
        0
    }
}

fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let at = |i: usize| a.get(i).copied().unwrap_or(0);
    let bt = |i: usize| b.get(i).copied().unwrap_or(0);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let mut first_diff = 0i32;
        while (i < a.len() && !at(i).is_ascii_digit()) || (j < b.len() && !bt(j).is_ascii_digit()) {
            let ac = order(at(i));
            let bc = order(bt(j));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while at(i) == b'0' {
            i += 1;
        }
        while bt(j) == b'0' {
            j += 1;
        }
        while at(i).is_ascii_digit() && bt(j).is_ascii_digit() {
            if first_diff == 0 {
                first_diff = at(i) as i32 - bt(j) as i32;
            }
            i += 1;
            j += 1;
        }
        if at(i).is_ascii_digit() {
            return Ordering::Greater;
        }
        if bt(j).is_ascii_digit() {
            return Ordering::Less;
        }
        if first_diff != 0 {
            return first_diff.cmp(&0);
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        let (x, y) = (parse(a).unwrap(), parse(b).unwrap());
        cmp(a, &x, b, &y)
    }

    #[test]
    fn dpkg_basics() {
        assert_eq!(c("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(c("1.0", "1.0-0"), Ordering::Equal);
        assert_eq!(c("1:0.1", "2.0"), Ordering::Greater);
        assert_eq!(c("1.0+dfsg-1", "1.0-1"), Ordering::Greater);
        assert_eq!(c("2.30-2ubuntu1", "2.30-2"), Ordering::Greater);
        assert_eq!(c(" 1.0 ", "1.0"), Ordering::Equal);
        for bad in ["", "a:1", "1:", "1.0-", "1 0", ":1", "-1"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
