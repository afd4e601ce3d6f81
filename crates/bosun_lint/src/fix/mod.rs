//! The fix engine: apply the fixes rules attach to their findings, re-lint, repeat.
//!
//! - Only fixes allowed by the run are applied: `Safe` with `--fix`, also `Unsafe` with
//!   `--unsafe-fixes`; `DisplayOnly` never.
//! - In one round, fixes are taken in file order; a fix whose edits overlap an edit
//!   already taken is left for the next round (after re-linting, its rule reports again
//!   with fresh offsets if the problem is still there).
//! - Each fix is verified: the text with it applied must not have more parse errors
//!   than before, else the fix is discarded (and reported in [`FixOutcome::discarded`]).
//! - Rounds repeat until no fixable finding is left or [`FixOptions::max_rounds`] is
//!   reached. A fix that would produce text seen before (a cycle) ends the loop.
//!
//! Comments and layout survive because fixes are byte edits of the original text.
//! [`write_atomic`] writes the result (temp file + rename, permissions kept).

mod pin;

pub use pin::{pin_digests, pin_targets, PinOutcome, PinTarget};

use crate::context::BuildContext;
use crate::runner::{LintInput, Linter};
use bosun_diagnostics::{Applicability, Edit, Finding, Fix};
use std::path::Path;

/// How much to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixOptions {
    /// Also apply fixes marked unsafe.
    pub unsafe_fixes: bool,
    /// Upper bound on lint-fix rounds.
    pub max_rounds: usize,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            unsafe_fixes: false,
            max_rounds: 10,
        }
    }
}

impl FixOptions {
    /// True when a fix of `applicability` may be applied in this run.
    pub fn allows(&self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self.unsafe_fixes,
            Applicability::DisplayOnly => false,
        }
    }
}

/// A fix that was applied (or discarded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedFix {
    pub code: String,
    pub title: String,
    /// 1-based line of the finding in the text the fix was made for.
    pub line: usize,
}

/// The result of fixing one file.
#[derive(Debug, Clone)]
pub struct FixOutcome {
    /// The fixed text (equal to the input when nothing applied).
    pub source: String,
    pub applied: Vec<AppliedFix>,
    /// Fixes dropped because the text with them no longer parsed as well.
    pub discarded: Vec<AppliedFix>,
    /// Rounds of lint + fix that ran.
    pub rounds: usize,
    /// The findings of the fixed text.
    pub findings: Vec<Finding>,
}

impl FixOutcome {
    pub fn changed(&self, original: &str) -> bool {
        self.source != original
    }
}

/// Number of parse errors of `source` (the verification measure).
fn parse_error_count(source: &str) -> usize {
    bosun_dockerfile::parse(source).errors.len()
}

/// True when the edits of a fix are well-formed for `source`: in bounds, on character
/// boundaries, and not overlapping each other.
fn edits_valid(source: &str, edits: &[Edit]) -> bool {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut last_end = 0usize;
    for (i, e) in sorted.iter().enumerate() {
        if e.start > e.end
            || e.end > source.len()
            || !source.is_char_boundary(e.start)
            || !source.is_char_boundary(e.end)
        {
            return false;
        }
        if i > 0 && e.start < last_end {
            return false;
        }
        last_end = e.end;
    }
    true
}

/// Two edits conflict when their ranges overlap, or both insert at the same point, or
/// one inserts strictly inside the other's range.
fn conflicts(a: &Edit, b: &Edit) -> bool {
    if a.start == a.end && b.start == b.end {
        return a.start == b.start;
    }
    if a.start == a.end {
        return b.start < a.start && a.start < b.end;
    }
    if b.start == b.end {
        return a.start < b.start && b.start < a.end;
    }
    a.start < b.end && b.start < a.end
}

/// Applies `edits` (non-overlapping, valid for `source`) to `source`.
pub fn apply_edits(source: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(source.len());
    let mut pos = 0usize;
    for e in sorted {
        if e.start < pos {
            continue; // defensive: overlapping edits are never passed in
        }
        out.push_str(source.get(pos..e.start).unwrap_or(""));
        out.push_str(&e.content);
        pos = e.end;
    }
    out.push_str(source.get(pos..).unwrap_or(""));
    out
}

/// Picks, from `findings`, the fixes allowed by `opts` that do not conflict with each
/// other (file order; duplicates of an identical fix are taken once).
pub fn select_fixes<'f>(
    source: &str,
    findings: &'f [Finding],
    opts: &FixOptions,
) -> Vec<(&'f Finding, &'f Fix)> {
    let mut candidates: Vec<(&Finding, &Fix)> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref().map(|fix| (f, fix)))
        .filter(|(_, fix)| {
            opts.allows(fix.applicability)
                && !fix.edits.is_empty()
                && edits_valid(source, &fix.edits)
        })
        .collect();
    candidates.sort_by_key(|(f, fix)| {
        (
            fix.edits.iter().map(|e| e.start).min().unwrap_or(0),
            f.code.clone(),
        )
    });
    let mut taken: Vec<(&Finding, &Fix)> = Vec::new();
    for (f, fix) in candidates {
        if taken.iter().any(|(_, t)| t.edits == fix.edits) {
            continue;
        }
        let clash = taken.iter().any(|(_, t)| {
            t.edits
                .iter()
                .any(|a| fix.edits.iter().any(|b| conflicts(a, b)))
        });
        if !clash {
            taken.push((f, fix));
        }
    }
    taken
}

fn finding_line(f: &Finding) -> usize {
    match &f.location {
        bosun_diagnostics::Location::File { span: Some(s), .. } => s.start_line,
        _ => 0,
    }
}

/// Lints `source` and applies fixes until none is left (see the module docs).
pub fn fix_source(
    linter: &Linter,
    path: &str,
    source: &str,
    build: &BuildContext,
    opts: &FixOptions,
) -> FixOutcome {
    let mut current = source.to_string();
    let mut applied = Vec::new();
    let mut discarded = Vec::new();
    let mut seen: Vec<String> = vec![current.clone()];
    let mut rounds = 0usize;
    let lint = |text: &str| {
        linter.lint(LintInput {
            path,
            source: text,
            build,
        })
    };
    let mut findings = lint(&current);
    while rounds < opts.max_rounds {
        let selected = select_fixes(&current, &findings, opts);
        if selected.is_empty() {
            break;
        }
        rounds += 1;
        let base_errors = parse_error_count(&current);
        let mut accepted: Vec<&Edit> = Vec::new();
        let mut accepted_info = Vec::new();
        for (f, fix) in selected {
            let info = AppliedFix {
                code: f.code.clone(),
                title: fix.title.clone(),
                line: finding_line(f),
            };
            let mut trial_edits = accepted.clone();
            trial_edits.extend(fix.edits.iter());
            let trial = apply_edits(&current, &trial_edits);
            if parse_error_count(&trial) > base_errors {
                discarded.push(info);
            } else {
                accepted = trial_edits;
                accepted_info.push(info);
            }
        }
        if accepted.is_empty() {
            break;
        }
        let next = apply_edits(&current, &accepted);
        if seen.contains(&next) {
            // The fixes undo each other: stop rather than loop.
            break;
        }
        applied.extend(accepted_info);
        seen.push(next.clone());
        current = next;
        findings = lint(&current);
    }
    FixOutcome {
        source: current,
        applied,
        discarded,
        rounds,
        findings,
    }
}

/// What `bosun lint --fix` / `--diff` (with `--pin-digests`) makes of one file.
#[derive(Debug, Clone)]
pub struct FileFix {
    /// The text after fixing (and pinning).
    pub fixed: String,
    /// Fixes applied (all rounds).
    pub applied: Vec<AppliedFix>,
    /// Fixes dropped because they made the file parse worse.
    pub discarded: Vec<AppliedFix>,
    /// `(image, digest)` pinned.
    pub pinned: Vec<(String, String)>,
    /// `(image, error)` that could not be pinned.
    pub pin_failed: Vec<(String, String)>,
    /// The findings of the final text.
    pub findings: Vec<Finding>,
}

/// A digest resolver for [`fix_file`]: image reference -> `sha256:...`.
pub type Resolver<'r> = &'r mut dyn FnMut(&str) -> Result<String, String>;

/// Fixes one file's text: [`fix_source`], then (with `pin`) [`pin_digests`], then
/// lints the result once more for the findings to report.
pub fn fix_file(
    linter: &Linter,
    path: &str,
    source: &str,
    build: &BuildContext,
    opts: &FixOptions,
    pin: Option<Resolver<'_>>,
) -> FileFix {
    let out = fix_source(linter, path, source, build, opts);
    let mut result = FileFix {
        fixed: out.source,
        applied: out.applied,
        discarded: out.discarded,
        pinned: Vec::new(),
        pin_failed: Vec::new(),
        findings: out.findings,
    };
    if let Some(resolve) = pin {
        let p = pin_digests(&result.fixed, resolve);
        result.pin_failed = p.failed;
        if !p.pinned.is_empty() {
            result.pinned = p.pinned;
            result.fixed = p.source;
            result.findings = linter.lint(LintInput {
                path,
                source: &result.fixed,
                build,
            });
        }
    }
    result
}

/// A unified diff of `old` -> `new` for `path` (`--- a/path`, `+++ b/path`); empty when
/// the texts are equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = similar::TextDiff::from_lines(old, new);
    diff.unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .missing_newline_hint(true)
        .to_string()
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory,
/// flushed to disk, given the original file's permissions, then renamed over `path`.
/// A symlink is followed (its target is replaced, the link kept). On any error the
/// original file is untouched.
pub fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".bosun-fix-")
        .tempfile_in(&dir)?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(&target) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicting_edits_are_detected() {
        let e = |s, e2| Edit::replace(s, e2, "x");
        assert!(conflicts(&e(0, 5), &e(4, 6)));
        assert!(!conflicts(&e(0, 5), &e(5, 6)));
        assert!(conflicts(&Edit::insert(3, "a"), &Edit::insert(3, "b")));
        assert!(conflicts(&Edit::insert(3, "a"), &e(1, 5)));
        assert!(!conflicts(&Edit::insert(5, "a"), &e(1, 5)));
    }

    #[test]
    fn edits_apply_in_order_and_invalid_ones_are_rejected() {
        let src = "FROM a as b\n";
        let a = Edit::replace(7, 9, "AS");
        let b = Edit::insert(0, "# x\n");
        assert_eq!(apply_edits(src, &[&a, &b]), "# x\nFROM a AS b\n");
        assert!(!edits_valid(src, &[Edit::replace(3, 99, "")]));
        assert!(!edits_valid(
            src,
            &[Edit::replace(0, 3, ""), Edit::replace(2, 4, "")]
        ));
        assert!(!edits_valid("é", &[Edit::replace(1, 2, "")]));
    }

    #[test]
    fn diff_has_headers_and_hunks() {
        let d = unified_diff("Dockerfile", "FROM a as b\nRUN x\n", "FROM a AS b\nRUN x\n");
        assert!(d.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"), "{d}");
        assert!(d.contains("-FROM a as b\n+FROM a AS b\n"), "{d}");
        assert_eq!(unified_diff("x", "same", "same"), "");
    }

    #[test]
    fn atomic_write_replaces_content_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("Dockerfile");
        std::fs::write(&p, "old\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomic(&p, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        // No temp files left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_through_a_symlink_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.Dockerfile");
        let link = dir.path().join("Dockerfile");
        std::fs::write(&real, "old\n").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, "new\n").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new\n");
    }
}
