//! Glue to `bosun_oci`: runs the checks over an opened image in its one streaming walk.
//! (The checks themselves never see `bosun_oci` types.)

use crate::{Entry, EntryKind, HistoryEntry, ImageMeta, Inspector, LayerInfo, LayerScan, Report};
use bosun_oci::{Body, EntryMeta, Image, LayerVisitor, WalkOptions, Want, Whiteout};
use std::sync::{Arc, Mutex};

/// The checks' view of an image config.
pub fn image_meta(name: &str, image: &Image) -> ImageMeta {
    let c = &image.config.config;
    ImageMeta {
        name: name.to_string(),
        user: c.user.clone(),
        env: c.env.clone(),
        labels: c.labels.clone(),
        cmd: c.cmd.clone().unwrap_or_default(),
        entrypoint: c.entrypoint.clone().unwrap_or_default(),
        exposed_ports: c.exposed_ports.keys().cloned().collect(),
        volumes: c.volumes.keys().cloned().collect(),
        healthcheck: c.healthcheck.as_ref().map(|h| h.test.clone()),
        history: image
            .config
            .history
            .iter()
            .map(|h| HistoryEntry {
                created_by: h.created_by.as_deref().map(Arc::from),
                empty_layer: h.empty_layer,
            })
            .collect(),
    }
}

struct Visitor<'a> {
    scans: Vec<Mutex<LayerScan<'a>>>,
}

fn kind(k: &bosun_oci::EntryKind) -> (EntryKind, Option<&str>) {
    match k {
        bosun_oci::EntryKind::File => (EntryKind::File, None),
        bosun_oci::EntryKind::Dir => (EntryKind::Dir, None),
        bosun_oci::EntryKind::Symlink { target } => (EntryKind::Symlink, Some(target.as_str())),
        bosun_oci::EntryKind::Hardlink { target } => (EntryKind::Hardlink, Some(target.as_str())),
        _ => (EntryKind::Other, None),
    }
}

const STOCK_DEVICES: &[(&str, u32, u32)] = &[
    ("dev/null", 1, 3),
    ("dev/zero", 1, 5),
    ("dev/full", 1, 7),
    ("dev/random", 1, 8),
    ("dev/urandom", 1, 9),
    ("dev/tty", 5, 0),
    ("dev/console", 5, 1),
    ("dev/ptmx", 5, 2),
];

/// What makes an entry hostile (BSI124), if anything: no image builder writes these.
fn hostile(e: &EntryMeta) -> Option<&'static str> {
    let f = &e.path_flags;
    if f.escapes_root {
        return Some("path climbs out of the root");
    }
    if f.absolute {
        return Some("absolute path");
    }
    match &e.kind {
        // Root filesystems made by debootstrap/mmdebstrap ship the harmless character
        // devices every container gets anyway (`/dev/null` 1:3, `/dev/zero` 1:5,
        // `/dev/full` 1:7, `/dev/random` 1:8, `/dev/urandom` 1:9, `/dev/tty` 5:0,
        // `/dev/console` 5:1, `/dev/ptmx` 5:2); any other device node is hostile.
        bosun_oci::EntryKind::CharDevice { major, minor }
            if STOCK_DEVICES.contains(&(e.path.as_str(), *major, *minor)) =>
        {
            None
        }
        bosun_oci::EntryKind::CharDevice { .. } | bosun_oci::EntryKind::BlockDevice { .. } => {
            Some("device node")
        }
        bosun_oci::EntryKind::Hardlink { .. }
            if e.link_flags.escapes_root || e.link_flags.absolute =>
        {
            Some("hard link out of the root")
        }
        _ => None,
    }
}

fn entry(e: &EntryMeta) -> Entry<'_> {
    let (kind, link_target) = kind(&e.kind);
    Entry {
        path: &e.path,
        kind,
        mode: e.mode,
        size: e.size,
        link_target,
    }
}

impl<'a> Visitor<'a> {
    fn with<R>(&self, layer: usize, f: impl FnOnce(&mut LayerScan<'a>) -> R) -> Option<R> {
        let m = self.scans.get(layer)?;
        // A poisoned lock means a visitor panicked on another thread; keep going with
        // what was recorded rather than panic again.
        let mut g = m.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(f(&mut g))
    }
}

impl LayerVisitor for Visitor<'_> {
    fn wants(&self, e: &EntryMeta) -> Want {
        match &e.whiteout {
            Some(Whiteout::Invalid) => return Want::No,
            Some(_) => return Want::Meta,
            None => {}
        }
        if e.path.is_empty() {
            return Want::No;
        }
        if crate::wants_body(&entry(e)) {
            // Account files are kept only up to their cap: read no more of them.
            let cap = if matches!(e.path.as_str(), "etc/passwd" | "etc/shadow" | "etc/group") {
                crate::layer::MAX_ACCOUNT_FILE_BYTES as u64
            } else {
                e.size
            };
            Want::Body {
                max_bytes: e.size.min(cap),
            }
        } else {
            Want::Meta
        }
    }

    fn visit(&self, layer: &bosun_oci::LayerInfo, e: &EntryMeta, body: Option<Body<'_>>) {
        self.with(layer.index, |s| match &e.whiteout {
            Some(Whiteout::Delete { target }) => s.whiteout(target),
            Some(Whiteout::Opaque { dir }) => s.opaque(dir),
            Some(Whiteout::Invalid) => {}
            None => {
                if let Some(what) = hostile(e) {
                    let raw = match (&e.raw_path, e.path_flags.absolute) {
                        (Some(r), _) => r.clone(),
                        (None, true) => format!("/{}", e.path),
                        (None, false) => e.path.clone(),
                    };
                    s.hostile(&raw, what);
                }
                s.visit(&entry(e), body.map(|b| b.bytes))
            }
        });
    }
}

/// Runs every image check on `image` inside a walk that `walk` makes: it is handed the
/// checks as a [`LayerVisitor`] to put next to its own visitors (the SBOM's, when a
/// command needs both from one walk), and must walk every layer. Returns the checks'
/// report and what `walk` returned.
pub fn inspect_along<T>(
    name: &str,
    image: &Image,
    walk: impl FnOnce(&dyn LayerVisitor) -> bosun_oci::Result<T>,
) -> bosun_oci::Result<(Report, T)> {
    let inspector = Inspector::new(image_meta(name, image));
    let visitor = Visitor {
        scans: image
            .layers
            .iter()
            .map(|l| {
                Mutex::new(
                    inspector.layer(LayerInfo {
                        index: l.index,
                        digest: l.digest.to_string(),
                        // The history entry's one copy, shared.
                        created_by: l
                            .history_index
                            .and_then(|i| inspector.meta().history.get(i))
                            .and_then(|h| h.created_by.clone()),
                    }),
                )
            })
            .collect(),
    };
    let out = walk(&visitor)?;
    let scans = visitor
        .scans
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
        .collect();
    Ok((inspector.finish(scans), out))
}

/// Runs every image check on `image` (one walk of its layers). `name` is how findings
/// name the image.
pub fn inspect(name: &str, image: &Image, opts: &WalkOptions) -> bosun_oci::Result<Report> {
    let opts = WalkOptions {
        final_fs: false,
        ..opts.clone()
    };
    inspect_along(name, image, |checks| image.walk(&[checks], &opts)).map(|(r, _)| r)
}
