//! Placeholder: not implemented yet.

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct NuGet;

pub(crate) fn parse(_s: &str) -> Result<NuGet, &'static str> {
    Err("this scheme is not implemented yet")
}

pub(crate) fn cmp(_a_raw: &str, a: &NuGet, _b_raw: &str, b: &NuGet) -> std::cmp::Ordering {
    a.cmp(b)
}
