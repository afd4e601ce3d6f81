//! Content digests (`sha256:<hex>`, `sha512:<hex>`) and the verifying reader that checks
//! a blob's digest and size while it streams.

use std::fmt;
use std::io::{self, Read};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256, Sha512};

use crate::error::{Error, Result};

/// A content digest as found in descriptors: `algorithm:encoded`.
///
/// Parsing checks only the grammar of the OCI spec (so a descriptor with an exotic
/// algorithm elsewhere in an index does not stop the whole document from loading); the
/// algorithm is checked when the digest is used to verify content, see
/// [`Digest::algorithm`]. The encoded part is restricted to `[A-Za-z0-9=_-]`, so a digest
/// can never smuggle a `/` or `..` into a blob path.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: String,
    encoded: String,
}

/// Digest algorithms this crate verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// SHA-256 (64 lowercase hex digits).
    Sha256,
    /// SHA-512 (128 lowercase hex digits).
    Sha512,
}

impl Digest {
    /// Parses `algorithm:encoded`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = |reason: &str| Error::BadDigest {
            digest: s.to_string(),
            reason: reason.to_string(),
        };
        let (alg, enc) = s.split_once(':').ok_or_else(|| bad("no ':' separator"))?;
        let alg_ok = !alg.is_empty()
            && alg
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
            && alg
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_alphanumeric);
        if !alg_ok {
            return Err(bad("malformed algorithm"));
        }
        let enc_ok = !enc.is_empty()
            && enc
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"=_-".contains(&b));
        if !enc_ok {
            return Err(bad("malformed encoded part"));
        }
        let d = Digest {
            algorithm: alg.to_string(),
            encoded: enc.to_string(),
        };
        if let Ok(a) = d.algorithm() {
            let len = match a {
                Algorithm::Sha256 => 64,
                Algorithm::Sha512 => 128,
            };
            if enc.len() != len
                || !enc
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(bad(&format!("{alg} needs {len} lowercase hex digits")));
            }
        }
        Ok(d)
    }

    /// The sha256 digest of `data`.
    pub fn sha256_of(data: &[u8]) -> Self {
        Digest {
            algorithm: "sha256".into(),
            encoded: hex(&Sha256::digest(data)),
        }
    }

    /// The algorithm, or [`Error::BadDigest`] when it is not one this crate verifies.
    pub fn algorithm(&self) -> Result<Algorithm> {
        match self.algorithm.as_str() {
            "sha256" => Ok(Algorithm::Sha256),
            "sha512" => Ok(Algorithm::Sha512),
            other => Err(Error::BadDigest {
                digest: self.to_string(),
                reason: format!("unsupported algorithm {other:?} (only sha256 and sha512)"),
            }),
        }
    }

    /// The algorithm name as written (`sha256`).
    pub fn algorithm_name(&self) -> &str {
        &self.algorithm
    }

    /// The encoded (hex) part.
    pub fn encoded(&self) -> &str {
        &self.encoded
    }

    /// A short form for messages: `sha256:0123456789ab`.
    pub fn short(&self) -> String {
        let n = self.encoded.len().min(12);
        format!("{}:{}", self.algorithm, self.encoded.get(..n).unwrap_or(""))
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm, self.encoded)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl std::str::FromStr for Digest {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Digest::parse(s)
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Digest::parse(&s).map_err(serde::de::Error::custom)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// An incremental hasher for one algorithm.
#[derive(Clone)]
pub(crate) enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    pub(crate) fn new(alg: Algorithm) -> Self {
        match alg {
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(Sha512::new()),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    pub(crate) fn finish(self) -> Digest {
        match self {
            Hasher::Sha256(h) => Digest {
                algorithm: "sha256".into(),
                encoded: hex(&h.finalize()),
            },
            Hasher::Sha512(h) => Digest {
                algorithm: "sha512".into(),
                encoded: hex(&h.finalize()),
            },
        }
    }
}

/// Where a reader deep inside a decoder/tar stack leaves the precise error it hit, since
/// `io::Error`s get rewrapped on the way up. The walker checks the slot first.
#[derive(Clone, Default)]
pub(crate) struct ErrorSlot(Arc<Mutex<Option<Error>>>);

impl ErrorSlot {
    pub(crate) fn set(&self, e: Error) -> io::Error {
        let msg = e.to_string();
        if let Ok(mut g) = self.0.lock() {
            if g.is_none() {
                *g = Some(e);
            }
        }
        io::Error::new(io::ErrorKind::InvalidData, msg)
    }

    pub(crate) fn take(&self) -> Option<Error> {
        self.0.lock().ok().and_then(|mut g| g.take())
    }
}

/// A reader that hashes what passes through and checks the total against an expected
/// size and digest: it fails as soon as more than `size` bytes arrive (overrun), and at
/// EOF when fewer arrived or the digest differs. A mismatch is therefore never silent,
/// provided the consumer reads to EOF.
pub(crate) struct VerifyingReader<R> {
    inner: R,
    label: String,
    expected_size: Option<u64>,
    expected_digest: Option<Digest>,
    hasher: Option<Hasher>,
    read: u64,
    done: bool,
    slot: ErrorSlot,
}

impl<R: Read> VerifyingReader<R> {
    /// `expected_digest = None` only counts (and checks the size).
    pub(crate) fn new(
        inner: R,
        label: String,
        expected_size: Option<u64>,
        expected_digest: Option<&Digest>,
        slot: ErrorSlot,
    ) -> Result<Self> {
        let hasher = match expected_digest {
            Some(d) => Some(Hasher::new(d.algorithm()?)),
            None => None,
        };
        Ok(VerifyingReader {
            inner,
            label,
            expected_size,
            expected_digest: expected_digest.cloned(),
            hasher,
            read: 0,
            done: false,
            slot,
        })
    }

    fn at_eof(&mut self) -> io::Result<()> {
        if self.done {
            return Ok(());
        }
        self.done = true;
        if let Some(size) = self.expected_size {
            if self.read != size {
                return Err(self.slot.set(Error::SizeMismatch {
                    blob: self.label.clone(),
                    expected: size,
                    actual: self.read,
                    overrun: false,
                }));
            }
        }
        if let (Some(h), Some(exp)) = (self.hasher.take(), &self.expected_digest) {
            let got = h.finish();
            if &got != exp {
                return Err(self.slot.set(Error::DigestMismatch {
                    blob: self.label.clone(),
                    expected: exp.to_string(),
                    actual: got.to_string(),
                }));
            }
        }
        Ok(())
    }

    /// Bytes read so far.
    pub(crate) fn bytes_read(&self) -> u64 {
        self.read
    }
}

impl<R: Read> Read for VerifyingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.done {
            return Ok(0);
        }
        // Ask for one byte more than allowed so an overrun is noticed, not just truncated.
        let want = match self.expected_size {
            Some(size) => {
                let left = size.saturating_sub(self.read).saturating_add(1);
                buf.len().min(usize::try_from(left).unwrap_or(usize::MAX))
            }
            None => buf.len(),
        };
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            self.at_eof()?;
            return Ok(0);
        }
        self.read += n as u64;
        if let Some(size) = self.expected_size {
            if self.read > size {
                self.done = true;
                return Err(self.slot.set(Error::SizeMismatch {
                    blob: self.label.clone(),
                    expected: size,
                    actual: self.read,
                    overrun: true,
                }));
            }
        }
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Reads a whole small blob (manifest, index, config) with a size cap and verifies it.
pub(crate) fn read_verified(
    reader: impl Read,
    label: &str,
    expected_size: Option<u64>,
    expected_digest: Option<&Digest>,
    limit: u64,
) -> Result<Vec<u8>> {
    if let Some(size) = expected_size {
        if size > limit {
            return Err(Error::LimitExceeded {
                what: format!("{label}: declared size"),
                amount: size,
                limit,
            });
        }
    }
    let slot = ErrorSlot::default();
    let v = VerifyingReader::new(
        reader,
        label.to_string(),
        expected_size,
        expected_digest,
        slot.clone(),
    )?;
    let mut buf = Vec::new();
    let mut capped = v.take(limit.saturating_add(1));
    let res = capped.read_to_end(&mut buf);
    if let Some(e) = slot.take() {
        return Err(e);
    }
    res.map_err(|e| Error::io(label, e))?;
    if buf.len() as u64 > limit {
        return Err(Error::LimitExceeded {
            what: label.to_string(),
            amount: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rejects_path_tricks_and_bad_hex() {
        assert!(Digest::parse("sha256:../../etc/passwd").is_err());
        assert!(Digest::parse("sha256:abc").is_err());
        assert!(Digest::parse(&format!("sha256:{}", "A".repeat(64))).is_err());
        assert!(Digest::parse("nocolon").is_err());
        let ok = Digest::parse(&format!("sha256:{}", "a".repeat(64))).unwrap();
        assert_eq!(ok.algorithm().unwrap(), Algorithm::Sha256);
        let exotic = Digest::parse("blake3:abcd").unwrap();
        assert!(exotic.algorithm().is_err());
    }

    #[test]
    fn verifying_reader_catches_mismatch_short_and_overrun() {
        let data = b"hello world";
        let d = Digest::sha256_of(data);
        let ok = read_verified(&data[..], "x", Some(11), Some(&d), 100).unwrap();
        assert_eq!(ok, data);
        let e = read_verified(&b"hello worle"[..], "x", Some(11), Some(&d), 100).unwrap_err();
        assert!(matches!(e, Error::DigestMismatch { .. }), "{e}");
        let e = read_verified(&data[..5], "x", Some(11), Some(&d), 100).unwrap_err();
        assert!(
            matches!(
                e,
                Error::SizeMismatch {
                    overrun: false,
                    actual: 5,
                    ..
                }
            ),
            "{e}"
        );
        let e = read_verified(&b"hello world!!"[..], "x", Some(11), Some(&d), 100).unwrap_err();
        assert!(
            matches!(e, Error::SizeMismatch { overrun: true, .. }),
            "{e}"
        );
        let e = read_verified(&data[..], "x", Some(11), Some(&d), 5).unwrap_err();
        assert!(matches!(e, Error::LimitExceeded { .. }), "{e}");
    }
}
