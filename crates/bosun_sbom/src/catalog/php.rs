//! PHP: packages installed by composer.
//!
//! Files: `vendor/composer/installed.json` (any `composer/installed.json`), read up
//! to 64 MiB, in both shapes: composer 1 (a JSON array of packages) and composer 2
//! (an object whose `packages` holds them).
//!
//! Fields: `vendor/name` split into namespace and name, `version` as recorded
//! (`v1.2.3` stays `v1.2.3`), `license` entries. purl
//! `pkg:composer/<vendor>/<name>@<version>`.
//! Known gaps: `composer.lock` is not read; dev packages are listed like the others.

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

struct Composer;

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
            let (ns, name) = match c.name.split_once('/') {
                Some((v, n)) => (Some(v.to_string()), n.to_string()),
                None => (None, c.name.clone()),
            };
            let mut p = Package::new(PackageType::Composer, name, c.version, NAME);
            p.namespace = ns;
            p.licenses = match c.license {
                Licenses::None => Vec::new(),
                Licenses::One(l) => vec![l],
                Licenses::Many(l) => l,
            };
            sink.package(with_purl(p));
        }
    }
}
