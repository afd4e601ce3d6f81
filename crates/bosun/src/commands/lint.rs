//! `bosun lint [PATH...]`: find Dockerfiles, lint them in parallel, render the findings.
//!
//! Exit status: 0 clean, 1 a finding at or above `--failure-threshold` (default
//! warning), 2 a usage error or an input that could not be linted (each such input
//! gets one `bosun: <path>: <reason>` line on stderr; the other files are still
//! linted and reported).

use super::output::{fails, failure_threshold, use_color};
use crate::cli::{LintArgs, OutputFormat};
use crate::ExitStatus;
use bosun_diagnostics::render::{self, Sources, TextOptions, ToolInfo};
use bosun_diagnostics::{Finding, RuleMeta};
use bosun_lint::config::{Config, ConfigCache, Threshold};
use bosun_lint::discover::{self, InputError, SourceFile, Target};
use bosun_lint::fix::{self, FixOptions};
use bosun_lint::{LintInput, LintOptions, Linter, RuleSet};
use rayon::prelude::*;
use std::io::Write;

/// One linted file.
struct Linted {
    file: SourceFile,
    findings: Vec<Finding>,
    /// What `--fix` / `--diff` / `--pin-digests` did.
    fixes: FixInfo,
    /// The failure threshold for this file (`None`: never fail).
    threshold: Option<bosun_diagnostics::Severity>,
}

/// What fixing one file did.
#[derive(Default)]
struct FixInfo {
    /// `--diff`: the unified diff (empty when nothing changes).
    diff: String,
    /// Fixes applied.
    fixed: usize,
    pinned: Vec<(String, String)>,
    pin_failed: Vec<(String, String)>,
}

pub fn run(args: &LintArgs) -> anyhow::Result<ExitStatus> {
    let threshold = failure_threshold(args.output.failure_threshold.as_deref())?;
    let color = use_color(&args.output.color)?;
    let options = LintOptions {
        select: bosun_lint::rules::buildkit::expand_selectors(&args.select),
        ignore: bosun_lint::rules::buildkit::expand_selectors(&args.ignore),
        ..Default::default()
    };
    if let Some(unknown) = RuleSet::unknown_selectors(&options).first() {
        anyhow::bail!("{unknown}");
    }
    // `--shellcheck`: one ShellCheck process per Dockerfile (bosun_lint::shellcheck).
    let shellcheck = args.shellcheck
        && if bosun_lint::shellcheck::available(bosun_lint::shellcheck::DEFAULT_PROGRAM) {
            true
        } else {
            eprintln!("bosun: --shellcheck: `shellcheck` is not installed; RUN scripts are not checked by it");
            false
        };

    if (args.unsafe_fixes || args.pin_digests) && !(args.fix || args.diff) {
        anyhow::bail!("--unsafe-fixes and --pin-digests work with --fix or --diff");
    }
    // Configuration (bosun.toml / .hadolint.yaml, docs/configuration.md): found per
    // file, each read once; a bad file stops the run with its position (exit 2).
    let configs = ConfigCache::new(args.config.as_deref()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let cli_select = bosun_lint::rules::buildkit::expand_selectors(&args.select);
    let cli_ignore = bosun_lint::rules::buildkit::expand_selectors(&args.ignore);
    let fix_options = FixOptions {
        unsafe_fixes: args.unsafe_fixes,
        ..Default::default()
    };

    let (targets, mut errors) = discover::discover(&args.paths);
    let mut file_configs = Vec::with_capacity(targets.len());
    for target in &targets {
        let path = match target {
            Target::File(p) => Some(p.as_path()),
            Target::Stdin => None,
        };
        file_configs.push(configs.for_file(path).map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    for c in configs.loaded() {
        for w in &c.warnings {
            eprintln!(
                "bosun: warning: {}",
                bosun_diagnostics::render::escape_control(&w.to_string())
            );
        }
    }
    let results: Vec<Result<Linted, InputError>> = targets
        .par_iter()
        .zip(file_configs.par_iter())
        .map(|(target, config)| {
            let mut file = match target {
                Target::Stdin => discover::load_reader(std::io::stdin().lock())?,
                Target::File(path) => discover::load_file(path)?,
            };
            let linter = file_linter(config, target, &cli_select, &cli_ignore);
            let file_threshold =
                config_threshold(config, args.output.failure_threshold.is_some(), threshold);
            let (mut findings, fixes) = if args.fix || args.diff {
                fix_one(args, &linter, target, &mut file, &fix_options)?
            } else {
                let found = linter.lint(LintInput {
                    path: &file.path,
                    source: &file.text,
                    build: &file.build,
                });
                (found, FixInfo::default())
            };
            if shellcheck {
                match bosun_lint::shellcheck::check_source(
                    bosun_lint::shellcheck::DEFAULT_PROGRAM,
                    &file.path,
                    &file.text,
                    &linter.options().settings,
                ) {
                    Ok(mut found) => {
                        findings.append(&mut found);
                        bosun_lint::sort_findings(&mut findings);
                    }
                    Err(e) => eprintln!(
                        "bosun: {}",
                        bosun_diagnostics::render::escape_control(&format!("{}: {e}", file.path))
                    ),
                }
            }
            Ok(Linted {
                file,
                findings,
                fixes,
                threshold: file_threshold,
            })
        })
        .collect();
    let mut linted = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(l) => linted.push(l),
            Err(e) => errors.push(e),
        }
    }
    {
        let stderr = std::io::stderr();
        let mut err = stderr.lock();
        for e in &errors {
            writeln!(err, "bosun: {e}")?;
        }
    }

    // --fix / --diff / --pin-digests: what changed (stderr), the diffs (stdout).
    let mut pin_failed = false;
    {
        let stderr = std::io::stderr();
        let mut err = stderr.lock();
        for l in &linted {
            for (image, why) in &l.fixes.pin_failed {
                pin_failed = true;
                writeln!(err, "bosun: {}: cannot pin {image}: {why}", l.file.path)?;
            }
            for (image, digest) in &l.fixes.pinned {
                writeln!(err, "bosun: {}: pinned {image} to {digest}", l.file.path)?;
            }
        }
        if args.fix && !args.diff {
            let fixed: usize = linted.iter().map(|l| l.fixes.fixed).sum();
            let files = linted
                .iter()
                .filter(|l| l.fixes.fixed > 0 || !l.fixes.pinned.is_empty())
                .count();
            writeln!(err, "bosun: fixed {fixed} problem(s) in {files} file(s)")?;
        }
    }
    if args.diff {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let mut changed = false;
        for l in &linted {
            if !l.fixes.diff.is_empty() {
                changed = true;
                out.write_all(l.fixes.diff.as_bytes())?;
            }
        }
        out.flush()?;
        return Ok(if !errors.is_empty() || pin_failed {
            ExitStatus::Error
        } else if changed {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        });
    }

    let files = linted.len();
    let mut findings: Vec<Finding> = Vec::new();
    let mut sources = Sources::new();
    let mut failing = false;
    for l in linted {
        failing |= fails(&l.findings, l.threshold);
        if !l.findings.is_empty() {
            sources.insert(l.file.path.clone(), l.file.text);
        }
        findings.extend(l.findings);
    }
    bosun_lint::sort_findings(&mut findings);

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.output.format {
        OutputFormat::Text => {
            render::render_text(
                &mut out,
                &findings,
                &sources,
                TextOptions {
                    color,
                    frames: true,
                },
            )?;
            writeln!(out, "{}", render::summary_line(&findings, files))?;
        }
        OutputFormat::Json => render::render_json(&mut out, &findings)?,
        OutputFormat::Sarif => {
            let metas: Vec<&RuleMeta> = bosun_lint::rules::RULES.iter().map(|r| r.meta).collect();
            render::render_sarif(&mut out, &findings, &metas, &ToolInfo::default())?;
        }
    }
    out.flush()?;

    Ok(if !errors.is_empty() || pin_failed {
        ExitStatus::Error
    } else if failing {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// Lints the Dockerfiles found under `paths` with each file's discovered configuration,
/// as `bosun lint` without flags: the findings (sorted), the text of every file with
/// findings (for code frames) and how many files were linted. An input that cannot be
/// read, or a bad configuration file, is an error.
pub(crate) fn lint_paths(
    paths: &[std::path::PathBuf],
) -> anyhow::Result<(Vec<Finding>, Sources, usize)> {
    let (targets, errors) = discover::discover(paths);
    if let Some(e) = errors.first() {
        anyhow::bail!("{e}");
    }
    let configs = ConfigCache::new(None).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut findings = Vec::new();
    let mut sources = Sources::new();
    for target in &targets {
        let Target::File(path) = target else {
            anyhow::bail!("standard input cannot be scanned");
        };
        let config = configs
            .for_file(Some(path))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let file = discover::load_file(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        let found = file_linter(&config, target, &[], &[]).lint(LintInput {
            path: &file.path,
            source: &file.text,
            build: &file.build,
        });
        if !found.is_empty() {
            sources.insert(file.path.clone(), file.text);
        }
        findings.extend(found);
    }
    bosun_lint::sort_findings(&mut findings);
    Ok((findings, sources, targets.len()))
}

/// The linter for one file: its config's selection (with the `[[overrides]]` matching
/// it), then the command line's `--select` (replaces) and `--ignore` (adds).
fn file_linter(config: &Config, target: &Target, select: &[String], ignore: &[String]) -> Linter {
    let here = std::path::PathBuf::from(".");
    let at = match target {
        Target::File(p) => p,
        Target::Stdin => &here,
    };
    let mut options = config.options_for(at);
    if !select.is_empty() {
        options.select = select.to_vec();
    }
    options.ignore.extend(ignore.iter().cloned());
    Linter::new(options)
}

/// `--failure-threshold` wins; else the config's `failure-threshold`; `no-fail` never
/// fails.
fn config_threshold(
    config: &Config,
    from_cli: bool,
    cli: Option<bosun_diagnostics::Severity>,
) -> Option<bosun_diagnostics::Severity> {
    if config.no_fail {
        return None;
    }
    if from_cli {
        return cli;
    }
    match config.failure_threshold {
        Some(Threshold::Never) => None,
        Some(Threshold::At(s)) => Some(s),
        None => cli,
    }
}

/// `--fix` / `--diff` for one file: fix (and pin), write atomically (or make the diff),
/// and return the findings of the result. `file.text` becomes the fixed text.
fn fix_one(
    args: &LintArgs,
    linter: &Linter,
    target: &Target,
    file: &mut SourceFile,
    options: &FixOptions,
) -> Result<(Vec<Finding>, FixInfo), InputError> {
    let mut resolve = |image: &str| pin_resolver(image, &args.insecure_registries);
    let pin: Option<fix::Resolver<'_>> = if args.pin_digests {
        Some(&mut resolve)
    } else {
        None
    };
    let out = fix::fix_file(linter, &file.path, &file.text, &file.build, options, pin);
    let mut info = FixInfo {
        fixed: out.applied.len(),
        pinned: out.pinned,
        pin_failed: out.pin_failed,
        ..Default::default()
    };
    if args.diff {
        info.diff = fix::unified_diff(&file.path, &file.text, &out.fixed);
    } else if out.fixed != file.text {
        match target {
            Target::File(p) => fix::write_atomic(p, &out.fixed).map_err(|e| InputError {
                path: file.path.clone(),
                reason: format!("cannot write the fixed file: {e}"),
            })?,
            Target::Stdin => {
                return Err(InputError {
                    path: file.path.clone(),
                    reason: "--fix cannot write to standard input (use --diff)".into(),
                })
            }
        }
        file.text = out.fixed;
    }
    Ok((out.findings, info))
}

/// `--pin-digests`: the manifest digest of `image` from its registry (plain HTTP for the
/// `--insecure-registry` hosts; credentials from the Docker config).
fn pin_resolver(image: &str, insecure: &[String]) -> Result<String, String> {
    let reference = bosun_oci::Reference::parse(image).map_err(|e| e.to_string())?;
    let options = bosun_oci::RegistryOptions {
        insecure: insecure.iter().any(|r| r == &reference.registry),
        ..Default::default()
    };
    bosun_oci::resolve_digest(image, &options)
        .map(|d| d.to_string())
        .map_err(|e| e.to_string())
}
