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
