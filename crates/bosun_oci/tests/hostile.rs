//! Images built in the test (tars written with the `tar` crate into a temp dir), well
//! formed and hostile. Every hostile case must give a clear error naming the blob or
//! path, or be represented for a finding, with bounded memory.
#![allow(clippy::type_complexity)] // test bookkeeping tuples

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bosun_oci::testing::{layer_tar, ImageSpec, TestEntry, TestLayer};
use bosun_oci::{
    Body, Compression, EntryKind, EntryMeta, Error, Fate, Image, LayerInfo, LayerVisitor, Limits,
    OpenOptions, Platform, Progress, WalkOptions, Want,
};

/// Records (layer, path, kind, flags, body) of everything.
#[derive(Default)]
struct Recorder {
    max_body: u64,
    seen: Mutex<Vec<(usize, EntryMeta, Option<(Vec<u8>, bool)>, Option<String>)>>,
}

impl LayerVisitor for Recorder {
    fn wants(&self, e: &EntryMeta) -> Want {
        if e.kind == EntryKind::File && self.max_body > 0 {
            Want::Body {
                max_bytes: self.max_body,
            }
        } else {
            Want::Meta
        }
    }
    fn visit(&self, l: &LayerInfo, e: &EntryMeta, body: Option<Body<'_>>) {
        self.seen.lock().unwrap().push((
            l.index,
            e.clone(),
            body.map(|b| (b.bytes.to_vec(), b.truncated)),
            l.created_by().map(str::to_string),
        ));
    }
}

impl Recorder {
    fn find(
        &self,
        layer: usize,
        path: &str,
    ) -> Option<(EntryMeta, Option<(Vec<u8>, bool)>, Option<String>)> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .find(|(l, e, _, _)| *l == layer && e.path == path)
            .map(|(_, e, b, c)| (e.clone(), b.clone(), c.clone()))
    }
}

fn layer(entries: &[TestEntry], c: Compression, by: &str) -> TestLayer {
    TestLayer {
        tar: layer_tar(entries),
        compression: c,
        created_by: by.to_string(),
    }
}

fn secret_spec() -> ImageSpec {
    ImageSpec {
        layers: vec![
            layer(
                &[
                    TestEntry::Dir("etc".into()),
                    TestEntry::file("etc/passwd", b"root:x:0:0::/root:/bin/sh\n"),
                    TestEntry::Dir("root/.ssh".into()),
                    TestEntry::File("usr/bin/su".into(), b"ELF".to_vec(), 0o4755),
                ],
                Compression::Gzip,
                "base",
            ),
            layer(
                &[TestEntry::File(
                    "root/.ssh/id_rsa".into(),
                    b"-----BEGIN OPENSSH PRIVATE KEY-----\nxx".to_vec(),
                    0o600,
                )],
                Compression::Zstd,
                "COPY id_rsa /root/.ssh/id_rsa",
            ),
            layer(
                &[TestEntry::Whiteout("root/.ssh/id_rsa".into())],
                Compression::None,
                "RUN rm /root/.ssh/id_rsa",
            ),
            layer(
                &[TestEntry::file(
                    "etc/passwd",
                    b"root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/:/bin/sh\n",
                )],
                Compression::Gzip,
                "RUN useradd app",
            ),
        ],
        runtime: serde_json::json!({"User": "app", "Env": ["A=1"], "Cmd": ["/bin/sh"]})
            .as_object()
            .unwrap()
            .clone(),
        architecture: None,
    }
}

fn walk_all(
    image: &Image,
    rec: &Recorder,
    threads: usize,
) -> bosun_oci::Result<bosun_oci::WalkSummary> {
    image.walk(
        &[rec],
        &WalkOptions {
            threads,
            final_fs: true,
            final_fs_wanted_only: false,
            progress: None,
            skip_unwanted_bodies: false,
        },
    )
}

fn check_secret_image(image: &Image, stored_compressed: bool) {
    assert_eq!(image.layers.len(), 4);
    assert_eq!(image.config.config.user.as_deref(), Some("app"));
    assert_eq!(
        image.layers[1].created_by(),
        Some("COPY id_rsa /root/.ssh/id_rsa")
    );
    assert_eq!(
        image.layers[1].history_index,
        Some(2),
        "empty_layer entries are skipped"
    );
    let rec = Recorder {
        max_body: 1 << 20,
        ..Default::default()
    };
    let summary = walk_all(image, &rec, 3).unwrap();
    let fs = summary.final_fs.unwrap();
    assert_eq!(
        fs.fate("root/.ssh/id_rsa", 1),
        Some(Fate::Deleted { by_layer: 2 })
    );
    assert!(!fs.is_present("root/.ssh/id_rsa"));
    assert_eq!(
        fs.fate("etc/passwd", 0),
        Some(Fate::Overwritten { by_layer: 3 })
    );
    assert_eq!(fs.present_layer("etc/passwd"), Some(3));
    let (key, body, by) = rec
        .find(1, "root/.ssh/id_rsa")
        .expect("the key is still shipped in layer 1");
    assert_eq!(key.mode & 0o777, 0o600);
    assert!(body.unwrap().0.starts_with(b"-----BEGIN OPENSSH"));
    assert_eq!(by.as_deref(), Some("COPY id_rsa /root/.ssh/id_rsa"));
    let (su, _, _) = rec.find(0, "usr/bin/su").unwrap();
    assert!(su.is_setuid());
    let (wh, _, _) = rec.find(2, "root/.ssh/.wh.id_rsa").unwrap();
    assert_eq!(
        wh.whiteout,
        Some(bosun_oci::Whiteout::Delete {
            target: "root/.ssh/id_rsa".into()
        })
    );
    let comp: Vec<Compression> = summary.layers.iter().map(|l| l.compression).collect();
    if stored_compressed {
        assert_eq!(comp[1], Compression::Zstd);
    } else {
        assert!(
            comp.iter().all(|c| *c == Compression::None),
            "docker save stores plain tars"
        );
    }
    assert_eq!(comp[2], Compression::None);
}

#[test]
fn oci_dir_oci_archive_and_docker_archive_agree() {
    let t = tempfile::tempdir().unwrap();
    let spec = secret_spec();
    let built = spec.build();
    built
        .write_oci_dir(&t.path().join("layout"), Some("v1"))
        .unwrap();
    built
        .write_oci_archive(&t.path().join("img.oci.tar"), Some("v1"))
        .unwrap();
    built
        .write_docker_archive(&t.path().join("img.docker.tar"), &spec, "localhost/img:v1")
        .unwrap();
    let o = OpenOptions::default();
    for src in [
        format!("oci:{}:v1", t.path().join("layout").display()),
        format!("oci:{}", t.path().join("layout").display()),
        t.path().join("layout").display().to_string(),
        format!("oci-archive:{}", t.path().join("img.oci.tar").display()),
        t.path().join("img.oci.tar").display().to_string(),
        format!(
            "docker-archive:{}",
            t.path().join("img.docker.tar").display()
        ),
        t.path().join("img.docker.tar").display().to_string(),
    ] {
        let image = Image::open(&src, &o).unwrap_or_else(|e| panic!("{src}: {e}"));
        check_secret_image(&image, !src.contains("docker"));
    }
    let e = Image::open(
        &format!("oci:{}:nope", t.path().join("layout").display()),
        &o,
    )
    .unwrap_err();
    assert!(matches!(e, Error::Ambiguous { .. }), "{e}");
}

#[test]
fn final_view_is_the_same_whatever_the_thread_count() {
    let t = tempfile::tempdir().unwrap();
    let spec = secret_spec();
    spec.build().write_oci_dir(t.path(), None).unwrap();
    let image = Image::open(&t.path().display().to_string(), &OpenOptions::default()).unwrap();
    let one = walk_all(&image, &Recorder::default(), 1)
        .unwrap()
        .final_fs
        .unwrap();
    let many = walk_all(&image, &Recorder::default(), 4)
        .unwrap()
        .final_fs
        .unwrap();
    let a: Vec<_> = one
        .iter()
        .map(|(p, o)| (p.to_string(), o.to_vec()))
        .collect();
    let b: Vec<_> = many
        .iter()
        .map(|(p, o)| (p.to_string(), o.to_vec()))
        .collect();
    assert_eq!(a, b);
    assert!(!a.is_empty());
}

fn one_layer_dir(entries: &[TestEntry]) -> (tempfile::TempDir, Image) {
    let t = tempfile::tempdir().unwrap();
    let spec = ImageSpec {
        layers: vec![layer(entries, Compression::Gzip, "x")],
        ..Default::default()
    };
    spec.build().write_oci_dir(t.path(), None).unwrap();
    let image = Image::open(&t.path().display().to_string(), &OpenOptions::default()).unwrap();
    (t, image)
}

#[test]
fn dotdot_and_absolute_paths_are_cleaned_and_flagged() {
    let (_t, image) = one_layer_dir(&[
        TestEntry::file("../../etc/cron.d/evil", b"* * * * * root sh"),
        TestEntry::file("/etc/abs", b"x"),
        TestEntry::file("./ok/file", b"y"),
        TestEntry::file("a/b/../../c", b"z"),
    ]);
    let rec = Recorder::default();
    walk_all(&image, &rec, 1).unwrap();
    let (evil, _, _) = rec.find(0, "etc/cron.d/evil").unwrap();
    assert!(evil.path_flags.escapes_root && evil.path_flags.parent_refs);
    assert_eq!(evil.raw_path.as_deref(), Some("../../etc/cron.d/evil"));
    let (abs, _, _) = rec.find(0, "etc/abs").unwrap();
    assert!(abs.path_flags.absolute && !abs.path_flags.escapes_root);
    let (ok, _, _) = rec.find(0, "ok/file").unwrap();
    assert!(!ok.path_flags.any() && ok.raw_path.is_none());
    let (c, _, _) = rec.find(0, "c").unwrap();
    assert!(c.path_flags.parent_refs && !c.path_flags.escapes_root);
}

#[test]
fn link_escapes_and_loops_are_represented_never_followed() {
    let (_t, image) = one_layer_dir(&[
        TestEntry::Symlink("etc/shadow-link".into(), "../../../../../etc/shadow".into()),
        TestEntry::Symlink("abs".into(), "/etc/shadow".into()),
        TestEntry::Symlink("loop/a".into(), "b".into()),
        TestEntry::Symlink("loop/b".into(), "a".into()),
        TestEntry::Symlink("self".into(), "self".into()),
        TestEntry::Hardlink("hl".into(), "../../etc/passwd".into()),
        TestEntry::file(
            "etc/shadow-link/through",
            b"writes through a symlink on a naive host",
        ),
    ]);
    let rec = Recorder::default();
    walk_all(&image, &rec, 1).unwrap();
    let (l, _, _) = rec.find(0, "etc/shadow-link").unwrap();
    let r = l.link_resolution().unwrap();
    assert!(r.escapes_root);
    assert_eq!(r.path, "etc/shadow");
    let (a, _, _) = rec.find(0, "abs").unwrap();
    assert!(a.link_resolution().unwrap().absolute);
    let (hl, _, _) = rec.find(0, "hl").unwrap();
    assert_eq!(
        hl.kind,
        EntryKind::Hardlink {
            target: "etc/passwd".into()
        }
    );
    assert!(rec.find(0, "loop/a").is_some() && rec.find(0, "self").is_some());
    assert!(rec.find(0, "etc/shadow-link/through").is_some());
}

fn small_limits() -> Limits {
    Limits {
        max_layer_uncompressed_bytes: 8 << 20,
        ratio_floor_bytes: 1 << 20,
        max_compression_ratio: 50,
        ..Limits::default()
    }
}

#[test]
fn gzip_bomb_is_stopped_by_the_ratio_cap() {
    let zeros = vec![0u8; 64 << 20];
    let (_t, mut image) = one_layer_dir(&[TestEntry::file("bomb", &zeros)]);
    assert!(
        image.layers[0].size < 1 << 20,
        "the bomb is small compressed"
    );
    image.limits = small_limits();
    let e = walk_all(&image, &Recorder::default(), 1).unwrap_err();
    match &e {
        Error::LimitExceeded { what, limit, .. } => {
            assert!(
                what.contains("layer 0") && what.contains("decompressed"),
                "{e}"
            );
            assert!(*limit <= 8 << 20);
        }
        other => panic!("expected a limit error, got {other}"),
    }
}

#[test]
fn bodies_are_capped_per_visitor_and_by_the_limit() {
    let (_t, mut image) = one_layer_dir(&[TestEntry::file("big", &vec![b'a'; 10_000])]);
    let small = Recorder {
        max_body: 100,
        ..Default::default()
    };
    let large = Recorder {
        max_body: 1 << 30,
        ..Default::default()
    };
    image.limits.max_body_bytes = 4096;
    image
        .walk(&[&small, &large], &WalkOptions::default())
        .unwrap();
    let (_, b, _) = small.find(0, "big").unwrap();
    let (bytes, truncated) = b.unwrap();
    assert_eq!((bytes.len(), truncated), (100, true));
    let (_, b, _) = large.find(0, "big").unwrap();
    let (bytes, truncated) = b.unwrap();
    assert_eq!((bytes.len(), truncated), (4096, true));
}

#[test]
fn too_many_entries_is_a_clear_error() {
    let entries: Vec<TestEntry> = (0..5000)
        .map(|i| TestEntry::file(&format!("f/{i}"), b""))
        .collect();
    let (_t, mut image) = one_layer_dir(&entries);
    image.limits.max_entries_per_layer = 1000;
    let e = walk_all(&image, &Recorder::default(), 1).unwrap_err();
    assert!(
        matches!(&e, Error::LimitExceeded { what, limit: 1000, .. } if what.contains("entry count")),
        "{e}"
    );
    image.limits.max_entries_per_layer = 5000;
    let s = walk_all(&image, &Recorder::default(), 1).unwrap();
    assert_eq!(s.layers[0].entries, 5000);
    assert_eq!(s.final_fs.unwrap().len(), 5000);
}

fn blob_path(dir: &std::path::Path, d: &bosun_oci::Digest) -> std::path::PathBuf {
    dir.join("blobs/sha256").join(d.encoded())
}

#[test]
fn tampered_truncated_and_missing_layers() {
    let t = tempfile::tempdir().unwrap();
    let spec = secret_spec();
    let built = spec.build();
    built.write_oci_dir(t.path(), None).unwrap();
    let src = t.path().display().to_string();
    let o = OpenOptions::default();
    let target = blob_path(t.path(), &built.layer_digests[1]);
    let good = std::fs::read(&target).unwrap();

    // Same size, one byte flipped at the end (so decompression may still succeed).
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    std::fs::write(&target, &bad).unwrap();
    let e = walk_all(&Image::open(&src, &o).unwrap(), &Recorder::default(), 2).unwrap_err();
    match &e {
        Error::DigestMismatch { blob, .. } => assert!(
            blob.contains("layer 1") && blob.contains(&built.layer_digests[1].to_string()),
            "{e}"
        ),
        Error::Layer { index: 1, .. } => {}
        other => panic!("expected a digest error for layer 1, got {other}"),
    }

    // Truncated.
    std::fs::write(&target, &good[..good.len() / 2]).unwrap();
    let e = walk_all(&Image::open(&src, &o).unwrap(), &Recorder::default(), 2).unwrap_err();
    assert!(
        matches!(&e, Error::SizeMismatch { blob, overrun: false, .. } if blob.contains("layer 1")),
        "{e}"
    );

    // Longer than the descriptor says.
    let mut long = good.clone();
    long.extend_from_slice(b"trailing");
    std::fs::write(&target, &long).unwrap();
    let e = walk_all(&Image::open(&src, &o).unwrap(), &Recorder::default(), 2).unwrap_err();
    assert!(
        matches!(&e, Error::SizeMismatch { overrun: true, .. }),
        "{e}"
    );

    // Missing.
    std::fs::remove_file(&target).unwrap();
    let e = walk_all(&Image::open(&src, &o).unwrap(), &Recorder::default(), 2).unwrap_err();
    assert!(
        matches!(&e, Error::BlobNotFound { digest, .. } if *digest == built.layer_digests[1].to_string()),
        "{e}"
    );

    // Missing config: caught at open.
    std::fs::write(&target, &good).unwrap();
    std::fs::remove_file(blob_path(t.path(), &built.config_digest)).unwrap();
    let e = Image::open(&src, &o).unwrap_err();
    assert!(
        matches!(&e, Error::BlobNotFound { what, .. } if what.contains("config")),
        "{e}"
    );
}

#[test]
fn wrong_diff_id_is_caught() {
    let t = tempfile::tempdir().unwrap();
    let spec = secret_spec();
    let mut built = spec.build();
    // Rewrite the config with a wrong diff ID for layer 0, and the manifest to match.
    let mut cfg: serde_json::Value = serde_json::from_slice(&built.config).unwrap();
    cfg["rootfs"]["diff_ids"][0] = serde_json::json!(format!("sha256:{}", "0".repeat(64)));
    rewrite_config(&mut built, &serde_json::to_vec(&cfg).unwrap());
    built.write_oci_dir(t.path(), None).unwrap();
    let image = Image::open(&t.path().display().to_string(), &OpenOptions::default()).unwrap();
    let e = walk_all(&image, &Recorder::default(), 1).unwrap_err();
    assert!(
        matches!(&e, Error::DigestMismatch { blob, .. } if blob.contains("diff ID") && blob.contains("layer 0")),
        "{e}"
    );
}

fn rewrite_config(built: &mut bosun_oci::testing::BuiltImage, config: &[u8]) {
    let cd = bosun_oci::Digest::sha256_of(config);
    let mut m: serde_json::Value = serde_json::from_slice(&built.manifest).unwrap();
    m["config"]["digest"] = serde_json::json!(cd.to_string());
    m["config"]["size"] = serde_json::json!(config.len());
    rewrite_manifest(built, &serde_json::to_vec(&m).unwrap());
    built.blobs.push((cd.clone(), config.to_vec()));
    built.config_digest = cd;
    built.config = config.to_vec();
}

fn rewrite_manifest(built: &mut bosun_oci::testing::BuiltImage, manifest: &[u8]) {
    let md = bosun_oci::Digest::sha256_of(manifest);
    built.blobs.push((md.clone(), manifest.to_vec()));
    built.manifest_digest = md;
    built.manifest = manifest.to_vec();
}

#[test]
fn malformed_documents_give_json_errors_naming_them() {
    let o = OpenOptions::default();
    // index.json
    let t = tempfile::tempdir().unwrap();
    secret_spec().build().write_oci_dir(t.path(), None).unwrap();
    std::fs::write(
        t.path().join("index.json"),
        b"{\"schemaVersion\": 2, \"manifests\": [",
    )
    .unwrap();
    let e = Image::open(&t.path().display().to_string(), &o).unwrap_err();
    assert!(
        matches!(&e, Error::Json { what, .. } if what.contains("index.json")),
        "{e}"
    );

    // manifest (content-addressed: write bad JSON under its own digest)
    let t = tempfile::tempdir().unwrap();
    let mut built = secret_spec().build();
    rewrite_manifest(&mut built, b"{\"schemaVersion\":2,\"config\":");
    built.write_oci_dir(t.path(), None).unwrap();
    let e = Image::open(&t.path().display().to_string(), &o).unwrap_err();
    assert!(
        matches!(&e, Error::Json { what, .. } if what.contains("manifest")),
        "{e}"
    );

    // config
    let t = tempfile::tempdir().unwrap();
    let mut built = secret_spec().build();
    rewrite_config(&mut built, b"{\"rootfs\": {\"diff_ids\": 7}}");
    built.write_oci_dir(t.path(), None).unwrap();
    let e = Image::open(&t.path().display().to_string(), &o).unwrap_err();
    assert!(
        matches!(&e, Error::Json { what, .. } if what.contains("config")),
        "{e}"
    );

    // schema 1
    let t = tempfile::tempdir().unwrap();
    let mut built = secret_spec().build();
    rewrite_manifest(
        &mut built,
        br#"{"schemaVersion":1,"name":"x","fsLayers":[]}"#,
    );
    built.write_oci_dir(t.path(), None).unwrap();
    let e = Image::open(&t.path().display().to_string(), &o).unwrap_err();
    assert!(matches!(&e, Error::UnsupportedMediaType { .. }), "{e}");
}

#[test]
fn absurd_sizes_and_digests_in_descriptors() {
    let o = OpenOptions::default();
    let base = secret_spec().build();
    let m: serde_json::Value = serde_json::from_slice(&base.manifest).unwrap();

    let mut huge = m.clone();
    huge["layers"][0]["size"] = serde_json::json!(1u64 << 62);
    let mut negative = m.clone();
    negative["layers"][0]["size"] = serde_json::json!(-5);
    let mut alg = m.clone();
    alg["layers"][0]["digest"] = serde_json::json!("md5:0123456789abcdef");
    let mut traversal = m.clone();
    traversal["layers"][0]["digest"] = serde_json::json!("sha256:../../../../etc/passwd");
    let mut huge_config = m.clone();
    huge_config["config"]["size"] = serde_json::json!(1u64 << 40);

    let cases: Vec<(serde_json::Value, fn(&Error) -> bool)> = vec![
        (
            huge,
            |e| matches!(e, Error::LimitExceeded { what, .. } if what.contains("layer 0")),
        ),
        (negative, |e| matches!(e, Error::Json { .. })),
        (
            alg,
            |e| matches!(e, Error::BadDigest { digest, .. } if digest.starts_with("md5:")),
        ),
        (traversal, |e| matches!(e, Error::Json { .. })),
        (
            huge_config,
            |e| matches!(e, Error::LimitExceeded { what, .. } if what.contains("config")),
        ),
    ];
    for (manifest, ok) in cases {
        let t = tempfile::tempdir().unwrap();
        let mut built = base.clone();
        rewrite_manifest(&mut built, &serde_json::to_vec(&manifest).unwrap());
        built.write_oci_dir(t.path(), None).unwrap();
        let e = Image::open(&t.path().display().to_string(), &o).unwrap_err();
        assert!(ok(&e), "unexpected error: {e}");
    }
}

#[test]
fn multi_platform_index_picks_and_lists_platforms() {
    let t = tempfile::tempdir().unwrap();
    let mut arm = secret_spec();
    arm.architecture = Some("arm64".into());
    arm.layers.truncate(1);
    let amd = secret_spec().build();
    let arm = arm.build();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": amd.manifest_digest.to_string(), "size": amd.manifest.len(), "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": arm.manifest_digest.to_string(), "size": arm.manifest.len(), "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": arm.manifest_digest.to_string(), "size": arm.manifest.len(), "platform": {"os": "unknown", "architecture": "unknown"}}
        ]
    });
    let index = serde_json::to_vec(&index).unwrap();
    let index_digest = bosun_oci::Digest::sha256_of(&index);
    let mut all = amd.clone();
    all.blobs.extend(arm.blobs.clone());
    all.blobs.push((index_digest.clone(), index.clone()));
    all.write_oci_dir(t.path(), None).unwrap();
    let top = serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": index_digest.to_string(), "size": index.len()}]});
    std::fs::write(
        t.path().join("index.json"),
        serde_json::to_vec(&top).unwrap(),
    )
    .unwrap();
    let src = t.path().display().to_string();

    let with = |p: &str| OpenOptions {
        platform: Platform::parse(p),
        ..Default::default()
    };
    let img = Image::open(&src, &with("linux/arm64")).unwrap();
    assert_eq!(
        (img.layers.len(), img.platform.architecture.as_str()),
        (1, "arm64")
    );
    assert_eq!(img.manifest_digest.as_ref(), Some(&arm.manifest_digest));
    assert_eq!(img.index_digest.as_ref(), Some(&index_digest));
    let img = Image::open(&src, &with("linux/amd64")).unwrap();
    assert_eq!(img.layers.len(), 4);
    let e = Image::open(&src, &with("linux/s390x")).unwrap_err();
    match &e {
        Error::NoMatchingPlatform {
            wanted, available, ..
        } => {
            assert_eq!(wanted, "linux/s390x");
            assert_eq!(
                available,
                &vec!["linux/amd64".to_string(), "linux/arm64/v8".to_string()]
            );
        }
        other => panic!("{other}"),
    }
}

#[derive(Default)]
struct CountingProgress {
    bytes: AtomicU64,
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress for CountingProgress {
    fn start(&self, total: u64, _layers: usize) {
        self.total.store(total, Ordering::SeqCst);
    }
    fn advance(&self, _layer: usize, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::SeqCst);
    }
    fn layer_done(&self, _layer: usize) {
        self.done.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn progress_reports_every_byte() {
    let t = tempfile::tempdir().unwrap();
    secret_spec().build().write_oci_dir(t.path(), None).unwrap();
    let image = Image::open(&t.path().display().to_string(), &OpenOptions::default()).unwrap();
    let p = Arc::new(CountingProgress::default());
    image
        .walk(
            &[],
            &WalkOptions {
                threads: 2,
                final_fs: false,
                final_fs_wanted_only: false,
                progress: Some(p.clone()),
                skip_unwanted_bodies: false,
            },
        )
        .unwrap();
    assert_eq!(p.total.load(Ordering::SeqCst), image.total_layer_bytes());
    assert_eq!(p.bytes.load(Ordering::SeqCst), image.total_layer_bytes());
    assert_eq!(p.done.load(Ordering::SeqCst), 4);
}

#[test]
fn garbage_and_unsupported_compression_are_layer_errors() {
    for (blob, needle) in [
        (b"BZh91AY&SY garbage".to_vec(), "bzip2"),
        (vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3], "layer 0"),
        (
            b"this is not a tar archive at all, just text that goes on".repeat(20),
            "layer 0",
        ),
    ] {
        let t = tempfile::tempdir().unwrap();
        let mut built = ImageSpec {
            layers: vec![layer(&[TestEntry::file("a", b"b")], Compression::None, "x")],
            ..Default::default()
        }
        .build();
        // Replace the layer blob by garbage with a matching descriptor and diff ID.
        let d = bosun_oci::Digest::sha256_of(&blob);
        let mut m: serde_json::Value = serde_json::from_slice(&built.manifest).unwrap();
        m["layers"][0]["digest"] = serde_json::json!(d.to_string());
        m["layers"][0]["size"] = serde_json::json!(blob.len());
        let mut c: serde_json::Value = serde_json::from_slice(&built.config).unwrap();
        c["rootfs"]["diff_ids"][0] = serde_json::json!(d.to_string());
        built.blobs.push((d, blob));
        rewrite_manifest(&mut built, &serde_json::to_vec(&m).unwrap());
        rewrite_config(&mut built, &serde_json::to_vec(&c).unwrap());
        built.write_oci_dir(t.path(), None).unwrap();
        let image = Image::open(&t.path().display().to_string(), &OpenOptions::default()).unwrap();
        let e = walk_all(&image, &Recorder::default(), 1).unwrap_err();
        assert!(e.to_string().contains(needle), "{needle}: {e}");
    }
}

#[test]
fn zstd_with_several_frames_and_a_skippable_frame() {
    let tar = layer_tar(&[
        TestEntry::file("a", b"first"),
        TestEntry::file("b", &vec![b'x'; 100_000]),
    ]);
    let (one, two) = tar.split_at(1024);
    let mut blob = zstd::stream::encode_all(one, 3).unwrap();
    // A skippable frame (magic 0x184D2A50, little-endian length) as zstd:chunked writes.
    blob.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4]);
    blob.extend(zstd::stream::encode_all(two, 3).unwrap());
    let info = LayerInfo {
        index: 0,
        digest: bosun_oci::Digest::sha256_of(&blob),
        diff_id: bosun_oci::Digest::sha256_of(&tar),
        size: blob.len() as u64,
        media_type: "application/vnd.oci.image.layer.v1.tar+zstd".into(),
        history: None,
        history_index: None,
    };
    let rec = Recorder {
        max_body: 16,
        ..Default::default()
    };
    let stats = bosun_oci::walk_layer_blob(
        Box::new(std::io::Cursor::new(blob)),
        &info,
        &[&rec],
        &Limits::default(),
    )
    .unwrap();
    assert_eq!((stats.compression, stats.entries), (Compression::Zstd, 2));
    assert_eq!(stats.uncompressed_bytes, tar.len() as u64);
    let (_, body, _) = rec.find(0, "b").unwrap();
    assert_eq!(body.unwrap(), (vec![b'x'; 16], true));
}

/// A legacy `docker save` layout: `<id>/layer.tar` members, one a symlink to another
/// (docker does this for repeated layers), plus hostile members.
#[test]
fn legacy_docker_archive_with_symlinked_layers_and_member_loops() {
    let t = tempfile::tempdir().unwrap();
    let l0 = layer_tar(&[TestEntry::file("same", b"1")]);
    let l1 = layer_tar(&[TestEntry::file("other", b"2")]);
    let d0 = bosun_oci::Digest::sha256_of(&l0);
    let d1 = bosun_oci::Digest::sha256_of(&l1);
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [d0.to_string(), d1.to_string(), d0.to_string()]},
        "history": [{"created_by": "a"}, {"created_by": "b"}, {"created_by": "c"}],
    }))
    .unwrap();
    let cfg_name = format!("{}.json", bosun_oci::Digest::sha256_of(&config).encoded());
    let manifest = |layers: &[&str]| {
        serde_json::to_vec(&serde_json::json!([
            {"Config": cfg_name, "RepoTags": ["localhost/legacy:1"], "Layers": layers},
            {"Config": cfg_name, "RepoTags": ["localhost/legacy:2"], "Layers": layers}
        ]))
        .unwrap()
    };
    let write = |path: &std::path::Path, layers: &[&str], extra: &[(&str, &str)]| {
        let mut b = tar::Builder::new(std::fs::File::create(path).unwrap());
        let mut file = |name: &str, data: &[u8]| {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, data).unwrap();
        };
        file("aaa/layer.tar", &l0);
        file("bbb/layer.tar", &l1);
        file(&cfg_name, &config);
        file("manifest.json", &manifest(layers));
        let mut link = |name: &str, target: &str| {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            h.set_mode(0o777);
            b.append_link(&mut h, name, target).unwrap();
        };
        link("ccc/layer.tar", "../aaa/layer.tar");
        for (n, tg) in extra {
            link(n, tg);
        }
        b.into_inner().unwrap();
    };
    let good = t.path().join("legacy.tar");
    write(
        &good,
        &["aaa/layer.tar", "bbb/layer.tar", "ccc/layer.tar"],
        &[],
    );
    let o = OpenOptions::default();
    let e = Image::open(&good.display().to_string(), &o).unwrap_err();
    assert!(
        matches!(&e, Error::Ambiguous { choices, .. } if choices.len() == 2),
        "{e}"
    );
    for pick in ["localhost/legacy:2", "legacy:2", "@1"] {
        let image = Image::open(&format!("docker-archive:{}:{pick}", good.display()), &o).unwrap();
        assert_eq!(image.layers.len(), 3);
        let rec = Recorder::default();
        let s = walk_all(&image, &rec, 3).unwrap();
        assert!(
            s.layers.iter().all(|l| !l.digest_verified),
            "legacy layers are checked by diff ID"
        );
        assert_eq!(
            s.final_fs.unwrap().fate("same", 0),
            Some(Fate::Overwritten { by_layer: 2 })
        );
    }
    let e = Image::open(&format!("docker-archive:{}:nope", good.display()), &o).unwrap_err();
    assert!(matches!(&e, Error::Ambiguous { .. }), "{e}");

    // A layer member that is a symlink loop, or points outside the archive: a missing blob.
    let bad = t.path().join("loops.tar");
    write(
        &bad,
        &["aaa/layer.tar", "loop/a", "out/layer.tar"],
        &[
            ("loop/a", "b"),
            ("loop/b", "a"),
            ("out/layer.tar", "../../../etc/passwd"),
        ],
    );
    let e = Image::open(&format!("docker-archive:{}:@0", bad.display()), &o).unwrap_err();
    assert!(
        matches!(&e, Error::BlobNotFound { what, .. } if what.contains("loop/a")),
        "{e}"
    );
}

/// One giant PAX header (the tar reader would buffer it whole): refused by size before
/// it is read, while long names and PAX records of normal size still work.
#[test]
fn giant_pax_header_is_refused_before_buffering() {
    let mut b = tar::Builder::new(Vec::new());
    // Normal long name (GNU 'L') and a PAX record with an xattr.
    let long = format!("{}/file", "d".repeat(300));
    let mut h = tar::Header::new_gnu();
    h.set_size(2);
    h.set_mode(0o644);
    b.append_data(&mut h, &long, &b"ok"[..]).unwrap();
    b.append_pax_extensions([("SCHILY.xattr.security.capability", &b"\x01\x00\x00\x02"[..])])
        .unwrap();
    let mut h = tar::Header::new_ustar();
    h.set_size(1);
    h.set_mode(0o755);
    b.append_data(&mut h, "usr/bin/ping", &b"x"[..]).unwrap();
    let normal = b.into_inner().unwrap();
    let limits = Limits {
        max_tar_header_bytes: 64 << 10,
        ..Limits::default()
    };
    let info = |blob: &[u8], tar: &[u8]| LayerInfo {
        index: 0,
        digest: bosun_oci::Digest::sha256_of(blob),
        diff_id: bosun_oci::Digest::sha256_of(tar),
        size: blob.len() as u64,
        media_type: String::new(),
        history: None,
        history_index: None,
    };
    let gz = bosun_oci::testing::compress(&normal, Compression::Gzip);
    let rec = Recorder::default();
    bosun_oci::walk_layer_blob(
        Box::new(std::io::Cursor::new(gz.clone())),
        &info(&gz, &normal),
        &[&rec],
        &limits,
    )
    .unwrap();
    assert!(rec.find(0, &long).is_some());
    let (ping, _, _) = rec.find(0, "usr/bin/ping").unwrap();
    assert_eq!(
        ping.xattrs,
        vec![(
            "security.capability".to_string(),
            b"\x01\x00\x00\x02".to_vec()
        )]
    );

    // A 'x' header declaring 16 MiB of records: the tar crate would allocate it all.
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(tar::EntryType::XHeader);
    h.set_size(16 << 20);
    h.set_cksum();
    let mut hostile = h.as_bytes().to_vec();
    hostile.resize(512 + (16 << 20), b'a');
    let gz = bosun_oci::testing::compress(&hostile, Compression::Gzip);
    let e = bosun_oci::walk_layer_blob(
        Box::new(std::io::Cursor::new(gz.clone())),
        &info(&gz, &hostile),
        &[&Recorder::default()],
        &limits,
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::LimitExceeded { what, amount, .. } if what.contains("PAX") && *amount == 16 << 20),
        "{e}"
    );
}

#[test]
fn compressed_archives_are_decompressed_to_a_temp_file() {
    let t = tempfile::tempdir().unwrap();
    let spec = secret_spec();
    let built = spec.build();
    let plain = t.path().join("img.docker.tar");
    built
        .write_docker_archive(&plain, &spec, "localhost/img:v1")
        .unwrap();
    let raw = std::fs::read(&plain).unwrap();
    for (name, c) in [
        ("img.docker.tar.gz", Compression::Gzip),
        ("img.docker.tar.zst", Compression::Zstd),
    ] {
        let p = t.path().join(name);
        std::fs::write(&p, bosun_oci::testing::compress(&raw, c)).unwrap();
        let image = Image::open(&p.display().to_string(), &OpenOptions::default()).unwrap();
        check_secret_image(&image, false);
    }
    let p = t.path().join("big.tar.gz");
    std::fs::write(&p, bosun_oci::testing::compress(&raw, Compression::Gzip)).unwrap();
    let o = OpenOptions {
        limits: Limits {
            max_spool_bytes: 1024,
            ..Limits::default()
        },
        ..Default::default()
    };
    let e = Image::open(&format!("docker-archive:{}", p.display()), &o).unwrap_err();
    assert!(
        matches!(&e, Error::LimitExceeded { what, .. } if what.contains("decompressed archive")),
        "{e}"
    );
}

#[test]
fn a_bare_name_is_never_sent_to_a_registry() {
    let e = Image::open("alpine:3.19", &OpenOptions::default()).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidReference { reason, .. } if reason.contains("docker://")),
        "{e}"
    );
}

/// The two shapes that walked around the first tar guard: both are now refused, through
/// the layer walk and through the outer archive alike, and the guard agrees with the
/// `tar` crate on every header of them.
#[test]
fn tar_guard_bypasses_are_refused() {
    use bosun_oci::testing::hostile;
    let limits = Limits {
        max_tar_header_bytes: 64 << 10,
        ..Limits::default()
    };
    for (name, tar) in [
        (
            "PAX with two size records",
            hostile::pax_double_size(4 << 20),
        ),
        ("V7 x header", hostile::v7_pax_long_name(4 << 20)),
    ] {
        bosun_oci::fuzz_check_tar_guard(&tar, 64 << 10).unwrap_or_else(|e| panic!("{name}: {e}"));
        let gz = bosun_oci::testing::compress(&tar, Compression::Gzip);
        let info = LayerInfo {
            index: 0,
            digest: bosun_oci::Digest::sha256_of(&gz),
            diff_id: bosun_oci::Digest::sha256_of(&tar),
            size: gz.len() as u64,
            media_type: String::new(),
            history: None,
            history_index: None,
        };
        let e = bosun_oci::walk_layer_blob(
            Box::new(std::io::Cursor::new(gz)),
            &info,
            &[&Recorder::default()],
            &limits,
        )
        .unwrap_err();
        assert!(
            matches!(&e, Error::LimitExceeded { what, amount, limit } if what.contains("GNU long name") && *amount == 4 << 20 && *limit == 64 << 10),
            "{name}: {e}"
        );
        // The same bytes as an outer docker archive: indexed through the same guard.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outer.tar");
        std::fs::write(&path, &tar).unwrap();
        let e = Image::open(
            &format!("docker-archive:{}", path.display()),
            &OpenOptions {
                limits: limits.clone(),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(
            matches!(&e, Error::LimitExceeded { what, .. } if what.contains("GNU long name")),
            "{name} (outer archive): {e}"
        );
    }
}

/// A FIFO where a layout expects `index.json`, or given as an archive, is refused at
/// once instead of blocking forever.
#[cfg(unix)]
#[test]
fn fifos_are_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mkfifo) = bosun_testkit::tool("mkfifo") else {
        return;
    };
    let layout = dir.path().join("layout");
    std::fs::create_dir(&layout).unwrap();
    std::fs::write(
        layout.join("oci-layout"),
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    let fifo = layout.join("index.json");
    let arch = dir.path().join("a.tar");
    for f in [&fifo, &arch] {
        let st = std::process::Command::new(&mkfifo).arg(f).status().unwrap();
        assert!(st.success());
    }
    let t = std::time::Instant::now();
    let e = Image::open(
        &format!("oci:{}", layout.display()),
        &OpenOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("not a regular file (a FIFO)"), "{e}");
    let e = Image::open(
        &format!("docker-archive:{}", arch.display()),
        &OpenOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("not a regular file (a FIFO)"), "{e}");
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
}

/// A thousand layer descriptors naming one zstd blob: the blob is read (and inflated)
/// once, every layer still gets `layer_done`, and the final view has each layer.
#[test]
fn a_blob_named_by_many_layers_is_read_once() {
    let t = tempfile::tempdir().unwrap();
    let tar = layer_tar(&[TestEntry::file("big", &vec![0u8; 256 << 10])]);
    let one = TestLayer {
        tar,
        compression: Compression::Zstd,
        created_by: "RUN x".into(),
    };
    let spec = ImageSpec {
        layers: vec![one; 1000],
        ..Default::default()
    };
    let built = spec.build();
    built.write_oci_dir(t.path(), None).unwrap();
    let image = Image::open(&t.path().display().to_string(), &OpenOptions::default()).unwrap();
    assert_eq!(image.layers.len(), 1000);
    let p = Arc::new(CountingProgress::default());
    let rec = Recorder::default();
    let s = image
        .walk(
            &[&rec],
            &WalkOptions {
                threads: 2,
                final_fs: true,
                final_fs_wanted_only: false,
                progress: Some(p.clone()),
                skip_unwanted_bodies: false,
            },
        )
        .unwrap();
    let blob = image.layers[0].size;
    assert_eq!(p.bytes.load(Ordering::SeqCst), blob, "read once");
    assert_eq!(s.layers.len(), 1000);
    assert!(s.layers.iter().enumerate().all(|(i, l)| l.index == i));
    assert_eq!(rec.seen.lock().unwrap().len(), 1, "entries offered once");
    let fs = s.final_fs.unwrap();
    assert_eq!(fs.present_layer("big"), Some(999));
    assert_eq!(fs.history("big").len(), 1000);
}

/// The total inflated size over all layers has its own cap.
#[test]
fn total_inflated_bytes_per_image_is_capped() {
    let t = tempfile::tempdir().unwrap();
    let spec = ImageSpec {
        layers: (0..4)
            .map(|i| {
                layer(
                    &[TestEntry::file(&format!("f{i}"), &vec![i as u8; 64 << 10])],
                    Compression::Gzip,
                    "x",
                )
            })
            .collect(),
        ..Default::default()
    };
    spec.build().write_oci_dir(t.path(), None).unwrap();
    let limits = Limits {
        max_image_uncompressed_bytes: 200 << 10,
        ..Limits::default()
    };
    let image = Image::open(
        &t.path().display().to_string(),
        &OpenOptions {
            limits,
            ..Default::default()
        },
    )
    .unwrap();
    let e = image.walk(&[], &WalkOptions::default()).unwrap_err();
    assert!(
        matches!(&e, Error::LimitExceeded { what, limit, .. } if what.contains("all layers together") && *limit == 200 << 10),
        "{e}"
    );
}

/// The fuzz target's oracle, run here over deterministic mutations of seed archives
/// (bytes of their headers and PAX records flipped, sizes and type flags rewritten): the
/// guard agrees with the `tar` crate on every header it yields, and nothing longer than
/// the limit gets through. A cheap stand-in for `cargo fuzz run tar_reader`.
#[test]
fn tar_guard_agrees_with_the_crate_on_mutated_archives() {
    use bosun_oci::testing::hostile;
    let mut long = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(3);
    long.append_data(&mut h, format!("{}/f", "d".repeat(2000)), &b"abc"[..])
        .unwrap();
    long.append_pax_extensions([("path", &b"p/q"[..]), ("size", &b"3"[..])])
        .unwrap();
    let mut h = tar::Header::new_ustar();
    h.set_size(3);
    long.append_data(&mut h, "x", &b"xyz"[..]).unwrap();
    let seeds = vec![
        hostile::pax_double_size(3000),
        hostile::v7_pax_long_name(3000),
        long.into_inner().unwrap(),
        layer_tar(&[
            TestEntry::file("a", b"hello"),
            TestEntry::Dir("d".into()),
            TestEntry::Symlink("s".into(), "../x".into()),
            TestEntry::Whiteout("d/w".into()),
        ]),
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut runs = 0;
    for seed in &seeds {
        bosun_oci::fuzz_check_tar_guard(seed, 1024).unwrap();
        for _ in 0..2500 {
            let mut t = seed.clone();
            for _ in 0..(1 + next() % 4) {
                let block = (next() as usize % t.len().div_ceil(512)) * 512;
                let r = next();
                let at = match r % 4 {
                    0 => block + 124 + (r as usize >> 8) % 12, // size
                    1 => block + 156,                          // type flag
                    2 => block + 257 + (r as usize >> 8) % 8,  // magic, version
                    _ => block + (r as usize >> 8) % 512,
                };
                if let Some(b) = t.get_mut(at) {
                    *b = (next() >> 3) as u8;
                }
            }
            // Keep headers' checksums valid half of the time, so mutations get past it.
            if next() % 2 == 0 {
                for off in (0..t.len()).step_by(512) {
                    if let Some(block) = t.get_mut(off..off + 512) {
                        let mut h = tar::Header::new_old();
                        h.as_mut_bytes().copy_from_slice(block);
                        if h.as_bytes().iter().any(|&b| b != 0) {
                            h.set_cksum();
                            block.copy_from_slice(h.as_bytes());
                        }
                    }
                }
            }
            if let Err(e) = bosun_oci::fuzz_check_tar_guard(&t, 1024) {
                panic!("mutation disagrees: {e}");
            }
            runs += 1;
        }
    }
    assert_eq!(runs, 10_000);
}
