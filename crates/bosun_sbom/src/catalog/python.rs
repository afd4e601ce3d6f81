//! Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`,
//! `*.egg-info` files, and eggs installed as folders (`foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO`),
//! anywhere (system site-packages, Debian's dist-packages, virtualenvs); the folder
//! suffix is matched as syft matches it (`*dist-info`, `*DIST-INFO`, `*egg-info`,
//! `*EGG-INFO`), and zipped eggs (`foo-1.0-py3.11.egg` files, whose
//! `EGG-INFO/PKG-INFO` trivy reads too; the zip crate reads them, that one entry at most
//! 4 MiB inflated). The metadata is RFC 822 headers up to the first blank line.

use super::{text, too_large, Cataloguer, FileMeta, Sink, SMALL_FILE_CAP};
use crate::licenses;
use crate::model::{Package, PackageType};

/// The installed-metadata reader.
pub struct PythonInstalled;

fn wanted(path: &str) -> bool {
    let Some((dir, name)) = path.rsplit_once('/') else {
        return false;
    };
    match name {
        "METADATA" => dir.ends_with("dist-info") || dir.ends_with("DIST-INFO"),
        "PKG-INFO" => dir.ends_with("egg-info") || dir.ends_with("EGG-INFO"),
        _ => name.ends_with(".egg-info") || name.ends_with(".egg"),
    }
}

/// Cap for a zipped egg.
const EGG_CAP: u64 = 64 << 20;

/// The `EGG-INFO/PKG-INFO` of a zipped egg, inflated up to [`SMALL_FILE_CAP`].
fn egg_metadata(body: &[u8]) -> Result<(Vec<u8>, bool), String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body))
        .map_err(|e| format!("not a readable egg (zip): {e}"))?;
    let entry = zip
        .by_name("EGG-INFO/PKG-INFO")
        .map_err(|e| format!("egg without EGG-INFO/PKG-INFO: {e}"))?;
    let mut out = Vec::new();
    entry
        .take(SMALL_FILE_CAP + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("egg EGG-INFO/PKG-INFO: {e}"))?;
    let cut = out.len() as u64 > SMALL_FILE_CAP;
    out.truncate(SMALL_FILE_CAP as usize);
    Ok((out, cut))
}

impl Cataloguer for PythonInstalled {
    fn name(&self) -> &'static str {
        "python"
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        if !wanted(file.path) {
            return None;
        }
        Some(if file.path.ends_with(".egg") {
            EGG_CAP
        } else {
            SMALL_FILE_CAP
        })
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if file.path.ends_with(".egg") {
            if truncated {
                return too_large(file, EGG_CAP, sink);
            }
            return match egg_metadata(body) {
                Ok((meta, cut)) => metadata(file, &meta, cut, sink),
                Err(e) => sink.warn(file.path, e),
            };
        }
        metadata(file, body, truncated, sink);
    }
}

/// One distribution's metadata headers.
fn metadata(file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
    // The headers come first; a long description body may be cut without harm.
    let text = text(body);
    let headers = match text.find("\n\n") {
        Some(end) => &text[..end],
        None if truncated => return too_large(file, SMALL_FILE_CAP, sink),
        None => &text[..],
    };
    let mut name = None;
    let mut version = None;
    let mut expression = None;
    let mut license = None;
    let mut classifiers = Vec::new();
    for line in headers.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k {
            "Name" => name = Some(v),
            "Version" => version = Some(v),
            "License-Expression" => expression = Some(v),
            "License" => license = Some(v),
            "Classifier" => {
                if let Some(l) = v.strip_prefix("License :: ") {
                    classifiers.push(l.rsplit(" :: ").next().unwrap_or(l));
                }
            }
            _ => {}
        }
    }
    let (Some(name), Some(version)) = (
        name.filter(|n| !n.is_empty()),
        version.filter(|v| !v.is_empty()),
    ) else {
        return sink.warn(file.path, "no Name and Version headers");
    };
    let mut p = Package::new(PackageType::Python, name, version, "python");
    p.licenses = if let Some(e) = expression.filter(|e| !e.is_empty()) {
        vec![licenses::normalise(e)]
    } else if let Some(l) = license.filter(|l| licenses::plausible(l)) {
        vec![licenses::normalise(l)]
    } else {
        classifiers
            .iter()
            .map(|c| licenses::from_classifier(c))
            .collect()
    };
    p.licenses.dedup();
    sink.package(p);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, body: &str) -> Sink {
        crate::catalog::offer_to(&PythonInstalled, path, body.as_bytes())
    }

    #[test]
    fn zipped_eggs() {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file(
            "EGG-INFO/PKG-INFO",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(b"Metadata-Version: 1.1\nName: eggy\nVersion: 0.5\nLicense: MIT\n\nlong text")
            .unwrap();
        z.finish().unwrap();
        let egg = buf.into_inner();
        let path = "/usr/lib/python3/dist-packages/eggy-0.5-py3.11.egg";
        let f = FileMeta {
            path,
            size: egg.len() as u64,
            mode: 0o644,
        };
        assert_eq!(PythonInstalled.wants(&f), Some(EGG_CAP));
        let mut s = Sink::default();
        PythonInstalled.parse(&f, &egg, false, &mut s);
        assert_eq!(s.warnings, []);
        assert_eq!(
            (s.packages[0].name.as_str(), s.packages[0].version.as_str()),
            ("eggy", "0.5")
        );
        assert_eq!(s.packages[0].licenses, ["MIT"]);
        for bad in [&b"not a zip"[..], &egg[..egg.len() / 2]] {
            let mut s = Sink::default();
            PythonInstalled.parse(&f, bad, false, &mut s);
            assert_eq!((s.packages.len(), s.warnings.len()), (0, 1));
            assert_eq!(s.warnings[0].path, path);
        }
    }

    #[test]
    fn metadata_folders_as_syft_matches_them() {
        for p in [
            "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
            "/usr/lib/python3.11/site-packages/Bar-2.0.DIST-INFO/METADATA",
            "/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO",
            "/usr/lib/python3.11/site-packages/foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO",
            "/usr/lib/python3/dist-packages/py-1.0.egg-info",
        ] {
            assert!(wanted(p), "{p}");
        }
        for p in [
            "/usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD",
            "/usr/lib/python3/dist-packages/six/METADATA",
            "/src/PKG-INFO",
            "/usr/lib/python3/dist-packages/x.egg-info.bak",
        ] {
            assert!(!wanted(p), "{p}");
        }
    }

    #[test]
    fn dist_info_egg_info_and_licences() {
        let s = run(
            "/app/venv/lib/python3.12/site-packages/Flask-3.0.3.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: Flask\nVersion: 3.0.3\nClassifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved :: BSD License\n\nName: not-this\n",
        );
        assert_eq!(s.packages.len(), 1);
        assert_eq!(
            (s.packages[0].name.as_str(), s.packages[0].version.as_str()),
            ("Flask", "3.0.3")
        );
        assert_eq!(s.packages[0].licenses, ["MIT", "BSD License"]);
        let s = run(
            "/usr/lib/python3/dist-packages/six-1.16.0.egg-info",
            "Name: six\nVersion: 1.16.0\nLicense: MIT\n",
        );
        assert_eq!(s.packages[0].licenses, ["MIT"]);
        let s = run(
            "/usr/lib/python3/dist-packages/x.egg-info/PKG-INFO",
            "Name: x\nVersion: 1\nLicense-Expression: Apache-2.0 OR MIT\n",
        );
        assert_eq!(s.packages[0].licenses, ["Apache-2.0 OR MIT"]);
        let s = run("/x/y.dist-info/METADATA", "Metadata-Version: 2.1\n");
        assert_eq!((s.packages.len(), s.warnings.len()), (0, 1));
    }
}
