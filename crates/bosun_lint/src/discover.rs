//! The file driver: finds Dockerfiles under the paths given, reads them (with the
//! `.dockerignore` that applies) and turns every problem with an input into one
//! [`InputError`] line. The only IO in this crate.

use crate::context::{BuildContext, Dockerignore};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Files larger than this are not linted (a Dockerfile is a few KiB; this guards
/// against being handed a disk image by mistake).
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// What to lint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// Standard input (`-`).
    Stdin,
    File(PathBuf),
}

/// One input that could not be linted, with the reason (shown as
/// `bosun: <path>: <reason>`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct InputError {
    pub path: String,
    pub reason: String,
}

impl InputError {
    fn new(path: impl Into<String>, reason: impl Into<String>) -> InputError {
        InputError {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// A Dockerfile read and ready to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path shown in findings (`-` for stdin).
    pub path: String,
    pub text: String,
    pub build: BuildContext,
}

/// True for the file names bosun treats as Dockerfiles when searching directories:
/// `Dockerfile`, `Containerfile`, `*.Dockerfile`, `*.dockerfile`, `Dockerfile.*`,
/// `Containerfile.*` (but not `Dockerfile.dockerignore`, nor editor or patch leftovers
/// such as `Dockerfile.orig`, `Dockerfile.swp`, `Dockerfile~`).
pub fn is_dockerfile_name(name: &str) -> bool {
    const LEFTOVERS: [&str; 8] = [
        ".dockerignore",
        ".md",
        ".orig",
        ".rej",
        ".swp",
        ".bak",
        ".txt",
        ".sh",
    ];
    if name.ends_with('~') || LEFTOVERS.iter().any(|s| name.ends_with(s)) {
        return false;
    }
    matches!(
        name,
        "Dockerfile" | "Containerfile" | "dockerfile" | "containerfile"
    ) || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
}

/// The path as shown to the user: `./` prefixes dropped.
fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    let mut s: &str = &s;
    while let Some(rest) = s.strip_prefix("./") {
        if rest.is_empty() {
            break;
        }
        s = rest;
    }
    s.to_string()
}

/// The targets under `paths` (the current directory when empty), sorted, and the
/// paths that gave none. Explicit files are always targets, whatever their name;
/// directories are searched recursively for Dockerfile names, honouring `.gitignore`,
/// `.ignore` and git's exclude files (hidden directories such as `.devcontainer` are
/// searched, `.git` is not).
pub fn discover(paths: &[PathBuf]) -> (Vec<Target>, Vec<InputError>) {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            targets.push(Target::Stdin);
            continue;
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                errors.push(InputError::new(display(path), io_reason(&e)));
                continue;
            }
        };
        if !meta.is_dir() {
            targets.push(Target::File(path.clone()));
            continue;
        }
        let before = targets.len();
        let walker = ignore::WalkBuilder::new(path)
            .hidden(false)
            .require_git(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && is_dockerfile_name(&entry.file_name().to_string_lossy()) {
                        targets.push(Target::File(entry.into_path()));
                    }
                }
                Err(e) => {
                    // An unreadable subdirectory or a broken ignore file: say so, keep going.
                    errors.push(InputError::new(display(path), e.to_string()));
                }
            }
        }
        if targets.len() == before {
            errors.push(InputError::new(
                display(path),
                "no Dockerfile found (looked for Dockerfile, Containerfile, *.Dockerfile, \
                 *.dockerfile, Dockerfile.*, Containerfile.*)",
            ));
        }
    }
    targets.sort();
    targets.dedup();
    (targets, errors)
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            // Drop the "(os error N)" tail; keep the OS's words.
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

/// Checks that bytes are a text file bosun should lint and decodes them.
pub fn decode(path: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large(path, bytes.len() as u64));
    }
    if bytes.contains(&0) {
        return Err(InputError::new(
            path,
            "binary file (contains NUL bytes), not a Dockerfile",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        InputError::new(
            path,
            format!(
                "not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn too_large(path: &str, size: u64) -> InputError {
    InputError::new(
        path,
        format!(
            "file is too large ({size} bytes; bosun lints files up to {} MiB)",
            MAX_FILE_SIZE / 1024 / 1024
        ),
    )
}

/// Reads at most `MAX_FILE_SIZE + 1` bytes, so a huge input is refused without being
/// read whole.
pub fn read_capped(mut r: impl Read) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.by_ref().take(MAX_FILE_SIZE + 1).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Why [`read_regular_file`] refused a file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}", io_reason(.0))]
    Io(#[from] io::Error),
    #[error("is a directory")]
    Directory,
    /// A FIFO, socket or device: reading it could block forever or never end.
    #[error("not a regular file (a FIFO, socket or device)")]
    NotRegular,
    #[error("file is too large (at least {0} bytes; bosun reads files up to {max} MiB)", max = MAX_FILE_SIZE / 1024 / 1024)]
    TooLarge(u64),
}

/// Opens `path` only if it is a regular file, without ever blocking: the type is
/// checked (following symlinks) before opening, the open itself is non-blocking (a
/// FIFO swapped in after the check cannot hang it), and the opened file is checked
/// again.
pub fn open_regular_file(path: &Path) -> Result<File, ReadError> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(ReadError::Directory);
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge(meta.len()));
    }
    Ok(file)
}

/// Reads a regular file of at most [`MAX_FILE_SIZE`] bytes (the cap for Dockerfiles,
/// `.dockerignore`, config files and `bosun parse`); FIFOs, sockets and devices are
/// refused without blocking.
pub fn read_regular_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    let bytes = read_capped(open_regular_file(path)?)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The `.dockerignore` that applies to `dockerfile` when its directory is the build
/// context: `<Dockerfile name>.dockerignore` beside it if present (BuildKit's rule),
/// else `.dockerignore` in the same directory.
pub fn dockerignore_for(dockerfile: &Path) -> Dockerignore {
    let dir = dockerfile.parent().unwrap_or(Path::new("."));
    let mut candidates = Vec::new();
    if let Some(name) = dockerfile.file_name() {
        let mut n = name.to_os_string();
        n.push(".dockerignore");
        candidates.push(dir.join(n));
    }
    candidates.push(dir.join(".dockerignore"));
    for c in candidates {
        match read_regular_file(&c) {
            Ok(bytes) => {
                return Dockerignore::Present(String::from_utf8_lossy(&bytes).into_owned());
            }
            Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => continue,
            // A FIFO, a device, a directory, a huge or unreadable file: nothing known.
            Err(_) => return Dockerignore::Unknown,
        }
    }
    Dockerignore::Absent
}

/// Reads one file target (with its `.dockerignore`).
pub fn load_file(path: &Path) -> Result<SourceFile, InputError> {
    let shown = display(path);
    let bytes = match read_regular_file(path) {
        Ok(b) => b,
        Err(ReadError::TooLarge(n)) => return Err(too_large(&shown, n)),
        Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
            return Err(InputError::new(&shown, io_reason(&e)))
        }
        Err(ReadError::Io(e)) => {
            return Err(InputError::new(
                &shown,
                format!("cannot read: {}", io_reason(&e)),
            ))
        }
        Err(e) => return Err(InputError::new(&shown, e.to_string())),
    };
    let text = decode(&shown, bytes)?;
    Ok(SourceFile {
        path: shown,
        text,
        build: BuildContext {
            dockerignore: dockerignore_for(path),
        },
    })
}

/// Reads a Dockerfile from a reader (standard input); nothing is known about its build
/// context.
pub fn load_reader(r: impl Read) -> Result<SourceFile, InputError> {
    let bytes = read_capped(r)
        .map_err(|e| InputError::new("-", format!("cannot read: {}", io_reason(&e))))?;
    let text = decode("-", bytes)?;
    Ok(SourceFile {
        path: "-".into(),
        text,
        build: BuildContext::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "Containerfile",
            "api.Dockerfile",
            "api.dockerfile",
            "Dockerfile.dev",
            "Containerfile.fedora",
            "Dockerfile.template",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.dockerignore",
            "Dockerfile.md",
            "Dockerfile~",
            "Dockerfile.orig",
            "README.md",
            "docker-compose.yml",
            "Dockerfiles",
            "MyDockerfile",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn decode_refuses_binary_and_bad_utf8() {
        assert_eq!(decode("p", b"FROM a\n".to_vec()).unwrap(), "FROM a\n");
        assert!(decode("p", b"FROM \0a".to_vec())
            .unwrap_err()
            .reason
            .contains("NUL"));
        let e = decode("p", b"FROM \xff".to_vec()).unwrap_err();
        assert!(
            e.reason.contains("UTF-8") && e.reason.contains("offset 5"),
            "{e}"
        );
        let big = vec![b'#'; (MAX_FILE_SIZE + 1) as usize];
        assert!(decode("p", big).unwrap_err().reason.contains("too large"));
    }

    #[test]
    fn display_drops_dot_slash() {
        assert_eq!(display(Path::new("./a/Dockerfile")), "a/Dockerfile");
        assert_eq!(display(Path::new(".")), ".");
        assert_eq!(display(Path::new("./")), "./");
    }
}
