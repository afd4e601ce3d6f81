//! The one registry of every rule bosun has, whatever command runs it: the Dockerfile
//! rules of `bosun_lint`, the image rules of `bosun_inspect` and the runtime rules of
//! `bosun_audit`. `bosun rules`, `bosun rule CODE` and the generated
//! `docs/rules/` read it.
//!
//! Each area declares its rules in the one shape, [`bosun_diagnostics::RuleMeta`], and
//! lists them in one public slice; [`registry`] chains those slices in a fixed order
//! (lint, image, audit). The order is the areas' own, so the catalogue and the docs
//! index follow the order in which rules run.
//!
//! Invariants (this crate's tests check them): every `RuleMeta` declared in
//! `crates/*/src` is in the registry (an unregistered rule fails CI instead of never
//! running); no two rules share a code; every declaration is complete
//! ([`Registry::problems`]); `docs/rules/` is what [`pages`] generates.
//!
//! Pure: no IO.

use bosun_diagnostics::{index_page, rule_page, Registered, Registry};
use std::sync::LazyLock;

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    Registry::new(
        bosun_lint::rules::RULES
            .iter()
            .map(|r| r.registered())
            .chain(bosun_inspect::RULES.iter().copied().map(Registered::new))
            .chain(bosun_audit::RULES.iter().copied().map(Registered::new)),
    )
});

/// Every rule of every area.
pub fn registry() -> &'static Registry {
    &REGISTRY
}

/// What `docs/rules/README.md` says under its title.
pub const DOCS_PREAMBLE: &str =
    "Generated from the rule registry (`crates/bosun_rules`); do not edit.\n\
Regenerate with `BOSUN_UPDATE_DOCS=1 cargo test -p bosun_rules --test docs`.";

/// The files of `docs/rules/`: `(file name, text)`, the index first, then one page per
/// rule in registry order.
pub fn pages() -> Vec<(String, String)> {
    let reg = registry();
    let mut out = vec![("README.md".to_string(), index_page(reg, DOCS_PREAMBLE))];
    out.extend(
        reg.rules()
            .iter()
            .map(|r| (format!("{}.md", r.meta.code), rule_page(r))),
    );
    out
}
