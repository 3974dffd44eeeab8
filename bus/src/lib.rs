//! ClusterGenie's distributed mode over Kafka.
//!
//! - [`relay`]: the event store → Kafka relay (one active, standbys behind an advisory lock).
//! - [`envelope`]: the versioned JSON envelope and headers (`schema/kafka-envelope.schema.json`).
//! - [`consumer`]: consumer-group members that commit after their own transaction, with a
//!   dead-letter topic for undecodable messages.
//! - [`projection`]: the projector role's handler (read models from Kafka).
//! - [`work`]: the worker role's handler (jobs from Kafka).
//! - [`live`]: API instances follow the projector's changes for live subscriptions.
//! - [`stall`]: group-wide lag from the broker and the watchdog that degrades and recreates a
//!   consumer that makes no progress while messages wait.
//! - [`error`]: one error enum per part (setup, consumer, handler, relay).
//! - [`kafka`]: settings, topics, client statistics → health and metrics.

pub mod consumer;
pub mod envelope;
pub mod error;
pub mod kafka;
pub mod live;
pub mod projection;
pub mod relay;
pub mod stall;
pub mod work;

pub use kafka::{BusHealth, KafkaSettings};
