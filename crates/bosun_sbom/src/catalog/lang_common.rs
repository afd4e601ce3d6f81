//! What the language and rpm cataloguers share: package URLs, and the refusal of a
//! body cut short by a cataloguer's size cap.
//!
//! The purl builder is hand-written: the purl grammar needed here is a handful of lines (percent-encode
//! each namespace segment, the name and the version; sorted `key=value` qualifiers),
//! smaller than adapting a general purl crate's types to [`Package`].

use crate::catalog::{FileMeta, Sink};
use crate::model::Package;

/// When `truncated`, warns that `file` (a `what`) is larger than `cap` and returns
/// true: the caller then reads nothing of it.
pub(crate) fn too_large(
    file: &FileMeta<'_>,
    truncated: bool,
    what: &str,
    cap: u64,
    sink: &mut Sink,
) -> bool {
    if truncated {
        sink.warn(
            file.path,
            format!("{what} larger than {cap} bytes; not read"),
        );
    }
    truncated
}

/// Percent-encodes one purl component: everything outside the unreserved set
/// (`A-Z a-z 0-9 - . _ ~`) is written `%XX`.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `pkg:TYPE/NAMESPACE/NAME@VERSION?k=v&...`. `namespace` may hold `/`-separated
/// segments (Go module paths); each segment is encoded on its own. Qualifiers with an
/// empty value are left out; the rest are sorted by key as the spec asks.
pub(crate) fn build(
    kind: &str,
    namespace: Option<&str>,
    name: &str,
    version: &str,
    qualifiers: &[(&str, &str)],
) -> String {
    let mut out = format!("pkg:{kind}/");
    if let Some(ns) = namespace.filter(|n| !n.is_empty()) {
        for seg in ns.split('/').filter(|s| !s.is_empty()) {
            out.push_str(&encode(seg));
            out.push('/');
        }
    }
    out.push_str(&encode(name));
    if !version.is_empty() {
        out.push('@');
        out.push_str(&encode(version));
    }
    let mut q: Vec<_> = qualifiers.iter().filter(|(_, v)| !v.is_empty()).collect();
    q.sort_by_key(|(k, _)| *k);
    for (i, (k, v)) in q.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

/// The purl of a language package from its type, namespace, name and version (Go
/// module paths are split into namespace segments and a last name segment).
pub(crate) fn language(p: &Package) -> String {
    let kind = p.kind.purl_type();
    match p.kind {
        crate::model::PackageType::Go => {
            let (ns, name) = match p.name.rsplit_once('/') {
                Some((ns, name)) => (Some(ns), name),
                None => (None, p.name.as_str()),
            };
            // The stdlib pseudo-module is versioned `go1.x.y`; its purl (as OSV and
            // syft write it) has the bare version.
            let version = if p.name == "stdlib" {
                p.version.strip_prefix("go").unwrap_or(&p.version)
            } else {
                &p.version
            };
            build(kind, ns, name, version, &[])
        }
        _ => build(kind, p.namespace.as_deref(), &p.name, &p.version, &[]),
    }
}

/// Sets the purl of a language package and returns it.
pub(crate) fn with_purl(mut p: Package) -> Package {
    p.purl = language(&p);
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PackageType;

    #[test]
    fn encodes_segments_and_sorts_qualifiers() {
        assert_eq!(
            build(
                "rpm",
                Some("fedora"),
                "bash",
                "5.1-2.fc36",
                &[("epoch", "1"), ("arch", "x86_64")]
            ),
            "pkg:rpm/fedora/bash@5.1-2.fc36?arch=x86_64&epoch=1"
        );
        assert_eq!(
            build("npm", Some("@types"), "node", "1.0", &[]),
            "pkg:npm/%40types/node@1.0"
        );
        assert_eq!(
            build("maven", None, "a b", "", &[("x", "")]),
            "pkg:maven/a%20b"
        );
    }

    #[test]
    fn go_module_paths_become_segments() {
        let p = Package::new(
            PackageType::Go,
            "github.com/pkg/errors",
            "v0.9.1",
            "go-binary",
        );
        assert_eq!(language(&p), "pkg:golang/github.com/pkg/errors@v0.9.1");
        let p = Package::new(PackageType::Go, "stdlib", "go1.19.8", "go-binary");
        assert_eq!(language(&p), "pkg:golang/stdlib@1.19.8");
        let p = Package::new(PackageType::Go, "example.com/app", "(devel)", "go-binary");
        assert_eq!(language(&p), "pkg:golang/example.com/app@%28devel%29");
    }
}

#[cfg(test)]
mod list_tests {
    #[test]
    fn lang_cataloguers_have_distinct_names() {
        let mut names: Vec<_> = crate::catalog::lang_cataloguers()
            .iter()
            .map(|c| c.name())
            .collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "dotnet-deps",
                "go-binary",
                "java-archive",
                "php-composer-installed",
                "rpm-db",
                "ruby-gemspec",
                "rust-binary",
                "rust-cargo-lock",
            ]
        );
    }
}
