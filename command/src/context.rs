//! Who is asking and in which trace: turned into the metadata stored with every event.

use opentelemetry::trace::TraceContextExt;
use schema::metadata::{ANONYMOUS_ACTOR, WORKER_ACTOR};
use schema::EventMetadata;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use uuid::Uuid;

/// The caller of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    /// The authenticated user, `anonymous`, or `system:worker`.
    pub actor: String,
    /// Shared by everything one user request causes.
    pub correlation_id: String,
    /// What directly caused this command.
    pub causation_id: String,
}

impl RequestContext {
    /// A new request by `actor`, starting a new correlation.
    pub fn new(actor: impl Into<String>) -> Self {
        let id = Uuid::new_v4().to_string();
        Self {
            actor: actor.into(),
            correlation_id: id.clone(),
            causation_id: id,
        }
    }

    /// A request without credentials.
    pub fn anonymous() -> Self {
        Self::new(ANONYMOUS_ACTOR)
    }

    /// Work done by the job worker, continuing the correlation of the job that caused it.
    pub fn worker(correlation_id: &str, causation_id: &str) -> Self {
        Self {
            actor: WORKER_ACTOR.into(),
            correlation_id: correlation_id.into(),
            causation_id: causation_id.into(),
        }
    }

    /// The metadata to store with events appended for this request, with the current trace.
    pub fn metadata(&self) -> EventMetadata {
        let (traceparent, tracestate) = current_trace_context();
        EventMetadata {
            actor: self.actor.clone(),
            correlation_id: self.correlation_id.clone(),
            causation_id: self.causation_id.clone(),
            traceparent,
            tracestate,
        }
    }
}

/// The W3C trace context of the current tracing span, when it belongs to a sampled trace.
pub fn current_trace_context() -> (Option<String>, Option<String>) {
    let context = tracing::Span::current().context();
    let span = context.span();
    let sc = span.span_context();
    if !sc.is_valid() {
        return (None, None);
    }
    let traceparent = format!(
        "00-{}-{}-{:02x}",
        sc.trace_id(),
        sc.span_id(),
        sc.trace_flags().to_u8()
    );
    let state = sc.trace_state().header();
    (Some(traceparent), (!state.is_empty()).then_some(state))
}
