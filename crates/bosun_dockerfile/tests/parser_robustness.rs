//! The parser never panics: every corpus file, then bounded random truncations and
//! byte flips of them (a deterministic xorshift generator, so failures reproduce).

use bosun_dockerfile::{dump, parse_bytes, Dockerfile};
use std::path::PathBuf;

fn corpus_files() -> Option<Vec<PathBuf>> {
    let root = bosun_testkit::corpus("dockerfiles/visible")?;
    let repos = std::fs::read_dir(&root).expect("read the corpus folder");
    let mut files = Vec::new();
    for repo in repos.flatten() {
        if let Ok(entries) = std::fs::read_dir(repo.path()) {
            files.extend(entries.flatten().map(|e| e.path()));
        }
    }
    files.sort();
    Some(files)
}

fn check(df: &Dockerfile) {
    let len = df.source.len();
    for inst in &df.instructions {
        assert!(inst.range.start <= inst.range.end && inst.range.end <= len);
        assert!(1 <= inst.start_line && inst.start_line <= inst.end_line);
        for w in &inst.words {
            assert!(w.range.end <= len);
        }
    }
    if df.errors.is_empty() {
        assert!(!df.instructions.is_empty());
    }
    let _ = dump::dump(df);
    let _ = dump::parse_json_line("f", df);
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

#[test]
fn corpus_files_parse_without_errors_or_panics() {
    let Some(files) = corpus_files() else { return };
    assert!(files.len() >= 2000);
    let mut rejected = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap_or_default();
        let df = parse_bytes(&bytes);
        check(&df);
        rejected += usize::from(!df.errors.is_empty());
    }
    // The corpus holds exactly BuildKit's four negative test files.
    assert_eq!(rejected, 4);
}

#[test]
fn mutated_corpus_files_do_not_panic() {
    let Some(files) = corpus_files() else { return };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Interesting bytes for this grammar.
    const BYTES: &[u8] = b"\\`\n\r\t #\"'[]{}=$<-0\x00\xff\xc3\xa0";
    for (i, f) in files.iter().enumerate().step_by(7) {
        let bytes = std::fs::read(f).unwrap_or_default();
        for round in 0..6 {
            let mut m = bytes.clone();
            match (i + round) % 3 {
                0 => m.truncate(rng.below(m.len() + 1)),
                1 => {
                    for _ in 0..1 + rng.below(8) {
                        if !m.is_empty() {
                            let at = rng.below(m.len());
                            m[at] = BYTES[rng.below(BYTES.len())];
                        }
                    }
                }
                _ => {
                    let at = rng.below(m.len() + 1);
                    let b = BYTES[rng.below(BYTES.len())];
                    m.splice(at..at, std::iter::repeat_n(b, 1 + rng.below(4)));
                }
            }
            check(&parse_bytes(&m));
        }
    }
}

#[test]
fn hostile_inputs() {
    let cases: Vec<Vec<u8>> = vec![
        b"ONBUILD ".repeat(20_000),
        format!("RUN <<EOF {}\nEOF\n", "${a:-".repeat(10_000)).into_bytes(),
        format!("CMD {}", "[".repeat(50_000)).into_bytes(),
        b"\\\n".repeat(10_000),
        b"RUN a \\\n".repeat(10_000),
        b"RUN <<A <<B <<C\n".repeat(1000),
        vec![0xff; 1000],
        b"\xef\xbb\xbf".to_vec(),
        b"# escape=`\n`\n`".to_vec(),
    ];
    for c in &cases {
        check(&parse_bytes(c));
    }
}
