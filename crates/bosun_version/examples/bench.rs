//! Rough speed of parsing and comparing, per scheme, on the corpus's versions:
//! `cargo run --release -p bosun_version --example bench` (needs `../shared`).

use std::time::Instant;

use bosun_version::{NpmOptions, NpmRange, Scheme, Version};

fn main() {
    let files = [
        (Scheme::Dpkg, "debian-versions-generated.txt"),
        (Scheme::Rpm, "redhat-versions.txt"),
        (Scheme::Apk, "alpine-versions-generated.txt"),
        (Scheme::Pep440, "pypi-versions-generated.txt"),
        (Scheme::SemVer, "semver-versions.txt"),
        (Scheme::Go, "semver-versions.txt"),
        (Scheme::Maven, "maven-versions-generated.txt"),
        (Scheme::RubyGems, "rubygems-versions-generated.txt"),
        (Scheme::NuGet, "nuget-versions.txt"),
        (Scheme::Packagist, "packagist-versions-generated.txt"),
    ];
    println!("scheme     versions  parse ns/op  compare ns/op  compare(str,str) ns/op");
    for (scheme, file) in files {
        let Some(p) = bosun_testkit::corpus(&format!("version-vectors/osv-scalibr/{file}")) else {
            return;
        };
        let text = std::fs::read_to_string(p).expect("corpus file");
        let strings: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("# ") && !l.starts_with("// "))
            .flat_map(|l| {
                let p: Vec<&str> = l.split(' ').collect();
                if p.len() == 3 {
                    vec![p[0], p[2]]
                } else {
                    vec![]
                }
            })
            .collect();
        let t = Instant::now();
        let parsed: Vec<Version> = strings
            .iter()
            .filter_map(|s| Version::parse(scheme, s).ok())
            .collect();
        let parse_ns = t.elapsed().as_nanos() as f64 / strings.len() as f64;
        let t = Instant::now();
        let mut n = 0u64;
        let mut less = 0u64;
        for w in parsed.windows(2) {
            for _ in 0..20 {
                n += 1;
                less += u64::from(w[0] < w[1]);
            }
        }
        let cmp_ns = t.elapsed().as_nanos() as f64 / n as f64;
        let t = Instant::now();
        let mut m = 0u64;
        for w in strings.windows(2) {
            m += 1;
            less += u64::from(bosun_version::compare(scheme, w[0], w[1]).is_ok());
        }
        let str_ns = t.elapsed().as_nanos() as f64 / m as f64;
        println!(
            "{:<10} {:>8}  {:>11.0}  {:>13.1}  {:>22.0}   ({less})",
            scheme.name(),
            strings.len(),
            parse_ns,
            cmp_ns,
            str_ns
        );
    }
    let r = NpmRange::parse(
        ">=1.2.7 <1.3.0 || ^2.0.0-rc.1 || 3.x",
        NpmOptions::default(),
    )
    .expect("range");
    let t = Instant::now();
    let mut hits = 0;
    for k in 0..100_000u32 {
        let v = format!("{}.{}.{}", k % 4, k % 13, k % 7);
        hits += u32::from(r.satisfied_by(&v).unwrap_or(false));
    }
    println!(
        "npm range test: {:.0} ns/op ({hits} hits)",
        t.elapsed().as_nanos() as f64 / 100_000.0
    );
}
