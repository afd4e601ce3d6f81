//! `bosun audit [PATH...] [--host H]`: how containers run. Files and folders are read
//! as Compose files or Kubernetes manifests; without paths (or with `--host`), the
//! engine's containers are listed and inspected through its API. Both become
//! `bosun_audit::Workload`s, checked by the same rules.
//!
//! Exit status: 0 clean, 1 a finding at or above `--failure-threshold`, 2 an engine
//! that cannot be reached or does not answer like one, a named file that cannot be read
//! or is not valid YAML. A file found in a folder that is not valid YAML (a Helm
//! template, say) is skipped with a note, as is a document that is neither Compose nor
//! Kubernetes.

use crate::cli::{AuditArgs, OutputFormat};
use crate::commands::output::{fails, failure_threshold, use_color, write_frameless_text};
use crate::ExitStatus;
use anyhow::Context;
use bosun_audit::Workload;
use bosun_diagnostics::render::{self, escape_control, ToolInfo};
use bosun_diagnostics::RuleMeta;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(args: &AuditArgs) -> anyhow::Result<ExitStatus> {
    let threshold = failure_threshold(args.output.failure_threshold.as_deref())?;
    let color = use_color(&args.output.color)?;
    let mut workloads = Vec::new();
    for path in &args.paths {
        workloads.extend(audit_path(path)?);
    }
    if args.paths.is_empty() || args.host.is_some() {
        let opts = bosun_oci::RegistryOptions {
            connect_timeout_secs: args.connect_timeout,
            idle_timeout_secs: args.idle_timeout,
            ..Default::default()
        };
        workloads.extend(engine_workloads(args.host.as_deref(), &opts)?);
    }
    let findings = bosun_audit::audit(&workloads);

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.output.format {
        OutputFormat::Text => {
            write_frameless_text(&mut out, &findings, color)?;
            writeln!(
                out,
                "{} workload{} audited",
                workloads.len(),
                if workloads.len() == 1 { "" } else { "s" }
            )?;
        }
        OutputFormat::Json => render::render_json(&mut out, &findings)?,
        OutputFormat::Sarif => {
            let metas: Vec<&RuleMeta> = bosun_audit::RULES.to_vec();
            render::render_sarif(&mut out, &findings, &metas, &ToolInfo::default())?;
        }
    }
    out.flush()?;
    Ok(if fails(&findings, threshold) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

fn note(msg: &str) {
    eprintln!("bosun: note: {}", escape_control(msg));
}

/// A file (must be valid YAML), or a folder searched for `*.yml`/`*.yaml` (invalid
/// ones are skipped with a note).
fn audit_path(path: &Path) -> anyhow::Result<Vec<Workload>> {
    if !path.is_dir() {
        return audit_file(path, true);
    }
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(path)
        .standard_filters(false)
        .hidden(true)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
        })
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        out.extend(audit_file(&f, false)?);
    }
    Ok(out)
}

fn audit_file(path: &Path, named: bool) -> anyhow::Result<Vec<Workload>> {
    let shown = path.display().to_string();
    let bytes = bosun_lint::discover::read_regular_file(path)
        .with_context(|| format!("cannot read {shown}"))?;
    let Ok(text) = String::from_utf8(bytes) else {
        if named {
            anyhow::bail!("{shown}: not UTF-8 text");
        }
        note(&format!("{shown}: not UTF-8 text (skipped)"));
        return Ok(Vec::new());
    };
    match bosun_audit::declarations(&shown, &text) {
        Ok(d) => {
            for s in &d.skipped {
                note(&format!("{shown}: {s} (skipped)"));
            }
            Ok(d.workloads)
        }
        Err(e) if named => Err(anyhow::anyhow!("{shown}: {e}")),
        Err(e) => {
            note(&format!("{shown}: {e} (skipped)"));
            Ok(Vec::new())
        }
    }
}

/// An engine id is hex, maybe with an algorithm (`sha256:...`): nothing else goes
/// into a request path.
fn safe_id(id: &str) -> Option<&str> {
    (!id.is_empty()
        && id.len() <= 200
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b':'))
    .then_some(id)
}

/// Every container the engine knows (running or not), inspected, with its image's
/// config.
fn engine_workloads(
    host: Option<&str>,
    opts: &bosun_oci::RegistryOptions,
) -> anyhow::Result<Vec<Workload>> {
    let engine = bosun_oci::Engine::new(host, opts)?;
    let list = engine.get_json("/containers/json?all=1")?;
    let Some(list) = list.as_array() else {
        anyhow::bail!(
            "container engine at {}: /containers/json did not answer with a list: not a container engine?",
            engine.host()
        );
    };
    let mut images: HashMap<String, Option<serde_json::Value>> = HashMap::new();
    let mut out = Vec::new();
    for item in list {
        let Some(id) = item.get("Id").and_then(|v| v.as_str()).and_then(safe_id) else {
            anyhow::bail!(
                "container engine at {}: a container in /containers/json has no valid Id",
                engine.host()
            );
        };
        let container = engine.get_json(&format!("/containers/{id}/json"))?;
        let image_id = container
            .get("Image")
            .and_then(|v| v.as_str())
            .and_then(safe_id)
            .map(str::to_string);
        let image = match image_id {
            Some(img) => images
                .entry(img.clone())
                // An image removed since the container was made: its user is unknown,
                // which the root rule says.
                .or_insert_with(|| engine.get_json(&format!("/images/{img}/json")).ok())
                .clone(),
            None => None,
        };
        out.push(bosun_audit::engine::workload(
            engine.host(),
            &container,
            image.as_ref(),
        ));
    }
    Ok(out)
}
