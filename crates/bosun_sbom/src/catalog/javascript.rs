//! JavaScript: installed packages (every `package.json` that names a package and a
//! version: `node_modules/**`, Debian's `/usr/share/nodejs` and `/usr/lib/nodejs`, and an
//! application's own manifest such as `/app/package.json`), and declared ones in lock files
//! (`package-lock.json` v1-v3, `yarn.lock` v1 and berry, `pnpm-lock.yaml`), which count
//! only for directory targets (see [`Cataloguer::declared`]). Development dependencies
//! marked in a lock file are left out, as syft and trivy do by default.

use super::{text, too_large, Cataloguer, FileMeta, Sink, DB_FILE_CAP, SMALL_FILE_CAP};
use crate::licenses;
use crate::model::{Package, PackageType};
use serde_json::Value;

/// `package.json` of installed packages.
pub struct NpmInstalled;
/// `package-lock.json` (and `npm-shrinkwrap.json`).
pub struct NpmLock;
/// `yarn.lock`, classic (v1) and berry.
pub struct YarnLock;
/// `pnpm-lock.yaml`, lockfile versions 5 to 9.
pub struct PnpmLock;

const FOUND_BY: &str = "javascript";

/// Every `package.json`: package roots below `node_modules` and Debian's node folders,
/// the sub-packages that packages bundle in their own folders, and an application's
/// own manifest (`/app/package.json`), which syft and trivy both report as a package
/// of the image. Only files that name a package and a version count (see
/// [`NpmInstalled::parse`]).
fn installed_manifest(path: &str) -> bool {
    path.ends_with("/package.json")
}

fn str_field<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// npm's `license` (a string, or the old `{type}` object) and `licenses` array.
fn npm_licenses(v: &Value) -> Vec<String> {
    let one = |l: &Value| match l {
        Value::String(s) => Some(s.clone()),
        Value::Object(_) => l.get("type").and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    let mut out: Vec<String> = match (v.get("license"), v.get("licenses")) {
        (Some(l), _) => one(l).into_iter().collect(),
        (None, Some(Value::Array(ls))) => ls.iter().filter_map(one).collect(),
        _ => Vec::new(),
    };
    out.retain(|l| !l.trim().is_empty());
    out.iter_mut().for_each(|l| *l = licenses::normalise(l));
    out
}

fn npm_package(name: &str, version: &str) -> Package {
    let mut p = Package::new(PackageType::Npm, name, version, FOUND_BY);
    if let Some((scope, _)) = name.split_once('/').filter(|_| name.starts_with('@')) {
        p.namespace = Some(scope.to_string());
    }
    p
}

/// The fields of an installed `package.json` that are read.
#[derive(serde::Deserialize)]
struct Manifest {
    name: Option<Value>,
    version: Option<Value>,
    license: Option<Value>,
    licenses: Option<Value>,
}

impl Cataloguer for NpmInstalled {
    fn name(&self) -> &'static str {
        FOUND_BY
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        installed_manifest(file.path).then_some(SMALL_FILE_CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if truncated {
            return too_large(file, SMALL_FILE_CAP, sink);
        }
        // Only the four fields read are built; the rest is skipped unparsed (a
        // package.json is mostly scripts, dependencies and descriptions).
        let v: Manifest = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return sink.warn(file.path, format!("not valid JSON: {e}")),
        };
        let v = Value::Object(
            [
                ("name", v.name),
                ("version", v.version),
                ("license", v.license),
                ("licenses", v.licenses),
            ]
            .into_iter()
            .filter_map(|(k, x)| Some((k.to_string(), x?)))
            .collect(),
        );
        // A package.json without a name or version (test fixtures, nested build
        // folders) is no installed package.
        let (Some(name), Some(version)) = (str_field(&v, "name"), str_field(&v, "version")) else {
            return;
        };
        let mut p = npm_package(name, version);
        p.licenses = npm_licenses(&v);
        sink.package(p);
    }
}

impl Cataloguer for NpmLock {
    fn name(&self) -> &'static str {
        "javascript-lock"
    }

    fn declared(&self) -> bool {
        true
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        let n = file.file_name();
        ((n == "package-lock.json" || n == "npm-shrinkwrap.json")
            && !super::has_component(file.path, "node_modules"))
        .then_some(DB_FILE_CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if truncated {
            return too_large(file, DB_FILE_CAP, sink);
        }
        let v: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return sink.warn(file.path, format!("not valid JSON: {e}")),
        };
        if let Some(pkgs) = v.get("packages").and_then(Value::as_object) {
            // v2 and v3: keys are install paths; "" is the project itself.
            for (key, p) in pkgs {
                if key.is_empty()
                    || p.get("link").and_then(Value::as_bool) == Some(true)
                    || p.get("dev").and_then(Value::as_bool) == Some(true)
                {
                    continue;
                }
                let Some(pos) = key.rfind("node_modules/") else {
                    continue; // a workspace folder
                };
                let name = str_field(p, "name").unwrap_or(&key[pos + "node_modules/".len()..]);
                let Some(version) = str_field(p, "version") else {
                    continue;
                };
                let mut pkg = npm_package(name, version);
                pkg.licenses = npm_licenses(p);
                sink.package(pkg);
            }
        } else if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
            // v1: a tree of `dependencies`.
            let mut stack: Vec<&serde_json::Map<String, Value>> = vec![deps];
            while let Some(level) = stack.pop() {
                for (name, d) in level {
                    if d.get("dev").and_then(Value::as_bool) == Some(true) {
                        continue;
                    }
                    if let Some(version) = str_field(d, "version") {
                        if !version.starts_with("file:") && !version.starts_with("link:") {
                            sink.package(npm_package(name, version));
                        }
                    }
                    if let Some(sub) = d.get("dependencies").and_then(Value::as_object) {
                        stack.push(sub);
                    }
                }
            }
        } else {
            sink.warn(file.path, "neither `packages` nor `dependencies`");
        }
    }
}

/// Splits `name@range` (the name may start with `@scope/`).
fn split_spec(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    Some((&spec[..at], &spec[at + 1..]))
}

impl Cataloguer for YarnLock {
    fn name(&self) -> &'static str {
        "javascript-lock"
    }

    fn declared(&self) -> bool {
        true
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        (file.file_name() == "yarn.lock" && !super::has_component(file.path, "node_modules"))
            .then_some(DB_FILE_CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if truncated {
            return too_large(file, DB_FILE_CAP, sink);
        }
        let text = text(body);
        // Both formats: an unindented header line of specs ending in `:`, then indented
        // `version "x"` (v1) or `version: x` (berry) and, in berry, `resolution:`.
        let mut name: Option<String> = None;
        let mut version: Option<String> = None;
        let mut resolution: Option<String> = None;
        let flush = |name: &mut Option<String>,
                     version: &mut Option<String>,
                     resolution: &mut Option<String>,
                     sink: &mut Sink| {
            let (n, v, r) = (name.take(), version.take(), resolution.take());
            let (Some(mut n), Some(v)) = (n, v) else {
                return;
            };
            if let Some(r) = r {
                // Berry: `name@npm:1.2.3`; workspaces and links are the project's own.
                let Some((rn, how)) = split_spec(&r) else {
                    return;
                };
                if !how.starts_with("npm:") {
                    return;
                }
                n = rn.to_string();
            }
            sink.package(npm_package(&n, &v));
        };
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(' ') {
                flush(&mut name, &mut version, &mut resolution, sink);
                if line.starts_with("__metadata") {
                    continue;
                }
                let first = line
                    .trim_end_matches(':')
                    .split(", ")
                    .next()
                    .unwrap_or("")
                    .trim_matches('"');
                name = split_spec(first).map(|(n, _)| n.to_string());
                continue;
            }
            let l = line.trim();
            let value = |rest: &str| {
                rest.trim_start_matches(':')
                    .trim()
                    .trim_matches('"')
                    .to_string()
            };
            if let Some(rest) = l.strip_prefix("version") {
                if rest.starts_with([' ', ':'])
                    && line.starts_with("  ")
                    && !line.starts_with("   ")
                {
                    version = Some(value(rest));
                }
            } else if let Some(rest) = l.strip_prefix("resolution:") {
                resolution = Some(value(rest));
            }
        }
        flush(&mut name, &mut version, &mut resolution, sink);
    }
}

impl Cataloguer for PnpmLock {
    fn name(&self) -> &'static str {
        "javascript-lock"
    }

    fn declared(&self) -> bool {
        true
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        (file.file_name() == "pnpm-lock.yaml" && !super::has_component(file.path, "node_modules"))
            .then_some(DB_FILE_CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if truncated {
            return too_large(file, DB_FILE_CAP, sink);
        }
        let doc: serde_yaml_ng::Value = match serde_yaml_ng::from_slice(body) {
            Ok(v) => v,
            Err(e) => return sink.warn(file.path, format!("not valid YAML: {e}")),
        };
        let Some(pkgs) = doc.get("packages").and_then(|p| p.as_mapping()) else {
            return;
        };
        // v5: `/name/1.2.3`; v6: `/name@1.2.3`; v9: `name@1.2.3`; peers in `(…)` or
        // after `_`.
        let v5 = doc
            .get("lockfileVersion")
            .and_then(|v| {
                v.as_f64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .is_some_and(|v| v < 6.0);
        for (key, p) in pkgs {
            let Some(key) = key.as_str() else { continue };
            if p.get("dev").and_then(|d| d.as_bool()) == Some(true) {
                continue;
            }
            let key = key.trim_start_matches('/');
            let key = key.split('(').next().unwrap_or(key);
            let parsed = if v5 {
                key.rsplit_once('/')
                    .map(|(n, v)| (n, v.split('_').next().unwrap_or(v)))
            } else {
                split_spec(key)
            };
            let Some((name, version)) = parsed else {
                continue;
            };
            if name.is_empty() || version.is_empty() || version.contains(':') {
                continue; // `link:`, `file:` and tarball entries
            }
            sink.package(npm_package(name, version));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(c: &dyn Cataloguer, path: &str, body: &str) -> Sink {
        let f = FileMeta {
            path,
            size: body.len() as u64,
            mode: 0o644,
        };
        assert!(c.wants(&f).is_some(), "{path}");
        let mut s = Sink::default();
        c.parse(&f, body.as_bytes(), false, &mut s);
        s
    }

    fn names(s: &Sink) -> Vec<(String, String)> {
        let mut v: Vec<_> = s
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn which_package_json_files_are_installed_packages() {
        for p in [
            "/app/node_modules/express/package.json",
            "/app/node_modules/@types/node/package.json",
            "/app/node_modules/a/node_modules/b/package.json",
            "/usr/share/nodejs/acorn/package.json",
            "/usr/lib/nodejs/@scope/x/package.json",
            "/usr/local/lib/node_modules/npm/package.json",
            "/app/node_modules/express/lib/package.json",
            // An application's own manifest: syft 1.18 and trivy 0.59 both report it.
            "/app/package.json",
            "/usr/share/nodejs-docs/x/package.json",
        ] {
            assert!(installed_manifest(p), "{p}");
        }
        for p in [
            "/app/package.json.bak",
            "/app/package-lock.json",
            "/app/mypackage.json",
            "/package.json/x",
        ] {
            assert!(!installed_manifest(p), "{p}");
        }
    }

    #[test]
    fn installed_package_json() {
        let s = run(
            &NpmInstalled,
            "/app/node_modules/@babel/core/package.json",
            r#"{"name":"@babel/core","version":"7.24.0","license":"MIT"}"#,
        );
        assert_eq!(s.packages[0].namespace.as_deref(), Some("@babel"));
        assert_eq!(s.packages[0].licenses, ["MIT"]);
        let s = run(
            &NpmInstalled,
            "/a/node_modules/x/package.json",
            "{\"name\":",
        );
        assert_eq!((s.packages.len(), s.warnings.len()), (0, 1));
    }

    #[test]
    fn package_lock_v1_v2_v3() {
        let v1 = r#"{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0","dependencies":{"b":{"version":"2.0.0"}}},"d":{"version":"1.0.0","dev":true}}}"#;
        assert_eq!(
            names(&run(&NpmLock, "/p/package-lock.json", v1)),
            [("a".into(), "1.0.0".into()), ("b".into(), "2.0.0".into())]
        );
        let v3 = r#"{"lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/@s/a":{"version":"1.0.0"},"node_modules/@s/a/node_modules/b":{"version":"2.0.0"},"node_modules/d":{"version":"1","dev":true},"node_modules/l":{"link":true}}}"#;
        assert_eq!(
            names(&run(&NpmLock, "/p/package-lock.json", v3)),
            [
                ("@s/a".into(), "1.0.0".into()),
                ("b".into(), "2.0.0".into())
            ]
        );
    }

    #[test]
    fn yarn_v1_and_berry() {
        let v1 = "# yarn lockfile v1\n\n\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n  version \"7.12.13\"\n  resolved \"https://x\"\n  dependencies:\n    \"@babel/highlight\" \"^7.10.4\"\n\nlodash@^4.17.21:\n  version \"4.17.21\"\n";
        assert_eq!(
            names(&run(&YarnLock, "/p/yarn.lock", v1)),
            [
                ("@babel/code-frame".into(), "7.12.13".into()),
                ("lodash".into(), "4.17.21".into())
            ]
        );
        let berry = "__metadata:\n  version: 6\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"app@workspace:.\"\n\n\"lodash@npm:^4.17.21\":\n  version: 4.17.21\n  resolution: \"lodash@npm:4.17.21\"\n";
        assert_eq!(
            names(&run(&YarnLock, "/p/yarn.lock", berry)),
            [("lodash".into(), "4.17.21".into())]
        );
    }

    #[test]
    fn pnpm_v5_v6_v9() {
        let v5 = "lockfileVersion: 5.4\npackages:\n  /a/1.0.0:\n    dev: false\n  /@s/b/2.0.0_c@1.0.0:\n    dev: false\n  /d/1.0.0:\n    dev: true\n";
        assert_eq!(
            names(&run(&PnpmLock, "/p/pnpm-lock.yaml", v5)),
            [
                ("@s/b".into(), "2.0.0".into()),
                ("a".into(), "1.0.0".into())
            ]
        );
        let v9 = "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\n  '@s/b@2.0.0(c@1.0.0)':\n    resolution: {integrity: y}\n";
        assert_eq!(
            names(&run(&PnpmLock, "/p/pnpm-lock.yaml", v9)),
            [
                ("@s/b".into(), "2.0.0".into()),
                ("a".into(), "1.0.0".into())
            ]
        );
        let v6 = "lockfileVersion: '6.0'\npackages:\n  /a@1.0.0:\n    dev: false\n";
        assert_eq!(
            names(&run(&PnpmLock, "/p/pnpm-lock.yaml", v6)),
            [("a".into(), "1.0.0".into())]
        );
    }
}
