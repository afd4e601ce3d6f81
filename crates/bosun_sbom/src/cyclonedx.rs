//! CycloneDX 1.6 JSON. Hand-written serde structs for the part of the schema bosun
//! fills: the Rust CycloneDX crates (`cyclonedx-bom`) lag behind 1.6 and pull in a
//! large model for the twenty fields written here; the output is checked against the
//! official schema in a test instead.
//!
//! Package details that CycloneDX has no field for go into `properties` named
//! `bosun:...` (`bosun:source-name`, `bosun:location:0:path`, ...), as syft does with
//! `syft:...`; [`crate::read`] reads them back.

use crate::ids::{inventory_uuid, package_ids};
use crate::licenses::is_expression;
use crate::{rfc3339, DocInfo, Inventory, Package, PackageType};
use serde::Serialize;
use std::borrow::Cow;

/// The property on the image component that says whether every layer was hashed
/// ([`crate::Target::layers_verified`]).
pub const LAYERS_VERIFIED: &str = "bosun:layers-verified";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<Component<'a>>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: String,
    tools: Tools,
    component: Component<'a>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Tool>,
}

#[derive(Serialize)]
struct Tool {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: String,
}

#[derive(Serialize)]
struct Component<'a> {
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property<'a>>,
}

/// Borrowed where the package holds the text: thousands of components are written.
#[derive(Serialize)]
struct Property<'a> {
    name: Cow<'a, str>,
    value: Cow<'a, str>,
}

fn prop<'a>(name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Property<'a> {
    Property {
        name: name.into(),
        value: value.into(),
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseChoice<'a> {
    Expression { expression: Cow<'a, str> },
    License { license: LicenseName<'a> },
}

#[derive(Serialize)]
struct LicenseName<'a> {
    name: &'a str,
}

/// CycloneDX wants either one expression or a list of named/identified licences.
fn licenses(p: &Package) -> Vec<LicenseChoice<'_>> {
    if p.licenses.is_empty() {
        return Vec::new();
    }
    if p.licenses.iter().all(|l| is_expression(l)) {
        let expression = if p.licenses.len() == 1 {
            Cow::Borrowed(p.licenses[0].as_str())
        } else {
            Cow::Owned(
                p.licenses
                    .iter()
                    .map(|l| format!("({l})"))
                    .collect::<Vec<_>>()
                    .join(" AND "),
            )
        };
        return vec![LicenseChoice::Expression { expression }];
    }
    p.licenses
        .iter()
        .map(|l| LicenseChoice::License {
            license: LicenseName { name: l },
        })
        .collect()
}

fn component<'a>(p: &'a Package, id: String) -> Component<'a> {
    let mut properties = vec![
        prop("bosun:package:type", p.kind.purl_type()),
        prop("bosun:found-by", p.found_by.as_str()),
    ];
    if let Some(a) = &p.arch {
        properties.push(prop("bosun:arch", a.as_str()));
    }
    if let Some(s) = &p.source_name {
        properties.push(prop("bosun:source-name", s.as_str()));
    }
    if let Some(s) = &p.source_version {
        properties.push(prop("bosun:source-version", s.as_str()));
    }
    for (i, l) in p.locations.iter().enumerate() {
        properties.push(prop(format!("bosun:location:{i}:path"), l.path.as_str()));
        if let Some(d) = &l.layer_digest {
            properties.push(prop(format!("bosun:location:{i}:layer-digest"), d.as_str()));
        }
        if let Some(x) = l.layer_index {
            properties.push(prop(
                format!("bosun:location:{i}:layer-index"),
                x.to_string(),
            ));
        }
    }
    let group = match p.kind {
        // A composer package's name already holds its vendor (`monolog/monolog`).
        PackageType::Maven => p.namespace.as_deref(),
        _ => None,
    };
    Component {
        bom_ref: id,
        kind: "library",
        group,
        name: &p.name,
        version: Some(&p.version),
        description: None,
        licenses: licenses(p),
        purl: (!p.purl.is_empty()).then_some(p.purl.as_str()),
        properties,
    }
}

/// The CycloneDX 1.6 JSON document (pretty-printed, with a final newline).
pub fn to_json(inv: &Inventory, info: &DocInfo) -> Vec<u8> {
    let ids = package_ids(inv);
    let mut components: Vec<Component<'_>> = Vec::new();
    if let Some(d) = &inv.distro {
        components.push(Component {
            bom_ref: format!("os-{}", crate::ids::id_safe(&d.id)),
            kind: "operating-system",
            group: None,
            name: &d.id,
            version: Some(&d.version_id)
                .filter(|v| !v.is_empty())
                .map(|v| v.as_str()),
            description: d.pretty_name.as_deref(),
            licenses: Vec::new(),
            purl: None,
            properties: Vec::new(),
        });
    }
    components.extend(inv.packages.iter().zip(ids).map(|(p, id)| component(p, id)));
    let target = Component {
        bom_ref: "target".into(),
        kind: if inv.target.kind == "image" {
            "container"
        } else {
            "file"
        },
        group: None,
        name: &inv.target.name,
        version: inv.target.digest.as_deref(),
        description: None,
        licenses: Vec::new(),
        purl: None,
        properties: inv
            .target
            .layers_verified
            .map(|v| prop(LAYERS_VERIFIED, v.to_string()))
            .into_iter()
            .collect(),
    };
    let bom = Bom {
        schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!(
            "urn:uuid:{}",
            inventory_uuid(inv, info.created, "cyclonedx")
        ),
        version: 1,
        metadata: Metadata {
            timestamp: rfc3339(info.created),
            tools: Tools {
                components: vec![Tool {
                    kind: "application",
                    name: "bosun",
                    version: info.tool_version.clone(),
                }],
            },
            component: target,
        },
        components,
    };
    let mut out = serde_json::to_vec_pretty(&bom).unwrap_or_default();
    out.push(b'\n');
    out
}
