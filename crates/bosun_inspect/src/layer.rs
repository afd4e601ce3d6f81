//! The per-layer visitor: records what the checks need from one layer's entries.

use crate::content::{scan_file, Detection};
use crate::paths::{self, basename, ToolKind};
use crate::{Entry, EntryKind, Inspector, LayerInfo};
use std::collections::{BTreeSet, HashSet};
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
    /// Paths a `.wh.<name>` deletes.
    pub whiteouts: Vec<String>,
    /// Directories a `.wh..wh..opq` empties.
    pub opaques: Vec<String>,
    pub items: Vec<Item>,
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
                whiteouts: Vec::new(),
                opaques: Vec::new(),
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
        self.rec.whiteouts.push(normalize(path).to_string());
    }

    /// An opaque-directory marker the reader already decoded.
    pub fn opaque(&mut self, dir: &str) {
        self.rec.opaques.push(normalize(dir).to_string());
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
                self.rec.opaques.push(dir.to_string());
            } else if !target.is_empty() {
                let full = if dir.is_empty() {
                    target.to_string()
                } else {
                    format!("{dir}/{target}")
                };
                self.rec.whiteouts.push(full);
            }
            return;
        }
        self.rec.paths.insert(path_hash(path));
        self.git(path, entry.kind);

        let push = |items: &mut Vec<Item>, kind: ItemKind| {
            items.push(Item {
                path: path.to_string(),
                kind,
            })
        };
        let regular = matches!(entry.kind, EntryKind::File | EntryKind::Hardlink);
        if regular && entry.mode & 0o6000 != 0 {
            push(&mut self.rec.items, ItemKind::Setuid { mode: entry.mode });
        }
        let dir = entry.kind == EntryKind::Dir;
        if (regular || dir) && entry.mode & 0o002 != 0 && !(dir && entry.mode & 0o1000 != 0) {
            push(
                &mut self.rec.items,
                ItemKind::WorldWritable {
                    dir,
                    mode: entry.mode,
                },
            );
        }
        if entry.kind == EntryKind::File {
            if let Some(name) = paths::cache(path) {
                push(
                    &mut self.rec.items,
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
                    &mut self.rec.items,
                    ItemKind::Tool {
                        kind,
                        name: tool.to_string(),
                    },
                );
            }
            if paths::tool_dir(path) && matches!(name, "sudo" | "doas") {
                push(&mut self.rec.items, ItemKind::Sudo);
            }
            if paths::tool_dir(path) && matches!(name, "sshd" | "dropbear") {
                push(&mut self.rec.items, ItemKind::SshServer);
            }
        }
        let host_key = path.starts_with("etc/ssh/ssh_host_") && name.ends_with("_key");
        if host_key && regular {
            push(&mut self.rec.items, ItemKind::SshHostKey);
        }
        let Some(body) = body.filter(|_| entry.kind == EntryKind::File) else {
            return;
        };
        match path {
            "etc/passwd" => push(
                &mut self.rec.items,
                ItemKind::Passwd(String::from_utf8_lossy(body).into_owned()),
            ),
            "etc/shadow" => push(
                &mut self.rec.items,
                ItemKind::Shadow(String::from_utf8_lossy(body).into_owned()),
            ),
            "etc/group" => push(
                &mut self.rec.items,
                ItemKind::Group(String::from_utf8_lossy(body).into_owned()),
            ),
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
            push(&mut self.rec.items, ItemKind::Secret(d));
        }
        for (d, reason) in dropped {
            push(&mut self.rec.items, ItemKind::Suppressed(d, reason));
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

    pub(crate) fn into_record(mut self) -> LayerRecord {
        for d in std::mem::take(&mut self.git_dirs) {
            if !d.split('/').any(|s| s == "node_modules") {
                self.rec.items.push(Item {
                    path: d,
                    kind: ItemKind::GitDir,
                });
            }
        }
        self.rec
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
