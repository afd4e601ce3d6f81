//! `bosun key generate` and `bosun key public` end to end.

use std::os::unix::fs::PermissionsExt;

use assert_cmd::Command;
use bosun_sign::{PublicKey, SigningKey};

const PASSWORD: &str = "correct horse battery staple";

/// `bosun` with no password variables and no terminal on stdin.
fn bosun() -> Command {
    let mut cmd = Command::cargo_bin("bosun").unwrap();
    cmd.env_remove("BOSUN_PASSWORD")
        .env_remove("COSIGN_PASSWORD")
        .write_stdin("");
    cmd
}

fn one_line_error(stderr: &[u8]) -> String {
    let text = String::from_utf8(stderr.to_vec()).unwrap();
    assert_eq!(text.lines().count(), 1, "one line: {text:?}");
    text
}

#[test]
fn generate_writes_a_cosign_key_pair_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("release");
    let out = bosun()
        .args(["key", "generate", "--output"])
        .arg(&prefix)
        .env("BOSUN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains(PASSWORD));

    let key_path = dir.path().join("release.key");
    let pub_path = dir.path().join("release.pub");
    let mode = std::fs::metadata(&key_path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let key_pem = std::fs::read(&key_path).unwrap();
    assert!(key_pem.starts_with(b"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
    assert!(!String::from_utf8_lossy(&key_pem).contains(PASSWORD));

    let key = SigningKey::from_pem(&key_pem, Some(PASSWORD.as_bytes())).unwrap();
    let public = PublicKey::from_pem(&std::fs::read(&pub_path).unwrap()).unwrap();
    assert_eq!(key.public_key(), public);
    public.verify(b"m", &key.sign(b"m")).unwrap();

    // `key public` prints the same public key, given the password.
    let out = bosun()
        .args(["key", "public", "--key"])
        .arg(&key_path)
        .env("COSIGN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, std::fs::read(&pub_path).unwrap());
}

/// Runs `key generate` with these password variables; returns the private key file.
fn generate_with(dir: &std::path::Path, name: &str, env: &[(&str, &str)]) -> Vec<u8> {
    let mut cmd = bosun();
    cmd.args(["key", "generate", "--output"])
        .arg(dir.join(name));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.assert().code(0);
    std::fs::read(dir.join(format!("{name}.key"))).unwrap()
}

#[test]
fn cosign_password_is_used_and_bosun_password_wins() {
    let dir = tempfile::tempdir().unwrap();
    let pem = generate_with(dir.path(), "a", &[("COSIGN_PASSWORD", "from-cosign")]);
    SigningKey::from_pem(&pem, Some(b"from-cosign")).unwrap();

    let both = [
        ("COSIGN_PASSWORD", "from-cosign"),
        ("BOSUN_PASSWORD", "from-bosun"),
    ];
    let pem = generate_with(dir.path(), "b", &both);
    SigningKey::from_pem(&pem, Some(b"from-bosun")).unwrap();

    // An empty password is a password (cosign allows it).
    let pem = generate_with(dir.path(), "c", &[("COSIGN_PASSWORD", "")]);
    SigningKey::from_pem(&pem, Some(b"")).unwrap();
}

#[test]
fn generate_refuses_to_overwrite_either_file() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("k");
    std::fs::write(dir.path().join("k.pub"), "keep me").unwrap();
    let out = bosun()
        .args(["key", "generate", "--output"])
        .arg(&prefix)
        .env("BOSUN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = one_line_error(&out.stderr);
    assert!(
        err.contains("k.pub already exists; refusing to overwrite it"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("k.pub")).unwrap(),
        "keep me"
    );
    assert!(!dir.path().join("k.key").exists());
}

#[test]
fn generate_without_a_password_or_terminal_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = bosun()
        .args(["key", "generate", "--output"])
        .arg(dir.path().join("k"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        one_line_error(&out.stderr),
        "bosun: error: no password: set BOSUN_PASSWORD or COSIGN_PASSWORD (there is no terminal to prompt on)\n"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_missing_output_folder_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = bosun()
        .args(["key", "generate", "--output"])
        .arg(dir.path().join("no/such/dir/k"))
        .env("BOSUN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = one_line_error(&out.stderr);
    assert!(err.starts_with("bosun: error: writing "), "{err}");
}

#[test]
fn a_wrong_password_is_a_one_line_error_and_prints_no_secret() {
    let Some(vectors) = bosun_testkit::corpus("signing-vectors") else {
        return;
    };
    let out = bosun()
        .args(["key", "public", "--key"])
        .arg(vectors.join("cosign-pemsigstorekey.pem"))
        .env("BOSUN_PASSWORD", "not-hello")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = one_line_error(&out.stderr);
    assert!(
        err.ends_with("cosign-pemsigstorekey.pem: wrong password for the encrypted key (or the key file is corrupt)\n"),
        "{err}"
    );
    assert!(!err.contains("not-hello"));
    assert!(out.stdout.is_empty());

    // The right password reads cosign's own key file.
    let out = bosun()
        .args(["key", "public", "--key"])
        .arg(vectors.join("cosign-pemsigstorekey.pem"))
        .env("BOSUN_PASSWORD", "hello")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.starts_with(b"-----BEGIN PUBLIC KEY-----\n"));

    // A key cosign rejects is rejected with its reason.
    let out = bosun()
        .args(["key", "public", "--key"])
        .arg(vectors.join("cosign-invalidecp224.pem"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line_error(&out.stderr)
        .ends_with("unsupported elliptic curve P-224: only ECDSA P-256 is supported\n"));
}
