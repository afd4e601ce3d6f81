//! Walks an image and prints per-layer numbers: `cargo run -p bosun_oci --example walk -- SOURCE`.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use bosun_oci::{Body, EntryMeta, Image, LayerInfo, LayerVisitor, OpenOptions, WalkOptions, Want};

struct Count(AtomicU64, AtomicU64);
impl LayerVisitor for Count {
    fn wants(&self, e: &EntryMeta) -> Want {
        if e.path.ends_with(".conf") {
            Want::Body { max_bytes: 1 << 20 }
        } else {
            Want::Meta
        }
    }
    fn visit(&self, _l: &LayerInfo, _e: &EntryMeta, body: Option<Body<'_>>) {
        self.0.fetch_add(1, Ordering::Relaxed);
        if let Some(b) = body {
            self.1.fetch_add(b.bytes.len() as u64, Ordering::Relaxed);
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let src = std::env::args().nth(1).ok_or("usage: walk SOURCE")?;
    let t = Instant::now();
    let image = Image::open(&src, &OpenOptions::default())?;
    println!(
        "opened {} in {:?}: {} layers, platform {}",
        image.source,
        t.elapsed(),
        image.layers.len(),
        image.platform
    );
    let v = Count(AtomicU64::new(0), AtomicU64::new(0));
    let s = image.walk(
        &[&v],
        &WalkOptions {
            final_fs: true,
            final_fs_wanted_only: false,
            ..Default::default()
        },
    )?;
    for l in &s.layers {
        println!(
            "layer {}: {:?} {} -> {} bytes, {} entries",
            l.index, l.compression, l.compressed_bytes, l.uncompressed_bytes, l.entries
        );
    }
    let fs = s.final_fs.ok_or("no final fs")?;
    println!(
        "walked in {:?}: {} entries visited, {} body bytes, {} paths, {} present",
        t.elapsed(),
        v.0.load(Ordering::Relaxed),
        v.1.load(Ordering::Relaxed),
        fs.len(),
        fs.present_paths().count()
    );
    Ok(())
}
