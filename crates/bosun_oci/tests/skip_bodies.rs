//! `WalkOptions::skip_unwanted_bodies`: a local uncompressed layer is walked seeking
//! over the bodies no visitor wants, and `Want::Random` bodies are served straight from
//! the file. What visitors see must be exactly what the verifying walk shows them, on
//! every local source; what is given up (hashing) must be said in the stats; truncation
//! must still be an error.

use std::io::SeekFrom;
use std::sync::Mutex;

use bosun_oci::testing::{layer_tar, ImageSpec, TestEntry, TestLayer};
use bosun_oci::{
    Body, Compression, EntryKind, EntryMeta, Error, Image, LayerInfo, LayerVisitor, OpenOptions,
    SeekRead, WalkOptions, WalkSummary, Want,
};

/// Everything a visitor can observe, in a comparable form.
struct Recorder {
    /// `max_bytes` of the `Want::Random` bodies.
    random_max: u64,
    seen: Mutex<Vec<String>>,
}

impl LayerVisitor for Recorder {
    fn wants(&self, e: &EntryMeta) -> Want {
        match () {
            _ if e.kind != EntryKind::File => Want::Meta,
            _ if e.path.ends_with(".txt") => Want::Body { max_bytes: 10 },
            _ if e.path.starts_with("bin/") => Want::Random {
                max_bytes: self.random_max,
            },
            _ => Want::Meta,
        }
    }

    fn visit(&self, l: &LayerInfo, e: &EntryMeta, body: Option<Body<'_>>) {
        let body = body.map(|b| format!("{:?}/{}", String::from_utf8_lossy(b.bytes), b.truncated));
        self.seen.lock().unwrap().push(format!(
            "{} {} {:?} {} {:?}",
            l.index, e.path, e.kind, e.size, body
        ));
    }

    fn visit_random(&self, l: &LayerInfo, e: &EntryMeta, body: &mut dyn SeekRead, cut: bool) {
        // A few ranges, out of order, as an ELF reader would take them.
        let len = body.seek(SeekFrom::End(0)).unwrap();
        let mut tail = [0u8; 8];
        body.seek(SeekFrom::Start(len.saturating_sub(8).min(90_000)))
            .unwrap();
        body.read_exact(&mut tail).unwrap();
        let mut head = [0u8; 8];
        body.seek(SeekFrom::Start(0)).unwrap();
        body.read_exact(&mut head).unwrap();
        self.seen.lock().unwrap().push(format!(
            "{} {} random len={len} cut={cut} head={head:?} at90000={tail:?}",
            l.index, e.path
        ));
    }
}

fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

fn spec() -> ImageSpec {
    let plain = layer_tar(&[
        TestEntry::Dir("etc".into()),
        TestEntry::file("etc/a.txt", b"hello, world"),
        TestEntry::file("big.bin", &pattern(300_000, 1)),
        TestEntry::File("bin/tool".into(), pattern(100_000, 2), 0o755),
        TestEntry::Symlink("bin/link".into(), "tool".into()),
        TestEntry::file("z.txt", b"last"),
    ]);
    let gz = layer_tar(&[
        TestEntry::file("etc/b.txt", b"second layer"),
        TestEntry::File("bin/other".into(), pattern(150_000, 3), 0o755),
    ]);
    ImageSpec {
        layers: vec![
            TestLayer {
                tar: plain,
                compression: Compression::None,
                created_by: "base".into(),
            },
            TestLayer {
                tar: gz,
                compression: Compression::Gzip,
                created_by: "RUN more".into(),
            },
        ],
        ..Default::default()
    }
}

fn walk(image: &Image, skip: bool) -> bosun_oci::Result<(Vec<String>, WalkSummary)> {
    walk_max(image, skip, 1 << 20)
}

fn walk_max(
    image: &Image,
    skip: bool,
    random_max: u64,
) -> bosun_oci::Result<(Vec<String>, WalkSummary)> {
    let rec = Recorder {
        random_max,
        seen: Mutex::default(),
    };
    let summary = image.walk(
        &[&rec],
        &WalkOptions {
            threads: 2,
            final_fs: true,
            final_fs_wanted_only: false,
            progress: None,
            skip_unwanted_bodies: skip,
        },
    )?;
    let mut seen = rec.seen.into_inner().unwrap();
    seen.sort();
    Ok((seen, summary))
}

fn open(source: &str) -> Image {
    Image::open(source, &OpenOptions::default()).unwrap()
}

/// The sources: docker archive, OCI layout directory, OCI archive.
fn sources(dir: &std::path::Path) -> Vec<String> {
    let spec = spec();
    let built = spec.build();
    let docker = dir.join("img.docker.tar");
    built.write_docker_archive(&docker, &spec, "img:1").unwrap();
    built.write_oci_dir(&dir.join("layout"), None).unwrap();
    built
        .write_oci_archive(&dir.join("img.oci.tar"), None)
        .unwrap();
    vec![
        format!("docker-archive:{}", docker.display()),
        format!("oci:{}", dir.join("layout").display()),
        format!("oci-archive:{}", dir.join("img.oci.tar").display()),
    ]
}

#[test]
fn skipping_shows_visitors_exactly_what_the_verifying_walk_shows() {
    let dir = tempfile::tempdir().unwrap();
    for source in sources(dir.path()) {
        let image = open(&source);
        let (verified, vs) = walk(&image, false).unwrap();
        let (skipped, ss) = walk(&image, true).unwrap();
        assert_eq!(verified, skipped, "{source}");
        assert_eq!(verified.len(), 8, "{source}: {verified:#?}");
        let tool = verified
            .iter()
            .find(|s| s.contains("bin/tool random"))
            .unwrap();
        assert!(tool.contains("len=100000 cut=false"), "{tool}");
        let other = verified
            .iter()
            .find(|s| s.contains("bin/other random"))
            .unwrap();
        assert!(other.contains("len=150000 cut=false"), "{other}");
        let tail = &pattern(100_000, 2)[90_000..90_008];
        assert!(tool.ends_with(&format!("at90000={tail:?}")), "{tool}");
        let a = verified.iter().find(|s| s.contains("etc/a.txt")).unwrap();
        assert!(a.ends_with("Some(\"\\\"hello, wor\\\"/true\")"), "{a}");

        // What was given up is said: the local plain layers are not hashed; the
        // compressed one keeps its blob digest check but not its diff ID (a docker
        // archive stores every layer plain).
        assert!(vs.layers.iter().all(|l| l.diff_id_verified), "{source}");
        assert!(!ss.layers[0].diff_id_verified && !ss.layers[0].digest_verified);
        let gzip_kept = !source.starts_with("docker-archive:");
        assert!(!ss.layers[1].diff_id_verified, "{source}");
        assert_eq!(ss.layers[1].digest_verified, gzip_kept, "{source}");
        assert_eq!(
            ss.layers[0].uncompressed_bytes, vs.layers[0].uncompressed_bytes,
            "{source}"
        );
        assert_eq!(ss.layers[0].entries, vs.layers[0].entries, "{source}");
        // The final filesystem is the same.
        let paths = |s: &WalkSummary| {
            let mut p: Vec<String> = s
                .final_fs
                .as_ref()
                .unwrap()
                .iter()
                .map(|(p, _)| p.to_string())
                .collect();
            p.sort();
            p
        };
        assert_eq!(paths(&vs), paths(&ss), "{source}");
    }
}

/// Finds `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}

#[test]
fn random_bodies_are_capped_at_max_bytes_from_a_file_or_a_buffer() {
    let dir = tempfile::tempdir().unwrap();
    let spec = spec();
    spec.build().write_oci_dir(dir.path(), None).unwrap();
    let image = open(&format!("oci:{}", dir.path().display()));
    let (seen, _) = walk_max(&image, true, 120_000).unwrap();
    let line = |p: &str| seen.iter().find(|s| s.contains(p)).unwrap().clone();
    // Layer 0 is a plain tar read from the file: the whole body, uncut.
    assert!(line("bin/tool random").contains("len=100000 cut=false"));
    // Layer 1 is gzip: streamed, its body buffered up to max_bytes.
    assert!(line("bin/other random").contains("len=120000 cut=true"));
    // Below the file's size, a local file is cut exactly as a buffered body is.
    let (seen, _) = walk_max(&image, true, 50_000).unwrap();
    let tool = seen.iter().find(|s| s.contains("bin/tool random")).unwrap();
    assert!(tool.contains("len=50000 cut=true"), "{tool}");
    let (verified, _) = walk_max(&image, false, 50_000).unwrap();
    assert_eq!(seen, verified);
}

#[test]
fn a_changed_byte_in_a_skipped_body_is_caught_only_by_the_verifying_walk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("img.docker.tar");
    let spec = spec();
    spec.build()
        .write_docker_archive(&path, &spec, "img:1")
        .unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let at = find(&bytes, &pattern(300_000, 1)[1000..1064]) + 10;
    bytes[at] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let image = open(&format!("docker-archive:{}", path.display()));
    match walk(&image, false) {
        Err(Error::DigestMismatch { blob, .. }) => assert!(blob.contains("diff ID"), "{blob}"),
        other => panic!("expected a diff ID mismatch, got {:?}", other.map(|r| r.0)),
    }
    // The documented trade-off: nothing read that byte, nothing hashed it, and the
    // stats say the layer is unverified.
    let (_, s) = walk(&image, true).unwrap();
    assert!(!s.layers[0].diff_id_verified);
}

#[test]
fn a_truncated_local_layer_is_an_error_when_skipping() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = spec();
    // Cut the plain layer inside big.bin's body: the next header is never reached by
    // reading, only by a seek past the end.
    let tar = &spec.layers[0].tar;
    let cut = find(tar, &pattern(300_000, 1)[..64]) + 150_000;
    spec.layers[0].tar.truncate(cut);
    let path = dir.path().join("cut.docker.tar");
    spec.build()
        .write_docker_archive(&path, &spec, "img:1")
        .unwrap();
    let image = open(&format!("docker-archive:{}", path.display()));
    for skip in [false, true] {
        let err = walk(&image, skip).map(|r| r.0).unwrap_err().to_string();
        assert!(
            err.contains("layer 0") && err.contains("corrupt layer") && err.contains("EOF")
                || err.contains("past the end of the layer"),
            "skip={skip}: {err}"
        );
    }
}

/// The fuzzing oracle of the local walk over a real layer, every truncation of it and
/// single-byte corruptions of its headers: the seeking walk shows what the streaming
/// walk shows and fails only where it fails.
#[test]
fn the_local_walk_agrees_with_the_streaming_walk_on_damaged_layers() {
    let tar = spec().layers[0].tar.clone();
    bosun_oci::fuzz_check_local_walk(&tar).unwrap();
    for cut in (0..tar.len()).step_by(499) {
        bosun_oci::fuzz_check_local_walk(&tar[..cut]).unwrap();
    }
    // Header bytes: the name, the size field, the checksum, the type flag.
    for header_at in [0usize, 512, 1024] {
        for field in [0usize, 124, 130, 148, 156] {
            let mut bad = tar.clone();
            if let Some(b) = bad.get_mut(header_at + field) {
                *b ^= 0x5a;
            }
            bosun_oci::fuzz_check_local_walk(&bad).unwrap();
        }
    }
}

/// A compressed local layer is still checked against its blob digest when skipping
/// (only its diff ID, a second hash of the uncompressed stream, is left out).
#[test]
fn a_changed_byte_in_a_compressed_local_layer_is_caught_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let spec = spec();
    let built = spec.build();
    built.write_oci_dir(dir.path(), None).unwrap();
    // Layer 1 is gzip: flip a byte in the middle of its blob.
    let blob = dir
        .path()
        .join("blobs/sha256")
        .join(built.layer_digests[1].encoded());
    let mut bytes = std::fs::read(&blob).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&blob, &bytes).unwrap();
    let image = open(&format!("oci:{}", dir.path().display()));
    for skip in [false, true] {
        let err = walk(&image, skip).map(|r| r.0).unwrap_err().to_string();
        assert!(err.contains("layer 1"), "skip={skip}: {err}");
    }
}
