//! Live subscriptions across API instances: every API instance follows the changes topic
//! (what the projector committed) from its end and replays it into its local change feed,
//! so a client subscribed on instance 2 sees a job started through instance 1, pushed, with
//! no polling of the database.

use crate::consumer::leave;
use crate::error::SetupError;
use crate::kafka::{BusContext, BusHealth, KafkaSettings};
use crate::projection::ChangesNotice;
use crate::stall::{self, Observation, StallWatch, Verdict, PROBE_TIMEOUT, WATCH_EVERY};
use projector::ChangeFeed;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Follows the changes topic into `feed` until `shutdown`.
pub async fn follow_changes(
    kafka: KafkaSettings,
    feed: ChangeFeed,
    health: BusHealth,
    shutdown: CancellationToken,
) -> Result<(), SetupError> {
    let mut attempt = 0u32;
    while let Err(e) = kafka.ensure_topics(&health).await {
        attempt += 1;
        tracing::warn!(error = %e, attempt, "cannot reach the broker to check topics; retrying");
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
    let topic = kafka.changes_topic();
    let mut watch = StallWatch::new(kafka.stall_after);
    // Where to start: the end at first, then the next offset not yet seen, so that a
    // recreated reader delivers what the stalled one missed.
    let mut next: Option<i64> = None;
    while !shutdown.is_cancelled() {
        let id = format!("clustergenie-api-{}", uuid::Uuid::new_v4());
        // Never commits and never joins a group: it only assigns itself the topic.
        let consumer: Arc<StreamConsumer<BusContext>> = Arc::new(
            kafka
                .consumer_config(&id, &id, false)
                .create_with_context(BusContext::new(health.clone(), None))
                .map_err(SetupError::client("changes consumer"))?,
        );
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset(&topic, 0, next.map_or(Offset::End, Offset::Offset))
            .map_err(SetupError::Subscribe)?;
        consumer.assign(&tpl).map_err(SetupError::Subscribe)?;
        tracing::info!(%topic, from = ?next, "following the projector's changes");
        let stalled = follow(
            &consumer, &topic, &feed, &health, &mut watch, &mut next, &shutdown,
        )
        .await;
        let Some(reason) = stalled else { break };
        metrics::counter!("clustergenie_consumer_restarts_total", "group" => "api-changes")
            .increment(1);
        tracing::warn!(%reason, restarts = watch.restarts(), from = ?next, "changes reader stalled; recreating it");
        leave(consumer).await;
    }
    Ok(())
}

/// Reads changes into `feed` until shutdown (None) or until the reader is stalled (the reason).
async fn follow(
    consumer: &Arc<StreamConsumer<BusContext>>,
    topic: &str,
    feed: &ChangeFeed,
    health: &BusHealth,
    watch: &mut StallWatch,
    next: &mut Option<i64>,
    shutdown: &CancellationToken,
) -> Option<String> {
    let mut watchdog = tokio::time::interval(WATCH_EVERY);
    watchdog.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut received = false;
    loop {
        let msg = tokio::select! {
            _ = shutdown.cancelled() => return None,
            _ = watchdog.tick() => {
                if let Some(reason) = check(consumer, topic, health, watch, next, std::mem::take(&mut received)).await {
                    return Some(reason);
                }
                continue;
            }
            m = consumer.recv() => m,
        };
        match msg {
            Ok(m) => {
                received = true;
                *next = Some(m.offset() + 1);
                let Some(payload) = m.payload() else { continue };
                match serde_json::from_slice::<ChangesNotice>(payload) {
                    Ok(notice) => {
                        metrics::counter!("clustergenie_live_changes_total")
                            .increment(notice.changes.len() as u64);
                        feed.publish(notice.checkpoint(), notice.changes);
                    }
                    Err(e) => {
                        metrics::counter!("clustergenie_live_undecodable_total").increment(1);
                        tracing::warn!(error = %e, offset = m.offset(), "cannot decode a changes notice; skipped");
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot receive changes; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// One watchdog round for the changes reader: its position against the topic's end.
async fn check(
    consumer: &Arc<StreamConsumer<BusContext>>,
    topic: &str,
    health: &BusHealth,
    watch: &mut StallWatch,
    next: &mut Option<i64>,
    received: bool,
) -> Option<String> {
    let probe = {
        let consumer = consumer.clone();
        let topic = topic.to_string();
        let known = *next;
        tokio::task::spawn_blocking(move || {
            // Before the first message the reader sits at the end it was assigned.
            let from = match known {
                Some(n) => n,
                None => consumer.fetch_watermarks(&topic, 0, PROBE_TIMEOUT)?.1,
            };
            stall::reader_progress(consumer.as_ref(), &[(topic, 0, from)], PROBE_TIMEOUT)
                .map(|p| (p, from))
        })
    };
    let progress = match tokio::time::timeout(PROBE_TIMEOUT * 3, probe).await {
        Ok(Ok(Ok((p, from)))) => {
            next.get_or_insert(from);
            Some(p)
        }
        Ok(Ok(Err(e))) => {
            tracing::debug!(error = %e, "cannot ask the broker for the changes topic's end");
            None
        }
        _ => None,
    };
    if let Some(p) = progress {
        metrics::gauge!("clustergenie_live_changes_lag_messages").set(p.lag as f64);
    }
    let observation = Observation {
        progress,
        received,
        steady: true,
        assigned: 1,
    };
    match watch.observe(Instant::now(), &observation) {
        Verdict::Healthy => {
            health.set_progress(progress.map(|p| p.lag), None);
            None
        }
        Verdict::Stalled { reason, restart } => {
            health.set_progress(progress.map(|p| p.lag), Some(reason.clone()));
            restart.then_some(reason)
        }
    }
}
