//! Placeholder: not implemented yet.

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Maven;

pub(crate) fn parse(_s: &str) -> Result<Maven, &'static str> {
    Err("this scheme is not implemented yet")
}
