//! `bosun gate TARGET --policy FILE`: reads the policies, gathers what they need into a
//! `bosun_policy::GateReport` (image checks always; the SBOM, vulnerabilities and
//! signatures only when a policy needs them; lint of a given Dockerfile), decides, and
//! prints the verdict with every reason. Exit 0 pass, 1 deny, 2 error.
//!
//! [`gather`] then [`Policies::decide`] is the reusable "collect what the policy needs,
//! then decide" (used by `bosun promote`, and by any command that ends in a verdict).
//! With `--attest --key K` the verdict is signed as an in-toto attestation of predicate
//! type [`GATE_PREDICATE_TYPE`] and attached to the gated digest (`sha256-<hex>.att`).

use crate::cli::{GateArgs, GateFormat};
use crate::commands::attach::{self, safe};
use crate::commands::image::{open_image_with, open_options, walk_with_progress};
use crate::ExitStatus;
use anyhow::Context;
use bosun_diagnostics::Finding;
use bosun_oci::{Digest, Image, Source as ImageSource};
use bosun_policy::{
    normalize_registry, registry_of, GateReport, ImageFacts, Policy, RegoPolicy, Signature, Source,
    Target, Verdict, VulnStatus, Vulnerability,
};
use bosun_sbom::Inventory;
use bosun_sign::PublicKey;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The in-toto predicate type of a signed gate verdict (`bosun gate --attest`); the
/// predicate is `{"verdict": Verdict, "report": GateReport, "policies": [file names]}`
/// (see `docs/gate-report.md`).
pub const GATE_PREDICATE_TYPE: &str = "https://bosun.dev/gate/v1";

/// The policies given with `--policy`, read and compiled.
pub struct Policies {
    /// TOML policies, each with the folder its file is in (its key paths are relative
    /// to it).
    pub toml: Vec<(PathBuf, Policy)>,
    /// Rego policies.
    pub rego: Vec<RegoPolicy>,
    /// The files, as given.
    pub files: Vec<PathBuf>,
    /// What the Rego policies read: a policy that names `packages` or
    /// `vulnerabilities` gets them (Rego cannot declare its inputs; gathering too
    /// much costs time, too little would make its rules see `null`).
    rego_needs: Needs,
}

/// The optional data sources to gather.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    /// The SBOM (`packages`).
    pub packages: bool,
    /// Vulnerability matches (implies the SBOM).
    pub vulnerabilities: bool,
    /// Signature verification of the policies' `required_keys`.
    pub signatures: bool,
}

impl Needs {
    /// Both sets of needs.
    pub fn or(self, other: Needs) -> Needs {
        Needs {
            packages: self.packages || other.packages,
            vulnerabilities: self.vulnerabilities || other.vulnerabilities,
            signatures: self.signatures || other.signatures,
        }
    }
}

impl Policies {
    /// Reads and compiles every policy file: `*.rego` as Rego, anything else as TOML.
    /// Errors are one line naming the file (and line).
    pub fn read(paths: &[PathBuf]) -> anyhow::Result<Policies> {
        let mut out = Policies {
            toml: Vec::new(),
            rego: Vec::new(),
            files: paths.to_vec(),
            rego_needs: Needs::default(),
        };
        for path in paths {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read policy {name}: {e}"))?;
            if path.extension().is_some_and(|e| e == "rego") {
                out.rego.push(RegoPolicy::parse(&name, &text)?);
                out.rego_needs.packages |= text.contains("packages");
                out.rego_needs.vulnerabilities |= text.contains("vulnerabilities");
            } else {
                let dir = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_path_buf();
                out.toml.push((dir, Policy::parse(&name, &text)?));
            }
        }
        Ok(out)
    }

    /// What the policies read besides the image checks.
    pub fn needs(&self) -> Needs {
        let mut n = self.rego_needs;
        for (_, p) in &self.toml {
            for s in p.needs() {
                match s {
                    Source::Packages => n.packages = true,
                    Source::Vulnerabilities => n.vulnerabilities = true,
                    Source::Signatures => n.signatures = true,
                }
            }
        }
        n
    }

    /// Every `signatures.required_keys` entry as written, with the file it names
    /// (relative to its policy's folder). The same name meaning two files is an error.
    fn required_keys(&self) -> anyhow::Result<BTreeMap<String, PathBuf>> {
        let mut out: BTreeMap<String, PathBuf> = BTreeMap::new();
        for (dir, p) in &self.toml {
            for k in &p.signatures.required_keys {
                let path = dir.join(k);
                match out.get(k) {
                    Some(other) if other != &path => anyhow::bail!(
                        "signatures.required_keys: {} names both {} and {}; use distinct names",
                        safe(k),
                        other.display(),
                        path.display()
                    ),
                    _ => {
                        out.insert(k.clone(), path);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The verdict of every policy over `report`.
    pub fn decide(&self, report: &GateReport) -> anyhow::Result<Verdict> {
        let toml: Vec<Policy> = self.toml.iter().map(|(_, p)| p.clone()).collect();
        Ok(bosun_policy::decide(&toml, &self.rego, report)?)
    }
}

/// How [`gather`] reaches the image and its data.
pub struct GateOptions<'a> {
    /// How to open the image (platform, registry flags, credentials, limits); also
    /// how its signatures are read.
    pub open: bosun_oci::OpenOptions,
    /// A Dockerfile to lint; its findings join the report.
    pub dockerfile: Option<&'a Path>,
    /// The vulnerability database (default: as `bosun vuln`).
    pub db: Option<&'a Path>,
    /// Sources to gather even when no policy needs them (a command that shows them).
    pub also: Needs,
}

/// What [`gather`] learned: the report policies read, and the richer data it was made
/// from, for commands that show more than a verdict.
pub struct Gathered {
    /// The opened image (by digest when the target named one).
    pub image: Image,
    /// The report every policy reads.
    pub report: GateReport,
    /// The image checks' report (its findings are also in `report.findings`).
    pub inspection: bosun_inspect::Report,
    /// The SBOM, when gathered.
    pub inventory: Option<Inventory>,
    /// The vulnerability matches (indexes into `inventory.packages`), when gathered.
    pub vulns: Option<bosun_vuln::scan::ScanResult>,
}

/// Collects everything `policies` need (and `opts.also`) about `target` into a
/// [`GateReport`]: one walk of the layers serves the image checks and the SBOM;
/// vulnerabilities come from the local database (opened first, so a missing one fails
/// before any work); signatures are verified against the digest of the image opened,
/// with each `required_keys` key.
pub fn gather(target: &str, policies: &Policies, opts: &GateOptions) -> anyhow::Result<Gathered> {
    let needs = policies.needs().or(opts.also);
    let vuln_store = if needs.vulnerabilities {
        let path = crate::commands::db::db_path(opts.db)?;
        Some(bosun_vuln::Store::open(&path).map_err(|e| {
            anyhow::anyhow!("the vulnerability check needs a vulnerability database: {e}")
        })?)
    } else {
        None
    };
    let keys: Vec<(String, PublicKey)> = if needs.signatures {
        policies
            .required_keys()?
            .into_iter()
            .map(|(name, path)| {
                let key = attach::public_keys(std::slice::from_ref(&path))?
                    .pop()
                    .context("no key")?;
                Ok((name, key))
            })
            .collect::<anyhow::Result<_>>()?
    } else {
        Vec::new()
    };

    let image = open_image_with(target, &opts.open)?;
    let (inspection, inventory) = if needs.packages || needs.vulnerabilities {
        let (inspection, (inv, _)) = walk_with_progress(target, &image, "reading", |walk| {
            bosun_inspect::oci::inspect_along(target, &image, |checks| {
                bosun_sbom::oci::catalog_image(target, &image, walk, &[checks])
            })
        })?;
        (inspection, Some(inv))
    } else {
        let inspection = walk_with_progress(target, &image, "reading", |walk| {
            bosun_inspect::oci::inspect(target, &image, walk)
        })?;
        (inspection, None)
    };

    let digest = subject_digest(&image);
    let config = &image.config.config;
    let mut report = GateReport::new(
        Target {
            reference: target.to_string(),
            digest: digest.as_ref().map(ToString::to_string),
            registry: target_registry(target, &image),
        },
        ImageFacts {
            user: config.user.clone(),
            labels: config.labels.clone(),
        },
    );
    report.findings = inspection.findings.clone();
    if let Some(df) = opts.dockerfile {
        report
            .findings
            .extend(lint(df).with_context(|| format!("cannot lint {}", df.display()))?);
    }
    let mut vulns = None;
    if let Some(inv) = &inventory {
        if let Some(store) = &vuln_store {
            let result = bosun_vuln::scan::scan(
                store,
                &inv.packages,
                inv.distro.as_ref(),
                &bosun_vuln::SchemeOrder,
            )?;
            report.vulnerabilities = Some(vulnerabilities(inv, &result));
            vulns = Some(result);
        }
        if needs.packages {
            report.packages = Some(inv.packages.clone());
        }
    }
    if needs.signatures {
        report.signatures = Some(signatures(target, digest.as_ref(), &keys, opts)?);
    }
    Ok(Gathered {
        image,
        report,
        inspection,
        inventory,
        vulns,
    })
}

/// The digest a signature of this image signs: the index's when the name points at an
/// index, else the manifest's. `None` for a legacy docker archive (no manifest).
pub fn subject_digest(image: &Image) -> Option<Digest> {
    image
        .index_digest
        .clone()
        .or_else(|| image.manifest_digest.clone())
}

/// The gate's view of the matches: one entry per (vulnerability, package purl), sorted
/// by purl then id; informational notices (unmaintained, unsound) are not vulnerabilities.
fn vulnerabilities(inv: &Inventory, result: &bosun_vuln::scan::ScanResult) -> Vec<Vulnerability> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for m in &result.matches {
        if m.vuln.informational.is_some() {
            continue;
        }
        let purl = crate::commands::vuln::package_id(&inv.packages[m.package]);
        if !seen.insert((m.vuln.id.clone(), purl.clone())) {
            continue;
        }
        let status = match (&m.vuln.fixed, m.vuln.status.as_deref()) {
            (Some(_), _) => VulnStatus::Fixed,
            (None, Some("ignored" | "end-of-life")) => VulnStatus::WontFix,
            (None, _) => VulnStatus::NotFixed,
        };
        out.push(Vulnerability {
            id: m.vuln.id.clone(),
            aliases: m.vuln.aliases.clone(),
            purl,
            severity: crate::commands::vuln::severity(&m.vuln),
            fixed_version: m.vuln.fixed.clone(),
            status,
        });
    }
    out.sort_by(|a, b| (&a.purl, &a.id).cmp(&(&b.purl, &b.id)));
    out
}

/// The keys whose signature over `digest` verified.
fn signatures(
    target: &str,
    digest: Option<&Digest>,
    keys: &[(String, PublicKey)],
    opts: &GateOptions,
) -> anyhow::Result<Vec<Signature>> {
    let (Some(digest), Some(store)) = (digest, attach::image_store(target, &opts.open.registry)?)
    else {
        return Ok(Vec::new());
    };
    let public: Vec<PublicKey> = keys.iter().map(|(_, k)| k.clone()).collect();
    let (valid, _) = attach::valid_signatures(&store, digest, &public, &BTreeMap::new())?;
    let verified: BTreeSet<usize> = valid.iter().map(|v| v.key).collect();
    Ok(verified
        .into_iter()
        .map(|i| Signature {
            key: keys[i].0.clone(),
            fingerprint: Some(format!("sha256:{}", keys[i].1.fingerprint())),
        })
        .collect())
}

/// The registry the image is named after: the reference's for a registry source, else
/// the first full name (`registry/repo:tag`) the archive or layout gives it.
fn target_registry(target: &str, image: &Image) -> Option<String> {
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

fn lint(path: &Path) -> anyhow::Result<Vec<Finding>> {
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

/// Writes the verdict: text (one line, then every reason) or JSON (verdict and report).
pub fn write_verdict(
    out: &mut dyn Write,
    format: GateFormat,
    target: &str,
    verdict: &Verdict,
    report: &GateReport,
) -> anyhow::Result<()> {
    match format {
        GateFormat::Json => {
            serde_json::to_writer_pretty(
                &mut *out,
                &serde_json::json!({ "verdict": verdict, "report": report }),
            )?;
            writeln!(out)?;
        }
        GateFormat::Text => {
            let word = if verdict.pass { "PASS" } else { "DENY" };
            writeln!(
                out,
                "{word} {} ({} reason{})",
                safe(target),
                verdict.reasons.len(),
                if verdict.reasons.len() == 1 { "" } else { "s" }
            )?;
            for r in &verdict.reasons {
                writeln!(out, "  - {}", safe(&r.to_string()))?;
            }
        }
    }
    Ok(())
}

pub fn run(args: &GateArgs) -> anyhow::Result<ExitStatus> {
    let policies = Policies::read(&args.policies)?;
    if args.attest && args.key.is_none() {
        anyhow::bail!("--attest needs --key (the private key that signs the verdict)");
    }
    if args.key.is_some() && !args.attest {
        anyhow::bail!("--key names the key that signs the verdict; add --attest");
    }
    // The key first: a wrong password fails before any work.
    let key = args.key.as_deref().map(attach::signing_key).transpose()?;
    let gathered = gather(
        &args.target,
        &policies,
        &GateOptions {
            open: open_options(&args.source)?,
            dockerfile: args.dockerfile.as_deref(),
            db: args.db.as_deref(),
            also: Needs::default(),
        },
    )?;
    let report = &gathered.report;
    let verdict = policies.decide(report)?;

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_verdict(&mut out, args.format, &args.target, &verdict, report)?;
    out.flush()?;
    if let Some(key) = &key {
        attest_verdict(args, key, &policies, &gathered, &verdict)?;
    }
    Ok(if verdict.pass {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    })
}

/// Signs the verdict as an attestation and attaches it to the gated digest.
fn attest_verdict(
    args: &GateArgs,
    key: &bosun_sign::SigningKey,
    policies: &Policies,
    gathered: &Gathered,
    verdict: &Verdict,
) -> anyhow::Result<()> {
    let predicate = serde_json::json!({
        "verdict": verdict,
        "report": gathered.report,
        "policies": policies.files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
    });
    attach::attest_image(
        &args.target,
        &open_options(&args.source)?.registry,
        key,
        subject_digest(&gathered.image).as_ref(),
        GATE_PREDICATE_TYPE,
        predicate,
    )?;
    Ok(())
}
