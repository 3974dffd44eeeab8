//! Diagnosis: what the DIAGNOSE job runs over one evidence [`Snapshot`].
//!
//! - [`analyze`]: the built-in analyzer, deterministic, one rule module per check.
//! - [`model`]: the model backend — asks any OpenAI-compatible server to explain and rank
//!   the built-in report, with names masked, the answer checked against its JSON Schema, and
//!   the built-in report as the fallback whenever the model fails.
//! - [`Diagnoser`]: what a worker needs: where the evidence comes from ([`EvidenceSource`],
//!   the read models and stores) and the thresholds.
//!
//! The same snapshot gives the same report, byte for byte: analyzers read ages from the
//! snapshot's `taken_at`, never from the clock, and [`schema::diagnosis::Report::normalize`]
//! orders what they found.

pub mod analyze;
pub mod model;

pub use analyze::{analyze, Thresholds};

use chrono::{DateTime, Utc};
use schema::diagnosis::{DiagnosisTarget, Snapshot};
use std::sync::Arc;

/// Where the evidence of a diagnosis is read from.
#[async_trait::async_trait]
pub trait EvidenceSource: Send + Sync {
    /// Everything the analyzers look at about `target_id`, as of `taken_at`.
    async fn collect(
        &self,
        target: DiagnosisTarget,
        target_id: &str,
        taken_at: DateTime<Utc>,
    ) -> Result<Snapshot, EvidenceError>;
}

/// The evidence could not be read (the job retries).
#[derive(Debug, thiserror::Error)]
#[error("cannot collect the evidence: {0}")]
pub struct EvidenceError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

/// What a worker needs to carry out DIAGNOSE jobs.
#[derive(Clone)]
pub struct Diagnoser {
    pub source: Arc<dyn EvidenceSource>,
    pub thresholds: Thresholds,
    /// The model that explains and ranks the built-in report, when one is configured.
    pub model: Option<Arc<model::ModelBackend>>,
}
