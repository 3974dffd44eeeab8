//! Part 1: the relay catching up with stored events, next to a plain producer.

use super::*;
use bus::KafkaSettings;
use command::store::StoredEvent;
use rdkafka::message::Headers;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use sqlx::Row;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A plain producer with the relay's settings: messages/s to a fresh scratch topic,
/// awaiting deliveries every `batch` messages.
pub(super) async fn reference_rate(
    kafka: &KafkaSettings,
    topic: &str,
    events: &[StoredEvent],
    batch: usize,
    encode_in_loop: bool,
) -> anyhow::Result<f64> {
    create_topic(kafka, topic).await?;
    let producer: FutureProducer = kafka.producer_config("bench-reference").create()?;
    // Warm up outside the timing: metadata, producer id, one message per partition.
    for p in 0..PARTITIONS {
        producer
            .send(
                FutureRecord::<str, str>::to(topic)
                    .partition(p)
                    .payload("warm-up"),
                Duration::from_secs(30),
            )
            .await
            .map_err(|(e, _)| anyhow::anyhow!("warm-up: {e}"))?;
    }
    let encoded = if encode_in_loop {
        Vec::new()
    } else {
        events
            .iter()
            .map(encode)
            .collect::<anyhow::Result<Vec<_>>>()?
    };
    let started = Instant::now();
    for (i, chunk) in events.chunks(batch.max(1)).enumerate() {
        let mut pending = Vec::with_capacity(chunk.len());
        for (j, e) in chunk.iter().enumerate() {
            let owned;
            let (key, partition, value, envelope) = if encode_in_loop {
                owned = encode(e)?;
                &owned
            } else {
                &encoded[i * batch.max(1) + j]
            };
            let record = FutureRecord::to(topic)
                .key(key)
                .payload(value)
                .partition(*partition)
                .headers(envelope.headers());
            pending.push(
                producer
                    .send_result(record)
                    .map_err(|(e, _)| anyhow::anyhow!("cannot enqueue: {e}"))?,
            );
        }
        for d in pending {
            d.await?
                .map_err(|(e, _)| anyhow::anyhow!("delivery failed: {e}"))?;
        }
    }
    let rate = events.len() as f64 / started.elapsed().as_secs_f64();
    let _ = producer.flush(Duration::from_secs(5));
    Ok(rate)
}

/// Part 1: the relay catching up with `n` stored events, next to a plain producer.
pub(super) async fn relay_rate(
    setup: &Setup<'_>,
    n: usize,
    memory: &mut Vec<RoleMemory>,
    fresh_broker: impl Fn(&str) -> anyhow::Result<(PathBuf, Proc)>,
) -> anyhow::Result<RelayRate> {
    eprintln!("   appending {n} events through the command path");
    append_events(&setup.database_url, n).await?;
    let pg = pool(&setup.database_url).await?;
    let last: (i64, i64) = {
        let r = sqlx::query(
            "SELECT transaction_id::text::bigint AS tx, global_position AS p FROM events \
             ORDER BY transaction_id DESC, global_position DESC LIMIT 1",
        )
        .fetch_one(&pg)
        .await?;
        (r.try_get("tx")?, r.try_get("p")?)
    };
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM events")
        .fetch_one(&pg)
        .await?
        .try_get("n")?;

    eprintln!("   relay catching up");
    let spawned = Instant::now();
    let mut relay = setup.start("relay-catch-up", "relay").await?;
    let (stop_rss, peak) = crate::rss_sampler(format!("/proc/{}/status", relay.pid()));
    let deadline = spawned + Duration::from_secs(600);
    let mut first: Option<((i64, i64), Instant)> = None;
    let done = loop {
        let now = Instant::now();
        if let Some(cp) = relay_checkpoint(&pg).await? {
            if first.is_none() {
                first = Some((cp, now));
            }
            if cp >= last {
                break now;
            }
        }
        relay.ensure_running(&setup.dir)?;
        anyhow::ensure!(
            now < deadline,
            "the relay did not catch up in 600 s:\n{}",
            log_tail(&setup.dir, &relay.name)
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let _ = stop_rss.send(());
    let peak = peak.await?;
    let (first_cp, first_at) = first.expect("a checkpoint was seen");
    let steady_events = (total - events_upto(&pg, first_cp).await?).max(0) as u64;
    let steady_seconds = done.duration_since(first_at).as_secs_f64();
    let total_seconds = done.duration_since(spawned).as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    memory.push(RoleMemory {
        role: "relay".into(),
        phase: format!("catch-up of {total} events"),
        idle_kib: None,
        peak_kib: peak,
        after_kib: relay.rss_kib(),
    });
    relay.stop();
    pg.close().await;

    eprintln!("   reference producer");
    let read_started = Instant::now();
    let events = read_events(&setup.database_url).await?;
    let encoded = events
        .iter()
        .map(encode)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let read_and_encode_seconds = read_started.elapsed().as_secs_f64();
    let message_bytes =
        encoded.iter().map(|m| m.2.len()).sum::<usize>() as f64 / encoded.len().max(1) as f64;
    let headers_per_message = encoded
        .first()
        .map(|m| m.3.headers().count() as u64)
        .unwrap_or(0);
    drop(encoded);
    // Each publisher gets a fresh broker: tansu slows down as it stores more (see the
    // round-trip reference on a filled broker).
    let mut rates = Vec::new();
    for (name, batch, encode_in_loop) in [
        ("reference-all", events.len(), false),
        ("reference-batched", relay_batch(), false),
        ("reference-relay-loop", relay_batch(), true),
    ] {
        let (_, broker) = fresh_broker(name)?;
        let kafka = kafka_settings(&format!("127.0.0.1:{}", broker.port), &setup.prefix);
        rates.push(
            reference_rate(&kafka, &kafka.topic(name), &events, batch, encode_in_loop).await?,
        );
    }
    let (all, batched, encode_in_loop) = (rates[0], rates[1], rates[2]);
    Ok(RelayRate {
        events: total as u64,
        message_bytes,
        headers_per_message,
        relay_total_seconds: total_seconds,
        relay_total_per_sec: total as f64 / total_seconds,
        relay_steady_events: steady_events,
        relay_steady_seconds: steady_seconds,
        relay_steady_per_sec: if steady_seconds > 0.0 {
            steady_events as f64 / steady_seconds
        } else {
            0.0
        },
        reference_all_in_flight_per_sec: all,
        batch_size: relay_batch() as u64,
        reference_batched_per_sec: batched,
        reference_encode_in_loop_per_sec: encode_in_loop,
        read_and_encode_seconds,
    })
}
