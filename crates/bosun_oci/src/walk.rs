//! One streaming pass over every layer: decompress (gzip, zstd or plain, detected by
//! magic bytes), verify the compressed digest and the diff ID while reading, and offer
//! each tar entry to the registered [`LayerVisitor`]s. Nothing is written to disk.

use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::digest::{Digest, ErrorSlot, Hasher, VerifyingReader};
use crate::error::{Error, Result};
use crate::finalfs::{FinalFs, LayerRecord};
use crate::paths::{self, PathFlags};
use crate::region::Region;
use crate::spec::History;
use crate::targuard::TarGuard;
use crate::Limits;

/// What a visitor wants of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// Nothing: do not call `visit` for this entry.
    No,
    /// Only the metadata (`visit` gets `body = None`).
    Meta,
    /// Metadata and up to `max_bytes` of the body (regular files only; other kinds get
    /// an empty body). The walker also caps bodies at [`Limits::max_body_bytes`].
    Body {
        /// The most bytes this visitor wants to see.
        max_bytes: u64,
    },
    /// Random access to the body (regular files only), through
    /// [`LayerVisitor::visit_random`] instead of `visit`: for readers that need a few
    /// ranges of a large file (an ELF binary's section table and one section). A local
    /// uncompressed layer walked with [`WalkOptions::skip_unwanted_bodies`] serves the
    /// ranges straight from the file; otherwise the body is buffered. Either way the
    /// visitor sees the first `max_bytes` (also capped by [`Limits::max_body_bytes`]
    /// when buffered).
    Random {
        /// The most bytes the visitor can read.
        max_bytes: u64,
    },
}

/// The kind of a tar entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file (also GNU sparse and contiguous files).
    File,
    /// A directory.
    Dir,
    /// A symbolic link; `target` is raw, as written (may be absolute or climb with
    /// `..`); see [`paths::resolve_link`] and [`EntryMeta::link_resolution`].
    Symlink {
        /// The raw link target.
        target: String,
    },
    /// A hard link to `target`, a cleaned path (it may name a file of a lower layer).
    Hardlink {
        /// The cleaned target path.
        target: String,
    },
    /// A character device.
    CharDevice {
        /// Major number.
        major: u32,
        /// Minor number.
        minor: u32,
    },
    /// A block device.
    BlockDevice {
        /// Major number.
        major: u32,
        /// Minor number.
        minor: u32,
    },
    /// A named pipe.
    Fifo,
    /// Anything else (the raw tar type flag).
    Other(u8),
}

/// A whiteout marker (OCI `layer.md`): the entry deletes something of lower layers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Whiteout {
    /// `.wh.<name>`: deletes `target` (a cleaned path) and everything under it.
    Delete {
        /// The deleted path.
        target: String,
    },
    /// `<dir>/.wh..wh..opq`: hides all lower-layer children of `dir`.
    Opaque {
        /// The opaque directory (`""` = root).
        dir: String,
    },
    /// A bare `.wh.` or an AUFS bookkeeping entry (`.wh..wh.plnk`...): no effect.
    Invalid,
}

/// One tar entry's metadata, as offered to visitors.
#[derive(Clone, Debug)]
pub struct EntryMeta {
    /// Cleaned path: relative, no leading `/` or `./`, `..` resolved lexically (clamped at
    /// the root, see `path_flags`). The root directory is `""`.
    pub path: String,
    /// The raw path when it differed from `path` in more than a leading `./` or `/`.
    pub raw_path: Option<String>,
    /// What cleaning revealed (absolute path, `..`, escape attempts, bad UTF-8).
    pub path_flags: PathFlags,
    /// The same for a hard link's target (default for other kinds): `escapes_root`
    /// means the link points out of the image root.
    pub link_flags: PathFlags,
    /// Kind (with link targets).
    pub kind: EntryKind,
    /// Full mode bits, including setuid (0o4000), setgid (0o2000) and sticky (0o1000).
    pub mode: u32,
    /// Owner uid.
    pub uid: u64,
    /// Owner gid.
    pub gid: u64,
    /// Size in bytes of the body (0 for non-files).
    pub size: u64,
    /// Modification time (seconds since the epoch).
    pub mtime: u64,
    /// Extended attributes from PAX `SCHILY.xattr.*` records (e.g. `security.capability`).
    pub xattrs: Vec<(String, Vec<u8>)>,
    /// Set when this entry is a whiteout marker rather than content.
    pub whiteout: Option<Whiteout>,
    /// Position of the entry in its layer (0-based).
    pub position: u64,
}

impl EntryMeta {
    /// Setuid bit set (and a regular file).
    pub fn is_setuid(&self) -> bool {
        self.kind == EntryKind::File && self.mode & 0o4000 != 0
    }
    /// Setgid bit set (and a regular file).
    pub fn is_setgid(&self) -> bool {
        self.kind == EntryKind::File && self.mode & 0o2000 != 0
    }
    /// Sticky bit set.
    pub fn is_sticky(&self) -> bool {
        self.mode & 0o1000 != 0
    }
    /// Permission bits only (0o777).
    pub fn permissions(&self) -> u32 {
        self.mode & 0o777
    }
    /// World-writable (0o002).
    pub fn is_world_writable(&self) -> bool {
        self.mode & 0o002 != 0
    }
    /// The last path component.
    pub fn file_name(&self) -> &str {
        paths::file_name(&self.path)
    }
    /// For a symlink: where it points inside the image, lexically.
    pub fn link_resolution(&self) -> Option<paths::LinkResolution> {
        match &self.kind {
            EntryKind::Symlink { target } => Some(paths::resolve_link(&self.path, target)),
            _ => None,
        }
    }
}

/// A (possibly truncated) entry body handed to a visitor.
#[derive(Clone, Copy, Debug)]
pub struct Body<'a> {
    /// The bytes read (at most the visitor's `max_bytes`).
    pub bytes: &'a [u8],
    /// True when the file is larger than `bytes`.
    pub truncated: bool,
}

/// A layer as the walker and visitors see it.
#[derive(Clone, Debug)]
pub struct LayerInfo {
    /// Position, 0 = base layer.
    pub index: usize,
    /// Digest of the blob as stored (compressed), from the manifest. For a legacy
    /// `docker save` archive (which has no manifest) this is the diff ID.
    pub digest: Digest,
    /// Digest of the uncompressed tar, from the config's `rootfs.diff_ids`.
    pub diff_id: Digest,
    /// Blob size in bytes (compressed), from the descriptor.
    pub size: u64,
    /// Media type from the descriptor (the walker detects compression from the bytes).
    pub media_type: String,
    /// The history entry that made this layer (`empty_layer` entries skipped). `None`
    /// when the history does not line up with the layers (squashed images).
    pub history: Option<History>,
    /// Index of that entry in `config.history`.
    pub history_index: Option<usize>,
}

impl LayerInfo {
    /// The `created_by` of the matching history entry.
    pub fn created_by(&self) -> Option<&str> {
        self.history.as_ref().and_then(|h| h.created_by.as_deref())
    }
}

/// Receives tar entries during [`crate::Image::walk`]. Layers are walked in parallel, so
/// calls for different layers interleave (calls for one layer come in tar order);
/// visitors collect into `Mutex`es or similar and sort by layer index afterwards.
///
/// A blob that several layers of one image name (same digest and diff ID) is read once:
/// its entries are offered for its first layer only, and `layer_done` is called for
/// every layer that names it.
pub trait LayerVisitor: Send + Sync {
    /// Called for every entry (whiteout markers included, with `entry.whiteout` set).
    fn wants(&self, entry: &EntryMeta) -> Want;
    /// Called for entries this visitor wanted; `body` is `Some` when it asked for one.
    fn visit(&self, layer: &LayerInfo, entry: &EntryMeta, body: Option<Body<'_>>);
    /// Called for entries this visitor answered [`Want::Random`]: `body` reads and seeks
    /// within the entry's bytes, the first `max_bytes` of them (`truncated` when the
    /// file is larger). Regular files only (others get an empty body).
    fn visit_random(
        &self,
        _layer: &LayerInfo,
        _entry: &EntryMeta,
        _body: &mut dyn SeekRead,
        _truncated: bool,
    ) {
    }
    /// Called once a layer has been read completely and verified.
    fn layer_done(&self, _layer: &LayerInfo, _stats: &LayerStats) {}
}

/// Progress reports, in compressed bytes (what is actually read from the source).
/// Implementations must be cheap: `advance` is called every few hundred KiB per layer.
pub trait Progress: Send + Sync {
    /// The walk starts: `total_bytes` over `layers` layers.
    fn start(&self, _total_bytes: u64, _layers: usize) {}
    /// `bytes` more were read from layer `layer`.
    fn advance(&self, _layer: usize, _bytes: u64) {}
    /// A layer is done (successfully or not).
    fn layer_done(&self, _layer: usize) {}
    /// The walk is over.
    fn finish(&self) {}
}

/// How to walk.
#[derive(Clone, Default)]
pub struct WalkOptions {
    /// Layers read at once; 0 = as many as CPUs (at most 8).
    pub threads: usize,
    /// Compute the [`FinalFs`] (costs the bytes of every path, one string per layer).
    pub final_fs: bool,
    /// With `final_fs`: the view holds only the paths some visitor wanted, and their
    /// parent folders, each exactly as in the whole view (see [`FinalFs::build`]):
    /// enough for a visitor that looks up its own findings, at a fraction of the cost
    /// on an image of many small files.
    pub final_fs_wanted_only: bool,
    /// Progress callback.
    pub progress: Option<Arc<dyn Progress>>,
    /// Local uncompressed layers (a `docker save` archive, an uncompressed layout blob):
    /// seek over the bodies of entries no visitor wants instead of reading and hashing
    /// them. Their digests are then not verified ([`LayerStats::digest_verified`] and
    /// [`LayerStats::diff_id_verified`] are false); truncation, the tar limits and every
    /// entry header are still checked. Local compressed layers are read whole and their
    /// blob digest is checked, but not their diff ID (a second hash of the whole
    /// uncompressed stream). Registry layers are always verified both ways. Off by
    /// default: whatever signs, gates or promotes verifies.
    pub skip_unwanted_bodies: bool,
}

/// The compression detected from a layer's first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Plain tar.
    None,
    /// gzip (one or more members).
    Gzip,
    /// zstd (one or more frames, skippable frames allowed).
    Zstd,
}

/// Numbers about one walked layer.
#[derive(Clone, Debug)]
pub struct LayerStats {
    /// Layer index.
    pub index: usize,
    /// Compression detected.
    pub compression: Compression,
    /// Bytes read from the source.
    pub compressed_bytes: u64,
    /// Bytes of uncompressed tar.
    pub uncompressed_bytes: u64,
    /// Tar entries (whiteouts included).
    pub entries: u64,
    /// True when the compressed digest was checked (always, except legacy `docker save`
    /// layers, whose blob has no digest of its own: their diff ID is checked instead,
    /// and layers walked with [`WalkOptions::skip_unwanted_bodies`]).
    pub digest_verified: bool,
    /// True when the uncompressed content was hashed and matched the config's diff ID
    /// (always, except local layers walked with [`WalkOptions::skip_unwanted_bodies`]).
    pub diff_id_verified: bool,
}

/// What a walk produced besides the visitors' own state.
#[derive(Debug)]
pub struct WalkSummary {
    /// Per layer, base first.
    pub layers: Vec<LayerStats>,
    /// The final filesystem view, when asked for.
    pub final_fs: Option<FinalFs>,
}

/// A layer blob to walk: a stream, or a region of a local file that can be seeked.
pub(crate) enum LayerBlob {
    /// Read front to back (registries, and every compressed layer).
    Stream(Box<dyn Read + Send>),
    /// A local file region (only offered under [`WalkOptions::skip_unwanted_bodies`]).
    Local(Region),
}

/// A seekable reader that can move to a walking thread.
pub trait SeekRead: Read + Seek + Send {}
impl<T: Read + Seek + Send> SeekRead for T {}

/// A [`LayerBlob::Local`] read front to back after all (a compressed local layer).
struct LocalAsStream(Region);

impl Read for LocalAsStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

/// How to check one layer blob while reading it.
pub(crate) struct LayerCheck {
    /// Verify the stored blob against `LayerInfo::digest` (false for legacy docker-archive).
    pub verify_digest: bool,
}

struct ProgressReader<R> {
    inner: R,
    progress: Option<Arc<dyn Progress>>,
    layer: usize,
    pending: u64,
    cancel: Arc<AtomicBool>,
}

impl<R: Read> Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(io::Error::other(CANCELLED));
        }
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            self.pending += n as u64;
            if self.pending >= 256 * 1024 || n == 0 {
                p.advance(self.layer, self.pending);
                self.pending = 0;
            }
        }
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for ProgressReader<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(io::Error::other(CANCELLED));
        }
        let p = self.inner.seek(to)?;
        if let (Some(p), SeekFrom::Current(n)) = (&self.progress, to) {
            self.pending += n.unsigned_abs();
            if self.pending >= 256 * 1024 {
                p.advance(self.layer, self.pending);
                self.pending = 0;
            }
        }
        Ok(p)
    }
}

const CANCELLED: &str = "walk cancelled after another layer failed";

/// Counts and hashes the uncompressed tar stream, enforcing the decompressed-size caps
/// (per layer, and for the whole image through `image_total`).
struct DiffReader<R> {
    inner: R,
    /// `None` when the diff ID is not checked (see `walk_one`).
    hasher: Option<Hasher>,
    read: u64,
    limit: u64,
    label: String,
    slot: ErrorSlot,
    image_total: Arc<AtomicU64>,
    image_limit: u64,
}

impl<R: Read> Read for DiffReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let total = self.image_total.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        if total > self.image_limit {
            return Err(self.slot.set(Error::LimitExceeded {
                what: format!("{}: decompressed size of all layers together", self.label),
                amount: total,
                limit: self.image_limit,
            }));
        }
        if self.read > self.limit {
            return Err(self.slot.set(Error::LimitExceeded {
                what: format!("{}: decompressed size", self.label),
                amount: self.read,
                limit: self.limit,
            }));
        }
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

type Verified = VerifyingReader<ProgressReader<Box<dyn Read + Send>>>;
type Prefixed = BufReader<io::Chain<io::Cursor<Vec<u8>>, Verified>>;

enum Decoder {
    Plain(Box<Prefixed>),
    Gzip(Box<flate2::bufread::MultiGzDecoder<Prefixed>>),
    Zstd(Box<zstd::stream::read::Decoder<'static, Prefixed>>),
}

impl Read for Decoder {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Plain(r) => r.read(buf),
            Decoder::Gzip(r) => r.read(buf),
            Decoder::Zstd(r) => r.read(buf),
        }
    }
}

impl Decoder {
    fn into_source(self) -> Prefixed {
        match self {
            Decoder::Plain(r) => *r,
            Decoder::Gzip(r) => r.into_inner(),
            Decoder::Zstd(r) => r.finish(),
        }
    }
}

fn detect(prefix: &[u8]) -> std::result::Result<Compression, &'static str> {
    match prefix {
        [0x1f, 0x8b, ..] => Ok(Compression::Gzip),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Ok(Compression::Zstd),
        [0x50, 0x2a, 0x4d, 0x18, ..] => Ok(Compression::Zstd), // skippable frame first
        [b'B', b'Z', b'h', ..] => Err("bzip2-compressed layers are not supported"),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Err("xz-compressed layers are not supported"),
        _ => Ok(Compression::None),
    }
}

/// Everything the walk of one layer needs besides its blob.
pub(crate) struct LayerWalk<'a> {
    pub layer: &'a LayerInfo,
    pub visitors: &'a [&'a dyn LayerVisitor],
    pub limits: &'a Limits,
    pub progress: Option<Arc<dyn Progress>>,
    /// Record the entries for the final filesystem.
    pub record: bool,
    pub cancel: Arc<AtomicBool>,
    /// Uncompressed bytes of the whole image so far (capped).
    pub image_total: Arc<AtomicU64>,
}

impl LayerWalk<'_> {
    fn label(&self) -> String {
        format!("layer {} {}", self.layer.index, self.layer.digest)
    }
}

fn layer_error(layer: &LayerInfo, reason: String, source: Option<io::Error>) -> Error {
    Error::Layer {
        index: layer.index,
        digest: layer.digest.to_string(),
        reason,
        source,
    }
}

/// Reads one layer blob to the end, visiting its entries. Internal entry point for
/// [`crate::Image::walk`], public for tests through [`walk_layer_blob`].
pub(crate) fn walk_one(
    raw: LayerBlob,
    check: &LayerCheck,
    w: LayerWalk<'_>,
) -> Result<(LayerStats, Option<LayerRecord>)> {
    let (layer, limits, label) = (w.layer, w.limits, w.label());
    let layer_err = |reason, source| layer_error(layer, reason, source);
    if layer.size > limits.max_layer_bytes {
        return Err(Error::LimitExceeded {
            what: format!("{label}: declared size"),
            amount: layer.size,
            limit: limits.max_layer_bytes,
        });
    }
    // A compressed layer of a local archive walked under `skip_unwanted_bodies`: its
    // blob digest (from the manifest) is checked, so the diff ID, a second hash of the
    // whole uncompressed stream, is skipped like the bodies of plain local layers.
    let mut local_compressed = false;
    let raw: Box<dyn Read + Send> = match raw {
        LayerBlob::Stream(r) => r,
        LayerBlob::Local(mut r) => match local_compression(&mut r) {
            Ok(Compression::None) => return walk_local(r, w),
            Ok(_) => {
                local_compressed = true;
                Box::new(LocalAsStream(r))
            }
            Err(e) => return Err(layer_err(format!("read failed: {e}"), Some(e))),
        },
    };
    let LayerWalk {
        visitors,
        progress,
        record,
        cancel,
        image_total,
        ..
    } = w;
    let slot = ErrorSlot::default();
    let progress_reader = ProgressReader {
        inner: raw,
        progress,
        layer: layer.index,
        pending: 0,
        cancel,
    };
    let mut verified = VerifyingReader::new(
        progress_reader,
        label.clone(),
        Some(layer.size),
        // An uncompressed blob is its own diff: hashing it once, as the diff ID below,
        // verifies both.
        (check.verify_digest && layer.digest != layer.diff_id).then_some(&layer.digest),
        slot.clone(),
    )?;
    // Peek at the magic bytes without a seekable source.
    let mut prefix = Vec::with_capacity(6);
    {
        let mut lim = (&mut verified).take(6);
        if let Err(e) = lim.read_to_end(&mut prefix) {
            return Err(slot
                .take()
                .unwrap_or_else(|| layer_err(format!("read failed: {e}"), Some(e))));
        }
    }
    let compression = detect(&prefix).map_err(|m| layer_err(m.to_string(), None))?;
    let source = BufReader::with_capacity(256 * 1024, io::Cursor::new(prefix).chain(verified));
    let decoder = match compression {
        Compression::None => Decoder::Plain(Box::new(source)),
        Compression::Gzip => Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(source))),
        Compression::Zstd => match zstd::stream::read::Decoder::with_buffer(source) {
            Ok(d) => Decoder::Zstd(Box::new(d)),
            Err(e) => return Err(layer_err(format!("zstd decoder: {e}"), Some(e))),
        },
    };
    let diff_alg = layer.diff_id.algorithm()?;
    let diff = DiffReader {
        inner: decoder,
        hasher: (!(local_compressed && check.verify_digest && layer.digest != layer.diff_id))
            .then(|| Hasher::new(diff_alg)),
        read: 0,
        limit: limits.uncompressed_cap(layer.size),
        label: label.clone(),
        slot: slot.clone(),
        image_total,
        image_limit: limits.max_image_uncompressed_bytes,
    };
    let mut archive = guarded(diff, limits, &label, &slot);
    let mut rec = record.then(LayerRecord::default);
    let mut entries = 0u64;
    let walked = archive.entries().and_then(|it| {
        walk_entries(
            it,
            layer,
            visitors,
            limits,
            rec.as_mut(),
            &mut entries,
            None,
        )
    });
    let mut guard = archive.into_inner();
    // Whatever happened, try to read the rest so that a digest mismatch (the most
    // precise explanation of a corrupt stream) is what gets reported.
    let drained = match walked {
        Ok(()) => io::copy(&mut guard, &mut io::sink()).map(|_| ()),
        Err(e) => Err(e),
    };
    let diff = guard.into_inner();
    if let Err(e) = drained {
        if let Some(err) = known_failure(&e, &slot, &label, layer, limits) {
            return Err(err);
        }
        // Check the compressed stream: was the blob itself bad?
        let mut src = diff.inner.into_source();
        let _ = io::copy(&mut src, &mut io::sink());
        if let Some(err) = slot.take() {
            return Err(err);
        }
        let reason = if e.kind() == io::ErrorKind::UnexpectedEof {
            format!("truncated or corrupt layer: {e}")
        } else {
            format!("corrupt layer: {e}")
        };
        return Err(layer_err(reason, Some(e)));
    }
    let uncompressed = diff.read;
    let got = diff.hasher.clone().map(Hasher::finish);
    let mut src = diff.inner.into_source();
    // Trailing bytes after the compressed stream still count towards the blob digest.
    let res = io::copy(&mut src, &mut io::sink());
    if let Some(err) = slot.take() {
        return Err(err);
    }
    if let Err(e) = res {
        return Err(layer_err(format!("read failed: {e}"), Some(e)));
    }
    if let Some(got) = &got {
        if got != &layer.diff_id {
            return Err(Error::DigestMismatch {
                blob: format!("{label} (uncompressed content, diff ID)"),
                expected: layer.diff_id.to_string(),
                actual: got.to_string(),
            });
        }
    }
    let (_, verified) = src.into_inner().into_inner();
    let stats = LayerStats {
        index: layer.index,
        compression,
        compressed_bytes: layer.size.min(verified_count(&verified)),
        uncompressed_bytes: uncompressed,
        entries,
        digest_verified: check.verify_digest,
        diff_id_verified: got.is_some(),
    };
    Ok((stats, rec))
}

/// A tar reader over `inner` with the tar guard's limits (see [`TarGuard`]).
fn guarded<R: Read>(
    inner: R,
    limits: &Limits,
    label: &str,
    slot: &ErrorSlot,
) -> tar::Archive<TarGuard<R>> {
    tar::Archive::new(TarGuard::new(
        inner,
        limits.max_tar_header_bytes,
        label.to_string(),
        slot.clone(),
    ))
}

/// Reads the magic bytes of a local layer, then rewinds it.
fn local_compression(r: &mut Region) -> io::Result<Compression> {
    let mut prefix = Vec::with_capacity(6);
    r.take(6).read_to_end(&mut prefix)?;
    r.seek(SeekFrom::Start(0))?;
    detect(&prefix).map_err(|m| io::Error::new(io::ErrorKind::InvalidData, m))
}

/// Why a walk failed, when a reader below the tar crate recorded it (a digest or size
/// mismatch, a tar limit), another layer's failure cancelled it, or it ran into a limit.
fn known_failure(
    e: &io::Error,
    slot: &ErrorSlot,
    label: &str,
    layer: &LayerInfo,
    limits: &Limits,
) -> Option<Error> {
    if let Some(err) = slot.take() {
        return Some(err);
    }
    if e.to_string().contains(CANCELLED) {
        return Some(layer_error(layer, CANCELLED.into(), None));
    }
    limit_error(e, label, limits)
}

/// The limit a failed walk ran into, if that is why it failed.
fn limit_error(e: &io::Error, label: &str, limits: &Limits) -> Option<Error> {
    Some(
        match e.get_ref().and_then(|i| i.downcast_ref::<WalkError>())? {
            WalkError::TooManyEntries(n) => Error::LimitExceeded {
                what: format!("{label}: entry count"),
                amount: *n,
                limit: limits.max_entries_per_layer,
            },
            WalkError::PathTooLong(n) => Error::LimitExceeded {
                what: format!("{label}: entry path or link target length"),
                amount: *n,
                limit: limits.max_path_bytes,
            },
        },
    )
}

/// Walks a local uncompressed layer, seeking over the bodies no visitor wants (see
/// [`WalkOptions::skip_unwanted_bodies`]). Nothing is hashed; the size, the tar framing
/// and every limit are checked as in the streaming walk.
fn walk_local(mut raw: Region, w: LayerWalk<'_>) -> Result<(LayerStats, Option<LayerRecord>)> {
    let label = w.label();
    let LayerWalk {
        layer,
        visitors,
        limits,
        progress,
        record,
        cancel,
        image_total,
    } = w;
    let layer_err = |reason, source| layer_error(layer, reason, source);
    let len = raw
        .seek(SeekFrom::End(0))
        .and_then(|n| raw.seek(SeekFrom::Start(0)).map(|_| n))
        .map_err(|e| layer_err(format!("read failed: {e}"), Some(e)))?;
    if len != layer.size {
        return Err(Error::SizeMismatch {
            blob: label,
            expected: layer.size,
            actual: len,
            overrun: len > layer.size,
        });
    }
    let total = image_total.fetch_add(len, Ordering::Relaxed) + len;
    if total > limits.max_image_uncompressed_bytes {
        return Err(Error::LimitExceeded {
            what: format!("{label}: decompressed size of all layers together"),
            amount: total,
            limit: limits.max_image_uncompressed_bytes,
        });
    }
    let slot = ErrorSlot::default();
    let base = raw.handle();
    let reader = ProgressReader {
        inner: raw,
        progress,
        layer: layer.index,
        pending: 0,
        cancel,
    };
    let mut archive = guarded(reader, limits, &label, &slot);
    let mut rec = record.then(LayerRecord::default);
    let mut entries = 0u64;
    let walked = archive.entries_with_seek().and_then(|it| {
        walk_entries(
            it,
            layer,
            visitors,
            limits,
            rec.as_mut(),
            &mut entries,
            Some(&base),
        )
    });
    if let Err(e) = walked {
        if let Some(err) = known_failure(&e, &slot, &label, layer, limits) {
            return Err(err);
        }
        let reason = if e.kind() == io::ErrorKind::UnexpectedEof
            || e.to_string().contains("unexpected EOF")
        {
            format!("truncated or corrupt layer: {e}")
        } else {
            format!("corrupt layer: {e}")
        };
        return Err(layer_err(reason, Some(e)));
    }
    let reader = archive.into_inner().into_inner();
    if let Some(p) = &reader.progress {
        p.advance(layer.index, reader.pending);
    }
    let stats = LayerStats {
        index: layer.index,
        compression: Compression::None,
        compressed_bytes: len,
        uncompressed_bytes: len,
        entries,
        digest_verified: false,
        diff_id_verified: false,
    };
    Ok((stats, rec))
}

fn verified_count(v: &Verified) -> u64 {
    v.bytes_read()
}

#[derive(Debug)]
enum WalkError {
    TooManyEntries(u64),
    PathTooLong(u64),
}

impl std::fmt::Display for WalkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WalkError::TooManyEntries(n) => write!(f, "more than {n} entries"),
            WalkError::PathTooLong(n) => write!(f, "a path or link target of {n} bytes"),
        }
    }
}

impl std::error::Error for WalkError {}

fn walk_entries<R: Read>(
    entries: tar::Entries<'_, R>,
    layer: &LayerInfo,
    visitors: &[&dyn LayerVisitor],
    limits: &Limits,
    mut rec: Option<&mut LayerRecord>,
    count: &mut u64,
    local: Option<&Region>,
) -> io::Result<()> {
    let mut wants: Vec<Want> = vec![Want::No; visitors.len()];
    let mut body_buf: Vec<u8> = Vec::new();
    for entry in entries {
        let mut entry = entry?;
        *count += 1;
        if *count > limits.max_entries_per_layer {
            return Err(io::Error::other(WalkError::TooManyEntries(
                limits.max_entries_per_layer,
            )));
        }
        let name_len = entry
            .path_bytes()
            .len()
            .max(entry.link_name_bytes().map_or(0, |l| l.len())) as u64;
        if name_len > limits.max_path_bytes {
            return Err(io::Error::other(WalkError::PathTooLong(name_len)));
        }
        let meta = entry_meta(&mut entry, *count - 1);
        let mut max_body: Option<u64> = None;
        let mut any = false;
        let is_file = meta.kind == EntryKind::File && meta.whiteout.is_none();
        // Random access straight from the file: not for GNU sparse entries, whose
        // stored bytes are not the file's.
        let from_file = local
            .filter(|_| is_file && !entry.header().entry_type().is_gnu_sparse())
            .map(|r| r.sub(entry.raw_file_position(), meta.size));
        for (w, v) in wants.iter_mut().zip(visitors) {
            *w = v.wants(&meta);
            match *w {
                Want::No => {}
                Want::Meta => any = true,
                Want::Random { .. } if from_file.is_some() => any = true,
                Want::Body { max_bytes } | Want::Random { max_bytes } => {
                    any = true;
                    max_body = Some(max_body.map_or(max_bytes, |m: u64| m.max(max_bytes)));
                }
            }
        }
        if let Some(r) = rec.as_deref_mut() {
            r.push(&meta, any);
        }
        if !any {
            continue;
        }
        let mut truncated = false;
        body_buf.clear();
        if let Some(m) = max_body {
            if is_file {
                let cap = m.min(limits.max_body_bytes);
                body_buf.reserve(usize::try_from(cap.min(meta.size).min(1 << 20)).unwrap_or(0));
                (&mut entry).take(cap).read_to_end(&mut body_buf)?;
                truncated = meta.size > body_buf.len() as u64;
            }
        }
        for (w, v) in wants.iter().zip(visitors) {
            match *w {
                Want::No => {}
                Want::Meta => v.visit(layer, &meta, None),
                Want::Body { max_bytes } => {
                    let n = usize::try_from(max_bytes)
                        .unwrap_or(usize::MAX)
                        .min(body_buf.len());
                    let bytes = body_buf.get(..n).unwrap_or(&[]);
                    v.visit(
                        layer,
                        &meta,
                        Some(Body {
                            bytes,
                            truncated: truncated || n < body_buf.len(),
                        }),
                    );
                }
                Want::Random { max_bytes } => match &from_file {
                    // Capped as a buffered body would be: the same bytes either way.
                    Some(r) => {
                        let cap = max_bytes.min(limits.max_body_bytes);
                        v.visit_random(layer, &meta, &mut r.sub(0, cap), meta.size > cap)
                    }
                    None => {
                        let n = usize::try_from(max_bytes)
                            .unwrap_or(usize::MAX)
                            .min(body_buf.len());
                        let mut bytes = io::Cursor::new(body_buf.get(..n).unwrap_or(&[]));
                        let cut = truncated || n < body_buf.len();
                        v.visit_random(layer, &meta, &mut bytes, cut);
                    }
                },
            }
        }
    }
    Ok(())
}

fn entry_meta<R: Read>(entry: &mut tar::Entry<'_, R>, position: u64) -> EntryMeta {
    let (path, path_flags, raw_path) = {
        let raw = entry.path_bytes();
        let (path, path_flags) = paths::clean_path(&raw);
        let trimmed = raw
            .strip_prefix(b"./")
            .or_else(|| raw.strip_prefix(b"/"))
            .unwrap_or(&raw);
        let trimmed = trimmed.strip_suffix(b"/").unwrap_or(trimmed);
        let raw_path = (trimmed != path.as_bytes() && !raw.is_empty() && &raw[..] != b".")
            .then(|| String::from_utf8_lossy(&raw).into_owned());
        (path, path_flags, raw_path)
    };
    let header = entry.header();
    let et = header.entry_type();
    let link = || {
        entry
            .link_name_bytes()
            .map(|b| b.into_owned())
            .unwrap_or_default()
    };
    let mut link_flags = PathFlags::default();
    let kind = match et {
        tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
            EntryKind::File
        }
        tar::EntryType::Directory => EntryKind::Dir,
        tar::EntryType::Symlink => EntryKind::Symlink {
            target: String::from_utf8_lossy(&link()).into_owned(),
        },
        tar::EntryType::Link => {
            let (target, flags) = paths::clean_path(&link());
            link_flags = flags;
            EntryKind::Hardlink { target }
        }
        tar::EntryType::Char => EntryKind::CharDevice {
            major: header.device_major().ok().flatten().unwrap_or(0),
            minor: header.device_minor().ok().flatten().unwrap_or(0),
        },
        tar::EntryType::Block => EntryKind::BlockDevice {
            major: header.device_major().ok().flatten().unwrap_or(0),
            minor: header.device_minor().ok().flatten().unwrap_or(0),
        },
        tar::EntryType::Fifo => EntryKind::Fifo,
        other => EntryKind::Other(other.as_byte()),
    };
    let mode = header.mode().unwrap_or(0);
    let uid = header.uid().unwrap_or(0);
    let gid = header.gid().unwrap_or(0);
    let mtime = header.mtime().unwrap_or(0);
    let size = if kind == EntryKind::File {
        entry.size()
    } else {
        0
    };
    let mut xattrs = Vec::new();
    let is_pax_entry = et.is_pax_global_extensions() || et.is_pax_local_extensions();
    if let Some(Ok(Some(exts))) = (!is_pax_entry).then(|| entry.pax_extensions()) {
        for ext in exts.flatten() {
            if let Ok(key) = ext.key() {
                if let Some(name) = key.strip_prefix("SCHILY.xattr.") {
                    if xattrs.len() < 64 {
                        xattrs.push((name.to_string(), ext.value_bytes().to_vec()));
                    }
                }
            }
        }
    }
    let name = paths::file_name(&path);
    let whiteout = name.strip_prefix(".wh.").map(|rest| {
        let dir = paths::parent(&path);
        if rest == ".wh..opq" {
            Whiteout::Opaque {
                dir: dir.to_string(),
            }
        } else if rest.is_empty() || rest.starts_with(".wh.") {
            Whiteout::Invalid
        } else {
            Whiteout::Delete {
                target: paths::join(dir, rest),
            }
        }
    });
    EntryMeta {
        path,
        raw_path,
        path_flags,
        link_flags,
        kind,
        mode,
        uid,
        gid,
        size,
        mtime,
        xattrs,
        whiteout,
        position,
    }
}

/// What walking one layer gives.
type LayerResult = Result<(LayerStats, Option<LayerRecord>)>;

/// Opens a layer blob for the walk.
pub(crate) type OpenLayerFn<'a> = dyn Fn(&LayerInfo) -> Result<(LayerBlob, LayerCheck)> + Sync + 'a;

/// Walks layers in parallel (bounded) and assembles the summary in layer order.
pub(crate) fn walk_layers(
    layers: &[LayerInfo],
    open: &OpenLayerFn<'_>,
    visitors: &[&dyn LayerVisitor],
    limits: &Limits,
    opts: &WalkOptions,
) -> Result<WalkSummary> {
    use rayon::prelude::*;

    if let Some(p) = &opts.progress {
        p.start(layers.iter().map(|l| l.size).sum(), layers.len());
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let image_total = Arc::new(AtomicU64::new(0));
    let first_failure: std::sync::Mutex<Option<usize>> = std::sync::Mutex::new(None);
    // A blob named by several layers is read once (a thousand descriptors naming one
    // zstd bomb must not inflate it a thousand times).
    let first_of: Vec<usize> = layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            layers
                .get(..i)
                .unwrap_or(&[])
                .iter()
                .position(|p| p.digest == l.digest && p.diff_id == l.diff_id)
                .unwrap_or(i)
        })
        .collect();
    let unique: Vec<&LayerInfo> = layers
        .iter()
        .enumerate()
        .filter(|(i, _)| first_of.get(*i) == Some(i))
        .map(|(_, l)| l)
        .collect();
    let run_one = |layer: &&LayerInfo| -> Result<(LayerStats, Option<LayerRecord>)> {
        let layer: &LayerInfo = layer;
        let res = open(layer).and_then(|(raw, check)| {
            walk_one(
                raw,
                &check,
                LayerWalk {
                    layer,
                    visitors,
                    limits,
                    progress: opts.progress.clone(),
                    record: opts.final_fs,
                    cancel: cancel.clone(),
                    image_total: image_total.clone(),
                },
            )
        });
        if let Some(p) = &opts.progress {
            p.layer_done(layer.index);
        }
        match res {
            Ok((stats, mut rec)) => {
                for v in visitors {
                    v.layer_done(layer, &stats);
                }
                // Sorted here, on the layer's own thread (see `LayerRecord::sort`).
                if let Some(r) = rec.as_mut() {
                    r.sort();
                }
                Ok((stats, rec))
            }
            Err(e) => {
                // The first layer to fail is the one to report; the others were
                // stopped because of it.
                if !cancel.swap(true, Ordering::SeqCst) {
                    if let Ok(mut g) = first_failure.lock() {
                        *g = Some(layer.index);
                    }
                }
                Err(e)
            }
        }
    };
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(8)
    } else {
        opts.threads
    }
    .clamp(1, unique.len().max(1));
    let unique_results: Vec<Result<(LayerStats, Option<LayerRecord>)>> =
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) if threads > 1 => pool.install(|| unique.par_iter().map(run_one).collect()),
            _ => unique.iter().map(run_one).collect(),
        };
    let mut by_layer: Vec<Option<LayerResult>> = (0..layers.len()).map(|_| None).collect();
    for (l, r) in unique.iter().zip(unique_results) {
        if let Some(slot) = by_layer.get_mut(l.index) {
            *slot = Some(r);
        }
    }
    // Repeated blobs: the first occurrence's numbers and record, under their own index.
    let mut results: Vec<Result<(LayerStats, Option<LayerRecord>)>> =
        Vec::with_capacity(layers.len());
    for (i, layer) in layers.iter().enumerate() {
        let first = first_of.get(i).copied().unwrap_or(i);
        let r = if first == i {
            by_layer.get_mut(i).and_then(Option::take)
        } else {
            match results.get(first) {
                Some(Ok((stats, rec))) => {
                    let mut stats = stats.clone();
                    stats.index = i;
                    for v in visitors {
                        v.layer_done(layer, &stats);
                    }
                    Some(Ok((stats, rec.clone())))
                }
                _ => None,
            }
        };
        results.push(r.unwrap_or_else(|| {
            Err(Error::Layer {
                index: i,
                digest: layer.digest.to_string(),
                reason: CANCELLED.into(),
                source: None,
            })
        }));
    }
    if let Some(p) = &opts.progress {
        p.finish();
    }
    let mut stats = Vec::with_capacity(layers.len());
    let mut records = Vec::with_capacity(layers.len());
    let culprit = first_failure.lock().ok().and_then(|g| *g);
    let mut first_err: Option<Error> = None;
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok((s, rec)) => {
                stats.push(s);
                records.push(rec.unwrap_or_default());
            }
            Err(e) => {
                let is_culprit = culprit == Some(i);
                if first_err.is_none() || is_culprit {
                    first_err = Some(e);
                }
                if is_culprit {
                    break;
                }
            }
        }
    }
    if let Some(e) = first_err {
        return Err(e);
    }
    let final_fs = opts
        .final_fs
        .then(|| FinalFs::build(records, opts.final_fs_wanted_only));
    Ok(WalkSummary {
        layers: stats,
        final_fs,
    })
}

/// Walks one layer blob from any reader, outside an [`crate::Image`] (tests, tools).
/// The blob is verified against `layer.size`, `layer.digest` and `layer.diff_id`.
pub fn walk_layer_blob(
    blob: Box<dyn Read + Send>,
    layer: &LayerInfo,
    visitors: &[&dyn LayerVisitor],
    limits: &Limits,
) -> Result<LayerStats> {
    walk_one(
        LayerBlob::Stream(blob),
        &LayerCheck {
            verify_digest: true,
        },
        LayerWalk {
            layer,
            visitors,
            limits,
            progress: None,
            record: false,
            cancel: Arc::new(AtomicBool::new(false)),
            image_total: Arc::new(AtomicU64::new(0)),
        },
    )
    .map(|(s, _)| s)
}

/// Fuzzing oracle for the local walk: `data` as one uncompressed layer, walked streaming
/// (hashed) and from a file seeking over bodies ([`WalkOptions::skip_unwanted_bodies`]),
/// with a visitor that reads a few random ranges of every regular file. Both walks must
/// show the same entries (kind, path, size, the bytes read) up to where the first fails,
/// and the seeking walk must fail only where the streaming one does. Nothing panics.
#[doc(hidden)]
pub fn fuzz_check_local_walk(data: &[u8]) -> std::result::Result<(), String> {
    use std::io::Write;
    use std::sync::Mutex;

    struct Seen(Mutex<Vec<String>>);
    impl LayerVisitor for Seen {
        fn wants(&self, e: &EntryMeta) -> Want {
            if e.kind == EntryKind::File {
                Want::Random { max_bytes: 4096 }
            } else {
                Want::Meta
            }
        }
        fn visit(&self, _: &LayerInfo, e: &EntryMeta, _: Option<Body<'_>>) {
            let line = format!("{:?} {} {}", e.kind, e.path, e.size);
            self.0.lock().map(|mut v| v.push(line)).ok();
        }
        fn visit_random(&self, _: &LayerInfo, e: &EntryMeta, b: &mut dyn SeekRead, cut: bool) {
            let mut got = Vec::new();
            for at in [SeekFrom::End(-3), SeekFrom::Start(1), SeekFrom::Start(0)] {
                let mut buf = [0u8; 3];
                let n = b.seek(at).ok().and_then(|_| b.read(&mut buf).ok());
                got.push(n.map(|n| buf[..n].to_vec()));
            }
            let line = format!("{:?} {} {} {cut} {got:?}", e.kind, e.path, e.size);
            self.0.lock().map(|mut v| v.push(line)).ok();
        }
    }
    let layer = LayerInfo {
        index: 0,
        digest: Digest::sha256_of(data),
        size: data.len() as u64,
        diff_id: Digest::sha256_of(data),
        media_type: String::new(),
        history: None,
        history_index: None,
    };
    let limits = Limits::default();
    let run = |blob: LayerBlob| {
        let seen = Seen(Mutex::new(Vec::new()));
        let res = walk_one(
            blob,
            &LayerCheck {
                verify_digest: true,
            },
            LayerWalk {
                layer: &layer,
                visitors: &[&seen],
                limits: &limits,
                progress: None,
                record: true,
                cancel: Arc::new(AtomicBool::new(false)),
                image_total: Arc::new(AtomicU64::new(0)),
            },
        );
        (res.is_ok(), seen.0.into_inner().unwrap_or_default())
    };
    let (stream_ok, streamed) = run(LayerBlob::Stream(Box::new(io::Cursor::new(data.to_vec()))));
    let mut file = tempfile::tempfile().map_err(|e| e.to_string())?;
    file.write_all(data).map_err(|e| e.to_string())?;
    let (local_ok, local) = run(LayerBlob::Local(Region::new(file, 0, data.len() as u64)));
    let n = streamed.len().min(local.len());
    if streamed.get(..n) != local.get(..n) {
        return Err(format!("the walks disagree: {streamed:?} vs {local:?}"));
    }
    if stream_ok && !local_ok {
        return Err(format!("only the seeking walk failed after {local:?}"));
    }
    if stream_ok && local_ok && streamed != local {
        return Err(format!("different entries: {streamed:?} vs {local:?}"));
    }
    Ok(())
}
