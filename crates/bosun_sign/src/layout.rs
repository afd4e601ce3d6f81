//! cosign's registry layout, as data (no registry IO here): the tags of the
//! signature and attestation manifests, the layer media types and the layer
//! descriptor annotations, and the checks a verifier runs on one layer.
//!
//! Legacy layout: the manifest tagged `sha256-<hex>.sig` has one layer per
//! signature; each layer's blob is a simple-signing payload, media type
//! [`SIMPLE_SIGNING_MEDIA_TYPE`], and its descriptor carries the base64
//! signature under [`SIGNATURE_ANNOTATION`]. Attestations live under
//! `sha256-<hex>.att`, one DSSE envelope per layer ([`DSSE_MEDIA_TYPE`]),
//! with an empty signature annotation and a [`PREDICATE_TYPE_ANNOTATION`].

use std::collections::BTreeMap;

use crate::b64;
use crate::dsse::{self, Envelope};
use crate::error::{FormatError, VerifyError};
use crate::intoto::{self, Statement};
use crate::keys::{PublicKey, SigningKey};
use crate::simple_signing::{self, Payload};

pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
pub const DSSE_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
pub const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";
pub const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";
pub const RFC3161_ANNOTATION: &str = "dev.sigstore.cosign/rfc3161timestamp";
pub const PREDICATE_TYPE_ANNOTATION: &str = "predicateType";

/// Sigstore bundle v0.3 media type: the referrer manifest's `artifactType`
/// and its single layer's media type.
pub const BUNDLE_MEDIA_TYPE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// Referrer manifest annotation: `dsse-envelope` or `message-signature`.
pub const BUNDLE_CONTENT_ANNOTATION: &str = "dev.sigstore.bundle.content";
pub const BUNDLE_PREDICATE_TYPE_ANNOTATION: &str = "dev.sigstore.bundle.predicateType";
pub const CREATED_ANNOTATION: &str = "org.opencontainers.image.created";
/// The empty config of OCI 1.1 artifacts (`{}`, 2 bytes).
pub const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";

const SIG_SUFFIX: &str = "sig";
const ATT_SUFFIX: &str = "att";

/// `sha256:<hex>` -> `sha256-<hex>.sig`.
pub fn signature_tag(manifest_digest: &str) -> Result<String, FormatError> {
    suffix_tag(manifest_digest, SIG_SUFFIX)
}

/// `sha256:<hex>` -> `sha256-<hex>.att`.
pub fn attestation_tag(manifest_digest: &str) -> Result<String, FormatError> {
    suffix_tag(manifest_digest, ATT_SUFFIX)
}

fn suffix_tag(digest: &str, suffix: &str) -> Result<String, FormatError> {
    check_digest_form(digest)?;
    Ok(format!("{}.{suffix}", digest.replacen(':', "-", 1)))
}

/// A manifest digest must be `sha256:` and 64 lower-case hex digits.
pub fn check_digest_form(digest: &str) -> Result<(), FormatError> {
    let ok = digest.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if ok {
        Ok(())
    } else {
        Err(FormatError::new(
            "image digest",
            format!(
                "\"{}\" is not sha256:<64 hex digits>",
                crate::sanitize::short(digest)
            ),
        ))
    }
}

/// One layer of a signature or attestation manifest: its blob, media type
/// and descriptor annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub media_type: String,
    pub blob: Vec<u8>,
    pub annotations: BTreeMap<String, String>,
}

/// The `.sig` layer for `manifest_digest`: a simple-signing payload signed by `key`.
pub fn signature_layer(
    key: &SigningKey,
    docker_reference: &str,
    manifest_digest: &str,
    annotations: &BTreeMap<String, String>,
) -> Layer {
    let blob = simple_signing::payload(docker_reference, manifest_digest, annotations);
    let signature = key.sign(&blob);
    Layer {
        media_type: SIMPLE_SIGNING_MEDIA_TYPE.into(),
        blob,
        annotations: BTreeMap::from([(SIGNATURE_ANNOTATION.to_string(), b64::encode(&signature))]),
    }
}

/// The `.att` layer: an in-toto Statement v1 about `manifest_digest` in a
/// DSSE envelope signed by `key`.
pub fn attestation_layer(
    key: &SigningKey,
    subject_name: &str,
    manifest_digest: &str,
    predicate_type: &str,
    predicate: serde_json::Value,
) -> Result<Layer, FormatError> {
    check_digest_form(manifest_digest)?;
    let hex = &manifest_digest["sha256:".len()..];
    let statement = intoto::statement(subject_name, hex, predicate_type, predicate);
    let body = crate::gojson::to_vec(&statement);
    let envelope = dsse::sign(key, dsse::INTOTO_PAYLOAD_TYPE, &body);
    Ok(Layer {
        media_type: DSSE_MEDIA_TYPE.into(),
        blob: envelope.to_json(),
        annotations: BTreeMap::from([
            (SIGNATURE_ANNOTATION.to_string(), String::new()),
            (
                PREDICATE_TYPE_ANNOTATION.to_string(),
                predicate_type.to_string(),
            ),
        ]),
    })
}

/// A `.sig` layer that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    pub payload: Payload,
    /// Index into the keys given of the key that verified.
    pub key: usize,
}

/// Verifies one `.sig` layer against `keys` (any one suffices) and checks
/// that its payload names `manifest_digest`. `blob` must be the layer blob
/// whose digest the caller has checked against the descriptor.
pub fn verify_signature_layer(
    media_type: &str,
    annotations: &BTreeMap<String, String>,
    blob: &[u8],
    keys: &[PublicKey],
    manifest_digest: &str,
) -> Result<VerifiedSignature, VerifyError> {
    if media_type != SIMPLE_SIGNING_MEDIA_TYPE {
        return Err(VerifyError::Payload(format!(
            "layer media type is {}, not {SIMPLE_SIGNING_MEDIA_TYPE}",
            crate::sanitize::short(media_type)
        )));
    }
    let encoded = annotations
        .get(SIGNATURE_ANNOTATION)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            VerifyError::MalformedSignature(format!(
                "the layer has no {SIGNATURE_ANNOTATION} annotation"
            ))
        })?;
    let signature = b64::decode(encoded).map_err(|_| {
        VerifyError::MalformedSignature(format!("{SIGNATURE_ANNOTATION} is not base64"))
    })?;
    let key = keys
        .iter()
        .position(|k| k.verify(blob, &signature).is_ok())
        .ok_or(VerifyError::NoMatchingKey(keys.len()))?;
    let payload = simple_signing::check_digest(blob, manifest_digest)?;
    Ok(VerifiedSignature { payload, key })
}

/// A `.att` layer (or bundle DSSE) that verified.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedAttestation {
    pub statement: Statement,
    /// The exact statement bytes that were verified.
    pub payload: Vec<u8>,
    /// Indexes into the keys given of the keys that verified.
    pub keys: Vec<usize>,
}

/// Verifies one `.att` layer blob (a DSSE envelope) against `keys` and checks
/// that the statement's subject is `manifest_digest`.
pub fn verify_attestation_layer(
    media_type: &str,
    blob: &[u8],
    keys: &[PublicKey],
    manifest_digest: &str,
) -> Result<VerifiedAttestation, VerifyError> {
    if media_type != DSSE_MEDIA_TYPE {
        return Err(VerifyError::Payload(format!(
            "layer media type is {}, not {DSSE_MEDIA_TYPE}",
            crate::sanitize::short(media_type)
        )));
    }
    let envelope = Envelope::from_json(blob).map_err(|e| VerifyError::Payload(e.to_string()))?;
    verify_statement_envelope(&envelope, keys, manifest_digest)
}

pub(crate) fn verify_statement_envelope(
    envelope: &Envelope,
    keys: &[PublicKey],
    manifest_digest: &str,
) -> Result<VerifiedAttestation, VerifyError> {
    if envelope.payload_type != dsse::INTOTO_PAYLOAD_TYPE {
        return Err(VerifyError::Payload(format!(
            "DSSE payload type is {}, not {}",
            crate::sanitize::short(&envelope.payload_type),
            dsse::INTOTO_PAYLOAD_TYPE
        )));
    }
    let verified = dsse::verify_detailed(envelope, keys)?;
    let statement = intoto::check_subject(&verified.payload, manifest_digest)?;
    Ok(VerifiedAttestation {
        statement,
        payload: verified.payload,
        keys: verified.keys,
    })
}
