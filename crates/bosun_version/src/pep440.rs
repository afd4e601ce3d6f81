//! Placeholder: not implemented yet.

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pep440;

pub(crate) fn parse(_s: &str) -> Result<Pep440, &'static str> {
    Err("this scheme is not implemented yet")
}
