//! Writing to a registry (OCI distribution API v2): blob existence (HEAD), monolithic
//! upload (POST then PUT), cross-repository mount with fallback to upload, manifest and
//! index PUT by tag or digest, tag listing with pagination, and the OCI 1.1 referrers
//! API with the tag-schema fallback (`sha256-<hex>` index).
//!
//! Every write asks for the `pull,push` scope. Kept apart from the reading client so the
//! two evolve without stepping on each other; it shares its connection pool, credentials
//! and cached tokens.

use std::io::Read;

use crate::digest::{read_verified, Digest};
use crate::error::{Error, Result};
use crate::reference::Reference;
use crate::spec::{media, Descriptor};

use super::{error_text, Auth, RegistryClient};

/// What pushing one blob did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobPush {
    /// The repository already had it (HEAD answered 200); nothing was sent.
    Existed,
    /// The registry mounted it from another repository of the same registry.
    Mounted,
    /// It was uploaded.
    Uploaded,
}

/// A pushed manifest: its digest, and whether the registry processed its `subject`
/// (answered `OCI-Subject`, i.e. it serves the referrers API itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushedManifest {
    /// Digest of the bytes pushed.
    pub digest: Digest,
    /// True when the registry answered the `OCI-Subject` header.
    pub subject_processed: bool,
}

/// Referrers of a manifest, and how they were found.
#[derive(Clone, Debug, Default)]
pub struct Referrers {
    /// The manifests whose `subject` is the digest asked about.
    pub manifests: Vec<Referrer>,
    /// True when the registry's referrers API answered; false when the `sha256-<hex>`
    /// tag-schema fallback was read.
    pub via_api: bool,
}

/// A request body that can be sent again after a 401 (bytes) or only once (a reader).
enum Payload<'a> {
    Empty,
    Bytes(&'a [u8]),
    Stream(&'a mut dyn Read, u64),
}

fn push_scope(r: &Reference) -> String {
    format!("repository:{}:pull,push", r.repository)
}

/// The tag under which a registry without the referrers API keeps the index of
/// referrers of `subject` (OCI distribution spec 1.1, "referrers tag schema").
pub fn referrers_tag(subject: &Digest) -> String {
    format!("{}-{}", subject.algorithm_name(), subject.encoded())
}

fn header(resp: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
}

/// The `<url>` of a `Link: <url>; rel="next"` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .contains("rel=\"next\"")
            .then(|| {
                url.trim()
                    .strip_prefix('<')?
                    .strip_suffix('>')
                    .map(str::to_string)
            })
            .flatten()
    })
}

impl RegistryClient {
    /// Sends a write request (or any method) with authentication. `target` is a path on
    /// the registry or an absolute URL (an upload `Location`); credentials go only to the
    /// registry's own origin. On 401 the challenge is answered once and the request
    /// retried, unless the body was a stream already consumed.
    fn send_write(
        &self,
        method: &str,
        target: &str,
        content_type: Option<&str>,
        mut body: Payload<'_>,
        scope: &str,
    ) -> Result<ureq::http::Response<ureq::Body>> {
        let (url, same_origin) = if target.starts_with("http://") || target.starts_with("https://")
        {
            let own = target == self.base
                || target
                    .strip_prefix(self.base.as_str())
                    .is_some_and(|rest| rest.starts_with('/'));
            (target.to_string(), own)
        } else {
            (format!("{}{}", self.base, target), true)
        };
        for attempt in 0..2 {
            let current = if same_origin {
                self.auth.lock().ok().and_then(|m| m.get(scope).cloned())
            } else {
                None
            };
            let mut req = ureq::http::Request::builder().method(method).uri(&url);
            if let Some(ct) = content_type {
                req = req.header("Content-Type", ct);
            }
            match &current {
                Some(Auth::Basic(h)) => req = req.header("Authorization", h),
                Some(Auth::Bearer(t)) => req = req.header("Authorization", format!("Bearer {t}")),
                None => {}
            }
            let sent = match &mut body {
                Payload::Empty => {
                    let req = req
                        .header("Content-Length", "0")
                        .body(())
                        .map_err(|e| self.reg_err(format!("bad request {url}: {e}"), None))?;
                    self.agent.run(req)
                }
                Payload::Bytes(b) => {
                    let req = req
                        .body(b.to_vec())
                        .map_err(|e| self.reg_err(format!("bad request {url}: {e}"), None))?;
                    self.agent.run(req)
                }
                Payload::Stream(reader, size) => {
                    let req = req
                        .header("Content-Length", size.to_string())
                        .body(ureq::SendBody::from_reader(*reader))
                        .map_err(|e| self.reg_err(format!("bad request {url}: {e}"), None))?;
                    self.agent.run(req)
                }
            };
            let resp = sent.map_err(|e| self.net_err(e))?;
            let status = resp.status().as_u16();
            let retriable = !matches!(body, Payload::Stream(..));
            if status == 401 && attempt == 0 && same_origin && retriable {
                let challenge = header(&resp, "www-authenticate").unwrap_or_default();
                self.authenticate(&challenge, scope)?;
                continue;
            }
            if status == 401 || status == 403 {
                let text = error_text(resp);
                let request = format!("{method} {}", target.split('?').next().unwrap_or(target));
                return Err(self.unauthorized(status, &request, &text, true));
            }
            return Ok(resp);
        }
        Err(self.reg_err("authentication loop".into(), None))
    }

    /// True when the repository of `r` holds blob `d` (HEAD request).
    pub fn blob_exists(&self, r: &Reference, d: &Digest) -> Result<bool> {
        let path = format!("/v2/{}/blobs/{d}", r.repository);
        let resp = self.send(true, &path, None, &push_scope(r))?;
        match resp.status().as_u16() {
            200 => Ok(true),
            404 => Ok(false),
            s => Err(self.reg_err(format!("HTTP {s} checking blob {d}"), Some(s))),
        }
    }

    /// Pushes a blob held in memory (see [`RegistryClient::push_blob`]).
    pub fn push_blob_bytes(
        &self,
        r: &Reference,
        data: &[u8],
        mount_from: Option<&str>,
    ) -> Result<(Digest, BlobPush)> {
        let d = Digest::sha256_of(data);
        let how = self.push_blob_inner(r, &d, Payload::Bytes(data), mount_from)?;
        Ok((d, how))
    }

    /// Pushes blob `digest` of `size` bytes read from `body` to the repository of `r`:
    /// nothing when it is already there; a cross-repository mount from `mount_from`
    /// (another repository of the same registry) when given and allowed; else a
    /// monolithic upload (POST, then PUT with the digest). The registry verifies the
    /// digest; its `Docker-Content-Digest` answer is checked too.
    pub fn push_blob(
        &self,
        r: &Reference,
        digest: &Digest,
        size: u64,
        body: &mut dyn Read,
        mount_from: Option<&str>,
    ) -> Result<BlobPush> {
        self.push_blob_inner(r, digest, Payload::Stream(body, size), mount_from)
    }

    fn push_blob_inner(
        &self,
        r: &Reference,
        d: &Digest,
        body: Payload<'_>,
        mount_from: Option<&str>,
    ) -> Result<BlobPush> {
        d.algorithm()?;
        if self.blob_exists(r, d)? {
            return Ok(BlobPush::Existed);
        }
        let scope = push_scope(r);
        let start = match mount_from.filter(|from| *from != r.repository) {
            Some(from) => format!(
                "/v2/{}/blobs/uploads/?mount={}&from={}",
                r.repository,
                super::query_escape(&d.to_string()),
                super::query_escape(from)
            ),
            None => format!("/v2/{}/blobs/uploads/", r.repository),
        };
        let resp = self.send_write("POST", &start, None, Payload::Empty, &scope)?;
        let status = resp.status().as_u16();
        if status == 201 && mount_from.is_some() {
            return Ok(BlobPush::Mounted);
        }
        if status != 202 {
            let text = error_text(resp);
            return Err(self.reg_err(
                format!("HTTP {status} starting the upload of blob {d}: {text}"),
                Some(status),
            ));
        }
        let location = header(&resp, "location").ok_or_else(|| {
            self.reg_err(
                format!("upload of blob {d}: HTTP 202 without a Location header"),
                Some(202),
            )
        })?;
        let sep = if location.contains('?') { '&' } else { '?' };
        let put = format!(
            "{location}{sep}digest={}",
            super::query_escape(&d.to_string())
        );
        let resp = self.send_write("PUT", &put, Some("application/octet-stream"), body, &scope)?;
        let status = resp.status().as_u16();
        if status != 201 && status != 204 {
            let text = error_text(resp);
            return Err(self.reg_err(
                format!("HTTP {status} uploading blob {d}: {text}"),
                Some(status),
            ));
        }
        if let Some(h) = header(&resp, "docker-content-digest").and_then(|s| Digest::parse(&s).ok())
        {
            if &h != d {
                return Err(Error::DigestMismatch {
                    blob: format!("docker://{r}: uploaded blob (Docker-Content-Digest header)"),
                    expected: d.to_string(),
                    actual: h.to_string(),
                });
            }
        }
        Ok(BlobPush::Uploaded)
    }

    /// Puts a manifest or index (or any artifact manifest) under `reference`, a tag or a
    /// digest. The bytes are sent exactly as given (their digest is what is signed).
    pub fn push_manifest(
        &self,
        r: &Reference,
        reference: &str,
        bytes: &[u8],
        media_type: &str,
    ) -> Result<PushedManifest> {
        let digest = Digest::sha256_of(bytes);
        if let Ok(by) = Digest::parse(reference) {
            if by != digest {
                return Err(Error::DigestMismatch {
                    blob: format!("manifest pushed to docker://{r} by digest"),
                    expected: by.to_string(),
                    actual: digest.to_string(),
                });
            }
        }
        let path = format!("/v2/{}/manifests/{reference}", r.repository);
        let resp = self.send_write(
            "PUT",
            &path,
            Some(media_type),
            Payload::Bytes(bytes),
            &push_scope(r),
        )?;
        let status = resp.status().as_u16();
        if status != 201 && status != 200 && status != 204 {
            let text = error_text(resp);
            return Err(self.reg_err(
                format!(
                    "HTTP {status} putting manifest {}:{reference}: {text}",
                    r.repository
                ),
                Some(status),
            ));
        }
        if let Some(h) = header(&resp, "docker-content-digest").and_then(|s| Digest::parse(&s).ok())
        {
            if h.algorithm_name() == "sha256" && h != digest {
                return Err(Error::DigestMismatch {
                    blob: format!("manifest pushed to docker://{r} (Docker-Content-Digest header)"),
                    expected: digest.to_string(),
                    actual: h.to_string(),
                });
            }
        }
        Ok(PushedManifest {
            digest,
            subject_processed: header(&resp, "oci-subject").is_some(),
        })
    }

    /// Fetches a manifest by tag or digest, `None` when the registry says 404.
    pub fn fetch_manifest_opt(
        &self,
        r: &Reference,
        reference: &str,
        limit: u64,
    ) -> Result<Option<(Vec<u8>, String, Digest)>> {
        match self.fetch_manifest(r, reference, limit) {
            Ok(x) => Ok(Some(x)),
            Err(Error::Registry {
                status: Some(404), ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Fetches a small blob fully, verified against `desc` (digest and size) and capped.
    pub fn fetch_blob(&self, r: &Reference, desc: &Descriptor, limit: u64) -> Result<Vec<u8>> {
        let what = format!("docker://{r}: blob {}", desc.digest);
        let body = self.open_blob(r, &desc.digest, &what)?;
        read_verified(body, &what, Some(desc.size), Some(&desc.digest), limit)
    }

    /// Lists the repository's tags, following `Link` pagination (`page_size` asks for
    /// pages of that many tags; the registry may use its own default). A repository the
    /// registry does not know has no tags.
    pub fn list_tags(&self, r: &Reference, page_size: Option<u32>) -> Result<Vec<String>> {
        let mut tags = Vec::new();
        let mut next = Some(match page_size {
            Some(n) => format!("/v2/{}/tags/list?n={n}", r.repository),
            None => format!("/v2/{}/tags/list", r.repository),
        });
        let mut pages = 0;
        while let Some(path) = next.take() {
            pages += 1;
            if pages > 10_000 {
                return Err(self.reg_err("tag list: more than 10,000 pages".into(), None));
            }
            // A Link may be absolute; only the path of our own registry is followed.
            let path = match path.strip_prefix(self.base.as_str()) {
                Some(p) => p.to_string(),
                None if path.starts_with('/') => path,
                None => {
                    return Err(self.reg_err(
                        format!("tag list: refusing pagination link to another host: {path:?}"),
                        None,
                    ))
                }
            };
            let resp = self.send(false, &path, None, &super::scope_of(r))?;
            let status = resp.status().as_u16();
            if status == 404 {
                return Ok(tags);
            }
            if status != 200 {
                let text = error_text(resp);
                return Err(self.reg_err(
                    format!("HTTP {status} listing tags of {}: {text}", r.repository),
                    Some(status),
                ));
            }
            next = header(&resp, "link").and_then(|l| next_link(&l));
            let what = format!("docker://{r}: tag list");
            let bytes = read_verified(resp.into_body().into_reader(), &what, None, None, 16 << 20)?;
            #[derive(serde::Deserialize)]
            struct TagList {
                #[serde(default)]
                tags: Option<Vec<String>>,
            }
            let page: TagList =
                serde_json::from_slice(&bytes).map_err(|e| Error::json(&what, e))?;
            tags.extend(page.tags.unwrap_or_default());
        }
        Ok(tags)
    }

    /// The referrers of `subject` (manifests whose `subject` names it), optionally only
    /// those of `artifact_type`: from the referrers API, else (404) from the
    /// `sha256-<hex>` tag-schema index.
    pub fn referrers(
        &self,
        r: &Reference,
        subject: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<Referrers> {
        let mut path = format!("/v2/{}/referrers/{subject}", r.repository);
        if let Some(t) = artifact_type {
            path.push_str(&format!("?artifactType={}", super::query_escape(t)));
        }
        let resp = self.send(false, &path, Some(media::OCI_INDEX), &super::scope_of(r))?;
        let status = resp.status().as_u16();
        let is_index = header(&resp, "content-type")
            .is_some_and(|ct| ct.starts_with(media::OCI_INDEX) || ct.contains("json"));
        let (index, via_api) = if status == 200 && is_index {
            let what = format!("docker://{r}: referrers of {subject}");
            let bytes = read_verified(resp.into_body().into_reader(), &what, None, None, 4 << 20)?;
            (parse_referrers(&bytes, &what)?, true)
        } else if status == 404 || status == 405 || status == 200 {
            match self.fetch_manifest_opt(r, &referrers_tag(subject), 4 << 20)? {
                Some((bytes, _, d)) => {
                    let what = format!("docker://{r}: referrers index {d}");
                    (parse_referrers(&bytes, &what)?, false)
                }
                None => return Ok(Referrers::default()),
            }
        } else {
            let text = error_text(resp);
            return Err(self.reg_err(
                format!("HTTP {status} listing referrers of {subject}: {text}"),
                Some(status),
            ));
        };
        let manifests = index
            .into_iter()
            .filter(|d| artifact_type.is_none_or(|t| d.artifact_type.as_deref() == Some(t)))
            .collect();
        Ok(Referrers { manifests, via_api })
    }

    /// Pushes a manifest that has a `subject` (by digest), and when the registry does not
    /// process subjects itself, adds it to the `sha256-<hex>` tag-schema index so readers
    /// without the referrers API find it.
    pub fn push_referrer(
        &self,
        r: &Reference,
        bytes: &[u8],
        media_type: &str,
    ) -> Result<PushedManifest> {
        let what = format!("referrer pushed to docker://{r}");
        let doc: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| Error::json(&what, e))?;
        let subject: Descriptor = doc
            .get("subject")
            .cloned()
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| Error::json(&what, e))?
            .ok_or_else(|| Error::malformed(&what, "the manifest has no subject"))?;
        let digest = Digest::sha256_of(bytes);
        let pushed = self.push_manifest(r, &digest.to_string(), bytes, media_type)?;
        if pushed.subject_processed {
            return Ok(pushed);
        }
        let tag = referrers_tag(&subject.digest);
        let existing = self.fetch_manifest_opt(r, &tag, 4 << 20)?;
        let entry = Referrer::of_manifest(&doc, &digest, bytes.len() as u64, media_type);
        let body = add_referrer(
            existing.as_ref().map(|(b, _, _)| b.as_slice()),
            &entry,
            &what,
        )?;
        self.push_manifest(r, &tag, &body, media::OCI_INDEX)?;
        Ok(pushed)
    }
}

/// One entry of a referrers index: a descriptor plus its `artifactType` (a descriptor
/// field of OCI 1.1 that [`Descriptor`] does not model).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referrer {
    /// Media type, digest, size and annotations of the referring manifest.
    pub descriptor: Descriptor,
    /// Its artifact type: the manifest's `artifactType`, else its config media type.
    pub artifact_type: Option<String>,
}

impl Referrer {
    /// The index entry for a referring manifest (`manifest` is its parsed JSON).
    pub fn of_manifest(
        manifest: &serde_json::Value,
        digest: &Digest,
        size: u64,
        media_type: &str,
    ) -> Referrer {
        let annotations = manifest
            .get("annotations")
            .and_then(|a| serde_json::from_value(a.clone()).ok())
            .unwrap_or_default();
        let artifact_type = manifest
            .get("artifactType")
            .and_then(|t| t.as_str())
            .or_else(|| {
                manifest
                    .get("config")
                    .and_then(|c| c.get("mediaType"))
                    .and_then(|t| t.as_str())
            })
            .map(str::to_string);
        Referrer {
            descriptor: Descriptor {
                media_type: media_type.to_string(),
                digest: digest.clone(),
                size,
                urls: vec![],
                annotations,
                platform: None,
            },
            artifact_type,
        }
    }

    fn to_json(&self, what: &str) -> Result<serde_json::Value> {
        let mut v = serde_json::to_value(&self.descriptor).map_err(|e| Error::json(what, e))?;
        if let (Some(t), Some(o)) = (&self.artifact_type, v.as_object_mut()) {
            o.insert("artifactType".into(), t.clone().into());
        }
        Ok(v)
    }
}

/// Reads the entries of a referrers index (API answer or tag-schema index).
pub fn parse_referrers(bytes: &[u8], what: &str) -> Result<Vec<Referrer>> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Entry {
        #[serde(flatten)]
        descriptor: Descriptor,
        #[serde(default)]
        artifact_type: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct RefIndex {
        #[serde(default)]
        manifests: Option<Vec<Entry>>,
    }
    let index: RefIndex = serde_json::from_slice(bytes).map_err(|e| Error::json(what, e))?;
    Ok(index
        .manifests
        .unwrap_or_default()
        .into_iter()
        .map(|e| Referrer {
            descriptor: e.descriptor,
            artifact_type: e.artifact_type,
        })
        .collect())
}

/// Adds `entry` to a referrers index (`existing` bytes, or a new empty OCI index) unless
/// its digest is already listed, and returns the new index bytes. Unknown fields of the
/// existing index and of its entries are kept.
pub fn add_referrer(existing: Option<&[u8]>, entry: &Referrer, what: &str) -> Result<Vec<u8>> {
    let mut index: serde_json::Value = match existing {
        Some(b) => serde_json::from_slice(b).map_err(|e| Error::json(what, e))?,
        None => serde_json::json!({
            "schemaVersion": 2,
            "mediaType": media::OCI_INDEX,
            "manifests": [],
        }),
    };
    let Some(obj) = index.as_object_mut() else {
        return Err(Error::malformed(
            what,
            "the referrers index is not a JSON object",
        ));
    };
    let list = obj
        .entry("manifests")
        .or_insert_with(|| serde_json::Value::Array(vec![]));
    if list.is_null() {
        *list = serde_json::Value::Array(vec![]);
    }
    let Some(list) = list.as_array_mut() else {
        return Err(Error::malformed(
            what,
            "the referrers index's manifests is not a list",
        ));
    };
    let digest = entry.descriptor.digest.to_string();
    if !list
        .iter()
        .any(|d| d.get("digest").and_then(|x| x.as_str()) == Some(digest.as_str()))
    {
        list.push(entry.to_json(what)?);
    }
    serde_json::to_vec(&index).map_err(|e| Error::json(what, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        assert_eq!(
            next_link(r#"</v2/x/tags/list?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/x/tags/list?last=b&n=2")
        );
        assert_eq!(next_link(r#"</a>; rel="prev""#), None);
        let d = Digest::sha256_of(b"x");
        assert_eq!(referrers_tag(&d), format!("sha256-{}", d.encoded()));
    }
}
