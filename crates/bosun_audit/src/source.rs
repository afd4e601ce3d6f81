//! Declaration files: classify each YAML document (Compose or Kubernetes) and turn it
//! into workloads.

use bosun_diagnostics::LineIndex;

use crate::model::{At, Workload};
use crate::yaml::{self, Node, YamlError};

/// What a declaration file held.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Declarations {
    pub workloads: Vec<Workload>,
    /// Documents that are neither Compose nor Kubernetes workloads, as notes for the
    /// user ("document 2 (ConfigMap) has no containers").
    pub skipped: Vec<String>,
}

/// The text and line index of one file, shared by the adapters.
pub(crate) struct Ctx<'a> {
    pub source: &'a str,
    pub text: &'a str,
    pub index: LineIndex,
}

impl Ctx<'_> {
    /// The place of `node` under `field`.
    pub fn at(&self, field: &str, node: &Node) -> At {
        At {
            field: field.to_string(),
            span: Some(
                self.index
                    .span(self.text, node.start, node.end.max(node.start)),
            ),
        }
    }
}

/// Reads every document of a Compose file or Kubernetes manifest (multi-document
/// YAML, Helm-rendered output included). `source` names the file in findings.
pub fn declarations(source: &str, text: &str) -> Result<Declarations, YamlError> {
    let docs = yaml::parse_documents(text)?;
    let ctx = Ctx {
        source,
        text,
        index: LineIndex::new(text),
    };
    let mut out = Declarations::default();
    let many = docs.len() > 1;
    for (i, doc) in docs.iter().enumerate() {
        let which = if many {
            format!("document {} (line {})", i + 1, doc.line)
        } else {
            "the file".to_string()
        };
        if doc.get("services").is_some_and(Node::is_map) {
            out.workloads.extend(crate::compose::workloads(&ctx, doc));
        } else if let (Some(_), Some(kind)) = (
            doc.get("apiVersion").and_then(Node::str),
            doc.get("kind").and_then(Node::str),
        ) {
            let found = crate::k8s::workloads(&ctx, doc);
            if found.is_empty() {
                out.skipped
                    .push(format!("{which}: Kubernetes {kind} has no containers"));
            }
            out.workloads.extend(found);
        } else {
            out.skipped
                .push(format!("{which}: neither Compose nor Kubernetes"));
        }
    }
    if docs.is_empty() {
        out.skipped.push("the file: no YAML document".into());
    }
    Ok(out)
}
