//! A scripted registry (tiny_http on 127.0.0.1) for what a real `docker-registry` cannot
//! easily show: the bearer-token flow (challenge, token endpoint, basic auth at the token
//! endpoint), multi-platform indexes, redirected blobs, and a lying registry (tampered
//! blob, wrong Docker-Content-Digest, server errors).

mod support;

use std::sync::atomic::Ordering;

use bosun_oci::{resolve_digest, Error, Image, WalkOptions};
use support::{opts, publish, start};

#[test]
fn bearer_flow_multi_platform_and_redirected_blobs() {
    let fake = start("u", "p");
    let (amd, arm, index_digest) = publish(&fake, "multi");
    let src = format!("docker://127.0.0.1:{}/x/y:multi", fake.port);

    let image = Image::open(&src, &opts(&fake, "p", "linux/arm64")).unwrap();
    assert_eq!(image.manifest_digest.as_ref(), Some(&arm.manifest_digest));
    assert_eq!(image.index_digest.as_ref(), Some(&index_digest));
    assert_eq!(image.layers.len(), 2);
    let s = image
        .walk(
            &[],
            &WalkOptions {
                threads: 2,
                final_fs: true,
                final_fs_wanted_only: false,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(s.final_fs.unwrap().is_present("l1/file"));
    assert!(s.layers.iter().all(|l| l.digest_verified));

    let image = Image::open(&src, &opts(&fake, "p", "linux/amd64")).unwrap();
    assert_eq!(image.manifest_digest.as_ref(), Some(&amd.manifest_digest));
    image.walk(&[], &WalkOptions::default()).unwrap();

    let e = Image::open(&src, &opts(&fake, "p", "linux/ppc64le")).unwrap_err();
    assert!(
        matches!(&e, Error::NoMatchingPlatform { available, .. } if available.len() == 2),
        "{e}"
    );

    // Pinning resolves the tag to the index digest (what a Dockerfile should pin).
    let pinned = resolve_digest(
        &format!("127.0.0.1:{}/x/y:multi", fake.port),
        &opts(&fake, "p", "linux/amd64").registry,
    )
    .unwrap();
    assert_eq!(pinned, index_digest);
    let tokens = fake.state.lock().unwrap().token_requests;
    assert!(tokens >= 1, "the bearer flow was used");
    assert!(fake.requests.load(Ordering::SeqCst) > 5);
}

#[test]
fn wrong_password_at_the_token_endpoint() {
    let fake = start("u", "p");
    publish(&fake, "multi");
    let e = Image::open(
        &format!("docker://127.0.0.1:{}/x/y:multi", fake.port),
        &opts(&fake, "nope", "linux/amd64"),
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::Unauthorized { reason, .. } if reason.contains("token endpoint") && reason.contains("401")),
        "{e}"
    );
}

#[test]
fn a_lying_registry_is_caught() {
    let fake = start("u", "p");
    let (amd, _, _) = publish(&fake, "multi");
    let o = opts(&fake, "p", "linux/amd64");
    let src = format!("docker://127.0.0.1:{}/x/y:multi", fake.port);

    // A layer served with different bytes.
    let victim = amd.layer_digests[1].to_string();
    {
        let mut s = fake.state.lock().unwrap();
        let mut bytes = s.blobs[&victim].clone();
        let n = bytes.len();
        bytes[n / 2] ^= 0x55;
        s.tampered.insert(victim.clone(), bytes);
    }
    let image = Image::open(&src, &o).unwrap();
    let e = image.walk(&[], &WalkOptions::default()).unwrap_err();
    match &e {
        Error::DigestMismatch { blob, .. } => {
            assert!(blob.contains("layer 1") && blob.contains(&victim), "{e}")
        }
        Error::Layer { index: 1, .. } => {}
        other => panic!("expected layer 1 to fail verification: {other}"),
    }

    // Docker-Content-Digest that does not match the bytes.
    fake.state.lock().unwrap().lying_tag = Some("multi".into());
    let e = Image::open(&src, &o).unwrap_err();
    assert!(
        matches!(&e, Error::DigestMismatch { blob, .. } if blob.contains("Docker-Content-Digest")),
        "{e}"
    );

    // Server errors and unknown tags.
    fake.state.lock().unwrap().broken_tag = Some("multi".into());
    let e = Image::open(&src, &o).unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Registry {
                status: Some(500),
                ..
            }
        ),
        "{e}"
    );
    let e = Image::open(&format!("docker://127.0.0.1:{}/x/y:other", fake.port), &o).unwrap_err();
    assert!(
        matches!(&e, Error::Registry { status: Some(404), reason, .. } if reason.contains("not found")),
        "{e}"
    );
}

/// A registry that serves the OCI 1.1 referrers API: its answer is used (not the
/// tag-schema fallback), `artifactType` filtering is applied client-side too, and a
/// subject without referrers has none.
#[test]
fn referrers_api_when_the_registry_serves_it() {
    let fake = start("u", "p");
    let (amd, _, _) = publish(&fake, "multi");
    let subject = amd.manifest_digest.to_string();
    let entry = |n: u8, t: &str| {
        serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": bosun_oci::Digest::sha256_of(&[n]).to_string(),
            "size": 10 + u64::from(n),
            "artifactType": t,
            "annotations": {"n": n.to_string()}
        })
    };
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [entry(1, "application/vnd.dev.sigstore.bundle.v0.3+json"), entry(2, "application/spdx+json")]
    });
    fake.state
        .lock()
        .unwrap()
        .referrers
        .insert(subject.clone(), serde_json::to_vec(&index).unwrap());
    let r = bosun_oci::Reference::parse(&format!("127.0.0.1:{}/x/y", fake.port)).unwrap();
    let client =
        bosun_oci::RegistryClient::new(&r, &opts(&fake, "p", "linux/amd64").registry).unwrap();
    let all = client.referrers(&r, &amd.manifest_digest, None).unwrap();
    assert!(all.via_api);
    assert_eq!(all.manifests.len(), 2);
    assert_eq!(all.manifests[1].descriptor.annotations["n"], "2");
    assert_eq!(all.manifests[1].descriptor.size, 12);
    let bundles = client
        .referrers(
            &r,
            &amd.manifest_digest,
            Some("application/vnd.dev.sigstore.bundle.v0.3+json"),
        )
        .unwrap();
    assert_eq!(bundles.manifests.len(), 1);
    assert_eq!(
        bundles.manifests[0].artifact_type.as_deref(),
        Some("application/vnd.dev.sigstore.bundle.v0.3+json")
    );
    // No referrers for another subject: the API says 404 here, so the tag schema is
    // tried, and it is absent too.
    let none = client
        .referrers(&r, &bosun_oci::Digest::sha256_of(b"nothing"), None)
        .unwrap();
    assert_eq!((none.manifests.len(), none.via_api), (0, false));
}
