//! Suppression comments ("pragmas") and BuildKit's `# check=` directive.
//!
//! Understood forms (rules are named by code, name or alias, case-insensitively):
//!
//! | comment | scope |
//! |---|---|
//! | `# hadolint ignore=DL3008,DL3015` | the next instruction |
//! | `# hadolint stage ignore=DL3006` | the stage of the next `FROM` |
//! | `# hadolint global ignore=DL3059` | the whole file |
//! | `# check=skip=JSONArgsRecommended,StageNameCasing` (first lines of the file) | the whole file |
//! | `# check=skip=UndefinedVar` (in the comments right above an instruction) | that instruction; for a `FROM`, its whole stage |
//! | `# bosun: ignore[DL3008] reason="pinned via snapshot mirror"` | the next instruction |
//! | `# bosun: ignore-stage[DL3006] reason="..."` | the stage of the next `FROM` |
//! | `# bosun: ignore-file[DL3059] reason="..."` | the whole file |
//!
//! "The next instruction" is the first instruction after the comment when only comment
//! lines lie between them (a blank line breaks the link, as in hadolint).
//! `skip=all` (in `# check=`) suppresses every BuildKit check. `# check=error=true`
//! raises BuildKit checks' findings to `error`; `# check=experimental=...` enables
//! experimental BuildKit checks (read by those rules).
//!
//! A pragma whose rule reported nothing in its scope is itself reported
//! ([`UNUSED_SUPPRESSION`]), and so is a malformed one ([`INVALID_SUPPRESSION`]), with
//! its file and line. With `disable-ignore-pragma`, no suppression comment has effect.

use crate::registry::{find_rule, Rule};
use bosun_diagnostics::{Area, Finding, Location, RuleMeta, Severity, Span};
use bosun_dockerfile::{Dockerfile, Instruction, TextRange};

/// True when `meta` is one of BuildKit's checks (it carries a BuildKit check name).
pub fn is_buildkit_check(meta: &RuleMeta) -> bool {
    crate::rules::buildkit::check_names().any(|c| named(meta, c))
}

fn named(meta: &RuleMeta, name: &str) -> bool {
    crate::rules::buildkit::rule_is_named(meta, name)
}

/// A rule answers to `name` (code, name, alias, or BuildKit name of an equivalent).
fn known_name(name: &str) -> bool {
    find_rule(name).is_some() || !crate::rules::buildkit::equivalent_codes(name).is_empty()
}

/// `DL3008`, `SC2086`, `BSN9001`: letters then digits, the shape of a rule code.
fn looks_like_rule_code(name: &str) -> bool {
    let digits = name.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.len() < name.len() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

pub static UNUSED_SUPPRESSION_META: RuleMeta = RuleMeta {
    code: "BSN9001",
    name: "unused-suppression",
    area: Area::Lint,
    group: "pragma",
    aliases: &[],
    severity: Severity::Info,
    fix: bosun_diagnostics::FixAvailability::Always,
    summary: "A suppression comment names a rule that reported nothing where it applies.",
    docs: r#"## What it does

Reports a suppression comment (`# hadolint ignore=...`, `# bosun: ignore[...]`,
`# check=skip=...`) naming a rule that reported nothing in the comment's scope.
A pragma for a rule that does not run (switched off by the configuration) is not
reported, unless it is attached to no instruction at all.

## Why is this bad?

A stale suppression hides the next real finding of that rule on the same line, and it
misleads readers into thinking there is something to suppress. A suppression separated
from its instruction by a blank line is also reported here: it applies to nothing.

## Example

```dockerfile bad
FROM debian:12
# hadolint ignore=DL3008

RUN apt-get update && apt-get install -y --no-install-recommends curl
```

```dockerfile good
FROM debian:12
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

## Fix safety

The fix removes the rule's name from the comment, or the whole comment line when it
names nothing else; it is safe.
"#,
};

pub static UNUSED_SUPPRESSION: Rule = Rule::new(&UNUSED_SUPPRESSION_META, no_check);

pub static INVALID_SUPPRESSION_META: RuleMeta = RuleMeta {
    code: "BSN9002",
    name: "invalid-suppression",
    area: Area::Lint,
    group: "pragma",
    aliases: &[],
    severity: Severity::Warning,
    fix: bosun_diagnostics::FixAvailability::None,
    summary: "A suppression comment is malformed, names an unknown rule, or lacks a reason.",
    docs: r#"## What it does

Reports a suppression comment that bosun cannot use: bad syntax, a rule name that no
rule has (code, name or alias), a `# bosun: ignore[...]` without a `reason="..."`,
or an invalid `# check=` directive. Such a comment suppresses nothing.

## Why is this bad?

hadolint silently ignores a pragma it cannot parse, so a typo leaves a finding
unsuppressed (or a suppression that was meant to be temporary undocumented) without
anyone noticing. bosun says so, naming the file and line.

## Example

```dockerfile bad
FROM debian:12
# bosun: ignore[DL3008]
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
```

```dockerfile good
FROM debian:12
# bosun: ignore[DL3008] reason="versions pinned by the snapshot mirror"
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
```
"#,
};

pub static INVALID_SUPPRESSION: Rule = Rule::new(&INVALID_SUPPRESSION_META, no_check);

/// The rules of this module, for the registry.
pub static RULES: &[&Rule] = &[&UNUSED_SUPPRESSION, &INVALID_SUPPRESSION];

/// The pragma rules report from [`apply`], not from a check function.
fn no_check(_: &mut crate::context::Context<'_>) {}

/// Which comment syntax a suppression was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Hadolint,
    Check,
    Bosun,
}

/// Where a suppression applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    File,
    /// Findings starting inside this byte range (an instruction or a stage).
    Range(TextRange),
    /// The pragma is not attached to anything (e.g. a blank line before the
    /// instruction): it can suppress nothing.
    Nothing,
}

/// One parsed suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub syntax: Syntax,
    /// Rule names as written (empty with `all`).
    pub names: Vec<(String, TextRange)>,
    /// `skip=all`: every BuildKit check.
    pub all_buildkit: bool,
    pub scope: Scope,
    /// The comment line.
    pub range: TextRange,
    pub reason: Option<String>,
}

/// A malformed pragma.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub range: TextRange,
}

/// What the `# check=` directive at the top of the file asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckDirective {
    pub error: bool,
    pub experimental_all: bool,
    pub experimental: Vec<String>,
}

impl CheckDirective {
    /// True when the experimental check `name` is enabled.
    pub fn enables(&self, meta: &RuleMeta) -> bool {
        self.experimental_all || self.experimental.iter().any(|n| meta.is_named(n))
    }
}

/// Everything the comments of a file say about suppressions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pragmas {
    pub suppressions: Vec<Suppression>,
    pub problems: Vec<Problem>,
    pub check: CheckDirective,
}

/// The `# check=` directive of a file (experimental rules read it).
pub fn check_directive(df: &Dockerfile) -> CheckDirective {
    match df.directive("check") {
        Some(d) => parse_check_value(&d.value, d.value_range, TextRange::default())
            .map(|c| c.directive)
            .unwrap_or_default(),
        None => CheckDirective::default(),
    }
}

struct ParsedCheck {
    directive: CheckDirective,
    skip: Vec<(String, TextRange)>,
    skip_all: bool,
}

/// Parses `skip=A,B;error=true;experimental=C` (BuildKit's `ParseLintOptions`; keys
/// are case-sensitive, unknown keys are an error). `at` is where `value` starts.
fn parse_check_value(
    value: &str,
    value_range: TextRange,
    _: TextRange,
) -> Result<ParsedCheck, String> {
    let mut out = ParsedCheck {
        directive: CheckDirective::default(),
        skip: Vec::new(),
        skip_all: false,
    };
    let mut offset = 0usize;
    for part in value.split(';') {
        let part_start = value_range.start + offset;
        offset += part.len() + 1;
        if part.trim().is_empty() {
            continue;
        }
        let Some((k, v)) = part.split_once('=') else {
            return Err(format!("invalid check option `{}`", part.trim()));
        };
        let v_start = part_start + k.len() + 1;
        match k.trim() {
            "skip" => {
                if v.trim() == "all" {
                    out.skip_all = true;
                } else {
                    out.skip.extend(split_names(v, v_start));
                }
            }
            "experimental" => {
                if v.trim() == "all" {
                    out.directive.experimental_all = true;
                } else {
                    out.directive
                        .experimental
                        .extend(split_names(v, v_start).into_iter().map(|(n, _)| n));
                }
            }
            "error" => match v.trim() {
                "1" | "t" | "T" | "true" | "TRUE" | "True" => out.directive.error = true,
                "0" | "f" | "F" | "false" | "FALSE" | "False" => out.directive.error = false,
                other => {
                    return Err(format!(
                        "invalid value `{other}` for check option `error` (expected true or false)"
                    ))
                }
            },
            other => {
                return Err(format!(
                    "invalid check option `{other}` (expected skip, error or experimental)"
                ))
            }
        }
    }
    Ok(out)
}

/// Splits a comma-separated list of rule names, with the source range of each.
fn split_names(list: &str, start: usize) -> Vec<(String, TextRange)> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for piece in list.split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let name = piece.trim();
        if !name.is_empty() {
            let s = start + offset + lead;
            out.push((name.to_string(), TextRange::new(s, s + name.len())));
        }
        offset += piece.len() + 1;
    }
    out
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Where the text after `#` starts in a comment's range (the first non-blank byte).
fn text_start(df: &Dockerfile, range: TextRange) -> usize {
    let raw = df.text(range);
    let after_hash = raw.find('#').map_or(0, |i| i + 1);
    let rest = &raw[after_hash..];
    range.start + after_hash + (rest.len() - rest.trim_start().len())
}

/// Collects every pragma of the file.
pub fn collect(df: &Dockerfile) -> Pragmas {
    let mut out = Pragmas::default();

    // The file-wide `# check=` directive.
    if let Some(d) = df.directive("check") {
        match parse_check_value(&d.value, d.value_range, d.range) {
            Ok(c) => {
                out.check = c.directive;
                if c.skip_all || !c.skip.is_empty() {
                    out.suppressions.push(Suppression {
                        syntax: Syntax::Check,
                        names: c.skip,
                        all_buildkit: c.skip_all,
                        scope: Scope::File,
                        range: d.range,
                        reason: None,
                    });
                }
            }
            Err(message) => out.problems.push(Problem {
                message,
                range: d.range,
            }),
        }
    }

    let directive_lines: Vec<usize> = df
        .directives
        .iter()
        .map(|d| df.line_of(d.range.start))
        .collect();
    for comment in &df.comments {
        if comment.in_continuation || directive_lines.contains(&df.line_of(comment.range.start)) {
            continue;
        }
        let text = comment.text.as_str();
        let start = text_start(df, comment.range);
        if let Some(rest) = strip_word(text, "hadolint") {
            let rest_start = start + (text.len() - rest.len());
            parse_hadolint(df, comment.range, rest, rest_start, &mut out);
        } else if let Some(rest) = text.strip_prefix("bosun:") {
            let rest_start = start + (text.len() - rest.len());
            parse_bosun(df, comment.range, rest, rest_start, &mut out);
        } else if text.starts_with("check=") || text.starts_with("check =") {
            parse_instruction_check(df, comment.range, text, start, &mut out);
        }
    }
    out
}

/// `text` without a leading `word` that is followed by whitespace (or the end).
fn strip_word<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let rest = text.strip_prefix(word)?;
    if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        Some(rest)
    } else {
        None
    }
}

/// The instruction a "next instruction" pragma at `comment` applies to.
fn next_instruction(df: &Dockerfile, comment: TextRange) -> Option<&Instruction> {
    let line = df.line_of(comment.start);
    let next = first_instruction_from(df, comment.end)?;
    // Only comment lines may lie between.
    for l in (line + 1)..next.start_line {
        let t = df.text(df.line_range(l)).trim();
        if !t.starts_with('#') {
            return None;
        }
    }
    Some(next)
}

/// The first instruction starting at or after byte `offset` (instructions are in
/// source order: a binary search, so 50,000 pragmas do not each scan the file).
fn first_instruction_from(df: &Dockerfile, offset: usize) -> Option<&Instruction> {
    let i = df.instructions.partition_point(|i| i.range.start < offset);
    df.instructions.get(i)
}

/// The byte range of the stage that starts at `from` (up to the next FROM).
fn stage_range(df: &Dockerfile, from: &Instruction) -> TextRange {
    let after = df
        .instructions
        .partition_point(|i| i.range.start <= from.range.start);
    let end = df
        .instructions
        .get(after..)
        .unwrap_or_default()
        .iter()
        .find(|i| i.is("FROM"))
        .map_or(df.source.len(), |i| i.range.start);
    TextRange::new(from.range.start, end)
}

/// Scope of a pragma that applies to the stage of the next FROM.
fn next_stage_scope(df: &Dockerfile, comment: TextRange) -> Scope {
    match next_instruction(df, comment) {
        Some(i) if i.is("FROM") => Scope::Range(stage_range(df, i)),
        _ => Scope::Nothing,
    }
}

fn next_instruction_scope(df: &Dockerfile, comment: TextRange) -> Scope {
    match next_instruction(df, comment) {
        Some(i) => Scope::Range(i.range),
        None => Scope::Nothing,
    }
}

/// Parses a rule list `A, B ,C` at the start of `s`; returns the names and the rest.
fn parse_list(s: &str, start: usize, stop: char) -> (Vec<(String, TextRange)>, usize) {
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if c == stop || !(is_name_char(c) || c == ',' || c == ' ' || c == '\t') {
            end = i;
            break;
        }
        end = i + c.len_utf8();
    }
    // With a space stop (hadolint), the list ends at the first space not next to a comma.
    let list = &s[..end];
    (split_names(list, start), end)
}

fn parse_hadolint(
    df: &Dockerfile,
    comment: TextRange,
    rest: &str,
    rest_start: usize,
    out: &mut Pragmas,
) {
    let trimmed = rest.trim_start();
    let mut at = rest_start + (rest.len() - trimmed.len());
    let (scope_word, body) = if let Some(b) = strip_word(trimmed, "global") {
        ("global", b)
    } else if let Some(b) = strip_word(trimmed, "stage") {
        ("stage", b)
    } else {
        ("", trimmed)
    };
    if !scope_word.is_empty() {
        at += trimmed.len() - body.len();
    }
    let body_trim = body.trim_start();
    at += body.len() - body_trim.len();
    // hadolint allows spaces around `=` (`# hadolint global ignore = DL3023 , DL3021`).
    let list = body_trim.strip_prefix("ignore").and_then(|r| {
        let eq = r.trim_start();
        eq.strip_prefix('=').map(|l| (r.len() - eq.len(), l))
    });
    let Some((spaces_before_eq, list)) = list else {
        // `# hadolint shell=...` and other settings are not suppressions.
        if body_trim.starts_with("ignore") {
            out.problems.push(Problem {
                message: "malformed hadolint pragma: expected `# hadolint ignore=CODE[,CODE...]`"
                    .into(),
                range: comment,
            });
        }
        return;
    };
    at += "ignore".len() + spaces_before_eq + 1;
    // hadolint allows spaces around commas; the list ends at a space that is not
    // followed by a comma continuation.
    let mut names = Vec::new();
    let mut cursor = 0usize;
    let bytes = list;
    let mut expect_name = true;
    let mut end = list.len();
    while cursor < bytes.len() {
        let rest = &bytes[cursor..];
        let ws = rest.len() - rest.trim_start().len();
        let rest_t = &rest[ws..];
        if expect_name {
            let n: usize = rest_t
                .char_indices()
                .find(|&(_, c)| !is_name_char(c))
                .map_or(rest_t.len(), |(i, _)| i);
            if n == 0 {
                end = cursor;
                break;
            }
            let s = at + cursor + ws;
            names.push((rest_t[..n].to_string(), TextRange::new(s, s + n)));
            cursor += ws + n;
            expect_name = false;
        } else if let Some(after) = rest_t.strip_prefix(',') {
            cursor += ws + 1;
            let _ = after;
            expect_name = true;
        } else {
            end = cursor;
            break;
        }
    }
    let trailing = list[end.min(list.len())..].trim();
    if names.is_empty() || expect_name || !(trailing.is_empty() || trailing.starts_with('#')) {
        out.problems.push(Problem {
            message: "malformed hadolint pragma: expected `# hadolint ignore=CODE[,CODE...]` (a trailing reason needs its own `#`)".into(),
            range: comment,
        });
        return;
    }
    let scope = match scope_word {
        "global" => Scope::File,
        "stage" => next_stage_scope(df, comment),
        _ => next_instruction_scope(df, comment),
    };
    let reason = trailing
        .strip_prefix('#')
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    out.suppressions.push(Suppression {
        syntax: Syntax::Hadolint,
        names,
        all_buildkit: false,
        scope,
        range: comment,
        reason,
    });
}

fn parse_bosun(
    df: &Dockerfile,
    comment: TextRange,
    rest: &str,
    rest_start: usize,
    out: &mut Pragmas,
) {
    let bad = |out: &mut Pragmas, why: &str| {
        out.problems.push(Problem {
            message: format!(
                "malformed bosun pragma: {why}; expected `# bosun: ignore[CODE,...] reason=\"why\"` (or ignore-stage / ignore-file)"
            ),
            range: comment,
        });
    };
    let trimmed = rest.trim_start();
    let mut at = rest_start + (rest.len() - trimmed.len());
    let (kind, after) = if let Some(a) = trimmed.strip_prefix("ignore-file[") {
        ("file", a)
    } else if let Some(a) = trimmed.strip_prefix("ignore-stage[") {
        ("stage", a)
    } else if let Some(a) = trimmed.strip_prefix("ignore[") {
        ("next", a)
    } else {
        return bad(out, "unknown directive");
    };
    at += trimmed.len() - after.len();
    let (names, used) = parse_list(after, at, ']');
    let after_list = &after[used..];
    let Some(after_bracket) = after_list.strip_prefix(']') else {
        return bad(out, "the rule list must end with `]`");
    };
    if names.is_empty() {
        return bad(out, "the rule list is empty");
    }
    let tail = after_bracket.trim();
    let reason = match parse_reason(tail) {
        Ok(r) => r,
        Err(why) => return bad(out, why),
    };
    let Some(reason) = reason else {
        out.problems.push(Problem {
            message: "a bosun suppression needs a reason: `# bosun: ignore[CODE] reason=\"why\"`"
                .into(),
            range: comment,
        });
        return;
    };
    let scope = match kind {
        "file" => Scope::File,
        "stage" => next_stage_scope(df, comment),
        _ => next_instruction_scope(df, comment),
    };
    out.suppressions.push(Suppression {
        syntax: Syntax::Bosun,
        names,
        all_buildkit: false,
        scope,
        range: comment,
        reason: Some(reason),
    });
}

/// Parses `reason="..."` (or `'...'`); `Ok(None)` when absent or empty.
fn parse_reason(tail: &str) -> Result<Option<String>, &'static str> {
    if tail.is_empty() {
        return Ok(None);
    }
    let Some(v) = tail.strip_prefix("reason") else {
        return Err("unexpected text after the rule list");
    };
    let Some(v) = v.trim_start().strip_prefix('=') else {
        return Err("`reason` needs `=\"...\"`");
    };
    let v = v.trim_start();
    let quote = match v.chars().next() {
        Some(q @ ('"' | '\'')) => q,
        _ => return Err("the reason must be quoted"),
    };
    let body = &v[1..];
    let mut reason = String::new();
    let mut chars = body.char_indices();
    let mut close = None;
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            if let Some((_, n)) = chars.next() {
                reason.push(n);
            }
        } else if c == quote {
            close = Some(i);
            break;
        } else {
            reason.push(c);
        }
    }
    let Some(close) = close else {
        return Err("the reason's closing quote is missing");
    };
    if !body[close + 1..].trim().is_empty() {
        return Err("unexpected text after the reason");
    }
    let reason = reason.trim().to_string();
    Ok(if reason.is_empty() {
        None
    } else {
        Some(reason)
    })
}

/// A `# check=skip=...` comment in the comment block right above an instruction
/// (BuildKit: text after the first space is ignored; on a FROM it covers the stage).
fn parse_instruction_check(
    df: &Dockerfile,
    comment: TextRange,
    text: &str,
    start: usize,
    out: &mut Pragmas,
) {
    let word = text.split(char::is_whitespace).next().unwrap_or("");
    // `check = skip=..` is not BuildKit's form; only `check=...` up to the first space.
    let Some(value) = word.strip_prefix("check=") else {
        out.problems.push(Problem {
            message: "malformed check comment: expected `# check=skip=Rule[,Rule...]`".into(),
            range: comment,
        });
        return;
    };
    let value_start = start + "check=".len();
    let parsed = match parse_check_value(
        value,
        TextRange::new(value_start, value_start + value.len()),
        comment,
    ) {
        Ok(p) => p,
        Err(message) => {
            out.problems.push(Problem {
                message,
                range: comment,
            });
            return;
        }
    };
    if !parsed.skip_all && parsed.skip.is_empty() {
        // error=/experimental= only mean something in the file directive.
        return;
    }
    // The comment block above an instruction: BuildKit's PrevComment, where a blank
    // line does not break the block.
    let next = first_instruction_from(df, comment.end);
    let scope = match next {
        Some(i) if attached_by_prev_comments(df, i, comment) => {
            if i.is("FROM") {
                Scope::Range(stage_range(df, i))
            } else {
                Scope::Range(i.range)
            }
        }
        _ => Scope::Nothing,
    };
    out.suppressions.push(Suppression {
        syntax: Syntax::Check,
        names: parsed.skip,
        all_buildkit: parsed.skip_all,
        scope,
        range: comment,
        reason: None,
    });
}

/// True when `comment` is one of `instr`'s `prev_comments` (the block BuildKit keeps).
fn attached_by_prev_comments(df: &Dockerfile, instr: &Instruction, comment: TextRange) -> bool {
    let count = instr.prev_comments.len();
    if count == 0 {
        return false;
    }
    // The last `count` comments before the instruction (comments are in source order).
    let before = df
        .comments
        .partition_point(|c| c.range.end <= instr.range.start);
    df.comments
        .get(..before)
        .unwrap_or_default()
        .iter()
        .rev()
        .filter(|c| !c.in_continuation && c.range.end <= instr.range.start)
        .take(count)
        .any(|c| c.range == comment)
}

/// The rule meta of a finding (by its code).
fn meta_of(finding: &Finding) -> Option<&'static RuleMeta> {
    find_rule(&finding.code).map(|r| r.meta)
}

fn finding_start(f: &Finding) -> Option<usize> {
    match &f.location {
        Location::File { span: Some(s), .. } => Some(s.start),
        _ => None,
    }
}

/// Settings [`apply`] needs from the run.
pub struct ApplyOptions<'a> {
    pub path: &'a str,
    /// `disable-ignore-pragma`: suppressions have no effect (and are not reported
    /// unused).
    pub disable_suppressions: bool,
    /// Whether a rule runs in this run (unused-suppression reports only those).
    pub is_enabled: &'a dyn Fn(&RuleMeta) -> bool,
}

/// The runner's entry point: [`apply`] with the run's rule set and settings (pragma
/// findings get the severity the run gives their rule).
pub fn apply_for_run(
    df: &Dockerfile,
    findings: Vec<Finding>,
    path: &str,
    rules: &crate::registry::RuleSet,
    settings: &crate::config::Settings,
) -> Vec<Finding> {
    let is_enabled = |m: &RuleMeta| rules.is_enabled(m.code);
    let mut out = apply(
        df,
        findings,
        &ApplyOptions {
            path,
            disable_suppressions: settings.disable_ignore_pragma,
            is_enabled: &is_enabled,
        },
    );
    for (rule, severity) in rules.rules() {
        let Some(severity) = severity else { continue };
        if RULES.iter().any(|r| r.meta.code == rule.meta.code) {
            for f in out.iter_mut().filter(|f| f.code == rule.meta.code) {
                f.severity = severity;
            }
        }
    }
    out
}

/// Applies the file's pragmas to `findings`: drops suppressed findings, applies
/// `# check=error=true`, and adds findings for unused and malformed pragmas.
pub fn apply(df: &Dockerfile, findings: Vec<Finding>, opts: &ApplyOptions<'_>) -> Vec<Finding> {
    let pragmas = collect(df);
    apply_pragmas(df, &pragmas, findings, opts)
}

/// [`apply`] with pragmas already collected.
pub fn apply_pragmas(
    df: &Dockerfile,
    pragmas: &Pragmas,
    findings: Vec<Finding>,
    opts: &ApplyOptions<'_>,
) -> Vec<Finding> {
    let span = |r: TextRange| -> Span { df.span(r) };
    let mut out = Vec::with_capacity(findings.len());
    // used[i][j]: suppression i, name j suppressed something; used_all[i] for `all`.
    let mut used: Vec<Vec<bool>> = pragmas
        .suppressions
        .iter()
        .map(|s| vec![false; s.names.len()])
        .collect();
    let mut used_all = vec![false; pragmas.suppressions.len()];
    let mut extra: Vec<Finding> = Vec::new();

    // Unknown rule names are malformed pragmas.
    let mut unknown = vec![Vec::new(); pragmas.suppressions.len()];
    for (i, s) in pragmas.suppressions.iter().enumerate() {
        for (j, (name, range)) in s.names.iter().enumerate() {
            if !known_name(name) && !crate::config::is_shellcheck_code(name) {
                // BuildKit ignores unknown names in `check=skip`; they may be checks
                // bosun does not implement, so only hadolint/bosun pragmas are strict.
                if s.syntax != Syntax::Check {
                    extra.push(Finding::new(
                        &INVALID_SUPPRESSION_META,
                        format!("unknown rule `{name}` in a suppression comment"),
                        Location::file(opts.path, Some(span(*range))),
                    ));
                }
                unknown[i].push(j);
            }
        }
    }

    let index = ScopeIndex::new(&pragmas.suppressions);
    let mut candidates: Vec<usize> = Vec::new();
    // hadolint drops a whole `# hadolint ignore=` list when a name in it is not a rule
    // code at all (`ignore=crazy,DL3002` suppresses nothing); such a comment is still
    // reported as malformed above.
    let inert: Vec<bool> = pragmas
        .suppressions
        .iter()
        .map(|s| {
            s.syntax == Syntax::Hadolint
                && s.names
                    .iter()
                    .any(|(n, _)| !looks_like_rule_code(n) && !known_name(n))
        })
        .collect();

    // The registry lookup once per code, not per finding.
    let mut metas: std::collections::HashMap<String, Option<&'static RuleMeta>> =
        std::collections::HashMap::new();
    for mut f in findings {
        let meta = match metas.get(&f.code) {
            Some(m) => *m,
            None => {
                let m = meta_of(&f);
                metas.insert(f.code.clone(), m);
                m
            }
        };
        if pragmas.check.error {
            if let Some(m) = meta {
                if is_buildkit_check(m) && f.severity < Severity::Error {
                    f.severity = Severity::Error;
                }
            }
        }
        let mut suppressed = false;
        if !opts.disable_suppressions {
            if let Some(m) = meta {
                let at = finding_start(&f);
                index.candidates(at, &mut candidates);
                for &i in &candidates {
                    let Some(s) = pragmas.suppressions.get(i) else {
                        continue;
                    };
                    let in_scope = match s.scope {
                        Scope::File => true,
                        Scope::Range(r) => at.is_some_and(|a| r.contains(a) || a == r.start),
                        Scope::Nothing => false,
                    };
                    if !in_scope
                        || inert[i]
                        || (s.syntax == Syntax::Check && crate::rules::buildkit::is_experimental(m))
                    {
                        continue;
                    }
                    if s.all_buildkit && is_buildkit_check(m) {
                        used_all[i] = true;
                        suppressed = true;
                    }
                    for (j, (name, _)) in s.names.iter().enumerate() {
                        if named(m, name) || f.code.eq_ignore_ascii_case(name) {
                            used[i][j] = true;
                            suppressed = true;
                        }
                    }
                }
            } else if let Some(at) = finding_start(&f) {
                // Findings of codes outside the registry (ShellCheck's SCxxxx).
                index.candidates(Some(at), &mut candidates);
                for &i in &candidates {
                    let Some(s) = pragmas.suppressions.get(i) else {
                        continue;
                    };
                    let in_scope = match s.scope {
                        Scope::File => true,
                        Scope::Range(r) => r.contains(at),
                        Scope::Nothing => false,
                    };
                    for (j, (name, _)) in s.names.iter().enumerate() {
                        if in_scope && !inert[i] && f.code.eq_ignore_ascii_case(name) {
                            used[i][j] = true;
                            suppressed = true;
                        }
                    }
                }
            }
        }
        if !suppressed {
            out.push(f);
        }
    }

    for p in &pragmas.problems {
        extra.push(Finding::new(
            &INVALID_SUPPRESSION_META,
            p.message.clone(),
            Location::file(opts.path, Some(span(p.range))),
        ));
    }

    if !opts.disable_suppressions {
        // The rules each name stands for, looked up once per name.
        let mut named_rules: std::collections::HashMap<String, Vec<&'static RuleMeta>> =
            std::collections::HashMap::new();
        for (i, s) in pragmas.suppressions.iter().enumerate() {
            for (j, (name, range)) in s.names.iter().enumerate() {
                if used[i][j]
                    || inert[i]
                    || unknown[i].contains(&j)
                    || crate::config::is_shellcheck_code(name)
                {
                    continue;
                }
                let rules = named_rules
                    .entry(name.to_ascii_lowercase())
                    .or_insert_with(|| {
                        crate::rules::RULES
                            .iter()
                            .map(|r| r.meta)
                            .filter(|m| named(m, name))
                            .collect()
                    });
                // A pragma attached to nothing is reported whatever runs; otherwise only
                // when one of the named rules ran (else it could not have been used).
                let detached = s.scope == Scope::Nothing;
                if rules.is_empty() || !(detached || rules.iter().any(|m| (opts.is_enabled)(m))) {
                    continue;
                }
                // `check=skip` names checks BuildKit also runs; bosun cannot judge
                // the base image's platform offline, so such a skip is never "unused".
                if s.syntax == Syntax::Check && named(rules[0], "InvalidBaseImagePlatform") {
                    continue;
                }
                let where_ = match s.scope {
                    Scope::File => "in this file",
                    Scope::Range(_) => "where it applies",
                    Scope::Nothing => "because it is not attached to an instruction (nothing but comments may stand between them)",
                };
                let message =
                    format!("`{name}` suppresses nothing: the rule reports nothing {where_}");
                let fix = unused_fix(df, s, j);
                let mut finding = Finding::new(
                    &UNUSED_SUPPRESSION_META,
                    message,
                    Location::file(opts.path, Some(span(*range))),
                );
                if let Some(fix) = fix {
                    finding = finding.with_fix(fix);
                }
                extra.push(finding);
            }
        }
    }

    let enabled = |m: &RuleMeta| (opts.is_enabled)(m);
    out.extend(extra.into_iter().filter(|f| {
        let m = if f.code == UNUSED_SUPPRESSION_META.code {
            &UNUSED_SUPPRESSION_META
        } else {
            &INVALID_SUPPRESSION_META
        };
        enabled(m)
    }));
    out
}

/// Which suppressions may cover a position, found without a scan of them all (a file
/// with 50,000 pragmas and as many findings must not cost their product).
/// File-wide suppressions always; range-scoped ones through chains of ranges with
/// increasing starts that do not overlap, so at most one range per chain can hold a
/// position. Pragma scopes are instructions and stages (nested or apart): two or three
/// chains. The callers still apply their exact scope test to each candidate.
struct ScopeIndex {
    file: Vec<usize>,
    /// Each chain: (range, the suppressions with exactly that range), by start.
    chains: Vec<Vec<(TextRange, Vec<usize>)>>,
}

impl ScopeIndex {
    fn new(suppressions: &[Suppression]) -> ScopeIndex {
        let mut file = Vec::new();
        let mut ranges: Vec<(TextRange, usize)> = Vec::new();
        for (i, s) in suppressions.iter().enumerate() {
            match s.scope {
                Scope::File => file.push(i),
                Scope::Range(r) => ranges.push((r, i)),
                Scope::Nothing => {}
            }
        }
        // By start, longer first, so that an enclosing range comes before the ranges
        // inside it.
        ranges.sort_by_key(|(r, i)| (r.start, std::cmp::Reverse(r.end), *i));
        let mut chains: Vec<Vec<(TextRange, Vec<usize>)>> = Vec::new();
        for (r, i) in ranges {
            // Same range as the last one placed: same entry.
            if let Some(entry) = chains
                .iter_mut()
                .filter_map(|c| c.last_mut())
                .find(|(last, _)| *last == r)
            {
                entry.1.push(i);
                continue;
            }
            match chains.iter_mut().find(|c| {
                c.last()
                    .is_none_or(|(last, _)| last.end <= r.start && last.start < r.start)
            }) {
                Some(c) => c.push((r, vec![i])),
                None => chains.push(vec![(r, vec![i])]),
            }
        }
        ScopeIndex { file, chains }
    }

    /// The suppressions whose scope may cover `at` (every file-wide one; with `at`,
    /// the ranges that hold it or start there), in no particular order.
    fn candidates(&self, at: Option<usize>, out: &mut Vec<usize>) {
        out.clear();
        out.extend_from_slice(&self.file);
        let Some(a) = at else { return };
        for chain in &self.chains {
            let k = chain.partition_point(|(r, _)| r.start <= a);
            if let Some((r, ids)) = k.checked_sub(1).and_then(|k| chain.get(k)) {
                if r.contains(a) || a == r.start {
                    out.extend_from_slice(ids);
                }
            }
        }
    }
}

/// The fix for an unused name: remove it from the list, or the whole comment line when
/// it is the only name.
fn unused_fix(df: &Dockerfile, s: &Suppression, j: usize) -> Option<bosun_diagnostics::Fix> {
    use bosun_diagnostics::{Edit, Fix};
    let (name, range) = s.names.get(j)?;
    if s.names.len() == 1 && !s.all_buildkit && s.syntax != Syntax::Check {
        // Delete the whole line, with its line terminator.
        let line = df.line_of(s.range.start);
        let lr = df.line_range(line);
        let src = df.source.as_str();
        let mut end = lr.end;
        if src[end..].starts_with("\r\n") {
            end += 2;
        } else if src[end..].starts_with('\n') {
            end += 1;
        }
        // Only when the comment is alone on its line.
        if df
            .text(TextRange::new(lr.start, s.range.start))
            .trim()
            .is_empty()
        {
            return Some(Fix::safe(
                format!("Remove the unused suppression of `{name}`"),
                vec![Edit::delete(lr.start, end)],
            ));
        }
        return None;
    }
    if s.names.len() < 2 {
        return None;
    }
    // Remove `name` and the comma joining it to a neighbour.
    let src = df.source.as_str();
    let (start, end) = if j + 1 < s.names.len() {
        (range.start, s.names[j + 1].1.start)
    } else {
        (s.names[j - 1].1.end, range.end)
    };
    if start > end || end > src.len() {
        return None;
    }
    Some(Fix::safe(
        format!("Remove `{name}` from the suppression"),
        vec![Edit::delete(start, end)],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragmas(src: &str) -> Pragmas {
        collect(&bosun_dockerfile::parse(src))
    }

    #[test]
    fn hadolint_ignore_applies_to_the_next_instruction() {
        let src = "FROM a\n# hadolint ignore=DL3008, DL3015 # pinned\nRUN x\nRUN y\n";
        let p = pragmas(src);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let s = &p.suppressions[0];
        let names: Vec<&str> = s.names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["DL3008", "DL3015"]);
        assert_eq!(s.reason.as_deref(), Some("pinned"));
        let Scope::Range(r) = s.scope else {
            panic!("scope {:?}", s.scope)
        };
        assert_eq!(&src[r.start..r.end], "RUN x");
        // The name ranges point at the names.
        assert_eq!(&src[s.names[1].1.start..s.names[1].1.end], "DL3015");
    }

    #[test]
    fn blank_line_detaches_a_hadolint_pragma() {
        let p = pragmas("FROM a\n# hadolint ignore=DL3008\n\nRUN x\n");
        assert_eq!(p.suppressions[0].scope, Scope::Nothing);
    }

    #[test]
    fn hadolint_free_text_without_hash_is_malformed() {
        let p = pragmas("FROM a\n# hadolint ignore=DL3008 because reasons\nRUN x\n");
        assert!(p.suppressions.is_empty());
        assert_eq!(p.problems.len(), 1);
    }

    #[test]
    fn global_and_stage_scopes() {
        let src = "# hadolint global ignore=DL3059\nFROM a AS x\nRUN a\n# hadolint stage ignore=DL3006\nFROM b\nRUN b\n";
        let p = pragmas(src);
        assert_eq!(p.suppressions[0].scope, Scope::File);
        let Scope::Range(r) = p.suppressions[1].scope else {
            panic!()
        };
        assert_eq!(&src[r.start..r.end], "FROM b\nRUN b\n");
    }

    #[test]
    fn bosun_pragma_requires_a_reason() {
        let p = pragmas("FROM a\n# bosun: ignore[DL3008]\nRUN x\n");
        assert!(p.suppressions.is_empty());
        assert!(p.problems[0].message.contains("reason"));
        let p = pragmas(
            "FROM a\n# bosun: ignore[DL3008, DL3015] reason=\"mirror \\\"pins\\\"\"\nRUN x\n",
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.suppressions[0].reason.as_deref(), Some("mirror \"pins\""));
        assert_eq!(p.suppressions[0].names.len(), 2);
        let p = pragmas("FROM a\n# bosun: ignore[DL3008] reason=\"x\" extra\nRUN x\n");
        assert_eq!(p.problems.len(), 1);
        let p = pragmas("FROM a\n# bosun: ignroe[DL3008] reason=\"x\"\nRUN x\n");
        assert_eq!(p.problems.len(), 1);
    }

    #[test]
    fn check_directive_and_per_instruction_skip() {
        let src = "# check=skip=StageNameCasing;error=true;experimental=all\nFROM a AS B\n# check=skip=UndefinedVar // why\nCOPY $X /x\n";
        let p = pragmas(src);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert!(p.check.error);
        assert!(p.check.experimental_all);
        assert_eq!(p.suppressions.len(), 2);
        assert_eq!(p.suppressions[0].scope, Scope::File);
        assert_eq!(p.suppressions[0].names[0].0, "StageNameCasing");
        let Scope::Range(r) = p.suppressions[1].scope else {
            panic!()
        };
        assert_eq!(&src[r.start..r.end], "COPY $X /x");
    }

    #[test]
    fn invalid_check_option_is_a_problem() {
        let p = pragmas("# check=skipp=A\nFROM a\n");
        assert_eq!(p.problems.len(), 1);
        assert!(p.problems[0].message.contains("skipp"));
    }
}
