//! What a rule sees ([`Context`]) and how it reports ([`Context::report`]).

use crate::runner::LintOptions;
use bosun_diagnostics::{Finding, Fix, LineIndex, Location, RuleMeta, Severity, Span};
use bosun_dockerfile::model::Model;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// What is computed once per file and shared by all rules (see [`Context::model`]).
#[derive(Default)]
pub struct FileShared {
    model: OnceLock<Arc<Model>>,
    /// The line index of `Context::source` (built on the first report).
    lines: OnceLock<LineIndex>,
}

/// What the linter knows about the `.dockerignore` of the build context.
///
/// The framework (or the caller of [`crate::lint_input`]) reads the file; rules only look
/// at this value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Dockerignore {
    /// Nothing is known (stdin, or a caller that did not look). Rules about the
    /// `.dockerignore` must stay silent.
    #[default]
    Unknown,
    /// The build context has no `.dockerignore` (nor `<Dockerfile>.dockerignore`).
    Absent,
    /// The text of the `.dockerignore` that applies.
    Present(String),
}

/// Facts about the build context, passed in as data: rules do no IO.
///
/// Additive: new facts get new fields with a `Default`; build it with
/// `BuildContext { dockerignore, ..Default::default() }`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildContext {
    pub dockerignore: Dockerignore,
}

/// Everything one rule may look at for one Dockerfile, and where it reports.
///
/// The fields are shared references with the context's lifetime `'a`, so a rule can
/// hold them while it reports: `let src = ctx.source; for .. { ctx.report(..) }`.
pub struct Context<'a> {
    /// The path shown in findings (as given on the command line, or `-` for stdin).
    pub path: &'a str,
    /// The full text of the Dockerfile.
    pub source: &'a str,
    /// The parsed Dockerfile (lossless; parse errors are in it as values).
    pub dockerfile: &'a bosun_dockerfile::Dockerfile,
    /// Facts about the build context (`.dockerignore`).
    pub build: &'a BuildContext,
    /// The options of this run (rule-specific settings live here as they are added).
    pub options: &'a LintOptions,
    shared: Arc<FileShared>,
    findings: Vec<Finding>,
}

impl<'a> Context<'a> {
    pub fn new(
        path: &'a str,
        source: &'a str,
        dockerfile: &'a bosun_dockerfile::Dockerfile,
        build: &'a BuildContext,
        options: &'a LintOptions,
    ) -> Context<'a> {
        Context {
            path,
            source,
            dockerfile,
            build,
            options,
            shared: Arc::new(FileShared::default()),
            findings: Vec::new(),
        }
    }

    /// Like [`Context::new`], sharing per-file computations (the semantic model) with
    /// the other contexts made for the same file with the same `shared`.
    pub fn with_shared(
        path: &'a str,
        source: &'a str,
        dockerfile: &'a bosun_dockerfile::Dockerfile,
        build: &'a BuildContext,
        options: &'a LintOptions,
        shared: Arc<FileShared>,
    ) -> Context<'a> {
        let mut ctx = Context::new(path, source, dockerfile, build, options);
        ctx.shared = shared;
        ctx
    }

    /// The semantic model of the file (stages, ARG/ENV scopes, effective USER, SHELL,
    /// every RUN with its commands), built on first use and shared by every rule that
    /// runs on this file. An owned
    /// handle, so a rule can keep it while it reports.
    pub fn model(&self) -> Arc<Model> {
        let df = self.dockerfile;
        Arc::clone(self.shared.model.get_or_init(|| Arc::new(Model::new(df))))
    }

    /// Line and column of a byte range of this file, from the line index built once
    /// per file (never a rescan of the source).
    pub fn span(&self, range: Range<usize>) -> Span {
        let source = self.source;
        self.shared
            .lines
            .get_or_init(|| LineIndex::new(source))
            .span(source, range.start, range.end)
    }

    /// Reports a finding of `rule` at bytes `range` of the file. The returned
    /// [`Report`] can attach a fix or mark a secret value; the finding is recorded
    /// whether or not it is used.
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        message: impl Into<String>,
        range: Range<usize>,
    ) -> Report<'_> {
        let span = self.span(range);
        self.push(Finding::new(
            rule,
            message,
            Location::file(self.path, Some(span)),
        ))
    }

    /// Reports a finding about the file as a whole (no position), e.g. a missing
    /// `.dockerignore`.
    pub fn report_file(
        &mut self,
        rule: &'static RuleMeta,
        message: impl Into<String>,
    ) -> Report<'_> {
        self.push(Finding::new(rule, message, Location::file(self.path, None)))
    }

    fn push(&mut self, finding: Finding) -> Report<'_> {
        self.findings.push(finding);
        let last = self.findings.len() - 1;
        Report {
            finding: &mut self.findings[last],
        }
    }

    /// The findings reported so far (the runner takes them when the rules are done).
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// A finding just reported; attach more to it.
pub struct Report<'c> {
    finding: &'c mut Finding,
}

impl Report<'_> {
    /// Attaches a fix (its edits are byte ranges of this file).
    pub fn fix(self, fix: Fix) -> Self {
        self.finding.fix = Some(fix);
        self
    }

    /// Marks bytes `range` of this file as a secret value: renderers mask it in code
    /// frames. Secret rules must call this for every secret they report (and keep the
    /// value out of the message).
    pub fn redact(self, range: Range<usize>) -> Self {
        self.finding.redact.push(range);
        self
    }

    /// Overrides the rule's default severity for this one finding (for rules whose
    /// severity depends on what they found).
    pub fn severity(self, severity: Severity) -> Self {
        self.finding.severity = severity;
        self
    }
}
