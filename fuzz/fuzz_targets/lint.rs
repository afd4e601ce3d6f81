//! Lints arbitrary text with every rule (opt-in ones included), with and without a
//! `.dockerignore`: nothing panics, and every finding points inside the file with
//! ordered line/column positions that agree with a rescan of the source.
#![no_main]

use bosun_diagnostics::{Location, Span};
use bosun_lint::{BuildContext, Dockerignore, LintInput, LintOptions, Linter};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| {
        Linter::new(LintOptions {
            select: vec!["ALL".to_string()],
            ..LintOptions::default()
        })
    })
}

fuzz_target!(|data: &[u8]| {
    // The first line (up to the first NUL) is the .dockerignore, the rest the
    // Dockerfile; without a NUL there is no .dockerignore.
    let (ignore, file) = match data.iter().position(|&b| b == 0) {
        Some(i) => (Some(&data[..i]), &data[i + 1..]),
        None => (None, data),
    };
    let Ok(source) = std::str::from_utf8(file) else {
        return;
    };
    let build = BuildContext {
        dockerignore: match ignore {
            Some(b) => Dockerignore::Present(String::from_utf8_lossy(b).into_owned()),
            None => Dockerignore::Absent,
        },
    };
    let findings = linter().lint(LintInput {
        path: "Dockerfile",
        source,
        build: &build,
    });
    for f in &findings {
        if let Location::File {
            span: Some(span), ..
        } = &f.location
        {
            assert!(span.start <= span.end && span.end <= source.len(), "{f:?}");
            assert_eq!(
                *span,
                Span::from_offsets(source, span.start, span.end),
                "{f:?}"
            );
        }
    }
});
