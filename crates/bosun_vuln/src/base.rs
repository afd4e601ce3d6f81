//! Which of an image's layers belong to its base image. Pure: the image's
//! manifest annotations, config history and layer diff IDs are handed in.
//!
//! In order of trust:
//! 1. A given base image ([`from_base_image`]): its layer diff IDs must be a prefix
//!    of the image's; the prefix is the base.
//! 2. The history ([`from_history`]), which OCI annotations
//!    (`org.opencontainers.image.base.name`/`.digest`) can name ([`detect`]):
//!    - buildah/podman mark the first step of the final stage with the comment
//!      `FROM <base>`: the base is every layer before the last such step (steps
//!      replayed from buildah's cache carry `FROM <image id>`, naming the
//!      previous step's image: those are steps of the same build, not a base);
//!    - BuildKit marks every Dockerfile step with the comment
//!      `buildkit.dockerfile.v0`: when the steps before a trailing run of marked
//!      steps carry no mark, they are the base;
//!    - the classic builder marks nothing: a base image's history usually ends with
//!      its `CMD`/`ENTRYPOINT` (no layer), so the base is every layer up to the
//!      last `CMD`/`ENTRYPOINT` step that a layer-making step follows.
//!
//!    An image whose history does not fit any of these has no known base.

use crate::fix::{BaseEvidence, BaseImage};
use bosun_oci::History;
use std::collections::BTreeMap;

/// The manifest annotation naming the base image.
pub const ANNOTATION_BASE_NAME: &str = "org.opencontainers.image.base.name";
/// The manifest annotation with the base image's manifest digest.
pub const ANNOTATION_BASE_DIGEST: &str = "org.opencontainers.image.base.digest";

/// The base from a given base image's layer diff IDs: `None` when they are not a
/// prefix of the image's (the image was not built on that base) or the base has
/// no layers.
pub fn from_base_image(
    image_diff_ids: &[String],
    base_diff_ids: &[String],
    name: Option<String>,
    digest: Option<String>,
) -> Option<BaseImage> {
    if base_diff_ids.is_empty()
        || base_diff_ids.len() > image_diff_ids.len()
        || image_diff_ids[..base_diff_ids.len()] != *base_diff_ids
    {
        return None;
    }
    Some(BaseImage {
        layers: base_diff_ids.len(),
        evidence: BaseEvidence::BaseImage,
        name,
        digest,
    })
}

/// The number of base layers the history shows (see the module docs), `None`
/// when it shows none. `layers` is the image's layer count: a history whose
/// layer-making steps do not add up to it is not trusted.
pub fn from_history(history: &[History], layers: usize) -> Option<usize> {
    let made = |h: &History| !h.empty_layer;
    if history.iter().filter(|h| made(h)).count() != layers {
        return None;
    }
    let layers_before = |i: usize| history[..i].iter().filter(|h| made(h)).count();
    let comment = |h: &History| h.comment.as_deref().unwrap_or("").trim().to_string();
    // buildah/podman: `FROM <base>` on the first step of the final stage.
    if let Some(i) = history.iter().rposition(|h| from_comment(h).is_some()) {
        return positive(layers_before(i));
    }
    // BuildKit: a trailing run of marked steps after unmarked ones.
    const BUILDKIT: &str = "buildkit.dockerfile.v0";
    let marked = |h: &History| comment(h) == BUILDKIT;
    if history.iter().any(marked) {
        let start = history
            .iter()
            .rposition(|h| !marked(h))
            .map_or(0, |i| i + 1);
        if history[..start].iter().any(marked) || start == 0 {
            return None;
        }
        return positive(layers_before(start));
    }
    // The classic builder: the base's closing CMD/ENTRYPOINT.
    let closing = |h: &History| {
        let by = h.created_by.as_deref().unwrap_or("");
        h.empty_layer
            && (by.contains("#(nop) CMD")
                || by.contains("#(nop)  CMD")
                || by.contains("#(nop) ENTRYPOINT"))
    };
    let last_layer = history.iter().rposition(made)?;
    let i = history[..last_layer].iter().rposition(closing)?;
    positive(layers_before(i))
}

/// The base a buildah/podman `FROM <base>` history comment names; `None` for
/// other comments and for `FROM <image id>` (a cached step of the same build).
fn from_comment(h: &History) -> Option<&str> {
    let base = h.comment.as_deref()?.trim().strip_prefix("FROM ")?.trim();
    let hex = base.strip_prefix("sha256:").unwrap_or(base);
    let image_id = matches!(hex.len(), 12 | 64) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    (!base.is_empty() && !image_id).then_some(base)
}

fn positive(n: usize) -> Option<usize> {
    (n > 0).then_some(n)
}

/// The base of an image from its manifest annotations and history (no base image
/// given). The annotations name the base; the layer count comes from the history.
pub fn detect(
    annotations: &BTreeMap<String, String>,
    history: &[History],
    layers: usize,
) -> Option<BaseImage> {
    let n = from_history(history, layers)?;
    let name = annotations.get(ANNOTATION_BASE_NAME).cloned();
    let digest = annotations.get(ANNOTATION_BASE_DIGEST).cloned();
    let evidence = if name.is_some() || digest.is_some() {
        BaseEvidence::Annotation
    } else {
        BaseEvidence::History
    };
    // buildah's `FROM <base>` comment names the base when no annotation does.
    let name = name.or_else(|| {
        history
            .iter()
            .rev()
            .find_map(|h| from_comment(h).map(str::to_string))
    });
    Some(BaseImage {
        layers: n,
        evidence,
        name,
        digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(created_by: &str, comment: Option<&str>, empty: bool) -> History {
        History {
            created_by: Some(created_by.into()),
            comment: comment.map(str::to_string),
            empty_layer: empty,
            ..History::default()
        }
    }

    #[test]
    fn a_base_image_is_a_prefix_of_diff_ids() {
        let ids: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let b = from_base_image(&ids, &ids[..2], Some("base".into()), None).unwrap();
        assert_eq!((b.layers, b.evidence), (2, BaseEvidence::BaseImage));
        assert!(b.contains(1) && !b.contains(2));
        assert_eq!(from_base_image(&ids, &["x".to_string()], None, None), None);
        assert_eq!(from_base_image(&ids[..1], &ids, None, None), None);
        assert_eq!(from_base_image(&ids, &[], None, None), None);
    }

    #[test]
    fn buildah_from_comment_marks_the_final_stage() {
        let h = vec![
            step("", Some("imported from tarball"), false),
            step(
                "/bin/sh -c apt-get update",
                Some("FROM localhost/debian:bookworm"),
                false,
            ),
            step("/bin/sh -c #(nop) USER 1", None, true),
            step("/bin/sh -c pip install", Some("FROM 99914d20d7ff"), false),
        ];
        assert_eq!(from_history(&h, 3), Some(1));
        // The layer count must agree with the history.
        assert_eq!(from_history(&h, 4), None);
        let b = detect(&BTreeMap::new(), &h, 3).unwrap();
        assert_eq!(b.name.as_deref(), Some("localhost/debian:bookworm"));
        assert_eq!(b.evidence, BaseEvidence::History);
        let mut ann = BTreeMap::new();
        ann.insert(
            ANNOTATION_BASE_NAME.to_string(),
            "docker.io/x:1".to_string(),
        );
        ann.insert(ANNOTATION_BASE_DIGEST.to_string(), "sha256:ab".to_string());
        let b = detect(&ann, &h, 3).unwrap();
        assert_eq!(b.evidence, BaseEvidence::Annotation);
        assert_eq!(b.name.as_deref(), Some("docker.io/x:1"));
        assert_eq!(b.digest.as_deref(), Some("sha256:ab"));
    }

    #[test]
    fn buildkit_marks_and_classic_cmd() {
        let bk = Some("buildkit.dockerfile.v0");
        let h = vec![
            step("/bin/sh -c #(nop) ADD file:1 in /", None, false),
            step("/bin/sh -c #(nop)  CMD [\"bash\"]", None, true),
            step("RUN /bin/sh -c apt-get install x", bk, false),
            step("COPY . /app", bk, false),
            step("CMD [\"x\"]", bk, true),
        ];
        assert_eq!(from_history(&h, 3), Some(1));
        // Every step marked: the base cannot be told apart.
        let all: Vec<History> = h
            .iter()
            .map(|s| History {
                comment: bk.map(str::to_string),
                ..s.clone()
            })
            .collect();
        assert_eq!(from_history(&all, 3), None);
        // Classic builder: no marks, the base's CMD closes it.
        let classic: Vec<History> = h
            .iter()
            .map(|s| History {
                comment: None,
                ..s.clone()
            })
            .collect();
        assert_eq!(from_history(&classic, 3), Some(1));
        // A CMD only at the end closes nothing.
        assert_eq!(from_history(&classic[2..], 2), None);
    }
}
