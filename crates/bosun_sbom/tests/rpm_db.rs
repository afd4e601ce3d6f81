//! The rpm cataloguer on real databases: packages built with `rpmbuild` and
//! installed with `rpm --justdb` into an sqlite rpmdb; the same header blobs loaded
//! into a Berkeley DB hash file by `db_load` (page sizes 512, forcing overflow pages,
//! and 64 KiB, keeping them inline); and an ndb `Packages.db` written by this test
//! (no tool here writes ndb: Debian's rpm has neither the ndb nor the bdb backend).

mod support;

use std::path::Path;

use bosun_sbom::catalog::rpm;
use bosun_sbom::Sink;
use support::{run, sh, wants};

const SPECS: [(&str, &str); 2] = [
    (
        "bosun-test.spec",
        "Name: bosun-test\nVersion: 1.2.3\nRelease: 4.fc40\nEpoch: 2\nSummary: t\n\
         License: MIT AND Apache-2.0\nBuildArch: noarch\n%description\nt\n\
         %package -n bosun-sub\nSummary: s\nLicense: BSD-3-Clause\n%description -n bosun-sub\ns\n\
         %files\n%files -n bosun-sub\n",
    ),
    (
        "bosun-plain.spec",
        "Name: bosun-plain\nVersion: 0.9\nRelease: 1\nSummary: p\nLicense: GPL-2.0-or-later\n\
         BuildArch: noarch\n%description\np\n%files\n",
    ),
];

/// (name, version, arch, licences, source name, source version) of each package.
type Row = (
    String,
    String,
    String,
    Vec<String>,
    Option<String>,
    Option<String>,
);

fn rows(sink: &Sink) -> Vec<Row> {
    let mut v: Vec<Row> = sink
        .packages
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone(),
                p.arch.clone().unwrap_or_default(),
                p.licenses.clone(),
                p.source_name.clone(),
                p.source_version.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn expected() -> Vec<Row> {
    let s = |x: &str| x.to_string();
    vec![
        (
            s("bosun-plain"),
            s("0.9-1"),
            s("noarch"),
            vec![s("GPL-2.0-or-later")],
            None,
            None,
        ),
        (
            s("bosun-sub"),
            s("2:1.2.3-4.fc40"),
            s("noarch"),
            vec![s("BSD-3-Clause")],
            Some(s("bosun-test")),
            None,
        ),
        (
            s("bosun-test"),
            s("2:1.2.3-4.fc40"),
            s("noarch"),
            vec![s("MIT AND Apache-2.0")],
            None,
            None,
        ),
    ]
}

/// Builds the packages and installs them into an sqlite rpmdb under `dir/db`.
fn sqlite_db(dir: &Path) -> Option<std::path::PathBuf> {
    let rpmbuild = bosun_testkit::tool("rpmbuild")?;
    let rpm = bosun_testkit::tool("rpm")?;
    let top = dir.join("top");
    std::fs::create_dir_all(top.join("SPECS")).ok()?;
    let topdef = format!("_topdir {}", top.display());
    for (name, text) in SPECS {
        let spec = top.join("SPECS").join(name);
        std::fs::write(&spec, text).ok()?;
        sh(
            &rpmbuild,
            &[
                "--define",
                &topdef,
                "--define",
                "_build_id_links none",
                "-bb",
                spec.to_str()?,
            ],
            dir,
            &[],
        )?;
    }
    let mut rpms: Vec<String> = std::fs::read_dir(top.join("RPMS/noarch"))
        .ok()?
        .filter_map(|e| Some(e.ok()?.path().to_str()?.to_string()))
        .collect();
    rpms.sort();
    let db = dir.join("db");
    let dbdef = db.display().to_string();
    let mut args = vec![
        "--dbpath",
        &dbdef,
        "--define",
        "_db_backend sqlite",
        "-i",
        "--justdb",
        "--nodeps",
        "--nosignature",
    ];
    args.extend(rpms.iter().map(String::as_str));
    sh(&rpm, &args, dir, &[])?;
    Some(db)
}

/// rpm's own view of the database: `name [epoch:]version-release arch`, sorted.
fn rpm_query(db: &Path) -> Option<Vec<String>> {
    let rpm = bosun_testkit::tool("rpm")?;
    let out = sh(
        &rpm,
        &[
            "--dbpath",
            db.to_str()?,
            "-qa",
            "--qf",
            "%{NAME} %|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE} %{ARCH}\\n",
        ],
        db,
        &[],
    )?;
    let mut v: Vec<String> = out.lines().map(str::to_string).collect();
    v.sort();
    Some(v)
}

fn as_query(sink: &Sink) -> Vec<String> {
    let mut v: Vec<String> = sink
        .packages
        .iter()
        .map(|p| {
            format!(
                "{} {} {}",
                p.name,
                p.version,
                p.arch.as_deref().unwrap_or("")
            )
        })
        .collect();
    v.sort();
    v
}

/// (instance number, header blob) of every package of the sqlite rpmdb.
fn blobs(db: &Path) -> Vec<(u32, Vec<u8>)> {
    let conn = rusqlite::Connection::open(db.join("rpmdb.sqlite")).expect("open rpmdb");
    let mut stmt = conn
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn sqlite_rpmdb_lists_every_package_with_epoch_arch_licence_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = sqlite_db(dir.path()) else {
        return;
    };
    let Some(query) = rpm_query(&db) else { return };
    let body = std::fs::read(db.join("rpmdb.sqlite")).unwrap();
    let cat = rpm::rpm();
    let sink = run(&*cat, "/var/lib/rpm/rpmdb.sqlite", &body, 0o644);
    assert_eq!(sink.warnings, []);
    assert_eq!(rows(&sink), expected());
    assert_eq!(as_query(&sink), query, "same as `rpm -qa`");
    // The purl carries the epoch as a qualifier.
    let test = sink
        .packages
        .iter()
        .find(|p| p.name == "bosun-test")
        .unwrap();
    let distro = bosun_sbom::Distro {
        id: "fedora".into(),
        version_id: "40".into(),
        ..Default::default()
    };
    assert_eq!(
        bosun_sbom::purl::purl(test, Some(&distro)),
        "pkg:rpm/fedora/bosun-test@1.2.3-4.fc40?arch=noarch&distro=fedora-40&epoch=2"
    );
    // The same file under the newer location is wanted too.
    assert!(wants(
        &*cat,
        "/usr/lib/sysimage/rpm/rpmdb.sqlite",
        10,
        0o644
    ));
    assert!(!wants(&*cat, "/home/x/rpmdb.sqlite", 10, 0o644));
}

#[test]
fn berkeley_db_packages_with_overflow_and_inline_headers() {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = sqlite_db(dir.path()) else {
        return;
    };
    let Some(db_load) = bosun_testkit::tool("db_load") else {
        return;
    };
    let blobs = blobs(&db);
    assert_eq!(blobs.len(), 3);
    for page_size in [512, 65536] {
        let mut dump = format!(
            "VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize={page_size}\nHEADER=END\n"
        );
        for (hnum, blob) in &blobs {
            let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
            dump.push_str(&format!(" {}\n {}\n", hex(&hnum.to_le_bytes()), hex(blob)));
        }
        dump.push_str("DATA=END\n");
        let input = dir.path().join(format!("dump{page_size}.txt"));
        let out = dir.path().join(format!("Packages{page_size}"));
        std::fs::write(&input, dump).unwrap();
        let Some(_) = sh(
            &db_load,
            &["-f", input.to_str().unwrap(), out.to_str().unwrap()],
            dir.path(),
            &[],
        ) else {
            return;
        };
        let body = std::fs::read(&out).unwrap();
        let sink = run(&*rpm::rpm(), "/var/lib/rpm/Packages", &body, 0o644);
        assert_eq!(sink.warnings, [], "page size {page_size}");
        assert_eq!(rows(&sink), expected(), "page size {page_size}");
    }
}

/// Writes an ndb `Packages.db` holding `blobs` (format as in rpm's
/// `lib/backend/ndb/rpmpkg.c`: header, one slot page, 16-byte blocks).
fn ndb(blobs: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(b"RpmP");
    f.extend_from_slice(&0u32.to_le_bytes()); // version
    f.extend_from_slice(&1u32.to_le_bytes()); // generation
    f.extend_from_slice(&1u32.to_le_bytes()); // slot pages
    f.resize(4096, 0);
    let mut data = Vec::new();
    for (i, (hnum, blob)) in blobs.iter().enumerate() {
        let blk = (4096 + data.len()) / 16;
        let slot = 32 + i * 16;
        f[slot..slot + 4].copy_from_slice(b"Slot");
        f[slot + 4..slot + 8].copy_from_slice(&hnum.to_le_bytes());
        f[slot + 8..slot + 12].copy_from_slice(&(blk as u32).to_le_bytes());
        let blocks = (16 + blob.len() + 16).div_ceil(16) as u32;
        f[slot + 12..slot + 16].copy_from_slice(&blocks.to_le_bytes());
        data.extend_from_slice(b"BlbS");
        data.extend_from_slice(&hnum.to_le_bytes());
        data.extend_from_slice(&0u32.to_le_bytes());
        data.extend_from_slice(&(blob.len() as u32).to_le_bytes());
        data.extend_from_slice(blob);
        data.resize(data.len().div_ceil(16) * 16 + 16, 0);
    }
    // Empty slots still carry the magic.
    for s in (32 + blobs.len() * 16..4096).step_by(16) {
        f[s..s + 4].copy_from_slice(b"Slot");
    }
    f.extend_from_slice(&data);
    f
}

#[test]
fn ndb_packages_db() {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = sqlite_db(dir.path()) else {
        return;
    };
    let body = ndb(&blobs(&db));
    let sink = run(
        &*rpm::rpm(),
        "/usr/lib/sysimage/rpm/Packages.db",
        &body,
        0o644,
    );
    assert_eq!(sink.warnings, []);
    assert_eq!(rows(&sink), expected());
}

#[test]
fn corrupt_databases_warn_naming_the_file() {
    let cat = rpm::rpm();
    for (path, body) in [
        (
            "/var/lib/rpm/rpmdb.sqlite",
            b"SQLite format 3\0garbage".repeat(10),
        ),
        ("/var/lib/rpm/Packages", vec![0xAB; 4096]),
        (
            "/var/lib/rpm/Packages.db",
            b"RpmP\0\0\0\0\x01\0\0\0\xff\xff\0\0".to_vec(),
        ),
    ] {
        let sink = run(&*cat, path, &body, 0o644);
        assert_eq!(sink.packages, []);
        assert_eq!(sink.warnings.len(), 1, "{path}: {:?}", sink.warnings);
        assert_eq!(sink.warnings[0].path, path);
    }
    // A Berkeley DB hash file whose overflow chain points past the end.
    let mut bdb = vec![0u8; 1024];
    bdb[12..16].copy_from_slice(&0x0006_1561u32.to_le_bytes());
    bdb[20..24].copy_from_slice(&512u32.to_le_bytes());
    bdb[512 + 20..512 + 22].copy_from_slice(&2u16.to_le_bytes());
    bdb[512 + 25] = 13; // P_HASH
    bdb[512 + 26..512 + 28].copy_from_slice(&500u16.to_le_bytes()); // key at 500..512
    bdb[512 + 28..512 + 30].copy_from_slice(&488u16.to_le_bytes()); // value at 488..500
    bdb[512 + 500] = 1;
    bdb[512 + 488] = 3; // H_OFFPAGE
    bdb[512 + 492..512 + 496].copy_from_slice(&99u32.to_le_bytes());
    bdb[512 + 496..512 + 500].copy_from_slice(&100u32.to_le_bytes());
    let sink = run(&*cat, "/var/lib/rpm/Packages", &bdb, 0o644);
    assert_eq!(sink.packages, []);
    assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
}
