//! Image source strings (`docker-archive:PATH`, `oci:DIR[:TAG]`, `docker://REF`, ...)
//! and registry references (`[registry/]repository[:tag][@digest]`).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::digest::Digest;
use crate::error::{Error, Result};

/// Where an image comes from. Named as skopeo and podman name their transports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// `docker-archive:PATH[:REF]`: a `docker save` / `podman save` tar. `REF` selects an
    /// image by one of its `RepoTags` or by position (`@0`).
    DockerArchive {
        /// The tar file.
        path: PathBuf,
        /// Which image, when the archive holds several.
        reference: Option<String>,
    },
    /// `oci-archive:PATH[:TAG]`: a tar of an OCI image layout.
    OciArchive {
        /// The tar file.
        path: PathBuf,
        /// Which image (`org.opencontainers.image.ref.name`).
        tag: Option<String>,
    },
    /// `oci:DIR[:TAG]`: an OCI image layout directory.
    OciDir {
        /// The directory.
        path: PathBuf,
        /// Which image (`org.opencontainers.image.ref.name`).
        tag: Option<String>,
    },
    /// `docker://REF`: a registry (OCI distribution API v2).
    Registry(Reference),
    /// `docker-daemon:REF`: a Docker Engine (or podman service) over its unix socket.
    Daemon(String),
    /// A plain path, kind detected from its contents: a directory with `oci-layout`, a
    /// tar with `oci-layout` (OCI archive) or `manifest.json` (docker archive).
    Path(PathBuf),
}

impl Source {
    /// Parses a source string. A string with no transport prefix is a path; it is never
    /// sent to a registry by accident (use `docker://` for that).
    pub fn parse(s: &str) -> Result<Source> {
        if let Some(rest) = s.strip_prefix("docker-archive:") {
            let (path, reference) = split_path_ref(rest, false);
            return Ok(Source::DockerArchive { path, reference });
        }
        if let Some(rest) = s.strip_prefix("oci-archive:") {
            let (path, tag) = split_path_ref(rest, true);
            return Ok(Source::OciArchive { path, tag });
        }
        if let Some(rest) = s.strip_prefix("oci:") {
            let (path, tag) = split_path_ref(rest, true);
            return Ok(Source::OciDir { path, tag });
        }
        if let Some(rest) = s.strip_prefix("docker://") {
            return Ok(Source::Registry(Reference::parse(rest)?));
        }
        if let Some(rest) = s.strip_prefix("docker-daemon:") {
            if rest.is_empty() {
                return Err(Error::InvalidReference {
                    reference: s.to_string(),
                    reason: "docker-daemon: needs an image name or ID".into(),
                });
            }
            return Ok(Source::Daemon(rest.to_string()));
        }
        if s.is_empty() {
            return Err(Error::InvalidReference {
                reference: s.to_string(),
                reason: "empty image source".into(),
            });
        }
        Ok(Source::Path(PathBuf::from(s)))
    }
}

/// Splits `PATH[:REF]`: the whole string when it names an existing file; otherwise the
/// split that leaves an existing path (for tags: at the last colon, for docker-archive
/// references, which contain colons themselves: at the first colon after an existing
/// path); otherwise the whole string.
fn split_path_ref(rest: &str, last_colon: bool) -> (PathBuf, Option<String>) {
    if Path::new(rest).exists() || !rest.contains(':') {
        return (PathBuf::from(rest), None);
    }
    let positions: Vec<usize> = rest.match_indices(':').map(|(i, _)| i).collect();
    let ordered: Vec<usize> = if last_colon {
        positions.iter().rev().copied().collect()
    } else {
        positions
    };
    for i in &ordered {
        let (p, r) = rest.split_at(*i);
        let r = r.get(1..).unwrap_or("");
        if Path::new(p).exists() && !r.is_empty() {
            return (PathBuf::from(p), Some(r.to_string()));
        }
    }
    // Nothing exists: take the conventional split so the error names the right file.
    match rest.rsplit_once(':') {
        Some((p, r)) if last_colon && !r.contains('/') && !p.is_empty() && !r.is_empty() => {
            (PathBuf::from(p), Some(r.to_string()))
        }
        _ => (PathBuf::from(rest), None),
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |o: &Option<String>| o.as_ref().map(|t| format!(":{t}")).unwrap_or_default();
        match self {
            Source::DockerArchive { path, reference } => {
                write!(f, "docker-archive:{}{}", path.display(), opt(reference))
            }
            Source::OciArchive { path, tag } => {
                write!(f, "oci-archive:{}{}", path.display(), opt(tag))
            }
            Source::OciDir { path, tag } => write!(f, "oci:{}{}", path.display(), opt(tag)),
            Source::Registry(r) => write!(f, "docker://{r}"),
            Source::Daemon(r) => write!(f, "docker-daemon:{r}"),
            Source::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

impl std::str::FromStr for Source {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Source::parse(s)
    }
}

/// A registry reference: `[registry/]repository[:tag][@digest]`, normalised as Docker
/// does (`alpine` = `docker.io/library/alpine:latest`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Registry host with optional port (`docker.io`, `127.0.0.1:5000`).
    pub registry: String,
    /// Repository path (`library/alpine`).
    pub repository: String,
    /// Tag, if any (`latest` is implied when neither tag nor digest is given).
    pub tag: Option<String>,
    /// Digest, if any (wins over the tag when both are given).
    pub digest: Option<Digest>,
}

impl Reference {
    /// Parses and normalises a reference.
    pub fn parse(s: &str) -> Result<Reference> {
        let bad = |reason: &str| Error::InvalidReference {
            reference: s.to_string(),
            reason: reason.to_string(),
        };
        if s.is_empty() || s.len() > 4096 {
            return Err(bad("empty or too long"));
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(Digest::parse(d)?)),
            None => (s, None),
        };
        let (registry, remainder) = match rest.split_once('/') {
            Some((first, tail))
                if first.contains('.')
                    || first.contains(':')
                    || first == "localhost"
                    || first.starts_with('[') =>
            {
                (first.to_string(), tail)
            }
            _ => ("docker.io".to_string(), rest),
        };
        // A tag is after the last ':' that follows the last '/'.
        let last_slash = remainder.rfind('/').map_or(0, |i| i + 1);
        let (repo, tag) = match remainder.get(last_slash..).and_then(|t| t.rfind(':')) {
            Some(i) => {
                let at = last_slash + i;
                (
                    remainder.get(..at).unwrap_or(""),
                    Some(remainder.get(at + 1..).unwrap_or("").to_string()),
                )
            }
            None => (remainder, None),
        };
        if repo.is_empty() {
            return Err(bad("missing repository name"));
        }
        for comp in repo.split('/') {
            let ok = !comp.is_empty()
                && comp
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
                && comp
                    .as_bytes()
                    .first()
                    .is_some_and(u8::is_ascii_alphanumeric)
                && comp
                    .as_bytes()
                    .last()
                    .is_some_and(u8::is_ascii_alphanumeric);
            if !ok {
                return Err(bad(&format!(
                    "repository component {comp:?} must be lowercase letters, digits and separators"
                )));
            }
        }
        if let Some(t) = &tag {
            let ok = !t.is_empty()
                && t.len() <= 128
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
                && !t.starts_with(['.', '-']);
            if !ok {
                return Err(bad(&format!("invalid tag {t:?}")));
            }
        }
        let repository = if registry == "docker.io" && !repo.contains('/') {
            format!("library/{repo}")
        } else {
            repo.to_string()
        };
        Ok(Reference {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// The tag or digest used to fetch the manifest (`latest` when neither is given).
    pub fn manifest_ref(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => "latest".into(),
        }
    }

    /// The host to talk to (`docker.io` is served by `registry-1.docker.io`).
    pub fn api_host(&self) -> &str {
        if self.registry == "docker.io" {
            "registry-1.docker.io"
        } else {
            &self.registry
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let r = Reference::parse("alpine").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()),
            ("docker.io", "library/alpine", None)
        );
        assert_eq!(r.manifest_ref(), "latest");
        let r = Reference::parse("127.0.0.1:5000/x/y:1").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()),
            ("127.0.0.1:5000", "x/y", Some("1"))
        );
        let d = format!("sha256:{}", "a".repeat(64));
        let r = Reference::parse(&format!("localhost/x@{d}")).unwrap();
        assert_eq!(r.manifest_ref(), d);
        assert!(Reference::parse("UPPER/case").is_err());
        assert!(Reference::parse("x:bad tag").is_err());
        assert!(Reference::parse("x@sha256:zz").is_err());
    }

    #[test]
    fn sources() {
        assert!(matches!(
            Source::parse("docker://alpine:3").unwrap(),
            Source::Registry(_)
        ));
        assert_eq!(
            Source::parse("oci:/nonexistent/dir:v1").unwrap(),
            Source::OciDir {
                path: "/nonexistent/dir".into(),
                tag: Some("v1".into())
            }
        );
        assert_eq!(
            Source::parse("oci-archive:/nonexistent/a.tar").unwrap(),
            Source::OciArchive {
                path: "/nonexistent/a.tar".into(),
                tag: None
            }
        );
        assert_eq!(
            Source::parse("docker-daemon:x:1").unwrap(),
            Source::Daemon("x:1".into())
        );
        assert!(Source::parse("docker-daemon:").is_err());
        assert_eq!(
            Source::parse("some/file.tar").unwrap(),
            Source::Path("some/file.tar".into())
        );
    }
}
