//! The values that go into and come out of the event store: events to append with the
//! claims and idempotency record committed beside them, events as stored, log cursors.

use schema::{AggregateType, EventMetadata};
use serde_json::Value;

/// Where a reader of the global log stands: after the event `(tx, position)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogCursor {
    /// The writing transaction (always 0 on SQLite).
    pub tx: i64,
    /// The global position.
    pub position: i64,
}

/// One stored event as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Global position (strictly increasing).
    pub position: i64,
    /// Writing transaction id (0 on SQLite).
    pub tx: i64,
    /// Unique event id.
    pub event_id: String,
    /// Aggregate type name.
    pub aggregate_type: String,
    /// Aggregate id.
    pub aggregate_id: String,
    /// Per-aggregate sequence, from 1.
    pub sequence: i64,
    /// Stable event type name.
    pub event_type: String,
    /// Payload version.
    pub event_version: String,
    /// The payload, without its type tag.
    pub payload: Value,
    /// Who and why.
    pub metadata: EventMetadata,
    /// When it was recorded, in microseconds since the epoch.
    pub recorded_us: i64,
}

impl StoredEvent {
    /// This event's place in the global order.
    pub fn cursor(&self) -> LogCursor {
        LogCursor {
            tx: self.tx,
            position: self.position,
        }
    }
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Aggregate type.
    pub aggregate_type: AggregateType,
    /// Aggregate id.
    pub aggregate_id: String,
    /// The sequence this event must get; a taken sequence means a lost race.
    pub sequence: i64,
    /// Stable type name.
    pub event_type: &'static str,
    /// Payload version.
    pub event_version: &'static str,
    /// Payload without the type tag.
    pub payload: Value,
}

/// A value that must be unique within its scope (a cluster name, a live droplet name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The namespace, e.g. `cluster-name`.
    pub scope: &'static str,
    /// The unique value.
    pub value: String,
    /// The aggregate that holds it.
    pub owner: String,
}

/// The first response to an idempotency key, stored with the events it produced.
#[derive(Debug, Clone)]
pub struct IdempotencyRecord {
    /// Actor plus key.
    pub scope_key: String,
    /// Hash of the request's input, to refuse the same key with different input.
    pub request_hash: String,
    /// The response, serialized by the caller.
    pub response: String,
}

/// A stored first response, returned to a repeat of the same request under the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstResponse {
    /// The response as the caller serialized it.
    pub response: String,
    /// The global position of the last event the first request appended.
    pub position: i64,
}

/// Everything one command writes, committed in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Append {
    /// Events, possibly for several aggregates.
    pub events: Vec<NewEvent>,
    /// Metadata stored with every event.
    pub metadata: EventMetadata,
    /// Unique values to claim.
    pub claims: Vec<Claim>,
    /// Unique values to release.
    pub releases: Vec<Claim>,
    /// Idempotency record to store.
    pub idempotency: Option<IdempotencyRecord>,
    /// Secret material to store beside the events (never in them).
    pub secrets: Vec<SecretWrite>,
}

/// A password or API-token hash written in the same transaction as the event that sets it
/// (`credentials`, keyed by the user's or token's id). Its `Debug` never shows the hash.
#[derive(Clone, Default)]
pub struct SecretWrite {
    /// The user's or the token's id.
    pub principal_id: String,
    /// `password` or `api_token`.
    pub kind: &'static str,
    /// The hash (an argon2 PHC string, or SHA-256 hex of a token secret).
    pub hash: String,
}

impl std::fmt::Debug for SecretWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretWrite")
            .field("principal_id", &self.principal_id)
            .field("kind", &self.kind)
            .field("hash", &"[redacted]")
            .finish()
    }
}

impl Append {
    /// True when a value is both released and claimed again: the release must run first,
    /// which one statement cannot promise.
    pub(crate) fn reclaims(&self) -> bool {
        self.claims.iter().any(|c| {
            self.releases
                .iter()
                .any(|r| r.scope == c.scope && r.value == c.value)
        })
    }

    /// True when only events are written (one `INSERT` is atomic by itself).
    pub(crate) fn events_only(&self) -> bool {
        self.claims.is_empty()
            && self.releases.is_empty()
            && self.idempotency.is_none()
            && self.secrets.is_empty()
    }
}

/// An event as committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// Aggregate id.
    pub aggregate_id: String,
    /// Sequence.
    pub sequence: i64,
    /// Global position.
    pub position: i64,
}
