//! `bosun image` on broken images built here as OCI layouts: a layer whose content does
//! not match its digest, a truncated layer, malformed JSON. Each must give one clear
//! error line on stderr and exit 2, never a panic. A well-formed twin is the control.

use bosun_oci::Digest;
use std::path::Path;
use std::process::Command;

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const LAYER: &str = "application/vnd.oci.image.layer.v1.tar";

fn layer_tar() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let data = b"hello from a layer\n".repeat(64);
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, "app/hello.txt", &data[..])
        .expect("append");
    b.into_inner().expect("tar")
}

fn put(dir: &Path, bytes: &[u8]) -> (String, usize) {
    let d = Digest::sha256_of(bytes);
    let path = dir.join("blobs/sha256").join(d.encoded());
    std::fs::write(path, bytes).expect("write blob");
    (d.to_string(), bytes.len())
}

/// Writes an OCI layout; `mutate` may damage blobs after they are written.
fn layout(dir: &Path, config_override: Option<&[u8]>) -> (String, Vec<u8>) {
    std::fs::create_dir_all(dir.join("blobs/sha256")).expect("mkdir");
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).expect("write");
    let layer = layer_tar();
    let (ld, ls) = put(dir, &layer);
    let config = format!(
        r#"{{"architecture":"amd64","os":"linux","config":{{"User":"10001"}},"rootfs":{{"type":"layers","diff_ids":["{ld}"]}},"history":[{{"created_by":"COPY hello.txt /app/"}}]}}"#
    );
    let config_bytes = config_override.map_or_else(|| config.into_bytes(), <[u8]>::to_vec);
    let (cd, cs) = put(dir, &config_bytes);
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"{MANIFEST}","config":{{"mediaType":"{CONFIG}","digest":"{cd}","size":{cs}}},"layers":[{{"mediaType":"{LAYER}","digest":"{ld}","size":{ls}}}]}}"#
    );
    let (md, ms) = put(dir, manifest.as_bytes());
    let index = format!(
        r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"{MANIFEST}","digest":"{md}","size":{ms},"platform":{{"architecture":"amd64","os":"linux"}}}}]}}"#
    );
    std::fs::write(dir.join("index.json"), index).expect("write index");
    (ld, layer)
}

fn run(dir: &Path) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bosun"))
        .args(["image", "--format", "json"])
        .arg(format!("oci:{}", dir.display()))
        .env("CI", "true")
        .output()
        .expect("run bosun");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_line_error(dir: &Path, what: &str, expect: &str) {
    let (code, stdout, stderr) = run(dir);
    assert_eq!(code, Some(2), "{what}: stdout {stdout} stderr {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{what}: not one line: {stderr}"
    );
    assert!(stderr.starts_with("bosun: error:"), "{what}: {stderr}");
    assert!(
        stderr.to_ascii_lowercase().contains(expect),
        "{what}: {stderr} lacks {expect}"
    );
    assert!(
        stdout.trim().is_empty(),
        "{what}: no report on error: {stdout}"
    );
}

fn blob_path(dir: &Path, digest: &str) -> std::path::PathBuf {
    dir.join("blobs/sha256")
        .join(digest.trim_start_matches("sha256:"))
}

#[test]
fn well_formed_control_image_is_read() {
    let t = tempfile::tempdir().expect("tempdir");
    layout(t.path(), None);
    let (code, stdout, stderr) = run(t.path());
    // Info findings only (no healthcheck, no labels): exit 0, and valid JSON.
    assert_eq!(code, Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert!(v
        .as_array()
        .is_some_and(|a| a.iter().any(|f| f["code"] == "BSI150")));
}

#[test]
fn digest_mismatch_is_one_line_and_exit_2() {
    let t = tempfile::tempdir().expect("tempdir");
    let (ld, mut layer) = layout(t.path(), None);
    // Same size, one byte changed inside the file body.
    if let Some(b) = layer.get_mut(600) {
        *b ^= 0x20;
    }
    std::fs::write(blob_path(t.path(), &ld), &layer).expect("damage");
    assert_one_line_error(t.path(), "digest mismatch", "digest");
}

#[test]
fn truncated_layer_is_one_line_and_exit_2() {
    let t = tempfile::tempdir().expect("tempdir");
    let (ld, layer) = layout(t.path(), None);
    std::fs::write(blob_path(t.path(), &ld), &layer[..layer.len() / 2]).expect("truncate");
    let (code, _, stderr) = run(t.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert_one_line_error(t.path(), "truncated layer", "layer");
}

#[test]
fn malformed_json_is_one_line_and_exit_2() {
    // A config blob that is not JSON (its digest is right, so parsing is what fails).
    let t = tempfile::tempdir().expect("tempdir");
    layout(
        t.path(),
        Some(b"{\"architecture\": \"amd64\", \"config\": {"),
    );
    assert_one_line_error(t.path(), "malformed config", "json");
    // A malformed index.json.
    let t = tempfile::tempdir().expect("tempdir");
    layout(t.path(), None);
    std::fs::write(t.path().join("index.json"), b"[not json").expect("write");
    assert_one_line_error(t.path(), "malformed index", "json");
}

#[test]
fn missing_image_is_one_line_and_exit_2() {
    let t = tempfile::tempdir().expect("tempdir");
    assert_one_line_error(&t.path().join("nope.tar"), "missing file", "nope.tar");
}
