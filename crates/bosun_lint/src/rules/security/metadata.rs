//! Metadata: `DL4000` (MAINTAINER) and `BSN6001` (OCI labels on the final stage).

use super::{final_stage, security_rule, stage_chain, stage_instructions, unquote};
use crate::context::Context;
use bosun_diagnostics::{Edit, Fix};

security_rule!(
    DL4000,
    DL4000_META,
    "DL4000",
    "maintainer-deprecated",
    ["MaintainerDeprecated"],
    Error,
    Always,
    "MAINTAINER is deprecated: use a label.",
    r#"## What it does

Flags the `MAINTAINER` instruction.

## Why is this bad?

`MAINTAINER` has been deprecated since Docker 1.13; it sets a legacy `Author` field
that OCI tooling ignores. Use `LABEL org.opencontainers.image.authors="..."`.

## Example

```dockerfile bad
FROM alpine:3.20
MAINTAINER Jane Doe <jane@example.org>
```

```dockerfile good
FROM alpine:3.20
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.org>"
```

## Fix safety

The fix rewrites the instruction as that `LABEL`. It changes the image config (the
legacy `Author` field is no longer set), so it is offered as an unsafe fix.

## References

- hadolint `DL4000`; BuildKit check `MaintainerDeprecated`
"#,
    check_dl4000
);

fn check_dl4000(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    for ins in df.instructions.iter().filter(|i| i.is("MAINTAINER")) {
        let who = ins.args.text.trim();
        let escaped = who.replace('\\', "\\\\").replace('"', "\\\"");
        let range = ins.line.range();
        let label = if ins.keyword.text.chars().all(|c| c.is_ascii_lowercase()) {
            "label"
        } else {
            "LABEL"
        };
        let mut report = ctx.report(
            &DL4000_META,
            "MAINTAINER is deprecated: use `LABEL org.opencontainers.image.authors=...`",
            ins.keyword.range.start..ins.keyword.range.end,
        );
        if !who.is_empty() && !who.contains('\n') && ins.heredocs.is_empty() {
            report = report.fix(Fix::unsafe_(
                "Replace with an `org.opencontainers.image.authors` label",
                vec![Edit::replace(
                    range.start,
                    range.end,
                    format!("{label} org.opencontainers.image.authors=\"{escaped}\""),
                )],
            ));
        }
        let _ = report;
    }
}

/// The OCI annotations a published image should carry.
const WANTED: &[&str] = &[
    "org.opencontainers.image.source",
    "org.opencontainers.image.revision",
    "org.opencontainers.image.version",
];

security_rule!(
    BSN6001,
    BSN6001_META,
    "BSN6001",
    "missing-oci-labels",
    [],
    Info,
    None,
    "Label the final image with its source, revision and version.",
    r#"## What it does

Checks that the final stage (with the earlier stages it is built `FROM`) sets the OCI
labels `org.opencontainers.image.source`, `org.opencontainers.image.revision` and
`org.opencontainers.image.version`, and lists the missing ones. Values may come from
build args (`LABEL org.opencontainers.image.revision=$GIT_SHA`).

## Why is this bad?

Without them, nobody can tell from an image which repository and commit it was built
from: vulnerability triage, provenance checks and rollbacks all need it. Registries
and scanners (GitHub, Renovate, Trivy) read these labels.

## Example

```dockerfile bad
FROM alpine:3.20
CMD ["app"]
```

```dockerfile good
FROM alpine:3.20
ARG VERSION GIT_SHA
LABEL org.opencontainers.image.source="https://github.com/example/app" \
      org.opencontainers.image.revision=$GIT_SHA \
      org.opencontainers.image.version=$VERSION
CMD ["app"]
```

## References

- OCI image spec, "Pre-Defined Annotation Keys"
"#,
    check_bsn6001
);

fn check_bsn6001(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let Some(last) = final_stage(&f) else { return };
    let mut present: Vec<String> = Vec::new();
    for s in stage_chain(&f, last) {
        for (_, ins) in stage_instructions(df, &f, s).filter(|(_, i)| i.is("LABEL")) {
            for kv in &ins.key_values {
                present.push(unquote(&kv.key.text).to_ascii_lowercase());
            }
        }
    }
    let missing: Vec<&str> = WANTED
        .iter()
        .copied()
        .filter(|w| !present.iter().any(|p| p == w))
        .collect();
    if missing.is_empty() {
        return;
    }
    let Some(from) = f
        .stages()
        .get(last)
        .and_then(|s| df.instructions.get(s.from))
    else {
        return;
    };
    let list = missing
        .iter()
        .map(|m| format!("`{}`", m.trim_start_matches("org.opencontainers.image.")))
        .collect::<Vec<_>>()
        .join(", ");
    ctx.report(
        &BSN6001_META,
        format!("The final image has no OCI label for {list} (`org.opencontainers.image.*`)"),
        from.keyword.range.start..from.keyword.range.end,
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{run, spans};

    #[test]
    fn maintainer_fix_is_a_label() {
        let src = "FROM a:1\nMAINTAINER Jane \"JD\" Doe\n";
        let f = run("DL4000", src);
        assert_eq!(spans(src, &f), ["MAINTAINER"]);
        let fix = f[0].fix.as_ref().unwrap();
        assert_eq!(
            fix.edits[0].content,
            r#"LABEL org.opencontainers.image.authors="Jane \"JD\" Doe""#
        );
        assert_eq!(fix.applicability, bosun_diagnostics::Applicability::Unsafe);
    }

    #[test]
    fn oci_labels_inherited_within_the_file() {
        let src = "FROM a:1 AS base\nLABEL org.opencontainers.image.source=x org.opencontainers.image.version=1\nFROM base\nLABEL \"org.opencontainers.image.revision\"=$SHA\n";
        assert!(run("BSN6001", src).is_empty());
        let src = "FROM a:1 AS build\nLABEL org.opencontainers.image.source=x\nFROM b:1\n";
        let f = run("BSN6001", src);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("`source`, `revision`, `version`"));
    }
}
