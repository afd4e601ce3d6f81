//! One self-contained HTML page: the summary and verdict, the image's layers as a bar
//! sized by bytes (with what each added), the findings by severity, the fix summary
//! and the policy's reasons.
//!
//! Self-contained: inline CSS and script, no URL of any other resource (links to rule
//! pages are plain anchors the reader may follow), and a `default-src 'none'` content
//! security policy so a browser fetches nothing while showing it. Every interpolated
//! string is escaped by `maud`; the report is redacted first ([`ScanReport::redacted`]).
//!
//! The page script does two small things: a text filter over the findings, and error
//! reporting: `window.onerror` adds an element `#script-error` with the message, and a
//! script that ran to its end sets `data-ready="1"` on `<body>`, so a headless browser's
//! DOM dump shows whether the page rendered cleanly.

use crate::{human_bytes, ScanReport, Stage};
use bosun_diagnostics::render::escape_control;
use bosun_diagnostics::{Finding, Severity};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use std::io::{self, Write};

const CSS: &str = r#"
:root { --crit:#7b1fa2; --err:#c62828; --warn:#ef6c00; --low:#f9a825; --info:#1565c0; --style:#607d8b; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem 2rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
.verdict { display: inline-block; padding: .3rem .8rem; border-radius: 4px; color: #fff; font-weight: 600; }
.verdict.pass { background: #2e7d32; } .verdict.fail { background: #c62828; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
.sev { font-weight: 600; text-transform: uppercase; font-size: 11px; }
.sev-critical { color: var(--crit); } .sev-error { color: var(--err); } .sev-warning { color: var(--warn); }
.sev-low { color: var(--low); } .sev-info { color: var(--info); } .sev-style { color: var(--style); }
.bar { display: flex; height: 2.2rem; border: 1px solid #999; border-radius: 3px; overflow: hidden; }
.bar .seg { min-width: 3px; border-right: 1px solid #fff; color: #fff; font-size: 11px; padding: 2px 4px; overflow: hidden; white-space: nowrap; }
.seg.l0 { background: #455a64; } .seg.l1 { background: #00796b; } .seg.l2 { background: #5d4037; } .seg.l3 { background: #303f9f; }
.skipped { color: #777; font-style: italic; }
details > summary { cursor: pointer; font-weight: 600; margin: .6rem 0; }
#filter { width: 20rem; padding: .3rem; margin: .5rem 0; }
#script-error { background: #c62828; color: #fff; padding: .5rem; }
"#;

const SCRIPT: &str = r#"
window.onerror = function (msg) {
  var e = document.getElementById('script-error') || document.createElement('div');
  e.id = 'script-error';
  e.textContent = 'script error: ' + msg;
  document.body.insertBefore(e, document.body.firstChild);
};
(function () {
  var rows = document.querySelectorAll('tr.finding');
  var input = document.getElementById('filter');
  if (input) {
    input.addEventListener('input', function () {
      var q = input.value.toLowerCase();
      rows.forEach(function (r) {
        r.style.display = r.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
      });
    });
  }
  document.body.setAttribute('data-findings', String(rows.length));
  document.body.setAttribute('data-ready', '1');
})();
"#;

/// Strings from images and files: redacted already; control characters shown escaped.
fn t(s: &str) -> String {
    escape_control(s).into_owned()
}

/// Writes the page.
pub fn render(w: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    let page = page(&report.redacted());
    w.write_all(page.into_string().as_bytes())?;
    writeln!(w)
}

fn page(r: &ScanReport) -> Markup {
    let failed = r.failed();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy"
                    content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "bosun scan: " (t(&r.targets.join(", "))) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 { "bosun scan" }
                    p.mono { (t(&r.targets.join(", "))) }
                    p { span id="verdict" class=(if failed { "verdict fail" } else { "verdict pass" }) { (r.verdict_line()) } }
                }
                (summary(r))
                @if let Some(img) = &r.image { (layers(img)) }
                (findings(r))
                @if !r.fixes.is_empty() { (fixes(r)) }
                @if let Some(p) = &r.policy {
                    section id="policy" {
                        h2 { "Policy" }
                        p { @if p.pass { "The policy passed." } @else { "The policy denied the image:" } }
                        @if !p.reasons.is_empty() {
                            ul { @for reason in &p.reasons { li { (t(reason)) } } }
                        }
                    }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

fn summary(r: &ScanReport) -> Markup {
    html! {
        section id="summary" {
            h2 { "Summary" }
            table {
                thead { tr {
                    th { "stage" } th.num { "findings" }
                    @for s in Severity::ALL.iter().rev() { th class=(format!("num sev sev-{}", s.as_str())) { (s.as_str()) } }
                    th { "what" }
                } }
                tbody {
                    @for s in &r.stages { (stage_row(s)) }
                }
            }
        }
    }
}

fn stage_row(s: &Stage) -> Markup {
    let counts = s.counts();
    html! {
        tr id=(format!("stage-{}", s.kind.as_str())) data-findings=(s.findings.len()) {
            td { (s.kind.title()) }
            @if let Some(why) = &s.skipped {
                td.skipped colspan="8" { "not run: " (t(why)) }
            } @else {
                td.num { (s.findings.len()) }
                @for sev in Severity::ALL.iter().rev() { td.num { (counts[sev]) } }
                td { (t(&s.note)) }
            }
        }
    }
}

fn layers(img: &crate::ImageSummary) -> Markup {
    let total: u64 = img.layers.iter().map(|l| l.size).sum::<u64>().max(1);
    html! {
        section id="layers" {
            h2 { "Image" }
            p {
                span.mono { (t(&img.name)) } " "
                span.mono { (t(&img.digest)) } br;
                "user: " span.mono { (img.user.as_deref().filter(|u| !u.is_empty()).map_or("(root: none set)".to_string(), t)) }
                " · " (img.layers.len()) " layers, " (human_bytes(total)) ", " (img.packages) " packages"
            }
            @if !img.labels.is_empty() {
                details { summary { "Labels (" (img.labels.len()) ")" }
                    table { @for (k, v) in &img.labels { tr.label { td.mono { (t(k)) } td.mono { (t(v)) } } } }
                }
            }
            div.bar title="layers, sized by bytes" {
                @for l in &img.layers {
                    // Width in per-mille of the image, at least visible.
                    div class=(format!("seg l{}", l.index % 4)) style=(format!("flex-grow:{}", l.size * 1000 / total))
                        title=(l.created_by.as_deref().map_or(String::new(), t)) {
                        (l.index) ": " (human_bytes(l.size))
                    }
                }
            }
            table {
                thead { tr { th.num { "#" } th.num { "size" } th.num { "packages" } th.num { "findings" } th { "created by" } } }
                tbody {
                    @for l in &img.layers {
                        tr.layer {
                            td.num { (l.index) }
                            td.num { (human_bytes(l.size)) }
                            td.num { (l.packages) }
                            td.num { (l.findings) }
                            td.mono { (l.created_by.as_deref().map_or(String::new(), t)) }
                        }
                    }
                }
            }
        }
    }
}

fn findings(r: &ScanReport) -> Markup {
    let all: Vec<(&Stage, &Finding)> = r
        .stages
        .iter()
        .flat_map(|s| s.findings.iter().map(move |f| (s, f)))
        .collect();
    html! {
        section id="findings" {
            h2 { "Findings (" (all.len()) ")" }
            @if all.is_empty() { p { "No findings." } }
            @else {
                input id="filter" type="search" placeholder="filter findings";
                @for sev in Severity::ALL.iter().rev() {
                    @let these: Vec<&(&Stage, &Finding)> = all.iter().filter(|(_, f)| f.severity == *sev).collect();
                    @if !these.is_empty() {
                        details open id=(format!("sev-{}", sev.as_str())) data-count=(these.len()) {
                            summary class=(format!("sev sev-{}", sev.as_str())) { (sev.as_str()) " (" (these.len()) ")" }
                            table {
                                thead { tr { th { "stage" } th { "code" } th { "message" } th { "where" } } }
                                tbody {
                                    @for (s, f) in these {
                                        tr.finding data-stage=(s.kind.as_str()) {
                                            td { (s.kind.as_str()) }
                                            td.mono {
                                                @if let Some(u) = f.help_url.as_deref().filter(|u| u.starts_with("https://")) { a href=(u) { (t(&f.code)) } }
                                                @else { (t(&f.code)) }
                                            }
                                            td { (t(&f.message)) }
                                            td.mono { (t(&f.location.short())) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn fixes(r: &ScanReport) -> Markup {
    html! {
        section id="fixes" {
            h2 { "Fix summary" }
            table {
                thead { tr { th { "package" } th { "installed" } th { "upgrade to" } th.num { "fixes" } th { "worst" } } }
                tbody {
                    @for f in &r.fixes {
                        tr.fix {
                            td.mono { (t(&f.package)) }
                            td.mono { (t(&f.installed)) }
                            td.mono { (t(&f.fixed_in)) }
                            td.num { (f.fixes) }
                            td class=(format!("sev sev-{}", f.severity.as_str())) { (f.severity.as_str()) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ImageSummary, LayerRow, StageKind};
    use bosun_diagnostics::Location;

    fn hostile_report() -> ScanReport {
        let f = Finding {
            code: "BSI<b>".into(),
            name: "x".into(),
            severity: Severity::Error,
            message: "label <script>alert(1)</script> & \"quotes\"".into(),
            location: Location::ImageConfig {
                image: "img</td>".into(),
                field: "config.Labels".into(),
            },
            fix: None,
            help_url: Some("javascript:\"><script>".into()),
            redact: Vec::new(),
        };
        ScanReport {
            schema_version: 1,
            targets: vec!["<img src=x onerror=alert(1)>".into()],
            image: Some(ImageSummary {
                name: "img".into(),
                digest: "sha256:00".into(),
                user: Some("<u>".into()),
                labels: [("<script>".to_string(), "</style>".to_string())].into(),
                layers: vec![LayerRow {
                    index: 0,
                    digest: "sha256:11".into(),
                    size: 10,
                    created_by: Some("RUN echo '<script>x</script>'\x1b[31m".into()),
                    packages: 1,
                    findings: 1,
                }],
                packages: 1,
            }),
            stages: vec![Stage::ran(StageKind::Image, "1 layer", vec![f])],
            fixes: Vec::new(),
            policy: None,
            failure_threshold: Some(Severity::Warning),
        }
    }

    #[test]
    fn untrusted_strings_are_escaped() {
        let mut out = Vec::new();
        render(&mut out, &hostile_report()).unwrap();
        let s = String::from_utf8(out).unwrap();
        // Exactly one script element: the page's own.
        assert_eq!(s.matches("<script").count(), 1, "{s}");
        assert_eq!(s.matches("</style>").count(), 1);
        assert!(s.contains("label &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
        assert!(s.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(s.contains("img&lt;/td&gt;"));
        assert!(
            s.contains("\\x1b[31m"),
            "control characters are shown escaped"
        );
        assert!(!s.contains('\x1b'));
        assert!(
            !s.contains("http://") && !s.contains("https://"),
            "no external URL"
        );
        assert!(!s.contains("id=\"fixes\""), "no fix section without data");
    }
}
