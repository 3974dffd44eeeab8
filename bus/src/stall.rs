//! Stall detection for Kafka consumers: is anyone making progress on the messages we are
//! responsible for?
//!
//! librdkafka's statistics only know the partitions assigned to this member, so a member with
//! no partitions reports a lag of 0 even when its group has fallen behind. The probes here ask
//! the broker instead: the group's committed offsets for every partition of the subscribed
//! topics against the topics' high watermarks. [`StallWatch`] turns those observations into a
//! verdict: a consumer whose group (or, for an assigned reader without a group, whose own
//! position) has not moved for the configured bound while messages wait is stalled, which
//! degrades `/health` and makes the consumer leave and rejoin, with backoff.

use rdkafka::consumer::{Consumer, ConsumerContext};
use rdkafka::error::KafkaResult;
use rdkafka::{Offset, TopicPartitionList};
use std::time::{Duration, Instant};

/// How often a consumer's watchdog asks the broker how far behind it is.
pub const WATCH_EVERY: Duration = Duration::from_secs(5);
/// Longest wait for each of the watchdog's requests to the broker.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// How far a consumer is behind, and a marker that changes whenever anyone makes progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Messages past the committed offsets (or past the reader's position).
    pub lag: i64,
    /// The sum of committed offsets (or the position): changes when messages are consumed.
    pub marker: i64,
}

/// The group-wide progress of `consumer`'s group over every partition of `topics`.
///
/// Blocking (metadata, offset fetch and list-offsets requests): call it off the async runtime.
pub fn group_progress<C: ConsumerContext>(
    consumer: &impl Consumer<C>,
    topics: &[String],
    timeout: Duration,
) -> KafkaResult<Progress> {
    let mut tpl = TopicPartitionList::new();
    for topic in topics {
        let metadata = consumer.fetch_metadata(Some(topic), timeout)?;
        for t in metadata.topics() {
            for p in t.partitions() {
                tpl.add_partition(t.name(), p.id());
            }
        }
    }
    let committed = consumer.committed_offsets(tpl, timeout)?;
    let mut progress = Progress { lag: 0, marker: 0 };
    for element in committed.elements() {
        let (low, high) =
            consumer.fetch_watermarks(element.topic(), element.partition(), timeout)?;
        // Nothing committed yet: the group starts at the earliest offset.
        let next = match element.offset() {
            Offset::Offset(o) => o,
            _ => low,
        };
        progress.lag += (high - next).max(0);
        progress.marker += next;
    }
    Ok(progress)
}

/// The progress of a reader without a group, over the partitions it assigned itself:
/// `positions` are the next offsets it will read, by (topic, partition).
pub fn reader_progress<C: ConsumerContext>(
    consumer: &impl Consumer<C>,
    positions: &[(String, i32, i64)],
    timeout: Duration,
) -> KafkaResult<Progress> {
    let mut progress = Progress { lag: 0, marker: 0 };
    for (topic, partition, next) in positions {
        let (_, high) = consumer.fetch_watermarks(topic, *partition, timeout)?;
        progress.lag += (high - next).max(0);
        progress.marker += next;
    }
    Ok(progress)
}

/// One watchdog observation of a consumer.
#[derive(Debug, Clone)]
pub struct Observation {
    /// What the broker says, or None when it could not be asked (broker unreachable).
    pub progress: Option<Progress>,
    /// The consumer received messages since the last observation.
    pub received: bool,
    /// The group membership is joined and steady (always true for a reader without a group).
    pub steady: bool,
    /// Partitions assigned to this member, for the log line and health.
    pub assigned: usize,
}

/// What the watchdog concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Progressing, idle with nothing to read, or not stuck for long enough yet.
    Healthy,
    /// Stuck for at least the bound: `reason` says why; `restart` when the consumer should be
    /// recreated now (the backoff since the last recreation has passed).
    Stalled {
        /// Human-readable reason, for the log and `/health`.
        reason: String,
        /// Recreate the consumer now.
        restart: bool,
    },
}

/// Tracks how long a consumer has made no progress while messages wait.
#[derive(Debug, Clone)]
pub struct StallWatch {
    bound: Duration,
    last_marker: Option<i64>,
    stuck_since: Option<Instant>,
    restarts: u32,
    next_restart: Option<Instant>,
}

impl StallWatch {
    /// A watch that calls a consumer stalled after `bound` without progress.
    pub fn new(bound: Duration) -> Self {
        Self {
            bound,
            last_marker: None,
            stuck_since: None,
            restarts: 0,
            next_restart: None,
        }
    }

    /// Folds in one observation taken at `now`.
    pub fn observe(&mut self, now: Instant, o: &Observation) -> Verdict {
        let moved = match (o.progress, self.last_marker) {
            (Some(p), Some(last)) => p.marker != last,
            _ => false,
        };
        let idle = o.progress.is_some_and(|p| p.lag == 0);
        if let Some(p) = o.progress {
            self.last_marker = Some(p.marker);
        }
        if o.steady && (o.received || moved || idle) {
            self.stuck_since = None;
            self.restarts = 0;
            self.next_restart = None;
            return Verdict::Healthy;
        }
        if o.progress.is_none() && o.steady {
            // The broker could not be asked: nothing new is known, the clock keeps running
            // only if it was already running.
            if self.stuck_since.is_none() {
                return Verdict::Healthy;
            }
        }
        let since = *self.stuck_since.get_or_insert(now);
        let stuck_for = now.saturating_duration_since(since);
        if stuck_for < self.bound {
            return Verdict::Healthy;
        }
        let what = match (o.steady, o.progress) {
            (false, _) => "the group membership is not steady".to_string(),
            (true, Some(p)) => format!("{} messages wait and none was consumed", p.lag),
            (true, None) => "messages waited and the broker cannot be asked".to_string(),
        };
        let reason = format!(
            "{what} for {} s ({} partitions assigned to this member)",
            stuck_for.as_secs(),
            o.assigned
        );
        let restart = self.next_restart.is_none_or(|at| now >= at);
        if restart {
            self.restarts += 1;
            let backoff = self.bound * 2u32.pow((self.restarts - 1).min(3));
            self.next_restart = Some(now + backoff);
        }
        Verdict::Stalled { reason, restart }
    }

    /// Recreations since the consumer last made progress.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(lag: i64, marker: i64) -> Observation {
        Observation {
            progress: Some(Progress { lag, marker }),
            received: false,
            steady: true,
            assigned: 0,
        }
    }

    #[test]
    fn an_idle_group_is_healthy_however_long() {
        let mut w = StallWatch::new(Duration::from_secs(10));
        let t0 = Instant::now();
        for s in 0..100 {
            assert_eq!(
                w.observe(t0 + Duration::from_secs(s), &seen(0, 7)),
                Verdict::Healthy
            );
        }
    }

    #[test]
    fn a_lagging_group_that_moves_is_healthy() {
        let mut w = StallWatch::new(Duration::from_secs(10));
        let t0 = Instant::now();
        for s in 0..100 {
            let v = w.observe(t0 + Duration::from_secs(s), &seen(50, s as i64));
            assert_eq!(v, Verdict::Healthy);
        }
    }

    #[test]
    fn a_lagging_group_that_does_not_move_stalls_and_restarts_with_backoff() {
        let mut w = StallWatch::new(Duration::from_secs(10));
        let t0 = Instant::now();
        let at = |s| t0 + Duration::from_secs(s);
        assert_eq!(w.observe(at(0), &seen(5, 1)), Verdict::Healthy);
        assert_eq!(w.observe(at(9), &seen(5, 1)), Verdict::Healthy);
        let restarts: Vec<u64> = (10..200)
            .filter(|s| {
                matches!(
                    w.observe(at(*s), &seen(5, 1)),
                    Verdict::Stalled { restart: true, .. }
                )
            })
            .collect();
        // Stuck from second 0: first restart at 10, then after 10, 20, 40, 80, 80 s.
        assert_eq!(restarts, vec![10, 20, 40, 80, 160]);
        // Progress clears everything.
        assert_eq!(w.observe(at(200), &seen(5, 2)), Verdict::Healthy);
        assert_eq!(w.restarts(), 0);
    }

    #[test]
    fn receiving_counts_as_progress_and_an_unsteady_membership_does_not() {
        let mut w = StallWatch::new(Duration::from_secs(10));
        let t0 = Instant::now();
        let mut o = seen(5, 1);
        o.received = true;
        assert_eq!(w.observe(t0, &o), Verdict::Healthy);
        assert_eq!(
            w.observe(t0 + Duration::from_secs(20), &o),
            Verdict::Healthy
        );
        o.steady = false;
        o.progress = Some(Progress { lag: 0, marker: 1 });
        assert_eq!(
            w.observe(t0 + Duration::from_secs(21), &o),
            Verdict::Healthy
        );
        assert!(matches!(
            w.observe(t0 + Duration::from_secs(31), &o),
            Verdict::Stalled { restart: true, reason } if reason.contains("not steady")
        ));
    }

    #[test]
    fn an_unreachable_broker_neither_starts_nor_stops_the_clock() {
        let mut w = StallWatch::new(Duration::from_secs(10));
        let t0 = Instant::now();
        let unknown = Observation {
            progress: None,
            ..seen(0, 0)
        };
        assert_eq!(w.observe(t0, &unknown), Verdict::Healthy);
        assert_eq!(
            w.observe(t0 + Duration::from_secs(30), &unknown),
            Verdict::Healthy
        );
        assert_eq!(
            w.observe(t0 + Duration::from_secs(31), &seen(5, 1)),
            Verdict::Healthy
        );
        assert_eq!(
            w.observe(t0 + Duration::from_secs(35), &unknown),
            Verdict::Healthy
        );
        assert!(matches!(
            w.observe(t0 + Duration::from_secs(41), &unknown),
            Verdict::Stalled { .. }
        ));
    }
}
