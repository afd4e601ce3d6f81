//! `bosun db import|update|status` through the binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bosun(args: &[&str], db: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bosun"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env("CI", "true")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const REC: &str = r#"{"id":"TEST-1","aliases":["CVE-2099-1"],"summary":"x","affected":[{"package":{"ecosystem":"PyPI","name":"demo"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}]}]}"#;
const REC2: &str = r#"{"id":"TEST-2","affected":[{"package":{"ecosystem":"npm","name":"demo"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"2.0.0"}]}]}]}"#;

fn zip_bytes(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn status_json(db: &Path) -> serde_json::Value {
    let o = bosun(&["db", "status", "--format", "json"], db);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn import_then_status_and_reimport_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("TEST-1.json"), REC).unwrap();
    std::fs::write(data.join("BROKEN.json"), "{\"id\": \"B\", ").unwrap();
    let db = dir.path().join("sub/vuln.db");
    let o = bosun(&["db", "import", data.to_str().unwrap()], &db);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("BROKEN.json: invalid JSON"), "{err}");
    assert!(
        err.contains("1 new, 0 updated, 0 unchanged records, 1 skipped"),
        "{err}"
    );
    let o = bosun(&["db", "import", data.to_str().unwrap()], &db);
    assert!(
        stderr(&o).contains("0 new, 0 updated, 1 unchanged"),
        "{}",
        stderr(&o)
    );
    let st = status_json(&db);
    assert_eq!(st["advisories"], 1);
    assert_eq!(st["ecosystems"][0]["ecosystem"], "PyPI");
    assert_eq!(st["ecosystems"][0]["source"], "osv:TEST");
    let o = bosun(&["db", "status"], &db);
    let out = stdout(&o);
    assert!(out.contains("advisories: 1\n"), "{out}");
    assert!(out.contains("last import: "), "{out}");
}

#[test]
fn missing_database_truncated_zip_and_newer_schema_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vuln.db");
    let o = bosun(&["db", "status"], &db);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bosun db import"), "{err}");

    let zip = dir.path().join("all.zip");
    std::fs::write(&zip, zip_bytes(&[("TEST-1.json", REC)])).unwrap();
    let o = bosun(&["db", "import", zip.to_str().unwrap()], &db);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&zip).unwrap();
    let cut = dir.path().join("cut.zip");
    std::fs::write(&cut, &bytes[..bytes.len() - 30]).unwrap();
    let o = bosun(&["db", "import", cut.to_str().unwrap()], &db);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cut.zip: not a readable zip"), "{err}");
    assert_eq!(status_json(&db)["advisories"], 1);

    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA user_version = 7").unwrap();
    }
    let o = bosun(&["db", "status"], &db);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("written by a newer bosun (schema 7"), "{err}");
}

/// Serves `/PyPI/all.zip` and `/npm/all.zip`; anything else is a 404.
fn serve(zips: Vec<(String, Vec<u8>)>) -> Option<(String, std::thread::JoinHandle<()>)> {
    let server = match tiny_http::Server::http("127.0.0.1:0") {
        Ok(s) => s,
        Err(e) => return bosun_testkit::setup_failed("start a local HTTP server", e),
    };
    let addr = format!("http://{}", server.server_addr().to_ip().unwrap());
    let h = std::thread::spawn(move || {
        for _ in 0..zips.len() + 1 {
            let Ok(Some(req)) = server.recv_timeout(std::time::Duration::from_secs(60)) else {
                return;
            };
            let body = zips
                .iter()
                .find(|(p, _)| p == req.url())
                .map(|(_, b)| b.clone());
            let _ = match body {
                Some(b) => req.respond(tiny_http::Response::from_data(b)),
                None => req.respond(tiny_http::Response::empty(404)),
            };
        }
    });
    Some((addr, h))
}

#[test]
fn update_downloads_the_exports_from_the_configured_url() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vuln.db");
    let Some((url, h)) = serve(vec![
        ("/PyPI/all.zip".into(), zip_bytes(&[("TEST-1.json", REC)])),
        ("/npm/all.zip".into(), zip_bytes(&[("TEST-2.json", REC2)])),
    ]) else {
        return;
    };
    let o = bosun(
        &["db", "update", "--url", &url, "--ecosystem", "PyPI,npm"],
        &db,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let st = status_json(&db);
    assert_eq!(st["advisories"], 2);
    // A missing export fails the update and changes nothing.
    let o = bosun(&["db", "update", "--url", &url, "--ecosystem", "Nope"], &db);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("/Nope/all.zip") && err.contains("404"),
        "{err}"
    );
    assert_eq!(status_json(&db)["advisories"], 2);
    h.join().unwrap();
    // No download folder is left next to the database.
    let left: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".bosun-osv-")
        })
        .collect();
    assert_eq!(left, Vec::<PathBuf>::new());
}

#[test]
fn a_killed_import_leaves_the_previous_database_working() {
    let Some(osv) = bosun_testkit::corpus("osv") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vuln.db");
    let one = dir.path().join("one");
    std::fs::create_dir(&one).unwrap();
    std::fs::write(one.join("TEST-1.json"), REC).unwrap();
    let o = bosun(&["db", "import", one.to_str().unwrap()], &db);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = status_json(&db);

    // The whole corpus takes seconds; kill it half a second in, mid-transaction.
    let mut child = Command::new(env!("CARGO_BIN_EXE_bosun"))
        .args([
            "db",
            "import",
            osv.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ])
        .env("CI", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        still_running,
        "the import finished before it could be killed"
    );

    let after = status_json(&db);
    assert_eq!(after["advisories"], before["advisories"]);
    assert_eq!(after["ecosystems"], before["ecosystems"]);
    assert_eq!(after["last_import"], before["last_import"]);
    // And it still takes imports.
    std::fs::write(one.join("TEST-2.json"), REC2).unwrap();
    let o = bosun(&["db", "import", one.to_str().unwrap()], &db);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(status_json(&db)["advisories"], 2);
}
