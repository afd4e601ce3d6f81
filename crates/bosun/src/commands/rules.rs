//! `bosun rules` (the catalogue) and `bosun rule CODE` (one rule's page).

use crate::cli::{RuleArgs, RulesArgs};
use crate::ExitStatus;
use bosun_diagnostics::FixAvailability;
use bosun_lint::rules::RULES;
use std::io::Write;

/// One line of `bosun rules --format json`.
#[derive(serde::Serialize)]
struct RuleEntry<'a> {
    code: &'a str,
    name: &'a str,
    aliases: &'a [&'a str],
    severity: &'a str,
    fixable: bool,
    /// `false` for opt-in rules.
    enabled_by_default: bool,
    summary: &'a str,
}

pub fn run_rules(args: &RulesArgs) -> anyhow::Result<ExitStatus> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format.trim() {
        "json" => {
            let entries: Vec<RuleEntry<'_>> = RULES
                .iter()
                .map(|r| RuleEntry {
                    code: r.meta.code,
                    name: r.meta.name,
                    aliases: r.meta.aliases,
                    severity: r.meta.severity.as_str(),
                    fixable: r.meta.fix != FixAvailability::None,
                    enabled_by_default: r.enabled_by_default,
                    summary: r.meta.summary,
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &entries)?;
            writeln!(out)?;
        }
        "text" => {
            let name_w = RULES.iter().map(|r| r.meta.name.len()).max().unwrap_or(4);
            let code_w = RULES.iter().map(|r| r.meta.code.len()).max().unwrap_or(4);
            writeln!(
                out,
                "{:code_w$}  {:name_w$}  {:8}  {:3}  SUMMARY",
                "CODE", "NAME", "SEVERITY", "FIX"
            )?;
            for r in RULES.iter() {
                let m = r.meta;
                let fix = if m.fix == FixAvailability::None {
                    ""
                } else {
                    "yes"
                };
                let summary = if r.enabled_by_default {
                    m.summary.to_string()
                } else {
                    format!("{} (opt-in)", m.summary)
                };
                writeln!(
                    out,
                    "{:code_w$}  {:name_w$}  {:8}  {:3}  {summary}",
                    m.code,
                    m.name,
                    m.severity.as_str(),
                    fix
                )?;
            }
            writeln!(
                out,
                "\n{} rules. `bosun rule CODE` shows one rule's page.",
                RULES.len()
            )?;
        }
        other => {
            anyhow::bail!("unknown format `{other}` for `bosun rules` (expected text or json)")
        }
    }
    out.flush()?;
    Ok(ExitStatus::Clean)
}

pub fn run_rule(args: &RuleArgs) -> anyhow::Result<ExitStatus> {
    let Some(rule) = bosun_lint::find_rule(&args.code) else {
        anyhow::bail!(
            "unknown rule `{}` (see `bosun rules` for the codes, names and aliases)",
            args.code
        );
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(bosun_lint::docs::rule_page(rule).as_bytes())?;
    out.flush()?;
    Ok(ExitStatus::Clean)
}
