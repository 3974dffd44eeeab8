//! The active relay's loop: read a batch from the log, publish what Kafka does not have yet,
//! wait for the broker to confirm all of it, then move the checkpoint.

use super::checkpoint::{load_checkpoint, save_checkpoint};
use super::{sleep_or_stop, Relay, DELIVERY_DEADLINE};
use crate::envelope::{partition_for, Envelope};
use crate::error::{RelayError, SetupError};
use crate::kafka::BusContext;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer, PurgeConfig};
use sqlx::{Connection, PgConnection};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

impl Relay {
    /// Publishes until `shutdown` or a failure, holding the lock on `lock`.
    pub(super) async fn publish_while_active(
        &self,
        mut lock: PgConnection,
        shutdown: &CancellationToken,
    ) -> Result<(), RelayError> {
        self.kafka
            .ensure_topics(&self.health)
            .await
            .map_err(SetupError::Topics)?;
        let producer: FutureProducer<BusContext> = self
            .kafka
            .producer_config(&self.id)
            .create_with_context(BusContext::new(self.health.clone(), None))
            .map_err(SetupError::client("producer"))?;
        let partitions = self.partition_counts(&producer).await?;
        let tails = self.published_tails(&partitions).await?;
        let mut cursor = load_checkpoint(&mut lock).await?;
        tracing::info!(
            tx = cursor.tx,
            position = cursor.position,
            partitions_with_data = tails.len(),
            "relay resumes"
        );
        let mut last_lock_check = Instant::now();
        loop {
            if shutdown.is_cancelled() {
                let _ = producer.flush(Duration::from_secs(5));
                let _ = lock.close().await;
                return Ok(());
            }
            let events = self
                .store
                .read_log(cursor, self.settings.batch_size)
                .await
                .map_err(|e| RelayError::ReadLog(e.into()))?;
            if events.is_empty() {
                metrics::gauge!("clustergenie_relay_lag_events").set(0.0);
                metrics::gauge!("clustergenie_relay_lag_seconds").set(0.0);
                if last_lock_check.elapsed() >= Duration::from_secs(1) {
                    sqlx::query("SELECT 1")
                        .execute(&mut lock)
                        .await
                        .map_err(RelayError::LostLock)?;
                    last_lock_check = Instant::now();
                }
                sleep_or_stop(self.settings.poll_interval, shutdown).await;
                continue;
            }
            let span = tracing::info_span!(
                "relay.publish",
                otel.kind = "producer",
                events = events.len()
            );
            // Child of the first event's request span, linked to the others' traces.
            command::context::continue_traces(&span, &events);
            let _guard = span.enter();
            let mut pending = Vec::with_capacity(events.len());
            let mut skipped = 0u64;
            for e in &events {
                let topic = self.kafka.topic(&e.aggregate_type);
                let count = partitions.get(&topic).copied().unwrap_or(1);
                let partition = partition_for(&e.aggregate_id, count);
                if tails
                    .get(&(topic.clone(), partition))
                    .is_some_and(|t| e.cursor() <= *t)
                {
                    skipped += 1;
                    continue;
                }
                let envelope = Envelope::of(e);
                let value = serde_json::to_vec(&envelope)?;
                let record = FutureRecord::to(&topic)
                    .key(&e.aggregate_id)
                    .payload(&value)
                    .partition(partition)
                    .headers(envelope.headers());
                let delivery = producer
                    .send_result(record)
                    .map_err(|(err, _)| RelayError::Enqueue(err))?;
                pending.push((delivery, e.recorded_us));
            }
            drop(_guard);
            let published = pending.len();
            let deadline = tokio::time::Instant::now() + DELIVERY_DEADLINE;
            for (delivery, recorded_us) in pending {
                let Ok(delivery) = tokio::time::timeout_at(deadline, delivery).await else {
                    metrics::counter!("clustergenie_relay_publish_errors_total").increment(1);
                    // Drop what is queued; the new producer starts from the partition tails.
                    producer.purge(PurgeConfig::default().queue().inflight());
                    return Err(RelayError::DeliveryTimeout {
                        seconds: DELIVERY_DEADLINE.as_secs(),
                    });
                };
                match delivery {
                    Ok(Ok(_)) => {
                        let delay = (chrono::Utc::now().timestamp_micros() - recorded_us).max(0);
                        metrics::histogram!("clustergenie_relay_publish_delay_seconds")
                            .record(delay as f64 / 1e6);
                    }
                    Ok(Err((err, _))) => {
                        metrics::counter!("clustergenie_relay_publish_errors_total").increment(1);
                        return Err(RelayError::DeliveryFailed(err));
                    }
                    Err(_) => {
                        metrics::counter!("clustergenie_relay_publish_errors_total").increment(1);
                        return Err(RelayError::DeliveryCancelled);
                    }
                }
            }
            let last = events.last().expect("non-empty batch");
            cursor = last.cursor();
            save_checkpoint(&mut lock, cursor).await?;
            last_lock_check = Instant::now();
            metrics::counter!("clustergenie_relay_published_total").increment(published as u64);
            if skipped > 0 {
                tracing::info!(
                    skipped,
                    "skipped events already in Kafka before the last restart"
                );
            }
            let lag_seconds =
                (chrono::Utc::now().timestamp_micros() - last.recorded_us).max(0) as f64 / 1e6;
            metrics::gauge!("clustergenie_relay_lag_seconds").set(lag_seconds);
            metrics::gauge!("clustergenie_relay_position").set(cursor.position as f64);
            let newest = self
                .store
                .head()
                .await
                .map_err(|e| RelayError::ReadLog(Box::new(e)))?;
            metrics::gauge!("clustergenie_relay_lag_events")
                .set((newest - cursor.position).max(0) as f64);
        }
    }
}
