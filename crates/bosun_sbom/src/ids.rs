//! Deterministic, unique identifiers for the packages of one inventory, shared by the
//! CycloneDX `bom-ref`s and the SPDX `SPDXID`s.

use crate::{Inventory, Package};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// `[A-Za-z0-9.-]` only (what SPDX IDs allow).
pub(crate) fn id_safe(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    out.truncate(60);
    out
}

fn short_hash(p: &Package) -> String {
    let mut h = Sha256::new();
    for part in [
        p.purl.as_str(),
        p.kind.purl_type(),
        p.name.as_str(),
        p.version.as_str(),
        p.namespace.as_deref().unwrap_or(""),
        p.arch.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize()[..8].iter().fold(String::new(), |mut s, b| {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// One ID per package, in package order: `<type>-<name>-<16 hex of a content hash>`.
pub(crate) fn package_ids(inv: &Inventory) -> Vec<String> {
    let mut seen = BTreeSet::new();
    inv.packages
        .iter()
        .map(|p| {
            let base = format!(
                "{}-{}-{}",
                p.kind.purl_type(),
                id_safe(&p.name),
                short_hash(p)
            );
            let mut id = base.clone();
            let mut n = 1;
            while !seen.insert(id.clone()) {
                n += 1;
                id = format!("{base}-{n}");
            }
            id
        })
        .collect()
}

/// A hash of everything the documents say about the inventory, for serial numbers
/// and namespaces: the same inventory at the same time gives the same document.
pub(crate) fn inventory_uuid(inv: &Inventory, created: u64, salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(created.to_le_bytes());
    // Serialized straight into the hash: no copy of the document is held.
    let _ = serde_json::to_writer(&mut h, inv);
    crate::content_uuid(&h.finalize())
}
