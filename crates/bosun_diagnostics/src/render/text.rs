//! Human text: `path:line:col: CODE [severity] message`, a code frame, the fix.

use super::{clean_finding, mask_with_offsets, neutralize_frame, redactions_for, Sources};
use crate::{Applicability, Finding, Location, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Effects, Style};
use std::collections::HashMap;
use std::io::{self, Write};

/// How to render text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// Emit ANSI colours (the caller decides: terminal, `NO_COLOR`, `--color`).
    pub color: bool,
    /// Show code frames under each finding whose file text is in the sources.
    pub frames: bool,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            frames: true,
        }
    }
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical | Severity::Error => {
            AnsiColor::BrightRed.on_default().effects(Effects::BOLD)
        }
        Severity::Warning => AnsiColor::BrightYellow.on_default().effects(Effects::BOLD),
        Severity::Low | Severity::Info => AnsiColor::BrightBlue.on_default().effects(Effects::BOLD),
        Severity::Style => AnsiColor::BrightGreen.on_default().effects(Effects::BOLD),
    }
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Critical | Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Low | Severity::Info => Level::INFO,
        Severity::Style => Level::NOTE,
    }
}

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

/// Writes every finding (in the order given) followed by nothing else; call
/// [`summary_line`] for the closing line.
pub fn render_text(
    w: &mut dyn Write,
    findings: &[Finding],
    sources: &Sources,
    options: TextOptions,
) -> io::Result<()> {
    let painter = Painter {
        color: options.color,
    };
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // Masked text per file, computed once per file from all of its findings and the
    // secret finder, with the offset map from the file's bytes to the masked text.
    type Masked = (String, Box<dyn Fn(usize) -> usize>);
    let mut masked: HashMap<&str, Masked> = HashMap::new();
    for raw in findings {
        let cleaned = clean_finding(raw, true);
        let finding = &cleaned;
        let header_loc = finding.location.short();
        writeln!(
            w,
            "{}: {} {} {}",
            painter.paint(Style::new().effects(Effects::BOLD), &header_loc),
            painter.paint(severity_style(finding.severity), &finding.code),
            painter.paint(
                severity_style(finding.severity),
                &format!("[{}]", finding.severity)
            ),
            finding.message
        )?;
        if options.frames {
            if let Location::File {
                path,
                span: Some(span),
            } = &raw.location
            {
                if let Some(text) = sources.get(path) {
                    let (text, at) = masked.entry(path.as_str()).or_insert_with(|| {
                        let mut ranges = redactions_for(findings, path);
                        ranges.extend(super::find_secrets(text));
                        let safe = neutralize_frame(text);
                        let (m, at) = mask_with_offsets(&safe, &ranges);
                        (m, Box::new(at))
                    });
                    let (start, end) = (at(span.start), at(span.end));
                    if start <= end && end <= text.len() {
                        let group = Group::with_level(level(finding.severity)).element(
                            Snippet::source(text.as_str())
                                .line_start(1)
                                .annotation(AnnotationKind::Primary.span(start..end)),
                        );
                        let frame = renderer.render(&[group]);
                        let frame = frame.trim_matches('\n');
                        if !frame.is_empty() {
                            writeln!(w, "{frame}")?;
                        }
                    }
                }
            }
        }
        if let Some(fix) = &finding.fix {
            let kind = match fix.applicability {
                Applicability::Safe => "fix",
                Applicability::Unsafe => "unsafe fix",
                Applicability::DisplayOnly => "suggestion",
            };
            writeln!(
                w,
                "  {} {}",
                painter.paint(
                    AnsiColor::BrightCyan.on_default().effects(Effects::BOLD),
                    &format!("= {kind}:")
                ),
                fix.title
            )?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// `Found 5 findings (1 error, 4 warning) in 3 files.` / `No findings in 3 files.`
pub fn summary_line(findings: &[Finding], files: usize) -> String {
    let files_text = if files == 1 {
        "1 file".to_string()
    } else {
        format!("{files} files")
    };
    if findings.is_empty() {
        return format!("No findings in {files_text}.");
    }
    let mut parts = Vec::new();
    for sev in Severity::ALL.iter().rev() {
        let n = findings.iter().filter(|f| f.severity == *sev).count();
        if n > 0 {
            parts.push(format!("{n} {sev}"));
        }
    }
    let noun = if findings.len() == 1 {
        "finding"
    } else {
        "findings"
    };
    format!(
        "Found {} {noun} ({}) in {files_text}.",
        findings.len(),
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Fix, FixAvailability, RuleMeta, Span};

    static RULE: RuleMeta = RuleMeta {
        code: "DL9999",
        name: "test-rule",
        area: crate::Area::Lint,
        group: "framework",
        aliases: &[],
        severity: Severity::Warning,
        fix: FixAvailability::Sometimes,
        summary: "a test rule",
        docs: "",
    };

    fn render(findings: &[Finding], sources: &Sources, color: bool) -> String {
        let mut out = Vec::new();
        render_text(
            &mut out,
            findings,
            sources,
            TextOptions {
                color,
                frames: true,
            },
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn header_frame_and_fix() {
        let src = "FROM alpine\nRUN apk add curl\nUSER app\n";
        let start = src.find("apk").unwrap();
        let span = Span::from_offsets(src, start, start + 12);
        let f = Finding::new(
            &RULE,
            "pin the versions",
            Location::file("Dockerfile", Some(span)),
        )
        .with_fix(Fix::safe("Add `--no-cache`", vec![]));
        let sources = Sources::from([("Dockerfile".to_string(), src.to_string())]);
        let out = render(&[f], &sources, false);
        assert!(
            out.starts_with("Dockerfile:2:5: DL9999 [warning] pin the versions\n"),
            "{out}"
        );
        assert!(out.contains("2 | RUN apk add curl"), "{out}");
        assert!(out.contains("^^^^^^^^^^^^"), "{out}");
        assert!(out.contains("= fix: Add `--no-cache`"), "{out}");
        assert!(
            !out.contains('\u{1b}'),
            "plain output has no escapes: {out}"
        );
        let colored = render(&[], &sources, true);
        assert!(colored.is_empty());
    }

    #[test]
    fn colour_only_when_asked() {
        let src = "FROM alpine\n";
        let f = Finding::new(
            &RULE,
            "m",
            Location::file("D", Some(Span::from_offsets(src, 0, 4))),
        );
        let sources = Sources::from([("D".to_string(), src.to_string())]);
        assert!(render(&[f], &sources, true).contains('\u{1b}'));
    }

    #[test]
    fn secrets_are_masked_in_every_frame_of_the_file() {
        let src = "FROM alpine\nENV API_TOKEN=s3cr3tvalue123 OTHER=1\n";
        let start = src.find("s3cr3t").unwrap();
        let end = start + "s3cr3tvalue123".len();
        let line2 = src.find("ENV").unwrap();
        let secret = Finding::new(
            &RULE,
            "secret in ENV",
            Location::file("D", Some(Span::from_offsets(src, start, end))),
        )
        .with_redaction(start..end);
        // Another finding on the same line must not leak it either.
        let other = Finding::new(
            &RULE,
            "other",
            Location::file("D", Some(Span::from_offsets(src, line2, src.len() - 1))),
        );
        let sources = Sources::from([("D".to_string(), src.to_string())]);
        let out = render(&[other, secret], &sources, false);
        assert!(!out.contains("s3cr3t"), "{out}");
        assert!(out.contains("API_TOKEN=**** OTHER=1"), "{out}");
        assert!(
            !out.contains("*****"),
            "the mask does not reveal the length: {out}"
        );
    }

    #[test]
    fn summary_counts_by_severity() {
        let f = |s| Finding::new(&RULE, "m", Location::file("D", None)).with_severity(s);
        let findings = [
            f(Severity::Error),
            f(Severity::Warning),
            f(Severity::Warning),
        ];
        assert_eq!(
            summary_line(&findings, 2),
            "Found 3 findings (1 error, 2 warning) in 2 files."
        );
        assert_eq!(summary_line(&[], 1), "No findings in 1 file.");
    }
}
