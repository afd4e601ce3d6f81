//! Sigstore bundles (v0.1, v0.2, v0.3 JSON), the format cosign v3 stores as
//! an OCI 1.1 referrer of the image. Both contents are read: a DSSE envelope
//! (cosign v3 image signatures and attestations) and a message signature.
//!
//! Verification here is key-based only: the transparency-log entries,
//! certificates and timestamps a bundle may carry are recorded but not
//! checked (offline verification with explicit keys, no Rekor, no Fulcio).

use serde::{Deserialize, Serialize};

use crate::b64;
use crate::dsse::{self, Envelope};
use crate::error::{FormatError, VerifyError};
use crate::keys::PublicKey;
use crate::layout::{self, VerifiedAttestation};

const WHAT: &str = "sigstore bundle";

/// Media types cosign accepts for a bundle.
pub const MEDIA_TYPES: &[&str] = &[
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    layout::BUNDLE_MEDIA_TYPE_V03,
];

/// What the bundle signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A signature over an artifact known by its digest.
    MessageSignature {
        /// e.g. `SHA2_256`.
        digest_algorithm: String,
        digest: Vec<u8>,
        signature: Vec<u8>,
    },
    Dsse(Envelope),
}

/// A parsed bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub media_type: String,
    /// `verificationMaterial.publicKey.hint` (base64 SHA-256 of the key's
    /// PKIX DER in cosign's key-based bundles); a hint, not trusted.
    pub public_key_hint: Option<String>,
    /// The bundle carries a certificate (keyless signing).
    pub has_certificate: bool,
    pub tlog_entries: usize,
    pub content: Content,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    media_type: String,
    #[serde(default)]
    verification_material: Option<WireMaterial>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message_signature: Option<WireMessageSignature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dsse_envelope: Option<dsse::WireEnvelope>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct WireMaterial {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public_key: Option<WireHint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    certificate: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x509_certificate_chain: Option<serde_json::Value>,
    #[serde(default)]
    tlog_entries: Vec<serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
struct WireHint {
    #[serde(default)]
    hint: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireMessageSignature {
    #[serde(default)]
    message_digest: Option<WireDigest>,
    signature: String,
}

#[derive(Serialize, Deserialize)]
struct WireDigest {
    algorithm: String,
    digest: String,
}

/// Parses a bundle's JSON.
pub fn parse(bytes: &[u8]) -> Result<Bundle, FormatError> {
    let wire: Wire = serde_json::from_slice(bytes).map_err(|e| FormatError::new(WHAT, e))?;
    if !MEDIA_TYPES.contains(&wire.media_type.as_str()) {
        return Err(FormatError::new(
            WHAT,
            format!(
                "unsupported media type \"{}\"",
                crate::sanitize::short(&wire.media_type)
            ),
        ));
    }
    let material = wire.verification_material.unwrap_or_default();
    let content = match (wire.message_signature, wire.dsse_envelope) {
        (Some(_), Some(_)) => {
            return Err(FormatError::new(
                WHAT,
                "both messageSignature and dsseEnvelope are set",
            ));
        }
        (None, None) => {
            return Err(FormatError::new(
                WHAT,
                "neither messageSignature nor dsseEnvelope is set",
            ))
        }
        (Some(m), None) => {
            let digest = m
                .message_digest
                .ok_or_else(|| FormatError::new(WHAT, "messageSignature has no messageDigest"))?;
            Content::MessageSignature {
                digest_algorithm: digest.algorithm,
                digest: b64::decode(&digest.digest)
                    .map_err(|e| FormatError::new(WHAT, format!("messageDigest: {e}")))?,
                signature: b64::decode(&m.signature)
                    .map_err(|e| FormatError::new(WHAT, format!("signature: {e}")))?,
            }
        }
        (None, Some(d)) => Content::Dsse(Envelope::from_wire(d)?),
    };
    Ok(Bundle {
        media_type: wire.media_type,
        public_key_hint: material
            .public_key
            .map(|h| h.hint)
            .filter(|h| !h.is_empty()),
        has_certificate: material.certificate.is_some()
            || material.x509_certificate_chain.is_some(),
        tlog_entries: material.tlog_entries.len(),
        content,
    })
}

/// What a bundle verified to.
#[derive(Debug, Clone, PartialEq)]
pub enum Verified {
    /// A message signature over the artifact with this SHA-256 digest.
    MessageSignature { sha256: Vec<u8>, key: usize },
    /// A DSSE statement whose subject is the image.
    Statement(VerifiedAttestation),
}

impl Bundle {
    /// Verifies the bundle with `keys` (any one suffices) for the image
    /// `manifest_digest` (`sha256:<hex>`): a DSSE statement must name the
    /// image as its subject; a message signature must be over the image's
    /// digest.
    pub fn verify(
        &self,
        keys: &[PublicKey],
        manifest_digest: &str,
    ) -> Result<Verified, VerifyError> {
        match &self.content {
            Content::Dsse(env) => layout::verify_statement_envelope(env, keys, manifest_digest)
                .map(Verified::Statement),
            Content::MessageSignature {
                digest_algorithm,
                digest,
                signature,
            } => {
                if digest_algorithm != "SHA2_256" {
                    return Err(VerifyError::Payload(format!(
                        "message digest algorithm {} is not supported (SHA2_256 is)",
                        crate::sanitize::short(digest_algorithm)
                    )));
                }
                let hex = crate::keys::hex(digest);
                let expected = manifest_digest
                    .strip_prefix("sha256:")
                    .unwrap_or(manifest_digest);
                if hex != expected {
                    return Err(VerifyError::DigestMismatch {
                        signed: format!("sha256:{hex}"),
                        expected: manifest_digest.to_string(),
                    });
                }
                let key = keys
                    .iter()
                    .position(|k| k.verify_sha256_prehash(digest, signature).is_ok())
                    .ok_or(VerifyError::NoMatchingKey(keys.len()))?;
                Ok(Verified::MessageSignature {
                    sha256: digest.clone(),
                    key,
                })
            }
        }
    }
}

/// A v0.3 bundle around a DSSE envelope signed with `public_key` (cosign's
/// key-based shape: `verificationMaterial.publicKey.hint`, no tlog entries).
pub fn dsse_bundle_json(envelope: &Envelope, public_key: &PublicKey) -> Vec<u8> {
    let wire = Wire {
        media_type: layout::BUNDLE_MEDIA_TYPE_V03.into(),
        verification_material: Some(WireMaterial {
            public_key: Some(WireHint {
                hint: public_key.bundle_hint(),
            }),
            ..WireMaterial::default()
        }),
        message_signature: None,
        dsse_envelope: Some(envelope.to_wire()),
    };
    crate::gojson::to_vec(&wire)
}
