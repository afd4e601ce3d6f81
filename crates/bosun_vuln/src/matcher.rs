//! The matcher: a pure function from one package and the advisories that name it
//! to findings, following the OSV evaluation rules exactly.
//!
//! - A version is affected when it is listed in `versions`, or when any SEMVER or
//!   ECOSYSTEM range includes it: events sorted by version (`introduced: 0` first),
//!   `introduced` opens, `fixed` closes at that version, `last_affected` closes
//!   after it; a range with `limit` events only includes versions below one of them
//!   (`*` is no limit). GIT ranges name commits and never match a version.
//! - Withdrawn records are skipped.
//! - Records about one vulnerability (linked by id or aliases, e.g. a DSA, the
//!   tracker's CVE and Alpine's) give one finding per package, with every id kept.
//! - OS packages match by the distribution release (`Debian:12`, `Alpine:v3.20`,
//!   `AlmaLinux:9`); Debian and Alpine by source package and source version,
//!   AlmaLinux by binary rpm (its records name binaries). Language packages by
//!   ecosystem and normalised name; Go by module path, and `stdlib` by Go version.
//!   No CPE matching.

use crate::model::{base_ecosystem, normalise_name, Advisory, Event, Range, RangeKind};
use crate::model::{Affected, SeverityVector};
use bosun_sbom::{Distro, Package, PackageType};
use std::cmp::Ordering;

/// Version ordering, per ecosystem. Implemented over `bosun_version` by
/// [`crate::SchemeOrder`]; tests may plug in their own.
pub trait VersionOrder: Sync {
    /// Compares `a` and `b`. `kind` is `Semver` for SEMVER ranges (SemVer 2.0
    /// whatever the ecosystem) and `Ecosystem` otherwise; `ecosystem` has no
    /// release suffix (`Debian`, not `Debian:12`). `None` when either version does
    /// not parse or the ecosystem has no known ordering.
    fn compare(&self, kind: RangeKind, ecosystem: &str, a: &str, b: &str) -> Option<Ordering>;
}

/// What to look up for one package: the OSV ecosystem (with release), the name
/// and the version that advisories of that ecosystem use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub ecosystem: String,
    pub name: String,
    pub version: String,
}

/// The OSV ecosystem of an OS package on `distro`, e.g. `Debian:12`,
/// `Alpine:v3.20`, `AlmaLinux:9`. `None` for a distribution bosun has no data
/// layout for.
pub fn os_ecosystem(kind: PackageType, distro: &Distro) -> Option<String> {
    let major = distro.version_id.split('.').next().unwrap_or("");
    let major_minor: String = distro
        .version_id
        .split('.')
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    match (kind, distro.id.as_str()) {
        (PackageType::Deb, "debian") if !major.is_empty() => Some(format!("Debian:{major}")),
        (PackageType::Deb, "ubuntu") if !distro.version_id.is_empty() => {
            Some(format!("Ubuntu:{}", distro.version_id))
        }
        (PackageType::Apk, "alpine") if !major_minor.is_empty() => {
            Some(format!("Alpine:v{major_minor}"))
        }
        (PackageType::Rpm, "almalinux") if !major.is_empty() => Some(format!("AlmaLinux:{major}")),
        (PackageType::Rpm, "rocky") if !major.is_empty() => Some(format!("Rocky Linux:{major}")),
        _ => None,
    }
}

/// The lookup for one package (`None` when no advisory source covers it).
pub fn query_for(pkg: &Package, distro: Option<&Distro>) -> Option<Query> {
    if pkg.kind.is_os() {
        let eco = os_ecosystem(pkg.kind, distro?)?;
        let (name, version) = match pkg.kind {
            // AlmaLinux/Rocky records name binary rpms with their version-release.
            PackageType::Rpm => (pkg.name.clone(), pkg.version.clone()),
            _ => (
                pkg.source_or_name().to_string(),
                pkg.source_or_version().to_string(),
            ),
        };
        return Some(Query {
            ecosystem: eco,
            name,
            version,
        });
    }
    let eco = pkg.kind.osv_ecosystem()?;
    let name = match (pkg.kind, &pkg.namespace) {
        (PackageType::Maven, Some(g)) => format!("{g}:{}", pkg.name),
        // Named `vendor/name` in full (an SBOM read back from elsewhere may split it).
        (PackageType::Composer, Some(v)) if !pkg.name.contains('/') => format!("{v}/{}", pkg.name),
        _ => pkg.name.clone(),
    };
    let version = if pkg.kind == PackageType::Go {
        go_version(&name, &pkg.version)?
    } else {
        pkg.version.clone()
    };
    Some(Query {
        ecosystem: eco.to_string(),
        name,
        version,
    })
}

/// Go versions as the Go vulndb writes them: modules without the `v`, `stdlib`
/// and `toolchain` as SemVer made from the Go release (`go1.21rc2` ->
/// `1.21.0-rc.2`, `go1.19` -> `1.19.0`). `None` for `(devel)` and the like.
pub fn go_version(module: &str, version: &str) -> Option<String> {
    if module == "stdlib" || module == "toolchain" {
        let v = version.strip_prefix("go").unwrap_or(version);
        let v = v.strip_prefix('v').unwrap_or(v);
        let (core, pre) = match v.find(|c: char| c.is_ascii_alphabetic()) {
            Some(i) => (&v[..i], Some(&v[i..])),
            None => (v, None),
        };
        let mut parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.iter().any(|p| p.parse::<u64>().is_err()) {
            return None;
        }
        while parts.len() < 3 {
            parts.push("0");
        }
        let mut out = parts.join(".");
        if let Some(pre) = pre {
            let digits = pre.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let word = &pre[..pre.len() - digits.len()];
            // Go 1.x pre-releases; anything after a `-` (e.g. `X:boringcrypto`) is dropped.
            let digits = digits
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap_or("");
            out = if digits.is_empty() {
                format!("{out}-{word}")
            } else {
                format!("{out}-{word}.{digits}")
            };
        }
        return Some(out);
    }
    let v = version.strip_prefix('v').unwrap_or(version);
    if v.is_empty() || !v.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(v.to_string())
}

/// A vulnerability (or informational notice) found in one package.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnMatch {
    /// The id shown: the language database's own id (`GO-...`, `PYSEC-...`), or
    /// the CVE for distribution records, else the record id.
    pub id: String,
    /// Every other id of the merged records and their aliases, sorted.
    pub aliases: Vec<String>,
    /// Ids of the records that matched (a subset of `id` + `aliases`).
    pub records: Vec<String>,
    pub summary: String,
    /// CVSS and other vectors of every merged record.
    pub severity: Vec<SeverityVector>,
    /// The version that fixes every merged record, when there is one.
    pub fixed: Option<String>,
    /// The distribution's status (`fixed`, `unfixed`, `no-dsa`, `end-of-life`, ...).
    pub status: Option<String>,
    /// The distribution's urgency (`unimportant`, `low`, ...).
    pub urgency: Option<String>,
    /// RustSec's informational kind (`unmaintained`, `unsound`): a warning, not a
    /// vulnerability.
    pub informational: Option<String>,
}

impl VulnMatch {
    /// True when no fixed version is known.
    pub fn is_unfixed(&self) -> bool {
        self.fixed.is_none()
    }
}

/// What one affected entry says about a version.
struct Hit {
    fixed: Option<String>,
}

/// Evaluates one OSV range for `v`. `None` when a version in it (or `v`) does
/// not parse, so the range cannot be decided.
pub fn range_includes(
    v: &str,
    range: &Range,
    ecosystem: &str,
    order: &dyn VersionOrder,
) -> Option<bool> {
    if range.kind == RangeKind::Git {
        return Some(false);
    }
    let eco = base_ecosystem(ecosystem);
    let cmp = |a: &str, b: &str| order.compare(range.kind, eco, a, b);
    let zero = |e: &Event| matches!(e, Event::Introduced(x) if x == "0");
    let mut events: Vec<&Event> = Vec::with_capacity(range.events.len());
    let mut limits: Vec<&str> = Vec::new();
    for e in &range.events {
        match e {
            Event::Limit(l) => limits.push(l),
            e if zero(e) => events.push(e),
            e => {
                cmp(v, e.version())?;
                events.push(e);
            }
        }
    }
    // Sort by version, `introduced: 0` first (every version was checked above).
    events.sort_by(|a, b| match (zero(a), zero(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => cmp(a.version(), b.version()).unwrap_or(Ordering::Equal),
    });
    let mut affected = false;
    for e in events {
        match e {
            Event::Introduced(x) if x == "0" => affected = true,
            Event::Introduced(x) => {
                if cmp(v, x)? != Ordering::Less {
                    affected = true;
                }
            }
            Event::Fixed(x) => {
                if cmp(v, x)? != Ordering::Less {
                    affected = false;
                }
            }
            Event::LastAffected(x) => {
                if cmp(v, x)? == Ordering::Greater {
                    affected = false;
                }
            }
            Event::Limit(_) => {}
        }
    }
    if affected && !limits.is_empty() {
        let mut below = false;
        for l in limits {
            if l == "*" || cmp(v, l)? == Ordering::Less {
                below = true;
            }
        }
        affected = below;
    }
    Some(affected)
}

fn affected_hit(v: &str, a: &Affected, order: &dyn VersionOrder) -> Option<Hit> {
    let eco = base_ecosystem(&a.ecosystem);
    let listed = a
        .versions
        .iter()
        .any(|x| x == v || order.compare(RangeKind::Ecosystem, eco, v, x) == Some(Ordering::Equal));
    let mut in_range = false;
    for r in &a.ranges {
        if range_includes(v, r, &a.ecosystem, order) == Some(true) {
            in_range = true;
        }
    }
    if !listed && !in_range {
        return None;
    }
    // The fix: the lowest `fixed` above the version, over every range.
    let mut fixed: Option<(&str, RangeKind)> = None;
    for r in a.ranges.iter().filter(|r| r.kind != RangeKind::Git) {
        for e in &r.events {
            if let Event::Fixed(f) = e {
                if order.compare(r.kind, eco, f, v) != Some(Ordering::Greater) {
                    continue;
                }
                let lower = match fixed {
                    None => true,
                    Some((cur, k)) => order.compare(k, eco, f, cur) == Some(Ordering::Less),
                };
                if lower {
                    fixed = Some((f, r.kind));
                }
            }
        }
    }
    Some(Hit {
        fixed: fixed.map(|(f, _)| f.to_string()),
    })
}

/// Every finding for the package `q` among `candidates` (advisories that name it;
/// entries for other packages are ignored). Sorted by id.
pub fn match_package(
    q: &Query,
    candidates: &[Advisory],
    order: &dyn VersionOrder,
) -> Vec<VulnMatch> {
    let key = normalise_name(&q.ecosystem, &q.name);
    let eco = base_ecosystem(&q.ecosystem);
    // (record, hit, the matching affected entry)
    let mut hits: Vec<(&Advisory, Hit, &Affected)> = Vec::new();
    for adv in candidates.iter().filter(|a| a.withdrawn.is_none()) {
        let mut best: Option<(Hit, &Affected)> = None;
        for a in &adv.affected {
            if a.ecosystem != q.ecosystem || normalise_name(&a.ecosystem, &a.name) != key {
                continue;
            }
            if let Some(h) = affected_hit(&q.version, a, order) {
                // Several entries for one package: keep the one with a fix.
                if best.as_ref().is_none_or(|(b, _)| b.fixed.is_none()) {
                    best = Some((h, a));
                }
            }
        }
        if let Some((h, a)) = best {
            hits.push((adv, h, a));
        }
    }
    // Group records that share an id or alias.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut keys: Vec<std::collections::BTreeSet<&str>> = Vec::new();
    for (i, (adv, _, _)) in hits.iter().enumerate() {
        let mine: std::collections::BTreeSet<&str> = std::iter::once(adv.id.as_str())
            .chain(adv.aliases.iter().map(String::as_str))
            .collect();
        let joined: Vec<usize> = (0..groups.len())
            .filter(|g| !keys[*g].is_disjoint(&mine))
            .collect();
        match joined.split_first() {
            None => {
                groups.push(vec![i]);
                keys.push(mine);
            }
            Some((&first, rest)) => {
                groups[first].push(i);
                keys[first].extend(mine);
                for &g in rest.iter().rev() {
                    let moved = groups.remove(g);
                    let moved_keys = keys.remove(g);
                    groups[first].extend(moved);
                    keys[first].extend(moved_keys);
                }
            }
        }
    }
    let mut out: Vec<VulnMatch> = groups
        .iter()
        .zip(&keys)
        .map(|(members, all_ids)| {
            let recs: Vec<&(&Advisory, Hit, &Affected)> =
                members.iter().map(|&i| &hits[i]).collect();
            let primary = recs
                .iter()
                .map(|(a, _, _)| *a)
                .min_by_key(|a| (rank(&a.id), a.id.clone()))
                .expect("a group has a record");
            let id = if rank(&primary.id) > 0 {
                // A distribution record: show the CVE when there is exactly one.
                let cves: Vec<&&str> = all_ids.iter().filter(|k| k.starts_with("CVE-")).collect();
                if cves.len() == 1 {
                    cves[0].to_string()
                } else {
                    primary.id.clone()
                }
            } else {
                primary.id.clone()
            };
            let aliases: Vec<String> = all_ids
                .iter()
                .filter(|k| **k != id)
                .map(|k| k.to_string())
                .collect();
            let mut records: Vec<String> = recs.iter().map(|(a, _, _)| a.id.clone()).collect();
            records.sort();
            // The fix for all: the highest of the records' fixes; none when any
            // record has no fix.
            let mut fixed: Option<String> = None;
            let mut all_fixed = true;
            for (_, h, a) in &recs {
                match &h.fixed {
                    None => {
                        // A record with no fix at all for this package.
                        let has_fix_event = a
                            .ranges
                            .iter()
                            .any(|r| r.events.iter().any(|e| matches!(e, Event::Fixed(_))));
                        if !has_fix_event {
                            all_fixed = false;
                        }
                    }
                    Some(f) => {
                        let higher = match &fixed {
                            None => true,
                            Some(cur) => {
                                order
                                    .compare(RangeKind::Ecosystem, eco, f, cur)
                                    .or_else(|| order.compare(RangeKind::Semver, eco, f, cur))
                                    == Some(Ordering::Greater)
                            }
                        };
                        if higher {
                            fixed = Some(f.clone());
                        }
                    }
                }
            }
            if !all_fixed {
                fixed = None;
            }
            let status = if fixed.is_some() {
                recs.iter()
                    .find_map(|(_, _, a)| a.status.clone())
                    .map(|_| "fixed".to_string())
            } else {
                // The tracker's view first (it knows no-dsa, postponed, end-of-life).
                recs.iter()
                    .filter_map(|(_, _, a)| a.status.clone())
                    .find(|s| s != "fixed")
            };
            let urgency = recs.iter().find_map(|(_, _, a)| a.urgency.clone());
            let informational = if recs.iter().all(|(_, _, a)| a.informational.is_some()) {
                recs.iter().find_map(|(_, _, a)| a.informational.clone())
            } else {
                None
            };
            let mut severity: Vec<SeverityVector> = Vec::new();
            for (adv, _, a) in &recs {
                for s in adv.severity.iter().chain(&a.severity) {
                    if !severity.contains(s) {
                        severity.push(s.clone());
                    }
                }
            }
            let summary = if !primary.summary.is_empty() {
                primary.summary.clone()
            } else {
                recs.iter()
                    .map(|(a, _, _)| a.summary.clone())
                    .find(|s| !s.is_empty())
                    .unwrap_or_default()
            };
            VulnMatch {
                id,
                aliases,
                records,
                summary,
                severity,
                fixed,
                status,
                urgency,
                informational,
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// 0 for a language database's own record, 1 for distribution records.
fn rank(id: &str) -> u8 {
    const DISTRO: [&str; 5] = ["DEBIAN-", "ALPINE-", "DSA-", "DLA-", "DTSA-"];
    u8::from(DISTRO.iter().any(|p| id.starts_with(p)))
}
