//! One module per subcommand.

pub mod attach;
pub mod audit;
pub mod db;
pub mod gate;
pub mod image;
pub mod key;
pub mod lint;
pub mod output;
pub mod parse;
pub mod promote;
pub mod rules;
pub mod sbom;
pub mod vuln;

use crate::cli::{Cli, Command};
use crate::ExitStatus;

pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Parse(args) => parse::run(&args),
        Command::Image(args) => image::run(&args),
        Command::Gate(args) => gate::run(&args),
        Command::Sbom(args) => sbom::run(&args),
        Command::Promote(args) => promote::run(&args),
        Command::Rules(args) => rules::run_rules(&args),
        Command::Rule(args) => rules::run_rule(&args),
        Command::Sign(args) => attach::sign(&args),
        Command::Verify(args) => attach::verify(&args),
        Command::Attest(args) => attach::attest(&args),
        Command::VerifyAttestation(args) => attach::verify_attestation(&args),
        Command::Key(args) => key::run(&args),
        Command::Db(args) => db::run(&args),
        Command::Vuln(args) => vuln::run(&args),
        Command::Audit(args) => audit::run(&args),
    }
}
