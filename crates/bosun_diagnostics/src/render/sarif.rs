//! SARIF 2.1.0, shaped for GitHub code scanning.
//!
//! - `runs[0].tool.driver.rules`: every rule handed in (plus a minimal descriptor for any
//!   finding code not among them), with `shortDescription` (the summary),
//!   `fullDescription`, `help` (text and the markdown page), `helpUri`,
//!   `defaultConfiguration.level` and `properties` (`severity` on bosun's scale,
//!   `aliases`, `tags`).
//! - `results`: `ruleId`, `ruleIndex`, `level`, `message.text`, `locations` and `fixes`.
//!   File findings have a `physicalLocation` (relative URI as given, `file://` URI for
//!   absolute paths; region lines and columns 1-based, columns in Unicode code points,
//!   end exclusive); whole-file findings point at line 1. Image and package findings have
//!   `logicalLocations` (the layer path, config field or purl) and the bosun severity in
//!   `properties`.

use crate::{Finding, Location, RuleMeta};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::{self, Write};

/// Who made the report.
#[derive(Debug, Clone)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    pub information_uri: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: "bosun".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            information_uri: "https://github.com/bosun-dev/bosun".into(),
        }
    }
}

/// Percent-encodes a path into a URI reference (RFC 3986): unreserved characters and
/// `/` stay, everything else is `%XX` of its UTF-8 bytes. Hand-written because it is
/// ten lines and the only URI work here.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The artifact URI of a file path: relative paths stay relative (GitHub resolves them
/// against the checkout), absolute ones become `file://` URIs.
pub(crate) fn artifact_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    if p.starts_with('/') {
        format!("file://{}", encode_path(&p))
    } else {
        encode_path(p.trim_start_matches("./"))
    }
}

fn rule_descriptor(meta: &RuleMeta) -> Value {
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": meta.summary },
        "help": { "text": meta.summary, "markdown": meta.docs },
        "helpUri": meta.help_url(),
        "defaultConfiguration": { "level": meta.severity.sarif_level() },
        "properties": {
            "severity": meta.severity.as_str(),
            "aliases": meta.aliases,
            "tags": ["dockerfile"],
        },
    })
}

fn minimal_descriptor(f: &Finding) -> Value {
    let mut d = json!({
        "id": f.code,
        "name": f.name,
        "shortDescription": { "text": f.name },
        "defaultConfiguration": { "level": f.severity.sarif_level() },
        "properties": { "severity": f.severity.as_str() },
    });
    if let (Some(url), Value::Object(m)) = (&f.help_url, &mut d) {
        m.insert("helpUri".into(), Value::String(url.clone()));
    }
    d
}

fn location(f: &Finding) -> Value {
    match &f.location {
        Location::File { path, span } => {
            let region = match span {
                Some(s) => json!({
                    "startLine": s.start_line,
                    "startColumn": s.start_column,
                    "endLine": s.end_line,
                    "endColumn": s.end_column,
                    "byteOffset": s.start,
                    "byteLength": s.end.saturating_sub(s.start),
                }),
                None => json!({ "startLine": 1 }),
            };
            json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": artifact_uri(path) },
                    "region": region,
                }
            })
        }
        Location::Layer {
            image,
            layer_index,
            layer_digest,
            path,
            created_by,
        } => {
            let mut props = Map::new();
            props.insert("image".into(), json!(image));
            props.insert("layerIndex".into(), json!(layer_index));
            props.insert("layerDigest".into(), json!(layer_digest));
            if let Some(c) = created_by {
                props.insert("createdBy".into(), json!(c.as_ref()));
            }
            json!({
                "logicalLocations": [{
                    "name": format!("/{}", path.trim_start_matches('/')),
                    "fullyQualifiedName": f.location.short(),
                    "kind": "resource",
                }],
                "properties": props,
            })
        }
        Location::ImageConfig { image, field } => json!({
            "logicalLocations": [{
                "name": field,
                "fullyQualifiedName": format!("{image} {field}"),
                "kind": "member",
            }],
        }),
        Location::Package { purl, image, path } => {
            let mut props = Map::new();
            if let Some(i) = image {
                props.insert("image".into(), json!(i));
            }
            if let Some(p) = path {
                props.insert("path".into(), json!(p));
            }
            json!({
                "logicalLocations": [{
                    "name": purl,
                    "fullyQualifiedName": purl,
                    "kind": "package",
                }],
                "properties": props,
            })
        }
        Location::Workload {
            source,
            workload,
            field,
            span,
        } => {
            let logical = json!([{
                "name": field,
                "fullyQualifiedName": format!("{workload} {field}"),
                "kind": "member",
            }]);
            match span {
                // A file: where the field is, as for a Dockerfile.
                Some(s) => json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": artifact_uri(source) },
                        "region": {
                            "startLine": s.start_line,
                            "startColumn": s.start_column,
                            "endLine": s.end_line,
                            "endColumn": s.end_column,
                            "byteOffset": s.start,
                            "byteLength": s.end.saturating_sub(s.start),
                        },
                    },
                    "logicalLocations": logical,
                }),
                // An engine: only the container and the field.
                None => json!({
                    "logicalLocations": logical,
                    "properties": { "source": source },
                }),
            }
        }
    }
}

fn fixes(f: &Finding) -> Option<Value> {
    let fix = f.fix.as_ref()?;
    let Location::File { path, .. } = &f.location else {
        return None;
    };
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": {
                    "byteOffset": e.start,
                    "byteLength": e.end.saturating_sub(e.start),
                },
                "insertedContent": { "text": e.content },
            })
        })
        .collect();
    if replacements.is_empty() {
        return None;
    }
    Some(json!([{
        "description": { "text": fix.title },
        "artifactChanges": [{
            "artifactLocation": { "uri": artifact_uri(path) },
            "replacements": replacements,
        }],
    }]))
}

/// One run of a SARIF log: the findings of one tool stage (`bosun scan` writes one run
/// per stage, so GitHub code scanning keeps each stage's alerts apart).
#[derive(Debug, Clone, Copy)]
pub struct SarifRun<'a> {
    pub findings: &'a [Finding],
    /// Rule descriptors to list (a minimal descriptor is added for any other code).
    pub rules: &'a [&'a RuleMeta],
    /// `automationDetails.id`, the category GitHub code scanning keys a run by
    /// (`bosun/lint/`); `None` leaves it out.
    pub category: Option<&'a str>,
}

fn run_value(run: &SarifRun<'_>, tool: &ToolInfo) -> Value {
    let mut descriptors: Vec<Value> = Vec::with_capacity(run.rules.len());
    let mut index: HashMap<String, usize> = HashMap::new();
    for meta in run.rules {
        if index.contains_key(meta.code) {
            continue;
        }
        index.insert(meta.code.to_string(), descriptors.len());
        descriptors.push(rule_descriptor(meta));
    }
    for f in run.findings {
        if !index.contains_key(&f.code) {
            index.insert(f.code.clone(), descriptors.len());
            descriptors.push(minimal_descriptor(f));
        }
    }
    let results: Vec<Value> = run
        .findings
        .iter()
        .map(|f| {
            let mut r = Map::new();
            r.insert("ruleId".into(), json!(f.code));
            if let Some(i) = index.get(&f.code) {
                r.insert("ruleIndex".into(), json!(i));
            }
            r.insert("level".into(), json!(f.severity.sarif_level()));
            r.insert("message".into(), json!({ "text": f.message }));
            r.insert("locations".into(), json!([location(f)]));
            if let Some(fx) = fixes(f) {
                r.insert("fixes".into(), fx);
            }
            r.insert(
                "properties".into(),
                json!({ "severity": f.severity.as_str(), "name": f.name }),
            );
            Value::Object(r)
        })
        .collect();
    let mut out = json!({
        "tool": {
            "driver": {
                "name": tool.name,
                "version": tool.version,
                "semanticVersion": tool.version,
                "informationUri": tool.information_uri,
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let (Some(c), Value::Object(m)) = (run.category, &mut out) {
        m.insert("automationDetails".into(), json!({ "id": c }));
    }
    out
}

/// The SARIF log of several runs as a JSON value.
pub fn sarif_log(runs: &[SarifRun<'_>], tool: &ToolInfo) -> Value {
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": runs.iter().map(|r| run_value(r, tool)).collect::<Vec<_>>(),
    })
}

/// The SARIF log (one run) as a JSON value.
pub fn sarif_document(findings: &[Finding], rules: &[&RuleMeta], tool: &ToolInfo) -> Value {
    sarif_log(
        &[SarifRun {
            findings,
            rules,
            category: None,
        }],
        tool,
    )
}

/// Writes the SARIF log of one run, pretty-printed, and a newline.
pub fn render_sarif(
    w: &mut dyn Write,
    findings: &[Finding],
    rules: &[&RuleMeta],
    tool: &ToolInfo,
) -> io::Result<()> {
    let run = SarifRun {
        findings,
        rules,
        category: None,
    };
    write_runs(w, &[run], tool, &[])
}

/// Writes the SARIF log of several runs, pretty-printed, and a newline.
pub fn render_sarif_runs(
    w: &mut dyn Write,
    runs: &[SarifRun<'_>],
    tool: &ToolInfo,
) -> io::Result<()> {
    write_runs(w, runs, tool, &[])
}

/// Records what caps left out of a report (`what`, how many) in the first run: as
/// `runs[0].properties.omitted` (`[{"what", "count"}]`, for tools) and as one
/// invocation notification each (for people reading the log in a viewer). Nothing
/// when `omitted` is empty.
pub fn add_omitted(doc: &mut Value, omitted: &[(String, u64)]) {
    if omitted.is_empty() {
        return;
    }
    let Some(run) = doc
        .get_mut("runs")
        .and_then(|r| r.get_mut(0))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let list: Vec<Value> = omitted
        .iter()
        .map(|(what, count)| json!({ "what": what, "count": count }))
        .collect();
    let notes: Vec<Value> = omitted
        .iter()
        .map(|(what, count)| {
            json!({
                "level": "note",
                "message": { "text": format!("{count} more {what} not shown (cap reached)") },
            })
        })
        .collect();
    run.insert("properties".into(), json!({ "omitted": list }));
    run.insert(
        "invocations".into(),
        json!([{ "executionSuccessful": true, "toolExecutionNotifications": notes }]),
    );
}

/// [`render_sarif`] for a report whose caps left findings out (see [`add_omitted`]).
pub fn render_sarif_with_omitted(
    w: &mut dyn Write,
    findings: &[Finding],
    rules: &[&RuleMeta],
    tool: &ToolInfo,
    omitted: &[(String, u64)],
) -> io::Result<()> {
    let run = SarifRun {
        findings,
        rules,
        category: None,
    };
    write_runs(w, &[run], tool, omitted)
}

fn write_runs(
    w: &mut dyn Write,
    runs: &[SarifRun<'_>],
    tool: &ToolInfo,
    omitted: &[(String, u64)],
) -> io::Result<()> {
    // Redacted first; serde escapes C0 controls, `write_json` the rest.
    let clean: Vec<Vec<Finding>> = runs.iter().map(|r| super::redacted(r.findings)).collect();
    let runs: Vec<SarifRun<'_>> = runs
        .iter()
        .zip(&clean)
        .map(|(r, findings)| SarifRun { findings, ..*r })
        .collect();
    let mut doc = sarif_log(&runs, tool);
    add_omitted(&mut doc, omitted);
    super::write_json(w, &doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(artifact_uri("./a b/Dockerfile"), "a%20b/Dockerfile");
        assert_eq!(
            artifact_uri("/x/Dockerfile.é"),
            "file:///x/Dockerfile.%C3%A9"
        );
        assert_eq!(artifact_uri("dir\\Dockerfile"), "dir/Dockerfile");
    }
}
