//! The one tar reader with limits, for the outer archive (`docker save`, OCI archive) and
//! every layer alike: a pass-through reader placed under the `tar` crate that follows the
//! tar framing exactly as the crate does and refuses metadata records the crate would
//! buffer whole in memory (GNU long names `L`/`K`, PAX `x`/`g` headers) when they exceed
//! [`crate::Limits::max_tar_header_bytes`]. Without it a small gzip bomb shaped as one
//! giant long name would cost gigabytes of RAM, since the crate has no such limit.
//!
//! **Agreement with the crate, by construction.** An earlier guard parsed headers itself
//! and could be walked around: a PAX header with two `size` records (the crate uses the
//! first, the guard used the last), or a V7-format `x` header (the crate does not treat
//! it as PAX, the guard did). This one does not parse a single header field by hand:
//! every block is read through [`tar::Header`] (`entry_size`, `cksum`, `as_gnu`,
//! `as_ustar`, `entry_type`), PAX records through [`tar::PaxExtensions`] with the crate's
//! first-match rule, and the control flow mirrors `tar::Archive::next_entry` (0.4.46):
//! which headers are recognised as extensions, when a PAX `size` applies, where GNU
//! sparse extension blocks sit, when the crate stops. Where the crate would fail (bad
//! checksum, a second long name, size overflow) the guard stops watching, since the crate
//! reads nothing more. In seek mode (the outer archive) a seek to anywhere but the next
//! header the guard predicts is an error, so a disagreement there can only stop the read, never bypass a limit.
//! The `tar_reader` fuzz target checks that the guard predicts the position of every
//! header the crate yields, and that no yielded entry carries a longer metadata record
//! than the limit.
//!
//! It never changes the bytes.

use std::io::{self, Read, Seek, SeekFrom};

use crate::digest::ErrorSlot;
use crate::error::Error;

const BLOCK: u64 = 512;

pub(crate) struct TarGuard<R> {
    inner: R,
    limit: u64,
    label: String,
    slot: ErrorSlot,
    header: Vec<u8>,
    /// Bytes read so far (the offset of the next byte).
    pos: u64,
    /// Data (+ padding) bytes before the next header.
    remaining: u64,
    /// Body of a recognised PAX `x` header being collected, and its size.
    collecting: Option<(Vec<u8>, u64)>,
    /// A recognised PAX `x` header precedes the coming entry: its `size` record.
    pax: Option<Option<u64>>,
    long_name: bool,
    long_link: bool,
    /// GNU sparse extension blocks follow; then this many data (+ padding) bytes.
    sparse_pending: Option<u64>,
    /// End of archive, or the crate will fail: nothing more to watch.
    done: bool,
    /// Header offsets of the entries the crate will yield (fuzzing oracle).
    record: Option<Vec<u64>>,
}

impl<R> TarGuard<R> {
    pub(crate) fn new(inner: R, limit: u64, label: String, slot: ErrorSlot) -> Self {
        TarGuard {
            inner,
            limit,
            label,
            slot,
            header: Vec::with_capacity(512),
            pos: 0,
            remaining: 0,
            collecting: None,
            pax: None,
            long_name: false,
            long_link: false,
            sparse_pending: None,
            done: false,
            record: None,
        }
    }

    pub(crate) fn into_inner(self) -> R {
        self.inner
    }

    fn observe(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() && !self.done {
            if self.remaining > 0 {
                let take = usize::try_from(self.remaining)
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                let (chunk, rest) = data.split_at(take);
                self.pos += take as u64;
                self.consume(take as u64, Some(chunk));
                data = rest;
                continue;
            }
            if self.header.is_empty() && data.len() >= 512 {
                // A whole header in the data read: no copy.
                let (block, rest) = data.split_at(512);
                self.pos += BLOCK;
                data = rest;
                self.on_block(tar::Header::from_byte_slice(block))?;
                continue;
            }
            let take = (512 - self.header.len()).min(data.len());
            let (chunk, rest) = data.split_at(take);
            self.header.extend_from_slice(chunk);
            self.pos += take as u64;
            data = rest;
            if self.header.len() == 512 {
                let mut block = [0u8; 512];
                block.copy_from_slice(&self.header);
                self.header.clear();
                self.on_block(tar::Header::from_byte_slice(&block))?;
            }
        }
        Ok(())
    }

    /// `n` data bytes pass (`chunk` when they were read, `None` when seeked over).
    fn consume(&mut self, n: u64, chunk: Option<&[u8]>) {
        if let Some((buf, want)) = &mut self.collecting {
            let need = usize::try_from(*want)
                .unwrap_or(0)
                .saturating_sub(buf.len());
            match chunk {
                Some(c) => buf.extend_from_slice(c.get(..need.min(c.len())).unwrap_or(&[])),
                // The crate reads PAX bodies, it never seeks over them; if it did, the
                // records are unknown and no size applies.
                None => *want = 0,
            }
        }
        self.remaining -= n;
        if self.remaining == 0 {
            if let Some((buf, want)) = self.collecting.take() {
                let complete = buf.len() as u64 == want;
                self.pax = Some(if complete { pax_size(&buf) } else { None });
            }
        }
    }

    fn stop(&mut self) -> io::Result<()> {
        self.done = true;
        Ok(())
    }

    fn refuse(&self, what: &str, size: u64) -> io::Error {
        self.slot.set(Error::LimitExceeded {
            what: format!("{}: tar {what} record", self.label),
            amount: size,
            limit: self.limit,
        })
    }

    /// One header block, at the place where the crate reads a header.
    fn on_block(&mut self, h: &tar::Header) -> io::Result<()> {
        let header_pos = self.pos.saturating_sub(BLOCK);
        if let Some(data) = self.sparse_pending {
            // GNU sparse extension block: `isextended` at offset 504, exactly 1.
            if h.as_bytes().get(504).copied() != Some(1) {
                self.sparse_pending = None;
                self.remaining = data;
            }
            return Ok(());
        }
        // (A slice comparison and the crate's own checksum code: per-byte folds here
        // were a third of the time on a layer of 400,000 empty entries in a debug build.)
        if h.as_bytes()[..] == [0u8; 512][..] {
            // `ignore_zeros` is off: the crate stops at the first zero block.
            return self.stop();
        }
        // The checksum as the crate computes it (`Archive::next_entry`: the sum of the
        // bytes, the field itself counting as eight spaces), not through `set_cksum`,
        // which formats the sum as octal text only for it to be parsed back.
        let b = h.as_bytes();
        let sum = b[..148]
            .iter()
            .chain(&b[156..])
            .fold(8 * 32, |a, &x| a + u32::from(x));
        if h.cksum().ok() != Some(sum) {
            return self.stop(); // the crate fails here
        }
        let et = h.entry_type();
        let is_ext = et.is_gnu_longname()
            || et.is_gnu_longlink()
            || et.is_pax_local_extensions()
            || et.is_pax_global_extensions();
        let Ok(mut size) = h.entry_size() else {
            return self.stop();
        };
        if !is_ext {
            if let Some(Some(s)) = self.pax {
                size = s;
            }
        }
        let Some(padded) = size.checked_add(BLOCK - 1).map(|s| s & !(BLOCK - 1)) else {
            return self.stop(); // "size overflow"
        };
        let recognized = h.as_gnu().is_some() || h.as_ustar().is_some();
        if recognized && et.is_gnu_longname() {
            if self.long_name {
                return self.stop();
            }
            if size > self.limit {
                return Err(self.refuse("GNU long name", size));
            }
            self.long_name = true;
            self.remaining = padded;
            return Ok(());
        }
        if recognized && et.is_gnu_longlink() {
            if self.long_link {
                return self.stop();
            }
            if size > self.limit {
                return Err(self.refuse("GNU long link name", size));
            }
            self.long_link = true;
            self.remaining = padded;
            return Ok(());
        }
        if recognized && et.is_pax_local_extensions() {
            if self.pax.is_some() || self.collecting.is_some() {
                return self.stop();
            }
            if size > self.limit {
                return Err(self.refuse("PAX header", size));
            }
            self.remaining = padded;
            if size == 0 {
                self.pax = Some(None);
            } else {
                self.collecting = Some((Vec::new(), size));
            }
            return Ok(());
        }
        // An entry the crate yields. Its `pax_extensions()` reads a `x`/`g` body whole
        // (recognised or not), so those are capped too.
        if (et.is_pax_global_extensions() || et.is_pax_local_extensions()) && size > self.limit {
            return Err(self.refuse("PAX header", size));
        }
        if let Some(r) = &mut self.record {
            r.push(header_pos);
        }
        self.pax = None;
        self.long_name = false;
        self.long_link = false;
        if et.is_gnu_sparse() {
            let Some(gnu) = h.as_gnu() else {
                return self.stop(); // "sparse entry type listed but not GNU header"
            };
            if gnu.is_extended() {
                self.sparse_pending = Some(padded);
                return Ok(());
            }
        }
        self.remaining = padded;
        Ok(())
    }
}

impl<R: Read> Read for TarGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if !self.done {
            self.observe(buf.get(..n).unwrap_or(&[]))?;
        }
        Ok(n)
    }
}

/// The crate skips data by seeking when the archive is seekable (`entries_with_seek`).
impl<R: Read + Seek> Seek for TarGuard<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        if self.done {
            return self.inner.seek(to);
        }
        match to {
            SeekFrom::Current(n) if n >= 0 && n as u64 == self.remaining => {
                let p = self.inner.seek(to)?;
                self.pos += n as u64;
                if n > 0 {
                    self.consume(n as u64, None);
                }
                Ok(p)
            }
            _ => Err(io::Error::other(format!(
                "{}: the tar reader skipped to a place the tar guard did not expect",
                self.label
            ))),
        }
    }
}

/// The `size` record of PAX data, with the crate's rule (`pax_extensions_value`): the
/// first `size` record wins, and a malformed record before it means none.
fn pax_size(data: &[u8]) -> Option<u64> {
    for ext in tar::PaxExtensions::new(data) {
        let ext = ext.ok()?;
        if ext.key() != Ok("size") {
            continue;
        }
        return ext.value().ok()?.parse::<u64>().ok();
    }
    None
}

/// Fuzzing and test support: runs the `tar` crate over `data` through a guard with
/// `limit` (both reading and seeking over data) and checks that the guard predicted the
/// position of every header the crate yielded, and that no yielded entry carries a
/// metadata record longer than the limit. `Err` describes a disagreement.
#[doc(hidden)]
pub fn check_guard(data: &[u8], limit: u64) -> std::result::Result<(), String> {
    for seek in [false, true] {
        let slot = ErrorSlot::default();
        let mut guard = TarGuard::new(io::Cursor::new(data), limit, "fuzz".into(), slot.clone());
        guard.record = Some(Vec::new());
        let mut archive = tar::Archive::new(guard);
        let mut seen: Vec<u64> = Vec::new();
        {
            let entries: Box<dyn Iterator<Item = io::Result<tar::Entry<'_, _>>>> = if seek {
                Box::new(archive.entries_with_seek().map_err(|e| e.to_string())?)
            } else {
                Box::new(archive.entries().map_err(|e| e.to_string())?)
            };
            for e in entries {
                let Ok(mut e) = e else { break };
                seen.push(e.raw_header_position());
                let name = e.path_bytes().len() as u64;
                let link = e.link_name_bytes().map_or(0, |l| l.len() as u64);
                // The header fields alone hold at most 257 bytes of a name.
                if name > limit.max(257) || link > limit.max(257) {
                    return Err(format!(
                        "seek={seek}: an entry with a {name}/{link}-byte name went through"
                    ));
                }
                let et = e.header().entry_type();
                if et.is_pax_global_extensions() || et.is_pax_local_extensions() {
                    if let Ok(Some(x)) = e.pax_extensions() {
                        let _ = x.count();
                    }
                }
            }
        }
        let predicted = archive.into_inner().record.unwrap_or_default();
        let prefix = predicted.get(..seen.len());
        if prefix != Some(seen.as_slice()) || predicted.len() > seen.len() + 1 {
            return Err(format!(
                "seek={seek}: the crate yielded headers at {seen:?}, the guard predicted {predicted:?}"
            ));
        }
    }
    Ok(())
}
