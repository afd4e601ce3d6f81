//! `bosun db import|update|status`: build and inspect the local vulnerability
//! database (`bosun_vuln::Store`).

use crate::cli::{DbArgs, DbCommand, DbImportArgs, DbStatusArgs, DbTransferArgs, DbUpdateArgs};
use crate::commands::attach::{fail, registry_options};
use crate::ExitStatus;
use anyhow::Context;
use bosun_vuln::{ImportReport, Store};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The ecosystems `bosun db update` downloads by default: the ones bosun's
/// cataloguers report packages for.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "PyPI",
    "npm",
    "Go",
    "crates.io",
    "Maven",
    "RubyGems",
    "NuGet",
    "Packagist",
    "Debian",
    "Alpine",
    "AlmaLinux",
];

/// The database file: `--db`, `$BOSUN_DB`, else `vuln.db` in the cache folder.
pub fn db_path(arg: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = arg {
        return Ok(p.to_path_buf());
    }
    let cache =
        dirs::cache_dir().context("no cache folder for this user (set --db PATH or BOSUN_DB)")?;
    Ok(cache.join("bosun").join("vuln.db"))
}

pub fn run(args: &DbArgs) -> anyhow::Result<ExitStatus> {
    let path = db_path(args.db.as_deref())?;
    match &args.command {
        DbCommand::Import(a) => import(&path, a),
        DbCommand::Update(a) => update(&path, a),
        DbCommand::Status(a) => status(&path, a),
        DbCommand::Push(a) => push(&path, a),
        DbCommand::Pull(a) => pull(&path, a),
    }
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn progress_wanted() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false")
}

/// Control characters of untrusted text (paths and messages from advisory files)
/// shown escaped, never raw.
pub fn clean(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn import_paths(path: &Path, inputs: &[PathBuf]) -> anyhow::Result<ImportReport> {
    let mut store = Store::open_or_create(path)?;
    let bar = progress_wanted().then(|| {
        let pb = indicatif::ProgressBar::new(0);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} importing {bar:30} {pos}/{len} files",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    let progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let report = store.import(inputs, now_unix(), &progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    Ok(report?)
}

fn print_report(path: &Path, report: &ImportReport) -> anyhow::Result<()> {
    let mut err = std::io::stderr().lock();
    for w in &report.warnings {
        writeln!(
            err,
            "bosun: warning: {}: {} (skipped)",
            clean(&w.path),
            clean(&w.message)
        )?;
    }
    writeln!(
        err,
        "imported {} files into {}: {} new, {} updated, {} unchanged records{}",
        report.files,
        path.display(),
        report.added,
        report.updated,
        report.unchanged,
        if report.warnings.is_empty() {
            String::new()
        } else {
            format!(", {} skipped", report.warnings.len())
        }
    )?;
    Ok(())
}

fn import(path: &Path, args: &DbImportArgs) -> anyhow::Result<ExitStatus> {
    let report = import_paths(path, &args.paths)?;
    print_report(path, &report)?;
    Ok(ExitStatus::Clean)
}

/// `<base>/<ECOSYSTEM>/all.zip`, the ecosystem percent-encoded (`Rocky Linux`).
fn export_url(base: &str, ecosystem: &str) -> String {
    let mut eco = String::new();
    for b in ecosystem.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            eco.push(b as char);
        } else {
            eco.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{}/{eco}/all.zip", base.trim_end_matches('/'))
}

fn update(path: &Path, args: &DbUpdateArgs) -> anyhow::Result<ExitStatus> {
    let ecosystems: Vec<String> = if args.ecosystems.is_empty() {
        DEFAULT_ECOSYSTEMS.iter().map(|s| s.to_string()).collect()
    } else {
        args.ecosystems.clone()
    };
    // Download every export next to the database first; import them all in one
    // transaction, so a failed download leaves the database as it was.
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".bosun-osv-")
        .tempdir_in(dir)
        .with_context(|| format!("cannot create a download folder in {}", dir.display()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(600)))
        .build()
        .into();
    let mut zips = Vec::new();
    for eco in &ecosystems {
        let url = export_url(&args.url, eco);
        let file = tmp.path().join(format!("{}.zip", zips.len()));
        let resp = agent
            .get(&url)
            .call()
            .map_err(|e| anyhow::anyhow!("cannot download {url}: {e}"))?;
        let mut reader = resp.into_body().into_reader();
        let mut out = std::fs::File::create(&file)
            .with_context(|| format!("cannot write {}", file.display()))?;
        std::io::copy(&mut reader, &mut out)
            .map_err(|e| anyhow::anyhow!("cannot download {url}: {e}"))?;
        eprintln!("downloaded {url}");
        zips.push(file);
    }
    let report = import_paths(path, &zips)?;
    print_report(path, &report)?;
    Ok(ExitStatus::Clean)
}

fn status(path: &Path, args: &DbStatusArgs) -> anyhow::Result<ExitStatus> {
    let store = Store::open(path)?;
    let st = store.status()?;
    let mut out = std::io::stdout().lock();
    match args.format.as_str() {
        "json" => {
            let rows: Vec<serde_json::Value> = st
                .rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "source": r.source,
                        "ecosystem": r.ecosystem,
                        "advisories": r.advisories,
                        "packages": r.packages,
                        "newest": r.newest,
                    })
                })
                .collect();
            let v = serde_json::json!({
                "path": st.path.display().to_string(),
                "schema": st.schema,
                "advisories": st.advisories,
                "last_import": st.last_import,
                "sources": st.sources.iter().map(|(s, n)| serde_json::json!({"source": s, "advisories": n})).collect::<Vec<_>>(),
                "ecosystems": rows,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        "text" => {
            writeln!(
                out,
                "database: {} (schema {})",
                st.path.display(),
                st.schema
            )?;
            match st.last_import {
                Some(t) => {
                    let at = UNIX_EPOCH + std::time::Duration::from_secs(t.max(0) as u64);
                    let age = SystemTime::now()
                        .duration_since(at)
                        .map(|d| std::time::Duration::from_secs(d.as_secs()))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "last import: {} ({} ago)",
                        humantime::format_rfc3339_seconds(at),
                        humantime::format_duration(age)
                    )?;
                }
                None => writeln!(out, "last import: never")?,
            }
            writeln!(out, "advisories: {}", st.advisories)?;
            let w_src = st
                .rows
                .iter()
                .map(|r| clean(&r.source).len())
                .max()
                .unwrap_or(6)
                .max(6);
            let w_eco = st
                .rows
                .iter()
                .map(|r| clean(&r.ecosystem).len())
                .max()
                .unwrap_or(9)
                .max(9);
            writeln!(
                out,
                "{:w_src$}  {:w_eco$}  {:>10}  {:>8}  newest record",
                "source", "ecosystem", "advisories", "packages"
            )?;
            for r in &st.rows {
                writeln!(
                    out,
                    "{:w_src$}  {:w_eco$}  {:>10}  {:>8}  {}",
                    clean(&r.source),
                    clean(&r.ecosystem),
                    r.advisories,
                    r.packages,
                    clean(r.newest.as_deref().unwrap_or("-"))
                )?;
            }
        }
        other => anyhow::bail!("unknown --format `{}` (text or json)", clean(other)),
    }
    Ok(ExitStatus::Clean)
}

/// The artifact type (and layer media type) of a pushed database.
pub const VULNDB_ARTIFACT_TYPE: &str = "application/vnd.bosun.vulndb.v1+sqlite";
/// The manifest annotation with the database's schema version.
const SCHEMA_ANNOTATION: &str = "dev.bosun.vulndb.schema";
/// The largest database `bosun db pull` accepts.
const MAX_DB_BYTES: u64 = 4 << 30;

/// `bosun db push REF`: a compacted snapshot of the database as one layer of an
/// OCI artifact (empty config), tagged as REF says.
fn push(path: &Path, args: &DbTransferArgs) -> anyhow::Result<ExitStatus> {
    let store = Store::open(path)?;
    let tmp = tempfile::tempdir().context("cannot create a temporary folder")?;
    let snap = tmp.path().join("vuln.db");
    store.snapshot(&snap)?;
    let bytes = std::fs::read(&snap).with_context(|| format!("cannot read {}", snap.display()))?;
    let opts = registry_options(&args.reference, &args.registry)?;
    let (oci, at) =
        bosun_oci::Store::open(&args.reference, &opts).map_err(|e| fail(&args.reference, e))?;
    let push_err = |e| fail(&format!("cannot push to {}", args.reference), e);
    let config = oci
        .push_blob(b"{}", "application/vnd.oci.empty.v1+json")
        .map_err(push_err)?;
    let mut layer = oci
        .push_blob(&bytes, VULNDB_ARTIFACT_TYPE)
        .map_err(push_err)?;
    layer
        .annotations
        .insert("org.opencontainers.image.title".into(), "vuln.db".into());
    let manifest = bosun_oci::Manifest {
        schema_version: 2,
        media_type: Some(bosun_oci::spec::media::OCI_MANIFEST.to_string()),
        config,
        layers: vec![layer],
        annotations: [
            (
                SCHEMA_ANNOTATION.to_string(),
                bosun_vuln::SCHEMA_VERSION.to_string(),
            ),
            (
                "org.opencontainers.image.created".to_string(),
                humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            ),
        ]
        .into_iter()
        .collect(),
        artifact_type: Some(VULNDB_ARTIFACT_TYPE.to_string()),
        subject: None,
    };
    let body = serde_json::to_vec(&manifest)?;
    let tag = (!at.starts_with("sha256:")).then_some(at.as_str());
    let digest = oci
        .push_manifest(&body, bosun_oci::spec::media::OCI_MANIFEST, tag)
        .map_err(push_err)?;
    eprintln!(
        "pushed {} ({} bytes) to {}@{digest}",
        path.display(),
        bytes.len(),
        oci.name()
    );
    Ok(ExitStatus::Clean)
}

/// `bosun db pull REF`: fetch the artifact, verify the layer's digest (the store
/// does while reading), check it is a bosun database of this schema, then replace
/// the local database by renaming a temporary file over it.
fn pull(path: &Path, args: &DbTransferArgs) -> anyhow::Result<ExitStatus> {
    let opts = registry_options(&args.reference, &args.registry)?;
    let (oci, at) =
        bosun_oci::Store::open(&args.reference, &opts).map_err(|e| fail(&args.reference, e))?;
    let pull_err = |e| fail(&format!("cannot pull {}", args.reference), e);
    let (bytes, _, digest) = oci
        .fetch_manifest(&at)
        .map_err(pull_err)?
        .ok_or_else(|| anyhow::anyhow!("{}: not found", clean(&args.reference)))?;
    let manifest: bosun_oci::Manifest = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: not an OCI manifest: {e}", clean(&args.reference)))?;
    let layer = match (
        manifest.artifact_type.as_deref(),
        manifest.layers.as_slice(),
    ) {
        (Some(VULNDB_ARTIFACT_TYPE), [l]) if l.media_type == VULNDB_ARTIFACT_TYPE => l,
        _ => anyhow::bail!(
            "{} is not a bosun vulnerability database (artifact type {VULNDB_ARTIFACT_TYPE})",
            clean(&args.reference)
        ),
    };
    if let Some(v) = manifest.annotations.get(SCHEMA_ANNOTATION) {
        anyhow::ensure!(
            v == &bosun_vuln::SCHEMA_VERSION.to_string(),
            "{} holds a schema {} database, this bosun reads schema {}",
            clean(&args.reference),
            clean(v),
            bosun_vuln::SCHEMA_VERSION
        );
    }
    anyhow::ensure!(
        layer.size <= MAX_DB_BYTES,
        "{}: the database is larger than {MAX_DB_BYTES} bytes",
        clean(&args.reference)
    );
    let data = oci.fetch_blob(layer, MAX_DB_BYTES).map_err(pull_err)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".bosun-pull-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(&data)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    // The schema and application id, checked by opening it as a store.
    Store::open(tmp.path())
        .map_err(|e| anyhow::anyhow!("{} holds no usable database: {e}", clean(&args.reference)))?;
    remove_sidecars(tmp.path());
    // The old database's log must not outlive it: fold it in, then drop it.
    if path.is_file() {
        if let Ok(old) = Store::open(path) {
            old.checkpoint()?;
        }
    }
    remove_sidecars(path);
    tmp.persist(path)
        .map_err(|e| anyhow::anyhow!("cannot replace {}: {}", path.display(), e.error))?;
    eprintln!(
        "pulled {}@{digest} into {} ({} bytes)",
        oci.name(),
        path.display(),
        data.len()
    );
    Ok(ExitStatus::Clean)
}

/// Removes SQLite's `-wal` and `-shm` files of `db` (after a checkpoint).
fn remove_sidecars(db: &Path) {
    for suffix in ["-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_urls_are_percent_encoded() {
        assert_eq!(
            export_url("http://127.0.0.1:1/", "Rocky Linux"),
            "http://127.0.0.1:1/Rocky%20Linux/all.zip"
        );
        assert_eq!(
            export_url("http://h", "crates.io"),
            "http://h/crates.io/all.zip"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(clean("a\x1b[31mb\n"), "a\\u{1b}[31mb\\n");
    }
}
