//! Runs the image checks and prints the findings: `cargo run -p bosun_inspect --example inspect -- SOURCE`.
use bosun_oci::{Image, OpenOptions, WalkOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let src = std::env::args().nth(1).ok_or("usage: inspect SOURCE")?;
    let t = std::time::Instant::now();
    let image = Image::open(&src, &OpenOptions::default())?;
    let report = bosun_inspect::oci::inspect(&src, &image, &WalkOptions::default())?;
    for f in &report.findings {
        println!(
            "{} {} {:?} {}: {}",
            f.code,
            f.severity,
            f.location.short(),
            f.name,
            f.message
        );
    }
    for s in &report.suppressed {
        println!(
            "suppressed {} layer {} {} {} ({})",
            s.code, s.layer_index, s.path, s.what, s.reason
        );
    }
    eprintln!("{} findings in {:?}", report.findings.len(), t.elapsed());
    Ok(())
}
