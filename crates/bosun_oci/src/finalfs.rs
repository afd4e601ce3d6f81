//! The final filesystem view: which path shipped by which layer survives in the image,
//! and which were deleted (whiteouts) or overwritten by later layers.
//!
//! Layers are walked in parallel, each recording its paths; building the view then
//! applies them in layer order (opaque directories first, then explicit whiteouts, then
//! the layer's own entries, as `layer.md` specifies), so the result is deterministic.

use std::collections::{BTreeMap, HashSet};

use crate::walk::{EntryKind, EntryMeta, Whiteout};

/// What one layer contained, compactly: recorded during the walk.
#[derive(Default, Debug, Clone)]
pub(crate) struct LayerRecord {
    /// Every entry's path, one after another: one growing string per layer instead of
    /// an allocation per entry (a layer can hold hundreds of thousands).
    arena: String,
    entries: Vec<Span>,
    deletes: Vec<String>,
    opaques: Vec<String>,
}

/// One entry of a [`LayerRecord`]: its path in the arena.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    is_dir: bool,
    /// Some visitor wanted the entry (see [`FinalFs::build`]'s `wanted_only`).
    wanted: bool,
}

impl LayerRecord {
    /// Sorts the entries by path (stable: of a path repeated in the layer, the last
    /// stays last). Called by the thread that walked the layer, so that building the
    /// view, which runs after every layer is done, finds them sorted.
    pub(crate) fn sort(&mut self) {
        let arena = &self.arena;
        self.entries
            .sort_by(|a, b| arena[a.start..a.end].cmp(&arena[b.start..b.end]));
    }

    /// Records one entry; `wanted` when a visitor asked for it.
    pub(crate) fn push(&mut self, meta: &EntryMeta, wanted: bool) {
        match &meta.whiteout {
            Some(Whiteout::Delete { target }) => self.deletes.push(target.clone()),
            Some(Whiteout::Opaque { dir }) => self.opaques.push(dir.clone()),
            Some(Whiteout::Invalid) => {}
            None => {
                if !meta.path.is_empty() {
                    let start = self.arena.len();
                    self.arena.push_str(&meta.path);
                    self.entries.push(Span {
                        start,
                        end: self.arena.len(),
                        is_dir: meta.kind == EntryKind::Dir,
                        wanted,
                    });
                }
            }
        }
    }

    fn path(&self, s: &Span) -> &str {
        &self.arena[s.start..s.end]
    }

    /// A record from its parts (tests; every entry wanted).
    #[cfg(test)]
    fn from_parts(entries: &[(&str, bool)], deletes: &[&str], opaques: &[&str]) -> LayerRecord {
        let mut r = LayerRecord::default();
        for (p, is_dir) in entries {
            let start = r.arena.len();
            r.arena.push_str(p);
            r.entries.push(Span {
                start,
                end: r.arena.len(),
                is_dir: *is_dir,
                wanted: true,
            });
        }
        r.deletes = deletes.iter().map(|s| s.to_string()).collect();
        r.opaques = opaques.iter().map(|s| s.to_string()).collect();
        r
    }
}

/// What became of a path that a layer shipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// This layer's version is what the final image holds.
    Present,
    /// A later layer deleted it (`.wh.` file, opaque directory, or replacing a parent
    /// directory with a non-directory). Its bytes are still in this layer's blob.
    Deleted {
        /// The deleting layer.
        by_layer: usize,
    },
    /// A later layer shipped the same path again (for directories: replaced attributes).
    /// This layer's bytes are still in its blob.
    Overwritten {
        /// The overwriting layer.
        by_layer: usize,
    },
}

/// One layer's shipment of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The layer that shipped the path.
    pub layer: usize,
    /// True for a directory entry.
    pub is_dir: bool,
    /// What became of it.
    pub fate: Fate,
}

/// The merged view over all layers, see the module docs.
#[derive(Debug, Default)]
pub struct FinalFs {
    paths: BTreeMap<String, Vec<Occurrence>>,
}

impl FinalFs {
    /// The view over the layers' records, in layer order. With `wanted_only`, it holds
    /// only the paths some visitor wanted and their parent folders (with every
    /// whiteout): the fate of a path depends on its own shipments, the markers, and
    /// its ancestors (a folder replaced by a file takes its children along), never on
    /// its descendants, so those paths come out exactly as in the whole view, and a
    /// consumer that looks up its own findings (the SBOM) skips building an entry per
    /// path of the image.
    pub(crate) fn build(layers: Vec<LayerRecord>, wanted_only: bool) -> FinalFs {
        let keep: Option<HashSet<&str>> = wanted_only.then(|| {
            let mut keep = HashSet::new();
            for rec in &layers {
                for s in rec.entries.iter().filter(|s| s.wanted) {
                    let p = rec.path(s);
                    keep.insert(p);
                    for (i, b) in p.bytes().enumerate() {
                        if b == b'/' {
                            keep.insert(&p[..i]);
                        }
                    }
                }
            }
            keep
        });
        // Each layer's entries as owned paths (only the kept ones); the markers move.
        let entries: Vec<Entries> = layers
            .iter()
            .map(|rec| {
                rec.entries
                    .iter()
                    .map(|s| (rec.path(s), s.is_dir))
                    .filter(|(p, _)| keep.as_ref().is_none_or(|k| k.contains(p)))
                    .map(|(p, d)| (p.to_string(), d))
                    .collect()
            })
            .collect();
        drop(keep);
        // One map: a path is live when its last occurrence is still `Present` (a later
        // shipment marks the earlier one overwritten, a deletion marks it deleted).
        let mut paths: BTreeMap<String, Vec<Occurrence>> = BTreeMap::new();
        for (l, (mut rec, mut entries)) in layers.into_iter().zip(entries).enumerate() {
            // A marker repeated in one layer changes nothing the first did not.
            for v in [&mut rec.opaques, &mut rec.deletes] {
                v.sort_unstable();
                v.dedup();
            }
            for dir in &rec.opaques {
                for p in descendants(&paths, dir, false) {
                    kill(&mut paths, &p, Fate::Deleted { by_layer: l });
                }
            }
            for target in &rec.deletes {
                for p in descendants(&paths, target, true) {
                    kill(&mut paths, &p, Fate::Deleted { by_layer: l });
                }
            }
            // Paths no lower layer shipped are most of a layer: they are merged into the
            // map in one linear pass (`BTreeMap::append`) instead of tens of thousands of
            // single inserts. Deferring them changes nothing: only lower-layer paths are
            // overwritten, deleted or taken along with a replaced directory. The layer's
            // entries are sorted (on the walking thread, `LayerRecord::sort`) and so are
            // the map's keys, so one merge pass tells fresh paths from known ones instead
            // of a tree lookup per entry (nothing adds or removes keys before `append`).
            if !entries.is_sorted_by(|a, b| a.0 <= b.0) {
                // A record that did not come through `walk_layers` (stable: the last of
                // a repeated path stays last).
                entries.sort_by(|a, b| a.0.cmp(&b.0));
            }
            let (fresh, known) = split_fresh(&paths, entries);
            for (p, is_dir) in known {
                if let Some((prev_layer, prev_dir)) = paths.get(&p).and_then(|o| live(o)) {
                    if prev_layer < l && prev_dir && !is_dir {
                        // Unlinked and recreated: a replaced directory takes its
                        // lower-layer children with it.
                        let lower: Vec<String> = descendants(&paths, &p, false)
                            .into_iter()
                            .filter(|c| {
                                paths
                                    .get(c)
                                    .and_then(|o| live(o))
                                    .is_some_and(|(cl, _)| cl < l)
                            })
                            .collect();
                        for c in lower {
                            kill(&mut paths, &c, Fate::Deleted { by_layer: l });
                        }
                    }
                }
                let occ = paths.entry(p).or_default();
                if let Some(last) = occ.last_mut() {
                    if last.layer == l {
                        // Duplicate path inside one layer (invalid per spec): last wins.
                        last.is_dir = is_dir;
                        last.fate = Fate::Present;
                        continue;
                    }
                    if last.fate == Fate::Present {
                        last.fate = Fate::Overwritten { by_layer: l };
                    }
                }
                occ.push(Occurrence {
                    layer: l,
                    is_dir,
                    fate: Fate::Present,
                });
            }
            // Sorted already, stably: of equal paths the last wins (a duplicate path inside
            // one layer is invalid per spec; the last entry is what unpacking leaves).
            let mut merged: Vec<(String, Vec<Occurrence>)> = Vec::with_capacity(fresh.len());
            for (p, is_dir) in fresh {
                let occ = Occurrence {
                    layer: l,
                    is_dir,
                    fate: Fate::Present,
                };
                match merged.last_mut() {
                    Some((last, v)) if *last == p => *v = vec![occ],
                    _ => merged.push((p, vec![occ])),
                }
            }
            let mut new_paths: BTreeMap<String, Vec<Occurrence>> = merged.into_iter().collect();
            paths.append(&mut new_paths);
        }
        FinalFs { paths }
    }

    /// Every layer that shipped `path` (cleaned form, see [`crate::paths::clean_path`]),
    /// in layer order, with what became of it. Empty when no layer shipped it.
    pub fn history(&self, path: &str) -> &[Occurrence] {
        self.paths.get(path).map_or(&[], Vec::as_slice)
    }

    /// What became of `path` as shipped by `layer`; `None` if that layer did not ship it.
    pub fn fate(&self, path: &str, layer: usize) -> Option<Fate> {
        self.history(path)
            .iter()
            .find(|o| o.layer == layer)
            .map(|o| o.fate)
    }

    /// True when the final image holds `path`.
    pub fn is_present(&self, path: &str) -> bool {
        self.present_layer(path).is_some()
    }

    /// The layer whose version of `path` the final image holds.
    pub fn present_layer(&self, path: &str) -> Option<usize> {
        self.history(path)
            .iter()
            .find(|o| o.fate == Fate::Present)
            .map(|o| o.layer)
    }

    /// All paths any layer shipped, sorted, with their occurrences.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[Occurrence])> {
        self.paths.iter().map(|(p, o)| (p.as_str(), o.as_slice()))
    }

    /// Paths present in the final image, sorted.
    pub fn present_paths(&self) -> impl Iterator<Item = &str> {
        self.iter()
            .filter(|(_, o)| o.iter().any(|x| x.fate == Fate::Present))
            .map(|(p, _)| p)
    }

    /// Number of distinct paths seen.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// True when no layer shipped anything.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

/// A layer's entries: path, and whether it is a directory.
type Entries = Vec<(String, bool)>;

/// Splits `entries` (sorted by path) into the paths `paths` does not hold yet and those
/// it does, each in entry order, by walking both in order.
fn split_fresh(paths: &BTreeMap<String, Vec<Occurrence>>, entries: Entries) -> (Entries, Entries) {
    let mut fresh = Vec::with_capacity(entries.len());
    let mut known = Vec::new();
    let mut keys = paths.keys().peekable();
    for e in entries {
        while keys.next_if(|k| k.as_str() < e.0.as_str()).is_some() {}
        if keys.peek().is_some_and(|k| **k == e.0) {
            known.push(e);
        } else {
            fresh.push(e);
        }
    }
    (fresh, known)
}

/// The live shipment of a path: (layer, is_dir) of its last occurrence, if present.
fn live(occ: &[Occurrence]) -> Option<(usize, bool)> {
    occ.last()
        .filter(|o| o.fate == Fate::Present)
        .map(|o| (o.layer, o.is_dir))
}

/// Live paths under `dir` (and `dir` itself when `include_self`).
fn descendants(
    paths: &BTreeMap<String, Vec<Occurrence>>,
    dir: &str,
    include_self: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if include_self && paths.get(dir).and_then(|o| live(o)).is_some() {
        out.push(dir.to_string());
    }
    let is_live = |(k, o): &(&String, &Vec<Occurrence>)| !k.is_empty() && live(o).is_some();
    if dir.is_empty() {
        out.extend(paths.iter().filter(is_live).map(|(k, _)| k.clone()));
        return out;
    }
    let start = format!("{dir}/");
    for (k, o) in paths.range(start.clone()..) {
        if !k.starts_with(&start) {
            break;
        }
        if live(o).is_some() {
            out.push(k.clone());
        }
    }
    out
}

/// Marks the live shipment of `p`, if any, with `fate`.
fn kill(paths: &mut BTreeMap<String, Vec<Occurrence>>, p: &str, fate: Fate) {
    if let Some(last) = paths.get_mut(p).and_then(|o| o.last_mut()) {
        if last.fate == Fate::Present {
            last.fate = fate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build_all(layers: Vec<LayerRecord>) -> FinalFs {
        FinalFs::build(layers, false)
    }

    fn rec(entries: &[(&str, bool)], deletes: &[&str], opaques: &[&str]) -> LayerRecord {
        LayerRecord::from_parts(entries, deletes, opaques)
    }

    #[test]
    fn new_paths_merged_at_once_keep_every_rule() {
        let fs = build_all(vec![
            rec(&[("a", true), ("a/x", false), ("keep", false)], &[], &[]),
            rec(
                &[
                    ("n", false),
                    ("a", false), // a directory replaced by a file: a/x goes
                    ("n", true),  // duplicate new path: the last wins
                    ("a/y", false),
                    ("keep", false),
                    ("b/z", false),
                ],
                &[],
                &[],
            ),
        ]);
        let occ = |p: &str| fs.history(p).to_vec();
        assert_eq!(fs.fate("a/x", 0), Some(Fate::Deleted { by_layer: 1 }));
        assert_eq!(fs.fate("a", 0), Some(Fate::Overwritten { by_layer: 1 }));
        assert_eq!(fs.present_layer("a"), Some(1));
        assert_eq!(fs.fate("keep", 0), Some(Fate::Overwritten { by_layer: 1 }));
        assert_eq!(occ("n").len(), 1);
        assert!(occ("n")[0].is_dir);
        assert_eq!(fs.present_layer("a/y"), Some(1));
        assert_eq!(fs.present_layer("b/z"), Some(1));
        let all: Vec<&str> = fs.iter().map(|(p, _)| p).collect();
        assert_eq!(all, ["a", "a/x", "a/y", "b/z", "keep", "n"]);
    }

    #[test]
    fn known_and_fresh_paths_interleaved_in_any_order() {
        let fs = build_all(vec![
            rec(&[("a", false), ("c", false), ("e", false)], &[], &[]),
            rec(
                &[
                    ("e", true),
                    ("b", false),
                    ("c", false),
                    ("c", true), // a known path twice in one layer: the last wins
                    ("d", false),
                    ("a", false),
                ],
                &[],
                &[],
            ),
        ]);
        for p in ["a", "c", "e"] {
            assert_eq!(
                fs.fate(p, 0),
                Some(Fate::Overwritten { by_layer: 1 }),
                "{p}"
            );
            assert_eq!(fs.history(p).len(), 2, "{p}");
        }
        assert!(fs.history("c")[1].is_dir);
        assert!(fs.history("e")[1].is_dir);
        for p in ["b", "d"] {
            assert_eq!(fs.history(p).len(), 1, "{p}");
            assert_eq!(fs.present_layer(p), Some(1), "{p}");
        }
        let all: Vec<&str> = fs.iter().map(|(p, _)| p).collect();
        assert_eq!(all, ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn whiteouts_opaques_and_overwrites() {
        let fs = build_all(vec![
            rec(
                &[
                    ("root", true),
                    ("root/.ssh", true),
                    ("root/.ssh/id_rsa", false),
                    ("etc", true),
                    ("etc/a", false),
                    ("etc/b", false),
                    ("opt", true),
                    ("opt/x", false),
                ],
                &[],
                &[],
            ),
            rec(&[("etc/a", false)], &[], &[]),
            rec(&[("opt/y", false)], &["root/.ssh/id_rsa"], &["opt"]),
            // A whiteout applies only to lower layers: same-layer file survives.
            rec(&[("etc/b", false)], &["etc/b"], &[]),
        ]);
        assert_eq!(
            fs.fate("root/.ssh/id_rsa", 0),
            Some(Fate::Deleted { by_layer: 2 })
        );
        assert!(!fs.is_present("root/.ssh/id_rsa"));
        assert_eq!(fs.fate("etc/a", 0), Some(Fate::Overwritten { by_layer: 1 }));
        assert_eq!(fs.present_layer("etc/a"), Some(1));
        assert_eq!(fs.fate("opt/x", 0), Some(Fate::Deleted { by_layer: 2 }));
        assert_eq!(fs.fate("opt/y", 2), Some(Fate::Present));
        assert!(fs.is_present("opt"), "opaque keeps the directory itself");
        assert_eq!(fs.fate("etc/b", 0), Some(Fate::Deleted { by_layer: 3 }));
        assert_eq!(fs.fate("etc/b", 3), Some(Fate::Present));
        assert_eq!(fs.fate("nope", 0), None);
    }

    #[test]
    fn replacing_a_directory_with_a_file_drops_its_children() {
        let fs = build_all(vec![
            rec(&[("d", true), ("d/f", false)], &[], &[]),
            rec(&[("d", false)], &[], &[]),
        ]);
        assert_eq!(fs.fate("d/f", 0), Some(Fate::Deleted { by_layer: 1 }));
        assert_eq!(fs.fate("d", 0), Some(Fate::Overwritten { by_layer: 1 }));
        assert_eq!(fs.present_layer("d"), Some(1));
    }

    /// The view of only the wanted paths says, for each of them, exactly what the
    /// whole view says: random layers over a small tree (so that files replace
    /// folders, whiteouts hit ancestors, opaque folders and repeated paths occur),
    /// random wanted flags.
    #[test]
    fn wanted_only_view_agrees_with_the_whole_view() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let names = ["a", "b", "c"];
        for _ in 0..500 {
            let layers = 1 + next(4) as usize;
            let mut records = Vec::new();
            let mut wanted_paths = Vec::new();
            for _ in 0..layers {
                let mut r = LayerRecord::default();
                for _ in 0..next(12) {
                    let depth = 1 + next(3) as usize;
                    let path: Vec<&str> = (0..depth).map(|_| names[next(3) as usize]).collect();
                    let path = path.join("/");
                    match next(10) {
                        0 => r.deletes.push(path),
                        1 => r.opaques.push(path),
                        _ => {
                            let wanted = next(3) == 0;
                            if wanted {
                                wanted_paths.push(path.clone());
                            }
                            let start = r.arena.len();
                            r.arena.push_str(&path);
                            r.entries.push(Span {
                                start,
                                end: r.arena.len(),
                                is_dir: next(2) == 0,
                                wanted,
                            });
                        }
                    }
                }
                r.sort();
                records.push(r);
            }
            let whole = FinalFs::build(records.clone(), false);
            let some = FinalFs::build(records.clone(), true);
            for p in &wanted_paths {
                assert_eq!(whole.history(p), some.history(p), "{p} in {records:?}");
            }
            assert!(some.len() <= whole.len());
        }
    }

    #[test]
    fn root_opaque_clears_everything_lower() {
        let fs = build_all(vec![
            rec(&[("a", false), ("b", true), ("b/c", false)], &[], &[]),
            rec(&[("z", false)], &[], &[""]),
        ]);
        assert!(!fs.is_present("a") && !fs.is_present("b/c"));
        assert!(fs.is_present("z"));
    }
}
