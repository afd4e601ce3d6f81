//! What the language and rpm cataloguers share: a package's purl (from the one builder,
//! [`crate::purl`]), and the refusal of a body cut short by a cataloguer's size cap.

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

/// Sets the purl of a language package and returns it.
pub(crate) fn with_purl(mut p: Package) -> Package {
    p.purl = crate::purl::purl(&p, None);
    p
}
