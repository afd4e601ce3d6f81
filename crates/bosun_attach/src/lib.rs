//! Where cosign-compatible signatures and attestations attach to an image, as data in and
//! data out (no IO; the `bosun` commands fetch and push through `bosun_oci::Store`).
//!
//! Two layouts are known:
//! - **Tag layout** (cosign ≤ 2, and cosign 3 with `--new-bundle-format=false`): one OCI
//!   image manifest per signed digest, tagged `sha256-<hex>.sig` (signatures) or
//!   `sha256-<hex>.att` (attestations), each layer one signature. A signature layer is a
//!   simple-signing payload (`application/vnd.dev.cosign.simplesigning.v1+json`) whose
//!   base64 signature is the `dev.cosignproject.cosign/signature` annotation; an
//!   attestation layer is a DSSE envelope (`application/vnd.dsse.envelope.v1+json`) with
//!   an empty signature annotation and a `predicateType` annotation.
//! - **Bundle referrers** (cosign 3's default): an OCI 1.1 referrer of the image whose
//!   one layer is a sigstore bundle (`application/vnd.dev.sigstore.bundle.v0.3+json`).
//!
//! Invariants: adding a signature appends a layer to the existing manifest and keeps every
//! layer it had (an identical layer is not added twice); the layer list read back is the
//! stored one, in order; nothing here trusts an `artifactType` alone: bundle layers are
//! picked by their own media type.

use std::collections::BTreeMap;

use bosun_oci::{Descriptor, Digest, Manifest};
use bosun_sign::layout::{self as cosign, Layer};

/// Media types used here; cosign's own constants live in [`bosun_sign::layout`].
pub mod media {
    pub use bosun_oci::spec::media::{OCI_CONFIG, OCI_MANIFEST};
    pub use bosun_sign::layout::{
        BUNDLE_MEDIA_TYPE_V03, DSSE_MEDIA_TYPE, EMPTY_MEDIA_TYPE, SIMPLE_SIGNING_MEDIA_TYPE,
    };
}

/// A signature manifest that cannot be read.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("corrupt {what}: {reason}")]
pub struct CorruptError {
    /// Which document (e.g. `signature manifest sha256-….sig`).
    pub what: String,
    /// What is wrong, one line.
    pub reason: String,
}

/// Signatures or attestations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `.sig`: simple-signing payloads.
    Signature,
    /// `.att`: DSSE envelopes of in-toto statements.
    Attestation,
}

impl Kind {
    /// The tag suffix.
    pub fn suffix(self) -> &'static str {
        match self {
            Kind::Signature => "sig",
            Kind::Attestation => "att",
        }
    }

    /// What one of these is called in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Signature => "signature",
            Kind::Attestation => "attestation",
        }
    }

    /// The media type of this kind's layers.
    pub fn layer_media_type(self) -> &'static str {
        match self {
            Kind::Signature => media::SIMPLE_SIGNING_MEDIA_TYPE,
            Kind::Attestation => media::DSSE_MEDIA_TYPE,
        }
    }
}

/// The tag holding the `kind` manifest of `digest`: `sha256-<hex>.sig` / `.att`.
pub fn tag(kind: Kind, digest: &Digest) -> String {
    format!(
        "{}-{}.{}",
        digest.algorithm_name(),
        digest.encoded(),
        kind.suffix()
    )
}

fn descriptor(media_type: &str, blob: &[u8], annotations: BTreeMap<String, String>) -> Descriptor {
    Descriptor {
        media_type: media_type.to_string(),
        digest: Digest::sha256_of(blob),
        size: blob.len() as u64,
        urls: vec![],
        annotations,
        platform: None,
    }
}

/// The descriptor of a `.sig`/`.att` layer built by [`bosun_sign::layout`].
pub fn layer_descriptor(layer: &Layer) -> Descriptor {
    descriptor(&layer.media_type, &layer.blob, layer.annotations.clone())
}

/// A `.sig`/`.att` manifest to push: the manifest bytes and its config blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attached {
    /// The manifest (OCI image manifest), to push under [`tag`].
    pub manifest: Vec<u8>,
    /// The config blob it names, to push first.
    pub config: Vec<u8>,
    /// The config's descriptor.
    pub config_descriptor: Descriptor,
    /// False when the layer was already there (nothing new to push).
    pub added: bool,
    /// How many layers the manifest holds.
    pub layers: usize,
}

/// The image config cosign (go-containerregistry) writes for a signature manifest: the
/// layers are uncompressed, so their digests are the diff IDs. Verifiers ignore it.
fn config_for(layers: &[Descriptor]) -> Vec<u8> {
    let zero = "0001-01-01T00:00:00Z";
    let v = serde_json::json!({
        "architecture": "",
        "created": zero,
        "history": layers.iter().map(|_| serde_json::json!({"created": zero})).collect::<Vec<_>>(),
        "os": "",
        "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|l| l.digest.to_string()).collect::<Vec<_>>()},
        "config": {}
    });
    serde_json::to_vec(&v).unwrap_or_default()
}

/// Parses a `.sig`/`.att` manifest.
pub fn parse_manifest(bytes: &[u8], what: &str) -> Result<Manifest, CorruptError> {
    let corrupt = |reason: String| CorruptError {
        what: what.to_string(),
        reason,
    };
    let m: Manifest = serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    if m.schema_version != 2 {
        return Err(corrupt(format!(
            "schemaVersion {} (expected 2)",
            m.schema_version
        )));
    }
    Ok(m)
}

/// Adds `layer` to the `.sig`/`.att` manifest `existing` (or starts one): every layer
/// already there is kept, in order; an identical layer (same digest and annotations) is
/// not added twice.
pub fn append(
    existing: Option<&[u8]>,
    layer: Descriptor,
    what: &str,
) -> Result<Attached, CorruptError> {
    let mut layers = match existing {
        Some(b) => parse_manifest(b, what)?.layers,
        None => vec![],
    };
    let added = !layers
        .iter()
        .any(|l| l.digest == layer.digest && l.annotations == layer.annotations);
    if added {
        layers.push(layer);
    }
    let config = config_for(&layers);
    let config_descriptor = descriptor(media::OCI_CONFIG, &config, BTreeMap::new());
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": media::OCI_MANIFEST,
        "config": config_descriptor,
        "layers": layers,
    });
    Ok(Attached {
        manifest: serde_json::to_vec(&manifest).unwrap_or_default(),
        config,
        config_descriptor,
        added,
        layers: layers.len(),
    })
}

/// The layers of `kind` in a `.sig`/`.att` manifest (layers of other media types are
/// skipped), in stored order.
pub fn layers(bytes: &[u8], kind: Kind, what: &str) -> Result<Vec<Descriptor>, CorruptError> {
    Ok(parse_manifest(bytes, what)?
        .layers
        .into_iter()
        .filter(|l| l.media_type == kind.layer_media_type())
        .collect())
}

/// True for a sigstore bundle media type (any version cosign accepts).
pub fn is_bundle_media_type(mt: &str) -> bool {
    bosun_sign::bundle::MEDIA_TYPES.contains(&mt)
}

/// The bundle layers of a referrer manifest (picked by their own media type).
pub fn bundle_layers(bytes: &[u8], what: &str) -> Result<Vec<Descriptor>, CorruptError> {
    Ok(parse_manifest(bytes, what)?
        .layers
        .into_iter()
        .filter(|l| is_bundle_media_type(&l.media_type))
        .collect())
}

/// The referrer manifest cosign 3 writes for a bundle: empty config, one bundle layer,
/// `subject` = the image. Returns the manifest bytes and the empty config blob (`{}`).
pub fn bundle_referrer(
    subject: &Descriptor,
    bundle: &[u8],
    predicate_type: &str,
) -> (Vec<u8>, Vec<u8>) {
    let empty = b"{}".to_vec();
    let config = descriptor(media::EMPTY_MEDIA_TYPE, &empty, BTreeMap::new());
    let layer = descriptor(media::BUNDLE_MEDIA_TYPE_V03, bundle, BTreeMap::new());
    let subject = Descriptor {
        annotations: BTreeMap::new(),
        platform: None,
        urls: vec![],
        ..subject.clone()
    };
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": media::OCI_MANIFEST,
        "artifactType": media::BUNDLE_MEDIA_TYPE_V03,
        "config": config,
        "layers": [layer],
        "subject": subject,
        "annotations": {
            cosign::BUNDLE_CONTENT_ANNOTATION: "dsse-envelope",
            cosign::BUNDLE_PREDICATE_TYPE_ANNOTATION: predicate_type,
        }
    });
    (serde_json::to_vec(&manifest).unwrap_or_default(), empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_append_keep_existing_layers() {
        let d = Digest::sha256_of(b"image");
        assert_eq!(
            tag(Kind::Signature, &d),
            format!("sha256-{}.sig", d.encoded())
        );
        assert_eq!(
            tag(Kind::Attestation, &d),
            format!("sha256-{}.att", d.encoded())
        );
        let sig = |payload: &[u8], s: &str| {
            layer_descriptor(&Layer {
                media_type: media::SIMPLE_SIGNING_MEDIA_TYPE.into(),
                blob: payload.to_vec(),
                annotations: BTreeMap::from([(
                    cosign::SIGNATURE_ANNOTATION.to_string(),
                    s.to_string(),
                )]),
            })
        };
        let a = append(None, sig(b"p1", "c2lnMQ=="), "m").unwrap();
        assert!(a.added);
        let b = append(Some(&a.manifest), sig(b"p2", "c2lnMg=="), "m").unwrap();
        assert_eq!((b.added, b.layers), (true, 2));
        // The same layer again: nothing new.
        let c = append(Some(&b.manifest), sig(b"p2", "c2lnMg=="), "m").unwrap();
        assert_eq!((c.added, c.layers), (false, 2));
        let ls = layers(&c.manifest, Kind::Signature, "m").unwrap();
        assert_eq!(
            ls.iter()
                .map(|l| l.annotations[cosign::SIGNATURE_ANNOTATION].as_str())
                .collect::<Vec<_>>(),
            ["c2lnMQ==", "c2lnMg=="]
        );
        assert_eq!(ls[0].digest, Digest::sha256_of(b"p1"));
        // The config lists the layers as diff IDs.
        let cfg: serde_json::Value = serde_json::from_slice(&c.config).unwrap();
        assert_eq!(cfg["rootfs"]["diff_ids"].as_array().unwrap().len(), 2);
        assert_eq!(c.config_descriptor.digest, Digest::sha256_of(&c.config));
        // Attestation layers are not signature layers.
        assert!(layers(&c.manifest, Kind::Attestation, "m")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn corrupt_manifests_are_one_line_errors() {
        for bad in [
            &b"{not json"[..],
            b"{\"schemaVersion\":1,\"config\":{}}",
            b"[]",
        ] {
            let e = append(
                Some(bad),
                descriptor("x", b"p", BTreeMap::new()),
                "signature manifest t",
            )
            .unwrap_err();
            assert!(!e.to_string().contains('\n'), "{e}");
            assert!(e.to_string().starts_with("corrupt signature manifest t: "));
        }
    }

    #[test]
    fn bundle_referrer_shape() {
        let subject = Descriptor {
            media_type: media::OCI_MANIFEST.into(),
            digest: Digest::sha256_of(b"img"),
            size: 3,
            urls: vec![],
            annotations: BTreeMap::new(),
            platform: None,
        };
        let (m, cfg) = bundle_referrer(&subject, b"{\"bundle\":1}", "https://x/y");
        assert_eq!(cfg, b"{}");
        let v: serde_json::Value = serde_json::from_slice(&m).unwrap();
        assert_eq!(v["artifactType"], media::BUNDLE_MEDIA_TYPE_V03);
        assert_eq!(v["subject"]["digest"], subject.digest.to_string());
        assert_eq!(v["config"]["digest"], Digest::sha256_of(b"{}").to_string());
        let ls = bundle_layers(&m, "r").unwrap();
        assert_eq!(ls.len(), 1);
        assert_eq!(ls[0].digest, Digest::sha256_of(b"{\"bundle\":1}"));
    }
}
