//! Test support shared by every crate's tests.
//!
//! The rule: a test that needs something from outside the repository (the `../shared`
//! corpus, a schema, a test image, a tool such as `podman` or `docker-registry`, a
//! server it starts) asks for it here. When it is missing:
//! - under `BOSUN_REQUIRE_FIXTURES=1` (which `.ci/run` sets) the test **fails**, naming
//!   what is missing;
//! - otherwise (a developer's laptop) the call returns `None` and prints why the test
//!   is skipped, so the caller returns early.
//!
//! Never `return` from a test on a missing fixture without going through this module:
//! libtest hides the message and counts the test as passed.

use std::path::{Path, PathBuf};

pub mod registry;
pub mod schemas;
pub use registry::{start_registry, Registry, RegistryConfig};

/// True when missing fixtures must fail tests (`BOSUN_REQUIRE_FIXTURES=1`).
pub fn fixtures_required() -> bool {
    std::env::var("BOSUN_REQUIRE_FIXTURES").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Reports a missing fixture: panics when fixtures are required, else prints a skip
/// note to stderr. Always returns `None` so it can end an `Option` chain.
pub fn missing<T>(what: &str) -> Option<T> {
    if fixtures_required() {
        panic!("required fixture missing (BOSUN_REQUIRE_FIXTURES=1): {what}");
    }
    eprintln!("SKIPPED: {what} (set BOSUN_REQUIRE_FIXTURES=1 to make this a failure)");
    None
}

/// Statement form of [`missing`] for a test about to `return`: fails the test under
/// `BOSUN_REQUIRE_FIXTURES=1`, else prints the skip note.
pub fn skip(what: &str) {
    missing::<()>(what);
}

/// Reports a failed setup step (a server that did not come up, a push that failed).
/// Same policy as [`missing`].
pub fn setup_failed<T>(step: &str, detail: impl std::fmt::Display) -> Option<T> {
    missing(&format!("setup step failed: {step}: {detail}"))
}

/// The workspace root (the folder holding the top `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    // crates/bosun_testkit -> crates -> root
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("bosun_testkit lives at crates/bosun_testkit")
        .to_path_buf()
}

/// `../shared/<rel>` next to the workspace (the corpus, schemas, scripts), if present.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let base = std::env::var_os("BOSUN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("..").join("shared"));
    let p = base.join(rel);
    if p.exists() {
        Some(p)
    } else {
        missing(&format!("{} (the shared corpus)", p.display()))
    }
}

/// `../shared/corpus/<rel>`, if present.
pub fn corpus(rel: &str) -> Option<PathBuf> {
    shared(&format!("corpus/{rel}"))
}

/// The folder of test images (`$BOSUN_TEST_IMAGES`, built by
/// `shared/scripts/make-images.sh` in `.ci/run`), if set and present.
pub fn test_images_dir() -> Option<PathBuf> {
    match std::env::var_os("BOSUN_TEST_IMAGES") {
        Some(d) if Path::new(&d).is_dir() => Some(PathBuf::from(d)),
        Some(d) => missing(&format!(
            "BOSUN_TEST_IMAGES={} is not a directory",
            Path::new(&d).display()
        )),
        None => missing("BOSUN_TEST_IMAGES is not set (see .ci/run)"),
    }
}

/// One test image file, e.g. `test_image("pyapp.docker.tar")`, if present.
pub fn test_image(file: &str) -> Option<PathBuf> {
    let dir = test_images_dir()?;
    let p = dir.join(file);
    if p.exists() {
        Some(p)
    } else {
        missing(&format!("test image {}", p.display()))
    }
}

/// The full path of a program on `PATH`, if installed.
pub fn tool(name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    missing(&format!("tool `{name}` is not installed (see .ci/run)"))
}

/// Every file under `dir`, recursively, sorted, without the corpus's `SOURCES.tsv`
/// listings: the Dockerfiles of `corpus("dockerfiles/visible")`.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.file_name().is_some_and(|n| n != "SOURCES.tsv") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Run only as a child of `strict_mode_fails_on_an_empty_image_folder`.
    #[test]
    #[ignore = "probe run by strict_mode_fails_on_an_empty_image_folder"]
    fn probe_needs_a_test_image() {
        let Some(p) = test_image("pyapp.docker.tar") else {
            return;
        };
        assert!(p.is_file());
    }

    fn run_probe(strict: bool, images: &Path) -> std::process::Output {
        let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
        cmd.args([
            "--ignored",
            "--exact",
            "--nocapture",
            "tests::probe_needs_a_test_image",
        ])
        .env("BOSUN_TEST_IMAGES", images)
        .env_remove("BOSUN_REQUIRE_FIXTURES");
        if strict {
            cmd.env("BOSUN_REQUIRE_FIXTURES", "1");
        }
        cmd.output().unwrap()
    }

    /// The promise CI relies on: with `BOSUN_REQUIRE_FIXTURES=1` and
    /// `BOSUN_TEST_IMAGES` pointing at an empty folder, a test that needs an image
    /// fails; without it, the same test is skipped with a note.
    #[test]
    fn strict_mode_fails_on_an_empty_image_folder() {
        let empty =
            std::env::temp_dir().join(format!("bosun-testkit-empty-{}", std::process::id()));
        std::fs::create_dir_all(&empty).unwrap();
        let strict = run_probe(true, &empty);
        let relaxed = run_probe(false, &empty);
        std::fs::remove_dir_all(&empty).unwrap();

        let out = String::from_utf8_lossy(&strict.stdout).to_string()
            + &String::from_utf8_lossy(&strict.stderr);
        assert!(!strict.status.success(), "strict run passed:\n{out}");
        assert!(
            out.contains("required fixture missing (BOSUN_REQUIRE_FIXTURES=1): test image"),
            "{out}"
        );
        let out = String::from_utf8_lossy(&relaxed.stdout).to_string()
            + &String::from_utf8_lossy(&relaxed.stderr);
        assert!(relaxed.status.success(), "relaxed run failed:\n{out}");
        assert!(out.contains("SKIPPED: test image"), "{out}");
    }

    #[test]
    fn workspace_root_has_the_workspace_manifest() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(workspace_root().join("crates").is_dir());
    }
}
