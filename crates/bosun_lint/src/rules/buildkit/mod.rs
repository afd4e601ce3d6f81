//! BuildKit's build checks (`docker build --check`), under bosun codes `BK1xxx` with
//! BuildKit's check name as an alias, so `# check=skip=StageNameCasing` and
//! `--ignore StageNameCasing` work.
//!
//! Checks that are the same check as a hadolint rule are not repeated here: the
//! BuildKit name is an alias of the DL rule (MaintainerDeprecated = DL4000,
//! DuplicateStageName = DL3024,
//! ReservedStageName = DL3063, JSONArgsRecommended = DL3025, WorkdirRelativePath =
//! DL3000, RedundantTargetPlatform = DL3065, MultipleInstructionsDisallowed = DL4003 /
//! DL4004 / DL3012).
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
pub mod legacy_key_value_format;
pub mod no_empty_continuation;
pub mod secrets_used_in_arg_or_env;
pub mod stage_name_casing;
pub mod undefined_arg_in_from;
pub mod undefined_var;

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
];

/// BuildKit checks that are the same check as a rule of another area: the BuildKit name
/// and the codes of those rules. Suppressions, `--select`/`--ignore` and the
/// configuration accept the BuildKit name for them even when the rule does not list it
/// as an alias.
pub const EQUIVALENTS: &[(&str, &[&str])] = &[
    ("MaintainerDeprecated", &["DL4000"]),
    ("DuplicateStageName", &["DL3024"]),
    ("ReservedStageName", &["DL3063"]),
    ("JSONArgsRecommended", &["DL3025"]),
    ("WorkdirRelativePath", &["DL3000"]),
    ("RedundantTargetPlatform", &["DL3065"]),
    (
        "MultipleInstructionsDisallowed",
        &["DL4003", "DL4004", "DL3012"],
    ),
];

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

/// The codes of the rules that implement the BuildKit check `name` in another area
/// (empty when `name` is not such a check). Case-insensitive.
pub fn equivalent_codes(name: &str) -> &'static [&'static str] {
    EQUIVALENTS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
        .map_or(&[], |(_, codes)| codes)
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
}
