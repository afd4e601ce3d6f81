//! Placeholder: not implemented yet.

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Gem;

pub(crate) fn parse(_s: &str) -> Result<Gem, &'static str> {
    Err("this scheme is not implemented yet")
}
