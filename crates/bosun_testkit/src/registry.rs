//! A real `docker-registry` (CNCF distribution) on 127.0.0.1 for tests: anonymous or
//! behind htpasswd basic auth, plain HTTP or TLS with a CA made for the test. Storage,
//! config, password file and certificates live in a temp dir; the server is killed and
//! reaped on drop. Needs `docker-registry`, plus `htpasswd` (apache2-utils) for auth and
//! `openssl` for TLS, each asked for through [`crate::tool`].

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How to run the registry.
#[derive(Clone, Debug, Default)]
pub struct RegistryConfig {
    /// Require this user name and password (htpasswd, bcrypt).
    pub htpasswd: Option<(String, String)>,
    /// Serve HTTPS with a certificate for 127.0.0.1 signed by a CA made for the test
    /// ([`Registry::ca_file`]).
    pub tls: bool,
}

/// A running registry.
pub struct Registry {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: tempfile::TempDir,
    tls: bool,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The CA certificate (PEM) that signed the server's certificate, when TLS is on.
    pub fn ca_file(&self) -> Option<PathBuf> {
        self.tls.then(|| self.dir.path().join("ca.pem"))
    }

    /// The registry's temp dir (storage under `storage/`).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// A free TCP port on 127.0.0.1 (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Makes `ca.pem`, and `cert.pem`/`key.pem` for IP 127.0.0.1 signed by it, in `d`
/// (webpki refuses a CA certificate used as the leaf).
fn make_certs(openssl: &Path, d: &Path) -> Result<(), String> {
    std::fs::write(
        d.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .map_err(|e| e.to_string())?;
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let ossl = || {
        let mut c = Command::new(openssl);
        c.current_dir(d);
        c
    };
    run(ossl()
        .args(["req", "-x509"])
        .args(ec)
        .args(["-days", "2", "-subj", "/CN=bosun-test-ca"])
        .args(["-keyout", "ca.key", "-out", "ca.pem"]))?;
    run(ossl().arg("req").args(ec).args([
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
    ]))?;
    run(ossl().args([
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "cert.pem",
    ]))
}

/// Starts a registry; `None` (skip, or panic under `BOSUN_REQUIRE_FIXTURES=1`) when a
/// tool is missing or the server does not come up within 20 s.
pub fn start_registry(cfg: &RegistryConfig) -> Option<Registry> {
    let server = crate::tool("docker-registry")?;
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return crate::setup_failed("temp dir for docker-registry", e),
    };
    let d = dir.path();
    let auth = match &cfg.htpasswd {
        None => String::new(),
        Some((u, p)) => {
            let htpasswd = crate::tool("htpasswd")?;
            let out = match Command::new(htpasswd).args(["-Bbn", u, p]).output() {
                Ok(o) if o.status.success() => o.stdout,
                Ok(o) => {
                    return crate::setup_failed("htpasswd", String::from_utf8_lossy(&o.stderr))
                }
                Err(e) => return crate::setup_failed("htpasswd", e),
            };
            if let Err(e) = std::fs::write(d.join("htpasswd"), out) {
                return crate::setup_failed("writing htpasswd", e);
            }
            format!(
                "auth:\n  htpasswd:\n    realm: bosun-test\n    path: {}\n",
                d.join("htpasswd").display()
            )
        }
    };
    let tls = if cfg.tls {
        let openssl = crate::tool("openssl")?;
        if let Err(e) = make_certs(&openssl, d) {
            return crate::setup_failed("openssl test CA and certificate", e);
        }
        format!(
            "  tls:\n    certificate: {}\n    key: {}\n",
            d.join("cert.pem").display(),
            d.join("key.pem").display()
        )
    } else {
        String::new()
    };
    let port = free_port();
    let config = format!(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n{tls}{auth}",
        d.join("storage").display()
    );
    if let Err(e) = std::fs::write(d.join("config.yml"), config) {
        return crate::setup_failed("writing the registry config", e);
    }
    let child = match Command::new(server)
        .arg("serve")
        .arg(d.join("config.yml"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return crate::setup_failed("starting docker-registry", e),
    };
    let reg = Registry {
        child,
        port,
        dir,
        tls: cfg.tls,
    };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(reg);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    crate::setup_failed("docker-registry", "did not listen within 20 s")
}
