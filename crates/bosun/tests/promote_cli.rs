//! `bosun promote` against a real `docker-registry` on 127.0.0.1 (anonymous, and
//! htpasswd over TLS with a CA made by the test) and OCI layouts: a passing image is
//! copied by digest (a multi-platform index with its children too; cross-repository
//! mounts on the same registry) and the copy is signed; a failing image is refused and
//! nothing is written at the destination.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use bosun_oci::testing::{layer_tar, BuiltImage, ImageSpec, TestEntry, TestLayer};
use bosun_oci::{Compression, Credentials, Digest, RegistryOptions, Store};
use bosun_testkit::{start_registry, RegistryConfig};
use support::{bosun, key_pair, text, PASSWORD};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// Asserts the exit code; a failure's stderr is one line.
fn expect(o: &Output, code: i32, what: &str) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "{what}: stdout {} stderr {}",
        text(&o.stdout),
        text(&o.stderr)
    );
    if code == 2 {
        assert_eq!(
            text(&o.stderr).trim_end().lines().count(),
            1,
            "{what}: {}",
            text(&o.stderr)
        );
    }
}

/// An image whose config User is `user` (none: root) and a layer unique to `seed`.
fn image(seed: &str, user: Option<&str>, arch: &str) -> BuiltImage {
    let mut runtime = serde_json::Map::new();
    if let Some(u) = user {
        runtime.insert("User".into(), u.into());
    }
    ImageSpec {
        layers: vec![TestLayer {
            tar: layer_tar(&[TestEntry::file("app/id", seed.as_bytes())]),
            compression: Compression::Gzip,
            created_by: "COPY id /app/".into(),
        }],
        runtime,
        architecture: Some(arch.into()),
    }
    .build()
}

/// Pushes `img`'s blobs and manifest to `target`, tagged as `target` says when `tag`;
/// returns the manifest digest.
fn push_image(target: &str, opts: &RegistryOptions, img: &BuiltImage, tag: bool) -> Digest {
    let (store, at) = Store::open(target, opts).unwrap();
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
        .push_manifest(&img.manifest, OCI_MANIFEST, tag.then_some(at.as_str()))
        .unwrap()
}

/// Pushes an index of `amd64` and `arm64` to `target`; returns the index digest.
fn push_index(
    target: &str,
    opts: &RegistryOptions,
    amd64: &BuiltImage,
    arm64: &BuiltImage,
) -> Digest {
    let entry = |img: &BuiltImage, arch: &str| {
        serde_json::json!({
            "mediaType": OCI_MANIFEST,
            "digest": img.manifest_digest.to_string(),
            "size": img.manifest.len(),
            "platform": {"os": "linux", "architecture": arch}
        })
    };
    push_image(target, opts, amd64, false);
    push_image(target, opts, arm64, false);
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [entry(amd64, "amd64"), entry(arm64, "arm64")]
    });
    let (store, at) = Store::open(target, opts).unwrap();
    store
        .push_manifest(&serde_json::to_vec(&index).unwrap(), OCI_INDEX, Some(&at))
        .unwrap()
}

fn plain(dir: &Path) -> RegistryOptions {
    RegistryOptions {
        insecure: true,
        docker_config: Some(dir.join("none.json")),
        ..Default::default()
    }
}

fn non_root_policy(dir: &Path) -> PathBuf {
    let p = dir.join("non-root.toml");
    std::fs::write(&p, "[image]\nrequire_non_root = true\n").unwrap();
    p
}

#[test]
fn promote_between_repositories_and_layouts_of_an_anonymous_registry() {
    let Some(reg) = start_registry(&RegistryConfig::default()) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let host = reg.host();
    let opts = plain(t.path());
    let (key, pubkey) = key_pair(t.path(), "release");
    let policy = non_root_policy(t.path());
    let (k, p, pol) = (
        key.to_str().unwrap(),
        pubkey.to_str().unwrap(),
        policy.to_str().unwrap(),
    );
    let flags = ["--insecure-registry", host.as_str()];
    let promote = |src: &str, dst: &str| {
        bosun(
            &[
                &["promote", src, dst, "--policy", pol, "--key", k][..],
                &flags,
            ]
            .concat(),
            Some(PASSWORD),
        )
    };
    let verify = |target: &str| {
        bosun(
            &[&["verify", "--key", p, target][..], &flags].concat(),
            None,
        )
    };

    // A passing image: copied by digest, mounted (same registry), signed.
    let good = image("good", Some("1000:1000"), "amd64");
    let src = format!("{host}/staging/app:1");
    let digest = push_image(&format!("docker://{src}"), &opts, &good, true);
    let dst = format!("{host}/prod/app:1");
    let o = promote(&src, &dst);
    expect(&o, 0, "promote a passing image");
    assert_eq!(
        text(&o.stdout).lines().last().unwrap(),
        format!("{host}/prod/app@{digest}")
    );
    assert!(
        text(&o.stderr).contains("(0 blobs copied, 2 already there or mounted)"),
        "{}",
        text(&o.stderr)
    );
    let prod = Store::open(&format!("docker://{dst}"), &opts).unwrap().0;
    assert_eq!(prod.resolve("1").unwrap(), digest);
    let (bytes, _, _) = prod.fetch_manifest("1").unwrap().unwrap();
    assert_eq!(bytes, good.manifest, "the manifest is copied byte for byte");
    expect(&verify(&dst), 0, "the copy is signed");
    expect(&verify(&src), 1, "the source is not signed by promote");

    // A policy that requires the release key (a path relative to the policy file):
    // the signed copy passes on to another repository, the unsigned source does not.
    let signed_policy = t.path().join("signed.toml");
    std::fs::write(
        &signed_policy,
        "[signatures]\nrequired_keys = [\"release.pub\"]\n",
    )
    .unwrap();
    let sp = signed_policy.to_str().unwrap();
    let o = bosun(
        &[
            &[
                "promote",
                &dst,
                &format!("{host}/release/app:1"),
                "--policy",
                sp,
                "--key",
                k,
            ][..],
            &flags,
        ]
        .concat(),
        Some(PASSWORD),
    );
    expect(&o, 0, "promote the signed copy");
    let o = bosun(
        &[
            &[
                "promote",
                &src,
                &format!("{host}/release/unsigned:1"),
                "--policy",
                sp,
                "--key",
                k,
            ][..],
            &flags,
        ]
        .concat(),
        Some(PASSWORD),
    );
    expect(&o, 1, "promote the unsigned source");
    assert_eq!(
        text(&o.stdout),
        format!(
            "DENY docker://{host}/staging/app@{digest} (1 reason)\n  - signatures.required_keys: no valid signature by release.pub over {digest}\n"
        )
    );

    // A failing image (root): refused, nothing at the destination.
    let bad = image("bad", None, "amd64");
    let bad_src = format!("{host}/staging/bad:1");
    let bad_digest = push_image(&format!("docker://{bad_src}"), &opts, &bad, true);
    let o = promote(&bad_src, &format!("{host}/prod/bad:1"));
    expect(&o, 1, "promote a failing image");
    assert!(text(&o.stdout).starts_with("DENY "), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("nothing was copied"),
        "{}",
        text(&o.stderr)
    );
    let prod_bad = Store::open(&format!("docker://{host}/prod/bad:1"), &opts)
        .unwrap()
        .0;
    assert!(prod_bad.fetch_manifest("1").unwrap().is_none());
    assert!(prod_bad
        .fetch_manifest(&bad_digest.to_string())
        .unwrap()
        .is_none());
    assert!(!prod_bad.has_blob(&bad.layer_digests[0]).unwrap());

    // A multi-platform index: the whole index and both children are copied; the gate
    // examines the host's platform (amd64 passes, arm64's root user is not looked at).
    let amd64 = image("multi-amd64", Some("65532"), "amd64");
    let arm64 = image("multi-arm64", None, "arm64");
    let multi = format!("{host}/staging/multi:2");
    let index_digest = push_index(&format!("docker://{multi}"), &opts, &amd64, &arm64);
    let o = bosun(
        &[
            &[
                "promote",
                &multi,
                &format!("{host}/prod/multi:2"),
                "--policy",
                pol,
                "--key",
                k,
                "--platform",
                "linux/amd64",
            ][..],
            &flags,
        ]
        .concat(),
        Some(PASSWORD),
    );
    expect(&o, 0, "promote an index");
    let prod_multi = Store::open(&format!("docker://{host}/prod/multi:2"), &opts)
        .unwrap()
        .0;
    assert_eq!(prod_multi.resolve("2").unwrap(), index_digest);
    for child in [&amd64, &arm64] {
        assert!(prod_multi
            .fetch_manifest(&child.manifest_digest.to_string())
            .unwrap()
            .is_some());
        assert!(prod_multi.has_blob(&child.layer_digests[0]).unwrap());
    }
    expect(
        &verify(&format!("{host}/prod/multi:2")),
        0,
        "the index is signed",
    );

    // Layout -> registry (blobs uploaded) and registry -> layout.
    let layout = t.path().join("layout");
    let from_layout = image("layout", Some("app"), "amd64");
    let layout_digest = push_image(
        &format!("oci:{}:v1", layout.display()),
        &opts,
        &from_layout,
        true,
    );
    let o = promote(
        &format!("oci:{}:v1", layout.display()),
        &format!("{host}/fromlayout/app:v1"),
    );
    expect(&o, 0, "layout to registry");
    assert!(
        text(&o.stderr).contains("(2 blobs copied, 0 already there or mounted)"),
        "{}",
        text(&o.stderr)
    );
    let fl = Store::open(&format!("docker://{host}/fromlayout/app:v1"), &opts)
        .unwrap()
        .0;
    assert_eq!(fl.resolve("v1").unwrap(), layout_digest);
    let out = t.path().join("out");
    let o = promote(&src, &format!("oci:{}:release", out.display()));
    expect(&o, 0, "registry to layout");
    let out_store = Store::open(&format!("oci:{}:release", out.display()), &opts)
        .unwrap()
        .0;
    assert_eq!(out_store.resolve("release").unwrap(), digest);
    expect(
        &bosun(
            &[
                "verify",
                "--key",
                p,
                &format!("oci:{}:release", out.display()),
            ],
            None,
        ),
        0,
        "the layout copy is signed",
    );
    let refused = t.path().join("refused");
    let o = promote(&bad_src, &format!("oci:{}:release", refused.display()));
    expect(&o, 1, "a denied promote to a layout");
    assert!(!refused.exists(), "a denied promote creates no layout");

    // A bad destination fails before the gate; a wrong key password before any work.
    let o = promote(&src, "docker://UPPER/Case:1");
    expect(&o, 2, "invalid destination");
    let o = bosun(
        &[
            &["promote", &src, &dst, "--policy", pol, "--key", k][..],
            &flags,
        ]
        .concat(),
        Some("wrong"),
    );
    expect(&o, 2, "wrong key password");
    assert!(
        text(&o.stderr).contains("wrong password"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn promote_over_tls_with_basic_auth() {
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
    let host = reg.host();
    let (key, pubkey) = key_pair(t.path(), "release");
    let policy = non_root_policy(t.path());
    let (k, p, pol, ca) = (
        key.to_str().unwrap(),
        pubkey.to_str().unwrap(),
        policy.to_str().unwrap(),
        ca.to_str().unwrap(),
    );
    let good = image("tls-good", Some("1000"), "amd64");
    let src = format!("{host}/staging/app:1");
    let digest = push_image(&format!("docker://{src}"), &opts, &good, true);
    let dst = format!("{host}/prod/app:1");
    let auth = ["--ca-file", ca, "--creds", "bosun:s3cret"];
    let o = bosun(
        &[
            &["promote", &src, &dst, "--policy", pol, "--key", k][..],
            &auth,
        ]
        .concat(),
        Some(PASSWORD),
    );
    expect(&o, 0, "promote over TLS");
    let prod = Store::open(&format!("docker://{dst}"), &opts).unwrap().0;
    assert_eq!(prod.resolve("1").unwrap(), digest);
    expect(
        &bosun(&[&["verify", "--key", p, &dst][..], &auth].concat(), None),
        0,
        "the copy is signed",
    );
    // Denied over TLS: nothing copied.
    let bad = image("tls-bad", None, "amd64");
    let bad_src = format!("{host}/staging/bad:1");
    push_image(&format!("docker://{bad_src}"), &opts, &bad, true);
    let o = bosun(
        &[
            &[
                "promote",
                &bad_src,
                &format!("{host}/prod/bad:1"),
                "--policy",
                pol,
                "--key",
                k,
            ][..],
            &auth,
        ]
        .concat(),
        Some(PASSWORD),
    );
    expect(&o, 1, "denied over TLS");
    let prod_bad = Store::open(&format!("docker://{host}/prod/bad:1"), &opts)
        .unwrap()
        .0;
    assert!(prod_bad.fetch_manifest("1").unwrap().is_none());
    // A wrong registry password: one line, exit 2.
    let o = bosun(
        &[
            &["promote", &src, &dst, "--policy", pol, "--key", k][..],
            &["--ca-file", ca, "--creds", "bosun:wrong"],
        ]
        .concat(),
        Some(PASSWORD),
    );
    expect(&o, 2, "wrong registry password");
    assert!(
        text(&o.stderr).contains("authentication failed"),
        "{}",
        text(&o.stderr)
    );
}
