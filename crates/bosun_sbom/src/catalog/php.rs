//! PHP: packages installed by composer.
//!
//! Files: `vendor/composer/installed.json` (any `composer/installed.json`), read up
//! to 64 MiB, in both shapes: composer 1 (a JSON array of packages) and composer 2
//! (an object whose `packages` holds them).
//!
//! Fields: the name `vendor/name` in full (the vendor is also the namespace), `version`
//! as recorded (`v1.2.3` stays `v1.2.3`), `license` entries. purl
//! `pkg:composer/<vendor>/<name>@<version>`.
//!
//! And `composer.lock` (declared: for `dir:` targets, see [`Cataloguer::declared`]): its
//! `packages`, not its `packages-dev`, as syft and trivy read it.
//! Known gaps: dev packages of `installed.json` are listed like the others.

use serde::Deserialize;

use crate::catalog::lang_common::{too_large, with_purl};
use crate::catalog::{Cataloguer, FileMeta, Sink};
use crate::model::{Package, PackageType};

const NAME: &str = "php-composer-installed";
const MAX_JSON: u64 = 64 << 20;

/// The composer `installed.json` cataloguer.
pub fn php() -> Box<dyn Cataloguer> {
    Box::new(Composer)
}

/// The `composer.lock` cataloguer.
pub fn composer_lock() -> Box<dyn Cataloguer> {
    Box::new(ComposerLock)
}

struct Composer;
struct ComposerLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    packages: Vec<ComposerPackage>,
}

impl Cataloguer for ComposerLock {
    fn name(&self) -> &'static str {
        "php-composer-lock"
    }

    fn declared(&self) -> bool {
        true
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        (file.file_name() == "composer.lock").then_some(MAX_JSON)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, "composer.lock", MAX_JSON, sink) {
            return;
        }
        match serde_json::from_slice::<Lock>(body) {
            Ok(lock) => {
                for c in lock.packages {
                    sink.package(composer_package(c, "php-composer-lock"));
                }
            }
            Err(e) => sink.warn(file.path, format!("not a composer.lock: {e}")),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Installed {
    V2 { packages: Vec<ComposerPackage> },
    V1(Vec<ComposerPackage>),
}

#[derive(Deserialize)]
struct ComposerPackage {
    name: String,
    version: String,
    #[serde(default)]
    license: Licenses,
}

/// `license` is a list in current composer files, a single string in some old ones.
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum Licenses {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

/// A package of `installed.json` or `composer.lock`: named `vendor/name` in full, as
/// composer, syft and trivy name it, with the vendor as namespace.
fn composer_package(c: ComposerPackage, found_by: &str) -> Package {
    let ns = c.name.split_once('/').map(|(v, _)| v.to_string());
    let mut p = Package::new(PackageType::Composer, c.name, c.version, found_by);
    p.namespace = ns;
    p.licenses = match c.license {
        Licenses::None => Vec::new(),
        Licenses::One(l) => vec![l],
        Licenses::Many(l) => l,
    };
    with_purl(p)
}

impl Cataloguer for Composer {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        file.path
            .ends_with("/composer/installed.json")
            .then_some(MAX_JSON)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, "installed.json", MAX_JSON, sink) {
            return;
        }
        let packages = match serde_json::from_slice::<Installed>(body) {
            Ok(Installed::V2 { packages }) | Ok(Installed::V1(packages)) => packages,
            Err(e) => {
                sink.warn(file.path, format!("not a composer installed.json: {e}"));
                return;
            }
        };
        for c in packages {
            sink.package(composer_package(c, NAME));
        }
    }
}
