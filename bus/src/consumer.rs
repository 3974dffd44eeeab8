//! The consuming half of distributed mode: a consumer-group member that reads event
//! envelopes in batches, hands them to a handler, and commits offsets only after the
//! handler's own database transaction succeeded.
//!
//! A message that cannot be decoded goes to the dead-letter topic with the reason in a
//! header, is counted, and the consumer goes on. A handler failure (say, Postgres is down)
//! retries the same batch until it succeeds; nothing is committed before that.

use crate::envelope::{header, Envelope};
use crate::kafka::{BusContext, BusHealth, KafkaSettings};
use anyhow::Context as _;
use command::store::StoredEvent;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::message::{Header, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::HashMap;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// A member whose group membership is not steady this long, or that receives nothing this
/// long although the group has uncommitted messages (with brokers up), is recreated.
const STUCK_AFTER: Duration = Duration::from_secs(60);

/// What a consuming role does with a batch of events.
#[async_trait::async_trait]
pub trait EventHandler: Send + Sync {
    /// Applies the batch in the role's own transaction; must be idempotent per
    /// (aggregate id, sequence), because a batch can be delivered again.
    async fn handle(&self, events: &[StoredEvent]) -> anyhow::Result<()>;
}

/// A consumer-group member feeding an [`EventHandler`].
pub struct EventConsumer {
    kafka: KafkaSettings,
    group: String,
    topics: Vec<String>,
    health: BusHealth,
    max_batch: usize,
}

impl EventConsumer {
    /// A member of `group` reading `topics` from the earliest uncommitted offset.
    pub fn new(kafka: KafkaSettings, group: &str, topics: Vec<String>, health: BusHealth) -> Self {
        Self {
            kafka,
            group: group.to_string(),
            topics,
            health,
            max_batch: 500,
        }
    }

    /// Consumes until `shutdown`.
    pub async fn run(
        self,
        handler: impl EventHandler,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        // Creating topics is idempotent; it saves waiting for the relay on a fresh broker.
        let mut attempt = 0u32;
        while let Err(e) = self.kafka.ensure_topics(&self.health).await {
            attempt += 1;
            tracing::warn!(error = %e, attempt, "cannot reach the broker to check topics; retrying");
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
        let client_id = format!("{}-{}", self.group, uuid::Uuid::new_v4());
        let dead_letters: FutureProducer<BusContext> = self
            .kafka
            .producer_config(&format!("{client_id}-dlq"))
            .create_with_context(BusContext::new(self.health.clone(), None))?;
        while !shutdown.is_cancelled() {
            // A fresh client id per member, as a restarted process would have.
            let client_id = format!("{}-{}", self.group, uuid::Uuid::new_v4());
            let consumer: StreamConsumer<BusContext> = self
                .kafka
                .consumer_config(&client_id, &self.group, true)
                .create_with_context(BusContext::new(
                    self.health.clone(),
                    Some(self.group.clone()),
                ))
                .context("cannot create the Kafka consumer")?;
            let topics: Vec<&str> = self.topics.iter().map(String::as_str).collect();
            consumer.subscribe(&topics)?;
            tracing::info!(group = %self.group, topics = ?self.topics, "consumer started");
            self.consume(&consumer, &dead_letters, &handler, &shutdown)
                .await?;
            if !shutdown.is_cancelled() {
                // Seen with a broker frozen longer than the session timeout: the member
                // never finishes rejoining. A new member does; uncommitted work is
                // redelivered to it and deduplicated.
                metrics::counter!("clustergenie_consumer_restarts_total", "group" => self.group.clone())
                    .increment(1);
                tracing::warn!(group = %self.group, state = ?self.health.status().group_state, "consumer group membership stuck; recreating the consumer");
            }
        }
        tracing::info!(group = %self.group, "consumer stopped");
        Ok(())
    }

    /// Consumes until shutdown (Ok) or until the membership is stuck (Ok, to be recreated).
    async fn consume(
        &self,
        consumer: &StreamConsumer<BusContext>,
        dead_letters: &FutureProducer<BusContext>,
        handler: &impl EventHandler,
        shutdown: &CancellationToken,
    ) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        let mut watchdog = tokio::time::interval(Duration::from_secs(5));
        watchdog.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_batch = std::time::Instant::now();
        loop {
            let first = tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                _ = watchdog.tick() => {
                    let status = self.health.status();
                    let starved = status.consumer_lag.unwrap_or(0) > 0
                        && last_batch.elapsed() > STUCK_AFTER;
                    if self.health.group_stuck(started, STUCK_AFTER) || (status.brokers_up > 0 && starved) {
                        return Ok(());
                    }
                    continue;
                }
                m = consumer.recv() => m,
            };
            let first = match first {
                Ok(m) => m.detach(),
                Err(e) => {
                    tracing::warn!(group = %self.group, error = %e, "cannot receive from Kafka; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            };
            let mut batch = vec![first];
            while batch.len() < self.max_batch {
                match tokio::time::timeout(Duration::from_millis(2), consumer.recv()).await {
                    Ok(Ok(m)) => batch.push(m.detach()),
                    _ => break,
                }
            }
            let mut events = Vec::with_capacity(batch.len());
            let mut offsets: HashMap<(String, i32), i64> = HashMap::new();
            for msg in &batch {
                let next = offsets
                    .entry((msg.topic().to_string(), msg.partition()))
                    .or_insert(0);
                *next = (*next).max(msg.offset() + 1);
                match Envelope::decode(msg.payload()) {
                    Ok(envelope) => events.push(envelope.into_stored()),
                    Err(reason) => {
                        self.dead_letter(dead_letters, msg, &reason.to_string(), shutdown)
                            .await
                    }
                }
            }
            if !events.is_empty() {
                let span = batch_span(&self.group, &events);
                let mut failures = 0u32;
                loop {
                    let outcome = {
                        use tracing::Instrument;
                        handler.handle(&events).instrument(span.clone()).await
                    };
                    match outcome {
                        Ok(()) => break,
                        Err(e) => {
                            failures += 1;
                            tracing::warn!(group = %self.group, error = format!("{e:#}"), failures, "cannot apply a batch; retrying it");
                            let pause = Duration::from_millis(200 * u64::from(failures.min(25)));
                            tokio::select! {
                                // Uncommitted: the batch is delivered again after a restart.
                                _ = shutdown.cancelled() => return Ok(()),
                                _ = tokio::time::sleep(pause) => {}
                            }
                        }
                    }
                }
                metrics::counter!("clustergenie_consumer_events_total", "group" => self.group.clone())
                    .increment(events.len() as u64);
            }
            let mut tpl = TopicPartitionList::new();
            for ((topic, partition), next) in &offsets {
                tpl.add_partition_offset(topic, *partition, Offset::Offset(*next))?;
            }
            // After our transaction: a crash before this commit only causes a redelivery,
            // which the handler ignores.
            last_batch = std::time::Instant::now();
            if let Err(e) = consumer.commit(&tpl, CommitMode::Async) {
                tracing::warn!(group = %self.group, error = %e, "cannot commit offsets; they are committed with the next batch");
            }
        }
    }

    async fn dead_letter(
        &self,
        producer: &FutureProducer<BusContext>,
        msg: &OwnedMessage,
        reason: &str,
        shutdown: &CancellationToken,
    ) {
        metrics::counter!("clustergenie_dead_letters_total", "group" => self.group.clone())
            .increment(1);
        let source = format!("{}/{}/{}", msg.topic(), msg.partition(), msg.offset());
        tracing::error!(group = %self.group, %source, reason, "undecodable message sent to the dead-letter topic");
        let topic = self.kafka.dead_letter_topic();
        let mut attempt = 0u32;
        loop {
            let mut headers = OwnedHeaders::new()
                .insert(Header {
                    key: header::DEAD_LETTER_REASON,
                    value: Some(reason),
                })
                .insert(Header {
                    key: header::DEAD_LETTER_SOURCE,
                    value: Some(&source),
                })
                .insert(Header {
                    key: header::DEAD_LETTER_GROUP,
                    value: Some(&self.group),
                });
            if let Some(original) = msg.headers() {
                use rdkafka::message::Headers;
                for h in original.iter() {
                    headers = headers.insert(Header {
                        key: h.key,
                        value: h.value,
                    });
                }
            }
            let mut record = FutureRecord::<[u8], [u8]>::to(&topic).headers(headers);
            if let Some(key) = msg.key() {
                record = record.key(key);
            }
            if let Some(payload) = msg.payload() {
                record = record.payload(payload);
            }
            match producer.send(record, Duration::from_secs(30)).await {
                Ok(_) => return,
                Err((e, _)) => {
                    attempt += 1;
                    tracing::warn!(error = %e, attempt, "cannot write to the dead-letter topic; retrying");
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            }
        }
    }
}

/// A span for one batch, child of the first event's trace and linked to the others', so a
/// mutation's trace continues through Kafka into the consuming role.
fn batch_span(group: &str, events: &[StoredEvent]) -> tracing::Span {
    let span = tracing::info_span!(
        "kafka.consume",
        otel.kind = "consumer",
        group,
        events = events.len()
    );
    command::context::continue_traces(&span, events);
    span
}
