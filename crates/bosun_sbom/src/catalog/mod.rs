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

use crate::model::{Distro, Package};

pub mod alpm;
pub mod apk;
pub mod binary;
pub mod bitnami;
pub mod dotnet;
pub mod dpkg;
pub mod go;
pub mod go_mod;
pub mod java;
pub mod javascript;
mod lang_common;
pub mod lua;
pub mod os_release;
pub mod php;
pub mod python;
pub mod python_lock;
pub mod r;
pub mod rpm;
pub mod ruby;
pub mod ruby_lock;
pub mod rust;

/// Every cataloguer, in a stable order. The driver offers each file to all of them.
pub fn all_cataloguers() -> Vec<Box<dyn Cataloguer>> {
    let mut all: Vec<Box<dyn Cataloguer>> = vec![
        Box::new(os_release::OsRelease),
        Box::new(dpkg::Dpkg),
        Box::new(apk::Apk),
        Box::new(alpm::Alpm),
        Box::new(python::PythonInstalled),
        Box::new(javascript::NpmInstalled),
        Box::new(javascript::NpmLock),
        Box::new(javascript::YarnLock),
        Box::new(javascript::PnpmLock),
        Box::new(r::RDescription),
        Box::new(lua::Rockspec),
        Box::new(bitnami::BitnamiSpdx),
        Box::new(python_lock::PythonLock),
        Box::new(go_mod::GoMod),
        Box::new(ruby_lock::GemfileLock),
    ];
    all.extend(lang_cataloguers());
    all
}

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
        php::composer_lock(),
        dotnet::dotnet(),
        dotnet::nuget(),
        binary::binaries(),
    ]
}

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
        // Asked by every cataloguer of every entry: a byte search, not a char pattern.
        match memchr::memrchr(b'/', self.path.as_bytes()) {
            Some(i) => &self.path[i + 1..],
            None => self.path,
        }
    }
    /// Any executable bit set.
    pub fn is_executable(&self) -> bool {
        self.mode & 0o111 != 0
    }
}

/// A problem with one file; the SBOM is still produced without what it held.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// The distribution, when the file names it (`/etc/os-release`).
    pub distro: Option<Distro>,
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
    /// True for cataloguers that need only a few ranges of a large file (an ELF
    /// binary's headers and one section): an image walk then serves those ranges from a
    /// local layer instead of reading the whole file ([`Cataloguer::parse_random`]).
    fn random_access(&self) -> bool {
        false
    }
    /// Parses one file through random access: `body` reads and seeks within the file,
    /// or within its first `wants` bytes when `truncated`. Called instead of `parse`
    /// when [`Cataloguer::random_access`] is true and the walk offers a reader.
    fn parse_random(
        &self,
        file: &FileMeta<'_>,
        body: &mut dyn ReadSeek,
        truncated: bool,
        sink: &mut Sink,
    ) {
        let _ = (file, body, truncated, sink);
    }
    /// True for readers of declared evidence (lock files): they describe what a build
    /// would install, so they count for a project directory (`dir:`) but not inside an
    /// image, where the installed metadata is the truth (syft and trivy split it the
    /// same way).
    fn declared(&self) -> bool {
        false
    }
}

/// Test helper of the cataloguer modules: offers `body` at `path` (mode 0o644) to
/// `cat` as the walker would, after checking that `cat` wants it.
#[cfg(test)]
pub(crate) fn offer_to(cat: &dyn Cataloguer, path: &str, body: &[u8]) -> Sink {
    let f = FileMeta {
        path,
        size: body.len() as u64,
        mode: 0o644,
    };
    assert!(
        cat.wants(&f).is_some(),
        "{} does not want {path}",
        cat.name()
    );
    let mut sink = Sink::default();
    cat.parse(&f, body, false, &mut sink);
    sink
}

/// A file body with random access (see [`Cataloguer::parse_random`]).
pub trait ReadSeek: std::io::Read + std::io::Seek {}
impl<T: std::io::Read + std::io::Seek + ?Sized> ReadSeek for T {}

/// The body as text; invalid UTF-8 is replaced (metadata files are UTF-8 in practice,
/// and one bad byte must not lose the file).
pub(crate) fn text(body: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(body)
}

/// The warning for a body cut at the cap: the file is skipped rather than half-read.
pub(crate) fn too_large(file: &FileMeta<'_>, cap: u64, sink: &mut Sink) {
    sink.warn(
        file.path,
        format!(
            "skipped: {} bytes, more than the {} MiB read for this kind of file",
            file.size,
            cap >> 20
        ),
    );
}

/// Control-file paragraphs (dpkg `status`, apk `installed`): blank-line separated
/// blocks of lines. Yields `(first line number, lines)`.
pub(crate) fn paragraphs(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    let mut lines = text.lines().enumerate().peekable();
    std::iter::from_fn(move || {
        while lines.peek().is_some_and(|(_, l)| l.trim().is_empty()) {
            lines.next();
        }
        let (start, _) = *lines.peek()?;
        let mut block = Vec::new();
        while let Some((_, l)) = lines.peek() {
            if l.trim().is_empty() {
                break;
            }
            block.push(l.trim_end_matches('\r'));
            lines.next();
        }
        Some((start + 1, block))
    })
}

/// True when `path` sits under a folder named `dir` at any depth (`/x/node_modules/..`).
pub(crate) fn has_component(path: &str, dir: &str) -> bool {
    path.split('/').any(|c| c == dir)
}

/// Cap for one metadata file (a package.json, a METADATA): larger bodies are truncated
/// and warned about; the walker never buffers more.
pub(crate) const SMALL_FILE_CAP: u64 = 4 << 20;
/// Cap for a package database or a lock file.
pub(crate) const DB_FILE_CAP: u64 = 64 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cataloguer module is listed in [`all_cataloguers`] (read from this file, so
    /// a new module that is not registered fails here).
    #[test]
    fn every_module_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/catalog");
        let src = std::fs::read_to_string(dir.join("mod.rs")).unwrap();
        let body_of = |f: &str| {
            src.split(f)
                .nth(1)
                .and_then(|s| s.split("\n}\n").next())
                .unwrap()
                .to_string()
        };
        let body = body_of("pub fn all_cataloguers()") + &body_of("pub fn lang_cataloguers()");
        let mut modules = Vec::new();
        for e in std::fs::read_dir(&dir).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            let helper = |m: &&str| *m == "mod" || *m == "lang_common";
            if let Some(m) = name.strip_suffix(".rs").filter(|m| !helper(m)) {
                assert!(
                    src.contains(&format!("pub mod {m};")),
                    "{m}.rs is not declared"
                );
                assert!(
                    body.contains(&format!("{m}::")),
                    "{m} is not in all_cataloguers()"
                );
                modules.push(m.to_string());
            }
        }
        assert_eq!(modules.len(), 20, "{modules:?}");
        let names: Vec<&str> = all_cataloguers().iter().map(|c| c.name()).collect();
        for n in [
            "os-release",
            "dpkg",
            "apk",
            "python",
            "javascript",
            "javascript-lock",
            "binary-classifier",
        ] {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
    }
}
