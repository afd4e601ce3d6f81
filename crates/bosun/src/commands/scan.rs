//! `bosun scan [TARGET...]`: the whole pipeline in one report. Dockerfiles (and folders
//! holding them) are linted; the image (at most one) is opened and walked ONCE with the
//! image checks and the SBOM cataloguers side by side; the packages are matched
//! against the vulnerability database (`--db`, the default cache database, or a
//! temporary one imported from `--advisories`); the policy (`--policy`) decides over
//! the same gate report `bosun gate` builds. The report (`bosun_report::ScanReport`)
//! is written as text (summary first, then every stage's findings), JSON, SARIF (one
//! run per stage) or one self-contained HTML page.
//!
//! Exit status: 0 clean, 1 a finding at or above `--failure-threshold` (default
//! warning) or a policy deny, 2 a usage or tool error (one line).

use crate::cli::{ScanArgs, ScanFormat};
use crate::commands::db::db_path;
use crate::commands::gate::{gather, GateOptions, Needs, Policies};
use crate::commands::image::open_options;
use crate::commands::output::{failure_threshold, use_color};
use crate::ExitStatus;
use anyhow::Context;
use bosun_diagnostics::render::{self, SarifRun, Sources, TextOptions, ToolInfo};
use bosun_diagnostics::{Finding, Location, RuleMeta};
use bosun_oci::Image;
use bosun_report::{FixRow, ImageSummary, LayerRow, PolicyVerdict, ScanReport, Stage, StageKind};
use bosun_sbom::Inventory;
use bosun_vuln::scan::ScanResult;
use bosun_vuln::{SchemeOrder, Store};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The sources `Image::open` takes by prefix.
const IMAGE_PREFIXES: &[&str] = &[
    "docker-archive:",
    "oci-archive:",
    "oci:",
    "docker://",
    "docker-daemon:",
];

/// What the targets name: Dockerfiles (or folders of them) and at most one image.
#[derive(Debug, Default, PartialEq, Eq)]
struct Targets {
    dockerfiles: Vec<PathBuf>,
    image: Option<String>,
}

/// An image by prefix, an OCI layout folder, or a tar archive (by its `ustar` magic);
/// anything else that exists is a Dockerfile or a folder to search for them. A name
/// that does not exist is an error (an image reference needs its `docker://` prefix).
fn classify(targets: &[String]) -> anyhow::Result<Targets> {
    let mut out = Targets::default();
    for t in targets {
        let path = Path::new(t);
        let image = if IMAGE_PREFIXES.iter().any(|p| t.starts_with(p)) {
            true
        } else if path.is_dir() {
            path.join("oci-layout").is_file()
        } else if path.is_file() {
            is_tar(path)?
        } else {
            anyhow::bail!("{t}: no such file or directory (name a registry image as docker://{t})");
        };
        if image {
            if let Some(first) = &out.image {
                anyhow::bail!("one image per scan: {first} and {t} are both images");
            }
            out.image = Some(t.clone());
        } else {
            out.dockerfiles.push(path.to_path_buf());
        }
    }
    Ok(out)
}

/// True when the file carries tar's `ustar` magic at offset 257.
fn is_tar(path: &Path) -> anyhow::Result<bool> {
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)
        .and_then(|f| f.take(512).read_to_end(&mut head))
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(head.get(257..262) == Some(b"ustar"))
}

/// The layer rows: size, `created_by`, packages added, image findings in the layer.
fn layer_rows(image: &Image, inv: &Inventory, findings: &[Finding]) -> Vec<LayerRow> {
    image
        .layers
        .iter()
        .map(|l| LayerRow {
            index: l.index,
            digest: l.digest.to_string(),
            size: l.size,
            created_by: l.created_by().map(str::to_string),
            packages: inv
                .packages
                .iter()
                .filter(|p| p.locations.first().and_then(|x| x.layer_index) == Some(l.index))
                .count(),
            findings: findings
                .iter()
                .filter(|f| matches!(f.location, Location::Layer { layer_index, .. } if layer_index == l.index))
                .count(),
        })
        .collect()
}

/// One finding per (vulnerability, package), as `bosun vuln` reports them.
fn vuln_findings(result: &ScanResult, inv: &Inventory, ignore_unfixed: bool) -> Vec<Finding> {
    let image = (inv.target.kind == "image").then(|| inv.target.name.clone());
    let mut seen = std::collections::BTreeSet::new();
    let mut findings = Vec::new();
    for m in &result.matches {
        if ignore_unfixed && m.vuln.is_unfixed() {
            continue;
        }
        let pkg = &inv.packages[m.package];
        let purl = crate::commands::vuln::package_id(pkg);
        if !seen.insert((m.vuln.id.clone(), purl.clone())) {
            continue;
        }
        let location = Location::Package {
            purl,
            image: image.clone(),
            path: pkg.locations.first().map(|l| l.path.clone()),
        };
        findings.push(crate::commands::vuln::finding(&m.vuln, pkg, None, location));
    }
    findings.sort_by_key(|f| (f.sort_key(), f.message.clone()));
    findings
}

/// The fix summary (`bosun_vuln::fix_summary`, base image unknown), each upgrade with
/// the worst severity of the findings it fixes.
fn fix_rows(result: &ScanResult, inv: &Inventory, findings: &[Finding]) -> Vec<FixRow> {
    let summary = bosun_vuln::fix::fix_summary(
        &inv.packages,
        &result.matches,
        inv.distro.as_ref(),
        None,
        &SchemeOrder,
    );
    summary
        .upgrades
        .iter()
        .map(|u| FixRow {
            package: u.name.clone(),
            installed: u.from.clone(),
            fixed_in: u.to.clone(),
            fixes: u.fixes,
            severity: findings
                .iter()
                .filter(|f| u.ids.contains(&f.code))
                .map(|f| f.severity)
                .max()
                .unwrap_or(bosun_diagnostics::Severity::Warning),
        })
        .collect()
}

/// `14 packages (12 deb, 2 python)`.
fn package_note(inv: &Inventory) -> String {
    let mut by: std::collections::BTreeMap<String, usize> = Default::default();
    for p in &inv.packages {
        *by.entry(p.found_by.clone()).or_default() += 1;
    }
    let parts: Vec<String> = by.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let mut note = format!(
        "{} package{}",
        inv.packages.len(),
        if inv.packages.len() == 1 { "" } else { "s" }
    );
    if !parts.is_empty() {
        note.push_str(&format!(" ({})", parts.join(", ")));
    }
    if !inv.warnings.is_empty() {
        note.push_str(&format!(
            "; {} file{} not read completely",
            inv.warnings.len(),
            if inv.warnings.len() == 1 { "" } else { "s" }
        ));
    }
    note
}

/// The vulnerability database of a scan.
enum Db {
    /// The database file, and the temporary folder holding it (removed when dropped).
    Ready {
        path: PathBuf,
        _tmp: Option<tempfile::TempDir>,
    },
    /// No database to use, and why.
    Missing(String),
}

/// The vulnerability database: a temporary one from `--advisories`, else `--db` (or
/// `BOSUN_DB`), else the default cache database when it exists.
fn open_store(args: &ScanArgs) -> anyhow::Result<Db> {
    if !args.advisories.is_empty() {
        let dir = tempfile::Builder::new()
            .prefix("bosun-scan-db")
            .tempdir()
            .context("cannot make a temporary folder for the advisories")?;
        let path = dir.path().join("vuln.db");
        let mut store = Store::open_or_create(&path)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let report = store
            .import(&args.advisories, now, &|_, _| {})
            .context("cannot import --advisories")?;
        for w in &report.warnings {
            eprintln!(
                "bosun: warning: {}: {}",
                render::escape_control(&w.path),
                render::escape_control(&w.message)
            );
        }
        drop(store);
        return Ok(Db::Ready {
            path,
            _tmp: Some(dir),
        });
    }
    let explicit = args.db.is_some();
    let path = db_path(args.db.as_deref())?;
    if !explicit && !path.is_file() {
        return Ok(Db::Missing(format!(
            "no vulnerability database at {} (run `bosun db update`, or give --db or --advisories)",
            path.display()
        )));
    }
    // Opened here so a broken file fails before the walk.
    Store::open(&path)?;
    Ok(Db::Ready { path, _tmp: None })
}

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitStatus> {
    let threshold = failure_threshold(args.failure_threshold.as_deref())?;
    let color = use_color(&args.color)?;
    let targets = classify(&args.targets)?;
    let policies = Policies::read(&args.policies)?;
    anyhow::ensure!(
        args.policies.is_empty() || targets.image.is_some(),
        "--policy needs an image to decide about"
    );

    // Lint.
    let (lint_stage, sources) = if targets.dockerfiles.is_empty() {
        (
            Stage::skipped(StageKind::Lint, "no Dockerfile given"),
            Sources::new(),
        )
    } else {
        let (findings, sources, files) = crate::commands::lint::lint_paths(&targets.dockerfiles)?;
        let note = format!("{files} Dockerfile{}", if files == 1 { "" } else { "s" });
        (Stage::ran(StageKind::Lint, note, findings), sources)
    };

    let mut report = ScanReport {
        schema_version: bosun_report::SCHEMA_VERSION,
        targets: args.targets.clone(),
        image: None,
        stages: vec![lint_stage],
        fixes: Vec::new(),
        policy: None,
        failure_threshold: threshold,
    };

    match &targets.image {
        None => {
            for kind in [
                StageKind::Image,
                StageKind::Sbom,
                StageKind::Vuln,
                StageKind::Policy,
            ] {
                report.stages.push(Stage::skipped(kind, "no image given"));
            }
        }
        Some(name) => {
            let db = open_store(args)?;
            let db_file = match &db {
                Db::Ready { path, .. } => Some(path.as_path()),
                Db::Missing(_) => None,
            };
            // One walk for the image checks and the SBOM, then the database (the gate's
            // gathering, which the policy then decides over).
            let g = gather(
                name,
                &policies,
                &GateOptions {
                    open: open_options(&args.source)?,
                    dockerfile: None,
                    db: db_file,
                    also: Needs {
                        packages: true,
                        vulnerabilities: db_file.is_some(),
                        signatures: false,
                    },
                },
            )?;
            let inv = g.inventory.as_ref().context("the SBOM was not made")?;
            let config = &g.image.config.config;
            report.image = Some(ImageSummary {
                name: name.clone(),
                digest: g.image.id().to_string(),
                user: config.user.clone(),
                labels: config.labels.clone(),
                packages: inv.packages.len(),
                layers: layer_rows(&g.image, inv, &g.inspection.findings),
            });
            let n = g.image.layers.len();
            report.stages.push(Stage::ran(
                StageKind::Image,
                format!("{n} layer{}", if n == 1 { "" } else { "s" }),
                g.inspection.findings.clone(),
            ));
            report
                .stages
                .push(Stage::ran(StageKind::Sbom, package_note(inv), Vec::new()));
            for w in &inv.warnings {
                eprintln!(
                    "bosun: warning: {}: {}",
                    render::escape_control(&w.path),
                    render::escape_control(&w.message)
                );
            }
            match (&g.vulns, &db) {
                (Some(result), _) => {
                    let findings = vuln_findings(result, inv, args.ignore_unfixed);
                    report.fixes = fix_rows(result, inv, &findings);
                    let checked = inv.packages.len() - result.not_covered;
                    let mut note = format!(
                        "{checked} package{} checked",
                        if checked == 1 { "" } else { "s" }
                    );
                    if result.not_covered > 0 {
                        note.push_str(&format!(
                            ", {} not covered by the database",
                            result.not_covered
                        ));
                    }
                    report
                        .stages
                        .push(Stage::ran(StageKind::Vuln, note, findings));
                }
                (None, Db::Missing(why)) => report
                    .stages
                    .push(Stage::skipped(StageKind::Vuln, why.clone())),
                (None, Db::Ready { .. }) => {
                    anyhow::bail!("the vulnerability database was not read")
                }
            }

            if args.policies.is_empty() {
                report
                    .stages
                    .push(Stage::skipped(StageKind::Policy, "no --policy given"));
            } else {
                // The policy reads every finding of the scan, the lint's included.
                let mut gate = g.report.clone();
                gate.findings = report.findings().cloned().collect();
                let verdict = policies.decide(&gate)?;
                let reasons: Vec<String> =
                    verdict.reasons.iter().map(ToString::to_string).collect();
                let n = args.policies.len();
                report.stages.push(Stage::ran(
                    StageKind::Policy,
                    format!(
                        "{n} polic{}: {}",
                        if n == 1 { "y" } else { "ies" },
                        if verdict.pass { "pass" } else { "deny" }
                    ),
                    Vec::new(),
                ));
                report.policy = Some(PolicyVerdict {
                    pass: verdict.pass,
                    reasons,
                });
            }
        }
    }

    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let color = color && args.output.is_none();
    match args.format {
        ScanFormat::Text => write_text(&mut out, &report, &sources, color)?,
        ScanFormat::Json => bosun_report::write_json(&mut out, &report)?,
        ScanFormat::Sarif => write_sarif(&mut out, &report)?,
        ScanFormat::Html => bosun_report::html::render(&mut out, &report)?,
    }
    out.flush()?;
    Ok(if report.failed() {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// The summary (with the verdict), then each stage's findings: lint with code frames,
/// the others one line each.
fn write_text(
    out: &mut dyn Write,
    report: &ScanReport,
    sources: &Sources,
    color: bool,
) -> std::io::Result<()> {
    bosun_report::write_summary(out, report)?;
    for s in &report.stages {
        if s.findings.is_empty() {
            continue;
        }
        writeln!(out, "\n== {} ({}) ==", s.kind.title(), s.findings.len())?;
        render::render_text(
            out,
            &s.findings,
            sources,
            TextOptions {
                color,
                frames: s.kind == StageKind::Lint,
            },
        )?;
    }
    Ok(())
}

/// One SARIF run per stage that ran and reports findings (lint, image, vuln), each
/// with its own category so GitHub code scanning keeps their alerts apart.
fn write_sarif(out: &mut dyn Write, report: &ScanReport) -> std::io::Result<()> {
    let lint_rules: Vec<&RuleMeta> = bosun_lint::rules::RULES.iter().map(|r| r.meta).collect();
    let categories: Vec<(StageKind, String)> = report
        .stages
        .iter()
        .map(|s| (s.kind, format!("bosun/{}/", s.kind.as_str())))
        .collect();
    let runs: Vec<SarifRun<'_>> = report
        .stages
        .iter()
        .zip(&categories)
        .filter(|(s, _)| {
            s.skipped.is_none()
                && matches!(s.kind, StageKind::Lint | StageKind::Image | StageKind::Vuln)
        })
        .map(|(s, (_, category))| SarifRun {
            findings: &s.findings,
            rules: match s.kind {
                StageKind::Lint => lint_rules.as_slice(),
                StageKind::Image => bosun_inspect::RULES,
                _ => &[],
            },
            category: Some(category),
        })
        .collect();
    render::render_sarif_runs(out, &runs, &ToolInfo::default())
}
