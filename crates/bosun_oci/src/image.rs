//! Opening an image from any [`Source`] into an [`Image`]: manifest, config and the
//! ordered layers, every document verified against its digest.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use crate::digest::{read_verified, Digest};
use crate::error::{Error, Result};
use crate::reference::Source;
use crate::region::Region;
use crate::spec::{media, Descriptor, ImageConfig, Index, Manifest, Platform};
use crate::walk::{self, LayerBlob, LayerCheck, LayerInfo, LayerVisitor, WalkOptions, WalkSummary};

/// Caps that keep hostile images from exhausting memory, disk or time. Every cap that is
/// hit gives [`Error::LimitExceeded`] naming the blob.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest manifest or index document (default 4 MiB).
    pub max_manifest_bytes: u64,
    /// Largest config blob (default 16 MiB).
    pub max_config_bytes: u64,
    /// Largest layer blob as stored (default 64 GiB).
    pub max_layer_bytes: u64,
    /// Most uncompressed bytes read from one layer (default 32 GiB).
    pub max_layer_uncompressed_bytes: u64,
    /// Highest compression ratio accepted once a layer has produced more than
    /// `ratio_floor_bytes` (default 200:1 over 4 GiB): stops gzip bombs early. (Layers
    /// holding gigabytes of zeros look like bombs: raise the limits for them.)
    pub max_compression_ratio: u64,
    /// Uncompressed bytes allowed whatever the ratio (default 4 GiB, a few seconds of
    /// decompression).
    pub ratio_floor_bytes: u64,
    /// Most tar entries in one layer (default 2,000,000).
    pub max_entries_per_layer: u64,
    /// Most bytes of one entry body handed to visitors (default 64 MiB).
    pub max_body_bytes: u64,
    /// Largest tar metadata record (GNU long name, PAX header) in a layer, which the tar
    /// reader must hold in memory (default 256 KiB; Linux xattr values are at most 64 KiB
    /// and paths 4 KiB).
    pub max_tar_header_bytes: u64,
    /// Most layers in one image (default 1,000).
    pub max_layers: usize,
    /// Most members in an archive (`docker save` / OCI archive tar; default 200,000).
    pub max_archive_members: u64,
    /// Largest archive spooled from a container engine (default 64 GiB).
    pub max_spool_bytes: u64,
    /// Most uncompressed bytes read from all layers of one image together (default
    /// 64 GiB). A blob named by several layers is read once (see [`crate::LayerVisitor`]).
    pub max_image_uncompressed_bytes: u64,
    /// Longest entry path or link target in a layer, in bytes (default 16 KiB; Linux
    /// accepts 4 KiB).
    pub max_path_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_manifest_bytes: 4 << 20,
            max_config_bytes: 16 << 20,
            max_layer_bytes: 64 << 30,
            max_layer_uncompressed_bytes: 32 << 30,
            max_compression_ratio: 200,
            ratio_floor_bytes: 4 << 30,
            max_entries_per_layer: 2_000_000,
            max_body_bytes: 64 << 20,
            max_tar_header_bytes: 256 << 10,
            max_layers: 1000,
            max_archive_members: 200_000,
            max_spool_bytes: 64 << 30,
            max_image_uncompressed_bytes: 64 << 30,
            max_path_bytes: 16 << 10,
        }
    }
}

impl Limits {
    /// The decompressed-size cap for a layer whose blob has `size` bytes.
    pub fn uncompressed_cap(&self, size: u64) -> u64 {
        self.max_layer_uncompressed_bytes.min(
            self.ratio_floor_bytes
                .max(size.saturating_mul(self.max_compression_ratio)),
        )
    }
}

/// Explicit registry credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// User name.
    pub username: String,
    /// Password or token.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, <redacted>)", self.username)
    }
}

/// How to talk to registries.
#[derive(Clone, Debug, Default)]
pub struct RegistryOptions {
    /// Use plain HTTP instead of HTTPS (only for registries you trust on your network).
    pub insecure: bool,
    /// Credentials to use instead of looking them up in the Docker config.
    pub credentials: Option<Credentials>,
    /// Docker config file (default `$DOCKER_CONFIG/config.json`, `~/.docker/config.json`,
    /// then podman's `$REGISTRY_AUTH_FILE` / `$XDG_RUNTIME_DIR/containers/auth.json`).
    pub docker_config: Option<PathBuf>,
    /// CA certificates (PEM) to trust instead of the bundled web PKI roots (default:
    /// `$SSL_CERT_FILE` when set).
    pub ca_file: Option<PathBuf>,
    /// Timeout in seconds for the response headers of a request (default 30).
    pub timeout_secs: Option<u64>,
    /// Timeout in seconds for connecting (default 30).
    pub connect_timeout_secs: Option<u64>,
    /// Longest wait in seconds for the next byte of a body (default 30).
    pub idle_timeout_secs: Option<u64>,
    /// Seconds a body may take whatever its size (default 60); past it, the body must
    /// have arrived at `min_body_bytes_per_sec` on average (see `bosun_oci::net` docs).
    pub body_grace_secs: Option<u64>,
    /// Slowest average rate accepted for a body after the grace period, in bytes per
    /// second (default 262,144 = 256 KiB/s).
    pub min_body_bytes_per_sec: Option<u64>,
}

/// How to open an image.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// Platform to pick from multi-platform indexes (default: the host's).
    pub platform: Option<Platform>,
    /// Registry settings (for `docker://`).
    pub registry: RegistryOptions,
    /// Resource caps.
    pub limits: Limits,
    /// Engine socket for `docker-daemon:` (default from `DOCKER_HOST=unix://...`, else
    /// `/var/run/docker.sock`).
    pub daemon_socket: Option<PathBuf>,
}

/// Where the layer blobs of an opened image are read from.
pub(crate) trait BlobStore: Send + Sync {
    /// Opens layer `layer` for streaming, and says how to verify it.
    fn open_layer(&self, layer: &LayerInfo) -> Result<(Box<dyn Read + Send>, LayerCheck)>;

    /// Opens layer `layer` as a seekable region of a local file, when the store keeps its
    /// blobs on disk (archives, layouts), with the check that applies when it has to be
    /// streamed after all (it is compressed); `None` otherwise.
    fn open_layer_local(&self, _layer: &LayerInfo) -> Result<Option<(Region, LayerCheck)>> {
        Ok(None)
    }
}

/// An opened image: its documents parsed and verified, its layers ready to walk.
pub struct Image {
    /// The source as given (for messages).
    pub source: String,
    /// The image index the manifest was picked from, if any (outermost first).
    pub index: Option<Index>,
    /// Digest of that index, when it is content-addressed (registry, nested indexes).
    pub index_digest: Option<Digest>,
    /// The image manifest. For a legacy `docker save` archive (which has none) a Docker
    /// v2 schema 2 manifest is synthesised from `manifest.json`.
    pub manifest: Manifest,
    /// Digest of the manifest; `None` for a synthesised one.
    pub manifest_digest: Option<Digest>,
    /// The raw manifest bytes as read (empty for a synthesised one).
    pub manifest_raw: Vec<u8>,
    /// The parsed config.
    pub config: ImageConfig,
    /// The raw config bytes (verified against `manifest.config.digest`).
    pub config_raw: Vec<u8>,
    /// The layers, base first, with their history entries.
    pub layers: Vec<LayerInfo>,
    /// Names the source attaches to the image (`RepoTags`, `ref.name`, the reference).
    pub names: Vec<String>,
    /// The platform picked from an index, or the config's own.
    pub platform: Platform,
    /// Caps used for the walk.
    pub limits: Limits,
    pub(crate) blobs: Arc<dyn BlobStore>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("source", &self.source)
            .field("manifest_digest", &self.manifest_digest)
            .field("layers", &self.layers.len())
            .field("platform", &self.platform.to_string())
            .finish_non_exhaustive()
    }
}

impl Image {
    /// Opens an image from a source string (see [`Source::parse`]).
    pub fn open(source: &str, opts: &OpenOptions) -> Result<Image> {
        Image::open_source(&Source::parse(source)?, opts)
    }

    /// Opens an image from a parsed source.
    pub fn open_source(source: &Source, opts: &OpenOptions) -> Result<Image> {
        crate::source::open(source, opts)
    }

    /// Reads every layer once, in parallel, offering entries to `visitors`. Blobs are
    /// verified as they stream (compressed digest, size, diff ID). On failure the error
    /// of the layer that failed first is returned, after the other layers stop.
    pub fn walk(&self, visitors: &[&dyn LayerVisitor], opts: &WalkOptions) -> Result<WalkSummary> {
        let blobs = self.blobs.clone();
        let local = opts.skip_unwanted_bodies;
        walk::walk_layers(
            &self.layers,
            &move |l: &LayerInfo| {
                if local {
                    if let Some((r, check)) = blobs.open_layer_local(l)? {
                        return Ok((LayerBlob::Local(r), check));
                    }
                }
                blobs
                    .open_layer(l)
                    .map(|(r, check)| (LayerBlob::Stream(r), check))
            },
            visitors,
            &self.limits,
            opts,
        )
    }

    /// The manifest's digest or, failing that, the config digest (the image ID).
    pub fn id(&self) -> &Digest {
        self.manifest_digest
            .as_ref()
            .unwrap_or(&self.manifest.config.digest)
    }

    /// Total size of the layer blobs.
    pub fn total_layer_bytes(&self) -> u64 {
        self.layers.iter().map(|l| l.size).sum()
    }
}

/// Parses a manifest-or-index document, using `media_type_hint` (descriptor or HTTP
/// `Content-Type`) and falling back on the document's own fields.
pub(crate) enum Doc {
    Manifest(Box<Manifest>),
    Index(Index),
}

pub(crate) fn parse_doc(bytes: &[u8], media_type_hint: &str, what: &str) -> Result<Doc> {
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| Error::json(what, e))?;
    let mt = v
        .get("mediaType")
        .and_then(|m| m.as_str())
        .unwrap_or(media_type_hint)
        .to_string();
    if mt == media::DOCKER_MANIFEST_V1
        || mt == media::DOCKER_MANIFEST_V1_SIGNED
        || v.get("schemaVersion").and_then(serde_json::Value::as_u64) == Some(1)
    {
        return Err(Error::UnsupportedMediaType {
            what: what.to_string(),
            media_type: "Docker schema 1 manifest (deprecated; re-push the image)".into(),
        });
    }
    let is_index =
        media::is_index(&mt) || (!media::is_manifest(&mt) && v.get("manifests").is_some());
    if is_index {
        serde_json::from_value(v)
            .map(Doc::Index)
            .map_err(|e| Error::json(what, e))
    } else if media::is_manifest(&mt) || v.get("config").is_some() {
        serde_json::from_value(v)
            .map(|m| Doc::Manifest(Box::new(m)))
            .map_err(|e| Error::json(what, e))
    } else {
        Err(Error::UnsupportedMediaType {
            what: what.to_string(),
            media_type: if mt.is_empty() {
                "(none, and neither layers nor manifests)".into()
            } else {
                mt
            },
        })
    }
}

/// Chooses the manifest for `wanted` among an index's entries.
pub(crate) fn pick_platform<'a>(
    index: &'a Index,
    wanted: Option<&Platform>,
    what: &str,
) -> Result<&'a Descriptor> {
    let host = Platform::host();
    let want = wanted.unwrap_or(&host);
    // Attestation manifests (buildx) say unknown/unknown.
    let real: Vec<&Descriptor> = index
        .manifests
        .iter()
        .filter(|d| d.platform.as_ref().is_none_or(|p| p.os != "unknown"))
        .collect();
    if let Some(d) = real
        .iter()
        .find(|d| d.platform.as_ref().is_some_and(|p| want.matches(p)))
    {
        return Ok(d);
    }
    // A single entry without a platform (podman's index.json) is the image.
    if wanted.is_none() {
        if let [only] = real.as_slice() {
            if only.platform.is_none() {
                return Ok(only);
            }
        }
    }
    Err(Error::NoMatchingPlatform {
        what: what.to_string(),
        wanted: want.to_string(),
        available: real
            .iter()
            .map(|d| {
                d.platform
                    .as_ref()
                    .map_or_else(|| "(unspecified)".to_string(), ToString::to_string)
            })
            .collect(),
    })
}

/// Fetches a small blob (manifest, index, config) by descriptor, verified.
pub(crate) type FetchFn<'a> = dyn Fn(&Descriptor, &str, u64) -> Result<Vec<u8>> + 'a;

/// What resolving a descriptor down to an image manifest produced.
pub(crate) struct Resolved {
    pub index: Option<Index>,
    pub index_digest: Option<Digest>,
    pub manifest: Manifest,
    pub manifest_digest: Digest,
    pub manifest_raw: Vec<u8>,
    pub platform: Option<Platform>,
}

/// Follows a descriptor (manifest, or index possibly nested) down to an image manifest.
pub(crate) fn resolve_descriptor(
    desc: &Descriptor,
    fetch: &FetchFn<'_>,
    opts: &OpenOptions,
    source: &str,
) -> Result<Resolved> {
    let mut desc = desc.clone();
    let mut outer: Option<(Index, Digest)> = None;
    let mut platform = desc.platform.clone();
    for _depth in 0..4 {
        let what = format!("{source}: manifest {}", desc.digest);
        let raw = fetch(&desc, &what, opts.limits.max_manifest_bytes)?;
        match parse_doc(&raw, &desc.media_type, &what)? {
            Doc::Manifest(manifest) => {
                let (index, index_digest) = match outer {
                    Some((i, d)) => (Some(i), Some(d)),
                    None => (None, None),
                };
                return Ok(Resolved {
                    index,
                    index_digest,
                    manifest: *manifest,
                    manifest_digest: desc.digest.clone(),
                    manifest_raw: raw,
                    platform,
                });
            }
            Doc::Index(index) => {
                let what = format!("{source}: index {}", desc.digest);
                let next = pick_platform(&index, opts.platform.as_ref(), &what)?.clone();
                platform = next.platform.clone().or(platform);
                if outer.is_none() {
                    outer = Some((index, desc.digest.clone()));
                }
                desc = next;
            }
        }
    }
    Err(Error::malformed(source, "indexes nested more than 4 deep"))
}

/// Builds the layer list from a manifest and its config.
pub(crate) fn layers_from(
    manifest: &Manifest,
    config: &ImageConfig,
    limits: &Limits,
    what: &str,
) -> Result<Vec<LayerInfo>> {
    if manifest.layers.len() > limits.max_layers {
        return Err(Error::LimitExceeded {
            what: format!("{what}: layer count"),
            amount: manifest.layers.len() as u64,
            limit: limits.max_layers as u64,
        });
    }
    let diff_ids = &config.rootfs.diff_ids;
    if diff_ids.len() != manifest.layers.len() {
        return Err(Error::malformed(
            what,
            format!(
                "the manifest lists {} layers but the config's rootfs.diff_ids lists {}",
                manifest.layers.len(),
                diff_ids.len()
            ),
        ));
    }
    let non_empty: Vec<(usize, &crate::spec::History)> = config
        .history
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.empty_layer)
        .collect();
    let history_lines_up = non_empty.len() == manifest.layers.len();
    let mut out = Vec::with_capacity(manifest.layers.len());
    for (i, (desc, diff_id)) in manifest.layers.iter().zip(diff_ids).enumerate() {
        if !desc.urls.is_empty() && desc.media_type.contains("foreign") {
            return Err(Error::UnsupportedMediaType {
                what: format!("{what}: layer {i} {}", desc.digest),
                media_type: format!(
                    "{} (foreign layer, URLs are never followed)",
                    desc.media_type
                ),
            });
        }
        if desc.size > limits.max_layer_bytes {
            return Err(Error::LimitExceeded {
                what: format!("{what}: layer {i} {} declared size", desc.digest),
                amount: desc.size,
                limit: limits.max_layer_bytes,
            });
        }
        desc.digest.algorithm()?;
        diff_id.algorithm()?;
        let (history_index, history) = match history_lines_up.then(|| non_empty.get(i)).flatten() {
            Some((hi, h)) => (Some(*hi), Some((*h).clone())),
            None => (None, None),
        };
        out.push(LayerInfo {
            index: i,
            digest: desc.digest.clone(),
            diff_id: diff_id.clone(),
            size: desc.size,
            media_type: desc.media_type.clone(),
            history,
            history_index,
        });
    }
    Ok(out)
}

/// Fetches, verifies and parses the config named by a manifest.
pub(crate) fn load_config(
    manifest: &Manifest,
    fetch: &FetchFn<'_>,
    limits: &Limits,
    source: &str,
) -> Result<(ImageConfig, Vec<u8>)> {
    let what = format!("{source}: config {}", manifest.config.digest);
    let raw = fetch(&manifest.config, &what, limits.max_config_bytes)?;
    let config: ImageConfig = serde_json::from_slice(&raw).map_err(|e| Error::json(&what, e))?;
    Ok((config, raw))
}

/// Reads a blob fully with verification (size and digest from the descriptor).
pub(crate) fn read_desc(
    r: impl Read,
    desc: &Descriptor,
    what: &str,
    limit: u64,
) -> Result<Vec<u8>> {
    read_verified(r, what, Some(desc.size), Some(&desc.digest), limit)
}

/// Resolves a registry reference to the digest of its manifest (or index) without
/// downloading layers: what `--pin-digests` writes after `@`.
pub fn resolve_digest(reference: &str, options: &RegistryOptions) -> Result<Digest> {
    let r = crate::reference::Reference::parse(
        reference.strip_prefix("docker://").unwrap_or(reference),
    )?;
    crate::registry::RegistryClient::new(&r, options)?.resolve_digest(&r)
}
