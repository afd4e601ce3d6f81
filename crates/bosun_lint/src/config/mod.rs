//! Configuration: `bosun.toml` (bosun's own format) and `.hadolint.yaml` (read for
//! compatibility when there is no bosun config).
//!
//! - [`discover`] finds the file that applies to a Dockerfile (nearest `bosun.toml` from
//!   the file's directory upward, else the nearest `.hadolint.yaml`/`.hadolint.yml`, else
//!   hadolint's per-user places);
//! - [`load`] reads and validates one file into a [`Config`] (errors name the file, line
//!   and column; a malformed config is never silently ignored);
//! - [`Config::options_for`] gives the [`LintOptions`] for one Dockerfile, with the
//!   `[[overrides]]` whose `paths` match it applied.
//!
//! The format is documented in `docs/configuration.md`.

mod bosun;
mod discover;
mod hadolint;

pub use discover::{discover, discover_in, Discovered, Places, BOSUN_NAMES, HADOLINT_NAMES};

use crate::runner::{LintOptions, SeverityOverride};
use bosun_diagnostics::Severity;
use std::fmt;
use std::path::{Path, PathBuf};

/// Which format a config file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    /// `bosun.toml` (or `.bosun.toml`).
    Bosun,
    /// `.hadolint.yaml` / `.hadolint.yml` / `hadolint.yaml`.
    Hadolint,
}

impl ConfigFormat {
    /// The format of a file, by its name: `*.toml` is bosun's, `*.yaml`/`*.yml` hadolint's.
    pub fn of_path(path: &Path) -> Option<ConfigFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".toml") {
            Some(ConfigFormat::Bosun)
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            Some(ConfigFormat::Hadolint)
        } else {
            None
        }
    }
}

/// The severity at or above which findings make `bosun lint` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// Never fail on findings (`none`, hadolint's `ignore`).
    Never,
    At(Severity),
}

impl Threshold {
    pub fn parse(s: &str) -> Option<Threshold> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("none") || t.eq_ignore_ascii_case("ignore") {
            return Some(Threshold::Never);
        }
        t.parse().ok().map(Threshold::At)
    }

    /// True when a finding of `severity` reaches this threshold.
    pub fn is_reached_by(self, severity: Severity) -> bool {
        match self {
            Threshold::Never => false,
            Threshold::At(t) => severity >= t,
        }
    }
}

/// The value type a required label must have (hadolint's `label-schema` types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelType {
    /// Any non-empty text.
    Text,
    /// An absolute URL.
    Url,
    /// A semantic version.
    Semver,
    /// A git commit hash.
    Hash,
    /// An RFC 3339 timestamp.
    Rfc3339,
    /// An SPDX license expression.
    Spdx,
    /// An e-mail address.
    Email,
}

impl LabelType {
    pub fn as_str(self) -> &'static str {
        match self {
            LabelType::Text => "text",
            LabelType::Url => "url",
            LabelType::Semver => "semver",
            LabelType::Hash => "hash",
            LabelType::Rfc3339 => "rfc3339",
            LabelType::Spdx => "spdx",
            LabelType::Email => "email",
        }
    }
}

/// Settings that rules and the pragma engine read, carried in
/// [`LintOptions::settings`]. Filled from the configuration (and CLI flags).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Registries base images may come from (DL3026); empty means the rule is off.
    /// Entries may use a `*` wildcard at the start or end (`*.gcr.io`, `my-*`).
    pub trusted_registries: Vec<String>,
    /// Labels every final image must have, with the type of their value
    /// (DL3049 and the label-format rules), in the order configured.
    pub label_schema: Vec<(String, LabelType)>,
    /// Labels not in `label_schema` are reported (DL3050).
    pub strict_labels: bool,
    /// ShellCheck codes (`SC2086`) named in the configuration's ignore lists, for the
    /// ShellCheck integration (`--shellcheck`) to exclude; they are not bosun rules.
    pub shellcheck_exclude: Vec<String>,
    /// Ignore every suppression comment (`# hadolint ignore=`, `# bosun: ignore[..]`,
    /// `# check=skip=`).
    pub disable_ignore_pragma: bool,
}

/// Rule selection for one scope (the whole file tree, or one `[[overrides]]` entry).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSelection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, SeverityOverride)>,
}

/// An `[[overrides]]` entry: more rule selection for the Dockerfiles matching `paths`.
#[derive(Debug, Clone)]
pub struct Override {
    /// The glob patterns as written (relative to the config file's directory).
    pub paths: Vec<String>,
    matcher: globset::GlobSet,
    pub rules: RuleSelection,
}

impl PartialEq for Override {
    fn eq(&self, other: &Self) -> bool {
        self.paths == other.paths && self.rules == other.rules
    }
}

/// A loaded configuration file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The file it was read from (`None` for the built-in defaults).
    pub path: Option<PathBuf>,
    pub format: Option<ConfigFormat>,
    pub rules: RuleSelection,
    pub failure_threshold: Option<Threshold>,
    /// Exit 0 whatever is found (hadolint's `no-fail`).
    pub no_fail: bool,
    pub settings: Settings,
    pub overrides: Vec<Override>,
    /// Things worth telling the user that are not errors (e.g. a hadolint config naming
    /// a rule bosun does not have). Each names the file.
    pub warnings: Vec<String>,
}

impl Config {
    /// The directory `[[overrides]]` paths are relative to.
    pub fn base_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// The lint options for the Dockerfile at `file`: the config's selection, then each
    /// matching override's, in order (later wins for severities; ignores add up; an
    /// override's `select` replaces the selection).
    pub fn options_for(&self, file: &Path) -> LintOptions {
        let mut options = LintOptions {
            settings: self.settings.clone(),
            ..Default::default()
        };
        apply_selection(&mut options, &self.rules);
        for o in self.matching_overrides(file) {
            apply_selection(&mut options, &o.rules);
        }
        options
    }

    /// The overrides whose `paths` match `file`.
    pub fn matching_overrides<'s>(&'s self, file: &Path) -> impl Iterator<Item = &'s Override> {
        let rel = self.relative_path(file);
        self.overrides
            .iter()
            .filter(move |o| rel.as_ref().is_some_and(|r| o.matcher.is_match(r)))
    }

    /// `file` relative to the config's directory (both made absolute first), with `/`
    /// separators. `None` when the file is outside that directory.
    fn relative_path(&self, file: &Path) -> Option<PathBuf> {
        let abs = absolute(file);
        match self.base_dir() {
            Some(base) => {
                let base = absolute(base);
                abs.strip_prefix(&base).ok().map(Path::to_path_buf)
            }
            None => Some(file.to_path_buf()),
        }
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn apply_selection(options: &mut LintOptions, sel: &RuleSelection) {
    use crate::rules::buildkit::expand_selectors;
    let select: Vec<String> = sel
        .select
        .iter()
        .filter(|n| !is_shellcheck_code(n))
        .cloned()
        .collect();
    if !select.is_empty() {
        options.select = expand_selectors(&select);
    }
    let (sc, rules): (Vec<String>, Vec<String>) = sel
        .ignore
        .iter()
        .cloned()
        .partition(|n| is_shellcheck_code(n));
    options.ignore.extend(expand_selectors(&rules));
    for code in sc {
        if !options.settings.shellcheck_exclude.contains(&code) {
            options.settings.shellcheck_exclude.push(code);
        }
    }
    for (name, o) in sel.severity.iter().filter(|(n, _)| !is_shellcheck_code(n)) {
        for n in expand_selectors(std::slice::from_ref(name)) {
            options.severity.push((n, *o));
        }
    }
}

/// Parses a severity override value: a severity name, or `off`/`ignore`/`none`.
pub fn parse_severity_override(s: &str) -> Option<SeverityOverride> {
    let t = s.trim();
    if ["off", "ignore", "none"]
        .iter()
        .any(|o| t.eq_ignore_ascii_case(o))
    {
        return Some(SeverityOverride::Off);
    }
    t.parse().ok().map(SeverityOverride::Set)
}

/// A config file that cannot be used. Its `Display` names the file and, when known,
/// the line and column: `bosun.toml:3:9: unknown field `selec``.
#[derive(Debug, thiserror::Error)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column.
    pub position: Option<(usize, usize)>,
    pub message: String,
    #[source]
    pub source: Option<std::io::Error>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl ConfigError {
    fn new(path: &Path, position: Option<(usize, usize)>, message: impl Into<String>) -> Self {
        ConfigError {
            path: path.to_path_buf(),
            position,
            message: message.into(),
            source: None,
        }
    }
}

/// True for names the configuration may use without a registered rule: ShellCheck
/// codes (`SC2086`), which are passed to the ShellCheck integration.
pub fn is_shellcheck_code(name: &str) -> bool {
    let n = name.trim();
    n.len() > 2 && n[..2].eq_ignore_ascii_case("SC") && n[2..].bytes().all(|b| b.is_ascii_digit())
}

/// True when `name` names a registered rule (code, name or alias), is `ALL`, or is a
/// ShellCheck code.
pub fn is_known_rule_name(name: &str) -> bool {
    let n = name.trim();
    n.eq_ignore_ascii_case("all")
        || is_shellcheck_code(n)
        || crate::registry::find_rule(n).is_some()
        || !crate::rules::buildkit::equivalent_codes(n).is_empty()
}

/// Reads and validates the config file at `path` (format chosen by its name).
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    // Capped and non-blocking like a Dockerfile: a FIFO or `/dev/zero` given as
    // `--config` is refused, a giant file is not read whole.
    let bytes = crate::discover::read_regular_file(path).map_err(|e| {
        let message = format!("cannot read the config file: {e}");
        let source = match e {
            crate::discover::ReadError::Io(io) => Some(io),
            _ => None,
        };
        ConfigError {
            path: path.to_path_buf(),
            position: None,
            message,
            source,
        }
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        ConfigError::new(
            path,
            None,
            format!(
                "cannot read the config file: not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    match ConfigFormat::of_path(path) {
        Some(ConfigFormat::Bosun) => bosun::parse(path, &text),
        Some(ConfigFormat::Hadolint) => hadolint::parse(path, &text),
        None => Err(ConfigError::new(
            path,
            None,
            "unknown config format: expected a .toml (bosun) or .yaml/.yml (hadolint) file",
        )),
    }
}

/// Finds and loads the configs of many Dockerfiles, reading each config file once
/// (shareable across threads).
#[derive(Debug)]
pub struct ConfigCache {
    explicit: Option<std::sync::Arc<Config>>,
    loaded: std::sync::Mutex<Vec<(PathBuf, std::sync::Arc<Config>)>>,
    /// What discovery found from each start directory (a corpus of many Dockerfiles in
    /// one folder asks the file system once, not a few dozen times per file).
    found: std::sync::Mutex<std::collections::HashMap<PathBuf, Option<discover::Discovered>>>,
    none: std::sync::Arc<Config>,
}

impl ConfigCache {
    /// With `explicit` (`--config FILE`), that file applies to every Dockerfile (and is
    /// read now, so that a bad file fails before any linting).
    pub fn new(explicit: Option<&Path>) -> Result<ConfigCache, ConfigError> {
        let explicit = match explicit {
            Some(p) => Some(std::sync::Arc::new(load(p)?)),
            None => None,
        };
        Ok(ConfigCache {
            explicit,
            loaded: std::sync::Mutex::new(Vec::new()),
            found: std::sync::Mutex::default(),
            none: std::sync::Arc::new(Config::default()),
        })
    }

    /// The config for the Dockerfile at `file` (`None`: standard input).
    pub fn for_file(&self, file: Option<&Path>) -> Result<std::sync::Arc<Config>, ConfigError> {
        if let Some(c) = &self.explicit {
            return Ok(std::sync::Arc::clone(c));
        }
        let Some(found) = self.discover(file) else {
            return Ok(std::sync::Arc::clone(&self.none));
        };
        if let Ok(cache) = self.loaded.lock() {
            if let Some((_, c)) = cache.iter().find(|(p, _)| p == &found.path) {
                return Ok(std::sync::Arc::clone(c));
            }
        }
        let config = std::sync::Arc::new(load(&found.path)?);
        if let Ok(mut cache) = self.loaded.lock() {
            cache.push((found.path, std::sync::Arc::clone(&config)));
        }
        Ok(config)
    }

    /// [`discover`], remembered per start directory.
    fn discover(&self, file: Option<&Path>) -> Option<discover::Discovered> {
        let start = discover::start_dir(file)?;
        if let Some(hit) = self.found.lock().ok().and_then(|m| m.get(&start).cloned()) {
            return hit;
        }
        let found = discover::discover_from(start.clone());
        if let Ok(mut m) = self.found.lock() {
            m.insert(start, found.clone());
        }
        found
    }

    /// Every config loaded so far (to print their warnings once).
    pub fn loaded(&self) -> Vec<std::sync::Arc<Config>> {
        let mut out: Vec<std::sync::Arc<Config>> = self.explicit.iter().cloned().collect();
        if let Ok(cache) = self.loaded.lock() {
            out.extend(cache.iter().map(|(_, c)| std::sync::Arc::clone(c)));
        }
        out
    }
}

/// Parses config text as if read from `path` (format chosen by its name).
pub fn parse_str(path: &Path, text: &str) -> Result<Config, ConfigError> {
    match ConfigFormat::of_path(path) {
        Some(ConfigFormat::Hadolint) => hadolint::parse(path, text),
        _ => bosun::parse(path, text),
    }
}

/// 1-based line and column of byte `at` of `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let span = bosun_diagnostics::Span::from_offsets(text, at, at);
    (span.start_line, span.start_column)
}

/// Builds the matcher of an override's path patterns.
fn build_matcher(
    path: &Path,
    patterns: &[(String, Option<(usize, usize)>)],
) -> Result<globset::GlobSet, ConfigError> {
    let mut b = globset::GlobSetBuilder::new();
    for (p, pos) in patterns {
        let pattern = p.trim_start_matches("./");
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| {
                ConfigError::new(path, *pos, format!("invalid path pattern `{p}`: {e}"))
            })?;
        b.add(glob);
        // `dir/` and `dir` also cover everything below the directory.
        if !pattern.contains('*') {
            let below = format!("{}/**", pattern.trim_end_matches('/'));
            if let Ok(g) = globset::GlobBuilder::new(&below)
                .literal_separator(true)
                .build()
            {
                b.add(g);
            }
        }
    }
    b.build()
        .map_err(|e| ConfigError::new(path, None, format!("invalid path patterns: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_parses_none_and_severities() {
        assert_eq!(Threshold::parse("none"), Some(Threshold::Never));
        assert_eq!(Threshold::parse("IGNORE"), Some(Threshold::Never));
        assert_eq!(
            Threshold::parse("warning"),
            Some(Threshold::At(Severity::Warning))
        );
        assert_eq!(Threshold::parse("bogus"), None);
        assert!(Threshold::At(Severity::Warning).is_reached_by(Severity::Error));
        assert!(!Threshold::At(Severity::Warning).is_reached_by(Severity::Info));
        assert!(!Threshold::Never.is_reached_by(Severity::Critical));
    }

    #[test]
    fn shellcheck_codes_are_recognised() {
        assert!(is_shellcheck_code("SC2086"));
        assert!(is_shellcheck_code("sc1091"));
        assert!(!is_shellcheck_code("SC"));
        assert!(!is_shellcheck_code("SCX1"));
        assert!(!is_shellcheck_code("DL3008"));
    }

    #[test]
    fn format_is_chosen_by_file_name() {
        assert_eq!(
            ConfigFormat::of_path(Path::new("a/bosun.toml")),
            Some(ConfigFormat::Bosun)
        );
        assert_eq!(
            ConfigFormat::of_path(Path::new(".hadolint.YML")),
            Some(ConfigFormat::Hadolint)
        );
        assert_eq!(ConfigFormat::of_path(Path::new("config.json")), None);
    }
}
