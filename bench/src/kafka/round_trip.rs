//! The broker alone: produce → consume at the roles' rate, the reference for the lag.

use super::*;
use bus::envelope::partition_for;
use bus::KafkaSettings;
use hdrhistogram::Histogram;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Produce → consume through the broker alone at `plan.rate` for `plan.seconds`.
pub(super) async fn broker_round_trip(
    kafka: &KafkaSettings,
    topic: &str,
    plan: &KafkaPlan,
    fetch_wait_max_ms: u32,
    stored_before: u64,
) -> anyhow::Result<BrokerRoundTrip> {
    create_topic(kafka, topic).await?;
    let id = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let consumer: StreamConsumer = kafka
        .consumer_config(&id, &id, false)
        .set("fetch.wait.max.ms", fetch_wait_max_ms.to_string())
        .create()?;
    let mut tpl = TopicPartitionList::new();
    for p in 0..PARTITIONS {
        tpl.add_partition_offset(topic, p, Offset::End)?;
    }
    consumer.assign(&tpl)?;
    let received: Arc<Mutex<HashMap<usize, Instant>>> = Arc::default();
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let reader = {
        let received = received.clone();
        tokio::spawn(async move {
            loop {
                let msg = tokio::select! {
                    _ = &mut stopped => return,
                    m = consumer.recv() => m,
                };
                let now = Instant::now();
                let Ok(msg) = msg else { continue };
                let index = msg
                    .payload()
                    .and_then(|p| std::str::from_utf8(p).ok())
                    .and_then(|p| p.split(':').next()?.parse::<usize>().ok());
                if let Some(i) = index {
                    received.lock().expect("received").entry(i).or_insert(now);
                }
            }
        })
    };
    let producer: FutureProducer = kafka.producer_config(&format!("{id}-p")).create()?;
    let padding = "x".repeat(480);
    let send = |i: usize| {
        let key = uuid::Uuid::new_v4().to_string();
        let value = format!("{i}:{padding}");
        let record = FutureRecord::to(topic)
            .key(&key)
            .payload(&value)
            .partition(partition_for(&key, PARTITIONS));
        producer
            .send_result(record)
            .map_err(|(e, _)| anyhow::anyhow!("cannot enqueue: {e}"))
    };
    // Warm up until the consumer sees a message (its offsets are resolved, metadata known).
    let warm_index = usize::MAX / 2;
    let deadline = Instant::now() + Duration::from_secs(60);
    'warm: for w in 0.. {
        send(warm_index + w)?
            .await?
            .map_err(|(e, _)| anyhow::anyhow!("warm-up: {e}"))?;
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if !received.lock().expect("received").is_empty() {
                break 'warm;
            }
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the consumer saw nothing from {topic} in 60 s"
        );
    }
    let total = (plan.rate * plan.seconds) as usize;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(plan.rate)));
    let mut sent = Vec::with_capacity(total);
    let mut acks = Vec::with_capacity(total);
    for i in 0..total {
        tick.tick().await;
        let at = Instant::now();
        let delivery = send(i)?;
        sent.push(at);
        acks.push(tokio::spawn(async move {
            delivery
                .await
                .ok()
                .and_then(|d| d.ok())
                .map(|_| at.elapsed())
        }));
    }
    let mut ack = Histogram::<u64>::new(3)?;
    for a in acks {
        if let Some(took) = a.await? {
            ack.record((took.as_micros() as u64).max(1))?;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while received
        .lock()
        .expect("received")
        .keys()
        .filter(|i| **i < total)
        .count()
        < total
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    let _ = reader.await;
    let mut consume = Histogram::<u64>::new(3)?;
    {
        let received = received.lock().expect("received");
        for (i, at) in sent.iter().enumerate() {
            if let Some(got) = received.get(&i) {
                consume.record((got.duration_since(*at).as_micros() as u64).max(1))?;
            }
        }
    }
    Ok(BrokerRoundTrip {
        fetch_wait_max_ms,
        stored_before,
        messages: total as u64,
        received: consume.len(),
        ack_p50_ms: ms(&ack, 0.5),
        ack_p99_ms: ms(&ack, 0.99),
        consume_p50_ms: ms(&consume, 0.5),
        consume_p99_ms: ms(&consume, 0.99),
    })
}
