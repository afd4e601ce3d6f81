//! The fixes of the hadolint rules over the whole visible corpus: applying every fix
//! (safe and unsafe) never makes a file unparseable, keeps every comment, and converges
//! (the fixed files have nothing left to fix).

use bosun_diagnostics::FixAvailability;
use bosun_lint::fix::{fix_source, FixOptions};
use bosun_lint::{BuildContext, LintInput, LintOptions, Linter};

#[test]
fn hadolint_fixes_keep_files_parseable_and_converge() {
    let Some(root) = bosun_testkit::corpus("dockerfiles/visible") else {
        return;
    };
    let root = root.as_path();
    let codes: Vec<String> = bosun_lint::rules::hadolint::RULES
        .iter()
        .filter(|r| r.meta.fix != FixAvailability::None)
        .map(|r| r.meta.code.to_string())
        .collect();
    assert!(codes.len() >= 10, "fixable hadolint rules: {codes:?}");
    let linter = Linter::new(LintOptions {
        select: codes.clone(),
        ..Default::default()
    });
    let paths = bosun_testkit::files_under(root);
    let build = BuildContext::default();
    let opts = FixOptions {
        unsafe_fixes: true,
        ..Default::default()
    };
    let (mut changed, mut problems) = (0usize, Vec::new());
    for p in &paths {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let before = bosun_dockerfile::parse(&text);
        let name = p.display().to_string();
        let out = fix_source(&linter, &name, &text, &build, &opts);
        if !out.changed(&text) {
            continue;
        }
        changed += 1;
        let after = bosun_dockerfile::parse(&out.source);
        if after.errors.len() > before.errors.len() {
            problems.push(format!(
                "{name}: the fixes broke parsing: {:?}",
                after.errors
            ));
        }
        if after.comments.len() != before.comments.len() {
            problems.push(format!("{name}: the fixes lost comments"));
        }
        if !out.discarded.is_empty() {
            problems.push(format!("{name}: fixes discarded: {:?}", out.discarded));
        }
        let again = linter.lint(LintInput {
            path: &name,
            source: &out.source,
            build: &build,
        });
        let left: Vec<_> = again
            .iter()
            .filter(|f| f.fix.is_some())
            .map(|f| (&f.code, &f.message))
            .collect();
        if !left.is_empty() {
            problems.push(format!("{name}: fixes did not converge: {left:?}"));
        }
    }
    eprintln!(
        "{changed} of {} corpus files changed by the fixes",
        paths.len()
    );
    assert!(
        changed > 100,
        "expected the corpus to have many fixable findings, {changed} files changed"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
