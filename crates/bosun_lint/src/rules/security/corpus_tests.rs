//! The security rules over the shared corpus of 2,101 real Dockerfiles: nothing
//! panics, and the rules that should be rare on well-kept official images stay rare
//! (a regression guard against false alarms). Set `BOSUN_SECURITY_CORPUS_DUMP=<file>`
//! to write every finding (redacted messages) for review.

use crate::context::BuildContext;
use crate::runner::{LintInput, LintOptions, Linter};
use std::collections::BTreeMap;

#[test]
fn security_rules_on_the_corpus() {
    let Some(dir) = bosun_testkit::corpus("dockerfiles/visible") else {
        return;
    };
    let paths = bosun_testkit::files_under(&dir);
    let codes: Vec<String> = super::RULES
        .iter()
        .map(|r| r.meta.code.to_string())
        .collect();
    let linter = Linter::new(LintOptions {
        select: codes.clone(),
        ..Default::default()
    });
    let build = BuildContext::default();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut dump = String::new();
    for p in &paths {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let source = String::from_utf8_lossy(&bytes);
        let rel = p.strip_prefix(&dir).unwrap_or(p).display().to_string();
        for f in linter.lint(LintInput {
            path: &rel,
            source: &source,
            build: &build,
        }) {
            if !codes.contains(&f.code) {
                continue;
            }
            *counts.entry(f.code.clone()).or_default() += 1;
            dump.push_str(&format!(
                "{} {} {}\n",
                f.code,
                f.location.short(),
                f.message
            ));
        }
    }
    eprintln!("{} files; findings per code: {counts:?}", paths.len());
    if let Ok(out) = std::env::var("BOSUN_SECURITY_CORPUS_DUMP") {
        let _ = std::fs::write(out, dump);
    }
    assert_eq!(
        paths.len(),
        2101,
        "the visible corpus has 2,101 Dockerfiles"
    );
    // Exact per-rule counts over the corpus (these rules included) are asserted by
    // `tests/corpus_snapshot.rs`; this test keeps the dump for reviewing them.
    assert!(
        counts.values().sum::<usize>() > 0,
        "no security finding at all"
    );
}

/// The Dockerfile of the `bad` test image (shared/scripts/make-images.sh), which
/// plants one of each problem: every security rule that applies must fire, at the
/// right place, without printing a secret.
#[test]
fn the_bad_test_image_dockerfile() {
    let key = ["wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY"].concat();
    let src = format!(
        "FROM localhost/debian:bookworm\nARG DB_PASSWORD=hunter2\nENV AWS_SECRET_ACCESS_KEY={key}\nRUN apt-get update && apt-get install -y curl sudo openssh-server\nCOPY id_rsa /root/.ssh/id_rsa\nRUN echo \"password=$DB_PASSWORD\" > /etc/app.conf && chmod 4755 /usr/bin/find && mkdir /data && chmod 777 /data\nCOPY .env /app/.env\nRUN rm /root/.ssh/id_rsa\nADD app.tar.gz /app/\nEXPOSE 22\nCMD [\"python3\",\"/app/app/main.py\"]\n"
    );
    let codes: Vec<String> = super::RULES
        .iter()
        .map(|r| r.meta.code.to_string())
        .collect();
    let linter = Linter::new(LintOptions {
        select: codes,
        ..Default::default()
    });
    // more facts may be added to BuildContext later
    #[allow(clippy::needless_update)]
    let build = BuildContext {
        dockerignore: crate::context::Dockerignore::Absent,
        ..Default::default()
    };
    let found = linter.lint(LintInput {
        path: "Dockerfile",
        source: &src,
        build: &build,
    });
    let mut got: Vec<(String, usize)> = found
        .iter()
        .map(|f| {
            let line = match &f.location {
                bosun_diagnostics::Location::File { span: Some(s), .. } => s.start_line,
                _ => 0,
            };
            (f.code.clone(), line)
        })
        .collect();
    got.sort();
    got.dedup();
    for want in [
        ("BSN3001", 2),  // ARG DB_PASSWORD=hunter2
        ("BSN3001", 3),  // ENV AWS_SECRET_ACCESS_KEY (documented example key, still reported)
        ("BSN3003", 6),  // $DB_PASSWORD used by RUN
        ("BSN2002", 4),  // openssh-server
        ("BSN2002", 10), // EXPOSE 22
        ("BSN3002", 5),  // COPY id_rsa
        ("BSN3002", 7),  // COPY .env
        ("BSN2003", 6),  // chmod 777
        ("BSN2001", 1),  // no USER
        ("BSN5001", 0),  // no .dockerignore
        ("BSN1001", 1),  // not pinned by digest
    ] {
        assert!(
            got.contains(&(want.0.to_string(), want.1)),
            "missing {want:?} in {got:?}"
        );
    }
    for f in &found {
        assert!(
            !f.message.contains("hunter2") && !f.message.contains(&key),
            "{}",
            f.message
        );
    }
}
