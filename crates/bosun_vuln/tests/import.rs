//! Importing the shared advisory corpus (`../shared/corpus/osv`, see its README for
//! the record counts used here).

use bosun_vuln::Store;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn per_source(store: &Store) -> BTreeMap<String, u64> {
    store.status().unwrap().sources.into_iter().collect()
}

/// The whole corpus imported once per test binary: (folder, db path, report).
fn corpus_db() -> &'static (tempfile::TempDir, PathBuf, bosun_vuln::ImportReport) {
    static DB: std::sync::OnceLock<(tempfile::TempDir, PathBuf, bosun_vuln::ImportReport)> =
        std::sync::OnceLock::new();
    DB.get_or_init(|| {
        let osv = bosun_testkit::corpus("osv").expect("checked by the caller");
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("vuln.db");
        let mut store = Store::open_or_create(&db).unwrap();
        let t = std::time::Instant::now();
        let report = store
            .import(std::slice::from_ref(&osv), 1_700_000_000, &|_, _| {})
            .unwrap();
        eprintln!(
            "imported {} records from {} files in {:.2?}, db {} bytes",
            report.added,
            report.files,
            t.elapsed(),
            std::fs::metadata(&db).unwrap().len()
        );
        (dir, db, report)
    })
}

#[test]
fn whole_corpus_imports_with_exact_counts_and_reimport_changes_nothing() {
    let Some(osv) = bosun_testkit::corpus("osv") else {
        return;
    };
    let (_dir, db, report) = corpus_db();
    let mut store = Store::open(db).unwrap();
    // OSV 4,291 Go + 1,206 RustSec + 2,661 PyPA + 5,680 AlmaLinux files, of which
    // 43 AlmaLinux files are byte-identical copies in two or three release folders;
    // 5,406 DSA and 3,534 DLA; the tracker mock's 3 CVEs; 2,621 distinct ids in
    // Alpine's secdb.
    assert_eq!(
        report.added,
        13_838 - 43 + 5_406 + 3_534 + 3 + 2_621,
        "{report:?}"
    );
    assert_eq!((report.updated, report.unchanged), (0, 43));
    // The osv.dev converter "parts" (13 JSON arrays) are not advisories: one
    // warning each, naming the file.
    let warned: Vec<&str> = report.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(warned.len(), 13, "{warned:#?}");
    assert!(warned.iter().all(|p| p.contains("/parts/")), "{warned:#?}");

    let sources = per_source(&store);
    let expected: BTreeMap<String, u64> = [
        ("alpine-secdb", 2_621),
        ("debian-dla", 3_534),
        ("debian-dsa", 5_406),
        ("debian-tracker", 3),
        ("osv:ALBA", 0),
        ("osv:ALEA", 0),
        ("osv:ALSA", 0),
        ("osv:GO", 4_291),
        ("osv:PYSEC", 2_661),
        ("osv:RUSTSEC", 1_206),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let alma: u64 = ["osv:ALBA", "osv:ALEA", "osv:ALSA"]
        .iter()
        .map(|k| sources.get(*k).copied().unwrap_or(0))
        .sum();
    assert_eq!(alma, 5_680 - 43);
    let mut rest = sources.clone();
    for k in ["osv:ALBA", "osv:ALEA", "osv:ALSA"] {
        rest.insert(k.to_string(), 0);
    }
    assert_eq!(rest, expected);
    let status = store.status().unwrap();
    assert_eq!(status.advisories as usize, report.added);
    assert_eq!(status.last_import, Some(1_700_000_000));

    // Same records again: nothing changes.
    let again = store.import(&[osv], 1_700_000_100, &|_, _| {}).unwrap();
    assert_eq!((again.added, again.updated), (0, 0));
    assert_eq!(again.unchanged, report.added + report.unchanged);
    assert_eq!(store.status().unwrap().advisories as usize, report.added);
}

#[test]
fn malformed_record_is_skipped_with_a_warning_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("GOOD-1.json"),
        r#"{"id":"GOOD-1","affected":[{"package":{"ecosystem":"PyPI","name":"Foo_Bar"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        data.join("BAD-1.json"),
        r#"{"id":"BAD-1","affected":[{"package""#,
    )
    .unwrap();
    std::fs::write(data.join("README.md"), "not data").unwrap();
    let mut store = Store::open_or_create(&dir.path().join("v.db")).unwrap();
    let r = store
        .import(std::slice::from_ref(&data), 1, &|_, _| {})
        .unwrap();
    assert_eq!(r.added, 1);
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].path.ends_with("BAD-1.json"));
    assert!(r.warnings[0].message.starts_with("invalid JSON"));
    let c = store.candidates("PyPI", "foo.bar").unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].id, "GOOD-1");
}

#[test]
fn truncated_zip_fails_the_import_and_keeps_the_old_database() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("all.zip");
    write_zip(
        &zip_path,
        &[(
            "A-1.json",
            r#"{"id":"A-1","affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}"#,
        )],
    );
    let db = dir.path().join("v.db");
    let mut store = Store::open_or_create(&db).unwrap();
    let r = store
        .import(std::slice::from_ref(&zip_path), 1, &|_, _| {})
        .unwrap();
    assert_eq!(r.added, 1);
    // Cut the zip in half: its central directory is gone.
    let bytes = std::fs::read(&zip_path).unwrap();
    let cut = dir.path().join("cut.zip");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let err = store.import(&[cut], 2, &|_, _| {}).unwrap_err().to_string();
    assert!(
        err.contains("cut.zip") && err.contains("not a readable zip"),
        "{err}"
    );
    assert!(!err.contains('\n'));
    assert_eq!(store.status().unwrap().advisories, 1);
    assert_eq!(store.status().unwrap().last_import, Some(1));
}

#[test]
fn newer_schema_and_foreign_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    drop(Store::open_or_create(&db).unwrap());
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA user_version = 99").unwrap();
    }
    let err = Store::open(&db).unwrap_err().to_string();
    assert!(err.contains("newer bosun (schema 99"), "{err}");
    let other = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE t(x)").unwrap();
    }
    let err = Store::open(&other).unwrap_err().to_string();
    assert!(
        err.ends_with("is not a bosun vulnerability database"),
        "{err}"
    );
    let text = dir.path().join("text.db");
    std::fs::write(
        &text,
        "hello, this is not sqlite at all, not even close......",
    )
    .unwrap();
    let err = Store::open(&text).unwrap_err().to_string();
    assert!(
        err.ends_with("is not a bosun vulnerability database"),
        "{err}"
    );
    let err = Store::open(&dir.path().join("none.db"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("bosun db import"), "{err}");
}

fn write_zip(path: &PathBuf, entries: &[(&str, &str)]) {
    use std::io::Write;
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    for (name, body) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

/// Match speed: ~2,000 packages (every Go module and crate the corpus names, at a
/// version every open range includes) against the whole imported corpus.
#[test]
fn scan_of_2000_packages_against_the_whole_corpus() {
    use bosun_sbom::{Package, PackageType};
    let Some(osv) = bosun_testkit::corpus("osv") else {
        return;
    };
    let store = Store::open(&corpus_db().1).unwrap();
    let mut names = std::collections::BTreeSet::new();
    for sub in ["golang-vulndb/data/osv", "rustsec-osv/crates"] {
        for e in std::fs::read_dir(osv.join(sub)).unwrap() {
            let p = e.unwrap().path();
            let kind = bosun_vuln::parse::file_kind(&p.to_string_lossy()).unwrap();
            for a in bosun_vuln::parse::parse_file(kind, &std::fs::read(&p).unwrap()).unwrap() {
                for f in a.affected {
                    let kind = if f.ecosystem == "Go" {
                        PackageType::Go
                    } else {
                        PackageType::Cargo
                    };
                    names.insert((kind, f.name));
                }
            }
        }
    }
    let packages: Vec<Package> = names
        .into_iter()
        .take(2_000)
        .map(|(kind, name)| {
            let v = if name == "stdlib" || name == "toolchain" {
                "go1.19.8"
            } else {
                "v0.0.1"
            };
            let v = if kind == PackageType::Cargo {
                "0.0.1"
            } else {
                v
            };
            Package::new(kind, name, v, "test")
        })
        .collect();
    assert_eq!(packages.len(), 2_000);
    let t = std::time::Instant::now();
    let r = bosun_vuln::scan::scan(&store, &packages, None, &bosun_vuln::SchemeOrder).unwrap();
    eprintln!(
        "matched {} packages in {:.2?}: {} findings",
        packages.len(),
        t.elapsed(),
        r.matches.len()
    );
    assert_eq!(r.not_covered, 0);
    // The two halves: store lookups, then the pure matcher alone.
    let t = std::time::Instant::now();
    let queries: Vec<_> = packages
        .iter()
        .map(|p| bosun_vuln::query_for(p, None).unwrap())
        .collect();
    let cands: Vec<_> = queries
        .iter()
        .map(|q| store.candidates(&q.ecosystem, &q.name).unwrap())
        .collect();
    let lookups = t.elapsed();
    let t = std::time::Instant::now();
    let n: usize = queries
        .iter()
        .zip(&cands)
        .map(|(q, c)| bosun_vuln::match_package(q, c, &bosun_vuln::SchemeOrder).len())
        .sum();
    eprintln!("lookups {lookups:.2?}, matching alone {:.2?}", t.elapsed());
    assert_eq!(n, r.matches.len());
    // Every package was chosen because a record names it; stdlib at go1.19.8 alone
    // gives the 80 of `go_stdlib_1_19_8_has_80_go_vulndb_advisories`.
    let stdlib = packages.iter().position(|p| p.name == "stdlib").unwrap();
    assert_eq!(r.matches.iter().filter(|m| m.package == stdlib).count(), 80);
}
