//! The one package model. The SBOM writers, the vulnerability matcher and the policy
//! read nothing else.

use serde::{Deserialize, Serialize};

/// What kind of package, which decides the purl type and the version scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackageType {
    /// Debian/Ubuntu dpkg (`pkg:deb`).
    Deb,
    /// RPM (`pkg:rpm`).
    Rpm,
    /// Alpine apk (`pkg:apk`).
    Apk,
    /// Python distribution (`pkg:pypi`).
    Python,
    /// npm package (`pkg:npm`).
    Npm,
    /// Go module (`pkg:golang`), including the `stdlib` pseudo-module.
    Go,
    /// Rust crate (`pkg:cargo`).
    Cargo,
    /// Java archive / Maven artifact (`pkg:maven`).
    Maven,
    /// Ruby gem (`pkg:gem`).
    Gem,
    /// PHP composer package (`pkg:composer`).
    Composer,
    /// .NET package (`pkg:nuget`).
    NuGet,
    /// Arch Linux pacman (`pkg:alpm`).
    Alpm,
    /// R package (`pkg:cran`).
    Cran,
    /// Lua rock (`pkg:luarocks`).
    LuaRocks,
    /// A Bitnami component or what it bundles (`pkg:bitnami`).
    Bitnami,
    /// A runtime identified by its files, installed without a package manager
    /// (`pkg:generic`: a Python, Node.js or Go built into `/usr/local`, a JVM).
    Binary,
}

impl PackageType {
    /// The purl type.
    pub fn purl_type(self) -> &'static str {
        match self {
            PackageType::Deb => "deb",
            PackageType::Rpm => "rpm",
            PackageType::Apk => "apk",
            PackageType::Python => "pypi",
            PackageType::Npm => "npm",
            PackageType::Go => "golang",
            PackageType::Cargo => "cargo",
            PackageType::Maven => "maven",
            PackageType::Gem => "gem",
            PackageType::Composer => "composer",
            PackageType::NuGet => "nuget",
            PackageType::Alpm => "alpm",
            PackageType::Cran => "cran",
            PackageType::LuaRocks => "luarocks",
            PackageType::Bitnami => "bitnami",
            PackageType::Binary => "generic",
        }
    }

    /// True for packages of the operating system's package manager.
    pub fn is_os(self) -> bool {
        matches!(
            self,
            PackageType::Deb | PackageType::Rpm | PackageType::Apk | PackageType::Alpm
        )
    }

    /// The OSV ecosystem name for language packages (`PyPI`, `npm`, `Go`, ...); OS
    /// packages take theirs from the [`Distro`].
    pub fn osv_ecosystem(self) -> Option<&'static str> {
        Some(match self {
            PackageType::Python => "PyPI",
            PackageType::Npm => "npm",
            PackageType::Go => "Go",
            PackageType::Cargo => "crates.io",
            PackageType::Maven => "Maven",
            PackageType::Gem => "RubyGems",
            PackageType::Composer => "Packagist",
            PackageType::NuGet => "NuGet",
            // OSV has a `CRAN` ecosystem, but bosun has no CRAN version order yet: the
            // packages count as not covered rather than as checked.
            PackageType::Deb
            | PackageType::Cran
            | PackageType::Rpm
            | PackageType::Apk
            | PackageType::Alpm
            | PackageType::LuaRocks
            | PackageType::Bitnami
            | PackageType::Binary => return None,
        })
    }
}

/// Where a package was found: a path, and the layer that holds that file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Absolute path inside the image or directory (`/var/lib/dpkg/status`).
    pub path: String,
    /// Layer digest (`sha256:...`); `None` for a directory target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer_digest: Option<String>,
    /// Layer index, 0 = base; `None` for a directory target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer_index: Option<usize>,
}

/// The distribution of an image, from `/etc/os-release` (or `/usr/lib/os-release`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distro {
    /// `ID` (`debian`, `alpine`, `almalinux`, ...).
    pub id: String,
    /// `VERSION_ID` (`12`, `3.20.3`, `9.4`); may be empty (Debian sid).
    pub version_id: String,
    /// `VERSION_CODENAME` when present (`bookworm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
    /// `PRETTY_NAME` when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pretty_name: Option<String>,
    /// `ID_LIKE` words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_like: Vec<String>,
}

/// One package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Name as the ecosystem spells it (for Maven, the artifact ID; for Go, the module
    /// path; for npm, the full name with its `@scope/`).
    pub name: String,
    /// Version as recorded (dpkg's full `epoch:upstream-revision`, rpm's
    /// `[epoch:]version-release`, Go's `v1.2.3` or `go1.21.4` for `stdlib`).
    pub version: String,
    #[serde(rename = "type")]
    pub kind: PackageType,
    /// Namespace where the ecosystem has one: Maven group ID, composer vendor (`vendor`
    /// of `vendor/name`). The purl is built from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Architecture (deb, rpm, apk).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// Source package name (deb `Source:`, rpm `SOURCERPM` name, apk `origin`);
    /// `None` when it equals `name` or is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// Source package version when it differs from `version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    /// Declared licences: one SPDX expression where the metadata allows, else the
    /// declared strings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// The cataloguer that found it (`dpkg`, `python`, `go-binary`, ...).
    pub found_by: String,
    /// Where it was found, sorted; the first is the layer that added it.
    pub locations: Vec<Location>,
    /// The purl, filled in by finalisation (it needs the distro for OS packages).
    #[serde(default)]
    pub purl: String,
}

impl Package {
    /// A package with no namespace, arch, source, licences, locations or purl yet.
    pub fn new(
        kind: PackageType,
        name: impl Into<String>,
        version: impl Into<String>,
        found_by: &str,
    ) -> Package {
        Package {
            name: name.into(),
            version: version.into(),
            kind,
            namespace: None,
            arch: None,
            source_name: None,
            source_version: None,
            licenses: Vec::new(),
            found_by: found_by.to_string(),
            locations: Vec::new(),
            purl: String::new(),
        }
    }

    /// The source package name (falls back to the binary name).
    pub fn source_or_name(&self) -> &str {
        self.source_name.as_deref().unwrap_or(&self.name)
    }

    /// The source package version (falls back to the package version).
    pub fn source_or_version(&self) -> &str {
        self.source_version.as_deref().unwrap_or(&self.version)
    }
}
