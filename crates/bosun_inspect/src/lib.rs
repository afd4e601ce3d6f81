//! Image checks.
