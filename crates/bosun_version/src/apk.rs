//! Alpine versions, after apk-tools 3's tokenizer (src/version.c):
//! `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`.
//!
//! Like `apk version -t`, comparison never fails: a version that stops being valid
//! part-way compares token by token up to that point, and the invalid rest sorts
//! below any valid continuation. [`apk_is_valid`] says whether a string is a valid
//! apk version.

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

pub(crate) fn cmp(a: &str, b: &str) -> Ordering {
    compare_fuzzy(a, b, false)
}

/// Parsing in the apk scheme only refuses the empty string; see the module docs.
pub(crate) fn check(s: &str) -> Result<(), &'static str> {
    if s.is_empty() {
        Err("version string is empty")
    } else {
        Ok(())
    }
}

/// Whether `s` is a valid apk version (apk-tools' `apk_version_validate`).
pub fn apk_is_valid(s: &str) -> bool {
    let mut t = Scanner::new(s);
    while t.token < Tok::End {
        t.next();
    }
    t.token == Tok::End
}

/// apk's fuzzy match (`~` in a dependency): true when `pattern` is a token-wise
/// prefix of `version`, so `3.6.9 ~ 3.6` but not `3.60 ~ 3.6`.
pub fn apk_fuzzy_match(version: &str, pattern: &str) -> bool {
    compare_fuzzy(version, pattern, true) == Ordering::Equal
}
