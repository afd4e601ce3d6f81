//! Placeholder: not implemented yet.

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Php;

pub(crate) fn parse(_s: &str) -> Result<Php, &'static str> {
    Err("this scheme is not implemented yet")
}
