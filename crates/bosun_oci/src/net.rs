//! Time bounds on every network body (registry and engine): an idle timeout between
//! bytes (the socket's read timeout) and a total per body that grows with what arrives:
//! a body may take `grace + bytes_so_far / min_rate`, and at most
//! `grace + declared_size / min_rate` when its size is declared. A peer that trickles
//! one byte at a time is therefore cut off after the grace period, whatever the body's
//! size, while a large layer on a healthy link is never cut off.
//!
//! Hand-written (a small reader wrapper): ureq's own deadlines are fixed per request and
//! cannot scale with the bytes received.

use std::io::{self, Read};
use std::time::{Duration, Instant};

use crate::image::RegistryOptions;

/// The resolved network time bounds (see [`RegistryOptions`] for the defaults).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timeouts {
    pub connect: Duration,
    pub headers: Duration,
    pub idle: Duration,
    pub grace: Duration,
    pub min_rate: u64,
}

impl Timeouts {
    pub(crate) fn of(o: &RegistryOptions) -> Self {
        let secs = |v: Option<u64>, d: u64| Duration::from_secs(v.unwrap_or(d).max(1));
        Timeouts {
            connect: secs(o.connect_timeout_secs, 30),
            headers: secs(o.timeout_secs, 30),
            idle: secs(o.idle_timeout_secs, 30),
            grace: secs(o.body_grace_secs, 60),
            min_rate: o.min_body_bytes_per_sec.unwrap_or(256 << 10).max(1),
        }
    }
}

/// Wraps a network body, see the module docs.
pub(crate) struct RateReader<R> {
    inner: R,
    what: String,
    start: Instant,
    read: u64,
    declared: Option<u64>,
    t: Timeouts,
}

impl<R: Read> RateReader<R> {
    pub(crate) fn new(inner: R, what: String, declared: Option<u64>, t: Timeouts) -> Self {
        RateReader {
            inner,
            what,
            start: Instant::now(),
            read: 0,
            declared,
            t,
        }
    }

    fn allowed(&self, bytes: u64) -> Duration {
        self.t
            .grace
            .saturating_add(Duration::from_secs(bytes / self.t.min_rate))
    }
}

impl<R: Read> Read for RateReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf).map_err(|e| {
            if matches!(
                e.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ) {
                io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "{}: no data for {} s (idle timeout)",
                        self.what,
                        self.t.idle.as_secs()
                    ),
                )
            } else {
                e
            }
        })?;
        self.read += n as u64;
        let elapsed = self.start.elapsed();
        let mut budget = self.allowed(self.read);
        if let Some(d) = self.declared {
            budget = budget.min(self.allowed(d));
        }
        if elapsed > budget {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "{}: too slow: {} bytes in {} s (at least {} bytes/s are needed after {} s)",
                    self.what,
                    self.read,
                    elapsed.as_secs(),
                    self.t.min_rate,
                    self.t.grace.as_secs()
                ),
            ));
        }
        Ok(n)
    }
}
