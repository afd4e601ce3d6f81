//! Command-line definitions only; behaviour lives in `commands`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "bosun",
    version,
    about = "Carries a container image safely from Dockerfile to deployment."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review Dockerfiles: hadolint's and BuildKit's checks plus bosun's security checks.
    Lint(LintArgs),
    /// Print BuildKit's view of Dockerfiles (one JSON object per file per line).
    Parse(ParseArgs),
    /// Inspect a built image: config, history and every layer.
    Image(ImageArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Print one rule's page.
    Rule(RuleArgs),
    /// Build and inspect the local vulnerability database.
    Db(DbArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Exit 1 when a finding is at or above this severity
    /// (style, info, low, warning, error, critical, or none to never fail).
    #[arg(long, short = 't')]
    pub failure_threshold: Option<String>,
    /// Colour: auto (on a terminal, unless NO_COLOR), always, never.
    #[arg(long, default_value = "auto")]
    pub color: String,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Dockerfiles or directories to search (default: the current directory); `-` reads stdin.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Use this config file instead of discovering bosun.toml / .hadolint.yaml.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Apply safe fixes.
    #[arg(long)]
    pub fix: bool,
    /// Also apply unsafe fixes (with --fix or --diff).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Show the fixes as a diff instead of writing them.
    #[arg(long)]
    pub diff: bool,
    /// With --fix: resolve base image tags to digests through their registries.
    #[arg(long)]
    pub pin_digests: bool,
    /// Use plain HTTP for these registries (e.g. 127.0.0.1:5000) when pinning digests.
    #[arg(long = "insecure-registry")]
    pub insecure_registries: Vec<String>,
    /// Also run ShellCheck (when installed) on shell-form RUN scripts.
    #[arg(long)]
    pub shellcheck: bool,
    /// Only run these rules (codes, names or aliases; comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (codes, names or aliases).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Dockerfiles to parse.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format (json only, for now).
    #[arg(long, default_value = "json")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct ImageArgs {
    /// docker-archive:PATH, oci-archive:PATH, oci:DIR[:TAG], docker://REF,
    /// docker-daemon:REF, or a plain path.
    pub image: String,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Platform to pick from a multi-platform index (default: the host's), e.g. linux/arm64.
    #[arg(long)]
    pub platform: Option<String>,
    /// Allow plain HTTP to the registry (e.g. a loopback test registry).
    #[arg(long)]
    pub insecure: bool,
    /// Registry credentials as USER:PASSWORD (otherwise ~/.docker/config.json).
    #[arg(long, env = "BOSUN_REGISTRY_CREDS", hide_env_values = true)]
    pub creds: Option<String>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code, name or alias.
    pub code: String,
}

#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
    /// Database file (default: vuln.db in the user's cache folder, e.g.
    /// ~/.cache/bosun/vuln.db).
    #[arg(long, global = true, env = "BOSUN_DB")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import advisories: OSV JSON/YAML (files, folders or zip exports), Alpine secdb
    /// YAML, Debian security-tracker JSON and the Debian DSA/DLA lists.
    Import(DbImportArgs),
    /// Download the public OSV exports (<URL>/<ECOSYSTEM>/all.zip) and import them.
    Update(DbUpdateArgs),
    /// Show counts per source and ecosystem, and the age of the data.
    Status(DbStatusArgs),
}

#[derive(Debug, Args)]
pub struct DbImportArgs {
    /// Files, folders or zip exports.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DbUpdateArgs {
    /// Base URL of the OSV exports.
    #[arg(
        long,
        env = "BOSUN_OSV_URL",
        default_value = "https://osv-vulnerabilities.storage.googleapis.com"
    )]
    pub url: String,
    /// Ecosystems to download (comma-separated or repeated; default: the ones bosun
    /// catalogues).
    #[arg(long = "ecosystem", value_delimiter = ',')]
    pub ecosystems: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DbStatusArgs {
    /// text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}
