//! Reading Kafka topics to their ends, as the relay and distributed tests verify what was
//! published.

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::BorrowedMessage;
use rdkafka::{ClientConfig, Message, Offset, TopicPartitionList};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A consumer of its own group that commits nothing, for reading topics from the start.
pub fn verifier(brokers: &str) -> BaseConsumer {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("verifier-{}", uuid::Uuid::new_v4()))
        .set("enable.auto.commit", "false")
        .create()
        .expect("a Kafka consumer")
}

/// Calls `each` for every message of `topics` from the low watermark of each partition to
/// the high watermark it had when the call began, partition order kept. Fails the test when
/// they cannot all be read within `timeout`.
pub fn read_to_end(
    consumer: &BaseConsumer,
    topics: &[String],
    timeout: Duration,
    mut each: impl FnMut(&BorrowedMessage<'_>),
) {
    let mut assignment = TopicPartitionList::new();
    let mut ends = HashMap::new();
    for topic in topics {
        let metadata = consumer
            .fetch_metadata(Some(topic), Duration::from_secs(10))
            .expect("topic metadata");
        let partitions = metadata
            .topics()
            .first()
            .map_or(0, |t| t.partitions().len());
        for p in 0..partitions as i32 {
            let (low, high) = consumer
                .fetch_watermarks(topic, p, Duration::from_secs(10))
                .expect("watermarks");
            if high > low {
                assignment
                    .add_partition_offset(topic, p, Offset::Offset(low))
                    .expect("an assignment");
                ends.insert((topic.clone(), p), high);
            }
        }
    }
    if ends.is_empty() {
        return;
    }
    consumer.assign(&assignment).expect("assign");
    let expected: i64 = ends.values().sum();
    let deadline = Instant::now() + timeout;
    let (mut finished, mut read) = (0, 0);
    while finished < ends.len() {
        assert!(
            Instant::now() < deadline,
            "could not read every partition to its end ({read} of about {expected} messages)"
        );
        let Some(message) = consumer.poll(Duration::from_millis(200)) else {
            continue;
        };
        let message = message.expect("a message");
        read += 1;
        let key = (message.topic().to_string(), message.partition());
        if message.offset() + 1 == ends[&key] {
            finished += 1;
        }
        each(&message);
    }
}
