//! Signing and public keys: ECDSA P-256 (cosign's default), Ed25519 and RSA.
//!
//! Private keys are read from cosign's encrypted key files (both PEM labels),
//! PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) and PKCS#1
//! (`RSA PRIVATE KEY`); public keys from PKIX (`PUBLIC KEY`) and PKCS#1
//! (`RSA PUBLIC KEY`). What cosign refuses is refused here too: curves other
//! than P-256 (e.g. P-224), RSA keys outside 2048..=4096 bits, a SEC1 key
//! inside the encrypted envelope.

use std::fmt;

use ed25519_dalek as ed;
use p256::ecdsa as ec;
use pkcs8::der::Decode;
use pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use sha2_011::{Digest, Sha256, Sha512};
use signature_traits::*;
use zeroize::Zeroizing;

use crate::envelope;
use crate::error::{one_line, KeyError, VerifyError};
use crate::pem;

mod signature_traits {
    pub use p256::ecdsa::signature::hazmat::PrehashVerifier;
    pub use p256::ecdsa::signature::{SignatureEncoding, Signer, Verifier};
}

const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_ED25519: &str = "1.3.101.112";
const OID_RSA: &str = "1.2.840.113549.1.1.1";

/// cosign's accepted RSA sizes (`pkg/cosign/keys.go`).
const RSA_MIN_BITS: usize = 2048;
const RSA_MAX_BITS: usize = 4096;

/// The algorithm of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlgorithm {
    EcdsaP256,
    Ed25519,
    Rsa { bits: usize },
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyAlgorithm::EcdsaP256 => f.write_str("ECDSA P-256"),
            KeyAlgorithm::Ed25519 => f.write_str("Ed25519"),
            KeyAlgorithm::Rsa { bits } => write!(f, "RSA {bits}"),
        }
    }
}

enum Secret {
    P256(ec::SigningKey),
    Ed25519(ed::SigningKey),
    Rsa(Box<rsa::PrivateKey>),
}

/// A private key that signs as cosign does:
/// ECDSA P-256 with SHA-256 (ASN.1 DER signature), RSA PKCS#1 v1.5 with
/// SHA-256, and Ed25519ph (SHA-512 pre-hash, cosign's default for Ed25519).
pub struct SigningKey {
    secret: Secret,
}

impl fmt::Debug for SigningKey {
    // Never prints key material: only the algorithm and public fingerprint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let public = self.public_key();
        write!(
            f,
            "SigningKey({}, sha256:{})",
            public.algorithm(),
            public.fingerprint()
        )
    }
}

impl SigningKey {
    /// A fresh ECDSA P-256 key from the operating system's RNG.
    ///
    /// # Panics
    /// Only if the operating system has no working random number generator;
    /// use [`SigningKey::try_generate_p256`] to get that as an error.
    pub fn generate_p256() -> SigningKey {
        Self::try_generate_p256().expect("the operating system RNG failed")
    }

    /// A fresh ECDSA P-256 key, or an error if the system RNG fails.
    pub fn try_generate_p256() -> Result<SigningKey, KeyError> {
        use p256::elliptic_curve::Generate;
        let key = ec::SigningKey::try_generate().map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(SigningKey {
            secret: Secret::P256(key),
        })
    }

    /// Reads a private key from PEM: cosign's encrypted key file (labels
    /// `ENCRYPTED SIGSTORE PRIVATE KEY` and `ENCRYPTED COSIGN PRIVATE KEY`,
    /// which need `password`; an empty password is valid), or an unencrypted
    /// `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1) or `RSA PRIVATE KEY`
    /// (PKCS#1). The password is ignored for unencrypted keys.
    pub fn from_pem(pem: &[u8], password: Option<&[u8]>) -> Result<SigningKey, KeyError> {
        let (label, der) = pem::decode(pem)?;
        match label.as_str() {
            envelope::LABEL_SIGSTORE | envelope::LABEL_COSIGN => {
                let password = password.ok_or(KeyError::PasswordRequired)?;
                let plain = envelope::open(&der, password)?;
                match Self::from_pkcs8_der(&plain) {
                    Ok(key) => Ok(key),
                    Err(_) if sec1::EcPrivateKey::from_der(&plain).is_ok() => {
                        Err(KeyError::Sec1InEnvelope)
                    }
                    Err(KeyError::Malformed(_)) => Err(KeyError::NotPkcs8InEnvelope),
                    Err(e) => Err(e),
                }
            }
            "PRIVATE KEY" => Self::from_pkcs8_der(&der),
            "EC PRIVATE KEY" => Self::from_sec1_der(&der),
            "RSA PRIVATE KEY" => {
                use rsa::pkcs1::DecodeRsaPrivateKey;
                let key = rsa::PrivateKey::from_pkcs1_der(&der)
                    .map_err(|e| KeyError::Malformed(one_line(&e.to_string())))?;
                Self::from_rsa(key)
            }
            "PUBLIC KEY" | "RSA PUBLIC KEY" => Err(KeyError::Malformed(
                "this is a public key; a private key is needed".into(),
            )),
            other => Err(KeyError::UnsupportedLabel(crate::sanitize::short(other))),
        }
    }

    /// Reads a PKCS#8 `PrivateKeyInfo` (DER).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey, KeyError> {
        let info = pkcs8::PrivateKeyInfoRef::try_from(der).map_err(|e| {
            KeyError::Malformed(format!("not PKCS#8: {}", one_line(&e.to_string())))
        })?;
        let oid = info.algorithm.oid.to_string();
        let secret = match oid.as_str() {
            OID_EC_PUBLIC_KEY => {
                let curve = info
                    .algorithm
                    .parameters_oid()
                    .map_err(|_| KeyError::Malformed("EC key without a named curve".into()))?;
                check_curve(&curve.to_string())?;
                Secret::P256(ec::SigningKey::from_pkcs8_der(der).map_err(malformed)?)
            }
            OID_ED25519 => Secret::Ed25519(ed::SigningKey::from_pkcs8_der(der).map_err(malformed)?),
            OID_RSA => {
                return Self::from_rsa(rsa::PrivateKey::from_pkcs8_der(der).map_err(malformed)?)
            }
            other => return Err(KeyError::UnsupportedAlgorithm(algorithm_name(other))),
        };
        Ok(SigningKey { secret })
    }

    /// Reads a SEC1 `ECPrivateKey` (DER); only P-256 is accepted.
    pub fn from_sec1_der(der: &[u8]) -> Result<SigningKey, KeyError> {
        let parsed = sec1::EcPrivateKey::from_der(der)
            .map_err(|e| KeyError::Malformed(format!("not SEC1: {}", one_line(&e.to_string()))))?;
        let curve = parsed
            .parameters
            .and_then(|p| p.named_curve())
            .ok_or_else(|| KeyError::Malformed("EC key without a named curve".into()))?;
        check_curve(&curve.to_string())?;
        let secret = p256::SecretKey::from_sec1_der(der).map_err(malformed)?;
        Ok(SigningKey {
            secret: Secret::P256(ec::SigningKey::from(secret)),
        })
    }

    fn from_rsa(key: rsa::PrivateKey) -> Result<SigningKey, KeyError> {
        let bits = key.size() * 8;
        if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
            return Err(KeyError::RsaKeySize(bits));
        }
        Ok(SigningKey {
            secret: Secret::Rsa(Box::new(key)),
        })
    }

    /// The key as PKCS#8 DER (the plaintext inside cosign's key file).
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let doc = match &self.secret {
            Secret::P256(k) => k.to_pkcs8_der(),
            Secret::Ed25519(k) => k.to_pkcs8_der(),
            Secret::Rsa(k) => k.to_pkcs8_der(),
        }
        .map_err(malformed)?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// cosign's key file: `ENCRYPTED SIGSTORE PRIVATE KEY`, scrypt
    /// N=65536 r=8 p=1, nacl/secretbox around PKCS#8.
    pub fn to_cosign_pem(&self, password: &[u8]) -> Result<String, KeyError> {
        let plain = self.to_pkcs8_der()?;
        let body = envelope::seal(&plain, password, envelope::SCRYPT_LOG_N_STANDARD)?;
        pem::encode(envelope::LABEL_SIGSTORE, &body)
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.secret {
            Secret::P256(_) => KeyAlgorithm::EcdsaP256,
            Secret::Ed25519(_) => KeyAlgorithm::Ed25519,
            Secret::Rsa(k) => KeyAlgorithm::Rsa { bits: k.size() * 8 },
        }
    }

    pub fn public_key(&self) -> PublicKey {
        let public = match &self.secret {
            Secret::P256(k) => Public::P256(*k.verifying_key()),
            Secret::Ed25519(k) => Public::Ed25519(k.verifying_key()),
            Secret::Rsa(k) => Public::Rsa(Box::new(k.to_public_key())),
        };
        PublicKey::new(public)
    }

    /// Signs `msg` as cosign does (see the type's docs).
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match &self.secret {
            Secret::P256(k) => {
                let sig: ec::DerSignature = k.sign(msg);
                sig.to_vec()
            }
            Secret::Ed25519(k) => {
                let prehash = Sha512::new_with_prefix(msg);
                // Only fails for a context longer than 255 bytes; there is none.
                k.sign_prehashed(prehash, None)
                    .expect("Ed25519ph without context cannot fail")
                    .to_vec()
            }
            Secret::Rsa(k) => {
                let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new((**k).clone());
                signer.sign(msg).to_vec()
            }
        }
    }
}

fn malformed(e: impl fmt::Display) -> KeyError {
    KeyError::Malformed(one_line(&e.to_string()))
}

fn check_curve(oid: &str) -> Result<(), KeyError> {
    if oid == OID_P256 {
        Ok(())
    } else {
        Err(KeyError::UnsupportedCurve(curve_name(oid)))
    }
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.3.132.0.33" => "P-224".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.132.0.35" => "P-521".into(),
        "1.3.132.0.10" => "secp256k1".into(),
        other => format!("with OID {other}"),
    }
}

fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.3.101.113" => "Ed448".into(),
        "1.2.840.113549.1.1.10" => "RSASSA-PSS keys".into(),
        "1.2.840.10040.4.1" => "DSA".into(),
        other => format!("with OID {other}"),
    }
}

#[derive(Clone)]
enum Public {
    P256(ec::VerifyingKey),
    Ed25519(ed::VerifyingKey),
    Rsa(Box<rsa::PublicKey>),
}

/// A public key (PKIX), used to verify cosign signatures and DSSE envelopes.
#[derive(Clone)]
pub struct PublicKey {
    public: Public,
    /// Canonical SubjectPublicKeyInfo DER, the basis of equality and of the
    /// fingerprint.
    spki_der: Vec<u8>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PublicKey({}, sha256:{})",
            self.algorithm(),
            self.fingerprint()
        )
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki_der == other.spki_der
    }
}
impl Eq for PublicKey {}

impl PublicKey {
    fn new(public: Public) -> PublicKey {
        // Encoding a key we hold in memory cannot fail (no IO, sizes bounded).
        let doc = match &public {
            Public::P256(k) => k.to_public_key_der(),
            Public::Ed25519(k) => k.to_public_key_der(),
            Public::Rsa(k) => k.to_public_key_der(),
        }
        .expect("encoding an in-memory public key");
        PublicKey {
            public,
            spki_der: doc.as_bytes().to_vec(),
        }
    }

    /// Reads `PUBLIC KEY` (PKIX) or `RSA PUBLIC KEY` (PKCS#1) PEM.
    pub fn from_pem(pem: &[u8]) -> Result<PublicKey, KeyError> {
        let (label, der) = pem::decode(pem)?;
        match label.as_str() {
            "PUBLIC KEY" => Self::from_spki_der(&der),
            "RSA PUBLIC KEY" => {
                use rsa::pkcs1::DecodeRsaPublicKey;
                let key = rsa::PublicKey::from_pkcs1_der(&der).map_err(malformed)?;
                Self::from_rsa(key)
            }
            l if l.contains("PRIVATE KEY") => Err(KeyError::Malformed(
                "this is a private key; give the public key (.pub)".into(),
            )),
            other => Err(KeyError::UnsupportedLabel(crate::sanitize::short(other))),
        }
    }

    /// Reads a SubjectPublicKeyInfo (DER).
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let info = spki::SubjectPublicKeyInfoRef::try_from(der)
            .map_err(|e| KeyError::Malformed(format!("not PKIX: {}", one_line(&e.to_string()))))?;
        let oid = info.algorithm.oid.to_string();
        let public = match oid.as_str() {
            OID_EC_PUBLIC_KEY => {
                let curve = info
                    .algorithm
                    .parameters_oid()
                    .map_err(|_| KeyError::Malformed("EC key without a named curve".into()))?;
                check_curve(&curve.to_string())?;
                Public::P256(ec::VerifyingKey::from_public_key_der(der).map_err(malformed)?)
            }
            OID_ED25519 => {
                Public::Ed25519(ed::VerifyingKey::from_public_key_der(der).map_err(malformed)?)
            }
            OID_RSA => {
                return Self::from_rsa(rsa::PublicKey::from_public_key_der(der).map_err(malformed)?)
            }
            other => return Err(KeyError::UnsupportedAlgorithm(algorithm_name(other))),
        };
        Ok(PublicKey::new(public))
    }

    fn from_rsa(key: rsa::PublicKey) -> Result<PublicKey, KeyError> {
        let bits = key.size() * 8;
        if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
            return Err(KeyError::RsaKeySize(bits));
        }
        Ok(PublicKey::new(Public::Rsa(Box::new(key))))
    }

    /// PKIX `PUBLIC KEY` PEM, as `cosign.pub`.
    pub fn to_pem(&self) -> String {
        pem::encode("PUBLIC KEY", &self.spki_der).expect("PEM-encoding an in-memory key")
    }

    /// SubjectPublicKeyInfo DER.
    pub fn to_spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.public {
            Public::P256(_) => KeyAlgorithm::EcdsaP256,
            Public::Ed25519(_) => KeyAlgorithm::Ed25519,
            Public::Rsa(k) => KeyAlgorithm::Rsa { bits: k.size() * 8 },
        }
    }

    /// Lower-case hex SHA-256 of the SubjectPublicKeyInfo DER.
    pub fn fingerprint(&self) -> String {
        hex(&Sha256::digest(&self.spki_der))
    }

    /// base64 (standard) SHA-256 of the SubjectPublicKeyInfo DER: what cosign
    /// writes as `verificationMaterial.publicKey.hint` in a sigstore bundle.
    pub fn bundle_hint(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&self.spki_der))
    }

    /// Verifies `sig` over `msg`.
    ///
    /// ECDSA P-256: SHA-256, signature in ASN.1 DER (cosign) or raw r||s
    /// (64 bytes, as in the DSSE test vectors). Ed25519: pure Ed25519 or
    /// Ed25519ph (cosign's default). RSA: PKCS#1 v1.5 or PSS with SHA-256.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), VerifyError> {
        self.verify_message(Message::Raw(msg), sig)
    }

    /// Verifies `sig` over a message known only by its SHA-256 digest (a
    /// sigstore bundle's `messageSignature`). Not possible for Ed25519.
    pub fn verify_sha256_prehash(&self, digest: &[u8], sig: &[u8]) -> Result<(), VerifyError> {
        if digest.len() != 32 {
            return Err(VerifyError::MalformedSignature(format!(
                "a SHA-256 digest has 32 bytes, not {}",
                digest.len()
            )));
        }
        self.verify_message(Message::Sha256(digest), sig)
    }

    fn verify_message(&self, msg: Message<'_>, sig: &[u8]) -> Result<(), VerifyError> {
        match &self.public {
            Public::P256(k) => {
                let sig = ecdsa_signature(sig)?;
                match msg {
                    Message::Raw(m) => k.verify(m, &sig),
                    Message::Sha256(d) => k.verify_prehash(d, &sig),
                }
                .map_err(|_| VerifyError::BadSignature)
            }
            Public::Ed25519(k) => {
                let Message::Raw(m) = msg else {
                    return Err(VerifyError::PrehashUnsupported("Ed25519"));
                };
                let sig = ed25519_signature(sig)?;
                if k.verify_strict(m, &sig).is_ok() {
                    return Ok(());
                }
                k.verify_prehashed(Sha512::new_with_prefix(m), None, &sig)
                    .map_err(|_| VerifyError::BadSignature)
            }
            Public::Rsa(k) => {
                if sig.is_empty() {
                    return Err(VerifyError::MalformedSignature(
                        "empty RSA signature".into(),
                    ));
                }
                let pkcs1 = rsa::pkcs1v15::VerifyingKey::<Sha256>::new((**k).clone());
                let pkcs1_sig = rsa::pkcs1v15::Signature::try_from(sig).map_err(bad_sig)?;
                let pss = rsa::pss::VerifyingKey::<Sha256>::new_with_auto_salt_len((**k).clone());
                let pss_sig = rsa::pss::Signature::try_from(sig).map_err(bad_sig)?;
                let ok = match msg {
                    Message::Raw(m) => {
                        pkcs1.verify(m, &pkcs1_sig).is_ok() || pss.verify(m, &pss_sig).is_ok()
                    }
                    Message::Sha256(d) => {
                        pkcs1.verify_prehash(d, &pkcs1_sig).is_ok()
                            || pss.verify_prehash(d, &pss_sig).is_ok()
                    }
                };
                if ok {
                    Ok(())
                } else {
                    Err(VerifyError::BadSignature)
                }
            }
        }
    }
}

/// What a signature is over: the message, or its SHA-256 digest.
#[derive(Clone, Copy)]
enum Message<'a> {
    Raw(&'a [u8]),
    Sha256(&'a [u8]),
}

fn bad_sig(e: impl fmt::Display) -> VerifyError {
    VerifyError::MalformedSignature(one_line(&e.to_string()))
}

fn ecdsa_signature(sig: &[u8]) -> Result<ec::Signature, VerifyError> {
    if sig.len() == 64 {
        if let Ok(s) = ec::Signature::from_slice(sig) {
            return Ok(s);
        }
    }
    ec::Signature::from_der(sig).map_err(|_| {
        VerifyError::MalformedSignature("not an ECDSA P-256 signature (ASN.1 DER or r||s)".into())
    })
}

fn ed25519_signature(sig: &[u8]) -> Result<ed::Signature, VerifyError> {
    ed::Signature::from_slice(sig).map_err(|_| {
        VerifyError::MalformedSignature(format!(
            "an Ed25519 signature has 64 bytes, not {}",
            sig.len()
        ))
    })
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
