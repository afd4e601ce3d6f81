//! RPM databases: `rpmdb.sqlite` (rpm ≥ 4.16, Fedora, RHEL 9), Berkeley DB `Packages`
//! (RHEL ≤ 8, CentOS, Amazon Linux 2) and the `ndb` `Packages.db` (SUSE); and the
//! package manifest of CBL-Mariner and Azure Linux distroless images, which have no
//! database (`/var/lib/rpmmanifest/container-manifest-2`: one line per package, the
//! tab-separated output of `rpm -qa --qf '%{NAME}\t%{VERSION}-%{RELEASE}\t%{INSTALLTIME}
//! \t%{BUILDTIME}\t%{VENDOR}\t%{EPOCH}\t%{SIZE}\t%{ARCH}\t%{EPOCHNUM}\t%{SOURCERPM}'`).
//!
//! Files: `Packages`, `Packages.db` and `rpmdb.sqlite` under `/var/lib/rpm`,
//! `/usr/lib/sysimage/rpm` or `/usr/share/rpm`, and the manifest, read whole up to 512 MiB.
//!
//! Fields: name, `[epoch:]version-release`, arch, licence, and the source package
//! (name and `version-release`) from `SOURCERPM`. The purl (`pkg:rpm/<distro>/name@
//! version-release?arch=..&epoch=..&distro=..`) needs the distro, so it is left to
//! finalisation, which calls [`crate::purl::purl`].
//!
//! Choices: the sqlite database is read with `rusqlite` (bundled SQLite, deserialised
//! from memory: no temp file). No well-kept crate reads Berkeley DB hash files, the
//! ndb format or installed-header blobs (the `rpm` crate parses `.rpm` package files,
//! with their lead and signature header, not the bare header blobs the databases hold),
//! so those three small readers are written here by hand, each bounds-checked.
//!
//! Known gaps: an uncheckpointed `rpmdb.sqlite-wal` is not read (only the main file);
//! Berkeley DB files with checksums or encryption are not read; `gpg-pubkey`
//! pseudo-packages (imported keys) are skipped on purpose.

use std::io::Read;

use crate::catalog::lang_common::too_large;
use crate::catalog::{Cataloguer, FileMeta, Sink};
use crate::model::{Package, PackageType};

const NAME: &str = "rpm-db";
const MAX_DB: u64 = 512 << 20;
const DIRS: [&str; 3] = ["/var/lib/rpm/", "/usr/lib/sysimage/rpm/", "/usr/share/rpm/"];
const MANIFEST: &str = "/var/lib/rpmmanifest/container-manifest-2";

/// The rpm database cataloguer.
pub fn rpm() -> Box<dyn Cataloguer> {
    Box::new(RpmDb)
}

struct RpmDb;

impl Cataloguer for RpmDb {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        let name = file.file_name();
        let dir = &file.path[..file.path.len() - name.len()];
        ((matches!(name, "Packages" | "Packages.db" | "rpmdb.sqlite") && DIRS.contains(&dir))
            || file.path.ends_with(MANIFEST))
        .then_some(MAX_DB)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, "rpm database", MAX_DB, sink) {
            return;
        }
        if file.path.ends_with(MANIFEST) {
            return manifest(file, body, sink);
        }
        let blobs = if body.starts_with(b"SQLite format 3\0") {
            sqlite_blobs(body)
        } else if body.starts_with(b"RpmP") {
            ndb_blobs(body)
        } else if body.len() >= 16 && is_bdb_hash(body).is_some() {
            bdb_blobs(body)
        } else if body.is_empty() {
            Ok(Vec::new())
        } else {
            Err("not an rpm database (no sqlite, Berkeley DB hash or ndb magic)".to_string())
        };
        let blobs = match blobs {
            Ok(b) => b,
            Err(e) => {
                sink.warn(file.path, e);
                return;
            }
        };
        let mut bad = 0usize;
        let mut first_err = String::new();
        for blob in &blobs {
            match Header::parse(blob).and_then(|h| package(&h)) {
                Ok(Some(p)) => sink.package(p),
                Ok(None) => {}
                Err(e) => {
                    if bad == 0 {
                        first_err = e;
                    }
                    bad += 1;
                }
            }
        }
        if bad > 0 {
            sink.warn(
                file.path,
                format!("{bad} unreadable rpm header(s) skipped; first: {first_err}"),
            );
        }
    }
}

// ---- rpm header blobs ---------------------------------------------------------------

const TAG_NAME: i32 = 1000;
const TAG_VERSION: i32 = 1001;
const TAG_RELEASE: i32 = 1002;
const TAG_EPOCH: i32 = 1003;
const TAG_LICENSE: i32 = 1014;
const TAG_ARCH: i32 = 1022;
const TAG_SOURCERPM: i32 = 1044;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// An installed-package header blob: `il` index entries of 16 bytes (tag, type,
/// offset, count; big-endian) followed by `dl` bytes of data.
struct Header<'a> {
    index: &'a [u8],
    data: &'a [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> Header<'a> {
    fn parse(blob: &'a [u8]) -> Result<Header<'a>, String> {
        // A header with its magic (as in .rpm files) is accepted too.
        let blob = if blob.starts_with(&[0x8e, 0xad, 0xe8, 0x01]) {
            blob.get(8..).unwrap_or_default()
        } else {
            blob
        };
        let il = be32(blob, 0).ok_or("header shorter than 8 bytes")? as usize;
        let dl = be32(blob, 4).ok_or("header shorter than 8 bytes")? as usize;
        if il == 0 || il > 0xffff || dl > 256 << 20 {
            return Err(format!("implausible header sizes (il={il}, dl={dl})"));
        }
        let index_end = 8 + il * 16;
        let index = blob
            .get(8..index_end)
            .ok_or("header index runs past the end")?;
        let data = blob
            .get(index_end..index_end + dl)
            .ok_or("header data runs past the end")?;
        Ok(Header { index, data })
    }

    /// (type, offset, count) of a tag.
    fn entry(&self, tag: i32) -> Option<(u32, usize, usize)> {
        self.index.chunks_exact(16).find_map(|e| {
            (be32(e, 0)? as i32 == tag)
                .then(|| Some((be32(e, 4)?, be32(e, 8)? as usize, be32(e, 12)? as usize)))?
        })
    }

    fn string(&self, tag: i32) -> Option<String> {
        let (ty, off, _) = self.entry(tag)?;
        if !matches!(ty, TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING) {
            return None;
        }
        let rest = self.data.get(off..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        Some(String::from_utf8_lossy(&rest[..end]).into_owned())
    }

    fn int32(&self, tag: i32) -> Option<u32> {
        let (ty, off, count) = self.entry(tag)?;
        (ty == TYPE_INT32 && count >= 1).then(|| be32(self.data, off))?
    }
}

fn package(h: &Header<'_>) -> Result<Option<Package>, String> {
    let name = h.string(TAG_NAME).ok_or("header has no NAME")?;
    if name == "gpg-pubkey" {
        return Ok(None);
    }
    let version = h.string(TAG_VERSION).ok_or("header has no VERSION")?;
    let release = h.string(TAG_RELEASE).unwrap_or_default();
    let vr = if release.is_empty() {
        version
    } else {
        format!("{version}-{release}")
    };
    Ok(Some(rpm_package(
        name,
        vr,
        h.int32(TAG_EPOCH),
        h.string(TAG_ARCH),
        h.string(TAG_LICENSE),
        h.string(TAG_SOURCERPM).as_deref(),
    )))
}

/// One package from its fields, wherever they were read: `vr` is `version-release`.
fn rpm_package(
    name: String,
    vr: String,
    epoch: Option<u32>,
    arch: Option<String>,
    license: Option<String>,
    source_rpm: Option<&str>,
) -> Package {
    let full = match epoch {
        Some(e) => format!("{e}:{vr}"),
        None => vr.clone(),
    };
    let mut p = Package::new(PackageType::Rpm, name, full, NAME);
    p.arch = arch.filter(|a| !a.is_empty());
    if let Some(l) = license.filter(|l| !l.is_empty()) {
        p.licenses.push(l);
    }
    if let Some((sname, sver)) = source_rpm.and_then(split_srpm) {
        if sname != p.name {
            p.source_name = Some(sname.to_string());
        }
        if sver != vr {
            p.source_version = Some(sver.to_string());
        }
    }
    p
}

/// The distroless manifest: ten tab-separated fields per line (see the module docs).
/// The epoch is `EPOCHNUM` unless `EPOCH` says `(none)`, as rpm itself prints it. A
/// line of another shape is skipped, and counted in one warning.
fn manifest(file: &FileMeta<'_>, body: &[u8], sink: &mut Sink) {
    let text = String::from_utf8_lossy(body);
    // (lines of another shape, the first of them)
    let mut bad = (0usize, None);
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let ok = f.len() == 10 && !f[0].is_empty() && f[1].contains('-');
        if !ok {
            bad = (bad.0 + 1, bad.1.or(Some(i + 1)));
            continue;
        }
        if f[0] == "gpg-pubkey" {
            continue;
        }
        let epoch = (f[5] != "(none)").then(|| f[8].parse().ok()).flatten();
        sink.package(rpm_package(
            f[0].to_string(),
            f[1].to_string(),
            epoch,
            Some(f[7].to_string()),
            None,
            Some(f[9]),
        ));
    }
    if let (n, Some(first)) = bad {
        sink.warn(
            file.path,
            format!(
                "{n} line(s) of the rpm manifest are not ten tab-separated fields; first: line {first}"
            ),
        );
    }
}

/// `bash-5.1.8-6.el9.src.rpm` -> (`bash`, `5.1.8-6.el9`).
fn split_srpm(s: &str) -> Option<(&str, &str)> {
    let base = s
        .strip_suffix(".src.rpm")
        .or_else(|| s.strip_suffix(".nosrc.rpm"))?;
    let (rest, _release) = base.rsplit_once('-')?;
    let (name, _version) = rest.rsplit_once('-')?;
    Some((name, &base[name.len() + 1..]))
}

// ---- sqlite -------------------------------------------------------------------------

fn sqlite_blobs(body: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if body.len() < 100 || body.len() > i32::MAX as usize {
        return Err("sqlite rpm database has an implausible size".into());
    }
    let mut conn =
        rusqlite::Connection::open_in_memory().map_err(|e| format!("cannot open sqlite: {e}"))?;
    // Bytes 18 and 19 say "WAL mode" (2) in rpm's databases; an in-memory copy cannot
    // use a WAL, so they are rewritten to the legacy journal (1), as sqlite allows.
    let reader = body[..18].chain(&[1u8, 1u8][..]).chain(&body[20..]);
    conn.deserialize_read_exact(rusqlite::MAIN_DB, reader, body.len(), true)
        .map_err(|e| format!("not a readable sqlite database: {e}"))?;
    let mut stmt = conn
        .prepare("SELECT blob FROM Packages")
        .map_err(|e| format!("sqlite rpm database has no Packages table: {e}"))?;
    let rows = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .map_err(|e| format!("cannot read the Packages table: {e}"))?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("cannot read the Packages table: {e}"))
}

// ---- Berkeley DB hash (hand-written; see the module docs) ---------------------------

const BDB_HASH_MAGIC: u32 = 0x0006_1561;
const P_OVERFLOW: u8 = 7;
const P_HASH_UNSORTED: u8 = 2;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;
const PAGE_HEADER: usize = 26;

/// The byte order of a Berkeley DB hash file: `Some(true)` little-endian.
fn is_bdb_hash(body: &[u8]) -> Option<bool> {
    let m = body.get(12..16)?;
    let le = u32::from_le_bytes([m[0], m[1], m[2], m[3]]);
    let be = u32::from_be_bytes([m[0], m[1], m[2], m[3]]);
    if le == BDB_HASH_MAGIC {
        Some(true)
    } else if be == BDB_HASH_MAGIC {
        Some(false)
    } else {
        None
    }
}

struct Bdb<'a> {
    body: &'a [u8],
    le: bool,
    page_size: usize,
}

impl Bdb<'_> {
    fn u32(&self, at: usize) -> Option<u32> {
        let s = self.body.get(at..at + 4)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if self.le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
    fn u16(&self, at: usize) -> Option<u16> {
        let s = self.body.get(at..at + 2)?;
        let a = [s[0], s[1]];
        Some(if self.le {
            u16::from_le_bytes(a)
        } else {
            u16::from_be_bytes(a)
        })
    }
    fn page(&self, n: usize) -> Option<&[u8]> {
        self.body.get(n * self.page_size..(n + 1) * self.page_size)
    }

    /// Follows an overflow chain from `pgno`, collecting `total` bytes.
    fn overflow(&self, mut pgno: u32, total: usize) -> Result<Vec<u8>, String> {
        if total > self.body.len() {
            return Err("overflow item longer than the file".into());
        }
        let mut out = Vec::with_capacity(total);
        let mut hops = 0usize;
        while pgno != 0 && out.len() < total {
            hops += 1;
            if hops > self.body.len() / self.page_size {
                return Err("overflow chain loops".into());
            }
            let base = pgno as usize * self.page_size;
            let page = self
                .page(pgno as usize)
                .ok_or("overflow page past the end")?;
            if page[25] != P_OVERFLOW {
                return Err(format!("page {pgno} is not an overflow page"));
            }
            let len = self.u16(base + 22).ok_or("short page")? as usize;
            let chunk = page
                .get(PAGE_HEADER..PAGE_HEADER + len)
                .ok_or("overflow length past the page")?;
            out.extend_from_slice(chunk);
            pgno = self.u32(base + 16).ok_or("short page")?;
        }
        if out.len() < total {
            return Err("overflow chain ends early".into());
        }
        out.truncate(total);
        Ok(out)
    }
}

fn bdb_blobs(body: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let le = is_bdb_hash(body).ok_or("no Berkeley DB hash magic")?;
    let mut db = Bdb {
        body,
        le,
        page_size: 0,
    };
    let page_size = db.u32(20).ok_or("short Berkeley DB metadata page")? as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(format!("Berkeley DB page size {page_size} is not valid"));
    }
    db.page_size = page_size;
    let mut blobs = Vec::new();
    let mut total = 0usize;
    for n in 1..body.len() / page_size {
        let base = n * page_size;
        let page = db.page(n).ok_or("short page")?;
        if !matches!(page[25], P_HASH | P_HASH_UNSORTED) {
            continue;
        }
        let entries = db.u16(base + 20).ok_or("short page")? as usize;
        let offset =
            |i: usize| -> Option<usize> { db.u16(base + PAGE_HEADER + 2 * i).map(usize::from) };
        // Items are pairs (key, value); item i runs from its offset to the previous
        // item's offset (or the page end).
        for i in (1..entries).step_by(2) {
            let (Some(start), Some(end)) = (offset(i), offset(i - 1)) else {
                return Err(format!("page {n}: item offsets past the page"));
            };
            let item = page
                .get(start..end)
                .filter(|it| !it.is_empty())
                .ok_or_else(|| format!("page {n}: item {i} out of bounds"))?;
            let blob = match item[0] {
                H_KEYDATA => item[1..].to_vec(),
                H_OFFPAGE => {
                    let pgno = db.u32(base + start + 4).ok_or("short off-page item")?;
                    let len = db.u32(base + start + 8).ok_or("short off-page item")?;
                    db.overflow(pgno, len as usize)?
                }
                _ => continue,
            };
            // Every stored byte belongs to one item: more than the file holds means
            // items share pages (a crafted file), and memory must stay bounded.
            total += blob.len();
            if total > body.len() {
                return Err("items add up to more than the file; overlapping pages".into());
            }
            blobs.push(blob);
        }
    }
    // rpm keeps its next-instance counter under key 0 as a 4-byte value; headers are
    // always longer.
    blobs.retain(|b| b.len() > 8);
    Ok(blobs)
}

// ---- ndb (hand-written; see the module docs) ----------------------------------------

const NDB_SLOT_MAGIC: &[u8; 4] = b"Slot";
const NDB_BLOB_MAGIC: &[u8; 4] = b"BlbS";
const NDB_BLOCK: usize = 16;
const NDB_SLOTS_PER_PAGE: usize = 4096 / 16;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// `Packages.db`: a 32-byte header (`RpmP`, version 0, generation, number of slot
/// pages), slot pages of 16-byte slots (`Slot`, package index, block offset, block
/// count; the first two slots are the header), then blobs at 16-byte blocks, each a
/// 16-byte header (`BlbS`, package index, checksum, length) and the header blob.
fn ndb_blobs(body: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let version = le32(body, 4).ok_or("short ndb header")?;
    if version != 0 {
        return Err(format!("ndb version {version} is not supported"));
    }
    let slot_pages = le32(body, 12).ok_or("short ndb header")? as usize;
    if slot_pages == 0 || slot_pages * 4096 > body.len() {
        return Err(format!(
            "ndb claims {slot_pages} slot pages; file too short"
        ));
    }
    let mut blobs = Vec::new();
    let mut total = 0usize;
    for s in 2..slot_pages * NDB_SLOTS_PER_PAGE {
        let at = s * 16;
        let slot = body.get(at..at + 16).ok_or("slot past the end")?;
        if &slot[..4] != NDB_SLOT_MAGIC {
            return Err(format!("ndb slot {s} has no Slot magic"));
        }
        let pkg = le32(slot, 4).unwrap_or(0);
        if pkg == 0 {
            continue;
        }
        let blk = le32(slot, 8).unwrap_or(0) as usize * NDB_BLOCK;
        let bh = body
            .get(blk..blk + 16)
            .ok_or_else(|| format!("ndb package {pkg}: blob past the end"))?;
        if &bh[..4] != NDB_BLOB_MAGIC || le32(bh, 4) != Some(pkg) {
            return Err(format!("ndb package {pkg}: bad blob header"));
        }
        let len = le32(bh, 12).unwrap_or(0) as usize;
        let data = body
            .get(blk + 16..blk + 16 + len)
            .ok_or_else(|| format!("ndb package {pkg}: blob longer than the file"))?;
        total += data.len();
        if total > body.len() {
            return Err("blobs add up to more than the file; overlapping slots".into());
        }
        blobs.push(data.to_vec());
    }
    Ok(blobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_rpm_names_split_from_the_right() {
        assert_eq!(
            split_srpm("bash-5.1.8-6.el9.src.rpm"),
            Some(("bash", "5.1.8-6.el9"))
        );
        assert_eq!(
            split_srpm("python-foo-bar-1.0-1.nosrc.rpm"),
            Some(("python-foo-bar", "1.0-1"))
        );
        assert_eq!(split_srpm("junk"), None);
    }

    #[test]
    fn distroless_manifest_lines() {
        let f = FileMeta {
            path: "/var/lib/rpmmanifest/container-manifest-2",
            size: 0,
            mode: 0o644,
        };
        assert!(RpmDb.wants(&f).is_some());
        let body = "bash\t5.1.8-6.cm2\t1700000000\t1690000000\tMicrosoft Corporation\t(none)\t1234\tx86_64\t0\tbash-5.1.8-6.cm2.src.rpm\n\
                    \n\
                    shadow-utils\t4.9-10.cm2\t1\t1\tMicrosoft Corporation\t2\t99\tx86_64\t2\tshadow-utils-4.9-10.cm2.src.rpm\n\
                    libssl\t3.0.9-1.azl3\t1\t1\tMicrosoft Corporation\t(none)\t1\tx86_64\t0\topenssl-3.0.9-1.azl3.src.rpm\n\
                    a truncated line\twith two fields\n\
                    gpg-pubkey\t1-2\t1\t1\tv\t(none)\t0\t(none)\t0\t(none)\n";
        let mut sink = Sink::default();
        RpmDb.parse(&f, body.as_bytes(), false, &mut sink);
        let got: Vec<_> = sink
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.arch.as_deref(),
                    p.source_name.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("bash", "5.1.8-6.cm2", Some("x86_64"), None),
                ("shadow-utils", "2:4.9-10.cm2", Some("x86_64"), None),
                ("libssl", "3.0.9-1.azl3", Some("x86_64"), Some("openssl")),
            ]
        );
        assert_eq!(sink.warnings.len(), 1);
        assert!(
            sink.warnings[0].message.contains("1 line(s)")
                && sink.warnings[0].message.contains("line 5"),
            "{:?}",
            sink.warnings
        );
    }

    #[test]
    fn garbage_headers_are_errors_not_panics() {
        assert!(Header::parse(&[]).is_err());
        assert!(Header::parse(&[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(Header::parse(&[0, 0, 0, 2, 0, 0, 0, 0, 1]).is_err());
    }
}
