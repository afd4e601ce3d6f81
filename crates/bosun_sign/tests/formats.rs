//! The documents around signatures: DSSE, in-toto statements, simple-signing
//! payloads, cosign's layer layout and sigstore bundles.

use std::collections::BTreeMap;

use bosun_sign::{
    bundle, dsse, intoto, layout, simple_signing, PublicKey, SigningKey, VerifyError,
};
use serde_json::json;

const DIGEST: &str = "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b";
const OTHER_DIGEST: &str =
    "sha256:0000000000000000000000000000000000000000000000000000000000000001";

fn b64(bytes: &[u8]) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes)
}

// ---- DSSE -------------------------------------------------------------------

/// The DSSE specification's test key (protocol.md, "Test Vectors"): the P-256
/// scalar d = 97358161215184420915383655311931858321456579547487070936769975997791359926199,
/// wrapped here in a SEC1 ECPrivateKey so it goes through the normal reader.
fn dsse_spec_key() -> SigningKey {
    let d = hex("d73ec437fd6346e3619c5ebfdfff0f6916804955ad32ac9ac492b0ede1f6ffb7");
    let mut der = vec![0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20];
    der.extend_from_slice(&d);
    der.extend_from_slice(&[
        0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ]);
    SigningKey::from_sec1_der(&der).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// (r, s) of an ASN.1 DER ECDSA signature, without leading zero bytes.
fn der_r_s(der: &[u8]) -> (Vec<u8>, Vec<u8>) {
    assert_eq!(der[0], 0x30);
    let mut i = 2;
    let mut ints = Vec::new();
    for _ in 0..2 {
        assert_eq!(der[i], 0x02);
        let len = der[i + 1] as usize;
        let v: Vec<u8> = der[i + 2..i + 2 + len]
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        ints.push(v);
        i += 2 + len;
    }
    assert_eq!(i, der.len());
    (ints[0].clone(), ints[1].clone())
}

const SPEC_SIG: &str =
    "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==";

#[test]
fn pae_matches_the_dsse_specification() {
    assert_eq!(
        dsse::pae("http://example.com/HelloWorld", b"hello world"),
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    );
    assert_eq!(dsse::pae("", b""), b"DSSEv1 0  0 ");
}

#[test]
fn the_dsse_specification_envelope_verifies_and_our_signature_is_the_same() {
    let key = dsse_spec_key();
    let envelope_json = format!(
        r#"{{"payload": "aGVsbG8gd29ybGQ=", "payloadType": "http://example.com/HelloWorld", "signatures": [{{"sig": "{SPEC_SIG}"}}]}}"#
    );
    let env = dsse::Envelope::from_json(envelope_json.as_bytes()).unwrap();
    assert_eq!(env.payload, b"hello world");
    assert_eq!(env.signatures[0].keyid, None);
    assert_eq!(
        dsse::verify(&env, &[key.public_key()]).unwrap(),
        b"hello world"
    );

    // RFC 6979 is deterministic: our DER signature carries the spec's r and s.
    let ours = dsse::sign(&key, "http://example.com/HelloWorld", b"hello world");
    let raw = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, SPEC_SIG).unwrap();
    let strip = |b: &[u8]| {
        b.iter()
            .copied()
            .skip_while(|&x| x == 0)
            .collect::<Vec<u8>>()
    };
    assert_eq!(
        der_r_s(&ours.signatures[0].sig),
        (strip(&raw[..32]), strip(&raw[32..]))
    );
}

#[test]
fn dsse_verifies_with_any_of_several_keys_and_rejects_others() {
    let old = SigningKey::generate_p256();
    let new = SigningKey::generate_p256();
    let stranger = SigningKey::generate_p256();
    let env = dsse::sign_many(&[&old, &new], dsse::INTOTO_PAYLOAD_TYPE, b"{}");
    assert_eq!(env.signatures.len(), 2);

    let v = dsse::verify_detailed(&env, &[stranger.public_key(), new.public_key()]).unwrap();
    assert_eq!(v.keys, vec![1]);
    assert_eq!(v.payload, b"{}");
    assert_eq!(
        dsse::verify(&env, &[stranger.public_key()]),
        Err(VerifyError::NoMatchingKey(1))
    );

    // The signature covers the payload type too.
    let mut retyped = env.clone();
    retyped.payload_type = "text/plain".into();
    assert_eq!(
        dsse::verify(&retyped, &[old.public_key()]),
        Err(VerifyError::NoMatchingKey(1))
    );

    let mut unsigned = env.clone();
    unsigned.signatures.clear();
    assert_eq!(
        dsse::verify(&unsigned, &[old.public_key()]),
        Err(VerifyError::NoSignatures)
    );
}

#[test]
fn dsse_json_round_trips_and_accepts_url_safe_base64() {
    let key = SigningKey::generate_p256();
    let payload: Vec<u8> = (0u8..=255).collect();
    let env = dsse::sign(&key, "application/octet-stream", &payload);
    let json = env.to_json();
    let text = String::from_utf8(json.clone()).unwrap();
    assert!(text.starts_with(r#"{"payload":""#), "{text}");
    assert!(text.contains(r#""payloadType":"application/octet-stream","signatures":[{"sig":""#));
    assert_eq!(dsse::Envelope::from_json(&json).unwrap(), env);

    // The same envelope written with URL-safe, unpadded base64, plus an unknown field.
    let url =
        |b: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, b);
    let alt = json!({
        "payload": url(&payload),
        "payloadType": "application/octet-stream",
        "signatures": [{"keyid": "", "sig": url(&env.signatures[0].sig)}],
        "extra": true,
    });
    let parsed = dsse::Envelope::from_json(alt.to_string().as_bytes()).unwrap();
    assert_eq!(parsed, env);
    assert_eq!(dsse::verify(&parsed, &[key.public_key()]).unwrap(), payload);

    let err = dsse::Envelope::from_json(br#"{"payload":"!!","payloadType":"x"}"#).unwrap_err();
    assert!(
        err.to_string().starts_with("DSSE envelope: payload: "),
        "{err}"
    );
}

// ---- in-toto ----------------------------------------------------------------

#[test]
fn predicate_types_follow_cosigns_table() {
    let cases = [
        ("cyclonedx", "https://cyclonedx.org/bom"),
        ("spdx", "https://spdx.dev/Document"),
        ("spdxjson", "https://spdx.dev/Document"),
        ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
        ("slsaprovenance", "https://slsa.dev/provenance/v0.2"),
        ("slsaprovenance1", "https://slsa.dev/provenance/v1"),
        ("custom", "https://cosign.sigstore.dev/attestation/v1"),
        ("openvex", "https://openvex.dev/ns"),
        (
            "https://example.com/my/predicate/v1",
            "https://example.com/my/predicate/v1",
        ),
        ("urn:example:predicate", "urn:example:predicate"),
    ];
    for (short, uri) in cases {
        assert_eq!(intoto::predicate_type_for(short), uri, "{short}");
        assert_eq!(intoto::parse_predicate_type(short).unwrap(), uri, "{short}");
    }
    let err = intoto::parse_predicate_type("sbom").unwrap_err();
    assert!(err
        .to_string()
        .starts_with("predicate type: \"sbom\" is neither a URI nor one of custom|"));
}

#[test]
fn statement_v1_has_the_in_toto_shape_and_its_subject_is_checked() {
    let st = intoto::statement(
        "ghcr.io/acme/app",
        &DIGEST[7..],
        "https://cyclonedx.org/bom",
        json!({"bomFormat": "CycloneDX"}),
    );
    assert_eq!(
        st,
        json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "ghcr.io/acme/app", "digest": {"sha256": &DIGEST[7..]}}],
            "predicateType": "https://cyclonedx.org/bom",
            "predicate": {"bomFormat": "CycloneDX"},
        })
    );
    let bytes = serde_json::to_vec(&st).unwrap();
    let parsed = intoto::check_subject(&bytes, DIGEST).unwrap();
    assert_eq!(parsed.predicate_type, "https://cyclonedx.org/bom");
    assert_eq!(
        intoto::check_subject(&bytes, OTHER_DIGEST),
        Err(VerifyError::DigestMismatch {
            signed: DIGEST.into(),
            expected: OTHER_DIGEST.into()
        })
    );
    // Legacy cosign writes v0.1 statements; they are read too.
    let v01 = json!({"_type": intoto::STATEMENT_V01, "subject": [{"name": "x", "digest": {"sha256": &DIGEST[7..]}}], "predicateType": "p", "predicate": {}});
    assert!(intoto::check_subject(v01.to_string().as_bytes(), DIGEST).is_ok());
    let bad =
        json!({"_type": "https://example.com/Statement", "subject": [], "predicateType": "p"});
    assert!(intoto::parse(bad.to_string().as_bytes()).is_err());
}

// ---- simple signing ---------------------------------------------------------

#[test]
fn simple_signing_payload_has_cosigns_exact_bytes_with_annotations() {
    let annotations = BTreeMap::from([
        ("z".to_string(), "last".to_string()),
        ("GIT_HASH".to_string(), "a<b>&c".to_string()),
    ]);
    let bytes = simple_signing::payload("ghcr.io/acme/app", DIGEST, &annotations);
    assert_eq!(
        String::from_utf8(bytes.clone()).unwrap(),
        format!(
            r#"{{"critical":{{"identity":{{"docker-reference":"ghcr.io/acme/app"}},"image":{{"docker-manifest-digest":"{DIGEST}"}},"type":"cosign container image signature"}},"optional":{{"GIT_HASH":"a\u003cb\u003e\u0026c","z":"last"}}}}"#
        )
    );
    let parsed = simple_signing::parse(&bytes).unwrap();
    assert_eq!(parsed.annotations["GIT_HASH"], "a<b>&c");
    assert!(parsed.has_annotations(&BTreeMap::from([("z".to_string(), "last".to_string())])));
    assert!(!parsed.has_annotations(&BTreeMap::from([("z".to_string(), "first".to_string())])));
}

#[test]
fn simple_signing_rejects_other_types_and_other_digests() {
    let wrong_type = br#"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"sha256:00"},"type":"atomic container signature"},"optional":null}"#;
    let err = simple_signing::parse(wrong_type).unwrap_err();
    assert_eq!(
        err.to_string(),
        "simple-signing payload: critical.type is \"atomic container signature\", not \"cosign container image signature\""
    );
    let bytes = simple_signing::payload("r", DIGEST, &BTreeMap::new());
    assert_eq!(
        simple_signing::check_digest(&bytes, OTHER_DIGEST),
        Err(VerifyError::DigestMismatch {
            signed: DIGEST.into(),
            expected: OTHER_DIGEST.into()
        })
    );
    assert!(simple_signing::parse(b"not json").is_err());
}

// ---- layout -----------------------------------------------------------------

#[test]
fn cosign_tags_and_layers() {
    assert_eq!(
        layout::signature_tag(DIGEST).unwrap(),
        format!("sha256-{}.sig", &DIGEST[7..])
    );
    assert_eq!(
        layout::attestation_tag(DIGEST).unwrap(),
        format!("sha256-{}.att", &DIGEST[7..])
    );
    assert!(layout::signature_tag("latest").is_err());
    assert!(layout::signature_tag("sha256:ABC").is_err());

    let key = SigningKey::generate_p256();
    let notes = BTreeMap::from([("env".to_string(), "prod".to_string())]);
    let layer = layout::signature_layer(&key, "ghcr.io/acme/app", DIGEST, &notes);
    assert_eq!(
        layer.media_type,
        "application/vnd.dev.cosign.simplesigning.v1+json"
    );
    assert_eq!(
        layer.annotations.keys().collect::<Vec<_>>(),
        ["dev.cosignproject.cosign/signature"]
    );
    let ok = layout::verify_signature_layer(
        &layer.media_type,
        &layer.annotations,
        &layer.blob,
        &[key.public_key()],
        DIGEST,
    )
    .unwrap();
    assert_eq!(ok.payload.annotations["env"], "prod");

    // The payload is for another image: the signature is good, the claim is not.
    assert!(matches!(
        layout::verify_signature_layer(
            &layer.media_type,
            &layer.annotations,
            &layer.blob,
            &[key.public_key()],
            OTHER_DIGEST
        ),
        Err(VerifyError::DigestMismatch { .. })
    ));
    // A stranger's key.
    assert_eq!(
        layout::verify_signature_layer(
            &layer.media_type,
            &layer.annotations,
            &layer.blob,
            &[SigningKey::generate_p256().public_key()],
            DIGEST
        ),
        Err(VerifyError::NoMatchingKey(1))
    );
    // A tampered blob.
    let mut blob = layer.blob.clone();
    blob.push(b' ');
    assert_eq!(
        layout::verify_signature_layer(
            &layer.media_type,
            &layer.annotations,
            &blob,
            &[key.public_key()],
            DIGEST
        ),
        Err(VerifyError::NoMatchingKey(1))
    );
}

#[test]
fn attestation_layer_round_trip() {
    let key = SigningKey::generate_p256();
    let layer = layout::attestation_layer(
        &key,
        "ghcr.io/acme/app",
        DIGEST,
        "https://cyclonedx.org/bom",
        json!({"components": []}),
    )
    .unwrap();
    assert_eq!(layer.media_type, "application/vnd.dsse.envelope.v1+json");
    assert_eq!(
        layer.annotations,
        BTreeMap::from([
            (
                "dev.cosignproject.cosign/signature".to_string(),
                String::new()
            ),
            (
                "predicateType".to_string(),
                "https://cyclonedx.org/bom".to_string()
            ),
        ])
    );
    let v = layout::verify_attestation_layer(
        &layer.media_type,
        &layer.blob,
        &[key.public_key()],
        DIGEST,
    )
    .unwrap();
    assert_eq!(v.statement.predicate, json!({"components": []}));
    assert_eq!(v.keys, vec![0]);
    assert!(matches!(
        layout::verify_attestation_layer(
            &layer.media_type,
            &layer.blob,
            &[key.public_key()],
            OTHER_DIGEST
        ),
        Err(VerifyError::DigestMismatch { .. })
    ));
}

// ---- bundles ----------------------------------------------------------------

#[test]
fn a_cosign_v3_style_dsse_bundle_verifies_with_the_key() {
    let key = SigningKey::generate_p256();
    let statement = intoto::statement("", &DIGEST[7..], intoto::COSIGN_SIGN_V1, json!({}));
    let env = dsse::sign(
        &key,
        dsse::INTOTO_PAYLOAD_TYPE,
        serde_json::to_vec(&statement).unwrap().as_slice(),
    );
    let json = bundle::dsse_bundle_json(&env, &key.public_key());
    let parsed = bundle::parse(&json).unwrap();
    assert_eq!(
        parsed.media_type,
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(parsed.public_key_hint, Some(key.public_key().bundle_hint()));
    assert_eq!(parsed.tlog_entries, 0);
    match parsed.verify(&[key.public_key()], DIGEST).unwrap() {
        bundle::Verified::Statement(v) => {
            assert_eq!(v.statement.predicate_type, intoto::COSIGN_SIGN_V1)
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        parsed.verify(&[key.public_key()], OTHER_DIGEST),
        Err(VerifyError::DigestMismatch { .. })
    ));
    assert_eq!(
        parsed
            .verify(&[SigningKey::generate_p256().public_key()], DIGEST)
            .unwrap_err(),
        VerifyError::NoMatchingKey(1)
    );
}

#[test]
fn message_signature_bundles_of_every_version_verify_by_digest() {
    let key = SigningKey::generate_p256();
    // A message signature is over the artifact; the bundle records its digest.
    let artifact = b"artifact bytes";
    let sha = {
        use sha2::Digest;
        sha2::Sha256::digest(artifact).to_vec()
    };
    let sig = key.sign(artifact);
    let mut versions = 0;
    for media_type in bundle::MEDIA_TYPES {
        let doc = json!({
            "mediaType": media_type,
            "verificationMaterial": {"publicKey": {"hint": key.public_key().bundle_hint()}, "tlogEntries": []},
            "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": b64(&sha)}, "signature": b64(&sig)},
        });
        let parsed = bundle::parse(doc.to_string().as_bytes()).unwrap();
        let hex_digest = format!(
            "sha256:{}",
            sha.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        match parsed.verify(&[key.public_key()], &hex_digest).unwrap() {
            bundle::Verified::MessageSignature { sha256, key } => {
                assert_eq!(sha256, sha);
                assert_eq!(key, 0);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parsed.verify(&[key.public_key()], DIGEST),
            Err(VerifyError::DigestMismatch { .. })
        ));
        versions += 1;
    }
    assert_eq!(versions, 4);
}

#[test]
fn malformed_bundles_are_one_line_errors() {
    let cases: [(&str, &str); 3] = [
        (r#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.9+json","messageSignature":{"signature":""}}"#, "sigstore bundle: unsupported media type \"application/vnd.dev.sigstore.bundle.v0.9+json\""),
        (r#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#, "sigstore bundle: neither messageSignature nor dsseEnvelope is set"),
        (r#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","messageSignature":{"signature":"AA=="}}"#, "sigstore bundle: messageSignature has no messageDigest"),
    ];
    for (doc, want) in cases {
        let err = bundle::parse(doc.as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), want);
    }
    // Not JSON of the right shape: serde's own words, on one line.
    for doc in ["[]", "{", "\u{0}"] {
        let err = bundle::parse(doc.as_bytes()).unwrap_err().to_string();
        assert!(
            err.starts_with("sigstore bundle: ") && !err.contains('\n'),
            "{err}"
        );
    }
}

#[test]
fn public_key_pem_round_trips_and_fingerprints_are_stable() {
    let key = SigningKey::generate_p256();
    let public = key.public_key();
    let pem = public.to_pem();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    let back = PublicKey::from_pem(pem.as_bytes()).unwrap();
    assert_eq!(back, public);
    assert_eq!(back.fingerprint().len(), 64);
    assert_eq!(back.fingerprint(), public.fingerprint());
    // A private key where a public key is expected says so.
    let err = PublicKey::from_pem(key.to_cosign_pem(b"").unwrap().as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed key: this is a private key; give the public key (.pub)"
    );
    // Debug output never shows the secret scalar.
    let debug = format!("{key:?}");
    assert_eq!(
        debug,
        format!("SigningKey(ECDSA P-256, sha256:{})", public.fingerprint())
    );
}
