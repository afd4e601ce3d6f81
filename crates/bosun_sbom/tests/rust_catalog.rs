//! Rust: a `Cargo.lock` written by cargo for a two-crate workspace made here, and a
//! cargo-auditable `.dep-v0` section added with `objcopy --add-section` onto a real
//! ELF binary (this test's own executable): `cargo auditable` is not installable
//! offline, so the section (zlib-compressed JSON in cargo-auditable's format) is
//! produced by the test.

mod support;

use std::io::Write;

use bosun_sbom::catalog::rust;
use support::{run, sh, triples, wants};

fn s(x: &str) -> String {
    x.to_string()
}

#[test]
fn cargo_lock_written_by_cargo() {
    let Some(cargo) = bosun_testkit::tool("cargo") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("app/src")).unwrap();
    std::fs::create_dir_all(d.join("helper/src")).unwrap();
    std::fs::write(
        d.join("app/Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.3.1\"\nedition = \"2021\"\n\n\
         [dependencies]\nhelper = { path = \"../helper\" }\n",
    )
    .unwrap();
    std::fs::write(d.join("app/src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(
        d.join("helper/Cargo.toml"),
        "[package]\nname = \"helper\"\nversion = \"1.0.0-beta.2\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(d.join("helper/src/lib.rs"), "").unwrap();
    let Some(_) = sh(
        &cargo,
        &["generate-lockfile", "--offline"],
        &d.join("app"),
        &[],
    ) else {
        return;
    };
    let body = std::fs::read(d.join("app/Cargo.lock")).unwrap();
    let cat = rust::cargo_lock();
    let sink = run(&*cat, "/src/app/Cargo.lock", &body, 0o644);
    assert_eq!(sink.warnings, []);
    assert_eq!(
        triples(&sink),
        [
            (s("app"), s("0.3.1"), s("pkg:cargo/app@0.3.1")),
            (
                s("helper"),
                s("1.0.0-beta.2"),
                s("pkg:cargo/helper@1.0.0-beta.2")
            ),
        ]
    );
    let sink = run(&*cat, "/src/Cargo.lock", b"[[package]]\nname = 3\n", 0o644);
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
    assert_eq!(sink.warnings[0].path, "/src/Cargo.lock");
}

/// A copy of this test's executable with a `.dep-v0` section holding `section`.
fn with_dep_section(dir: &std::path::Path, section: &[u8]) -> Option<Vec<u8>> {
    let objcopy = bosun_testkit::tool("objcopy")?;
    let exe = std::env::current_exe().ok()?;
    let data = dir.join("dep-v0.bin");
    std::fs::write(&data, section).ok()?;
    let out = dir.join("bin-with-deps");
    let arg = format!(".dep-v0={}", data.display());
    sh(
        &objcopy,
        &["--add-section", &arg, exe.to_str()?, out.to_str()?],
        dir,
        &[],
    )?;
    std::fs::read(out).ok()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

#[test]
fn cargo_auditable_section_lists_the_dependency_tree() {
    let dir = tempfile::tempdir().unwrap();
    let json = br#"{"packages":[
        {"name":"app","version":"0.1.0","source":"local","dependencies":[1,2],"root":true},
        {"name":"serde","version":"1.0.200","source":"crates.io"},
        {"name":"cc","version":"1.0.90","source":"crates.io","kind":"build"}]}"#;
    let Some(bin) = with_dep_section(dir.path(), &zlib(json)) else {
        return;
    };
    let cat = rust::rust_binary();
    assert!(wants(&*cat, "/usr/bin/app", bin.len() as u64, 0o755));
    let sink = run(&*cat, "/usr/bin/app", &bin, 0o755);
    assert_eq!(sink.warnings, []);
    assert_eq!(
        triples(&sink),
        [
            (s("app"), s("0.1.0"), s("pkg:cargo/app@0.1.0")),
            (s("cc"), s("1.0.90"), s("pkg:cargo/cc@1.0.90")),
            (s("serde"), s("1.0.200"), s("pkg:cargo/serde@1.0.200")),
        ]
    );
    // The same binary without the section yields nothing, silently.
    let plain = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    let sink = run(&*cat, "/usr/bin/plain", &plain, 0o755);
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 0));
}

#[test]
fn corrupt_or_oversized_dependency_sections_warn() {
    let dir = tempfile::tempdir().unwrap();
    let cat = rust::rust_binary();
    // Not zlib.
    let Some(bin) = with_dep_section(dir.path(), b"definitely not zlib") else {
        return;
    };
    let sink = run(&*cat, "/usr/bin/bad", &bin, 0o755);
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
    assert_eq!(sink.warnings[0].path, "/usr/bin/bad");
    // A zlib bomb: 64 MiB of spaces, far past the 8 MiB cap.
    let bomb = zlib(&vec![b' '; 64 << 20]);
    let Some(bin) = with_dep_section(dir.path(), &bomb) else {
        return;
    };
    let sink = run(&*cat, "/usr/bin/bomb", &bin, 0o755);
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
    assert!(
        sink.warnings[0].message.contains("inflates past"),
        "{:?}",
        sink.warnings
    );
}
