//! Live subscriptions across API instances: every API instance follows the changes topic
//! (what the projector committed) from its end and replays it into its local change feed,
//! so a client subscribed on instance 2 sees a job started through instance 1, pushed, with
//! no polling of the database.

use crate::kafka::{BusContext, BusHealth, KafkaSettings};
use crate::projection::ChangesNotice;
use anyhow::Context as _;
use projector::ChangeFeed;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Follows the changes topic into `feed` until `shutdown`.
pub async fn follow_changes(
    kafka: KafkaSettings,
    feed: ChangeFeed,
    health: BusHealth,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let mut attempt = 0u32;
    while let Err(e) = kafka.ensure_topics(&health).await {
        attempt += 1;
        tracing::warn!(error = %e, attempt, "cannot reach the broker to check topics; retrying");
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
    let id = format!("clustergenie-api-{}", uuid::Uuid::new_v4());
    // Never commits and never joins a group: it only assigns itself the topic's end.
    let consumer: StreamConsumer<BusContext> = kafka
        .consumer_config(&id, &id, false)
        .create_with_context(BusContext::new(health, None))
        .context("cannot create the changes consumer")?;
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(&kafka.changes_topic(), 0, Offset::End)?;
    consumer.assign(&tpl)?;
    tracing::info!(topic = %kafka.changes_topic(), "following the projector's changes");
    loop {
        let msg = tokio::select! {
            _ = shutdown.cancelled() => break,
            m = consumer.recv() => m,
        };
        match msg {
            Ok(m) => {
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
    Ok(())
}
