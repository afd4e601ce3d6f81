//! Every scheme takes any input without panicking, and its order is consistent:
//! every version string of the corpus is parsed in every scheme (most of them
//! foreign to it), and the results are compared with each other.

use std::cmp::Ordering;

use bosun_version::{npm_satisfies, NpmOptions, NpmRange, Scheme, Version};

/// Every distinct version string in the known-answer files.
fn corpus_versions() -> Option<Vec<String>> {
    let dir = bosun_testkit::corpus("version-vectors/osv-scalibr")?;
    let mut all = std::collections::BTreeSet::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    for p in names {
        let text = std::fs::read_to_string(&p).expect("readable vector file");
        for line in text.lines() {
            if line.starts_with("# ") || line.starts_with("// ") {
                continue;
            }
            let parts: Vec<&str> = line.split(' ').collect();
            if parts.len() == 3 {
                all.insert(parts[0].to_string());
                all.insert(parts[2].to_string());
            }
        }
    }
    Some(all.into_iter().collect())
}

fn hostile() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "\0",
        "\n",
        "\u{1b}[31m",
        "ÿ",
        "日本",
        "1.",
        ".",
        "..",
        "-",
        "--",
        "+",
        "~",
        "^",
        ":",
        "::",
        "1:",
        ":1",
        "1-",
        "-1",
        "v",
        "V",
        "go",
        "go1",
        "gox",
        "1!",
        "!1",
        "1+",
        "1.0+",
        "1.0-",
        "1.0_",
        "1.0~",
        "1.0^",
        "1..0",
        "0x10",
        "1e10",
        "+1",
        "1 2",
        "1\t2",
        "#",
        "1.2.3.#",
        "*",
        "x",
        "1.x",
        "latest",
        "1.0.0-α",
        "1.٣",
        "١.٢",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("9".repeat(1000));
    v.push("1.".repeat(500));
    v.push("1-".repeat(500));
    v.push("a".repeat(1025));
    v.push("0.".repeat(511) + "1");
    v
}

fn check_consistency(scheme: Scheme, inputs: &[String]) -> (usize, Vec<String>) {
    let parsed: Vec<Version> = inputs
        .iter()
        .filter_map(|s| Version::parse(scheme, s).ok())
        .collect();
    let mut problems = Vec::new();
    for (k, a) in parsed.iter().enumerate() {
        if a.cmp(a) != Ordering::Equal {
            problems.push(format!("{scheme}: {a} != itself"));
        }
        // Each version against a spread of about 4 others.
        let step = (parsed.len() / 4).max(1);
        for b in parsed.iter().skip(k % step).step_by(step) {
            if a.cmp(b) != b.cmp(a).reverse() {
                problems.push(format!("{scheme}: {a} vs {b} is not antisymmetric"));
            }
        }
    }
    (parsed.len(), problems)
}

#[test]
fn every_scheme_takes_hostile_input() {
    let inputs = hostile();
    for scheme in Scheme::ALL {
        let (_, problems) = check_consistency(scheme, &inputs);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        for s in &inputs {
            if let Err(e) = Version::parse(scheme, s) {
                let line = e.to_string();
                assert!(
                    !line.contains('\n') && !line.contains('\u{1b}') && line.len() < 300,
                    "{line:?}"
                );
            }
        }
    }
    // Nothing longer than the limit parses.
    for scheme in Scheme::ALL {
        assert!(Version::parse(scheme, &"1".repeat(1025)).is_err());
    }
}

#[test]
fn npm_ranges_take_hostile_input() {
    let mut ranges = hostile();
    ranges.extend(
        [
            "||",
            "|| ||",
            " - ",
            "1 - ",
            " - 2",
            "^",
            "~>",
            ">=",
            "<",
            "><",
            ">=<1",
            "1 || ",
            "x - x",
            "~ ~1",
            "^^1",
            ">= >= 1",
            "1.2.3 - 2.3.4 - 3",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    ranges.push("1 || ".repeat(800));
    ranges.push("1.2.3 - ".repeat(500));
    let mut parsed = 0;
    for r in &ranges {
        for o in [
            NpmOptions::default(),
            NpmOptions {
                loose: true,
                include_prerelease: true,
            },
        ] {
            if let Ok(range) = NpmRange::parse(r, o) {
                parsed += 1;
                for v in ["1.2.3", "0.0.0-0", "v1.0.0", "junk"] {
                    let _ = range.satisfied_by(v);
                    let _ = range.is_above(v);
                    let _ = range.is_below(v);
                }
            }
        }
        let _ = npm_satisfies(r, "1.2.3");
    }
    // Empty and blank ranges, `*`, `x`, `1`, `1.x` and the like are ranges.
    assert!(parsed > 0);
}

#[test]
fn every_corpus_version_in_every_scheme() {
    let Some(inputs) = corpus_versions() else {
        return;
    };
    assert_eq!(inputs.len(), 53486, "distinct corpus versions");
    // Every fourth one keeps this test at about a second of CPU in a debug build.
    let inputs: Vec<String> = inputs.into_iter().step_by(4).collect();
    let mut all_problems = Vec::new();
    for scheme in Scheme::ALL {
        let (_, problems) = check_consistency(scheme, &inputs);
        all_problems.extend(problems);
    }
    assert!(
        all_problems.is_empty(),
        "{} problems:\n{}",
        all_problems.len(),
        all_problems
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// OSV writes `introduced: "0"` for "from the first version": every scheme reads it.
#[test]
fn zero_parses_in_every_scheme() {
    for scheme in Scheme::ALL {
        let zero = Version::parse(scheme, "0").unwrap_or_else(|e| panic!("{e}"));
        let one = Version::parse(scheme, "1.0").unwrap_or_else(|e| panic!("{e}"));
        assert!(zero < one, "{scheme}");
    }
}

/// `slice::sort` may panic on an order that is not total. Every scheme but Maven and
/// Packagist sorts all the corpus's versions with it; Maven's order is not total
/// (neither is Maven's own `ComparableVersion`), nor is PHP's `version_compare` on
/// odd tails, and `sort_versions` sorts those without panicking.
#[test]
fn sorting_never_meets_a_contradiction() {
    let Some(inputs) = corpus_versions() else {
        return;
    };
    let inputs: Vec<String> = inputs.into_iter().step_by(4).collect();
    for scheme in Scheme::ALL {
        let mut parsed: Vec<Version> = inputs
            .iter()
            .filter_map(|s| Version::parse(scheme, s).ok())
            .collect();
        let mut safe = parsed.clone();
        bosun_version::sort_versions(&mut safe);
        if matches!(scheme, Scheme::Maven | Scheme::Packagist) {
            continue;
        }
        let sorted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parsed.sort()));
        assert!(sorted.is_ok(), "{scheme}: slice::sort met a contradiction");
        assert!(
            parsed.windows(2).all(|w| w[0] <= w[1]),
            "{scheme}: sorted order is inconsistent"
        );
        let same = parsed
            .iter()
            .zip(&safe)
            .all(|(a, b)| a.cmp(b) == Ordering::Equal);
        assert!(same, "{scheme}: sort_versions differs from slice::sort");
    }
}
