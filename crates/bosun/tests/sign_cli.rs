//! `bosun sign`, `verify`, `attest` and `verify-attestation` end to end, against a real
//! `docker-registry` on 127.0.0.1 (anonymous, and htpasswd over TLS with a CA made by the
//! test) and against OCI layouts. Images are pushed by the test with `bosun_oci`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bosun_oci::testing::{layer_tar, ImageSpec, TestEntry, TestLayer};
use bosun_oci::{Compression, Credentials, Digest, RegistryOptions, Store};
use bosun_sign::{PublicKey, SigningKey};
use bosun_testkit::{start_registry, RegistryConfig};

const BIN: &str = env!("CARGO_BIN_EXE_bosun");
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const PASSWORD: &str = "correct horse";

fn bosun(args: &[&str], password: Option<&str>) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("COSIGN_PASSWORD")
        .env_remove("BOSUN_PASSWORD")
        .env_remove("BOSUN_REGISTRY_CREDS")
        .env_remove("SSL_CERT_FILE")
        .env("DOCKER_CONFIG", "/nonexistent-bosun-test")
        .env("REGISTRY_AUTH_FILE", "/nonexistent-bosun-test/auth.json");
    if let Some(p) = password {
        c.env("BOSUN_PASSWORD", p);
    }
    c.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code, and for failures that stderr is exactly one line.
fn expect(o: &Output, code: i32, what: &str) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "{what}: stdout {} stderr {}",
        stdout(o),
        stderr(o)
    );
    if code != 0 {
        assert_eq!(
            stderr(o).trim_end().lines().count(),
            1,
            "{what}: {}",
            stderr(o)
        );
    }
}

/// A key pair in `dir`: `NAME.key` (cosign's encrypted PEM) and `NAME.pub`.
fn key_pair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let key = SigningKey::generate_p256();
    let (k, p) = (
        dir.join(format!("{name}.key")),
        dir.join(format!("{name}.pub")),
    );
    std::fs::write(&k, key.to_cosign_pem(PASSWORD.as_bytes()).unwrap()).unwrap();
    std::fs::write(&p, key.public_key().to_pem()).unwrap();
    (k, p)
}

fn image(seed: &str) -> bosun_oci::testing::BuiltImage {
    ImageSpec {
        layers: vec![TestLayer {
            tar: layer_tar(&[TestEntry::file("app/id", seed.as_bytes())]),
            compression: Compression::Gzip,
            created_by: "COPY id /app/".into(),
        }],
        ..Default::default()
    }
    .build()
}

/// Pushes `img` to `target` (tagged); returns its digest.
fn push_image(
    target: &str,
    opts: &RegistryOptions,
    img: &bosun_oci::testing::BuiltImage,
) -> Digest {
    let (store, tag) = Store::open(target, opts).unwrap();
    for (d, b) in img.blobs.iter().filter(|(d, _)| *d != img.manifest_digest) {
        assert_eq!(
            &store
                .push_blob(b, "application/octet-stream")
                .unwrap()
                .digest,
            d
        );
    }
    store
        .push_manifest(&img.manifest, OCI_MANIFEST, Some(&tag))
        .unwrap()
}

fn sig_tag(d: &Digest, suffix: &str) -> String {
    format!("sha256-{}.{suffix}", d.encoded())
}

fn plain(dir: &Path) -> RegistryOptions {
    RegistryOptions {
        insecure: true,
        docker_config: Some(dir.join("none.json")),
        ..Default::default()
    }
}

#[test]
fn sign_verify_attest_against_an_anonymous_registry() {
    let Some(reg) = start_registry(&RegistryConfig::default()) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let host = reg.host();
    let opts = plain(t.path());
    // The signing key comes from `bosun key generate`.
    let prefix = t.path().join("cosign");
    let g = bosun(
        &["key", "generate", "--output", prefix.to_str().unwrap()],
        Some(PASSWORD),
    );
    expect(&g, 0, "key generate");
    let (key, pubkey) = (t.path().join("cosign.key"), t.path().join("cosign.pub"));
    let (_, other_pub) = key_pair(t.path(), "other");
    let (k, p, o) = (
        key.to_str().unwrap(),
        pubkey.to_str().unwrap(),
        other_pub.to_str().unwrap(),
    );
    let a = image("a");
    let reference = format!("{host}/bosun/app:1");
    let digest = push_image(&format!("docker://{reference}"), &opts, &a);
    let reg_flags = ["--insecure-registry", host.as_str()];
    let run =
        |args: &[&str], password: Option<&str>| bosun(&[args, &reg_flags[..]].concat(), password);

    // Sign twice (the second with an annotation): both signatures are kept.
    let o1 = run(&["sign", "--key", k, &reference], Some(PASSWORD));
    expect(&o1, 0, "sign");
    assert_eq!(stdout(&o1).trim(), format!("{host}/bosun/app@{digest}"));
    let o2 = run(
        &["sign", "--key", k, "-a", "env=prod", &reference],
        Some(PASSWORD),
    );
    expect(&o2, 0, "sign again");
    let store = Store::open(&format!("docker://{reference}"), &opts)
        .unwrap()
        .0;
    let (sig, _, _) = store
        .fetch_manifest(&sig_tag(&digest, "sig"))
        .unwrap()
        .unwrap();
    let sig: serde_json::Value = serde_json::from_slice(&sig).unwrap();
    let layers = sig["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    for l in layers {
        assert_eq!(
            l["mediaType"],
            "application/vnd.dev.cosign.simplesigning.v1+json"
        );
        assert!(l["annotations"]["dev.cosignproject.cosign/signature"]
            .as_str()
            .is_some_and(|s| s.len() > 60));
    }
    // skopeo reads the signature manifest as an ordinary OCI manifest.
    let Some(skopeo) = bosun_testkit::tool("skopeo") else {
        return;
    };
    let sk = Command::new(skopeo)
        .args(["inspect", "--raw", "--tls-verify=false"])
        .arg(format!(
            "docker://{host}/bosun/app:{}",
            sig_tag(&digest, "sig")
        ))
        .output()
        .unwrap();
    assert!(
        sk.status.success(),
        "{}",
        String::from_utf8_lossy(&sk.stderr)
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&sk.stdout).unwrap(),
        sig
    );

    // Verify: both signatures; with the annotation required, one; key rotation.
    let v = run(&["verify", "--key", p, &reference], None);
    expect(&v, 0, "verify");
    assert_eq!(stdout(&v).lines().count(), 2);
    let first: serde_json::Value =
        serde_json::from_str(stdout(&v).lines().next().unwrap()).unwrap();
    assert_eq!(
        first["payload"]["critical"]["image"]["docker-manifest-digest"],
        digest.to_string()
    );
    assert_eq!(
        first["payload"]["critical"]["identity"]["docker-reference"],
        format!("{host}/bosun/app")
    );
    let v = run(&["verify", "--key", p, "-a", "env=prod", &reference], None);
    expect(&v, 0, "verify with annotation");
    assert_eq!(stdout(&v).lines().count(), 1);
    let v = run(&["verify", "--key", o, "--key", p, &reference], None);
    expect(&v, 0, "verify, rotated keys");
    let v = run(&["verify", "--key", o, &reference], None);
    expect(&v, 1, "verify, wrong key");
    assert!(stderr(&v).contains("no valid signature"), "{}", stderr(&v));

    // Attest an SBOM and verify it; another type is not there.
    let sbom = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
        "components": [{"type": "library", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0"}]
    });
    let sbom_path = t.path().join("sbom.cdx.json");
    std::fs::write(&sbom_path, serde_json::to_vec_pretty(&sbom).unwrap()).unwrap();
    let at = run(
        &[
            "attest",
            "--key",
            k,
            "--type",
            "cyclonedx",
            "--predicate",
            sbom_path.to_str().unwrap(),
            &reference,
        ],
        Some(PASSWORD),
    );
    expect(&at, 0, "attest");
    let va = run(
        &[
            "verify-attestation",
            "--key",
            p,
            "--type",
            "cyclonedx",
            &reference,
        ],
        None,
    );
    expect(&va, 0, "verify-attestation");
    let printed: serde_json::Value = serde_json::from_str(stdout(&va).trim()).unwrap();
    assert_eq!(printed, sbom);
    let va = run(
        &[
            "verify-attestation",
            "--key",
            p,
            "--type",
            "spdx",
            &reference,
        ],
        None,
    );
    expect(&va, 1, "verify-attestation of another type");
    let va = run(
        &[
            "verify-attestation",
            "--key",
            o,
            "--type",
            "cyclonedx",
            &reference,
        ],
        None,
    );
    expect(&va, 1, "verify-attestation with the wrong key");

    // Wrong key password: one line, exit 2, nothing pushed.
    let wrong = run(&["sign", "--key", k, &reference], Some("nope"));
    expect(&wrong, 2, "wrong password");
    assert!(
        stderr(&wrong).contains("wrong password"),
        "{}",
        stderr(&wrong)
    );

    // Tamper: the tag now names another image: no signature for it.
    let b = image("b");
    let b_digest = push_image(&format!("docker://{reference}"), &opts, &b);
    assert_ne!(b_digest, digest);
    let v = run(&["verify", "--key", p, &reference], None);
    expect(&v, 1, "verify after re-tag");
    assert!(stderr(&v).contains("no signatures found"), "{}", stderr(&v));
    assert!(
        stderr(&v).contains(&sig_tag(&b_digest, "sig")),
        "{}",
        stderr(&v)
    );
    // ... and copying a's signatures to b's tag does not help: the payload names a.
    let (a_sig, _, _) = store
        .fetch_manifest(&sig_tag(&digest, "sig"))
        .unwrap()
        .unwrap();
    store
        .push_manifest(&a_sig, OCI_MANIFEST, Some(&sig_tag(&b_digest, "sig")))
        .unwrap();
    let v = run(&["verify", "--key", p, &reference], None);
    expect(&v, 1, "verify with copied signatures");
    assert!(
        stderr(&v).contains("does not match the image digest"),
        "{}",
        stderr(&v)
    );
    // a, by digest, still verifies.
    let by_digest = format!("{host}/bosun/app@{digest}");
    let v = run(&["verify", "--key", p, &by_digest], None);
    expect(&v, 0, "verify a by digest");

    // A signature layer whose payload is not a simple-signing payload: one line, exit 1.
    let junk = store.push_blob(b"not a payload", "x").unwrap();
    let cfg = store
        .push_blob(b"{}", "application/vnd.oci.image.config.v1+json")
        .unwrap();
    let bad = serde_json::json!({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": cfg,
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                    "digest": junk.digest.to_string(), "size": junk.size,
                    "annotations": {"dev.cosignproject.cosign/signature": "bm90IGEgc2lnbmF0dXJl"}}]
    });
    store
        .push_manifest(
            &serde_json::to_vec(&bad).unwrap(),
            OCI_MANIFEST,
            Some(&sig_tag(&b_digest, "sig")),
        )
        .unwrap();
    let v = run(&["verify", "--key", p, &reference], None);
    expect(&v, 1, "verify a corrupt signature");
    // Without --insecure-registry, HTTPS to a plain-HTTP registry: one line, exit 2.
    let v = bosun(&["verify", "--key", p, &reference], None);
    expect(&v, 2, "https to a plain-http registry");
}

#[test]
fn sign_and_verify_over_tls_with_basic_auth() {
    let Some(reg) = start_registry(&RegistryConfig {
        htpasswd: Some(("bosun".into(), "s3cret".into())),
        tls: true,
    }) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let ca = reg.ca_file().unwrap();
    let opts = RegistryOptions {
        insecure: false,
        ca_file: Some(ca.clone()),
        credentials: Some(Credentials {
            username: "bosun".into(),
            password: "s3cret".into(),
        }),
        ..plain(t.path())
    };
    let reference = format!("{}/secure/app:v1", reg.host());
    let digest = push_image(&format!("docker://{reference}"), &opts, &image("tls"));
    let (key, pubkey) = key_pair(t.path(), "k");
    let (k, p, ca) = (
        key.to_str().unwrap(),
        pubkey.to_str().unwrap(),
        ca.to_str().unwrap(),
    );
    let good = ["--ca-file", ca, "--creds", "bosun:s3cret"];
    let s = bosun(
        &[&["sign", "--key", k, &reference][..], &good].concat(),
        Some(PASSWORD),
    );
    expect(&s, 0, "sign over TLS");
    let v = bosun(
        &[&["verify", "--key", p, &reference][..], &good].concat(),
        None,
    );
    expect(&v, 0, "verify over TLS");
    assert_eq!(stdout(&v).lines().count(), 1);
    let first: serde_json::Value = serde_json::from_str(stdout(&v).trim()).unwrap();
    assert_eq!(
        first["payload"]["critical"]["image"]["docker-manifest-digest"],
        digest.to_string()
    );
    // A wrong registry password: one line, exit 2.
    let v = bosun(
        &[
            &["verify", "--key", p, &reference][..],
            &["--ca-file", ca, "--creds", "bosun:wrong"],
        ]
        .concat(),
        None,
    );
    expect(&v, 2, "wrong registry password");
    assert!(
        stderr(&v).contains("authentication failed"),
        "{}",
        stderr(&v)
    );
    // Without the CA the server is not trusted.
    let v = bosun(
        &["verify", "--key", p, &reference, "--creds", "bosun:s3cret"],
        None,
    );
    expect(&v, 2, "untrusted TLS");
}

/// A signature made with cosign's own test key (`cosign-pemcosignkey.pem`, password
/// `hello`), written by this test in cosign's layout exactly as cosign writes it: the
/// simple-signing payload in Go's byte layout and the `.sig` manifest by hand. Also the
/// sigstore-rs simple-signing vector, a real cosign signature over another image's
/// digest: it verifies cryptographically but must not verify for this image.
#[test]
fn verifies_cosign_layout_made_with_cosigns_test_key() {
    let Some(vectors) = bosun_testkit::corpus("signing-vectors") else {
        return;
    };
    let Some(reg) = start_registry(&RegistryConfig::default()) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let opts = plain(t.path());
    let host = reg.host();
    let repo = format!("{host}/cosign/app");
    let digest = push_image(&format!("docker://{repo}:1"), &opts, &image("cosign"));
    let store = Store::open(&format!("docker://{repo}:1"), &opts).unwrap().0;

    let pem = std::fs::read(vectors.join("cosign-pemcosignkey.pem")).unwrap();
    let key = SigningKey::from_pem(&pem, Some(b"hello")).unwrap();
    let pubkey = t.path().join("cosign-test.pub");
    std::fs::write(&pubkey, key.public_key().to_pem()).unwrap();
    let payload = format!(
        r#"{{"critical":{{"identity":{{"docker-reference":"{repo}"}},"image":{{"docker-manifest-digest":"{digest}"}},"type":"cosign container image signature"}},"optional":null}}"#
    );
    let sig = key.sign(payload.as_bytes());
    use base64::Engine as _;
    let sig_b64 = base64::engine::general_purpose::STANDARD.encode(&sig);
    let layer = store
        .push_blob(
            payload.as_bytes(),
            "application/vnd.dev.cosign.simplesigning.v1+json",
        )
        .unwrap();
    let config = format!(
        r#"{{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{{"created":"0001-01-01T00:00:00Z"}}],"os":"","rootfs":{{"type":"layers","diff_ids":["{}"]}},"config":{{}}}}"#,
        layer.digest
    );
    let config = store
        .push_blob(
            config.as_bytes(),
            "application/vnd.oci.image.config.v1+json",
        )
        .unwrap();
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","size":{},"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":{},"digest":"{}","annotations":{{"dev.cosignproject.cosign/signature":"{sig_b64}"}}}}]}}"#,
        config.size, config.digest, layer.size, layer.digest
    );
    store
        .push_manifest(
            manifest.as_bytes(),
            OCI_MANIFEST,
            Some(&sig_tag(&digest, "sig")),
        )
        .unwrap();
    let flags = ["--insecure-registry", host.as_str()];
    let p = pubkey.to_str().unwrap();
    let v = bosun(
        &[&["verify", "--key", p, &format!("{repo}:1")][..], &flags].concat(),
        None,
    );
    expect(&v, 0, "verify cosign-layout signature");
    assert_eq!(stdout(&v).lines().count(), 1);

    // The sigstore-rs vector: valid signature, other image.
    let vec_payload = std::fs::read(vectors.join("simple-signing-payload.json")).unwrap();
    let vec_sig = std::fs::read_to_string(vectors.join("simple-signing-payload.sig.b64")).unwrap();
    let vec_pub = std::fs::read(vectors.join("sigstore-rs-simple-signing.pub.pem")).unwrap();
    let vec_key = PublicKey::from_pem(&vec_pub).unwrap();
    let raw_sig = base64::engine::general_purpose::STANDARD
        .decode(vec_sig.trim())
        .unwrap();
    vec_key.verify(&vec_payload, &raw_sig).unwrap();
    let vec_pub_path = t.path().join("vector.pub");
    std::fs::write(&vec_pub_path, &vec_pub).unwrap();
    let other = push_image(&format!("docker://{repo}:2"), &opts, &image("other"));
    let l = store
        .push_blob(
            &vec_payload,
            "application/vnd.dev.cosign.simplesigning.v1+json",
        )
        .unwrap();
    let m = serde_json::json!({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": config.size, "digest": config.digest.to_string()},
        "layers": [{"mediaType": l.media_type, "size": l.size, "digest": l.digest.to_string(),
                    "annotations": {"dev.cosignproject.cosign/signature": vec_sig.trim()}}]
    });
    store
        .push_manifest(
            &serde_json::to_vec(&m).unwrap(),
            OCI_MANIFEST,
            Some(&sig_tag(&other, "sig")),
        )
        .unwrap();
    let v = bosun(
        &[
            &[
                "verify",
                "--key",
                vec_pub_path.to_str().unwrap(),
                &format!("{repo}:2"),
            ][..],
            &flags,
        ]
        .concat(),
        None,
    );
    expect(&v, 1, "cosign vector signature for another digest");
    assert!(
        stderr(&v)
            .contains("sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b"),
        "{}",
        stderr(&v)
    );
}

/// Signing and verifying in an OCI layout; a cosign v3 bundle referrer is read too; a
/// corrupt signature manifest is a one-line error (exit 2).
#[test]
fn oci_layout_signatures_bundles_and_corruption() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("layout");
    let target = format!("oci:{}:v1", dir.display());
    let opts = plain(t.path());
    let img = image("layout");
    let digest = push_image(&target, &opts, &img);
    let (key, pubkey) = key_pair(t.path(), "k");
    let (k, p) = (key.to_str().unwrap(), pubkey.to_str().unwrap());
    // Nothing attached yet: exit 1, one line naming the missing tag.
    let v = bosun(&["verify", "--key", p, &target], None);
    expect(&v, 1, "missing .sig");
    assert!(
        stderr(&v).contains(&sig_tag(&digest, "sig")),
        "{}",
        stderr(&v)
    );
    let s = bosun(&["sign", "--key", k, &target], Some(PASSWORD));
    expect(&s, 0, "sign layout");
    let v = bosun(&["verify", "--key", p, &target], None);
    expect(&v, 0, "verify layout");

    // A cosign v3 bundle referrer (DSSE statement, predicate cosign/sign/v1).
    let store = Store::open(&target, &opts).unwrap().0;
    let signer =
        SigningKey::from_pem(&std::fs::read(&key).unwrap(), Some(PASSWORD.as_bytes())).unwrap();
    let statement = bosun_sign::intoto::statement(
        "layout",
        digest.encoded(),
        bosun_sign::intoto::COSIGN_SIGN_V1,
        serde_json::json!({}),
    );
    let env = bosun_sign::dsse::sign(
        &signer,
        bosun_sign::dsse::INTOTO_PAYLOAD_TYPE,
        &serde_json::to_vec(&statement).unwrap(),
    );
    let bundle = bosun_sign::bundle::dsse_bundle_json(&env, &signer.public_key());
    let subject = bosun_oci::Descriptor {
        media_type: OCI_MANIFEST.into(),
        digest: digest.clone(),
        size: img.manifest.len() as u64,
        urls: vec![],
        annotations: Default::default(),
        platform: None,
    };
    let (manifest, empty) =
        bosun_attach::bundle_referrer(&subject, &bundle, bosun_sign::intoto::COSIGN_SIGN_V1);
    store
        .push_blob(&empty, "application/vnd.oci.empty.v1+json")
        .unwrap();
    store
        .push_blob(&bundle, "application/vnd.dev.sigstore.bundle.v0.3+json")
        .unwrap();
    store.push_referrer(&manifest, OCI_MANIFEST).unwrap();
    let v = bosun(&["verify", "--key", p, &target], None);
    expect(&v, 0, "verify .sig + bundle");
    let formats: Vec<String> = stdout(&v)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["format"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(formats, ["sig", "bundle"]);

    // Corrupt the .sig manifest: exit 2, one line.
    let layout = bosun_oci::layout::OciLayout::open_or_create(&dir).unwrap();
    layout
        .put_manifest(
            b"{\"schemaVersion\": \"two\"",
            OCI_MANIFEST,
            Some(&sig_tag(&digest, "sig")),
            &Default::default(),
        )
        .unwrap();
    let v = bosun(&["verify", "--key", p, &target], None);
    expect(&v, 2, "corrupt signature manifest");
    assert!(
        stderr(&v).contains("corrupt signature manifest"),
        "{}",
        stderr(&v)
    );
}
