//! The local advisory store: one SQLite file.
//!
//! Layout (schema [`SCHEMA_VERSION`], stamped in `PRAGMA user_version`, with
//! `PRAGMA application_id` = [`APPLICATION_ID`] so another program's SQLite file is
//! recognised):
//! - `advisories(id PK, source, hash, data)`: `data` is the advisory as JSON
//!   without its affected list; `hash` is the SHA-256 of the whole normalised
//!   record, so importing the same record again is a no-op;
//! - `affected(ecosystem, name, advisory_id, data)`: one row per affected package,
//!   `name` normalised ([`crate::normalise_name`]), indexed by (ecosystem, name), so
//!   a query reads only the rows of the packages it asks about;
//! - `meta(key, value)`: `last_import` (unix seconds) and `imports` history.
//!
//! Crash safety: an import is one transaction. The file uses SQLite's write-ahead
//! log (`journal_mode=WAL`) with `synchronous=NORMAL`: a killed or failed import
//! rolls back to the previous database on the next open, and a power loss can at
//! worst lose the last import, never corrupt the file.
//!
//! IO: this module reads the files handed to [`Store::import`] and owns the store
//! file; nothing else in the crate touches a disk.

use crate::model::{normalise_name, Advisory, Affected};
use crate::parse::{file_kind, parse_file, FileKind};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: i64 = 1;
/// `PRAGMA application_id` of a bosun store ("bosn").
pub const APPLICATION_ID: i64 = 0x626f_736e;

/// Largest single file (or zip entry) read, so one hostile entry cannot take all
/// memory.
const MAX_FILE: u64 = 256 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no vulnerability database at {0} (create one with `bosun db import PATH...` or `bosun db update`)")]
    Missing(PathBuf),
    #[error("{path} was written by a newer bosun (schema {found}, this bosun reads {SCHEMA_VERSION}); update bosun or rebuild it with `bosun db import`")]
    Newer { path: PathBuf, found: i64 },
    #[error("{path} has an older schema ({found}, this bosun reads {SCHEMA_VERSION}); rebuild it with `bosun db import` into a new file")]
    Older { path: PathBuf, found: i64 },
    #[error("{0} is not a bosun vulnerability database")]
    Foreign(PathBuf),
    #[error("database {path}: {source}")]
    Sql {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: {message}")]
    Input { path: String, message: String },
    #[error("{0}: not found")]
    NotFound(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A problem with one input file (or zip entry): it is skipped, the rest imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarning {
    pub path: String,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Default, Clone)]
pub struct ImportReport {
    /// Files (and zip entries) read as advisories.
    pub files: usize,
    /// Records new to the store.
    pub added: usize,
    /// Records that replaced a different version of themselves.
    pub updated: usize,
    /// Records already present, byte for byte.
    pub unchanged: usize,
    pub warnings: Vec<ImportWarning>,
}

/// Counts of one (source, ecosystem).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    pub source: String,
    pub ecosystem: String,
    pub advisories: u64,
    pub packages: u64,
    /// Newest `modified` (else `published`) date among the records.
    pub newest: Option<String>,
}

/// What `bosun db status` shows.
#[derive(Debug, Clone)]
pub struct Status {
    pub path: PathBuf,
    pub schema: i64,
    pub advisories: u64,
    /// Unix seconds of the last import that committed.
    pub last_import: Option<i64>,
    /// Records per source (including records with no affected package).
    pub sources: Vec<(String, u64)>,
    pub rows: Vec<StatusRow>,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens an existing store for reading and writing; refuses a missing file, a
    /// foreign SQLite file and another schema version.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| sql(path, e))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.check_schema(false)?;
        store.pragmas()?;
        Ok(store)
    }

    /// Opens the store, creating an empty one (and its folder) when missing.
    pub fn open_or_create(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
                path: dir.to_path_buf(),
                source: e,
            })?;
        }
        let conn = Connection::open(path).map_err(|e| sql(path, e))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.check_schema(true)?;
        store.pragmas()?;
        Ok(store)
    }

    fn pragmas(&self) -> Result<(), StoreError> {
        self.conn
            .execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            )
            .map_err(|e| sql(&self.path, e))
    }

    fn check_schema(&self, create: bool) -> Result<(), StoreError> {
        let p = &self.path;
        let q = |pragma: &str| -> Result<i64, StoreError> {
            self.conn
                .query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0))
                .map_err(|e| match e {
                    rusqlite::Error::SqliteFailure(f, _)
                        if f.code == rusqlite::ErrorCode::NotADatabase =>
                    {
                        StoreError::Foreign(p.clone())
                    }
                    e => sql(p, e),
                })
        };
        let app = q("application_id")?;
        let version = q("user_version")?;
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| sql(p, e))?;
        if app == 0 && version == 0 && tables == 0 {
            if !create {
                return Err(StoreError::Foreign(p.clone()));
            }
            self.conn
                .execute_batch(&format!(
                    "PRAGMA application_id={APPLICATION_ID};
                     PRAGMA user_version={SCHEMA_VERSION};
                     CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                     CREATE TABLE advisories(id TEXT PRIMARY KEY, source TEXT NOT NULL,
                        hash BLOB NOT NULL, data TEXT NOT NULL);
                     CREATE TABLE affected(ecosystem TEXT NOT NULL, name TEXT NOT NULL,
                        advisory_id TEXT NOT NULL, data TEXT NOT NULL);
                     CREATE INDEX affected_by_package ON affected(ecosystem, name);
                     CREATE INDEX affected_by_advisory ON affected(advisory_id);"
                ))
                .map_err(|e| sql(p, e))?;
            return Ok(());
        }
        if app != APPLICATION_ID {
            return Err(StoreError::Foreign(p.clone()));
        }
        match version.cmp(&SCHEMA_VERSION) {
            std::cmp::Ordering::Greater => Err(StoreError::Newer {
                path: p.clone(),
                found: version,
            }),
            std::cmp::Ordering::Less => Err(StoreError::Older {
                path: p.clone(),
                found: version,
            }),
            std::cmp::Ordering::Equal => Ok(()),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Imports every advisory file under `inputs` (files, folders, zip exports) in
    /// one transaction. Files that cannot be read as advisories are skipped with a
    /// warning; a missing input or an unreadable zip fails the whole import and
    /// leaves the store as it was. Parsing runs in parallel; one writer.
    pub fn import(
        &mut self,
        inputs: &[PathBuf],
        now_unix: i64,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<ImportReport, StoreError> {
        let mut files = Vec::new();
        for input in inputs {
            collect_files(input, &mut files)?;
        }
        files.sort();
        let total = files.len();
        let mut report = ImportReport::default();
        // Parse in parallel on rayon's pool; write here, in one transaction.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Parsed>(256);
        let tx_files = files.clone();
        let result = std::thread::scope(|scope| {
            scope.spawn(move || {
                use rayon::prelude::*;
                tx_files
                    .par_iter()
                    .try_for_each_with(tx, |tx, f| tx.send(parse_path(f)))
                    .ok();
            });
            self.write_all(rx, total, now_unix, &mut report, progress)
        });
        result?;
        Ok(report)
    }

    /// Imports advisories already parsed (for tests and other feeds), in one
    /// transaction.
    pub fn import_advisories(
        &mut self,
        advisories: Vec<Advisory>,
        now_unix: i64,
    ) -> Result<ImportReport, StoreError> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Parsed>(1);
        let mut report = ImportReport::default();
        tx.send(Parsed::Ok {
            advisories,
            warnings: Vec::new(),
        })
        .ok();
        drop(tx);
        self.write_all(rx, 1, now_unix, &mut report, &|_, _| {})?;
        Ok(report)
    }

    fn write_all(
        &mut self,
        rx: std::sync::mpsc::Receiver<Parsed>,
        total: usize,
        now_unix: i64,
        report: &mut ImportReport,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| sql(&path, e))?;
        // Alpine secdb gives one file per branch: records of one id are merged
        // over the whole import before they are written.
        let mut merged: BTreeMap<String, Advisory> = BTreeMap::new();
        let mut done = 0;
        {
            let mut w = Writer::new(&tx, &path)?;
            for parsed in rx {
                done += 1;
                progress(done, total);
                match parsed {
                    Parsed::Ok {
                        advisories,
                        warnings,
                    } => {
                        report.files += 1;
                        report.warnings.extend(warnings);
                        for a in advisories {
                            if a.source == "alpine-secdb" {
                                match merged.entry(a.id.clone()) {
                                    std::collections::btree_map::Entry::Occupied(mut o) => {
                                        o.get_mut().affected.extend(a.affected)
                                    }
                                    std::collections::btree_map::Entry::Vacant(v) => {
                                        v.insert(a);
                                    }
                                }
                            } else {
                                w.upsert(a, report)?;
                            }
                        }
                    }
                    Parsed::Warning(wn) => report.warnings.push(wn),
                    Parsed::Fatal(e) => return Err(e),
                }
            }
            for (_, mut a) in merged {
                a.affected.sort_by_cached_key(|x| {
                    let events = x.ranges.first().map(|r| {
                        r.events
                            .iter()
                            .map(|e| e.version().to_string())
                            .collect::<Vec<_>>()
                    });
                    (x.ecosystem.clone(), x.name.clone(), events)
                });
                w.upsert(a, report)?;
            }
        }
        tx.execute(
            "INSERT INTO meta(key, value) VALUES('last_import', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![now_unix.to_string()],
        )
        .map_err(|e| sql(&path, e))?;
        tx.commit().map_err(|e| sql(&path, e))?;
        // Fold the log into the file so readers do not walk a large WAL, and refresh
        // the planner's statistics. Both are safe to lose: the import has committed.
        let _ = self
            .conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize;");
        Ok(())
    }

    /// Every advisory that names `name` (normalised here) in `ecosystem`, each with
    /// only the affected entries for that package.
    pub fn candidates(&self, ecosystem: &str, name: &str) -> Result<Vec<Advisory>, StoreError> {
        let key = normalise_name(ecosystem, name);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.data, f.data FROM affected f JOIN advisories a ON a.id = f.advisory_id
                 WHERE f.ecosystem = ?1 AND f.name = ?2 ORDER BY a.id",
            )
            .map_err(|e| sql(&self.path, e))?;
        let rows = stmt
            .query_map(params![ecosystem, key], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| sql(&self.path, e))?;
        let mut out: Vec<Advisory> = Vec::new();
        for row in rows {
            let (id, meta, aff) = row.map_err(|e| sql(&self.path, e))?;
            let corrupt = |e: serde_json::Error| StoreError::Input {
                path: self.path.display().to_string(),
                message: format!("corrupt record {id}: {e}"),
            };
            let aff: Affected = serde_json::from_str(&aff).map_err(corrupt)?;
            match out.last_mut() {
                Some(last) if last.id == id => last.affected.push(aff),
                _ => {
                    let mut a: Advisory = serde_json::from_str(&meta).map_err(corrupt)?;
                    a.affected = vec![aff];
                    out.push(a);
                }
            }
        }
        Ok(out)
    }

    /// Counts per source and ecosystem, and the time of the last import.
    /// Writes a consistent, compacted copy of the store to `dest` (SQLite's
    /// `VACUUM INTO`; `dest` must not exist), e.g. to push it as an artifact.
    pub fn snapshot(&self, dest: &Path) -> Result<(), StoreError> {
        let to = dest.to_str().ok_or_else(|| StoreError::Io {
            path: dest.to_path_buf(),
            source: std::io::Error::other("not a UTF-8 path"),
        })?;
        self.conn
            .execute("VACUUM INTO ?1", params![to])
            .map_err(|e| sql(&self.path, e))?;
        Ok(())
    }

    /// Folds the write-ahead log into the file and empties it, so that the file
    /// alone is the whole database (before it is replaced or copied).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| sql(&self.path, e))
    }

    pub fn status(&self) -> Result<Status, StoreError> {
        let p = &self.path;
        let advisories: u64 = self
            .conn
            .query_row("SELECT count(*) FROM advisories", [], |r| r.get(0))
            .map_err(|e| sql(p, e))?;
        let last_import = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'last_import'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map_err(|e| sql(p, e))?
            .and_then(|v| v.parse().ok());
        let mut stmt = self
            .conn
            .prepare(
                "SELECT a.source, f.ecosystem, count(DISTINCT a.id), count(DISTINCT f.name),
                        max(coalesce(json_extract(a.data, '$.modified'), json_extract(a.data, '$.published')))
                 FROM affected f JOIN advisories a ON a.id = f.advisory_id
                 GROUP BY a.source, f.ecosystem ORDER BY a.source, f.ecosystem",
            )
            .map_err(|e| sql(p, e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(StatusRow {
                    source: r.get(0)?,
                    ecosystem: r.get(1)?,
                    advisories: r.get(2)?,
                    packages: r.get(3)?,
                    newest: r.get(4)?,
                })
            })
            .map_err(|e| sql(p, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql(p, e))?;
        let sources = self
            .conn
            .prepare("SELECT source, count(*) FROM advisories GROUP BY source ORDER BY source")
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| sql(p, e))?;
        Ok(Status {
            path: p.clone(),
            sources,
            schema: SCHEMA_VERSION,
            advisories,
            last_import,
            rows,
        })
    }
}

fn sql(path: &Path, e: rusqlite::Error) -> StoreError {
    StoreError::Sql {
        path: path.to_path_buf(),
        source: e,
    }
}

/// The single writer of an import.
struct Writer<'t> {
    get: rusqlite::Statement<'t>,
    put: rusqlite::Statement<'t>,
    del_aff: rusqlite::Statement<'t>,
    put_aff: rusqlite::Statement<'t>,
    path: &'t Path,
}

impl<'t> Writer<'t> {
    fn new(tx: &'t rusqlite::Transaction<'t>, path: &'t Path) -> Result<Writer<'t>, StoreError> {
        let s = |q: &str| tx.prepare(q).map_err(|e| sql(path, e));
        Ok(Writer {
            get: s("SELECT hash FROM advisories WHERE id = ?1")?,
            put: s(
                "INSERT INTO advisories(id, source, hash, data) VALUES(?1, ?2, ?3, ?4)
                    ON CONFLICT(id) DO UPDATE SET source = excluded.source,
                    hash = excluded.hash, data = excluded.data",
            )?,
            del_aff: s("DELETE FROM affected WHERE advisory_id = ?1")?,
            put_aff: s(
                "INSERT INTO affected(ecosystem, name, advisory_id, data) VALUES(?1, ?2, ?3, ?4)",
            )?,
            path,
        })
    }

    fn upsert(&mut self, mut a: Advisory, report: &mut ImportReport) -> Result<(), StoreError> {
        let p = self.path;
        let affected = std::mem::take(&mut a.affected);
        let meta = serde_json::to_string(&a).expect("advisories serialise");
        let rows: Vec<String> = affected
            .iter()
            .map(|f| serde_json::to_string(f).expect("advisories serialise"))
            .collect();
        // The record's identity: its metadata and every affected row, in order.
        let mut h = Sha256::new();
        h.update(meta.as_bytes());
        for r in &rows {
            h.update([0u8]);
            h.update(r.as_bytes());
        }
        let hash = h.finalize().to_vec();
        let old: Option<Vec<u8>> = self
            .get
            .query_row(params![a.id], |r| r.get(0))
            .optional()
            .map_err(|e| sql(p, e))?;
        match old {
            Some(h) if h == hash => {
                report.unchanged += 1;
                return Ok(());
            }
            Some(_) => {
                report.updated += 1;
                self.del_aff.execute(params![a.id]).map_err(|e| sql(p, e))?;
            }
            None => report.added += 1,
        }
        self.put
            .execute(params![a.id, a.source, hash, meta])
            .map_err(|e| sql(p, e))?;
        for (f, data) in affected.iter().zip(&rows) {
            self.put_aff
                .execute(params![
                    f.ecosystem,
                    normalise_name(&f.ecosystem, &f.name),
                    a.id,
                    data
                ])
                .map_err(|e| sql(p, e))?;
        }
        Ok(())
    }
}

enum Parsed {
    Ok {
        advisories: Vec<Advisory>,
        /// Bad entries of a zip whose other entries were read.
        warnings: Vec<ImportWarning>,
    },
    Warning(ImportWarning),
    Fatal(StoreError),
}

/// One input to parse: a file on disk, or every entry of a zip.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Input(PathBuf);

fn collect_files(path: &Path, out: &mut Vec<Input>) -> Result<(), StoreError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            StoreError::NotFound(path.to_path_buf())
        } else {
            StoreError::Io {
                path: path.to_path_buf(),
                source: e,
            }
        }
    })?;
    if meta.is_dir() {
        let rd = std::fs::read_dir(path).map_err(|e| StoreError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        for entry in rd {
            let entry = entry.map_err(|e| StoreError::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
            let p = entry.path();
            let ft = entry.file_type().map_err(|e| StoreError::Io {
                path: p.clone(),
                source: e,
            })?;
            if ft.is_dir() {
                collect_files(&p, out)?;
            } else if file_kind(&p.to_string_lossy()).is_some() {
                out.push(Input(p));
            }
        }
    } else {
        // A file named on the command line is read whatever its name: an unknown
        // kind becomes a warning.
        out.push(Input(path.to_path_buf()));
    }
    Ok(())
}

fn parse_path(input: &Input) -> Parsed {
    let path = &input.0;
    let name = path.display().to_string();
    let warn = |message: String| {
        Parsed::Warning(ImportWarning {
            path: name.clone(),
            message,
        })
    };
    let Some(kind) = file_kind(&path.to_string_lossy()) else {
        return warn("not an advisory file (.json, .yaml, .zip, DSA/DLA list)".into());
    };
    let bytes = match read_capped(path) {
        Ok(b) => b,
        Err(e) => return warn(e),
    };
    if kind == FileKind::Zip {
        return match parse_zip(&name, &bytes) {
            Ok(p) => p,
            Err(message) => Parsed::Fatal(StoreError::Input {
                path: name.clone(),
                message,
            }),
        };
    }
    match parse_file(kind, &bytes) {
        Ok(advisories) => Parsed::Ok {
            advisories,
            warnings: Vec::new(),
        },
        Err(e) => warn(e),
    }
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    f.take(MAX_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > MAX_FILE {
        return Err(format!("larger than {MAX_FILE} bytes"));
    }
    Ok(buf)
}

/// Every `.json`/`.yaml` entry of an OSV zip export. A zip that cannot be read
/// (truncated, not a zip) is an error for the whole import; a bad entry is a
/// warning naming `zip!entry`.
fn parse_zip(name: &str, bytes: &[u8]) -> Result<Parsed, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a readable zip: {e}"))?;
    let mut advisories = Vec::new();
    let mut warnings = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("not a readable zip: {e}"))?;
        if !entry.is_file() {
            continue;
        }
        let ename = entry.name().to_string();
        let Some(kind) = file_kind(&ename).filter(|k| *k != FileKind::Zip) else {
            continue;
        };
        let mut buf = Vec::new();
        (&mut entry)
            .take(MAX_FILE + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("entry {ename}: {e} (truncated zip?)"))?;
        if buf.len() as u64 > MAX_FILE {
            return Err(format!("entry {ename} is larger than {MAX_FILE} bytes"));
        }
        match parse_file(kind, &buf) {
            Ok(a) => advisories.extend(a),
            Err(message) => warnings.push(ImportWarning {
                path: format!("{name}!{ename}"),
                message,
            }),
        }
    }
    Ok(Parsed::Ok {
        advisories,
        warnings,
    })
}
