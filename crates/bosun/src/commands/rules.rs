//! `bosun rules` (the catalogue of every area) and `bosun rule CODE` (one rule's page).

use crate::cli::{RuleArgs, RulesArgs};
use crate::ExitStatus;
use bosun_diagnostics::{rule_page, FixAvailability, Registered};
use std::io::Write;

/// One line of `bosun rules --format json`.
#[derive(serde::Serialize)]
struct RuleEntry<'a> {
    code: &'a str,
    name: &'a str,
    /// `lint`, `image` or `audit`: the command that runs the rule.
    area: &'a str,
    /// The family inside the area (`hadolint`, `buildkit`, `security`, `image`, ...).
    group: &'a str,
    aliases: &'a [&'a str],
    severity: &'a str,
    fixable: bool,
    /// `false` for opt-in rules.
    enabled_by_default: bool,
    summary: &'a str,
}

/// `lint/hadolint`, or just the area when the group is the area.
fn area_column(r: &Registered) -> String {
    let m = r.meta;
    if m.group == m.area.as_str() {
        m.area.to_string()
    } else {
        format!("{}/{}", m.area, m.group)
    }
}

pub fn run_rules(args: &RulesArgs) -> anyhow::Result<ExitStatus> {
    let registry = bosun_rules::registry();
    let rules: Vec<Registered> = match &args.area {
        Some(area) => registry.select(area)?,
        None => registry.rules().to_vec(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format.trim() {
        "json" => {
            let entries: Vec<RuleEntry<'_>> = rules
                .iter()
                .map(|r| RuleEntry {
                    code: r.meta.code,
                    name: r.meta.name,
                    area: r.meta.area.as_str(),
                    group: r.meta.group,
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
            let areas: Vec<String> = rules.iter().map(area_column).collect();
            let name_w = rules.iter().map(|r| r.meta.name.len()).max().unwrap_or(4);
            let code_w = rules.iter().map(|r| r.meta.code.len()).max().unwrap_or(4);
            let area_w = areas.iter().map(String::len).max().unwrap_or(4).max(4);
            writeln!(
                out,
                "{:code_w$}  {:name_w$}  {:area_w$}  {:8}  {:3}  SUMMARY",
                "CODE", "NAME", "AREA", "SEVERITY", "FIX"
            )?;
            for (r, area) in rules.iter().zip(&areas) {
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
                    "{:code_w$}  {:name_w$}  {area:area_w$}  {:8}  {:3}  {summary}",
                    m.code,
                    m.name,
                    m.severity.as_str(),
                    fix
                )?;
            }
            writeln!(
                out,
                "\n{} rules. `bosun rule CODE` shows one rule's page.",
                rules.len()
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
    let Some(rule) = bosun_rules::registry().find(&args.code) else {
        anyhow::bail!(
            "unknown rule `{}` (see `bosun rules` for the codes, names and aliases)",
            args.code
        );
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(rule_page(rule).as_bytes())?;
    out.flush()?;
    Ok(ExitStatus::Clean)
}
