//! Each image rule on a small synthetic image (config + layers of entries): the bad
//! variant gives the finding, the good variant does not.

use bosun_inspect::{Entry, EntryKind, HistoryEntry, ImageMeta, Inspector, LayerInfo, Report};

/// One synthetic entry: path, kind, mode, body.
type E = (&'static str, EntryKind, u32, &'static [u8]);

fn file(path: &'static str, body: &'static [u8]) -> E {
    (path, EntryKind::File, 0o644, body)
}

fn meta() -> ImageMeta {
    ImageMeta {
        name: "test".into(),
        user: Some("10001".into()),
        healthcheck: Some(vec!["CMD".into(), "true".into()]),
        labels: [
            "org.opencontainers.image.source",
            "org.opencontainers.image.revision",
            "org.opencontainers.image.version",
            "org.opencontainers.image.created",
        ]
        .iter()
        .map(|l| (l.to_string(), "x".to_string()))
        .collect(),
        ..ImageMeta::default()
    }
}

fn run(meta: ImageMeta, layers: &[&[E]]) -> Report {
    let inspector = Inspector::new(meta);
    let mut scans = Vec::new();
    for (i, entries) in layers.iter().enumerate() {
        let mut scan = inspector.layer(LayerInfo {
            index: i,
            digest: format!("sha256:{i:064}"),
            created_by: Some(format!("RUN step {i}").into()),
        });
        for (path, kind, mode, body) in entries.iter() {
            let e = Entry {
                path,
                kind: *kind,
                mode: *mode,
                size: body.len() as u64,
                link_target: None,
            };
            let b = scan.wants_body(&e).then_some(*body);
            scan.visit(&e, b);
        }
        scans.push(scan);
    }
    // Any order: finish sorts by layer.
    scans.reverse();
    inspector.finish(scans)
}

fn codes(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

fn has(r: &Report, code: &str, path: &str) -> bool {
    r.findings.iter().any(|f| {
        f.code == code
            && match &f.location {
                bosun_diagnostics::Location::Layer { path: p, .. } => p == path,
                _ => false,
            }
    })
}

const KEY: &[u8] = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDn0Zk1m5g7x8yQ2Tq3o1Yv9Xc4b2Rz6sLw0pE1nH5aKwAAAJgq0v8vKtL\n-----END OPENSSH PRIVATE KEY-----\n";

#[test]
fn clean_image_has_no_findings() {
    let r = run(
        meta(),
        &[&[
            file("app/main.py", b"print('hi')\n"),
            ("data", EntryKind::Dir, 0o755, b""),
        ]],
    );
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn private_key_deleted_or_overwritten_later_is_still_reported() {
    let deleted = run(
        meta(),
        &[
            &[file("root/.ssh/id_rsa", KEY)],
            &[file("root/.ssh/.wh.id_rsa", b"")],
        ],
    );
    let f = deleted
        .findings
        .iter()
        .find(|f| f.code == "BSI110")
        .expect("BSI110");
    assert!(
        f.message.contains("deleted in layer 1: still shipped"),
        "{}",
        f.message
    );
    let overwritten = run(
        meta(),
        &[
            &[file("root/.ssh/id_rsa", KEY)],
            &[file("root/.ssh/id_rsa", b"gone gone gone\n")],
        ],
    );
    let f = overwritten
        .findings
        .iter()
        .find(|f| f.code == "BSI110")
        .expect("BSI110");
    assert!(
        f.message.contains("overwritten in layer 1"),
        "{}",
        f.message
    );
    let opaque = run(
        meta(),
        &[
            &[file("root/.ssh/id_rsa", KEY)],
            &[file("root/.ssh/.wh..wh..opq", b"")],
        ],
    );
    assert!(opaque
        .findings
        .iter()
        .any(|f| f.code == "BSI110" && f.message.contains("deleted in layer 1")));
    let present = run(meta(), &[&[file("root/.ssh/id_rsa", KEY)]]);
    assert!(present
        .findings
        .iter()
        .any(|f| f.code == "BSI110" && f.message.contains("still in the final filesystem")));
    // The key body is never in a message.
    assert!(present
        .findings
        .iter()
        .all(|f| !f.message.contains("b3BlbnNza")));
}

#[test]
fn keys_in_package_test_dirs_are_suppressed_with_a_reason() {
    let r = run(
        meta(),
        &[&[
            file("app/node_modules/jws/test/keys/private.pem", KEY),
            file("opt/venv/lib/python3.11/site-packages/paramiko/tests/test_rsa.key", KEY),
            // A CA bundle is read (a `.pem` may be a key) and holds no key.
            file(
                "opt/venv/lib/python3.11/site-packages/certifi/cacert.pem",
                b"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTES\n-----END CERTIFICATE-----\n",
            ),
        ]],
    );
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let mut paths: Vec<&str> = r.suppressed.iter().map(|s| s.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "app/node_modules/jws/test/keys/private.pem",
            "opt/venv/lib/python3.11/site-packages/paramiko/tests/test_rsa.key"
        ]
    );
    assert!(r
        .suppressed
        .iter()
        .all(|s| s.code == "BSI110" && !s.reason.is_empty()));
}

#[test]
fn credential_files_tokens_and_env_files() {
    let r = run(
        meta(),
        &[&[
            file(
                "root/.netrc",
                b"machine github.com login bob password Zq8rT1nXw0pL5v\n",
            ),
            file(
                "app/deploy.sh",
                b"export GH=ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\n",
            ),
            file(
                "app/.env",
                b"DATABASE_URL=postgres://admin:Sup3rS3cret@db:5432/prod\n",
            ),
        ]],
    );
    assert!(has(&r, "BSI111", "root/.netrc"), "{:#?}", r.findings);
    assert!(has(&r, "BSI112", "app/deploy.sh"), "{:#?}", r.findings);
    assert!(has(&r, "BSI113", "app/.env"), "{:#?}", r.findings);
    let good = run(
        meta(),
        &[&[
            file(
                "root/.netrc",
                b"# machine example.com login you password ${NETRC_PASSWORD}\n",
            ),
            file(
                "app/.env",
                b"DATABASE_URL=postgres://admin:${DB_PASSWORD}@db:5432/prod\n",
            ),
        ]],
    );
    assert!(good.findings.is_empty(), "{:#?}", good.findings);
}

#[test]
fn build_arg_value_written_to_a_file() {
    let mut m = meta();
    m.history = vec![HistoryEntry {
        created_by: Some(
            "|1 DB_PASSWORD=hunter2 /bin/sh -c echo \"password=$DB_PASSWORD\" > /etc/app.conf"
                .into(),
        ),
        empty_layer: false,
    }];
    let r = run(m.clone(), &[&[file("etc/app.conf", b"password=hunter2\n")]]);
    assert!(has(&r, "BSI113", "etc/app.conf"), "{:#?}", r.findings);
    assert!(codes(&r).contains(&"BSI102"));
    // The created_by in the location is masked too.
    let all = format!("{:?}", r.findings);
    assert!(!all.contains("hunter2"), "{all}");
    let r = run(
        m,
        &[&[file("etc/app.conf", b"password_file=/run/secrets/db\n")]],
    );
    assert!(!has(&r, "BSI113", "etc/app.conf"));
}

#[test]
fn setuid_world_writable_git_and_caches() {
    let r = run(
        meta(),
        &[&[
            ("usr/bin/find", EntryKind::File, 0o4755, b"\x7fELF"),
            ("usr/bin/passwd", EntryKind::File, 0o4755, b"\x7fELF"),
            ("data", EntryKind::Dir, 0o777, b""),
            ("tmp", EntryKind::Dir, 0o1777, b""),
            (
                "app/.git/HEAD",
                EntryKind::File,
                0o644,
                b"ref: refs/heads/main\n",
            ),
            (
                "var/lib/apt/lists/deb.debian.org_InRelease",
                EntryKind::File,
                0o644,
                b"x",
            ),
            ("var/lib/apt/lists/lock", EntryKind::File, 0o640, b""),
        ]],
    );
    let find = r
        .findings
        .iter()
        .find(|f| f.code == "BSI120" && f.message.contains("/usr/bin/find"))
        .expect("find");
    assert_eq!(find.severity, bosun_diagnostics::Severity::Error);
    let passwd = r
        .findings
        .iter()
        .find(|f| f.code == "BSI120" && f.message.contains("/usr/bin/passwd"))
        .expect("passwd");
    assert_eq!(passwd.severity, bosun_diagnostics::Severity::Info);
    assert!(has(&r, "BSI121", "data") && !has(&r, "BSI121", "tmp"));
    assert!(has(&r, "BSI122", "app/.git"));
    assert!(has(&r, "BSI123", "var/lib/apt/lists"));
    // Good: the same, cleaned in a later layer.
    let r = run(
        meta(),
        &[
            &[
                ("usr/bin/find", EntryKind::File, 0o4755, b"\x7fELF"),
                ("app/.git/HEAD", EntryKind::File, 0o644, b"x"),
                (
                    "var/lib/apt/lists/deb.debian.org_InRelease",
                    EntryKind::File,
                    0o644,
                    b"x",
                ),
                ("data", EntryKind::Dir, 0o777, b""),
            ],
            &[
                ("usr/bin/find", EntryKind::File, 0o755, b"\x7fELF"),
                ("app/.wh..git", EntryKind::File, 0o644, b""),
                (
                    "var/lib/apt/lists/.wh..wh..opq",
                    EntryKind::File,
                    0o644,
                    b"",
                ),
                ("data", EntryKind::Dir, 0o750, b""),
            ],
        ],
    );
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn tools_sudo_sshd_and_host_keys() {
    let r = run(
        meta(),
        &[&[
            ("usr/bin/bash", EntryKind::File, 0o755, b"\x7fELF"),
            ("usr/bin/sudo", EntryKind::File, 0o4755, b"\x7fELF"),
            ("usr/sbin/sshd", EntryKind::File, 0o755, b"\x7fELF"),
            ("etc/ssh/ssh_host_ed25519_key", EntryKind::File, 0o600, KEY),
            (
                "etc/ssh/ssh_host_ed25519_key.pub",
                EntryKind::File,
                0o644,
                b"ssh-ed25519 AAAA",
            ),
        ]],
    );
    for (code, path) in [
        ("BSI130", "usr/bin/bash"),
        ("BSI131", "usr/bin/sudo"),
        ("BSI132", "usr/sbin/sshd"),
        ("BSI133", "etc/ssh/ssh_host_ed25519_key"),
    ] {
        assert!(has(&r, code, path), "{code} {path}: {:#?}", r.findings);
    }
    // The host key is one finding (BSI133), not also a BSI110.
    assert!(!codes(&r).contains(&"BSI110"));
    // A distroless-style image: nothing.
    let r = run(meta(), &[&[("app", EntryKind::File, 0o755, b"\x7fELF")]]);
    assert!(r.findings.is_empty());
}

#[test]
fn passwd_shadow_group() {
    let bad = run(
        meta(),
        &[&[
            file(
                "etc/passwd",
                b"root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\na:x:1000:1000::/home/a:/bin/sh\nb:x:1000:1000::/home/b:/bin/sh\n",
            ),
            file("etc/shadow", b"root:*:19000:0:99999:7:::\nguest::19000::::::\n"),
            file("etc/group", b"root:x:0:\nstaff:x:50:\nwheel:x:50:\n"),
        ]],
    );
    let c = codes(&bad);
    assert!(c.contains(&"BSI140") && c.contains(&"BSI142"), "{c:?}");
    // uid 0 (root, toor), uid 1000 (a, b), gid 50 (staff, wheel).
    assert_eq!(c.iter().filter(|c| **c == "BSI141").count(), 3, "{c:?}");
    // The final view counts: a later layer fixes the files.
    let good = run(
        meta(),
        &[
            &[file("etc/shadow", b"guest::19000::::::\n")],
            &[
                file("etc/shadow", b"guest:!:19000::::::\n"),
                file(
                    "etc/passwd",
                    b"root:x:0:0::/root:/bin/sh\na:x:1000:1000::/:/bin/sh\n",
                ),
            ],
        ],
    );
    assert!(good.findings.is_empty(), "{:#?}", good.findings);
}
