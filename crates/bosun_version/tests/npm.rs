//! node-semver's own fixtures (`shared/corpus/version-vectors/node-semver/*.json`),
//! read as data. Each test asserts the number of cases it read.

use std::cmp::Ordering;

use bosun_version::{npm_compare, NpmOptions, NpmRange};
use serde_json::Value;

fn cases(file: &str) -> Option<Vec<Vec<Value>>> {
    let path = bosun_testkit::corpus(&format!("version-vectors/node-semver/{file}"))?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let v: Vec<Vec<Value>> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    Some(v)
}

/// JavaScript truthiness of an options value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// node-semver's third argument: `true` (loose) or an options object.
fn options(case: &[Value], at: usize) -> NpmOptions {
    match case.get(at) {
        None => NpmOptions::default(),
        Some(Value::Object(o)) => NpmOptions {
            loose: o.get("loose").is_some_and(truthy),
            include_prerelease: o.get("includePrerelease").is_some_and(truthy),
        },
        Some(v) => NpmOptions {
            loose: truthy(v),
            include_prerelease: false,
        },
    }
}

fn s(v: &Value) -> &str {
    v.as_str().expect("a string")
}

#[test]
fn node_semver_range_include() {
    let Some(cases) = cases("range-include.json") else {
        return;
    };
    let mut failures = Vec::new();
    for c in &cases {
        let (range, version, o) = (s(&c[0]), s(&c[1]), options(c, 2));
        let got = NpmRange::parse(range, o).and_then(|r| r.satisfied_by(version));
        if !matches!(got, Ok(true)) {
            failures.push(format!("{c:?}: {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases.len(), 126);
}

/// node-semver's `satisfies` is false for these; here a range or version that does
/// not parse is an `Err`, counted separately.
#[test]
fn node_semver_range_exclude() {
    let Some(cases) = cases("range-exclude.json") else {
        return;
    };
    let mut failures = Vec::new();
    let mut unparsable = Vec::new();
    let mut not_strings = 0;
    for c in &cases {
        // `satisfies(false, ">=2")`: not a version at all.
        if !c[1].is_string() {
            not_strings += 1;
            continue;
        }
        let (range, version, o) = (s(&c[0]), s(&c[1]), options(c, 2));
        match NpmRange::parse(range, o).and_then(|r| r.satisfied_by(version)) {
            Ok(false) => {}
            Ok(true) => failures.push(format!("{c:?}: satisfied")),
            Err(e) => unparsable.push(e.to_string()),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases.len(), 98);
    assert_eq!(not_strings, 1);
    // The two fixture versions that are not versions at all.
    assert_eq!(
        unparsable,
        [
            "invalid semver version \"not a version\": not an npm version",
            "invalid semver version \"glorp\": not an npm version",
        ],
        "unparsable cases"
    );
}

#[test]
fn node_semver_comparisons() {
    let Some(cases) = cases("comparisons.json") else {
        return;
    };
    for c in &cases {
        let (a, b, o) = (s(&c[0]), s(&c[1]), options(c, 2));
        assert_eq!(npm_compare(a, b, o), Ok(Ordering::Greater), "{c:?}");
        assert_eq!(npm_compare(b, a, o), Ok(Ordering::Less), "{c:?}");
    }
    assert_eq!(cases.len(), 31);
}

#[test]
fn node_semver_equality() {
    let Some(cases) = cases("equality.json") else {
        return;
    };
    for c in &cases {
        let (a, b, o) = (s(&c[0]), s(&c[1]), options(c, 2));
        assert_eq!(npm_compare(a, b, o), Ok(Ordering::Equal), "{c:?}");
        assert_eq!(npm_compare(b, a, o), Ok(Ordering::Equal), "{c:?}");
    }
    assert_eq!(cases.len(), 37);
}

/// `[version, major, minor, patch, prerelease, build]`: the version equals the one
/// rebuilt from its expected parts.
#[test]
fn node_semver_valid_versions() {
    let Some(cases) = cases("valid-versions.json") else {
        return;
    };
    for c in &cases {
        let pre: Vec<String> = c[4]
            .as_array()
            .expect("prerelease list")
            .iter()
            .map(|p| match p {
                Value::String(x) => x.clone(),
                other => other.to_string(),
            })
            .collect();
        let mut rebuilt = format!("{}.{}.{}", c[1], c[2], c[3]);
        if !pre.is_empty() {
            rebuilt = format!("{rebuilt}-{}", pre.join("."));
        }
        let o = NpmOptions::default();
        assert_eq!(
            npm_compare(s(&c[0]), &rebuilt, o),
            Ok(Ordering::Equal),
            "{c:?}"
        );
    }
    assert_eq!(cases.len(), 22);
}

fn outside(file: &str, above_range: bool, want: bool, expected: usize) {
    let Some(cases) = cases(file) else {
        return;
    };
    let mut failures = Vec::new();
    for c in &cases {
        let (range, version, o) = (s(&c[0]), s(&c[1]), options(c, 2));
        let got = NpmRange::parse(range, o).and_then(|r| {
            if above_range {
                r.is_below(version)
            } else {
                r.is_above(version)
            }
        });
        if got != Ok(want) {
            failures.push(format!("{c:?}: {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{file}:\n{}", failures.join("\n"));
    assert_eq!(cases.len(), expected, "{file}");
}

#[test]
fn node_semver_gtr() {
    outside("version-gt-range.json", true, true, 56);
}

#[test]
fn node_semver_ltr() {
    outside("version-lt-range.json", false, true, 58);
}

#[test]
fn node_semver_not_gtr() {
    outside("version-not-gt-range.json", true, false, 80);
}

#[test]
fn node_semver_not_ltr() {
    outside("version-not-lt-range.json", false, false, 83);
}
