//! `bosun sign`, `verify`, `attest` and `verify-attestation`: cosign-compatible
//! signatures and attestations, key-based and offline (no transparency log).
//!
//! The layout logic (which tag, which layers, appending) is data in `bosun_attach`, the
//! cryptography and payload formats are in `bosun_sign`; this module does the IO through
//! `bosun_oci::Store` (registry or OCI layout), resolving a tag to a digest once.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{anyhow, bail, Context};
use bosun_attach::Kind;
use bosun_oci::{Credentials, Digest, Reference, RegistryOptions, Store};
use bosun_sign::layout::{self as cosign, Layer};
use bosun_sign::{PublicKey, SigningKey};

use crate::cli::{AttestArgs, RegistryArgs, SignArgs, VerifyArgs, VerifyAttestationArgs};
use crate::ExitStatus;

/// Largest signature payload, envelope or bundle read (cosign's are a few KiB).
const MAX_LAYER: u64 = 16 << 20;

/// Text from registries, files and signatures for a terminal: the one escaper of
/// `bosun_diagnostics`, so a message stays on one line and cannot drive the terminal.
pub(crate) fn safe(s: &str) -> String {
    bosun_diagnostics::render::escape_control(s).into_owned()
}

/// An error for the user: one line, escaped.
pub(crate) fn fail(context: &str, e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("{}", safe(&format!("{context}: {e}")))
}

pub(crate) fn registry_options(
    target: &str,
    args: &RegistryArgs,
) -> anyhow::Result<RegistryOptions> {
    let mut opts = RegistryOptions {
        ca_file: args.ca_file.clone(),
        ..Default::default()
    };
    if let Some(c) = args.creds.as_deref() {
        let (user, password) = c
            .split_once(':')
            .context("invalid --creds (expected USER:PASSWORD)")?;
        opts.credentials = Some(Credentials {
            username: user.to_string(),
            password: password.to_string(),
        });
    }
    if !target.starts_with("oci:") {
        if let Ok(r) = Reference::parse(target.strip_prefix("docker://").unwrap_or(target)) {
            opts.insecure = args.insecure_registries.contains(&r.registry);
        }
    }
    Ok(opts)
}

/// Opens the image's store and resolves the image to its digest (once).
pub(crate) fn open(target: &str, args: &RegistryArgs) -> anyhow::Result<(Store, Digest)> {
    let opts = registry_options(target, args)?;
    let (store, at) = Store::open(target, &opts).map_err(|e| fail(target, e))?;
    let digest = store
        .resolve(&at)
        .map_err(|e| fail(&format!("cannot resolve {target}"), e))?;
    Ok((store, digest))
}

/// The password for an encrypted key: `BOSUN_PASSWORD`, `COSIGN_PASSWORD`, else a
/// prompt without echo on a terminal, else none.
fn password() -> anyhow::Result<Option<String>> {
    for var in ["BOSUN_PASSWORD", "COSIGN_PASSWORD"] {
        if let Ok(p) = std::env::var(var) {
            return Ok(Some(p));
        }
    }
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let p = rpassword::prompt_password("Enter password for private key: ")
            .context("cannot read the password")?;
        return Ok(Some(p));
    }
    Ok(None)
}

fn read_file(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| fail(&format!("cannot read {what} {}", path.display()), e))
}

pub(crate) fn signing_key(path: &Path) -> anyhow::Result<SigningKey> {
    let pem = read_file(path, "key")?;
    let pw = password()?;
    SigningKey::from_pem(&pem, pw.as_deref().map(str::as_bytes))
        .map_err(|e| fail(&format!("key {}", path.display()), e))
}

pub(crate) fn public_keys(paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<PublicKey>> {
    paths
        .iter()
        .map(|p| {
            PublicKey::from_pem(&read_file(p, "public key")?)
                .map_err(|e| fail(&format!("public key {}", p.display()), e))
        })
        .collect()
}

fn annotations(kvs: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    kvs.iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => bail!("invalid --annotation {:?} (expected KEY=VALUE)", safe(kv)),
        })
        .collect()
}

/// Pushes `layer` and appends it to the image's `.sig`/`.att` manifest; returns the tag
/// and how many layers the manifest now holds.
pub(crate) fn attach(
    store: &Store,
    kind: Kind,
    digest: &Digest,
    layer: Layer,
) -> anyhow::Result<(String, usize)> {
    let tag = bosun_attach::tag(kind, digest);
    let what = format!("{} manifest {}:{tag}", kind.noun(), store.name());
    let push = |e: bosun_oci::Error| fail(&format!("cannot push to {}", store.name()), e);
    let mut desc = store
        .push_blob(&layer.blob, &layer.media_type)
        .map_err(push)?;
    desc.annotations = layer.annotations;
    let existing = store.fetch_manifest(&tag).map_err(|e| fail(&what, e))?;
    let attached =
        bosun_attach::append(existing.as_ref().map(|(b, _, _)| b.as_slice()), desc, &what)
            .map_err(|e| anyhow!("{}", safe(&e.to_string())))?;
    store
        .push_blob(&attached.config, bosun_attach::media::OCI_CONFIG)
        .map_err(push)?;
    store
        .push_manifest(
            &attached.manifest,
            bosun_attach::media::OCI_MANIFEST,
            Some(&tag),
        )
        .map_err(push)?;
    Ok((tag, attached.layers))
}

/// The store an image's signatures and attestations live in: its registry repository
/// (`docker://REF`) or its OCI layout (`oci:DIR[:TAG]`, or a layout directory); `None`
/// for archives and engines, which carry none.
pub(crate) fn image_store(target: &str, opts: &RegistryOptions) -> anyhow::Result<Option<Store>> {
    let at = match bosun_oci::Source::parse(target) {
        Ok(bosun_oci::Source::Registry(_) | bosun_oci::Source::OciDir { .. }) => target.to_string(),
        Ok(bosun_oci::Source::Path(p)) if p.is_dir() => format!("oci:{}", p.display()),
        _ => return Ok(None),
    };
    let (store, _) = Store::open(&at, opts).map_err(|e| fail(target, e))?;
    Ok(Some(store))
}

/// Signs `predicate` as an in-toto attestation about `subject` (the digest the image
/// reference resolved to) and appends it to the image's `.att` (the `--attest` of
/// `gate`, `sbom` and `vuln`). No digest (a directory, an SBOM file, a legacy docker
/// archive), or an image not in a registry or an OCI layout: an error.
pub(crate) fn attest_image(
    target: &str,
    opts: &RegistryOptions,
    key: &SigningKey,
    subject: Option<&Digest>,
    predicate_type: &str,
    predicate: serde_json::Value,
) -> anyhow::Result<()> {
    let Some(digest) = subject else {
        bail!(
            "--attest: {} is not an image with a digest to attest",
            safe(target)
        );
    };
    let Some(store) = image_store(target, opts)? else {
        bail!(
            "--attest: {} is not in a registry or an OCI layout, so there is nowhere to attach the attestation",
            safe(target)
        );
    };
    let layer = cosign::attestation_layer(
        key,
        &store.name(),
        &digest.to_string(),
        predicate_type,
        predicate,
    )
    .map_err(|e| fail("attestation", e))?;
    let (tag, n) = attach(&store, Kind::Attestation, digest, layer)?;
    eprintln!(
        "attested {}@{digest} ({}): {n} attestation{} under {}:{tag}",
        safe(&store.name()),
        safe(predicate_type),
        if n == 1 { "" } else { "s" },
        safe(&store.name())
    );
    Ok(())
}

pub fn sign(args: &SignArgs) -> anyhow::Result<ExitStatus> {
    let key = signing_key(&args.key)?;
    let notes = annotations(&args.annotations)?;
    let (store, digest) = open(&args.image, &args.registry)?;
    let layer = cosign::signature_layer(&key, &store.name(), &digest.to_string(), &notes);
    let (tag, n) = attach(&store, Kind::Signature, &digest, layer)?;
    eprintln!(
        "signed {}@{digest}: {n} signature{} under {}:{tag}",
        safe(&store.name()),
        if n == 1 { "" } else { "s" },
        safe(&store.name())
    );
    println!("{}@{digest}", safe(&store.name()));
    Ok(ExitStatus::Clean)
}

pub fn attest(args: &AttestArgs) -> anyhow::Result<ExitStatus> {
    let key = signing_key(&args.key)?;
    let predicate_type = bosun_sign::intoto::parse_predicate_type(&args.predicate_type)
        .map_err(|e| fail("--type", e))?;
    let raw = read_file(&args.predicate, "predicate")?;
    let predicate: serde_json::Value = serde_json::from_slice(&raw).map_err(|e| {
        fail(
            &format!("predicate {} is not JSON", args.predicate.display()),
            e,
        )
    })?;
    let (store, digest) = open(&args.image, &args.registry)?;
    let layer = cosign::attestation_layer(
        &key,
        &store.name(),
        &digest.to_string(),
        &predicate_type,
        predicate,
    )
    .map_err(|e| fail("attestation", e))?;
    let (tag, n) = attach(&store, Kind::Attestation, &digest, layer)?;
    eprintln!(
        "attested {}@{digest} ({}): {n} attestation{} under {}:{tag}",
        safe(&store.name()),
        safe(&predicate_type),
        if n == 1 { "" } else { "s" },
        safe(&store.name())
    );
    println!("{}@{digest}", safe(&store.name()));
    Ok(ExitStatus::Clean)
}

/// What a verification run found.
#[derive(Default)]
pub(crate) struct Findings {
    /// Signatures or attestations examined (`.sig`/`.att` layers, bundles).
    pub(crate) seen: usize,
    /// Why the ones that failed failed.
    pub(crate) problems: Vec<String>,
}

impl Findings {
    fn problem(&mut self, what: String) {
        self.problems.push(safe(&what));
    }
}

/// The layers of the image's `.sig`/`.att` manifest, each with its blob (or why it could
/// not be read). A missing manifest is no layers; a corrupt one is an error.
fn tag_layers(
    store: &Store,
    kind: Kind,
    digest: &Digest,
    found: &mut Findings,
) -> anyhow::Result<Vec<(bosun_oci::Descriptor, Vec<u8>)>> {
    let tag = bosun_attach::tag(kind, digest);
    let what = format!("{} manifest {}:{tag}", kind.noun(), store.name());
    let Some((bytes, _, _)) = store.fetch_manifest(&tag).map_err(|e| fail(&what, e))? else {
        return Ok(vec![]);
    };
    let layers = bosun_attach::layers(&bytes, kind, &what)
        .map_err(|e| anyhow!("{}", safe(&e.to_string())))?;
    let mut out = Vec::new();
    for l in layers {
        found.seen += 1;
        match store.fetch_blob(&l, MAX_LAYER) {
            Ok(blob) => out.push((l, blob)),
            Err(e) => found.problem(format!("{tag} layer {}: {e}", l.digest.short())),
        }
    }
    Ok(out)
}

/// The sigstore bundles attached to the image as OCI 1.1 referrers.
fn bundles(
    store: &Store,
    digest: &Digest,
    found: &mut Findings,
) -> anyhow::Result<Vec<(Digest, bosun_sign::bundle::Bundle)>> {
    let referrers = store
        .referrers(digest, None)
        .map_err(|e| fail(&format!("referrers of {}@{digest}", store.name()), e))?;
    let mut out = Vec::new();
    for r in referrers.manifests {
        // The artifactType is a hint (registries have been seen to write the empty
        // config's): anything that may be a bundle is opened and checked by layer type.
        let maybe = r
            .artifact_type
            .as_deref()
            .is_none_or(|t| bosun_attach::is_bundle_media_type(t) || t == cosign::EMPTY_MEDIA_TYPE);
        if !maybe {
            continue;
        }
        let d = r.descriptor.digest.clone();
        let what = format!("referrer {}@{d}", store.name());
        let Some((bytes, _, _)) = store
            .fetch_manifest(&d.to_string())
            .map_err(|e| fail(&what, e))?
        else {
            found.problem(format!("{what}: listed but missing"));
            continue;
        };
        let layers = match bosun_attach::bundle_layers(&bytes, &what) {
            Ok(l) => l,
            Err(e) => {
                found.problem(e.to_string());
                continue;
            }
        };
        for l in layers {
            found.seen += 1;
            let parsed = store
                .fetch_blob(&l, MAX_LAYER)
                .map_err(|e| e.to_string())
                .and_then(|b| bosun_sign::bundle::parse(&b).map_err(|e| e.to_string()));
            match parsed {
                Ok(b) => out.push((d.clone(), b)),
                Err(e) => found.problem(format!("{what}: {e}")),
            }
        }
    }
    Ok(out)
}

fn report_none(store: &Store, digest: &Digest, kind: Kind, found: &Findings) -> ExitStatus {
    let name = safe(&store.name());
    if found.seen == 0 {
        eprintln!(
            "bosun: no {}s found for {name}@{digest}: no {name}:{} and no sigstore bundle referrer",
            kind.noun(),
            bosun_attach::tag(kind, digest)
        );
    } else {
        eprintln!(
            "bosun: no valid {} for {name}@{digest} ({} checked): {}",
            kind.noun(),
            found.seen,
            found.problems.join("; ")
        );
    }
    ExitStatus::Findings
}

/// A signature over the image digest that verified.
pub(crate) struct ValidSignature {
    /// Which of the keys verified it.
    pub(crate) key: usize,
    /// What `bosun verify` prints for it (without the key).
    pub(crate) json: serde_json::Map<String, serde_json::Value>,
}

/// Every signature over `digest` in `store` (cosign's `.sig` tag and sigstore bundle
/// referrers) that one of `keys` verifies and whose payload has the `wanted`
/// annotations, and why the others failed. A corrupt `.sig` manifest is an error.
pub(crate) fn valid_signatures(
    store: &Store,
    digest: &Digest,
    keys: &[PublicKey],
    wanted: &BTreeMap<String, String>,
) -> anyhow::Result<(Vec<ValidSignature>, Findings)> {
    let ds = digest.to_string();
    let mut found = Findings::default();
    let mut valid = Vec::new();
    let mut push = |key: usize, v: serde_json::Value| {
        if let serde_json::Value::Object(json) = v {
            valid.push(ValidSignature { key, json });
        }
    };
    for (l, blob) in tag_layers(store, Kind::Signature, digest, &mut found)? {
        match cosign::verify_signature_layer(&l.media_type, &l.annotations, &blob, keys, &ds) {
            Ok(v) if v.payload.has_annotations(wanted) => push(
                v.key,
                serde_json::json!({
                    "format": "sig",
                    "payload": serde_json::from_slice::<serde_json::Value>(&blob).unwrap_or_default(),
                }),
            ),
            Ok(_) => found.problem(format!(
                "signature {}: the payload lacks the required annotations",
                l.digest.short()
            )),
            Err(e) => found.problem(format!("signature {}: {e}", l.digest.short())),
        }
    }
    for (d, b) in bundles(store, digest, &mut found)? {
        match b.verify(keys, &ds) {
            Ok(bosun_sign::bundle::Verified::Statement(att))
                if att.statement.predicate_type == bosun_sign::intoto::COSIGN_SIGN_V1 =>
            {
                push(
                    att.keys[0],
                    serde_json::json!({
                        "format": "bundle",
                        "referrer": d.to_string(),
                        "statement": serde_json::from_slice::<serde_json::Value>(&att.payload).unwrap_or_default(),
                    }),
                )
            }
            // An attestation bundle, not a signature: not counted.
            Ok(bosun_sign::bundle::Verified::Statement(_)) => found.seen -= 1,
            Ok(bosun_sign::bundle::Verified::MessageSignature { key, .. }) => push(
                key,
                serde_json::json!({ "format": "bundle", "referrer": d.to_string() }),
            ),
            Err(e) => found.problem(format!("bundle {}: {e}", d.short())),
        }
    }
    Ok((valid, found))
}

pub fn verify(args: &VerifyArgs) -> anyhow::Result<ExitStatus> {
    let keys = public_keys(&args.key)?;
    let wanted = annotations(&args.annotations)?;
    let (store, digest) = open(&args.image, &args.registry)?;
    let (valid, found) = valid_signatures(&store, &digest, &keys, &wanted)?;
    if valid.is_empty() {
        return Ok(report_none(&store, &digest, Kind::Signature, &found));
    }
    let n = valid.len();
    let mut out = std::io::stdout().lock();
    for v in valid {
        let mut json = v.json;
        json.insert("key".into(), args.key[v.key].display().to_string().into());
        writeln!(out, "{}", serde_json::Value::Object(json))?;
    }
    out.flush()?;
    eprintln!(
        "verified {}@{digest}: {} valid signature{}",
        safe(&store.name()),
        n,
        if n == 1 { "" } else { "s" }
    );
    Ok(ExitStatus::Clean)
}

pub fn verify_attestation(args: &VerifyAttestationArgs) -> anyhow::Result<ExitStatus> {
    let keys = public_keys(&args.key)?;
    let predicate_type = bosun_sign::intoto::parse_predicate_type(&args.predicate_type)
        .map_err(|e| fail("--type", e))?;
    let (store, digest) = open(&args.image, &args.registry)?;
    let ds = digest.to_string();
    let mut found = Findings::default();
    let mut predicates: Vec<serde_json::Value> = Vec::new();
    let mut accept = |att: cosign::VerifiedAttestation, what: String, found: &mut Findings| {
        if att.statement.predicate_type == predicate_type {
            predicates.push(att.statement.predicate);
        } else {
            found.problem(format!(
                "{what}: predicate type {} is not {predicate_type}",
                att.statement.predicate_type
            ));
        }
    };
    for (l, blob) in tag_layers(&store, Kind::Attestation, &digest, &mut found)? {
        let what = format!("attestation {}", l.digest.short());
        match cosign::verify_attestation_layer(&l.media_type, &blob, &keys, &ds) {
            Ok(att) => accept(att, what, &mut found),
            Err(e) => found.problem(format!("{what}: {e}")),
        }
    }
    for (d, b) in bundles(&store, &digest, &mut found)? {
        let what = format!("bundle {}", d.short());
        match b.verify(&keys, &ds) {
            Ok(bosun_sign::bundle::Verified::Statement(att))
                if att.statement.predicate_type == bosun_sign::intoto::COSIGN_SIGN_V1 =>
            {
                found.seen -= 1; // a signature, not an attestation
            }
            Ok(bosun_sign::bundle::Verified::Statement(att)) => accept(att, what, &mut found),
            Ok(bosun_sign::bundle::Verified::MessageSignature { .. }) => found.seen -= 1,
            Err(e) => found.problem(format!("{what}: {e}")),
        }
    }
    if predicates.is_empty() {
        return Ok(report_none(&store, &digest, Kind::Attestation, &found));
    }
    let mut out = std::io::stdout().lock();
    for p in &predicates {
        writeln!(out, "{p}")?;
    }
    out.flush()?;
    eprintln!(
        "verified {}@{digest}: {} attestation{} of type {}",
        safe(&store.name()),
        predicates.len(),
        if predicates.len() == 1 { "" } else { "s" },
        safe(&predicate_type)
    );
    Ok(ExitStatus::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(safe("a\u{1b}[31mb\nc\u{202e}"), "a\\x1b[31mb\\nc\\u{202e}");
        assert_eq!(safe("plain text: ok"), "plain text: ok");
        assert_eq!(
            annotations(&["a=b".into(), "c=d=e".into()]).unwrap(),
            BTreeMap::from([("a".into(), "b".into()), ("c".into(), "d=e".into())])
        );
        assert!(annotations(&["=x".into()]).is_err());
    }
}
