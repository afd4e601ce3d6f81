//! SemVer 2.0 precedence for the SemVer ecosystems (npm, crates.io, Hex, Pub) and Go.
//!
//! Tolerant the way OSV's data needs (and osv-scalibr is): a leading `v`, any number
//! of numeric parts (missing ones are 0; parts after the third join the prerelease,
//! so `1.1.3.4` sorts like `1.1.3-.4`), a prerelease without `-` (`1.0.0rc1`), and
//! numbers of any length. On strict SemVer 2.0 input this is exactly SemVer 2.0
//! precedence: build metadata is ignored, a prerelease sorts before its release,
//! numeric identifiers compare by value and before alphanumeric ones, which compare
//! in ASCII order, and a longer identifier list wins a tie.
//!
//! Go: `+incompatible` is build metadata, so ignored; pseudo-versions
//! (`v0.0.0-20191109021931-daa7c04131f5`) are prereleases and order as such. Go
//! toolchain versions as the Go vulndb writes them for `stdlib` (`1.21.4`) and as
//! `go version` prints them (`go1.21.4`, `go1.21rc2`, `go1.21beta1`) are accepted:
//! `go1.21rc2` is `1.21.0-rc.2` and `go1.21` is `1.21.0`.

use std::cmp::Ordering;

#[derive(Debug, Clone)]
pub(crate) struct SemVer {
    /// Byte ranges of the numeric parts in the input (at most three, four for NuGet;
    /// absent parts count as 0).
    core: [(usize, usize); 4],
    ncore: u8,
    /// The prerelease-and-build text, when it is a slice of the input.
    tail: (usize, usize),
    /// The prerelease-and-build text, when it had to be rebuilt (extra numeric parts,
    /// Go toolchain versions).
    owned_tail: Option<Box<str>>,
}

pub(crate) fn parse(s: &str) -> Result<SemVer, &'static str> {
    parse_at(s, 0, 3)
}

/// NuGet: four numeric parts (`1.2.3.4`), the rest compared like SemVer but with
/// prerelease labels case-insensitive (see [`cmp_nuget`]).
pub(crate) fn parse_nuget(s: &str) -> Result<SemVer, &'static str> {
    parse_at(s, 0, 4)
}

fn parse_at(s: &str, start: usize, max: u8) -> Result<SemVer, &'static str> {
    let b = s.as_bytes();
    let mut i = start;
    if b.get(i) == Some(&b'v') {
        i += 1;
    }
    let mut core = [(0, 0); 4];
    let mut ncore = 0u8;
    let mut extra: Vec<(usize, usize)> = Vec::new();
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if ncore < max {
                core[ncore as usize] = (st, i);
                ncore += 1;
            } else {
                extra.push((st, i));
            }
        } else if b[i] == b'.' {
            i += 1;
        } else {
            break;
        }
    }
    if ncore == 0 {
        return Err("does not start with a number");
    }
    let tail = (i, b.len());
    let owned_tail = if extra.is_empty() {
        None
    } else {
        let mut t = s[i..].to_string();
        for (x, y) in extra {
            t.push('.');
            let d = s[x..y].trim_start_matches('0');
            t.push_str(if d.is_empty() { "0" } else { d });
        }
        Some(t.into_boxed_str())
    };
    Ok(SemVer {
        core,
        ncore,
        tail,
        owned_tail,
    })
}

/// Go modules and Go toolchain versions.
pub(crate) fn parse_go(s: &str) -> Result<SemVer, &'static str> {
    let digits_at = |i: usize| s.as_bytes().get(i).is_some_and(u8::is_ascii_digit);
    let start = if s.starts_with("go") && digits_at(2) {
        2
    } else {
        0
    };
    let body = &s[start..];
    // A toolchain prerelease: `1.21rc2`, `1.21.0rc1`, `1.9beta1`.
    let num_end = body
        .bytes()
        .position(|c| !(c.is_ascii_digit() || c == b'.'))
        .unwrap_or(body.len());
    let (num, rest) = body.split_at(num_end);
    let kind_end = rest
        .bytes()
        .position(|c| !c.is_ascii_lowercase())
        .unwrap_or(rest.len());
    let (kind, n) = rest.split_at(kind_end);
    if !num.is_empty()
        && matches!(kind, "alpha" | "beta" | "rc")
        && !n.is_empty()
        && n.bytes().all(|c| c.is_ascii_digit())
    {
        let mut v = parse_at(s, start, 3)?;
        let parts = num.split('.').filter(|p| !p.is_empty()).count();
        if parts <= 3 {
            v.tail = (0, 0);
            v.owned_tail = Some(format!("-{kind}.{n}").into_boxed_str());
            return Ok(v);
        }
    }
    let v = parse_at(s, start, 3)?;
    if start == 0 && s.starts_with("go") {
        return Err("not a Go version");
    }
    Ok(v)
}

fn tail<'a>(raw: &'a str, v: &'a SemVer) -> &'a str {
    match &v.owned_tail {
        Some(t) => t,
        None => &raw[v.tail.0..v.tail.1],
    }
}

pub(crate) fn cmp(a_raw: &str, a: &SemVer, b_raw: &str, b: &SemVer) -> Ordering {
    cmp_core(a_raw, a, b_raw, b).then_with(|| cmp_prerelease(tail(a_raw, a), tail(b_raw, b)))
}

/// NuGet.Versioning: like SemVer, prerelease labels compare case-insensitively.
pub(crate) fn cmp_nuget(a_raw: &str, a: &SemVer, b_raw: &str, b: &SemVer) -> Ordering {
    cmp_core(a_raw, a, b_raw, b).then_with(|| {
        let (x, y) = (tail(a_raw, a), tail(b_raw, b));
        if x.bytes().any(|c| c.is_ascii_uppercase()) || y.bytes().any(|c| c.is_ascii_uppercase()) {
            cmp_prerelease(&x.to_ascii_lowercase(), &y.to_ascii_lowercase())
        } else {
            cmp_prerelease(x, y)
        }
    })
}

fn cmp_core(a_raw: &str, a: &SemVer, b_raw: &str, b: &SemVer) -> Ordering {
    let (ab, bb) = (a_raw.as_bytes(), b_raw.as_bytes());
    for k in 0..4 {
        let x = if k < a.ncore as usize {
            &ab[a.core[k].0..a.core[k].1]
        } else {
            b"0"
        };
        let y = if k < b.ncore as usize {
            &bb[b.core[k].0..b.core[k].1]
        } else {
            b"0"
        };
        let o = crate::cmp_digits(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Compares two prerelease-and-build tails (`-rc.1+build`, `rc1`, ``).
pub(crate) fn cmp_prerelease(a: &str, b: &str) -> Ordering {
    let (a, b) = (strip_build(a), strip_build(b));
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    cmp_identifiers(a.split('.'), b.split('.'))
}

fn strip_build(s: &str) -> &str {
    let s = s.split('+').next().unwrap_or("");
    s.strip_prefix('-').unwrap_or(s)
}

/// SemVer 2.0 rule 11 over two lists of dot-separated identifiers.
pub(crate) fn cmp_identifiers<'a>(
    mut a: impl Iterator<Item = &'a str>,
    mut b: impl Iterator<Item = &'a str>,
) -> Ordering {
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let xn = !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
                let yn = !y.is_empty() && y.bytes().all(|c| c.is_ascii_digit());
                let o = match (xn, yn) {
                    (true, true) => crate::cmp_digits(x.as_bytes(), y.as_bytes()),
                    (false, false) => x.cmp(y),
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}
