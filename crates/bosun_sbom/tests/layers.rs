//! Finalisation over real layer walks of small images built here: the final copy of a
//! database decides presence, the earliest layer with the same package added it,
//! deleted packages are gone, bad files are warnings naming the file.

mod support;

use bosun_oci::testing::{TestEntry, TestLayer};
use bosun_oci::Compression;
use bosun_sbom::{Inventory, PackageType};

const OS: &str = "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n";
const LIBC: &str = "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u9\n\n";
const CURL: &str = "Package: curl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 7.88.1-10+deb12u8\n\n";
const SSL: &str = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.15-1~deb12u1\n\n";
const SITE: &str = "usr/lib/python3/dist-packages";

fn layer(entries: Vec<TestEntry>) -> TestLayer {
    support::layer(&entries, Compression::Gzip)
}

fn catalog(layers: Vec<TestLayer>) -> Inventory {
    support::catalog_layers(layers)
}

fn find<'a>(inv: &'a Inventory, name: &str) -> Option<&'a bosun_sbom::Package> {
    inv.packages.iter().find(|p| p.name == name)
}

#[test]
fn presence_added_by_and_deletions_across_layers() {
    let big = format!(
        "{{\"name\":\"big\",\"version\":\"1\",\"x\":\"{}\"}}",
        "a".repeat(5 << 20)
    );
    let inv = catalog(vec![
        layer(vec![
            TestEntry::file("etc/os-release", OS.as_bytes()),
            TestEntry::file("var/lib/dpkg/status", format!("{LIBC}{CURL}").as_bytes()),
            TestEntry::file(
                &format!("{SITE}/requests-2.31.0.dist-info/METADATA"),
                b"Name: requests\nVersion: 2.31.0\n",
            ),
            TestEntry::file(
                &format!("{SITE}/six-1.16.0.dist-info/METADATA"),
                b"Name: six\nVersion: 1.16.0\nLicense: MIT\n",
            ),
            TestEntry::file(
                "app/node_modules/left-pad/package.json",
                br#"{"name":"left-pad","version":"1.3.0","license":"WTFPL"}"#,
            ),
        ]),
        layer(vec![
            // apt-get remove curl; apt-get install libssl3: the status file is rewritten.
            TestEntry::file("var/lib/dpkg/status", format!("{LIBC}{SSL}").as_bytes()),
            TestEntry::Whiteout(format!("{SITE}/requests-2.31.0.dist-info")),
            TestEntry::file("app/node_modules/big/package.json", big.as_bytes()),
        ]),
        layer(vec![
            TestEntry::file("var/lib/dpkg/status", format!("{LIBC}{SSL}").as_bytes()),
            TestEntry::file(
                "var/lib/dpkg/status.d/broken",
                b"\x00\x01 not a control file\n",
            ),
            // The same package installed again at another path: one package, two places.
            TestEntry::file(
                "opt/venv/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA",
                b"Name: six\nVersion: 1.16.0\nLicense: MIT\n",
            ),
        ]),
    ]);
    let names: Vec<(&str, PackageType)> = inv
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.kind))
        .collect();
    assert_eq!(
        names,
        [
            ("libc6", PackageType::Deb),
            ("libssl3", PackageType::Deb),
            ("six", PackageType::Python),
            ("left-pad", PackageType::Npm),
        ]
    );
    let libc = find(&inv, "libc6").unwrap();
    assert_eq!(libc.locations.len(), 1);
    assert_eq!(
        libc.locations[0].layer_index,
        Some(0),
        "added by the base layer"
    );
    assert_eq!(
        libc.purl,
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12"
    );
    assert_eq!(
        find(&inv, "libssl3").unwrap().locations[0].layer_index,
        Some(1)
    );
    let six = find(&inv, "six").unwrap();
    let six_locs: Vec<(Option<usize>, &str)> = six
        .locations
        .iter()
        .map(|l| (l.layer_index, l.path.as_str()))
        .collect();
    assert_eq!(
        six_locs,
        [
            (
                Some(0),
                "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA"
            ),
            (
                Some(2),
                "/opt/venv/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA"
            )
        ]
    );
    assert_eq!(six.licenses, ["MIT"]);
    let warned: Vec<&str> = inv.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        warned,
        [
            "/app/node_modules/big/package.json",
            "/var/lib/dpkg/status.d/broken"
        ],
        "{:?}",
        inv.warnings
    );
    assert_eq!(
        inv.distro.as_ref().unwrap().codename.as_deref(),
        Some("bookworm")
    );
}

#[test]
fn a_later_os_release_and_a_deleted_database() {
    let inv = catalog(vec![
        layer(vec![
            TestEntry::file("usr/lib/os-release", b"ID=alpine\nVERSION_ID=3.20.3\n"),
            TestEntry::file(
                "lib/apk/db/installed",
                b"P:musl\nV:1.2.5-r0\nA:x86_64\nL:MIT\no:musl\n\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\no:openssl\n",
            ),
        ]),
        layer(vec![TestEntry::Whiteout("lib/apk".into())]),
    ]);
    assert!(inv.packages.is_empty(), "{:?}", inv.packages);
    assert_eq!(inv.distro.as_ref().unwrap().id, "alpine");
}

/// A runtime binary in the system folders is the OS package's when the image has OS
/// packages (Debian's `/usr/bin/python3.11`), and its own package when it has none (a
/// BusyBox image); in `/usr/local` it is always its own.
#[test]
fn runtime_binaries_in_system_folders_belong_to_os_packages() {
    let py = |v: &str| format!("\x7fELF\0\0\0{v}\0").into_bytes();
    let with_os = catalog(vec![layer(vec![
        TestEntry::file("etc/os-release", OS.as_bytes()),
        TestEntry::file("var/lib/dpkg/status", LIBC.as_bytes()),
        TestEntry::file("usr/bin/python3.11", &py("3.11.2")),
        TestEntry::file("usr/local/bin/python3.12", &py("3.12.1")),
    ])]);
    let binaries: Vec<_> = with_os
        .packages
        .iter()
        .filter(|p| p.kind == PackageType::Binary)
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                p.locations[0].path.as_str(),
            )
        })
        .collect();
    assert_eq!(
        binaries,
        [("python", "3.12.1", "/usr/local/bin/python3.12")]
    );
    let no_os = catalog(vec![layer(vec![
        TestEntry::file("bin/busybox", b"\x7fELF BusyBox v1.36.1 (2023-05-18)"),
        TestEntry::file("usr/bin/python3.11", &py("3.11.2")),
    ])]);
    let purls: Vec<_> = no_os.packages.iter().map(|p| p.purl.as_str()).collect();
    assert_eq!(
        purls,
        ["pkg:generic/busybox@1.36.1", "pkg:generic/python@3.11.2"]
    );
}
