//! The Kafka path's tables: relay publish rate, commit → projected delay, role memory.

use super::markdown::{memory_row, table};
use crate::kafka::{KafkaResult, TARGET_P99_MS};
use std::fmt::Write;

/// Writes the Kafka path's tables.
pub(super) fn kafka_markdown(s: &mut String, k: &KafkaResult) {
    let r = &k.relay;
    let title = format!(
        "Kafka path: relay publish rate (Postgres, {}; {} events, mean value {:.0} bytes, {} headers)",
        k.broker, r.events, r.message_bytes, r.headers_per_message
    );
    table(
        s,
        &title,
        "| publisher | events | seconds | events/s | vs plain producer (all in flight) |\n|---|---:|---:|---:|---:|",
    );
    // (publisher, events, seconds, events/s, compared with the plain producer)
    let reference = r.reference_all_in_flight_per_sec.max(1e-9);
    let at = |per_sec: f64| (r.events as f64 / per_sec.max(1e-9), per_sec);
    let mut rows = vec![(
        "`clustergenie relay`, spawn → checkpoint at the last event".to_string(),
        r.events,
        (r.relay_total_seconds, r.relay_total_per_sec),
        Some(reference),
    )];
    if r.relay_steady_events > 0 {
        rows.push((
            "`clustergenie relay`, first checkpoint → last (steady)".to_string(),
            r.relay_steady_events,
            (r.relay_steady_seconds, r.relay_steady_per_sec),
            Some(reference),
        ));
    }
    rows.extend([
        (
            "plain rdkafka FutureProducer, all in flight (reference)".to_string(),
            r.events,
            at(r.reference_all_in_flight_per_sec),
            Some(reference),
        ),
        (
            format!(
                "same producer, batches of {} awaited in turn (the relay's batch size)",
                r.batch_size
            ),
            r.events,
            at(r.reference_batched_per_sec),
            Some(reference),
        ),
        (
            "same, each envelope encoded just before its send (the relay's loop without Postgres)"
                .to_string(),
            r.events,
            at(r.reference_encode_in_loop_per_sec),
            Some(reference),
        ),
        (
            format!(
                "the relay's work without the broker: read the log in batches of {}, encode envelopes",
                r.batch_size
            ),
            r.events,
            (
                r.read_and_encode_seconds,
                r.events as f64 / r.read_and_encode_seconds.max(1e-9),
            ),
            None,
        ),
    ]);
    for (publisher, events, (seconds, per_sec), against) in rows {
        let vs = against.map_or_else(|| "—".to_string(), |base| format!("{:.2}×", per_sec / base));
        let _ = writeln!(
            s,
            "| {publisher} | {events} | {seconds:.2} | {per_sec:.0} | {vs} |"
        );
    }
    let l = &k.lag;
    let title = format!(
        "Kafka path: commit → projected ({} createCluster/s for {} s through `clustergenie api`; {} acknowledged, {} failed)",
        l.rate_per_sec, l.seconds, l.mutations, l.failed_mutations
    );
    table(
        s,
        &title,
        "| measure | p50 ms | p99 ms | note |\n|---|---:|---:|---|",
    );
    let _ = writeln!(
        s,
        "| recorded → in `audit_log`, measured directly | {:.2} | {:.2} | audit log polled every {} ms (±{} ms); max {:.2} ms |",
        l.direct_p50_ms,
        l.direct_p99_ms,
        l.poll_ms,
        l.poll_ms / 2,
        l.direct_max_ms
    );
    let _ = writeln!(
        s,
        "| `clustergenie_projector_delay_seconds` | {:.2} | {:.2} | estimated from buckets like histogram_quantile; {:.1}% within {TARGET_P99_MS:.0} ms (exact) |",
        l.projector_hist_p50_ms,
        l.projector_hist_p99_ms,
        l.projector_within_50ms * 100.0
    );
    let _ = writeln!(
        s,
        "| `clustergenie_relay_publish_delay_seconds` (recorded → broker ack) | {:.2} | {:.2} | estimated from buckets like histogram_quantile |",
        l.relay_hist_p50_ms, l.relay_hist_p99_ms
    );
    let _ = writeln!(
        s,
        "| mutation round trip (answers once its event is projected) | {:.2} | {:.2} | HTTP, client side |",
        l.mutation_p50_ms, l.mutation_p99_ms
    );
    for t in &k.broker_round_trips {
        let _ = writeln!(
            s,
            "| reference: the broker alone, plain producer → consumer (`fetch.wait.max.ms={}`), {} | {:.2} | {:.2} | same rate, no Postgres; {} of {} received; send → ack p50 / p99 {:.2} / {:.2} ms |",
            t.fetch_wait_max_ms,
            if t.stored_before == 0 {
                "fresh broker".to_string()
            } else {
                format!("broker already storing {} messages", t.stored_before)
            },
            t.consume_p50_ms,
            t.consume_p99_ms,
            t.received,
            t.messages,
            t.ack_p50_ms,
            t.ack_p99_ms
        );
    }
    let _ = writeln!(
        s,
        "\nSPEC target: p99 delivery under {TARGET_P99_MS:.0} ms through Kafka — direct p99 {:.1} ms: {}.",
        l.direct_p99_ms,
        if l.direct_p99_ms < TARGET_P99_MS {
            "met"
        } else {
            "not met"
        }
    );
    table(
        s,
        "Kafka path: memory of the role processes (RSS)",
        "| role | during | idle MiB | peak MiB | 2 s after MiB |\n|---|---|---:|---:|---:|",
    );
    for m in &k.memory {
        let leading = format!("{} | {}", m.role, m.phase);
        memory_row(s, &leading, m.idle_kib, m.peak_kib, m.after_kib);
    }
}
