//! Dockerfile syntax and semantics, exactly as BuildKit reads them.
//!
//! [`parse`] turns text into a lossless [`Dockerfile`] syntax tree whose values agree
//! with BuildKit's own parser (see [`syntax`] for why the parser is hand-written).
//!
//! - [`Instruction::value`], `flags`, `json`, heredocs and line numbers are what
//!   BuildKit's parser reports (checked against BuildKit's own test files and 2,101
//!   real Dockerfiles);
//! - every part carries a [`TextRange`] into [`Dockerfile::source`];
//!   [`LogicalLine::source_offset`] maps any byte of a continuation-joined line back
//!   to the file;
//! - problems are values: [`Dockerfile::errors`] is non-empty exactly when BuildKit's
//!   parser rejects the file, [`Dockerfile::warnings`] holds its empty-continuation
//!   warnings;
//! - [`dump`] renders BuildKit's `Node.Dump()` and the `bosun parse` JSON lines.

pub mod ast;
pub mod dockerignore;
pub mod dump;
pub mod expand;
pub mod model;
pub mod shell;
pub mod syntax;

pub use ast::unquote;
pub use ast::{
    Comment, Directive, Dockerfile, Flag, Heredoc, Instruction, KeyValue, LogicalLine, ParseError,
    ParseWarning, Segment, TextRange, WarningKind, Word, KNOWN_INSTRUCTIONS,
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
