//! The matcher on real advisory records from `../shared/corpus/osv`, and on records
//! written here where the corpus has none (each such test says so).

use bosun_vuln::parse::{file_kind, parse_file};
use bosun_vuln::{match_package, Advisory, Query, SchemeOrder, VulnMatch};
use std::path::Path;

fn load(path: &Path) -> Vec<Advisory> {
    let kind = file_kind(&path.to_string_lossy()).expect("an advisory file");
    parse_file(kind, &std::fs::read(path).unwrap()).unwrap()
}

fn load_dir(dir: &Path) -> Vec<Advisory> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(load_dir(&p));
        } else if file_kind(&p.to_string_lossy()).is_some() {
            out.extend(load(&p));
        }
    }
    out
}

fn q(eco: &str, name: &str, version: &str) -> Query {
    Query {
        ecosystem: eco.into(),
        name: name.into(),
        version: version.into(),
    }
}

fn ids(m: &[VulnMatch]) -> Vec<&str> {
    m.iter().map(|m| m.id.as_str()).collect()
}

#[test]
fn go_stdlib_1_19_8_has_80_go_vulndb_advisories() {
    let Some(dir) = bosun_testkit::corpus("osv/golang-vulndb/data/osv") else {
        return;
    };
    let all = load_dir(&dir);
    let version = bosun_vuln::go_version("stdlib", "go1.19.8").unwrap();
    assert_eq!(version, "1.19.8");
    let m = match_package(&q("Go", "stdlib", &version), &all, &SchemeOrder);
    assert_eq!(m.len(), 80, "{:?}", ids(&m));
    assert!(m.iter().all(|m| m.id.starts_with("GO-")));
    // Every one has a fix (Go releases), and the fixes are Go versions.
    assert!(m.iter().all(|m| m.fixed.is_some()));
    // One newer patch release fixes fewer.
    let later = match_package(&q("Go", "stdlib", "1.19.9"), &all, &SchemeOrder);
    assert!(later.len() < 80 && ids(&later).iter().all(|i| ids(&m).contains(i)));
}

#[test]
fn withdrawn_go_record_never_matches() {
    let Some(f) = bosun_testkit::corpus("osv/golang-vulndb/data/osv/GO-2024-2442.json") else {
        return;
    };
    let recs = load(&f);
    assert!(recs[0].withdrawn.is_some());
    let m = match_package(
        &q("Go", "github.com/gravitational/teleport", "1.0.0"),
        &recs,
        &SchemeOrder,
    );
    assert_eq!(m, vec![]);
    // The same record without `withdrawn` would match (introduced 0, no fix).
    let mut live = recs.clone();
    live[0].withdrawn = None;
    let m = match_package(
        &q("Go", "github.com/gravitational/teleport", "1.0.0"),
        &live,
        &SchemeOrder,
    );
    assert_eq!(ids(&m), vec!["GO-2024-2442"]);
    assert_eq!(m[0].fixed, None);
}

#[test]
fn debian_tracker_json_statuses() {
    let Some(f) = bosun_testkit::corpus(
        "osv/osv.dev-testdata/vulnfeeds/test_data/debian/debian_security_tracker_mock.json",
    ) else {
        return;
    };
    let recs = load(&f);
    assert_eq!(recs.len(), 3);
    // bookworm's apparmor 3.0.8-3: CVE-2014-1424 not affected (fixed_version 0),
    // CVE-2017-6507 fixed in 2.11.0-3, CVE-2016-1585 open (unimportant).
    let m = match_package(&q("Debian:12", "apparmor", "3.0.8-3"), &recs, &SchemeOrder);
    assert_eq!(ids(&m), vec!["CVE-2016-1585"]);
    assert_eq!(m[0].aliases, vec!["DEBIAN-CVE-2016-1585"]);
    assert_eq!(m[0].fixed, None);
    assert_eq!(m[0].status.as_deref(), Some("unfixed"));
    assert_eq!(m[0].urgency.as_deref(), Some("unimportant"));
    // An older apparmor is also hit by CVE-2017-6507, with its fix.
    let m = match_package(&q("Debian:12", "apparmor", "2.10-1"), &recs, &SchemeOrder);
    assert_eq!(ids(&m), vec!["CVE-2016-1585", "CVE-2017-6507"]);
    assert_eq!(m[1].fixed.as_deref(), Some("2.11.0-3"));
    assert_eq!(m[1].status.as_deref(), Some("fixed"));
    // Another release or another package: nothing.
    assert_eq!(
        match_package(&q("Debian:9", "apparmor", "2.10-1"), &recs, &SchemeOrder),
        vec![]
    );
    assert_eq!(
        match_package(
            &q("Debian:12", "apparmor-utils", "2.10-1"),
            &recs,
            &SchemeOrder
        ),
        vec![]
    );
}

#[test]
fn debian_tracker_no_dsa_end_of_life_and_postponed_are_kept() {
    // The corpus's tracker mock has none of these: records written here, in the
    // tracker's JSON shape.
    let json = br#"{"openssl": {
      "CVE-2099-1": {"description": "a", "releases": {"bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor issue"}}},
      "CVE-2099-2": {"description": "b", "releases": {"bookworm": {"status": "open", "urgency": "end-of-life"}}},
      "CVE-2099-3": {"description": "c", "releases": {"bookworm": {"status": "open", "urgency": "low", "nodsa": "", "nodsa_reason": "postponed"}}},
      "CVE-2099-4": {"description": "d", "releases": {"bookworm": {"status": "undetermined", "urgency": "not yet assigned"}}}
    }}"#;
    let recs = parse_file(file_kind("t.json").unwrap(), json).unwrap();
    let m = match_package(
        &q("Debian:12", "openssl", "3.0.11-1~deb12u2"),
        &recs,
        &SchemeOrder,
    );
    let got: Vec<(&str, Option<&str>)> = m
        .iter()
        .map(|m| (m.id.as_str(), m.status.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("CVE-2099-1", Some("no-dsa")),
            ("CVE-2099-2", Some("end-of-life")),
            ("CVE-2099-3", Some("postponed")),
            ("CVE-2099-4", Some("unfixed")),
        ]
    );
}

#[test]
fn debian_dsa_list_by_source_package_and_dpkg_order() {
    let Some(f) = bosun_testkit::corpus("osv/debian-security-tracker/data/DSA/list") else {
        return;
    };
    let recs = load(&f);
    assert_eq!(recs.len(), 5_406);
    // DSA-5380-1 fixed xorg-server in bullseye at 2:1.20.11-1+deb11u6; it is the
    // newest xorg-server DSA of the snapshot.
    let m = match_package(
        &q("Debian:11", "xorg-server", "2:1.20.11-1+deb11u5"),
        &recs,
        &SchemeOrder,
    );
    assert_eq!(ids(&m), vec!["CVE-2023-1393"]);
    assert_eq!(m[0].records, vec!["DSA-5380-1"]);
    assert_eq!(m[0].fixed.as_deref(), Some("2:1.20.11-1+deb11u6"));
    let m = match_package(
        &q("Debian:11", "xorg-server", "2:1.20.11-1+deb11u6"),
        &recs,
        &SchemeOrder,
    );
    assert_eq!(m, vec![]);
}

#[test]
fn dsa_and_tracker_records_of_one_cve_merge_into_one_finding() {
    // Written here: the corpus's tracker mock and DSA list share no CVE.
    let tracker = br#"{"xorg-server": {"CVE-2023-1393": {"description": "use after free", "releases": {"bullseye": {"status": "resolved", "fixed_version": "2:1.20.11-1+deb11u6", "urgency": "high"}}}}}"#;
    let dsa = "[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{CVE-2023-1393}\n\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\n";
    let mut recs = parse_file(file_kind("t.json").unwrap(), tracker).unwrap();
    recs.extend(bosun_vuln::parse::parse_debian_list("DSA", dsa));
    let m = match_package(
        &q("Debian:11", "xorg-server", "2:1.20.11-1+deb11u5"),
        &recs,
        &SchemeOrder,
    );
    assert_eq!(ids(&m), vec!["CVE-2023-1393"]);
    assert_eq!(m[0].aliases, vec!["DEBIAN-CVE-2023-1393", "DSA-5380-1"]);
    assert_eq!(m[0].records, vec!["DEBIAN-CVE-2023-1393", "DSA-5380-1"]);
    assert_eq!(m[0].urgency.as_deref(), Some("high"));
    assert_eq!(m[0].fixed.as_deref(), Some("2:1.20.11-1+deb11u6"));
}

#[test]
fn alpine_secdb_by_branch_and_apk_order() {
    let Some(f) = bosun_testkit::corpus("osv/alpine-secdb/v3.11/main.yaml") else {
        return;
    };
    let recs = load(&f);
    // musl in v3.11: CVE-2019-14697 fixed in 1.1.23-r2, CVE-2016-8859 in 1.1.15-r4.
    let m = match_package(&q("Alpine:v3.11", "musl", "1.1.23-r1"), &recs, &SchemeOrder);
    assert_eq!(ids(&m), vec!["CVE-2019-14697"]);
    assert_eq!(m[0].fixed.as_deref(), Some("1.1.23-r2"));
    let m = match_package(&q("Alpine:v3.11", "musl", "1.1.15-r3"), &recs, &SchemeOrder);
    assert_eq!(ids(&m), vec!["CVE-2016-8859", "CVE-2019-14697"]);
    assert_eq!(
        match_package(&q("Alpine:v3.11", "musl", "1.1.24-r0"), &recs, &SchemeOrder),
        vec![]
    );
    assert_eq!(
        match_package(&q("Alpine:v3.10", "musl", "1.1.15-r3"), &recs, &SchemeOrder),
        vec![]
    );
}

#[test]
fn almalinux_osv_by_binary_rpm_and_rpm_order() {
    let Some(f) =
        bosun_testkit::corpus("osv/almalinux-osv/advisories/almalinux9/ALBA-2022:8256.json")
    else {
        return;
    };
    let recs = load(&f);
    let m = match_package(
        &q("AlmaLinux:9", "qatzip-libs", "1.0.8-1.el9"),
        &recs,
        &SchemeOrder,
    );
    assert_eq!(ids(&m), vec!["ALBA-2022:8256"]);
    assert_eq!(m[0].fixed.as_deref(), Some("1.0.9-1.el9"));
    assert_eq!(
        match_package(
            &q("AlmaLinux:9", "qatzip-libs", "1.0.9-1.el9"),
            &recs,
            &SchemeOrder
        ),
        vec![]
    );
    // rpm order: 1.0.10 is newer than 1.0.9.
    assert_eq!(
        match_package(
            &q("AlmaLinux:9", "qatzip-libs", "1.0.10-1.el9"),
            &recs,
            &SchemeOrder
        ),
        vec![]
    );
    assert_eq!(
        match_package(
            &q("AlmaLinux:8", "qatzip-libs", "1.0.8-1.el9"),
            &recs,
            &SchemeOrder
        ),
        vec![]
    );
}

#[test]
fn rustsec_informational_is_kept_as_a_kind() {
    let Some(f) = bosun_testkit::corpus("osv/rustsec-osv/crates/RUSTSEC-2016-0005.json") else {
        return;
    };
    let recs = load(&f);
    let m = match_package(
        &q("crates.io", "rust-crypto", "0.2.36"),
        &recs,
        &SchemeOrder,
    );
    assert_eq!(ids(&m), vec!["RUSTSEC-2016-0005"]);
    assert_eq!(m[0].informational.as_deref(), Some("unmaintained"));
}

#[test]
fn pypi_names_are_pep503_normalised() {
    let Some(dir) = bosun_testkit::corpus("osv/pypa-advisory-database/vulns/pyyaml") else {
        return;
    };
    let recs = load_dir(&dir);
    let a = match_package(&q("PyPI", "PyYAML", "5.3.1"), &recs, &SchemeOrder);
    let b = match_package(&q("PyPI", "pyyaml", "5.3.1"), &recs, &SchemeOrder);
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

/// OSV range rules on records written here (the corpus has a single
/// `last_affected` and no `limit`).
mod osv_rules {
    use super::*;

    fn rec(json: &str) -> Vec<Advisory> {
        parse_file(file_kind("x.json").unwrap(), json.as_bytes()).unwrap()
    }

    fn hit(recs: &[Advisory], v: &str) -> bool {
        !match_package(&q("PyPI", "pkg", v), recs, &SchemeOrder).is_empty()
    }

    #[test]
    fn introduced_fixed_several_ranges_and_unsorted_events() {
        let r = rec(
            r#"{"id":"T-1","affected":[{"package":{"ecosystem":"PyPI","name":"pkg"},"ranges":[
            {"type":"ECOSYSTEM","events":[{"fixed":"1.5"},{"introduced":"1.0"},{"fixed":"2.5"},{"introduced":"2.0"}]},
            {"type":"ECOSYSTEM","events":[{"introduced":"3.0"},{"fixed":"3.1"}]}]}]}"#,
        );
        let got: Vec<bool> = [
            "0.9", "1.0", "1.4.9", "1.5", "1.9", "2.0", "2.4", "2.5", "3.0", "3.0.1", "3.1",
        ]
        .iter()
        .map(|v| hit(&r, v))
        .collect();
        assert_eq!(
            got,
            [false, true, true, false, false, true, true, false, true, true, false]
        );
        let m = match_package(&q("PyPI", "pkg", "2.1"), &r, &SchemeOrder);
        assert_eq!(m[0].fixed.as_deref(), Some("2.5"));
    }

    #[test]
    fn last_affected_includes_that_version_only() {
        let r = rec(
            r#"{"id":"T-2","affected":[{"package":{"ecosystem":"PyPI","name":"pkg"},"ranges":[
            {"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"1.2"}]}]}]}"#,
        );
        assert_eq!(
            [hit(&r, "0.1"), hit(&r, "1.2"), hit(&r, "1.2.1")],
            [true, true, false]
        );
        assert_eq!(
            match_package(&q("PyPI", "pkg", "1.0"), &r, &SchemeOrder)[0].fixed,
            None
        );
    }

    #[test]
    fn limit_caps_the_range() {
        let r = rec(
            r#"{"id":"T-3","affected":[{"package":{"ecosystem":"PyPI","name":"pkg"},"ranges":[
            {"type":"ECOSYSTEM","events":[{"introduced":"0"},{"limit":"2.0"}]}]}]}"#,
        );
        assert_eq!(
            [hit(&r, "1.9"), hit(&r, "2.0"), hit(&r, "5")],
            [true, false, false]
        );
        let star = rec(
            r#"{"id":"T-4","affected":[{"package":{"ecosystem":"PyPI","name":"pkg"},"ranges":[
            {"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"limit":"*"}]}]}]}"#,
        );
        assert_eq!([hit(&star, "0.9"), hit(&star, "99")], [false, true]);
    }

    #[test]
    fn explicit_versions_list_and_git_ranges() {
        let r = rec(
            r#"{"id":"T-5","affected":[{"package":{"ecosystem":"PyPI","name":"pkg"},
            "ranges":[{"type":"GIT","repo":"https://x","events":[{"introduced":"0"},{"fixed":"abc"}]}],
            "versions":["1.0","1.1"]}]}"#,
        );
        // Listed (PEP 440 equality: 1.0 == 1.0.0); GIT ranges never match versions.
        assert_eq!(
            [
                hit(&r, "1.0"),
                hit(&r, "1.0.0"),
                hit(&r, "1.1"),
                hit(&r, "1.2")
            ],
            [true, true, true, false]
        );
    }

    #[test]
    fn semver_ranges_use_semver_whatever_the_ecosystem() {
        let r = rec(
            r#"{"id":"T-6","affected":[{"package":{"ecosystem":"PyPI","name":"pkg"},"ranges":[
            {"type":"SEMVER","events":[{"introduced":"1.0.0-rc.1"},{"fixed":"1.0.0"}]}]}]}"#,
        );
        assert_eq!(
            [
                hit(&r, "1.0.0-rc.2"),
                hit(&r, "1.0.0-beta"),
                hit(&r, "1.0.0")
            ],
            [true, false, false]
        );
    }
}
