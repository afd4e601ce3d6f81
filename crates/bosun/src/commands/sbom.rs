//! `bosun sbom TARGET`: catalogue every package of an image (one walk of its layers)
//! or a directory (`dir:PATH`), and write the table, bosun JSON, CycloneDX or SPDX.

use crate::cli::{SbomArgs, SbomFormat, SourceArgs};
use crate::commands::image::{open_image, walk_with_progress};
use crate::ExitStatus;
use anyhow::Context;
use bosun_oci::Image;
use bosun_sbom::catalog::all_cataloguers;
use bosun_sbom::inventory::{finalise, View};
use bosun_sbom::oci::{catalog_image, offer, wanted};
use bosun_sbom::table::printable;
use bosun_sbom::{DocInfo, FileMeta, Inventory, Target};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

fn parse_format(s: &str) -> anyhow::Result<SbomFormat> {
    <SbomFormat as clap::ValueEnum>::from_str(s, true).map_err(|_| {
        anyhow::anyhow!(
            "unknown SBOM format `{s}` (expected table, json, cyclonedx-json or spdx-json)"
        )
    })
}

/// `-o FORMAT=FILE` pairs, checked before any work is done.
fn outputs(args: &SbomArgs) -> anyhow::Result<Vec<(SbomFormat, Option<PathBuf>)>> {
    if args.outputs.is_empty() {
        return Ok(vec![(args.format, None)]);
    }
    args.outputs
        .iter()
        .map(|o| {
            let (f, file) = o
                .split_once('=')
                .with_context(|| format!("invalid -o `{o}` (expected FORMAT=FILE)"))?;
            anyhow::ensure!(!file.is_empty(), "invalid -o `{o}`: empty file name");
            Ok((parse_format(f)?, Some(PathBuf::from(file))))
        })
        .collect()
}

/// `SOURCE_DATE_EPOCH` when set (reproducible documents), else now.
pub(crate) fn created() -> anyhow::Result<u64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v.trim().parse().map_err(|_| {
            anyhow::anyhow!(
                "invalid SOURCE_DATE_EPOCH `{}` (expected seconds since 1970)",
                printable(&v)
            )
        }),
        _ => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)),
    }
}

fn render(format: SbomFormat, inv: &Inventory, info: &DocInfo) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        SbomFormat::Table => {
            let mut v = Vec::new();
            bosun_sbom::table::write(&mut v, inv)?;
            v
        }
        SbomFormat::Json => {
            let mut v = serde_json::to_vec_pretty(inv)?;
            v.push(b'\n');
            v
        }
        SbomFormat::CyclonedxJson => bosun_sbom::cyclonedx::to_json(inv, info),
        SbomFormat::SpdxJson => bosun_sbom::spdx::to_json(inv, info),
    })
}

/// The signing key of `--attest --key K`, read (and its password asked) before any
/// work; errors when one flag comes without the other.
pub(crate) fn attest_key(
    attest: bool,
    key: Option<&Path>,
) -> anyhow::Result<Option<bosun_sign::SigningKey>> {
    match (attest, key) {
        (true, Some(k)) => Ok(Some(crate::commands::attach::signing_key(k)?)),
        (true, None) => anyhow::bail!("--attest needs --key (the private key that signs it)"),
        (false, Some(_)) => {
            anyhow::bail!("--key names the key that signs the attestation; add --attest")
        }
        (false, None) => Ok(None),
    }
}

pub fn run(args: &SbomArgs) -> anyhow::Result<ExitStatus> {
    let outs = outputs(args)?;
    let info = DocInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        created: created()?,
    };
    let key = attest_key(args.attest, args.key.as_deref())?;
    let (inv, subject) =
        catalog_target_subject(&args.target, &args.source, args.verify || args.attest)?;
    if let Some(key) = &key {
        let bom: serde_json::Value =
            serde_json::from_slice(&bosun_sbom::cyclonedx::to_json(&inv, &info))?;
        crate::commands::attach::attest_image(
            &args.target,
            &crate::commands::image::open_options(&args.source)?.registry,
            key,
            subject.as_ref(),
            &bosun_sign::intoto::parse_predicate_type("cyclonedx")?,
            bom,
        )?;
    }
    for (format, file) in &outs {
        let bytes = render(*format, &inv, &info)?;
        match file {
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(&bytes)?;
                out.flush()?;
            }
            Some(path) => write_atomic(path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?,
        }
    }
    // Warnings go to stderr unless the table (which lists them) went to stdout.
    let table_on_stdout = outs
        .iter()
        .any(|(f, p)| *f == SbomFormat::Table && p.is_none());
    if !table_on_stdout {
        for w in &inv.warnings {
            eprintln!(
                "bosun: warning: {}: {}",
                printable(&w.path),
                printable(&w.message)
            );
        }
    }
    Ok(ExitStatus::Clean)
}

/// Writes through a temporary file in the same folder, so a failed run leaves no
/// half-written SBOM behind.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.bosun-tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// As [`catalog_target_image`], with the digest the image reference resolved to (what an
/// attestation is about); `None` for a directory or a legacy docker archive.
pub(crate) fn catalog_target_subject(
    target: &str,
    source: &SourceArgs,
    verify: bool,
) -> anyhow::Result<(Inventory, Option<bosun_oci::Digest>)> {
    let (inv, image) = catalog_target_image(target, source, verify)?;
    Ok((
        inv,
        image
            .as_ref()
            .and_then(crate::commands::gate::subject_digest),
    ))
}

/// Catalogues `dir:PATH` (a directory) or any image source `Image::open` takes, and
/// returns the opened image (its manifest, config and layers) for an image target: the
/// one target handling of every command that needs a package inventory. Unless
/// `verify`, a local archive's uncompressed layers are read seeking over the files no
/// cataloguer wants, unhashed ([`bosun_oci::WalkOptions::skip_unwanted_bodies`]).
pub(crate) fn catalog_target_image(
    target: &str,
    source: &SourceArgs,
    verify: bool,
) -> anyhow::Result<(Inventory, Option<Image>)> {
    match target.strip_prefix("dir:") {
        Some(dir) => Ok((catalog_dir(Path::new(dir), target)?, None)),
        None => {
            let image = open_image(target, source)?;
            let (inv, _) = walk_with_progress(target, &image, "cataloguing", |walk| {
                let walk = bosun_oci::WalkOptions {
                    skip_unwanted_bodies: !verify,
                    ..walk.clone()
                };
                catalog_image(target, &image, &walk, &[])
            })?;
            Ok((inv, Some(image)))
        }
    }
}

/// Walks a directory (in parallel, not following links, hidden files included, no
/// ignore files: a project's `node_modules` is usually git-ignored but installed),
/// reading only the files a cataloguer wants, up to what it asked for.
fn catalog_dir(root: &Path, name: &str) -> anyhow::Result<Inventory> {
    let meta = std::fs::metadata(root)
        .with_context(|| format!("cannot read directory {}", root.display()))?;
    anyhow::ensure!(meta.is_dir(), "{} is not a directory", root.display());
    let cataloguers = all_cataloguers();
    let found = Mutex::new((Vec::new(), Vec::new()));
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .build_parallel();
    walker.run(|| {
        let cataloguers = &cataloguers;
        let found = &found;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return ignore::WalkState::Continue;
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return ignore::WalkState::Continue;
            }
            let Ok(rel) = entry.path().strip_prefix(root) else {
                return ignore::WalkState::Continue;
            };
            let path = format!("/{}", rel.to_string_lossy());
            let Ok(md) = entry.metadata() else {
                return ignore::WalkState::Continue;
            };
            #[cfg(unix)]
            let mode = std::os::unix::fs::PermissionsExt::mode(&md.permissions());
            #[cfg(not(unix))]
            let mode = 0o644;
            let file = FileMeta {
                path: &path,
                size: md.len(),
                mode,
            };
            let Some(max) = wanted(cataloguers, &file) else {
                return ignore::WalkState::Continue;
            };
            let mut body = Vec::new();
            let read =
                std::fs::File::open(entry.path()).and_then(|f| f.take(max).read_to_end(&mut body));
            let mut g = found
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Err(e) = read {
                g.1.push(bosun_sbom::Warning {
                    path: path.clone(),
                    message: format!("cannot read: {e}"),
                });
                return ignore::WalkState::Continue;
            }
            drop(g);
            let truncated = md.len() > body.len() as u64;
            let (finding, warnings) = offer(cataloguers, &file, &body, truncated, None);
            let mut g = found
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            g.0.extend(finding);
            g.1.extend(warnings);
            ignore::WalkState::Continue
        })
    });
    let (findings, warnings) = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let target = Target {
        kind: "directory".into(),
        name: name.to_string(),
        digest: None,
        layers_verified: None,
    };
    Ok(finalise(target, findings, warnings, View::Directory))
}
