//! Alpine versions: `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`.
//!
//! apk-tools 2 (what released Alpine ships) and apk-tools 3 disagree on malformed
//! versions (`6.6.2p1`, `1-r`, `0..1`), and OSV's Alpine data contains them. The
//! ordering here follows osv-scalibr's Alpine model, whose known-answer files were
//! made with `apk version -t` and record each disagreement, plus apk-tools 3's
//! ordering of `~hash` commit suffixes (after the suffixes, before `-r#`), arranged
//! as a total order (field by field, see [`cmp`]) so that sorting versions can never
//! meet a contradiction. On well-formed versions both apk-tools agree with it:
//! numbers compare by value, except that a non-first component with a leading zero
//! compares as text; a letter sorts after none; `_alpha` < `_beta` < `_pre` < `_rc` <
//! no suffix < `_cvs` < `_svn` < `_git` < `_hg` < `_p`; then `-r#`. Parsing never
//! fails (except on the empty string): an unreadable rest sorts below a clean end,
//! and two unreadable versions that agree so far compare as text. One osv-scalibr
//! answer (`1-ruff2 = 1--ruff1`) cannot be part of a total order; this says `>`,
//! as apk-tools 3.x does.
//!
//! [`apk_is_valid`] and [`apk_fuzzy_match`] follow apk-tools 3 exactly
//! (`apk_version_validate`, `apk_version_compare_fuzzy` in src/version.c).

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tok {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    Invalid,
}

// Suffix weights; `NONE` (no suffix) is the pivot between pre- and post-releases.
const SUFFIX_INVALID: u8 = 0;
const SUFFIX_NONE: u8 = 5;

fn suffix_value(s: &[u8]) -> u8 {
    match s {
        b"alpha" => 1,
        b"beta" => 2,
        b"pre" => 3,
        b"rc" => 4,
        b"cvs" => 6,
        b"svn" => 7,
        b"git" => 8,
        b"hg" => 9,
        b"p" => 10,
        _ => SUFFIX_INVALID,
    }
}

struct Scanner<'a> {
    s: &'a [u8],
    pos: usize,
    token: Tok,
    suffix: u8,
    number: u64,
    value: (usize, usize),
}

impl<'a> Scanner<'a> {
    fn new(s: &'a str) -> Self {
        let mut t = Scanner {
            s: s.as_bytes(),
            pos: 0,
            token: Tok::InitialDigit,
            suffix: 0,
            number: 0,
            value: (0, 0),
        };
        t.digits();
        t
    }

    fn value(&self) -> &'a [u8] {
        &self.s[self.value.0..self.value.1]
    }

    fn digits(&mut self) {
        let start = self.pos;
        let mut n: u64 = 0;
        while let Some(c) = self.s.get(self.pos).filter(|c| c.is_ascii_digit()) {
            n = n.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            self.pos += 1;
        }
        self.number = n;
        self.value = (start, self.pos);
        if start == self.pos {
            self.token = Tok::Invalid;
        }
    }

    fn span(&mut self, pred: impl Fn(u8) -> bool) {
        let start = self.pos;
        while self.s.get(self.pos).is_some_and(|&c| pred(c)) {
            self.pos += 1;
        }
        self.value = (start, self.pos);
    }

    fn next(&mut self) {
        let Some(&c) = self.s.get(self.pos) else {
            self.token = Tok::End;
            return;
        };
        match c {
            b'a'..=b'z' => {
                if self.token > Tok::Digit {
                    return self.invalid();
                }
                self.value = (self.pos, self.pos + 1);
                self.token = Tok::Letter;
                self.pos += 1;
            }
            b'.' | b'0'..=b'9' => {
                if c == b'.' {
                    if self.token > Tok::Digit {
                        return self.invalid();
                    }
                    self.pos += 1;
                }
                self.token = match self.token {
                    Tok::InitialDigit | Tok::Digit => Tok::Digit,
                    Tok::Suffix => Tok::SuffixNo,
                    _ => return self.invalid(),
                };
                self.digits();
            }
            b'_' => {
                if self.token > Tok::SuffixNo {
                    return self.invalid();
                }
                self.pos += 1;
                self.span(|c| c.is_ascii_lowercase());
                self.suffix = suffix_value(self.value());
                if self.suffix == SUFFIX_INVALID {
                    return self.invalid();
                }
                self.token = Tok::Suffix;
            }
            b'~' => {
                if self.token >= Tok::CommitHash {
                    return self.invalid();
                }
                self.pos += 1;
                self.span(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
                if self.value.0 == self.value.1 {
                    return self.invalid();
                }
                self.token = Tok::CommitHash;
            }
            b'-' => {
                if self.token >= Tok::RevisionNo || self.s.get(self.pos + 1) != Some(&b'r') {
                    return self.invalid();
                }
                self.pos += 2;
                self.token = Tok::RevisionNo;
                self.digits();
            }
            _ => self.invalid(),
        }
    }

    fn invalid(&mut self) {
        self.token = Tok::Invalid;
    }
}

fn token_cmp(a: &Scanner<'_>, b: &Scanner<'_>) -> Ordering {
    let (x, y) = match a.token {
        Tok::Digit if a.value()[0] == b'0' || b.value()[0] == b'0' => {
            // A leading zero: raw string comparison, as in Gentoo's rules.
            return a.value().cmp(b.value());
        }
        Tok::Digit | Tok::InitialDigit | Tok::SuffixNo | Tok::RevisionNo => (a.number, b.number),
        Tok::Letter => (u64::from(a.value()[0]), u64::from(b.value()[0])),
        Tok::Suffix => (u64::from(a.suffix), u64::from(b.suffix)),
        _ => return a.value().cmp(b.value()),
    };
    x.cmp(&y)
}

/// apk-tools 3's `apk_version_compare_fuzzy`.
fn compare_fuzzy(a: &str, b: &str, fuzzy: bool) -> Ordering {
    let (mut ta, mut tb) = (Scanner::new(a), Scanner::new(b));
    while ta.token == tb.token && ta.token < Tok::End {
        let r = token_cmp(&ta, &tb);
        if r != Ordering::Equal {
            return r;
        }
        ta.next();
        tb.next();
    }
    if ta.token == tb.token || (tb.token == Tok::End && fuzzy) {
        return Ordering::Equal;
    }
    // Equal so far: the longer one is newer unless what follows is a pre-release
    // suffix; an invalid rest is older than any valid one.
    if ta.token == Tok::Suffix && ta.suffix < SUFFIX_NONE {
        return Ordering::Less;
    }
    if tb.token == Tok::Suffix && tb.suffix < SUFFIX_NONE {
        return Ordering::Greater;
    }
    tb.token.cmp(&ta.token)
}

/// An Alpine version split the way osv-scalibr's Alpine comparator splits it:
/// `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}` and a remainder.
#[derive(Debug, Clone)]
pub(crate) struct Apk {
    /// The remainder could not be read as a `-r#` build component.
    invalid: bool,
    /// Byte ranges of the numeric components.
    comps: Vec<(u32, u32)>,
    letter: Option<u8>,
    /// Suffix weight and the byte range of its number (empty: 0).
    suffixes: Vec<(u8, u32, u32)>,
    hash: Option<(u32, u32)>,
    /// Byte range of the `-r` number (empty: 0).
    build: (u32, u32),
    /// Where the unread rest starts (the input's length when there is none).
    rest: u32,
}

// Suffix weights: pre-releases, then no suffix, then post-releases.
const SUFFIXES: [(&str, u8); 9] = [
    ("alpha", 0),
    ("beta", 1),
    ("pre", 2),
    ("rc", 3),
    ("cvs", 5),
    ("svn", 6),
    ("git", 7),
    ("hg", 8),
    ("p", 9),
];
const NO_SUFFIX: u8 = 4;

fn digits_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// Finds `_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)` at byte `i`.
fn suffix_at(b: &[u8], i: usize) -> Option<(u8, usize, usize)> {
    if b.get(i) != Some(&b'_') {
        return None;
    }
    let rest = &b[i + 1..];
    let (name, w) = SUFFIXES
        .iter()
        .find(|(n, _)| rest.starts_with(n.as_bytes()))?;
    let ds = i + 1 + name.len();
    Some((*w, ds, digits_end(b, ds)))
}

pub(crate) fn parse(s: &str) -> Result<Apk, &'static str> {
    if s.is_empty() {
        return Err("version string is empty");
    }
    let b = s.as_bytes();
    let mut v = Apk {
        invalid: false,
        comps: Vec::new(),
        letter: None,
        suffixes: Vec::new(),
        hash: None,
        build: (0, 0),
        rest: 0,
    };
    // Numeric components: `(\d+\.?)*`.
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        let e = digits_end(b, i);
        v.comps.push((i as u32, e as u32));
        i = e;
        if b.get(i) == Some(&b'.') {
            i += 1;
        }
    }
    if b.get(i).is_some_and(u8::is_ascii_lowercase) {
        v.letter = Some(b[i]);
        i += 1;
    }
    // Every suffix anywhere in the rest counts; only leading ones are consumed.
    let mut j = i;
    let mut consumed = true;
    while j < b.len() {
        match suffix_at(b, j) {
            Some((w, ds, de)) => {
                v.suffixes.push((w, ds as u32, de as u32));
                if consumed && j == i {
                    i = de;
                } else {
                    consumed = false;
                }
                j = de;
            }
            None => j += 1,
        }
    }
    if b.get(i) == Some(&b'~') {
        let mut e = i + 1;
        while e < b.len() && (b[e].is_ascii_digit() || (b'a'..=b'f').contains(&b[e])) {
            e += 1;
        }
        if e > i + 1 {
            v.hash = Some(((i + 1) as u32, e as u32));
            i = e;
        }
    }
    if i < b.len() {
        if b[i..].starts_with(b"-r") {
            let e = digits_end(b, i + 2);
            v.build = ((i + 2) as u32, e as u32);
            i = e;
        } else {
            v.invalid = true;
        }
    }
    v.rest = i as u32;
    Ok(v)
}

fn sl(s: &str, r: (u32, u32)) -> &[u8] {
    &s.as_bytes()[r.0 as usize..r.1 as usize]
}

/// How a version ends: a clean end sorts above a rest after a `-r#` (ignored
/// otherwise), which sorts above text that could not be read.
fn tail_rank(raw: &str, v: &Apk) -> u8 {
    if v.rest as usize == raw.len() {
        2
    } else if !v.invalid {
        1
    } else {
        0
    }
}

/// A total order (so that sorting never meets a contradiction), field by field:
/// numeric components (a missing one sorts first: `1 < 1.0`), the letter, the
/// suffixes, the commit hash, `-r#`, then how the version ends; two unreadable rests
/// compare as text.
pub(crate) fn cmp(a_raw: &str, a: &Apk, b_raw: &str, b: &Apk) -> Ordering {
    for k in 0..a.comps.len().max(b.comps.len()) {
        let (x, y) = match (a.comps.get(k), b.comps.get(k)) {
            (Some(&x), Some(&y)) => (sl(a_raw, x), sl(b_raw, y)),
            (x, y) => return x.is_some().cmp(&y.is_some()),
        };
        // After the first, a component with a leading zero compares as text (so
        // all of them sort below the others, as in apk-tools 3).
        let o = if k > 0 && (x[0] == b'0' || y[0] == b'0') {
            x.cmp(y)
        } else {
            crate::cmp_digits(x, y)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    let o = a.letter.cmp(&b.letter);
    if o != Ordering::Equal {
        return o;
    }
    for k in 0..a.suffixes.len().max(b.suffixes.len()) {
        let (xw, xn) = a
            .suffixes
            .get(k)
            .map_or((NO_SUFFIX, &b""[..]), |&(w, s, e)| (w, sl(a_raw, (s, e))));
        let (yw, yn) = b
            .suffixes
            .get(k)
            .map_or((NO_SUFFIX, &b""[..]), |&(w, s, e)| (w, sl(b_raw, (s, e))));
        let o = xw.cmp(&yw).then_with(|| crate::cmp_digits(xn, yn));
        if o != Ordering::Equal {
            return o;
        }
    }
    // apk-tools 3 orders commit hashes as strings, after the suffixes.
    let o = match (a.hash, b.hash) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => sl(a_raw, x).cmp(sl(b_raw, y)),
    };
    if o != Ordering::Equal {
        return o;
    }
    let o = crate::cmp_digits(sl(a_raw, a.build), sl(b_raw, b.build));
    if o != Ordering::Equal {
        return o;
    }
    let (ra, rb) = (tail_rank(a_raw, a), tail_rank(b_raw, b));
    // Two unreadable versions that agree so far compare as text.
    ra.cmp(&rb).then_with(|| {
        if ra == 0 {
            a_raw.cmp(b_raw)
        } else {
            Ordering::Equal
        }
    })
}

/// Whether `s` is a valid apk version (apk-tools' `apk_version_validate`).
pub fn apk_is_valid(s: &str) -> bool {
    let mut t = Scanner::new(s);
    while t.token < Tok::End {
        t.next();
    }
    t.token == Tok::End
}

/// apk's fuzzy comparison (`~`, `<~`, `>~` in a dependency): `Equal` when `pattern`
/// is a token-wise prefix of `version` (`3.6.9 ~ 3.6`, but not `3.60 ~ 3.6`), else
/// the order of the two (apk-tools 3's `apk_version_compare_fuzzy`).
pub fn apk_fuzzy_cmp(version: &str, pattern: &str) -> Ordering {
    compare_fuzzy(version, pattern, true)
}
