//! Go binaries: the build info the Go linker embeds (`runtime/debug.BuildInfo`).
//!
//! Files: every executable regular file of at least 1 KiB, read up to 256 MiB; the
//! body must be an ELF file (other files are skipped silently).
//!
//! Fields: the main module (`mod` line; its version is `(devel)` for a local build,
//! unless the linker flags stamp one: `-X main.version=1.2.3` gives `v1.2.3`),
//! every `dep` (a `=>` replacement wins: its path and version are reported), and the
//! Go toolchain as the `stdlib` package (`go1.19.8`). purls `pkg:golang/<module
//! path>@<version>`, `pkg:golang/stdlib@1.19.8`.
//!
//! How: the `.go.buildinfo` section (found with the `object` crate); when the section
//! table is gone (removed after linking, or an ELF too damaged to parse), the 16-byte aligned
//! `\xff Go buildinf:` magic is searched for in the body. Go ≥ 1.18 stores the two
//! strings inline (varint length prefixes); older binaries store pointers to Go string
//! headers, resolved through the ELF load segments.
//!
//! Known gaps: only ELF (no Mach-O or PE); binaries built without module support
//! (GOPATH mode, Go < 1.12) have only the Go version; `build` settings (VCS revision,
//! flags) are not reported.

use object::{Object, ObjectSection, ObjectSegment};

use crate::catalog::lang_common::with_purl;
use crate::catalog::{Cataloguer, FileMeta, ReadSeek, Sink};
use crate::model::{Package, PackageType};

const NAME: &str = "go-binary";
/// Largest binary read.
pub(crate) const MAX_BINARY: u64 = 256 << 20;
/// Smallest executable worth reading as a binary.
pub(crate) const MIN_BINARY: u64 = 1024;
const MAGIC: &[u8; 14] = b"\xff Go buildinf:";

/// The Go binary cataloguer.
pub fn go() -> Box<dyn Cataloguer> {
    Box::new(GoBinary)
}

struct GoBinary;

/// Whether a file may be a compiled binary worth reading (shared with the Rust
/// binary cataloguer).
pub(crate) fn wants_binary(file: &FileMeta<'_>) -> Option<u64> {
    (file.is_executable() && file.size >= MIN_BINARY).then_some(MAX_BINARY)
}

impl Cataloguer for GoBinary {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        wants_binary(file)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        scan(file, body, truncated, sink);
    }

    fn random_access(&self) -> bool {
        true
    }

    fn parse_random(
        &self,
        file: &FileMeta<'_>,
        body: &mut dyn ReadSeek,
        truncated: bool,
        sink: &mut Sink,
    ) {
        scan(file, &object::ReadCache::new(body), truncated, sink);
    }
}

/// Largest section read from a binary (`.go.buildinfo` holds the module list inline;
/// `.dep-v0` the compressed dependency list).
pub(crate) const MAX_SECTION: u64 = 64 << 20;

/// The data of section `name`, when it exists and is at most [`MAX_SECTION`] bytes
/// in the file (read through random access, a larger claim would be allocated whole).
pub(crate) fn section_data<'d, R: object::ReadRef<'d>>(
    elf: &object::File<'d, R>,
    name: &str,
) -> Option<Result<&'d [u8], String>> {
    let s = elf.section_by_name(name)?;
    Some(match s.file_range() {
        Some((_, n)) if n > MAX_SECTION => Err(format!(
            "the {name} section claims {n} bytes, more than the {MAX_SECTION} read"
        )),
        _ => s
            .data()
            .map_err(|e| format!("cannot read the {name} section: {e}")),
    })
}

/// Whether `data` starts as an ELF file.
pub(crate) fn is_elf<'d, R: object::ReadRef<'d>>(data: R) -> bool {
    data.read_bytes_at(0, 4).ok() == Some(&b"\x7fELF"[..])
}

/// Finds and reads the build info of one binary: `data` is the whole file (or its
/// first [`MAX_BINARY`] bytes, `truncated`), as bytes or through a read cache.
fn scan<'d, R: object::ReadRef<'d>>(
    file: &FileMeta<'_>,
    data: R,
    truncated: bool,
    sink: &mut Sink,
) {
    if !is_elf(data) {
        return;
    }
    let elf = object::File::parse(data).ok();
    // With a section table, only `.go.buildinfo` counts: a non-Go program may hold
    // the magic as data (a scanner of Go binaries does). Without one (removed, or
    // an ELF too damaged to parse), the magic is searched for in the first
    // MAX_BINARY bytes.
    let has_sections = elf.as_ref().is_some_and(|f| f.sections().nth(1).is_some());
    let len = data.len().unwrap_or(0);
    let info = match &elf {
        Some(f) if has_sections => section_data(f, ".go.buildinfo")
            .and_then(Result::ok)
            .filter(|d| d.starts_with(MAGIC)),
        _ => data
            .read_bytes_at(0, len.min(MAX_BINARY))
            .ok()
            .and_then(find_magic),
    };
    let Some(info) = info else {
        if truncated || (!has_sections && len > MAX_BINARY) {
            // `len` is what the walk handed over: the file, or its first part when the
            // file is larger than the walk's body limit (`truncated`).
            sink.warn(
                file.path,
                format!(
                    "ELF binary larger than the {} bytes read; not searched for Go build info",
                    if truncated { len } else { MAX_BINARY }
                ),
            );
        }
        return;
    };
    match read_build_info(info, elf.as_ref()) {
        Ok((go_version, modinfo)) => emit(&go_version, &modinfo, file.path, sink),
        Err(e) => sink.warn(file.path, format!("unreadable Go build info: {e}")),
    }
}

/// The build info header, searched on 16-byte boundaries as the Go linker aligns it.
fn find_magic(body: &[u8]) -> Option<&[u8]> {
    (0..body.len().saturating_sub(MAGIC.len()))
        .step_by(16)
        .find(|&i| &body[i..i + MAGIC.len()] == MAGIC)
        .map(|i| &body[i..])
}

/// Reads a Go varint (`encoding/binary.Uvarint`).
fn uvarint(b: &[u8]) -> Option<(u64, usize)> {
    let mut x = 0u64;
    for (i, &byte) in b.iter().enumerate().take(10) {
        x |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Some((x, i + 1));
        }
    }
    None
}

fn varint_bytes(b: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let (len, n) = uvarint(b).ok_or("bad string length")?;
    let len = usize::try_from(len).map_err(|_| "string length overflows")?;
    let end = n.checked_add(len).ok_or("string length overflows")?;
    let s = b
        .get(n..end)
        .ok_or("string runs past the end of the file")?;
    Ok((s, &b[end..]))
}

/// (Go version, module info) from the 32-byte header at the start of `info`.
fn read_build_info<'d, R: object::ReadRef<'d>>(
    info: &[u8],
    elf: Option<&object::File<'d, R>>,
) -> Result<(String, String), String> {
    let head = info.get(..32).ok_or("build info header is cut short")?;
    let ptr_size = head[14] as usize;
    let flags = head[15];
    let (version, modinfo) = if flags & 2 != 0 {
        let (v, rest) = varint_bytes(&info[32..])?;
        let (m, _) = varint_bytes(rest)?;
        (v.to_vec(), m.to_vec())
    } else {
        let elf = elf.ok_or("pre-1.18 build info needs readable ELF segments")?;
        if ptr_size != 4 && ptr_size != 8 {
            return Err(format!("pointer size {ptr_size} is not 4 or 8"));
        }
        let big = flags & 1 != 0;
        let word = |b: &[u8]| -> Option<u64> {
            Some(match (ptr_size, big) {
                (4, false) => u64::from(u32::from_le_bytes(b.get(..4)?.try_into().ok()?)),
                (4, true) => u64::from(u32::from_be_bytes(b.get(..4)?.try_into().ok()?)),
                (_, false) => u64::from_le_bytes(b.get(..8)?.try_into().ok()?),
                (_, true) => u64::from_be_bytes(b.get(..8)?.try_into().ok()?),
            })
        };
        let read = |addr: u64, size: u64| -> Option<&[u8]> {
            elf.segments()
                .find_map(|s| s.data_range(addr, size).ok().flatten())
        };
        // Each pointer leads to a Go string header (data pointer, length).
        let go_string = |ptr: u64| -> Result<Vec<u8>, String> {
            let hdr = read(ptr, 2 * ptr_size as u64).ok_or("string header not mapped")?;
            let data = word(hdr).ok_or("bad string header")?;
            let len = word(&hdr[ptr_size..]).ok_or("bad string header")?;
            if len > 16 << 20 {
                return Err("implausible string length".into());
            }
            let bytes = read(data, len).ok_or("string data not mapped")?;
            Ok(bytes.to_vec())
        };
        let vp = word(&head[16..]).ok_or("bad version pointer")?;
        let mp = word(&head[16 + ptr_size..]).ok_or("bad module pointer")?;
        (go_string(vp)?, go_string(mp)?)
    };
    let version = String::from_utf8(version).map_err(|_| "Go version is not UTF-8")?;
    if !version.starts_with("go") && !version.starts_with("devel") {
        return Err(format!(
            "version {:?} is not a Go version",
            version.escape_debug().to_string()
        ));
    }
    let modinfo = String::from_utf8_lossy(strip_sentinels(&modinfo)).into_owned();
    Ok((version, modinfo))
}

/// Module info is wrapped in two 16-byte sentinels (`runtime/debug`'s `modinfo`).
fn strip_sentinels(m: &[u8]) -> &[u8] {
    if m.len() >= 33 && m[m.len() - 17] == b'\n' {
        &m[16..m.len() - 16]
    } else {
        m
    }
}

fn emit(go_version: &str, modinfo: &str, path: &str, sink: &mut Sink) {
    let mut pkgs: Vec<Package> = Vec::new();
    let mut main = None;
    let mut ldflags_version = None;
    let mut program = None;
    for line in modinfo.lines() {
        let mut f = line.split('\t');
        match (f.next(), f.next(), f.next()) {
            (Some("path"), Some(p), _) => program = Some(p),
            (Some("build"), Some(setting), _) => {
                if let Some(flags) = setting.strip_prefix("-ldflags=") {
                    ldflags_version = version_from_ldflags(flags);
                }
            }
            (Some("mod"), Some(p), v) => {
                main = Some(pkgs.len());
                pkgs.push(Package::new(
                    PackageType::Go,
                    p,
                    v.unwrap_or("(devel)"),
                    NAME,
                ));
            }
            (Some("dep"), Some(p), Some(v)) => {
                pkgs.push(Package::new(PackageType::Go, p, v, NAME));
            }
            (Some("=>"), Some(p), v) => {
                // A replacement of the line before (a local path has no version).
                if let Some(last) = pkgs.last_mut() {
                    last.name = p.to_string();
                    last.version = v.unwrap_or("(devel)").to_string();
                }
            }
            _ => {}
        }
    }
    // A program of the standard library (the toolchain's own `go`, `gofmt`) has no
    // module line: its package path stands for it, `(devel)` as syft lists it.
    if main.is_none() {
        if let Some(p) = program.filter(|p| p.starts_with("cmd/")) {
            main = Some(0);
            pkgs.insert(0, Package::new(PackageType::Go, p, "(devel)", NAME));
        }
    }
    // A local build's main module is `(devel)`; release builds often stamp the
    // version with `-ldflags "-X main.version=1.2.3"`, which syft and trivy read too.
    if let (Some(i), Some(v)) = (main, ldflags_version) {
        if pkgs[i].version == "(devel)" {
            pkgs[i].version = v;
        }
    }
    let version = go_version.split_whitespace().next().unwrap_or(go_version);
    if version.starts_with("go") {
        pkgs.push(Package::new(PackageType::Go, "stdlib", version, NAME));
    } else {
        sink.warn(
            path,
            format!("Go version {version:?} is a development build; no stdlib package"),
        );
    }
    for p in pkgs {
        sink.package(with_purl(p));
    }
}

/// The version set by `-X <pkg>.version=<v>` (or `.Version`, `.ver`) in the linker
/// flags, as `v1.2.3`; only a value that starts like a version (`1.`, `v1.`).
fn version_from_ldflags(flags: &str) -> Option<String> {
    let flags = flags.trim_matches('"');
    let mut words = flags.split_whitespace();
    while let Some(w) = words.next() {
        let assignment = match w.strip_prefix("-X") {
            Some("") => words.next()?,
            Some(rest) => rest.strip_prefix('=').unwrap_or(rest),
            None => continue,
        };
        let assignment = assignment.trim_matches(['\'', '"']);
        let Some((key, value)) = assignment.split_once('=') else {
            continue;
        };
        let key = key.to_ascii_lowercase();
        let value = value.trim_matches(['\'', '"']);
        let bare = value.strip_prefix('v').unwrap_or(value);
        let looks_like_version = bare.split('.').count() >= 2
            && bare
                .split('.')
                .next()
                .is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()));
        if (key.ends_with(".version") || key.ends_with(".ver")) && looks_like_version {
            return Some(format!("v{bare}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modinfo_lines_with_replacement() {
        let mut sink = Sink::default();
        let m = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\n\
                 dep\tgithub.com/a/b\tv1.0.0\th1:x\n\
                 dep\tgolang.org/x/y\tv0.1.0\th1:y\n=>\tgithub.com/fork/y\tv0.2.0\th1:z\n\
                 build\t-compiler=gc\n";
        emit("go1.21.4 X:boringcrypto", m, "/app", &mut sink);
        let got: Vec<_> = sink
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.purl.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "example.com/app",
                    "(devel)",
                    "pkg:golang/example.com/app@(devel)"
                ),
                (
                    "github.com/a/b",
                    "v1.0.0",
                    "pkg:golang/github.com/a/b@v1.0.0"
                ),
                (
                    "github.com/fork/y",
                    "v0.2.0",
                    "pkg:golang/github.com/fork/y@v0.2.0"
                ),
                ("stdlib", "go1.21.4", "pkg:golang/stdlib@1.21.4"),
            ]
        );
    }

    #[test]
    fn main_module_version_from_linker_flags() {
        let syft = r#""-w -s -extldflags '-static' -X main.version=1.18.1 -X main.gitCommit=5e16e50 -X main.gitDescription=v1.18.1 ""#;
        assert_eq!(version_from_ldflags(syft).as_deref(), Some("v1.18.1"));
        let trivy = r#""-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=0.59.1""#;
        assert_eq!(version_from_ldflags(trivy).as_deref(), Some("v0.59.1"));
        assert_eq!(
            version_from_ldflags("-X main.version=dev -X=main.Version=v2.0.0").as_deref(),
            Some("v2.0.0")
        );
        assert_eq!(version_from_ldflags("-s -w -X main.commit=abc"), None);
        let mut sink = Sink::default();
        let m = "mod\texample.com/app\t(devel)\t\nbuild\t-ldflags=\"-X main.version=1.2.3\"\n";
        emit("go1.22.0", m, "/app", &mut sink);
        assert_eq!(sink.packages[0].version, "v1.2.3");
    }

    #[test]
    fn varints_and_sentinels() {
        assert_eq!(uvarint(&[0x96, 0x01]), Some((150, 2)));
        assert_eq!(uvarint(&[0xff; 12]), None);
        // 16 leading bytes, the text ending in '\n', then 16 trailing bytes.
        let mut wrapped = vec![0xffu8; 16];
        wrapped.extend_from_slice(b"mod\tx\tv1\n");
        wrapped.extend_from_slice(&[0xf2; 16]);
        assert_eq!(strip_sentinels(&wrapped), b"mod\tx\tv1\n");
        assert_eq!(strip_sentinels(b"short"), b"short");
    }
}
