//! ExposeProtoCasing: `EXPOSE 80/TCP`.

use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, Edit, Fix, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1010",
    name: "expose-protocol-not-lowercase",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["ExposeProtoCasing"],
    severity: Severity::Style,
    fix: FixAvailability::Sometimes,
    summary: "The protocol in EXPOSE should be lowercase.",
    docs: r#"## What it does

Flags an `EXPOSE` port whose protocol is not lowercase, e.g. `EXPOSE 80/TCP`. This is
BuildKit's `ExposeProtoCasing` check.

## Why is this bad?

BuildKit lowercases the protocol, but other tools reading the Dockerfile may not, and
the image config always says `tcp`/`udp`/`sctp`.

## Example

```dockerfile bad
FROM nginx:1.27
EXPOSE 80/TCP
```

```dockerfile good
FROM nginx:1.27
EXPOSE 80/tcp
```

## Fix safety

The fix lowercases the protocol (when the port is written without variables); BuildKit
does the same, so it is safe.

## References

- BuildKit check `ExposeProtoCasing`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for instr in df.instructions.iter().filter(|i| i.is("EXPOSE")) {
        for w in &instr.words {
            let Some((_, proto)) = w.text.split_once('/') else {
                continue;
            };
            let lower = proto.to_lowercase();
            if proto == lower {
                continue;
            }
            let report = ctx.report(
                &META,
                format!(
                    "Defined protocol '{}' in EXPOSE instruction should be lowercase",
                    w.text
                ),
                w.range.start..w.range.end,
            );
            let written = df.text(w.range);
            if written == w.text && !w.text.contains(['$', '"', '\'', '\\']) {
                let port = w.text.split_once('/').map_or("", |(p, _)| p);
                let fixed = format!("{port}/{lower}");
                report.fix(Fix::safe(
                    format!("Write `{fixed}`"),
                    vec![Edit::replace(w.range.start, w.range.end, fixed.clone())],
                ));
            }
        }
    }
}
