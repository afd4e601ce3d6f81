//! Dockerfile rules.
