//! `bosun image IMAGE`: open the image (archive, layout, registry or daemon), walk its
//! layers once with the image checks, render the findings.

use crate::cli::{ImageArgs, OutputFormat, SourceArgs};
use crate::commands::output::{fails, failure_threshold, use_color, write_frameless_text};
use crate::ExitStatus;
use anyhow::Context;
use bosun_diagnostics::render::{self, ToolInfo};
use bosun_oci::{Credentials, Image, OpenOptions, Platform, Progress, WalkOptions};
use std::io::{IsTerminal, Write};
use std::sync::Arc;

/// An indicatif bar over the compressed bytes read, on stderr, only on a terminal and
/// outside CI.
pub(crate) struct Bar(pub(crate) indicatif::ProgressBar);

impl Progress for Bar {
    fn start(&self, total_bytes: u64, layers: usize) {
        self.0.set_length(total_bytes);
        self.0.set_message(format!("{layers} layers"));
    }
    fn advance(&self, _layer: usize, bytes: u64) {
        self.0.inc(bytes);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// A bar over the image's layer bytes, labelled `verb`, when [`progress_wanted`].
pub(crate) fn progress_bar(image: &Image, verb: &str) -> Option<Arc<Bar>> {
    progress_wanted().then(|| {
        let pb = indicatif::ProgressBar::new(image.total_layer_bytes());
        pb.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{{spinner}} {verb} {{msg}} {{bar:30}} {{bytes}}/{{total_bytes}} ({{eta}})"
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Arc::new(Bar(pb))
    })
}

pub(crate) fn progress_wanted() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false")
}

pub(crate) fn open_options(args: &SourceArgs) -> anyhow::Result<OpenOptions> {
    let mut opts = OpenOptions::default();
    if let Some(p) = args.platform.as_deref() {
        opts.platform =
            Some(Platform::parse(p).with_context(|| {
                format!("invalid --platform `{p}` (expected os/arch[/variant])")
            })?);
    }
    opts.registry.insecure = args.insecure;
    opts.registry.connect_timeout_secs = args.connect_timeout;
    opts.registry.idle_timeout_secs = args.idle_timeout;
    opts.registry.body_grace_secs = args.body_grace;
    opts.registry.min_body_bytes_per_sec = args.min_body_rate;
    if let Some(c) = args.creds.as_deref() {
        let (user, password) = c
            .split_once(':')
            .context("invalid --creds (expected USER:PASSWORD)")?;
        opts.registry.credentials = Some(Credentials {
            username: user.to_string(),
            password: password.to_string(),
        });
    }
    Ok(opts)
}

/// Opens `image`; the error is one line naming it.
pub(crate) fn open_image(image: &str, source: &SourceArgs) -> anyhow::Result<Image> {
    open_image_with(image, &open_options(source)?)
}

/// Opens `image` with these options; the error is one line naming it.
pub(crate) fn open_image_with(image: &str, opts: &OpenOptions) -> anyhow::Result<Image> {
    // One line per error: the source's error already says what and where.
    Image::open(image, opts).map_err(|e| anyhow::anyhow!("cannot open image {image}: {e}"))
}

/// Runs `walk` (one walk of `image`'s layers) with a progress bar labelled `verb` on a
/// terminal; a walk error is one line naming the image.
pub(crate) fn walk_with_progress<T>(
    name: &str,
    image: &Image,
    verb: &str,
    walk: impl FnOnce(&WalkOptions) -> bosun_oci::Result<T>,
) -> anyhow::Result<T> {
    let bar = progress_bar(image, verb);
    let opts = WalkOptions {
        progress: bar.clone().map(|b| b as Arc<dyn Progress>),
        ..WalkOptions::default()
    };
    let result = walk(&opts);
    if let Some(b) = &bar {
        b.0.finish_and_clear();
    }
    result.map_err(|e| anyhow::anyhow!("cannot read image {name}: {e}"))
}

/// Opens `image` and runs every image check in one walk of its layers, with a progress
/// bar on a terminal. Errors are one line naming the image.
pub(crate) fn open_and_inspect(
    image: &str,
    source: &SourceArgs,
) -> anyhow::Result<(Image, bosun_inspect::Report)> {
    let opened = open_image(image, source)?;
    let report = walk_with_progress(image, &opened, "reading", |walk| {
        bosun_inspect::oci::inspect(image, &opened, walk)
    })?;
    Ok((opened, report))
}

pub fn run(args: &ImageArgs) -> anyhow::Result<ExitStatus> {
    let threshold = failure_threshold(args.output.failure_threshold.as_deref())?;
    let color = use_color(&args.output.color)?;
    let (_, report) = open_and_inspect(&args.image, &args.source)?;
    let findings = report.findings;

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.output.format {
        OutputFormat::Text => {
            write_frameless_text(&mut out, &findings, color)?;
            for o in &report.omitted {
                writeln!(
                    out,
                    "{} more {} not shown (cap reached)",
                    o.count,
                    render::escape_control(&o.what)
                )?;
            }
            if !report.suppressed.is_empty() {
                writeln!(
                    out,
                    "{} secret candidate{} dropped by allow rules (test, example, documentation or package paths)",
                    report.suppressed.len(),
                    if report.suppressed.len() == 1 { "" } else { "s" }
                )?;
            }
        }
        OutputFormat::Json => render::render_json(&mut out, &findings)?,
        OutputFormat::Sarif => {
            let omitted: Vec<(String, u64)> = report
                .omitted
                .iter()
                .map(|o| (o.what.clone(), o.count))
                .collect();
            render::render_sarif_with_omitted(
                &mut out,
                &findings,
                bosun_inspect::RULES,
                &ToolInfo::default(),
                &omitted,
            )?;
        }
    }
    out.flush()?;
    Ok(if fails(&findings, threshold) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
