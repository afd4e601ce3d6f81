//! The cataloguer contract.
//!
//! A cataloguer says which files it wants ([`Cataloguer::wants`], decided on the
//! metadata alone so the walker can skip every other body) and parses one file at a
//! time ([`Cataloguer::parse`]), pushing packages and warnings into a [`Sink`]. It does
//! no IO and never panics; bad input becomes a [`Warning`] naming the file, and the
//! rest of the SBOM is still produced.
//!
//! Files are offered once per layer that contains them. Merging the same package seen
//! in several layers, and dropping packages whose file a later layer deleted or
//! replaced, is done once, after the walk, not by each cataloguer.

use crate::model::Package;

/// What a cataloguer sees of a file before deciding whether it wants the body.
#[derive(Debug, Clone, Copy)]
pub struct FileMeta<'a> {
    /// Absolute, cleaned path inside the image or directory (`/var/lib/dpkg/status`).
    pub path: &'a str,
    /// Size of the body in bytes.
    pub size: u64,
    /// Mode bits (including the executable bits).
    pub mode: u32,
}

impl FileMeta<'_> {
    /// The last path component.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }
    /// Any executable bit set.
    pub fn is_executable(&self) -> bool {
        self.mode & 0o111 != 0
    }
}

/// A problem with one file; the SBOM is still produced without what it held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file, as in [`FileMeta::path`].
    pub path: String,
    /// One line: what is wrong with it.
    pub message: String,
}

/// Where a cataloguer puts what it found in one file.
#[derive(Debug, Default)]
pub struct Sink {
    /// Packages found in the file (without locations: the driver adds them).
    pub packages: Vec<Package>,
    /// Problems with the file.
    pub warnings: Vec<Warning>,
}

impl Sink {
    /// Records a package.
    pub fn package(&mut self, p: Package) {
        self.packages.push(p);
    }
    /// Records a warning about `path`.
    pub fn warn(&mut self, path: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            path: path.to_string(),
            message: message.into(),
        });
    }
}

/// One kind of package metadata reader.
pub trait Cataloguer: Send + Sync {
    /// Short stable name (`dpkg`, `python`, `go-binary`), recorded as `found_by`.
    fn name(&self) -> &'static str;
    /// Whether the body of this file is wanted, and up to how many bytes. `None` skips
    /// the file. Decided on the metadata alone (path, size, mode).
    fn wants(&self, file: &FileMeta<'_>) -> Option<u64>;
    /// Parses one file body (at most the bytes asked for; `truncated` when the file was
    /// larger). Never panics; bad input is a warning in `sink`.
    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink);
}

pub mod dotnet;
pub mod go;
pub mod java;
mod lang_common;
pub mod php;
pub mod rpm;
pub mod ruby;
pub mod rust;

/// The rpm and language cataloguers of this crate (rpm, Go and Rust binaries,
/// Cargo.lock, Java archives, gemspecs, composer, .NET).
pub fn lang_cataloguers() -> Vec<Box<dyn Cataloguer>> {
    vec![
        rpm::rpm(),
        go::go(),
        rust::cargo_lock(),
        rust::rust_binary(),
        java::java(),
        ruby::ruby(),
        php::php(),
        dotnet::dotnet(),
    ]
}
