//! A scripted registry (tiny_http on 127.0.0.1), shared by the registry tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use base64::Engine as _;
use bosun_oci::testing::{layer_tar, BuiltImage, ImageSpec, TestEntry, TestLayer};
use bosun_oci::{Compression, Credentials, Digest, OpenOptions, Platform, RegistryOptions};

pub const TOKEN: &str = "tok-123";

#[derive(Default)]
pub struct State {
    /// digest -> (content type, bytes) for manifests.
    pub manifests: HashMap<String, (String, Vec<u8>)>,
    pub tags: HashMap<String, String>,
    pub blobs: HashMap<String, Vec<u8>>,
    /// Serve these bytes instead for a blob digest.
    pub tampered: HashMap<String, Vec<u8>>,
    /// Lie in Docker-Content-Digest for this tag.
    pub lying_tag: Option<String>,
    pub broken_tag: Option<String>,
    pub token_requests: usize,
    /// subject digest -> referrers index served by `/v2/x/y/referrers/<digest>`.
    pub referrers: HashMap<String, Vec<u8>>,
}

pub struct Fake {
    pub server: Arc<tiny_http::Server>,
    pub port: u16,
    pub state: Arc<Mutex<State>>,
    pub handle: Option<JoinHandle<()>>,
    pub requests: Arc<AtomicUsize>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

pub fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap()
}

pub fn start(user: &'static str, pass: &'static str) -> Fake {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let port = server.server_addr().to_ip().unwrap().port();
    let state = Arc::new(Mutex::new(State::default()));
    let requests = Arc::new(AtomicUsize::new(0));
    let (srv, st, count) = (server.clone(), state.clone(), requests.clone());
    let handle = std::thread::spawn(move || {
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
        );
        for req in srv.incoming_requests() {
            count.fetch_add(1, Ordering::SeqCst);
            let auth = req
                .headers()
                .iter()
                .find(|h| h.field.equiv("Authorization"))
                .map(|h| h.value.as_str().to_string());
            let url = req.url().to_string();
            let head = *req.method() == tiny_http::Method::Head;
            let mut s = st.lock().unwrap();
            let resp = if let Some(q) = url.strip_prefix("/token?") {
                s.token_requests += 1;
                if auth.as_deref() == Some(basic.as_str())
                    && q.contains("scope=repository%3Ax%2Fy%3Apull")
                {
                    tiny_http::Response::from_string(format!("{{\"token\":\"{TOKEN}\"}}")).boxed()
                } else {
                    tiny_http::Response::from_string("{\"details\":\"bad credentials\"}")
                        .with_status_code(401)
                        .boxed()
                }
            } else if let Some(d) = url.strip_prefix("/storage/") {
                // Redirect target: no auth needed (like a pre-signed URL).
                let body = s
                    .tampered
                    .get(d)
                    .or_else(|| s.blobs.get(d))
                    .cloned()
                    .unwrap_or_default();
                tiny_http::Response::from_data(body).boxed()
            } else if auth.as_deref() != Some(&format!("Bearer {TOKEN}")) {
                tiny_http::Response::from_string("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth required\"}]}")
                    .with_status_code(401)
                    .with_header(header(
                        "WWW-Authenticate",
                        &format!("Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"fake\",scope=\"repository:x/y:pull\""),
                    ))
                    .boxed()
            } else if let Some(r) = url.strip_prefix("/v2/x/y/manifests/") {
                if s.broken_tag.as_deref() == Some(r) {
                    tiny_http::Response::from_string("boom")
                        .with_status_code(500)
                        .boxed()
                } else {
                    let digest = s.tags.get(r).cloned().unwrap_or_else(|| r.to_string());
                    match s.manifests.get(&digest).cloned() {
                        Some((ct, bytes)) => {
                            let claimed = if s.lying_tag.as_deref() == Some(r) {
                                format!("sha256:{}", "1".repeat(64))
                            } else {
                                digest.clone()
                            };
                            let resp = tiny_http::Response::from_data(if head { vec![] } else { bytes.clone() })
                                .with_header(header("Content-Type", &ct))
                                .with_header(header("Docker-Content-Digest", &claimed));
                            resp.boxed()
                        }
                        None => tiny_http::Response::from_string("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"unknown\"}]}")
                            .with_status_code(404)
                            .boxed(),
                    }
                }
            } else if let Some(d) = url.strip_prefix("/v2/x/y/referrers/") {
                let d = d.split('?').next().unwrap_or(d);
                match s.referrers.get(d) {
                    Some(index) => tiny_http::Response::from_data(index.clone())
                        .with_header(header(
                            "Content-Type",
                            "application/vnd.oci.image.index.v1+json",
                        ))
                        .boxed(),
                    None => tiny_http::Response::empty(404).boxed(),
                }
            } else if let Some(d) = url.strip_prefix("/v2/x/y/blobs/") {
                if s.blobs.contains_key(d) {
                    tiny_http::Response::empty(307)
                        .with_header(header(
                            "Location",
                            &format!("http://127.0.0.1:{port}/storage/{d}"),
                        ))
                        .boxed()
                } else {
                    tiny_http::Response::from_string(
                        "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"unknown\"}]}",
                    )
                    .with_status_code(404)
                    .boxed()
                }
            } else {
                tiny_http::Response::empty(404).boxed()
            };
            drop(s);
            let _ = req.respond(resp);
        }
    });
    Fake {
        server,
        port,
        state,
        handle: Some(handle),
        requests,
    }
}

pub fn spec(arch: &str, n: usize) -> ImageSpec {
    ImageSpec {
        layers: (0..n)
            .map(|i| TestLayer {
                tar: layer_tar(&[TestEntry::file(
                    &format!("l{i}/file"),
                    format!("{arch} {i}").as_bytes(),
                )]),
                compression: if i % 2 == 0 {
                    Compression::Gzip
                } else {
                    Compression::Zstd
                },
                created_by: format!("step {i}"),
            })
            .collect(),
        architecture: Some(arch.into()),
        ..Default::default()
    }
}

pub fn publish(fake: &Fake, tag: &str) -> (BuiltImage, BuiltImage, Digest) {
    let amd = spec("amd64", 3).build();
    let arm = spec("arm64", 2).build();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": amd.manifest_digest.to_string(), "size": amd.manifest.len(), "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": arm.manifest_digest.to_string(), "size": arm.manifest.len(), "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}}
        ]
    });
    let index = serde_json::to_vec(&index).unwrap();
    let index_digest = Digest::sha256_of(&index);
    let mut s = fake.state.lock().unwrap();
    for img in [&amd, &arm] {
        for (d, b) in &img.blobs {
            s.blobs.insert(d.to_string(), b.clone());
        }
        s.manifests.insert(
            img.manifest_digest.to_string(),
            (
                "application/vnd.oci.image.manifest.v1+json".into(),
                img.manifest.clone(),
            ),
        );
    }
    s.manifests.insert(
        index_digest.to_string(),
        (
            "application/vnd.docker.distribution.manifest.list.v2+json".into(),
            index,
        ),
    );
    s.tags.insert(tag.into(), index_digest.to_string());
    (amd, arm, index_digest)
}

pub fn opts(fake: &Fake, pass: &str, platform: &str) -> OpenOptions {
    OpenOptions {
        platform: Platform::parse(platform),
        registry: RegistryOptions {
            insecure: true,
            credentials: Some(Credentials {
                username: "u".into(),
                password: pass.into(),
            }),
            docker_config: Some(
                std::env::temp_dir().join(format!("bosun-no-config-{}", fake.port)),
            ),
            ..Default::default()
        },
        ..Default::default()
    }
}
