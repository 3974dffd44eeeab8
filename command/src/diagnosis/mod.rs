//! Diagnosis: what the `DIAGNOSE` job runs over one evidence snapshot.
//!
//! - [`model`]: the model backend — asks any OpenAI-compatible server to explain and rank
//!   the built-in report, with names masked, the answer checked against its JSON Schema, and
//!   the built-in report as the fallback whenever the model fails.

pub mod model;
