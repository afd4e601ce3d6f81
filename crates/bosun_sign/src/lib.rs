//! `bosun_sign`: cosign-compatible keys, signatures and attestations, as pure
//! functions over bytes (no files, no registry, no network, no printing).
//!
//! What it owns:
//! - **Keys** ([`SigningKey`], [`PublicKey`]): ECDSA P-256 (cosign's default),
//!   Ed25519 and RSA 2048-4096. Read from cosign's encrypted key files (both
//!   `ENCRYPTED SIGSTORE PRIVATE KEY` and `ENCRYPTED COSIGN PRIVATE KEY`),
//!   PKCS#8, SEC1, PKCS#1 and PKIX PEM; written as cosign writes them
//!   (scrypt N=65536 r=8 p=1, nacl/secretbox, PKCS#8 inside; PKIX public key).
//! - **Signatures** as cosign makes them: ECDSA P-256 SHA-256 in ASN.1 DER.
//! - **Simple signing** ([`simple_signing`]): the payload of a `.sig` layer,
//!   byte-identical to cosign's.
//! - **Layout** ([`layout`]): tags, media types and layer annotations of
//!   cosign's `.sig`/`.att` manifests and bundle referrers, and per-layer
//!   verification.
//! - **DSSE** ([`dsse`]), **in-toto** statements ([`intoto`]) and
//!   **sigstore bundles** ([`bundle`], v0.1-0.3, key-based verification).
//!
//! Invariants:
//! - Verification runs over the stored bytes, never over a re-serialization,
//!   and hands back exactly the verified bytes.
//! - Only cosign's scrypt parameter sets are accepted when decrypting (a key
//!   file cannot make us allocate gigabytes).
//! - Errors are one line and never contain key material, passwords or raw
//!   untrusted strings (those are escaped and shortened).
//! - Nothing here panics on input.

mod b64;
pub mod bundle;
pub mod dsse;
mod envelope;
mod error;
mod gojson;
pub mod intoto;
mod keys;
pub mod layout;
mod pem;
mod sanitize;
pub mod simple_signing;

pub use error::{FormatError, KeyError, VerifyError};
pub use keys::{KeyAlgorithm, PublicKey, SigningKey};
