//! bosun's findings model and the one place that renders it.
//!
//! Invariant: no IO here except writing to the `Write` a renderer is handed.

mod model;
pub mod render;
mod rule;

pub use model::*;
pub use rule::*;
