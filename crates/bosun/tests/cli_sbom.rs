//! `bosun sbom` end to end: `dir:` targets (a root filesystem and a project with lock
//! files), several outputs in one run, reproducible documents under
//! `SOURCE_DATE_EPOCH`, and bad input (a corrupt dpkg database, a 1 GiB single-line
//! package.json, unknown formats, missing targets) giving warnings or one-line errors.

use bosun_oci::testing::{layer_tar, ImageSpec, TestEntry, TestLayer};
use bosun_oci::Compression;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn bosun(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bosun"));
    c.arg("sbom").args(args).env("CI", "true");
    c.env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run bosun")
}

fn write(root: &Path, rel: &str, data: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

fn names(json: &[u8]) -> Vec<(String, String, String)> {
    let v: Value = serde_json::from_slice(json).unwrap();
    v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["type"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn dir_target_reads_installed_metadata_and_lock_files_and_survives_bad_files() {
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    write(r, "etc/os-release", b"ID=debian\nVERSION_ID=\"12\"\n");
    write(
        r,
        "var/lib/dpkg/status",
        b"Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\n\n\x00garbage line\n\nPackage: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\n",
    );
    write(
        r,
        "srv/app/package-lock.json",
        br#"{"lockfileVersion":3,"packages":{"":{"name":"app"},"node_modules/express":{"version":"4.19.2"},"node_modules/jest":{"version":"29.0.0","dev":true}}}"#,
    );
    write(
        r,
        "srv/app/node_modules/express/package.json",
        br#"{"name":"express","version":"4.19.2","license":"MIT"}"#,
    );
    write(
        r,
        "srv/web/yarn.lock",
        b"lodash@^4.17.21:\n  version \"4.17.21\"\n",
    );
    write(
        r,
        "usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
        b"Name: six\nVersion: 1.16.0\n",
    );
    // A 1 GiB package.json on one line (sparse, so the test stays cheap on disk).
    let huge = r.join("srv/app/node_modules/huge/package.json");
    std::fs::create_dir_all(huge.parent().unwrap()).unwrap();
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();

    let target = format!("dir:{}", r.display());
    let out = bosun(&[&target, "--format", "json"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        names(&out.stdout),
        [
            s("deb", "libc6", "2.36-9"),
            s("deb", "zlib1g", "1:1.2.13.dfsg-1"),
            s("python", "six", "1.16.0"),
            s("npm", "express", "4.19.2"),
            s("npm", "lodash", "4.17.21"),
        ]
    );
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(
        warnings[0].contains("/srv/app/node_modules/huge/package.json"),
        "{stderr}"
    );
    assert!(
        warnings[1].contains("/var/lib/dpkg/status") && warnings[1].contains("line 6"),
        "{stderr}"
    );
    // express is in two files (installed and locked): one package, two locations.
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let express = &v["packages"][3];
    assert_eq!(express["locations"].as_array().unwrap().len(), 2);
    assert_eq!(express["purl"].as_str(), Some("pkg:npm/express@4.19.2"));
    assert_eq!(
        v["packages"][0]["purl"].as_str(),
        Some("pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12")
    );
}

fn small_image(dir: &Path) -> String {
    let tar = layer_tar(&[
        TestEntry::file("etc/os-release", b"ID=alpine\nVERSION_ID=3.20.3\n"),
        TestEntry::file(
            "lib/apk/db/installed",
            b"P:musl\nV:1.2.5-r0\nA:x86_64\nL:MIT\no:musl\n\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\nL:Apache-2.0\no:openssl\n",
        ),
    ]);
    let img = ImageSpec {
        layers: vec![TestLayer {
            tar,
            compression: Compression::Gzip,
            created_by: "test".into(),
        }],
        ..ImageSpec::default()
    }
    .build();
    img.write_oci_dir(dir, None).unwrap();
    format!("oci:{}", dir.display())
}

#[test]
fn a_docker_archive_is_read_unhashed_by_default_and_says_so() {
    let t = tempfile::tempdir().unwrap();
    let tar = layer_tar(&[
        TestEntry::file("etc/os-release", b"ID=alpine\nVERSION_ID=3.20.3\n"),
        TestEntry::file("lib/apk/db/installed", b"P:musl\nV:1.2.5-r0\nA:x86_64\n"),
        TestEntry::file("usr/share/big", &vec![7u8; 1 << 20]),
    ]);
    let spec = ImageSpec {
        layers: vec![TestLayer {
            tar,
            compression: Compression::None,
            created_by: "test".into(),
        }],
        ..ImageSpec::default()
    };
    let path = t.path().join("img.docker.tar");
    spec.build()
        .write_docker_archive(&path, &spec, "img:1")
        .unwrap();
    let src = format!("docker-archive:{}", path.display());
    let epoch = [("SOURCE_DATE_EPOCH", "1700000000")];
    let run = |extra: &[&str]| -> Value {
        let mut args = vec![src.as_str(), "--format", "cyclonedx-json"];
        args.extend_from_slice(extra);
        let out = bosun(&args, &epoch);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let verified = |bom: &Value| bom["metadata"]["component"]["properties"].clone();
    let fast = run(&[]);
    let full = run(&["--verify"]);
    assert_eq!(
        verified(&fast),
        serde_json::json!([{"name": "bosun:layers-verified", "value": "false"}])
    );
    assert_eq!(
        verified(&full),
        serde_json::json!([{"name": "bosun:layers-verified", "value": "true"}])
    );
    assert_eq!(fast["components"], full["components"]);
    assert_eq!(fast["components"].as_array().unwrap().len(), 2);
    // A changed byte in a file no cataloguer reads: only --verify notices.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.windows(64).position(|w| w == [7u8; 64]).unwrap() + 100;
    bytes[at] = 8;
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(bosun(&[&src], &[]).status.code(), Some(0));
    let out = bosun(&[&src, "--verify"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("diff ID") && err.lines().count() == 1, "{err}");
}

#[test]
fn several_outputs_in_one_run_are_reproducible() {
    let t = tempfile::tempdir().unwrap();
    let src = small_image(&t.path().join("img"));
    let run = |n: &str| {
        let cdx = t.path().join(format!("{n}.cdx.json"));
        let spdx = t.path().join(format!("{n}.spdx.json"));
        let out = bosun(
            &[
                &src,
                "-o",
                &format!("cyclonedx-json={}", cdx.display()),
                "-o",
                &format!("spdx-json={}", spdx.display()),
            ],
            &[("SOURCE_DATE_EPOCH", "1700000000")],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty());
        (std::fs::read(cdx).unwrap(), std::fs::read(spdx).unwrap())
    };
    let (a, b) = (run("a"), run("b"));
    assert_eq!(a, b, "byte-for-byte the same");
    let cdx: Value = serde_json::from_slice(&a.0).unwrap();
    assert_eq!(cdx["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
    let purls: Vec<&str> = cdx["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert_eq!(
        purls,
        [
            "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3",
            "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3"
        ]
    );
    let spdx: Value = serde_json::from_slice(&a.1).unwrap();
    assert_eq!(spdx["creationInfo"]["created"], "2023-11-14T22:13:20Z");
    assert_eq!(spdx["packages"].as_array().unwrap().len(), 3);
    // A different time gives a different serial number.
    let out = bosun(
        &[&src, "--format", "cyclonedx-json"],
        &[("SOURCE_DATE_EPOCH", "1700000001")],
    );
    let other: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(other["serialNumber"], cdx["serialNumber"]);
    // The table names every package.
    let out = bosun(&[&src], &[]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("libcrypto3") && table.contains("2 packages"),
        "{table}"
    );
}

#[test]
fn bad_usage_and_bad_targets_are_one_line_errors_with_exit_2() {
    let t = tempfile::tempdir().unwrap();
    let missing = format!("dir:{}", t.path().join("nope").display());
    type Case<'a> = (Vec<String>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (vec![missing], vec![], "cannot read directory"),
        (
            vec![t.path().join("nope.tar").display().to_string()],
            vec![],
            "cannot open image",
        ),
        (
            vec![
                format!("dir:{}", t.path().display()),
                "-o".into(),
                "xml=out".into(),
            ],
            vec![],
            "unknown SBOM format",
        ),
        (
            vec![format!("dir:{}", t.path().display())],
            vec![("SOURCE_DATE_EPOCH", "yesterday")],
            "invalid SOURCE_DATE_EPOCH",
        ),
    ];
    for (args, env, msg) in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = bosun(&a, &env);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(msg), "{args:?}: {err}");
    }
}
