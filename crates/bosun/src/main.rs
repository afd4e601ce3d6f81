//! Thin entry point: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    bosun::main_with_args(std::env::args_os())
}
