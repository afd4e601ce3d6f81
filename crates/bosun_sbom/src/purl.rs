//! Package URLs, built with the `packageurl` crate (which does the percent-encoding
//! and sorts qualifiers, so the same package always gives the same string).
//!
//! OS packages carry `arch` and `distro=<ID>-<VERSION_ID>` qualifiers, as syft writes
//! them (`pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12`); rpm
//! moves the epoch into an `epoch` qualifier. Python names are PEP 503-normalised; Go's
//! `stdlib` drops the `go` prefix of its version. This is the only purl builder: the
//! cataloguers and finalisation both call [`purl`].

use crate::model::{Distro, Package, PackageType};
use packageurl::PackageUrl;

/// PEP 503: lowercase, runs of `-`, `_` and `.` become one `-`.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The purl namespace of an OS package: the distro ID (`rhel` is `redhat`, openSUSE
/// variants are `opensuse`), or the package manager's home distro when unknown.
fn os_namespace(kind: PackageType, distro: Option<&Distro>) -> String {
    match distro.map(|d| d.id.as_str()).filter(|id| !id.is_empty()) {
        Some("rhel") => "redhat".into(),
        Some(id) if id.starts_with("opensuse") => "opensuse".into(),
        Some(id) => id.to_string(),
        None => match kind {
            PackageType::Apk => "alpine".into(),
            PackageType::Alpm => "arch".into(),
            PackageType::Rpm => "redhat".into(),
            _ => "debian".into(),
        },
    }
}

/// The `distro` qualifier value (`debian-12`, `alpine-3.20.3`; the ID alone when there
/// is no `VERSION_ID`, as on Debian sid).
pub fn distro_qualifier(d: &Distro) -> String {
    if d.version_id.is_empty() {
        d.id.clone()
    } else {
        format!("{}-{}", d.id, d.version_id)
    }
}

/// The purl of `p`; `distro` qualifies OS packages. Empty when the name cannot form one.
pub fn purl(p: &Package, distro: Option<&Distro>) -> String {
    build(p, distro).unwrap_or_default()
}

fn build(p: &Package, distro: Option<&Distro>) -> Result<String, packageurl::Error> {
    let ty = p.kind.purl_type();
    let (namespace, name): (Option<String>, String) = match p.kind {
        PackageType::Python => (None, pep503(&p.name)),
        PackageType::Npm => match p.name.split_once('/').filter(|_| p.name.starts_with('@')) {
            Some((scope, n)) => (Some(scope.to_string()), n.to_string()),
            None => (None, p.name.clone()),
        },
        PackageType::Composer => match p.name.split_once('/') {
            Some((vendor, n)) => (Some(vendor.to_string()), n.to_string()),
            None => (p.namespace.clone(), p.name.clone()),
        },
        PackageType::Go => match p.name.rsplit_once('/') {
            Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
            None => (None, p.name.clone()),
        },
        PackageType::Deb | PackageType::Rpm | PackageType::Apk | PackageType::Alpm => {
            (Some(os_namespace(p.kind, distro)), p.name.clone())
        }
        _ => (p.namespace.clone(), p.name.clone()),
    };
    let mut version = p.version.clone();
    // The Go toolchain pseudo-module is versioned `go1.x.y`; its purl has the bare
    // version, as OSV's `Go` ecosystem and syft write it.
    if p.kind == PackageType::Go && matches!(p.name.as_str(), "stdlib" | "toolchain") {
        if let Some(v) = version.strip_prefix("go") {
            version = v.to_string();
        }
    }
    let mut epoch = None;
    if p.kind == PackageType::Rpm {
        if let Some((e, rest)) = version.split_once(':') {
            if e.chars().all(|c| c.is_ascii_digit()) {
                epoch = Some(e.to_string());
                version = rest.to_string();
            }
        }
    }
    let mut u = PackageUrl::new(ty, name.as_str())?;
    if let Some(ns) = namespace.as_deref().filter(|n| !n.is_empty()) {
        u.with_namespace(ns);
    }
    if !version.is_empty() {
        u.with_version(version.as_str());
    }
    if p.kind.is_os() {
        if let Some(a) = p.arch.as_deref().filter(|a| !a.is_empty()) {
            u.add_qualifier("arch", a)?;
        }
        if let Some(e) = epoch.as_deref().filter(|e| *e != "0") {
            u.add_qualifier("epoch", e)?;
        }
        if let Some(d) = distro.filter(|d| !d.id.is_empty()) {
            u.add_qualifier("distro", distro_qualifier(d))?;
        }
    }
    Ok(u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn debian() -> Distro {
        Distro {
            id: "debian".into(),
            version_id: "12".into(),
            ..Distro::default()
        }
    }

    #[test]
    fn deb_with_arch_and_distro() {
        let mut p = Package::new(PackageType::Deb, "libssl3", "3.0.15-1~deb12u1", "dpkg");
        p.arch = Some("amd64".into());
        assert_eq!(
            purl(&p, Some(&debian())),
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12"
        );
        let e = Package::new(PackageType::Deb, "bsdutils", "1:2.38.1-5+deb12u3", "dpkg");
        assert_eq!(
            purl(&e, Some(&debian())),
            "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?distro=debian-12"
        );
    }

    #[test]
    fn language_packages() {
        let p = Package::new(PackageType::Python, "Zope.Interface_x", "6.0", "python");
        assert_eq!(purl(&p, None), "pkg:pypi/zope-interface-x@6.0");
        let n = Package::new(PackageType::Npm, "@babel/core", "7.24.0", "javascript");
        assert_eq!(purl(&n, None), "pkg:npm/%40babel/core@7.24.0");
        let g = Package::new(PackageType::Go, "github.com/a/b", "v1.2.3", "go");
        assert_eq!(purl(&g, None), "pkg:golang/github.com/a/b@v1.2.3");
        let std = Package::new(PackageType::Go, "stdlib", "go1.19.8", "go");
        assert_eq!(purl(&std, None), "pkg:golang/stdlib@1.19.8");
        let m = Package::new(PackageType::Maven, "a b", "", "java");
        assert_eq!(purl(&m, None), "pkg:maven/a%20b");
        let mut r = Package::new(PackageType::Rpm, "bash", "1:5.1-2.el9", "rpm");
        r.arch = Some("x86_64".into());
        let rhel = Distro {
            id: "rhel".into(),
            version_id: "9.4".into(),
            ..Distro::default()
        };
        assert_eq!(
            purl(&r, Some(&rhel)),
            "pkg:rpm/redhat/bash@5.1-2.el9?arch=x86_64&distro=rhel-9.4&epoch=1"
        );
        // No os-release: the package manager's home distro, and no distro qualifier.
        r.version = "5.1-2.el9".into();
        assert_eq!(purl(&r, None), "pkg:rpm/redhat/bash@5.1-2.el9?arch=x86_64");
    }
}
