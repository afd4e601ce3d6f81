//! Helpers shared by the cataloguer tests: feeding a body to a cataloguer as the
//! walker would, cataloguing an image built from test layers, and running
//! fixture-building tools.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use bosun_oci::testing::{layer_tar, ImageSpec, TestEntry, TestLayer};
use bosun_oci::{Compression, Image, OpenOptions, WalkOptions};
use bosun_sbom::oci::catalog_image;
use bosun_sbom::{Cataloguer, FileMeta, Inventory, Sink};

/// One test layer of these entries.
pub fn layer(entries: &[TestEntry], compression: Compression) -> TestLayer {
    TestLayer {
        tar: layer_tar(entries),
        compression,
        created_by: "test".into(),
    }
}

/// The inventory of an image of these layers, written as an OCI layout and walked
/// as `bosun sbom` walks it.
pub fn catalog_layers(layers: Vec<TestLayer>) -> Inventory {
    let dir = tempfile::tempdir().unwrap();
    ImageSpec {
        layers,
        ..ImageSpec::default()
    }
    .build()
    .write_oci_dir(dir.path(), None)
    .unwrap();
    let src = format!("oci:{}", dir.path().display());
    let image = Image::open(&src, &OpenOptions::default()).unwrap();
    catalog_image("test", &image, &WalkOptions::default(), &[])
        .unwrap()
        .0
}

/// Offers `body` at `path` (mode `mode`) to `cat` as the walker would: asks `wants`
/// (which must want it), caps the body and parses it.
pub fn run(cat: &dyn Cataloguer, path: &str, body: &[u8], mode: u32) -> Sink {
    let meta = FileMeta {
        path,
        size: body.len() as u64,
        mode,
    };
    let cap = cat
        .wants(&meta)
        .unwrap_or_else(|| panic!("{} does not want {path}", cat.name()));
    let n = usize::try_from(cap).unwrap_or(usize::MAX).min(body.len());
    let mut sink = Sink::default();
    cat.parse(&meta, &body[..n], n < body.len(), &mut sink);
    sink
}

/// Whether `cat` wants the file at `path` (regular file, `size` bytes, `mode`).
pub fn wants(cat: &dyn Cataloguer, path: &str, size: u64, mode: u32) -> bool {
    cat.wants(&FileMeta { path, size, mode }).is_some()
}

/// (name, version, purl) of every package, sorted.
pub fn triples(sink: &Sink) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = sink
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone(), p.purl.clone()))
        .collect();
    v.sort();
    v
}

/// Runs a fixture-building command; a failure is a failed setup step (see
/// `bosun_testkit::setup_failed`).
pub fn sh(program: &Path, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output();
    let step = format!("{} {}", program.display(), args.join(" "));
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(o) => bosun_testkit::setup_failed(
            &step,
            format!("{}: {}", o.status, String::from_utf8_lossy(&o.stderr)),
        ),
        Err(e) => bosun_testkit::setup_failed(&step, e),
    }
}
