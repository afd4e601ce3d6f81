//! What to do about the findings: the layer that added each vulnerable package,
//! whether that layer belongs to the base image, and the fix summary
//! ([`fix_summary`]), all pure.
//!
//! - The layer that added a package is its first location's layer
//!   (`bosun_sbom` sorts locations so the first is the adding layer).
//! - A [`BaseImage`] says how many leading layers belong to the base image (layers
//!   `0..layers`), and how that is known ([`BaseEvidence`]); `bosun_vuln::base`
//!   finds it from the image's annotations, a given base image or its history.
//! - The summary groups fixes per package: outside the base, "upgrade `urllib3` to
//!   1.26.18: fixes 3"; inside the base, one "rebuild on a newer base: N findings
//!   in base layers have fixes" (with the same per-package upgrades listed).
//!   Without a known base every package counts as the image's own.

use crate::matcher::{query_for, VersionOrder};
use crate::model::{base_ecosystem, RangeKind};
use crate::scan::PackageMatch;
use bosun_sbom::{Distro, Package};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// How the base image's layers were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BaseEvidence {
    /// `--base IMAGE`: the base's layer diff IDs are a prefix of the image's.
    BaseImage,
    /// The manifest's `org.opencontainers.image.base.*` annotations name the base;
    /// the layer count comes from the history.
    Annotation,
    /// The image's history alone (see `base::from_history`).
    History,
}

/// The base image of an image: its first `layers` layers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseImage {
    /// Layers `0..layers` belong to the base.
    pub layers: usize,
    pub evidence: BaseEvidence,
    /// `org.opencontainers.image.base.name`, or the `--base` reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `org.opencontainers.image.base.digest`, or the base's manifest digest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl BaseImage {
    /// True when layer `index` belongs to the base.
    pub fn contains(&self, index: usize) -> bool {
        index < self.layers
    }
}

/// The layer that added a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddedBy {
    /// Layer index, 0 = the first layer.
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// `Some(true)` when the layer belongs to the base image; `None` when the
    /// base is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<bool>,
}

/// The layer that added `pkg` (its first location), `None` for packages of a
/// directory or an SBOM without layer data.
pub fn added_by(pkg: &Package, base: Option<&BaseImage>) -> Option<AddedBy> {
    let loc = pkg.locations.first()?;
    let index = loc.layer_index?;
    Some(AddedBy {
        index,
        digest: loc.layer_digest.clone(),
        base: base.map(|b| b.contains(index)),
    })
}

/// One package upgrade that fixes findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upgrade {
    /// The name advisories use (the source package for Debian and Alpine).
    pub name: String,
    /// OSV ecosystem (`PyPI`, `Debian:12`, ...).
    pub ecosystem: String,
    /// The installed version (as advisories of the ecosystem spell it).
    pub from: String,
    /// The lowest version that fixes every fixable finding of the package: the
    /// highest of their fixed versions.
    pub to: String,
    /// Distinct vulnerabilities fixed.
    pub fixes: usize,
    /// Findings fixed (one per vulnerability and installed package: a source
    /// package's binaries count each).
    pub findings: usize,
    /// The vulnerability ids fixed, sorted.
    pub ids: Vec<String>,
    /// The installed packages (purls) the upgrade changes, sorted.
    pub purls: Vec<String>,
}

/// Findings in the base image's layers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rebuild {
    pub base: BaseImage,
    /// Findings in base layers that a newer version fixes.
    pub fixable: usize,
    /// Findings in base layers with no fix.
    pub unfixed: usize,
    /// The upgrades a newer base would need to carry.
    pub upgrades: Vec<Upgrade>,
}

/// What to do about a list of findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FixSummary {
    /// Findings summarised.
    pub findings: usize,
    /// Upgrades of packages the image adds itself (every package when the base is
    /// unknown), most fixes first, then by name.
    pub upgrades: Vec<Upgrade>,
    /// Findings in base layers, when the base is known and has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuild: Option<Rebuild>,
    /// Findings outside the base with no fix.
    pub unfixed: usize,
    /// Findings whose package has no advisory lookup (should not happen for
    /// matches made by `scan`; kept so counts add up).
    #[serde(skip_serializing_if = "is_zero")]
    pub unknown: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl FixSummary {
    /// Findings a listed upgrade or the rebuild fixes.
    pub fn fixable(&self) -> usize {
        self.upgrades.iter().map(|u| u.findings).sum::<usize>()
            + self.rebuild.as_ref().map_or(0, |r| r.fixable)
    }
}

/// Groups findings into upgrades per package and one base rebuild.
///
/// `matches` are the findings to summarise (after any filtering) as indexes into
/// `packages`; `distro` is the image's distribution (OS packages are grouped by
/// their source package, as advisories name them); `base` the known base image.
/// Pure: the same input gives the same summary, sorted deterministically.
pub fn fix_summary(
    packages: &[Package],
    matches: &[PackageMatch],
    distro: Option<&Distro>,
    base: Option<&BaseImage>,
    order: &dyn VersionOrder,
) -> FixSummary {
    #[derive(Default)]
    struct Acc {
        to: Option<String>,
        ids: BTreeSet<String>,
        purls: BTreeSet<String>,
        findings: usize,
    }
    type Key = (String, String, String);
    let mut own: BTreeMap<Key, Acc> = BTreeMap::new();
    let mut in_base: BTreeMap<Key, Acc> = BTreeMap::new();
    let mut out = FixSummary {
        findings: matches.len(),
        ..FixSummary::default()
    };
    let (mut base_fixable, mut base_unfixed) = (0, 0);
    for m in matches {
        let Some(pkg) = packages.get(m.package) else {
            out.unknown += 1;
            continue;
        };
        let Some(q) = query_for(pkg, distro) else {
            out.unknown += 1;
            continue;
        };
        let is_base = match (base, added_by(pkg, base)) {
            (Some(_), Some(a)) => a.base == Some(true),
            _ => false,
        };
        let Some(fixed) = &m.vuln.fixed else {
            if is_base {
                base_unfixed += 1;
            } else {
                out.unfixed += 1;
            }
            continue;
        };
        if is_base {
            base_fixable += 1;
        }
        let groups = if is_base { &mut in_base } else { &mut own };
        let acc = groups
            .entry((q.ecosystem.clone(), q.name.clone(), q.version.clone()))
            .or_default();
        let eco = base_ecosystem(&q.ecosystem);
        let higher = match &acc.to {
            None => true,
            Some(cur) => compare(order, eco, fixed, cur) == Some(Ordering::Greater),
        };
        if higher {
            acc.to = Some(fixed.clone());
        }
        acc.ids.insert(m.vuln.id.clone());
        acc.purls.insert(if pkg.purl.is_empty() {
            format!("{}@{}", pkg.name, pkg.version)
        } else {
            pkg.purl.clone()
        });
        acc.findings += 1;
    }
    let list = |groups: BTreeMap<Key, Acc>| -> Vec<Upgrade> {
        let mut v: Vec<Upgrade> = groups
            .into_iter()
            .filter_map(|((ecosystem, name, from), acc)| {
                Some(Upgrade {
                    name,
                    ecosystem,
                    from,
                    to: acc.to?,
                    fixes: acc.ids.len(),
                    findings: acc.findings,
                    ids: acc.ids.into_iter().collect(),
                    purls: acc.purls.into_iter().collect(),
                })
            })
            .collect();
        v.sort_by(|a, b| {
            b.fixes
                .cmp(&a.fixes)
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.ecosystem.cmp(&b.ecosystem))
                .then_with(|| a.from.cmp(&b.from))
        });
        v
    };
    out.upgrades = list(own);
    if let Some(b) = base {
        if base_fixable + base_unfixed > 0 {
            out.rebuild = Some(Rebuild {
                base: b.clone(),
                fixable: base_fixable,
                unfixed: base_unfixed,
                upgrades: list(in_base),
            });
        }
    }
    out
}

/// Ecosystem order first, SemVer when the ecosystem has none.
fn compare(order: &dyn VersionOrder, eco: &str, a: &str, b: &str) -> Option<Ordering> {
    order
        .compare(RangeKind::Ecosystem, eco, a, b)
        .or_else(|| order.compare(RangeKind::Semver, eco, a, b))
}

/// One line per entry of the summary, for terminals (names are the caller's to
/// escape): `upgrade urllib3 (PyPI) 1.26.4 -> 1.26.18: fixes 3`, then
/// `rebuild on a newer base: 41 findings in base layers have fixes`, then the
/// count of findings with no fix.
pub fn summary_lines(s: &FixSummary) -> Vec<String> {
    let mut lines = Vec::new();
    for u in &s.upgrades {
        lines.push(upgrade_line(u));
    }
    if let Some(r) = &s.rebuild {
        if r.fixable > 0 {
            let name = r.base.name.as_deref().map(|n| format!(" than {n}"));
            lines.push(format!(
                "rebuild on a newer base{}: {} fixes",
                name.unwrap_or_default(),
                findings_have(r.fixable, "in base layers"),
            ));
        }
        if r.unfixed > 0 {
            lines.push(format!(
                "{} no fix yet",
                findings_have(r.unfixed, "in base layers")
            ));
        }
    }
    if s.unfixed > 0 {
        lines.push(format!(
            "{} no fix yet",
            findings_have(s.unfixed, "outside the base")
        ));
    }
    lines
}

/// `upgrade urllib3 1.26.4 -> 1.26.18: fixes 3` (with the findings count when a
/// source package's several binaries make it differ).
pub fn upgrade_line(u: &Upgrade) -> String {
    let mut line = format!(
        "upgrade {} ({}) {} -> {}: fixes {}",
        u.name, u.ecosystem, u.from, u.to, u.fixes
    );
    if u.findings != u.fixes {
        line.push_str(&format!(" ({} findings)", u.findings));
    }
    line
}

/// `2 findings in base layers have` / `1 finding in base layers has`.
fn findings_have(n: usize, place: &str) -> String {
    let verb = if n == 1 { "has" } else { "have" };
    format!("{n} finding{} {place} {verb}", plural(n))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::VulnMatch;
    use crate::SchemeOrder;
    use bosun_sbom::{Location, PackageType};

    fn pkg(kind: PackageType, name: &str, version: &str, layer: usize) -> Package {
        let mut p = Package::new(kind, name, version, "test");
        p.locations.push(Location {
            path: "/x".into(),
            layer_digest: Some(format!("sha256:{layer:064}")),
            layer_index: Some(layer),
        });
        p.purl = format!("pkg:{}/{name}@{version}", kind.purl_type());
        p
    }

    fn hit(package: usize, id: &str, fixed: Option<&str>) -> PackageMatch {
        PackageMatch {
            package,
            vuln: VulnMatch {
                id: id.into(),
                aliases: vec![],
                records: vec![id.into()],
                summary: String::new(),
                severity: vec![],
                fixed: fixed.map(str::to_string),
                status: None,
                urgency: None,
                informational: None,
            },
        }
    }

    fn debian() -> Distro {
        Distro {
            id: "debian".into(),
            version_id: "12".into(),
            ..Distro::default()
        }
    }

    #[test]
    fn upgrades_take_the_highest_fix_and_count_vulnerabilities() {
        let pkgs = vec![
            pkg(PackageType::Python, "urllib3", "1.26.4", 2),
            pkg(PackageType::Python, "idna", "2.10", 2),
        ];
        let m = vec![
            hit(0, "PYSEC-1", Some("1.26.5")),
            hit(0, "PYSEC-2", Some("1.26.18")),
            hit(0, "PYSEC-3", Some("1.26.17")),
            hit(1, "PYSEC-4", Some("3.7")),
            hit(1, "PYSEC-5", None),
        ];
        let s = fix_summary(&pkgs, &m, None, None, &SchemeOrder);
        assert_eq!(s.findings, 5);
        assert_eq!(s.upgrades.len(), 2);
        let u = &s.upgrades[0];
        assert_eq!(
            (u.name.as_str(), u.from.as_str(), u.to.as_str(), u.fixes),
            ("urllib3", "1.26.4", "1.26.18", 3)
        );
        assert_eq!(u.ids, ["PYSEC-1", "PYSEC-2", "PYSEC-3"]);
        assert_eq!(
            upgrade_line(u),
            "upgrade urllib3 (PyPI) 1.26.4 -> 1.26.18: fixes 3"
        );
        assert_eq!(s.upgrades[1].to, "3.7");
        assert_eq!(s.unfixed, 1);
        assert_eq!(s.rebuild, None);
        assert_eq!(s.fixable(), 4);
    }

    #[test]
    fn base_layers_go_to_the_rebuild_and_source_packages_group_binaries() {
        let mut libssl = pkg(PackageType::Deb, "libssl3", "3.0.11-1~deb12u1", 0);
        libssl.source_name = Some("openssl".into());
        let mut openssl = pkg(PackageType::Deb, "openssl", "3.0.11-1~deb12u1", 0);
        openssl.source_name = Some("openssl".into());
        let curl = pkg(PackageType::Deb, "curl", "7.88.1-10", 1);
        let pkgs = vec![libssl, openssl, curl];
        let m = vec![
            hit(0, "CVE-2024-1", Some("3.0.13-1~deb12u1")),
            hit(1, "CVE-2024-1", Some("3.0.13-1~deb12u1")),
            hit(0, "CVE-2024-2", None),
            hit(2, "CVE-2024-3", Some("7.88.1-10+deb12u5")),
        ];
        let base = BaseImage {
            layers: 1,
            evidence: BaseEvidence::History,
            name: None,
            digest: None,
        };
        let s = fix_summary(&pkgs, &m, Some(&debian()), Some(&base), &SchemeOrder);
        assert_eq!(s.upgrades.len(), 1);
        assert_eq!(s.upgrades[0].name, "curl");
        let r = s.rebuild.as_ref().unwrap();
        assert_eq!((r.fixable, r.unfixed), (2, 1));
        assert_eq!(r.upgrades.len(), 1);
        let u = &r.upgrades[0];
        assert_eq!((u.name.as_str(), u.fixes, u.findings), ("openssl", 1, 2));
        assert_eq!(u.purls.len(), 2);
        assert_eq!(
            summary_lines(&s),
            [
                "upgrade curl (Debian:12) 7.88.1-10 -> 7.88.1-10+deb12u5: fixes 1",
                "rebuild on a newer base: 2 findings in base layers have fixes",
                "1 finding in base layers has no fix yet",
            ]
        );
        // Without a base, everything is the image's own.
        let s = fix_summary(&pkgs, &m, Some(&debian()), None, &SchemeOrder);
        assert_eq!(s.upgrades.len(), 2);
        assert_eq!(s.upgrades[0].name, "curl");
        assert_eq!(s.upgrades[1].name, "openssl");
        assert_eq!(s.unfixed, 1);
        assert_eq!(s.fixable(), 3);
    }
}
