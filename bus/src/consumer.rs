//! The consuming half of distributed mode: a consumer-group member that reads event
//! envelopes in batches, hands them to a handler, and commits offsets only after the
//! handler's own database transaction succeeded.
//!
//! A message that cannot be decoded goes to the dead-letter topic with the reason in a
//! header, is counted, and the consumer goes on. A handler failure (say, Postgres is down)
//! retries the same batch until it succeeds; nothing is committed before that.

use crate::envelope::{header, Envelope};
use crate::error::{ConsumerError, HandlerError, SetupError};
use crate::kafka::{BusContext, BusHealth, KafkaSettings};
use crate::stall::{self, Observation, StallWatch, Verdict, PROBE_TIMEOUT, WATCH_EVERY};
use command::store::StoredEvent;
use metrics::gauge;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::message::{Header, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Why [`EventConsumer::consume`] returned.
enum Exit {
    /// Shutdown was requested.
    Shutdown,
    /// The watchdog found the member stalled; recreate it (the reason is logged).
    Stalled(String),
}

/// What a consuming role does with a batch of events.
#[async_trait::async_trait]
pub trait EventHandler: Send + Sync {
    /// Applies the batch in the role's own transaction; must be idempotent per
    /// (aggregate id, sequence), because a batch can be delivered again.
    async fn handle(&self, events: &[StoredEvent]) -> Result<(), HandlerError>;
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
    ) -> Result<(), ConsumerError> {
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
            .create_with_context(BusContext::new(self.health.clone(), None))
            .map_err(SetupError::client("dead-letter producer"))?;
        let mut watch = StallWatch::new(self.kafka.stall_after);
        while !shutdown.is_cancelled() {
            // A fresh client id per member, as a restarted process would have.
            let client_id = format!("{}-{}", self.group, uuid::Uuid::new_v4());
            let consumer: Arc<StreamConsumer<BusContext>> = Arc::new(
                self.kafka
                    .consumer_config(&client_id, &self.group, true)
                    .create_with_context(BusContext::new(
                        self.health.clone(),
                        Some(self.group.clone()),
                    ))
                    .map_err(SetupError::client("consumer"))?,
            );
            let topics: Vec<&str> = self.topics.iter().map(String::as_str).collect();
            consumer.subscribe(&topics).map_err(SetupError::Subscribe)?;
            tracing::info!(group = %self.group, topics = ?self.topics, %client_id, "consumer started");
            let exit = self
                .consume(&consumer, &dead_letters, &handler, &shutdown, &mut watch)
                .await?;
            let Exit::Stalled(reason) = exit else { break };
            // A new member is what gets a stuck group going again (see README, "Distributed
            // mode"): uncommitted work is redelivered to it and deduplicated.
            metrics::counter!("clustergenie_consumer_restarts_total", "group" => self.group.clone())
                .increment(1);
            tracing::warn!(
                group = %self.group,
                %reason,
                restarts = watch.restarts(),
                state = ?self.health.status().group_state,
                "consumer stalled; leaving the group and joining again as a new member"
            );
            leave(consumer).await;
        }
        tracing::info!(group = %self.group, "consumer stopped");
        Ok(())
    }

    /// Consumes until shutdown or until the watchdog finds the member stalled.
    async fn consume(
        &self,
        consumer: &Arc<StreamConsumer<BusContext>>,
        dead_letters: &FutureProducer<BusContext>,
        handler: &impl EventHandler,
        shutdown: &CancellationToken,
        watch: &mut StallWatch,
    ) -> Result<Exit, ConsumerError> {
        let mut watchdog = tokio::time::interval(WATCH_EVERY);
        watchdog.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut received = false;
        loop {
            let first = tokio::select! {
                _ = shutdown.cancelled() => return Ok(Exit::Shutdown),
                _ = watchdog.tick() => {
                    if let Some(reason) = self.check(consumer, watch, std::mem::take(&mut received)).await {
                        return Ok(Exit::Stalled(reason));
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
            received = true;
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
                                _ = shutdown.cancelled() => return Ok(Exit::Shutdown),
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
                tpl.add_partition_offset(topic, *partition, Offset::Offset(*next))
                    .map_err(ConsumerError::Offsets)?;
            }
            // After our transaction: a crash before this commit only causes a redelivery,
            // which the handler ignores.
            if let Err(e) = consumer.commit(&tpl, CommitMode::Async) {
                tracing::warn!(group = %self.group, error = %e, "cannot commit offsets; they are committed with the next batch");
            }
        }
    }

    /// One watchdog round: asks the broker for the group's progress, records lag and stall
    /// in health and metrics, and returns the reason when the member should be recreated.
    async fn check(
        &self,
        consumer: &Arc<StreamConsumer<BusContext>>,
        watch: &mut StallWatch,
        received: bool,
    ) -> Option<String> {
        let probe = {
            let consumer = consumer.clone();
            let topics = self.topics.clone();
            tokio::task::spawn_blocking(move || {
                stall::group_progress(consumer.as_ref(), &topics, PROBE_TIMEOUT)
            })
        };
        let progress = match tokio::time::timeout(PROBE_TIMEOUT * 3, probe).await {
            Ok(Ok(Ok(p))) => Some(p),
            Ok(Ok(Err(e))) => {
                tracing::debug!(group = %self.group, error = %e, "cannot ask the broker for the group's progress");
                None
            }
            _ => None,
        };
        if let Some(p) = progress {
            metrics::gauge!("clustergenie_consumer_lag_messages", "group" => self.group.clone())
                .set(p.lag as f64);
        }
        let observation = Observation {
            progress,
            received,
            steady: self.health.group_steady(),
            assigned: self.health.status().assigned_partitions,
        };
        let verdict = watch.observe(Instant::now(), &observation);
        let stalled = gauge!("clustergenie_consumer_stalled", "group" => self.group.clone());
        match verdict {
            Verdict::Healthy => {
                stalled.set(0.0);
                self.health.set_progress(progress.map(|p| p.lag), None);
                None
            }
            Verdict::Stalled { reason, restart } => {
                stalled.set(1.0);
                self.health
                    .set_progress(progress.map(|p| p.lag), Some(reason.clone()));
                restart.then_some(reason)
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

/// Closes a consumer (leaving its group) off the async runtime: the close waits for the
/// broker's answer, bounded so that an unreachable broker cannot hold the next member back.
pub(crate) async fn leave<C: Send + Sync + 'static>(consumer: Arc<C>) {
    let close = tokio::task::spawn_blocking(move || drop(consumer));
    let _ = tokio::time::timeout(Duration::from_secs(10), close).await;
}
