//! Registry client (OCI distribution API v2). Not implemented yet in this commit.

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::image::{Image, OpenOptions, RegistryOptions};
use crate::reference::Reference;

/// A client for one registry.
pub struct RegistryClient {}

impl RegistryClient {
    /// Creates a client for the registry of `r`.
    pub fn new(r: &Reference, _opts: &RegistryOptions) -> Result<Self> {
        Err(Error::Registry {
            registry: r.registry.clone(),
            reason: "not implemented yet".into(),
            status: None,
        })
    }
    /// Resolves the manifest digest of `r`.
    pub fn resolve_digest(&self, r: &Reference) -> Result<Digest> {
        Err(Error::Registry {
            registry: r.registry.clone(),
            reason: "not implemented yet".into(),
            status: None,
        })
    }
}

pub(crate) fn open(r: &Reference, _opts: &OpenOptions, _name: &str) -> Result<Image> {
    Err(Error::Registry {
        registry: r.registry.clone(),
        reason: "not implemented yet".into(),
        status: None,
    })
}
