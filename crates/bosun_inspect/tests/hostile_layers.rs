//! Hostile layers through the real walk (`bosun_oci`): the hostile-layer-entries rule
//! (BSI124) and the caps that keep memory bounded (items per kind, findings per rule,
//! account-file bodies, `created_by` in locations).

use bosun_diagnostics::Location;
use bosun_oci::testing::{hostile_entries, layer_tar, ImageSpec, TestEntry, TestLayer};
use bosun_oci::{Compression, Image, OpenOptions, WalkOptions};

fn inspect(spec: &ImageSpec) -> bosun_inspect::Report {
    let t = tempfile::tempdir().unwrap();
    spec.build().write_oci_dir(t.path(), None).unwrap();
    let image = Image::open(&t.path().display().to_string(), &OpenOptions::default()).unwrap();
    bosun_inspect::oci::inspect("test", &image, &WalkOptions::default()).unwrap()
}

fn layer(tar: Vec<u8>, created_by: &str) -> TestLayer {
    TestLayer {
        tar,
        compression: Compression::Gzip,
        created_by: created_by.into(),
    }
}

#[test]
fn hostile_entries_give_one_finding_per_layer() {
    let spec = ImageSpec {
        layers: vec![
            layer(layer_tar(&[TestEntry::file("ok/a", b"x")]), "RUN good"),
            layer(hostile_entries::layer(), "RUN crafted"),
        ],
        ..Default::default()
    };
    let r = inspect(&spec);
    let hostile: Vec<_> = r.findings.iter().filter(|f| f.code == "BSI124").collect();
    assert_eq!(hostile.len(), 1, "{:#?}", r.findings);
    let f = hostile[0];
    assert!(
        f.message.starts_with("Layer 1 carries 5 hostile entries: ../../etc/cron.d/x (path climbs out of the root), /abs/file (absolute path), h (hard link out of the root), dev/mem (device node), ../\u{1b}[31mred\nline (path climbs out of the root); added in layer 1 by `RUN crafted`"),
        "{}",
        f.message
    );
    assert!(matches!(
        &f.location,
        Location::Layer { layer_index: 1, .. }
    ));
}

#[test]
fn good_layers_have_no_hostile_finding() {
    let spec = ImageSpec {
        layers: vec![layer(
            layer_tar(&[
                TestEntry::Dir("usr".into()),
                TestEntry::file("usr/a", b"x"),
                TestEntry::Hardlink("usr/b".into(), "usr/a".into()),
                TestEntry::Symlink("usr/c".into(), "../../../etc/passwd".into()),
            ]),
            "RUN good",
        )],
        ..Default::default()
    };
    let r = inspect(&spec);
    assert!(
        r.findings.iter().all(|f| f.code != "BSI124"),
        "{:#?}",
        r.findings
    );
}

/// 3,000 world-writable files: 1,000 kept (the per-kind cap in a layer), 2,000 counted;
/// an 8 MiB `created_by` is carried cut, not copied whole into each finding.
#[test]
fn caps_on_items_and_created_by() {
    let entries: Vec<TestEntry> = (0..3000)
        .map(|i| TestEntry::File(format!("w/{i}"), vec![], 0o666))
        .collect();
    let huge = format!("RUN {}", "x".repeat(8 << 20));
    let spec = ImageSpec {
        layers: vec![layer(layer_tar(&entries), &huge)],
        ..Default::default()
    };
    let r = inspect(&spec);
    let ww: Vec<_> = r.findings.iter().filter(|f| f.code == "BSI121").collect();
    assert_eq!(ww.len(), 1000);
    assert_eq!(
        r.omitted,
        vec![bosun_inspect::Omitted {
            what: "layer 0: world-writable entry".into(),
            count: 2000
        }]
    );
    for f in ww {
        let Location::Layer { created_by, .. } = &f.location else {
            panic!("layer location");
        };
        assert_eq!(created_by.as_deref().map(|c| c.chars().count()), Some(1024));
        assert!(f.message.chars().count() < 300, "{}", f.message.len());
    }
}
