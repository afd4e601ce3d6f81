//! `bosun parse FILE... --format json`: BuildKit's view of each Dockerfile, one JSON
//! object per file per line (the same objects, in the same layout, as the reference
//! output in the shared corpus).
//!
//! Exit status: 0 when every file parsed, 1 when BuildKit would reject at least one
//! file (its line carries `"error"`), 2 when a file could not be read (its line
//! carries the I/O error) or the format is unknown. `-` reads standard input.

use crate::cli::ParseArgs;
use crate::ExitStatus;
use bosun_dockerfile::dump::{parse_json_error_line, parse_json_line};
use std::io::Write;

pub fn run(args: &ParseArgs) -> anyhow::Result<ExitStatus> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let status = run_to(args, &mut out)?;
    out.flush()?;
    Ok(status)
}

/// Writes one line per file to `out`.
pub fn run_to(args: &ParseArgs, out: &mut impl Write) -> anyhow::Result<ExitStatus> {
    if args.format != "json" {
        anyhow::bail!(
            "unknown format `{}` for `bosun parse` (expected: json)",
            args.format
        );
    }
    let mut unreadable = false;
    let mut rejected = false;
    for path in &args.files {
        let name = path.to_string_lossy();
        // The same cap as lint (10 MiB), and only regular files: `/dev/zero`, a FIFO
        // or a 3 GiB file are refused with one line, not read whole or waited on.
        let read = if name == "-" {
            match bosun_lint::discover::read_capped(std::io::stdin().lock()) {
                Ok(buf) if buf.len() as u64 > bosun_lint::discover::MAX_FILE_SIZE => {
                    Err(bosun_lint::discover::ReadError::TooLarge(buf.len() as u64))
                }
                Ok(buf) => Ok(buf),
                Err(e) => Err(e.into()),
            }
        } else {
            bosun_lint::discover::read_regular_file(path)
        };
        let line = match read {
            Ok(bytes) => {
                let df = bosun_dockerfile::parse_bytes(&bytes);
                rejected |= !df.errors.is_empty();
                parse_json_line(&name, &df)
            }
            Err(e) => {
                unreadable = true;
                parse_json_error_line(&name, &e.to_string())
            }
        };
        writeln!(out, "{line}")?;
    }
    Ok(if unreadable {
        ExitStatus::Error
    } else if rejected {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp_file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bosun-parse-test-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let p = dir.join(name);
        let _ = std::fs::write(&p, text);
        p
    }

    fn run_files(files: Vec<PathBuf>, format: &str) -> (anyhow::Result<ExitStatus>, String) {
        let args = ParseArgs {
            files,
            format: format.to_string(),
        };
        let mut out = Vec::new();
        let status = run_to(&args, &mut out);
        (status, String::from_utf8_lossy(&out).into_owned())
    }

    #[test]
    fn one_line_per_file_and_exit_status() {
        let ok = temp_file("ok", "FROM a\nRUN echo hi\n");
        let (status, out) = run_files(vec![ok.clone()], "json");
        assert_eq!(status.ok(), Some(ExitStatus::Clean));
        let expected = format!(
            "{{\"file\": \"{}\", \"instructions\": [{{\"cmd\": \"FROM\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"a\"], \"start_line\": 1, \"end_line\": 1, \"heredocs\": []}}, {{\"cmd\": \"RUN\", \"sub_cmd\": null, \"json\": false, \"flags\": [], \"value\": [\"echo hi\"], \"start_line\": 2, \"end_line\": 2, \"heredocs\": []}}]}}\n",
            ok.display()
        );
        assert_eq!(out, expected);

        let bad = temp_file("bad", "FROM a\nENV PATH\n");
        let (status, out) = run_files(vec![ok.clone(), bad], "json");
        assert_eq!(status.ok(), Some(ExitStatus::Findings));
        assert_eq!(out.lines().count(), 2);
        assert!(out.ends_with("\"error\": \"ENV must have two arguments\"}\n"));

        let missing = ok.with_file_name("does-not-exist");
        let (status, out) = run_files(vec![missing, ok], "json");
        assert_eq!(status.ok(), Some(ExitStatus::Error));
        assert!(out
            .lines()
            .next()
            .is_some_and(|l| l.contains("\"error\": ")));
        assert_eq!(out.lines().count(), 2);
    }

    #[test]
    fn unknown_format_is_an_error() {
        let (status, out) = run_files(vec![PathBuf::from("x")], "yaml");
        assert!(status.is_err());
        assert!(out.is_empty());
    }
}
