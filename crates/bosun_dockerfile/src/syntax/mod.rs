//! The Dockerfile parser.
//!
//! Hand-written on purpose: no crate parses Dockerfiles the way BuildKit does (its
//! line-continuation regex, per-instruction argument parsers, flag extraction,
//! heredoc detection through its shell lexer, Go's JSON decoding), and bosun must
//! agree with BuildKit on every file BuildKit accepts.

use crate::ast::Dockerfile;

pub(crate) fn parse_str(source: &str) -> Dockerfile {
    Dockerfile {
        source: source.to_string(),
        escape: '\\',
        directives: Vec::new(),
        instructions: Vec::new(),
        comments: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        line_starts: vec![0],
    }
}

pub(crate) fn parse_bytes(bytes: &[u8]) -> Dockerfile {
    parse_str(&String::from_utf8_lossy(bytes))
}
