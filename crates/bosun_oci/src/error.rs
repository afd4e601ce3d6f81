//! The one error type of the crate. Every variant names the blob, path, registry or
//! reference it is about, so a caller can print it as is.

use std::io;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while opening or walking an image.
///
/// Hostile input (bad digests, truncated blobs, malformed JSON, absurd sizes, bombs) is
/// reported through these variants; nothing here panics on input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The image source string or the registry reference could not be parsed.
    #[error("invalid image reference {reference:?}: {reason}")]
    InvalidReference {
        /// The string as given.
        reference: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading a local file failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file (or archive member) being read.
        path: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A manifest, index, config or `manifest.json` is not valid JSON of the expected shape.
    #[error("{what}: malformed JSON: {source}")]
    Json {
        /// Which document (with its digest or path).
        what: String,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A document is well-formed JSON but makes no sense (wrong schema, missing fields...).
    #[error("{what}: {reason}")]
    Malformed {
        /// Which document or blob.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A blob named by a descriptor is not in the source.
    #[error("blob {digest} ({what}) is missing from {source_name}")]
    BlobNotFound {
        /// The digest the descriptor names.
        digest: String,
        /// What the blob was supposed to be (manifest, config, layer N).
        what: String,
        /// The image source.
        source_name: String,
    },
    /// The content of a blob does not hash to its descriptor's digest.
    #[error("blob {blob}: digest mismatch: expected {expected}, content hashes to {actual}")]
    DigestMismatch {
        /// Which blob (what it is and its digest).
        blob: String,
        /// The digest from the descriptor.
        expected: String,
        /// The digest of the bytes actually read.
        actual: String,
    },
    /// A blob is shorter or longer than its descriptor says.
    #[error("blob {blob}: size mismatch: descriptor says {expected} bytes, {}", if *.overrun { format!("more than {expected} arrived") } else { format!("only {actual} arrived") })]
    SizeMismatch {
        /// Which blob.
        blob: String,
        /// The size from the descriptor.
        expected: u64,
        /// Bytes read (when `overrun`, at least `expected + 1`).
        actual: u64,
        /// True when more bytes than `expected` arrived.
        overrun: bool,
    },
    /// A digest uses an algorithm other than sha256/sha512, or is malformed.
    #[error("unsupported or malformed digest {digest:?}: {reason}")]
    BadDigest {
        /// The digest string.
        digest: String,
        /// Why it is rejected.
        reason: String,
    },
    /// Something exceeds one of the configured [`crate::Limits`].
    #[error("{what}: {amount} exceeds the limit of {limit} (see bosun_oci::Limits)")]
    LimitExceeded {
        /// What is too large (a blob, a layer's decompressed size, its entry count...).
        what: String,
        /// The amount seen (or declared).
        amount: u64,
        /// The limit in force.
        limit: u64,
    },
    /// A layer could not be read as a (compressed) tar stream.
    #[error("layer {index} ({digest}): {reason}")]
    Layer {
        /// Layer index, 0 = base.
        index: usize,
        /// Compressed blob digest.
        digest: String,
        /// What went wrong.
        reason: String,
        /// The underlying IO/decompression/tar error, if any.
        #[source]
        source: Option<io::Error>,
    },
    /// A multi-platform index has no manifest for the wanted platform.
    #[error("{what} has no image for platform {wanted}; available: {}", if .available.is_empty() { "none".to_string() } else { .available.join(", ") })]
    NoMatchingPlatform {
        /// The index (source and digest).
        what: String,
        /// The platform asked for.
        wanted: String,
        /// The platforms the index lists.
        available: Vec<String>,
    },
    /// Several images are in the source and none was selected.
    #[error("{what} holds several images; choose one of: {}", .choices.join(", "))]
    Ambiguous {
        /// The source.
        what: String,
        /// The names or tags to choose from.
        choices: Vec<String>,
    },
    /// A media type this crate does not read (e.g. Docker schema 1, foreign layers).
    #[error("{what}: unsupported media type {media_type:?}")]
    UnsupportedMediaType {
        /// Which document or blob.
        what: String,
        /// The media type.
        media_type: String,
    },
    /// The registry refused or failed a request.
    #[error("registry {registry}: {reason}")]
    Registry {
        /// Registry host (and port).
        registry: String,
        /// What happened, including the HTTP status when there was one.
        reason: String,
        /// HTTP status, when the registry answered.
        status: Option<u16>,
    },
    /// The registry rejected our credentials (or demanded some we do not have).
    #[error("registry {registry}: authentication failed: {reason}")]
    Unauthorized {
        /// Registry host (and port).
        registry: String,
        /// What the registry or the token endpoint said.
        reason: String,
    },
    /// A credential helper (`docker-credential-<name>`) failed.
    #[error("credential helper docker-credential-{helper}: {reason}")]
    CredentialHelper {
        /// The helper name.
        helper: String,
        /// What went wrong.
        reason: String,
    },
    /// The container engine (Docker or podman service) could not be reached or refused.
    #[error("container engine at {socket}: {reason}")]
    Daemon {
        /// The socket path.
        socket: String,
        /// What went wrong.
        reason: String,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn malformed(what: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Malformed {
            what: what.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn json(what: impl Into<String>, source: serde_json::Error) -> Self {
        Error::Json {
            what: what.into(),
            source,
        }
    }
}
