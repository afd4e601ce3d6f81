//! Interop with cosign and sigstore-rs: every file of
//! `shared/corpus/signing-vectors/` handled as its README says.

use std::collections::BTreeSet;
use std::path::PathBuf;

use bosun_sign::{simple_signing, KeyAlgorithm, KeyError, PublicKey, SigningKey};

fn vectors() -> Option<PathBuf> {
    bosun_testkit::corpus("signing-vectors")
}

fn read(dir: &std::path::Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What the README says about each file.
enum Expect {
    /// Decrypts/reads to a key of this algorithm.
    Key(Option<&'static [u8]>, KeyAlgorithm),
    /// Rejected with this error.
    Rejected(Option<&'static [u8]>, KeyError),
    /// Not a private key: used by the simple-signing test or documentation.
    Other,
}

fn table() -> Vec<(&'static str, Expect)> {
    use Expect::*;
    let p256 = KeyAlgorithm::EcdsaP256;
    vec![
        ("README.md", Other),
        ("cosign-pemcosignkey.pem", Key(Some(b"hello"), p256)),
        (
            "cosign-pemcosigneckey.pem",
            Rejected(Some(b"hello"), KeyError::Sec1InEnvelope),
        ),
        ("cosign-pemsigstorekey.pem", Key(Some(b"hello"), p256)),
        ("cosign-validecp256.pem", Key(None, p256)),
        ("cosign-validecpkcs8.pem", Key(None, p256)),
        ("cosign-ed25519key.pem", Key(None, KeyAlgorithm::Ed25519)),
        (
            "cosign-validrsapkcs8.pem",
            Key(None, KeyAlgorithm::Rsa { bits: 2048 }),
        ),
        (
            "cosign-invalidecp224.pem",
            Rejected(None, KeyError::UnsupportedCurve("P-224".into())),
        ),
        (
            "sigstore-rs-cosign_generated_encrypted_empty_private.key",
            Key(Some(b""), p256),
        ),
        (
            "sigstore-rs-ecdsa_encrypted_private.key",
            Key(Some(b"123"), p256),
        ),
        (
            "sigstore-rs-ed25519_encrypted_private.key",
            Key(Some(b"123"), KeyAlgorithm::Ed25519),
        ),
        (
            "sigstore-rs-rsa_encrypted_private.key",
            Key(Some(b"123"), KeyAlgorithm::Rsa { bits: 4096 }),
        ),
        ("sigstore-rs-simple-signing.pub.pem", Other),
        ("simple-signing-payload.json", Other),
        ("simple-signing-payload.sig.b64", Other),
    ]
}

#[test]
fn every_vector_file_is_in_the_table() {
    let Some(dir) = vectors() else { return };
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let known: BTreeSet<String> = table().into_iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, known);
}

#[test]
fn every_private_key_vector_is_accepted_or_rejected_as_the_readme_says() {
    let Some(dir) = vectors() else { return };
    let mut accepted = 0;
    let mut rejected = 0;
    for (name, expect) in table() {
        let pem = read(&dir, name);
        match expect {
            Expect::Key(password, alg) => {
                let key =
                    SigningKey::from_pem(&pem, password).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(key.algorithm(), alg, "{name}");
                // The key signs, and its public key verifies what it signed.
                let sig = key.sign(b"payload");
                key.public_key()
                    .verify(b"payload", &sig)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    key.public_key().verify(b"other payload", &sig),
                    Err(bosun_sign::VerifyError::BadSignature),
                    "{name}"
                );
                accepted += 1;
            }
            Expect::Rejected(password, want) => {
                let err = SigningKey::from_pem(&pem, password).unwrap_err();
                assert_eq!(err, want, "{name}");
                assert!(!err.to_string().contains('\n'), "{name}: one line");
                rejected += 1;
            }
            Expect::Other => {}
        }
    }
    assert_eq!((accepted, rejected), (10, 2));
}

#[test]
fn a_wrong_password_is_a_clear_one_line_error_for_every_encrypted_vector() {
    let Some(dir) = vectors() else { return };
    let mut checked = 0;
    for (name, expect) in table() {
        if let Expect::Key(Some(_), _) = expect {
            let err =
                SigningKey::from_pem(&read(&dir, name), Some(b"not the password")).unwrap_err();
            assert_eq!(err, KeyError::WrongPassword, "{name}");
            assert_eq!(
                err.to_string(),
                "wrong password for the encrypted key (or the key file is corrupt)"
            );
            let err = SigningKey::from_pem(&read(&dir, name), None).unwrap_err();
            assert_eq!(err, KeyError::PasswordRequired, "{name}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

#[test]
fn the_sec1_and_p224_rejections_say_why() {
    let Some(dir) = vectors() else { return };
    let sec1 =
        SigningKey::from_pem(&read(&dir, "cosign-pemcosigneckey.pem"), Some(b"hello")).unwrap_err();
    assert_eq!(
        sec1.to_string(),
        "the encrypted key holds a SEC1 EC key, not PKCS#8: cosign rejects it (decrypt and re-import the key as PKCS#8)"
    );
    let p224 = SigningKey::from_pem(&read(&dir, "cosign-invalidecp224.pem"), None).unwrap_err();
    assert_eq!(
        p224.to_string(),
        "unsupported elliptic curve P-224: only ECDSA P-256 is supported"
    );
}

#[test]
fn cosigns_simple_signing_vector_verifies() {
    let Some(dir) = vectors() else { return };
    let payload = read(&dir, "simple-signing-payload.json");
    let sig_b64 = String::from_utf8(read(&dir, "simple-signing-payload.sig.b64")).unwrap();
    let sig =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, sig_b64.trim()).unwrap();
    let key = PublicKey::from_pem(&read(&dir, "sigstore-rs-simple-signing.pub.pem")).unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256);
    key.verify(&payload, &sig).unwrap();

    // The same signature over one changed byte fails.
    let mut tampered = payload.clone();
    let i = tampered.iter().position(|&b| b == b'f').unwrap();
    tampered[i] = b'e';
    assert_eq!(
        key.verify(&tampered, &sig),
        Err(bosun_sign::VerifyError::BadSignature)
    );

    // The payload parses, and our builder reproduces cosign's exact bytes.
    let parsed = simple_signing::parse(&payload).unwrap();
    assert_eq!(parsed.docker_reference, "registry-testing.svc.lan/busybox");
    assert_eq!(
        parsed.manifest_digest,
        "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b"
    );
    assert!(parsed.annotations.is_empty());
    let rebuilt = simple_signing::payload(
        &parsed.docker_reference,
        &parsed.manifest_digest,
        &Default::default(),
    );
    assert_eq!(
        String::from_utf8(rebuilt).unwrap(),
        String::from_utf8(payload).unwrap().trim_end()
    );

    // Through the layer check (`.sig` layer + annotation), with key rotation:
    // a second, unrelated key first in the list.
    let other = SigningKey::generate_p256().public_key();
    let annotations = [(
        bosun_sign::layout::SIGNATURE_ANNOTATION.to_string(),
        sig_b64.trim().to_string(),
    )]
    .into();
    let verified = bosun_sign::layout::verify_signature_layer(
        bosun_sign::layout::SIMPLE_SIGNING_MEDIA_TYPE,
        &annotations,
        &read(&dir, "simple-signing-payload.json"),
        &[other, key],
        "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b",
    )
    .unwrap();
    assert_eq!(verified.key, 1);
}

#[test]
fn a_generated_key_reads_back_through_the_cosign_code_path() {
    let Some(dir) = vectors() else { return };
    let key = SigningKey::generate_p256();
    let pem = key.to_cosign_pem(b"s3cret").unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
    // The envelope JSON has cosign's shape and Standard scrypt parameters.
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let json: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap(),
    )
    .unwrap();
    assert_eq!(json["kdf"]["name"], "scrypt");
    assert_eq!(
        json["kdf"]["params"],
        serde_json::json!({"N": 65536, "r": 8, "p": 1})
    );
    assert_eq!(json["cipher"]["name"], "nacl/secretbox");

    let back = SigningKey::from_pem(pem.as_bytes(), Some(b"s3cret")).unwrap();
    assert_eq!(back.public_key(), key.public_key());
    // The same reader decrypts cosign's own file (and the Go envelope layout
    // we write re-reads as cosign's does).
    let cosign =
        SigningKey::from_pem(&read(&dir, "cosign-pemsigstorekey.pem"), Some(b"hello")).unwrap();
    let again =
        SigningKey::from_pem(cosign.to_cosign_pem(b"").unwrap().as_bytes(), Some(b"")).unwrap();
    assert_eq!(again.public_key(), cosign.public_key());
    assert_eq!(
        SigningKey::from_pem(pem.as_bytes(), Some(b"wrong")).unwrap_err(),
        KeyError::WrongPassword
    );
}
