//! Glue to `bosun_oci`: a [`LayerVisitor`] that offers each layer entry to the
//! cataloguers and records what they found with the layer that held the file.
//! Reading happens in the walker; this module only reacts to entries.
//!
//! To catalogue an image in the same pass as other checks, put [`SbomVisitor`] next to
//! the other visitors in one [`Image::walk`] (with `final_fs: true`), then call
//! [`SbomVisitor::finish`]; [`catalog_image`] does exactly that and takes the extra
//! visitors as an argument.

use crate::catalog::{all_cataloguers, Cataloguer, FileMeta, ReadSeek, Sink};
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

    /// Offers one entry's body to the cataloguers and keeps what they found.
    fn take(&self, layer: &LayerInfo, e: &EntryMeta, input: Input<'_>) {
        let mut path = String::new();
        if !file_meta(e, &mut path) {
            return;
        }
        let f = FileMeta {
            path: &path,
            size: e.size,
            mode: e.mode,
        };
        let (finding, warnings) = offer_input(
            &self.cataloguers,
            &f,
            input,
            Some((layer.index, layer.digest.to_string())),
        );
        let mut g = self
            .found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        g.0.extend(finding);
        g.1.extend(warnings);
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
    offer_input(cataloguers, file, Input::Bytes(body, truncated), layer)
}

/// What a cataloguer is given: the bytes read, or a reader with random access.
enum Input<'a> {
    Bytes(&'a [u8], bool),
    Random(&'a mut dyn ReadSeek, bool),
}

fn offer_input(
    cataloguers: &[Box<dyn Cataloguer>],
    file: &FileMeta<'_>,
    mut input: Input<'_>,
    layer: Option<(usize, String)>,
) -> (Option<FileFinding>, Vec<Warning>) {
    let mut sink = Sink::default();
    let mut any = false;
    for c in cataloguers {
        if let Some(max) = c.wants(file) {
            any = true;
            match &mut input {
                Input::Bytes(body, truncated) => {
                    let n = usize::try_from(max).unwrap_or(usize::MAX).min(body.len());
                    let cut = *truncated || n < body.len();
                    c.parse(file, &body[..n], cut, &mut sink);
                }
                // Only random-access cataloguers are asked for a reader (see `wants`).
                Input::Random(body, truncated) => {
                    if body.seek(std::io::SeekFrom::Start(0)).is_ok() {
                        c.parse_random(file, &mut **body, *truncated, &mut sink);
                    }
                }
            }
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
        // Asked of every entry of every layer: the path buffer is reused per thread.
        thread_local! {
            static PATH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        PATH.with_borrow_mut(|path| {
            if !file_meta(e, path) {
                return Want::No;
            }
            let f = FileMeta {
                path,
                size: e.size,
                mode: e.mode,
            };
            let mut max = None;
            let mut random = true;
            for c in &self.cataloguers {
                if let Some(m) = c.wants(&f) {
                    max = Some(max.map_or(m, |x: u64| x.max(m)));
                    random &= c.random_access();
                }
            }
            match max {
                Some(max_bytes) if random => Want::Random { max_bytes },
                Some(max_bytes) => Want::Body { max_bytes },
                None => Want::No,
            }
        })
    }

    fn visit_random(
        &self,
        layer: &LayerInfo,
        e: &EntryMeta,
        body: &mut dyn bosun_oci::SeekRead,
        truncated: bool,
    ) {
        self.take(layer, e, Input::Random(&mut SeekReader(body), truncated));
    }

    fn visit(&self, layer: &LayerInfo, e: &EntryMeta, body: Option<Body<'_>>) {
        let (bytes, truncated) = body.map_or((&[][..], e.size > 0), |b| (b.bytes, b.truncated));
        self.take(layer, e, Input::Bytes(bytes, truncated));
    }
}

/// The walker's reader as the cataloguers' (`dyn SeekRead` is `Send`, `dyn ReadSeek`
/// need not be).
struct SeekReader<'a>(&'a mut dyn bosun_oci::SeekRead);

impl std::io::Read for SeekReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl std::io::Seek for SeekReader<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.0.seek(to)
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
            // Finalisation looks up only the files the cataloguers read.
            final_fs_wanted_only: true,
            ..opts.clone()
        },
    )?;
    let fs = summary.final_fs.take().unwrap_or_default();
    let target = Target {
        kind: "image".into(),
        name: name.to_string(),
        digest: Some(image.id().to_string()),
        // Content is verified when either hash anchored it: the blob digest (from the
        // manifest) or the diff ID (from the config).
        layers_verified: Some(
            summary
                .layers
                .iter()
                .all(|l| l.digest_verified || l.diff_id_verified),
        ),
    };
    let inv = visitor.finish(target, &fs);
    summary.final_fs = Some(fs);
    Ok((inv, summary))
}
