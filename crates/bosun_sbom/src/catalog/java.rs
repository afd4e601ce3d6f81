//! Java archives: `.jar`, `.war`, `.ear` (and `.par`, `.sar`, `.nar`, `.kar`, `.lpkg`, Jenkins' `.jpi`/`.hpi`), with the
//! archives nested inside them.
//!
//! Files: any file with one of those extensions, read up to 512 MiB.
//!
//! Fields: one package per `META-INF/maven/**/pom.properties` (group, artifact,
//! version), and, when none of those is the archive itself (its artifact ID neither
//! extends nor ends the file name's artifact), one package for the archive from
//! `META-INF/MANIFEST.MF` (name from the file name, else
//! `Bundle-SymbolicName`/`Implementation-Title`; version from the file name, else
//! `Implementation-Version`, `Specification-Version`, `Plugin-Version`, `Bundle-Version`
//! (syft's order); group
//! from `Implementation-Vendor-Id`; licence from `Bundle-License`). purl
//! `pkg:maven/<group>/<artifact>@<version>` (no group segment when unknown).
//!
//! Bounds: nested archives are read from memory, at most 4 levels deep, and all the
//! bytes inflated for one top-level archive (nested archives and metadata files) are
//! capped at 256 MiB; a manifest or pom.properties is read up to 1 MiB. An entry that
//! would pass the cap (a zip bomb) is skipped with a warning; so is a truncated or
//! corrupt archive. Warnings name the file and the nested entry.
//!
//! Choices: the `zip` crate (deflate only: jars use nothing else).
//! Known gaps: no group ID guessing from package names or the manifest's vendor;
//! shaded classes without a pom.properties are not found; `pom.xml` is not read.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use crate::catalog::lang_common::{too_large, with_purl};
use crate::catalog::{Cataloguer, FileMeta, Sink};
use crate::model::{Package, PackageType};

const NAME: &str = "java-archive";
const MAX_ARCHIVE: u64 = 512 << 20;
/// Total bytes inflated from one top-level archive.
pub const INFLATE_BUDGET: u64 = 256 << 20;
/// Deepest nesting read (the top-level archive is depth 0).
pub const MAX_DEPTH: usize = 4;
const MAX_TEXT: u64 = 1 << 20;
/// Warnings listed for one archive (a crafted archive can have a problem per entry).
const MAX_WARNINGS: usize = 20;
/// The archive suffixes syft reads (trivy reads the first four).
const EXTENSIONS: [&str; 10] = [
    ".jar", ".war", ".ear", ".par", ".sar", ".nar", ".jpi", ".hpi", ".kar", ".lpkg",
];

/// The Java archive cataloguer.
pub fn java() -> Box<dyn Cataloguer> {
    Box::new(JavaArchive)
}

struct JavaArchive;

fn is_archive_name(name: &str) -> bool {
    // Asked of every file of every layer: compared in place, not through a lowercased copy.
    let name = name.as_bytes();
    EXTENSIONS.iter().any(|e| {
        name.len() >= e.len() && name[name.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes())
    })
}

impl Cataloguer for JavaArchive {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        is_archive_name(file.file_name()).then_some(MAX_ARCHIVE)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if too_large(file, truncated, "Java archive", MAX_ARCHIVE, sink) {
            return;
        }
        let mut scan = Scan {
            path: file.path,
            budget: INFLATE_BUDGET,
            warned: 0,
            sink,
        };
        scan.archive(body, file.file_name(), "", 0);
        if scan.warned > MAX_WARNINGS {
            let more = scan.warned - MAX_WARNINGS;
            scan.sink.warn(
                file.path,
                format!("{more} more problems in this archive not listed"),
            );
        }
    }
}

struct Scan<'s> {
    path: &'s str,
    budget: u64,
    /// Warnings raised so far (only the first [`MAX_WARNINGS`] are kept).
    warned: usize,
    sink: &'s mut Sink,
}

impl Scan<'_> {
    fn warn(&mut self, inner: &str, msg: impl std::fmt::Display) {
        self.warned += 1;
        if self.warned > MAX_WARNINGS {
            return;
        }
        let msg = if inner.is_empty() {
            msg.to_string()
        } else {
            format!("in nested archive {inner}: {msg}")
        };
        self.sink.warn(self.path, msg);
    }

    /// Reads an entry up to `cap` bytes, charging the budget; `Err` when the entry is
    /// larger than that (declared or actual).
    fn read_entry(
        &mut self,
        entry: &mut impl Read,
        declared: u64,
        cap: u64,
    ) -> Result<Vec<u8>, String> {
        let cap = cap.min(self.budget);
        if declared > cap {
            return Err(format!(
                "inflates to {declared} bytes, past the {cap}-byte cap; skipped"
            ));
        }
        let mut out = Vec::with_capacity(declared as usize);
        entry
            .take(cap + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot inflate: {e}"))?;
        if out.len() as u64 > cap {
            return Err(format!("inflates past the {cap}-byte cap; skipped"));
        }
        self.budget -= out.len() as u64;
        Ok(out)
    }

    /// One archive (top-level or nested): `inner` is the chain of entry names
    /// (`WEB-INF/lib/a.jar!/b.jar`), empty for the top level.
    fn archive(&mut self, body: &[u8], file_name: &str, inner: &str, depth: usize) {
        let mut zip = match zip::ZipArchive::new(Cursor::new(body)) {
            Ok(z) => z,
            Err(e) => {
                self.warn(inner, format!("not a readable zip archive: {e}"));
                return;
            }
        };
        let mut manifest = None;
        let mut poms = Vec::new();
        for i in 0..zip.len() {
            let mut entry = match zip.by_index(i) {
                Ok(e) => e,
                Err(e) => {
                    self.warn(inner, format!("unreadable entry {i}: {e}"));
                    continue;
                }
            };
            if entry.is_dir() {
                continue;
            }
            let name = entry.name().to_string();
            let declared = entry.size();
            let is_manifest = name.eq_ignore_ascii_case("META-INF/MANIFEST.MF");
            let is_pom = name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties");
            let is_nested = is_archive_name(&name);
            if !(is_manifest || is_pom || is_nested) {
                continue;
            }
            let label = if inner.is_empty() {
                name.clone()
            } else {
                format!("{inner}!/{name}")
            };
            if is_nested && depth + 1 > MAX_DEPTH {
                self.warn(
                    inner,
                    format!("{name}: nested deeper than {MAX_DEPTH} archives; skipped"),
                );
                continue;
            }
            let cap = if is_nested { INFLATE_BUDGET } else { MAX_TEXT };
            let bytes = match self.read_entry(&mut entry, declared, cap) {
                Ok(b) => b,
                Err(e) => {
                    self.warn(inner, format!("{name}: {e}"));
                    continue;
                }
            };
            drop(entry);
            if is_manifest {
                manifest = Some(parse_manifest(&String::from_utf8_lossy(&bytes)));
            } else if is_pom {
                poms.push(parse_properties(&String::from_utf8_lossy(&bytes)));
            } else {
                let nested_name = name.rsplit('/').next().unwrap_or(&name).to_string();
                self.archive(&bytes, &nested_name, &label, depth + 1);
            }
        }
        self.emit(file_name, manifest, poms);
    }

    fn emit(
        &mut self,
        file_name: &str,
        manifest: Option<BTreeMap<String, String>>,
        poms: Vec<BTreeMap<String, String>>,
    ) {
        let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
        let (file_artifact, file_version) = split_file_name(stem);
        let mut seen = BTreeSet::new();
        let mut self_found = false;
        let mut out = Vec::new();
        for pom in &poms {
            let (Some(a), Some(v)) = (pom.get("artifactId"), pom.get("version")) else {
                continue;
            };
            let g = pom.get("groupId").filter(|g| !g.is_empty());
            // The archive's own pom.properties, by syft's rule: the artifact ID extends
            // the file name's artifact (`geronimo-annotation_1.3_spec` for
            // `geronimo-annotation-1.3-spec.jar`), or ends it. A shaded dependency whose
            // ID merely starts the file name (`wagon-http` in `wagon-http-shaded`) is not.
            if !file_artifact.is_empty()
                && (a.starts_with(file_artifact) || file_artifact.ends_with(a.as_str()))
            {
                self_found = true;
            }
            if seen.insert((g.cloned(), a.clone(), v.clone())) {
                let mut p = Package::new(PackageType::Maven, a, v, NAME);
                p.namespace = g.cloned();
                out.push(p);
            }
        }
        if !self_found {
            let m = manifest.unwrap_or_default();
            let get = |k: &str| m.get(k).filter(|v| !v.is_empty()).cloned();
            let name = Some(file_artifact.to_string())
                .filter(|n| !n.is_empty())
                .or_else(|| {
                    get("Bundle-SymbolicName")
                        .map(|s| s.split(';').next().unwrap_or("").trim().to_string())
                })
                .or_else(|| get("Implementation-Title"));
            // syft's order: the file name's version, then the manifest's.
            let version = file_version
                .map(str::to_string)
                .or_else(|| get("Implementation-Version"))
                .or_else(|| get("Specification-Version"))
                .or_else(|| get("Plugin-Version"))
                .or_else(|| get("Bundle-Version"));
            if let (Some(name), Some(version)) = (name, version) {
                let mut p = Package::new(PackageType::Maven, name, version, NAME);
                p.namespace = get("Implementation-Vendor-Id");
                p.licenses.extend(get("Bundle-License"));
                out.insert(0, p);
            }
        }
        for p in out {
            self.sink.package(with_purl(p));
        }
    }
}

/// `commons-lang3-3.12.0` -> (`commons-lang3`, Some(`3.12.0`)): the version starts at
/// the first `-` followed by a digit.
fn split_file_name(stem: &str) -> (&str, Option<&str>) {
    let b = stem.as_bytes();
    for i in 0..b.len().saturating_sub(1) {
        if b[i] == b'-' && b[i + 1].is_ascii_digit() {
            return (&stem[..i], Some(&stem[i + 1..]));
        }
    }
    (stem, None)
}

/// The main section of a manifest: `Key: value` lines, continuation lines starting
/// with one space, ending at the first blank line.
fn parse_manifest(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut last: Option<String> = None;
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if let Some(cont) = line.strip_prefix(' ') {
            if let Some(v) = last.as_ref().and_then(|k| out.get_mut(k)) {
                let v: &mut String = v;
                v.push_str(cont);
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            let k = k.trim().to_string();
            out.insert(k.clone(), v.trim().to_string());
            last = Some(k);
        }
    }
    out
}

/// Java `.properties` lines (`key=value` or `key: value`, `#`/`!` comments).
fn parse_properties(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!'))
        .filter_map(|l| {
            let i = l.find(['=', ':'])?;
            Some((l[..i].trim().to_string(), l[i + 1..].trim().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_manifests() {
        assert_eq!(
            split_file_name("commons-lang3-3.12.0"),
            ("commons-lang3", Some("3.12.0"))
        );
        assert_eq!(split_file_name("app"), ("app", None));
        let m = parse_manifest(
            "Manifest-Version: 1.0\r\nImplementation-Title: a very long\r\n  title\r\nBundle-Version: 2.1\r\n\r\nName: x\r\nBundle-Version: 9\r\n",
        );
        assert_eq!(m["Implementation-Title"], "a very long title");
        assert_eq!(m["Bundle-Version"], "2.1");
        let p = parse_properties("#c\ngroupId=org.x\nartifactId = y\nversion: 1.0\n");
        assert_eq!(
            (
                p["groupId"].as_str(),
                p["artifactId"].as_str(),
                p["version"].as_str()
            ),
            ("org.x", "y", "1.0")
        );
    }
}
