//! Diagnosis: the built-in analyzer ([`analyze`]), deterministic over one evidence
//! [`schema::diagnosis::Snapshot`].
//!
//! The same snapshot gives the same report, byte for byte: analyzers read ages from the
//! snapshot's `taken_at`, never from the clock, and [`schema::diagnosis::Report::normalize`]
//! orders what they found.

pub mod analyze;

pub use analyze::{analyze, Thresholds};
