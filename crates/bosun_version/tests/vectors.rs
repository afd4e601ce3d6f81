//! Known-answer files from `shared/corpus/version-vectors/`, read as data. Each test
//! asserts the exact number of cases it read, so a reader that reads nothing fails.

use std::cmp::Ordering;

use bosun_version::{compare, Scheme};

fn read(rel: &str) -> Option<String> {
    let path = bosun_testkit::corpus(&format!("version-vectors/{rel}"))?;
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn op(s: &str) -> Ordering {
    match s {
        "<" => Ordering::Less,
        "=" => Ordering::Equal,
        ">" => Ordering::Greater,
        _ => panic!("unknown comparator {s:?}"),
    }
}

/// osv-scalibr's format: `a <op> b` per line; blank lines and lines starting with
/// `# ` or `// ` are comments. Checks both `a ? b` and `b ? a`; returns the number of
/// lines read and the failures.
fn run_scalibr(scheme: Scheme, file: &str) -> Option<(usize, Vec<String>)> {
    let text = read(&format!("osv-scalibr/{file}"))?;
    let mut n = 0;
    let mut failures = Vec::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with("# ") || line.starts_with("// ") {
            continue;
        }
        n += 1;
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 3, "{file}: malformed line {line:?}");
        let (a, want, b) = (parts[0], op(parts[1]), parts[2]);
        match (compare(scheme, a, b), compare(scheme, b, a)) {
            (Ok(x), Ok(y)) if x == want && y == want.reverse() => {}
            (x, y) => failures.push(format!("{line}: got {x:?} / reversed {y:?}")),
        }
    }
    Some((n, failures))
}

fn check(scheme: Scheme, file: &str, expected_cases: usize) {
    check_except(scheme, file, expected_cases, &[]);
}

/// Like [`check`], where the listed lines are known to be answered otherwise (each
/// with its reason at the call): exactly those lines, and no other, may fail.
fn check_except(scheme: Scheme, file: &str, expected_cases: usize, known: &[&str]) {
    let Some((n, failures)) = run_scalibr(scheme, file) else {
        return;
    };
    let unexpected: Vec<&String> = failures
        .iter()
        .filter(|f| !known.iter().any(|k| f.starts_with(&format!("{k}: "))))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{file}: {} of {n} failed:\n{}",
        unexpected.len(),
        unexpected
            .iter()
            .take(30)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        failures.len(),
        known.len(),
        "{file}: known differences: {failures:?}"
    );
    assert_eq!(n, expected_cases, "{file}: number of cases read");
}

#[test]
fn scalibr_debian() {
    check(Scheme::Dpkg, "debian-versions.txt", 30);
}

#[test]
fn scalibr_debian_generated() {
    check(Scheme::Dpkg, "debian-versions-generated.txt", 14442);
}

#[test]
fn scalibr_redhat() {
    check(Scheme::Rpm, "redhat-versions.txt", 165);
}

/// One line is answered otherwise: the file's own comment says apk-tools answers
/// `<` (latest) or `>` (3.x), never `=`; an `=` there cannot be part of a total order
/// together with the file's other answers (`1-ruff2 = 1-ruff1`, `6.6.2p1 < 6.6.2p2`),
/// and `Ord` must be total so that sorting versions never panics. This crate answers
/// `>`, as apk-tools 3.x does.
#[test]
fn scalibr_alpine() {
    check_except(
        Scheme::Apk,
        "alpine-versions.txt",
        778,
        &["1-ruff2 = 1--ruff1"],
    );
}

#[test]
fn scalibr_alpine_generated() {
    check(Scheme::Apk, "alpine-versions-generated.txt", 13979);
}

#[test]
fn scalibr_semver() {
    check(Scheme::SemVer, "semver-versions.txt", 86);
}

#[test]
fn scalibr_semver_as_go() {
    check(Scheme::Go, "semver-versions.txt", 86);
}

#[test]
fn scalibr_pypi() {
    check(Scheme::Pep440, "pypi-versions.txt", 37);
}

#[test]
fn scalibr_pypi_generated() {
    check(Scheme::Pep440, "pypi-versions-generated.txt", 12375);
}

#[test]
fn scalibr_maven() {
    check(Scheme::Maven, "maven-versions.txt", 102);
}

#[test]
fn scalibr_maven_generated() {
    check(Scheme::Maven, "maven-versions-generated.txt", 14752);
}

#[test]
fn scalibr_nuget() {
    check(Scheme::NuGet, "nuget-versions.txt", 35);
}

#[test]
fn scalibr_rubygems() {
    check(Scheme::RubyGems, "rubygems-versions.txt", 25);
}

#[test]
fn scalibr_rubygems_generated() {
    check(Scheme::RubyGems, "rubygems-versions-generated.txt", 4098);
}

#[test]
fn scalibr_packagist() {
    check(Scheme::Packagist, "packagist-versions.txt", 95);
}

#[test]
fn scalibr_packagist_generated() {
    check(Scheme::Packagist, "packagist-versions-generated.txt", 10630);
}

/// rpm's own `rpmvercmp` table: `a<TAB>b<TAB>-1|0|1`.
#[test]
fn rpm_rpmvercmp_table() {
    let Some(text) = read("rpm/rpmvercmp.tsv") else {
        return;
    };
    let mut n = 0;
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split('\t').collect();
        assert_eq!(parts.len(), 3, "malformed line {line:?}");
        let want = match parts[2] {
            "-1" => Ordering::Less,
            "0" => Ordering::Equal,
            "1" => Ordering::Greater,
            x => panic!("bad expectation {x:?}"),
        };
        n += 1;
        let got = bosun_version::rpmvercmp(parts[0], parts[1]);
        if got != want {
            failures.push(format!("{line}: got {got:?}"));
        }
        // The same strings as whole RPM versions order the same way.
        match compare(Scheme::Rpm, parts[0], parts[1]) {
            Ok(o) if o == want => {}
            o => failures.push(format!("{line}: as EVR got {o:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(n, 91);
}

/// apk-tools' `test/version.data`: `a <op> b` orderings (an optional `# comment`
/// after), fuzzy matches (`~`, `<~`, `>~`, `!~`), and validity lines (`1.2` valid,
/// `!0.1bc` invalid).
#[test]
fn apk_tools_version_data() {
    let Some(text) = read("apk-tools/version.data") else {
        return;
    };
    let (mut orders, mut fuzzy, mut valid) = (0, 0, 0);
    let mut failures = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts[..] {
            [v] => {
                valid += 1;
                let (v, want) = match v.strip_prefix('!') {
                    Some(v) => (v, false),
                    None => (v, true),
                };
                if bosun_version::apk_is_valid(v) != want {
                    failures.push(format!("{line}: validity"));
                }
            }
            [a, o @ ("<" | "=" | ">"), b] => {
                orders += 1;
                let want = op(o);
                match (compare(Scheme::Apk, a, b), compare(Scheme::Apk, b, a)) {
                    (Ok(x), Ok(y)) if x == want && y == want.reverse() => {}
                    r => failures.push(format!("{line}: got {r:?}")),
                }
            }
            [a, o, b] => {
                fuzzy += 1;
                let got = bosun_version::apk_fuzzy_cmp(a, b);
                let ok = match o {
                    "~" => got == Ordering::Equal,
                    "<~" => got == Ordering::Less,
                    ">~" => got == Ordering::Greater,
                    "!~" => got != Ordering::Equal,
                    _ => panic!("unknown operator in {line:?}"),
                };
                if !ok {
                    failures.push(format!("{line}: fuzzy got {got:?}"));
                }
            }
            _ => panic!("malformed line {line:?}"),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!((orders, fuzzy, valid), (738, 16, 31));
}

/// Pub orders build metadata (`1.0.0 < 1.0.0+build`), which SemVer 2.0 ignores; the
/// `Pub` ecosystem maps to [`Scheme::SemVer`], so only Pub's cases without build
/// metadata are checked here.
#[test]
fn scalibr_pub_without_build_metadata() {
    let Some(text) = read("osv-scalibr/pub-versions.txt") else {
        return;
    };
    let mut n = 0;
    let mut failures = Vec::new();
    for line in text.lines() {
        if line.is_empty()
            || line.starts_with("# ")
            || line.starts_with("// ")
            || line.contains('+')
        {
            continue;
        }
        n += 1;
        let parts: Vec<&str> = line.split(' ').collect();
        let (a, want, b) = (parts[0], op(parts[1]), parts[2]);
        match (compare(Scheme::SemVer, a, b), compare(Scheme::SemVer, b, a)) {
            (Ok(x), Ok(y)) if x == want && y == want.reverse() => {}
            r => failures.push(format!("{line}: got {r:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(n, 81);
}
