//! Builders for test images: layer tars (including hostile ones, written byte by byte so
//! `..`, absolute paths and link escapes survive), OCI layouts, OCI archives and docker
//! archives. Meant for tests of this crate and of the crates built on it; nothing here is
//! used at run time.

use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;

use crate::digest::Digest;
use crate::spec::media;
use crate::walk::Compression;

/// One entry of a test layer. Paths are written as given, unchecked.
#[derive(Clone, Debug)]
pub enum TestEntry {
    /// A regular file with mode.
    File(String, Vec<u8>, u32),
    /// A directory (mode 0o755).
    Dir(String),
    /// A symlink: path, raw target.
    Symlink(String, String),
    /// A hard link: path, target.
    Hardlink(String, String),
    /// A whiteout for `path` (writes `dir/.wh.name`).
    Whiteout(String),
    /// An opaque marker for `dir` (writes `dir/.wh..wh..opq`).
    Opaque(String),
}

impl TestEntry {
    /// A 0o644 file.
    pub fn file(path: &str, data: &[u8]) -> Self {
        TestEntry::File(path.into(), data.to_vec(), 0o644)
    }
}

fn header(
    path: &str,
    kind: tar::EntryType,
    size: u64,
    mode: u32,
    link: Option<&str>,
) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    {
        let gnu = h
            .as_gnu_mut()
            .unwrap_or_else(|| unreachable!("new_gnu header"));
        let b = path.as_bytes();
        let n = b.len().min(gnu.name.len());
        gnu.name[..n].copy_from_slice(&b[..n]);
        if let Some(l) = link {
            let lb = l.as_bytes();
            let m = lb.len().min(gnu.linkname.len());
            gnu.linkname[..m].copy_from_slice(&lb[..m]);
        }
    }
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h.set_cksum();
    h
}

/// Builds an uncompressed layer tar from entries (paths up to 100 bytes).
pub fn layer_tar(entries: &[TestEntry]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let res = match e {
            TestEntry::File(p, data, mode) => {
                let h = header(p, tar::EntryType::Regular, data.len() as u64, *mode, None);
                b.append(&h, data.as_slice())
            }
            TestEntry::Dir(p) => b.append(
                &header(p, tar::EntryType::Directory, 0, 0o755, None),
                &[][..],
            ),
            TestEntry::Symlink(p, t) => b.append(
                &header(p, tar::EntryType::Symlink, 0, 0o777, Some(t)),
                &[][..],
            ),
            TestEntry::Hardlink(p, t) => {
                b.append(&header(p, tar::EntryType::Link, 0, 0o644, Some(t)), &[][..])
            }
            TestEntry::Whiteout(p) => {
                let (dir, name) = p.rsplit_once('/').unwrap_or(("", p));
                let wp = if dir.is_empty() {
                    format!(".wh.{name}")
                } else {
                    format!("{dir}/.wh.{name}")
                };
                b.append(
                    &header(&wp, tar::EntryType::Regular, 0, 0o644, None),
                    &[][..],
                )
            }
            TestEntry::Opaque(d) => {
                let wp = if d.is_empty() {
                    ".wh..wh..opq".to_string()
                } else {
                    format!("{d}/.wh..wh..opq")
                };
                b.append(
                    &header(&wp, tar::EntryType::Regular, 0, 0o644, None),
                    &[][..],
                )
            }
        };
        res.unwrap_or_else(|e| unreachable!("writing to a Vec: {e}"));
    }
    b.into_inner()
        .unwrap_or_else(|e| unreachable!("writing to a Vec: {e}"))
}

/// Compresses a tar as a layer blob would be.
pub fn compress(tar: &[u8], c: Compression) -> Vec<u8> {
    match c {
        Compression::None => tar.to_vec(),
        Compression::Gzip => {
            let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = enc.write_all(tar);
            enc.finish().unwrap_or_default()
        }
        Compression::Zstd => zstd::stream::encode_all(tar, 1).unwrap_or_default(),
    }
}

/// A layer for [`ImageSpec`]: the uncompressed tar and how to store it.
#[derive(Clone, Debug)]
pub struct TestLayer {
    /// The uncompressed tar.
    pub tar: Vec<u8>,
    /// Compression of the stored blob.
    pub compression: Compression,
    /// History `created_by`.
    pub created_by: String,
}

/// What a test image contains; `config` is patched JSON on top of the generated config.
#[derive(Clone, Debug, Default)]
pub struct ImageSpec {
    /// Layers, base first.
    pub layers: Vec<TestLayer>,
    /// Extra fields merged into the config's `config` object (Env, User...).
    pub runtime: serde_json::Map<String, serde_json::Value>,
    /// Architecture (default amd64).
    pub architecture: Option<String>,
}

/// Blobs of a built image: (digest, bytes) and the top documents.
#[derive(Clone, Debug)]
pub struct BuiltImage {
    /// All blobs (layers, config, manifest).
    pub blobs: Vec<(Digest, Vec<u8>)>,
    /// Manifest digest.
    pub manifest_digest: Digest,
    /// Manifest bytes.
    pub manifest: Vec<u8>,
    /// Config digest.
    pub config_digest: Digest,
    /// Config bytes.
    pub config: Vec<u8>,
    /// Layer blob digests.
    pub layer_digests: Vec<Digest>,
}

impl ImageSpec {
    /// Builds blobs, config and manifest.
    pub fn build(&self) -> BuiltImage {
        let mut blobs = Vec::new();
        let mut layer_descs = Vec::new();
        let mut diff_ids = Vec::new();
        let mut history = Vec::new();
        let mut layer_digests = Vec::new();
        for l in &self.layers {
            let blob = compress(&l.tar, l.compression);
            let d = Digest::sha256_of(&blob);
            let mt = match l.compression {
                Compression::None => media::OCI_LAYER_TAR,
                Compression::Gzip => media::OCI_LAYER_GZIP,
                Compression::Zstd => media::OCI_LAYER_ZSTD,
            };
            layer_descs.push(
                serde_json::json!({"mediaType": mt, "digest": d.to_string(), "size": blob.len()}),
            );
            diff_ids.push(Digest::sha256_of(&l.tar).to_string());
            history.push(serde_json::json!({"created_by": l.created_by}));
            history.push(
                serde_json::json!({"created_by": "/bin/sh -c #(nop) ENV X=1", "empty_layer": true}),
            );
            layer_digests.push(d.clone());
            blobs.push((d, blob));
        }
        let config = serde_json::json!({
            "architecture": self.architecture.clone().unwrap_or_else(|| "amd64".into()),
            "os": "linux",
            "config": serde_json::Value::Object(self.runtime.clone()),
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": history,
        });
        let config = serde_json::to_vec(&config).unwrap_or_default();
        let config_digest = Digest::sha256_of(&config);
        blobs.push((config_digest.clone(), config.clone()));
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": media::OCI_MANIFEST,
            "config": {"mediaType": media::OCI_CONFIG, "digest": config_digest.to_string(), "size": config.len()},
            "layers": layer_descs,
        });
        let manifest = serde_json::to_vec(&manifest).unwrap_or_default();
        let manifest_digest = Digest::sha256_of(&manifest);
        blobs.push((manifest_digest.clone(), manifest.clone()));
        BuiltImage {
            blobs,
            manifest_digest,
            manifest,
            config_digest,
            config,
            layer_digests,
        }
    }
}

impl BuiltImage {
    /// The `index.json` naming the manifest (with a `ref.name` when `tag` is given).
    pub fn index_json(&self, tag: Option<&str>) -> Vec<u8> {
        let mut desc = serde_json::json!({
            "mediaType": media::OCI_MANIFEST,
            "digest": self.manifest_digest.to_string(),
            "size": self.manifest.len(),
        });
        if let Some(t) = tag {
            desc["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": t});
        }
        serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "manifests": [desc]}))
            .unwrap_or_default()
    }

    /// Writes an OCI layout directory.
    pub fn write_oci_dir(&self, dir: &Path, tag: Option<&str>) -> std::io::Result<()> {
        std::fs::create_dir_all(dir.join("blobs/sha256"))?;
        std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        std::fs::write(dir.join("index.json"), self.index_json(tag))?;
        for (d, b) in &self.blobs {
            std::fs::write(dir.join("blobs/sha256").join(d.encoded()), b)?;
        }
        Ok(())
    }

    /// Writes an OCI archive (a tar of the layout).
    pub fn write_oci_archive(&self, path: &Path, tag: Option<&str>) -> std::io::Result<()> {
        let mut b = tar::Builder::new(std::fs::File::create(path)?);
        let mut add = |name: &str, data: &[u8]| -> std::io::Result<()> {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, data)
        };
        add("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        add("index.json", &self.index_json(tag))?;
        for (d, data) in &self.blobs {
            add(&format!("blobs/sha256/{}", d.encoded()), data)?;
        }
        b.into_inner()?.flush()
    }

    /// Writes a legacy `docker save` archive (uncompressed layers named by diff ID).
    pub fn write_docker_archive(
        &self,
        path: &Path,
        spec: &ImageSpec,
        tag: &str,
    ) -> std::io::Result<()> {
        let mut b = tar::Builder::new(std::fs::File::create(path)?);
        let mut add = |name: &str, data: &[u8]| -> std::io::Result<()> {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, data)
        };
        let mut layer_names = Vec::new();
        for l in &spec.layers {
            let name = format!("{}.tar", Digest::sha256_of(&l.tar).encoded());
            add(&name, &l.tar)?;
            layer_names.push(name);
        }
        let cfg_name = format!("{}.json", self.config_digest.encoded());
        add(&cfg_name, &self.config)?;
        let manifest =
            serde_json::json!([{"Config": cfg_name, "RepoTags": [tag], "Layers": layer_names}]);
        add(
            "manifest.json",
            &serde_json::to_vec(&manifest).unwrap_or_default(),
        )?;
        b.into_inner()?.flush()
    }
}

/// Hostile tar pieces for tests: the shapes that walked around the first tar guard.
pub mod hostile {
    /// A GNU long-name (`L`) header declaring `size` bytes of name (body not included).
    pub fn gnu_long_name_header(size: u64) -> Vec<u8> {
        let mut h = tar::Header::new_gnu();
        if let Some(g) = h.as_gnu_mut() {
            g.name[..13].copy_from_slice(b"././@LongLink");
        }
        h.set_entry_type(tar::EntryType::GNULongName);
        h.set_size(size);
        h.set_mode(0o644);
        h.set_cksum();
        h.as_bytes().to_vec()
    }

    /// A PAX `x` header with `records` (body included, padded). `v7` writes it in the
    /// old format (no `ustar` magic), which the `tar` crate does not treat as PAX.
    pub fn pax_header(records: &[(&str, &str)], v7: bool) -> Vec<u8> {
        let mut body = Vec::new();
        for (k, v) in records {
            let rest = format!(" {k}={v}\n");
            let mut len = rest.len() + 1;
            while format!("{len}{rest}").len() != len {
                len += 1;
            }
            body.extend_from_slice(format!("{len}{rest}").as_bytes());
        }
        let mut h = if v7 {
            tar::Header::new_old()
        } else {
            tar::Header::new_ustar()
        };
        let _ = h.set_path("PaxHeader");
        h.set_entry_type(tar::EntryType::XHeader);
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        let mut out = h.as_bytes().to_vec();
        out.extend_from_slice(&body);
        out.resize(out.len().div_ceil(512) * 512, 0);
        out
    }

    /// A regular file entry header (ustar) of `size` bytes, body not included.
    pub fn file_header(path: &str, size: u64) -> Vec<u8> {
        let mut h = tar::Header::new_ustar();
        let _ = h.set_path(path);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(size);
        h.set_mode(0o644);
        h.set_cksum();
        h.as_bytes().to_vec()
    }

    /// Bypass 1: a PAX header with two `size` records (the crate uses the first, 0; the
    /// old guard the last, which made it skip over) followed by a GNU long name of
    /// `name_len` bytes and a file. Returned uncompressed.
    pub fn pax_double_size(name_len: u64) -> Vec<u8> {
        let skip = 512 + name_len.div_ceil(512) * 512;
        let mut t = pax_header(&[("size", "0"), ("size", &skip.to_string())], false);
        t.extend_from_slice(&file_header("decoy", 0));
        long_name_tail(&mut t, name_len);
        t
    }

    /// Bypass 2: a V7-format `x` entry whose body says `size=N` (the crate reads it as a
    /// plain entry; the old guard as PAX, and skipped), then a GNU long name.
    pub fn v7_pax_long_name(name_len: u64) -> Vec<u8> {
        let skip = 512 + name_len.div_ceil(512) * 512;
        let mut t = pax_header(&[("size", &skip.to_string())], true);
        t.extend_from_slice(&file_header("decoy", 0));
        long_name_tail(&mut t, name_len);
        t
    }

    fn long_name_tail(t: &mut Vec<u8>, name_len: u64) {
        t.extend_from_slice(&gnu_long_name_header(name_len));
        let body = usize::try_from(name_len.div_ceil(512) * 512).unwrap_or(0);
        let start = t.len();
        t.resize(start + body, b'n');
        t.extend_from_slice(&file_header("after", 0));
        t.resize(t.len() + 1024, 0);
    }
}

/// Layers with entries no builder writes (for the hostile-layer-entries rule).
pub mod hostile_entries {
    fn raw(path: &[u8], kind: tar::EntryType, link: Option<&[u8]>) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        if let Some(g) = h.as_gnu_mut() {
            let n = path.len().min(g.name.len());
            g.name[..n].copy_from_slice(&path[..n]);
            if let Some(l) = link {
                let m = l.len().min(g.linkname.len());
                g.linkname[..m].copy_from_slice(&l[..m]);
            }
        }
        h.set_entry_type(kind);
        h.set_size(0);
        h.set_mode(0o644);
        h.set_cksum();
        h
    }

    /// A layer tar with one entry of each hostile kind (a path climbing out of the
    /// root, an absolute path, a hard link out of the root, a character device, a name
    /// with an ESC sequence and a newline), plus one ordinary file.
    pub fn layer() -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        type Raw<'a> = (&'a [u8], tar::EntryType, Option<&'a [u8]>);
        let entries: [Raw<'_>; 6] = [
            (b"../../etc/cron.d/x", tar::EntryType::Regular, None),
            (b"/abs/file", tar::EntryType::Regular, None),
            (b"h", tar::EntryType::Link, Some(b"../../etc/shadow")),
            (b"dev/mem", tar::EntryType::Char, None),
            (b"../\x1b[31mred\nline", tar::EntryType::Regular, None),
            (b"ok/file", tar::EntryType::Regular, None),
        ];
        for (p, k, l) in entries {
            let _ = b.append(&raw(p, k, l), &[][..]);
        }
        b.into_inner().unwrap_or_default()
    }
}
