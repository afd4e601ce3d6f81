//! Image checks: pure functions of an image's config, its history and the entries of its
//! layers. The IO (reading archives, registries, verifying digests, decompressing) is
//! `bosun_oci`'s; this crate is fed.
//!
//! How it is driven:
//! 1. build an [`Inspector`] from the image's [`ImageMeta`] (config + history);
//! 2. for each layer, make a [`LayerScan`] with [`Inspector::layer`] and offer it every
//!    tar entry ([`LayerScan::visit`]), handing it the file body only when
//!    [`LayerScan::wants_body`] says so. Layers may be scanned in parallel: a `LayerScan`
//!    owns its state and only borrows the inspector;
//! 3. [`Inspector::finish`] takes the scans (any order) and returns the findings.
//!
//! Invariant: no IO here; nothing panics on input.

mod config;
mod content;
mod history;
mod layer;
pub mod oci;
mod passwd;
mod paths;
pub mod rules;
mod view;

use bosun_diagnostics::Finding;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use config::is_root_user;
pub use history::{parse_created_by, CreatedBy};
pub use layer::{wants_body, LayerScan};
pub use passwd::{parse_group, parse_passwd, parse_shadow, GroupEntry, PasswdEntry, ShadowEntry};
pub use rules::RULES;

/// The parts of an image config the checks read (`config.*` and `history`).
#[derive(Debug, Clone, Default)]
pub struct ImageMeta {
    /// The image as the user named it; used in every finding's location.
    pub name: String,
    pub user: Option<String>,
    pub env: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub cmd: Vec<String>,
    pub entrypoint: Vec<String>,
    /// Keys of `ExposedPorts`, e.g. `22/tcp`.
    pub exposed_ports: Vec<String>,
    /// Keys of `Volumes`.
    pub volumes: Vec<String>,
    /// `Healthcheck.Test`; `None` when the config has no healthcheck.
    pub healthcheck: Option<Vec<String>>,
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Shared with the image config's history and the layer it made.
    pub created_by: Option<Arc<str>>,
    pub empty_layer: bool,
}

/// One layer, as findings name it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerInfo {
    /// 0-based, base layer first.
    pub index: usize,
    /// The layer's digest (the blob digest; the diff id for uncompressed layers).
    pub digest: String,
    /// The history entry that made this layer, when known (shared with the history).
    pub created_by: Option<Arc<str>>,
}

/// What a tar entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Hardlink,
    /// Devices, fifos and anything else.
    Other,
}

/// One tar entry of a layer, as the checks see it.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Path inside the image, relative, without a leading `/` or `./`, no trailing `/`.
    pub path: &'a str,
    pub kind: EntryKind,
    /// Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000).
    pub mode: u32,
    pub size: u64,
    /// Symlink or hardlink target.
    pub link_target: Option<&'a str>,
}

/// Findings plus the secret candidates the allow-lists dropped (with the reason), so
/// that tests and `--verbose` output can show what was suppressed and why.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    /// What the caps left out: findings beyond [`MAX_FINDINGS_PER_RULE`] for one rule,
    /// and items beyond 1,000 of one kind in one layer, counted, never stored.
    pub omitted: Vec<Omitted>,
}

/// Findings of one rule kept in a report; the rest are counted in [`Report::omitted`].
pub const MAX_FINDINGS_PER_RULE: usize = 1000;

/// A count of findings or items a cap left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Omitted {
    /// What was left out (a rule code, or `layer N: world-writable entry`...).
    pub what: String,
    /// How many.
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub code: &'static str,
    pub layer_index: usize,
    pub path: String,
    /// What matched (never the value).
    pub what: String,
    /// Which allow rule dropped it.
    pub reason: &'static str,
}

/// Checks one image. Build it from the config, feed it the layers, then `finish`.
#[derive(Debug)]
pub struct Inspector {
    meta: ImageMeta,
    /// Secret values the config and history reveal (ARG and ENV values), searched for in
    /// file bodies: `echo "password=$DB_PASSWORD" > /etc/app.conf` leaves the value in a
    /// file that no pattern would judge a secret.
    known_values: Vec<KnownValue>,
    config_findings: Vec<Finding>,
}

#[derive(Debug, Clone)]
pub(crate) struct KnownValue {
    /// e.g. `build argument DB_PASSWORD`.
    pub(crate) origin: String,
    pub(crate) value: String,
}

impl Inspector {
    pub fn new(meta: ImageMeta) -> Inspector {
        let (config_findings, known) = config::check(&meta);
        Inspector {
            meta,
            known_values: known,
            config_findings,
        }
    }

    pub fn meta(&self) -> &ImageMeta {
        &self.meta
    }

    /// The `created_by` of each non-empty history entry, in order: layer `i` was made by
    /// element `i` when the counts agree (a squashed image's do not; then all `None`).
    pub fn layer_created_by(&self, layer_count: usize) -> Vec<Option<Arc<str>>> {
        let made: Vec<Option<Arc<str>>> = self
            .meta
            .history
            .iter()
            .filter(|h| !h.empty_layer)
            .map(|h| h.created_by.clone())
            .collect();
        if made.len() == layer_count {
            made
        } else {
            vec![None; layer_count]
        }
    }

    /// A scan for one layer.
    pub fn layer(&self, info: LayerInfo) -> LayerScan<'_> {
        LayerScan::new(self, info)
    }

    /// All findings, sorted: config findings first, then layer findings by path.
    pub fn finish(&self, scans: Vec<LayerScan<'_>>) -> Report {
        let mut layers: Vec<layer::LayerRecord> =
            scans.into_iter().map(LayerScan::into_record).collect();
        layers.sort_by_key(|l| l.info.index);
        let mut report = view::check_layers(&self.meta, &layers, &self.known_values);
        let mut findings = self.config_findings.clone();
        report.findings.sort_by_key(Finding::sort_key);
        findings.append(&mut report.findings);
        // Keep the first findings of each rule (in the sorted order), count the rest.
        let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
        findings.retain(|f| {
            let n = per_rule.entry(f.code.to_string()).or_insert(0);
            *n += 1;
            *n <= MAX_FINDINGS_PER_RULE
        });
        for (code, n) in per_rule {
            if n > MAX_FINDINGS_PER_RULE {
                report.omitted.push(Omitted {
                    what: format!("{code} findings"),
                    count: (n - MAX_FINDINGS_PER_RULE) as u64,
                });
            }
        }
        report.findings = findings;
        report
    }
}
