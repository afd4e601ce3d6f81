//! Package inventory of an image or a directory.
//!
//! - [`model`]: the one package model (`Package`, its purl, source package, licences,
//!   and the locations, each a path plus the layer that added it).
//! - [`catalog`]: the [`Cataloguer`] contract. Each cataloguer declares the files it
//!   wants (by path, size and mode) and parses one file body at a time; it does no IO.
//!   The layer walker (`bosun_oci`) or a directory walker (the binary) feeds it.
//!
//! Invariant: nothing in this crate touches a disk, a socket or the network; bodies are
//! handed in, capped by what each cataloguer asked for.

pub mod catalog;
pub mod model;

pub use catalog::{Cataloguer, FileMeta, Sink, Warning};
pub use model::{Distro, Location, Package, PackageType};
