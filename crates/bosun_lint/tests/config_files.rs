//! bosun.toml and .hadolint.yaml: parsing, errors with positions, discovery, overrides.

use bosun_diagnostics::Severity;
use bosun_lint::config::{self, ConfigFormat, LabelType, Places, Threshold};
use bosun_lint::SeverityOverride;
use std::path::{Path, PathBuf};

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn bosun_toml_full_example() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bosun.toml",
        r#"
failure-threshold = "warning"
disable-ignore-pragma = true
trusted-registries = ["docker.io", "*.gcr.io"]

[rules]
select = ["ALL"]
ignore = ["DL3008", "JSONArgsRecommended", "SC2086"]

[rules.severity]
DL3059 = "off"
StageNameCasing = "error"

[labels]
strict = true
[labels.schema]
"org.opencontainers.image.source" = "url"
version = "semver"

[[overrides]]
paths = ["legacy/**"]
ignore = ["DL3003"]
severity = { DL3047 = "error" }
"#,
    );
    let c = config::load(&p).unwrap();
    assert_eq!(c.format, Some(ConfigFormat::Bosun));
    assert_eq!(c.failure_threshold, Some(Threshold::At(Severity::Warning)));
    assert!(c.settings.disable_ignore_pragma);
    assert!(c.settings.strict_labels);
    assert_eq!(c.settings.trusted_registries, ["docker.io", "*.gcr.io"]);
    assert_eq!(
        c.settings.label_schema,
        vec![
            (
                "org.opencontainers.image.source".to_string(),
                LabelType::Url
            ),
            ("version".to_string(), LabelType::Semver)
        ]
    );

    let top = c.options_for(&dir.path().join("Dockerfile"));
    assert_eq!(top.select, ["ALL"]);
    // The BuildKit name of a check is kept (it is the BK rule's alias) and the DL codes that
    // answer to it are added (hadolint's twin, DL3025); SC codes go to ShellCheck.
    assert_eq!(top.ignore, ["DL3008", "JSONArgsRecommended", "DL3025"]);
    assert_eq!(top.settings.shellcheck_exclude, ["SC2086"]);
    assert!(top
        .severity
        .contains(&("DL3059".to_string(), SeverityOverride::Off)));
    assert!(top.severity.contains(&(
        "StageNameCasing".to_string(),
        SeverityOverride::Set(Severity::Error)
    )));

    let legacy = c.options_for(&dir.path().join("legacy/app/Dockerfile"));
    assert_eq!(
        legacy.ignore,
        ["DL3008", "JSONArgsRecommended", "DL3025", "DL3003"]
    );
    assert_eq!(
        legacy.severity.last(),
        Some(&("DL3047".to_string(), SeverityOverride::Set(Severity::Error)))
    );
    let other = c.options_for(&dir.path().join("legacyx/Dockerfile"));
    assert!(!other.ignore.contains(&"DL3003".to_string()));
}

#[test]
fn bosun_toml_errors_name_file_line_and_column() {
    let cases = [
        ("[rules]\nselec = [\"DL3008\"]\n", 2, "unknown field"),
        (
            "[rules]\nignore = [\"DL9999\"]\n",
            2,
            "unknown rule `DL9999`",
        ),
        (
            "[rules.severity]\nDL3008 = \"loud\"\n",
            2,
            "unknown severity `loud`",
        ),
        (
            "failure-threshold = \"sometimes\"\n",
            1,
            "unknown failure threshold",
        ),
        ("[labels.schema]\nx = \"colour\"\n", 2, "unknown variant"),
        ("[rules\n", 1, ""),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (text, line, needle) in cases {
        let p = write(dir.path(), "bosun.toml", text);
        let err = config::load(&p).expect_err(text);
        let shown = err.to_string();
        let prefix = format!("{}:{line}:", p.display());
        assert!(
            shown.starts_with(&prefix),
            "{shown:?} should start with {prefix:?}"
        );
        assert!(
            shown.contains(needle),
            "{shown:?} should mention {needle:?}"
        );
    }
}

#[test]
fn hadolint_yaml_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        ".hadolint.yaml",
        "failure-threshold: error\nignored:\n  - DL3008\n  - SC2086\n  - DL3005\noverride:\n  error: [DL3015]\n  style:\n    - DL3059\ntrustedRegistries: my-company.com:5000\nlabel-schema:\n  author: text\n  created: rfc3339\nstrict-labels: true\nno-fail: true\nformat: json\n",
    );
    let c = config::load(&p).unwrap();
    assert_eq!(c.format, Some(ConfigFormat::Hadolint));
    assert_eq!(c.failure_threshold, Some(Threshold::At(Severity::Error)));
    assert!(c.no_fail);
    assert_eq!(c.settings.trusted_registries, ["my-company.com:5000"]);
    assert_eq!(c.settings.label_schema.len(), 2);
    // DL3005 was removed from hadolint and is not a bosun rule: a warning, not an error.
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(
        c.warnings[0].contains("DL3005") && c.warnings[0].contains(":5:"),
        "{:?}",
        c.warnings
    );
    let o = c.options_for(&dir.path().join("Dockerfile"));
    assert_eq!(o.ignore, ["DL3008"]);
    assert_eq!(o.settings.shellcheck_exclude, ["SC2086"]);
    assert!(o
        .severity
        .contains(&("DL3015".to_string(), SeverityOverride::Set(Severity::Error))));
    assert!(o
        .severity
        .contains(&("DL3059".to_string(), SeverityOverride::Set(Severity::Style))));
}

#[test]
fn hadolint_yaml_errors_have_positions() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        ".hadolint.yml",
        "ignored:\n  - DL3008\nignroed: [DL3009]\n",
    );
    let e = config::load(&p).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}:3:", p.display())), "{e}");
    assert!(e.contains("ignroed"), "{e}");
    let p = write(dir.path(), ".hadolint.yml", "ignored: [DL3008\n");
    let e = config::load(&p).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}:", p.display())), "{e}");
    let p = write(dir.path(), ".hadolint.yml", "failure-threshold: loud\n");
    let e = config::load(&p).unwrap_err().to_string();
    assert!(e.contains(":1:") && e.contains("loud"), "{e}");
    // An empty file (or only comments) is an empty config.
    let p = write(dir.path(), ".hadolint.yml", "# nothing yet\n");
    assert!(config::load(&p).unwrap().rules.ignore.is_empty());
}

#[test]
fn discovery_prefers_the_nearest_bosun_toml_then_hadolint() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let places = |start: &Path, home: Option<&Path>| Places {
        start: start.to_path_buf(),
        home: home.map(Path::to_path_buf),
        xdg_config_home: None,
        ceiling: Some(root.to_path_buf()),
    };
    let deep = root.join("a/b/c");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(config::discover_in(&places(&deep, None)), None);

    let home = root.join("home");
    let user = write(&home, ".config/hadolint.yaml", "ignored: []\n");
    let found = config::discover_in(&places(&deep, Some(&home))).unwrap();
    assert_eq!(found.path, user);

    let hl = write(root, "a/.hadolint.yaml", "ignored: []\n");
    assert_eq!(
        config::discover_in(&places(&deep, Some(&home)))
            .unwrap()
            .path,
        hl
    );

    // A bosun.toml anywhere upward wins over a nearer .hadolint.yaml.
    let top = write(root, "bosun.toml", "");
    let found = config::discover_in(&places(&deep, Some(&home))).unwrap();
    assert_eq!(found.path, top);
    assert_eq!(found.format, ConfigFormat::Bosun);
    let near = write(root, "a/b/bosun.toml", "");
    assert_eq!(
        config::discover_in(&places(&deep, None)).unwrap().path,
        near
    );
}

#[test]
fn config_cache_discovers_per_file_and_honours_an_explicit_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a/bosun.toml",
        "[rules]\nignore = [\"DL3008\"]\n",
    );
    write(dir.path(), "a/Dockerfile", "FROM x\n");
    let cache = config::ConfigCache::new(None).unwrap();
    let c1 = cache
        .for_file(Some(&dir.path().join("a/Dockerfile")))
        .unwrap();
    let c2 = cache
        .for_file(Some(&dir.path().join("a/sub/Dockerfile")))
        .unwrap();
    assert_eq!(c1.path.as_deref(), Some(a.as_path()));
    assert!(std::sync::Arc::ptr_eq(&c1, &c2), "read once");
    let other = write(dir.path(), "other.yaml", "ignored: [DL3059]\n");
    let cache = config::ConfigCache::new(Some(&other)).unwrap();
    let c = cache
        .for_file(Some(&dir.path().join("a/Dockerfile")))
        .unwrap();
    assert_eq!(c.path.as_deref(), Some(other.as_path()));
    let bad = write(dir.path(), "bad.toml", "nope = 1\n");
    let e = config::ConfigCache::new(Some(&bad))
        .unwrap_err()
        .to_string();
    assert!(e.contains("bad.toml:1:1"), "{e}");
}
