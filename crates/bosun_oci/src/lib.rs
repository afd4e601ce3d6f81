//! Image sources and layer streaming.
