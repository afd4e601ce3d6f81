//! Reading SBOMs back into an [`Inventory`], for the vulnerability matcher: bosun's own
//! JSON, CycloneDX JSON (bosun's and syft's) and SPDX JSON (bosun's and syft's).
//! Packages come from their purls (type, namespace, name, version, `arch`, `distro`);
//! bosun's `bosun:` properties (and syft's `syft:location:*:path`) add the rest.

use crate::cyclonedx::LAYERS_VERIFIED;
use crate::model::{Distro, Location, Package, PackageType};
use crate::{Inventory, Target};
use serde_json::Value;

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Not JSON.
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but no SBOM format bosun knows.
    #[error("not a CycloneDX, SPDX or bosun SBOM document")]
    UnknownFormat,
}

fn kind_of(purl_type: &str) -> Option<PackageType> {
    Some(match purl_type {
        "deb" => PackageType::Deb,
        "rpm" => PackageType::Rpm,
        "apk" => PackageType::Apk,
        "pypi" => PackageType::Python,
        "npm" => PackageType::Npm,
        "golang" => PackageType::Go,
        "cargo" => PackageType::Cargo,
        "maven" => PackageType::Maven,
        "gem" => PackageType::Gem,
        "composer" => PackageType::Composer,
        "nuget" => PackageType::NuGet,
        "generic" => PackageType::Binary,
        "alpm" => PackageType::Alpm,
        "cran" => PackageType::Cran,
        "luarocks" => PackageType::LuaRocks,
        "bitnami" => PackageType::Bitnami,
        _ => return None,
    })
}

/// A package from its purl (`None` for purl types bosun does not model), and the
/// distro its `distro=` qualifier names.
pub fn from_purl(purl: &str, found_by: &str) -> Option<(Package, Option<Distro>)> {
    let u: packageurl::PackageUrl<'_> = purl.parse().ok()?;
    let kind = kind_of(u.ty())?;
    let name = match (kind, u.namespace()) {
        (PackageType::Npm | PackageType::Go | PackageType::Composer, Some(ns)) => {
            format!("{ns}/{}", u.name())
        }
        _ => u.name().to_string(),
    };
    let mut version = u.version().unwrap_or("").to_string();
    let q = u.qualifiers();
    if let Some(e) = q.get("epoch").filter(|e| *e != "0") {
        version = format!("{e}:{version}");
    }
    let mut p = Package::new(kind, name, version, found_by);
    if matches!(kind, PackageType::Maven | PackageType::Composer) {
        p.namespace = u.namespace().map(str::to_string);
    }
    if kind == PackageType::Npm {
        p.namespace = u.namespace().map(str::to_string);
    }
    p.arch = q.get("arch").map(|a| a.to_string());
    if let Some(up) = q.get("upstream") {
        // syft: `upstream=name@version` or `upstream=name`.
        match up.split_once('@') {
            Some((n, v)) => {
                p.source_name = Some(n.to_string()).filter(|n| *n != p.name);
                p.source_version = Some(v.to_string()).filter(|v| *v != p.version);
            }
            None => p.source_name = Some(up.to_string()).filter(|n| *n != p.name),
        }
    }
    let distro = q.get("distro").map(|d| {
        let d = d.to_string();
        let (id, ver) = d.split_once('-').unwrap_or((&d, ""));
        Distro {
            id: id.to_string(),
            version_id: ver.to_string(),
            ..Distro::default()
        }
    });
    p.purl = purl.to_string();
    Some((p, distro))
}

/// A package type from syft's or bosun's type names (for entries whose purl is absent
/// or unreadable).
fn kind_from_type_name(t: &str) -> Option<PackageType> {
    Some(match t {
        "python" | "pypi" => PackageType::Python,
        "go-module" | "golang" => PackageType::Go,
        "rust-crate" | "cargo" => PackageType::Cargo,
        "java-archive" | "maven" => PackageType::Maven,
        "php-composer" | "composer" => PackageType::Composer,
        "dotnet" | "nuget" => PackageType::NuGet,
        "binary" => PackageType::Binary,
        "R-package" => PackageType::Cran,
        "lua-rocks" => PackageType::LuaRocks,
        other => kind_of(other)?,
    })
}

/// The fallback when the purl does not parse: the entry's own name and version, and a
/// type hint.
fn from_fields(
    name: Option<&str>,
    version: Option<&str>,
    type_hint: Option<&str>,
    purl: Option<&str>,
    found_by: &str,
) -> Option<(Package, Option<Distro>)> {
    let kind = kind_from_type_name(type_hint?)?;
    let mut p = Package::new(kind, name?, version?, found_by);
    p.purl = purl.unwrap_or("").to_string();
    Some((p, None))
}

/// Reads bosun JSON, CycloneDX JSON or SPDX JSON.
pub fn read(bytes: &[u8]) -> Result<Inventory, ReadError> {
    let v: Value = serde_json::from_slice(bytes)?;
    if v.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        return Ok(cyclonedx(&v));
    }
    if v.get("spdxVersion").is_some() {
        return Ok(spdx(&v));
    }
    if v.get("packages").is_some() && v.get("target").is_some() {
        return Ok(serde_json::from_value(v)?);
    }
    Err(ReadError::UnknownFormat)
}

fn str_at<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn finish(target: Target, mut packages: Vec<Package>, distros: Vec<Distro>) -> Inventory {
    packages.sort_by(|a, b| {
        (a.kind, &a.name, &a.version, &a.purl).cmp(&(b.kind, &b.name, &b.version, &b.purl))
    });
    packages.dedup_by(|a, b| a.purl == b.purl && a.name == b.name && a.version == b.version);
    Inventory {
        target,
        distro: distros.into_iter().next(),
        packages,
        warnings: Vec::new(),
    }
}

fn cyclonedx(v: &Value) -> Inventory {
    let meta = v.pointer("/metadata/component");
    let target = Target {
        kind: match meta.and_then(|m| str_at(m, "type")) {
            Some("container") => "image".into(),
            _ => "directory".into(),
        },
        name: meta.and_then(|m| str_at(m, "name")).unwrap_or("").into(),
        digest: meta.and_then(|m| str_at(m, "version")).map(str::to_string),
        layers_verified: meta
            .and_then(|m| m.get("properties"))
            .and_then(Value::as_array)
            .and_then(|ps| {
                ps.iter()
                    .find(|p| str_at(p, "name") == Some(LAYERS_VERIFIED))
                    .and_then(|p| str_at(p, "value"))
            })
            .map(|v| v == "true"),
    };
    let mut packages = Vec::new();
    let mut distros = Vec::new();
    let mut stack: Vec<&Value> = v
        .get("components")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    while let Some(c) = stack.pop() {
        if let Some(sub) = c.get("components").and_then(Value::as_array) {
            stack.extend(sub);
        }
        if str_at(c, "type") == Some("operating-system") {
            distros.push(Distro {
                id: str_at(c, "name").unwrap_or("").to_ascii_lowercase(),
                version_id: str_at(c, "version").unwrap_or("").into(),
                pretty_name: str_at(c, "description").map(str::to_string),
                ..Distro::default()
            });
            continue;
        }
        let props: Vec<(&str, &str)> = c
            .get("properties")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|p| Some((str_at(p, "name")?, str_at(p, "value")?)))
                    .collect()
            })
            .unwrap_or_default();
        let prop = |k: &str| props.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        let found_by = prop("bosun:found-by")
            .or_else(|| prop("syft:package:foundBy"))
            .unwrap_or("sbom");
        let purl = str_at(c, "purl");
        let Some((mut p, d)) = purl.and_then(|u| from_purl(u, found_by)).or_else(|| {
            let hint = prop("bosun:package:type").or_else(|| prop("syft:package:type"));
            from_fields(
                str_at(c, "name"),
                str_at(c, "version"),
                hint,
                purl,
                found_by,
            )
        }) else {
            continue;
        };
        // The component's own name and version are authoritative (the purl's name is
        // normalised for some types).
        if let (Some(n), Some(ver)) = (str_at(c, "name"), str_at(c, "version")) {
            if !matches!(p.kind, PackageType::Npm | PackageType::Go) {
                p.name = n.to_string();
            }
            if p.kind != PackageType::Rpm {
                p.version = ver.to_string();
            }
        }
        if let Some(s) = prop("bosun:source-name") {
            p.source_name = Some(s.to_string());
        }
        if let Some(s) = prop("bosun:source-version") {
            p.source_version = Some(s.to_string());
        }
        for i in 0.. {
            let path = prop(&format!("bosun:location:{i}:path"))
                .or_else(|| prop(&format!("syft:location:{i}:path")));
            let Some(path) = path else { break };
            p.locations.push(Location {
                path: path.to_string(),
                layer_digest: prop(&format!("bosun:location:{i}:layer-digest"))
                    .or_else(|| prop(&format!("syft:location:{i}:layerID")))
                    .map(str::to_string),
                layer_index: prop(&format!("bosun:location:{i}:layer-index"))
                    .and_then(|x| x.parse().ok()),
            });
        }
        p.licenses = c
            .get("licenses")
            .and_then(Value::as_array)
            .map(|ls| {
                ls.iter()
                    .filter_map(|l| {
                        str_at(l, "expression")
                            .or_else(|| l.pointer("/license/id").and_then(Value::as_str))
                            .or_else(|| l.pointer("/license/name").and_then(Value::as_str))
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default();
        distros.extend(d.filter(|_| p.kind.is_os()));
        packages.push(p);
    }
    finish(target, packages, distros)
}

fn spdx(v: &Value) -> Inventory {
    let target = Target {
        kind: "image".into(),
        name: str_at(v, "name").unwrap_or("").into(),
        digest: None,
        layers_verified: None,
    };
    let mut packages = Vec::new();
    let mut distros = Vec::new();
    for pkg in v
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let purl = pkg
            .get("externalRefs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|r| str_at(r, "referenceType") == Some("purl"))
            .and_then(|r| str_at(r, "referenceLocator"));
        // syft's IDs are `SPDXRef-Package-<type>-<name>-<hash>`, and so are bosun's.
        let hint = str_at(pkg, "SPDXID")
            .and_then(|id| id.strip_prefix("SPDXRef-Package-"))
            .and_then(|rest| {
                ["go-module", "rust-crate", "java-archive", "php-composer"]
                    .into_iter()
                    .find(|t| rest.starts_with(&format!("{t}-")))
                    .or_else(|| rest.split('-').next())
            });
        let Some((mut p, d)) = purl.and_then(|u| from_purl(u, "sbom")).or_else(|| {
            from_fields(
                str_at(pkg, "name"),
                str_at(pkg, "versionInfo"),
                hint,
                purl,
                "sbom",
            )
        }) else {
            continue;
        };
        if let Some(n) = str_at(pkg, "name") {
            if !matches!(p.kind, PackageType::Npm | PackageType::Go) {
                p.name = n.to_string();
            }
        }
        if let Some(ver) = str_at(pkg, "versionInfo") {
            if p.kind != PackageType::Rpm {
                p.version = ver.to_string();
            }
        }
        if let Some(l) =
            str_at(pkg, "licenseDeclared").filter(|l| *l != "NOASSERTION" && *l != "NONE")
        {
            p.licenses = vec![l.to_string()];
        }
        distros.extend(d.filter(|_| p.kind.is_os()));
        packages.push(p);
    }
    finish(target, packages, distros)
}
