//! LegacyKeyValueFormat: `ENV key value` instead of `ENV key=value`.

use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, Edit, Fix, FixAvailability, RuleMeta, Severity};
use bosun_dockerfile::KeyValue;

pub static META: RuleMeta = RuleMeta {
    code: "BK1006",
    name: "legacy-key-value-format",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["LegacyKeyValueFormat"],
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    summary: "`ENV key=value` should be used instead of the legacy `ENV key value` format.",
    docs: r#"## What it does

Flags `ENV` and `LABEL` instructions in the legacy form, with whitespace instead of `=`
between the key and the value. This is BuildKit's `LegacyKeyValueFormat` check.

## Why is this bad?

In the legacy form the whole rest of the line is one value, which surprises readers
(`ENV A 1 B 2` sets `A` to `1 B 2`). The form is deprecated and may be removed.

## Example

```dockerfile bad
FROM alpine:3.20
ENV APP_HOME /srv/app
```

```dockerfile good
FROM alpine:3.20
ENV APP_HOME=/srv/app
```

## Fix safety

The fix writes `key=value`, quoting the value when it contains whitespace (with `"..."`
when it has no quotes or escapes of its own, else by escaping each space), so the value
BuildKit computes is unchanged: safe. No fix is offered when the value spans a line
continuation.

## References

- BuildKit check `LegacyKeyValueFormat`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for instr in &df.instructions {
        let targets: Vec<(&bosun_dockerfile::Instruction, &KeyValue)> = instr
            .key_values
            .iter()
            .map(|kv| (instr, kv))
            .chain(
                instr
                    .onbuild
                    .as_deref()
                    .into_iter()
                    .flat_map(|sub| sub.key_values.iter().map(move |kv| (sub, kv))),
            )
            .collect();
        for (owner, kv) in targets {
            if !kv.legacy {
                continue;
            }
            let cmd = owner.cmd.as_str();
            let msg = format!(
                "\"{cmd} key=value\" should be used instead of legacy \"{cmd} key value\" format"
            );
            let range =
                owner.range.start..df.line_range(owner.start_line).end.max(owner.range.start);
            let fix = legacy_fix(ctx.source, kv, df.escape);
            let report = ctx.report(&META, msg, range);
            if let Some(fix) = fix {
                report.fix(fix);
            }
        }
    }
}

/// `key value` -> `key=value`, with the value quoted so that it means the same.
fn legacy_fix(source: &str, kv: &KeyValue, escape: char) -> Option<Fix> {
    let start = kv.key.range.start;
    let end = kv.value.range.end;
    let span = source.get(start..end)?;
    if span.contains('\n') || kv.value.text.is_empty() {
        return None;
    }
    let value = source.get(kv.value.range.start..kv.value.range.end)?;
    if value != kv.value.text {
        return None;
    }
    let new_value = requote(value, escape)?;
    Some(Fix::safe(
        "Use the `key=value` form",
        vec![Edit::replace(
            start,
            end,
            format!("{}={new_value}", kv.key.text),
        )],
    ))
}

/// Writes `raw` (a legacy value, processed by BuildKit as one word) so that, as the
/// value of a `key=value` pair, it is processed to the same string.
fn requote(raw: &str, escape: char) -> Option<String> {
    // Positions of whitespace outside quotes.
    let mut out = String::with_capacity(raw.len() + 2);
    let mut needs = false;
    let mut quote: Option<char> = None;
    let mut chars = raw.chars().peekable();
    let mut plain = true; // no quotes, no escapes at all
    while let Some(c) = chars.next() {
        match quote {
            None => {
                if c == escape {
                    plain = false;
                    out.push(c);
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else if c == '"' || c == '\'' {
                    plain = false;
                    quote = Some(c);
                    out.push(c);
                } else if c.is_whitespace() {
                    needs = true;
                    out.push(escape);
                    out.push(c);
                } else {
                    out.push(c);
                }
            }
            Some(q) => {
                if q == '"' && c == escape {
                    out.push(c);
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    if c == q {
                        quote = None;
                    }
                    out.push(c);
                }
            }
        }
    }
    if quote.is_some() {
        return None; // unbalanced: leave it to a human
    }
    if !needs {
        return Some(raw.to_string());
    }
    if plain {
        return Some(format!("\"{raw}\""));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::requote;

    #[test]
    fn requoting_keeps_the_value() {
        assert_eq!(requote("/srv/app", '\\').as_deref(), Some("/srv/app"));
        assert_eq!(
            requote("hello world", '\\').as_deref(),
            Some("\"hello world\"")
        );
        assert_eq!(requote("\"a b\" c", '\\').as_deref(), Some("\"a b\"\\ c"));
        assert_eq!(requote("it\\'s x", '\\').as_deref(), Some("it\\'s\\ x"));
        assert_eq!(requote("'unbalanced x", '\\'), None);
    }

    #[test]
    fn requoted_values_expand_like_the_legacy_value() {
        let lexer = bosun_dockerfile::expand::Lexer::new('\\');
        let env: Vec<(String, String)> = vec![("X".into(), "1".into())];
        for raw in [
            "hello world",
            "\"a b\" c",
            "$X and ${X}",
            "a\\ b  c",
            "'q u' v",
        ] {
            let before = lexer.process_word(raw, &env).unwrap();
            let requoted = requote(raw, '\\').unwrap();
            let words = lexer.process_words(&requoted, &env).unwrap();
            assert_eq!(words.len(), 1, "{raw} -> {requoted} splits: {words:?}");
            assert_eq!(
                lexer.process_word(&requoted, &env).unwrap(),
                before,
                "{raw} -> {requoted}"
            );
        }
    }
}
