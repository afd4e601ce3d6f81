//! Go has no known-answer file in the corpus; these cases come from the Go Modules
//! Reference (go.dev/ref/mod: "Versions", "Pseudo-versions", "Compatibility with
//! non-module repositories") and from the Go vulndb's convention for `stdlib`.

use std::cmp::Ordering::{self, Equal, Greater, Less};

use bosun_version::{compare, Scheme, Version};

fn go(a: &str, b: &str) -> Ordering {
    let o = compare(Scheme::Go, a, b).unwrap_or_else(|e| panic!("{e}"));
    let r = compare(Scheme::Go, b, a).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o, r.reverse(), "{a} vs {b} is not antisymmetric");
    o
}

#[test]
fn releases_and_prereleases() {
    assert_eq!(go("v1.2.3", "v1.2.4"), Less);
    assert_eq!(go("v1.10.0", "v1.9.0"), Greater);
    assert_eq!(go("v1.2.3-pre", "v1.2.3"), Less);
    assert_eq!(go("v1.2.3-alpha", "v1.2.3-beta"), Less);
    assert_eq!(go("v1.2.3-rc.2", "v1.2.3-rc.10"), Less);
    // OSV's Go data writes versions without the `v`.
    assert_eq!(go("v1.2.3", "1.2.3"), Equal);
    // `v1.2` is shorthand for `v1.2.0`.
    assert_eq!(go("v1.2", "v1.2.0"), Equal);
}

/// The three pseudo-version forms order as prereleases of the version after the base.
#[test]
fn pseudo_versions() {
    // vX.0.0-yyyymmddhhmmss-abcdefabcdef: no base version.
    assert_eq!(go("v0.0.0-20191109021931-daa7c04131f5", "v0.0.1"), Less);
    assert_eq!(go("v0.0.0-20191109021931-daa7c04131f5", "v0.0.0"), Less);
    assert_eq!(
        go(
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200102030405-000000000000"
        ),
        Less
    );
    // vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef: after the prerelease vX.Y.Z-pre.
    assert_eq!(
        go("v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3-pre"),
        Greater
    );
    assert_eq!(
        go("v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3"),
        Less
    );
    // vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef: after the release vX.Y.Z.
    assert_eq!(
        go("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3"),
        Greater
    );
    assert_eq!(
        go("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4-pre"),
        Less
    );
    assert_eq!(go("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4"), Less);
}

#[test]
fn incompatible_is_ignored_for_ordering() {
    assert_eq!(go("v2.0.0+incompatible", "v2.0.0"), Equal);
    assert_eq!(go("v2.0.0+incompatible", "v2.0.1"), Less);
    assert_eq!(go("v3.1.0+incompatible", "v2.9.9+incompatible"), Greater);
    assert_eq!(
        go(
            "v2.0.1-0.20191109021931-daa7c04131f5+incompatible",
            "v2.0.0+incompatible"
        ),
        Greater
    );
}

/// Go toolchain names (`go version`, module `toolchain` lines) against the vulndb's
/// semver for `stdlib` (`1.21.0-rc.2`).
#[test]
fn toolchain_versions() {
    assert_eq!(go("go1.21.4", "1.21.4"), Equal);
    assert_eq!(go("go1.21rc2", "1.21.0-rc.2"), Equal);
    assert_eq!(go("go1.21beta1", "1.21.0-beta.1"), Equal);
    assert_eq!(go("go1.20", "1.20.0"), Equal);
    assert_eq!(go("go1.21rc2", "go1.21rc10"), Less);
    assert_eq!(go("go1.21beta1", "go1.21rc1"), Less);
    assert_eq!(go("go1.21rc2", "go1.21.0"), Less);
    assert_eq!(go("go1.20.14", "go1.21rc1"), Less);
    assert_eq!(go("go1.9", "go1.10"), Less);
    assert_eq!(go("go1.22.0", "1.21.99"), Greater);
}

#[test]
fn not_go_versions() {
    for bad in ["", "latest", "master", "gopher", "go", "vx.y.z", "go.1.2"] {
        assert!(Version::parse(Scheme::Go, bad).is_err(), "{bad:?}");
    }
}
