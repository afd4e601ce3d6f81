//! Package inventory of an image or a directory.
//!
//! - [`model`]: the one package model (`Package`, its purl, source package, licences,
//!   and the locations, each a path plus the layer that added it).
//! - [`catalog`]: the [`Cataloguer`] contract and every cataloguer
//!   ([`catalog::all_cataloguers`]). Each declares the files it wants (by path, size and
//!   mode) and parses one file body at a time; it does no IO.
//! - [`oci`]: the adapter to the layer walker ([`oci::SbomVisitor`], which can share a
//!   walk with other visitors) and [`oci::catalog_image`].
//! - [`inventory`]: finalisation, a pure function from per-file findings and the final
//!   filesystem view to the [`Inventory`] (presence, "added by" layer, merging, purls).
//! - [`cyclonedx`], [`spdx`], [`table`]: writers; [`read`]: reading CycloneDX and SPDX
//!   documents (bosun's and syft's) back into an [`Inventory`].
//!
//! Invariants: nothing in this crate touches a disk, a socket or the network; bodies
//! are handed in, capped by what each cataloguer asked for. The same input gives the
//! same bytes out (sorted packages, IDs derived from content, the time handed in).

pub mod catalog;
pub mod cyclonedx;
mod ids;
pub mod inventory;
pub mod licenses;
pub mod model;
pub mod oci;
pub mod purl;
pub mod read;
pub mod spdx;
pub mod table;

pub use catalog::{all_cataloguers, Cataloguer, FileMeta, Sink, Warning};
pub use inventory::{FileFinding, Inventory, Target};
pub use model::{Distro, Location, Package, PackageType};

/// Who made a document and when, for the writers' headers.
#[derive(Debug, Clone)]
pub struct DocInfo {
    /// The tool version (`env!("CARGO_PKG_VERSION")` of the binary).
    pub tool_version: String,
    /// Creation time, seconds since the epoch (`SOURCE_DATE_EPOCH`, or now).
    pub created: u64,
}

/// RFC 3339 UTC (`2024-01-02T03:04:05Z`) for seconds since the epoch. Hand-written:
/// one civil-from-days conversion (Howard Hinnant's algorithm) does not justify a
/// date crate.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A name-based UUID (v5-shaped, from SHA-256 rather than SHA-1) of `bytes`, for
/// deterministic serial numbers and namespaces.
pub fn content_uuid(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(bytes);
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_known_answers() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
