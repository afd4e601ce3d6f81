//! Opening local files that must be regular files (layout blobs, archives, `index.json`,
//! credential and CA files). A FIFO, a device or a directory in their place is refused
//! without blocking: the file is opened with `O_NONBLOCK` (which opening a FIFO with no
//! writer would otherwise block on) and its type is checked on the open descriptor, so
//! there is no window between the check and the open. `O_NONBLOCK` has no effect on
//! reads of a regular file.

use std::fs::File;
use std::io;
use std::path::Path;

/// Opens `path` for reading if it is a regular file (symlinks followed).
pub(crate) fn open_regular(path: &Path) -> io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let f = opts.open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a regular file ({})", kind(&meta)),
        ));
    }
    Ok(f)
}

/// Reads a whole regular file of at most `limit` bytes.
pub(crate) fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let f = open_regular(path)?;
    let mut buf = Vec::new();
    f.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than the limit of {limit} bytes"),
        ));
    }
    Ok(buf)
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
    }
    "not a file"
}

/// Temporary files alive in this process (spooled archives, engine exports), so that a
/// signal handler can remove them: [`crate::remove_temp_files`].
static TEMP_FILES: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Creates a named temporary file (in `$TMPDIR`) and records it for
/// [`remove_temp_files`]; the file is also removed when the returned handle drops.
pub(crate) fn temp_file(prefix: &str) -> io::Result<tempfile::NamedTempFile> {
    let t = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(".tar")
        .tempfile()?;
    if let Ok(mut g) = TEMP_FILES.lock() {
        g.retain(|p| p.exists());
        g.push(t.path().to_path_buf());
    }
    Ok(t)
}

/// Removes every temporary file this process created and still holds. For signal
/// handlers (SIGINT, SIGTERM): the normal exit paths remove them when they drop.
pub fn remove_temp_files() {
    let paths = match TEMP_FILES.try_lock() {
        Ok(mut g) => std::mem::take(&mut *g),
        Err(_) => return,
    };
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}
