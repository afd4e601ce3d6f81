//! The simple-signing payload that a cosign `.sig` layer signs:
//!
//! ```json
//! {"critical":{"identity":{"docker-reference":"REPO"},"image":{"docker-manifest-digest":"sha256:…"},"type":"cosign container image signature"},"optional":null}
//! ```
//!
//! [`payload`] writes the exact bytes cosign writes (Go field order, no
//! whitespace, `"optional":null` without annotations). [`parse`] reads any
//! payload cosign would accept; verification always runs over the stored
//! bytes, never over a re-serialization.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{FormatError, VerifyError};

/// `critical.type`; cosign rejects any other value.
pub const TYPE: &str = "cosign container image signature";

/// The parsed payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// `critical.identity.docker-reference` (informational: cosign ignores it).
    pub docker_reference: String,
    /// `critical.image.docker-manifest-digest`, e.g. `sha256:…`.
    pub manifest_digest: String,
    /// `optional`: the `-a key=value` annotations (any JSON values).
    pub annotations: BTreeMap<String, serde_json::Value>,
}

impl Payload {
    /// True when every `wanted` annotation is present with that string value
    /// (cosign's `verify -a k=v`).
    pub fn has_annotations(&self, wanted: &BTreeMap<String, String>) -> bool {
        wanted.iter().all(|(k, v)| {
            self.annotations
                .get(k)
                .is_some_and(|have| have.as_str() == Some(v.as_str()))
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Wire<'a> {
    #[serde(borrow)]
    critical: Critical<'a>,
    optional: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Serialize, Deserialize)]
struct Critical<'a> {
    #[serde(borrow)]
    identity: Identity<'a>,
    #[serde(borrow)]
    image: Image<'a>,
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
}

#[derive(Serialize, Deserialize)]
struct Identity<'a> {
    #[serde(rename = "docker-reference", borrow)]
    docker_reference: std::borrow::Cow<'a, str>,
}

#[derive(Serialize, Deserialize)]
struct Image<'a> {
    #[serde(rename = "docker-manifest-digest", borrow)]
    docker_manifest_digest: std::borrow::Cow<'a, str>,
}

/// The payload bytes cosign signs for `docker_reference` (the repository,
/// without tag or digest) at `manifest_digest` (`sha256:<hex>`).
pub fn payload(
    docker_reference: &str,
    manifest_digest: &str,
    annotations: &BTreeMap<String, String>,
) -> Vec<u8> {
    let optional = (!annotations.is_empty()).then(|| {
        annotations
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect()
    });
    let wire = Wire {
        critical: Critical {
            identity: Identity {
                docker_reference: docker_reference.into(),
            },
            image: Image {
                docker_manifest_digest: manifest_digest.into(),
            },
            kind: TYPE.into(),
        },
        optional,
    };
    crate::gojson::to_vec(&wire)
}

/// Parses a payload; `critical.type` must be cosign's.
pub fn parse(bytes: &[u8]) -> Result<Payload, FormatError> {
    const WHAT: &str = "simple-signing payload";
    let wire: Wire = serde_json::from_slice(bytes).map_err(|e| FormatError::new(WHAT, e))?;
    if wire.critical.kind != TYPE {
        return Err(FormatError::new(
            WHAT,
            format!(
                "critical.type is \"{}\", not \"{TYPE}\"",
                crate::sanitize::short(&wire.critical.kind)
            ),
        ));
    }
    Ok(Payload {
        docker_reference: wire.critical.identity.docker_reference.into_owned(),
        manifest_digest: wire.critical.image.docker_manifest_digest.into_owned(),
        annotations: wire.optional.unwrap_or_default(),
    })
}

/// Parses `bytes` and checks that it names `expected_digest` (cosign's
/// `SimpleClaimVerifier`). Run this only on bytes whose signature verified.
pub fn check_digest(bytes: &[u8], expected_digest: &str) -> Result<Payload, VerifyError> {
    let payload = parse(bytes).map_err(|e| VerifyError::Payload(e.detail))?;
    if payload.manifest_digest != expected_digest {
        return Err(VerifyError::DigestMismatch {
            signed: crate::sanitize::short(&payload.manifest_digest),
            expected: expected_digest.to_string(),
        });
    }
    Ok(payload)
}
