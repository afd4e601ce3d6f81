//! Errors of this crate. Every message is one line, names the problem in the
//! user's terms, and never contains key material or passwords.

use thiserror::Error;

/// Reading, decrypting or writing a key failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum KeyError {
    #[error("not a PEM key file: {0}")]
    Pem(String),
    #[error("unsupported PEM block `{0}` (expected ENCRYPTED SIGSTORE PRIVATE KEY, ENCRYPTED COSIGN PRIVATE KEY, PRIVATE KEY, EC PRIVATE KEY, RSA PRIVATE KEY or PUBLIC KEY)")]
    UnsupportedLabel(String),
    #[error(
        "the key is encrypted: a password is required (set BOSUN_PASSWORD or COSIGN_PASSWORD)"
    )]
    PasswordRequired,
    #[error("wrong password for the encrypted key (or the key file is corrupt)")]
    WrongPassword,
    #[error("malformed encrypted key file: {0}")]
    MalformedEnvelope(String),
    #[error("unsupported key derivation `{0}` in the encrypted key (cosign uses scrypt)")]
    UnsupportedKdf(String),
    #[error("unsupported cipher `{0}` in the encrypted key (cosign uses nacl/secretbox)")]
    UnsupportedCipher(String),
    #[error("scrypt parameters N={n}, r={r}, p={p} are not one of cosign's accepted sets (N 32768, 65536 or 131072 with r=8, p=1)")]
    UnsupportedScryptParams { n: u64, r: u64, p: u64 },
    #[error("the encrypted key holds a SEC1 EC key, not PKCS#8: cosign rejects it (decrypt and re-import the key as PKCS#8)")]
    Sec1InEnvelope,
    #[error("the encrypted key does not hold a PKCS#8 private key")]
    NotPkcs8InEnvelope,
    #[error("unsupported elliptic curve {0}: only ECDSA P-256 is supported")]
    UnsupportedCurve(String),
    #[error("unsupported key algorithm {0} (supported: ECDSA P-256, Ed25519, RSA)")]
    UnsupportedAlgorithm(String),
    #[error("RSA key of {0} bits is not accepted (cosign accepts 2048 to 4096 bits)")]
    RsaKeySize(usize),
    #[error("malformed key: {0}")]
    Malformed(String),
    #[error("the system random number generator failed: {0}")]
    Random(String),
}

/// A signature, envelope or payload did not verify.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum VerifyError {
    #[error("the signature does not verify with the given key")]
    BadSignature,
    #[error("no signature verifies with any of the {0} given key(s)")]
    NoMatchingKey(usize),
    #[error("the envelope carries no signatures")]
    NoSignatures,
    #[error("malformed signature: {0}")]
    MalformedSignature(String),
    #[error("this key type cannot verify a pre-hashed message ({0})")]
    PrehashUnsupported(&'static str),
    #[error("the signed digest {signed} does not match the image digest {expected}")]
    DigestMismatch { signed: String, expected: String },
    #[error("malformed signed payload: {0}")]
    Payload(String),
}

/// A document (simple-signing payload, DSSE envelope, in-toto statement,
/// sigstore bundle, layer annotations) could not be parsed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{what}: {detail}")]
pub struct FormatError {
    pub what: &'static str,
    pub detail: String,
}

impl FormatError {
    pub(crate) fn new(what: &'static str, detail: impl std::fmt::Display) -> Self {
        FormatError {
            what,
            detail: one_line(&detail.to_string()),
        }
    }
}

/// Collapses a message to one line (serde and der errors are one line today,
/// but the contract of this crate is "one line", so enforce it).
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
