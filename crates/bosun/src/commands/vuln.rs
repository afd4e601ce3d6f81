//! `bosun vuln TARGET`: catalogue an image or a directory (as `bosun sbom` does) or
//! read an SBOM file, match every package against the local database, and render
//! one finding per (vulnerability, package).

use crate::cli::{VulnArgs, VulnFormat};
use crate::commands::db::db_path;
use crate::commands::output::{fails, failure_threshold, use_color, write_frameless_text};
use crate::commands::sbom::{attest_key, catalog_target_subject};
use crate::ExitStatus;
use bosun_diagnostics::render::{self, ToolInfo};
use bosun_diagnostics::{Finding, Location, Severity};
use bosun_sbom::Inventory;
use bosun_vuln::scan::scan;
use bosun_vuln::{SchemeOrder, Store, VulnMatch};
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
    let key = attest_key(args.attest, args.key.as_deref())?;
    // The database first: a missing one fails before minutes of cataloguing.
    let store = Store::open(&db_path(args.db.as_deref())?)?;
    let (inv, subject) = inventory(args)?;
    let result = scan(&store, &inv.packages, inv.distro.as_ref(), &SchemeOrder)?;

    let image = (inv.target.kind == "image").then(|| inv.target.name.clone());
    let mut seen = BTreeSet::new();
    let mut findings = Vec::new();
    for m in &result.matches {
        if args.ignore_unfixed && m.vuln.is_unfixed() {
            continue;
        }
        let pkg = &inv.packages[m.package];
        let purl = package_id(pkg);
        if !seen.insert((m.vuln.id.clone(), purl.clone())) {
            continue;
        }
        let location = Location::Package {
            purl,
            image: image.clone(),
            path: pkg.locations.first().map(|l| l.path.clone()),
        };
        findings.push(finding(&m.vuln, &pkg.name, &pkg.version, location));
    }
    findings.sort_by_key(|f| (f.sort_key(), f.message.clone()));

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
            &crate::commands::image::open_options(&args.source)?.registry,
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
            if result.not_covered > 0 {
                writeln!(
                    out,
                    "{} package{} not checked (no advisory source for their ecosystem or distribution)",
                    result.not_covered,
                    if result.not_covered == 1 { "" } else { "s" }
                )?;
            }
        }
        VulnFormat::Json => render::render_json(&mut out, &findings)?,
        VulnFormat::Sarif => render::render_sarif(&mut out, &findings, &[], &ToolInfo::default())?,
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
pub(crate) fn package_id(pkg: &bosun_sbom::Package) -> String {
    if pkg.purl.is_empty() {
        format!("{}@{}", pkg.name, pkg.version)
    } else {
        pkg.purl.clone()
    }
}

/// An SBOM file (detected by content: a JSON document) or anything `bosun sbom`
/// catalogues.
fn inventory(args: &VulnArgs) -> anyhow::Result<(Inventory, Option<bosun_oci::Digest>)> {
    let path = Path::new(&args.target);
    if !args.target.starts_with("dir:") && path.is_file() && looks_like_json(path)? {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let inv = bosun_sbom::read::read(&bytes)
            .map_err(|e| anyhow::anyhow!("cannot read SBOM {}: {e}", path.display()))?;
        return Ok((inv, None));
    }
    catalog_target_subject(&args.target, &args.source)
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

fn finding(v: &VulnMatch, name: &str, version: &str, location: Location) -> Finding {
    let mut message = format!("{name} {version}: {}", v.id);
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
