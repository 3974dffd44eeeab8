//! The public contract of the event topics: a versioned JSON envelope plus Kafka headers.
//!
//! Its JSON Schema is `schema/kafka-envelope.schema.json`; other teams consume the topics
//! with it. Version 1 only ever gains optional fields (readers ignore unknown ones); a
//! breaking change gets `envelopeVersion: 2`.

use command::store::StoredEvent;
use rdkafka::message::{BorrowedHeaders, Header, Headers, OwnedHeaders};
use schema::EventMetadata;
use serde::{Deserialize, Serialize};

/// The envelope version this build writes.
pub const ENVELOPE_VERSION: u32 = 1;

/// Header names (all values are UTF-8 text).
pub mod header {
    pub const EVENT_TYPE: &str = "event-type";
    pub const EVENT_ID: &str = "event-id";
    pub const GLOBAL_POSITION: &str = "global-position";
    pub const CORRELATION_ID: &str = "correlation-id";
    pub const TRACEPARENT: &str = "traceparent";
    pub const DEAD_LETTER_REASON: &str = "dead-letter-reason";
    pub const DEAD_LETTER_SOURCE: &str = "dead-letter-source";
    pub const DEAD_LETTER_GROUP: &str = "dead-letter-group";
}

/// One event as published to Kafka (the message value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// Always 1 for this layout.
    pub envelope_version: u32,
    /// Unique id of the event (UUID).
    pub event_id: String,
    /// Stable event type name, e.g. `DropletCreated`.
    pub event_type: String,
    /// Payload version of that event type.
    pub event_version: String,
    /// `Cluster`, `Droplet` or `Job`.
    pub aggregate_type: String,
    /// The aggregate's id (also the message key).
    pub aggregate_id: String,
    /// Per-aggregate sequence, from 1, without gaps.
    pub sequence: i64,
    /// Position in the event store's global log.
    pub global_position: i64,
    /// The writing Postgres transaction (0 for SQLite).
    pub transaction_id: i64,
    /// When the event was recorded (RFC 3339, UTC, microseconds).
    pub recorded_at: String,
    /// Who and why: actor, correlation and causation ids, W3C trace context.
    pub metadata: EventMetadata,
    /// The event's payload (its fields, without a type tag).
    pub payload: serde_json::Value,
}

/// Why a message could not be turned back into an event.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("message has no value")]
    Empty,
    #[error("value is not a valid envelope: {0}")]
    Json(#[from] serde_json::Error),
    #[error("unsupported envelope version {0} (this build reads version {ENVELOPE_VERSION})")]
    Version(u64),
    #[error("invalid field {0}")]
    Field(&'static str),
}

impl Envelope {
    /// The envelope of a stored event.
    pub fn of(e: &StoredEvent) -> Self {
        Self {
            envelope_version: ENVELOPE_VERSION,
            event_id: e.event_id.clone(),
            event_type: e.event_type.clone(),
            event_version: e.event_version.clone(),
            aggregate_type: e.aggregate_type.clone(),
            aggregate_id: e.aggregate_id.clone(),
            sequence: e.sequence,
            global_position: e.position,
            transaction_id: e.tx,
            recorded_at: chrono::DateTime::from_timestamp_micros(e.recorded_us)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            metadata: e.metadata.clone(),
            payload: e.payload.clone(),
        }
    }

    /// Parses and checks a message value.
    pub fn decode(value: Option<&[u8]>) -> Result<Self, DecodeError> {
        let value = value.ok_or(DecodeError::Empty)?;
        let raw: serde_json::Value = serde_json::from_slice(value)?;
        // The version first, so that a future layout is reported as such.
        match raw
            .get("envelopeVersion")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(ENVELOPE_VERSION) => {}
            Some(v) => return Err(DecodeError::Version(v)),
            None => return Err(DecodeError::Field("envelopeVersion")),
        }
        let envelope: Envelope = serde_json::from_value(raw)?;
        if envelope.sequence < 1 {
            return Err(DecodeError::Field("sequence"));
        }
        if envelope.global_position < 1 {
            return Err(DecodeError::Field("globalPosition"));
        }
        if envelope.aggregate_id.is_empty() {
            return Err(DecodeError::Field("aggregateId"));
        }
        if chrono::DateTime::parse_from_rfc3339(&envelope.recorded_at).is_err() {
            return Err(DecodeError::Field("recordedAt"));
        }
        Ok(envelope)
    }

    /// Back to the stored event it was made from.
    pub fn into_stored(self) -> StoredEvent {
        let recorded_us = chrono::DateTime::parse_from_rfc3339(&self.recorded_at)
            .map(|t| t.timestamp_micros())
            .unwrap_or_default();
        StoredEvent {
            position: self.global_position,
            tx: self.transaction_id,
            event_id: self.event_id,
            aggregate_type: self.aggregate_type,
            aggregate_id: self.aggregate_id,
            sequence: self.sequence,
            event_type: self.event_type,
            event_version: self.event_version,
            payload: self.payload,
            metadata: self.metadata,
            recorded_us,
        }
    }

    /// The message headers: routing and tracing fields a consumer needs without parsing
    /// the value (kept few: every header costs the broker a row per message).
    pub fn headers(&self) -> OwnedHeaders {
        let position = self.global_position.to_string();
        let mut h = OwnedHeaders::new_with_capacity(5)
            .insert(text(header::EVENT_TYPE, &self.event_type))
            .insert(text(header::EVENT_ID, &self.event_id))
            .insert(text(header::GLOBAL_POSITION, &position))
            .insert(text(header::CORRELATION_ID, &self.metadata.correlation_id));
        if let Some(tp) = &self.metadata.traceparent {
            h = h.insert(text(header::TRACEPARENT, tp));
        }
        h
    }
}

fn text<'a>(key: &'a str, value: &'a str) -> Header<'a, &'a str> {
    Header {
        key,
        value: Some(value),
    }
}

/// The text value of header `name`, if present and UTF-8.
pub fn header_text<'a>(headers: Option<&'a BorrowedHeaders>, name: &str) -> Option<&'a str> {
    headers?
        .iter()
        .find(|h| h.key == name)
        .and_then(|h| h.value)
        .and_then(|v| std::str::from_utf8(v).ok())
}

/// The partition an aggregate's events go to: FNV-1a (32 bit) of the aggregate id modulo
/// the partition count. Explicit, so that the relay can tell where an event must already be.
pub fn partition_for(aggregate_id: &str, partitions: i32) -> i32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in aggregate_id.as_bytes() {
        hash ^= u32::from(*b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    (hash % partitions.max(1) as u32) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> StoredEvent {
        StoredEvent {
            position: 42,
            tx: 777,
            event_id: "0b6c7e0e-0000-4000-8000-000000000001".into(),
            aggregate_type: "Droplet".into(),
            aggregate_id: "5d9f1a8e-0000-4000-8000-000000000002".into(),
            sequence: 3,
            event_type: "DropletPowered".into(),
            event_version: "1".into(),
            payload: serde_json::json!({"on": true}),
            metadata: EventMetadata {
                actor: "alice".into(),
                correlation_id: "c".into(),
                causation_id: "d".into(),
                traceparent: Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".into()),
                tracestate: None,
            },
            recorded_us: 1_764_000_000_123_456,
        }
    }

    #[test]
    fn round_trips_a_stored_event() {
        let e = event();
        let bytes = serde_json::to_vec(&Envelope::of(&e)).unwrap();
        let back = Envelope::decode(Some(&bytes)).unwrap().into_stored();
        assert_eq!(back, e);
    }

    #[test]
    fn refuses_garbage_and_other_versions() {
        assert!(matches!(Envelope::decode(None), Err(DecodeError::Empty)));
        assert!(matches!(
            Envelope::decode(Some(b"not json")),
            Err(DecodeError::Json(_))
        ));
        let mut v = serde_json::to_value(Envelope::of(&event())).unwrap();
        v["envelopeVersion"] = 2.into();
        let bytes = serde_json::to_vec(&v).unwrap();
        assert!(matches!(
            Envelope::decode(Some(&bytes)),
            Err(DecodeError::Version(2))
        ));
        v["envelopeVersion"] = 1.into();
        v["sequence"] = 0.into();
        let bytes = serde_json::to_vec(&v).unwrap();
        assert!(matches!(
            Envelope::decode(Some(&bytes)),
            Err(DecodeError::Field("sequence"))
        ));
    }

    #[test]
    fn matches_the_published_json_schema_fields() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schema/kafka-envelope.schema.json")).unwrap();
        let v = serde_json::to_value(Envelope::of(&event())).unwrap();
        let props = schema["properties"].as_object().unwrap();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        for key in v.as_object().unwrap().keys() {
            assert!(props.contains_key(key), "schema lacks {key}");
            assert!(required.contains(&key.as_str()), "{key} not required");
        }
        assert_eq!(props.len(), v.as_object().unwrap().len());
    }

    #[test]
    fn partitions_are_stable_and_in_range() {
        for n in 1..12 {
            let p = partition_for("5d9f1a8e-0000-4000-8000-000000000002", n);
            assert!((0..n).contains(&p));
            assert_eq!(p, partition_for("5d9f1a8e-0000-4000-8000-000000000002", n));
        }
        // Known value, so other implementations of the contract can check themselves.
        assert_eq!(
            partition_for("a", 1 << 30),
            (0xe40c292c_u32 % (1 << 30)) as i32
        );
    }
}
