//! Runtimes installed without a package manager, identified by their files: the
//! interpreters and servers of the official language and server images (Python, Node.js,
//! Go, Ruby, PHP, Perl, BusyBox, httpd, PostgreSQL, memcached built from source into
//! `/usr/local`), and JVMs by their `release` file.
//!
//! Files and evidence (syft's binary classifiers and JVM cataloguer, whose names,
//! versions and purls these follow, checked against syft 1.18 on the same files):
//! - `python3.12`, `libpython3.12.so.1.0`: the version the file name gives, completed
//!   from a NUL-delimited string in the body that starts with it (`\03.12.1\0`);
//! - `node`: `node.js/v20.10.0`; `go`: `go1.21.5` followed by NUL; `busybox`:
//!   `BusyBox v1.36.1`; `ruby`: `ruby 3.2.2p53 `; `php`, `php8`: `X-Powered-By:
//!   PHP/8.3.1` (package `php-cli`); `perl`: `/usr/local/lib/perl5/5.38.2`; `httpd`:
//!   `Apache/2.4.58`; `postgres`: `PostgreSQL 16.1` (package `postgresql`); `memcached`:
//!   `memcached 1.6.22`;
//! - a file named `release` with `JAVA_RUNTIME_VERSION`, `FULL_VERSION` or
//!   `JAVA_VERSION` (`/opt/java/openjdk/release`): `openjdk` (purl namespace `oracle`),
//!   or `zulu` (namespace `azul`) for Azul's builds.
//!
//! Packages are `pkg:generic/<name>@<version>`. Bodies are searched in 1 MiB windows
//! through random access (a `node` binary is 90 MB), up to 512 MiB.
//!
//! Known gap: syft drops a binary that an OS package owns (Debian's `/usr/bin/python3.11`),
//! by the package manager's file lists. bosun reads no file lists; finalisation drops
//! these packages instead when they sit only in the system folders (`/usr/bin`,
//! `/usr/lib`, ...) of an image that has OS packages ([`owned_by_the_os`]). The rest
//! of syft's ninety classifiers (databases, proxies, shells, compression tools) are not
//! ported.

use std::io::Read;
use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::catalog::{Cataloguer, FileMeta, ReadSeek, Sink};
use crate::model::{Package, PackageType};

const NAME: &str = "binary-classifier";
const MAX_BINARY: u64 = 512 << 20;
const MAX_RELEASE: u64 = 512 << 10;
/// Bytes searched at a time, and carried over between windows (longer than any match).
const WINDOW: usize = 1 << 20;
const OVERLAP: usize = 512;

/// The binary classifier cataloguer.
pub fn binaries() -> Box<dyn Cataloguer> {
    Box::new(Binaries)
}

struct Binaries;

/// What a file name says about a file.
enum Kind {
    /// A classifier of the table, by index.
    Fixed(usize),
    /// `python<version>` or `libpython<version>...so...`: the version prefix.
    Python(String),
    /// A JVM `release` file.
    JvmRelease,
}

/// (file name test, package name, content pattern with a `version` group).
type Fixed = (fn(&str) -> bool, &'static str, &'static str);

const FIXED: [Fixed; 9] = [
    (
        |n| n == "node",
        "node",
        r"node\.js/v(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
    ),
    (
        |n| n == "go",
        "go",
        r"go(?P<version>[0-9]+\.[0-9]+(\.[0-9]+|beta[0-9]+|alpha[0-9]+|rc[0-9]+)?)\x00",
    ),
    (
        |n| n == "busybox",
        "busybox",
        r"BusyBox\s+v(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
    ),
    (
        |n| n == "ruby",
        "ruby",
        r"ruby (?P<version>[0-9]+\.[0-9]+\.[0-9]+((p|preview|rc|dev)[0-9]*)?) ",
    ),
    (
        |n| {
            n.strip_prefix("php")
                .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit()))
        },
        "php-cli",
        r"X-Powered-By: PHP/(?P<version>[0-9]+\.[0-9]+\.[0-9]+(beta[0-9]+|alpha[0-9]+|RC[0-9]+)?)",
    ),
    (
        |n| n == "perl",
        "perl",
        r"/usr/local/lib/perl\d/(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
    ),
    (
        |n| n == "httpd",
        "httpd",
        r"Apache/(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
    ),
    (
        |n| n == "postgres",
        "postgresql",
        r"(\x00|\?)PostgreSQL (?P<version>[0-9]+(\.[0-9]+)?(\.[0-9]+)?(alpha[0-9]|beta[0-9]|rc[0-9])?)",
    ),
    (
        |n| n == "memcached",
        "memcached",
        r"memcached\s(?P<version>[0-9]+\.[0-9]+\.[0-9]+)",
    ),
];

static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    FIXED
        .iter()
        .map(|(_, _, p)| Regex::new(&format!("(?-u){p}")).expect("classifier pattern"))
        .collect()
});

static PYTHON_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:lib)?python(?P<version>[0-9]+(?:\.[0-9]+)+)(?:[a-z]?\.so.*)?$")
        .expect("python name")
});

fn kind(file: &FileMeta<'_>) -> Option<Kind> {
    let name = file.file_name();
    if name == "release" {
        return Some(Kind::JvmRelease);
    }
    if name.contains("python") {
        let c = PYTHON_NAME.captures(name.as_bytes())?;
        let lib = name.starts_with("lib");
        // `python3.12` exactly, or `libpython3.12.so...` (a `.so` is required there).
        if lib != name.contains(".so") {
            return None;
        }
        let v = std::str::from_utf8(c.name("version")?.as_bytes()).ok()?;
        return Some(Kind::Python(v.to_string()));
    }
    FIXED
        .iter()
        .position(|(test, _, _)| test(name))
        .map(Kind::Fixed)
}

impl Cataloguer for Binaries {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        match kind(file)? {
            Kind::JvmRelease => Some(MAX_RELEASE),
            _ if file.size == 0 => None,
            _ => Some(MAX_BINARY),
        }
    }

    fn random_access(&self) -> bool {
        true
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], _truncated: bool, sink: &mut Sink) {
        self.parse_random(file, &mut std::io::Cursor::new(body), false, sink);
    }

    fn parse_random(
        &self,
        file: &FileMeta<'_>,
        body: &mut dyn ReadSeek,
        _truncated: bool,
        sink: &mut Sink,
    ) {
        let Some(kind) = kind(file) else { return };
        let found = match kind {
            Kind::JvmRelease => {
                let mut text = Vec::new();
                if body.take(MAX_RELEASE).read_to_end(&mut text).is_err() {
                    return;
                }
                jvm(&String::from_utf8_lossy(&text))
            }
            Kind::Fixed(i) => search(body, &PATTERNS[i])
                .map(|v| (Package::new(PackageType::Binary, FIXED[i].1, v, NAME), None)),
            Kind::Python(prefix) => {
                let pattern = format!(
                    r"(?-u)\x00(?P<version>{}[-._a-zA-Z0-9]*)\x00",
                    regex::escape(&prefix)
                );
                let Ok(re) = Regex::new(&pattern) else { return };
                search(body, &re)
                    .map(|v| (Package::new(PackageType::Binary, "python", v, NAME), None))
            }
        };
        if let Some((mut p, namespace)) = found {
            p.namespace = namespace;
            sink.package(p);
        }
    }
}

/// The `version` group of the first match of `re` in the body, read window by window.
/// A read error ends the search (the walker reports broken layers itself).
fn search(body: &mut dyn ReadSeek, re: &Regex) -> Option<String> {
    let mut buf = vec![0u8; WINDOW + OVERLAP];
    let mut filled = 0usize;
    let mut read_total = 0u64;
    loop {
        let n = match body.read(&mut buf[filled..]) {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        filled += n;
        read_total += n as u64;
        if let Some(c) = re.captures(&buf[..filled]) {
            let v = c.name("version")?.as_bytes();
            return std::str::from_utf8(v).ok().map(str::to_string);
        }
        if n == 0 || read_total >= MAX_BINARY {
            return None;
        }
        if filled == buf.len() {
            buf.copy_within(filled - OVERLAP.., 0);
            filled = OVERLAP;
        }
    }
}

/// A JVM `release` file: `KEY="value"` lines. The version is `JAVA_RUNTIME_VERSION`,
/// else `FULL_VERSION` when its major version agrees with `JAVA_VERSION`, else
/// `JAVA_VERSION` (syft's order). A `release` file without them is no JVM.
fn jvm(text: &str) -> Option<(Package, Option<String>)> {
    let field = |k: &str| {
        text.lines().find_map(|l| {
            let (key, value) = l.split_once('=')?;
            (key.trim() == k)
                .then(|| value.trim().trim_matches('"').to_string())
                .filter(|v| !v.is_empty())
        })
    };
    let java = field("JAVA_VERSION");
    let major = |v: &str| {
        v.split('.')
            .next()
            .unwrap_or("")
            .trim_start_matches('0')
            .to_string()
    };
    let version = field("JAVA_RUNTIME_VERSION")
        .or_else(|| {
            let full = field("FULL_VERSION")?;
            (major(&full) == major(java.as_deref()?)).then_some(full)
        })
        .or(java)?;
    let implementor = field("IMPLEMENTOR")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (name, namespace) = if implementor.contains("azul") {
        ("zulu", "azul")
    } else {
        ("openjdk", "oracle")
    };
    Some((
        Package::new(PackageType::Binary, name, version, NAME),
        Some(namespace.to_string()),
    ))
}

/// True for a binary package that finalisation drops because an OS package most likely
/// owns its file: every location is in a system folder. (Only asked when the image
/// has OS packages; see the module docs.)
pub(crate) fn owned_by_the_os(p: &Package) -> bool {
    const SYSTEM: [&str; 10] = [
        "/bin/",
        "/sbin/",
        "/lib/",
        "/lib64/",
        "/usr/bin/",
        "/usr/sbin/",
        "/usr/lib/",
        "/usr/lib64/",
        "/usr/libexec/",
        "/usr/share/",
    ];
    p.kind == PackageType::Binary
        && p.found_by == NAME
        && p.locations
            .iter()
            .all(|l| SYSTEM.iter().any(|d| l.path.starts_with(d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(path: &str, body: &[u8]) -> Vec<(String, String, Option<String>)> {
        let f = FileMeta {
            path,
            size: body.len() as u64,
            mode: 0o755,
        };
        let mut sink = Sink::default();
        if Binaries.wants(&f).is_some() {
            Binaries.parse(&f, body, false, &mut sink);
        }
        sink.packages
            .into_iter()
            .map(|p| (p.name, p.version, p.namespace))
            .collect()
    }

    fn one(path: &str, body: &[u8]) -> (String, String) {
        let mut v = found(path, body);
        assert_eq!(v.len(), 1, "{path}: {v:?}");
        let (n, ver, _) = v.remove(0);
        (n, ver)
    }

    #[test]
    fn each_classifier_as_syft_names_it() {
        let cases: [(&str, &[u8], &str, &str); 12] = [
            (
                "/usr/local/bin/node",
                b"x node.js/v20.10.0 y",
                "node",
                "20.10.0",
            ),
            ("/usr/local/go/bin/go", b"\0go1.21.5\0", "go", "1.21.5"),
            (
                "/bin/busybox",
                b"BusyBox v1.36.1 (2023)",
                "busybox",
                "1.36.1",
            ),
            (
                "/usr/local/bin/ruby",
                b"ruby 3.2.2p53 (2023",
                "ruby",
                "3.2.2p53",
            ),
            (
                "/usr/local/bin/php",
                b"X-Powered-By: PHP/8.3.1\0",
                "php-cli",
                "8.3.1",
            ),
            (
                "/usr/local/bin/php8",
                b"X-Powered-By: PHP/8.2.0RC1",
                "php-cli",
                "8.2.0RC1",
            ),
            (
                "/usr/local/bin/perl",
                b"/usr/local/lib/perl5/5.38.2/x",
                "perl",
                "5.38.2",
            ),
            (
                "/usr/local/apache2/bin/httpd",
                b"Apache/2.4.58 (Unix)",
                "httpd",
                "2.4.58",
            ),
            (
                "/usr/lib/postgresql/16/bin/postgres",
                b"\0PostgreSQL 16.1 on",
                "postgresql",
                "16.1",
            ),
            (
                "/usr/local/bin/memcached",
                b"memcached 1.6.22\0",
                "memcached",
                "1.6.22",
            ),
            (
                "/usr/local/bin/python3.12",
                b"junk\x003.12.1\0",
                "python",
                "3.12.1",
            ),
            (
                "/usr/local/lib/libpython3.11.so.1.0",
                b"\x003.11.2\0",
                "python",
                "3.11.2",
            ),
        ];
        for (path, body, name, version) in cases {
            assert_eq!(
                one(path, body),
                (name.to_string(), version.to_string()),
                "{path}"
            );
        }
    }

    #[test]
    fn names_and_evidence_that_do_not_count() {
        for (path, body) in [
            ("/usr/local/bin/python3", &b"\x003.12.1\0"[..]),
            ("/usr/local/bin/python3.12", b"3.12.1 (main, Dec"),
            ("/usr/local/bin/python3.12-config", b"\x003.12.1\0"),
            ("/usr/local/lib/libpython3.12.a", b"\x003.12.1\0"),
            ("/usr/local/bin/nodejs", b"node.js/v20.10.0"),
            ("/usr/local/bin/node", b"nodejs v20"),
            ("/usr/local/bin/phpize", b"X-Powered-By: PHP/8.3.1"),
            ("/etc/misc/release", b"FOO=bar\n"),
            ("/usr/local/bin/go", b""),
        ] {
            assert_eq!(found(path, body), [], "{path}");
        }
    }

    #[test]
    fn evidence_across_a_window_edge_is_found() {
        let mut body = vec![b'x'; WINDOW - 5];
        body.extend_from_slice(b"node.js/v18.19.0 tail");
        body.extend(std::iter::repeat_n(b'y', 3 * WINDOW));
        assert_eq!(one("/opt/node/bin/node", &body).1, "18.19.0");
        let mut late = vec![0u8; 3 * WINDOW + 17];
        late.extend_from_slice(b"BusyBox v1.35.0");
        assert_eq!(one("/bin/busybox", &late).1, "1.35.0");
    }

    #[test]
    fn jvm_release_files() {
        let temurin = "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"17.0.9\"\nJAVA_RUNTIME_VERSION=\"17.0.9+9\"\nFULL_VERSION=\"17.0.9+9-LTS\"\n";
        assert_eq!(
            found("/opt/java/openjdk/release", temurin.as_bytes()),
            [("openjdk".into(), "17.0.9+9".into(), Some("oracle".into()))]
        );
        let zulu = "IMPLEMENTOR=\"Azul Systems, Inc.\"\nJAVA_VERSION=\"17.0.9\"\nJAVA_RUNTIME_VERSION=\"17.0.9+8-LTS\"\n";
        assert_eq!(
            found("/usr/lib/jvm/zulu17/release", zulu.as_bytes()),
            [("zulu".into(), "17.0.9+8-LTS".into(), Some("azul".into()))]
        );
        let full = "JAVA_VERSION=\"11.0.21\"\nFULL_VERSION=\"11.0.21+9\"\n";
        assert_eq!(one("/jdk/release", full.as_bytes()).1, "11.0.21+9");
        let other_major = "JAVA_VERSION=\"1.8.0_392\"\nFULL_VERSION=\"25.392-b08\"\n";
        assert_eq!(one("/jre/release", other_major.as_bytes()).1, "1.8.0_392");
    }
}
