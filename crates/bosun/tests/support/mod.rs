//! What the gate and promote tests share: running the binary with a clean environment
//! (no ambient credentials, passwords, databases or CA files), and key pairs.
// Each test binary uses part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bosun_sign::SigningKey;

/// The password of every key [`key_pair`] writes.
pub const PASSWORD: &str = "test key password";

/// Runs bosun with `args`, outside CI's progress bars, with no ambient credentials,
/// database or CA file; `password` goes in `BOSUN_PASSWORD`.
pub fn bosun(args: &[&str], password: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bosun"));
    c.args(args)
        .env("CI", "true")
        .env_remove("BOSUN_DB")
        .env_remove("COSIGN_PASSWORD")
        .env_remove("BOSUN_PASSWORD")
        .env_remove("BOSUN_REGISTRY_CREDS")
        .env_remove("SSL_CERT_FILE")
        .env("DOCKER_CONFIG", "/nonexistent-bosun-test")
        .env("REGISTRY_AUTH_FILE", "/nonexistent-bosun-test/auth.json");
    if let Some(p) = password {
        c.env("BOSUN_PASSWORD", p);
    }
    c.output().expect("run bosun")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A P-256 key pair: `dir/NAME.key` (cosign's encrypted PEM, [`PASSWORD`]) and
/// `dir/NAME.pub`; `dir` is created.
pub fn key_pair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).expect("key folder");
    let key = SigningKey::generate_p256();
    let (k, p) = (
        dir.join(format!("{name}.key")),
        dir.join(format!("{name}.pub")),
    );
    std::fs::write(&k, key.to_cosign_pem(PASSWORD.as_bytes()).expect("pem")).expect("write key");
    std::fs::write(&p, key.public_key().to_pem()).expect("write public key");
    (k, p)
}
