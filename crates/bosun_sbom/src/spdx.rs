//! SPDX 2.3 JSON. Hand-written serde structs (the `spdx-rs` crate is unmaintained and
//! models far more than bosun writes); validity is checked against the official schema
//! in a test.
//!
//! Deterministic: the document namespace and every `SPDXID` derive from the content
//! (and the creation time handed in). Licences that are no SPDX expression become
//! `LicenseRef-...` with their text in `hasExtractedLicensingInfos`.

use crate::ids::{id_safe, inventory_uuid, package_ids};
use crate::licenses::is_expression;
use crate::{rfc3339, DocInfo, Inventory, Package};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Doc {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    document_namespace: String,
    creation_info: CreationInfo,
    packages: Vec<SpdxPackage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    has_extracted_licensing_infos: Vec<Extracted>,
    relationships: Vec<Relationship>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<String>,
    download_location: &'static str,
    files_analyzed: bool,
    license_concluded: &'static str,
    license_declared: String,
    copyright_text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef>,
    primary_package_purpose: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Extracted {
    license_id: String,
    extracted_text: String,
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

/// `licenseDeclared` for a package, registering `LicenseRef-`s in `extracted`.
fn declared(p: &Package, extracted: &mut BTreeMap<String, String>) -> String {
    if p.licenses.is_empty() {
        return "NOASSERTION".into();
    }
    let parts: Vec<String> = p
        .licenses
        .iter()
        .map(|l| {
            if is_expression(l) {
                l.clone()
            } else {
                let id = format!("LicenseRef-{}", id_safe(l));
                extracted.entry(id.clone()).or_insert_with(|| l.clone());
                id
            }
        })
        .collect();
    if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        parts
            .iter()
            .map(|l| format!("({l})"))
            .collect::<Vec<_>>()
            .join(" AND ")
    }
}

fn source_info(p: &Package) -> Option<String> {
    let mut parts = Vec::new();
    if p.source_name.is_some() || p.source_version.is_some() {
        parts.push(format!(
            "source package: {} {}",
            p.source_or_name(),
            p.source_or_version()
        ));
    }
    if !p.locations.is_empty() {
        let locs: Vec<String> = p
            .locations
            .iter()
            .map(|l| match (&l.layer_index, &l.layer_digest) {
                (Some(i), Some(d)) => format!("{} (layer {i} {d})", l.path),
                _ => l.path.clone(),
            })
            .collect();
        parts.push(format!("found by {} in: {}", p.found_by, locs.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The SPDX 2.3 JSON document (pretty-printed, with a final newline).
pub fn to_json(inv: &Inventory, info: &DocInfo) -> Vec<u8> {
    let ids = package_ids(inv);
    let root_id = "SPDXRef-DocumentRoot".to_string();
    let mut extracted = BTreeMap::new();
    let mut packages = vec![SpdxPackage {
        spdx_id: root_id.clone(),
        name: inv.target.name.clone(),
        version_info: inv.target.digest.clone(),
        download_location: "NOASSERTION",
        files_analyzed: false,
        license_concluded: "NOASSERTION",
        license_declared: "NOASSERTION".into(),
        copyright_text: "NOASSERTION",
        source_info: None,
        external_refs: Vec::new(),
        primary_package_purpose: if inv.target.kind == "image" {
            "CONTAINER"
        } else {
            "SOURCE"
        },
    }];
    let mut relationships = vec![Relationship {
        spdx_element_id: "SPDXRef-DOCUMENT".into(),
        relationship_type: "DESCRIBES",
        related_spdx_element: root_id.clone(),
    }];
    for (p, id) in inv.packages.iter().zip(ids) {
        let spdx_id = format!("SPDXRef-Package-{id}");
        relationships.push(Relationship {
            spdx_element_id: root_id.clone(),
            relationship_type: "CONTAINS",
            related_spdx_element: spdx_id.clone(),
        });
        packages.push(SpdxPackage {
            spdx_id,
            name: p.name.clone(),
            version_info: Some(p.version.clone()),
            download_location: "NOASSERTION",
            files_analyzed: false,
            license_concluded: "NOASSERTION",
            license_declared: declared(p, &mut extracted),
            copyright_text: "NOASSERTION",
            source_info: source_info(p),
            external_refs: (!p.purl.is_empty())
                .then(|| ExternalRef {
                    reference_category: "PACKAGE-MANAGER",
                    reference_type: "purl",
                    reference_locator: p.purl.clone(),
                })
                .into_iter()
                .collect(),
            primary_package_purpose: if p.kind.is_os() { "INSTALL" } else { "LIBRARY" },
        });
    }
    let uuid = inventory_uuid(inv, info.created, "spdx");
    let doc = Doc {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        name: inv.target.name.clone(),
        document_namespace: format!(
            "https://bosun.invalid/spdx/{}-{uuid}",
            id_safe(&inv.target.name)
        ),
        creation_info: CreationInfo {
            created: rfc3339(info.created),
            creators: vec![format!("Tool: bosun-{}", info.tool_version)],
        },
        packages,
        has_extracted_licensing_infos: extracted
            .into_iter()
            .map(|(license_id, text)| Extracted {
                license_id,
                name: text.clone(),
                extracted_text: text,
            })
            .collect(),
        relationships,
    };
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}
