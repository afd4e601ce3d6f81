//! Layer findings: each recorded item is placed against the layers above it (deleted?
//! overwritten? still in the final filesystem?) and reported.

use crate::layer::{path_hash, ItemKind, LayerRecord};
use crate::passwd::{parse_group, parse_passwd, parse_shadow};
use crate::paths::{stock_setuid, ToolKind};
use crate::{rules, ImageMeta, KnownValue, Report, Suppressed};
use bosun_diagnostics::{Finding, Location, RuleMeta, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// What became of a path a layer added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    Present,
    Deleted(usize),
    Overwritten(usize),
}

/// `path` and each of its ancestor directories, deepest first (`a/b/c`, `a/b`, `a`).
fn self_and_ancestors(path: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(path), |p| p.rfind('/').and_then(|i| p.get(..i)))
}

pub(crate) fn fate(layers: &[LayerRecord], at: usize, path: &str) -> Fate {
    let h = path_hash(path);
    for l in layers.iter().skip(at + 1) {
        let j = l.info.index;
        // Index lookups, one per ancestor: linear in the path, not in the whiteouts.
        let opaque = l.opaques.contains("")
            || self_and_ancestors(path)
                .skip(1)
                .any(|d| l.opaques.contains(d));
        let whiteout = self_and_ancestors(path).any(|w| l.whiteouts.contains(w));
        if opaque || whiteout {
            return Fate::Deleted(j);
        }
        if l.paths.contains(&h) {
            return Fate::Overwritten(j);
        }
    }
    Fate::Present
}

/// A `created_by` fit for a message: no builder prefixes, secret values masked, short.
fn short_created_by(created_by: &str, known: &[KnownValue]) -> String {
    let mut s = created_by.trim();
    for p in ["/bin/sh -c #(nop)", "/bin/sh -c"] {
        if let Some(r) = s.strip_prefix(p) {
            s = r.trim_start();
        }
    }
    let s = s.strip_suffix("# buildkit").unwrap_or(s).trim_end();
    let masked = mask(s, known);
    if masked.chars().count() > 72 {
        let cut: String = masked.chars().take(70).collect();
        format!("{cut}…")
    } else {
        masked
    }
}

pub(crate) fn mask(s: &str, known: &[KnownValue]) -> String {
    let mut out = s.to_string();
    for k in known {
        out = out.replace(&k.value, "***");
    }
    out
}

/// Longest `created_by` a finding's location carries (characters); a history entry of
/// megabytes is cut, so that thousands of findings cannot each hold a copy of it.
const MAX_CREATED_BY_CHARS: usize = 1024;

struct Ctx<'a> {
    meta: &'a ImageMeta,
    layers: &'a [LayerRecord],
    /// Per layer, computed once: the masked `created_by` (capped) for locations, shared
    /// by the layer's findings (the history's own string when masking and the cap leave
    /// it as it is), and the short form for messages.
    created_by: Vec<(Option<Arc<str>>, Option<String>)>,
}

fn capped(s: String) -> String {
    if s.chars().count() > MAX_CREATED_BY_CHARS {
        let cut: String = s.chars().take(MAX_CREATED_BY_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        s
    }
}

impl Ctx<'_> {
    fn location(&self, pos: usize, path: &str) -> Location {
        let info = self.layers.get(pos).map(|l| &l.info);
        Location::Layer {
            image: self.meta.name.clone(),
            layer_index: info.map_or(pos, |i| i.index),
            layer_digest: info.map(|i| i.digest.clone()).unwrap_or_default(),
            path: path.to_string(),
            created_by: self.created_by.get(pos).and_then(|c| c.0.clone()),
        }
    }

    fn finding(&self, rule: &RuleMeta, msg: String, pos: usize, path: &str) -> Finding {
        Finding::new(rule, msg, self.location(pos, path))
    }

    fn added_by(&self, pos: usize) -> String {
        let Some(l) = self.layers.get(pos) else {
            return String::new();
        };
        match self.created_by.get(pos).and_then(|c| c.1.as_deref()) {
            Some(c) => format!("added in layer {} by `{c}`", l.info.index),
            None => format!("added in layer {}", l.info.index),
        }
    }
}

fn fate_text(f: Fate) -> String {
    match f {
        Fate::Present => "still in the final filesystem".into(),
        Fate::Deleted(j) => format!("deleted in layer {j}: still shipped"),
        Fate::Overwritten(j) => format!("overwritten in layer {j}: still shipped"),
    }
}

pub(crate) fn check_layers(
    meta: &ImageMeta,
    layers: &[LayerRecord],
    known: &[KnownValue],
) -> Report {
    let created_by = layers
        .iter()
        .map(|l| match &l.info.created_by {
            Some(c) => {
                // Cut before masking: masking megabytes per layer is wasted work.
                let head: String = c.chars().take(MAX_CREATED_BY_CHARS * 4).collect();
                let located = capped(mask(&head, known));
                let located = if *located == **c {
                    c.clone()
                } else {
                    Arc::from(located)
                };
                (Some(located), Some(short_created_by(&head, known)))
            }
            None => (None, None),
        })
        .collect();
    let cx = Ctx {
        meta,
        layers,
        created_by,
    };
    let mut report = Report::default();
    let mut tools: BTreeMap<ToolKind, (usize, String, BTreeSet<String>)> = BTreeMap::new();
    let mut caches: BTreeMap<&'static str, (usize, u64, u64)> = BTreeMap::new();
    let mut account_files: BTreeMap<&'static str, (usize, &str)> = BTreeMap::new();

    for (pos, layer) in layers.iter().enumerate() {
        for item in &layer.items {
            let path = item.path.as_str();
            // Secrets and host keys are reported whatever became of them.
            match &item.kind {
                ItemKind::Secret(d) => {
                    let f = fate(layers, pos, path);
                    let msg = format!(
                        "{} in /{path} ({}), line {}; {}, {}",
                        d.what,
                        d.redacted,
                        d.line,
                        cx.added_by(pos),
                        fate_text(f)
                    );
                    report
                        .findings
                        .push(cx.finding(d.rule, msg, pos, path).with_severity(d.severity));
                    continue;
                }
                ItemKind::Suppressed(d, reason) => {
                    report.suppressed.push(Suppressed {
                        code: d.rule.code,
                        layer_index: layer.info.index,
                        path: path.to_string(),
                        what: d.what.clone(),
                        reason,
                    });
                    continue;
                }
                ItemKind::SshHostKey => {
                    let f = fate(layers, pos, path);
                    let msg = format!(
                        "ssh host private key /{path}; {}, {}",
                        cx.added_by(pos),
                        fate_text(f)
                    );
                    report
                        .findings
                        .push(cx.finding(&rules::SSH_HOST_KEYS, msg, pos, path));
                    continue;
                }
                _ => {}
            }
            if fate(layers, pos, path) != Fate::Present {
                continue;
            }
            match &item.kind {
                ItemKind::Setuid { mode } => {
                    let bits = match (mode & 0o4000 != 0, mode & 0o2000 != 0) {
                        (true, true) => "setuid and setgid",
                        (true, false) => "setuid",
                        _ => "setgid",
                    };
                    let f = if stock_setuid(path) {
                        let msg = format!(
                            "/{path} is {bits} (mode {:04o}); a stock distro binary",
                            mode & 0o7777
                        );
                        cx.finding(&rules::SETUID_FILE, msg, pos, path)
                            .with_severity(Severity::Info)
                    } else {
                        let msg = format!(
                            "/{path} is {bits} (mode {:04o}) and is not a binary a base distro ships {bits}; {}",
                            mode & 0o7777,
                            cx.added_by(pos)
                        );
                        cx.finding(&rules::SETUID_FILE, msg, pos, path)
                    };
                    report.findings.push(f);
                }
                ItemKind::WorldWritable { dir, mode } => {
                    let what = if *dir { "Directory" } else { "File" };
                    let sticky = if *dir { " without the sticky bit" } else { "" };
                    let msg = format!(
                        "{what} /{path} is writable by every user (mode {:04o}){sticky}",
                        mode & 0o7777
                    );
                    report
                        .findings
                        .push(cx.finding(&rules::WORLD_WRITABLE, msg, pos, path));
                }
                ItemKind::GitDir => {
                    let msg = format!(
                        "A git repository /{path} is in the image; {}",
                        cx.added_by(pos)
                    );
                    report
                        .findings
                        .push(cx.finding(&rules::GIT_DIRECTORY, msg, pos, path));
                }
                ItemKind::Cache { name, size } => {
                    let e = caches.entry(name).or_insert((pos, 0, 0));
                    e.1 += 1;
                    e.2 += size;
                }
                ItemKind::Tool { kind, name } => {
                    tools
                        .entry(*kind)
                        .or_insert_with(|| (pos, path.to_string(), BTreeSet::new()))
                        .2
                        .insert(name.clone());
                }
                ItemKind::Sudo => {
                    let msg = format!("/{path} is installed; {}", cx.added_by(pos));
                    report
                        .findings
                        .push(cx.finding(&rules::SUDO_PRESENT, msg, pos, path));
                }
                ItemKind::SshServer => {
                    let msg = format!("An ssh server /{path} is installed; {}", cx.added_by(pos));
                    report
                        .findings
                        .push(cx.finding(&rules::SSH_SERVER, msg, pos, path));
                }
                ItemKind::Passwd(t) => {
                    account_files.insert("etc/passwd", (pos, t));
                }
                ItemKind::Shadow(t) => {
                    account_files.insert("etc/shadow", (pos, t));
                }
                ItemKind::Group(t) => {
                    account_files.insert("etc/group", (pos, t));
                }
                ItemKind::Secret(_) | ItemKind::Suppressed(..) | ItemKind::SshHostKey => {}
            }
        }
    }

    for (kind, (pos, path, names)) in tools {
        let list: Vec<&str> = names.iter().map(String::as_str).collect();
        let msg = format!(
            "The final filesystem has {}: {}",
            kind.label(),
            list.join(", ")
        );
        report
            .findings
            .push(cx.finding(&rules::TOOLS_PRESENT, msg, pos, &path));
    }
    for (name, (pos, count, size)) in caches {
        let msg = format!(
            "/{name} holds {count} file{} ({}) in the final filesystem; {}",
            if count == 1 { "" } else { "s" },
            human_size(size),
            cx.added_by(pos)
        );
        report
            .findings
            .push(cx.finding(&rules::PACKAGE_CACHE, msg, pos, name));
    }
    accounts(&cx, &account_files, &mut report.findings);
    for (pos, layer) in layers.iter().enumerate() {
        let (count, examples) = &layer.hostile;
        if *count > 0 {
            let shown: Vec<String> = examples
                .iter()
                .map(|(p, what)| format!("{p} ({what})"))
                .collect();
            let more = count.saturating_sub(examples.len() as u64);
            let msg = format!(
                "Layer {} carries {count} hostile entr{}: {}{}; {}",
                layer.info.index,
                if *count == 1 { "y" } else { "ies" },
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                },
                cx.added_by(pos)
            );
            let path = examples.first().map_or("", |(p, _)| p.as_str());
            report
                .findings
                .push(cx.finding(&rules::HOSTILE_LAYER_ENTRIES, msg, pos, path));
        }
        for (what, n) in &layer.omitted {
            report.omitted.push(crate::Omitted {
                what: format!("layer {}: {what}", layer.info.index),
                count: *n,
            });
        }
    }
    report
}

fn human_size(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20))
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

fn accounts(cx: &Ctx<'_>, files: &BTreeMap<&'static str, (usize, &str)>, out: &mut Vec<Finding>) {
    if let Some(&(pos, text)) = files.get("etc/shadow") {
        for e in parse_shadow(text) {
            if e.password.is_empty() {
                let msg = format!(
                    "User `{}` has an empty password in /etc/shadow (line {})",
                    e.name, e.line
                );
                out.push(cx.finding(&rules::EMPTY_PASSWORD, msg, pos, "etc/shadow"));
            }
        }
    }
    if let Some(&(pos, text)) = files.get("etc/passwd") {
        let users = parse_passwd(text);
        for e in &users {
            if e.password.is_empty() {
                let msg = format!(
                    "User `{}` has an empty password in /etc/passwd (line {})",
                    e.name, e.line
                );
                out.push(cx.finding(&rules::EMPTY_PASSWORD, msg, pos, "etc/passwd"));
            }
            if e.uid == 0 && e.name != "root" {
                let msg = format!(
                    "User `{}` has UID 0, like root (/etc/passwd line {})",
                    e.name, e.line
                );
                out.push(cx.finding(&rules::NON_ROOT_UID0, msg, pos, "etc/passwd"));
            }
        }
        let mut by_uid: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
        for e in &users {
            by_uid.entry(e.uid).or_default().push(&e.name);
        }
        for (uid, names) in by_uid.into_iter().filter(|(_, n)| n.len() > 1) {
            let msg = format!("UID {uid} is shared by {}", names.join(", "));
            out.push(cx.finding(&rules::DUPLICATE_ID, msg, pos, "etc/passwd"));
        }
    }
    if let Some(&(pos, text)) = files.get("etc/group") {
        let mut by_gid: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for e in parse_group(text) {
            by_gid.entry(e.gid).or_default().push(e.name);
        }
        for (gid, names) in by_gid.into_iter().filter(|(_, n)| n.len() > 1) {
            let msg = format!("GID {gid} is shared by groups {}", names.join(", "));
            out.push(cx.finding(&rules::DUPLICATE_ID, msg, pos, "etc/group"));
        }
    }
}
