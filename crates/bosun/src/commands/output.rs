//! Shared output helpers: colour choice and the failure threshold.

use bosun_diagnostics::render::{self, Sources, TextOptions};
use bosun_diagnostics::{Finding, Severity};
use std::io::{IsTerminal, Write};

/// Whether to colour text written to stdout: `always`, `never`, or `auto` (a terminal,
/// `NO_COLOR` unset or empty, `TERM` not `dumb`).
pub fn use_color(flag: &str) -> anyhow::Result<bool> {
    match flag.trim().to_ascii_lowercase().as_str() {
        "always" => Ok(true),
        "never" => Ok(false),
        "auto" => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            Ok(!no_color && !dumb && std::io::stdout().is_terminal())
        }
        other => anyhow::bail!("unknown --color value `{other}` (expected auto, always or never)"),
    }
}

/// `--failure-threshold`: findings at or above it fail the run; `None` never fails.
pub fn failure_threshold(flag: Option<&str>) -> anyhow::Result<Option<Severity>> {
    match flag.map(str::trim) {
        None => Ok(Some(Severity::Warning)),
        Some(s) if s.eq_ignore_ascii_case("none") || s.eq_ignore_ascii_case("never") => Ok(None),
        Some(s) => s.parse::<Severity>().map(Some).map_err(|e| {
            anyhow::anyhow!("invalid --failure-threshold: {e} (or none to never fail)")
        }),
    }
}

/// True when a finding reaches the threshold.
pub fn fails(findings: &[Finding], threshold: Option<Severity>) -> bool {
    threshold.is_some_and(|t| findings.iter().any(|f| f.severity >= t))
}

/// Findings without code frames (image and package locations), then the summary line.
pub fn write_frameless_text(
    out: &mut dyn Write,
    findings: &[Finding],
    color: bool,
) -> std::io::Result<()> {
    render::render_text(
        out,
        findings,
        &Sources::new(),
        TextOptions {
            color,
            frames: false,
        },
    )?;
    writeln!(out, "{}", render::summary_line(findings, 1))
}
