//! The bosun binary: CLI wiring, config discovery, exit codes and progress.
//! Every check lives in a library crate; this crate only connects them to the world.

pub mod cli;
pub mod commands;

use clap::Parser;
use std::ffi::OsString;
use std::process::ExitCode;

/// Exit codes, the same for every command: 0 clean, 1 findings at or above the
/// failure threshold (or a denied gate), 2 usage or tool error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Clean,
    Findings,
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        match s {
            ExitStatus::Clean => ExitCode::from(0),
            ExitStatus::Findings => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    remove_temp_files_on_signals();
    // Every renderer redacts what these detectors find in every untrusted string.
    bosun_diagnostics::render::install_secret_finder(bosun_secrets::secret_ranges);
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with exit 0; usage errors get exit 2.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::from(0)
            };
        }
    };
    match commands::run(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(0);
            }
            eprintln!("bosun: error: {}", error_line(&err));
            ExitCode::from(2)
        }
    }
}

/// On SIGINT, SIGTERM or SIGHUP: remove the temporary files (spooled archives, engine
/// exports, which can be gigabytes), then exit with 128 + the signal number, as a shell
/// reports a process killed by it.
fn remove_temp_files_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            bosun_oci::remove_temp_files();
            std::process::exit(128 + sig);
        }
    });
}

/// The one line printed for a tool error: the whole cause chain, secrets redacted,
/// control characters escaped (an error may quote a registry's body, a tar header or a
/// tag from an image), so it stays one line and cannot drive the terminal.
pub fn error_line(err: &anyhow::Error) -> String {
    use bosun_diagnostics::render::{escape_control, redact_text};
    let raw = format!("{err:#}");
    escape_control(&redact_text(&raw)).into_owned()
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
