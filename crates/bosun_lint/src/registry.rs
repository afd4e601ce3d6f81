//! Rules as data: a [`Rule`] pairs a rule's [`RuleMeta`] with its check function;
//! [`crate::rules::RULES`] lists them all; [`RuleSet`] is the enabled subset for a run.

use crate::context::Context;
use crate::runner::{LintOptions, SeverityOverride};
use bosun_diagnostics::{Registered, RuleMeta, Severity};

/// The check function of a rule: look at the context, call `ctx.report(..)`.
pub type CheckFn = fn(&mut Context<'_>);

/// One registered rule.
///
/// Declare it in the rule's module as
/// `pub static RULE: Rule = Rule::new(&META, check);` (where `META` is a
/// `pub static META: RuleMeta`). Builder methods are `const`, so options stay in the
/// same expression: `Rule::new(&META, check).off_by_default()`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: CheckFn,
    /// Runs unless deselected. `false` for opt-in rules (like hadolint's rules whose
    /// default severity is `ignore`): they run only when `--select`ed by name or
    /// given a severity by the configuration.
    pub enabled_by_default: bool,
}

impl Rule {
    pub const fn new(meta: &'static RuleMeta, check: CheckFn) -> Rule {
        Rule {
            meta,
            check,
            enabled_by_default: true,
        }
    }

    /// Makes the rule opt-in.
    pub const fn off_by_default(mut self) -> Rule {
        self.enabled_by_default = false;
        self
    }

    /// The rule as the registry of every area (`bosun_rules`) holds it.
    pub const fn registered(&self) -> Registered {
        Registered {
            meta: self.meta,
            enabled_by_default: self.enabled_by_default,
        }
    }
}

/// Looks a rule up by code, name or alias (case-insensitive).
pub fn find_rule(name: &str) -> Option<&'static Rule> {
    crate::rules::RULES
        .iter()
        .copied()
        .find(|r| r.meta.is_named(name.trim()))
}

/// A selector names no rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{0}` (see `bosun rules` for the codes, names and aliases)")]
pub struct UnknownRule(pub String);

/// The rules enabled for a run, with their effective severities.
#[derive(Debug, Clone)]
pub struct RuleSet {
    enabled: Vec<(&'static Rule, Option<Severity>)>,
}

/// True for `ALL` (any case): selects every rule, opt-in ones included.
fn is_all(selector: &str) -> bool {
    selector.trim().eq_ignore_ascii_case("all")
}

fn matches(rule: &Rule, selectors: &[String]) -> bool {
    selectors
        .iter()
        .any(|s| is_all(s) || rule.meta.is_named(s.trim()))
}

impl RuleSet {
    /// Every selector (in `select`, `ignore` and the severity overrides) that names no
    /// registered rule. Callers decide whether that is an error (the CLI says it is).
    pub fn unknown_selectors(options: &LintOptions) -> Vec<UnknownRule> {
        let mut out = Vec::new();
        let names = options
            .select
            .iter()
            .chain(&options.ignore)
            .chain(options.severity.iter().map(|(k, _)| k));
        for name in names {
            if name.trim().is_empty() || is_all(name) {
                continue;
            }
            if find_rule(name).is_none() && !out.iter().any(|u: &UnknownRule| &u.0 == name) {
                out.push(UnknownRule(name.clone()));
            }
        }
        out
    }

    /// Resolves the options against the registry. Unknown selectors are skipped here
    /// (see [`RuleSet::unknown_selectors`]).
    ///
    /// A rule runs when: it is selected (by `select`, or by default when `select` is
    /// empty and the rule is on by default, or by a severity override), and it is not
    /// in `ignore`, and its severity override is not `Off`. Later severity overrides of
    /// the same rule win.
    pub fn from_options(options: &LintOptions) -> RuleSet {
        let enabled = crate::rules::RULES
            .iter()
            .copied()
            .filter_map(|rule| {
                let mut severity_override = None;
                let mut forced_on = false;
                for (name, o) in &options.severity {
                    if rule.meta.is_named(name.trim()) {
                        severity_override = Some(*o);
                    }
                }
                let severity = match severity_override {
                    Some(SeverityOverride::Off) => return None,
                    Some(SeverityOverride::Set(s)) => {
                        forced_on = true;
                        Some(s)
                    }
                    None => None,
                };
                let selected = if options.select.is_empty() {
                    rule.enabled_by_default || forced_on
                } else {
                    matches(rule, &options.select)
                };
                if !selected || matches(rule, &options.ignore) {
                    return None;
                }
                Some((rule, severity))
            })
            .collect();
        RuleSet { enabled }
    }

    /// The enabled rules, in registry order, with their severity override if any.
    pub fn rules(&self) -> impl Iterator<Item = (&'static Rule, Option<Severity>)> + '_ {
        self.enabled.iter().copied()
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.iter().any(|(r, _)| r.meta.code == code)
    }

    pub fn len(&self) -> usize {
        self.enabled.len()
    }

    pub fn is_empty(&self) -> bool {
        self.enabled.is_empty()
    }
}
