//! Base images and remote content: `DL3006`, `DL3007`, `BSN1001` (FROM pinning),
//! `DL3020`, `BSN1002` (ADD), `BSN1003` (`curl | sh`).

use super::{basename, security_rule};
use crate::context::Context;
use bosun_diagnostics::{Edit, Fix};
use bosun_dockerfile::model::{Model, Stage};
use bosun_dockerfile::shell::Cmd;
use bosun_dockerfile::TextRange;

/// An image reference split into name, tag and digest (byte offsets into the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    pub name: &'a str,
    pub tag: Option<&'a str>,
    /// Offset of the tag's first byte in the reference.
    pub tag_at: usize,
    pub digest: Option<&'a str>,
}

pub(crate) fn parse_image(reference: &str) -> ImageRef<'_> {
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (reference, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(c) => {
            let at = last_slash + c;
            ImageRef {
                name: &rest[..at],
                tag: Some(&rest[at + 1..]),
                tag_at: at + 1,
                digest,
            }
        }
        None => ImageRef {
            name: rest,
            tag: None,
            tag_at: rest.len(),
            digest,
        },
    }
}

/// Variables referenced as `$NAME` / `${NAME...}` in `text`.
fn referenced_vars(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let start = if b.get(i + 1) == Some(&b'{') {
                i + 2
            } else {
                i + 1
            };
            let len = text[start..]
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                .count();
            if len > 0 {
                out.push(&text[start..start + len]);
            }
            i = start + len;
        } else {
            i += 1;
        }
    }
    out
}

/// A FROM worth checking: not `scratch`, not an earlier stage. The reference has the
/// global `ARG` defaults substituted; when it uses a variable without a default, the
/// text as written is checked instead (its tag is unknown if the tag is a variable).
fn external_base<'s>(stage: &'s Stage, facts: &Model) -> Option<&'s str> {
    let r = stage.base_resolved();
    if stage.parent().is_some() || r.eq_ignore_ascii_case("scratch") {
        return None;
    }
    let undefined = referenced_vars(&stage.base_name.raw)
        .iter()
        .any(|v| facts.global_scope().get(v).is_none());
    let chosen = if undefined {
        stage.base_name.raw.as_str()
    } else {
        r
    };
    if chosen.is_empty() || chosen.starts_with('$') {
        return None;
    }
    Some(chosen)
}

security_rule!(
    DL3006,
    DL3006_META,
    "DL3006",
    "base-image-untagged",
    [],
    Warning,
    None,
    "Always tag the version of a base image explicitly.",
    r#"## What it does

Flags a `FROM` whose image has neither a tag nor a digest, after substituting the
global `ARG` defaults (`ARG BASE=debian` / `FROM $BASE` is checked as `debian`).
`scratch` and references to earlier stages (`FROM builder`) are not images.

## Why is this bad?

An untagged image means `:latest`, whatever that is on the day of the build: builds
are not reproducible and can break (or change behaviour) without any change to the
Dockerfile.

## Example

```dockerfile bad
FROM debian
RUN echo hi
```

```dockerfile good
FROM debian:12.7-slim AS build
RUN echo hi
FROM build
FROM scratch
```

## References

- hadolint `DL3006`
"#,
    check_dl3006
);

fn check_dl3006(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    for stage in f.stages() {
        let Some(resolved) = external_base(stage, &f) else {
            continue;
        };
        let r = parse_image(resolved);
        if r.tag.is_none() && r.digest.is_none() {
            let Some(word) = df
                .instructions
                .get(stage.from)
                .and_then(|i| i.words.first())
            else {
                continue;
            };
            let via = if stage.base_name.raw != resolved {
                format!(" (`{}` resolves to `{resolved}`)", stage.base_name.raw)
            } else {
                String::new()
            };
            ctx.report(
                &DL3006_META,
                format!("Base image `{resolved}` has no tag{via}: pin a version tag (and ideally a digest)"),
                word.range.start..word.range.end,
            );
        }
    }
}

security_rule!(
    DL3007,
    DL3007_META,
    "DL3007",
    "base-image-latest-tag",
    [],
    Warning,
    None,
    "Do not use the `latest` tag for a base image.",
    r#"## What it does

Flags a `FROM` whose image tag is `latest` (also when the tag comes from an `ARG`
default), unless the reference is pinned by a digest.

## Why is this bad?

`latest` moves: the same Dockerfile builds a different image tomorrow, and nothing in
the repository records which one was used.

## Example

```dockerfile bad
FROM alpine:latest
```

```dockerfile good
FROM alpine:3.20
```

## References

- hadolint `DL3007`
"#,
    check_dl3007
);

fn check_dl3007(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    for stage in f.stages() {
        let Some(resolved) = external_base(stage, &f) else {
            continue;
        };
        let r = parse_image(resolved);
        if r.tag != Some("latest") || r.digest.is_some() {
            continue;
        }
        let Some(word) = df
            .instructions
            .get(stage.from)
            .and_then(|i| i.words.first())
        else {
            continue;
        };
        // Point at `latest` itself when it is written literally.
        let range = match word.text.rfind(":latest") {
            Some(i) if df.text(word.range) == word.text => {
                let start = word.range.start + i + 1;
                start..start + "latest".len()
            }
            _ => word.range.start..word.range.end,
        };
        ctx.report(
            &DL3007_META,
            format!("Base image `{resolved}` uses the `latest` tag: pin a version tag"),
            range,
        );
    }
}

security_rule!(
    BSN1001,
    BSN1001_META,
    "BSN1001",
    "base-image-not-pinned-by-digest",
    [],
    Info,
    None,
    "Pin base images by digest for reproducible, tamper-evident builds.",
    r#"## What it does

Flags a `FROM` with a version tag but no `@sha256:` digest. (Untagged and `latest`
images are reported by `DL3006`/`DL3007` instead.)

## Why is this bad?

Tags are mutable: a registry (or whoever controls the repository) can point
`python:3.12-slim` at different content at any time. A digest names exactly one image,
so the build is reproducible and a replaced image is noticed. Keep the tag for
readers: `FROM python:3.12-slim@sha256:...`; tools such as Renovate or Dependabot
update both.

## Example

```dockerfile bad
FROM python:3.12-slim
```

```dockerfile good
FROM python:3.12-slim@sha256:2b8f2e5a3b1d0a3c8f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a2918
```

## References

- Docker docs, "Pin base image versions"
"#,
    check_bsn1001
);

fn check_bsn1001(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    for stage in f.stages() {
        let Some(resolved) = external_base(stage, &f) else {
            continue;
        };
        let r = parse_image(resolved);
        let Some(tag) = r.tag else { continue };
        if r.digest.is_some() || tag == "latest" || tag.is_empty() {
            continue;
        }
        let Some(word) = df
            .instructions
            .get(stage.from)
            .and_then(|i| i.words.first())
        else {
            continue;
        };
        ctx.report(
            &BSN1001_META,
            format!("Base image `{resolved}` is not pinned by digest: add `@sha256:...`"),
            word.range.start..word.range.end,
        );
    }
}

fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

fn is_git_source(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("git@") || l.starts_with("git://") || (is_url(&l) && l.contains(".git"))
}

fn is_archive(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    [
        ".tar",
        ".tar.gz",
        ".tgz",
        ".tar.bz2",
        ".tbz",
        ".tbz2",
        ".tar.xz",
        ".txz",
        ".tar.zst",
        ".tzst",
        ".tar.lz",
        ".tar.lzma",
        ".tlz",
        ".gz",
        ".bz2",
        ".xz",
        ".zst",
    ]
    .iter()
    .any(|e| l.ends_with(e))
}

security_rule!(
    DL3020,
    DL3020_META,
    "DL3020",
    "add-instead-of-copy",
    [],
    Error,
    Sometimes,
    "Use `COPY` instead of `ADD` for files and folders.",
    r#"## What it does

Flags `ADD` of local files or folders that are not archives. `ADD` of a URL is
reported by `BSN1002`; `ADD` of a local tar archive (which `ADD` unpacks) is fine.

## Why is this bad?

`ADD` does more than copy: it fetches URLs and unpacks archives. Using it for plain
files hides that behaviour from readers and can unpack a file someone later renames
to `.tar`. `COPY` does exactly what it says.

## Example

```dockerfile bad
FROM alpine:3.20
ADD app.py /app/
```

```dockerfile good
FROM alpine:3.20
COPY app.py /app/
ADD rootfs.tar.gz /
```

## Fix safety

The fix replaces `ADD` by `COPY` when every source is a local non-archive and no
`ADD`-only flag (`--checksum`, `--keep-git-dir`, `--unpack`) is used: the result is
the same.

## References

- hadolint `DL3020`
"#,
    check_dl3020
);

fn check_dl3020(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let model = ctx.model();
    for (idx, ins) in df
        .instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.is("ADD"))
    {
        if !ins.heredocs.is_empty() || ins.words.len() < 2 {
            continue;
        }
        let sources = &ins.words[..ins.words.len() - 1];
        // sources through the ARG/ENV values visible here (`ADD ${PKG_URL} /tmp/`);
        // a source that does not resolve is left alone
        let vars = model.env_at(idx);
        let plain: Vec<_> = sources
            .iter()
            .filter(|w| {
                let Ok(v) = bosun_dockerfile::expand::expand(&w.text, vars) else {
                    return false;
                };
                !v.is_empty()
                    && (!w.text.contains('$') || v != w.text)
                    && !is_url(&v)
                    && !is_git_source(&v)
                    && !is_archive(&v)
            })
            .collect();
        let Some(first) = plain.first() else { continue };
        let add_only_flags = ins
            .flags
            .iter()
            .any(|f| matches!(f.name.as_str(), "checksum" | "keep-git-dir" | "unpack"));
        let all_plain = plain.len() == sources.len();
        let kw = ins.keyword.range;
        let word = if ins.keyword.text.chars().all(|c| c.is_ascii_lowercase()) {
            "copy"
        } else {
            "COPY"
        };
        let mut report = ctx.report(
            &DL3020_META,
            format!("Use COPY instead of ADD for `{}`", first.text),
            kw.start..kw.end,
        );
        if all_plain && !add_only_flags {
            report = report.fix(Fix::safe(
                "Replace `ADD` with `COPY`",
                vec![Edit::replace(kw.start, kw.end, word)],
            ));
        }
        let _ = report;
    }
}

security_rule!(
    BSN1002,
    BSN1002_META,
    "BSN1002",
    "add-remote-url-without-checksum",
    [],
    Warning,
    None,
    "`ADD` of a remote URL should verify a checksum.",
    r#"## What it does

Flags `ADD https://...` without `--checksum=sha256:...`.

## Why is this bad?

The file is downloaded at build time from a server you do not control, over a
connection you do not verify beyond TLS: if the file changes (a new release, a
compromised mirror), the image silently changes with it. `ADD --checksum` (Dockerfile
syntax 1.6+) fails the build when the content is not the one you reviewed. Downloading
with `curl` and checking with `sha256sum -c` works everywhere.

## Example

```dockerfile bad
FROM alpine:3.20
ADD https://example.org/tool-1.2.tar.gz /opt/
```

```dockerfile good
FROM alpine:3.20
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.org/tool-1.2.tar.gz /opt/
```

## References

- Dockerfile reference, `ADD --checksum`
"#,
    check_bsn1002
);

fn check_bsn1002(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let model = ctx.model();
    for (idx, ins) in df
        .instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.is("ADD"))
    {
        if ins.flag("checksum").is_some() || ins.words.len() < 2 {
            continue;
        }
        let vars = model.env_at(idx);
        for w in &ins.words[..ins.words.len() - 1] {
            let v = bosun_dockerfile::expand::expand(&w.text, vars).unwrap_or_default();
            if is_url(&v) && !is_git_source(&v) {
                ctx.report(
                    &BSN1002_META,
                    format!(
                        "`ADD {}` downloads without verifying a checksum: add `--checksum=sha256:<digest>`",
                        w.text
                    ),
                    w.range.start..w.range.end,
                );
            }
        }
    }
}

const DOWNLOADERS: &[&str] = &["curl", "wget", "fetch"];
const INTERPRETERS: &[&str] = &[
    "sh",
    "bash",
    "ash",
    "dash",
    "zsh",
    "ksh",
    "mksh",
    "busybox",
    "python",
    "python2",
    "python3",
    "perl",
    "ruby",
    "node",
    "php",
    "pwsh",
    "powershell",
    "iex",
];

fn is_downloader(c: &Cmd) -> bool {
    DOWNLOADERS.contains(&basename(&c.name))
}

fn is_interpreter(c: &Cmd) -> bool {
    INTERPRETERS.contains(&basename(&c.name))
}

security_rule!(
    BSN1003,
    BSN1003_META,
    "BSN1003",
    "remote-script-piped-to-shell",
    [],
    Warning,
    None,
    "Do not pipe a downloaded script into a shell.",
    r#"## What it does

Flags `curl ... | sh` (and `wget -O- ... | bash`, `| python3`, ...), `bash <(curl ...)`
and `sh -c "$(curl ...)"` in `RUN`.

## Why is this bad?

Whatever the server returns runs as root inside the build, unreviewed and unverified;
a truncated download runs half a script. Download to a file, verify its checksum (or
signature), then run it.

## Example

```dockerfile bad
FROM debian:12
RUN curl -fsSL https://example.org/install.sh | sh
```

```dockerfile good
FROM debian:12
RUN curl -fsSLo /tmp/install.sh https://example.org/install.sh \
 && echo "24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh
```
"#,
    check_bsn1003
);

fn check_bsn1003(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let mut seen: Vec<(usize, usize)> = Vec::new();
    for run in f.runs() {
        for s in &run.scripts {
            let cmds = &s.script.commands;
            // `curl ... | sh`
            for pipe in &s.script.pipes {
                let before = cmds
                    .iter()
                    .filter(|c| c.range.end <= pipe.start)
                    .max_by_key(|c| c.range.end);
                let after = cmds
                    .iter()
                    .filter(|c| c.range.start >= pipe.end)
                    .min_by_key(|c| c.range.start);
                if let (Some(b), Some(a)) = (before, after) {
                    // a `sha256sum -c` in between means it is not the script that is piped
                    if is_downloader(b) && is_interpreter(a) && !b.in_substitution {
                        let r = (b.name_range.start, a.name_range.end);
                        if !seen.contains(&r) {
                            seen.push(r);
                            ctx.report(
                                &BSN1003_META,
                                format!(
                                    "`{} | {}` runs a downloaded script unverified: download it, check its checksum, then run it",
                                    basename(&b.name),
                                    basename(&a.name)
                                ),
                                r.0..r.1,
                            );
                        }
                    }
                }
            }
            // `sh -c "$(curl ...)"`
            for d in cmds
                .iter()
                .filter(|c| is_downloader(c) && c.in_substitution)
            {
                let outer = cmds.iter().find(|o| {
                    is_interpreter(o)
                        && !o.in_substitution
                        && o.range.start <= d.range.start
                        && d.range.end <= o.range.end
                });
                if let Some(o) = outer {
                    let r = (o.name_range.start, d.name_range.end);
                    if !seen.contains(&r) {
                        seen.push(r);
                        ctx.report(
                            &BSN1003_META,
                            format!(
                                "`{}` runs the output of `{}` unverified: download it, check its checksum, then run it",
                                basename(&o.name),
                                basename(&d.name)
                            ),
                            r.0..r.1,
                        );
                    }
                }
            }
        }
        // `bash <(curl ...)`: process substitution, read from the instruction text
        let Some(ins) = df.instructions.get(run.index) else {
            continue;
        };
        let ins = if run.onbuild {
            ins.onbuild.as_deref().unwrap_or(ins)
        } else {
            ins
        };
        let text = &ins.args.text;
        for (pos, _) in text.match_indices("<(") {
            let rest = text[pos + 2..].trim_start();
            let prog = rest
                .split(|c: char| c.is_whitespace() || c == ')')
                .next()
                .unwrap_or("");
            if !DOWNLOADERS.contains(&basename(prog)) {
                continue;
            }
            let before = text[..pos].trim_end();
            let shell_word = before
                .rsplit(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("");
            if INTERPRETERS.contains(&basename(shell_word))
                || shell_word == "source"
                || shell_word == "."
            {
                let start = ins.args.source_offset(pos);
                let ws = text[pos + 2..].len() - rest.len();
                let end = ins
                    .args
                    .source_range(TextRange::new(pos, pos + 2 + ws + prog.len()))
                    .end;
                if seen.iter().any(|&(s, e)| s <= start && start < e) {
                    continue;
                }
                seen.push((start, end));
                ctx.report(
                    &BSN1003_META,
                    format!(
                        "`{shell_word} <({prog} ...)` runs a downloaded script unverified: download it, check its checksum, then run it"
                    ),
                    start..end,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{run, spans};
    use super::*;

    #[test]
    fn image_references_split() {
        let r = parse_image("registry:5000/org/app:1.2@sha256:abc");
        assert_eq!(
            (r.name, r.tag, r.digest),
            ("registry:5000/org/app", Some("1.2"), Some("sha256:abc"))
        );
        let r = parse_image("registry:5000/org/app");
        assert_eq!((r.name, r.tag), ("registry:5000/org/app", None));
        assert_eq!(parse_image("alpine:3.20").tag_at, 7);
    }

    #[test]
    fn untagged_through_args_stages_and_scratch() {
        let src = "ARG BASE=debian\nFROM $BASE AS build\nFROM build\nFROM scratch\nFROM alpine:3.20\nFROM ${UNSET}\nFROM gcr.io/$PROJECT/az\nFROM x/y:$TAG\n";
        let f = run("DL3006", src);
        assert_eq!(spans(src, &f), ["$BASE", "gcr.io/$PROJECT/az"]);
        assert!(f[1].message.contains("`gcr.io/$PROJECT/az`"));
        assert!(f[0].message.contains("resolves to `debian`"));
        // digest only is pinned
        assert!(run("DL3006", "FROM alpine@sha256:abc\n").is_empty());
    }

    #[test]
    fn latest_points_at_the_tag() {
        let src = "FROM alpine:latest\nFROM alpine:latest@sha256:abc\nARG T=latest\nFROM node:$T\n";
        let f = run("DL3007", src);
        assert_eq!(spans(src, &f), ["latest"]);
        let src = "ARG T=latest\nFROM node:$T\n";
        assert_eq!(spans(src, &run("DL3007", src)), ["node:$T"]);
    }

    #[test]
    fn digest_pinning_is_info_and_skips_other_cases() {
        let src = "FROM a:1\nFROM b\nFROM c:latest\nFROM d:1@sha256:x\nFROM scratch\nFROM 0\n";
        let f = run("BSN1001", src);
        assert_eq!(spans(src, &f), ["a:1"]);
        assert_eq!(f[0].severity, bosun_diagnostics::Severity::Info);
    }

    #[test]
    fn add_local_files_vs_archives_and_urls() {
        let src = "FROM a:1\nADD app.py /app/\nADD rootfs.tar.gz /\nADD https://x.org/f /f\nadd --chown=1 a b /c/\nADD --checksum=sha256:x a.txt /\nARG URL=https://x.org/p.rpm\nADD ${URL} /tmp/\nADD $UNKNOWN /tmp/\n";
        let f = run("DL3020", src);
        assert_eq!(spans(src, &f), ["ADD", "add", "ADD"]);
        assert_eq!(f[0].fix.as_ref().unwrap().edits[0].content, "COPY");
        assert_eq!(f[1].fix.as_ref().unwrap().edits[0].content, "copy");
        assert!(f[2].fix.is_none(), "--checksum is ADD-only");
    }

    #[test]
    fn add_url_needs_checksum() {
        let src = "FROM a:1\nADD https://x.org/t.tgz /opt/\nADD --checksum=sha256:ab https://x.org/t.tgz /opt/\nADD https://github.com/o/r.git /src\nARG U=https://x.org/u.bin\nADD $U /u\n";
        assert_eq!(
            spans(src, &run("BSN1002", src)),
            ["https://x.org/t.tgz", "$U"]
        );
    }

    #[test]
    fn curl_pipe_shell_variants() {
        let src = "FROM a:1\nRUN apt-get update && \\\n    curl -fsSL https://x.org/i.sh | sudo -E bash - && echo ok\nRUN wget -qO- https://x.org/i | python3\nRUN sh -c \"$(curl -fsSL https://x.org/i.sh)\"\nRUN bash <(curl -s https://x.org/i.sh)\n";
        let f = run("BSN1003", src);
        let s = spans(src, &f);
        assert_eq!(s.len(), 4, "{s:?}");
        assert!(s[0].starts_with("curl") && s[0].ends_with("bash"), "{s:?}");
        assert_eq!(f[0].location.short(), "Dockerfile:3:5");
        assert!(s[1].starts_with("wget") && s[1].ends_with("python3"));
        assert!(s[2].starts_with("sh") && s[2].ends_with("curl"));
        assert!(s[3].starts_with("<(curl"), "{s:?}");
    }

    #[test]
    fn verified_downloads_are_fine() {
        let src = "FROM a:1\nRUN curl -fsSLo i.sh https://x.org/i.sh && echo \"abc  i.sh\" | sha256sum -c - && sh i.sh\nRUN curl -s https://x.org/k.asc | gpg --import\nRUN curl -s https://x.org/a.tgz | tar -xz\n";
        assert!(run("BSN1003", src).is_empty());
    }
}
