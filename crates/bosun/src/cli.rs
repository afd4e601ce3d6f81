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
    /// List every OS and language package of an image or a directory (CycloneDX, SPDX).
    Sbom(SbomArgs),
    /// Decide whether an image may be promoted: run what the policies need, print the
    /// verdict with every reason (exit 0 pass, 1 deny).
    Gate(GateArgs),
    /// Gate an image by digest, copy it (manifest or index and every blob) to another
    /// registry or layout by digest, and sign the copy; a denied image is not copied.
    Promote(PromoteArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Print one rule's page.
    Rule(RuleArgs),
    /// Sign an image by digest in cosign's layout (`sha256-<hex>.sig`), appending to existing signatures.
    Sign(SignArgs),
    /// Verify an image's signatures with one or more public keys, offline (exit 1: no valid signature).
    Verify(VerifyArgs),
    /// Attach a signed in-toto attestation (DSSE) to an image in cosign's layout (`sha256-<hex>.att`).
    Attest(AttestArgs),
    /// Verify an image's attestations of one predicate type and print their predicates.
    VerifyAttestation(VerifyAttestationArgs),
    /// Manage cosign-compatible signing keys.
    Key(KeyArgs),
    /// Build and inspect the local vulnerability database.
    Db(DbArgs),
    /// Find known vulnerabilities in an image, a directory or an SBOM file, from the
    /// local database (`bosun db import` / `bosun db update`).
    Vuln(VulnArgs),
    /// The whole pipeline in one report: lint the Dockerfiles, check the image, list
    /// its packages, match them against the vulnerability database, and apply the
    /// policy when one is given.
    Scan(ScanArgs),
    /// Audit how containers run: a live engine's containers (`--host`, `DOCKER_HOST`),
    /// or Compose files and Kubernetes manifests (files or folders).
    Audit(AuditArgs),
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
pub struct AuditArgs {
    /// Compose files, Kubernetes manifests (multi-document YAML, Helm output), or
    /// folders to search for `*.yml`/`*.yaml`. Without paths, the engine is audited.
    pub paths: Vec<PathBuf>,
    /// The engine to audit: unix:///PATH or tcp://HOST:PORT (default: DOCKER_HOST,
    /// else unix:///var/run/docker.sock). With paths, the engine is audited too.
    #[arg(long, short = 'H', value_name = "HOST")]
    pub host: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Seconds to wait for a connection to a tcp:// engine (default 30).
    #[arg(long, env = "BOSUN_CONNECT_TIMEOUT", value_name = "SECS")]
    pub connect_timeout: Option<u64>,
    /// Seconds to wait for the next byte of an engine's answer (default 30).
    #[arg(long, env = "BOSUN_IDLE_TIMEOUT", value_name = "SECS")]
    pub idle_timeout: Option<u64>,
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
    pub source: SourceArgs,
}

/// How to reach an image (shared by every command that opens one).
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Platform to pick from a multi-platform index (default: the host's), e.g. linux/arm64.
    #[arg(long)]
    pub platform: Option<String>,
    /// Allow plain HTTP to the registry (e.g. a loopback test registry).
    #[arg(long)]
    pub insecure: bool,
    /// Registry credentials as USER:PASSWORD (otherwise ~/.docker/config.json).
    #[arg(long, env = "BOSUN_REGISTRY_CREDS", hide_env_values = true)]
    pub creds: Option<String>,
    /// Seconds to wait for a connection to a registry (default 30).
    #[arg(long, env = "BOSUN_CONNECT_TIMEOUT", value_name = "SECS")]
    pub connect_timeout: Option<u64>,
    /// Seconds to wait for the next byte of a registry or engine response (default 30).
    #[arg(long, env = "BOSUN_IDLE_TIMEOUT", value_name = "SECS")]
    pub idle_timeout: Option<u64>,
    /// Seconds any response body may take whatever its pace (default 60).
    #[arg(long, env = "BOSUN_BODY_GRACE", value_name = "SECS")]
    pub body_grace: Option<u64>,
    /// Slowest average rate of a response body past the grace period, in bytes per
    /// second (default 262144).
    #[arg(long, env = "BOSUN_MIN_BODY_RATE", value_name = "BYTES")]
    pub min_body_rate: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SbomFormat {
    /// A table for terminals.
    Table,
    /// bosun's own JSON (the package model as is).
    Json,
    /// CycloneDX 1.6 JSON.
    CyclonedxJson,
    /// SPDX 2.3 JSON.
    SpdxJson,
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// An image (docker-archive:PATH, oci-archive:PATH, oci:DIR[:TAG], docker://REF,
    /// docker-daemon:REF, or a plain path to an archive or OCI layout) or dir:PATH (a
    /// root filesystem or a project checkout).
    pub target: String,
    /// Format written to stdout (when no -o is given).
    #[arg(long, short = 'f', value_enum, default_value_t = SbomFormat::Table)]
    pub format: SbomFormat,
    /// Write FORMAT to FILE (repeatable): -o cyclonedx-json=bom.json -o spdx-json=sbom.spdx.json.
    #[arg(long = "output", short = 'o', value_name = "FORMAT=FILE")]
    pub outputs: Vec<String>,
    /// Sign the SBOM (CycloneDX 1.6) as an in-toto attestation (predicate type https://cyclonedx.org/bom) and attach it to the image's
    /// digest in its registry or OCI layout (needs --key).
    #[arg(long)]
    pub attest: bool,
    /// Hash every byte of a local archive's or layout's layers against their digests.
    /// By default the bodies of files no cataloguer reads are skipped (and the SBOM says
    /// `layers-verified: false`); registry and compressed layers, and --attest, are always
    /// hashed.
    #[arg(long)]
    pub verify: bool,
    /// With --attest: the private key; password from BOSUN_PASSWORD or COSIGN_PASSWORD.
    #[arg(long)]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    pub source: SourceArgs,
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
    /// Also lint this Dockerfile; its findings join the report (and `deny_secrets`).
    #[arg(long)]
    pub dockerfile: Option<PathBuf>,
    /// Vulnerability database for `[vulnerabilities]` (default: vuln.db in the user's
    /// cache folder, as for `bosun vuln`).
    #[arg(long, env = "BOSUN_DB")]
    pub db: Option<PathBuf>,
    /// Sign the verdict (pass or deny) as an in-toto attestation of type
    /// https://bosun.dev/gate/v1 and attach it to the gated digest (needs --key).
    #[arg(long)]
    pub attest: bool,
    /// With --attest: the private key that signs the verdict; password from
    /// BOSUN_PASSWORD or COSIGN_PASSWORD.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// Output: text (the verdict and every reason) or json (verdict and report).
    #[arg(long, short = 'f', value_enum, default_value_t = GateFormat::Text)]
    pub format: GateFormat,
    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// The image to promote: REF or docker://REF (registry), or oci:DIR[:TAG].
    pub src: String,
    /// Where to copy it: REF or docker://REF (the tag to set), or oci:DIR[:TAG].
    pub dst: String,
    /// Policy files: TOML (`*.toml`) or Rego (`*.rego`), as for `bosun gate`.
    #[arg(long = "policy", required = true)]
    pub policies: Vec<PathBuf>,
    /// Private key that signs the copy; password from BOSUN_PASSWORD or COSIGN_PASSWORD.
    #[arg(long)]
    pub key: PathBuf,
    /// Vulnerability database for `[vulnerabilities]` (default: as for `bosun vuln`).
    #[arg(long, env = "BOSUN_DB")]
    pub db: Option<PathBuf>,
    /// Platform the gate examines in a multi-platform index (the whole index is copied).
    #[arg(long)]
    pub platform: Option<String>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Only the rules of this area (lint, image, audit) or group (hadolint, buildkit,
    /// security, ...).
    #[arg(long)]
    pub area: Option<String>,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code, name or alias.
    pub code: String,
}

/// Where signatures and attestations are read and written: registries and OCI layouts.
#[derive(Debug, Args)]
pub struct RegistryArgs {
    /// Use plain HTTP for this registry (HOST:PORT, e.g. 127.0.0.1:5000); may be repeated.
    #[arg(long = "insecure-registry")]
    pub insecure_registries: Vec<String>,
    /// Registry credentials as USER:PASSWORD (otherwise the docker config or podman auth file).
    #[arg(long, env = "BOSUN_REGISTRY_CREDS", hide_env_values = true)]
    pub creds: Option<String>,
    /// CA certificates (PEM) to trust for the registry's TLS (default: $SSL_CERT_FILE, else
    /// the built-in web roots).
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The image: REF or docker://REF (registry), or oci:DIR[:TAG] (OCI layout). A tag is
    /// resolved to its digest once; the digest is what is signed.
    pub image: String,
    /// Private key file (cosign's encrypted PEM, or PKCS#8/SEC1); password from
    /// BOSUN_PASSWORD or COSIGN_PASSWORD.
    #[arg(long)]
    pub key: PathBuf,
    /// Annotation KEY=VALUE added to the signed payload (repeatable).
    #[arg(long = "annotation", short = 'a')]
    pub annotations: Vec<String>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The image: REF, docker://REF or oci:DIR[:TAG].
    pub image: String,
    /// Public key file (PEM); repeat for key rotation (any one key suffices).
    #[arg(long, required = true)]
    pub key: Vec<PathBuf>,
    /// Require this annotation KEY=VALUE in the signed payload (repeatable).
    #[arg(long = "annotation", short = 'a')]
    pub annotations: Vec<String>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args)]
pub struct AttestArgs {
    /// The image: REF, docker://REF or oci:DIR[:TAG].
    pub image: String,
    /// Private key file; password from BOSUN_PASSWORD or COSIGN_PASSWORD.
    #[arg(long)]
    pub key: PathBuf,
    /// The predicate: a JSON file (an SBOM, a vulnerability report, provenance...).
    #[arg(long)]
    pub predicate: PathBuf,
    /// Predicate type: cyclonedx, spdx, spdxjson, vuln, slsaprovenance, slsaprovenance1,
    /// link, openvex, custom, or a URI.
    #[arg(long = "type", default_value = "custom")]
    pub predicate_type: String,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args)]
pub struct VerifyAttestationArgs {
    /// The image: REF, docker://REF or oci:DIR[:TAG].
    pub image: String,
    /// Public key file (PEM); repeat for key rotation.
    #[arg(long, required = true)]
    pub key: Vec<PathBuf>,
    /// Predicate type to look for (short name or URI, as for `bosun attest`).
    #[arg(long = "type", default_value = "custom")]
    pub predicate_type: String,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    pub command: KeyCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Write a new ECDSA P-256 key pair: PREFIX.key (cosign's encrypted format,
    /// mode 0600) and PREFIX.pub (PKIX PEM). The password comes from
    /// BOSUN_PASSWORD or COSIGN_PASSWORD, or from a prompt on a terminal.
    Generate(KeyGenerateArgs),
    /// Print the public key (PKIX PEM) of a private key file.
    Public(KeyPublicArgs),
}

#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    /// Path prefix of the two files written (e.g. `cosign` writes cosign.key and cosign.pub).
    #[arg(long, short = 'o', default_value = "cosign")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct KeyPublicArgs {
    /// A private key: cosign's encrypted key file, PKCS#8, SEC1 or PKCS#1 PEM.
    #[arg(long, short = 'k')]
    pub key: PathBuf,
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
    /// Push the database as an OCI artifact (one layer,
    /// application/vnd.bosun.vulndb.v1+sqlite) to REF (registry) or oci:DIR[:TAG].
    Push(DbTransferArgs),
    /// Pull the database artifact from REF or oci:DIR[:TAG]: the digest is verified
    /// and the schema checked before the local database is replaced (atomically).
    Pull(DbTransferArgs),
}

#[derive(Debug, Args)]
pub struct DbTransferArgs {
    /// REF or docker://REF (registry), or oci:DIR[:TAG] (OCI layout).
    pub reference: String,
    #[command(flatten)]
    pub registry: RegistryArgs,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VulnFormat {
    /// One line per finding, for terminals.
    #[value(alias = "text")]
    Table,
    Json,
    Sarif,
    /// The packages as CycloneDX 1.6 components plus a `vulnerabilities` list.
    #[value(name = "cyclonedx-json")]
    CyclonedxJson,
}

#[derive(Debug, Args)]
pub struct VulnArgs {
    /// An image (as for `bosun sbom`), dir:PATH, or an SBOM file (CycloneDX or SPDX
    /// JSON, bosun's or syft's; bosun JSON).
    pub target: String,
    /// Database file (default: vuln.db in the user's cache folder, e.g.
    /// ~/.cache/bosun/vuln.db).
    #[arg(long, env = "BOSUN_DB")]
    pub db: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = VulnFormat::Table)]
    pub format: VulnFormat,
    /// Exit 1 when a finding is at or above this severity (style, info, low, warning,
    /// error, critical, or none to never fail). CVSS critical is critical, high is
    /// error, medium (and unscored) is warning, low is low.
    #[arg(long, short = 't')]
    pub failure_threshold: Option<String>,
    /// Leave out vulnerabilities that no released version fixes.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Keep only these severities, as trivy: UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL
    /// (comma-separated, any case); `HIGH+` keeps high and above.
    #[arg(long, short = 's')]
    pub severity: Option<String>,
    /// Ignore file (TOML `[[ignore]]` entries with id, optional package, reason and
    /// expires = YYYY-MM-DD); default: `.bosun-ignore.toml` in the current folder
    /// when present. Expired entries suppress nothing and are reported.
    #[arg(long)]
    pub ignore_file: Option<PathBuf>,
    /// OpenVEX document (repeatable): `not_affected` and `fixed` statements
    /// suppress the findings they name.
    #[arg(long)]
    pub vex: Vec<PathBuf>,
    /// The base image (any image reference `bosun sbom` takes): layers it shares
    /// with the target are the base's. Default: from the target's annotations and
    /// history.
    #[arg(long)]
    pub base: Option<String>,
    /// Colour: auto (on a terminal, unless NO_COLOR), always, never.
    #[arg(long, default_value = "auto")]
    pub color: String,
    /// Sign the findings as an in-toto attestation (cosign's vuln predicate, https://cosign.sigstore.dev/attestation/vuln/v1) and attach it to the image's
    /// digest in its registry or OCI layout (needs --key).
    #[arg(long)]
    pub attest: bool,
    /// Hash every byte of a local archive's or layout's layers against their digests.
    /// By default the bodies of files no cataloguer reads are skipped (and the SBOM says
    /// `layers-verified: false`); registry and compressed layers, and --attest, are always
    /// hashed.
    #[arg(long)]
    pub verify: bool,
    /// With --attest: the private key; password from BOSUN_PASSWORD or COSIGN_PASSWORD.
    #[arg(long)]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// The summary, then every stage's findings.
    Text,
    /// One JSON document: summary, verdict, stages with their findings, layers.
    Json,
    /// SARIF 2.1.0, one run per stage (for GitHub code scanning).
    Sarif,
    /// One self-contained HTML page.
    Html,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Dockerfiles or folders holding them, and at most one image (docker-archive:PATH,
    /// oci-archive:PATH, oci:DIR[:TAG], docker://REF, docker-daemon:REF, an image archive
    /// or an OCI layout folder).
    #[arg(required = true)]
    pub targets: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ScanFormat::Text)]
    pub format: ScanFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity (style, info, low, warning,
    /// error, critical, or none to never fail).
    #[arg(long, short = 't')]
    pub failure_threshold: Option<String>,
    /// Policy files (TOML or Rego, as for `bosun gate`); a deny fails the scan.
    #[arg(long = "policy")]
    pub policies: Vec<PathBuf>,
    /// Vulnerability database (default: vuln.db in the user's cache folder).
    #[arg(long, env = "BOSUN_DB")]
    pub db: Option<PathBuf>,
    /// Import these advisory files or folders (as `bosun db import` takes) into a
    /// temporary database for this scan (instead of --db).
    #[arg(long, value_name = "PATH")]
    pub advisories: Vec<PathBuf>,
    /// Leave out vulnerabilities that no released version fixes.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Colour: auto (on a terminal, unless NO_COLOR), always, never.
    #[arg(long, default_value = "auto")]
    pub color: String,
    #[command(flatten)]
    pub source: SourceArgs,
}
