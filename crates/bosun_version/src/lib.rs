//! Exact version ordering for every ecosystem bosun matches vulnerabilities in.
//!
//! **Owns:** parsing and total ordering of version strings per [`Scheme`] (dpkg, rpm
//! EVR, apk, PEP 440, SemVer 2.0, Maven, Go modules, RubyGems, NuGet, Packagist), and
//! npm's range language ([`npm_satisfies`]). Nothing else: which ecosystem a package
//! belongs to, and what an advisory's ranges mean, are the matcher's business.
//!
//! ```
//! use std::cmp::Ordering;
//! use bosun_version::{compare, npm_satisfies, Scheme, Version};
//!
//! let debian = Scheme::for_ecosystem("Debian:12").unwrap();
//! assert_eq!(compare(debian, "1.0~rc1-1", "1.0-1").unwrap(), Ordering::Less);
//! let fixed = Version::parse(Scheme::Pep440, "2.0.1").unwrap();
//! assert!(Version::parse(Scheme::Pep440, "2.0.1rc1").unwrap() < fixed);
//! assert!(npm_satisfies("^1.2.3 || >=2 <3", "2.5.0").unwrap());
//! assert!(compare(Scheme::Go, "v0.0.0-20191109021931-daa7c04131f5", "v0.1.0").is_ok());
//! assert!(Version::parse(Scheme::Dpkg, "1:").is_err());
//! ```
//!
//! **For a matcher:** parse the installed version once and each range bound once,
//! then compare [`Version`]s (no allocation per comparison). OSV's `introduced: "0"`
//! parses in every scheme and sorts below every ordinary version, but SemVer
//! prereleases of `0.0.0` (`0.0.0-alpha`) sort below it, so treat `"0"` as "from the
//! first version" rather than as a version. A version that does not parse is an
//! error for the caller to report, never a silent "not affected".
//!
//! **Invariants**
//! - Pure: no IO, no printing, no global state, no regular expressions (every parser
//!   is a hand-written scanner over bytes, so nothing is compiled per call).
//! - A version that does not parse in its scheme is an `Err(VersionError)` with one
//!   line naming the scheme, the input (escaped) and the reason; never a panic.
//! - Numbers of any length compare exactly (digit strings are compared by value, not
//!   parsed into machine integers that could overflow).
//! - [`Version`] is parsed once and compared many times; parsing allocates one copy of
//!   the input plus, for the component-based schemes, one small vector.
//!
//! **Exactness.** Every known-answer file in `shared/corpus/version-vectors/` for these
//! schemes passes in `tests/vectors.rs` (osv-scalibr's files, made with each
//! ecosystem's own tool; apk-tools' `version.data`; rpm's `rpmvercmp` table;
//! node-semver's fixtures).
//!
//! **Why hand-written.** The `semver` crate is exact for SemVer 2.0 but rejects what
//! the SemVer ecosystems really publish (a leading `v`, fewer or more than three
//! numeric parts, npm's loose forms) and does not implement npm's ranges (`||`,
//! hyphen ranges, x-ranges, npm's prerelease rule), so SemVer and npm ranges are
//! written here, after node-semver. `pep440_rs` is exact for PEP 440 but pulls in a
//! dependency tree larger than the ~200 lines PEP 440's ordering needs. No maintained
//! crate implements dpkg's, rpm's, apk's, Maven's, RubyGems', NuGet's or PHP's
//! orderings exactly, so those follow their reference implementations (dpkg's
//! `verrevcmp`, rpm's `rpmvercmp`, apk-tools, the POM specification's version order,
//! `Gem::Version`, NuGet.Versioning, PHP's `version_compare`). Where two references
//! disagree (apk-tools 2 and 3; maven-artifact releases; PHP and Composer), the
//! module of the scheme says which answer it gives and why.
//!
//! **Not modelled:** CRAN, Hackage and Pub orderings (Pub maps to [`Scheme::SemVer`],
//! which ignores build metadata where Pub orders it); node-semver's increments,
//! truncations and range intersections.

use std::cmp::Ordering;
use std::fmt;

/// `PartialOrd` from a type's `Ord`.
macro_rules! partial_ord_from_ord {
    ($($t:ty),+) => {$(
        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
    )+};
}

mod apk;
mod dpkg;
mod gem;
mod maven;
mod npm;
mod packagist;
mod pep440;
mod rpm;
mod semver;

pub use apk::{apk_fuzzy_cmp, apk_is_valid};
pub use npm::{npm_compare, npm_satisfies, npm_satisfies_with, NpmOptions, NpmRange};
pub use rpm::rpmvercmp;

/// A version ordering scheme: how one ecosystem compares its version strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// Debian and Ubuntu (`[epoch:]upstream[-revision]`, dpkg's `verrevcmp`).
    Dpkg,
    /// RPM distributions (`[epoch:]version[-release]`, `rpmvercmp`).
    Rpm,
    /// Alpine (apk-tools 3).
    Apk,
    /// Python (PEP 440).
    Pep440,
    /// SemVer 2.0 precedence, tolerant of a leading `v` and of fewer or more than
    /// three numeric parts (npm, crates.io, Hex, Pub).
    SemVer,
    /// Maven (the POM specification's version order).
    Maven,
    /// Go modules (SemVer with `v`, pseudo-versions, `+incompatible`) and Go
    /// toolchain versions (`go1.21.4`, `go1.21rc2`) for `stdlib`.
    Go,
    /// RubyGems' `Gem::Version`.
    RubyGems,
    /// NuGet.Versioning.
    NuGet,
    /// Packagist (PHP's `version_compare` after Composer-style canonicalisation).
    Packagist,
}

impl Scheme {
    /// Every scheme, in declaration order.
    pub const ALL: [Scheme; 10] = [
        Scheme::Dpkg,
        Scheme::Rpm,
        Scheme::Apk,
        Scheme::Pep440,
        Scheme::SemVer,
        Scheme::Maven,
        Scheme::Go,
        Scheme::RubyGems,
        Scheme::NuGet,
        Scheme::Packagist,
    ];

    /// From an OSV ecosystem string: `"Debian:12"`/`"Debian"`/`"Ubuntu:22.04"` ->
    /// Dpkg, `"Alpine:v3.20"` -> Apk, `"AlmaLinux:9"`/`"Rocky Linux:9"`/`"Red Hat"`/
    /// `"openSUSE"`/`"SUSE"`/`"Mageia"` -> Rpm, `"PyPI"` -> Pep440, `"npm"` -> SemVer,
    /// `"crates.io"` -> SemVer, `"Go"` -> Go, `"Maven"` -> Maven, `"RubyGems"` ->
    /// RubyGems, `"NuGet"` -> NuGet, `"Packagist"` -> Packagist, `"Hex"`/`"Pub"` ->
    /// SemVer; anything else -> `None`. The part after the first `:` (a release) is
    /// ignored. OSV's other apk distributions (Wolfi, Chainguard, MinimOS, Alpaquita,
    /// BellSoft Hardened Containers) are Apk; its other RPM distributions (openEuler,
    /// Azure Linux, Photon OS) are Rpm.
    pub fn for_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or("").trim();
        Some(match base {
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine"
            | "Alpaquita"
            | "BellSoft Hardened Containers"
            | "Wolfi"
            | "Chainguard"
            | "MinimOS" => Scheme::Apk,
            "AlmaLinux" | "Rocky Linux" | "Red Hat" | "openSUSE" | "SUSE" | "Mageia"
            | "openEuler" | "Azure Linux" | "Photon OS" => Scheme::Rpm,
            "PyPI" => Scheme::Pep440,
            "npm" | "crates.io" | "Hex" | "Pub" => Scheme::SemVer,
            "Go" => Scheme::Go,
            "Maven" => Scheme::Maven,
            "RubyGems" => Scheme::RubyGems,
            "NuGet" => Scheme::NuGet,
            "Packagist" => Scheme::Packagist,
            _ => return None,
        })
    }

    /// From a package URL type (`pkg:deb/...` -> `deb`): `deb` -> Dpkg, `rpm` -> Rpm,
    /// `apk` -> Apk, `pypi` -> Pep440, `npm`/`cargo`/`hex`/`pub` -> SemVer, `golang` ->
    /// Go, `maven` -> Maven, `gem` -> RubyGems, `nuget` -> NuGet, `composer` ->
    /// Packagist; anything else -> `None`. Case-insensitive, as purl types are.
    pub fn for_purl_type(purl_type: &str) -> Option<Scheme> {
        Some(match purl_type.to_ascii_lowercase().as_str() {
            "deb" => Scheme::Dpkg,
            "rpm" => Scheme::Rpm,
            "apk" => Scheme::Apk,
            "pypi" => Scheme::Pep440,
            "npm" | "cargo" | "hex" | "pub" => Scheme::SemVer,
            "golang" => Scheme::Go,
            "maven" => Scheme::Maven,
            "gem" => Scheme::RubyGems,
            "nuget" => Scheme::NuGet,
            "composer" => Scheme::Packagist,
            _ => return None,
        })
    }

    /// The scheme called [`Scheme::name`], if any.
    pub fn from_name(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name() == name)
    }

    /// A short stable name (`dpkg`, `rpm`, `apk`, `pep440`, `semver`, `maven`, `go`,
    /// `rubygems`, `nuget`, `packagist`).
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Rpm => "rpm",
            Scheme::Apk => "apk",
            Scheme::Pep440 => "pep440",
            Scheme::SemVer => "semver",
            Scheme::Maven => "maven",
            Scheme::Go => "go",
            Scheme::RubyGems => "rubygems",
            Scheme::NuGet => "nuget",
            Scheme::Packagist => "packagist",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A version string that does not parse in its scheme. Displays as one line:
/// `invalid <scheme> version "<input, escaped>": <why>`.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[error("invalid {scheme} version {input:?}: {reason}")]
pub struct VersionError {
    scheme: Scheme,
    input: String,
    reason: &'static str,
}

impl VersionError {
    pub(crate) fn new(scheme: Scheme, input: &str, reason: &'static str) -> Self {
        // Keep the error one short line even for a hostile multi-kilobyte input.
        let input = if input.len() > 200 {
            let mut end = 200;
            while !input.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}...", &input[..end])
        } else {
            input.to_string()
        };
        VersionError {
            scheme,
            input,
            reason,
        }
    }

    /// The scheme the input was parsed in.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The input (cut at 200 bytes). Untrusted: escape it before printing (the
    /// `Display` impl does).
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Why it does not parse.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

/// The longest version string accepted, in bytes. Real versions are far shorter
/// (node-semver stops at 256); the limit keeps hostile input from costing more than
/// linear time in any scheme.
pub const MAX_LEN: usize = 1024;

/// A parsed version, cheap to compare many times.
///
/// `Ord` is the scheme's order. It is only meaningful between two versions of the
/// same scheme; versions of different schemes order by scheme first (so that `Ord`
/// stays a total order), which means nothing.
#[derive(Debug, Clone)]
pub struct Version {
    scheme: Scheme,
    raw: Box<str>,
    repr: Repr,
}

#[derive(Debug, Clone)]
enum Repr {
    Dpkg(dpkg::Dpkg),
    Rpm(rpm::Evr),
    Apk(apk::Apk),
    Pep440(pep440::Pep440),
    SemVer(semver::SemVer),
    Maven(maven::Maven),
    RubyGems(gem::Gem),
    Packagist(packagist::Php),
}

impl Version {
    /// Parses `s` in `scheme`.
    pub fn parse(scheme: Scheme, s: &str) -> Result<Version, VersionError> {
        let err = |reason| VersionError::new(scheme, s, reason);
        if s.len() > MAX_LEN {
            return Err(err("version string is longer than 1024 bytes"));
        }
        let repr = match scheme {
            Scheme::Dpkg => Repr::Dpkg(dpkg::parse(s).map_err(err)?),
            Scheme::Rpm => Repr::Rpm(rpm::parse(s).map_err(err)?),
            Scheme::Apk => Repr::Apk(apk::parse(s).map_err(err)?),
            Scheme::Pep440 => Repr::Pep440(pep440::parse(s).map_err(err)?),
            Scheme::SemVer => Repr::SemVer(semver::parse(s).map_err(err)?),
            Scheme::Go => Repr::SemVer(semver::parse_go(s).map_err(err)?),
            Scheme::Maven => Repr::Maven(maven::parse(s).map_err(err)?),
            Scheme::RubyGems => Repr::RubyGems(gem::parse(s).map_err(err)?),
            Scheme::NuGet => Repr::SemVer(semver::parse_nuget(s).map_err(err)?),
            Scheme::Packagist => Repr::Packagist(packagist::parse(s).map_err(err)?),
        };
        Ok(Version {
            scheme,
            raw: s.into(),
            repr,
        })
    }

    /// The scheme this version was parsed in.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The string it was parsed from (untrusted: escape before printing).
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.repr, &other.repr) {
            (Repr::Dpkg(a), Repr::Dpkg(b)) => dpkg::cmp(&self.raw, a, &other.raw, b),
            (Repr::Rpm(a), Repr::Rpm(b)) => rpm::cmp(&self.raw, a, &other.raw, b),
            (Repr::Apk(a), Repr::Apk(b)) => apk::cmp(&self.raw, a, &other.raw, b),
            (Repr::Pep440(a), Repr::Pep440(b)) => a.cmp(b),
            (Repr::SemVer(a), Repr::SemVer(b)) if self.scheme == other.scheme => {
                if self.scheme == Scheme::NuGet {
                    semver::cmp_nuget(&self.raw, a, &other.raw, b)
                } else {
                    semver::cmp(&self.raw, a, &other.raw, b)
                }
            }
            (Repr::Maven(a), Repr::Maven(b)) => a.cmp(b),
            (Repr::RubyGems(a), Repr::RubyGems(b)) => a.cmp(b),
            (Repr::Packagist(a), Repr::Packagist(b)) => a.cmp(b),
            _ => self.scheme.cmp(&other.scheme),
        }
    }
}

partial_ord_from_ord!(Version);

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    /// The input, with control characters escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.raw.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// Sorts versions ascending without ever panicking (a stable merge sort).
///
/// Every scheme's `Ord` is a total order except Maven's and Packagist's: Maven's
/// own `ComparableVersion` and the POM specification are both intransitive on
/// unusual versions (`0` < `0+-n:1` < `0.0.0.alpha.1` yet `0` > `0.0.0.alpha.1`), so
/// is PHP's `version_compare` on odd tails, and `slice::sort` may panic when it
/// notices. Use this to sort versions that come
/// from untrusted data (a Maven range's events, say); on a total order it gives the
/// same result as `slice::sort`.
pub fn sort_versions(v: &mut [Version]) {
    if v.len() < 2 {
        return;
    }
    let mid = v.len() / 2;
    sort_versions(&mut v[..mid]);
    sort_versions(&mut v[mid..]);
    if v[mid - 1] <= v[mid] {
        return;
    }
    let mut merged: Vec<Version> = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < v.len() {
        if v[j] < v[i] {
            merged.push(v[j].clone());
            j += 1;
        } else {
            merged.push(v[i].clone());
            i += 1;
        }
    }
    merged.extend(v[i..mid].iter().cloned());
    merged.extend(v[j..].iter().cloned());
    v.clone_from_slice(&merged);
}

/// Total order of two versions in one scheme; `Err` when either does not parse in
/// that scheme.
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(Version::parse(scheme, a)?.cmp(&Version::parse(scheme, b)?))
}

/// Compares two strings of ASCII digits by numeric value, whatever their length.
pub(crate) fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    let a = trim_zeros(a);
    let b = trim_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn trim_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| c == b'0').count();
    &s[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystems_map_to_schemes() {
        let cases = [
            ("Debian:12", Some(Scheme::Dpkg)),
            ("Debian", Some(Scheme::Dpkg)),
            ("Ubuntu:22.04", Some(Scheme::Dpkg)),
            ("Ubuntu:Pro:18.04:LTS", Some(Scheme::Dpkg)),
            ("Alpine:v3.20", Some(Scheme::Apk)),
            ("AlmaLinux:9", Some(Scheme::Rpm)),
            ("Rocky Linux:9", Some(Scheme::Rpm)),
            ("Red Hat", Some(Scheme::Rpm)),
            ("Red Hat:enterprise_linux:9::appstream", Some(Scheme::Rpm)),
            ("openSUSE", Some(Scheme::Rpm)),
            ("SUSE", Some(Scheme::Rpm)),
            ("Mageia", Some(Scheme::Rpm)),
            ("openSUSE:Leap 15.5", Some(Scheme::Rpm)),
            ("Photon OS:5.0", Some(Scheme::Rpm)),
            ("Wolfi", Some(Scheme::Apk)),
            ("Chainguard", Some(Scheme::Apk)),
            ("PyPI", Some(Scheme::Pep440)),
            ("npm", Some(Scheme::SemVer)),
            ("crates.io", Some(Scheme::SemVer)),
            ("Go", Some(Scheme::Go)),
            ("Maven", Some(Scheme::Maven)),
            ("RubyGems", Some(Scheme::RubyGems)),
            ("NuGet", Some(Scheme::NuGet)),
            ("Packagist", Some(Scheme::Packagist)),
            ("Hex", Some(Scheme::SemVer)),
            ("Pub", Some(Scheme::SemVer)),
            ("CRAN", None),
            ("Hackage", None),
            ("", None),
            ("debian", None),
        ];
        for (eco, want) in cases {
            assert_eq!(Scheme::for_ecosystem(eco), want, "{eco}");
        }
    }

    #[test]
    fn names_are_distinct_and_round_trip() {
        let mut names: Vec<_> = Scheme::ALL.iter().map(|s| s.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 10);
        for s in Scheme::ALL {
            assert_eq!(Scheme::from_name(s.name()), Some(s));
        }
        assert_eq!(Scheme::from_name("Debian"), None);
    }

    #[test]
    fn purl_types_map_to_schemes() {
        let cases = [
            ("deb", Some(Scheme::Dpkg)),
            ("rpm", Some(Scheme::Rpm)),
            ("apk", Some(Scheme::Apk)),
            ("pypi", Some(Scheme::Pep440)),
            ("PyPI", Some(Scheme::Pep440)),
            ("npm", Some(Scheme::SemVer)),
            ("cargo", Some(Scheme::SemVer)),
            ("golang", Some(Scheme::Go)),
            ("maven", Some(Scheme::Maven)),
            ("gem", Some(Scheme::RubyGems)),
            ("nuget", Some(Scheme::NuGet)),
            ("composer", Some(Scheme::Packagist)),
            ("generic", None),
            ("oci", None),
        ];
        for (t, want) in cases {
            assert_eq!(Scheme::for_purl_type(t), want, "{t}");
        }
    }

    #[test]
    fn errors_are_one_escaped_line() {
        let e = Version::parse(Scheme::Dpkg, "1:\n\x1b[31m").unwrap_err();
        let line = e.to_string();
        assert!(!line.contains('\n') && !line.contains('\x1b'), "{line}");
        assert!(line.starts_with("invalid dpkg version \"1:\\n"), "{line}");
        let long = "x".repeat(10_000);
        let e = Version::parse(Scheme::Dpkg, &format!("a:{long}")).unwrap_err();
        assert!(e.to_string().len() < 300);
    }

    #[test]
    fn display_escapes_control_characters() {
        let v = Version::parse(Scheme::Apk, "1.0\u{1b}[31m").unwrap();
        assert_eq!(v.to_string(), "1.0\\u{1b}[31m");
        assert_eq!(v.as_str(), "1.0\u{1b}[31m");
        assert_eq!(v.scheme(), Scheme::Apk);
    }

    #[test]
    fn versions_of_different_schemes_order_by_scheme() {
        let a = Version::parse(Scheme::SemVer, "2.0.0").unwrap();
        let b = Version::parse(Scheme::Go, "1.0.0").unwrap();
        assert_eq!(a.cmp(&b), Ordering::Less);
        assert_ne!(a, Version::parse(Scheme::NuGet, "2.0.0").unwrap());
    }

    #[test]
    fn digit_strings_compare_by_value() {
        assert_eq!(cmp_digits(b"0010", b"9"), Ordering::Greater);
        assert_eq!(cmp_digits(b"000", b""), Ordering::Equal);
        assert_eq!(
            cmp_digits(
                b"999999999999999999999999999991",
                b"999999999999999999999999999999"
            ),
            Ordering::Less
        );
    }
}
