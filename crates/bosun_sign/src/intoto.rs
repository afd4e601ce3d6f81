//! in-toto Statements: the v1 builder used for attestations, the
//! `--type` short names cosign understands, and the subject check a verifier
//! runs (v0.1 statements, which older cosign writes, are read too).

use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{FormatError, VerifyError};

pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
pub const STATEMENT_V01: &str = "https://in-toto.io/Statement/v0.1";
/// The predicate cosign v3 signs for a plain image signature in a bundle.
pub const COSIGN_SIGN_V1: &str = "https://sigstore.dev/cosign/sign/v1";

/// cosign's `--type` table (`options/predicate.go`).
const SHORT_NAMES: &[(&str, &str)] = &[
    ("custom", "https://cosign.sigstore.dev/attestation/v1"),
    ("slsaprovenance", "https://slsa.dev/provenance/v0.2"),
    ("slsaprovenance02", "https://slsa.dev/provenance/v0.2"),
    ("slsaprovenance1", "https://slsa.dev/provenance/v1"),
    ("spdx", "https://spdx.dev/Document"),
    ("spdxjson", "https://spdx.dev/Document"),
    ("cyclonedx", "https://cyclonedx.org/bom"),
    ("link", "https://in-toto.io/Link/v1"),
    ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
    ("openvex", "https://openvex.dev/ns"),
];

/// An in-toto Statement v1 about one artifact:
/// `{"_type", "subject":[{"name","digest":{"sha256"}}], "predicateType", "predicate"}`.
pub fn statement(
    subject_name: &str,
    sha256_hex: &str,
    predicate_type: &str,
    predicate: Value,
) -> Value {
    json!({
        "_type": STATEMENT_V1,
        "subject": [{"name": subject_name, "digest": {"sha256": sha256_hex}}],
        "predicateType": predicate_type,
        "predicate": predicate,
    })
}

/// The predicate type URI for a cosign `--type` short name; anything that
/// is not a short name is returned as given (a URI). Use
/// [`parse_predicate_type`] to reject values that are neither.
pub fn predicate_type_for(short: &str) -> String {
    SHORT_NAMES
        .iter()
        .find(|(name, _)| *name == short)
        .map_or_else(|| short.to_string(), |(_, uri)| (*uri).to_string())
}

/// As [`predicate_type_for`], but a value that is neither a short name nor an
/// absolute URI (`scheme:` followed by something) is an error, as in cosign.
pub fn parse_predicate_type(short: &str) -> Result<String, FormatError> {
    let uri = predicate_type_for(short);
    if uri != short || is_absolute_uri(short) {
        return Ok(uri);
    }
    let names: Vec<&str> = SHORT_NAMES.iter().map(|(n, _)| *n).collect();
    Err(FormatError::new(
        "predicate type",
        format!(
            "\"{}\" is neither a URI nor one of {}",
            crate::sanitize::short(short),
            names.join("|")
        ),
    ))
}

fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// A parsed statement (v1 or v0.1).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub statement_type: String,
    pub subjects: Vec<Subject>,
    pub predicate_type: String,
    pub predicate: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Subject {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub digest: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Wire {
    #[serde(rename = "_type")]
    statement_type: String,
    #[serde(default)]
    subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    predicate_type: String,
    #[serde(default)]
    predicate: Value,
}

/// Parses a statement of type v1 or v0.1.
pub fn parse(bytes: &[u8]) -> Result<Statement, FormatError> {
    const WHAT: &str = "in-toto statement";
    let wire: Wire = serde_json::from_slice(bytes).map_err(|e| FormatError::new(WHAT, e))?;
    if wire.statement_type != STATEMENT_V1 && wire.statement_type != STATEMENT_V01 {
        return Err(FormatError::new(
            WHAT,
            format!(
                "unknown _type \"{}\"",
                crate::sanitize::short(&wire.statement_type)
            ),
        ));
    }
    Ok(Statement {
        statement_type: wire.statement_type,
        subjects: wire.subject,
        predicate_type: wire.predicate_type,
        predicate: wire.predicate,
    })
}

/// Parses verified statement bytes and checks that a subject has the image's
/// digest (`sha256:<hex>` or bare hex). Subjects match by digest only.
pub fn check_subject(bytes: &[u8], image_digest: &str) -> Result<Statement, VerifyError> {
    let statement = parse(bytes).map_err(|e| VerifyError::Payload(e.detail))?;
    let (alg, hex) = image_digest
        .split_once(':')
        .unwrap_or(("sha256", image_digest));
    let found = statement.subjects.iter().any(|s| {
        s.digest
            .get(alg)
            .is_some_and(|d| d.eq_ignore_ascii_case(hex))
    });
    if !found {
        let signed = statement
            .subjects
            .iter()
            .filter_map(|s| {
                s.digest
                    .get(alg)
                    .map(|d| format!("{alg}:{}", crate::sanitize::short(d)))
            })
            .collect::<Vec<_>>()
            .join(", ");
        return Err(VerifyError::DigestMismatch {
            signed: if signed.is_empty() {
                "(no subject digest)".into()
            } else {
                signed
            },
            expected: image_digest.to_string(),
        });
    }
    Ok(statement)
}
