//! `bosun promote SRC DST --policy FILE --key K`: gate SRC by digest, copy it to DST by
//! digest, sign DST.
//!
//! 1. SRC (a registry reference or `oci:DIR[:TAG]`) is resolved to a digest once, and
//!    the image is opened BY that digest for the gate (`gate::gather`, then the
//!    policies decide). A denied image is not copied: nothing is written at DST (its
//!    layout is not even created).
//! 2. Right before copying, SRC is resolved again; a different digest (the tag moved
//!    during the gate) refuses the copy.
//! 3. The manifest (or index, with every child manifest), the configs and the layers
//!    are copied by digest (cross-repository mount on the same registry), children
//!    first, the top manifest last, tagged as DST names it.
//! 4. DST's digest (the same as SRC's) is signed, appending to any existing `.sig`.

use crate::cli::PromoteArgs;
use crate::commands::attach::{self, fail, safe};
use crate::commands::gate::{self, GateOptions, Needs, Policies};
use crate::ExitStatus;
use anyhow::{bail, Context};
use bosun_oci::{Digest, OpenOptions, Platform, Store};
use std::io::Write;

/// Largest blob copied (held in memory while copying; no chunked upload yet).
const MAX_BLOB: u64 = 8 << 30;

pub fn run(args: &PromoteArgs) -> anyhow::Result<ExitStatus> {
    let policies = Policies::read(&args.policies)?;
    // The key first: a wrong password fails before any work.
    let key = attach::signing_key(&args.key)?;
    check_destination(&args.dst)?;

    let src_opts = attach::registry_options(&args.src, &args.registry)?;
    let (src, at) = Store::open(&args.src, &src_opts).map_err(|e| fail(&args.src, e))?;
    let digest = src
        .resolve(&at)
        .map_err(|e| fail(&format!("cannot resolve {}", args.src), e))?;
    let by_digest = if src.name().starts_with("oci:") {
        format!("{}:{digest}", src.name())
    } else {
        format!("docker://{}@{digest}", src.name())
    };

    let platform =
        match args.platform.as_deref() {
            Some(p) => Some(Platform::parse(p).with_context(|| {
                format!("invalid --platform `{p}` (expected os/arch[/variant])")
            })?),
            None => None,
        };
    let open = OpenOptions {
        registry: src_opts,
        platform,
        ..OpenOptions::default()
    };
    let gathered = gate::gather(
        &by_digest,
        &policies,
        &GateOptions {
            open,
            dockerfile: None,
            db: args.db.as_deref(),
            also: Needs::default(),
        },
    )?;
    let verdict = policies.decide(&gathered.report)?;
    {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        gate::write_verdict(
            &mut out,
            crate::cli::GateFormat::Text,
            &by_digest,
            &verdict,
            &gathered.report,
        )?;
        out.flush()?;
    }
    if !verdict.pass {
        eprintln!(
            "bosun: promote refused: {} was denied; nothing was copied to {}",
            safe(&args.src),
            safe(&args.dst)
        );
        return Ok(ExitStatus::Findings);
    }

    // The tag may have moved while the gate ran: what is copied is what was gated.
    ensure_unchanged(&src, &at, &digest, &args.src)?;

    let dst_opts = attach::registry_options(&args.dst, &args.registry)?;
    let (dst, dst_at) = Store::open(&args.dst, &dst_opts).map_err(|e| fail(&args.dst, e))?;
    let tag = match Digest::parse(&dst_at) {
        Ok(d) if d == digest => None,
        Ok(d) => bail!(
            "{} names digest {d}, but {} is {digest}",
            safe(&args.dst),
            safe(&args.src)
        ),
        Err(_) => Some(dst_at),
    };
    let copied = copy(&src, &dst, &digest, tag.as_deref())?;
    let layer = bosun_sign::layout::signature_layer(
        &key,
        &dst.name(),
        &digest.to_string(),
        &Default::default(),
    );
    let (sig_tag, n) = attach::attach(&dst, bosun_attach::Kind::Signature, &digest, layer)?;
    eprintln!(
        "promoted {} to {}@{digest} ({} blob{} copied, {} already there or mounted); {n} signature{} under {}:{sig_tag}",
        safe(&args.src),
        safe(&dst.name()),
        copied.uploaded,
        if copied.uploaded == 1 { "" } else { "s" },
        copied.reused,
        if n == 1 { "" } else { "s" },
        safe(&dst.name()),
    );
    println!("{}@{digest}", safe(&dst.name()));
    Ok(ExitStatus::Clean)
}

/// Resolves `at` in `src` again: an error (nothing copied) when it no longer names the
/// gated `digest`.
fn ensure_unchanged(src: &Store, at: &str, digest: &Digest, name: &str) -> anyhow::Result<()> {
    let now = src
        .resolve(at)
        .map_err(|e| fail(&format!("cannot resolve {name}"), e))?;
    if &now != digest {
        bail!(
            "promote refused: {} changed from {digest} to {now} after the gate; nothing was copied",
            safe(name)
        );
    }
    Ok(())
}

/// DST must be a registry reference or an OCI layout; checked before the gate so a
/// typo fails at once (the layout itself is created only after a pass).
fn check_destination(dst: &str) -> anyhow::Result<()> {
    if dst.starts_with("oci:") {
        return Ok(());
    }
    bosun_oci::Reference::parse(dst.strip_prefix("docker://").unwrap_or(dst))
        .map(|_| ())
        .map_err(|e| fail(&format!("invalid destination {dst}"), e))
}

#[derive(Default)]
struct Copied {
    uploaded: usize,
    reused: usize,
}

/// Copies manifest (or index) `digest` and everything it names from `src` to `dst`,
/// children before parents, so that DST never names a missing blob.
fn copy(src: &Store, dst: &Store, digest: &Digest, tag: Option<&str>) -> anyhow::Result<Copied> {
    let mut copied = Copied::default();
    copy_manifest(src, dst, digest, tag, &mut copied, 0)?;
    Ok(copied)
}

fn copy_manifest(
    src: &Store,
    dst: &Store,
    digest: &Digest,
    tag: Option<&str>,
    copied: &mut Copied,
    depth: usize,
) -> anyhow::Result<()> {
    if depth > 4 {
        bail!("{}: indexes nested more than 4 deep", safe(&src.name()));
    }
    let what = format!("{}@{digest}", src.name());
    let (bytes, media_type, got) = src
        .fetch_manifest(&digest.to_string())
        .map_err(|e| fail(&what, e))?
        .with_context(|| format!("{}: manifest not found", safe(&what)))?;
    if &got != digest {
        bail!("{}: the manifest read has digest {got}", safe(&what));
    }
    let doc: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| fail(&format!("{what}: manifest is not JSON"), e))?;
    let media_type = if media_type.is_empty() {
        doc.get("mediaType")
            .and_then(|m| m.as_str())
            .unwrap_or_default()
            .to_string()
    } else {
        media_type
    };
    if let Some(children) = doc.get("manifests").and_then(|m| m.as_array()) {
        for c in children {
            let d: bosun_oci::Descriptor = serde_json::from_value(c.clone())
                .map_err(|e| fail(&format!("{what}: index entry"), e))?;
            copy_manifest(src, dst, &d.digest, None, copied, depth + 1)?;
        }
    } else {
        let mut blobs: Vec<bosun_oci::Descriptor> = Vec::new();
        if let Some(c) = doc.get("config") {
            blobs.push(
                serde_json::from_value(c.clone())
                    .map_err(|e| fail(&format!("{what}: config"), e))?,
            );
        }
        for l in doc
            .get("layers")
            .and_then(|l| l.as_array())
            .into_iter()
            .flatten()
        {
            blobs.push(
                serde_json::from_value(l.clone())
                    .map_err(|e| fail(&format!("{what}: layer"), e))?,
            );
        }
        for b in &blobs {
            if !b.urls.is_empty() {
                // A foreign layer (Windows base images): not distributable, not copied.
                continue;
            }
            let how = dst.copy_blob(src, b, MAX_BLOB).map_err(|e| {
                fail(
                    &format!("cannot copy blob {} to {}", b.digest, dst.name()),
                    e,
                )
            })?;
            match how {
                bosun_oci::BlobPush::Uploaded => copied.uploaded += 1,
                _ => copied.reused += 1,
            }
        }
    }
    let pushed = dst
        .push_manifest(&bytes, &media_type, tag)
        .map_err(|e| fail(&format!("cannot push to {}", dst.name()), e))?;
    if &pushed != digest {
        bail!(
            "{}: the copy has digest {pushed}, not {digest}",
            safe(&dst.name())
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bosun_oci::testing::{layer_tar, ImageSpec, TestEntry, TestLayer};

    fn image(seed: &str) -> bosun_oci::testing::BuiltImage {
        ImageSpec {
            layers: vec![TestLayer {
                tar: layer_tar(&[TestEntry::file("id", seed.as_bytes())]),
                compression: bosun_oci::Compression::Gzip,
                created_by: "COPY id /".into(),
            }],
            ..Default::default()
        }
        .build()
    }

    #[test]
    fn a_tag_moved_after_the_gate_refuses_the_copy() {
        let t = tempfile::tempdir().unwrap();
        let target = format!("oci:{}:v1", t.path().join("l").display());
        let (store, at) = Store::open(&target, &Default::default()).unwrap();
        let push = |img: &bosun_oci::testing::BuiltImage| {
            for (_, b) in img.blobs.iter().filter(|(d, _)| *d != img.manifest_digest) {
                store.push_blob(b, "application/octet-stream").unwrap();
            }
            store
                .push_manifest(
                    &img.manifest,
                    "application/vnd.oci.image.manifest.v1+json",
                    Some(&at),
                )
                .unwrap()
        };
        let gated = push(&image("a"));
        ensure_unchanged(&store, &at, &gated, &target).unwrap();
        let moved = push(&image("b"));
        let err = ensure_unchanged(&store, &at, &gated, &target)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "promote refused: {target} changed from {gated} to {moved} after the gate; nothing was copied"
            )
        );
    }
}
