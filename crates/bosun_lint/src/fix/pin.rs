//! Digest pinning: rewrite each external base image `name:tag` to
//! `name:tag@sha256:...`.
//!
//! This module only finds the places and edits the text; resolving a reference to a
//! digest is the caller's (the binary passes a resolver that asks the registry through
//! `bosun_oci`), so the lint crate stays free of network IO.

use bosun_diagnostics::Edit;
use bosun_dockerfile::Dockerfile;

/// A `FROM` whose base image can be pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinTarget {
    /// The image reference with the global ARG defaults substituted (e.g. `alpine:3.19`).
    pub image: String,
    /// The image word as written (e.g. `alpine:${TAG}`).
    pub written: String,
    /// Where `@sha256:...` is inserted: the end of the image word.
    pub insert_at: usize,
    /// 1-based line of the FROM.
    pub line: usize,
}

/// The result of pinning one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PinOutcome {
    pub source: String,
    /// `(image, digest)` for every FROM that was pinned.
    pub pinned: Vec<(String, String)>,
    /// `(image, error)` for every image that could not be resolved.
    pub failed: Vec<(String, String)>,
}

/// Global ARGs (before the first FROM) with their default values, as BuildKit computes
/// them for FROM lines: each value expanded with the ARGs before it.
fn meta_args(df: &Dockerfile) -> Vec<(String, String)> {
    let lexer = bosun_dockerfile::expand::Lexer::new(df.escape);
    let mut args: Vec<(String, String)> = Vec::new();
    for instr in &df.instructions {
        if instr.is("FROM") {
            break;
        }
        if !instr.is("ARG") {
            continue;
        }
        for item in &instr.value {
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (item.clone(), None),
            };
            match value {
                Some(v) => {
                    let expanded = lexer.process_word(&v, &args).unwrap_or(v);
                    args.push((key, expanded));
                }
                None => {
                    // Declared without a default: unset for FROM purposes.
                    args.retain(|(k, _)| k != &key);
                }
            }
        }
    }
    args
}

/// True when `image` already names a digest (`name@sha256:...`).
fn has_digest(image: &str) -> bool {
    image.contains('@')
}

/// The FROMs whose base image is an external image that can be pinned: not `scratch`,
/// not an earlier stage, not already pinned by digest, and fully resolved (no variable
/// left without a value).
pub fn pin_targets(df: &Dockerfile) -> Vec<PinTarget> {
    let args = meta_args(df);
    let lexer = bosun_dockerfile::expand::Lexer::new(df.escape);
    let mut stages: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for instr in df.instructions.iter().filter(|i| i.is("FROM")) {
        let Some(word) = instr.words.first() else {
            continue;
        };
        let stage_name = match instr.words.get(1..3) {
            Some([as_kw, name]) if as_kw.text.eq_ignore_ascii_case("as") => {
                Some(name.text.to_ascii_lowercase())
            }
            _ => None,
        };
        let expansion = lexer.process_word_with_matches(&word.text, &args);
        if let Ok(exp) = expansion {
            let image = exp.value.trim().to_string();
            let is_stage = stages.iter().any(|s| s.eq_ignore_ascii_case(&image));
            if exp.unmatched.is_empty()
                && !image.is_empty()
                && !image.eq_ignore_ascii_case("scratch")
                && !is_stage
                && !has_digest(&image)
                && !has_digest(&word.text)
            {
                out.push(PinTarget {
                    image,
                    written: word.text.clone(),
                    insert_at: word.range.end,
                    line: instr.start_line,
                });
            }
        }
        if let Some(name) = stage_name {
            stages.push(name);
        }
    }
    out
}

/// Pins every target of `source` with digests from `resolve` (called once per distinct
/// image). Images `resolve` fails on are left as they are and listed in `failed`.
pub fn pin_digests(
    source: &str,
    resolve: &mut dyn FnMut(&str) -> Result<String, String>,
) -> PinOutcome {
    let df = bosun_dockerfile::parse(source);
    let targets = pin_targets(&df);
    let mut cache: Vec<(String, Result<String, String>)> = Vec::new();
    let mut edits = Vec::new();
    let mut out = PinOutcome::default();
    for t in targets {
        let result = match cache.iter().find(|(i, _)| i == &t.image) {
            Some((_, r)) => r.clone(),
            None => {
                let r = resolve(&t.image);
                cache.push((t.image.clone(), r.clone()));
                r
            }
        };
        match result {
            Ok(digest) if is_digest(&digest) => {
                edits.push(Edit::insert(t.insert_at, format!("@{digest}")));
                out.pinned.push((t.image, digest));
            }
            Ok(other) => out
                .failed
                .push((t.image, format!("not a digest: `{other}`"))),
            Err(e) => out.failed.push((t.image, e)),
        }
    }
    let refs: Vec<&Edit> = edits.iter().collect();
    out.source = super::apply_edits(source, &refs);
    out
}

/// `sha256:` followed by 64 lowercase hex digits (or another algorithm's `alg:hex`).
fn is_digest(d: &str) -> bool {
    match d.split_once(':') {
        Some((alg, hex)) => {
            !alg.is_empty()
                && alg
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b))
                && hex.len() >= 32
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn targets_skip_scratch_stages_digests_and_unresolved() {
        let src = "ARG TAG=3.19\nARG UNSET\nFROM alpine:${TAG} AS base\nFROM base\nFROM scratch\n\
                   FROM debian@sha256:abc\nFROM img:${UNSET}\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\n";
        let df = bosun_dockerfile::parse(src);
        let t = pin_targets(&df);
        let images: Vec<&str> = t.iter().map(|t| t.image.as_str()).collect();
        assert_eq!(images, ["alpine:3.19", "golang:1.22"]);
        assert_eq!(
            &src[..t[0].insert_at].rsplit(' ').next().unwrap(),
            &"alpine:${TAG}"
        );
    }

    #[test]
    fn pinning_inserts_the_digest_and_keeps_the_line() {
        let src = "FROM alpine:3.19 AS base # not a comment\nFROM alpine:3.19\nRUN echo\n";
        let mut calls = 0;
        let out = pin_digests(src, &mut |img| {
            calls += 1;
            assert_eq!(img, "alpine:3.19");
            Ok(D.to_string())
        });
        assert_eq!(calls, 1, "one resolution per distinct image");
        assert_eq!(
            out.source,
            format!(
                "FROM alpine:3.19@{D} AS base # not a comment\nFROM alpine:3.19@{D}\nRUN echo\n"
            )
        );
        // Pinned text has nothing left to pin (converges).
        let again = pin_digests(&out.source, &mut |_| panic!("nothing to resolve"));
        assert_eq!(again.source, out.source);
    }

    #[test]
    fn failures_leave_the_text_alone() {
        let src = "FROM alpine:3.19\n";
        let out = pin_digests(src, &mut |_| Err("no such host".into()));
        assert_eq!(out.source, src);
        assert_eq!(out.failed.len(), 1);
        let out = pin_digests(src, &mut |_| Ok("latest".into()));
        assert_eq!(out.source, src);
    }
}
