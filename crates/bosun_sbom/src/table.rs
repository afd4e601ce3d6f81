//! A plain table for terminals: NAME, VERSION, TYPE, and the layer that added each
//! package. Every string from the image is made printable first (control characters
//! become `?`), so a hostile package name cannot drive the terminal.

use crate::Inventory;
use std::io::{self, Write};

/// `s` with control characters (escape sequences, newlines) replaced by `?`.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Writes the table, then a summary line and the warnings.
pub fn write(out: &mut dyn Write, inv: &Inventory) -> io::Result<()> {
    let rows: Vec<[String; 4]> = inv
        .packages
        .iter()
        .map(|p| {
            [
                printable(&p.name),
                printable(&p.version),
                p.kind.purl_type().to_string(),
                p.locations
                    .first()
                    .and_then(|l| l.layer_index)
                    .map_or(String::new(), |i| i.to_string()),
            ]
        })
        .collect();
    let head = ["NAME", "VERSION", "TYPE", "LAYER"];
    let mut width = head.map(str::len);
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: [&str; 4]| -> io::Result<()> {
        writeln!(
            out,
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = width[0],
            w1 = width[1],
            w2 = width[2]
        )
    };
    line(out, head)?;
    for r in &rows {
        line(out, [&r[0], &r[1], &r[2], &r[3]])?;
    }
    let distro = inv
        .distro
        .as_ref()
        .map(|d| format!(" on {} {}", printable(&d.id), printable(&d.version_id)))
        .unwrap_or_default();
    writeln!(
        out,
        "{} package{} in {}{distro}",
        inv.packages.len(),
        if inv.packages.len() == 1 { "" } else { "s" },
        printable(&inv.target.name)
    )?;
    for w in &inv.warnings {
        writeln!(
            out,
            "warning: {}: {}",
            printable(&w.path),
            printable(&w.message)
        )?;
    }
    Ok(())
}
