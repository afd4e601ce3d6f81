//! A byte range of a local file (a layer inside a `docker save` archive, or a layout
//! blob), read with positioned reads through a small buffer, and seekable.
//!
//! Written by hand because neither std type fits: `File::take` cannot seek, and
//! `BufReader::seek` drops its buffer on every call, while a tar walk that skips bodies
//! seeks after nearly every header, usually to a place the buffer already holds. Here a
//! seek only moves a number; the next read is served from the buffer when it can be.
//! A seek past the end of the range is an error (the entry being skipped is truncated),
//! exactly as the `tar` crate's own skip fails when reading runs out.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

/// Bytes fetched per positioned read: enough for the run of small entries that follows
/// one header, small enough that skipping a large file reads little of it. After a
/// fill whose tail was skipped, the next one fetches half as much, down to `MIN_FILL`
/// (a layer of large files is mostly jumped over: each header costs a small read),
/// and twice as much after a fill that was read to its end (runs of small files).
/// Measured on `docker save` archives: 4-6% faster than a fixed 16 KiB, 15% less system
/// time; a fixed 4 KiB or 64 KiB was slower.
const BUF: usize = 16 * 1024;
const MIN_FILL: usize = 4 * 1024;

/// `len` bytes of `file` from `start`.
pub(crate) struct Region {
    file: Arc<File>,
    start: u64,
    len: u64,
    /// Position inside the range.
    pos: u64,
    buf: Vec<u8>,
    /// Range offset of `buf[0]`.
    buf_at: u64,
    /// Bytes the next refill fetches (adapts between `MIN_FILL` and `BUF`).
    fill: usize,
}

impl Region {
    pub(crate) fn new(file: File, start: u64, len: u64) -> Self {
        Region {
            file: Arc::new(file),
            start,
            len,
            pos: 0,
            buf: Vec::new(),
            buf_at: 0,
            fill: BUF,
        }
    }

    /// The same range, read from its start by a reader of its own (same open file).
    pub(crate) fn handle(&self) -> Region {
        self.sub(0, self.len)
    }

    /// `len` bytes from `offset` inside this range, cut at its end.
    pub(crate) fn sub(&self, offset: u64, len: u64) -> Region {
        let offset = offset.min(self.len);
        Region {
            file: self.file.clone(),
            start: self.start + offset,
            len: len.min(self.len - offset),
            pos: 0,
            buf: Vec::new(),
            buf_at: 0,
            fill: BUF,
        }
    }

    #[cfg(unix)]
    fn read_at(&mut self, out: &mut [u8], at: u64) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        self.file.read_at(out, self.start + at)
    }

    #[cfg(not(unix))]
    fn read_at(&mut self, out: &mut [u8], at: u64) -> io::Result<usize> {
        use std::os::windows::fs::FileExt;
        self.file.seek_read(out, self.start + at)
    }
}

impl Clone for Region {
    /// A reader of the same range from its start.
    fn clone(&self) -> Self {
        self.handle()
    }
}

impl Read for Region {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let left = self.len.saturating_sub(self.pos);
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(out.len());
        if want == 0 {
            return Ok(0);
        }
        let buf_end = self.buf_at + self.buf.len() as u64;
        if self.pos < self.buf_at || self.pos >= buf_end {
            if want >= BUF {
                // Large reads go straight to the caller's buffer.
                let n = self.read_at(&mut out[..want], self.pos)?;
                self.pos += n as u64;
                return Ok(n);
            }
            // A reader that jumped past the end of the last fill wasted its tail: fetch
            // less next time; one that read on from its end gets more again.
            if !self.buf.is_empty() {
                self.fill = if self.pos > buf_end {
                    (self.fill / 2).max(MIN_FILL)
                } else {
                    (self.fill * 2).min(BUF)
                };
            }
            let fill = usize::try_from(left).unwrap_or(usize::MAX).min(self.fill);
            self.buf.resize(fill, 0);
            let mut buf = std::mem::take(&mut self.buf);
            let got = self.read_at(&mut buf, self.pos);
            self.buf = buf;
            let n = got.inspect_err(|_| self.buf.clear())?;
            self.buf.truncate(n);
            self.buf_at = self.pos;
            if n == 0 {
                return Ok(0); // the file is shorter than its index said
            }
        }
        let from = usize::try_from(self.pos - self.buf_at).unwrap_or(0);
        let avail = self.buf.get(from..).unwrap_or(&[]);
        let n = avail.len().min(want);
        out[..n].copy_from_slice(&avail[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Region {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
        };
        match target {
            Some(t) if t <= self.len => {
                self.pos = t;
                Ok(t)
            }
            Some(_) => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "an entry extends past the end of the layer",
            )),
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the layer",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn region(data: &[u8], start: u64, len: u64) -> Region {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(data).unwrap();
        Region::new(f, start, len)
    }

    #[test]
    fn reads_exactly_the_range_through_seeks() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut r = region(&data, 1000, 60_000);
        let mut b = [0u8; 10];
        r.read_exact(&mut b).unwrap();
        assert_eq!(&b, &data[1000..1010]);
        // Inside the buffer, forwards and backwards.
        r.seek(SeekFrom::Current(100)).unwrap();
        r.read_exact(&mut b).unwrap();
        assert_eq!(&b, &data[1110..1120]);
        r.seek(SeekFrom::Start(5)).unwrap();
        r.read_exact(&mut b).unwrap();
        assert_eq!(&b, &data[1005..1015]);
        // Far away, then a large read straight into the caller's buffer.
        r.seek(SeekFrom::Start(40_000)).unwrap();
        let mut big = vec![0u8; 20_000];
        r.read_exact(&mut big).unwrap();
        assert_eq!(big, &data[41_000..61_000]);
        assert_eq!(r.read(&mut b).unwrap(), 0, "the range ends at 60,000 bytes");
        assert_eq!(r.seek(SeekFrom::End(0)).unwrap(), 60_000);
        let mut all = Vec::new();
        r.seek(SeekFrom::Start(0)).unwrap();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(all, &data[1000..61_000]);
    }

    #[test]
    fn any_mix_of_seeks_and_reads_gives_the_bytes_of_the_range() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
        let mut r = region(&data, 7, 250_000);
        let range = &data[7..250_007];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut pos = 0usize;
        for _ in 0..5000 {
            // Short jumps, long jumps and no jumps, as a tar walk makes them.
            let jump = match next() % 4 {
                0 => 0,
                1 => next() % 2048,
                2 => next() % 40_000,
                _ => 512,
            } as usize;
            pos = (pos + jump) % range.len();
            r.seek(SeekFrom::Start(pos as u64)).unwrap();
            let want = 1 + (next() % 20_000) as usize;
            let mut got = vec![0u8; want];
            let n = r.read(&mut got).unwrap();
            let end = (pos + want).min(range.len());
            assert!(n > 0 && pos + n <= end, "read {n} at {pos}");
            assert_eq!(&got[..n], &range[pos..pos + n], "at {pos}");
            pos += n;
        }
    }

    #[test]
    fn sub_ranges_stay_inside_their_parent() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let r = region(&data, 100, 5000);
        let mut s = r.sub(4000, 2000);
        let mut all = Vec::new();
        s.read_to_end(&mut all).unwrap();
        assert_eq!(all, &data[4100..5100], "cut at the parent's end");
        let mut past = r.sub(9000, 10);
        assert_eq!(past.read(&mut [0u8; 4]).unwrap(), 0);
        let mut h = r.clone();
        let mut b = [0u8; 3];
        h.read_exact(&mut b).unwrap();
        assert_eq!(&b, &data[100..103]);
    }

    #[test]
    fn seeking_past_the_end_or_before_the_start_fails() {
        let mut r = region(&[7u8; 4096], 0, 4096);
        assert_eq!(r.seek(SeekFrom::Start(4096)).unwrap(), 4096);
        let e = r.seek(SeekFrom::Current(1)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert!(r.seek(SeekFrom::End(-5000)).is_err());
    }

    #[test]
    fn a_file_shorter_than_its_range_reads_as_eof() {
        let mut r = region(&[1u8; 100], 0, 1000);
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(all.len(), 100);
    }
}
