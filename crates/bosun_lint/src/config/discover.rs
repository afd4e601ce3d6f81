//! Finding the config file that applies to a Dockerfile.

use super::ConfigFormat;
use std::path::{Path, PathBuf};

/// bosun's own file names, looked for in each directory (first wins).
pub const BOSUN_NAMES: [&str; 2] = ["bosun.toml", ".bosun.toml"];
/// hadolint's file names, looked for in each directory when no bosun config exists.
pub const HADOLINT_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// A config file found by discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub path: PathBuf,
    pub format: ConfigFormat,
}

/// Where to look: the directory to start from, the environment's home and XDG config
/// directories, and (for tests) a directory above which the upward search stops.
#[derive(Debug, Clone, Default)]
pub struct Places {
    pub start: PathBuf,
    pub home: Option<PathBuf>,
    pub xdg_config_home: Option<PathBuf>,
    /// Stop the upward search after this directory (inclusive). `None`: the root.
    pub ceiling: Option<PathBuf>,
}

/// The config for the Dockerfile at `dockerfile` (or for stdin when `None`, starting
/// at the current directory), read from the real environment (`HOME`,
/// `XDG_CONFIG_HOME`).
pub fn discover(dockerfile: Option<&Path>) -> Option<Discovered> {
    discover_from(start_dir(dockerfile)?)
}

/// Where discovery for `dockerfile` starts: its directory (absolute), or the current
/// directory for standard input.
pub fn start_dir(dockerfile: Option<&Path>) -> Option<PathBuf> {
    Some(match dockerfile {
        Some(f) => {
            let abs = std::path::absolute(f).unwrap_or_else(|_| f.to_path_buf());
            abs.parent().map(Path::to_path_buf).unwrap_or(abs)
        }
        None => std::env::current_dir().ok()?,
    })
}

/// [`discover`] from a start directory, with the real environment.
pub fn discover_from(start: PathBuf) -> Option<Discovered> {
    let env_dir = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    discover_in(&Places {
        start,
        home: env_dir("HOME"),
        xdg_config_home: env_dir("XDG_CONFIG_HOME"),
        ceiling: None,
    })
}

/// Discovery over explicit places:
///
/// 1. the nearest `bosun.toml` / `.bosun.toml` from `start` upward;
/// 2. else the nearest `.hadolint.yaml` / `.hadolint.yml` from `start` upward;
/// 3. else hadolint's per-user files: `$XDG_CONFIG_HOME/hadolint.yaml`,
///    `~/.config/hadolint.yaml`, `~/.hadolint/hadolint.yaml`, `~/hadolint/config.yaml`,
///    `~/.hadolint.yaml` (each also as `.yml`).
pub fn discover_in(places: &Places) -> Option<Discovered> {
    let upward = |names: &[&str]| -> Option<PathBuf> {
        for dir in places.start.ancestors() {
            for name in names {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
            if places.ceiling.as_deref() == Some(dir) {
                break;
            }
        }
        None
    };
    if let Some(path) = upward(&BOSUN_NAMES) {
        return Some(Discovered {
            path,
            format: ConfigFormat::Bosun,
        });
    }
    if let Some(path) = upward(&HADOLINT_NAMES) {
        return Some(Discovered {
            path,
            format: ConfigFormat::Hadolint,
        });
    }
    let mut user: Vec<PathBuf> = Vec::new();
    let xdg = places
        .xdg_config_home
        .clone()
        .or_else(|| places.home.as_ref().map(|h| h.join(".config")));
    if let Some(x) = xdg {
        user.push(x.join("hadolint.yaml"));
        user.push(x.join("hadolint.yml"));
    }
    if let Some(h) = &places.home {
        for rel in [
            ".config/hadolint.yaml",
            ".config/hadolint.yml",
            ".hadolint/hadolint.yaml",
            ".hadolint/hadolint.yml",
            "hadolint/config.yaml",
            "hadolint/config.yml",
            ".hadolint.yaml",
            ".hadolint.yml",
        ] {
            user.push(h.join(rel));
        }
    }
    user.into_iter()
        .find(|p| p.is_file())
        .map(|path| Discovered {
            path,
            format: ConfigFormat::Hadolint,
        })
}
