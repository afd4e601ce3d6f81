//! One module per subcommand.

pub mod gate;
pub mod image;
pub mod lint;
pub mod output;
pub mod parse;
pub mod rules;

use crate::cli::{Cli, Command};
use crate::ExitStatus;

pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Parse(args) => parse::run(&args),
        Command::Image(args) => image::run(&args),
        Command::Gate(args) => gate::run(&args),
        Command::Rules(args) => rules::run_rules(&args),
        Command::Rule(args) => rules::run_rule(&args),
    }
}
