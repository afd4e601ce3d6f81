//! Container engine source (`docker-daemon:REF`): the Docker Engine API (or podman's
//! compatible service) over its unix socket. `GET /images/{name}/get` streams a docker
//! archive, which is spooled to a temporary file (an archive is not seekable as a
//! stream, and its `manifest.json` may come last) and then read like any archive.
//!
//! HTTP goes through ureq with a small connector that dials the unix socket instead of
//! TCP (ureq's transport API), so no HTTP code is hand-written here.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
};

use crate::error::{Error, Result};
use crate::image::{Image, OpenOptions};

/// Dials a fixed unix socket for every request.
#[derive(Debug)]
struct UnixConnector {
    path: PathBuf,
    idle: std::time::Duration,
}

struct UnixTransport {
    idle: std::time::Duration,
    stream: UnixStream,
    buffers: LazyBuffers,
}

impl std::fmt::Debug for UnixTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnixTransport").finish_non_exhaustive()
    }
}

impl<In: Transport> Connector<In> for UnixConnector {
    type Out = Either<In, UnixTransport>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        if let Some(c) = chained {
            return Ok(Some(Either::A(c)));
        }
        let stream = UnixStream::connect(&self.path)?;
        stream.set_read_timeout(Some(self.idle))?;
        stream.set_write_timeout(Some(std::time::Duration::from_secs(60)))?;
        Ok(Some(Either::B(UnixTransport {
            idle: self.idle,
            stream,
            buffers: LazyBuffers::new(128 * 1024, 16 * 1024),
        })))
    }
}

impl Transport for UnixTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        _timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        let out = self.buffers.output().get(..amount).unwrap_or(&[]);
        self.stream.write_all(out)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        // ureq's deadline (response headers) when it is sooner than the idle timeout.
        if let Some(t) = timeout.not_zero().map(|t| *t).filter(|t| *t < self.idle) {
            self.stream.set_read_timeout(Some(t))?;
        } else {
            self.stream.set_read_timeout(Some(self.idle))?;
        }
        let buf = self.buffers.input_append_buf();
        let n = loop {
            match self.stream.read(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(ureq::Error::Timeout(timeout.reason))
                }
                r => break r?,
            }
        };
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        // Connections are not reused (one request per walk), so never report reusable.
        false
    }
}

/// An agent whose every request goes to the unix socket `path`.
fn unix_agent(path: &std::path::Path, timeouts: crate::net::Timeouts) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_recv_response(Some(timeouts.headers))
        .build();
    ureq::Agent::with_parts(
        config,
        UnixConnector {
            path: path.to_path_buf(),
            idle: timeouts.idle,
        },
        ureq::unversioned::resolver::DefaultResolver::default(),
    )
}

/// A container engine's API (Docker Engine API, or podman's compatible service) for
/// reading: `GET` requests answered with JSON, over a unix socket or plain TCP, with
/// the same time bounds as every network read and a size cap per answer.
#[derive(Debug)]
pub struct Engine {
    host: String,
    base: String,
    agent: ureq::Agent,
    timeouts: crate::net::Timeouts,
}

/// Largest JSON answer read from an engine (a container list of thousands fits).
pub const MAX_ENGINE_ANSWER: u64 = 64 << 20;

impl Engine {
    /// The engine at `host` (`unix:///PATH`, `tcp://HOST:PORT`, `http://HOST:PORT`, or a
    /// socket path), else `DOCKER_HOST`, else `unix:///var/run/docker.sock`. Nothing is
    /// sent yet. TLS (`tcp://` with `DOCKER_TLS_VERIFY`) is not supported.
    pub fn new(host: Option<&str>, opts: &crate::RegistryOptions) -> Result<Engine> {
        let host = match host.map(str::to_string).or_else(|| {
            std::env::var("DOCKER_HOST")
                .ok()
                .filter(|h| !h.trim().is_empty())
        }) {
            Some(h) => h.trim().to_string(),
            None => "unix:///var/run/docker.sock".to_string(),
        };
        let timeouts = crate::net::Timeouts::of(opts);
        let fail = |reason: &str| Error::Daemon {
            socket: host.clone(),
            reason: reason.to_string(),
        };
        if let Some(path) = host
            .strip_prefix("unix://")
            .or_else(|| host.starts_with('/').then_some(host.as_str()))
        {
            let path = PathBuf::from(path);
            if !path.exists() {
                return Err(fail(
                    "no such socket (is the engine running? set DOCKER_HOST or --host)",
                ));
            }
            return Ok(Engine {
                agent: unix_agent(&path, timeouts),
                base: "http://localhost".into(),
                host,
                timeouts,
            });
        }
        let addr = host
            .strip_prefix("tcp://")
            .or_else(|| host.strip_prefix("http://"))
            .ok_or_else(|| fail("expected unix:///PATH or tcp://HOST:PORT"))?
            .trim_end_matches('/');
        if addr.is_empty() || addr.contains('/') {
            return Err(fail("expected unix:///PATH or tcp://HOST:PORT"));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(timeouts.connect))
            .timeout_recv_response(Some(timeouts.headers))
            .build();
        Ok(Engine {
            agent: config.into(),
            base: format!("http://{addr}"),
            host,
            timeouts,
        })
    }

    /// The address as given (for messages and findings).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `GET path` (e.g. `/containers/json?all=1`), the answer parsed as JSON. An
    /// answer that is not HTTP, not 200 or not JSON is an error naming the path.
    pub fn get_json(&self, path: &str) -> Result<serde_json::Value> {
        let fail = |reason: String| Error::Daemon {
            socket: self.host.clone(),
            reason,
        };
        let resp = self
            .agent
            .get(&format!("{}{path}", self.base))
            .call()
            .map_err(|e| fail(format!("GET {path}: {e}")))?;
        let status = resp.status().as_u16();
        let mut buf = Vec::new();
        crate::net::RateReader::new(
            resp.into_body().into_reader(),
            format!("{}: {path}", self.host),
            None,
            self.timeouts,
        )
        .take(MAX_ENGINE_ANSWER + 1)
        .read_to_end(&mut buf)
        .map_err(|e| fail(format!("GET {path}: {e}")))?;
        if buf.len() as u64 > MAX_ENGINE_ANSWER {
            return Err(Error::LimitExceeded {
                what: format!("{}: answer to {path}", self.host),
                amount: buf.len() as u64,
                limit: MAX_ENGINE_ANSWER,
            });
        }
        let parsed = serde_json::from_slice::<serde_json::Value>(&buf);
        if status != 200 {
            let msg = parsed
                .ok()
                .and_then(|v| {
                    v.get("message")
                        .and_then(|m| m.as_str())
                        .map(str::to_string)
                })
                .unwrap_or_else(|| {
                    String::from_utf8_lossy(&buf[..buf.len().min(200)])
                        .trim()
                        .to_string()
                });
            return Err(fail(format!("GET {path}: HTTP {status}: {msg}")));
        }
        parsed.map_err(|e| {
            fail(format!(
                "GET {path}: the answer is not JSON ({e}): not a container engine?"
            ))
        })
    }
}

/// The socket to use: the option, else `DOCKER_HOST=unix://...`, else
/// `/var/run/docker.sock`.
fn socket_path(opts: &OpenOptions) -> Result<PathBuf> {
    if let Some(p) = &opts.daemon_socket {
        return Ok(p.clone());
    }
    if let Ok(h) = std::env::var("DOCKER_HOST") {
        if let Some(p) = h.strip_prefix("unix://") {
            return Ok(PathBuf::from(p));
        }
        if !h.is_empty() {
            return Err(Error::Daemon {
                socket: h,
                reason: "only unix:// engine sockets are supported (DOCKER_HOST)".into(),
            });
        }
    }
    Ok(PathBuf::from("/var/run/docker.sock"))
}

/// Percent-encodes an image name for the URL path (keeps `/`, `:` and `@`, which the
/// engine's route accepts as they are).
fn path_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn open(reference: &str, opts: &OpenOptions, name: &str) -> Result<Image> {
    let socket = socket_path(opts)?;
    let sock_name = socket.display().to_string();
    let fail = |reason: String| Error::Daemon {
        socket: sock_name.clone(),
        reason,
    };
    if !socket.exists() {
        return Err(fail(
            "no such socket (is the engine running? set DOCKER_HOST=unix://PATH)".into(),
        ));
    }
    let timeouts = crate::net::Timeouts::of(&opts.registry);
    let agent = unix_agent(&socket, timeouts);
    let url = format!("http://localhost/images/{}/get", path_escape(reference));
    let resp = agent
        .get(&url)
        .call()
        .map_err(|e| fail(format!("request failed: {e}")))?;
    let status = resp.status().as_u16();
    if status != 200 {
        let mut buf = Vec::new();
        let _ = crate::net::RateReader::new(
            resp.into_body().into_reader(),
            "error body".into(),
            Some(4096),
            timeouts,
        )
        .take(4096)
        .read_to_end(&mut buf);
        let msg = serde_json::from_slice::<serde_json::Value>(&buf)
            .ok()
            .and_then(|v| {
                v.get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_else(|| String::from_utf8_lossy(&buf).trim().to_string());
        return Err(fail(format!(
            "exporting image {reference:?}: HTTP {status}: {msg}"
        )));
    }
    let mut tmp = crate::fsopen::temp_file("bosun-engine-export-")
        .map_err(|e| Error::io("temporary file", e))?;
    let limit = opts.limits.max_spool_bytes;
    let copied = std::io::copy(
        &mut crate::net::RateReader::new(
            resp.into_body().into_reader(),
            format!("{name}: engine export"),
            None,
            timeouts,
        )
        .take(limit.saturating_add(1)),
        tmp.as_file_mut(),
    )
    .map_err(|e| fail(format!("reading the export: {e}")))?;
    if copied > limit {
        return Err(Error::LimitExceeded {
            what: format!("{name}: engine export"),
            amount: copied,
            limit,
        });
    }
    tmp.as_file_mut()
        .flush()
        .map_err(|e| Error::io("temporary file", e))?;
    let path = tmp.into_temp_path();
    let image = crate::source::open_spooled_docker_archive(path, opts, name)?;
    Ok(image)
}
