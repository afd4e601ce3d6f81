//! .NET: the dependency manifests (`*.deps.json`) next to built applications.
//!
//! Files: any `*.deps.json`, read up to 64 MiB.
//!
//! Fields: each `libraries` entry of type `package` (NuGet packages), its key
//! `Name/Version` split into name and version. purl `pkg:nuget/<name>@<version>`.
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

struct DepsJson;

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
