//! Development aid: runs `scan_file` over every regular file under the given
//! directories and prints one line per match (redacted), to measure false alarms on
//! real trees. `cargo run -p bosun_secrets --example scan_tree --release -- /etc /usr`
use std::path::Path;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(&e.path(), out);
        } else if ft.is_file() {
            out.push(e.path());
        }
    }
}

fn main() {
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        walk(Path::new(&a), &mut files);
    }
    let t = std::time::Instant::now();
    let (mut bytes, mut hits) = (0usize, 0usize);
    for f in &files {
        let Ok(meta) = std::fs::metadata(f) else {
            continue;
        };
        if meta.len() > 10 * 1024 * 1024 {
            continue;
        }
        let Ok(content) = std::fs::read(f) else {
            continue;
        };
        bytes += content.len();
        let p = f.to_string_lossy();
        for m in bosun_secrets::scan_file(&p, &content) {
            hits += 1;
            println!(
                "{}:{} {} {:?} key={:?} {}",
                p, m.line, m.rule_id, m.confidence, m.key, m.redacted
            );
        }
        if let Some(k) = bosun_secrets::secret_file_kind(&p) {
            println!("{p} FILE {}", k.id());
        }
    }
    eprintln!(
        "{} files, {} MiB, {} matches in {:?}",
        files.len(),
        bytes / (1024 * 1024),
        hits,
        t.elapsed()
    );
}
