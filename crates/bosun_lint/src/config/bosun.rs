//! `bosun.toml`: bosun's own configuration format (see `docs/configuration.md`).

use super::{
    build_matcher, is_known_rule_name, line_col, parse_severity_override, Config, ConfigError,
    ConfigFormat, LabelType, Override, RuleSelection, Settings, Threshold,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

type Name = Spanned<String>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    failure_threshold: Option<Spanned<String>>,
    #[serde(default)]
    no_fail: bool,
    #[serde(default)]
    disable_ignore_pragma: bool,
    #[serde(default)]
    trusted_registries: Vec<String>,
    #[serde(default)]
    rules: Rules,
    #[serde(default)]
    labels: Labels,
    #[serde(default)]
    overrides: Vec<OverrideFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rules {
    #[serde(default)]
    select: Vec<Name>,
    #[serde(default)]
    ignore: Vec<Name>,
    #[serde(default)]
    severity: BTreeMap<Name, Name>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    #[serde(default)]
    strict: bool,
    /// Label name -> value type. Kept in file order is not possible with a map; sorted.
    #[serde(default)]
    schema: BTreeMap<String, LabelType>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideFile {
    paths: Vec<Name>,
    #[serde(default)]
    select: Vec<Name>,
    #[serde(default)]
    ignore: Vec<Name>,
    #[serde(default)]
    severity: BTreeMap<Name, Name>,
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let file: File = toml::from_str(text).map_err(|e| {
        let pos = e.span().map(|s| line_col(text, s.start));
        ConfigError::new(path, pos, e.message().trim_end().to_string())
    })?;

    let pos = |s: &Name| Some(line_col(text, s.span().start));
    let names = |list: Vec<Name>| -> Result<Vec<String>, ConfigError> {
        list.into_iter()
            .map(|n| {
                if is_known_rule_name(n.get_ref()) {
                    Ok(n.into_inner())
                } else {
                    Err(ConfigError::new(
                        path,
                        pos(&n),
                        format!(
                            "unknown rule `{}` (see `bosun rules` for the codes, names and aliases)",
                            n.get_ref()
                        ),
                    ))
                }
            })
            .collect()
    };
    let severities = |map: BTreeMap<Name, Name>| {
        let mut out = Vec::new();
        for (k, v) in map {
            if !is_known_rule_name(k.get_ref()) {
                return Err(ConfigError::new(
                    path,
                    pos(&k),
                    format!("unknown rule `{}` in a severity table", k.get_ref()),
                ));
            }
            let Some(o) = parse_severity_override(v.get_ref()) else {
                return Err(ConfigError::new(
                    path,
                    pos(&v),
                    format!(
                        "unknown severity `{}` (expected style, info, low, warning, error, critical or off)",
                        v.get_ref()
                    ),
                ));
            };
            out.push((k.into_inner(), o));
        }
        Ok(out)
    };

    let failure_threshold = match file.failure_threshold {
        None => None,
        Some(t) => Some(Threshold::parse(t.get_ref()).ok_or_else(|| {
            ConfigError::new(
                path,
                pos(&t),
                format!(
                    "unknown failure threshold `{}` (expected style, info, low, warning, error, critical or none)",
                    t.get_ref()
                ),
            )
        })?),
    };

    let rules = RuleSelection {
        select: names(file.rules.select)?,
        ignore: names(file.rules.ignore)?,
        severity: severities(file.rules.severity)?,
    };

    let mut overrides = Vec::new();
    for o in file.overrides {
        if o.paths.is_empty() {
            return Err(ConfigError::new(
                path,
                None,
                "an [[overrides]] entry needs a non-empty `paths` list",
            ));
        }
        let patterns: Vec<(String, Option<(usize, usize)>)> = o
            .paths
            .iter()
            .map(|p| (p.get_ref().clone(), pos(p)))
            .collect();
        let matcher = build_matcher(path, &patterns)?;
        overrides.push(Override {
            paths: patterns.into_iter().map(|(p, _)| p).collect(),
            matcher,
            rules: RuleSelection {
                select: names(o.select)?,
                ignore: names(o.ignore)?,
                severity: severities(o.severity)?,
            },
        });
    }

    Ok(Config {
        path: Some(path.to_path_buf()),
        format: Some(ConfigFormat::Bosun),
        rules,
        failure_threshold,
        no_fail: file.no_fail,
        settings: Settings {
            trusted_registries: file.trusted_registries,
            label_schema: file.labels.schema.into_iter().collect(),
            strict_labels: file.labels.strict,
            disable_ignore_pragma: file.disable_ignore_pragma,
            shellcheck_exclude: Vec::new(),
        },
        overrides,
        warnings: Vec::new(),
    })
}
