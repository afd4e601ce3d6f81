//! Finalisation: from what the cataloguers found in each file of each layer to the
//! SBOM's package list. Pure: the final-filesystem view is handed in.
//!
//! Rules:
//! - A file counts only in the version the final filesystem holds (a later layer that
//!   deleted or replaced it wins). For a database file (dpkg `status`) that means only
//!   the final copy decides which packages are present.
//! - The layer that *added* a package is the earliest layer, going back from the final
//!   copy through copies that were overwritten (not deleted) in between, whose copy of
//!   the same file lists the same package.
//! - The same package (type, namespace, name, version, arch) found in several files is
//!   one package with several locations, sorted by layer then path.
//! - The distribution comes from `/etc/os-release`, else `/usr/lib/os-release`; it
//!   qualifies the purls of OS packages.

use crate::catalog::os_release;
use crate::model::{Distro, Location, Package};
use crate::purl;
use crate::Warning;
use bosun_oci::{Fate, FinalFs};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// What the cataloguers found in one file of one layer (or of a directory).
#[derive(Debug, Clone)]
pub struct FileFinding {
    /// Absolute path (`/var/lib/dpkg/status`).
    pub path: String,
    /// The layer (index, digest), `None` for a directory target.
    pub layer: Option<(usize, String)>,
    /// Packages without locations or purls.
    pub packages: Vec<Package>,
    /// The distribution the file names (os-release).
    pub distro: Option<Distro>,
}

/// What was catalogued.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// `image` or `directory`.
    pub kind: String,
    /// How the user named it.
    pub name: String,
    /// The image's manifest digest (or its config digest when there is no manifest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// For an image: whether every layer's content was hashed and matched its digest.
    /// False when a local archive's layers were read skipping the bytes no cataloguer
    /// wanted (the default for `bosun sbom` and `bosun vuln`; `--verify` hashes them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers_verified: Option<bool>,
}

/// The inventory: bosun's own SBOM document, which every writer reads.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Inventory {
    /// What was catalogued.
    pub target: Target,
    /// The distribution, when the target has an os-release file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<Distro>,
    /// Packages, sorted by type, name, version, purl.
    pub packages: Vec<Package>,
    /// Files that could not be read completely.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// How presence is decided: every file of a directory is present; an image's files
/// are as its final filesystem says.
#[derive(Clone, Copy)]
pub enum View<'a> {
    /// A directory (no layers).
    Directory,
    /// An image's merged view.
    Image(&'a FinalFs),
}

/// What makes two findings the same package (type, namespace, name, version, arch),
/// borrowed from the findings: compared and kept without copying five strings.
type Key<'a> = (
    crate::PackageType,
    Option<&'a str>,
    &'a str,
    &'a str,
    Option<&'a str>,
);

fn key(p: &Package) -> Key<'_> {
    (
        p.kind,
        p.namespace.as_deref(),
        &p.name,
        &p.version,
        p.arch.as_deref(),
    )
}

/// Builds the inventory from every file finding (in any order).
pub fn finalise(
    target: Target,
    findings: Vec<FileFinding>,
    mut warnings: Vec<Warning>,
    view: View<'_>,
) -> Inventory {
    // path -> layer index (usize::MAX-free: directories use 0) -> finding
    let mut by_path: BTreeMap<String, BTreeMap<usize, FileFinding>> = BTreeMap::new();
    for f in findings {
        let idx = f.layer.as_ref().map_or(0, |l| l.0);
        by_path.entry(f.path.clone()).or_default().insert(idx, f);
    }
    let mut distros: Vec<(usize, Distro)> = Vec::new();
    let mut merged: BTreeMap<Key<'_>, Package> = BTreeMap::new();
    for (path, layers) in &by_path {
        let Some((final_layer, history)) = present(view, path, layers) else {
            continue;
        };
        let Some(last) = layers.get(&final_layer) else {
            continue;
        };
        if let Some(d) = &last.distro {
            if let Some(rank) = os_release::PATHS.iter().position(|p| p == path) {
                distros.push((rank, d.clone()));
            }
        }
        // The packages of each earlier copy, as sets (a dpkg status file lists hundreds,
        // and each of the final copy's packages is looked up in them).
        let mut earlier: BTreeMap<usize, HashSet<Key<'_>>> = BTreeMap::new();
        for p in &last.packages {
            let k = key(p);
            // Walk back through overwritten copies that list the same package.
            let mut added = last;
            for &(layer, fate_deleted) in history.iter().rev() {
                if layer >= final_layer {
                    continue;
                }
                if fate_deleted {
                    break;
                }
                let Some(f) = layers.get(&layer) else { break };
                let listed = earlier
                    .entry(layer)
                    .or_insert_with(|| f.packages.iter().map(key).collect());
                if !listed.contains(&k) {
                    break;
                }
                added = f;
            }
            let loc = Location {
                path: path.clone(),
                layer_digest: added.layer.as_ref().map(|l| l.1.clone()),
                layer_index: added.layer.as_ref().map(|l| l.0),
            };
            match merged.get_mut(&k) {
                Some(m) => {
                    m.locations.push(loc);
                    merge_details(m, p);
                }
                None => {
                    let mut p = p.clone();
                    p.locations = vec![loc];
                    merged.insert(k, p);
                }
            }
        }
    }
    distros.sort_by_key(|d| d.0);
    let distro = distros.into_iter().next().map(|d| d.1);
    let mut packages: Vec<Package> = merged.into_values().collect();
    // A runtime binary in the system folders of an image with OS packages is most likely
    // one of theirs (Debian's python3.11): listed once, as the OS package.
    if packages.iter().any(|p| p.kind.is_os()) {
        packages.retain(|p| !crate::catalog::binary::owned_by_the_os(p));
    }
    for p in &mut packages {
        p.locations
            .sort_by(|a, b| (a.layer_index, &a.path).cmp(&(b.layer_index, &b.path)));
        p.locations.dedup();
        p.purl = purl::purl(p, distro.as_ref().filter(|_| p.kind.is_os()));
    }
    packages.sort_by(|a, b| {
        (a.kind, &a.name, &a.version, &a.purl).cmp(&(b.kind, &b.name, &b.version, &b.purl))
    });
    warnings.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    warnings.dedup();
    Inventory {
        target,
        distro,
        packages,
        warnings,
    }
}

/// Fills what one copy knew and the other did not (licences, source).
fn merge_details(into: &mut Package, other: &Package) {
    if into.licenses.is_empty() {
        into.licenses = other.licenses.clone();
    }
    if into.source_name.is_none() {
        into.source_name = other.source_name.clone();
    }
    if into.source_version.is_none() {
        into.source_version = other.source_version.clone();
    }
}

/// The layer whose copy of `path` the final filesystem holds, and the layers that
/// shipped it (with "deleted by a later layer" flags), in layer order.
fn present(
    view: View<'_>,
    path: &str,
    layers: &BTreeMap<usize, FileFinding>,
) -> Option<(usize, Vec<(usize, bool)>)> {
    match view {
        View::Directory => layers.keys().next().map(|&k| (k, vec![(k, false)])),
        View::Image(fs) => {
            let rel = path.trim_start_matches('/');
            let final_layer = fs.present_layer(rel)?;
            let history = fs
                .history(rel)
                .iter()
                .map(|o| (o.layer, matches!(o.fate, Fate::Deleted { .. })))
                .collect();
            Some((final_layer, history))
        }
    }
}
