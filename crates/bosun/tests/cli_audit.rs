//! `bosun audit` through the binary: a real podman service on a unix socket in the
//! test's temp folder with one container per risky setting plus a hardened one, and
//! the one-line errors (a socket that is not an engine, garbage, a refused connection,
//! invalid YAML) and the note for YAML that is neither Compose nor Kubernetes.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bosun(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bosun"))
        .args(args)
        .env("CI", "true")
        .env_remove("DOCKER_HOST")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn one_line_error(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    let e = stderr(o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.starts_with("bosun: error: ") && e.contains(needle), "{e}");
}

/// The podman service, stopped when dropped.
struct Service(Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// podman with its own storage in `dir` (vfs, so no overlay mounts are needed).
fn podman(podman: &Path, dir: &Path) -> Command {
    let mut c = Command::new(podman);
    c.arg("--root")
        .arg(dir.join("root"))
        .arg("--runroot")
        .arg(dir.join("run"))
        .arg("--tmpdir")
        .arg(dir.join("tmp"))
        .args(["--storage-driver", "vfs", "--events-backend", "file"]);
    c
}

fn run_ok(mut c: Command, step: &str) -> Option<()> {
    match c.output() {
        Ok(o) if o.status.success() => Some(()),
        Ok(o) => bosun_testkit::setup_failed(step, String::from_utf8_lossy(&o.stderr)),
        Err(e) => bosun_testkit::setup_failed(step, e),
    }
}

/// (container, its podman flags, the code it must get)
const RISKY: &[(&str, &[&str], &str)] = &[
    ("root", &["--user", "root"], "BSA001"),
    ("priv", &["--privileged"], "BSA002"),
    ("capadd", &["--cap-add", "SYS_ADMIN"], "BSA003"),
    ("nethost", &["--network", "host"], "BSA005"),
    ("pidhost", &["--pid", "host"], "BSA005"),
    ("utshost", &["--uts", "host"], "BSA005"),
    ("sock", &["-v", "{dir}/docker.sock:/x"], "BSA006"),
    ("etc", &["-v", "/etc:/host-etc:ro"], "BSA007"),
    ("rwhost", &["-v", "{dir}/data:/data"], "BSA008"),
    (
        "seccomp",
        &["--security-opt", "seccomp=unconfined"],
        "BSA011",
    ),
    ("restart", &["--restart", "always"], "BSA013"),
    ("port", &["-p", "80:80"], "BSA014"),
    (
        "secret",
        &[
            "-e",
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
        ],
        "BSA017",
    ),
];

const HARDENED: &[&str] = &[
    "--read-only",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--memory",
    "256m",
    "--cpus",
    "1",
    "--pids-limit",
    "100",
    "--user",
    "1000",
];

#[test]
fn podman_containers_get_their_findings() {
    let Some(pm) = bosun_testkit::tool("podman") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for d in ["root", "run", "tmp", "data", "rootfs/bin"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    std::fs::write(dir.join("docker.sock"), b"").unwrap();
    // A tiny image: one file, imported with a tag (not a digest).
    std::fs::write(dir.join("rootfs/bin/app"), b"#!/bin/sh\n").unwrap();
    let tarball = dir.join("tiny.tar");
    {
        let mut b = tar::Builder::new(std::fs::File::create(&tarball).unwrap());
        b.append_dir_all(".", dir.join("rootfs")).unwrap();
        b.finish().unwrap();
    }
    let image = "localhost/bosun-audit-test:1";
    let mut import = podman(&pm, dir);
    import.arg("import").arg(&tarball).arg(image);
    let Some(()) = run_ok(import, "podman import") else {
        return;
    };
    for (name, flags, _) in RISKY {
        let mut c = podman(&pm, dir);
        c.args(["create", "--name", name]);
        for f in *flags {
            c.arg(f.replace("{dir}", &dir.display().to_string()));
        }
        c.args([image, "/bin/app"]);
        let Some(()) = run_ok(c, &format!("podman create {name}")) else {
            return;
        };
    }
    let mut c = podman(&pm, dir);
    c.args(["create", "--name", "hardened"])
        .args(HARDENED)
        .args([image, "/bin/app"]);
    let Some(()) = run_ok(c, "podman create hardened") else {
        return;
    };

    let sock = dir.join("engine.sock");
    let mut svc = podman(&pm, dir);
    svc.args(["system", "service", "--time=0"])
        .arg(format!("unix://{}", sock.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _service = match svc.spawn() {
        Ok(c) => Service(c),
        Err(e) => {
            let Some(()) = bosun_testkit::setup_failed("podman system service", e) else {
                return;
            };
            unreachable!()
        }
    };
    let start = Instant::now();
    while !sock.exists() {
        if start.elapsed() > Duration::from_secs(30) {
            let Some(()) =
                bosun_testkit::setup_failed("podman system service", "no socket after 30 s")
            else {
                return;
            };
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    let host = format!("unix://{}", sock.display());
    let o = bosun(&["audit", "--host", &host, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let on = |container: &str| -> Vec<(String, String)> {
        findings
            .iter()
            .filter(|f| {
                f["location"]["workload"]
                    .as_str()
                    .is_some_and(|w| w.starts_with(&format!("container {container} (")))
            })
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    for (name, _, code) in RISKY {
        let codes: BTreeSet<String> = on(name).into_iter().map(|(c, _)| c).collect();
        assert!(codes.contains(*code), "{name}: {codes:?}");
    }
    // Each risky container's own code is on no other container (the root rule and
    // host namespaces aside: every container here without --user is root).
    for (name, _, code) in RISKY {
        if matches!(*code, "BSA001" | "BSA005") {
            continue;
        }
        let with: Vec<&str> = RISKY
            .iter()
            .map(|r| r.0)
            .chain(["hardened"])
            .filter(|c| on(c).iter().any(|(k, _)| k == code))
            .collect();
        assert_eq!(with, [*name], "{code}");
    }
    let loud: Vec<_> = on("hardened")
        .into_iter()
        .filter(|(_, s)| !matches!(s.as_str(), "style" | "info" | "low"))
        .collect();
    assert!(loud.is_empty(), "hardened: {loud:?}");
    // The root rule read the image's (empty) User for containers without --user.
    assert!(findings.iter().any(|f| f["code"] == "BSA001"
        && f["message"]
            .as_str()
            .unwrap()
            .contains("the image sets none")));
    // The secret is named, never shown.
    assert!(!String::from_utf8_lossy(&o.stdout).contains("wJalrXUtnFEMI"));
}

/// A unix socket that answers every connection with `reply` and hangs up.
fn fake_socket(path: &Path, reply: &'static [u8]) {
    let l = std::os::unix::net::UnixListener::bind(path).unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
            let _ = s.read(&mut buf);
            let _ = s.write_all(reply);
        }
    });
}

#[test]
fn bad_engines_are_one_line_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let garbage = tmp.path().join("garbage.sock");
    fake_socket(&garbage, b"\x00\x01 this is not HTTP at all\r\n\r\n");
    let o = bosun(&["audit", "--host", &format!("unix://{}", garbage.display())]);
    one_line_error(&o, "container engine at unix://");

    // HTTP, but not an engine's answer.
    let html = tmp.path().join("web.sock");
    fake_socket(
        &html,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\nConnection: close\r\n\r\n<html></html>",
    );
    let o = bosun(&["audit", "--host", &format!("unix://{}", html.display())]);
    one_line_error(&o, "not JSON");

    // A socket file nobody listens on, a missing socket, a refused TCP port.
    let dead = tmp.path().join("dead.sock");
    drop(std::os::unix::net::UnixListener::bind(&dead).unwrap());
    let o = bosun(&["audit", "--host", &format!("unix://{}", dead.display())]);
    one_line_error(&o, "dead.sock");
    let o = bosun(&["audit", "--host", "unix:///nonexistent/engine.sock"]);
    one_line_error(&o, "no such socket");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let o = bosun(&["audit", "--host", &format!("tcp://127.0.0.1:{port}")]);
    one_line_error(&o, &format!("tcp://127.0.0.1:{port}"));
    // DOCKER_HOST is honoured.
    let o = Command::new(env!("CARGO_BIN_EXE_bosun"))
        .arg("audit")
        .env("DOCKER_HOST", format!("unix://{}", html.display()))
        .output()
        .unwrap();
    one_line_error(&o, "web.sock");
}

#[test]
fn files_and_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "services:\n  web:\n    image: [a\n    user: x\n").unwrap();
    let o = bosun(&["audit", bad.to_str().unwrap()]);
    one_line_error(&o, "line 4");

    let folder: PathBuf = dir.join("deploy");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("compose.yaml"),
        "services:\n  web:\n    image: nginx\n    privileged: true\n",
    )
    .unwrap();
    std::fs::write(folder.join("ci.yml"), "stages: [build]\n").unwrap();
    std::fs::write(folder.join("notes.txt"), "privileged: true\n").unwrap();
    let o = bosun(&["audit", folder.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("BSA002") && out.contains("compose.yaml:4:17"),
        "{out}"
    );
    assert!(out.contains("1 workload audited"), "{out}");
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("ci.yml") && e.contains("neither Compose nor Kubernetes"),
        "{e}"
    );

    let o = bosun(&["audit", folder.to_str().unwrap(), "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let r = results.iter().find(|r| r["ruleId"] == "BSA002").unwrap();
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    assert_eq!(
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "service web services.web.privileged"
    );
}
