//! Image sources and layer streaming: read any container image in one verified,
//! streaming pass, never unpacking it to disk.
//!
//! ```no_run
//! use bosun_oci::{Image, OpenOptions, WalkOptions, LayerVisitor, EntryMeta, LayerInfo, Want, Body};
//! use std::sync::Mutex;
//!
//! struct Setuid(Mutex<Vec<(usize, String)>>);
//! impl LayerVisitor for Setuid {
//!     fn wants(&self, e: &EntryMeta) -> Want { if e.is_setuid() { Want::Meta } else { Want::No } }
//!     fn visit(&self, l: &LayerInfo, e: &EntryMeta, _body: Option<Body<'_>>) {
//!         self.0.lock().unwrap().push((l.index, e.path.clone()));
//!     }
//! }
//! let image = Image::open("docker-archive:app.tar", &OpenOptions::default())?;
//! let v = Setuid(Mutex::new(vec![]));
//! let summary = image.walk(&[&v], &WalkOptions { final_fs: true, ..Default::default() })?;
//! # Ok::<(), bosun_oci::Error>(())
//! ```
//!
//! Sources (see [`Source`]): `docker-archive:PATH`, `oci-archive:PATH`, `oci:DIR[:TAG]`,
//! `docker://REF` (registry), `docker-daemon:REF` (engine socket), or a plain path whose
//! kind is detected from its contents.
//!
//! Limits: every size, count and ratio that hostile input could abuse is capped by
//! [`Limits`] (in [`OpenOptions`], copied to [`Image::limits`]); hitting one gives
//! [`Error::LimitExceeded`] naming the blob.
//!
//! Registries: [`RegistryClient`] speaks the OCI distribution API v2 with bearer-token
//! and basic authentication (credentials from [`RegistryOptions`], the Docker config or
//! a credential helper); [`resolve_digest`] turns a tag into the manifest digest to pin.
//!
//! Writing: [`RegistryClient`] also pushes blobs (with cross-repository mount),
//! manifests and indexes, lists tags and referrers (OCI 1.1 API or the tag-schema
//! fallback); [`layout::OciLayout`] writes OCI layout directories atomically; [`Store`]
//! puts both behind one interface for signatures, attestations and other artifacts.
//!
//! Tests: [`testing`] builds images (including hostile ones) in a temp dir. Tests of real
//! sources read podman-made archives from `$BOSUN_TEST_IMAGES` (built by
//! `shared/scripts/make-images.sh` in `.ci/run`) and skip when it is unset.
//!
//! Invariants: every manifest, config and layer is checked against its descriptor's
//! digest and size while it streams; layers are read once each, in parallel; entry
//! bodies are read only when a visitor asks, and capped; reading writes nothing to disk
//! except the temporary spool of an engine export (`docker-daemon:`); writing (registry
//! push, [`layout::OciLayout`]) sends or stores exactly the bytes it is given, and a
//! layout never shows a half-written file.

mod auth;
#[cfg(unix)]
mod daemon;
mod digest;
mod error;
pub mod finalfs;
mod fsopen;
mod image;
pub mod layout;
mod net;
pub mod paths;
mod reference;
mod region;
mod registry;
mod source;
pub mod spec;
mod store;
mod targuard;
#[doc(hidden)]
pub use targuard::check_guard as fuzz_check_tar_guard;
#[doc(hidden)]
pub use walk::fuzz_check_local_walk;
pub mod testing;
mod walk;

#[cfg(unix)]
pub use daemon::{Engine, MAX_ENGINE_ANSWER};
pub use digest::{Algorithm, Digest};
pub use error::{Error, Result};
pub use finalfs::{Fate, FinalFs, Occurrence};
pub use fsopen::remove_temp_files;
pub use image::{resolve_digest, Credentials, Image, Limits, OpenOptions, RegistryOptions};
pub use reference::{Reference, Source};
pub use registry::push::{
    add_referrer, parse_referrers, referrers_tag, BlobPush, PushedManifest, Referrer, Referrers,
};
pub use registry::RegistryClient;
pub use spec::{
    ContainerConfig, Descriptor, Healthcheck, History, ImageConfig, Index, Manifest, Platform,
    RootFs,
};
pub use store::{Fetched, Store, MAX_MANIFEST};
pub use walk::{
    walk_layer_blob, Body, Compression, EntryKind, EntryMeta, LayerInfo, LayerStats, LayerVisitor,
    Progress, SeekRead, WalkOptions, WalkSummary, Want, Whiteout,
};
