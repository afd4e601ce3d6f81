//! ExposeInvalidFormat: `EXPOSE` with an IP address or a host-port mapping.

use crate::context::Context;
use crate::registry::Rule;
use bosun_diagnostics::{Area, Edit, Fix, FixAvailability, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "BK1011",
    name: "expose-host-mapping",
    area: Area::Lint,
    group: "buildkit",
    aliases: &["ExposeInvalidFormat"],
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    summary: "EXPOSE should not define an IP address or a host-port mapping.",
    docs: r#"## What it does

Flags `EXPOSE` ports written with an IP address or a host port, such as
`EXPOSE 127.0.0.1:80:80` or `EXPOSE 8080:80`. This is BuildKit's `ExposeInvalidFormat`
check, which "will become an error in a future release".

## Why is this bad?

`EXPOSE` only documents the container's port: the IP and host port are silently
dropped (publishing is decided by `docker run -p`), so the line promises a mapping that
never happens.

## Example

```dockerfile bad
FROM nginx:1.27
EXPOSE 8080:80
```

```dockerfile good
FROM nginx:1.27
EXPOSE 80
```

## Fix safety

The fix keeps only the container port (and protocol), which is all BuildKit records:
safe.

## References

- BuildKit check `ExposeInvalidFormat`
"#,
};

pub static RULE: Rule = Rule::new(&META, check);

/// BuildKit's `splitParts`: `[ip:]host:container`, with IPv6 addresses keeping their
/// colons.
fn split_parts(raw: &str) -> (String, String, String) {
    let parts: Vec<&str> = raw.split(':').collect();
    match parts.as_slice() {
        [c] => (String::new(), String::new(), (*c).to_string()),
        [h, c] => (String::new(), (*h).to_string(), (*c).to_string()),
        [ip, h, c] => ((*ip).to_string(), (*h).to_string(), (*c).to_string()),
        many => {
            let n = many.len();
            (
                many[..n - 2].join(":"),
                many[n - 2].to_string(),
                many[n - 1].to_string(),
            )
        }
    }
}

fn check(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for instr in df.instructions.iter().filter(|i| i.is("EXPOSE")) {
        for w in &instr.words {
            let (ip, host, container) = split_parts(&w.text);
            if ip.is_empty() && host.is_empty() {
                continue;
            }
            let report = ctx.report(
                &META,
                format!(
                    "EXPOSE instruction should not define an IP address or host-port mapping, found '{}'",
                    w.text
                ),
                w.range.start..w.range.end,
            );
            let plain = df.text(w.range) == w.text
                && !w.text.contains(['$', '"', '\'', '\\'])
                && !container.is_empty();
            if plain {
                report.fix(Fix::safe(
                    format!("Expose only the container port `{container}`"),
                    vec![Edit::replace(w.range.start, w.range.end, container)],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_parts;

    #[test]
    fn parts() {
        assert_eq!(split_parts("80"), ("".into(), "".into(), "80".into()));
        assert_eq!(
            split_parts("8080:80"),
            ("".into(), "8080".into(), "80".into())
        );
        assert_eq!(
            split_parts("[::1]:80:80/udp"),
            ("[::1]".into(), "80".into(), "80/udp".into())
        );
    }
}
