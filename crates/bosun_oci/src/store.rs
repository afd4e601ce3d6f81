//! One interface for writing artifacts next to an image, wherever the image lives: a
//! registry repository (`docker://REF` or a bare `REF`) or an OCI layout directory
//! (`oci:DIR[:TAG]`). Used by signing, attestations and copying: blobs, manifests,
//! indexes, artifacts (config media type + layers), referrers and tags.

use std::collections::BTreeMap;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::image::RegistryOptions;
use crate::layout::{OciLayout, REF_NAME};
use crate::reference::{Reference, Source};
use crate::registry::push::{BlobPush, Referrer, Referrers};
use crate::registry::RegistryClient;
use crate::spec::{media, Descriptor};

enum Kind {
    Registry {
        client: Box<RegistryClient>,
        reference: Reference,
    },
    Layout(OciLayout),
}

/// A repository (registry) or layout (directory) that artifacts are read from and
/// pushed to.
pub struct Store {
    kind: Kind,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// A manifest as fetched: bytes, media type, digest.
pub type Fetched = (Vec<u8>, String, Digest);

/// Manifest size cap for everything read through a [`Store`] (4 MiB, as for images).
pub const MAX_MANIFEST: u64 = 4 << 20;

impl Store {
    /// Opens the store named by `target`: `oci:DIR[:TAG]`, `docker://REF`, or a bare
    /// registry reference. Returns the store and what `target` points at inside it (a
    /// tag or a digest). An OCI layout directory is created when missing.
    pub fn open(target: &str, opts: &RegistryOptions) -> Result<(Store, String)> {
        let source = if target.starts_with("docker://") || target.starts_with("oci:") {
            Source::parse(target)?
        } else if std::path::Path::new(target).is_dir() {
            Source::OciDir {
                path: target.into(),
                tag: None,
            }
        } else {
            Source::Registry(Reference::parse(target)?)
        };
        match source {
            Source::Registry(r) => {
                let client = RegistryClient::new(&r, opts)?;
                let what = r.manifest_ref();
                Ok((
                    Store {
                        kind: Kind::Registry {
                            client: Box::new(client),
                            reference: Reference {
                                tag: None,
                                digest: None,
                                ..r
                            },
                        },
                    },
                    what,
                ))
            }
            Source::OciDir { path, tag } => {
                let layout = OciLayout::open_or_create(&path)?;
                let what = match tag {
                    Some(t) => t,
                    None => {
                        // The single entry of the layout, by digest.
                        let entries = layout.entries()?;
                        let named: Vec<&Descriptor> = entries
                            .iter()
                            .filter(|d| {
                                media::is_manifest(&d.media_type) || media::is_index(&d.media_type)
                            })
                            .collect();
                        match named.as_slice() {
                            [one] => one.digest.to_string(),
                            _ => {
                                return Err(Error::Ambiguous {
                                    what: format!("oci:{}", path.display()),
                                    choices: entries
                                        .iter()
                                        .filter_map(|d| d.annotations.get(REF_NAME).cloned())
                                        .collect(),
                                })
                            }
                        }
                    }
                };
                Ok((
                    Store {
                        kind: Kind::Layout(layout),
                    },
                    what,
                ))
            }
            other => Err(Error::InvalidReference {
                reference: other.to_string(),
                reason: "signatures and artifacts are written to registries (docker://REF or REF) and OCI layouts (oci:DIR[:TAG]) only".into(),
            }),
        }
    }

    /// The repository (`registry/repository`) or `oci:DIR`, for messages and for the
    /// `docker-reference` of a signature.
    pub fn name(&self) -> String {
        match &self.kind {
            Kind::Registry { reference, .. } => {
                format!("{}/{}", reference.registry, reference.repository)
            }
            Kind::Layout(l) => format!("oci:{}", l.root().display()),
        }
    }

    /// Fetches a manifest (or index) by tag or digest; `None` when absent.
    pub fn fetch_manifest(&self, reference: &str) -> Result<Option<Fetched>> {
        match &self.kind {
            Kind::Registry {
                client,
                reference: r,
            } => client.fetch_manifest_opt(r, reference, MAX_MANIFEST),
            Kind::Layout(l) => {
                let (bytes, mt, d) = if let Ok(d) = Digest::parse(reference) {
                    let Some(bytes) = l.read_blob_by_digest(&d, MAX_MANIFEST)? else {
                        return Ok(None);
                    };
                    let mt = serde_json::from_slice::<serde_json::Value>(&bytes)
                        .ok()
                        .and_then(|v| v.get("mediaType")?.as_str().map(str::to_string))
                        .unwrap_or_default();
                    (bytes, mt, d)
                } else {
                    let Some(desc) = l.find(reference)? else {
                        return Ok(None);
                    };
                    let bytes = l.read_blob(&desc, MAX_MANIFEST)?;
                    (bytes, desc.media_type, desc.digest)
                };
                Ok(Some((bytes, mt, d)))
            }
        }
    }

    /// Resolves a tag (or digest) to the digest of its manifest; a clear error when it
    /// does not exist.
    pub fn resolve(&self, reference: &str) -> Result<Digest> {
        if let Kind::Registry {
            client,
            reference: r,
        } = &self.kind
        {
            let full = match Digest::parse(reference) {
                Ok(d) => Reference {
                    digest: Some(d),
                    ..r.clone()
                },
                Err(_) => Reference {
                    tag: Some(reference.to_string()),
                    ..r.clone()
                },
            };
            return client.resolve_digest(&full);
        }
        match self.fetch_manifest(reference)? {
            Some((_, _, d)) => Ok(d),
            None => Err(Error::BlobNotFound {
                digest: reference.to_string(),
                what: "manifest".into(),
                source_name: self.name(),
            }),
        }
    }

    /// Reads a blob fully, verified, up to `limit` bytes.
    pub fn fetch_blob(&self, desc: &Descriptor, limit: u64) -> Result<Vec<u8>> {
        match &self.kind {
            Kind::Registry { client, reference } => client.fetch_blob(reference, desc, limit),
            Kind::Layout(l) => l.read_blob(desc, limit),
        }
    }

    /// Pushes a blob held in memory; returns its descriptor (with `media_type`).
    pub fn push_blob(&self, data: &[u8], media_type: &str) -> Result<Descriptor> {
        let digest = match &self.kind {
            Kind::Registry { client, reference } => {
                client.push_blob_bytes(reference, data, None)?.0
            }
            Kind::Layout(l) => l.write_blob(data)?,
        };
        Ok(Descriptor {
            media_type: media_type.to_string(),
            digest,
            size: data.len() as u64,
            urls: vec![],
            annotations: BTreeMap::new(),
            platform: None,
        })
    }

    /// True when this store holds a blob or manifest of digest `d` (a registry is
    /// asked with a HEAD request).
    pub fn has_blob(&self, d: &Digest) -> Result<bool> {
        match &self.kind {
            Kind::Registry { client, reference } => client.blob_exists(reference, d),
            Kind::Layout(l) => Ok(l.has_blob(d)),
        }
    }

    /// Copies blob `desc` from `src` into this store: nothing when it is already here;
    /// a cross-repository mount when both are repositories of the same registry (and
    /// the registry allows it); else it is read from `src` (verified, at most `limit`
    /// bytes, held in memory: no chunked upload yet) and uploaded or written.
    pub fn copy_blob(&self, src: &Store, desc: &Descriptor, limit: u64) -> Result<BlobPush> {
        desc.digest.algorithm()?;
        match &self.kind {
            Kind::Registry { client, reference } => {
                let mount_from = match &src.kind {
                    Kind::Registry {
                        reference: from, ..
                    } if from.registry == reference.registry => Some(from.repository.clone()),
                    _ => None,
                };
                // Read only when the mount did not happen.
                let mut lazy = LazyBlob {
                    src,
                    desc,
                    limit,
                    data: None,
                };
                client.push_blob(
                    reference,
                    &desc.digest,
                    desc.size,
                    &mut lazy,
                    mount_from.as_deref(),
                )
            }
            Kind::Layout(l) => {
                if l.has_blob(&desc.digest) {
                    return Ok(BlobPush::Existed);
                }
                let data = src.fetch_blob(desc, limit)?;
                l.write_blob_from(&desc.digest, desc.size, &mut &data[..])?;
                Ok(BlobPush::Uploaded)
            }
        }
    }

    /// Pushes a manifest or index, tagged `tag` when given (else by digest only).
    pub fn push_manifest(
        &self,
        bytes: &[u8],
        media_type: &str,
        tag: Option<&str>,
    ) -> Result<Digest> {
        match &self.kind {
            Kind::Registry { client, reference } => {
                let digest = Digest::sha256_of(bytes);
                let at = tag.map_or_else(|| digest.to_string(), str::to_string);
                Ok(client
                    .push_manifest(reference, &at, bytes, media_type)?
                    .digest)
            }
            Kind::Layout(l) => Ok(l
                .put_manifest(bytes, media_type, tag, &BTreeMap::new())?
                .digest),
        }
    }

    /// Pushes a manifest with a `subject` so that [`Store::referrers`] finds it (the
    /// registry's referrers API, else the `sha256-<hex>` tag schema; in a layout, an
    /// unnamed `index.json` entry).
    pub fn push_referrer(&self, bytes: &[u8], media_type: &str) -> Result<Digest> {
        match &self.kind {
            Kind::Registry { client, reference } => {
                Ok(client.push_referrer(reference, bytes, media_type)?.digest)
            }
            Kind::Layout(l) => {
                let what = format!("{}: referrer", self.name());
                let doc: serde_json::Value =
                    serde_json::from_slice(bytes).map_err(|e| Error::json(&what, e))?;
                let entry = Referrer::of_manifest(
                    &doc,
                    &Digest::sha256_of(bytes),
                    bytes.len() as u64,
                    media_type,
                );
                let mut extra = BTreeMap::new();
                if let Some(t) = entry.artifact_type {
                    extra.insert("artifactType".to_string(), serde_json::Value::from(t));
                }
                Ok(l.put_manifest(bytes, media_type, None, &extra)?.digest)
            }
        }
    }

    /// The manifests that name `subject` as their subject, optionally of one artifact
    /// type.
    pub fn referrers(&self, subject: &Digest, artifact_type: Option<&str>) -> Result<Referrers> {
        match &self.kind {
            Kind::Registry { client, reference } => {
                client.referrers(reference, subject, artifact_type)
            }
            Kind::Layout(l) => {
                let mut out = Vec::new();
                for d in l.entries()? {
                    if !media::is_manifest(&d.media_type) {
                        continue;
                    }
                    let bytes = l.read_blob(&d, MAX_MANIFEST)?;
                    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
                        continue;
                    };
                    let names_subject = doc
                        .get("subject")
                        .and_then(|s| s.get("digest"))
                        .and_then(|s| s.as_str())
                        == Some(subject.to_string().as_str());
                    if names_subject {
                        let r = Referrer::of_manifest(&doc, &d.digest, d.size, &d.media_type);
                        if artifact_type.is_none_or(|t| r.artifact_type.as_deref() == Some(t)) {
                            out.push(r);
                        }
                    }
                }
                Ok(Referrers {
                    manifests: out,
                    via_api: true,
                })
            }
        }
    }

    /// The tags of the repository (registry), or the names in `index.json` (layout).
    pub fn tags(&self) -> Result<Vec<String>> {
        match &self.kind {
            Kind::Registry { client, reference } => client.list_tags(reference, None),
            Kind::Layout(l) => Ok(l
                .entries()?
                .into_iter()
                .filter_map(|d| d.annotations.get(REF_NAME).cloned())
                .collect()),
        }
    }
}

/// A blob of another store, read (verified) on the first `read`.
struct LazyBlob<'a> {
    src: &'a Store,
    desc: &'a Descriptor,
    limit: u64,
    data: Option<std::io::Cursor<Vec<u8>>>,
}

impl std::io::Read for LazyBlob<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.data.is_none() {
            let bytes = self
                .src
                .fetch_blob(self.desc, self.limit)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            self.data = Some(std::io::Cursor::new(bytes));
        }
        match &mut self.data {
            Some(c) => c.read(buf),
            None => Ok(0),
        }
    }
}
