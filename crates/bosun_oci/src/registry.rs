//! Registry client: OCI distribution API v2 over HTTPS (rustls, web PKI roots) or plain
//! HTTP when asked (`insecure`), with bearer-token (WWW-Authenticate challenge, token
//! endpoint) and basic authentication.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};

use base64::Engine as _;

use crate::digest::{read_verified, Digest};
use crate::error::{Error, Result};
use crate::image::{
    layers_from, load_config, read_desc, resolve_descriptor, BlobStore, Credentials, Image,
    OpenOptions, RegistryOptions,
};
use crate::reference::Reference;
use crate::spec::{media, Descriptor};
use crate::walk::{LayerCheck, LayerInfo};

pub mod push;

#[derive(Clone)]
enum Auth {
    Basic(String),
    Bearer(String),
}

/// A client for one registry (connection pool, credentials, cached tokens). Cheap to
/// share between threads.
pub struct RegistryClient {
    agent: ureq::Agent,
    registry: String,
    base: String,
    creds: Option<Credentials>,
    insecure: bool,
    timeouts: crate::net::Timeouts,
    /// Authorization per scope (`repository:x/y:pull`).
    auth: Mutex<HashMap<String, Auth>>,
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("registry", &self.registry)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

fn scope_of(r: &Reference) -> String {
    format!("repository:{}:pull", r.repository)
}

/// Percent-encodes a query component (RFC 3986 unreserved characters kept).
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Parses `Bearer realm="...",service="...",scope="..."` (hand-written: a dozen lines, and
/// the HTTP crates do not expose a challenge parser).
fn parse_challenge(h: &str) -> (String, HashMap<String, String>) {
    let h = h.trim();
    let (scheme, rest) = h.split_once(' ').unwrap_or((h, ""));
    let mut params = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        let mut val = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            val.push(n);
                        }
                    }
                    '"' => break,
                    c => val.push(c),
                }
            }
        } else {
            while let Some(c) = chars.peek() {
                if *c == ',' {
                    break;
                }
                val.push(*c);
                chars.next();
            }
        }
        params.insert(key.trim().to_ascii_lowercase(), val.trim().to_string());
    }
    (scheme.to_ascii_lowercase(), params)
}

/// `scheme://host:port` of a URL, lowercased, with the scheme's default port made
/// explicit and any user info dropped (hand-written: a few lines, and `ureq::http::Uri`
/// would accept the same inputs but not normalise the default port).
fn origin(url: &str) -> Option<(String, String, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let default = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, p.parse().ok()?),
        _ => (host_port, default),
    };
    Some((scheme, host.to_ascii_lowercase(), port))
}

fn certs_from_pem(pem: &[u8]) -> Option<ureq::tls::RootCerts> {
    let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(pem)
        .filter_map(|i| match i {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    (!certs.is_empty()).then(|| ureq::tls::RootCerts::new_with_certs(&certs))
}

fn basic(c: &Credentials) -> String {
    let raw = format!("{}:{}", c.username, c.password);
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// Reads up to 4 KiB of an error body and extracts the registry's error messages.
fn error_text(resp: ureq::http::Response<ureq::Body>) -> String {
    let mut buf = Vec::new();
    // An error body gets a few seconds at most, whatever its pace.
    let t = crate::net::Timeouts {
        connect: std::time::Duration::from_secs(5),
        headers: std::time::Duration::from_secs(5),
        idle: std::time::Duration::from_secs(5),
        grace: std::time::Duration::from_secs(5),
        min_rate: 1 << 20,
    };
    let _ = crate::net::RateReader::new(
        resp.into_body().into_reader(),
        "error body".into(),
        Some(4096),
        t,
    )
    .take(4096)
    .read_to_end(&mut buf);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&buf) {
        if let Some(errs) = v.get("errors").and_then(|e| e.as_array()) {
            let msgs: Vec<String> = errs
                .iter()
                .map(|e| {
                    let code = e.get("code").and_then(|c| c.as_str()).unwrap_or("");
                    let msg = e.get("message").and_then(|c| c.as_str()).unwrap_or("");
                    format!("{code}: {msg}")
                })
                .collect();
            if !msgs.is_empty() {
                return msgs.join("; ");
            }
        }
        if let Some(d) = v
            .get("details")
            .or_else(|| v.get("error"))
            .and_then(|d| d.as_str())
        {
            return d.to_string();
        }
    }
    String::from_utf8_lossy(&buf)
        .trim()
        .chars()
        .take(300)
        .collect()
}

impl RegistryClient {
    /// Creates a client for the registry of `r`, finding credentials in the Docker
    /// config unless `opts.credentials` is given.
    pub fn new(r: &Reference, opts: &RegistryOptions) -> Result<Self> {
        let creds = match &opts.credentials {
            Some(c) => Some(c.clone()),
            None => crate::auth::lookup(&r.registry, opts.docker_config.as_ref())?,
        };
        let timeouts = crate::net::Timeouts::of(opts);
        // An explicit CA file, else SSL_CERT_FILE (OpenSSL's convention: it replaces the
        // default bundle; ignored when unreadable), else the bundled web PKI roots.
        let roots = match &opts.ca_file {
            Some(p) => {
                let pem = crate::fsopen::read_regular(p, 16 << 20)
                    .map_err(|e| Error::io(p.display().to_string(), e))?;
                certs_from_pem(&pem).ok_or_else(|| {
                    Error::malformed(p.display().to_string(), "no PEM certificates")
                })?
            }
            None => std::env::var_os("SSL_CERT_FILE")
                .and_then(|p| crate::fsopen::read_regular(std::path::Path::new(&p), 16 << 20).ok())
                .and_then(|pem| certs_from_pem(&pem))
                .unwrap_or(ureq::tls::RootCerts::WebPki),
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(timeouts.connect))
            .timeout_recv_response(Some(timeouts.headers))
            .timeout_per_read(Some(timeouts.idle))
            .max_redirects(5)
            .user_agent(concat!("bosun/", env!("CARGO_PKG_VERSION")))
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
            .build();
        let scheme = if opts.insecure { "http" } else { "https" };
        Ok(RegistryClient {
            agent: config.into(),
            registry: r.registry.clone(),
            base: format!("{scheme}://{}", r.api_host()),
            creds,
            insecure: opts.insecure,
            timeouts,
            auth: Mutex::new(HashMap::new()),
        })
    }

    fn reg_err(&self, reason: String, status: Option<u16>) -> Error {
        Error::Registry {
            registry: self.registry.clone(),
            reason,
            status,
        }
    }

    fn net_err(&self, e: ureq::Error) -> Error {
        let hint = if !self.insecure && matches!(e, ureq::Error::Tls(_) | ureq::Error::Rustls(_)) {
            " (a plain-HTTP registry needs the insecure option)"
        } else {
            ""
        };
        self.reg_err(format!("request failed: {e}{hint}"), None)
    }

    /// One request with authentication: on 401, answers the challenge once and retries.
    fn send(
        &self,
        head: bool,
        path: &str,
        accept: Option<&str>,
        scope: &str,
    ) -> Result<ureq::http::Response<ureq::Body>> {
        let url = format!("{}{}", self.base, path);
        for attempt in 0..2 {
            let current = self.auth.lock().ok().and_then(|m| m.get(scope).cloned());
            let mut req = if head {
                self.agent.head(&url)
            } else {
                self.agent.get(&url)
            };
            if let Some(a) = accept {
                req = req.header("Accept", a);
            }
            match &current {
                Some(Auth::Basic(h)) => req = req.header("Authorization", h),
                Some(Auth::Bearer(t)) => req = req.header("Authorization", &format!("Bearer {t}")),
                None => {}
            }
            let resp = req.call().map_err(|e| self.net_err(e))?;
            let status = resp.status().as_u16();
            if status == 401 && attempt == 0 {
                let challenge = resp
                    .headers()
                    .get("www-authenticate")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                self.authenticate(&challenge, scope)?;
                continue;
            }
            if status == 401 || status == 403 {
                let text = if head {
                    String::new()
                } else {
                    error_text(resp)
                };
                return Err(self.unauthorized(status, path, &text, false));
            }
            return Ok(resp);
        }
        Err(self.reg_err("authentication loop".into(), None))
    }

    /// The one error for a final 401/403 (reads and pushes alike): what was refused,
    /// whether credentials were sent, and the registry's own (escaped) text.
    fn unauthorized(&self, status: u16, request: &str, text: &str, push: bool) -> Error {
        let who = match (self.creds.is_some(), push) {
            (true, false) => "the credentials were rejected",
            (true, true) => "the credentials were rejected or lack push rights",
            (false, false) => {
                "no credentials found (docker config, podman auth file) and anonymous access is refused"
            }
            (false, true) => {
                "no credentials found (docker config, podman auth file) and anonymous push is refused"
            }
        };
        let detail = if text.is_empty() {
            String::new()
        } else {
            format!(" ({text})")
        };
        Error::Unauthorized {
            registry: self.registry.clone(),
            reason: format!("HTTP {status} for {request}: {who}{detail}"),
        }
    }

    fn authenticate(&self, challenge: &str, scope: &str) -> Result<()> {
        let (scheme, params) = parse_challenge(challenge);
        let auth = match scheme.as_str() {
            "basic" => match &self.creds {
                Some(c) => Auth::Basic(basic(c)),
                None => {
                    return Err(Error::Unauthorized {
                        registry: self.registry.clone(),
                        reason: "the registry requires a user name and password, and none were found (docker config, podman auth file) or given".into(),
                    })
                }
            },
            "bearer" => {
                let realm = params.get("realm").cloned().unwrap_or_default();
                if !(realm.starts_with("https://") || (self.insecure && realm.starts_with("http://"))) {
                    return Err(self.reg_err(format!("refusing token realm {realm:?} (must be https)"), Some(401)));
                }
                let mut url = realm.clone();
                let mut sep = if url.contains('?') { '&' } else { '?' };
                if let Some(service) = params.get("service") {
                    url.push_str(&format!("{sep}service={}", query_escape(service)));
                    sep = '&';
                }
                let scope = params.get("scope").cloned().unwrap_or_else(|| scope.to_string());
                url.push_str(&format!("{sep}scope={}", query_escape(&scope)));
                let mut req = self.agent.get(&url);
                // The credential policy (ARCHITECTURE.md, "Limits"): basic credentials go
                // to the registry's own origin, or to a token realm on another origin only
                // over HTTPS; never in clear text to another origin.
                let same_origin = origin(&realm) == origin(&self.base);
                if let Some(c) = &self.creds {
                    if same_origin || realm.starts_with("https://") {
                        req = req.header("Authorization", &basic(c));
                    }
                }
                let resp = req.call().map_err(|e| self.net_err(e))?;
                let status = resp.status().as_u16();
                if status != 200 {
                    let text = error_text(resp);
                    return Err(Error::Unauthorized {
                        registry: self.registry.clone(),
                        reason: format!("token endpoint {realm} answered HTTP {status}: {text}"),
                    });
                }
                let mut buf = Vec::new();
                crate::net::RateReader::new(resp.into_body().into_reader(), format!("token from {realm}"), None, self.timeouts)
                    .take(1 << 20)
                    .read_to_end(&mut buf)
                    .map_err(|e| self.reg_err(format!("token endpoint: {e}"), None))?;
                let v: serde_json::Value =
                    serde_json::from_slice(&buf).map_err(|e| Error::json(format!("token from {realm}"), e))?;
                let token = v
                    .get("token")
                    .or_else(|| v.get("access_token"))
                    .and_then(|t| t.as_str())
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| self.reg_err(format!("token endpoint {realm} returned no token"), None))?;
                Auth::Bearer(token.to_string())
            }
            _ => {
                return Err(self.reg_err(
                    format!("HTTP 401 with an unsupported challenge {challenge:?}"),
                    Some(401),
                ))
            }
        };
        if let Ok(mut m) = self.auth.lock() {
            m.insert(scope.to_string(), auth);
        }
        Ok(())
    }

    /// Fetches a manifest or index by tag or digest: (bytes, content type, digest). When
    /// fetched by digest the bytes are verified against it.
    pub fn fetch_manifest(
        &self,
        r: &Reference,
        reference: &str,
        limit: u64,
    ) -> Result<(Vec<u8>, String, Digest)> {
        let path = format!("/v2/{}/manifests/{reference}", r.repository);
        let resp = self.send(false, &path, Some(media::ACCEPT_MANIFESTS), &scope_of(r))?;
        let status = resp.status().as_u16();
        if status == 404 {
            return Err(self.reg_err(
                format!("manifest {}:{reference} not found", r.repository),
                Some(404),
            ));
        }
        if status != 200 {
            let text = error_text(resp);
            return Err(self.reg_err(
                format!("HTTP {status} fetching manifest {reference}: {text}"),
                Some(status),
            ));
        }
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.split(';').next().unwrap_or("").trim().to_string())
            .unwrap_or_default();
        let header_digest = resp
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .and_then(|s| Digest::parse(s.trim()).ok());
        let by_digest = Digest::parse(reference).ok();
        let what = format!("{r}: manifest {reference}");
        let bytes = read_verified(
            crate::net::RateReader::new(
                resp.into_body().into_reader(),
                what.clone(),
                Some(limit),
                self.timeouts,
            ),
            &what,
            None,
            by_digest.as_ref(),
            limit,
        )?;
        let computed = Digest::sha256_of(&bytes);
        if let Some(h) = header_digest.filter(|h| h.algorithm_name() == "sha256") {
            if h != computed {
                return Err(Error::DigestMismatch {
                    blob: format!("{what} (Docker-Content-Digest header)"),
                    expected: h.to_string(),
                    actual: computed.to_string(),
                });
            }
        }
        Ok((bytes, ct, by_digest.unwrap_or(computed)))
    }

    /// Resolves `r` (tag or digest) to the digest of its manifest or index, with a HEAD
    /// request when the registry sends `Docker-Content-Digest`, else by fetching and
    /// hashing the manifest.
    pub fn resolve_digest(&self, r: &Reference) -> Result<Digest> {
        let reference = r.manifest_ref();
        let path = format!("/v2/{}/manifests/{reference}", r.repository);
        let resp = self.send(true, &path, Some(media::ACCEPT_MANIFESTS), &scope_of(r))?;
        let status = resp.status().as_u16();
        if status == 404 {
            return Err(self.reg_err(
                format!("manifest {}:{reference} not found", r.repository),
                Some(404),
            ));
        }
        if status == 200 {
            if let Some(d) = resp
                .headers()
                .get("docker-content-digest")
                .and_then(|v| v.to_str().ok())
                .and_then(|s| Digest::parse(s.trim()).ok())
            {
                return Ok(d);
            }
        }
        self.fetch_manifest(r, &reference, 4 << 20)
            .map(|(_, _, d)| d)
    }

    /// Opens a blob for streaming (unverified here: callers wrap it).
    fn open_blob(&self, r: &Reference, d: &Digest, what: &str) -> Result<Box<dyn Read + Send>> {
        let path = format!("/v2/{}/blobs/{d}", r.repository);
        let resp = self.send(false, &path, None, &scope_of(r))?;
        let status = resp.status().as_u16();
        if status == 404 {
            return Err(Error::BlobNotFound {
                digest: d.to_string(),
                what: what.to_string(),
                source_name: format!("docker://{r}"),
            });
        }
        if status != 200 {
            let text = error_text(resp);
            return Err(self.reg_err(
                format!("HTTP {status} fetching {what} {d}: {text}"),
                Some(status),
            ));
        }
        let declared = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        Ok(Box::new(crate::net::RateReader::new(
            resp.into_body().into_reader(),
            format!("registry {}: {what} {d}", self.registry),
            declared,
            self.timeouts,
        )))
    }
}

struct RegistryBlobs {
    client: Arc<RegistryClient>,
    reference: Reference,
}

impl BlobStore for RegistryBlobs {
    fn open_layer(&self, layer: &LayerInfo) -> Result<(Box<dyn Read + Send>, LayerCheck)> {
        let r = self.client.open_blob(
            &self.reference,
            &layer.digest,
            &format!("layer {}", layer.index),
        )?;
        Ok((
            r,
            LayerCheck {
                verify_digest: true,
            },
        ))
    }
}

/// Opens an image from a registry.
pub(crate) fn open(r: &Reference, opts: &OpenOptions, name: &str) -> Result<Image> {
    let client = Arc::new(RegistryClient::new(r, &opts.registry)?);
    let (top_bytes, ct, top_digest) =
        client.fetch_manifest(r, &r.manifest_ref(), opts.limits.max_manifest_bytes)?;
    let top = Descriptor {
        media_type: ct,
        digest: top_digest.clone(),
        size: top_bytes.len() as u64,
        urls: vec![],
        annotations: Default::default(),
        platform: None,
    };
    let fetch = |d: &Descriptor, what: &str, limit: u64| -> Result<Vec<u8>> {
        if d.digest == top_digest {
            return Ok(top_bytes.clone());
        }
        if d.size > limit {
            return Err(Error::LimitExceeded {
                what: format!("{what}: declared size"),
                amount: d.size,
                limit,
            });
        }
        if media::is_manifest(&d.media_type) || media::is_index(&d.media_type) {
            let (bytes, _, _) = client.fetch_manifest(r, &d.digest.to_string(), limit)?;
            if bytes.len() as u64 != d.size {
                return Err(Error::SizeMismatch {
                    blob: what.to_string(),
                    expected: d.size,
                    actual: bytes.len() as u64,
                    overrun: bytes.len() as u64 > d.size,
                });
            }
            Ok(bytes)
        } else {
            read_desc(client.open_blob(r, &d.digest, what)?, d, what, limit)
        }
    };
    let resolved = resolve_descriptor(&top, &fetch, opts, name)?;
    let (config, config_raw) = load_config(&resolved.manifest, &fetch, &opts.limits, name)?;
    let layers = layers_from(&resolved.manifest, &config, &opts.limits, name)?;
    let platform = resolved
        .platform
        .clone()
        .unwrap_or_else(|| crate::source::config_platform(&config));
    Ok(Image {
        source: name.to_string(),
        index: resolved.index,
        index_digest: resolved.index_digest,
        manifest: resolved.manifest,
        manifest_digest: Some(resolved.manifest_digest),
        manifest_raw: resolved.manifest_raw,
        config,
        config_raw,
        layers,
        names: vec![r.to_string()],
        platform,
        limits: opts.limits.clone(),
        blobs: Arc::new(RegistryBlobs {
            client,
            reference: r.clone(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            origin("http://127.0.0.1:5000"),
            origin("HTTP://127.0.0.1:5000/token?x")
        );
        assert_ne!(
            origin("http://127.0.0.1:5000"),
            origin("http://127.0.0.1:5001/token")
        );
        assert_eq!(
            origin("https://a.example/t"),
            origin("https://u@A.example:443")
        );
        assert_ne!(origin("https://a.example"), origin("http://a.example"));
    }

    #[test]
    fn challenge_parsing() {
        let (s, p) = parse_challenge(
            r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(s, "bearer");
        assert_eq!(p["realm"], "https://auth.example/token");
        assert_eq!(p["scope"], "repository:a/b:pull,push");
        let (s, p) = parse_challenge(r#"Basic realm="Registry Realm""#);
        assert_eq!(
            (s.as_str(), p["realm"].as_str()),
            ("basic", "Registry Realm")
        );
        assert_eq!(
            query_escape("repository:a/b:pull"),
            "repository%3Aa%2Fb%3Apull"
        );
    }
}
