//! BuildKit's build checks (`docker build --check`), under bosun codes `BK1xxx` with
//! BuildKit's check name as an alias, so `# check=skip=StageNameCasing` and
//! `--ignore StageNameCasing` work.
//!
//! Checks that are the same check as a hadolint rule are not repeated here: the
//! BuildKit name is an alias of the DL rule (one table, [`CHECKS`]: MaintainerDeprecated = DL4000,
//! DuplicateStageName = DL3024,
//! ReservedStageName = DL3063, RedundantTargetPlatform = DL3065,
//! MultipleInstructionsDisallowed = DL4003 / DL4004 / DL3012). Where hadolint's rule
//! differs, the BuildKit check is a rule here (SecretsUsedInArgOrEnv vs DL3064,
//! WorkdirRelativePath vs DL3000, JSONArgsRecommended vs DL3025), and the runner shows one
//! finding where both fire (`runner::SAME_PROBLEM`).
//!
//! Semantics follow BuildKit's `frontend/dockerfile` (instructions/parse.go,
//! dockerfile2llb/convert.go, convert_expose.go, validations.go); messages are
//! BuildKit's wording.

pub mod copy_ignored_file;
pub mod expose_invalid_format;
pub mod expose_proto_casing;
pub mod from_as_casing;
pub mod from_platform_flag_const_disallowed;
pub mod instruction_casing;
pub mod invalid_base_image_platform;
pub mod invalid_default_arg_in_from;
pub mod invalid_definition_description;
pub mod json_args_recommended;
pub mod legacy_key_value_format;
pub mod no_empty_continuation;
pub mod secrets_used_in_arg_or_env;
pub mod stage_name_casing;
pub mod undefined_arg_in_from;
pub mod undefined_var;
pub mod workdir_relative_path;

#[cfg(test)]
mod rule_tests;

use crate::registry::Rule;
use bosun_dockerfile::{Dockerfile, Instruction, Word};

/// Every BuildKit check implemented in this module, in code order.
pub static RULES: &[&Rule] = &[
    &stage_name_casing::RULE,
    &from_as_casing::RULE,
    &no_empty_continuation::RULE,
    &instruction_casing::RULE,
    &undefined_arg_in_from::RULE,
    &legacy_key_value_format::RULE,
    &copy_ignored_file::RULE,
    &invalid_default_arg_in_from::RULE,
    &from_platform_flag_const_disallowed::RULE,
    &expose_proto_casing::RULE,
    &expose_invalid_format::RULE,
    &invalid_definition_description::RULE,
    &invalid_base_image_platform::RULE,
    &undefined_var::RULE,
    &secrets_used_in_arg_or_env::RULE,
    &workdir_relative_path::RULE,
    &json_args_recommended::RULE,
];

/// A check BuildKit knows (`docker build --check`) and the bosun rules that implement
/// it: the first code carries the BuildKit name as an alias; further codes also answer
/// to it in suppressions, `--select`/`--ignore` and the configuration.
pub struct BuildkitCheck {
    /// `[name]`: a one-element slice, so a rule's `aliases` can point at it.
    pub names: &'static [&'static str],
    /// The rules that report this check (BuildKit's findings, on BuildKit's lines).
    pub codes: &'static [&'static str],
    /// hadolint's rules for the same problem with hadolint's semantics: they do not
    /// report this check, but answer to its name in `# check=skip=`, `--ignore` and the
    /// configuration, and the runner shows one finding where both fire
    /// (`runner::SAME_PROBLEM`).
    pub twins: &'static [&'static str],
}

const fn check(names: &'static [&'static str], codes: &'static [&'static str]) -> BuildkitCheck {
    BuildkitCheck {
        names,
        codes,
        twins: &[],
    }
}

const fn check_with_twin(
    names: &'static [&'static str],
    code: &'static [&'static str],
    twins: &'static [&'static str],
) -> BuildkitCheck {
    BuildkitCheck {
        names,
        codes: code,
        twins,
    }
}

/// Every BuildKit check name, once: the one table that pragmas (`# check=skip=all`),
/// selectors and the DL rules' aliases read.
pub static CHECKS: &[BuildkitCheck] = &[
    check(&["StageNameCasing"], &["BK1001"]),
    check(&["FromAsCasing"], &["BK1002"]),
    check(&["NoEmptyContinuation"], &["BK1003"]),
    check(&["ConsistentInstructionCasing"], &["BK1004"]),
    check(&["UndefinedArgInFrom"], &["BK1005"]),
    check(&["LegacyKeyValueFormat"], &["BK1006"]),
    check(&["CopyIgnoredFile"], &["BK1007"]),
    check(&["InvalidDefaultArgInFrom"], &["BK1008"]),
    check(&["FromPlatformFlagConstDisallowed"], &["BK1009"]),
    check(&["ExposeProtoCasing"], &["BK1010"]),
    check(&["ExposeInvalidFormat"], &["BK1011"]),
    check(&["InvalidDefinitionDescription"], &["BK1012"]),
    check(&["InvalidBaseImagePlatform"], &["BK1013"]),
    check(&["UndefinedVar"], &["BK1014"]),
    check(&["MaintainerDeprecated"], &["DL4000"]),
    check_with_twin(&["SecretsUsedInArgOrEnv"], &["BK1015"], &["DL3064"]),
    check(&["DuplicateStageName"], &["DL3024"]),
    check(&["ReservedStageName"], &["DL3063"]),
    check_with_twin(&["WorkdirRelativePath"], &["BK1016"], &["DL3000"]),
    check_with_twin(&["JSONArgsRecommended"], &["BK1017"], &["DL3025"]),
    check(&["RedundantTargetPlatform"], &["DL3065"]),
    check(
        &["MultipleInstructionsDisallowed"],
        &["DL4003", "DL4004", "DL3012"],
    ),
];

impl BuildkitCheck {
    pub fn name(&self) -> &'static str {
        self.names.first().copied().unwrap_or_default()
    }

    /// True when this check is implemented outside this module (a DL rule).
    fn is_equivalent(&self) -> bool {
        !self.codes.iter().any(|c| c.starts_with("BK"))
    }
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The BuildKit name the rule `code` carries as an alias (it is the first code of a
/// [`CHECKS`] entry), for rule declarations.
pub const fn buildkit_aliases(code: &str) -> &'static [&'static str] {
    let mut i = 0;
    while i < CHECKS.len() {
        let c = &CHECKS[i];
        if !c.codes.is_empty() && same(c.codes[0], code) {
            return c.names;
        }
        i += 1;
    }
    &[]
}

/// The BuildKit check names, in [`CHECKS`] order.
pub fn check_names() -> impl Iterator<Item = &'static str> {
    CHECKS.iter().map(BuildkitCheck::name)
}

/// BuildKit's experimental checks: they run only when the file's
/// `# check=experimental=` (or the run's `select`) asks for them, and `# check=skip=`
/// does not apply to them (BuildKit's linter consults only the experimental list).
pub const EXPERIMENTAL: &[&str] = &["CopyIgnoredFile", "InvalidDefinitionDescription"];

/// True when `meta` is one of BuildKit's experimental checks.
pub fn is_experimental(meta: &bosun_diagnostics::RuleMeta) -> bool {
    EXPERIMENTAL.iter().any(|n| meta.is_named(n))
}

/// True when the experimental check `meta` is enabled for this file and run.
pub(crate) fn experimental_enabled(
    ctx: &crate::context::Context<'_>,
    meta: &bosun_diagnostics::RuleMeta,
) -> bool {
    crate::pragma::check_directive(ctx.dockerfile).enables(meta)
        || ctx.options.select.iter().any(|s| meta.is_named(s.trim()))
}

/// The codes of the rules that answer to the BuildKit check `name` besides the one that
/// carries it as an alias: the DL rules that implement it, or hadolint's twin of a
/// BuildKit rule (`DL3025` for `JSONArgsRecommended`), so that skipping or ignoring the
/// check by its BuildKit name silences the same problem in both. Empty when `name` is
/// no such check. Case-insensitive.
pub fn equivalent_codes(name: &str) -> &'static [&'static str] {
    CHECKS
        .iter()
        .find(|c| c.name().eq_ignore_ascii_case(name.trim()))
        .map_or(&[], |c| if c.is_equivalent() { c.codes } else { c.twins })
}

/// True when the rule `meta` answers to `name`: its code, name or aliases, or the
/// BuildKit name of an equivalent check.
pub fn rule_is_named(meta: &bosun_diagnostics::RuleMeta, name: &str) -> bool {
    meta.is_named(name.trim()) || equivalent_codes(name).contains(&meta.code)
}

/// Selectors with BuildKit names of equivalent checks replaced by the rules' codes
/// (other selectors unchanged).
pub fn expand_selectors(names: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        let codes = equivalent_codes(n);
        // A BuildKit name may be one rule's alias and also stand for more DL rules
        // (MultipleInstructionsDisallowed): keep the name and add every equivalent.
        if codes.is_empty() || crate::registry::find_rule(n).is_some() {
            out.push(n.clone());
        }
        out.extend(codes.iter().map(|c| (*c).to_string()));
    }
    out
}

/// The automatic platform ARGs BuildKit defines for FROM lines.
pub const PLATFORM_ARGS: [&str; 8] = [
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
];

/// A FROM instruction split into its parts (after flags): `image [AS name]`.
pub struct From<'d> {
    pub instr: &'d Instruction,
    pub image: Option<&'d Word>,
    /// The `AS` keyword, when there are exactly three words.
    pub as_kw: Option<&'d Word>,
    pub name: Option<&'d Word>,
}

impl<'d> From<'d> {
    pub fn of(instr: &'d Instruction) -> From<'d> {
        let w = &instr.words;
        let (as_kw, name) = if w.len() == 3 {
            (w.get(1), w.get(2))
        } else {
            (None, None)
        };
        From {
            instr,
            image: w.first(),
            as_kw,
            name,
        }
    }
}

/// The FROM instructions of the file, in order.
pub fn froms(df: &Dockerfile) -> impl Iterator<Item = From<'_>> {
    df.instructions
        .iter()
        .filter(|i| i.is("FROM"))
        .map(From::of)
}

/// A declared global ARG (before the first FROM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaArg {
    pub key: String,
    /// The default value, expanded with the ARGs before it (`None`: no default).
    pub value: Option<String>,
}

/// The global ARGs (before the first FROM) with their defaults as BuildKit computes
/// them (each default expanded with the ARGs declared before it; an expansion error
/// keeps the raw value).
pub fn meta_args(df: &Dockerfile) -> Vec<MetaArg> {
    let lexer = bosun_dockerfile::expand::Lexer::new(df.escape);
    let mut out: Vec<MetaArg> = Vec::new();
    for instr in &df.instructions {
        if instr.is("FROM") {
            break;
        }
        if !instr.is("ARG") {
            continue;
        }
        for item in &instr.value {
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => {
                    let env = defaults(&out);
                    let v = lexer
                        .process_word(v, &env)
                        .unwrap_or_else(|_| v.to_string());
                    (k.to_string(), Some(v))
                }
                None => (item.clone(), None),
            };
            out.retain(|a| a.key != key);
            out.push(MetaArg { key, value });
        }
    }
    out
}

/// The `(key, value)` pairs of the ARGs that have a default.
pub fn defaults(args: &[MetaArg]) -> Vec<(String, String)> {
    args.iter()
        .filter_map(|a| a.value.clone().map(|v| (a.key.clone(), v)))
        .collect()
}

/// Levenshtein distance (small inputs: variable and stage names).
///
/// Hand-written: a dozen lines, and the exact cut-off below must match BuildKit's
/// `suggest` package, so a crate would not save anything.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let best = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            cur[j + 1] = best;
        }
        prev = cur;
    }
    prev[b.len()]
}

/// BuildKit's "did you mean" (`util/suggest`): the first option at the smallest edit
/// distance below 3; nothing when `value` is itself an option.
pub fn suggest<'o>(value: &str, options: impl IntoIterator<Item = &'o str>) -> Option<&'o str> {
    let mut best: Option<&str> = None;
    let mut min = 3;
    for opt in options {
        if opt == value {
            return None;
        }
        let d = levenshtein(value, opt);
        if d < min {
            min = d;
            best = Some(opt);
        }
    }
    best
}

/// Case shape of a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Casing {
    Lower,
    Upper,
    Mixed,
}

pub fn casing(s: &str) -> Casing {
    if s == s.to_lowercase() {
        Casing::Lower
    } else if s == s.to_uppercase() {
        Casing::Upper
    } else {
        Casing::Mixed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_buildkit() {
        assert_eq!(suggest("PAHT", ["PATH", "HOME"]), Some("PATH"));
        assert_eq!(suggest("PATH", ["PATH"]), None);
        assert_eq!(suggest("XYZABC", ["PATH"]), None);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "ab"), 2);
    }

    #[test]
    fn meta_args_expand_in_order() {
        let df = bosun_dockerfile::parse("ARG A=1\nARG B=${A}.2 C\nFROM x\nARG D=9\n");
        let args = meta_args(&df);
        assert_eq!(
            args,
            vec![
                MetaArg {
                    key: "A".into(),
                    value: Some("1".into())
                },
                MetaArg {
                    key: "B".into(),
                    value: Some("1.2".into())
                },
                MetaArg {
                    key: "C".into(),
                    value: None
                },
            ]
        );
    }

    #[test]
    fn one_table_of_buildkit_names() {
        assert_eq!(
            CHECKS.len(),
            22,
            "BuildKit's checks (frontend/dockerfile/linter)"
        );
        for c in CHECKS {
            assert_eq!(c.names.len(), 1);
            let first = c.codes.first().expect("a code");
            let rule = crate::registry::find_rule(first).expect("registered");
            assert!(
                rule.meta.aliases.contains(&c.name()),
                "{} carries {} as an alias",
                rule.meta.code,
                c.name()
            );
            assert_eq!(
                crate::registry::find_rule(c.name()).map(|r| r.meta.code),
                Some(*first)
            );
            for code in c.codes {
                let meta = crate::registry::find_rule(code).expect("registered").meta;
                assert!(
                    rule_is_named(meta, c.name()),
                    "{code} answers to {}",
                    c.name()
                );
                assert!(crate::pragma::is_buildkit_check(meta), "{code}");
            }
        }
        // No other rule claims a BuildKit name.
        for r in crate::rules::RULES.iter() {
            for a in r.meta.aliases {
                if let Some(c) = CHECKS.iter().find(|c| c.name().eq_ignore_ascii_case(a)) {
                    assert!(c.codes.contains(&r.meta.code), "{} claims {a}", r.meta.code);
                }
            }
        }
        assert_eq!(equivalent_codes("multipleinstructionsdisallowed").len(), 3);
        assert!(equivalent_codes("StageNameCasing").is_empty());
    }
}
