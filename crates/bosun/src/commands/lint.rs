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
use bosun_lint::discover::{self, InputError, SourceFile, Target};
use bosun_lint::{LintInput, LintOptions, Linter, RuleSet};
use rayon::prelude::*;
use std::io::Write;

/// One linted file.
struct Linted {
    file: SourceFile,
    findings: Vec<Finding>,
}

pub fn run(args: &LintArgs) -> anyhow::Result<ExitStatus> {
    for (set, flag) in [
        (args.fix, "--fix"),
        (args.diff, "--diff"),
        (args.unsafe_fixes, "--unsafe-fixes"),
        (args.pin_digests, "--pin-digests"),
        (args.config.is_some(), "--config"),
    ] {
        if set {
            anyhow::bail!("{flag} is not available in this build yet");
        }
    }
    let threshold = failure_threshold(args.output.failure_threshold.as_deref())?;
    let color = use_color(&args.output.color)?;
    let options = LintOptions {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        ..Default::default()
    };
    if let Some(unknown) = RuleSet::unknown_selectors(&options).first() {
        anyhow::bail!("{unknown}");
    }
    let linter = Linter::new(options);
    // `--shellcheck`: one ShellCheck process per Dockerfile (bosun_lint::shellcheck).
    let shellcheck = args.shellcheck
        && if bosun_lint::shellcheck::available(bosun_lint::shellcheck::DEFAULT_PROGRAM) {
            true
        } else {
            eprintln!("bosun: --shellcheck: `shellcheck` is not installed; RUN scripts are not checked by it");
            false
        };

    let (targets, mut errors) = discover::discover(&args.paths);
    let results: Vec<Result<Linted, InputError>> = targets
        .par_iter()
        .map(|target| {
            let file = match target {
                Target::Stdin => discover::load_reader(std::io::stdin().lock())?,
                Target::File(path) => discover::load_file(path)?,
            };
            let mut findings = linter.lint(LintInput {
                path: &file.path,
                source: &file.text,
                build: &file.build,
            });
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
                    Err(e) => eprintln!("bosun: {}: {e}", file.path),
                }
            }
            Ok(Linted { file, findings })
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

    let files = linted.len();
    let mut findings: Vec<Finding> = Vec::new();
    let mut sources = Sources::new();
    for l in linted {
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

    Ok(if !errors.is_empty() {
        ExitStatus::Error
    } else if fails(&findings, threshold) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
