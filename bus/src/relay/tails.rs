//! What Kafka already has: the partitions of each event topic and the log cursor of the last
//! message in each, read on every (re)start so that nothing is published twice.

use super::Relay;
use crate::envelope::Envelope;
use crate::error::{RelayError, SetupError};
use crate::kafka::BusContext;
use command::LogCursor;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, Producer};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::HashMap;
use std::time::{Duration, Instant};

impl Relay {
    /// The partition count of every event topic.
    pub(super) async fn partition_counts(
        &self,
        producer: &FutureProducer<BusContext>,
    ) -> Result<HashMap<String, i32>, RelayError> {
        let producer = producer.clone();
        let topics = self.kafka.event_topics();
        tokio::task::spawn_blocking(move || {
            let mut counts = HashMap::new();
            for topic in topics {
                let md = producer
                    .client()
                    .fetch_metadata(Some(&topic), Duration::from_secs(30))
                    .map_err(|source| RelayError::Metadata {
                        topic: topic.clone(),
                        source,
                    })?;
                let n = md
                    .topics()
                    .iter()
                    .find(|t| t.name() == topic)
                    .map(|t| t.partitions().len() as i32)
                    .filter(|n| *n > 0)
                    .ok_or_else(|| RelayError::NoPartitions {
                        topic: topic.clone(),
                    })?;
                counts.insert(topic, n);
            }
            Ok(counts)
        })
        .await?
    }

    /// The log cursor of the last message in every non-empty partition.
    pub(super) async fn published_tails(
        &self,
        partitions: &HashMap<String, i32>,
    ) -> Result<HashMap<(String, i32), LogCursor>, RelayError> {
        let consumer: BaseConsumer<BusContext> = self
            .kafka
            .consumer_config(
                &format!("{}-tail", self.id),
                &format!("{}-tail", self.id),
                true,
            )
            .create_with_context(BusContext::new(self.health.clone(), None))
            .map_err(SetupError::client("tail consumer"))?;
        let partitions = partitions.clone();
        tokio::task::spawn_blocking(move || {
            let mut assignment = TopicPartitionList::new();
            let mut wanted = 0usize;
            for (topic, n) in &partitions {
                for p in 0..*n {
                    let (low, high) = consumer
                        .fetch_watermarks(topic, p, Duration::from_secs(30))
                        .map_err(|source| RelayError::Watermarks {
                            topic: topic.clone(),
                            partition: p,
                            source,
                        })?;
                    if high > low {
                        assignment
                            .add_partition_offset(topic, p, Offset::Offset(high - 1))
                            .map_err(RelayError::Assign)?;
                        wanted += 1;
                    }
                }
            }
            let mut tails = HashMap::new();
            if wanted == 0 {
                return Ok(tails);
            }
            consumer.assign(&assignment).map_err(RelayError::Assign)?;
            let deadline = Instant::now() + Duration::from_secs(60);
            while tails.len() < wanted {
                if Instant::now() >= deadline {
                    return Err(RelayError::TailTimeout);
                }
                let Some(msg) = consumer.poll(Duration::from_millis(200)) else {
                    continue;
                };
                let msg = msg.map_err(RelayError::Tail)?;
                let key = (msg.topic().to_string(), msg.partition());
                let cursor = match Envelope::decode(msg.payload()) {
                    Ok(e) => LogCursor {
                        tx: e.transaction_id,
                        position: e.global_position,
                    },
                    // Not written by a relay (e.g. by hand): nothing to skip on its account.
                    Err(_) => LogCursor::default(),
                };
                tails.insert(key, cursor);
            }
            Ok(tails)
        })
        .await?
    }
}
