//! .NET: the dependency manifests (`*.deps.json`) next to built applications, and the
//! NuGet files that trivy also reads inside images: `packages.lock.json` and the older
//! `packages.config`.
//!
//! Files: any `*.deps.json`, `packages.lock.json` or `packages.config`, read up to 64 MiB.
//!
//! Fields: each `libraries` entry of type `package` (NuGet packages) of a deps.json,
//! its key `Name/Version` split into name and version; every dependency of every
//! target framework of a lock file (its `resolved` version; `Project` references are
//! the solution's own projects and skipped); every `<package id version>` of a
//! packages.config except those marked `developmentDependency="true"`. purl
//! `pkg:nuget/<name>@<version>`. packages.config is XML, read with `roxmltree`.
//! Known gaps: `project` entries (the application itself) and `reference`/runtime
//! packs are not listed; DLLs without a deps.json are not inspected.

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::catalog::lang_common::{too_large, with_purl};
use crate::catalog::{Cataloguer, FileMeta, Sink};
use crate::model::{Package, PackageType};

const NAME: &str = "dotnet-deps";
const MAX_JSON: u64 = 64 << 20;

/// The `.deps.json` cataloguer.
pub fn dotnet() -> Box<dyn Cataloguer> {
    Box::new(DepsJson)
}

/// The `packages.lock.json` and `packages.config` cataloguer.
pub fn nuget() -> Box<dyn Cataloguer> {
    Box::new(NuGetFiles)
}

struct DepsJson;
struct NuGetFiles;

const NUGET: &str = "nuget";

#[derive(Deserialize)]
struct Lock {
    dependencies: BTreeMap<String, BTreeMap<String, LockDep>>,
}

#[derive(Deserialize)]
struct LockDep {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    resolved: String,
}

impl Cataloguer for NuGetFiles {
    fn name(&self) -> &'static str {
        NUGET
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        matches!(file.file_name(), "packages.lock.json" | "packages.config").then_some(MAX_JSON)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, file.file_name(), MAX_JSON, sink) {
            return;
        }
        let found = if file.file_name() == "packages.config" {
            packages_config(body)
        } else {
            serde_json::from_slice::<Lock>(body)
                .map_err(|e| format!("not a NuGet packages.lock.json: {e}"))
                .map(|lock| {
                    lock.dependencies
                        .into_values()
                        .flat_map(|deps| deps.into_iter())
                        .filter(|(_, d)| !d.kind.eq_ignore_ascii_case("project"))
                        .map(|(n, d)| (n, d.resolved))
                        .collect()
                })
        };
        match found {
            Ok(list) => {
                for (n, v) in list {
                    if n.is_empty() || v.is_empty() {
                        continue;
                    }
                    sink.package(with_purl(Package::new(PackageType::NuGet, n, v, NUGET)));
                }
            }
            Err(e) => sink.warn(file.path, e),
        }
    }
}

/// `<packages><package id=".." version=".." [developmentDependency="true"]/></packages>`.
fn packages_config(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("packages.config: {e}"))?;
    let doc = roxmltree::Document::parse(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("not a NuGet packages.config: {e}"))?;
    Ok(doc
        .descendants()
        .filter(|n| n.has_tag_name("package"))
        .filter(|n| n.attribute("developmentDependency") != Some("true"))
        .filter_map(|n| {
            Some((
                n.attribute("id")?.to_string(),
                n.attribute("version")?.to_string(),
            ))
        })
        .collect())
}

#[derive(Deserialize)]
struct Deps {
    libraries: BTreeMap<String, Library>,
}

#[derive(Deserialize)]
struct Library {
    #[serde(rename = "type")]
    kind: String,
}

impl Cataloguer for DepsJson {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        file.file_name().ends_with(".deps.json").then_some(MAX_JSON)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, "deps.json", MAX_JSON, sink) {
            return;
        }
        let deps = match serde_json::from_slice::<Deps>(body) {
            Ok(d) => d,
            Err(e) => {
                sink.warn(file.path, format!("not a .NET deps.json: {e}"));
                return;
            }
        };
        for (key, lib) in deps.libraries {
            if lib.kind != "package" {
                continue;
            }
            match key.split_once('/') {
                Some((n, v)) if !n.is_empty() && !v.is_empty() => {
                    sink.package(with_purl(Package::new(PackageType::NuGet, n, v, NAME)));
                }
                _ => sink.warn(
                    file.path,
                    format!("library key {key:?} is not Name/Version"),
                ),
            }
        }
    }
}
