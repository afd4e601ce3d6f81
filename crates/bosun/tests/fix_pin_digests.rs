//! `bosun lint --fix --pin-digests` against a real registry: `docker-registry` on
//! 127.0.0.1 with an image pushed by skopeo. Skips (saying why) when the tools are
//! missing.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Registry {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn start_registry() -> Option<Registry> {
    let dir = tempfile::tempdir().ok()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let cfg = format!(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
        dir.path().join("storage").display()
    );
    std::fs::write(dir.path().join("config.yml"), cfg).ok()?;
    let child = Command::new("docker-registry")
        .arg("serve")
        .arg(dir.path().join("config.yml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let reg = Registry {
        child,
        port,
        _dir: dir,
    };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(reg);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bosun_testkit::skip("skipped: docker-registry did not start");
    None
}

fn push(archive: &Path, dest: &str) -> bool {
    let out = Command::new("skopeo")
        .args(["--insecure-policy", "copy", "-q", "--dest-tls-verify=false"])
        .arg(format!("oci-archive:{}", archive.display()))
        .arg(dest)
        .output();
    match out {
        Ok(o) if o.status.success() => true,
        Ok(o) => {
            bosun_testkit::skip(&format!(
                "skipped: skopeo copy failed: {}",
                String::from_utf8_lossy(&o.stderr)
            ));
            false
        }
        Err(e) => {
            bosun_testkit::skip(&format!("skipped: skopeo: {e}"));
            false
        }
    }
}

#[test]
fn pin_digests_rewrites_base_images_from_a_real_registry() {
    for tool in ["docker-registry", "skopeo"] {
        if !have(tool) {
            bosun_testkit::skip(&format!("skipped: {tool} is not installed"));
            return;
        }
    }
    let Some(reg) = start_registry() else { return };
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("base.oci.tar");
    let spec = bosun_oci::testing::ImageSpec {
        layers: vec![bosun_oci::testing::TestLayer {
            tar: bosun_oci::testing::layer_tar(&[bosun_oci::testing::TestEntry::file(
                "etc/os-release",
                b"ID=bosun-test\n",
            )]),
            compression: bosun_oci::Compression::Gzip,
            created_by: "test".into(),
        }],
        ..Default::default()
    };
    spec.build().write_oci_archive(&archive, None).unwrap();
    let host = format!("127.0.0.1:{}", reg.port);
    if !push(&archive, &format!("docker://{host}/bosun/base:1")) {
        return;
    }
    let options = bosun_oci::RegistryOptions {
        insecure: true,
        docker_config: Some(work.path().join("no-config.json")),
        ..Default::default()
    };
    let digest = bosun_oci::resolve_digest(&format!("{host}/bosun/base:1"), &options)
        .unwrap()
        .to_string();

    let dockerfile = format!(
        "# syntax=docker/dockerfile:1\nARG TAG=1\nFROM {host}/bosun/base:${{TAG}} AS build\nRUN echo build\n\nFROM build AS again\nFROM scratch\nCOPY --from=build /etc/os-release /os-release\nFROM {host}/bosun/base:1  AS  final\n"
    );
    let df = work.path().join("Dockerfile");
    std::fs::write(&df, &dockerfile).unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_bosun"))
            .current_dir(work.path())
            .args([
                "lint",
                "--fix",
                "--pin-digests",
                "--insecure-registry",
                &host,
                "Dockerfile",
            ])
            .env("DOCKER_CONFIG", work.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let out = run();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_ne!(out.status.code(), Some(2), "{stderr}");
    let pinned = std::fs::read_to_string(&df).unwrap();
    assert_eq!(
        pinned,
        dockerfile
            .replace("base:${TAG} AS", &format!("base:${{TAG}}@{digest} AS"))
            .replace("base:1  AS  final", &format!("base:1@{digest}  AS  final")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("pinned {host}/bosun/base:1 to {digest}")),
        "{stderr}"
    );
    // Pinned references are not pinned again.
    let out = run();
    assert_eq!(
        std::fs::read_to_string(&df).unwrap(),
        pinned,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // An unknown tag fails clearly (exit 2) and leaves the file alone.
    let missing = format!("FROM {host}/bosun/base:nope\n");
    std::fs::write(&df, &missing).unwrap();
    let out = run();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot pin"));
    assert_eq!(std::fs::read_to_string(&df).unwrap(), missing);
}
