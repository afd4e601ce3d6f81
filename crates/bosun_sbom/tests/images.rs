//! The SBOM of the four real test images: parity with syft and trivy (their package
//! lists recorded by `scripts/peer-packages.sh` in `tests/peers/`), validity of the
//! CycloneDX and SPDX documents against the official schemas, determinism, and reading
//! the documents back.
//!
//! Each image is catalogued once per test binary.

mod support;

use bosun_oci::{Image, OpenOptions, WalkOptions};
use bosun_sbom::oci::catalog_image;
use bosun_sbom::{DocInfo, Inventory, PackageType};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

const IMAGES: [&str; 4] = ["bad", "pyapp", "nodeapp", "goapp"];

fn inventory(name: &str) -> Option<&'static Inventory> {
    static CACHE: OnceLock<std::sync::Mutex<BTreeMap<String, &'static Inventory>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(i) = cache.lock().unwrap().get(name) {
        return Some(i);
    }
    let path = bosun_testkit::test_image(&format!("{name}.docker.tar"))?;
    let src = format!("docker-archive:{}", path.display());
    let image = Image::open(&src, &OpenOptions::default()).unwrap();
    let (inv, _) = catalog_image(name, &image, &WalkOptions::default(), &[]).unwrap();
    assert_eq!(inv.target.layers_verified, Some(true));
    // Reading the archive's plain layers seeking over what no cataloguer wants (and
    // binaries by their sections alone) must find exactly the same.
    let skip = WalkOptions {
        skip_unwanted_bodies: true,
        ..WalkOptions::default()
    };
    let (mut fast, _) = catalog_image(name, &image, &skip, &[]).unwrap();
    assert_eq!(fast.target.layers_verified, Some(false));
    fast.target.layers_verified = Some(true);
    assert_eq!(
        serde_json::to_value(&fast).unwrap(),
        serde_json::to_value(&inv).unwrap(),
        "{name}: the skipping walk found something else"
    );
    let leaked: &'static Inventory = Box::leak(Box::new(inv));
    cache.lock().unwrap().insert(name.to_string(), leaked);
    Some(leaked)
}

/// The comparison key of the parity rule: names case-insensitive with `-_.` folded,
/// versions without a leading `v` or `go`.
fn norm(name: &str, version: &str) -> (String, String) {
    let n: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if matches!(c, '_' | '.') { '-' } else { c })
        .collect();
    let v = version
        .strip_prefix("go")
        .or_else(|| version.strip_prefix('v'))
        .unwrap_or(version);
    (n, v.to_string())
}

type Keys = BTreeSet<(String, String)>;

fn peers(name: &str) -> (Keys, Keys) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/peers/{name}.json"));
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let list = |peer: &str| -> BTreeSet<(String, String)> {
        v[peer]["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| norm(p["name"].as_str().unwrap(), p["version"].as_str().unwrap()))
            .collect()
    };
    (list("syft"), list("trivy"))
}

/// Packages one peer reports that bosun does not, with the reason each is no real
/// package of the image. (image, peer, normalised name, reason)
const NOT_PACKAGES: &[(&str, &str, &str, &str)] = &[
    // web-streams-polyfill ships entry-point folders (`es2018/`, `ponyfill/es6/`...)
    // whose package.json has a `name` but no `version`; syft reports each as version
    // `UNKNOWN`. They are parts of the web-streams-polyfill package, which is reported.
    ("nodeapp", "syft", "web-streams-polyfill-es2018", NO_VERSION),
    ("nodeapp", "syft", "web-streams-polyfill-es6", NO_VERSION),
    ("nodeapp", "syft", "web-streams-ponyfill", NO_VERSION),
    ("nodeapp", "syft", "web-streams-ponyfill-es2018", NO_VERSION),
    ("nodeapp", "syft", "web-streams-ponyfill-es6", NO_VERSION),
    // The main module of a binary built without module version: syft and bosun report
    // it as `(devel)`, trivy with an empty version, so the keys differ; it is the same
    // package, and it is in bosun's SBOM.
    (
        "goapp",
        "trivy",
        "example-com/goapp",
        "the main module, which bosun reports as (devel) like syft",
    ),
];

const NO_VERSION: &str =
    "a package.json with a name and no version: an entry point of another package, not a package";

fn parity(image: &str) {
    let Some(inv) = inventory(image) else { return };
    parity_of(image, inv);
}

fn parity_of(image: &str, inv: &Inventory) {
    let ours: BTreeSet<(String, String)> = inv
        .packages
        .iter()
        .map(|p| norm(&p.name, &p.version))
        .collect();
    let (syft, trivy) = peers(image);
    let both: BTreeSet<_> = syft.intersection(&trivy).cloned().collect();
    let missing: Vec<_> = both.difference(&ours).collect();
    assert!(
        missing.is_empty(),
        "{image}: {} packages both syft and trivy report are missing: {missing:?}",
        missing.len()
    );
    let mut unexplained = Vec::new();
    for (peer, list) in [("syft", &syft), ("trivy", &trivy)] {
        for k in list.difference(&both) {
            if ours.contains(k) {
                continue;
            }
            let known = NOT_PACKAGES
                .iter()
                .any(|(i, p, n, _)| *i == image && *p == peer && *n == k.0);
            if !known {
                unexplained.push((peer, k.clone()));
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "{image}: {} packages only one peer reports, neither found by bosun nor explained: {unexplained:?}",
        unexplained.len()
    );
    // Every explanation is still needed (bosun does not find it after all).
    for (i, peer, n, _) in NOT_PACKAGES.iter().filter(|e| e.0 == image) {
        let list = if *peer == "syft" { &syft } else { &trivy };
        assert!(
            list.iter().any(|k| k.0 == *n && !ours.contains(k)),
            "{i}: stale NOT_PACKAGES entry {peer} {n}"
        );
    }
}

#[test]
fn parity_bad() {
    parity("bad");
}

#[test]
fn parity_pyapp() {
    parity("pyapp");
    let Some(inv) = inventory("pyapp") else {
        return;
    };
    // Both peers agree on 126 deb packages and 22 Python packages here.
    let (syft, trivy) = peers("pyapp");
    assert_eq!(syft.intersection(&trivy).count(), 148);
    let count = |k: PackageType| inv.packages.iter().filter(|p| p.kind == k).count();
    assert_eq!(count(PackageType::Deb), 126);
    assert_eq!(count(PackageType::Python), 22);
    let d = inv.distro.as_ref().unwrap();
    assert_eq!((d.id.as_str(), d.version_id.as_str()), ("debian", "12"));
    let libc = inv.packages.iter().find(|p| p.name == "libc6").unwrap();
    assert_eq!(libc.source_name.as_deref(), Some("glibc"));
    assert!(
        libc.purl.starts_with("pkg:deb/debian/libc6@")
            && libc.purl.ends_with("?arch=amd64&distro=debian-12"),
        "{}",
        libc.purl
    );
    assert_eq!(libc.locations[0].path, "/var/lib/dpkg/status");
    assert_eq!(libc.locations[0].layer_index, Some(0));
}

#[test]
fn parity_nodeapp() {
    parity("nodeapp");
}

#[test]
fn parity_goapp() {
    parity("goapp");
}

/// The `layouts` fixture built into a one-layer image and catalogued (see
/// [`parity_layouts`]).
fn layouts() -> Inventory {
    use bosun_oci::testing::TestEntry;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/layouts");
    let entries: Vec<TestEntry> = bosun_testkit::files_under(&root)
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(&root).unwrap().to_str().unwrap().to_string();
            // The test layer writes names into one 100-byte header field.
            assert!(
                rel.len() <= 100,
                "fixture path too long for a test layer: {rel}"
            );
            TestEntry::file(&rel, &std::fs::read(f).unwrap())
        })
        .collect();
    assert_eq!(entries.len(), 21, "the fixture's files");
    support::catalog_layers(vec![support::layer(&entries, bosun_oci::Compression::Gzip)])
}

/// `tests/fixtures/layouts`: one file per place where both peers find packages that the
/// four images above lack (an application's own `package.json` outside `node_modules`,
/// an egg installed as a folder with `EGG-INFO/PKG-INFO`, a gemspec deeper below
/// `specifications/`, the CBL-Mariner distroless rpm manifest), and places only syft
/// reads (an upper-case `DIST-INFO`, a `.par` Java archive, runtimes built into
/// `/usr/local` and a JVM `release` file, an Arch Linux pacman entry, an R package, a
/// Lua rock) or only trivy reads (a zipped egg, NuGet's
/// `packages.lock.json` and `packages.config`, a Bitnami component's SPDX document). The peers' lists come from
/// the same files built into an image by `scripts/layouts-image.sh`; here the image is
/// built in the test, so no fixture can be missing.
#[test]
fn parity_layouts() {
    let inv = layouts();
    parity_of("layouts", &inv);
    let purls: Vec<&str> = inv.packages.iter().map(|p| p.purl.as_str()).collect();
    assert_eq!(
        purls,
        [
            "pkg:rpm/mariner/bash@5.1.8-6.cm2?arch=x86_64&distro=mariner-2.0",
            "pkg:rpm/mariner/openssl-libs@1.1.1k-28.cm2?arch=x86_64&distro=mariner-2.0",
            "pkg:pypi/bar@2.0",
            "pkg:pypi/baz@3.0",
            "pkg:pypi/eggy@0.5",
            "pkg:pypi/foo@1.0",
            "pkg:npm/myapp@1.2.3",
            "pkg:npm/webthing@0.4.0",
            "pkg:maven/org.ex/parlib@9.9",
            "pkg:gem/deepgem@1.0.1",
            "pkg:gem/json@2.6.1",
            "pkg:nuget/Newtonsoft.Json@13.0.1",
            "pkg:nuget/Newtonsoft.Json@13.0.3",
            "pkg:nuget/Serilog@3.1.1",
            "pkg:nuget/jQuery@3.7.1",
            "pkg:alpm/mariner/glibc@2.38-3?arch=x86_64&distro=mariner-2.0",
            "pkg:cran/jsonlite@1.8.8",
            "pkg:luarocks/lua-resty-http@0.17.1-0",
            "pkg:bitnami/geos@3.13.0",
            "pkg:bitnami/nss_wrapper@1.1.16",
            "pkg:bitnami/postgresql@17.2.0-8",
            "pkg:generic/node@20.10.0",
            "pkg:generic/oracle/openjdk@17.0.9%2B9",
            "pkg:generic/python@3.12.1",
        ]
    );
    let ssl = inv
        .packages
        .iter()
        .find(|p| p.name == "openssl-libs")
        .unwrap();
    assert_eq!(ssl.source_name.as_deref(), Some("openssl"));
    assert_eq!(
        ssl.locations[0].path,
        "/var/lib/rpmmanifest/container-manifest-2"
    );
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

/// The CycloneDX 1.6 and SPDX 2.3 schemas.
fn validators() -> Option<(
    &'static jsonschema::Validator,
    &'static jsonschema::Validator,
)> {
    Some((
        bosun_testkit::schemas::cyclonedx()?,
        bosun_testkit::schemas::spdx()?,
    ))
}

const INFO: fn() -> DocInfo = || DocInfo {
    tool_version: "0.1.0".into(),
    created: 1_700_000_000,
};

#[test]
fn cyclonedx_and_spdx_validate_on_every_test_image() {
    let Some((cdx, spdx)) = validators() else {
        return;
    };
    let layouts = layouts();
    for image in ["layouts"].iter().chain(&IMAGES) {
        let inv = if *image == "layouts" {
            &layouts
        } else {
            let Some(inv) = inventory(image) else { return };
            inv
        };
        for (kind, bytes, validator) in [
            (
                "cyclonedx",
                bosun_sbom::cyclonedx::to_json(inv, &INFO()),
                cdx,
            ),
            ("spdx", bosun_sbom::spdx::to_json(inv, &INFO()), spdx),
        ] {
            let doc: Value = serde_json::from_slice(&bytes).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&doc)
                .take(5)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{image} {kind}: {errors:#?}");
            // Read back: the same packages.
            let back = bosun_sbom::read::read(&bytes).unwrap();
            assert_eq!(back.packages.len(), inv.packages.len(), "{image} {kind}");
            let purls = |i: &Inventory| -> BTreeSet<String> {
                i.packages.iter().map(|p| p.purl.clone()).collect()
            };
            assert_eq!(purls(&back), purls(inv), "{image} {kind}");
        }
        // The schemas are not vacuous: a broken document is rejected.
        let mut bad: Value =
            serde_json::from_slice(&bosun_sbom::cyclonedx::to_json(inv, &INFO())).unwrap();
        bad["components"][0]["type"] = "nonsense".into();
        assert!(!cdx.is_valid(&bad));
    }
}

#[test]
fn documents_are_byte_for_byte_deterministic() {
    let Some(path) = bosun_testkit::test_image("goapp.docker.tar") else {
        return;
    };
    let Some(inv) = inventory("pyapp") else {
        return;
    };
    let src = format!("docker-archive:{}", path.display());
    let image = Image::open(&src, &OpenOptions::default()).unwrap();
    let again = |_: ()| {
        catalog_image("goapp", &image, &WalkOptions::default(), &[])
            .unwrap()
            .0
    };
    let (a, b) = (again(()), again(()));
    assert_eq!(
        bosun_sbom::cyclonedx::to_json(&a, &INFO()),
        bosun_sbom::cyclonedx::to_json(&b, &INFO())
    );
    let x = bosun_sbom::spdx::to_json(inv, &INFO());
    let y = bosun_sbom::spdx::to_json(&inv.clone(), &INFO());
    assert_eq!(x, y);
    let later = DocInfo {
        created: 1_800_000_000,
        ..INFO()
    };
    assert_ne!(x, bosun_sbom::spdx::to_json(inv, &later));
}

#[test]
fn syft_golden_documents_read_back() {
    for (f, n) in [
        ("syft-golden/TestCycloneDxImageEncoder.json", 2),
        ("syft-golden/TestSPDXJSONImageEncoder.json", 2),
    ] {
        let Some(p) = bosun_testkit::corpus(f) else {
            return;
        };
        let inv = bosun_sbom::read::read(&std::fs::read(p).unwrap()).unwrap();
        assert_eq!(inv.packages.len(), n, "{f}: {:?}", inv.packages);
    }
}
