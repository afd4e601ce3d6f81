//! DSSE (Dead Simple Signing Envelope) v1: PAE, the JSON envelope, signing
//! and verification with several keys.
//!
//! The signature covers `PAE(payloadType, payload)`, never the JSON. After
//! verification the exact verified payload bytes are handed back; callers
//! must use those and not re-parse the envelope.

use serde::{Deserialize, Serialize};

use crate::b64;
use crate::error::{FormatError, VerifyError};
use crate::keys::{PublicKey, SigningKey};

/// The payload type of in-toto statements.
pub const INTOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_type.len() + payload.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// One signature of an envelope. `keyid` is unauthenticated: a hint only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub keyid: Option<String>,
    pub sig: Vec<u8>,
}

/// A DSSE envelope with its payload and signatures decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub payload_type: String,
    pub payload: Vec<u8>,
    pub signatures: Vec<Signature>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct WireEnvelope {
    payload: String,
    #[serde(rename = "payloadType")]
    payload_type: String,
    #[serde(default)]
    signatures: Vec<WireSignature>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct WireSignature {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keyid: Option<String>,
    sig: String,
}

impl Envelope {
    /// The envelope JSON (`{"payload","payloadType","signatures"}`, standard
    /// base64), as cosign writes it.
    pub fn to_json(&self) -> Vec<u8> {
        crate::gojson::to_vec(&self.to_wire())
    }

    pub(crate) fn to_wire(&self) -> WireEnvelope {
        WireEnvelope {
            payload: b64::encode(&self.payload),
            payload_type: self.payload_type.clone(),
            signatures: self
                .signatures
                .iter()
                .map(|s| WireSignature {
                    keyid: s.keyid.clone(),
                    sig: b64::encode(&s.sig),
                })
                .collect(),
        }
    }

    /// Reads an envelope; unknown fields are ignored, standard and URL-safe
    /// base64 are both accepted (as the DSSE spec requires).
    pub fn from_json(bytes: &[u8]) -> Result<Envelope, FormatError> {
        const WHAT: &str = "DSSE envelope";
        let wire: WireEnvelope =
            serde_json::from_slice(bytes).map_err(|e| FormatError::new(WHAT, e))?;
        Self::from_wire(wire)
    }

    pub(crate) fn from_wire(wire: WireEnvelope) -> Result<Envelope, FormatError> {
        const WHAT: &str = "DSSE envelope";
        let payload = b64::decode(&wire.payload)
            .map_err(|e| FormatError::new(WHAT, format!("payload: {e}")))?;
        let signatures = wire
            .signatures
            .into_iter()
            .map(|s| {
                Ok(Signature {
                    keyid: s.keyid.filter(|k| !k.is_empty()),
                    sig: b64::decode(&s.sig)
                        .map_err(|e| FormatError::new(WHAT, format!("signature: {e}")))?,
                })
            })
            .collect::<Result<_, FormatError>>()?;
        Ok(Envelope {
            payload_type: wire.payload_type,
            payload,
            signatures,
        })
    }

    /// Adds a signature by `key` (keyid left empty, as cosign does).
    pub fn add_signature(&mut self, key: &SigningKey) {
        let sig = key.sign(&pae(&self.payload_type, &self.payload));
        self.signatures.push(Signature { keyid: None, sig });
    }
}

/// An envelope over `payload` signed by `key`.
pub fn sign(key: &SigningKey, payload_type: &str, payload: &[u8]) -> Envelope {
    sign_many(&[key], payload_type, payload)
}

/// An envelope over `payload` with one signature by each of `keys`.
pub fn sign_many(keys: &[&SigningKey], payload_type: &str, payload: &[u8]) -> Envelope {
    let mut env = Envelope {
        payload_type: payload_type.to_string(),
        payload: payload.to_vec(),
        signatures: Vec::new(),
    };
    for key in keys {
        env.add_signature(key);
    }
    env
}

/// The result of a successful verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The exact payload bytes that were verified.
    pub payload: Vec<u8>,
    /// Indexes into the `keys` given, of each key that verified some signature.
    pub keys: Vec<usize>,
}

/// Verifies the envelope: succeeds when at least one signature verifies with
/// at least one of `keys` (key rotation: any trusted key will do) and
/// returns the verified payload bytes.
pub fn verify(env: &Envelope, keys: &[PublicKey]) -> Result<Vec<u8>, VerifyError> {
    verify_detailed(env, keys).map(|v| v.payload)
}

/// As [`verify`], also telling which keys verified.
pub fn verify_detailed(env: &Envelope, keys: &[PublicKey]) -> Result<Verified, VerifyError> {
    if env.signatures.is_empty() {
        return Err(VerifyError::NoSignatures);
    }
    let message = pae(&env.payload_type, &env.payload);
    let matched: Vec<usize> = keys
        .iter()
        .enumerate()
        .filter(|(_, key)| {
            env.signatures
                .iter()
                .any(|s| key.verify(&message, &s.sig).is_ok())
        })
        .map(|(i, _)| i)
        .collect();
    if matched.is_empty() {
        return Err(VerifyError::NoMatchingKey(keys.len()));
    }
    Ok(Verified {
        payload: env.payload.clone(),
        keys: matched,
    })
}
