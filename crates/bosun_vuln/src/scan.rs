//! Packages in, findings out: one store lookup per distinct (ecosystem, name), then
//! the pure matcher per package.

use crate::matcher::{match_package, query_for, VersionOrder, VulnMatch};
use crate::store::{Store, StoreError};
use bosun_sbom::{Distro, Package};
use std::collections::HashMap;

/// One finding and the package (an index into the input list) it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageMatch {
    pub package: usize,
    pub vuln: VulnMatch,
}

/// What a scan found, and how many packages no advisory source covers (no OSV
/// ecosystem, an unknown distribution).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanResult {
    pub matches: Vec<PackageMatch>,
    pub not_covered: usize,
}

/// Matches every package against the store. OS packages need the image's distro.
pub fn scan(
    store: &Store,
    packages: &[Package],
    distro: Option<&Distro>,
    order: &dyn VersionOrder,
) -> Result<ScanResult, StoreError> {
    let mut cache: HashMap<(String, String), Vec<crate::Advisory>> = HashMap::new();
    let mut out = ScanResult::default();
    for (i, p) in packages.iter().enumerate() {
        let Some(q) = query_for(p, distro) else {
            out.not_covered += 1;
            continue;
        };
        let key = (
            q.ecosystem.clone(),
            crate::normalise_name(&q.ecosystem, &q.name),
        );
        if !cache.contains_key(&key) {
            let c = store.candidates(&q.ecosystem, &q.name)?;
            cache.insert(key.clone(), c);
        }
        for vuln in match_package(&q, &cache[&key], order) {
            out.matches.push(PackageMatch { package: i, vuln });
        }
    }
    Ok(out)
}
