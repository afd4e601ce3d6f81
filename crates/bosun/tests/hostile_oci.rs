//! The hostile suite for the image side (issue 12): `bosun image` against inputs made
//! here at test time (crafted archives and layouts, a lying registry and a fake engine on
//! loopback). Every case runs the binary as a child and asserts:
//! - the exit code;
//! - one clean error line (no raw control character) when it refuses;
//! - peak memory of the child (its exact `ru_maxrss`, read by a probe parent) under a ceiling;
//! - wall time under a bound;
//! - nothing left in the child's `TMPDIR`, and nothing written in its working directory;
//! - no secret in any output format.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bosun_oci::testing::{
    compress, hostile, hostile_entries, layer_tar, ImageSpec, TestEntry, TestLayer,
};
use bosun_oci::{Compression, Digest};

const SECRET: &str = "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngXyZ0123456";
const MIB: u64 = 1 << 20;

const PROBE_ARGS: &str = "BOSUN_PEAK_PROBE_ARGS";
const PROBE_OUT: &str = "BOSUN_PEAK_PROBE_STDOUT";
const PROBE_ERR: &str = "BOSUN_PEAK_PROBE_STDERR";
const PROBE_REPORT: &str = "BOSUN_PEAK_PROBE_REPORT";
const PROBE_KILL_AFTER_MS: &str = "BOSUN_PEAK_PROBE_KILL_AFTER_MS";

/// Run only as a child of `Case::run`: runs bosun with the arguments, output files and
/// deadline from the environment, then writes `CODE PEAK_KIB` (or `timeout PEAK_KIB`)
/// to the report file. Bosun is this process's only child, so the children's peak
/// resident size is bosun's own.
#[test]
#[ignore = "probe run by Case::run"]
fn peak_probe() {
    use nix::sys::resource::{getrusage, UsageWho};
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} unset"));
    let args = var(PROBE_ARGS);
    let kill_after = Duration::from_millis(var(PROBE_KILL_AFTER_MS).parse().expect("ms"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_bosun"))
        .args(args.split('\u{1f}'))
        .env_remove(PROBE_ARGS)
        .env_remove(PROBE_OUT)
        .env_remove(PROBE_ERR)
        .env_remove(PROBE_REPORT)
        .env_remove(PROBE_KILL_AFTER_MS)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(var(PROBE_OUT)).expect("stdout file"))
        .stderr(std::fs::File::create(var(PROBE_ERR)).expect("stderr file"))
        .spawn()
        .expect("spawn bosun");
    let start = Instant::now();
    let code = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st.code().map_or("signal".to_string(), |c| c.to_string());
        }
        if start.elapsed() > kill_after {
            let _ = child.kill();
            let _ = child.wait();
            break "timeout".to_string();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let peak = getrusage(UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage")
        .max_rss();
    std::fs::write(var(PROBE_REPORT), format!("{code} {peak}\n")).expect("report");
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    peak_kib: u64,
    wall: Duration,
}

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("tmp")).expect("tmp");
        std::fs::create_dir(dir.path().join("cwd")).expect("cwd");
        Case { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `bosun ARGS` with `TMPDIR` and the working directory inside the case,
    /// through `peak_probe` (this test binary run again as a child), which waits for
    /// bosun and reads its exact peak memory from `getrusage(RUSAGE_CHILDREN)`: bosun
    /// is the probe's only child. (Polling `/proc/<pid>/status` missed a child that
    /// exited before the first sample.) The probe kills bosun after `kill_after`.
    fn run(&self, args: &[&str], env: &[(&str, &str)], kill_after: Duration) -> Outcome {
        let out = self.path("stdout");
        let err = self.path("stderr");
        let report = self.path("probe-report");
        let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
        cmd.args(["--ignored", "--exact", "--nocapture", "peak_probe"])
            .current_dir(self.path("cwd"))
            .env("TMPDIR", self.path("tmp"))
            .env("CI", "true")
            .env("HOME", self.path("cwd"))
            .env_remove("DOCKER_CONFIG")
            .env_remove("REGISTRY_AUTH_FILE")
            .env_remove("XDG_RUNTIME_DIR")
            .env(PROBE_ARGS, args.join("\u{1f}"))
            .env(PROBE_OUT, &out)
            .env(PROBE_ERR, &err)
            .env(PROBE_REPORT, &report)
            .env(PROBE_KILL_AFTER_MS, kill_after.as_millis().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let start = Instant::now();
        let probe = cmd.output().expect("run the peak probe");
        let wall = start.elapsed();
        let text = std::fs::read_to_string(&report).unwrap_or_else(|e| {
            panic!(
                "peak probe wrote no report ({e}): {}{}",
                String::from_utf8_lossy(&probe.stdout),
                String::from_utf8_lossy(&probe.stderr)
            )
        });
        std::fs::remove_file(&report).expect("remove the probe report");
        let (code, peak) = text.trim().split_once(' ').expect("report: CODE PEAK");
        if code == "timeout" {
            panic!("bosun {args:?} still running after {kill_after:?}");
        }
        Outcome {
            code: code.parse().ok(),
            stdout: std::fs::read_to_string(&out).unwrap_or_default(),
            stderr: std::fs::read_to_string(&err).unwrap_or_default(),
            peak_kib: peak.parse().expect("peak KiB"),
            wall,
        }
    }

    /// The promises every run keeps.
    fn check(&self, o: &Outcome, what: &str, code: i32, max_mib: u64, max_secs: u64) {
        assert_eq!(
            o.code,
            Some(code),
            "{what}: exit code; stdout {} stderr {}",
            o.stdout,
            o.stderr
        );
        assert!(
            o.peak_kib > 0 && o.peak_kib < max_mib * 1024,
            "{what}: peak memory {} KiB, ceiling {max_mib} MiB",
            o.peak_kib
        );
        assert!(
            o.wall < Duration::from_secs(max_secs),
            "{what}: took {:?}, bound {max_secs} s",
            o.wall
        );
        let left: Vec<_> = std::fs::read_dir(self.path("tmp"))
            .expect("tmp")
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(left.is_empty(), "{what}: left in TMPDIR: {left:?}");
        let written: Vec<_> = std::fs::read_dir(self.path("cwd"))
            .expect("cwd")
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(
            written.is_empty(),
            "{what}: written in the working dir: {written:?}"
        );
        for (name, text) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            assert!(
                !text.contains(SECRET),
                "{what}: the secret is in {name}: {text}"
            );
            assert!(
                !text.contains('\u{1b}'),
                "{what}: raw ESC in {name}: {text:?}"
            );
        }
        assert!(!o.stderr.contains("panicked"), "{what}: {}", o.stderr);
        if code == 2 {
            assert_eq!(
                o.stderr.lines().count(),
                1,
                "{what}: not one error line: {:?}",
                o.stderr
            );
            assert!(
                o.stderr.starts_with("bosun: error: "),
                "{what}: {}",
                o.stderr
            );
        }
    }
}

/// A docker archive (`docker save` layout) holding one image with these layers
/// (diff ID, stored bytes).
fn docker_archive(path: &Path, layers: &[(Digest, Vec<u8>)], history: &[&str], tags: &[&str]) {
    let mut b = tar::Builder::new(std::fs::File::create(path).expect("archive"));
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data).expect("append");
    };
    let mut diff_ids = Vec::new();
    let mut names = Vec::new();
    for (i, (diff_id, l)) in layers.iter().enumerate() {
        let name = format!("l{i}/layer.tar");
        add(&name, l);
        diff_ids.push(diff_id.to_string());
        names.push(name);
    }
    let hist: Vec<serde_json::Value> = history
        .iter()
        .map(|c| serde_json::json!({ "created_by": c }))
        .collect();
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": { "User": "10001" },
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
        "history": hist,
    }))
    .expect("json");
    add("config.json", &config);
    let manifest = serde_json::to_vec(&serde_json::json!([
        { "Config": "config.json", "RepoTags": tags, "Layers": names }
    ]))
    .expect("json");
    add("manifest.json", &manifest);
    b.finish().expect("finish");
}

#[test]
fn tar_guard_bypasses_are_refused_in_bounded_memory() {
    for (what, tar) in [
        (
            "PAX with two size records",
            hostile::pax_double_size(64 * MIB),
        ),
        ("V7 x header", hostile::v7_pax_long_name(64 * MIB)),
    ] {
        let case = Case::new();
        let gz = compress(&tar, Compression::Gzip);
        let diff_id = Digest::sha256_of(&tar);
        drop(tar);
        let arch = case.path("a.tar");
        // The layer stored gzip-compressed (docker archives may hold either).
        docker_archive(&arch, &[(diff_id, gz)], &["RUN x"], &["x:1"]);
        let o = case.run(
            &["image", &format!("docker-archive:{}", arch.display())],
            &[],
            Duration::from_secs(60),
        );
        case.check(&o, what, 2, 150, 30);
        assert!(
            o.stderr
                .contains("GNU long name record: 67108864 exceeds the limit of 262144"),
            "{what}: {}",
            o.stderr
        );
    }
}

#[test]
fn outer_archive_long_name_is_refused_before_buffering() {
    let case = Case::new();
    let arch = case.path("outer.tar");
    // A 1 GiB GNU long name as the archive's first member: a sparse file, a few KiB on disk.
    let mut f = std::fs::File::create(&arch).expect("create");
    f.write_all(&hostile::gnu_long_name_header(1 << 30))
        .expect("write");
    f.set_len(512 + (1 << 30) + 1024).expect("sparse");
    drop(f);
    let o = case.run(
        &["image", &format!("docker-archive:{}", arch.display())],
        &[],
        Duration::from_secs(60),
    );
    case.check(&o, "outer long name", 2, 100, 20);
    assert!(
        o.stderr
            .contains("GNU long name record: 1073741824 exceeds"),
        "{}",
        o.stderr
    );
}

#[test]
fn fifos_are_refused_at_once() {
    let Some(mkfifo) = bosun_testkit::tool("mkfifo") else {
        return;
    };
    let case = Case::new();
    let layout = case.path("layout");
    std::fs::create_dir_all(layout.join("blobs/sha256")).expect("mkdir");
    std::fs::write(
        layout.join("oci-layout"),
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .expect("w");
    let fifo = case.path("fifo.tar");
    for p in [layout.join("index.json"), fifo.clone()] {
        assert!(Command::new(&mkfifo)
            .arg(&p)
            .status()
            .expect("mkfifo")
            .success());
    }
    for (what, src) in [
        ("FIFO as index.json", format!("oci:{}", layout.display())),
        (
            "FIFO as archive",
            format!("docker-archive:{}", fifo.display()),
        ),
    ] {
        let o = case.run(&["image", &src], &[], Duration::from_secs(30));
        case.check(&o, what, 2, 100, 10);
        assert!(
            o.stderr.contains("not a regular file (a FIFO)"),
            "{what}: {}",
            o.stderr
        );
    }
}

/// Streams a layer of `n` entries named by `name(i)` straight into gzip, hashing the
/// tar as it goes; returns (diff ID, compressed bytes).
fn streamed_layer(n: usize, name: impl Fn(usize) -> String, mode: u32) -> (Digest, Vec<u8>) {
    use sha2::Digest as _;
    struct Tee<W: Write> {
        inner: W,
        hash: sha2::Sha256,
    }
    impl<W: Write> Write for Tee<W> {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            let n = self.inner.write(b)?;
            self.hash.update(&b[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.inner.flush()
        }
    }
    let mut tee = Tee {
        inner: flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()),
        hash: sha2::Sha256::new(),
    };
    {
        let mut b = tar::Builder::new(&mut tee);
        for i in 0..n {
            let mut h = tar::Header::new_gnu();
            h.set_size(0);
            h.set_mode(mode);
            h.set_entry_type(tar::EntryType::Regular);
            h.set_cksum();
            b.append_data(&mut h, name(i), &[][..]).expect("append");
        }
        b.finish().expect("finish");
    }
    let hex: String = tee
        .hash
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let digest = Digest::parse(&format!("sha256:{hex}")).expect("digest");
    (digest, tee.inner.finish().expect("gzip"))
}

/// Writes an OCI layout from (diff id, gzip blob) layers and history lines.
fn layout_of(dir: &Path, layers: &[(Digest, Vec<u8>)], history: &[&str]) {
    std::fs::create_dir_all(dir.join("blobs/sha256")).expect("mkdir");
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).expect("w");
    let put = |b: &[u8]| {
        let d = Digest::sha256_of(b);
        std::fs::write(dir.join("blobs/sha256").join(d.encoded()), b).expect("blob");
        (d.to_string(), b.len())
    };
    let mut descs = Vec::new();
    for (_, blob) in layers {
        let (d, s) = put(blob);
        descs.push(serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": s}));
    }
    let hist: Vec<serde_json::Value> = history
        .iter()
        .map(|c| serde_json::json!({ "created_by": c }))
        .collect();
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux", "config": {"User": "10001"},
        "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|(d, _)| d.to_string()).collect::<Vec<_>>()},
        "history": hist,
    }))
    .expect("json");
    let (cd, cs) = put(&config);
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
        "layers": descs,
    }))
    .expect("json");
    let (md, ms) = put(&manifest);
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms}
        ]}))
        .expect("json"),
    )
    .expect("index");
}

/// Scaling: 400,000 world-writable files, then 400,000 whiteouts in the layer above.
/// Every item is placed against the whiteouts through an index, not a scan.
#[test]
fn four_hundred_thousand_whiteouts_in_seconds() {
    let case = Case::new();
    let lower = streamed_layer(400_000, |i| format!("w/f{i}"), 0o666);
    let upper = streamed_layer(400_000, |i| format!("w/.wh.g{i}"), 0o644);
    let dir = case.path("layout");
    layout_of(&dir, &[lower, upper], &["RUN make files", "RUN rm files"]);
    let o = case.run(
        &[
            "image",
            "--format",
            "sarif",
            &format!("oci:{}", dir.display()),
        ],
        &[],
        Duration::from_secs(240),
    );
    case.check(&o, "400,000 whiteouts", 1, 128, 120);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("sarif");
    let run = &v["runs"][0];
    let ww = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|f| f["ruleId"] == "BSI121")
        .count();
    assert_eq!(ww, 1000, "world-writable findings kept (the rest counted)");
    // `Report::omitted` in the SARIF run: the 399,000 world-writable entries not kept.
    assert_eq!(
        run["properties"]["omitted"],
        serde_json::json!([{ "what": "layer 0: world-writable entry", "count": 399_000 }])
    );
    eprintln!(
        "400,000 whiteouts: {:?}, peak {} MiB",
        o.wall,
        o.peak_kib / 1024
    );
}

/// A thousand layer descriptors naming one zstd blob that inflates to 64 MiB.
#[test]
fn one_blob_named_a_thousand_times_is_inflated_once() {
    let case = Case::new();
    let tar = layer_tar(&[TestEntry::file("big", &vec![0u8; 64 << 20])]);
    let blob = compress(&tar, Compression::Zstd);
    let one = (Digest::sha256_of(&tar), blob);
    drop(tar);
    let dir = case.path("layout");
    layout_of(&dir, &vec![one; 1000], &["RUN x"; 1000]);
    let o = case.run(
        &["image", &format!("oci:{}", dir.display())],
        &[],
        Duration::from_secs(120),
    );
    case.check(&o, "1,000 descriptors, one blob", 0, 300, 60);
    eprintln!(
        "1,000 descriptors of one 64 MiB blob: {:?}, peak {} MiB",
        o.wall,
        o.peak_kib / 1024
    );
}

/// Secrets in history (a build argument in a RUN line) and terminal escapes in layer
/// file names: text, JSON and SARIF never carry the secret; text shows `\x1b`, JSON
/// `\u001b`.
#[test]
fn secrets_redacted_and_escapes_escaped_in_every_format() {
    let case = Case::new();
    let run_line = format!("RUN |1 CACHEBUST={SECRET} /bin/sh -c echo hi");
    let spec = ImageSpec {
        layers: vec![
            TestLayer {
                tar: layer_tar(&[TestEntry::File(
                    "w/\u{1b}[2Jevil\nname".into(),
                    vec![],
                    0o666,
                )]),
                compression: Compression::Gzip,
                created_by: run_line.clone(),
            },
            TestLayer {
                tar: hostile_entries::layer(),
                compression: Compression::Gzip,
                created_by: format!("RUN curl -H 'Authorization: token {SECRET}' x"),
            },
        ],
        ..Default::default()
    };
    let dir = case.path("layout");
    spec.build().write_oci_dir(&dir, None).expect("write");
    let src = format!("oci:{}", dir.display());
    for format in ["text", "json", "sarif"] {
        let o = case.run(
            &["image", "--format", format, &src],
            &[],
            Duration::from_secs(60),
        );
        case.check(&o, format, 1, 150, 30);
        assert!(o.stdout.contains("BSI124"), "{format}: {}", o.stdout);
        match format {
            "text" => assert!(o.stdout.contains("\\x1b[2Jevil\\nname"), "{}", o.stdout),
            _ => assert!(
                o.stdout.contains("\\u001b[2Jevil\\nname"),
                "{format}: {}",
                o.stdout
            ),
        }
        if format != "text" {
            assert!(
                o.stdout.contains("CACHEBUST=****"),
                "{format}: {}",
                o.stdout
            );
        }
    }
}

/// Tags from an archive's manifest.json in the "choose one of" error.
#[test]
fn hostile_tags_in_an_error_stay_one_line() {
    let case = Case::new();
    let arch = case.path("a.tar");
    let l = layer_tar(&[TestEntry::file("a", b"x")]);
    // Two images: bosun must ask which one, quoting their tags.
    let mut b = tar::Builder::new(std::fs::File::create(&arch).expect("create"));
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data).expect("append");
    };
    add("l0/layer.tar", &l);
    let config = serde_json::to_vec(&serde_json::json!({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[Digest::sha256_of(&l).to_string()]}})).expect("json");
    add("config.json", &config);
    let tag = format!("evil\u{1b}]0;pwned\u{7}\n{SECRET}:1");
    add(
        "manifest.json",
        &serde_json::to_vec(&serde_json::json!([
            {"Config": "config.json", "RepoTags": [tag], "Layers": ["l0/layer.tar"]},
            {"Config": "config.json", "RepoTags": ["b:2"], "Layers": ["l0/layer.tar"]}
        ]))
        .expect("json"),
    );
    b.finish().expect("finish");
    drop(b);
    let o = case.run(
        &["image", &format!("docker-archive:{}", arch.display())],
        &[],
        Duration::from_secs(30),
    );
    case.check(&o, "choose one of", 2, 100, 10);
    assert!(
        o.stderr.contains("evil\\x1b]0;pwned\\x07\\n"),
        "{}",
        o.stderr
    );
}

/// A loopback HTTP server answering each connection with `respond`.
fn serve(
    respond: impl Fn(&str, &mut std::net::TcpStream) + Send + Sync + 'static,
) -> (u16, Arc<AtomicBool>) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    let stop = Arc::new(AtomicBool::new(false));
    let respond = Arc::new(respond);
    let s = stop.clone();
    std::thread::spawn(move || {
        for conn in l.incoming() {
            if s.load(Ordering::SeqCst) {
                break;
            }
            let Ok(mut c) = conn else { continue };
            let respond = respond.clone();
            std::thread::spawn(move || {
                let mut req = Vec::new();
                let mut buf = [0u8; 4096];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match c.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                respond(&String::from_utf8_lossy(&req), &mut c);
            });
        }
    });
    (port, stop)
}

#[test]
fn a_registry_that_trickles_or_stalls_is_cut_off() {
    // Trickle: a manifest body one byte every 50 ms.
    let (port, _s) = serve(|_, c| {
        let _ = c.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: 100000\r\n\r\n");
        for _ in 0..100_000 {
            if c.write_all(b" ").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let case = Case::new();
    let env = [
        ("BOSUN_BODY_GRACE", "2"),
        ("BOSUN_MIN_BODY_RATE", "1000"),
        ("BOSUN_IDLE_TIMEOUT", "2"),
    ];
    let o = case.run(
        &[
            "image",
            "--insecure",
            &format!("docker://127.0.0.1:{port}/x/y:1"),
        ],
        &env,
        Duration::from_secs(60),
    );
    case.check(&o, "trickling registry", 2, 100, 15);
    assert!(o.stderr.contains("too slow"), "{}", o.stderr);

    // Stall: headers, then nothing.
    let (port, _s) = serve(|_, c| {
        let _ = c.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: 100\r\n\r\n{");
        std::thread::sleep(Duration::from_secs(30));
    });
    let o = case.run(
        &[
            "image",
            "--insecure",
            &format!("docker://127.0.0.1:{port}/x/y:1"),
        ],
        &env,
        Duration::from_secs(60),
    );
    case.check(&o, "stalling registry", 2, 100, 15);
}

#[test]
fn registry_error_bodies_are_escaped_and_redacted() {
    let body = format!("\u{1b}[31mboom\u{1b}[0m\nsecond line {SECRET}\r\n\u{9b}2J");
    let (port, _s) = serve(move |_, c| {
        let _ = c.write_all(
            format!(
                "HTTP/1.1 500 Internal Server Error\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        );
    });
    let case = Case::new();
    let o = case.run(
        &[
            "image",
            "--insecure",
            &format!("docker://127.0.0.1:{port}/x/y:1"),
        ],
        &[],
        Duration::from_secs(30),
    );
    case.check(&o, "error body", 2, 100, 15);
    assert!(o.stderr.contains("\\x1b[31mboom"), "{}", o.stderr);
    assert!(!o.stderr.contains('\u{9b}'), "{:?}", o.stderr);
}

/// The credential policy: a token realm on another origin over plain HTTP never gets
/// the basic credentials; the registry's own origin does.
#[test]
fn credentials_never_go_in_clear_text_to_another_origin() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let (token_port, _t) = serve(move |req, c| {
        let auth = req
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
            .unwrap_or("")
            .to_string();
        s2.lock().expect("lock").push(auth);
        let _ = c.write_all(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
    });
    let (port, _r) = serve(move |_, c| {
        let _ = c.write_all(format!("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"http://127.0.0.1:{token_port}/token\",service=\"x\"\r\nContent-Length: 0\r\n\r\n").as_bytes());
    });
    let case = Case::new();
    let o = case.run(
        &[
            "image",
            "--insecure",
            "--creds",
            &format!("user:{SECRET}"),
            &format!("docker://127.0.0.1:{port}/x/y:1"),
        ],
        &[],
        Duration::from_secs(30),
    );
    case.check(&o, "cross-origin realm", 2, 100, 15);
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen, vec![String::new()], "the token realm got: {seen:?}");
}

/// A fake engine that sends an export one byte at a time: cut off, and the spool file
/// is gone. Then the same run interrupted by SIGTERM: the spool file is gone too.
#[cfg(unix)]
#[test]
fn a_trickling_engine_is_cut_off_and_interrupted_runs_clean_up() {
    use std::os::unix::net::UnixListener;
    let case = Case::new();
    let sock = case.path("engine.sock");
    let l = UnixListener::bind(&sock).expect("bind");
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut c) = conn else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = c.read(&mut buf);
                let _ = c.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: identity\r\n\r\n");
                let _ = c.write_all(&vec![0u8; 1 << 20]);
                for _ in 0..100_000 {
                    if c.write_all(b"\0").is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
    });
    let host = format!("unix://{}", sock.display());
    let env = [
        ("DOCKER_HOST", host.as_str()),
        ("BOSUN_BODY_GRACE", "3"),
        ("BOSUN_MIN_BODY_RATE", "1000000"),
        ("BOSUN_IDLE_TIMEOUT", "2"),
    ];
    let o = case.run(
        &["image", "docker-daemon:x:1"],
        &env,
        Duration::from_secs(60),
    );
    case.check(&o, "trickling engine", 2, 100, 20);
    assert!(o.stderr.contains("too slow"), "{}", o.stderr);

    // SIGTERM while the export spools: the handler removes the spool file.
    let Some(kill) = bosun_testkit::tool("kill") else {
        return;
    };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bosun"));
    cmd.args(["image", "docker-daemon:x:1"])
        .current_dir(case.path("cwd"))
        .env("TMPDIR", case.path("tmp"))
        .env("CI", "true")
        .env("DOCKER_HOST", &host)
        .env("BOSUN_BODY_GRACE", "60")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn");
    let start = Instant::now();
    while std::fs::read_dir(case.path("tmp")).expect("tmp").count() == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no spool file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(Command::new(kill)
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill")
        .success());
    let st = child.wait().expect("wait");
    assert_eq!(st.code(), Some(128 + 15));
    let left: Vec<_> = std::fs::read_dir(case.path("tmp"))
        .expect("tmp")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "left after SIGTERM: {left:?}");
}
