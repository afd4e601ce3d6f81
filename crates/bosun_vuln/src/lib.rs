//! Vulnerability advisories: importers, the local store and the matcher.
//!
//! - [`model`]: the normalised advisory every importer produces (OSV's model plus
//!   the distribution's status and urgency and RustSec's informational kinds).
//! - [`parse`]: pure parsers for OSV JSON/YAML, the Debian security tracker JSON,
//!   the Debian DSA/DLA lists and Alpine secdb YAML.
//! - [`store`]: the SQLite store (one file), imports in one transaction, lookups by
//!   (ecosystem, normalised name). The store is the only IO of this crate.
//! - [`matcher`]: pure: one package and its candidate advisories in, findings out,
//!   by the OSV rules; versions ordered by `bosun_version` ([`SchemeOrder`]).
//! - [`scan`]: packages in, findings out (store lookups, then the matcher).
//! - [`severity`]: CVSS v3/v4 base scores.
//! - [`base`]: pure: which layers belong to the base image (a given base, OCI
//!   annotations, the history).
//! - [`filter`]: pure: `--severity`, the ignore file, OpenVEX statements.
//! - [`fix`]: pure: the layer that added each package, base-image layers, and
//!   [`fix_summary`] (what to upgrade, what a newer base fixes).
//!
//! Invariants: matching never touches the store; a query reads only the rows of the
//! packages asked about; an import either commits whole or leaves the previous
//! database as it was.

pub mod base;
pub mod filter;
pub mod fix;
pub mod matcher;
pub mod model;
pub mod parse;
pub mod scan;
pub mod severity;
pub mod store;

pub use fix::{
    added_by, fix_summary, AddedBy, BaseEvidence, BaseImage, FixSummary, Rebuild, Upgrade,
};
pub use matcher::{
    go_version, match_package, os_ecosystem, query_for, Query, VersionOrder, VulnMatch,
};
pub use model::{
    base_ecosystem, normalise_name, Advisory, Affected, Event, Range, RangeKind, SeverityVector,
};
pub use store::{
    ImportReport, ImportWarning, Status, StatusRow, Store, StoreError, SCHEMA_VERSION,
};

use bosun_version::Scheme;
use std::cmp::Ordering;

/// Version ordering by `bosun_version`: SEMVER ranges by SemVer 2.0, ECOSYSTEM
/// ranges by the ecosystem's scheme.
#[derive(Debug, Clone, Copy, Default)]
pub struct SchemeOrder;

impl VersionOrder for SchemeOrder {
    fn compare(&self, kind: RangeKind, ecosystem: &str, a: &str, b: &str) -> Option<Ordering> {
        let scheme = match kind {
            RangeKind::Semver => Scheme::SemVer,
            RangeKind::Ecosystem => Scheme::for_ecosystem(ecosystem)?,
            RangeKind::Git => return None,
        };
        bosun_version::compare(scheme, a, b).ok()
    }
}
