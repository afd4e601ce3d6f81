//! `.hadolint.yaml`: hadolint's configuration, read when there is no bosun config.
//!
//! Every key hadolint documents is accepted; keys that only concern hadolint's output
//! (`format`, `formats`, `no-color`, `verbose`) are read and ignored. Unknown keys are
//! an error (a typo must not silently disable a setting). Rule codes bosun does not
//! have give a warning, not an error, so that an existing hadolint setup keeps working.

use super::{
    is_known_rule_name, Config, ConfigError, ConfigFormat, LabelType, RuleSelection, Settings,
    Threshold,
};
use crate::runner::SeverityOverride;
use bosun_diagnostics::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    failure_threshold: Option<String>,
    #[allow(dead_code)] // hadolint output setting; bosun has its own --format
    format: Option<String>,
    #[allow(dead_code)]
    formats: Option<Vec<String>>,
    #[serde(default)]
    ignored: Vec<String>,
    #[serde(default, rename = "override")]
    overrides: Overrides,
    #[serde(default, rename = "trustedRegistries")]
    trusted_registries: OneOrMany,
    #[serde(default)]
    label_schema: BTreeMap<String, LabelType>,
    #[serde(default)]
    strict_labels: bool,
    #[serde(default)]
    disable_ignore_pragma: bool,
    #[serde(default)]
    no_fail: bool,
    #[allow(dead_code)]
    no_color: Option<bool>,
    #[allow(dead_code)]
    verbose: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overrides {
    #[serde(default)]
    error: Vec<String>,
    #[serde(default)]
    warning: Vec<String>,
    #[serde(default)]
    info: Vec<String>,
    #[serde(default)]
    style: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
}

/// hadolint accepts `trustedRegistries: docker.io` as well as a list.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// 1-based line and column of the first occurrence of `needle` in `text`, to point a
/// message at a value (the YAML parser gives positions only for syntax errors).
fn find(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.find(needle).map(|at| super::line_col(text, at))
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---"
    })
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let file: File = if is_blank(text) {
        File::default()
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| {
            let pos = e.location().map(|l| (l.line(), l.column()));
            // The message carries "at line X column Y" already; keep only what is wrong.
            let msg = e.to_string();
            let msg = match msg.find(" at line ") {
                Some(i) if pos.is_some() => msg[..i].to_string(),
                _ => msg,
            };
            ConfigError::new(path, pos, msg)
        })?
    };

    let mut warnings = Vec::new();
    let mut keep = |name: String| -> Option<String> {
        if is_known_rule_name(&name) {
            Some(name)
        } else {
            let at = find(text, &name)
                .map(|(l, c)| format!(":{l}:{c}"))
                .unwrap_or_default();
            warnings.push(format!(
                "{}{at}: bosun has no rule `{name}`; the setting is ignored",
                path.display()
            ));
            None
        }
    };

    let ignore: Vec<String> = file.ignored.into_iter().filter_map(&mut keep).collect();
    let mut severity = Vec::new();
    for (list, level) in [
        (file.overrides.error, SeverityOverride::Set(Severity::Error)),
        (
            file.overrides.warning,
            SeverityOverride::Set(Severity::Warning),
        ),
        (file.overrides.info, SeverityOverride::Set(Severity::Info)),
        (file.overrides.style, SeverityOverride::Set(Severity::Style)),
        (file.overrides.ignore, SeverityOverride::Off),
    ] {
        for name in list.into_iter().filter_map(&mut keep) {
            severity.push((name, level));
        }
    }

    let failure_threshold = match file.failure_threshold {
        None => None,
        Some(t) => Some(Threshold::parse(&t).ok_or_else(|| {
            ConfigError::new(
                path,
                find(text, "failure-threshold"),
                format!(
                    "unknown failure-threshold `{t}` (expected error, warning, info, style, ignore or none)"
                ),
            )
        })?),
    };

    Ok(Config {
        path: Some(path.to_path_buf()),
        format: Some(ConfigFormat::Hadolint),
        rules: RuleSelection {
            select: Vec::new(),
            ignore,
            severity,
        },
        failure_threshold,
        no_fail: file.no_fail,
        settings: Settings {
            trusted_registries: file.trusted_registries.into_vec(),
            label_schema: file.label_schema.into_iter().collect(),
            strict_labels: file.strict_labels,
            disable_ignore_pragma: file.disable_ignore_pragma,
            shellcheck_exclude: Vec::new(),
        },
        overrides: Vec::new(),
        warnings,
    })
}
