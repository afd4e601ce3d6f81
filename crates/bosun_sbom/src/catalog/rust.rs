//! Rust: `Cargo.lock` files and binaries built with `cargo auditable`.
//!
//! Files: any `Cargo.lock` (up to 16 MiB); executables of at least 1 KiB (up to 256
//! MiB) that are ELF files with a `.dep-v0` section (others are skipped silently).
//!
//! Fields: name and version of every `[[package]]` of the lock file, and of every
//! package of the binary's dependency list (zlib-compressed JSON, inflated up to 8
//! MiB). purl `pkg:cargo/<name>@<version>`.
//!
//! Choices: `toml` for the lock file, `object` for the ELF section, `flate2` for zlib.
//! Known gaps: workspace members and path dependencies (no `source`) are listed like
//! registry crates; build-time dependencies recorded by cargo-auditable are listed too;
//! binaries without cargo-auditable data (most Rust binaries) yield nothing; ELF only.

use std::io::Read;

use serde::Deserialize;

use crate::catalog::lang_common::{too_large, with_purl};
use crate::catalog::{Cataloguer, FileMeta, ReadSeek, Sink};
use crate::model::{Package, PackageType};

const LOCK: &str = "rust-cargo-lock";
const BINARY: &str = "rust-binary";
const MAX_LOCK: u64 = 16 << 20;
const MAX_DEP_JSON: u64 = 8 << 20;

/// The `Cargo.lock` cataloguer.
pub fn cargo_lock() -> Box<dyn Cataloguer> {
    Box::new(CargoLock)
}

/// The cargo-auditable binary cataloguer.
pub fn rust_binary() -> Box<dyn Cataloguer> {
    Box::new(RustBinary)
}

struct CargoLock;
struct RustBinary;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<LockPackage>,
}

#[derive(Deserialize)]
struct LockPackage {
    name: String,
    version: String,
}

#[derive(Deserialize)]
struct DepInfo {
    packages: Vec<LockPackage>,
}

impl Cataloguer for CargoLock {
    fn name(&self) -> &'static str {
        LOCK
    }

    /// A lock file: counts for `dir:` targets, not inside images (as in syft).
    fn declared(&self) -> bool {
        true
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        (file.file_name() == "Cargo.lock").then_some(MAX_LOCK)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, "Cargo.lock", MAX_LOCK, sink) {
            return;
        }
        let lock = std::str::from_utf8(body)
            .map_err(|e| e.to_string())
            .and_then(|s| toml::from_str::<Lock>(s).map_err(|e| e.message().to_string()));
        match lock {
            Ok(lock) => emit(lock.package, LOCK, sink),
            Err(e) => sink.warn(file.path, format!("unreadable Cargo.lock: {e}")),
        }
    }
}

impl Cataloguer for RustBinary {
    fn name(&self) -> &'static str {
        BINARY
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        super::go::wants_binary(file)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], _truncated: bool, sink: &mut Sink) {
        scan_binary(file, body, sink);
    }

    fn random_access(&self) -> bool {
        true
    }

    fn parse_random(
        &self,
        file: &FileMeta<'_>,
        body: &mut dyn ReadSeek,
        _truncated: bool,
        sink: &mut Sink,
    ) {
        scan_binary(file, &object::ReadCache::new(body), sink);
    }
}

/// Reads the `.dep-v0` section of one binary, as bytes or through a read cache. A
/// binary too large to read whole is reported once, by the Go cataloguer.
fn scan_binary<'d, R: object::ReadRef<'d>>(file: &FileMeta<'_>, data: R, sink: &mut Sink) {
    if !super::go::is_elf(data) {
        return;
    }
    let Ok(elf) = object::File::parse(data) else {
        return;
    };
    let Some(section) = super::go::section_data(&elf, ".dep-v0") else {
        return;
    };
    let result = section.and_then(inflate_capped).and_then(|json| {
        serde_json::from_slice::<DepInfo>(&json)
            .map_err(|e| format!("dependency list is not valid JSON: {e}"))
    });
    match result {
        Ok(info) => emit(info.packages, BINARY, sink),
        Err(e) => sink.warn(file.path, format!("unreadable cargo-auditable data: {e}")),
    }
}

fn inflate_capped(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(MAX_DEP_JSON + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("bad zlib data: {e}"))?;
    if out.len() as u64 > MAX_DEP_JSON {
        return Err(format!(
            "dependency list inflates past {MAX_DEP_JSON} bytes"
        ));
    }
    Ok(out)
}

fn emit(packages: Vec<LockPackage>, found_by: &str, sink: &mut Sink) {
    for p in packages {
        sink.package(with_purl(Package::new(
            PackageType::Cargo,
            p.name,
            p.version,
            found_by,
        )));
    }
}
