//! Who is asking and in which trace: turned into the metadata stored with every event.

use crate::store::StoredEvent;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use schema::metadata::{ANONYMOUS_ACTOR, WORKER_ACTOR};
use schema::EventMetadata;
use std::collections::HashSet;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use uuid::Uuid;

/// Traces a batch span links to besides its parent (a batch can mix many requests).
const MAX_LINKS: usize = 32;

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

/// The remote span a W3C `traceparent` (version 00) names, with its `tracestate`.
pub fn parse_traceparent(traceparent: &str, tracestate: Option<&str>) -> Option<SpanContext> {
    let mut parts = traceparent.trim().split('-');
    let (version, trace, span, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if version != "00" || parts.next().is_some() || trace.len() != 32 || span.len() != 16 {
        return None;
    }
    let flags = u8::from_str_radix(flags, 16)
        .ok()
        .filter(|_| flags.len() == 2)?;
    let state = tracestate
        .and_then(|s| s.parse::<TraceState>().ok())
        .unwrap_or_default();
    let sc = SpanContext::new(
        TraceId::from_hex(trace).ok()?,
        SpanId::from_hex(span).ok()?,
        TraceFlags::new(flags),
        true,
        state,
    );
    sc.is_valid().then_some(sc)
}

/// Makes `span` (not yet entered) continue the trace an event was appended in.
pub fn continue_trace(span: &tracing::Span, metadata: &EventMetadata) {
    let parent = metadata
        .traceparent
        .as_deref()
        .and_then(|tp| parse_traceparent(tp, metadata.tracestate.as_deref()));
    if let Some(parent) = parent {
        let _ = span.set_parent(opentelemetry::Context::new().with_remote_span_context(parent));
    }
}

/// Makes `span` (not yet entered) a child of the first traced event's span and links it
/// to the other traces in `events`, so each request's trace continues into the batch.
pub fn continue_traces(span: &tracing::Span, events: &[StoredEvent]) {
    let mut traces = events.iter().filter_map(|e| {
        parse_traceparent(
            e.metadata.traceparent.as_deref()?,
            e.metadata.tracestate.as_deref(),
        )
    });
    let Some(parent) = traces.next() else {
        return;
    };
    let mut seen = HashSet::from([parent.trace_id()]);
    let _ = span.set_parent(opentelemetry::Context::new().with_remote_span_context(parent));
    for other in traces {
        if seen.len() > MAX_LINKS {
            break;
        }
        if seen.insert(other.trace_id()) {
            span.add_link(other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_traceparent_round_trips_and_malformed_ones_are_ignored() {
        let tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        let sc = parse_traceparent(tp, Some("vendor=x")).expect("valid");
        assert_eq!(
            sc.trace_id().to_string(),
            "0af7651916cd43dd8448eb211c80319c"
        );
        assert_eq!(sc.span_id().to_string(), "b7ad6b7169203331");
        assert!(sc.is_sampled() && sc.is_remote());
        assert_eq!(sc.trace_state().header(), "vendor=x");
        for bad in [
            "",
            "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-00000000000000000000000000000000-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x",
        ] {
            assert!(parse_traceparent(bad, None).is_none(), "{bad}");
        }
    }
}
