//! A pass-through reader that follows the tar framing just far enough to refuse huge
//! metadata records (GNU long names `L`/`K`, PAX `x`/`g` headers) before the `tar` crate
//! buffers them whole in memory: without it a small gzip bomb shaped as one giant PAX
//! header would cost gigabytes of RAM.
//!
//! It never changes the bytes. It acts only on blocks that sit where a header must be
//! and carry a valid header checksum; if the framing is lost (a checksum does not match),
//! it stops watching and leaves the error to the `tar` crate, so it cannot reject a
//! valid archive that it misunderstands.

use std::io::{self, Read};

use crate::digest::ErrorSlot;
use crate::error::Error;

pub(crate) struct TarGuard<R> {
    inner: R,
    limit: u64,
    label: String,
    slot: ErrorSlot,
    header: Vec<u8>,
    /// Data (+ padding) bytes before the next header.
    remaining: u64,
    /// PAX record bytes being collected (for a `size=` override of the next entry).
    pax: Option<(Vec<u8>, u64)>,
    pax_size: Option<u64>,
    /// GNU sparse extension blocks follow; the entry's data comes after them.
    sparse_pending: Option<u64>,
    disabled: bool,
}

impl<R: Read> TarGuard<R> {
    pub(crate) fn new(inner: R, limit: u64, label: String, slot: ErrorSlot) -> Self {
        TarGuard {
            inner,
            limit,
            label,
            slot,
            header: Vec::with_capacity(512),
            remaining: 0,
            pax: None,
            pax_size: None,
            sparse_pending: None,
            disabled: false,
        }
    }

    pub(crate) fn into_inner(self) -> R {
        self.inner
    }

    fn observe(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() && !self.disabled {
            if self.remaining > 0 {
                let take = usize::try_from(self.remaining)
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                let (chunk, rest) = data.split_at(take);
                if let Some((buf, want)) = &mut self.pax {
                    let need = usize::try_from(*want)
                        .unwrap_or(0)
                        .saturating_sub(buf.len());
                    buf.extend_from_slice(chunk.get(..need.min(chunk.len())).unwrap_or(&[]));
                }
                self.remaining -= take as u64;
                data = rest;
                if self.remaining == 0 {
                    if let Some((buf, _)) = self.pax.take() {
                        self.pax_size = pax_size(&buf);
                    }
                }
                continue;
            }
            let take = (512 - self.header.len()).min(data.len());
            let (chunk, rest) = data.split_at(take);
            self.header.extend_from_slice(chunk);
            data = rest;
            if self.header.len() == 512 {
                let block = std::mem::take(&mut self.header);
                self.on_block(&block)?;
                self.header = block;
                self.header.clear();
            }
        }
        Ok(())
    }

    fn on_block(&mut self, b: &[u8]) -> io::Result<()> {
        if let Some(data) = self.sparse_pending {
            // GNU sparse extension block: "isextended" flag at offset 504.
            if b.get(504).copied().unwrap_or(0) == 0 {
                self.sparse_pending = None;
                self.remaining = data;
            }
            return Ok(());
        }
        if b.iter().all(|&x| x == 0) {
            return Ok(()); // end-of-archive or padding blocks
        }
        if !checksum_ok(b) {
            self.disabled = true;
            return Ok(());
        }
        let flag = b.get(156).copied().unwrap_or(0);
        let Some(mut size) = parse_size(b.get(124..136).unwrap_or(&[])) else {
            self.disabled = true;
            return Ok(());
        };
        let meta = matches!(flag, b'L' | b'K' | b'x' | b'g' | b'X');
        if meta {
            if size > self.limit {
                let what = match flag {
                    b'L' => "GNU long name",
                    b'K' => "GNU long link name",
                    _ => "PAX header",
                };
                return Err(self.slot.set(Error::LimitExceeded {
                    what: format!("{}: tar {what} record", self.label),
                    amount: size,
                    limit: self.limit,
                }));
            }
            if flag == b'x' {
                self.pax = Some((Vec::new(), size));
            }
        } else if let Some(s) = self.pax_size.take() {
            size = s;
        }
        let padded = size.div_ceil(512).saturating_mul(512);
        if flag == b'S' && b.get(482).copied().unwrap_or(0) != 0 {
            self.sparse_pending = Some(padded);
        } else {
            self.remaining = padded;
        }
        Ok(())
    }
}

impl<R: Read> Read for TarGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if !self.disabled {
            self.observe(buf.get(..n).unwrap_or(&[]))?;
        }
        Ok(n)
    }
}

fn checksum_ok(b: &[u8]) -> bool {
    let Some(field) = b.get(148..156) else {
        return false;
    };
    let Some(want) = parse_octal(field) else {
        return false;
    };
    let sum: u64 = b
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(x)
            }
        })
        .sum();
    sum == want
}

fn parse_octal(f: &[u8]) -> Option<u64> {
    let s: Vec<u8> = f
        .iter()
        .copied()
        .skip_while(|c| *c == b' ')
        .take_while(|c| (b'0'..=b'7').contains(c))
        .collect();
    if s.is_empty() {
        return Some(0);
    }
    let mut v: u64 = 0;
    for c in s {
        v = v.checked_mul(8)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(v)
}

/// Size field: octal, or base-256 when the high bit of the first byte is set.
fn parse_size(f: &[u8]) -> Option<u64> {
    match f.first() {
        Some(first) if first & 0x80 != 0 => {
            let mut v: u64 = u64::from(first & 0x7f);
            for &c in f.get(1..)? {
                v = v.checked_mul(256)?.checked_add(u64::from(c))?;
            }
            Some(v)
        }
        _ => parse_octal(f),
    }
}

/// The `size=` record of PAX data (`"<len> key=value\n"` records), if any.
fn pax_size(mut data: &[u8]) -> Option<u64> {
    let mut found = None;
    while !data.is_empty() {
        let sp = data.iter().position(|&c| c == b' ')?;
        let len: usize = std::str::from_utf8(data.get(..sp)?).ok()?.parse().ok()?;
        let rec = data.get(sp + 1..len)?;
        if let Some(v) = rec.strip_prefix(b"size=") {
            let v = v.strip_suffix(b"\n").unwrap_or(v);
            found = std::str::from_utf8(v).ok()?.parse().ok();
        }
        data = data.get(len..)?;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_records() {
        assert_eq!(pax_size(b"20 path=a/b/c/d/e/f\n13 size=1234\n"), Some(1234));
        assert_eq!(pax_size(b"13 size=1234\n"), Some(1234));
        assert_eq!(pax_size(b"9 path=x\n"), None);
        assert_eq!(pax_size(b"99 garbage"), None);
        assert_eq!(
            parse_size(&[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]),
            Some(256)
        );
        assert_eq!(parse_size(b"00000001750\0"), Some(1000));
    }
}
