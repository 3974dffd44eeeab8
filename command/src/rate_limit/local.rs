//! In-process buckets: one `governor` direct limiter per key, for a single API instance.
//!
//! Rules differ per key, so this is a map key -> (Limit, governor limiter) rather than
//! governor's keyed limiter (one quota for all keys). Consuming decisions are governor's
//! `check_n`, with `remaining` from its `StateSnapshot`. Governor has no way to look at a
//! bucket without taking from it, and it keeps its theoretical arrival time (TAT) and start
//! instant private, so `status`, `reset_after` and a denied call's `remaining` could not be
//! exact through its API alone. Two small adapters make them exact without re-implementing
//! the decision: the limiter's state store is a [`TatCell`] we can read, and its clock is a
//! [`BucketClock`] we set, so we know its start and every "now" it sees. [`figures`] then reads
//! the TAT with the same formulas `gcra.lua` uses.
//!
//! Memory is bounded: when a new key would exceed `max_buckets`, buckets that are full again
//! are dropped (a full bucket is the same as no bucket, so this loses nothing); if every bucket
//! is still refilling, the ones closest to full are dropped down to 90 % of the bound (each of
//! those keys gets a full bucket back early; the amortised cost stays O(log n) per new key).

use super::{Decision, Limit};
use governor::clock::Clock;
use governor::middleware::StateInformationMiddleware;
use governor::nanos::Nanos;
use governor::state::{NotKeyed, StateStore};
use governor::Quota;
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How many keys [`super::RateLimiter::memory`] tracks before it evicts.
pub const DEFAULT_MAX_BUCKETS: usize = 100_000;

type Governor = governor::RateLimiter<NotKeyed, TatCell, BucketClock, StateInformationMiddleware>;

/// The in-process backend.
pub(crate) struct LocalBuckets {
    epoch: Instant,
    max_buckets: usize,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// One key's limiter. Times are nanoseconds since [`LocalBuckets::epoch`]; the governor's own
/// times are relative to `born`, the instant its clock read when it was built.
struct Bucket {
    limit: Limit,
    born: u64,
    clock: BucketClock,
    tat: TatCell,
    governor: Governor,
}

/// Governor's state store for one bucket: its TAT (relative to `born`, 0 = never used), shared
/// so [`Bucket::tat`] can read it.
#[derive(Clone, Default)]
struct TatCell(Arc<AtomicU64>);

impl StateStore for TatCell {
    type Key = NotKeyed;

    fn measure_and_replace<T, F, E>(&self, _key: &NotKeyed, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        // Every caller holds the bucket map's lock, so load, decide and store cannot interleave.
        let prev = self.0.load(Ordering::Acquire);
        let (outcome, next) = f((prev != 0).then(|| Nanos::from(prev)))?;
        self.0.store(next.as_u64(), Ordering::Release);
        Ok(outcome)
    }
}

/// Governor's clock for one bucket: reads the instant the caller set just before asking.
#[derive(Clone, Default)]
struct BucketClock(Arc<AtomicU64>);

impl BucketClock {
    fn set(&self, now: u64) {
        self.0.store(now, Ordering::Release);
    }
}

impl Clock for BucketClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        Nanos::from(self.0.load(Ordering::Acquire))
    }
}

impl Bucket {
    /// A limiter for `limit` starting at `now`, owing until `tat` (absolute) if given.
    fn new(limit: Limit, now: u64, tat: Option<u64>) -> Self {
        let clock = BucketClock::default();
        clock.set(now);
        let cell = TatCell::default();
        if let Some(tat) = tat.filter(|&t| t > now) {
            cell.0.store(tat - now, Ordering::Release);
        }
        // `Limit` guarantees an interval of at least 1 µs, so `with_period` is always Some;
        // the fallback only keeps this free of a panic path.
        let quota = Quota::with_period(Duration::from_nanos(interval_ns(limit)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(limit.capacity()).unwrap_or(NonZeroU32::MIN));
        let governor = Governor::new(quota, cell.clone(), clock.clone());
        Self {
            limit,
            born: now,
            clock,
            tat: cell,
            governor,
        }
    }

    /// The TAT, absolute; `None` when never used.
    fn tat(&self) -> Option<u64> {
        match self.tat.0.load(Ordering::Acquire) {
            0 => None,
            relative => Some(self.born + relative),
        }
    }

    /// Full again at `now` (indistinguishable from a bucket never created).
    fn is_full(&self, now: u64) -> bool {
        self.tat().is_none_or(|tat| tat <= now)
    }
}

fn interval_ns(limit: Limit) -> u64 {
    limit.interval_us() * 1_000
}

/// The decision for `cost` at `now` on a bucket owing until `tat`, without taking anything:
/// the formulas of `gcra.lua`, in nanoseconds.
fn figures(tat: Option<u64>, now: u64, limit: Limit, cost: u32) -> Decision {
    let interval = interval_ns(limit);
    // Cannot overflow (Limit bounds the fill time to a year), except `needed` for a cost
    // above the capacity, which saturates.
    let burst = interval * u64::from(limit.capacity());
    let tat = tat.map_or(now, |t| t.max(now));
    let owed = tat - now;
    let remaining = (burst.saturating_sub(owed) / interval) as u32;
    let needed = owed.saturating_add(interval.saturating_mul(u64::from(cost)));
    let allowed = cost == 0 || (cost <= limit.capacity() && needed <= burst);
    let retry_after =
        (!allowed && cost <= limit.capacity()).then(|| Duration::from_nanos(needed - burst));
    Decision {
        allowed,
        limit: limit.capacity(),
        remaining,
        reset_after: Duration::from_nanos(owed),
        retry_after,
        enforced: true,
    }
}

impl LocalBuckets {
    pub(crate) fn new(max_buckets: usize) -> Self {
        Self {
            epoch: Instant::now(),
            max_buckets: max_buckets.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn now(&self) -> u64 {
        // Saturates after ~584 years of uptime.
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    pub(crate) fn status(&self, key: &str, limit: Limit) -> Decision {
        let now = self.now();
        let buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        figures(buckets.get(key).and_then(Bucket::tat), now, limit, 1)
    }

    pub(crate) fn check(&self, key: &str, limit: Limit, cost: u32) -> Decision {
        let now = self.now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(n) = NonZeroU32::new(cost).filter(|n| n.get() <= limit.capacity()) else {
            // Nothing to take (cost 0) or never possible (cost > capacity): no state changes.
            return figures(buckets.get(key).and_then(Bucket::tat), now, limit, cost);
        };
        if !buckets.contains_key(key) {
            if buckets.len() >= self.max_buckets {
                evict(&mut buckets, now, self.max_buckets);
            }
            buckets.insert(key.to_owned(), Bucket::new(limit, now, None));
        }
        let Some(bucket) = buckets.get_mut(key) else {
            // Inserted just above, under the same lock.
            return figures(None, now, limit, cost);
        };
        if bucket.limit != limit {
            // A changed rule takes effect now, and the bucket keeps what it owes (as in Redis).
            *bucket = Bucket::new(limit, now, bucket.tat());
        }
        bucket.clock.set(now);
        match bucket.governor.check_n(n) {
            Ok(Ok(snapshot)) => Decision {
                allowed: true,
                limit: limit.capacity(),
                remaining: snapshot.remaining_burst_capacity(),
                reset_after: Duration::from_nanos(
                    bucket.tat().map_or(0, |t| t.saturating_sub(now)),
                ),
                retry_after: None,
                enforced: true,
            },
            Ok(Err(not_until)) => Decision {
                retry_after: Some(not_until.wait_time_from(Nanos::from(now))),
                ..figures(bucket.tat(), now, limit, cost)
            },
            // Excluded above; kept as the same answer rather than a panic.
            Err(_insufficient) => figures(bucket.tat(), now, limit, cost),
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Makes room for one more key: drops the full buckets, then if needed the closest to full.
fn evict(buckets: &mut HashMap<String, Bucket>, now: u64, max_buckets: usize) {
    let tenth = max_buckets / 10;
    let keep = max_buckets - tenth - 1;
    let before = buckets.len();
    buckets.retain(|_, bucket| !bucket.is_full(now));
    // Free about a tenth each time (full buckets first), so that the next new keys do not
    // scan the map again at once.
    if buckets.len() <= keep || before - buckets.len() >= tenth.max(1) {
        return;
    }
    let mut by_tat: Vec<(u64, String)> = buckets
        .iter()
        .map(|(key, bucket)| (bucket.tat().unwrap_or(0), key.clone()))
        .collect();
    by_tat.sort_unstable();
    for (_, key) in by_tat.iter().take(buckets.len().saturating_sub(keep)) {
        buckets.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::RateLimiter;

    fn limit(rate: f64, capacity: u32) -> Limit {
        Limit::new(rate, capacity).expect("a valid limit")
    }

    #[tokio::test]
    async fn a_burst_gets_exactly_the_capacity_then_one_more_after_a_refill() {
        let limiter = RateLimiter::memory();
        crate::rate_limit::burst::exactly_the_capacity_then_one_after_a_refill(&limiter).await;
    }

    #[tokio::test]
    async fn status_does_not_consume() {
        let limiter = RateLimiter::memory();
        let limit = limit(0.001, 3);
        let fresh = limiter.status("k", limit).await.expect("memory");
        assert_eq!((fresh.allowed, fresh.remaining), (true, 3));
        assert_eq!(fresh.reset_after, Duration::ZERO);
        limiter.check("k", limit, 2).await.expect("memory");
        for _ in 0..5 {
            let s = limiter.status("k", limit).await.expect("memory");
            assert_eq!((s.allowed, s.remaining), (true, 1));
            assert!(s.reset_after > Duration::from_secs(1000));
        }
        assert!(limiter.check("k", limit, 1).await.expect("memory").allowed);
        let empty = limiter.status("k", limit).await.expect("memory");
        assert_eq!((empty.allowed, empty.remaining), (false, 0));
        assert!(empty.retry_after.is_some_and(|r| r > Duration::ZERO));
    }

    #[tokio::test]
    async fn a_changed_limit_takes_effect_and_keeps_the_debt() {
        let limiter = RateLimiter::memory();
        let small = limit(0.001, 2);
        assert!(limiter.check("k", small, 2).await.expect("memory").allowed);
        assert!(!limiter.check("k", small, 1).await.expect("memory").allowed);
        // Same rate, capacity 5: the 2 taken are still owed, 3 more fit.
        let bigger = limit(0.001, 5);
        let allowed = futures::future::join_all((0..5).map(|_| limiter.check("k", bigger, 1)))
            .await
            .into_iter()
            .filter(|d| d.as_ref().expect("memory").allowed)
            .count();
        assert_eq!(allowed, 3);
        // Back down to capacity 1: still owing, denied.
        assert!(
            !limiter
                .check("k", limit(0.001, 1), 1)
                .await
                .expect("memory")
                .allowed
        );
    }

    #[tokio::test]
    async fn costs_above_the_capacity_never_pass_and_cost_zero_takes_nothing() {
        let limiter = RateLimiter::memory();
        let limit = limit(1.0, 3);
        let d = limiter.check("k", limit, 4).await.expect("memory");
        assert_eq!((d.allowed, d.remaining, d.retry_after), (false, 3, None));
        let d = limiter.check("k", limit, 0).await.expect("memory");
        assert_eq!((d.allowed, d.remaining), (true, 3));
        let d = limiter.check("k", limit, 3).await.expect("memory");
        assert_eq!((d.allowed, d.remaining), (true, 0));
        let d = limiter.check("k", limit, 2).await.expect("memory");
        assert!(!d.allowed);
        // Denied for 2 tokens: at least 2 intervals away, minus what refilled since.
        assert!(
            d.retry_after
                .is_some_and(|r| r > Duration::from_millis(1000)),
            "{d:?}"
        );
    }

    #[test]
    fn memory_stays_bounded() {
        let buckets = LocalBuckets::new(100);
        let slow = limit(0.001, 10);
        for i in 0..1_000 {
            buckets.check(&format!("k{i}"), slow, 1);
            assert!(buckets.len() <= 100);
        }
        // The newest key kept its bucket.
        assert_eq!(buckets.status("k999", slow).remaining, 9);
        // Full buckets go first: the fast one refills, so it alone makes room.
        let fast = limit(1_000_000.0, 1);
        let buckets = LocalBuckets::new(10);
        for i in 0..9 {
            buckets.check(&format!("slow{i}"), slow, 1);
        }
        buckets.check("fast", fast, 1);
        std::thread::sleep(Duration::from_millis(2));
        buckets.check("new", slow, 1);
        assert_eq!(buckets.len(), 10);
        for i in 0..9 {
            assert_eq!(
                buckets.status(&format!("slow{i}"), slow).remaining,
                9,
                "slow{i} kept"
            );
        }
    }
}
