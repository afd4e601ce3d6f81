//! hadolint's other checks of RUN commands: commands that make no sense in a build,
//! `cd`, archives, `useradd`, `wget`, consecutive RUNs, curl and wget together,
//! `ln /bin/sh`, and pipes without `pipefail`.

use super::{report, unquote};
use crate::context::Context;
use crate::registry::Rule;
use crate::rules::buildkit::buildkit_aliases;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};
use bosun_diagnostics::{Edit, Fix};
use bosun_dockerfile::model::Run;
use bosun_dockerfile::shell::basename;
use bosun_dockerfile::shell::Cmd;
use bosun_dockerfile::TextRange;

pub static DL3001_META: RuleMeta = RuleMeta {
    code: "DL3001",
    name: "run-interactive-or-system-command",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3001"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Commands like `ssh`, `vim`, `service` or `shutdown` make no sense in a build.",
    docs: r#"## What it does

Flags RUN commands that only make sense on a running machine: `ssh`, `vim`, `shutdown`,
`service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`.

## Why is this bad?

A build step runs once, without a terminal or an init system: these commands hang, do
nothing useful, or hint at a Dockerfile written like a provisioning script.

## Example

```dockerfile bad
FROM debian:12
RUN service nginx start
```

```dockerfile good
FROM debian:12
CMD ["nginx", "-g", "daemon off;"]
```

## References

- hadolint `DL3001`
"#,
};

pub static DL3001: Rule = Rule::new(&DL3001_META, check_dl3001);

const POINTLESS: &[&str] = &[
    "free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim", "ifconfig",
];

fn check_dl3001(ctx: &mut Context<'_>) {
    let f = ctx.model();
    let found: Vec<(String, TextRange)> = f
        .runs()
        .iter()
        .flat_map(|r| r.commands())
        .filter(|c| POINTLESS.contains(&c.name.as_str()))
        .map(|c| (c.name.clone(), c.name_range))
        .collect();
    for (name, range) in found {
        report(
            ctx,
            &DL3001,
            format!("`{name}` makes no sense in a container build"),
            range,
        );
    }
}

pub static DL3003_META: RuleMeta = RuleMeta {
    code: "DL3003",
    name: "run-cd-instead-of-workdir",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3003"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Use WORKDIR to change directory.",
    docs: r#"## What it does

Flags `cd` in RUN.

## Why is this bad?

A `cd` lasts for one RUN only; later instructions run elsewhere, which surprises
readers. `WORKDIR` changes the directory for the rest of the stage and creates it if
needed.

## Example

```dockerfile bad
FROM debian:12
RUN cd /usr/src/app && make
```

```dockerfile good
FROM debian:12
WORKDIR /usr/src/app
RUN make
```

## Differences from hadolint

`cd` inside a command substitution (`$(cd "$(dirname "$0")" && pwd)`) is not reported.

## References

- hadolint `DL3003`
"#,
};

pub static DL3003: Rule = Rule::new(&DL3003_META, check_dl3003);

fn check_dl3003(ctx: &mut Context<'_>) {
    let f = ctx.model();
    let found: Vec<TextRange> = f
        .runs()
        .iter()
        .flat_map(|r| r.commands())
        .filter(|c| c.is("cd") && !c.in_substitution)
        .map(|c| c.range)
        .collect();
    for range in found {
        report(ctx, &DL3003, "Use WORKDIR to switch to a directory", range);
    }
}

pub static DL3010_META: RuleMeta = RuleMeta {
    code: "DL3010",
    name: "copy-then-extract-archive",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3010"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Use ADD to extract a local archive into the image.",
    docs: r#"## What it does

Flags a local archive that is `COPY`'d into the image and then extracted by a RUN of the
same stage (`tar -x`, `gunzip`, `unxz`, ...).

## Why is this bad?

`ADD` extracts local tar archives itself, in one layer. Copying then extracting keeps
the archive in an earlier layer and doubles the size.

## Example

```dockerfile bad
FROM debian:12
COPY app.tar.gz /tmp/
RUN tar -xzf /tmp/app.tar.gz -C /opt
```

```dockerfile good
FROM debian:12
ADD app.tar.gz /opt/
```

## Differences from hadolint

Zip files are not reported (`ADD` does not extract them), and old-style tar flags
(`tar xzf`) are recognised.

## References

- hadolint `DL3010`
"#,
};

pub static DL3010: Rule = Rule::new(&DL3010_META, check_dl3010);

const ARCHIVE_EXT: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.lz",
    ".tar.lzma",
    ".tlz",
    ".tar.zst",
    ".tzst",
    ".tar.Z",
    ".tZ",
    ".gz",
    ".bz2",
    ".xz",
];

fn is_archive(name: &str) -> bool {
    ARCHIVE_EXT.iter().any(|e| name.ends_with(e))
}

fn extracts(cmd: &Cmd) -> bool {
    if cmd.is("tar") {
        let first_plain = cmd.args.first().is_some_and(|a| {
            !a.text.starts_with('-')
                && a.text.contains('x')
                && a.text.chars().all(|c| c.is_ascii_alphabetic())
        });
        return first_plain
            || cmd.args.iter().any(|a| {
                a.text == "--extract"
                    || a.text == "--get"
                    || (a.text.starts_with('-')
                        && !a.text.starts_with("--")
                        && a.text.contains('x'))
            });
    }
    [
        "gunzip",
        "bunzip2",
        "unlzma",
        "unxz",
        "zgz",
        "uncompress",
        "zcat",
        "gzcat",
        "unzstd",
    ]
    .contains(&cmd.name.as_str())
}

fn check_dl3010(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let mut archives: Vec<(String, TextRange)> = Vec::new();
    let mut reported: Vec<TextRange> = Vec::new();
    let mut seen: std::collections::HashSet<TextRange> = std::collections::HashSet::new();
    // Archive basename -> where it was copied (the first copy of that name).
    let mut by_name: std::collections::HashMap<String, TextRange> =
        std::collections::HashMap::new();
    for (i, ins) in df.instructions.iter().enumerate() {
        if ins.is("FROM") {
            archives.clear();
            by_name.clear();
            continue;
        }
        if ins.is("COPY") && ins.flag("from").is_none() && ins.heredocs.is_empty() {
            // A quoted Windows path with a space (`"C:\Program Files\app.tar"`) is two
            // words to BuildKit's COPY: strip a quote at either end of each word.
            let bare = |t: &str| -> String { unquote(t).trim_matches(['"', '\'']).to_string() };
            if let Some((dest, sources)) = ins.words.split_last() {
                let d = bare(&dest.text);
                let d = d.as_str();
                if is_archive(d) {
                    archives.push((basename(d).to_string(), dest.range));
                } else {
                    for s in sources {
                        let s = bare(&s.text);
                        let s = s.as_str();
                        if is_archive(s) && !s.contains("://") {
                            archives.push((
                                basename(s).to_string(),
                                ins.keyword.range.cover(ins.args.range()),
                            ));
                        }
                    }
                }
            }
            for (name, range) in archives.drain(..) {
                by_name.entry(name).or_insert(range);
            }
            continue;
        }
        for run in f.runs_at(i).iter().filter(|r| !r.onbuild) {
            for cmd in run.commands().filter(|c| extracts(c)) {
                for a in &cmd.args {
                    let b = basename(&a.text);
                    if let Some(range) = by_name.get(b) {
                        if seen.insert(*range) {
                            reported.push(*range);
                        }
                    }
                }
            }
        }
    }
    for range in reported {
        report(
            ctx,
            &DL3010,
            "Use `ADD` for extracting archives into an image",
            range,
        );
    }
}

pub static DL3046_META: RuleMeta = RuleMeta {
    code: "DL3046",
    name: "useradd-high-uid-without-l",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3046"),
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    summary: "Use `useradd -l` with a high UID.",
    docs: r#"## What it does

Flags `useradd` with a UID of six digits or more and without `-l`/`--no-log-init`.

## Why is this bad?

`useradd` reserves space in `/var/log/lastlog` and `faillog` up to the UID: with a high
UID these sparse files take gigabytes in the layer.

## Example

```dockerfile bad
FROM debian:12
RUN useradd -u 1000000 app
```

```dockerfile good
FROM debian:12
RUN useradd -l -u 1000000 app
```

## Fix safety

The fix adds `-l` after `useradd`; it only skips the log entries, so it is safe.

## References

- hadolint `DL3046`
"#,
};

pub static DL3046: Rule = Rule::new(&DL3046_META, check_dl3046);

fn check_dl3046(ctx: &mut Context<'_>) {
    let f = ctx.model();
    let found: Vec<(TextRange, usize)> = f
        .runs()
        .iter()
        .flat_map(|r| r.commands())
        .filter(|c| c.is("useradd") && !c.has_any_flag(&["l", "no-log-init"]))
        .filter(|c| {
            c.flag_values(&["u", "uid"])
                .iter()
                .any(|v| v.len() > 5 && !v.contains('$'))
        })
        .map(|c| (c.range, c.after_name()))
        .collect();
    for (range, at) in found {
        report(
            ctx,
            &DL3046,
            "`useradd` without flag `-l` and high UID will result in an excessively large image",
            range,
        )
        .fix(Fix::safe("Add `-l`", vec![Edit::insert(at, " -l")]));
    }
}

pub static DL3047_META: RuleMeta = RuleMeta {
    code: "DL3047",
    name: "wget-without-progress",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3047"),
    severity: Severity::Info,
    fix: FixAvailability::Always,
    summary: "Use `wget --progress=dot:giga` (or `-q`, `-nv`).",
    docs: r#"## What it does

Flags `wget` without `--progress`, `-q`/`--quiet`, `-nv`/`--no-verbose` or a log file
(`-o`, `-a`).

## Why is this bad?

wget's default progress bar writes a line per few kilobytes to the build log: large
downloads bloat logs to megabytes.

## Example

```dockerfile bad
FROM debian:12
RUN wget https://example.com/app.tar.gz
```

```dockerfile good
FROM debian:12
RUN wget --progress=dot:giga https://example.com/app.tar.gz
```

## Fix safety

The fix adds `--progress=dot:giga` after `wget`; it only changes the log output, so it
is safe.

## References

- hadolint `DL3047`
"#,
};

pub static DL3047: Rule = Rule::new(&DL3047_META, check_dl3047);

fn check_dl3047(ctx: &mut Context<'_>) {
    let f = ctx.model();
    let found: Vec<(TextRange, usize)> = f
        .runs()
        .iter()
        .flat_map(|r| r.commands())
        .filter(|c| c.is("wget"))
        .filter(|c| {
            !(c.has_any_flag(&[
                "progress",
                "q",
                "quiet",
                "o",
                "output-file",
                "a",
                "append-output",
                "no-verbose",
            ]) || c.has_arg("-nv"))
        })
        .map(|c| (c.range, c.after_name()))
        .collect();
    for (range, at) in found {
        report(ctx, &DL3047, "Avoid `wget` without a progress option: use `wget --progress=dot:giga <url>`, `-q` or `-nv`", range)
            .fix(Fix::safe("Add `--progress=dot:giga`", vec![Edit::insert(at, " --progress=dot:giga")]));
    }
}

pub static DL3059_META: RuleMeta = RuleMeta {
    code: "DL3059",
    name: "consecutive-run",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3059"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Consider merging consecutive single-command RUNs.",
    docs: r#"## What it does

Flags a RUN that directly follows another RUN (comments in between do not count) when
both run a single command and use the same flags.

## Why is this bad?

Each RUN makes a layer; a series of one-command RUNs makes the image bigger and slower
to pull. Chained commands (`a && b`) show the split is deliberate and are not reported.

## Example

```dockerfile bad
FROM debian:12
RUN mkdir /app
RUN chown 1000 /app
```

```dockerfile good
FROM debian:12
RUN mkdir /app && chown 1000 /app
```

## Differences from hadolint

RUNs with heredocs are not reported: a heredoc script is already a consolidated step.

## References

- hadolint `DL3059`
"#,
};

pub static DL3059: Rule = Rule::new(&DL3059_META, check_dl3059);

fn check_dl3059(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let mut prev: Option<&Run> = None;
    let mut found = Vec::new();
    let mut runs = f.runs().iter().filter(|r| !r.onbuild).peekable();
    for (i, ins) in df.instructions.iter().enumerate() {
        if !ins.is("RUN") {
            prev = None;
            continue;
        }
        let Some(run) = runs.next_if(|r| r.index == i) else {
            prev = None;
            continue;
        };
        if let Some(p) = prev {
            // `[ ... ]` is a test expression, not a command (as ShellCheck parses it).
            let count = run.commands().filter(|c| !c.is("[")).count();
            let pcount = p.commands().filter(|c| !c.is("[")).count();
            if count <= 1
                && pcount <= 1
                && p.flags_text == run.flags_text
                && !p.has_heredoc
                && !run.has_heredoc
            {
                found.push(run.keyword);
            }
        }
        prev = Some(run);
    }
    for range in found {
        report(
            ctx,
            &DL3059,
            "Multiple consecutive `RUN` instructions: consider consolidation",
            range,
        );
    }
}

pub static DL4001_META: RuleMeta = RuleMeta {
    code: "DL4001",
    name: "curl-and-wget",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL4001"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Use either wget or curl, not both.",
    docs: r#"## What it does

Flags RUNs that use `curl` or `wget` in a stage that uses both.

## Why is this bad?

Two download tools mean two sets of packages and two behaviours to remember (redirects,
retries, TLS options). Pick one.

## Example

```dockerfile bad
FROM debian:12
RUN curl -fsSLo /tmp/a https://example.com/a
RUN wget -q -O /tmp/b https://example.com/b
```

```dockerfile good
FROM debian:12
RUN curl -fsSLo /tmp/a https://example.com/a
RUN curl -fsSLo /tmp/b https://example.com/b
```

## References

- hadolint `DL4001`
"#,
};

pub static DL4001: Rule = Rule::new(&DL4001_META, check_dl4001);

fn check_dl4001(ctx: &mut Context<'_>) {
    let f = ctx.model();
    let mut seen: Vec<(Option<usize>, bool, bool)> = Vec::new();
    let mut found = Vec::new();
    for run in f.runs() {
        let entry = match seen.iter_mut().find(|(s, _, _)| *s == run.stage) {
            Some(e) => e,
            None => {
                seen.push((run.stage, false, false));
                seen.last_mut().expect("just pushed")
            }
        };
        let tool = run.commands().find(|c| c.is("curl") || c.is("wget"));
        if run.commands().any(|c| c.is("curl")) {
            entry.1 = true;
        }
        if run.commands().any(|c| c.is("wget")) {
            entry.2 = true;
        }
        if let Some(t) = tool {
            if entry.1 && entry.2 {
                found.push(t.name_range);
            }
        }
    }
    for range in found {
        report(ctx, &DL4001, "Either use wget or curl but not both", range);
    }
}

pub static DL4005_META: RuleMeta = RuleMeta {
    code: "DL4005",
    name: "run-ln-bin-sh",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL4005"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Use SHELL instead of relinking /bin/sh.",
    docs: r#"## What it does

Flags `ln` commands that replace `/bin/sh`.

## Why is this bad?

Relinking `/bin/sh` changes the shell for every program in the image, not only for the
build. `SHELL` changes the shell of the following RUNs only.

## Example

```dockerfile bad
FROM debian:12
RUN ln -sf /bin/bash /bin/sh
```

```dockerfile good
FROM debian:12
SHELL ["/bin/bash", "-c"]
```

## References

- hadolint `DL4005`
"#,
};

pub static DL4005: Rule = Rule::new(&DL4005_META, check_dl4005);

fn check_dl4005(ctx: &mut Context<'_>) {
    let f = ctx.model();
    let found: Vec<TextRange> = f
        .runs()
        .iter()
        .flat_map(|r| r.commands())
        .filter(|c| c.is("ln") && c.has_arg("/bin/sh"))
        .map(|c| c.range)
        .collect();
    for range in found {
        report(
            ctx,
            &DL4005,
            "Use SHELL to change the default shell instead of linking `/bin/sh`",
            range,
        );
    }
}

pub static DL4006_META: RuleMeta = RuleMeta {
    code: "DL4006",
    name: "pipe-without-pipefail",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL4006"),
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Set `-o pipefail` before RUN with a pipe.",
    docs: r#"## What it does

Flags a RUN with a pipe (`a | b`) whose shell does not have `pipefail` on: neither the
`SHELL` (`SHELL ["/bin/bash", "-o", "pipefail", "-c"]`) nor a `set -o pipefail` earlier
in the script.

## Why is this bad?

A pipeline's status is that of its last command: in `curl -fsSL $URL | tar -xz` a failed
download is hidden if `tar` succeeds on the empty input, and the build goes on with a
broken image.

## Example

```dockerfile bad
FROM debian:12
RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
```

```dockerfile good
FROM debian:12
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
```

```dockerfile good
FROM alpine:3.20
RUN set -o pipefail && wget -qO- https://example.com/app.tgz | tar -xz -C /opt
```

## Differences from hadolint

- `pipefail` set by any POSIX shell counts, `/bin/sh -o pipefail` included (busybox
  `ash` and recent `dash` support it), and so does `set -o pipefail` (`set -euxo
  pipefail`) in the script before the pipe; hadolint only looks at `SHELL` and only
  for bash, zsh and ash.
- Shells that are not POSIX (PowerShell, cmd, fish, ...) are skipped.
- Pipes fed by `echo`, `printf` or `yes`, which cannot fail, are not reported.
- The exact pipe is reported (line and column), and the advice names `ash` on Alpine
  and BusyBox bases, where bash is usually absent.

## References

- hadolint `DL4006`
"#,
};

pub static DL4006: Rule = Rule::new(&DL4006_META, check_dl4006);

const POSIX: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

fn check_dl4006(ctx: &mut Context<'_>) {
    let f = ctx.model();
    let mut found = Vec::new();
    for run in f.runs().iter().filter(|r| !r.onbuild) {
        let prog = run.shell.program().to_ascii_lowercase();
        let prog = prog.trim_end_matches(".exe");
        if !POSIX.contains(&prog) || run.shell.has_pipefail() {
            continue;
        }
        let mut hit = None;
        for s in &run.scripts {
            for pipe in &s.script.pipes {
                if s.script.pipefail_set_at.is_some_and(|at| at < pipe.start) {
                    continue;
                }
                // The command just left of the pipe.
                let left = s
                    .script
                    .commands
                    .iter()
                    .filter(|c| c.range.end <= pipe.start)
                    .max_by_key(|c| c.range.end);
                if left
                    .is_some_and(|c| ["echo", "printf", "yes", "true"].contains(&c.name.as_str()))
                {
                    continue;
                }
                hit = Some(*pipe);
                break;
            }
            if hit.is_some() {
                break;
            }
        }
        if let Some(pipe) = hit {
            let alpine = run.stage.and_then(|s| f.stages().get(s)).is_some_and(|s| {
                let b = s.base_resolved().to_ascii_lowercase();
                b.contains("alpine") || b.contains("busybox")
            });
            let advice = if alpine {
                "`SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]`"
            } else {
                "`SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]`"
            };
            found.push((pipe, format!("Set the shell option `-o pipefail` before a RUN with a pipe (e.g. {advice} or `set -o pipefail`), or a failure before the pipe is ignored")));
        }
    }
    for (range, msg) in found {
        report(ctx, &DL4006, msg, range);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{apply_fixes, lines, run};
    use super::*;

    #[test]
    fn pointless_and_cd() {
        assert_eq!(
            lines(&DL3001, "FROM a\nRUN service x start && echo $(ps)\n"),
            vec![2, 2]
        );
        assert_eq!(
            run(
                &DL3003,
                "FROM a\nRUN make && \\\n  cd /x && make\nRUN X=$(cd /y && pwd)\n"
            ),
            vec![(3, 3)]
        );
    }

    #[test]
    fn archives() {
        let src = "FROM a\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\nCOPY b.zip /tmp/\nRUN unzip /tmp/b.zip\nFROM b\nRUN tar xf /tmp/app.tar.gz\n";
        assert_eq!(lines(&DL3010, src), vec![2]);
    }

    #[test]
    fn useradd_and_wget_fixes() {
        let src = "FROM a\nRUN useradd -u 1000000 app && useradd -l -u 1000001 b && useradd --uid=2000000 c && useradd -u 1000 d\n";
        assert_eq!(lines(&DL3046, src), vec![2, 2]);
        let fixed = apply_fixes(&DL3046, src);
        assert!(lines(&DL3046, &fixed).is_empty());
        let src = "FROM a\nRUN wget x && wget -q y && wget -nv z && wget -qO- w && wget --progress=bar v\n";
        assert_eq!(lines(&DL3047, src), vec![2]);
        let fixed = apply_fixes(&DL3047, src);
        assert!(fixed.starts_with("FROM a\nRUN wget --progress=dot:giga x"));
        assert!(lines(&DL3047, &fixed).is_empty());
    }

    #[test]
    fn consecutive_runs() {
        let src = "FROM a\nRUN a && b\nRUN c\nRUN d\nRUN e && f\nRUN g\n# c\nRUN h\n\nRUN i\nENV X=1\nRUN j\nRUN --mount=type=cache,target=/x k\nRUN <<EOF\nl\nEOF\nRUN m\n";
        assert_eq!(lines(&DL3059, src), vec![4, 8, 10]);
    }

    #[test]
    fn curl_and_wget() {
        let src = "FROM a\nRUN curl x\nRUN wget y\nRUN echo 1\nRUN curl z\nFROM b\nRUN wget q\n";
        assert_eq!(lines(&DL4001, src), vec![3, 5]);
    }

    #[test]
    fn ln_bin_sh() {
        assert_eq!(
            lines(
                &DL4005,
                "FROM a\nRUN ln -sf /bin/bash /bin/sh\nRUN ln -s a b\n"
            ),
            vec![2]
        );
    }

    #[test]
    fn pipefail() {
        let src = "FROM debian:12\nRUN a \\\n  && b | c\nRUN set -eux -o pipefail; d | e\nRUN echo x | tee y\nSHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\nRUN f | g\nFROM debian:12\nSHELL [\"pwsh\", \"-c\"]\nRUN h | i\nFROM debian:12\nRUN [\"bash\", \"-c\", \"j | k\"]\nRUN [\"bash\", \"-o\", \"pipefail\", \"-c\", \"l | m\"]\n";
        assert_eq!(run(&DL4006, src), vec![(3, 8), (12, 23)]);
        // A stage built from a stage with pipefail inherits its SHELL.
        let src = "FROM debian:12 AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM a\nRUN x | y\n";
        assert!(lines(&DL4006, src).is_empty());
        let src = "FROM debian:12\nRUN <<EOF\nset -o pipefail\nx | y\nEOF\nRUN <<EOF\nz | w\nEOF\n";
        assert_eq!(run(&DL4006, src), vec![(7, 3)]);
    }
}
