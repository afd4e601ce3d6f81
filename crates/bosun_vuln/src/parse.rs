//! Parsers: one file's bytes in, advisories out. Pure (no IO).
//!
//! Formats, recognised by content (not by folder names, except the Debian lists):
//! - OSV records as JSON or YAML (`{"id": ..., "affected": [...]}`);
//! - the Debian security tracker JSON (`{srcpkg: {CVE: {releases: {...}}}}`);
//! - the Debian `DSA/list`, `DLA/list` and `DTSA/list` text files;
//! - Alpine secdb YAML (`{distroversion, packages: [{pkg: {name, secfixes}}]}`).

use crate::model::{Advisory, Affected, Event, Range, RangeKind, SeverityVector};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a file holds, by its name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Json,
    Yaml,
    /// A Debian `DSA/list`, `DLA/list` or `DTSA/list` (the folder names the kind).
    DebianList(&'static str),
    /// A zip export of many records.
    Zip,
}

/// Which files `import` reads: `.json`, `.yaml`/`.yml`, `.zip`, and `list` in a
/// `DSA`, `DLA` or `DTSA` folder. Everything else (READMEs, licences) is ignored.
pub fn file_kind(path: &str) -> Option<FileKind> {
    let lower = path.to_ascii_lowercase();
    let mut parts = path.rsplit(['/', '\\']);
    let file = parts.next().unwrap_or("");
    let parent = parts.next().unwrap_or("");
    if file == "list" {
        return match parent {
            "DSA" => Some(FileKind::DebianList("DSA")),
            "DLA" => Some(FileKind::DebianList("DLA")),
            "DTSA" => Some(FileKind::DebianList("DTSA")),
            _ => None,
        };
    }
    if lower.ends_with(".json") {
        Some(FileKind::Json)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some(FileKind::Yaml)
    } else if lower.ends_with(".zip") {
        Some(FileKind::Zip)
    } else {
        None
    }
}

/// Parses one file (not a zip). `Err` is one line saying why nothing was read.
pub fn parse_file(kind: FileKind, bytes: &[u8]) -> Result<Vec<Advisory>, String> {
    match kind {
        // Most files are OSV records: read them straight into the record type, and
        // fall back to a generic parse to sort out the other formats and errors.
        FileKind::Json => match serde_json::from_slice::<OsvRecord>(bytes) {
            Ok(rec) => osv_from_record(rec).map(|a| vec![a]),
            Err(_) => {
                let v: Value =
                    serde_json::from_slice(bytes).map_err(|e| format!("invalid JSON: {e}"))?;
                parse_value(v)
            }
        },
        FileKind::Yaml => match serde_yaml_ng::from_slice::<OsvRecord>(bytes) {
            Ok(rec) => osv_from_record(rec).map(|a| vec![a]),
            Err(_) => {
                let v: Value =
                    serde_yaml_ng::from_slice(bytes).map_err(|e| format!("invalid YAML: {e}"))?;
                parse_value(v)
            }
        },
        FileKind::DebianList(kind) => {
            let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
            Ok(parse_debian_list(kind, text))
        }
        FileKind::Zip => Err("a zip inside a zip is not read".into()),
    }
}

/// Sorts a parsed document into its format.
fn parse_value(v: Value) -> Result<Vec<Advisory>, String> {
    let Value::Object(map) = &v else {
        return Err("not an advisory: the document is not an object".into());
    };
    if map.contains_key("id") {
        return parse_osv(v).map(|a| vec![a]);
    }
    if map.contains_key("distroversion") && map.contains_key("packages") {
        return parse_alpine_secdb(v);
    }
    let looks_like_tracker = map.values().take(3).all(|cves| {
        cves.as_object().is_some_and(|m| {
            m.values()
                .take(3)
                .all(|c| c.get("releases").is_some_and(Value::is_object))
        })
    });
    if !map.is_empty() && looks_like_tracker {
        return Ok(parse_debian_tracker(&v));
    }
    Err("not an advisory format bosun reads (OSV, Debian tracker JSON, Alpine secdb)".into())
}

// ---------------------------------------------------------------- OSV

#[derive(Deserialize)]
struct OsvRecord {
    id: String,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    severity: Option<Vec<SeverityVector>>,
    #[serde(default)]
    published: Option<Value>,
    #[serde(default)]
    modified: Option<Value>,
    #[serde(default)]
    withdrawn: Option<Value>,
    #[serde(default)]
    affected: Option<Vec<OsvAffected>>,
}

#[derive(Deserialize)]
struct OsvAffected {
    #[serde(default)]
    package: Option<OsvPackage>,
    #[serde(default)]
    ranges: Option<Vec<OsvRange>>,
    #[serde(default)]
    versions: Option<Vec<Value>>,
    #[serde(default)]
    severity: Option<Vec<SeverityVector>>,
    #[serde(default)]
    ecosystem_specific: Option<Value>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct OsvPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct OsvRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<BTreeMap<String, Value>>,
}

/// A version written as a YAML/JSON scalar (a bare `0` in YAML is a number).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn source_of_id(id: &str) -> String {
    let prefix = id.split(['-', ':']).next().unwrap_or(id);
    format!("osv:{prefix}")
}

/// One OSV record.
pub fn parse_osv(v: Value) -> Result<Advisory, String> {
    let rec: OsvRecord =
        serde_json::from_value(v).map_err(|e| format!("not a valid OSV record: {e}"))?;
    osv_from_record(rec)
}

fn osv_from_record(rec: OsvRecord) -> Result<Advisory, String> {
    if rec.id.trim().is_empty() {
        return Err("OSV record with an empty id".into());
    }
    let mut affected = Vec::new();
    for (i, a) in rec.affected.unwrap_or_default().into_iter().enumerate() {
        let Some(pkg) = a.package else { continue };
        let mut out = Affected::new(pkg.ecosystem.trim(), pkg.name.trim());
        for r in a.ranges.unwrap_or_default() {
            let kind = match r.kind.as_str() {
                "SEMVER" => RangeKind::Semver,
                "ECOSYSTEM" => RangeKind::Ecosystem,
                "GIT" => RangeKind::Git,
                other => return Err(format!("affected[{i}]: unknown range type {other:?}")),
            };
            let mut events = Vec::new();
            for e in r.events {
                for (k, val) in e {
                    let Some(s) = scalar(&val) else {
                        return Err(format!("affected[{i}]: event {k} is not a version"));
                    };
                    events.push(match k.as_str() {
                        "introduced" => Event::Introduced(s),
                        "fixed" => Event::Fixed(s),
                        "last_affected" => Event::LastAffected(s),
                        "limit" => Event::Limit(s),
                        other => return Err(format!("affected[{i}]: unknown event {other:?}")),
                    });
                }
            }
            out.ranges.push(Range { kind, events });
        }
        out.versions = a
            .versions
            .unwrap_or_default()
            .iter()
            .filter_map(scalar)
            .collect();
        out.severity = a.severity.unwrap_or_default();
        let db = a.database_specific.as_ref();
        out.informational = db
            .and_then(|d| d.get("informational"))
            .and_then(Value::as_str)
            .map(str::to_string);
        out.urgency = a
            .ecosystem_specific
            .as_ref()
            .and_then(|e| e.get("urgency"))
            .and_then(Value::as_str)
            .map(str::to_string);
        affected.push(out);
    }
    let summary = rec
        .summary
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            rec.details
                .as_deref()
                .and_then(|d| d.lines().find(|l| !l.trim().is_empty()))
                .map(str::to_string)
        })
        .unwrap_or_default();
    let mut aliases = rec.aliases.unwrap_or_default();
    aliases.retain(|a| a != &rec.id);
    Ok(Advisory {
        source: source_of_id(&rec.id),
        id: rec.id,
        aliases,
        summary: one_line(&summary),
        severity: rec.severity.unwrap_or_default(),
        published: rec.published.as_ref().and_then(scalar),
        modified: rec.modified.as_ref().and_then(scalar),
        withdrawn: rec.withdrawn.as_ref().and_then(scalar),
        affected,
    })
}

fn one_line(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 200 {
        let mut t: String = s.chars().take(199).collect();
        t.push('…');
        t
    } else {
        s
    }
}

// ---------------------------------------------------------------- Debian

/// Debian release codename -> release number, as OSV's `Debian:<n>` uses.
pub fn debian_release(codename: &str) -> Option<&'static str> {
    Some(match codename {
        "woody" => "3.0",
        "sarge" => "3.1",
        "etch" => "4.0",
        "lenny" => "5.0",
        "squeeze" => "6",
        "wheezy" => "7",
        "jessie" => "8",
        "stretch" => "9",
        "buster" => "10",
        "bullseye" => "11",
        "bookworm" => "12",
        "trixie" => "13",
        "forky" => "14",
        "duke" => "15",
        _ => return None,
    })
}

/// The security tracker's JSON: one advisory `DEBIAN-<CVE>` per CVE, one affected
/// entry per (source package, release). Not-affected releases (`resolved` with
/// fixed version `0`) are left out; unknown codenames (sid) too.
pub fn parse_debian_tracker(v: &Value) -> Vec<Advisory> {
    let mut by_cve: BTreeMap<String, Advisory> = BTreeMap::new();
    let Some(pkgs) = v.as_object() else {
        return Vec::new();
    };
    for (src, cves) in pkgs {
        let Some(cves) = cves.as_object() else {
            continue;
        };
        for (cve, info) in cves {
            let Some(releases) = info.get("releases").and_then(Value::as_object) else {
                continue;
            };
            let adv = by_cve.entry(cve.clone()).or_insert_with(|| Advisory {
                id: format!("DEBIAN-{cve}"),
                source: "debian-tracker".into(),
                aliases: vec![cve.clone()],
                summary: one_line(
                    info.get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                ),
                severity: Vec::new(),
                published: None,
                modified: None,
                withdrawn: None,
                affected: Vec::new(),
            });
            for (codename, rel) in releases {
                let Some(num) = debian_release(codename) else {
                    continue;
                };
                let status = rel.get("status").and_then(Value::as_str).unwrap_or("");
                let fixed = rel.get("fixed_version").and_then(Value::as_str);
                let urgency = rel
                    .get("urgency")
                    .and_then(Value::as_str)
                    .map(|u| u.trim_end_matches('*').to_string());
                let mut a = Affected::new(format!("Debian:{num}"), src.as_str());
                if status == "resolved" {
                    match fixed {
                        Some("0") | None => continue, // not affected
                        Some(f) => {
                            a.ranges.push(Range::ecosystem_up_to(Some(f)));
                            a.status = Some("fixed".into());
                        }
                    }
                } else {
                    a.ranges.push(Range::ecosystem_up_to(None));
                    let nodsa = rel.get("nodsa").is_some();
                    let reason = rel.get("nodsa_reason").and_then(Value::as_str);
                    a.status = Some(
                        if urgency.as_deref() == Some("end-of-life") {
                            "end-of-life"
                        } else if let Some(r @ ("postponed" | "ignored")) = reason {
                            r
                        } else if nodsa {
                            "no-dsa"
                        } else {
                            "unfixed"
                        }
                        .into(),
                    );
                }
                a.urgency = urgency;
                adv.affected.push(a);
            }
        }
    }
    by_cve.into_values().collect()
}

/// The tracker's `DSA/list` (or `DLA`, `DTSA`): `[DD Mon YYYY] DSA-NNNN-N pkg - title`,
/// then `{CVE ...}` and `[release] - srcpkg version` lines. Releases marked
/// `<not-affected>` are left out; other `<...>` marks (`<end-of-life>`,
/// `<unfixed>`) become that status with no fixed version.
pub fn parse_debian_list(kind: &str, text: &str) -> Vec<Advisory> {
    let mut out: Vec<Advisory> = Vec::new();
    for line in text.lines() {
        if line.starts_with('[') {
            // [29 Mar 2023] DSA-5380-1 xorg-server - security update
            let Some(close) = line.find(']') else {
                continue;
            };
            let date = &line[1..close];
            let rest = line[close + 1..].trim();
            let mut words = rest.splitn(2, ' ');
            let id = words.next().unwrap_or("").to_string();
            let title = words.next().unwrap_or("").trim();
            let title = title.split_once(" - ").map_or(title, |(_, t)| t);
            if id.is_empty() {
                continue;
            }
            out.push(Advisory {
                id,
                source: format!("debian-{}", kind.to_ascii_lowercase()),
                aliases: Vec::new(),
                summary: one_line(title),
                severity: Vec::new(),
                published: iso_date(date),
                modified: None,
                withdrawn: None,
                affected: Vec::new(),
            });
            continue;
        }
        let Some(cur) = out.last_mut() else { continue };
        let t = line.trim();
        if let Some(ids) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            cur.aliases
                .extend(ids.split_whitespace().map(str::to_string));
        } else if let Some(rest) = t.strip_prefix('[') {
            // [bullseye] - xorg-server 2:1.20.11-1+deb11u6
            let Some((codename, rest)) = rest.split_once(']') else {
                continue;
            };
            let Some(num) = debian_release(codename.trim()) else {
                continue;
            };
            let rest = rest.trim().trim_start_matches('-').trim();
            let mut words = rest.split_whitespace();
            let (Some(pkg), Some(ver)) = (words.next(), words.next()) else {
                continue;
            };
            let mut a = Affected::new(format!("Debian:{num}"), pkg);
            if let Some(mark) = ver.strip_prefix('<').and_then(|v| v.strip_suffix('>')) {
                if mark == "not-affected" {
                    continue;
                }
                a.ranges.push(Range::ecosystem_up_to(None));
                a.status = Some(mark.to_string());
            } else {
                a.ranges.push(Range::ecosystem_up_to(Some(ver)));
                a.status = Some("fixed".into());
            }
            cur.affected.push(a);
        }
    }
    out
}

/// `29 Mar 2023` -> `2023-03-29`.
fn iso_date(d: &str) -> Option<String> {
    let mut w = d.split_whitespace();
    let (day, mon, year) = (w.next()?, w.next()?, w.next()?);
    let m = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|x| *x == mon)?
        + 1;
    let day: u32 = day.parse().ok()?;
    Some(format!("{year}-{m:02}-{day:02}"))
}

// ---------------------------------------------------------------- Alpine

/// Alpine secdb: one advisory `ALPINE-<CVE>` per CVE of this branch file. The
/// store merges the branches of one id (see `Store::import`). A fixed version `0`
/// means "never affected" and is left out.
pub fn parse_alpine_secdb(v: Value) -> Result<Vec<Advisory>, String> {
    let branch = v
        .get("distroversion")
        .and_then(scalar)
        .ok_or("secdb without distroversion")?;
    let branch = if branch.starts_with('v') {
        branch
    } else {
        format!("v{branch}")
    };
    let eco = format!("Alpine:{branch}");
    let mut by_id: BTreeMap<String, Advisory> = BTreeMap::new();
    // `packages: ~` (an empty branch) is allowed.
    let pkgs = match v.get("packages") {
        Some(Value::Array(a)) => a.as_slice(),
        Some(Value::Null) => &[],
        _ => return Err("secdb without a packages list".into()),
    };
    for p in pkgs {
        let Some(pkg) = p.get("pkg") else { continue };
        let Some(name) = pkg.get("name").and_then(scalar) else {
            continue;
        };
        let Some(fixes) = pkg.get("secfixes").and_then(Value::as_object) else {
            continue;
        };
        for (fixed, ids) in fixes {
            if fixed == "0" {
                continue;
            }
            for id in ids.as_array().into_iter().flatten().filter_map(scalar) {
                // Entries are `CVE-2019-1 ` or `CVE-2019-1 XSA-2`: each word is an id.
                for word in id.split_whitespace() {
                    let adv = by_id.entry(word.to_string()).or_insert_with(|| Advisory {
                        id: format!("ALPINE-{word}"),
                        source: "alpine-secdb".into(),
                        aliases: vec![word.to_string()],
                        summary: String::new(),
                        severity: Vec::new(),
                        published: None,
                        modified: None,
                        withdrawn: None,
                        affected: Vec::new(),
                    });
                    let mut a = Affected::new(eco.clone(), name.clone());
                    a.ranges.push(Range::ecosystem_up_to(Some(fixed)));
                    a.status = Some("fixed".into());
                    adv.affected.push(a);
                }
            }
        }
    }
    Ok(by_id.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_yaml_with_bare_numbers() {
        let y = b"id: PYSEC-1\naffected:\n- package: {name: x, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.5\n  versions: [1.0]\n";
        let a = parse_file(FileKind::Yaml, y).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].source, "osv:PYSEC");
        let r = &a[0].affected[0].ranges[0];
        assert_eq!(
            r.events,
            vec![Event::Introduced("0".into()), Event::Fixed("1.5".into())]
        );
        assert_eq!(a[0].affected[0].versions, vec!["1.0".to_string()]);
    }

    #[test]
    fn malformed_osv_is_one_line_error() {
        let e = parse_file(FileKind::Json, b"{\"id\": 3}").unwrap_err();
        assert!(e.starts_with("not a valid OSV record"), "{e}");
        assert!(!e.contains('\n'));
        let e = parse_file(FileKind::Json, b"{\"id\": \"X\", \"aff").unwrap_err();
        assert!(e.starts_with("invalid JSON"), "{e}");
    }

    #[test]
    fn debian_list_entries() {
        let text = "[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{CVE-2023-1393}\n\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\n[17 Mar 2023] DSA-5356-2 sox - regression update\n\t[bullseye] - sox 14.4.2+git20190427-2+deb11u2\n\t[buster] - sox <not-affected> (x)\n\t[stretch] - sox <end-of-life>\n";
        let a = parse_debian_list("DSA", text);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].id, "DSA-5380-1");
        assert_eq!(a[0].source, "debian-dsa");
        assert_eq!(a[0].aliases, vec!["CVE-2023-1393"]);
        assert_eq!(a[0].summary, "security update");
        assert_eq!(a[0].published.as_deref(), Some("2023-03-29"));
        assert_eq!(a[0].affected[0].ecosystem, "Debian:11");
        assert_eq!(a[0].affected[0].name, "xorg-server");
        assert_eq!(
            a[0].affected[0].ranges[0].events[1],
            Event::Fixed("2:1.20.11-1+deb11u6".into())
        );
        assert_eq!(a[1].affected.len(), 2);
        assert_eq!(a[1].affected[1].status.as_deref(), Some("end-of-life"));
        assert_eq!(a[1].affected[1].ranges[0].events.len(), 1);
    }

    #[test]
    fn file_kinds() {
        assert_eq!(file_kind("a/b/GO-1.json"), Some(FileKind::Json));
        assert_eq!(file_kind("x/DSA/list"), Some(FileKind::DebianList("DSA")));
        assert_eq!(file_kind("x/other/list"), None);
        assert_eq!(file_kind("README.md"), None);
        assert_eq!(file_kind("all.ZIP"), Some(FileKind::Zip));
    }
}
