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
    /// Decide whether an image may be promoted: run what the policies need, print the
    /// verdict with every reason (exit 0 pass, 1 deny).
    Gate(GateArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Print one rule's page.
    Rule(RuleArgs),
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
    #[command(flatten)]
    pub source: ImageSourceArgs,
}

/// How to open an image (shared by every command that reads one).
#[derive(Debug, Args)]
pub struct ImageSourceArgs {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GateFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// The image: docker-archive:PATH, oci-archive:PATH, oci:DIR[:TAG], docker://REF,
    /// docker-daemon:REF, or a plain path.
    pub target: String,
    /// Policy files: TOML (`*.toml`) or Rego (`*.rego`, `package bosun`, rule `deny`).
    #[arg(long = "policy", required = true)]
    pub policies: Vec<PathBuf>,
    /// Public keys to verify the image's signatures with (besides the policy's
    /// `signatures.required_keys`).
    #[arg(long = "key")]
    pub keys: Vec<PathBuf>,
    /// Also lint this Dockerfile; its findings join the report (and `deny_secrets`).
    #[arg(long)]
    pub dockerfile: Option<PathBuf>,
    /// Sign the verdict as an attestation (with --key naming the private key).
    #[arg(long)]
    pub attest: bool,
    /// Output: text (the verdict and every reason) or json (verdict and report).
    #[arg(long, short = 'f', value_enum, default_value_t = GateFormat::Text)]
    pub format: GateFormat,
    #[command(flatten)]
    pub source: ImageSourceArgs,
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
