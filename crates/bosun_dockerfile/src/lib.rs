//! Dockerfile syntax and semantics, exactly as BuildKit reads them.
//!
//! [`parse`] turns text into a lossless [`Dockerfile`] syntax tree whose values agree
//! with BuildKit's own parser (see [`syntax`] for why the parser is hand-written).

pub mod ast;
pub mod dump;
pub mod expand;
pub mod model;
pub mod shell;
pub mod syntax;

pub use ast::{
    Comment, Directive, Dockerfile, Flag, Heredoc, Instruction, KeyValue, LogicalLine, ParseError,
    ParseWarning, Segment, TextRange, WarningKind, Word,
};

/// Parses Dockerfile text. Never fails and never panics: BuildKit's rejections are in
/// [`Dockerfile::errors`].
pub fn parse(source: &str) -> Dockerfile {
    Dockerfile::parse(source)
}

/// Parses raw bytes (BOM, CRLF and invalid UTF-8 handled; see [`Dockerfile::parse_bytes`]).
pub fn parse_bytes(bytes: &[u8]) -> Dockerfile {
    Dockerfile::parse_bytes(bytes)
}
