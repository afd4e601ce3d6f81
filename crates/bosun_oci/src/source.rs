//! Local sources: OCI layout directories, OCI archives, docker archives (and, through a
//! spooled docker archive, container engines). Registries live in [`crate::registry`].
//!
//! Archives are indexed once (member name -> offset, size) and each blob is then read
//! straight from the tar file at its offset, so layers can stream in parallel from one
//! archive without unpacking anything.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::digest::{read_verified, Digest};
use crate::error::{Error, Result};
use crate::image::{
    layers_from, load_config, read_desc, resolve_descriptor, BlobStore, Image, OpenOptions,
};
use crate::paths;
use crate::reference::Source;
use crate::region::Region;
use crate::spec::{media, Descriptor, ImageConfig, Index, Manifest, Platform};
use crate::walk::{LayerCheck, LayerInfo};

/// Opens any source.
pub(crate) fn open(source: &Source, opts: &OpenOptions) -> Result<Image> {
    let name = source.to_string();
    match source {
        Source::OciDir { path, tag } => {
            let files: Arc<dyn Files> = Arc::new(DirFiles::new(path)?);
            open_layout(files, tag.as_deref(), opts, &name)
        }
        Source::OciArchive { path, tag } => {
            let files: Arc<dyn Files> = Arc::new(TarFiles::open_archive(path, &opts.limits)?);
            open_layout(files, tag.as_deref(), opts, &name)
        }
        Source::DockerArchive { path, reference } => {
            let files = Arc::new(TarFiles::open_archive(path, &opts.limits)?);
            open_docker_archive(files, reference.as_deref(), opts, &name)
        }
        Source::Path(path) => {
            let meta = std::fs::metadata(path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Error::InvalidReference {
                        reference: name.clone(),
                        reason: "no such file or directory (for a registry image write docker://REF, for a local engine docker-daemon:REF)".into(),
                    }
                } else {
                    Error::io(path.display().to_string(), e)
                }
            })?;
            if meta.is_dir() {
                if path.join("oci-layout").exists() || path.join("index.json").exists() {
                    let files: Arc<dyn Files> = Arc::new(DirFiles::new(path)?);
                    return open_layout(files, None, opts, &name);
                }
                return Err(Error::malformed(
                    name,
                    "directory is not an OCI image layout (no oci-layout or index.json)",
                ));
            }
            let files = Arc::new(TarFiles::open_archive(path, &opts.limits)?);
            // Newer `docker save` writes both; the OCI side is content-addressed, so
            // it is preferred.
            if files.contains("index.json") && files.contains("oci-layout") {
                open_layout(files, None, opts, &name)
            } else if files.contains("manifest.json") {
                open_docker_archive(files, None, opts, &name)
            } else {
                Err(Error::malformed(
                    name,
                    "not an image archive: no manifest.json (docker-archive) nor oci-layout and index.json (oci-archive)",
                ))
            }
        }
        Source::Registry(r) => crate::registry::open(r, opts, &name),
        #[cfg(unix)]
        Source::Daemon(r) => crate::daemon::open(r, opts, &name),
        #[cfg(not(unix))]
        Source::Daemon(_) => Err(Error::Daemon {
            socket: String::new(),
            reason: "container engine sockets are only supported on unix systems".into(),
        }),
    }
}

/// Read access to the files of a layout or archive.
pub(crate) trait Files: Send + Sync {
    /// Opens a member (a cleaned relative path); `Ok(None)` when absent.
    fn open(&self, path: &str) -> Result<Option<(Box<dyn Read + Send>, u64)>>;

    /// Opens a member as a seekable region of a local file; `Ok(None)` when absent.
    fn open_region(&self, path: &str) -> Result<Option<Region>>;
}

/// A directory on disk. Paths come from validated digests or fixed names, never from
/// untrusted strings with `..` (see [`Digest::parse`]).
pub(crate) struct DirFiles {
    root: PathBuf,
}

impl DirFiles {
    pub(crate) fn new(root: &Path) -> Result<Self> {
        if !root.is_dir() {
            return Err(Error::io(
                root.display().to_string(),
                std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
            ));
        }
        Ok(DirFiles {
            root: root.to_path_buf(),
        })
    }
}

impl DirFiles {
    fn open_file(&self, path: &str) -> Result<Option<(std::fs::File, u64)>> {
        let p = self.root.join(path);
        match crate::fsopen::open_regular(&p) {
            Ok(f) => {
                let len = f
                    .metadata()
                    .map_err(|e| Error::io(p.display().to_string(), e))?
                    .len();
                Ok(Some((f, len)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(p.display().to_string(), e)),
        }
    }
}

impl Files for DirFiles {
    fn open(&self, path: &str) -> Result<Option<(Box<dyn Read + Send>, u64)>> {
        Ok(self
            .open_file(path)?
            .map(|(f, len)| (Box::new(f) as Box<dyn Read + Send>, len)))
    }

    fn open_region(&self, path: &str) -> Result<Option<Region>> {
        Ok(self.open_file(path)?.map(|(f, len)| Region::new(f, 0, len)))
    }
}

#[derive(Clone, Debug)]
enum Member {
    Data { offset: u64, size: u64 },
    Link(String),
}

/// A tar archive indexed by member name.
pub(crate) struct TarFiles {
    path: PathBuf,
    members: HashMap<String, Member>,
    /// Keeps a spooled temporary file alive as long as the image.
    _keep: Option<tempfile::TempPath>,
}

impl TarFiles {
    pub(crate) fn index(
        path: &Path,
        limits: &crate::Limits,
        keep: Option<tempfile::TempPath>,
    ) -> Result<Self> {
        let name = path.display().to_string();
        let file = crate::fsopen::open_regular(path).map_err(|e| Error::io(&name, e))?;
        let slot = crate::digest::ErrorSlot::default();
        let guard = crate::targuard::TarGuard::new(
            std::io::BufReader::new(file),
            limits.max_tar_header_bytes,
            name.clone(),
            slot.clone(),
        );
        let mut archive = tar::Archive::new(guard);
        let mut members = HashMap::new();
        let entries = archive
            .entries_with_seek()
            .map_err(|e| Error::io(&name, e))?;
        let mut count = 0u64;
        for entry in entries {
            let entry = entry.map_err(|e| {
                slot.take().unwrap_or_else(|| {
                    Error::malformed(&name, format!("not a valid tar archive: {e}"))
                })
            })?;
            count += 1;
            if count > limits.max_archive_members {
                return Err(Error::LimitExceeded {
                    what: format!("{name}: archive members"),
                    amount: count,
                    limit: limits.max_archive_members,
                });
            }
            let (clean, _) = paths::clean_path(&entry.path_bytes());
            let member = match entry.header().entry_type() {
                tar::EntryType::Symlink => {
                    let target = entry
                        .link_name_bytes()
                        .map(|b| b.into_owned())
                        .unwrap_or_default();
                    Member::Link(
                        paths::resolve_link(&clean, &String::from_utf8_lossy(&target)).path,
                    )
                }
                tar::EntryType::Link => {
                    let target = entry
                        .link_name_bytes()
                        .map(|b| b.into_owned())
                        .unwrap_or_default();
                    Member::Link(paths::clean_path(&target).0)
                }
                t if t.is_file() => Member::Data {
                    offset: entry.raw_file_position(),
                    size: entry.size(),
                },
                _ => continue,
            };
            members.insert(clean, member);
        }
        Ok(TarFiles {
            path: path.to_path_buf(),
            members,
            _keep: keep,
        })
    }

    /// Indexes an archive file; a gzip- or zstd-compressed archive (`docker save | gzip`)
    /// is first decompressed into a temporary file (capped by `max_spool_bytes`).
    pub(crate) fn open_archive(path: &Path, limits: &crate::Limits) -> Result<Self> {
        let name = path.display().to_string();
        let mut f = crate::fsopen::open_regular(path).map_err(|e| Error::io(&name, e))?;
        let mut magic = [0u8; 4];
        let n = f.read(&mut magic).map_err(|e| Error::io(&name, e))?;
        f.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(&name, e))?;
        let reader: Box<dyn Read> = match magic.get(..n) {
            Some([0x1f, 0x8b, ..]) => Box::new(flate2::read::MultiGzDecoder::new(
                std::io::BufReader::new(f),
            )),
            Some([0x28, 0xb5, 0x2f, 0xfd]) => {
                Box::new(zstd::stream::read::Decoder::new(f).map_err(|e| Error::io(&name, e))?)
            }
            _ => return TarFiles::index(path, limits, None),
        };
        let mut tmp = crate::fsopen::temp_file("bosun-archive-")
            .map_err(|e| Error::io("temporary file", e))?;
        let copied = std::io::copy(
            &mut reader.take(limits.max_spool_bytes.saturating_add(1)),
            tmp.as_file_mut(),
        )
        .map_err(|e| Error::malformed(&name, format!("decompressing the archive: {e}")))?;
        if copied > limits.max_spool_bytes {
            return Err(Error::LimitExceeded {
                what: format!("{name}: decompressed archive"),
                amount: copied,
                limit: limits.max_spool_bytes,
            });
        }
        let tmp = tmp.into_temp_path();
        let spooled = tmp.to_path_buf();
        TarFiles::index(&spooled, limits, Some(tmp))
    }

    pub(crate) fn contains(&self, p: &str) -> bool {
        self.members.contains_key(p)
    }

    fn lookup(&self, p: &str) -> Option<(u64, u64)> {
        let mut cur = p.to_string();
        for _ in 0..16 {
            match self.members.get(&cur)? {
                Member::Data { offset, size } => return Some((*offset, *size)),
                Member::Link(t) => cur = t.clone(),
            }
        }
        None // link loop
    }
}

impl Files for TarFiles {
    fn open(&self, p: &str) -> Result<Option<(Box<dyn Read + Send>, u64)>> {
        let Some((offset, size)) = self.lookup(p) else {
            return Ok(None);
        };
        let name = format!("{}!{p}", self.path.display());
        let mut f = crate::fsopen::open_regular(&self.path).map_err(|e| Error::io(&name, e))?;
        f.seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io(&name, e))?;
        Ok(Some((Box::new(f.take(size)), size)))
    }

    fn open_region(&self, p: &str) -> Result<Option<Region>> {
        let Some((offset, size)) = self.lookup(p) else {
            return Ok(None);
        };
        let name = format!("{}!{p}", self.path.display());
        let f = crate::fsopen::open_regular(&self.path).map_err(|e| Error::io(&name, e))?;
        Ok(Some(Region::new(f, offset, size)))
    }
}

fn blob_path(d: &Digest) -> String {
    format!("blobs/{}/{}", d.algorithm_name(), d.encoded())
}

/// Blobs of an OCI layout (directory or archive), by digest.
struct LayoutBlobs {
    files: Arc<dyn Files>,
    source: String,
}

impl LayoutBlobs {
    fn open_blob(&self, d: &Descriptor, what: &str) -> Result<Box<dyn Read + Send>> {
        match self.files.open(&blob_path(&d.digest))? {
            Some((r, _)) => Ok(r),
            None => Err(Error::BlobNotFound {
                digest: d.digest.to_string(),
                what: what.to_string(),
                source_name: self.source.clone(),
            }),
        }
    }
}

impl BlobStore for LayoutBlobs {
    fn open_layer(&self, layer: &LayerInfo) -> Result<(Box<dyn Read + Send>, LayerCheck)> {
        let desc = Descriptor {
            media_type: layer.media_type.clone(),
            digest: layer.digest.clone(),
            size: layer.size,
            urls: vec![],
            annotations: Default::default(),
            platform: None,
        };
        let r = self.open_blob(&desc, &format!("layer {}", layer.index))?;
        Ok((
            r,
            LayerCheck {
                verify_digest: true,
            },
        ))
    }

    fn open_layer_local(&self, layer: &LayerInfo) -> Result<Option<(Region, LayerCheck)>> {
        match self.files.open_region(&blob_path(&layer.digest))? {
            Some(r) => Ok(Some((
                r,
                LayerCheck {
                    verify_digest: true,
                },
            ))),
            None => Err(Error::BlobNotFound {
                digest: layer.digest.to_string(),
                what: format!("layer {}", layer.index),
                source_name: self.source.clone(),
            }),
        }
    }
}

const REF_NAME: &str = "org.opencontainers.image.ref.name";

fn open_layout(
    files: Arc<dyn Files>,
    tag: Option<&str>,
    opts: &OpenOptions,
    name: &str,
) -> Result<Image> {
    let limits = &opts.limits;
    if let Some((r, _)) = files.open("oci-layout")? {
        let raw = read_verified(r, &format!("{name}: oci-layout"), None, None, 64 << 10)?;
        let v: serde_json::Value = serde_json::from_slice(&raw)
            .map_err(|e| Error::json(format!("{name}: oci-layout"), e))?;
        let version = v
            .get("imageLayoutVersion")
            .and_then(|x| x.as_str())
            .unwrap_or("");
        if !version.starts_with("1.") {
            return Err(Error::malformed(
                format!("{name}: oci-layout"),
                format!("unsupported imageLayoutVersion {version:?}"),
            ));
        }
    }
    let Some((r, _)) = files.open("index.json")? else {
        return Err(Error::malformed(name, "OCI layout without index.json"));
    };
    let what = format!("{name}: index.json");
    let raw = read_verified(r, &what, None, None, limits.max_manifest_bytes)?;
    let index: Index = serde_json::from_slice(&raw).map_err(|e| Error::json(&what, e))?;
    let blobs = Arc::new(LayoutBlobs {
        files,
        source: name.to_string(),
    });
    let ref_name = |d: &Descriptor| d.annotations.get(REF_NAME).cloned();
    let by_digest = tag.and_then(|t| Digest::parse(t).ok());
    let chosen: Descriptor = if let Some(d) = by_digest {
        // `oci:DIR:sha256:...`: the entry of that digest, whatever its name.
        match index.manifests.iter().find(|m| m.digest == d) {
            Some(m) => m.clone(),
            None => {
                return Err(Error::BlobNotFound {
                    digest: d.to_string(),
                    what: "manifest (no index.json entry has this digest)".into(),
                    source_name: name.to_string(),
                })
            }
        }
    } else if let Some(tag) = tag {
        let hits: Vec<&Descriptor> = index
            .manifests
            .iter()
            .filter(|d| ref_name(d).is_some_and(|n| n == tag || n.ends_with(&format!(":{tag}"))))
            .collect();
        match hits.as_slice() {
            [] => {
                return Err(Error::Ambiguous {
                    what: format!("{name} (no image named {tag:?})"),
                    choices: index.manifests.iter().filter_map(ref_name).collect(),
                })
            }
            [one] => (*one).clone(),
            _ => synth_index_choice(&hits, opts, &what)?,
        }
    } else {
        match index.manifests.as_slice() {
            [] => return Err(Error::malformed(&what, "the index lists no manifests")),
            [one] => one.clone(),
            many => {
                let names: Vec<String> = many.iter().filter_map(ref_name).collect();
                let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
                if distinct.len() > 1 {
                    return Err(Error::Ambiguous {
                        what: name.to_string(),
                        choices: distinct.into_iter().cloned().collect(),
                    });
                }
                let refs: Vec<&Descriptor> = many.iter().collect();
                synth_index_choice(&refs, opts, &what)?
            }
        }
    };
    let name_of_choice = ref_name(&chosen);
    let fetch = |d: &Descriptor, what: &str, limit: u64| -> Result<Vec<u8>> {
        if d.size > limit {
            return Err(Error::LimitExceeded {
                what: format!("{what}: declared size"),
                amount: d.size,
                limit,
            });
        }
        read_desc(blobs.open_blob(d, what)?, d, what, limit)
    };
    let resolved = resolve_descriptor(&chosen, &fetch, opts, name)?;
    let (config, config_raw) = load_config(&resolved.manifest, &fetch, limits, name)?;
    let layers = layers_from(&resolved.manifest, &config, limits, name)?;
    let platform = resolved
        .platform
        .clone()
        .unwrap_or_else(|| config_platform(&config));
    let outer_index = resolved.index.or(Some(index));
    Ok(Image {
        source: name.to_string(),
        index: outer_index,
        index_digest: resolved.index_digest,
        manifest: resolved.manifest,
        manifest_digest: Some(resolved.manifest_digest),
        manifest_raw: resolved.manifest_raw,
        config,
        config_raw,
        layers,
        names: name_of_choice.into_iter().collect(),
        platform,
        limits: limits.clone(),
        blobs,
    })
}

/// Several top-level entries for one name: they are platforms of one image.
fn synth_index_choice(cands: &[&Descriptor], opts: &OpenOptions, what: &str) -> Result<Descriptor> {
    let idx = Index {
        schema_version: 2,
        media_type: Some(media::OCI_INDEX.into()),
        manifests: cands.iter().map(|d| (*d).clone()).collect(),
        annotations: Default::default(),
    };
    crate::image::pick_platform(&idx, opts.platform.as_ref(), what).cloned()
}

pub(crate) fn config_platform(c: &ImageConfig) -> Platform {
    Platform {
        architecture: c.architecture.clone(),
        os: c.os.clone(),
        variant: c.variant.clone(),
        os_version: None,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifestEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

/// Layers of a `docker save` archive, by member path.
struct DockerArchiveBlobs {
    files: Arc<TarFiles>,
    layer_paths: Vec<String>,
    source: String,
}

impl BlobStore for DockerArchiveBlobs {
    fn open_layer(&self, layer: &LayerInfo) -> Result<(Box<dyn Read + Send>, LayerCheck)> {
        let missing = || Error::BlobNotFound {
            digest: layer.diff_id.to_string(),
            what: format!("layer {}", layer.index),
            source_name: self.source.clone(),
        };
        let p = self.layer_paths.get(layer.index).ok_or_else(missing)?;
        let (r, _) = self.files.open(p)?.ok_or_else(missing)?;
        // Content-addressed members (`blobs/sha256/...`, newer docker) are checked
        // against their name; legacy `<id>/layer.tar` only against the diff ID.
        let verify_digest = p.starts_with("blobs/");
        Ok((r, LayerCheck { verify_digest }))
    }

    fn open_layer_local(&self, layer: &LayerInfo) -> Result<Option<(Region, LayerCheck)>> {
        let missing = || Error::BlobNotFound {
            digest: layer.diff_id.to_string(),
            what: format!("layer {}", layer.index),
            source_name: self.source.clone(),
        };
        let p = self.layer_paths.get(layer.index).ok_or_else(missing)?;
        let r = self.files.open_region(p)?.ok_or_else(missing)?;
        let verify_digest = p.starts_with("blobs/");
        Ok(Some((r, LayerCheck { verify_digest })))
    }
}

fn hex_stem(p: &str) -> Option<Digest> {
    let f = paths::file_name(p);
    let stem = f
        .strip_suffix(".json")
        .or_else(|| f.strip_suffix(".tar"))
        .unwrap_or(f);
    let alg = if p.starts_with("blobs/sha512/") {
        "sha512"
    } else {
        "sha256"
    };
    Digest::parse(&format!("{alg}:{stem}")).ok()
}

fn open_docker_archive(
    files: Arc<TarFiles>,
    reference: Option<&str>,
    opts: &OpenOptions,
    name: &str,
) -> Result<Image> {
    let limits = &opts.limits;
    let what = format!("{name}: manifest.json");
    let Some((r, _)) = files.open("manifest.json")? else {
        return Err(Error::malformed(
            name,
            "docker archive without manifest.json",
        ));
    };
    let raw = read_verified(r, &what, None, None, limits.max_manifest_bytes)?;
    let entries: Vec<DockerManifestEntry> =
        serde_json::from_slice(&raw).map_err(|e| Error::json(&what, e))?;
    let tags = |e: &DockerManifestEntry| e.repo_tags.clone().unwrap_or_default();
    let entry = match reference {
        Some(r) if r.starts_with('@') => {
            let n: usize = r[1..].parse().map_err(|_| Error::InvalidReference {
                reference: r.to_string(),
                reason: "expected @N, a position in manifest.json".into(),
            })?;
            entries.get(n).ok_or_else(|| Error::Ambiguous {
                what: format!("{name} (no image @{n})"),
                choices: (0..entries.len()).map(|i| format!("@{i}")).collect(),
            })?
        }
        Some(r) => entries
            .iter()
            .find(|e| {
                tags(e)
                    .iter()
                    .any(|t| t == r || t.ends_with(&format!("/{r}")))
            })
            .ok_or_else(|| Error::Ambiguous {
                what: format!("{name} (no image tagged {r:?})"),
                choices: entries.iter().flat_map(tags).collect(),
            })?,
        None => match entries.as_slice() {
            [] => return Err(Error::malformed(&what, "lists no images")),
            [one] => one,
            many => {
                return Err(Error::Ambiguous {
                    what: name.to_string(),
                    choices: many
                        .iter()
                        .enumerate()
                        .map(|(i, e)| tags(e).first().cloned().unwrap_or_else(|| format!("@{i}")))
                        .collect(),
                })
            }
        },
    };
    let (config_path, _) = paths::clean_path(entry.config.as_bytes());
    let cfg_what = format!("{name}: config {config_path}");
    let Some((r, size)) = files.open(&config_path)? else {
        return Err(Error::BlobNotFound {
            digest: config_path.clone(),
            what: "config".into(),
            source_name: name.to_string(),
        });
    };
    let expected = hex_stem(&config_path);
    let config_raw = read_verified(
        r,
        &cfg_what,
        Some(size),
        expected.as_ref(),
        limits.max_config_bytes,
    )?;
    let config: ImageConfig =
        serde_json::from_slice(&config_raw).map_err(|e| Error::json(&cfg_what, e))?;
    let config_digest = Digest::sha256_of(&config_raw);
    let mut layer_paths = Vec::with_capacity(entry.layers.len());
    let mut descs = Vec::with_capacity(entry.layers.len());
    for (i, l) in entry.layers.iter().enumerate() {
        let (p, _) = paths::clean_path(l.as_bytes());
        let size = files
            .lookup(&p)
            .map(|(_, s)| s)
            .ok_or_else(|| Error::BlobNotFound {
                digest: config
                    .rootfs
                    .diff_ids
                    .get(i)
                    .map_or_else(|| p.clone(), ToString::to_string),
                what: format!("layer {i} ({p})"),
                source_name: name.to_string(),
            })?;
        let digest = if p.starts_with("blobs/") {
            hex_stem(&p)
        } else {
            config.rootfs.diff_ids.get(i).cloned()
        };
        let Some(digest) = digest else {
            return Err(Error::malformed(
                &cfg_what,
                format!(
                    "no diff ID for layer {i} ({p}): the config lists {}",
                    config.rootfs.diff_ids.len()
                ),
            ));
        };
        layer_paths.push(p);
        descs.push(Descriptor {
            media_type: media::DOCKER_LAYER_TAR.into(),
            digest,
            size,
            urls: vec![],
            annotations: Default::default(),
            platform: None,
        });
    }
    let manifest = Manifest {
        schema_version: 2,
        media_type: Some(media::DOCKER_MANIFEST.into()),
        config: Descriptor {
            media_type: media::DOCKER_CONFIG.into(),
            digest: config_digest,
            size: config_raw.len() as u64,
            urls: vec![],
            annotations: Default::default(),
            platform: None,
        },
        layers: descs,
        annotations: Default::default(),
        artifact_type: None,
        subject: None,
    };
    let layers = layers_from(&manifest, &config, limits, name)?;
    let platform = config_platform(&config);
    Ok(Image {
        source: name.to_string(),
        index: None,
        index_digest: None,
        manifest,
        manifest_digest: None,
        manifest_raw: Vec::new(),
        config,
        config_raw,
        layers,
        names: tags(entry),
        platform,
        limits: limits.clone(),
        blobs: Arc::new(DockerArchiveBlobs {
            files,
            layer_paths,
            source: name.to_string(),
        }),
    })
}

/// Opens a docker archive that was spooled to a temporary file (engine export).
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) fn open_spooled_docker_archive(
    tmp: tempfile::TempPath,
    opts: &OpenOptions,
    name: &str,
) -> Result<Image> {
    let path = tmp.to_path_buf();
    let files = Arc::new(TarFiles::index(&path, &opts.limits, Some(tmp))?);
    if files.contains("manifest.json") {
        open_docker_archive(files, None, opts, name)
    } else if files.contains("index.json") {
        open_layout(files, None, opts, name)
    } else {
        Err(Error::malformed(
            name,
            "the engine sent an archive without manifest.json",
        ))
    }
}
