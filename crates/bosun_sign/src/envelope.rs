//! cosign's encrypted private-key envelope (go-securesystemslib
//! `encrypted`): a JSON document, PEM-wrapped, holding
//! `secretbox(scrypt(password, salt), nonce, PKCS#8 DER)`.
//!
//! Only scrypt with cosign's three accepted parameter sets is read (the
//! whitelist is the guard against a key file that asks for gigabytes of
//! memory), and only `nacl/secretbox`.

use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::XSalsa20Poly1305;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::b64;
use crate::error::KeyError;

pub(crate) const LABEL_SIGSTORE: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
pub(crate) const LABEL_COSIGN: &str = "ENCRYPTED COSIGN PRIVATE KEY";

/// log2 of N for cosign's `Standard` set (N=65536), used for new keys.
pub(crate) const SCRYPT_LOG_N_STANDARD: u8 = 16;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;
/// cosign's `Legacy` (N=32768), `Standard` (65536) and `OWASP` (131072) sets.
const ACCEPTED_LOG_N: [u8; 3] = [15, 16, 17];

const SALT_LEN: usize = 32;
const NONCE_LEN: usize = 24;

#[derive(Serialize, Deserialize)]
struct Envelope {
    kdf: Kdf,
    cipher: Cipher,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    name: String,
    params: ScryptParams,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct ScryptParams {
    #[serde(rename = "N")]
    n: u64,
    r: u64,
    p: u64,
}

#[derive(Serialize, Deserialize)]
struct Cipher {
    name: String,
    nonce: String,
}

fn derive_key(password: &[u8], salt: &[u8], log_n: u8) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let params = scrypt::Params::new(log_n, SCRYPT_R, SCRYPT_P)
        .map_err(|e| KeyError::MalformedEnvelope(format!("scrypt parameters: {e}")))?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password, salt, &params, key.as_mut())
        .map_err(|e| KeyError::MalformedEnvelope(format!("scrypt: {e}")))?;
    Ok(key)
}

/// Encrypts `plaintext` into the envelope's JSON bytes.
pub(crate) fn seal(plaintext: &[u8], password: &[u8], log_n: u8) -> Result<Vec<u8>, KeyError> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut salt).map_err(|e| KeyError::Random(e.to_string()))?;
    getrandom::fill(&mut nonce).map_err(|e| KeyError::Random(e.to_string()))?;
    let key = derive_key(password, &salt, log_n)?;
    let cipher = XSalsa20Poly1305::new(key.as_ref().into());
    // secretbox output is tag || ciphertext, as NaCl's (and Go's) Seal.
    let sealed = cipher
        .encrypt(&nonce.into(), plaintext)
        .map_err(|_| KeyError::MalformedEnvelope("secretbox encryption failed".into()))?;
    let envelope = Envelope {
        kdf: Kdf {
            name: "scrypt".into(),
            params: ScryptParams {
                n: 1u64 << log_n,
                r: SCRYPT_R.into(),
                p: SCRYPT_P.into(),
            },
            salt: b64::encode(&salt),
        },
        cipher: Cipher {
            name: "nacl/secretbox".into(),
            nonce: b64::encode(&nonce),
        },
        ciphertext: b64::encode(&sealed),
    };
    serde_json::to_vec(&envelope).map_err(|e| KeyError::MalformedEnvelope(e.to_string()))
}

/// Decrypts the envelope's JSON bytes; the plaintext is zeroed on drop.
pub(crate) fn open(json: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let envelope: Envelope = serde_json::from_slice(json)
        .map_err(|e| KeyError::MalformedEnvelope(crate::error::one_line(&e.to_string())))?;
    if envelope.kdf.name != "scrypt" {
        return Err(KeyError::UnsupportedKdf(crate::sanitize::short(
            &envelope.kdf.name,
        )));
    }
    if envelope.cipher.name != "nacl/secretbox" {
        return Err(KeyError::UnsupportedCipher(crate::sanitize::short(
            &envelope.cipher.name,
        )));
    }
    let ScryptParams { n, r, p } = envelope.kdf.params;
    let log_n = ACCEPTED_LOG_N
        .into_iter()
        .find(|&l| 1u64 << l == n)
        .filter(|_| r == u64::from(SCRYPT_R) && p == u64::from(SCRYPT_P))
        .ok_or(KeyError::UnsupportedScryptParams { n, r, p })?;
    let salt = b64::decode(&envelope.kdf.salt)
        .map_err(|_| KeyError::MalformedEnvelope("the salt is not base64".into()))?;
    let nonce = b64::decode(&envelope.cipher.nonce)
        .map_err(|_| KeyError::MalformedEnvelope("the nonce is not base64".into()))?;
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|n: Vec<u8>| {
        KeyError::MalformedEnvelope(format!("the nonce has {} bytes, not {NONCE_LEN}", n.len()))
    })?;
    let sealed = b64::decode(&envelope.ciphertext)
        .map_err(|_| KeyError::MalformedEnvelope("the ciphertext is not base64".into()))?;
    let key = derive_key(password, &salt, log_n)?;
    let cipher = XSalsa20Poly1305::new(key.as_ref().into());
    cipher
        .decrypt(&nonce.into(), sealed.as_slice())
        .map(Zeroizing::new)
        .map_err(|_| KeyError::WrongPassword)
}
