//! `bosun scan` on the example shipped in the repo (`examples/scan/`): the committed OCI
//! layout is exactly what the generator below makes from `examples/scan/rootfs/`, the
//! README's first command finds every stage's findings (exact counts), the SARIF log
//! validates against SARIF 2.1.0, and the HTML report renders in headless Chromium
//! without script errors, hostile strings included.
//!
//! Regenerate the layout after changing the generator or `rootfs/`:
//! `BOSUN_UPDATE_EXAMPLE=1 cargo test -p bosun --test scan_example`.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/scan")
}

fn bosun_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bosun"))
        .args(args)
        .current_dir(dir)
        .env("CI", "true")
        .env_remove("BOSUN_DB")
        // No default database: the scan must work from --advisories alone.
        .env(
            "XDG_CACHE_HOME",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-cache"),
        )
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

// --- the generator ----------------------------------------------------------------

/// Fixed time for every tar entry and the config, so the layout is reproducible.
const MTIME: u64 = 1_700_000_000;

fn sha256_hex(b: &[u8]) -> String {
    format!("{:x}", Sha256::digest(b))
}

/// A tar of `root` (sorted; directories 0755, files 0644, owner root), plus `extra`
/// entries: `(path, Some(target))` a symlink, `(path, None)` a 0777 directory.
fn layer_tar(root: &Path, extra: &[(&str, Option<&str>)]) -> Vec<u8> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Option<Vec<u8>>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                out.push((format!("{rel}/"), None));
                walk(root, &p, out);
            } else {
                out.push((rel, Some(std::fs::read(&p).unwrap())));
            }
        }
    }
    let mut items = Vec::new();
    walk(root, root, &mut items);
    let mut b = tar::Builder::new(Vec::new());
    let header = |kind: tar::EntryType, mode: u32, size: u64| {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(kind);
        h.set_mode(mode);
        h.set_size(size);
        h.set_mtime(MTIME);
        h.set_uid(0);
        h.set_gid(0);
        h
    };
    for (path, body) in items {
        match body {
            None => {
                let mut h = header(tar::EntryType::Directory, 0o755, 0);
                b.append_data(&mut h, &path, std::io::empty()).unwrap();
            }
            Some(bytes) => {
                let mut h = header(tar::EntryType::Regular, 0o644, bytes.len() as u64);
                b.append_data(&mut h, &path, &bytes[..]).unwrap();
            }
        }
    }
    for (path, link) in extra {
        match link {
            Some(target) => {
                let mut h = header(tar::EntryType::Symlink, 0o777, 0);
                b.append_link(&mut h, path, target).unwrap();
            }
            None => {
                let mut h = header(tar::EntryType::Directory, 0o777, 0);
                b.append_data(&mut h, format!("{path}/"), std::io::empty())
                    .unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

/// The history: one entry per Dockerfile instruction, three of them with layers.
fn history() -> Vec<(&'static str, bool)> {
    vec![
        (
            "/bin/sh -c #(nop) ADD file:debian-bookworm-rootfs.tar in / ",
            false,
        ),
        (
            "/bin/sh -c #(nop)  ENV DB_PASSWORD=hunter2-example-only",
            true,
        ),
        (
            "RUN /bin/sh -c pip install urllib3==1.26.4 requests==2.25.0 # buildkit",
            false,
        ),
        ("COPY . /app # buildkit", false),
        ("/bin/sh -c #(nop)  EXPOSE 22", true),
        (
            "/bin/sh -c #(nop)  CMD [\"/bin/sh\" \"-c\" \"python3 /app/app.py\"]",
            true,
        ),
    ]
}

/// The OCI layout, path -> bytes; `tweak` edits the config first (hostile variants).
fn generate(tweak: impl FnOnce(&mut Value)) -> BTreeMap<String, Vec<u8>> {
    let rootfs = example().join("rootfs");
    let layers = [
        layer_tar(
            &rootfs.join("layer0"),
            &[("etc/os-release", Some("../usr/lib/os-release"))],
        ),
        layer_tar(&rootfs.join("layer1"), &[]),
        layer_tar(&rootfs.join("layer2"), &[("app/uploads", None)]),
    ];
    let mut files = BTreeMap::new();
    let mut descriptors = Vec::new();
    let mut diff_ids = Vec::new();
    for l in &layers {
        let hex = sha256_hex(l);
        diff_ids.push(format!("sha256:{hex}"));
        descriptors.push(json!({
            "mediaType": "application/vnd.oci.image.layer.v1.tar",
            "digest": format!("sha256:{hex}"),
            "size": l.len(),
        }));
        files.insert(format!("blobs/sha256/{hex}"), l.clone());
    }
    let created = "2023-11-14T22:13:20Z";
    let mut config = json!({
        "created": created,
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Env": [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "DB_PASSWORD=hunter2-example-only",
            ],
            "Cmd": ["/bin/sh", "-c", "python3 /app/app.py"],
            "ExposedPorts": { "22/tcp": {} },
            "WorkingDir": "/app",
        },
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
        "history": history().iter().map(|(c, empty)| {
            let mut h = json!({ "created": created, "created_by": c });
            if *empty {
                h["empty_layer"] = json!(true);
            }
            h
        }).collect::<Vec<_>>(),
    });
    tweak(&mut config);
    let config = serde_json::to_vec(&config).unwrap();
    let config_hex = sha256_hex(&config);
    files.insert(format!("blobs/sha256/{config_hex}"), config.clone());
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": format!("sha256:{config_hex}"),
            "size": config.len(),
        },
        "layers": descriptors,
    }))
    .unwrap();
    let manifest_hex = sha256_hex(&manifest);
    files.insert(format!("blobs/sha256/{manifest_hex}"), manifest.clone());
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": format!("sha256:{manifest_hex}"),
            "size": manifest.len(),
            "annotations": { "org.opencontainers.image.ref.name": "latest" },
        }],
    }))
    .unwrap();
    files.insert("index.json".into(), index);
    files.insert(
        "oci-layout".into(),
        br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
    );
    files
}

fn write_layout(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
    for (rel, bytes) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.is_dir() {
        walk(dir, dir, &mut out);
    }
    out
}

#[test]
fn committed_layout_is_what_the_generator_makes() {
    let want = generate(|_| {});
    let dir = example().join("image");
    if std::env::var_os("BOSUN_UPDATE_EXAMPLE").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        write_layout(&dir, &want);
    }
    let have = read_tree(&dir);
    assert_eq!(
        have.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "examples/scan/image is stale: BOSUN_UPDATE_EXAMPLE=1 cargo test -p bosun --test scan_example"
    );
    for (k, v) in &want {
        assert!(have[k] == *v, "{k} differs from the generator's");
    }
    let total: usize = want.values().map(Vec::len).sum();
    assert!(total < 300 * 1024, "the example stays small: {total} bytes");
}

// --- the README's first command ----------------------------------------------------

/// The README's first command, from the repository root, with `extra` arguments.
fn scan_example_with(extra: &[&str]) -> Output {
    let root = example().join("../..");
    let mut args = vec![
        "scan",
        "examples/scan/Dockerfile",
        "examples/scan/image",
        "--advisories",
        "examples/scan/advisories",
    ];
    args.extend_from_slice(extra);
    bosun_in(&root, &args)
}

fn scan_example(format: &str) -> Output {
    scan_example_with(&["--format", format])
}

/// The README's first command is the one these tests run, and it works from the
/// repository root with nothing set up (no database, no network).
#[test]
fn readme_first_command_is_the_scan_example() {
    let root = example().join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let block = readme
        .split("```sh\n")
        .nth(1)
        .expect("a sh block in README.md");
    let first = block.lines().next().unwrap();
    let args = first
        .strip_prefix("cargo run --release -- ")
        .unwrap_or_else(|| {
            panic!("README's first command is not `cargo run --release -- ...`: {first}")
        });
    let args: Vec<&str> = args.split_whitespace().collect();
    assert_eq!(
        args,
        [
            "scan",
            "examples/scan/Dockerfile",
            "examples/scan/image",
            "--advisories",
            "examples/scan/advisories"
        ]
    );
    let o = bosun_in(&root, &args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    let total = LINT_CODES.len() + IMAGE_CODES.len() + VULN_CODES.len();
    assert!(
        text.contains(&format!("\n== Vulnerabilities ({}) ==", VULN_CODES.len())),
        "{text}"
    );
    assert_eq!(
        text.matches("\n== ").count(),
        3,
        "lint, image and vuln details: {text}"
    );
    let tagged = text
        .lines()
        .filter(|l| {
            ["critical", "error", "warning", "low", "info", "style"]
                .iter()
                .any(|s| l.contains(&format!(" [{s}] ")))
        })
        .count();
    assert_eq!(tagged, total, "one line per finding: {text}");
    for code in LINT_CODES.iter().chain(IMAGE_CODES).chain(VULN_CODES) {
        assert!(text.contains(&format!(" {code} [")), "{code}: {text}");
    }
}

fn codes(stage: &Value) -> Vec<String> {
    let mut v: Vec<String> = stage["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn readme_example_shows_every_stage() {
    let o = scan_example("json");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&o)));
    let stages: BTreeMap<&str, &Value> = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["kind"].as_str().unwrap(), s))
        .collect();
    assert_eq!(
        stages.keys().copied().collect::<Vec<_>>(),
        ["image", "lint", "policy", "sbom", "vuln"]
    );
    assert_eq!(codes(stages["lint"]), LINT_CODES, "{}", stages["lint"]);
    assert_eq!(codes(stages["image"]), IMAGE_CODES, "{}", stages["image"]);
    assert_eq!(codes(stages["vuln"]), VULN_CODES, "{}", stages["vuln"]);
    assert_eq!(
        stages["sbom"]["note"], "12 packages (10 dpkg, 2 python)",
        "{}",
        stages["sbom"]
    );
    assert_eq!(stages["policy"]["skipped"], "no --policy given");
    // The image: three layers, each with what it added.
    let layers = v["image"]["layers"].as_array().unwrap();
    let added: Vec<u64> = layers
        .iter()
        .map(|l| l["packages"].as_u64().unwrap())
        .collect();
    assert_eq!(added, [10, 2, 0]);
    assert_eq!(
        layers[1]["created_by"],
        "RUN /bin/sh -c pip install urllib3==1.26.4 requests==2.25.0 # buildkit"
    );
    // The fix summary (bosun_vuln::fix_summary): one upgrade per package.
    assert_eq!(
        v["fixes"],
        json!([
            {"package": "urllib3", "installed": "1.26.4", "fixed_in": "1.26.18", "fixes": 3, "severity": "error"},
            {"package": "requests", "installed": "2.25.0", "fixed_in": "2.31.0", "fixes": 1, "severity": "warning"},
        ])
    );
    assert_eq!(v["verdict"]["pass"], false);
    // The secret never leaves in clear.
    assert!(!String::from_utf8_lossy(&o.stdout).contains("hunter2"));
}

/// What the example's Dockerfile plants (examples/scan/README.md).
const LINT_CODES: &[&str] = &[
    "BSN1002", "BSN2001", "BSN2002", "BSN2003", "BSN3001", "BSN5001", "BSN6001", "DL3007",
    "DL3008", "DL3009", "DL3015", "DL3025", "DL3042", "DL3064",
];
/// What the example's image plants.
const IMAGE_CODES: &[&str] = &[
    "BSI100", "BSI101", "BSI113", "BSI121", "BSI150", "BSI151", "BSI152",
];
/// The PyPA advisories that affect urllib3 1.26.4 and requests 2.25.0 (of the 16
/// shipped; the others are fixed in earlier versions).
const VULN_CODES: &[&str] = &[
    "PYSEC-2021-108",
    "PYSEC-2023-192",
    "PYSEC-2023-212",
    "PYSEC-2023-74",
];

#[test]
fn readme_example_text_has_the_summary_first() {
    let o = scan_example("text");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("bosun scan: examples/scan/Dockerfile"),
        "{text}"
    );
    assert!(lines[1].starts_with("stage "), "{text}");
    for (i, stage) in ["lint", "image", "sbom", "vuln", "policy"]
        .iter()
        .enumerate()
    {
        assert!(lines[2 + i].starts_with(stage), "{text}");
    }
    assert!(lines[7].starts_with("FAIL: "), "{text}");
    assert!(text.contains("\n== Dockerfile ("), "{text}");
    assert!(text.contains("\n== Vulnerabilities ("), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[test]
fn sarif_has_one_run_per_stage_and_is_valid() {
    let Some(sarif) = bosun_testkit::schemas::sarif() else {
        return;
    };
    let o = scan_example("sarif");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let runs = v["runs"].as_array().unwrap();
    let ids: Vec<&str> = runs
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["bosun/lint/", "bosun/image/", "bosun/vuln/"]);
    let counts: Vec<usize> = runs
        .iter()
        .map(|r| r["results"].as_array().unwrap().len())
        .collect();
    assert_eq!(
        counts,
        [LINT_CODES.len(), IMAGE_CODES.len(), VULN_CODES.len()]
    );
    let errors = bosun_testkit::schemas::errors(sarif, &v);
    assert!(errors.is_empty(), "{errors:#?}");
}

// --- HTML in headless Chromium -----------------------------------------------------

/// The DOM Chromium builds from `page` after running its scripts.
fn chromium_dom(chromium: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "chromium failed: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The element the page's `window.onerror` adds on a script error.
const NO_ERROR: &str = "id=\"script-error\"";

/// The `<body ...>` start tag of a DOM dump (where the page script writes its marks).
fn body_tag(dom: &str) -> &str {
    let start = dom.find("<body").expect("a body element");
    let end = dom[start..].find('>').expect("a whole start tag");
    &dom[start..start + end + 1]
}

#[test]
fn html_report_renders_in_chromium() {
    let Some(chromium) = bosun_testkit::tool("chromium") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let o = scan_example_with(&["--format", "html", "--output", page.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(!html.contains("hunter2"));
    assert!(!html.contains("src=\"http"), "no external resources");
    let dom = chromium_dom(&chromium, &page);
    assert!(!dom.contains(NO_ERROR), "{dom}");
    assert!(
        body_tag(&dom).contains("data-ready=\"1\""),
        "the page script ran: {dom}"
    );
    let total = LINT_CODES.len() + IMAGE_CODES.len() + VULN_CODES.len();
    assert!(
        body_tag(&dom).contains(&format!("data-findings=\"{total}\"")),
        "every finding is a row: {dom}"
    );
    for id in [
        "summary",
        "layers",
        "findings",
        "fixes",
        "stage-lint",
        "stage-vuln",
    ] {
        assert!(dom.contains(&format!("id=\"{id}\"")), "section {id}: {dom}");
    }
    assert_eq!(dom.matches("class=\"layer\"").count(), 3);
    assert_eq!(dom.matches("class=\"fix\"").count(), 2);

    // The error mark is not vacuous: a script error after the page's script shows it.
    let broken = dir.path().join("broken.html");
    std::fs::write(
        &broken,
        html.replace("</body>", "<script>notDefinedAnywhere();</script></body>"),
    )
    .unwrap();
    assert!(chromium_dom(&chromium, &broken).contains(NO_ERROR));
}

#[test]
fn hostile_strings_are_escaped_in_the_html_report() {
    let Some(chromium) = bosun_testkit::tool("chromium") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("image");
    write_layout(
        &layout,
        &generate(|c| {
            c["config"]["Labels"] = json!({
                "<script>document.body.setAttribute('data-pwned','1')</script>":
                    "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">",
            });
            c["history"][3]["created_by"] =
                json!("COPY . /app <script>document.body.setAttribute('data-pwned','3')</script>");
        }),
    );
    let page = dir.path().join("report.html");
    let o = bosun_in(
        dir.path(),
        &[
            "scan",
            "image",
            "--format",
            "html",
            "--output",
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(html.contains("&lt;script&gt;document.body"));
    let dom = chromium_dom(&chromium, &page);
    assert!(!body_tag(&dom).contains("data-pwned"), "{dom}");
    assert!(!dom.contains(NO_ERROR), "{dom}");
    assert!(body_tag(&dom).contains("data-ready=\"1\""), "{dom}");
}

// --- usage errors --------------------------------------------------------------------

#[test]
fn two_images_or_a_missing_target_are_one_line_errors() {
    let root = example().join("../..");
    let o = bosun_in(
        &root,
        &["scan", "examples/scan/image", "oci:examples/scan/image"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "bosun: error: one image per scan: examples/scan/image and oci:examples/scan/image are both images\n"
    );
    let o = bosun_in(&root, &["scan", "nope/Dockerfile"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "bosun: error: nope/Dockerfile: no such file or directory (name a registry image as docker://nope/Dockerfile)\n"
    );
}

#[test]
fn a_policy_decides_over_packages_and_vulnerabilities_too() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "[image]\nrequire_non_root = true\nbanned_packages = [\"tar\"]\n[vulnerabilities]\nfail_on = \"high\"\n",
    )
    .unwrap();
    let root = example().join("../..");
    let o = bosun_in(
        &root,
        &[
            "scan",
            "examples/scan/image",
            "--advisories",
            "examples/scan/advisories",
            "--policy",
            policy.to_str().unwrap(),
            "--failure-threshold",
            "none",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "a deny fails the scan: {}",
        stderr(&o)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["policy"]["pass"], false);
    let reasons: Vec<&str> = v["policy"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(reasons, POLICY_REASONS, "{reasons:#?}");
    assert_eq!(v["stages"][0]["skipped"], "no Dockerfile given");
}

const POLICY_REASONS: &[&str] = &[
    "vulnerabilities.fail_on = high: PYSEC-2023-192 (high) in pkg:pypi/urllib3@1.26.4, fixed in 1.26.17",
    "image.require_non_root = true: the image runs as root (config User is empty)",
    "image.banned_packages: pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=debian-12 is installed at /var/lib/dpkg/status",
];
