//! `bosun gate TARGET --policy FILE`: reads the policies, gathers what they need into a
//! `bosun_policy::GateReport` (image checks, lint of a given Dockerfile; SBOM,
//! vulnerabilities and signatures once bosun can produce them), decides, and prints
//! the verdict with every reason. Exit 0 pass, 1 deny, 2 error.

use crate::cli::{GateArgs, GateFormat};
use crate::commands::image::open_and_inspect;
use crate::ExitStatus;
use anyhow::Context;
use bosun_oci::{Image, Source as ImageSource};
use bosun_policy::{
    decide, normalize_registry, registry_of, GateReport, ImageFacts, Policy, RegoPolicy, Source,
    Target,
};
use std::io::Write;
use std::path::Path;

/// The policies given with `--policy`, read and compiled.
pub(crate) struct Policies {
    pub(crate) toml: Vec<Policy>,
    pub(crate) rego: Vec<RegoPolicy>,
}

pub(crate) fn read_policies(paths: &[std::path::PathBuf]) -> anyhow::Result<Policies> {
    let mut out = Policies {
        toml: Vec::new(),
        rego: Vec::new(),
    };
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read policy {name}: {e}"))?;
        if path.extension().is_some_and(|e| e == "rego") {
            out.rego.push(RegoPolicy::parse(&name, &text)?);
        } else {
            out.toml.push(Policy::parse(&name, &text)?);
        }
    }
    Ok(out)
}

/// What the policies need that this build of bosun cannot produce yet: an error before
/// any work, never a silent pass.
fn unavailable(policies: &Policies, args: &GateArgs) -> anyhow::Result<()> {
    for p in &policies.toml {
        if let Some(&need) = p.needs().first() {
            let key = match need {
                Source::Packages => "image.banned_packages",
                Source::Vulnerabilities => "vulnerabilities.fail_on",
                Source::Signatures => "signatures.required_keys",
            };
            let why = match need {
                Source::Packages => "bosun cannot catalogue an image's packages yet",
                Source::Vulnerabilities => "bosun has no vulnerability matcher yet",
                Source::Signatures => "bosun cannot verify signatures yet",
            };
            anyhow::bail!("{key} needs {need}: {why}");
        }
    }
    if !args.keys.is_empty() {
        anyhow::bail!("--key needs signature verification: bosun cannot verify signatures yet");
    }
    if args.attest {
        anyhow::bail!("--attest needs signing: bosun cannot sign attestations yet");
    }
    Ok(())
}

/// The registry the image is named after: the reference's for a registry source, else
/// the first full name (`registry/repo:tag`) the archive or layout gives it.
pub(crate) fn target_registry(target: &str, image: &Image) -> Option<String> {
    if let Ok(ImageSource::Registry(r)) = ImageSource::parse(target) {
        return Some(normalize_registry(&r.registry));
    }
    // A bare tag (`latest`, an OCI layout's `ref.name`) names no registry.
    image
        .names
        .iter()
        .find(|n| n.contains('/'))
        .map(|n| registry_of(n))
}

fn lint(path: &Path) -> anyhow::Result<Vec<bosun_diagnostics::Finding>> {
    let file = bosun_lint::discover::load_file(path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let configs = bosun_lint::config::ConfigCache::new(None).map_err(|e| anyhow::anyhow!("{e}"))?;
    let config = configs
        .for_file(Some(path))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let linter = bosun_lint::Linter::new(config.options_for(path));
    Ok(linter.lint(bosun_lint::LintInput {
        path: &file.path,
        source: &file.text,
        build: &file.build,
    }))
}

/// Untrusted text (labels, users, package names, Rego messages) for a terminal: control
/// characters are shown escaped, never interpreted.
fn terminal_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn run(args: &GateArgs) -> anyhow::Result<ExitStatus> {
    let policies = read_policies(&args.policies)?;
    unavailable(&policies, args)?;

    let (image, inspected) = open_and_inspect(&args.target, &args.source)?;
    let config = &image.config.config;
    let mut report = GateReport::new(
        Target {
            reference: args.target.clone(),
            digest: image.manifest_digest.as_ref().map(ToString::to_string),
            registry: target_registry(&args.target, &image),
        },
        ImageFacts {
            user: config.user.clone(),
            labels: config.labels.clone(),
        },
    );
    report.findings = inspected.findings;
    if let Some(df) = &args.dockerfile {
        report
            .findings
            .extend(lint(df).with_context(|| format!("cannot lint {}", df.display()))?);
    }

    let verdict = decide(&policies.toml, &policies.rego, &report)?;

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        GateFormat::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({ "verdict": verdict, "report": report }),
            )?;
            writeln!(out)?;
        }
        GateFormat::Text => {
            let word = if verdict.pass { "PASS" } else { "DENY" };
            writeln!(
                out,
                "{word} {} ({} reason{})",
                terminal_safe(&args.target),
                verdict.reasons.len(),
                if verdict.reasons.len() == 1 { "" } else { "s" }
            )?;
            for r in &verdict.reasons {
                writeln!(out, "  - {}", terminal_safe(&r.to_string()))?;
            }
        }
    }
    out.flush()?;
    Ok(if verdict.pass {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    })
}
