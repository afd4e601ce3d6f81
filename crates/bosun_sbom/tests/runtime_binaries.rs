//! Runtimes installed without a package manager, found by their files: the real Go,
//! Python, PHP and Java of this machine (Debian's `golang-go`, `python3`, `php-cli` and
//! `default-jdk-headless`, which `.ci/run` installs) copied into `/usr/local` and
//! `/opt` of an image built here. Each must come out under the name syft gives it, with
//! the version the runtime itself reports.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;

use bosun_oci::testing::TestEntry;
use bosun_oci::Compression;
use bosun_sbom::PackageType;

/// The real file behind a tool on `PATH` (Debian's `/usr/bin/go` is a link).
fn real(tool: &str) -> Option<PathBuf> {
    let p = bosun_testkit::tool(tool)?;
    Some(std::fs::canonicalize(&p).unwrap_or(p))
}

/// What `program args` prints (stdout and stderr), trimmed.
fn output(program: &Path, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(out.status.success(), "{program:?} {args:?}");
    let mut s = String::from_utf8_lossy(&out.stdout).to_string();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    s.trim().to_string()
}

fn file(path: &str, from: &Path) -> TestEntry {
    TestEntry::File(path.into(), std::fs::read(from).unwrap(), 0o755)
}

#[test]
fn real_runtimes_in_usr_local_and_opt() {
    // Debian's own interpreter, not a version manager's shim earlier on `PATH`.
    let debian_python = Path::new("/usr/bin/python3")
        .exists()
        .then(|| std::fs::canonicalize("/usr/bin/python3").ok())
        .flatten();
    let (Some(go), Some(python), Some(php), Some(java)) = (
        real("go"),
        debian_python.or_else(|| real("python3")),
        real("php"),
        real("java"),
    ) else {
        return;
    };
    let go_version = output(&go, &["env", "GOVERSION"]);
    let py_version = output(
        &python,
        &["-c", "import platform; print(platform.python_version())"],
    );
    let php_version = output(&php, &["-r", "echo PHP_VERSION;"]);
    // `openjdk version "17.0.15" ...` then `... (build 17.0.15+6-Debian-1deb12u1)`.
    let java_out = output(&java, &["-version"]);
    let java_build = java_out
        .split("(build ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap_or_else(|| panic!("no build in {java_out}"))
        .to_string();
    let release = java.parent().unwrap().parent().unwrap().join("release");
    let py_name = python.file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        py_name.starts_with("python3."),
        "python3 resolves to {py_name}"
    );

    let entries = vec![
        file("usr/local/go/bin/go", &go),
        file(&format!("usr/local/bin/{py_name}"), &python),
        file("usr/local/bin/php", &php),
        file("opt/java/openjdk/release", &release),
    ];
    let inv = support::catalog_layers(vec![support::layer(&entries, Compression::None)]);
    let mut got: Vec<(String, String)> = inv
        .packages
        .iter()
        .filter(|p| p.kind == PackageType::Binary || p.name == "cmd/go")
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    got.sort();
    let mut want = vec![
        ("cmd/go".to_string(), "(devel)".to_string()),
        ("openjdk".to_string(), java_build),
        ("php-cli".to_string(), php_version),
        ("python".to_string(), py_version),
    ];
    // The `go` classifier's evidence is the version followed by a NUL byte, which a Go
    // toolchain binary holds or not depending on how it was built (Go strings are not
    // NUL-terminated): expected exactly when the bytes are there, as syft decides.
    let go_bytes = std::fs::read(&go).unwrap();
    let needle = format!("{go_version}\0");
    if go_bytes
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
    {
        want.push((
            "go".to_string(),
            go_version.trim_start_matches("go").to_string(),
        ));
    }
    want.sort();
    assert_eq!(got, want);
    let stdlib = inv.packages.iter().find(|p| p.name == "stdlib").unwrap();
    assert_eq!(stdlib.version, go_version);
}
