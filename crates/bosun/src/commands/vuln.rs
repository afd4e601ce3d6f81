//! `bosun vuln TARGET`: catalogue an image or a directory (as `bosun sbom` does) or
//! read an SBOM file, match every package against the local database, and render
//! one finding per (vulnerability, package), each naming the layer that added the
//! package and whether it belongs to the base image; then filter (`--severity`,
//! `--ignore-unfixed`, the ignore file, OpenVEX) and summarise the fixes
//! (`bosun_vuln::fix_summary`).

use crate::cli::{VulnArgs, VulnFormat};
use crate::commands::db::db_path;
use crate::commands::image::open_options;
use crate::commands::output::{fails, failure_threshold, use_color, write_frameless_text};
use crate::commands::sbom::{attest_key, catalog_target_image};
use crate::ExitStatus;
use bosun_diagnostics::render::{self, escape_control, redact_text, ToolInfo};
use bosun_diagnostics::{Finding, Location, Severity};
use bosun_oci::Image;
use bosun_sbom::{Inventory, Package};
use bosun_vuln::filter::{severity_name, IgnoreEntry, IgnoreFile, SeverityFilter, Vex};
use bosun_vuln::fix::summary_lines;
use bosun_vuln::scan::{scan, PackageMatch};
use bosun_vuln::{
    added_by, fix_summary, AddedBy, BaseEvidence, BaseImage, SchemeOrder, Store, VulnMatch,
};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::Path;

/// The finding name of every vulnerability (the code is the advisory id).
const NAME: &str = "vulnerable-package";
/// RustSec-style informational notices (unmaintained, unsound).
const NAME_INFORMATIONAL: &str = "package-notice";

pub fn run(args: &VulnArgs) -> anyhow::Result<ExitStatus> {
    let threshold = failure_threshold(args.failure_threshold.as_deref())?;
    let color = use_color(&args.color)?;
    let severity = args
        .severity
        .as_deref()
        .map(SeverityFilter::parse)
        .transpose()?;
    let (ignore_path, ignore) = ignore_file(args.ignore_file.as_deref())?;
    let mut vex = Vex::default();
    for p in &args.vex {
        let text = std::fs::read_to_string(p)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?;
        vex.add_document(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
    }
    let key = attest_key(args.attest, args.key.as_deref())?;
    // The database first: a missing one fails before minutes of cataloguing.
    let store = Store::open(&db_path(args.db.as_deref())?)?;
    let (inv, image) = inventory(args)?;
    let subject = image
        .as_ref()
        .and_then(crate::commands::gate::subject_digest);
    let base = base_of(args, image.as_ref())?;
    let result = scan(&store, &inv.packages, inv.distro.as_ref(), &SchemeOrder)?;

    let image_name = (inv.target.kind == "image").then(|| inv.target.name.clone());
    let image_ids: Vec<String> = [inv.target.digest.clone(), image_name.clone()]
        .into_iter()
        .flatten()
        .chain(image.iter().map(|i| i.id().to_string()))
        .collect();
    let today = today();
    let mut seen = BTreeSet::new();
    let mut kept: Vec<PackageMatch> = Vec::new();
    let mut suppressed: Vec<serde_json::Value> = Vec::new();
    for m in &result.matches {
        let pkg = &inv.packages[m.package];
        let purl = package_id(pkg);
        if !seen.insert((m.vuln.id.clone(), purl.clone())) {
            continue;
        }
        if args.ignore_unfixed && m.vuln.is_unfixed() {
            continue;
        }
        if severity.as_ref().is_some_and(|f| !f.keeps(&m.vuln)) {
            continue;
        }
        if let Some(e) = ignore
            .entries
            .iter()
            .find(|e| !e.expired(&today) && e.matches(&m.vuln, &pkg.name, &purl))
        {
            suppressed.push(serde_json::json!({
                "id": m.vuln.id, "purl": purl, "by": "ignore-file",
                "reason": e.reason, "expires": e.expires,
            }));
            continue;
        }
        if let Some(st) = vex.suppressing(&m.vuln, &purl, &image_ids) {
            suppressed.push(serde_json::json!({
                "id": m.vuln.id, "purl": purl, "by": "vex", "status": st.status,
                "justification": st.justification, "impact_statement": st.impact_statement,
            }));
            continue;
        }
        kept.push(m.clone());
    }
    let summary = fix_summary(
        &inv.packages,
        &kept,
        inv.distro.as_ref(),
        base.as_ref(),
        &SchemeOrder,
    );
    let mut rows: Vec<(Finding, Option<&PackageMatch>)> = kept
        .iter()
        .map(|m| {
            let pkg = &inv.packages[m.package];
            let location = Location::Package {
                purl: package_id(pkg),
                image: image_name.clone(),
                path: pkg.locations.first().map(|l| l.path.clone()),
            };
            let layer = added_by(pkg, base.as_ref());
            (finding(&m.vuln, pkg, layer.as_ref(), location), Some(m))
        })
        .collect();
    // Expired ignore entries suppress nothing and are findings of their own.
    for e in ignore.entries.iter().filter(|e| e.expired(&today)) {
        rows.push((expired_finding(e, &ignore_path), None));
    }
    rows.sort_by_key(|(f, _)| (f.sort_key(), f.message.clone()));
    let findings: Vec<Finding> = rows.iter().map(|(f, _)| f.clone()).collect();

    if let Some(key) = &key {
        let mut results = Vec::new();
        render::render_json(&mut results, &findings)?;
        let predicate = serde_json::json!({
            "invocation": {"uri": "", "event_id": "", "builder.id": ""},
            "scanner": {
                "uri": "https://bosun.dev",
                "version": env!("CARGO_PKG_VERSION"),
                "result": serde_json::from_slice::<serde_json::Value>(&results)?,
            },
            "metadata": {},
        });
        crate::commands::attach::attest_image(
            &args.target,
            &open_options(&args.source)?.registry,
            key,
            subject.as_ref(),
            &bosun_sign::intoto::parse_predicate_type("vuln")?,
            predicate,
        )?;
    }

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        VulnFormat::Table => {
            write_frameless_text(&mut out, &findings, color)?;
            let lines = summary_lines(&summary);
            if !lines.is_empty() {
                writeln!(out, "\nwhat to do:")?;
                for l in lines {
                    writeln!(out, "  {}", escape_control(&redact_text(&l)))?;
                }
            }
            if let Some(b) = &base {
                writeln!(
                    out,
                    "base image: {} layer{} ({}{})",
                    b.layers,
                    if b.layers == 1 { "" } else { "s" },
                    evidence_name(b.evidence),
                    b.name
                        .as_deref()
                        .map(|n| format!(": {}", escape_control(&redact_text(n))))
                        .unwrap_or_default()
                )?;
            }
            if !suppressed.is_empty() {
                let by_vex = suppressed.iter().filter(|s| s["by"] == "vex").count();
                writeln!(
                    out,
                    "{} finding{} suppressed ({} by the ignore file, {} by VEX)",
                    suppressed.len(),
                    if suppressed.len() == 1 { "" } else { "s" },
                    suppressed.len() - by_vex,
                    by_vex
                )?;
            }
            if result.not_covered > 0 {
                writeln!(
                    out,
                    "{} package{} not checked (no advisory source for their ecosystem or distribution)",
                    result.not_covered,
                    if result.not_covered == 1 { "" } else { "s" }
                )?;
            }
        }
        VulnFormat::Json => {
            let mut list = render::findings_value(&findings);
            if let Some(items) = list.as_array_mut() {
                for (item, (_, m)) in items.iter_mut().zip(&rows) {
                    let Some(m) = m else { continue };
                    let pkg = &inv.packages[m.package];
                    item["vulnerability"] = serde_json::json!({
                        "id": m.vuln.id,
                        "aliases": m.vuln.aliases,
                        "severity": severity_name(&m.vuln),
                        "fixed": m.vuln.fixed,
                        "status": m.vuln.status,
                    });
                    item["package"] = serde_json::json!({
                        "name": pkg.name, "version": pkg.version,
                        "type": pkg.kind, "purl": package_id(pkg),
                    });
                    item["added_by"] = serde_json::to_value(added_by(pkg, base.as_ref()))?;
                }
            }
            let doc = serde_json::json!({
                "target": inv.target,
                "base": base,
                "findings": list,
                "fix_summary": summary,
                "suppressed": suppressed,
                "not_covered": result.not_covered,
            });
            render::render_json_value(&mut out, &doc)?;
        }
        VulnFormat::Sarif => render::render_sarif(&mut out, &findings, &[], &ToolInfo::default())?,
        VulnFormat::CyclonedxJson => {
            let doc = cyclonedx(&inv, &kept)?;
            render::render_json_value(&mut out, &doc)?;
        }
    }
    out.flush()?;
    Ok(if fails(&findings, threshold) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// How a vulnerability names its package: the purl, else `name@version`; one finding
/// per (advisory, this).
pub(crate) fn package_id(pkg: &Package) -> String {
    if pkg.purl.is_empty() {
        format!("{}@{}", pkg.name, pkg.version)
    } else {
        pkg.purl.clone()
    }
}

/// Today's date (UTC), `YYYY-MM-DD`.
fn today() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10].to_string()
}

/// The default ignore file, read when present.
const IGNORE_FILE: &str = ".bosun-ignore.toml";

/// `--ignore-file` (which must exist), else `.bosun-ignore.toml` when present.
fn ignore_file(arg: Option<&Path>) -> anyhow::Result<(String, IgnoreFile)> {
    let path = match arg {
        Some(p) => p.to_path_buf(),
        None if Path::new(IGNORE_FILE).is_file() => Path::new(IGNORE_FILE).to_path_buf(),
        None => return Ok((String::new(), IgnoreFile::default())),
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let file = IgnoreFile::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok((path.display().to_string(), file))
}

fn expired_finding(e: &IgnoreEntry, path: &str) -> Finding {
    Finding {
        code: "BV001".to_string(),
        name: "expired-ignore".to_string(),
        severity: Severity::Warning,
        message: format!(
            "the ignore entry for {}{} expired on {} and suppresses nothing (reason was: {})",
            e.id,
            e.package
                .as_deref()
                .map(|p| format!(" in {p}"))
                .unwrap_or_default(),
            e.expires,
            e.reason
        ),
        location: Location::file(path, None),
        fix: None,
        help_url: None,
        redact: Vec::new(),
    }
}

fn evidence_name(e: BaseEvidence) -> &'static str {
    match e {
        BaseEvidence::BaseImage => "shared with --base",
        BaseEvidence::Annotation => "from the image's base annotations and history",
        BaseEvidence::History => "from the image's history",
    }
}

/// The base image: `--base` (its layers must be a prefix of the target's), else
/// from the target's annotations and history. `None` for directories and SBOMs.
fn diff_ids(image: &Image) -> Vec<String> {
    let ids = &image.config.rootfs.diff_ids;
    ids.iter().map(|d| d.to_string()).collect()
}

fn base_of(args: &VulnArgs, image: Option<&Image>) -> anyhow::Result<Option<BaseImage>> {
    let Some(image) = image else {
        anyhow::ensure!(
            args.base.is_none(),
            "--base needs an image target (the target has no layers)"
        );
        return Ok(None);
    };
    let image_ids = diff_ids(image);
    if let Some(base) = &args.base {
        let opts = open_options(&args.source)?;
        let b = Image::open(base, &opts)
            .map_err(|e| anyhow::anyhow!("cannot open base image {base}: {e}"))?;
        let base_ids = diff_ids(&b);
        let found = bosun_vuln::base::from_base_image(
            &image_ids,
            &base_ids,
            Some(base.clone()),
            b.manifest_digest.as_ref().map(|d| d.to_string()),
        );
        return match found {
            Some(f) => Ok(Some(f)),
            None => anyhow::bail!(
                "{} is not built on {base} (its layers are not the first layers of the image)",
                args.target
            ),
        };
    }
    Ok(bosun_vuln::base::detect(
        &image.manifest.annotations,
        &image.config.history,
        image_ids.len(),
    ))
}

/// An SBOM file (detected by content: a JSON document) or anything `bosun sbom`
/// catalogues.
fn inventory(args: &VulnArgs) -> anyhow::Result<(Inventory, Option<Image>)> {
    let path = Path::new(&args.target);
    if !args.target.starts_with("dir:") && path.is_file() && looks_like_json(path)? {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let inv = bosun_sbom::read::read(&bytes)
            .map_err(|e| anyhow::anyhow!("cannot read SBOM {}: {e}", path.display()))?;
        return Ok((inv, None));
    }
    catalog_target_image(&args.target, &args.source, args.verify || args.attest)
}

/// True when the first non-blank byte is `{` (an image archive is a tar file).
fn looks_like_json(path: &Path) -> anyhow::Result<bool> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    Ok(head
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{'))
}

/// Severity from the best CVSS score: critical, high → error, low; medium and
/// unscored → warning; informational notices → info.
pub(crate) fn severity(v: &VulnMatch) -> Severity {
    if v.informational.is_some() {
        return Severity::Info;
    }
    match bosun_vuln::severity::best_score(&v.severity)
        .map(|s| bosun_vuln::severity::rating(s.value))
    {
        Some("critical") => Severity::Critical,
        Some("high") => Severity::Error,
        Some("low") => Severity::Low,
        _ => Severity::Warning,
    }
}

pub(crate) fn finding(
    v: &VulnMatch,
    pkg: &Package,
    layer: Option<&AddedBy>,
    location: Location,
) -> Finding {
    let mut message = format!("{} {}: {}", pkg.name, pkg.version, v.id);
    if !v.aliases.is_empty() {
        message.push_str(&format!(" ({})", v.aliases.join(", ")));
    }
    if !v.summary.is_empty() {
        message.push_str(&format!(": {}", v.summary));
    }
    match (&v.fixed, &v.status) {
        (Some(f), _) => message.push_str(&format!("; fixed in {f}")),
        (None, Some(s)) => message.push_str(&format!("; no fix ({s})")),
        (None, None) => message.push_str("; no fix yet"),
    }
    if let Some(l) = layer {
        message.push_str(&format!(
            "; added by layer {}{}",
            l.index,
            match l.base {
                Some(true) => " (base image)",
                Some(false) => " (not the base)",
                None => "",
            }
        ));
    }
    Finding {
        code: v.id.clone(),
        name: if v.informational.is_some() {
            NAME_INFORMATIONAL
        } else {
            NAME
        }
        .to_string(),
        severity: severity(v),
        message,
        location,
        fix: None,
        help_url: Some(format!("https://osv.dev/vulnerability/{}", v.id)),
        redact: Vec::new(),
    }
}

/// The inventory as CycloneDX 1.6 (`bosun sbom`'s document) plus a
/// `vulnerabilities` list: one entry per vulnerability, whose `affects` point at
/// the components by `bom-ref` (found by purl).
fn cyclonedx(inv: &Inventory, kept: &[PackageMatch]) -> anyhow::Result<serde_json::Value> {
    let info = bosun_sbom::DocInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        created: crate::commands::sbom::created()?,
    };
    let mut doc: serde_json::Value =
        serde_json::from_slice(&bosun_sbom::cyclonedx::to_json(inv, &info))?;
    let mut refs: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for c in doc["components"].as_array().into_iter().flatten() {
        if let (Some(p), Some(r)) = (c["purl"].as_str(), c["bom-ref"].as_str()) {
            refs.insert(p.to_string(), r.to_string());
        }
    }
    // One entry per vulnerability id, in id order.
    let mut by_id: std::collections::BTreeMap<&str, Vec<&PackageMatch>> = Default::default();
    for m in kept {
        by_id.entry(m.vuln.id.as_str()).or_default().push(m);
    }
    let mut vulns = Vec::new();
    for (id, ms) in by_id {
        let v = &ms[0].vuln;
        let mut affects: Vec<String> = ms
            .iter()
            .filter_map(|m| refs.get(&inv.packages[m.package].purl).cloned())
            .collect();
        affects.sort();
        affects.dedup();
        if affects.is_empty() {
            continue;
        }
        let ratings: Vec<serde_json::Value> = v
            .severity
            .iter()
            .filter_map(|s| {
                let score = bosun_vuln::severity::base_score(s)?;
                let method = match score.version {
                    "3.1" => "CVSSv31",
                    "4.0" => "CVSSv4",
                    _ => "CVSSv3",
                };
                Some(serde_json::json!({
                    "score": score.value,
                    "severity": bosun_vuln::severity::rating(score.value),
                    "method": method,
                    "vector": s.score,
                }))
            })
            .collect();
        let mut e = serde_json::json!({
            "bom-ref": format!("vuln:{id}"),
            "id": id,
            "source": {"name": "OSV", "url": format!("https://osv.dev/vulnerability/{id}")},
            "affects": affects.iter().map(|r| serde_json::json!({"ref": r})).collect::<Vec<_>>(),
        });
        if !v.aliases.is_empty() {
            e["references"] = v
                .aliases
                .iter()
                .map(|a| serde_json::json!({"id": a, "source": {"name": alias_source(a)}}))
                .collect();
        }
        if !ratings.is_empty() {
            e["ratings"] = ratings.into();
        }
        if !v.summary.is_empty() {
            e["description"] = v.summary.clone().into();
        }
        if let Some(f) = &v.fixed {
            e["recommendation"] = format!("upgrade to {f}").into();
        }
        vulns.push(e);
    }
    doc["vulnerabilities"] = vulns.into();
    Ok(doc)
}

/// The database an alias id comes from (`CVE-` NVD, `GHSA-` GitHub, else OSV).
fn alias_source(id: &str) -> &'static str {
    if id.starts_with("CVE-") {
        "NVD"
    } else if id.starts_with("GHSA-") {
        "GitHub"
    } else {
        "OSV"
    }
}
