//! Real sources: a local `docker-registry` (anonymous and behind htpasswd basic auth),
//! a podman service as the engine, and archives made by podman (`BOSUN_TEST_IMAGES`, see
//! .ci/run). Each test skips with a printed reason when its tools are missing. Servers
//! are killed on drop; everything lives in temp dirs; only 127.0.0.1 is contacted.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bosun_oci::testing::{layer_tar, ImageSpec, TestEntry, TestLayer};
use bosun_oci::{
    resolve_digest, Body, Compression, Credentials, EntryMeta, Error, Fate, Image, LayerInfo,
    LayerVisitor, OpenOptions, RegistryOptions, WalkOptions, Want,
};

fn have(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

fn skip_unless(tools: &[&str]) -> bool {
    let missing: Vec<&&str> = tools.iter().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return false;
    }
    bosun_testkit::skip(&format!("skipped: {missing:?} not installed"));
    true
}

/// A child process killed (and reaped) on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bosun_testkit::skip(&format!("skipped: {what} did not come up within 20 s"));
    false
}

#[derive(Default)]
struct Paths(Mutex<Vec<(usize, String)>>);

impl LayerVisitor for Paths {
    fn wants(&self, _e: &EntryMeta) -> Want {
        Want::Meta
    }
    fn visit(&self, l: &LayerInfo, e: &EntryMeta, _b: Option<Body<'_>>) {
        self.0.lock().unwrap().push((l.index, e.path.clone()));
    }
}

fn test_spec() -> ImageSpec {
    ImageSpec {
        layers: vec![
            TestLayer {
                tar: layer_tar(&[
                    TestEntry::Dir("etc".into()),
                    TestEntry::file("etc/os-release", b"ID=test\n"),
                ]),
                compression: Compression::Gzip,
                created_by: "base".into(),
            },
            TestLayer {
                tar: layer_tar(&[TestEntry::File(
                    "app/key.pem".into(),
                    b"secret".to_vec(),
                    0o600,
                )]),
                compression: Compression::Gzip,
                created_by: "COPY key.pem /app/".into(),
            },
            TestLayer {
                tar: layer_tar(&[TestEntry::Whiteout("app/key.pem".into())]),
                compression: Compression::Gzip,
                created_by: "RUN rm /app/key.pem".into(),
            },
        ],
        ..Default::default()
    }
}

fn check_test_image(image: &Image) {
    assert_eq!(image.layers.len(), 3);
    let v = Paths::default();
    let s = image
        .walk(
            &[&v],
            &WalkOptions {
                final_fs: true,
                final_fs_wanted_only: false,
                ..Default::default()
            },
        )
        .unwrap();
    let fs = s.final_fs.unwrap();
    assert_eq!(
        fs.fate("app/key.pem", 1),
        Some(Fate::Deleted { by_layer: 2 })
    );
    assert!(fs.is_present("etc/os-release"));
    assert!(v
        .0
        .lock()
        .unwrap()
        .contains(&(1, "app/key.pem".to_string())));
}

use bosun_testkit::{Registry, RegistryConfig};

fn start_registry(htpasswd: Option<(&str, &str)>) -> Option<Registry> {
    start_registry_with(htpasswd, false)
}

fn start_registry_with(htpasswd: Option<(&str, &str)>, tls: bool) -> Option<Registry> {
    bosun_testkit::start_registry(&RegistryConfig {
        htpasswd: htpasswd.map(|(u, p)| (u.to_string(), p.to_string())),
        tls,
    })
}

fn push(archive: &Path, dest: &str, creds: Option<&str>) -> bool {
    let mut cmd = Command::new("skopeo");
    cmd.args(["--insecure-policy", "copy", "-q", "--dest-tls-verify=false"]);
    if let Some(c) = creds {
        cmd.args(["--dest-creds", c]);
    }
    let out = cmd
        .arg(format!("oci-archive:{}", archive.display()))
        .arg(dest)
        .output()
        .unwrap();
    if !out.status.success() {
        bosun_testkit::skip(&format!(
            "skipped: skopeo copy failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    out.status.success()
}

fn isolated(dir: &Path, creds: Option<Credentials>) -> RegistryOptions {
    RegistryOptions {
        insecure: true,
        credentials: creds,
        // Never pick up the developer's own credentials.
        docker_config: Some(dir.join("no-such-config.json")),
        ..Default::default()
    }
}

#[test]
fn registry_anonymous() {
    if skip_unless(&["docker-registry", "skopeo"]) {
        return;
    }
    let Some(reg) = start_registry(None) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let archive = t.path().join("img.oci.tar");
    test_spec()
        .build()
        .write_oci_archive(&archive, None)
        .unwrap();
    let reference = format!("127.0.0.1:{}/bosun/test:1", reg.port);
    if !push(&archive, &format!("docker://{reference}"), None) {
        return;
    }
    let opts = OpenOptions {
        registry: isolated(t.path(), None),
        ..Default::default()
    };
    let image = Image::open(&format!("docker://{reference}"), &opts).unwrap();
    check_test_image(&image);
    let pinned = resolve_digest(&reference, &opts.registry).unwrap();
    assert_eq!(Some(&pinned), image.manifest_digest.as_ref());
    // By digest too.
    let by_digest = Image::open(
        &format!("docker://127.0.0.1:{}/bosun/test@{pinned}", reg.port),
        &opts,
    )
    .unwrap();
    assert_eq!(by_digest.manifest_digest.as_ref(), Some(&pinned));
    // Unknown tag: a clear registry error.
    let e = Image::open(
        &format!("docker://127.0.0.1:{}/bosun/test:nope", reg.port),
        &opts,
    )
    .unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Registry {
                status: Some(404),
                ..
            }
        ),
        "{e}"
    );
    // HTTPS against a plain-HTTP registry fails clearly, with a hint.
    let strict = OpenOptions {
        registry: RegistryOptions {
            insecure: false,
            ..isolated(t.path(), None)
        },
        ..Default::default()
    };
    let e = Image::open(&format!("docker://{reference}"), &strict).unwrap_err();
    assert!(matches!(&e, Error::Registry { .. }), "{e}");
}

#[test]
fn registry_basic_auth_and_wrong_password() {
    if skip_unless(&["docker-registry", "skopeo", "htpasswd"]) {
        return;
    }
    let Some(reg) = start_registry(Some(("bosun", "s3cret"))) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let archive = t.path().join("img.oci.tar");
    test_spec()
        .build()
        .write_oci_archive(&archive, None)
        .unwrap();
    let reference = format!("127.0.0.1:{}/bosun/private:1", reg.port);
    if !push(
        &archive,
        &format!("docker://{reference}"),
        Some("bosun:s3cret"),
    ) {
        return;
    }
    let good = Credentials {
        username: "bosun".into(),
        password: "s3cret".into(),
    };
    let opts = OpenOptions {
        registry: isolated(t.path(), Some(good)),
        ..Default::default()
    };
    check_test_image(&Image::open(&format!("docker://{reference}"), &opts).unwrap());
    assert!(resolve_digest(&reference, &opts.registry).is_ok());

    let wrong = Credentials {
        username: "bosun".into(),
        password: "wrong".into(),
    };
    let opts = OpenOptions {
        registry: isolated(t.path(), Some(wrong)),
        ..Default::default()
    };
    let e = Image::open(&format!("docker://{reference}"), &opts).unwrap_err();
    assert!(
        matches!(&e, Error::Unauthorized { reason, .. } if reason.contains("rejected")),
        "{e}"
    );

    let none = OpenOptions {
        registry: isolated(t.path(), None),
        ..Default::default()
    };
    let e = Image::open(&format!("docker://{reference}"), &none).unwrap_err();
    assert!(matches!(&e, Error::Unauthorized { .. }), "{e}");

    // Credentials from a docker config file (auths, base64).
    let cfg = t.path().join("config.json");
    std::fs::write(
        &cfg,
        format!(
            r#"{{"auths":{{"127.0.0.1:{}":{{"auth":"Ym9zdW46czNjcmV0"}}}}}}"#,
            reg.port
        ),
    )
    .unwrap();
    let from_file = OpenOptions {
        registry: RegistryOptions {
            docker_config: Some(cfg),
            insecure: true,
            ..Default::default()
        },
        ..Default::default()
    };
    check_test_image(&Image::open(&format!("docker://{reference}"), &from_file).unwrap());
}

fn podman(root: &Path) -> Command {
    let mut c = Command::new("podman");
    c.arg("--root")
        .arg(root.join("root"))
        .arg("--runroot")
        .arg(root.join("run"))
        .args([
            "--storage-driver",
            "vfs",
            "--events-backend",
            "file",
            "--cgroup-manager",
            "cgroupfs",
        ]);
    c
}

#[test]
fn engine_socket_via_podman_service() {
    if skip_unless(&["podman"]) {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let spec = test_spec();
    let built = spec.build();
    let archive = t.path().join("img.docker.tar");
    built
        .write_docker_archive(&archive, &spec, "localhost/bosun-test:1")
        .unwrap();
    let out = podman(t.path())
        .arg("load")
        .arg("-i")
        .arg(&archive)
        .output()
        .unwrap();
    if !out.status.success() {
        bosun_testkit::skip(&format!(
            "skipped: podman load failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
        return;
    }
    let sock = t.path().join("engine.sock");
    let Ok(child) = podman(t.path())
        .args(["system", "service", "--time=0"])
        .arg(format!("unix://{}", sock.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        bosun_testkit::skip("skipped: podman system service did not start");
        return;
    };
    let _server = Server(child);
    if !wait_until("podman service", || {
        std::os::unix::net::UnixStream::connect(&sock).is_ok()
    }) {
        return;
    }
    let opts = OpenOptions {
        daemon_socket: Some(sock.clone()),
        ..Default::default()
    };
    let image = Image::open("docker-daemon:localhost/bosun-test:1", &opts).unwrap();
    check_test_image(&image);
    assert_eq!(image.manifest.config.digest, built.config_digest);
    let e = Image::open("docker-daemon:localhost/absent:1", &opts).unwrap_err();
    assert!(
        matches!(&e, Error::Daemon { reason, .. } if reason.contains("absent")),
        "{e}"
    );
    let e = Image::open(
        "docker-daemon:x",
        &OpenOptions {
            daemon_socket: Some(t.path().join("nope.sock")),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(&e, Error::Daemon { .. }), "{e}");
}

/// The images CI builds with shared/scripts/make-images.sh (see .ci/run).
fn test_images() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("BOSUN_TEST_IMAGES").map(PathBuf::from) else {
        bosun_testkit::skip("skipped: BOSUN_TEST_IMAGES is not set");
        return None;
    };
    if !dir.join("bad.docker.tar").is_file() {
        bosun_testkit::skip(&format!("skipped: {} has no bad.docker.tar", dir.display()));
        return None;
    }
    Some(dir)
}

#[test]
fn podman_made_archives_of_the_bad_image_agree() {
    let Some(dir) = test_images() else { return };
    let mut views = Vec::new();
    for src in [
        format!("docker-archive:{}", dir.join("bad.docker.tar").display()),
        format!("oci-archive:{}", dir.join("bad.oci.tar").display()),
        format!("oci:{}", dir.join("bad.ocidir").display()),
    ] {
        if !Path::new(src.split_once(':').unwrap().1).exists() {
            bosun_testkit::skip(&format!("skipped {src}: missing"));
            continue;
        }
        let image =
            Image::open(&src, &OpenOptions::default()).unwrap_or_else(|e| panic!("{src}: {e}"));
        let s = image
            .walk(
                &[],
                &WalkOptions {
                    final_fs: true,
                    final_fs_wanted_only: false,
                    ..Default::default()
                },
            )
            .unwrap_or_else(|e| panic!("{src}: {e}"));
        let fs = s.final_fs.unwrap();
        // The Dockerfile copies the key in one layer and removes it in a later one.
        let hist = fs.history("root/.ssh/id_rsa");
        assert!(
            hist.iter()
                .any(|o| matches!(o.fate, Fate::Deleted { by_layer } if by_layer > o.layer)),
            "{src}: {hist:?}"
        );
        assert!(!fs.is_present("root/.ssh/id_rsa"));
        assert!(fs.is_present("app/.env"), "{src}");
        let diff_ids: Vec<String> = image.layers.iter().map(|l| l.diff_id.to_string()).collect();
        let by: Vec<Option<String>> = image
            .layers
            .iter()
            .map(|l| l.created_by().map(str::to_string))
            .collect();
        views.push((diff_ids, by, fs.present_paths().count()));
    }
    for w in views.windows(2) {
        assert_eq!(
            w[0], w[1],
            "all formats give the same layers, history and final view"
        );
    }
}

#[test]
fn registry_over_tls_is_verified() {
    if skip_unless(&["docker-registry", "skopeo", "openssl"]) {
        return;
    }
    let Some(reg) = start_registry_with(None, true) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let archive = t.path().join("img.oci.tar");
    test_spec()
        .build()
        .write_oci_archive(&archive, None)
        .unwrap();
    let reference = format!("127.0.0.1:{}/bosun/tls:1", reg.port);
    if !push(&archive, &format!("docker://{reference}"), None) {
        return;
    }
    let cert = reg.ca_file().unwrap();
    let trusted = OpenOptions {
        registry: RegistryOptions {
            insecure: false,
            ca_file: Some(cert),
            ..isolated(t.path(), None)
        },
        ..Default::default()
    };
    check_test_image(&Image::open(&format!("docker://{reference}"), &trusted).unwrap());
    // Without the CA the self-signed certificate is refused.
    let untrusted = OpenOptions {
        registry: RegistryOptions {
            insecure: false,
            ..isolated(t.path(), None)
        },
        ..Default::default()
    };
    let e = Image::open(&format!("docker://{reference}"), &untrusted).unwrap_err();
    assert!(
        matches!(&e, Error::Registry { reason, .. } if reason.contains("request failed")),
        "{e}"
    );
}
