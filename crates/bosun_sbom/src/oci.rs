//! Glue to `bosun_oci`: a [`LayerVisitor`] that offers each layer entry to the
//! cataloguers and records what they found with the layer that held the file.
//! Reading happens in the walker; this module only reacts to entries.
//!
//! To catalogue an image in the same pass as other checks, put [`SbomVisitor`] next to
//! the other visitors in one [`Image::walk`] (with `final_fs: true`), then call
//! [`SbomVisitor::finish`]; [`catalog_image`] does exactly that and takes the extra
//! visitors as an argument.

use crate::catalog::{all_cataloguers, Cataloguer, FileMeta, Sink};
use crate::inventory::{finalise, FileFinding, Inventory, Target, View};
use crate::Warning;
use bosun_oci::{
    Body, EntryKind, EntryMeta, FinalFs, Image, LayerInfo, LayerVisitor, WalkOptions, WalkSummary,
    Want,
};
use std::sync::Mutex;

/// Offers entries to cataloguers; collects [`FileFinding`]s and warnings.
pub struct SbomVisitor {
    cataloguers: Vec<Box<dyn Cataloguer>>,
    found: Mutex<(Vec<FileFinding>, Vec<Warning>)>,
}

impl SbomVisitor {
    /// The visitor for an image: every installed-evidence cataloguer (lock files are
    /// not read inside images, see [`Cataloguer::declared`]).
    pub fn for_image() -> SbomVisitor {
        SbomVisitor::with(
            all_cataloguers()
                .into_iter()
                .filter(|c| !c.declared())
                .collect(),
        )
    }

    /// A visitor with these cataloguers.
    pub fn with(cataloguers: Vec<Box<dyn Cataloguer>>) -> SbomVisitor {
        SbomVisitor {
            cataloguers,
            found: Mutex::new((Vec::new(), Vec::new())),
        }
    }

    /// The inventory, once the walk is over. `final_fs` must come from the same walk
    /// (run with `final_fs: true`).
    pub fn finish(self, target: Target, final_fs: &FinalFs) -> Inventory {
        let (found, warnings) = self
            .found
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        finalise(target, found, warnings, View::Image(final_fs))
    }
}

/// The cataloguers' view of an entry; `None` for what no cataloguer reads (not a
/// regular file, a whiteout).
fn file_meta(e: &EntryMeta, buf: &mut String) -> bool {
    if e.kind != EntryKind::File || e.whiteout.is_some() || e.path.is_empty() {
        return false;
    }
    buf.clear();
    buf.push('/');
    buf.push_str(&e.path);
    true
}

/// Runs every cataloguer that wants `file` on `body`; shared by the image visitor and
/// the directory walker.
pub fn offer(
    cataloguers: &[Box<dyn Cataloguer>],
    file: &FileMeta<'_>,
    body: &[u8],
    truncated: bool,
    layer: Option<(usize, String)>,
) -> (Option<FileFinding>, Vec<Warning>) {
    let mut sink = Sink::default();
    let mut any = false;
    for c in cataloguers {
        if let Some(max) = c.wants(file) {
            any = true;
            let n = usize::try_from(max).unwrap_or(usize::MAX).min(body.len());
            let cut = truncated || n < body.len();
            c.parse(file, &body[..n], cut, &mut sink);
            for p in &mut sink.packages[..] {
                if p.found_by.is_empty() {
                    p.found_by = c.name().to_string();
                }
            }
        }
    }
    if !any {
        return (None, sink.warnings);
    }
    (
        Some(FileFinding {
            path: file.path.to_string(),
            layer,
            packages: sink.packages,
            distro: sink.distro,
        }),
        sink.warnings,
    )
}

/// The most bytes any cataloguer wants of `file`.
pub fn wanted(cataloguers: &[Box<dyn Cataloguer>], file: &FileMeta<'_>) -> Option<u64> {
    cataloguers.iter().filter_map(|c| c.wants(file)).max()
}

impl LayerVisitor for SbomVisitor {
    fn wants(&self, e: &EntryMeta) -> Want {
        let mut path = String::new();
        if !file_meta(e, &mut path) {
            return Want::No;
        }
        let f = FileMeta {
            path: &path,
            size: e.size,
            mode: e.mode,
        };
        match wanted(&self.cataloguers, &f) {
            Some(max_bytes) => Want::Body { max_bytes },
            None => Want::No,
        }
    }

    fn visit(&self, layer: &LayerInfo, e: &EntryMeta, body: Option<Body<'_>>) {
        let mut path = String::new();
        if !file_meta(e, &mut path) {
            return;
        }
        let f = FileMeta {
            path: &path,
            size: e.size,
            mode: e.mode,
        };
        let (bytes, truncated) = body.map_or((&[][..], e.size > 0), |b| (b.bytes, b.truncated));
        let (finding, warnings) = offer(
            &self.cataloguers,
            &f,
            bytes,
            truncated,
            Some((layer.index, layer.digest.to_string())),
        );
        let mut g = self
            .found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        g.0.extend(finding);
        g.1.extend(warnings);
    }
}

/// Catalogues `image` in one walk of its layers, together with `extra` visitors (the
/// image checks, when a command needs both). `name` is how the user named the image.
pub fn catalog_image(
    name: &str,
    image: &Image,
    opts: &WalkOptions,
    extra: &[&dyn LayerVisitor],
) -> bosun_oci::Result<(Inventory, WalkSummary)> {
    let visitor = SbomVisitor::for_image();
    let mut visitors: Vec<&dyn LayerVisitor> = vec![&visitor];
    visitors.extend_from_slice(extra);
    let mut summary = image.walk(
        &visitors,
        &WalkOptions {
            final_fs: true,
            ..opts.clone()
        },
    )?;
    let fs = summary.final_fs.take().unwrap_or_default();
    let target = Target {
        kind: "image".into(),
        name: name.to_string(),
        digest: Some(image.id().to_string()),
    };
    let inv = visitor.finish(target, &fs);
    summary.final_fs = Some(fs);
    Ok((inv, summary))
}
