//! Writing to an OCI image layout directory (`oci:DIR[:TAG]`): blobs under
//! `blobs/<alg>/<hex>` and the top-level `index.json`, whose entries name manifests by
//! the `org.opencontainers.image.ref.name` annotation.
//!
//! Invariants: every file is written to a temporary file in the same directory, flushed,
//! then renamed into place, so a reader never sees a half-written blob or index; a blob
//! already present is kept (it is content-addressed); `index.json` keeps the fields and
//! entries it had, except the entry whose name is re-pointed. Concurrent writers to one
//! layout are not coordinated (the last `index.json` rename wins).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::digest::{read_verified, Digest};
use crate::error::{Error, Result};
use crate::spec::{media, Descriptor};

/// The annotation naming a manifest in `index.json`.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// An OCI image layout directory opened for reading and writing.
#[derive(Clone, Debug)]
pub struct OciLayout {
    root: PathBuf,
}

fn io_err(p: &Path, e: std::io::Error) -> Error {
    Error::io(p.display().to_string(), e)
}

/// Writes `data` to `path` atomically (temporary file in the same directory, rename).
fn write_atomic(path: &Path, data: &mut dyn Read) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io_err(dir, e))?;
    std::io::copy(data, &mut tmp).map_err(|e| io_err(path, e))?;
    tmp.as_file_mut()
        .flush()
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| io_err(path, e))?;
    tmp.persist(path).map_err(|e| io_err(path, e.error))?;
    Ok(())
}

impl OciLayout {
    /// Opens the layout at `root`, creating the directory, `oci-layout` and an empty
    /// `index.json` when they do not exist. An existing directory that is not a layout
    /// (files in it, but no `oci-layout` nor `index.json`) is refused.
    pub fn open_or_create(root: &Path) -> Result<OciLayout> {
        let layout = OciLayout {
            root: root.to_path_buf(),
        };
        let marker = root.join("oci-layout");
        let index = root.join("index.json");
        if root.is_dir() && !marker.exists() && !index.exists() {
            let non_empty = std::fs::read_dir(root)
                .map_err(|e| io_err(root, e))?
                .next()
                .is_some();
            if non_empty {
                return Err(Error::malformed(
                    root.display().to_string(),
                    "directory is not empty and is not an OCI image layout (no oci-layout or index.json)",
                ));
            }
        }
        std::fs::create_dir_all(root).map_err(|e| io_err(root, e))?;
        if !marker.exists() {
            write_atomic(&marker, &mut &br#"{"imageLayoutVersion":"1.0.0"}"#[..])?;
        }
        if !index.exists() {
            let empty = serde_json::json!({"schemaVersion": 2, "mediaType": media::OCI_INDEX, "manifests": []});
            write_atomic(&index, &mut empty.to_string().as_bytes())?;
        }
        Ok(layout)
    }

    /// The layout's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn blob_path(&self, d: &Digest) -> PathBuf {
        self.root
            .join("blobs")
            .join(d.algorithm_name())
            .join(d.encoded())
    }

    /// True when blob `d` is present.
    pub fn has_blob(&self, d: &Digest) -> bool {
        self.blob_path(d).is_file()
    }

    /// Writes a blob held in memory; returns its sha256 digest.
    pub fn write_blob(&self, data: &[u8]) -> Result<Digest> {
        let d = Digest::sha256_of(data);
        if !self.has_blob(&d) {
            write_atomic(&self.blob_path(&d), &mut &data[..])?;
        }
        Ok(d)
    }

    /// Writes blob `d` of `size` bytes streamed from `body`, verifying digest and size
    /// before it becomes visible.
    pub fn write_blob_from(&self, d: &Digest, size: u64, body: &mut dyn Read) -> Result<()> {
        d.algorithm()?;
        if self.has_blob(d) {
            return Ok(());
        }
        let path = self.blob_path(d);
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| io_err(&dir, e))?;
        let slot = crate::digest::ErrorSlot::default();
        let what = format!("oci:{}: blob {d}", self.root.display());
        let mut v = crate::digest::VerifyingReader::new(
            body,
            what.clone(),
            Some(size),
            Some(d),
            slot.clone(),
        )?;
        let copied = std::io::copy(&mut v, &mut tmp);
        if let Some(e) = slot.take() {
            return Err(e);
        }
        copied.map_err(|e| Error::io(&what, e))?;
        tmp.as_file().sync_all().map_err(|e| io_err(&path, e))?;
        tmp.persist(&path).map_err(|e| io_err(&path, e.error))?;
        Ok(())
    }

    /// Reads blob `desc` fully, verified, up to `limit` bytes.
    pub fn read_blob(&self, desc: &Descriptor, limit: u64) -> Result<Vec<u8>> {
        let p = self.blob_path(&desc.digest);
        let what = format!("oci:{}: blob {}", self.root.display(), desc.digest);
        let f = match std::fs::File::open(&p) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::BlobNotFound {
                    digest: desc.digest.to_string(),
                    what: "blob".into(),
                    source_name: format!("oci:{}", self.root.display()),
                })
            }
            Err(e) => return Err(io_err(&p, e)),
        };
        read_verified(f, &what, Some(desc.size), Some(&desc.digest), limit)
    }

    /// Reads a blob by digest alone (size unknown), verified, up to `limit` bytes; `None`
    /// when absent.
    pub fn read_blob_by_digest(&self, d: &Digest, limit: u64) -> Result<Option<Vec<u8>>> {
        let p = self.blob_path(d);
        let what = format!("oci:{}: blob {d}", self.root.display());
        match std::fs::File::open(&p) {
            Ok(f) => read_verified(f, &what, None, Some(d), limit).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(&p, e)),
        }
    }

    fn index_value(&self) -> Result<serde_json::Value> {
        let p = self.root.join("index.json");
        let what = format!("oci:{}: index.json", self.root.display());
        let f = std::fs::File::open(&p).map_err(|e| io_err(&p, e))?;
        let raw = read_verified(f, &what, None, None, 64 << 20)?;
        let v: serde_json::Value =
            serde_json::from_slice(&raw).map_err(|e| Error::json(&what, e))?;
        if !v.is_object() {
            return Err(Error::malformed(what, "index.json is not a JSON object"));
        }
        Ok(v)
    }

    /// The entries of `index.json`.
    pub fn entries(&self) -> Result<Vec<Descriptor>> {
        let v = self.index_value()?;
        let what = format!("oci:{}: index.json", self.root.display());
        match v.get("manifests") {
            None | Some(serde_json::Value::Null) => Ok(vec![]),
            Some(m) => serde_json::from_value(m.clone()).map_err(|e| Error::json(what, e)),
        }
    }

    /// The entry named `name` (`ref.name` annotation), if any.
    pub fn find(&self, name: &str) -> Result<Option<Descriptor>> {
        Ok(self
            .entries()?
            .into_iter()
            .find(|d| d.annotations.get(REF_NAME).map(String::as_str) == Some(name)))
    }

    /// Writes a manifest (or index) blob and lists it in `index.json`: under `name` when
    /// given (replacing the entry that had that name), else unnamed (once). `extra`
    /// fields (e.g. `artifactType`) are added to the entry. Returns its descriptor.
    pub fn put_manifest(
        &self,
        bytes: &[u8],
        media_type: &str,
        name: Option<&str>,
        extra: &BTreeMap<String, serde_json::Value>,
    ) -> Result<Descriptor> {
        let digest = self.write_blob(bytes)?;
        let mut annotations = BTreeMap::new();
        if let Some(n) = name {
            annotations.insert(REF_NAME.to_string(), n.to_string());
        }
        let desc = Descriptor {
            media_type: media_type.to_string(),
            digest: digest.clone(),
            size: bytes.len() as u64,
            urls: vec![],
            annotations,
            platform: None,
        };
        let what = format!("oci:{}: index.json", self.root.display());
        let mut entry = serde_json::to_value(&desc).map_err(|e| Error::json(&what, e))?;
        if let Some(o) = entry.as_object_mut() {
            for (k, v) in extra {
                o.insert(k.clone(), v.clone());
            }
        }
        let mut index = self.index_value()?;
        let obj = index
            .as_object_mut()
            .ok_or_else(|| Error::malformed(&what, "not a JSON object"))?;
        let list = obj
            .entry("manifests")
            .or_insert_with(|| serde_json::Value::Array(vec![]));
        if list.is_null() {
            *list = serde_json::Value::Array(vec![]);
        }
        let list = list
            .as_array_mut()
            .ok_or_else(|| Error::malformed(&what, "manifests is not a list"))?;
        let name_of = |e: &serde_json::Value| {
            e.get("annotations")
                .and_then(|a| a.get(REF_NAME))
                .and_then(|n| n.as_str())
                .map(str::to_string)
        };
        let digest_s = digest.to_string();
        match name {
            Some(n) => list.retain(|e| name_of(e).as_deref() != Some(n)),
            None => list.retain(|e| {
                !(name_of(e).is_none()
                    && e.get("digest").and_then(|d| d.as_str()) == Some(digest_s.as_str()))
            }),
        }
        list.push(entry);
        let bytes = serde_json::to_vec_pretty(&index).map_err(|e| Error::json(&what, e))?;
        write_atomic(&self.root.join("index.json"), &mut bytes.as_slice())?;
        Ok(desc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_write_and_rename() {
        let t = tempfile::tempdir().unwrap();
        let l = OciLayout::open_or_create(&t.path().join("lay")).unwrap();
        let d = l.write_blob(b"hello").unwrap();
        assert!(l.has_blob(&d));
        let m1 = l
            .put_manifest(b"{}", media::OCI_MANIFEST, Some("v1"), &BTreeMap::new())
            .unwrap();
        let m2 = l
            .put_manifest(b"{ }", media::OCI_MANIFEST, Some("v1"), &BTreeMap::new())
            .unwrap();
        l.put_manifest(b"[]", media::OCI_MANIFEST, None, &BTreeMap::new())
            .unwrap();
        l.put_manifest(b"[]", media::OCI_MANIFEST, None, &BTreeMap::new())
            .unwrap();
        let e = l.entries().unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(l.find("v1").unwrap().unwrap().digest, m2.digest);
        assert_ne!(m1.digest, m2.digest);
        // Streaming writes are verified before they land.
        let bad = Digest::sha256_of(b"other");
        assert!(l.write_blob_from(&bad, 5, &mut &b"hello"[..]).is_err());
        assert!(!l.has_blob(&bad));
        // A non-layout directory with files is refused.
        std::fs::write(t.path().join("junk"), b"x").unwrap();
        assert!(OciLayout::open_or_create(t.path()).is_err());
    }
}
