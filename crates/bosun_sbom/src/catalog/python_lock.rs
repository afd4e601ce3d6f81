//! Declared Python dependencies, for `dir:` targets (see [`Cataloguer::declared`]):
//! - `*requirements*.txt`: the lines that pin one version (`name==1.2`, `name===1.2`,
//!   extras and environment markers dropped); ranges, editable installs, options and
//!   includes name no version and are skipped, as syft and trivy skip them;
//! - `Pipfile.lock`: its `default` packages (not `develop`), versions without `==`;
//! - `poetry.lock`: every `[[package]]` (syft lists them all; trivy leaves out those
//!   only the development groups of `pyproject.toml` need, which this file alone
//!   cannot tell).

use serde::Deserialize;
use std::collections::BTreeMap;

use super::lang_common::{too_large, with_purl};
use super::{text, Cataloguer, FileMeta, Sink, DB_FILE_CAP};
use crate::model::{Package, PackageType};

/// The requirements, Pipfile.lock and poetry.lock reader.
pub struct PythonLock;

const NAME: &str = "python-lock";

/// `name==version` of one requirements line, if it pins one.
fn pinned(line: &str) -> Option<(&str, &str)> {
    // A comment starts at `#` at the line start or after whitespace.
    let line = match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    };
    let line = line.split(';').next().unwrap_or("").trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
        return None;
    }
    let (name, version) = line.split_once("===").or_else(|| line.split_once("=="))?;
    let name = name.split('[').next().unwrap_or("").trim();
    let version = version
        .trim()
        .split(|c: char| c.is_whitespace() || c == ',')
        .next()
        .unwrap_or("");
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (valid_name && !version.is_empty() && !version.contains('*')).then_some((name, version))
}

#[derive(Deserialize)]
struct Pipfile {
    #[serde(default)]
    default: BTreeMap<String, PipfileEntry>,
}

#[derive(Deserialize)]
struct PipfileEntry {
    version: Option<String>,
}

#[derive(Deserialize)]
struct Poetry {
    #[serde(default)]
    package: Vec<PoetryPackage>,
}

#[derive(Deserialize)]
struct PoetryPackage {
    name: String,
    version: String,
}

/// The three files read.
enum Kind {
    Requirements,
    Pipfile,
    Poetry,
}

fn kind(file: &FileMeta<'_>) -> Option<Kind> {
    let n = file.file_name();
    match n {
        "Pipfile.lock" => Some(Kind::Pipfile),
        "poetry.lock" => Some(Kind::Poetry),
        _ if n.ends_with(".txt") && n.contains("requirements") => Some(Kind::Requirements),
        _ => None,
    }
}

impl Cataloguer for PythonLock {
    fn name(&self) -> &'static str {
        NAME
    }

    fn declared(&self) -> bool {
        true
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        kind(file).map(|_| DB_FILE_CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        let Some(kind) = kind(file) else { return };
        if too_large(file, truncated, file.file_name(), DB_FILE_CAP, sink) {
            return;
        }
        let found: Result<Vec<(String, String)>, String> = match kind {
            Kind::Requirements => Ok(text(body)
                .lines()
                .filter_map(pinned)
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect()),
            Kind::Pipfile => serde_json::from_slice::<Pipfile>(body)
                .map_err(|e| format!("not a Pipfile.lock: {e}"))
                .map(|p| {
                    p.default
                        .into_iter()
                        .filter_map(|(n, e)| {
                            let v = e.version?;
                            Some((n, v.trim_start_matches("==").to_string()))
                        })
                        .collect()
                }),
            Kind::Poetry => std::str::from_utf8(body)
                .map_err(|e| e.to_string())
                .and_then(|t| toml::from_str::<Poetry>(t).map_err(|e| e.message().to_string()))
                .map_err(|e| format!("not a poetry.lock: {e}"))
                .map(|p| p.package.into_iter().map(|p| (p.name, p.version)).collect()),
        };
        match found {
            Ok(list) => {
                for (n, v) in list {
                    sink.package(with_purl(Package::new(PackageType::Python, n, v, NAME)));
                }
            }
            Err(e) => sink.warn(file.path, e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, body: &str) -> Sink {
        crate::catalog::offer_to(&PythonLock, path, body.as_bytes())
    }

    fn pairs(s: &Sink) -> Vec<(&str, &str)> {
        s.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect()
    }

    /// The cases syft 1.18 and trivy 0.59 agree on (`dir:` / `fs`), checked on the
    /// same files.
    #[test]
    fn requirements_pipfile_and_poetry() {
        let req = "# comment\nrequests==2.31.0\nFlask[async]==3.0.0 ; python_version >= \"3.8\"\nurllib3>=1.26\n-e git+https://github.com/x/y.git#egg=y\nnumpy == 1.26.4  # pinned\n-r other.txt\nDjango===4.2.7\nweird==1.*\n";
        let s = run("/src/requirements-dev.txt", req);
        assert_eq!(
            pairs(&s),
            [
                ("requests", "2.31.0"),
                ("Flask", "3.0.0"),
                ("numpy", "1.26.4"),
                ("Django", "4.2.7")
            ]
        );
        let pipfile = r#"{"_meta":{},"default":{"certifi":{"version":"==2023.11.17"},"idna":{"version":"==3.6"},"gitdep":{"git":"x"}},"develop":{"pytest":{"version":"==7.4.3"}}}"#;
        assert_eq!(
            pairs(&run("/src/Pipfile.lock", pipfile)),
            [("certifi", "2023.11.17"), ("idna", "3.6")]
        );
        let poetry = "[[package]]\nname = \"attrs\"\nversion = \"23.1.0\"\nfiles = []\n\n[[package]]\nname = \"pytest\"\nversion = \"7.4.3\"\n\n[package.dependencies]\nattrs = \">=19.2.0\"\n\n[metadata]\nlock-version = \"2.0\"\n";
        assert_eq!(
            pairs(&run("/src/poetry.lock", poetry)),
            [("attrs", "23.1.0"), ("pytest", "7.4.3")]
        );
        for (path, bad) in [
            ("/src/Pipfile.lock", "{\"default\": 3}"),
            ("/src/poetry.lock", "[[package]]\nname = 3\n"),
        ] {
            let s = run(path, bad);
            assert_eq!((s.packages.len(), s.warnings.len()), (0, 1), "{path}");
            assert_eq!(s.warnings[0].path, path);
        }
    }
}
