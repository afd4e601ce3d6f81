//! ShellCheck on the RUN scripts of a Dockerfile (`bosun lint --shellcheck`).
//!
//! This is the one part of bosun_lint that runs a process: the CLI calls
//! [`check_dockerfile`] when the user asks for it. All shell-form RUN scripts of a
//! Dockerfile (ONBUILD RUN and heredoc scripts included) go to ONE `shellcheck` process:
//! each script becomes the body of its own function in a generated file, so that one
//! script's state (`set -e`, `cd`, traps) does not leak into the next, and every line of
//! the generated file remembers where its text came from. ShellCheck's findings
//! (`--format=json1`) are mapped back to the exact line and column in the Dockerfile and
//! reported as `SCxxxx` findings, its levels mapped to bosun's severities.
//!
//! Scripts that are not POSIX shell (Windows `cmd`/PowerShell shells, heredocs with a
//! non-shell shebang) and exec-form RUNs (no shell runs them) are skipped.

use bosun_diagnostics::{Finding, Location, Severity};
use bosun_dockerfile::model::{Model, ShellState};
use bosun_dockerfile::{Dockerfile, LogicalLine};
use std::io::Write;
use std::process::{Command, Stdio};

/// ShellCheck codes never reported: sourced files cannot be followed from a
/// Dockerfile, and the wrapper functions are never called on purpose.
const EXCLUDED: &str = "SC1090,SC1091,SC2187,SC2317,SC2329";

/// Why ShellCheck could not be run.
#[derive(Debug, thiserror::Error)]
pub enum ShellcheckError {
    #[error("cannot run `{program}`: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("shellcheck failed (exit status {status}): {stderr}")]
    Failed { status: i32, stderr: String },
    #[error("cannot read shellcheck's output: {0}")]
    Output(#[from] serde_json::Error),
}

/// True when `program` (e.g. `shellcheck`) can be run.
pub fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Where a piece of the generated script came from.
enum Origin<'a> {
    /// Shell-form RUN text: offsets map through the continuation joins.
    Logical(&'a LogicalLine),
    /// A heredoc body, verbatim in the file at this offset.
    Verbatim(usize),
}

/// One line of the generated script that holds Dockerfile text.
struct MappedLine<'a> {
    /// 1-based line in the generated script.
    line: usize,
    /// Offset in the origin's text where this line starts.
    offset: usize,
    /// The text of the line (for tab expansion of ShellCheck's columns).
    text: &'a str,
    origin: &'a Origin<'a>,
}

fn dialect(shell: &ShellState) -> &'static str {
    match shell.program().trim_end_matches(".exe") {
        "bash" | "zsh" => "bash",
        "dash" => "dash",
        "ksh" | "mksh" => "ksh",
        _ => "sh",
    }
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

/// The variables set for the RUN at `index`: the ARGs and ENVs of its stage (the stages
/// it is built from included; an ARG declared before the first FROM only if the stage
/// declares it again, as BuildKit scopes them), BuildKit's proxy arguments, and, before
/// any FROM, every ARG and ENV above it. An ONBUILD trigger runs in a later build, where
/// only the ENVs of the image remain.
fn declared_names(
    df: &Dockerfile,
    model: &bosun_dockerfile::model::Model,
    index: usize,
    onbuild: bool,
) -> Vec<String> {
    // BuildKit's proxy ARGs reach every RUN without a declaration.
    let mut names: Vec<String> = bosun_dockerfile::model::PROXY_ARGS
        .iter()
        .map(|n| (*n).to_string())
        .collect();
    if model.stage_of(index).is_some() {
        let scope = model.env_at(index);
        if onbuild {
            names.extend(scope.envs().into_iter().map(|v| v.name.clone()));
        } else {
            names.extend(scope.names().into_iter().map(str::to_string));
        }
    } else {
        for ins in df.instructions.iter().take(index) {
            if ins.is("ARG") && !onbuild {
                names.extend(
                    ins.words
                        .iter()
                        .map(|w| w.text.split('=').next().unwrap_or("").to_string()),
                );
            } else if ins.is("ENV") {
                names.extend(ins.key_values().iter().map(|kv| kv.key.text.clone()));
            }
        }
    }
    names.retain(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    names.sort();
    names.dedup();
    names
}

/// Runs ShellCheck (`program`) on the RUN scripts of `df` and returns its findings for
/// the file shown as `path`; `exclude` names more codes to leave out (`SC2086`, from the
/// configuration's ignore lists). No RUN script, no process.
pub fn check_dockerfile(
    program: &str,
    path: &str,
    df: &Dockerfile,
    exclude: &[String],
) -> Result<Vec<Finding>, ShellcheckError> {
    let f = Model::new(df);
    // (where the text comes from, the text, its shell, the RUN's instruction index and
    // whether it is an ONBUILD trigger)
    let mut origins: Vec<(Origin<'_>, &str, &ShellState, usize, bool)> = Vec::new();
    for run in f.runs() {
        if run.exec_form
            || run.shell.is_non_posix()
            || !SHELLS.contains(&run.shell.program().trim_end_matches(".exe"))
        {
            continue;
        }
        let Some(outer) = df.instructions.get(run.index) else {
            continue;
        };
        let ins = if run.onbuild {
            outer.onbuild.as_deref().unwrap_or(outer)
        } else {
            outer
        };
        let args = ins.args.text.trim();
        let only_heredoc = !args.is_empty() && args.split_whitespace().all(|w| w.starts_with("<<"));
        if !only_heredoc && !args.is_empty() {
            origins.push((
                Origin::Logical(&ins.args),
                ins.args.text.as_str(),
                &run.shell,
                run.index,
                run.onbuild,
            ));
        }
        if only_heredoc {
            for h in &outer.heredocs {
                let first = h.content.lines().next().unwrap_or("");
                if let Some(interp) = first.strip_prefix("#!") {
                    let words: Vec<&str> = interp.split_whitespace().collect();
                    let prog = match words.as_slice() {
                        [env, p, ..] if env.ends_with("env") => *p,
                        [p, ..] => p.rsplit('/').next().unwrap_or(p),
                        [] => "",
                    };
                    if !SHELLS.contains(&prog) {
                        continue;
                    }
                }
                origins.push((
                    Origin::Verbatim(h.content_range.start),
                    h.content.as_str(),
                    &run.shell,
                    run.index,
                    run.onbuild,
                ));
            }
        }
    }
    if origins.is_empty() {
        return Ok(Vec::new());
    }
    // The dialect of most scripts.
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for (_, _, sh, _, _) in &origins {
        let d = dialect(sh);
        match counts.iter_mut().find(|(k, _)| *k == d) {
            Some(c) => c.1 += 1,
            None => counts.push((d, 1)),
        }
    }
    let dialect = counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or("sh", |(d, _)| *d);
    // Build the script.
    let mut script = format!("#!/bin/{dialect}\n");
    let mut line_no = 1usize;
    let model = bosun_dockerfile::model::Model::new(df);
    let mut mapped: Vec<MappedLine<'_>> = Vec::new();
    for (i, (origin, text, _, index, onbuild)) in origins.iter().enumerate() {
        script.push_str(&format!("bosun_run_{i}() {{\n"));
        line_no += 1;
        let names = declared_names(df, &model, *index, *onbuild);
        if !names.is_empty() {
            let sets: Vec<String> = names.iter().map(|n| format!("{n}=1")).collect();
            script.push_str(&format!("export {}\n", sets.join(" ")));
            line_no += 1;
        }
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            line_no += 1;
            script.push_str(line);
            let body = line.strip_suffix('\n').unwrap_or(line);
            mapped.push(MappedLine {
                line: line_no,
                offset,
                text: body,
                origin,
            });
            offset += line.len();
        }
        if !text.ends_with('\n') {
            script.push('\n');
        }
        // `:` keeps an empty body valid.
        script.push_str(":\n}\n");
        line_no += 2;
    }
    let mut excluded = EXCLUDED.to_string();
    for code in exclude {
        let code = code.trim();
        if code.len() > 2
            && code[..2].eq_ignore_ascii_case("SC")
            && code[2..].bytes().all(|b| b.is_ascii_digit())
        {
            excluded.push(',');
            excluded.push_str(&code.to_ascii_uppercase());
        }
    }
    let output = run_shellcheck(program, dialect, &excluded, &script)?;
    let comments: Vec<Comment> = serde_json::from_str::<Json1>(&output)?.comments;
    let mut out = Vec::new();
    for c in comments {
        let Some(m) = mapped.iter().find(|m| m.line == c.line) else {
            continue;
        };
        let start = m.offset + byte_of_column(m.text, c.column);
        let end = if c.end_line == c.line {
            m.offset + byte_of_column(m.text, c.end_column).max(start - m.offset)
        } else {
            start
        };
        let (s, e) = match m.origin {
            Origin::Logical(l) => (l.source_offset(start), l.source_offset(end.max(start))),
            Origin::Verbatim(base) => (base + start, base + end.max(start)),
        };
        let severity = match c.level.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            _ => Severity::Style,
        };
        out.push(Finding {
            code: format!("SC{}", c.code),
            name: format!("shellcheck-sc{}", c.code),
            severity,
            message: c.message,
            location: Location::file(path, Some(df.line_index().span(&df.source, s, e.max(s)))),
            fix: None,
            help_url: Some(format!("https://www.shellcheck.net/wiki/SC{}", c.code)),
            redact: Vec::new(),
        });
    }
    Ok(out)
}

/// The byte offset in `line` of ShellCheck's 1-based `column` (ShellCheck counts a tab
/// as advancing to the next multiple of 8).
fn byte_of_column(line: &str, column: usize) -> usize {
    let mut col = 1usize;
    for (i, ch) in line.char_indices() {
        if col >= column {
            return i;
        }
        col = if ch == '\t' {
            ((col - 1) / 8 + 1) * 8 + 1
        } else {
            col + 1
        };
    }
    line.len()
}

fn run_shellcheck(
    program: &str,
    dialect: &str,
    excluded: &str,
    script: &str,
) -> Result<String, ShellcheckError> {
    let mut child = Command::new(program)
        .args([
            "--format=json1",
            "--shell",
            dialect,
            "--exclude",
            excluded,
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| ShellcheckError::Spawn {
            program: program.to_string(),
            source,
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        // A write error shows up as a failed exit below.
        let _ = stdin.write_all(script.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|source| ShellcheckError::Spawn {
            program: program.to_string(),
            source,
        })?;
    // 0: clean, 1: findings; anything else is a failure.
    match out.status.code() {
        Some(0 | 1) => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        code => Err(ShellcheckError::Failed {
            status: code.unwrap_or(-1),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        }),
    }
}

#[derive(serde::Deserialize)]
struct Json1 {
    comments: Vec<Comment>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    line: usize,
    end_line: usize,
    column: usize,
    end_column: usize,
    level: String,
    code: u32,
    message: String,
}

/// The default program name.
pub const DEFAULT_PROGRAM: &str = "shellcheck";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_expand_tabs() {
        assert_eq!(byte_of_column("\tab", 9), 1);
        assert_eq!(byte_of_column("abc", 2), 1);
        assert_eq!(byte_of_column("abc", 10), 3);
    }

    fn run(src: &str) -> Option<Vec<(String, usize, usize)>> {
        if !available(DEFAULT_PROGRAM) {
            bosun_testkit::skip("skipped: shellcheck is not installed");
            return None;
        }
        let df = bosun_dockerfile::parse(src);
        let found =
            check_dockerfile(DEFAULT_PROGRAM, "Dockerfile", &df, &[]).expect("shellcheck runs");
        Some(
            found
                .into_iter()
                .filter_map(|f| match f.location {
                    Location::File { span: Some(s), .. } => {
                        Some((f.code, s.start_line, s.start_column))
                    }
                    _ => None,
                })
                .collect(),
        )
    }

    #[test]
    fn findings_map_to_exact_places() {
        let src = "FROM debian:12\nARG VERSION=1\nRUN echo ok && \\\n    cp $SRC /tmp/$VERSION\nRUN <<EOF\nset -e\nrm -rf $DIR/*\nEOF\nRUN [\"sh\", \"-c\", \"echo $UNQUOTED\"]\n";
        let Some(found) = run(src) else {
            return;
        };
        // `$SRC` on line 4, column 8; `$DIR` in the heredoc on line 7, column 8.
        assert!(found.contains(&("SC2086".to_string(), 4, 8)), "{found:?}");
        assert!(
            found.iter().any(|(c, l, _)| c == "SC2086" && *l == 7),
            "{found:?}"
        );
        // Declared ARGs are not "referenced but not assigned"; exec form is skipped.
        assert!(!found.iter().any(|(c, _, _)| c == "SC2154"), "{found:?}");
        assert!(!found.iter().any(|(_, l, _)| *l == 9), "{found:?}");
    }

    #[test]
    fn each_script_is_checked_in_place() {
        let src = "FROM debian:12\nRUN cd /x || exit 1\nRUN echo \"$HOME\"\nRUN cd /y\n";
        let Some(found) = run(src) else {
            return;
        };
        // Only the bare `cd` of the last RUN: each script is checked on its own lines.
        assert_eq!(found, vec![("SC2164".to_string(), 4, 5)]);
    }

    #[test]
    fn windows_and_no_run_scripts_make_no_process() {
        let df = bosun_dockerfile::parse(
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir $x\n",
        );
        assert!(check_dockerfile("/nonexistent/shellcheck", "D", &df, &[])
            .expect("no process")
            .is_empty());
    }
}

/// What the CLI calls for `--shellcheck`: parses `source`, runs ShellCheck on its RUN
/// scripts (codes in `settings.shellcheck_exclude` left out) and applies the file's
/// suppression comments (`# hadolint ignore=SC2086`) to the findings.
pub fn check_source(
    program: &str,
    path: &str,
    source: &str,
    settings: &crate::config::Settings,
) -> Result<Vec<Finding>, ShellcheckError> {
    let df = bosun_dockerfile::parse(source);
    let found = check_dockerfile(program, path, &df, &settings.shellcheck_exclude)?;
    let never = |_: &bosun_diagnostics::RuleMeta| false;
    let opts = crate::pragma::ApplyOptions {
        path,
        disable_suppressions: settings.disable_ignore_pragma,
        is_enabled: &never,
    };
    Ok(crate::pragma::apply(&df, found, &opts))
}

#[cfg(test)]
mod source_tests {
    use super::*;

    #[test]
    fn suppression_comments_apply_to_shellcheck_findings() {
        if !available(DEFAULT_PROGRAM) {
            bosun_testkit::skip("skipped: shellcheck is not installed");
            return;
        }
        let settings = crate::config::Settings::default();
        let src = "FROM debian:12\n# hadolint ignore=SC2086\nRUN echo $A\nRUN echo $B\n";
        let found = check_source(DEFAULT_PROGRAM, "Dockerfile", src, &settings).expect("runs");
        let lines: Vec<usize> = found
            .iter()
            .filter(|f| f.code == "SC2086")
            .filter_map(|f| match &f.location {
                Location::File { span: Some(s), .. } => Some(s.start_line),
                _ => None,
            })
            .collect();
        assert_eq!(lines, vec![4]);
        let settings = crate::config::Settings {
            shellcheck_exclude: vec!["SC2086".into()],
            ..Default::default()
        };
        let found = check_source(DEFAULT_PROGRAM, "Dockerfile", src, &settings).expect("runs");
        assert!(found.iter().all(|f| f.code != "SC2086"), "{found:?}");
    }
}
