//! The per-layer visitor: records what the checks need from one layer's entries.

use crate::content::{scan_file, Detection};
use crate::paths::{self, basename, ToolKind};
use crate::{Entry, EntryKind, Inspector, LayerInfo};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// Scans one layer. Offer it every entry of the layer's tar, in any order.
#[derive(Debug)]
pub struct LayerScan<'a> {
    inspector: &'a Inspector,
    rec: LayerRecord,
    git_dirs: BTreeSet<String>,
}

/// What a layer scan keeps for `finish`.
#[derive(Debug)]
pub(crate) struct LayerRecord {
    pub info: LayerInfo,
    /// Hashes of every path this layer adds (to tell "overwritten later" for the few
    /// paths that matter without keeping every path string).
    pub paths: HashSet<u64>,
    /// Paths a `.wh.<name>` deletes: an index, looked up once per ancestor of a path
    /// (400,000 whiteouts must not make every lookup scan them all).
    pub whiteouts: HashSet<String>,
    /// Directories a `.wh..wh..opq` empties (an index too).
    pub opaques: HashSet<String>,
    pub items: Vec<Item>,
    /// Items not stored because their kind reached [`MAX_ITEMS_PER_KIND`] in this layer.
    pub omitted: BTreeMap<&'static str, u64>,
    /// Items stored per kind.
    counts: HashMap<&'static str, u64>,
    /// Hostile entries (traversal, absolute paths, links out of the root, devices):
    /// their count and the first few, for the layer's one finding.
    pub hostile: (u64, Vec<(String, &'static str)>),
}

/// Most items of one kind (world-writable entries, setuid files...) a layer keeps; the
/// rest are only counted (a layer with 1.9 million world-writable entries must not keep
/// 1.9 million findings).
pub(crate) const MAX_ITEMS_PER_KIND: u64 = 1000;

/// Most bytes of an account file (`/etc/passwd`, `/etc/shadow`, `/etc/group`) kept per
/// layer; real ones are a few KiB.
pub(crate) const MAX_ACCOUNT_FILE_BYTES: usize = 1 << 20;

/// Hostile entries named in a layer's finding (the rest are counted).
const MAX_HOSTILE_EXAMPLES: usize = 5;

impl ItemKind {
    fn key(&self) -> &'static str {
        match self {
            ItemKind::Secret(_) => "secret",
            ItemKind::Suppressed(..) => "suppressed secret",
            ItemKind::SshHostKey => "SSH host key",
            ItemKind::Setuid { .. } => "setuid/setgid file",
            ItemKind::WorldWritable { .. } => "world-writable entry",
            ItemKind::GitDir => "git directory",
            ItemKind::Cache { .. } => "package cache file",
            ItemKind::Tool { .. } => "tool",
            ItemKind::Sudo => "sudo",
            ItemKind::SshServer => "SSH server",
            ItemKind::Passwd(_) => "passwd",
            ItemKind::Shadow(_) => "shadow",
            ItemKind::Group(_) => "group",
        }
    }
}

fn cap_text(body: &[u8]) -> String {
    String::from_utf8_lossy(
        body.get(..body.len().min(MAX_ACCOUNT_FILE_BYTES))
            .unwrap_or(body),
    )
    .into_owned()
}

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub path: String,
    pub kind: ItemKind,
}

#[derive(Debug, Clone)]
pub(crate) enum ItemKind {
    Secret(Detection),
    Suppressed(Detection, &'static str),
    SshHostKey,
    Setuid { mode: u32 },
    WorldWritable { dir: bool, mode: u32 },
    GitDir,
    Cache { name: &'static str, size: u64 },
    Tool { kind: ToolKind, name: String },
    Sudo,
    SshServer,
    Passwd(String),
    Shadow(String),
    Group(String),
}

pub(crate) fn path_hash(path: &str) -> u64 {
    // SipHash with fixed keys: deterministic, and collisions among a layer's paths are
    // vanishingly unlikely (a collision could only hide an "overwritten" status).
    let mut h = std::hash::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

/// Strips `./`, `/` and trailing `/` so all sources name paths alike.
pub(crate) fn normalize(path: &str) -> &str {
    let mut p = path;
    loop {
        if let Some(r) = p.strip_prefix("./") {
            p = r;
        } else if let Some(r) = p.strip_prefix('/') {
            p = r;
        } else {
            break;
        }
    }
    p.trim_end_matches('/')
}

const SYSTEM_FILES: &[&str] = &["etc/passwd", "etc/shadow", "etc/group"];

/// Whether the checks want this entry's body (regular files only, and only those that
/// could hold secrets, by name, place and size, or are account databases). Does not
/// depend on the layer.
pub fn wants_body(entry: &Entry<'_>) -> bool {
    if entry.kind != EntryKind::File {
        return false;
    }
    let path = normalize(entry.path);
    if basename(path).starts_with(".wh.") {
        return false;
    }
    SYSTEM_FILES.contains(&path) || paths::body_class(path, entry.size).is_some()
}

impl<'a> LayerScan<'a> {
    pub(crate) fn new(inspector: &'a Inspector, info: LayerInfo) -> LayerScan<'a> {
        LayerScan {
            inspector,
            rec: LayerRecord {
                info,
                paths: HashSet::new(),
                whiteouts: HashSet::new(),
                opaques: HashSet::new(),
                omitted: BTreeMap::new(),
                counts: HashMap::new(),
                hostile: (0, Vec::new()),
                items: Vec::new(),
            },
            git_dirs: BTreeSet::new(),
        }
    }

    pub fn info(&self) -> &LayerInfo {
        &self.rec.info
    }

    /// Whether the checks want this entry's body; see [`wants_body`].
    pub fn wants_body(&self, entry: &Entry<'_>) -> bool {
        wants_body(entry)
    }

    /// A whiteout the reader already decoded: `path` is deleted from lower layers.
    pub fn whiteout(&mut self, path: &str) {
        self.rec.whiteouts.insert(normalize(path).to_string());
    }

    /// An opaque-directory marker the reader already decoded.
    pub fn opaque(&mut self, dir: &str) {
        self.rec.opaques.insert(normalize(dir).to_string());
    }

    /// Offers one entry; `body` is the file's content when `wants_body` said yes (the
    /// reader may pass a prefix for very large files).
    pub fn visit(&mut self, entry: &Entry<'_>, body: Option<&[u8]>) {
        let path = normalize(entry.path);
        if path.is_empty() {
            return;
        }
        let name = basename(path);
        // Raw whiteout entries, when the reader passes them through.
        if let Some(target) = name.strip_prefix(".wh.") {
            let dir = path
                .get(..path.len() - name.len())
                .unwrap_or("")
                .trim_end_matches('/');
            if target == ".wh..opq" {
                self.rec.opaques.insert(dir.to_string());
            } else if !target.is_empty() {
                let full = if dir.is_empty() {
                    target.to_string()
                } else {
                    format!("{dir}/{target}")
                };
                self.rec.whiteouts.insert(full);
            }
            return;
        }
        self.rec.paths.insert(path_hash(path));
        self.git(path, entry.kind);

        let push = |rec: &mut LayerRecord, kind: ItemKind| rec.push(path, kind);
        let regular = matches!(entry.kind, EntryKind::File | EntryKind::Hardlink);
        if regular && entry.mode & 0o6000 != 0 {
            push(&mut self.rec, ItemKind::Setuid { mode: entry.mode });
        }
        let dir = entry.kind == EntryKind::Dir;
        if (regular || dir) && entry.mode & 0o002 != 0 && !(dir && entry.mode & 0o1000 != 0) {
            push(
                &mut self.rec,
                ItemKind::WorldWritable {
                    dir,
                    mode: entry.mode,
                },
            );
        }
        if entry.kind == EntryKind::File {
            if let Some(name) = paths::cache(path) {
                push(
                    &mut self.rec,
                    ItemKind::Cache {
                        name,
                        size: entry.size,
                    },
                );
            }
        }
        if entry.kind != EntryKind::Dir {
            if let Some((kind, tool)) = paths::tool(path) {
                push(
                    &mut self.rec,
                    ItemKind::Tool {
                        kind,
                        name: tool.to_string(),
                    },
                );
            }
            if paths::tool_dir(path) && matches!(name, "sudo" | "doas") {
                push(&mut self.rec, ItemKind::Sudo);
            }
            if paths::tool_dir(path) && matches!(name, "sshd" | "dropbear") {
                push(&mut self.rec, ItemKind::SshServer);
            }
        }
        let host_key = path.starts_with("etc/ssh/ssh_host_") && name.ends_with("_key");
        if host_key && regular {
            push(&mut self.rec, ItemKind::SshHostKey);
        }
        let Some(body) = body.filter(|_| entry.kind == EntryKind::File) else {
            return;
        };
        match path {
            "etc/passwd" => push(&mut self.rec, ItemKind::Passwd(cap_text(body))),
            "etc/shadow" => push(&mut self.rec, ItemKind::Shadow(cap_text(body))),
            "etc/group" => push(&mut self.rec, ItemKind::Group(cap_text(body))),
            _ => {}
        }
        if host_key {
            return; // reported as ssh-host-keys-baked, not twice as a private key
        }
        let Some(class) = paths::body_class(path, entry.size) else {
            return;
        };
        let head = body.get(..body.len().min(8192)).unwrap_or(body);
        if head.contains(&0) {
            return; // binary
        }
        let (found, dropped) = scan_file(path, class, body, &self.inspector.known_values);
        for d in found {
            push(&mut self.rec, ItemKind::Secret(d));
        }
        for (d, reason) in dropped {
            push(&mut self.rec, ItemKind::Suppressed(d, reason));
        }
    }

    fn git(&mut self, path: &str, kind: EntryKind) {
        let mut end = None;
        let mut offset = 0;
        for seg in path.split('/') {
            offset += seg.len();
            if seg == ".git" {
                end = Some(offset);
                break;
            }
            offset += 1;
        }
        if let Some(end) = end {
            let root = path.get(..end).unwrap_or(path);
            // Only a directory (or something inside it) is a repository; a `.git` file is
            // a worktree pointer, harmless.
            if root.len() < path.len() || kind == EntryKind::Dir {
                self.git_dirs.insert(root.to_string());
            }
        }
    }

    /// A hostile entry the reader flagged (its raw path, and what is hostile about it:
    /// `"path climbs out of the root"`, `"absolute path"`, `"hard link out of the
    /// root"`, `"device node"`...). The layer gets one finding for all of them.
    pub fn hostile(&mut self, raw_path: &str, what: &'static str) {
        let (count, examples) = &mut self.rec.hostile;
        *count += 1;
        if examples.len() < MAX_HOSTILE_EXAMPLES {
            let shown: String = raw_path.chars().take(200).collect();
            examples.push((shown, what));
        }
    }

    pub(crate) fn into_record(mut self) -> LayerRecord {
        for d in std::mem::take(&mut self.git_dirs) {
            if !d.split('/').any(|s| s == "node_modules") {
                self.rec.push(&d, ItemKind::GitDir);
            }
        }
        self.rec
    }
}

impl LayerRecord {
    fn push(&mut self, path: &str, kind: ItemKind) {
        let key = kind.key();
        let n = self.counts.entry(key).or_insert(0);
        if *n >= MAX_ITEMS_PER_KIND {
            *self.omitted.entry(key).or_insert(0) += 1;
            return;
        }
        *n += 1;
        self.items.push(Item {
            path: path.to_string(),
            kind,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_paths() {
        assert_eq!(normalize("./etc/passwd"), "etc/passwd");
        assert_eq!(normalize("/data/"), "data");
        assert_eq!(normalize("././/x"), "x");
    }
}
