//! npm's range language, after node-semver (`classes/range.js`,
//! `classes/comparator.js`, `internal/re.js`, `ranges/outside.js`).
//!
//! A range is one or more comparator sets joined by `||`; a version satisfies it when
//! it satisfies every comparator of some set. Sugar expands to comparators the way
//! node-semver rewrites it: hyphen ranges (`1.2 - 2` is `>=1.2.0 <3.0.0-0`), x-ranges
//! (`1.x`, `*`, `1`), tilde (`~1.2.3` is `>=1.2.3 <1.3.0-0`), caret (`^0.2.3` is
//! `>=0.2.3 <0.3.0-0`). npm's prerelease rule: a version with a prerelease tag only
//! satisfies a set in which some comparator names the same `major.minor.patch` with a
//! prerelease (unless `include_prerelease`).
//!
//! node-semver's regular expressions are replaced by small hand-written matchers of
//! the same grammar; the rewriting steps keep node-semver's order, because their
//! interplay is the semantics (`~> 1` is `~1`, `> =1` is `>=1`).

use std::cmp::Ordering;

use crate::{Scheme, VersionError};

/// Options of node-semver's range functions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NpmOptions {
    /// node-semver's `loose`: accept sloppy versions such as `1.2.3beta`, `=1.2.3`,
    /// `01.2.3`.
    pub loose: bool,
    /// node-semver's `includePrerelease`: let prereleases match any range.
    pub include_prerelease: bool,
}

/// node-semver's `MAX_SAFE_COMPONENT_LENGTH`-free limits: versions longer than this
/// are invalid, numbers above JavaScript's safe integers are invalid.
const MAX_LENGTH: usize = 256;
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

#[derive(Debug, Clone, PartialEq, Eq)]
enum PreId {
    Num(u64),
    Str(Box<str>),
}

/// A version as node-semver reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NpmVersion {
    major: u64,
    minor: u64,
    patch: u64,
    pre: Vec<PreId>,
}

impl NpmVersion {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for k in 0..self.pre.len().max(o.pre.len()) {
                        let r = match (self.pre.get(k), o.pre.get(k)) {
                            (None, None) => Ordering::Equal,
                            (None, Some(_)) => Ordering::Less,
                            (Some(_), None) => Ordering::Greater,
                            (Some(PreId::Num(a)), Some(PreId::Num(b))) => a.cmp(b),
                            (Some(PreId::Num(_)), Some(PreId::Str(_))) => Ordering::Less,
                            (Some(PreId::Str(_)), Some(PreId::Num(_))) => Ordering::Greater,
                            (Some(PreId::Str(a)), Some(PreId::Str(b))) => a.cmp(b),
                        };
                        if r != Ordering::Equal {
                            return r;
                        }
                    }
                    Ordering::Equal
                }
            })
    }

    /// `SemVer.format()`: no build metadata.
    fn format(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        for (k, p) in self.pre.iter().enumerate() {
            s.push(if k == 0 { '-' } else { '.' });
            match p {
                PreId::Num(n) => s.push_str(&n.to_string()),
                PreId::Str(x) => s.push_str(x),
            }
        }
        s
    }
}

// ---- the grammar of internal/re.js ----

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn digits_end(b: &[u8], i: usize) -> usize {
    let mut e = i;
    while e < b.len() && b[e].is_ascii_digit() {
        e += 1;
    }
    e
}

/// A numeric identifier at `i`: `0|[1-9]\d*` (strict) or `\d+` (loose); its end.
fn numeric_id(b: &[u8], i: usize, loose: bool) -> Option<usize> {
    let e = digits_end(b, i);
    if e == i {
        return None;
    }
    if !loose && b[i] == b'0' {
        return Some(i + 1);
    }
    Some(e)
}

/// One prerelease identifier that is all of `id`.
fn valid_pre_id(id: &[u8], loose: bool) -> bool {
    if id.is_empty() || !id.iter().all(|&c| is_ident_char(c)) {
        return false;
    }
    if id.iter().all(u8::is_ascii_digit) {
        loose || id == b"0" || id[0] != b'0'
    } else {
        true
    }
}

/// The byte ranges of the parts of an x-range or version, all optional past major.
#[derive(Debug, Default, Clone, Copy)]
struct Parts {
    major: (usize, usize),
    minor: Option<(usize, usize)>,
    patch: Option<(usize, usize)>,
    pre: Option<(usize, usize)>,
    build: Option<(usize, usize)>,
}

/// `[v=\s]*` (`v?` for a strict full version) then `M(.m(.p PRE? BUILD?)?)?`, matched
/// against all of `s` from `start`. With `xrange`, parts may be `x`, `X` or `*`;
/// without, all three numbers are required.
fn match_plain(s: &str, start: usize, loose: bool, xrange: bool, strict_v: bool) -> Option<Parts> {
    let b = s.as_bytes();
    let mut i = start;
    if strict_v {
        if b.get(i) == Some(&b'v') {
            i += 1;
        }
    } else {
        while i < b.len() && (b[i] == b'v' || b[i] == b'=' || b[i].is_ascii_whitespace()) {
            i += 1;
        }
    }
    let ident = |i: usize| -> Option<usize> {
        if xrange && matches!(b.get(i), Some(b'x' | b'X' | b'*')) {
            return Some(i + 1);
        }
        numeric_id(b, i, loose)
    };
    let mut p = Parts::default();
    let e = ident(i)?;
    p.major = (i, e);
    i = e;
    if b.get(i) == Some(&b'.') {
        let e = ident(i + 1)?;
        p.minor = Some((i + 1, e));
        i = e;
        if b.get(i) == Some(&b'.') {
            let e = ident(i + 1)?;
            p.patch = Some((i + 1, e));
            i = e;
            // Prerelease: `-ids` (strict) or `-?ids` (loose, where `-` alone is also
            // an identifier).
            let mut candidates = [None, None];
            if b.get(i) == Some(&b'-') {
                candidates[0] = Some(i + 1);
            }
            if loose && b.get(i).is_some_and(|&c| is_ident_char(c)) {
                candidates[1] = Some(i);
            }
            for ps in candidates.into_iter().flatten() {
                let mut e = ps;
                while e < b.len() && (is_ident_char(b[e]) || b[e] == b'.') {
                    e += 1;
                }
                let text = &b[ps..e];
                if !text.is_empty() && text.split(|&c| c == b'.').all(|id| valid_pre_id(id, loose))
                {
                    p.pre = Some((ps, e));
                    i = e;
                    break;
                }
            }
            if b.get(i) == Some(&b'+') {
                let bs = i + 1;
                let mut e = bs;
                while e < b.len() && (is_ident_char(b[e]) || b[e] == b'.') {
                    e += 1;
                }
                let text = &b[bs..e];
                if text.is_empty() || text.split(|&c| c == b'.').any(|id| id.is_empty()) {
                    return None;
                }
                p.build = Some((bs, e));
                i = e;
            }
        }
    }
    if !xrange && p.patch.is_none() {
        return None;
    }
    (i == b.len()).then_some(p)
}

fn is_x(s: Option<&str>) -> bool {
    match s {
        None => true,
        Some(x) => x.is_empty() || x == "x" || x == "X" || x == "*",
    }
}

fn num(s: &str) -> Option<u64> {
    let n: u64 = s.parse().ok()?;
    (n <= MAX_SAFE_INTEGER).then_some(n)
}

/// `new SemVer(version, { loose })`.
fn parse_version(version: &str, loose: bool) -> Option<NpmVersion> {
    if version.len() > MAX_LENGTH {
        return None;
    }
    let t = version.trim();
    let p = match_plain(t, 0, loose, false, !loose)?;
    let get = |r: (usize, usize)| &t[r.0..r.1];
    let pre = match p.pre {
        None => Vec::new(),
        Some(r) => get(r)
            .split('.')
            .map(
                |id| match id.bytes().all(|c| c.is_ascii_digit()).then(|| num(id)) {
                    Some(Some(n)) => PreId::Num(n),
                    _ => PreId::Str(id.into()),
                },
            )
            .collect(),
    };
    Some(NpmVersion {
        major: num(get(p.major))?,
        minor: num(get(p.minor?))?,
        patch: num(get(p.patch?))?,
        pre,
    })
}

/// The x-range parts of `s` as strings (`M`, `m`, `p`, `pr`), when all of `s` is one.
struct XRange<'a> {
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    pre: Option<&'a str>,
}

fn xrange(s: &str, start: usize, loose: bool) -> Option<XRange<'_>> {
    let p = match_plain(s, start, loose, true, false)?;
    let get = |r: (usize, usize)| &s[r.0..r.1];
    Some(XRange {
        major: get(p.major),
        minor: p.minor.map(get),
        patch: p.patch.map(get),
        pre: p.pre.map(get),
    })
}

fn plus1(s: &str) -> String {
    // JavaScript's `+M + 1` on a digit string.
    match s.parse::<u64>() {
        Ok(n) => (n + 1).to_string(),
        Err(_) => format!("{s}1"),
    }
}

fn int(s: &str) -> String {
    // JavaScript's `+M` on a digit string, as it prints.
    s.parse::<u64>()
        .map_or_else(|_| s.to_string(), |n| n.to_string())
}

// ---- rewriting, in node-semver's order ----

/// `GTLT`: `((?:<|>)?=?)` at `i`; its end.
fn gtlt_end(b: &[u8], i: usize) -> usize {
    let mut e = i;
    if matches!(b.get(e), Some(b'<' | b'>')) {
        e += 1;
    }
    if b.get(e) == Some(&b'=') {
        e += 1;
    }
    e
}

/// `1.2.3 - 2.3.4` (the whole set) to `>=1.2.3 <=2.3.4`.
fn hyphen_replace(range: &str, o: NpmOptions) -> Option<String> {
    let t = range.trim();
    let mut from_pos = 0;
    while let Some(k) = t[from_pos..].find(" - ") {
        let k = from_pos + k;
        let (l, r) = (t[..k].trim_end(), t[k + 3..].trim_start());
        if let (Some(f), Some(to)) = (xrange(l, 0, o.loose), xrange(r, 0, o.loose)) {
            let z = if o.include_prerelease { "-0" } else { "" };
            let from = if is_x(Some(f.major)) {
                String::new()
            } else if is_x(f.minor) {
                format!(">={}.0.0{z}", f.major)
            } else if is_x(f.patch) {
                format!(">={}.{}.0{z}", f.major, f.minor.unwrap_or(""))
            } else if f.pre.is_some() {
                format!(">={l}")
            } else {
                format!(">={l}{z}")
            };
            let to = if is_x(Some(to.major)) {
                String::new()
            } else if is_x(to.minor) {
                format!("<{}.0.0-0", plus1(to.major))
            } else if is_x(to.patch) {
                format!("<{}.{}.0-0", to.major, plus1(to.minor.unwrap_or("")))
            } else if let Some(pr) = to.pre {
                format!(
                    "<={}.{}.{}-{pr}",
                    to.major,
                    to.minor.unwrap_or(""),
                    to.patch.unwrap_or("")
                )
            } else if o.include_prerelease {
                format!(
                    "<{}.{}.{}-0",
                    to.major,
                    to.minor.unwrap_or(""),
                    plus1(to.patch.unwrap_or(""))
                )
            } else {
                format!("<={r}")
            };
            return Some(format!("{from} {to}").trim().to_string());
        }
        from_pos = k + 1;
    }
    None
}

/// COMPARATORTRIM (`> 1.2.3` to `>1.2.3`), TILDETRIM (`~ 1` and `~> 1` to `~1`),
/// CARETTRIM (`^ 1` to `^1`) over a whitespace-collapsed set.
fn trims(s: &str, loose: bool) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'<' || c == b'>' || c == b'=' {
            let e = gtlt_end(b, i);
            let mut j = e;
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            out.push_str(&s[i..e]);
            // Drop the blanks when a version follows.
            if j > e && starts_version(s, j, loose) {
                i = j;
            } else {
                i = e;
            }
            continue;
        }
        if c == b'~' {
            let mut e = i + 1;
            if b.get(e) == Some(&b'>') {
                e += 1;
            }
            let mut j = e;
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            if j > e {
                out.push('~');
                i = j;
                continue;
            }
        }
        if c == b'^' {
            let mut j = i + 1;
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            if j > i + 1 {
                out.push('^');
                i = j;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// Whether `LOOSEPLAIN` or `XRANGEPLAIN` can start at `i` (`[v=\s]*` then a number,
/// `x`, `X` or `*`).
fn starts_version(s: &str, i: usize, loose: bool) -> bool {
    let b = s.as_bytes();
    let mut j = i;
    while j < b.len() && (b[j] == b'v' || b[j] == b'=' || b[j].is_ascii_whitespace()) {
        j += 1;
    }
    // Both grammars start with a digit, or `x`, `X`, `*` for an x-range.
    let _ = loose;
    matches!(b.get(j), Some(c) if c.is_ascii_digit() || matches!(c, b'x' | b'X' | b'*'))
}

/// The x-range after `sigil` (`^`, or `~` with an optional `>`), when all of `comp`
/// is one.
fn sugar<'a>(comp: &'a str, sigil: char, o: NpmOptions) -> Option<XRange<'a>> {
    let rest = comp.strip_prefix(sigil)?;
    let rest = if sigil == '~' {
        rest.strip_prefix('>').unwrap_or(rest)
    } else {
        rest
    };
    xrange(rest, 0, o.loose)
}

fn replace_caret(comp: &str, o: NpmOptions) -> String {
    let Some(x) = sugar(comp, '^', o) else {
        return comp.to_string();
    };
    let z = if o.include_prerelease { "-0" } else { "" };
    let (mj, mi, pa) = (x.major, x.minor.unwrap_or(""), x.patch.unwrap_or(""));
    if is_x(Some(mj)) {
        String::new()
    } else if is_x(x.minor) {
        format!(">={mj}.0.0{z} <{}.0.0-0", plus1(mj))
    } else if is_x(x.patch) {
        if mj == "0" {
            format!(">={mj}.{mi}.0{z} <{mj}.{}.0-0", plus1(mi))
        } else {
            format!(">={mj}.{mi}.0{z} <{}.0.0-0", plus1(mj))
        }
    } else {
        let lo = match x.pre {
            Some(pr) => format!(">={mj}.{mi}.{pa}-{pr}"),
            None => format!(">={mj}.{mi}.{pa}"),
        };
        if mj == "0" {
            if mi == "0" {
                format!("{lo} <{mj}.{mi}.{}-0", plus1(pa))
            } else {
                format!("{lo} <{mj}.{}.0-0", plus1(mi))
            }
        } else {
            format!("{lo} <{}.0.0-0", plus1(mj))
        }
    }
}

fn replace_tilde(comp: &str, o: NpmOptions) -> String {
    let Some(x) = sugar(comp, '~', o) else {
        return comp.to_string();
    };
    let z = if o.include_prerelease { "-0" } else { "" };
    let (mj, mi, pa) = (x.major, x.minor.unwrap_or(""), x.patch.unwrap_or(""));
    if is_x(Some(mj)) {
        String::new()
    } else if is_x(x.minor) {
        format!(">={mj}.0.0{z} <{}.0.0-0", plus1(mj))
    } else if is_x(x.patch) {
        format!(">={mj}.{mi}.0{z} <{mj}.{}.0-0", plus1(mi))
    } else if let Some(pr) = x.pre {
        format!(">={mj}.{mi}.{pa}-{pr} <{mj}.{}.0-0", plus1(mi))
    } else {
        format!(">={mj}.{mi}.{pa} <{mj}.{}.0-0", plus1(mi))
    }
}

fn replace_xrange(comp: &str, o: NpmOptions) -> String {
    let comp = comp.trim();
    let b = comp.as_bytes();
    let ge = gtlt_end(b, 0);
    let mut j = ge;
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    let Some(x) = xrange(comp, j, o.loose) else {
        return comp.to_string();
    };
    let mut gtlt = &comp[..ge];
    let xm_major = is_x(Some(x.major));
    let xm = xm_major || is_x(x.minor);
    let xp = xm || is_x(x.patch);
    let any_x = xp;
    if gtlt == "=" && any_x {
        gtlt = "";
    }
    let mut pr = if o.include_prerelease { "-0" } else { "" };
    if xm_major {
        if gtlt == ">" || gtlt == "<" {
            "<0.0.0-0".to_string()
        } else {
            "*".to_string()
        }
    } else if !gtlt.is_empty() && any_x {
        let mut mj = int(x.major);
        let mut mi = if xm {
            "0".to_string()
        } else {
            int(x.minor.unwrap_or(""))
        };
        let p = "0";
        let mut op = gtlt.to_string();
        if gtlt == ">" {
            op = ">=".into();
            if xm {
                mj = plus1(&mj);
                mi = "0".into();
            } else {
                mi = plus1(&mi);
            }
        } else if gtlt == "<=" {
            op = "<".into();
            if xm {
                mj = plus1(&mj);
            } else {
                mi = plus1(&mi);
            }
        }
        if op == "<" {
            pr = "-0";
        }
        format!("{op}{mj}.{mi}.{p}{pr}")
    } else if xm {
        format!(">={}.0.0{pr} <{}.0.0-0", x.major, plus1(x.major))
    } else if xp {
        let mi = x.minor.unwrap_or("");
        format!(">={}.{mi}.0{pr} <{}.{}.0-0", x.major, x.major, plus1(mi))
    } else {
        comp.to_string()
    }
}

/// STAR: the first `(<|>)?=?\s*\*` removed.
fn replace_stars(comp: &str) -> String {
    let t = comp.trim();
    let b = t.as_bytes();
    for i in 0..b.len() {
        let mut j = i;
        if matches!(b.get(j), Some(b'<' | b'>')) {
            j += 1;
        }
        if b.get(j) == Some(&b'=') {
            j += 1;
        }
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if b.get(j) == Some(&b'*') {
            return format!("{}{}", &t[..i], &t[j + 1..]);
        }
    }
    t.to_string()
}

fn parse_comparator_sugar(comp: &str, o: NpmOptions) -> String {
    let each = |s: &str, f: &dyn Fn(&str) -> String| -> String {
        s.split_whitespace().map(f).collect::<Vec<_>>().join(" ")
    };
    let s = each(comp, &|c| replace_caret(c, o));
    let s = each(&s, &|c| replace_tilde(c, o));
    let s = each(&s, &|c| replace_xrange(c, o));
    replace_stars(&s)
}

// ---- comparators and sets ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Comparator {
    op: Op,
    /// `None`: matches anything (node-semver's `ANY`).
    version: Option<NpmVersion>,
}

impl Comparator {
    fn value(&self) -> String {
        match &self.version {
            None => String::new(),
            Some(v) => {
                let op = match self.op {
                    Op::Eq => "",
                    Op::Lt => "<",
                    Op::Le => "<=",
                    Op::Gt => ">",
                    Op::Ge => ">=",
                };
                format!("{op}{}", v.format())
            }
        }
    }

    fn test(&self, v: &NpmVersion) -> bool {
        let Some(c) = &self.version else {
            return true;
        };
        let o = v.cmp(c);
        match self.op {
            Op::Eq => o == Ordering::Equal,
            Op::Lt => o == Ordering::Less,
            Op::Le => o != Ordering::Greater,
            Op::Gt => o == Ordering::Greater,
            Op::Ge => o != Ordering::Less,
        }
    }

    fn is_null_set(&self) -> bool {
        self.value() == "<0.0.0-0"
    }
}

/// `COMPARATOR` / `COMPARATORLOOSE`: `^GTLT\s*(FULLPLAIN)$|^$`.
fn parse_comparator(comp: &str, loose: bool) -> Option<Comparator> {
    let comp = comp.split_whitespace().collect::<Vec<_>>().join(" ");
    if comp.is_empty() {
        return Some(Comparator {
            op: Op::Eq,
            version: None,
        });
    }
    let b = comp.as_bytes();
    let e = gtlt_end(b, 0);
    let op = match &comp[..e] {
        "" | "=" => Op::Eq,
        "<" => Op::Lt,
        "<=" => Op::Le,
        ">" => Op::Gt,
        ">=" => Op::Ge,
        _ => return None,
    };
    let mut j = e;
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    match_plain(&comp, j, loose, false, !loose)?;
    let version = parse_version(&comp[j..], loose)?;
    Some(Comparator {
        op,
        version: Some(version),
    })
}

/// A parsed npm range, to test many versions against.
#[derive(Debug, Clone)]
pub struct NpmRange {
    sets: Vec<Vec<Comparator>>,
    options: NpmOptions,
}

impl NpmRange {
    /// Parses `range` (`Range` in node-semver); `Err` when node-semver would throw.
    pub fn parse(range: &str, options: NpmOptions) -> Result<NpmRange, VersionError> {
        let err = |why| VersionError::new(Scheme::SemVer, range, why);
        if range.len() > 4 * crate::MAX_LEN {
            return Err(err("npm range is longer than 4096 bytes"));
        }
        let raw = range.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut sets = Vec::new();
        for set in raw.split("||") {
            let set = set.trim();
            let set = hyphen_replace(set, options).unwrap_or_else(|| set.to_string());
            let set = trims(&set, options.loose);
            let expanded = set
                .split(' ')
                .map(|c| parse_comparator_sugar(c, options))
                .collect::<Vec<_>>()
                .join(" ");
            let mut comps: Vec<Comparator> = Vec::new();
            let mut values: Vec<String> = Vec::new();
            let mut null_set = None;
            for c in expanded.split_whitespace().chain(
                // `"".split(/\s+/)` is `[""]`: an empty set is one ANY comparator.
                expanded.trim().is_empty().then_some(""),
            ) {
                // `>=0.0.0` (`>=0.0.0-0` with prereleases) is `*`.
                let gte0 = if options.include_prerelease {
                    ">=0.0.0-0"
                } else {
                    ">=0.0.0"
                };
                let c = if c.trim() == gte0 { "" } else { c };
                let parsed = parse_comparator(c, options.loose);
                let comp = match parsed {
                    Some(p) => p,
                    // Loose mode drops what is not a comparator; strict mode throws.
                    None if options.loose => continue,
                    None => return Err(err("invalid comparator in npm range")),
                };
                if comp.is_null_set() {
                    null_set = Some(comp);
                    break;
                }
                let v = comp.value();
                match values.iter().position(|x| *x == v) {
                    Some(k) => comps[k] = comp,
                    None => {
                        values.push(v);
                        comps.push(comp);
                    }
                }
            }
            if let Some(n) = null_set {
                sets.push(vec![n]);
                continue;
            }
            if comps.len() > 1 {
                if let Some(k) = values.iter().position(String::is_empty) {
                    comps.remove(k);
                }
            }
            if !comps.is_empty() {
                sets.push(comps);
            }
        }
        if sets.is_empty() {
            return Err(err("invalid npm range"));
        }
        if sets.len() > 1 {
            let first = sets[0].clone();
            sets.retain(|s| !s[0].is_null_set());
            if sets.is_empty() {
                sets = vec![first];
            } else if let Some(any) = sets
                .iter()
                .find(|s| s.len() == 1 && s[0].version.is_none())
                .cloned()
            {
                sets = vec![any];
            }
        }
        Ok(NpmRange { sets, options })
    }

    fn version(&self, version: &str) -> Result<NpmVersion, VersionError> {
        parse_version(version, self.options.loose)
            .ok_or_else(|| VersionError::new(Scheme::SemVer, version, "not an npm version"))
    }

    /// Whether `version` satisfies the range; `Err` when it is not a version.
    pub fn satisfied_by(&self, version: &str) -> Result<bool, VersionError> {
        let v = self.version(version)?;
        Ok(self.test(&v))
    }

    fn test(&self, v: &NpmVersion) -> bool {
        self.sets.iter().any(|set| test_set(set, v, self.options))
    }

    /// node-semver's `gtr`: `version` is above every version the range allows.
    pub fn is_below(&self, version: &str) -> Result<bool, VersionError> {
        Ok(self.outside(&self.version(version)?, true))
    }

    /// node-semver's `ltr`: `version` is below every version the range allows.
    pub fn is_above(&self, version: &str) -> Result<bool, VersionError> {
        Ok(self.outside(&self.version(version)?, false))
    }

    /// node-semver's `outside`, with `hi` for `>`.
    fn outside(&self, v: &NpmVersion, hi: bool) -> bool {
        if self.test(v) {
            return false;
        }
        let gt = |a: &NpmVersion, b: &NpmVersion| {
            let o = a.cmp(b);
            if hi {
                o == Ordering::Greater
            } else {
                o == Ordering::Less
            }
        };
        let (comp, ecomp) = if hi {
            (Op::Gt, Op::Ge)
        } else {
            (Op::Lt, Op::Le)
        };
        let zero = Comparator {
            op: Op::Ge,
            version: parse_version("0.0.0", false),
        };
        for set in &self.sets {
            let mut high: Option<&Comparator> = None;
            let mut low: Option<&Comparator> = None;
            for c in set {
                let c = if c.version.is_none() { &zero } else { c };
                let h = *high.get_or_insert(c);
                let l = *low.get_or_insert(c);
                let cv = c.version.as_ref().expect("resolved ANY");
                if gt(cv, h.version.as_ref().expect("resolved ANY")) {
                    high = Some(c);
                } else if gt(l.version.as_ref().expect("resolved ANY"), cv) {
                    low = Some(c);
                }
            }
            let (Some(high), Some(low)) = (high, low) else {
                continue;
            };
            if high.op == comp || high.op == ecomp {
                return false;
            }
            let lv = low.version.as_ref().expect("resolved ANY");
            // `ltefn(version, low)`: not beyond the low end.
            let lte = !gt(v, lv);
            let lt = gt(lv, v);
            if ((low.op == Op::Eq || low.op == comp) && lte) || (low.op == ecomp && lt) {
                return false;
            }
        }
        true
    }
}

fn test_set(set: &[Comparator], v: &NpmVersion, o: NpmOptions) -> bool {
    if !set.iter().all(|c| c.test(v)) {
        return false;
    }
    if !v.pre.is_empty() && !o.include_prerelease {
        return set.iter().any(|c| {
            c.version.as_ref().is_some_and(|a| {
                !a.pre.is_empty() && (a.major, a.minor, a.patch) == (v.major, v.minor, v.patch)
            })
        });
    }
    true
}

/// Whether `version` satisfies the npm range `range` (`^1.2.3 || >=2 <3`, x-ranges,
/// hyphen ranges, tilde, caret, npm's prerelease rule), with node-semver's default
/// options. `Err` when the range or the version does not parse (node-semver's
/// `satisfies` says `false` for both).
pub fn npm_satisfies(range: &str, version: &str) -> Result<bool, VersionError> {
    npm_satisfies_with(range, version, NpmOptions::default())
}

/// [`npm_satisfies`] with node-semver's options.
pub fn npm_satisfies_with(
    range: &str,
    version: &str,
    options: NpmOptions,
) -> Result<bool, VersionError> {
    NpmRange::parse(range, options)?.satisfied_by(version)
}

/// node-semver's `compare` of two versions (build metadata ignored); `Err` when
/// either is not a version under `options.loose`.
pub fn npm_compare(a: &str, b: &str, options: NpmOptions) -> Result<Ordering, VersionError> {
    let p = |s: &str| {
        parse_version(s, options.loose)
            .ok_or_else(|| VersionError::new(Scheme::SemVer, s, "not an npm version"))
    };
    Ok(p(a)?.cmp(&p(b)?))
}
