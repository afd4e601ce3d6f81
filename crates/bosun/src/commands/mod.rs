//! One module per subcommand.

use crate::cli::{Cli, Command};
use crate::ExitStatus;

pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Lint(_args) => anyhow::bail!("`bosun lint` is not built yet"),
        Command::Parse(_args) => anyhow::bail!("`bosun parse` is not built yet"),
        Command::Image(_args) => anyhow::bail!("`bosun image` is not built yet"),
        Command::Rules(_args) => anyhow::bail!("`bosun rules` is not built yet"),
        Command::Rule(_args) => anyhow::bail!("`bosun rule` is not built yet"),
    }
}
