//! Pushing with `bosun_oci` to a real `docker-registry` on 127.0.0.1 (anonymous, and
//! htpasswd over TLS with a CA made by the test) and to OCI layout directories, read back
//! with bosun and with `skopeo inspect`.

use std::path::Path;
use std::process::Command;

use bosun_oci::testing::{layer_tar, BuiltImage, ImageSpec, TestEntry, TestLayer};
use bosun_oci::{
    BlobPush, Compression, Credentials, Digest, Error, Image, OpenOptions, Reference,
    RegistryClient, RegistryOptions, Store,
};
use bosun_testkit::{start_registry, RegistryConfig};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn spec(tag: &str) -> ImageSpec {
    ImageSpec {
        layers: vec![
            TestLayer {
                tar: layer_tar(&[TestEntry::file("etc/os-release", b"ID=test\n")]),
                compression: Compression::Gzip,
                created_by: "base".into(),
            },
            TestLayer {
                tar: layer_tar(&[TestEntry::file("app/main", tag.as_bytes())]),
                compression: Compression::Zstd,
                created_by: "COPY main /app/".into(),
            },
        ],
        ..Default::default()
    }
}

fn isolated(dir: &Path) -> RegistryOptions {
    RegistryOptions {
        insecure: true,
        docker_config: Some(dir.join("no-such-config.json")),
        ..Default::default()
    }
}

/// Pushes every blob of `img` but the manifest; returns what each push did.
fn push_blobs(
    c: &RegistryClient,
    r: &Reference,
    img: &BuiltImage,
    from: Option<&str>,
) -> Vec<BlobPush> {
    img.blobs
        .iter()
        .filter(|(d, _)| *d != img.manifest_digest)
        .map(|(d, b)| {
            let (got, how) = c.push_blob_bytes(r, b, from).unwrap();
            assert_eq!(&got, d);
            how
        })
        .collect()
}

fn skopeo_digest(target: &str, extra: &[&str]) -> Option<String> {
    let skopeo = bosun_testkit::tool("skopeo")?;
    let out = Command::new(skopeo)
        .args(["inspect", "--raw"])
        .args(extra)
        .arg(target)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "skopeo inspect {target}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(Digest::sha256_of(&out.stdout).to_string())
}

#[test]
fn push_blobs_mount_manifests_tags_and_referrers_anonymous() {
    let Some(reg) = start_registry(&RegistryConfig::default()) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let opts = isolated(t.path());
    let r = Reference::parse(&format!("{}/bosun/app:1", reg.host())).unwrap();
    let c = RegistryClient::new(&r, &opts).unwrap();
    let img = spec("one").build();
    // config + 2 layers: uploaded, then already there.
    assert_eq!(push_blobs(&c, &r, &img, None), vec![BlobPush::Uploaded; 3]);
    assert_eq!(push_blobs(&c, &r, &img, None), vec![BlobPush::Existed; 3]);
    let pushed = c
        .push_manifest(&r, "1", &img.manifest, OCI_MANIFEST)
        .unwrap();
    assert_eq!(pushed.digest, img.manifest_digest);

    // Read back with bosun, and with skopeo.
    let image = Image::open(
        &format!("docker://{r}"),
        &OpenOptions {
            registry: opts.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(image.manifest_digest.as_ref(), Some(&img.manifest_digest));
    assert_eq!(image.layers.len(), 2);
    let summary = image.walk(&[], &Default::default()).unwrap();
    assert_eq!(summary.layers.len(), 2);
    let Some(sk) = skopeo_digest(&format!("docker://{r}"), &["--tls-verify=false"]) else {
        return;
    };
    assert_eq!(sk, img.manifest_digest.to_string());

    // Cross-repository mount into another repository, then a push by digest.
    let other = Reference::parse(&format!("{}/bosun/copy", reg.host())).unwrap();
    assert_eq!(
        push_blobs(&c, &other, &img, Some("bosun/app")),
        vec![BlobPush::Mounted; 3]
    );
    let d = img.manifest_digest.to_string();
    c.push_manifest(&other, &d, &img.manifest, OCI_MANIFEST)
        .unwrap();
    assert_eq!(
        c.resolve_digest(&Reference {
            digest: Some(img.manifest_digest.clone()),
            ..other.clone()
        })
        .unwrap(),
        img.manifest_digest
    );
    // A mount from a repository that lacks the blob falls back to an upload.
    let lone = spec("lone").build();
    let hows = push_blobs(&c, &other, &lone, Some("bosun/nothing-here"));
    assert_eq!(hows.len(), 3);
    assert_eq!(
        hows.iter().filter(|h| **h == BlobPush::Existed).count(),
        1,
        "{hows:?}"
    );
    assert_eq!(
        hows.iter().filter(|h| **h == BlobPush::Uploaded).count(),
        2,
        "the config and the `lone` layer are new, the base layer is shared: {hows:?}"
    );

    // A streamed upload; a blob whose bytes do not match its digest is refused.
    let big: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let bd = Digest::sha256_of(&big);
    let how = c
        .push_blob(&r, &bd, big.len() as u64, &mut big.as_slice(), None)
        .unwrap();
    assert_eq!(how, BlobPush::Uploaded);
    assert!(c.blob_exists(&r, &bd).unwrap());
    let e = c
        .push_blob(
            &r,
            &Digest::sha256_of(b"other"),
            5,
            &mut &b"hello"[..],
            None,
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Registry {
                status: Some(400),
                ..
            }
        ),
        "{e}"
    );

    // A manifest pushed by a wrong digest is refused before it is sent.
    let e = c
        .push_manifest(&other, &d, b"{}", OCI_MANIFEST)
        .unwrap_err();
    assert!(matches!(e, Error::DigestMismatch { .. }), "{e}");

    // Tags, with pagination (pages of 2).
    for tag in ["2", "3", "4", "5"] {
        c.push_manifest(&r, tag, &img.manifest, OCI_MANIFEST)
            .unwrap();
    }
    let mut tags = c.list_tags(&r, Some(2)).unwrap();
    tags.sort();
    assert_eq!(tags, ["1", "2", "3", "4", "5"]);
    assert_eq!(c.list_tags(&other, None).unwrap(), Vec::<String>::new());
    let unknown = Reference::parse(&format!("{}/bosun/never", reg.host())).unwrap();
    assert_eq!(c.list_tags(&unknown, None).unwrap(), Vec::<String>::new());

    // Referrers: distribution 2.8 has no referrers API, so the tag schema is used.
    let store = Store::open(&format!("docker://{r}"), &opts).unwrap().0;
    let none = store.referrers(&img.manifest_digest, None).unwrap();
    assert!(none.manifests.is_empty());
    let subject = serde_json::json!({
        "mediaType": OCI_MANIFEST, "digest": img.manifest_digest.to_string(), "size": img.manifest.len()
    });
    let mut pushed = vec![];
    for (i, at) in ["application/spdx+json", "application/vnd.cyclonedx+json"]
        .iter()
        .enumerate()
    {
        let layer = store.push_blob(format!("sbom {i}").as_bytes(), at).unwrap();
        let cfg = store
            .push_blob(b"{}", "application/vnd.oci.empty.v1+json")
            .unwrap();
        let m = serde_json::json!({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": at,
            "config": cfg, "layers": [layer], "subject": subject,
            "annotations": {"n": i.to_string()}
        });
        let bytes = serde_json::to_vec(&m).unwrap();
        pushed.push(store.push_referrer(&bytes, OCI_MANIFEST).unwrap());
    }
    let all = store.referrers(&img.manifest_digest, None).unwrap();
    assert!(!all.via_api);
    assert_eq!(
        all.manifests
            .iter()
            .map(|m| m.descriptor.digest.clone())
            .collect::<Vec<_>>(),
        pushed
    );
    let spdx = store
        .referrers(&img.manifest_digest, Some("application/spdx+json"))
        .unwrap();
    assert_eq!(spdx.manifests.len(), 1);
    assert_eq!(spdx.manifests[0].descriptor.digest, pushed[0]);
    assert_eq!(spdx.manifests[0].descriptor.annotations["n"], "0");
    // The fallback index is an ordinary tag a plain client can read.
    let tag = bosun_oci::referrers_tag(&img.manifest_digest);
    let (bytes, _, _) = store.fetch_manifest(&tag).unwrap().unwrap();
    let idx: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(idx["manifests"].as_array().unwrap().len(), 2);
    assert_eq!(
        idx["manifests"][1]["artifactType"],
        "application/vnd.cyclonedx+json"
    );
}

#[test]
fn push_over_tls_with_basic_auth() {
    let Some(reg) = start_registry(&RegistryConfig {
        htpasswd: Some(("bosun".into(), "s3cret".into())),
        tls: true,
    }) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let opts = RegistryOptions {
        insecure: false,
        ca_file: reg.ca_file(),
        credentials: Some(Credentials {
            username: "bosun".into(),
            password: "s3cret".into(),
        }),
        ..isolated(t.path())
    };
    let r = Reference::parse(&format!("{}/secure/app:v1", reg.host())).unwrap();
    let c = RegistryClient::new(&r, &opts).unwrap();
    let img = spec("tls").build();
    assert_eq!(push_blobs(&c, &r, &img, None), vec![BlobPush::Uploaded; 3]);
    c.push_manifest(&r, "v1", &img.manifest, OCI_MANIFEST)
        .unwrap();
    let image = Image::open(
        &format!("docker://{r}"),
        &OpenOptions {
            registry: opts.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(image.manifest_digest.as_ref(), Some(&img.manifest_digest));
    let Some(sk) = skopeo_digest(
        &format!("docker://{r}"),
        &["--tls-verify=false", "--creds", "bosun:s3cret"],
    ) else {
        return;
    };
    assert_eq!(sk, img.manifest_digest.to_string());

    // A wrong password: a clear authentication error, nothing pushed.
    let wrong = RegistryOptions {
        credentials: Some(Credentials {
            username: "bosun".into(),
            password: "nope".into(),
        }),
        ..opts.clone()
    };
    let c2 = RegistryClient::new(&r, &wrong).unwrap();
    let e = c2.push_blob_bytes(&r, b"never stored", None).unwrap_err();
    assert!(matches!(e, Error::Unauthorized { .. }), "{e}");
    assert!(!e.to_string().contains('\n'), "one line: {e}");
    // Without the CA, TLS verification refuses the server.
    let untrusted = RegistryOptions {
        ca_file: None,
        ..opts
    };
    let c3 = RegistryClient::new(&r, &untrusted).unwrap();
    let e = c3.push_blob_bytes(&r, b"x", None).unwrap_err();
    assert!(matches!(e, Error::Registry { .. }), "{e}");
}

#[test]
fn push_image_into_an_oci_layout() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("layout");
    let img = spec("layout").build();
    let (store, at) =
        Store::open(&format!("oci:{}:v1", dir.display()), &isolated(t.path())).unwrap();
    assert_eq!(at, "v1");
    for (d, b) in img.blobs.iter().filter(|(d, _)| *d != img.manifest_digest) {
        assert_eq!(
            &store
                .push_blob(b, "application/octet-stream")
                .unwrap()
                .digest,
            d
        );
    }
    let d = store
        .push_manifest(&img.manifest, OCI_MANIFEST, Some("v1"))
        .unwrap();
    assert_eq!(d, img.manifest_digest);
    // Re-pointing the tag replaces the entry instead of adding one.
    store
        .push_manifest(&img.manifest, OCI_MANIFEST, Some("v1"))
        .unwrap();
    assert_eq!(store.tags().unwrap(), ["v1"]);
    let image = Image::open(
        &format!("oci:{}:v1", dir.display()),
        &OpenOptions::default(),
    )
    .unwrap();
    assert_eq!(image.manifest_digest.as_ref(), Some(&img.manifest_digest));
    image.walk(&[], &Default::default()).unwrap();
    assert_eq!(store.resolve("v1").unwrap(), img.manifest_digest);
    let Some(sk) = skopeo_digest(&format!("oci:{}:v1", dir.display()), &[]) else {
        return;
    };
    assert_eq!(sk, img.manifest_digest.to_string());
}

/// An arbitrary artifact (config media type + one layer) goes to a registry and to a
/// layout and comes back byte for byte.
#[test]
fn artifact_round_trip() {
    let Some(reg) = start_registry(&RegistryConfig::default()) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let opts = isolated(t.path());
    let payload: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    for target in [
        format!("docker://{}/bosun/db:1", reg.host()),
        format!("oci:{}:1", t.path().join("db").display()),
    ] {
        let (store, tag) = Store::open(&target, &opts).unwrap();
        let config = store
            .push_blob(b"{\"schema\":1}", "application/vnd.bosun.db.config.v1+json")
            .unwrap();
        let layer = store
            .push_blob(&payload, "application/vnd.bosun.db.layer.v1+zstd")
            .unwrap();
        let manifest = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": config, "layers": [layer]
        }))
        .unwrap();
        let d = store
            .push_manifest(&manifest, OCI_MANIFEST, Some(&tag))
            .unwrap();
        let (store, tag) = Store::open(&target, &opts).unwrap();
        let (bytes, _, got) = store.fetch_manifest(&tag).unwrap().unwrap();
        assert_eq!(
            (got, bytes.as_slice()),
            (d, manifest.as_slice()),
            "{target}"
        );
        let m: bosun_oci::Manifest = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            m.config.media_type,
            "application/vnd.bosun.db.config.v1+json"
        );
        assert_eq!(
            store.fetch_blob(&m.layers[0], 1 << 20).unwrap(),
            payload,
            "{target}"
        );
    }
}
