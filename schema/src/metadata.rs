//! Metadata stored with every event: who, why, and which trace it belongs to.

use serde::{Deserialize, Serialize};

/// The actor recorded for work done by the job worker.
pub const WORKER_ACTOR: &str = "system:worker";
/// The actor recorded when a request carries no credentials.
pub const ANONYMOUS_ACTOR: &str = "anonymous";

/// Who caused an event and in which context.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    /// The authenticated user, `anonymous`, or `system:worker`.
    pub actor: String,
    /// Groups every event that stems from one user request.
    pub correlation_id: String,
    /// The event or request that directly caused this one.
    pub causation_id: String,
    /// W3C `traceparent` of the span that appended the event, when tracing is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    /// W3C `tracestate`, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracestate: Option<String>,
}
