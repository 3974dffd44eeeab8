//! Kafka clients: settings, topic names, topic creation, and a client context that turns
//! librdkafka's statistics into health and metrics.

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::ClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::statistics::Statistics;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where the broker is and how topics are named and created.
#[derive(Debug, Clone)]
pub struct KafkaSettings {
    /// Bootstrap servers, `host:port[,host:port]`.
    pub brokers: String,
    /// Prefix of every topic name.
    pub topic_prefix: String,
    /// Partitions of each event topic when the relay creates it.
    pub partitions: i32,
    /// Replication factor when the relay creates a topic.
    pub replication: i32,
    /// Idempotent producers (the default). Off: no producer retries and one request in
    /// flight, every failure handled by the relay's partition-tail reconciliation instead
    /// (for brokers whose idempotence support is unreliable, see README).
    pub idempotence: bool,
    /// Longest time a consumer's fetch waits at the broker for new messages
    /// (`fetch.wait.max.ms`). Brokers answer a waiting fetch as soon as data arrives, but some
    /// (tansu 0.6) only when it expires, so this bounds the delivery latency there.
    pub fetch_wait_ms: u32,
    /// A consumer that makes no progress this long while messages wait (or whose group
    /// membership is not steady this long) is reported degraded and recreated.
    pub stall_after: Duration,
    /// librdkafka debug contexts (`debug`, e.g. `cgrp,fetch`), logged at debug level under
    /// the `librdkafka` target.
    pub debug: Option<String>,
}

/// Consumer group session timeout (`session.timeout.ms`).
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(45);

impl KafkaSettings {
    /// The topic of an aggregate type: `<prefix>.cluster`, `<prefix>.droplet`, `<prefix>.job`.
    pub fn topic(&self, aggregate_type: &str) -> String {
        format!(
            "{}.{}",
            self.topic_prefix,
            aggregate_type.to_ascii_lowercase()
        )
    }
    /// Every event topic: one per [`schema::AggregateType`], so a new aggregate type gets
    /// its topic without an edit here.
    pub fn event_topics(&self) -> Vec<String> {
        schema::AggregateType::ALL
            .iter()
            .map(|t| self.topic(t.as_str()))
            .collect()
    }
    /// Where undecodable messages go, with the reason in a header.
    pub fn dead_letter_topic(&self) -> String {
        format!("{}.dead-letter", self.topic_prefix)
    }
    /// What the projector applied, for API instances' live subscriptions.
    pub fn changes_topic(&self) -> String {
        format!("{}.changes", self.topic_prefix)
    }

    /// Common client configuration.
    pub fn client_config(&self, client_id: &str) -> ClientConfig {
        let mut c = ClientConfig::new();
        c.set("bootstrap.servers", &self.brokers)
            .set("client.id", client_id)
            .set("statistics.interval.ms", "5000")
            .set("reconnect.backoff.max.ms", "2000")
            .set("topic.metadata.refresh.interval.ms", "10000");
        if let Some(debug) = &self.debug {
            c.set("debug", debug);
        }
        c
    }

    /// The idempotent, acks=all producer configuration.
    pub fn producer_config(&self, client_id: &str) -> ClientConfig {
        let mut c = self.client_config(client_id);
        if self.idempotence {
            c.set("enable.idempotence", "true");
        } else {
            c.set("enable.idempotence", "false")
                .set("retries", "0")
                .set("max.in.flight.requests.per.connection", "1");
        }
        c.set("acks", "all")
            .set("linger.ms", "2")
            .set("compression.type", "none")
            // Keep retrying through broker outages for a long time; the relay's checkpoint
            // only moves once delivery is confirmed.
            .set("message.timeout.ms", "600000");
        c
    }

    /// A consumer in `group` that commits only explicitly.
    pub fn consumer_config(&self, client_id: &str, group: &str, from_start: bool) -> ClientConfig {
        let mut c = self.client_config(client_id);
        c.set("group.id", group)
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set(
                "auto.offset.reset",
                if from_start { "earliest" } else { "latest" },
            )
            .set(
                "session.timeout.ms",
                SESSION_TIMEOUT.as_millis().to_string(),
            )
            .set("heartbeat.interval.ms", "3000")
            .set("max.poll.interval.ms", "60000")
            // Small fetches keep every response quick, also from a broker with slow storage.
            .set("fetch.max.bytes", "2097152")
            .set("max.partition.fetch.bytes", "524288")
            .set("fetch.wait.max.ms", self.fetch_wait_ms.to_string());
        c
    }

    /// Creates the event, dead-letter and changes topics when missing.
    pub async fn ensure_topics(&self, health: &BusHealth) -> Result<(), KafkaError> {
        let admin: AdminClient<BusContext> = self
            .client_config("clustergenie-admin")
            .create_with_context(BusContext::new(health.clone(), None))?;
        let topics = self.event_topics();
        let dead = self.dead_letter_topic();
        let changes = self.changes_topic();
        let mut new: Vec<NewTopic> = topics
            .iter()
            .map(|t| {
                NewTopic::new(
                    t,
                    self.partitions,
                    TopicReplication::Fixed(self.replication),
                )
            })
            .collect();
        new.push(NewTopic::new(
            &dead,
            1,
            TopicReplication::Fixed(self.replication),
        ));
        // One partition keeps the projector's notifications in order.
        new.push(NewTopic::new(
            &changes,
            1,
            TopicReplication::Fixed(self.replication),
        ));
        let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
        for result in admin.create_topics(new.iter(), &options).await? {
            match result {
                Ok(topic) => tracing::info!(%topic, "created topic"),
                Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => {
                    return Err(KafkaError::AdminOp(code)).inspect_err(|e| {
                        tracing::warn!(%topic, error = %e, "cannot create topic");
                    })
                }
            }
        }
        Ok(())
    }
}

/// What a role knows about its broker connection and consumer, for `/health`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BusStatus {
    /// Brokers whose connection is UP, from the last statistics.
    pub brokers_up: usize,
    /// Brokers known.
    pub brokers_known: usize,
    /// The consumer group, for consuming roles.
    pub group: Option<String>,
    /// Messages past the group's committed offsets over every partition of its topics (for
    /// the API's changes reader: past its position), from the stall watchdog.
    pub consumer_lag: Option<i64>,
    /// Lag over the partitions assigned to this member only, from librdkafka's statistics.
    pub member_lag: Option<i64>,
    /// Why the consumer is stalled (no progress while messages wait), when it is.
    pub stalled: Option<String>,
    /// Partitions assigned to this member.
    pub assigned_partitions: usize,
    /// The last error librdkafka reported, if any since the brokers came back.
    pub last_error: Option<String>,
    /// The consumer group membership as librdkafka sees it (`up/steady` when joined).
    pub group_state: Option<String>,
    /// When the last statistics report arrived (None before the first).
    #[serde(skip)]
    pub stats_at: Option<std::time::Instant>,
}

/// Shared, updated from librdkafka's threads.
#[derive(Debug, Clone, Default)]
pub struct BusHealth(Arc<Mutex<BusStatus>>);

impl BusHealth {
    /// A snapshot.
    pub fn status(&self) -> BusStatus {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }
    /// True when at least one broker connection is up (or no statistics arrived yet).
    pub fn broker_up(&self) -> bool {
        let s = self.status();
        s.stats_at.is_none() || s.brokers_up > 0
    }
    /// Records the stall watchdog's findings.
    pub fn set_progress(&self, lag: Option<i64>, stalled: Option<String>) {
        self.update(|s| {
            if lag.is_some() {
                s.consumer_lag = lag;
            }
            s.stalled = stalled;
        });
    }
    /// True when the group membership is joined and steady.
    pub fn group_steady(&self) -> bool {
        self.status().group_state.as_deref() == Some("up/steady")
    }
    fn update(&self, f: impl FnOnce(&mut BusStatus)) {
        if let Ok(mut s) = self.0.lock() {
            f(&mut s);
        }
    }
}

/// Client context: statistics → health + metrics, errors → logs.
pub struct BusContext {
    health: BusHealth,
    group: Option<String>,
}

impl BusContext {
    /// A context reporting into `health`; `group` labels consumer-lag metrics.
    pub fn new(health: BusHealth, group: Option<String>) -> Self {
        Self { health, group }
    }
}

impl ClientContext for BusContext {
    fn stats(&self, stats: Statistics) {
        let up = stats
            .brokers
            .values()
            .filter(|b| b.nodeid >= 0 && b.state == "UP")
            .count();
        let known = stats.brokers.values().filter(|b| b.nodeid >= 0).count();
        let mut lag = None;
        let mut assigned = 0;
        if self.group.is_some() {
            let mut total = 0i64;
            for topic in stats.topics.values() {
                for p in topic.partitions.values() {
                    if p.partition >= 0 && p.fetch_state == "active" {
                        assigned += 1;
                        if p.consumer_lag >= 0 {
                            total += p.consumer_lag;
                        }
                    }
                }
            }
            // The group-wide clustergenie_consumer_lag_messages comes from the watchdog
            // (crate::stall): this member's partitions say nothing about the others'.
            lag = Some(total);
        }
        metrics::gauge!("clustergenie_kafka_brokers_up", "client" => stats.client_id.clone())
            .set(up as f64);
        self.health.update(|s| {
            s.brokers_up = up;
            s.brokers_known = known;
            if self.group.is_some() {
                // Only the consumer's own client reports on the group.
                s.group = self.group.clone();
                s.member_lag = lag;
                s.assigned_partitions = assigned;
                if let Some(cgrp) = &stats.cgrp {
                    s.group_state = Some(format!("{}/{}", cgrp.state, cgrp.join_state));
                }
            }
            if up > 0 {
                s.last_error = None;
            }
            s.stats_at = Some(std::time::Instant::now());
        });
    }

    fn error(&self, error: KafkaError, reason: &str) {
        tracing::warn!(error = %error, reason, "kafka client error");
        metrics::counter!("clustergenie_kafka_errors_total").increment(1);
        self.health
            .update(|s| s.last_error = Some(format!("{error}: {reason}")));
    }
}

impl ConsumerContext for BusContext {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_aggregate_type_has_its_own_topic() {
        let settings = KafkaSettings {
            brokers: "127.0.0.1:9092".into(),
            topic_prefix: "cg".into(),
            partitions: 1,
            replication: 1,
            idempotence: true,
            fetch_wait_ms: 10,
            stall_after: Duration::from_secs(90),
            debug: None,
        };
        let topics = settings.event_topics();
        for kind in schema::AggregateType::ALL {
            assert!(
                topics.contains(&settings.topic(kind.as_str())),
                "{kind} has no topic"
            );
        }
        let mut distinct = topics.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), schema::AggregateType::ALL.len());
    }
}
