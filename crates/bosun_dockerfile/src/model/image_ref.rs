//! Image references, normalised the way Docker's reference parser does it
//! (`docker.io` by default, `library/` for official images, `localhost:5000/x` is a
//! registry with a port, `name:tag` vs `host:port/name`).
//!
//! Hand-written: the Rust crates that parse references (e.g. oci-spec's, docker_reference)
//! either pull a large dependency tree or do not report the familiar/normalised split
//! the rules need; the grammar is small and fixed.

/// Docker Hub's canonical registry name.
pub const DOCKER_HUB: &str = "docker.io";

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The reference as given.
    pub raw: String,
    /// The registry host (with port), `docker.io` when none is given.
    pub registry: String,
    /// The repository path, with `library/` added for Docker Hub official images.
    pub repository: String,
    pub tag: Option<String>,
    /// `algorithm:hex`.
    pub digest: Option<String>,
    /// The registry was written explicitly.
    pub explicit_registry: bool,
}

/// Why a reference does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    #[error("empty image reference")]
    Empty,
    #[error("invalid reference format: repository name must be lowercase: {0}")]
    Uppercase(String),
    #[error("invalid reference format: {0}")]
    Invalid(String),
    #[error("invalid tag {0:?}")]
    InvalidTag(String),
    #[error("invalid digest {0:?}")]
    InvalidDigest(String),
}

impl ImageRef {
    /// Parses and normalises `s`.
    pub fn parse(s: &str) -> Result<ImageRef, RefError> {
        if s.is_empty() {
            return Err(RefError::Empty);
        }
        let (name_tag, digest) = match s.split_once('@') {
            Some((n, d)) => (n, Some(d)),
            None => (s, None),
        };
        if let Some(d) = digest {
            if !valid_digest(d) {
                return Err(RefError::InvalidDigest(d.to_string()));
            }
        }
        let last_slash = name_tag.rfind('/');
        let (name, tag) = match name_tag.rfind(':') {
            Some(i) if last_slash.is_none_or(|sl| i > sl) => (
                name_tag.get(..i).unwrap_or_default(),
                Some(name_tag.get(i + 1..).unwrap_or_default()),
            ),
            _ => (name_tag, None),
        };
        if let Some(t) = tag {
            if !valid_tag(t) {
                return Err(RefError::InvalidTag(t.to_string()));
            }
        }
        if name.is_empty() {
            return Err(RefError::Invalid(s.to_string()));
        }
        let (registry, path, explicit) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.')
                    || first.contains(':')
                    || first == "localhost"
                    || first.chars().any(|c| c.is_ascii_uppercase()) =>
            {
                (first.to_string(), rest.to_string(), true)
            }
            _ => (DOCKER_HUB.to_string(), name.to_string(), false),
        };
        let registry = if registry == "index.docker.io" {
            DOCKER_HUB.to_string()
        } else {
            registry
        };
        if path.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(RefError::Uppercase(s.to_string()));
        }
        if !valid_path(&path) || !valid_host(&registry) {
            return Err(RefError::Invalid(s.to_string()));
        }
        let repository = if registry == DOCKER_HUB && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        Ok(ImageRef {
            raw: s.to_string(),
            registry,
            repository,
            tag: tag.map(str::to_string),
            digest: digest.map(str::to_string),
            explicit_registry: explicit,
        })
    }

    /// `registry/repository` (`docker.io/library/ubuntu`).
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The short form Docker shows (`ubuntu`, `bitnami/nginx`, `gcr.io/x/y`).
    pub fn familiar_name(&self) -> String {
        if self.registry == DOCKER_HUB {
            self.repository
                .strip_prefix("library/")
                .unwrap_or(&self.repository)
                .to_string()
        } else {
            self.full_name()
        }
    }

    /// True when neither a tag nor a digest is given (Docker then uses `latest`).
    pub fn is_untagged(&self) -> bool {
        self.tag.is_none() && self.digest.is_none()
    }

    /// The tag Docker pulls: the given tag, or `latest` without tag and digest.
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }

    /// True for Docker Hub (`docker.io`).
    pub fn is_docker_hub(&self) -> bool {
        self.registry == DOCKER_HUB
    }
}

fn valid_tag(t: &str) -> bool {
    let mut chars = t.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphanumeric() || c == '_' => {}
        _ => return false,
    }
    t.len() <= 128 && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn valid_digest(d: &str) -> bool {
    let Some((algo, hex)) = d.split_once(':') else {
        return false;
    };
    !algo.is_empty()
        && algo.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '.' | '_' | '-')
        })
        && hex.len() >= 32
        && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn valid_host(h: &str) -> bool {
    let host = match h.rsplit_once(':') {
        Some((host, port)) if !h.starts_with('[') => {
            if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
                return false;
            }
            host
        }
        _ => h,
    };
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'))
}

/// Path components: `[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`.
fn valid_path(p: &str) -> bool {
    !p.is_empty()
        && p.split('/').all(|comp| {
            let b = comp.as_bytes();
            let (Some(first), Some(last)) = (b.first(), b.last()) else {
                return false;
            };
            let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
            if !alnum(first) || !alnum(last) {
                return false;
            }
            let mut i = 0;
            while i < b.len() {
                let c = b.get(i).copied().unwrap_or(0);
                if alnum(&c) {
                    i += 1;
                    continue;
                }
                // A separator run.
                let start = i;
                while b.get(i).is_some_and(|c| !alnum(c)) {
                    i += 1;
                }
                let sep = comp.get(start..i).unwrap_or_default();
                let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|c| c == b'-');
                if !ok {
                    return false;
                }
            }
            true
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ImageRef {
        ImageRef::parse(s).unwrap()
    }

    #[test]
    fn normalises_like_docker() {
        let r = p("ubuntu");
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str()),
            ("docker.io", "library/ubuntu")
        );
        assert!(r.is_untagged());
        assert_eq!(r.effective_tag(), Some("latest"));
        let r = p("bitnami/nginx:1.25");
        assert_eq!(r.repository, "bitnami/nginx");
        assert_eq!(r.tag.as_deref(), Some("1.25"));
        let r = p("localhost:5000/x");
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str()),
            ("localhost:5000", "x")
        );
        assert!(r.tag.is_none());
        let r = p("myreg.example.com:5000/ns/img:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assert_eq!(r.registry, "myreg.example.com:5000");
        assert_eq!(r.repository, "ns/img");
        assert_eq!(r.tag.as_deref(), Some("v1"));
        assert!(r.digest.is_some());
        assert_eq!(p("docker.io/library/alpine:3").familiar_name(), "alpine");
        assert_eq!(p("index.docker.io/library/alpine").registry, "docker.io");
        assert_eq!(
            p("gcr.io/distroless/static").familiar_name(),
            "gcr.io/distroless/static"
        );
        assert_eq!(p("localhost/x").registry, "localhost");
    }

    #[test]
    fn rejects_bad_references() {
        assert!(ImageRef::parse("").is_err());
        assert!(ImageRef::parse("Ubuntu").is_err());
        assert!(ImageRef::parse("alpine:").is_err());
        assert!(ImageRef::parse("alpine@sha256:xyz").is_err());
        assert!(ImageRef::parse("a//b").is_err());
        assert!(ImageRef::parse("-a").is_err());
    }
}
