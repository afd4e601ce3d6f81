//! The Go binary cataloguer on binaries built here by the Go toolchain (a module with
//! one dependency served by a `file://` module proxy the test writes, so no network):
//! plain, linker-stripped (`-s -w`, with a version stamped by `-X main.version`), and
//! with the ELF section table removed; on a binary that only has the build-info magic;
//! and on the goapp test image.

mod support;

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use bosun_oci::{
    Body, EntryKind, EntryMeta, Image, LayerInfo, LayerVisitor, OpenOptions, WalkOptions, Want,
};
use bosun_sbom::catalog::go;
use bosun_sbom::{Cataloguer, FileMeta, Sink};
use support::{run, sh, triples, wants};

fn s(x: &str) -> String {
    x.to_string()
}

/// Writes a module proxy holding `example.com/lib v1.4.2`.
fn proxy(dir: &Path) -> std::io::Result<()> {
    let v = dir.join("example.com/lib/@v");
    std::fs::create_dir_all(&v)?;
    std::fs::write(v.join("list"), "v1.4.2\n")?;
    std::fs::write(
        v.join("v1.4.2.info"),
        r#"{"Version":"v1.4.2","Time":"2024-01-02T03:04:05Z"}"#,
    )?;
    let gomod = "module example.com/lib\n\ngo 1.19\n";
    std::fs::write(v.join("v1.4.2.mod"), gomod)?;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("example.com/lib@v1.4.2/go.mod", opts)?;
    zip.write_all(gomod.as_bytes())?;
    zip.start_file("example.com/lib@v1.4.2/lib.go", opts)?;
    zip.write_all(b"package lib\n\nfunc Hello() string { return \"hello\" }\n")?;
    let bytes = zip.finish()?.into_inner();
    std::fs::write(v.join("v1.4.2.zip"), bytes)
}

/// Builds the app twice (plain and `-s -w`); returns both binaries and `go env
/// GOVERSION`.
fn build(dir: &Path) -> Option<(Vec<u8>, Vec<u8>, String)> {
    let go = bosun_testkit::tool("go")?;
    if let Err(e) = proxy(&dir.join("proxy")) {
        return bosun_testkit::setup_failed("write the module proxy", e);
    }
    let app = dir.join("app");
    std::fs::create_dir_all(&app).ok()?;
    std::fs::write(
        app.join("go.mod"),
        "module example.com/app\n\ngo 1.19\n\nrequire example.com/lib v1.4.2\n",
    )
    .ok()?;
    std::fs::write(
        app.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/lib\"\n)\n\nvar version = \"dev\"\n\nfunc main() { fmt.Println(lib.Hello(), version) }\n",
    )
    .ok()?;
    let proxy_url = format!("file://{}", dir.join("proxy").display());
    let gopath = dir.join("gopath").display().to_string();
    // The build cache is shared between runs (and does not depend on `HOME`).
    let gocache = std::env::temp_dir()
        .join("bosun-test-go-cache")
        .display()
        .to_string();
    let env = [
        ("GOCACHE", gocache.as_str()),
        ("GOPROXY", proxy_url.as_str()),
        ("GOSUMDB", "off"),
        ("GOFLAGS", "-mod=mod -modcacherw"),
        ("GOPATH", gopath.as_str()),
        ("GOTOOLCHAIN", "local"),
        ("CGO_ENABLED", "0"),
    ];
    sh(&go, &["build", "-o", "app-plain", "."], &app, &env)?;
    sh(
        &go,
        &[
            "build",
            "-ldflags=-s -w -X main.version=1.5.0",
            "-o",
            "app-stripped",
            ".",
        ],
        &app,
        &env,
    )?;
    let version = sh(&go, &["env", "GOVERSION"], &app, &env)?
        .trim()
        .to_string();
    Some((
        std::fs::read(app.join("app-plain")).ok()?,
        std::fs::read(app.join("app-stripped")).ok()?,
        version,
    ))
}

/// Zeroes the ELF64 section header table fields (`e_shoff`, `e_shnum`, `e_shstrndx`):
/// the binary still runs, but no section can be found by name.
fn without_sections(mut elf: Vec<u8>) -> Vec<u8> {
    assert_eq!(elf[4], 2, "ELF64");
    elf[0x28..0x30].fill(0);
    elf[0x3c..0x40].fill(0);
    elf
}

#[test]
fn go_binaries_plain_stripped_and_without_sections() {
    let dir = tempfile::tempdir().unwrap();
    let Some((plain, stripped, version)) = build(dir.path()) else {
        return;
    };
    assert!(version.starts_with("go1."), "{version}");
    let stdlib_purl = format!("pkg:golang/stdlib@{}", version.trim_start_matches("go"));
    let expected = vec![
        (
            s("example.com/app"),
            s("(devel)"),
            s("pkg:golang/example.com/app@(devel)"),
        ),
        (
            s("example.com/lib"),
            s("v1.4.2"),
            s("pkg:golang/example.com/lib@v1.4.2"),
        ),
        (s("stdlib"), version.clone(), stdlib_purl),
    ];
    let cat = go::go();
    for (what, body) in [
        ("plain", plain.clone()),
        ("stripped", stripped),
        ("no section table", without_sections(plain)),
    ] {
        let sink = run(&*cat, "/usr/local/bin/app", &body, 0o755);
        assert_eq!(sink.warnings, [], "{what}");
        let mut expected = expected.clone();
        if what == "stripped" {
            // Built with `-X main.version=1.5.0`: the main module takes that version.
            expected[0] = (
                s("example.com/app"),
                s("v1.5.0"),
                s("pkg:golang/example.com/app@v1.5.0"),
            );
        }
        assert_eq!(triples(&sink), expected, "{what}");
        assert!(sink.packages.iter().all(|p| p.found_by == "go-binary"));
    }
}

#[test]
fn only_executables_of_a_sensible_size_are_wanted() {
    let cat = go::go();
    assert!(wants(&*cat, "/app", 4096, 0o755));
    assert!(!wants(&*cat, "/app", 4096, 0o644));
    assert!(!wants(&*cat, "/app", 100, 0o755));
    // A file that is not ELF is skipped without a word.
    let sink = run(&*cat, "/script", &b"#!/bin/sh\n".repeat(200), 0o755);
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 0));
}

#[test]
fn build_info_magic_followed_by_garbage_is_a_warning() {
    let cat = go::go();
    let mut body = b"\x7fELF\x02\x01\x01".to_vec();
    body.resize(4096, 0);
    // The header at a 16-byte boundary, inline-strings flag, then a varint length
    // that runs past the end of the file.
    body[1024..1038].copy_from_slice(b"\xff Go buildinf:");
    body[1038] = 8;
    body[1039] = 2;
    body[1056..1066].copy_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0, 0]);
    let sink = run(&*cat, "/usr/bin/fake", &body, 0o755);
    assert_eq!(sink.packages, []);
    assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
    assert_eq!(sink.warnings[0].path, "/usr/bin/fake");
    // A header cut short by the end of the file.
    let short = &body[..1040];
    let mut sink = Sink::default();
    let meta = FileMeta {
        path: "/usr/bin/short",
        size: 4096,
        mode: 0o755,
    };
    cat.parse(&meta, short, false, &mut sink);
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
}

/// Runs Go-binary cataloguing over every executable of an image.
struct Visitor {
    cat: Box<dyn Cataloguer>,
    sink: Mutex<Sink>,
}

impl LayerVisitor for Visitor {
    fn wants(&self, e: &EntryMeta) -> Want {
        if !matches!(e.kind, EntryKind::File) {
            return Want::No;
        }
        let path = format!("/{}", e.path);
        let meta = FileMeta {
            path: &path,
            size: e.size,
            mode: e.mode,
        };
        match self.cat.wants(&meta) {
            Some(max_bytes) => Want::Body { max_bytes },
            None => Want::No,
        }
    }
    fn visit(&self, _layer: &LayerInfo, e: &EntryMeta, body: Option<Body<'_>>) {
        let Some(body) = body else { return };
        let path = format!("/{}", e.path);
        let meta = FileMeta {
            path: &path,
            size: e.size,
            mode: e.mode,
        };
        let mut sink = self.sink.lock().unwrap();
        self.cat.parse(&meta, body.bytes, body.truncated, &mut sink);
    }
}

#[test]
fn goapp_image_yields_stdlib_and_main_module() {
    let Some(tar) = bosun_testkit::test_image("goapp.docker.tar") else {
        return;
    };
    let src = format!("docker-archive:{}", tar.display());
    let image = Image::open(&src, &OpenOptions::default()).expect("open goapp");
    let v = Visitor {
        cat: go::go(),
        sink: Mutex::new(Sink::default()),
    };
    image
        .walk(&[&v], &WalkOptions::default())
        .expect("walk goapp");
    let sink = v.sink.into_inner().unwrap();
    assert_eq!(sink.warnings, []);
    // The image is built with Debian bookworm's golang-go (1.19.8), no dependencies.
    assert_eq!(
        triples(&sink),
        [
            (
                s("example.com/goapp"),
                s("(devel)"),
                s("pkg:golang/example.com/goapp@(devel)")
            ),
            (s("stdlib"), s("go1.19.8"), s("pkg:golang/stdlib@1.19.8")),
        ]
    );
}

#[test]
fn a_non_go_program_holding_the_magic_as_data_is_not_a_go_binary() {
    // This test's own (Rust) executable, with a 16-byte aligned section holding the
    // build-info magic followed by garbage, as a scanner of Go binaries might.
    let Some(objcopy) = bosun_testkit::tool("objcopy") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut data = b"\xff Go buildinf:\x08\x02".to_vec();
    data.extend_from_slice(&[0xff; 48]);
    std::fs::write(dir.path().join("fake"), &data).unwrap();
    let exe = std::env::current_exe().unwrap();
    let out = dir.path().join("scanner");
    let Some(_) = sh(
        &objcopy,
        &[
            "--add-section",
            &format!(".data.fake={}", dir.path().join("fake").display()),
            "--set-section-alignment",
            ".data.fake=16",
            exe.to_str().unwrap(),
            out.to_str().unwrap(),
        ],
        dir.path(),
        &[],
    ) else {
        return;
    };
    let body = std::fs::read(&out).unwrap();
    let sink = run(&*go::go(), "/usr/bin/scanner", &body, 0o755);
    assert_eq!(
        (sink.packages.len(), sink.warnings.len()),
        (0, 0),
        "{:?}",
        sink.warnings
    );
    // Without its section table, the same file is searched and the garbage is reported.
    let sink = run(
        &*go::go(),
        "/usr/bin/scanner",
        &without_sections(body),
        0o755,
    );
    assert_eq!(
        (sink.packages.len(), sink.warnings.len()),
        (0, 1),
        "{:?}",
        sink.warnings
    );
}

/// A minimal ELF64 executable (one load segment at 0x400000, no section table)
/// holding Go < 1.18's pointer-form build info: the header points at two Go string
/// headers (data pointer, length), which point at the version and the module info.
/// No Go < 1.18 toolchain is installed here, so the layout is written by the test.
fn old_style_go_binary(version: &str, modinfo: &str) -> Vec<u8> {
    const BASE: u64 = 0x40_0000;
    let mut f = vec![0u8; 4096];
    f[..4].copy_from_slice(b"\x7fELF");
    f[4] = 2; // 64-bit
    f[5] = 1; // little-endian
    f[6] = 1; // version
    f[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    f[18..20].copy_from_slice(&62u16.to_le_bytes()); // x86-64
    f[20..24].copy_from_slice(&1u32.to_le_bytes());
    f[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
    f[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
    f[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
    f[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
                                                    // PT_LOAD covering the whole file.
    f[64..68].copy_from_slice(&1u32.to_le_bytes());
    f[68..72].copy_from_slice(&5u32.to_le_bytes());
    f[80..88].copy_from_slice(&BASE.to_le_bytes());
    f[88..96].copy_from_slice(&BASE.to_le_bytes());
    f[96..104].copy_from_slice(&4096u64.to_le_bytes());
    f[104..112].copy_from_slice(&4096u64.to_le_bytes());
    f[112..120].copy_from_slice(&0x1000u64.to_le_bytes());
    // Build info at 128: magic, pointer size 8, flags 0, two pointers.
    f[128..142].copy_from_slice(b"\xff Go buildinf:");
    f[142] = 8;
    f[144..152].copy_from_slice(&(BASE + 160).to_le_bytes());
    f[152..160].copy_from_slice(&(BASE + 176).to_le_bytes());
    // String headers at 160 and 176; the strings from 256 and 512.
    let mut wrapped = vec![0x30u8; 16];
    wrapped.extend_from_slice(modinfo.as_bytes());
    wrapped.extend_from_slice(&[0xf2; 16]);
    for (hdr, at, bytes) in [(160, 256, version.as_bytes()), (176, 512, &wrapped[..])] {
        f[hdr..hdr + 8].copy_from_slice(&(BASE + at as u64).to_le_bytes());
        f[hdr + 8..hdr + 16].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
        f[at..at + bytes.len()].copy_from_slice(bytes);
    }
    f
}

#[test]
fn pre_1_18_pointer_form_build_info() {
    let modinfo = "path\texample.com/old\nmod\texample.com/old\t(devel)\t\n\
                   dep\tgithub.com/pkg/errors\tv0.9.1\th1:abc=\n";
    let body = old_style_go_binary("go1.16.15", modinfo);
    let sink = run(&*go::go(), "/old", &body, 0o755);
    assert_eq!(sink.warnings, []);
    assert_eq!(
        triples(&sink),
        [
            (
                s("example.com/old"),
                s("(devel)"),
                s("pkg:golang/example.com/old@(devel)")
            ),
            (
                s("github.com/pkg/errors"),
                s("v0.9.1"),
                s("pkg:golang/github.com/pkg/errors@v0.9.1")
            ),
            (s("stdlib"), s("go1.16.15"), s("pkg:golang/stdlib@1.16.15")),
        ]
    );
    // A pointer outside every segment is a warning, not a panic.
    let mut bad = body.clone();
    bad[144..152].copy_from_slice(&0xdead_beef_u64.to_le_bytes());
    let sink = run(&*go::go(), "/old", &bad, 0o755);
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
}
