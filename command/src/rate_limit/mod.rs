//! The rate-limiting engine: GCRA token buckets, kept in process or in Redis.
//!
//! A bucket is named by a caller-built key (`"user:<id>:diagnose"`, `"cluster:<id>"`,
//! `"global:jobs"`) and governed by a [`Limit`]: it holds at most `capacity` tokens and gains
//! `refill_per_sec` of them per second. [`RateLimiter::check`] takes `cost` tokens when they
//! are there and answers with a [`Decision`] (allowed, remaining, when the bucket is full
//! again, and — when denied — when `cost` tokens will be there); [`RateLimiter::status`] gives
//! the same figures for a cost of 1 without taking anything (the `rateLimitStatus` query).
//! Rules are per call, not per limiter: the same limiter serves every rule, and a bucket whose
//! [`Limit`] changes keeps what it owes (its theoretical arrival time) under the new rule.
//!
//! ```ignore
//! let limiter = RateLimiter::redis(&config.redis_url, DEFAULT_PREFIX.into(), FailureMode::Open).await?;
//! // or, for a single process: RateLimiter::memory()
//! let limit = Limit::new(0.5, 10)?; // 10 in a burst, one more every 2 s
//! match limiter.check(&format!("user:{user_id}:diagnose"), limit, 1).await {
//!     Ok(d) if d.allowed => { /* go on; headers from d.remaining / d.reset_after when d.enforced */ }
//!     Ok(d) => { /* RATE_LIMITED, retry after d.retry_after (None: cost > capacity, never) */ }
//!     Err(unavailable) => { /* FailureMode::Closed and Redis is down: UNAVAILABLE */ }
//! }
//! ```
//!
//! Two backends, one rule. [`RateLimiter::memory`] keeps the buckets in this process (through
//! `governor`, see [`local`]): for a single API instance. [`RateLimiter::redis`] keeps one Redis
//! key per bucket (see [`redis`], the script is `gcra.lua`) on Redis' own clock, so any number
//! of API instances share the buckets. Both compute the same figures from the same emission
//! interval ([`Limit::interval`], whole microseconds).
//!
//! When Redis cannot answer within [`REDIS_CALL_TIMEOUT`], the [`FailureMode`] decides:
//! `Open` (the default) allows and marks the decision `enforced: false`; `Closed` returns
//! [`Unavailable`]. [`RateLimiter::health`] reports the backend's last known state for /health.
//! Metrics: `clustergenie_rate_limit_decisions_total{outcome="allowed|limited|unenforced|refused"}`
//! per `check`, and the gauge `clustergenie_rate_limit_backend_up` (1/0).

pub mod local;
pub mod redis;

use serde::Serialize;
use std::time::Duration;

/// The Redis key prefix the service uses (tests use their own, unique ones).
pub const DEFAULT_PREFIX: &str = "clustergenie:rl:";

/// How long one Redis call may take before the [`FailureMode`] applies.
pub const REDIS_CALL_TIMEOUT: Duration = Duration::from_millis(250);

/// The fastest refill a [`Limit`] may have (the emission interval is whole microseconds).
pub const MAX_REFILL_PER_SEC: f64 = 1_000_000.0;

/// The longest an empty bucket may take to fill (a year), so every time fits the arithmetic.
pub const MAX_FILL_TIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// A bucket's rule: `capacity` tokens at most, `refill_per_sec` more every second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    refill_per_sec: f64,
    capacity: u32,
    interval_us: u64,
}

/// Why a [`Limit`] was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LimitError {
    /// The refill rate is NaN, infinite, zero or negative.
    #[error("the refill rate must be a finite number of tokens per second above 0")]
    RateNotPositive,
    /// The refill rate is above [`MAX_REFILL_PER_SEC`].
    #[error(
        "the refill rate must be at most {} tokens per second",
        MAX_REFILL_PER_SEC
    )]
    RateTooHigh,
    /// The capacity is 0.
    #[error("the capacity must be at least 1 token")]
    CapacityZero,
    /// An empty bucket would take longer than [`MAX_FILL_TIME`] to fill.
    #[error("capacity / refill rate must be at most one year")]
    FillTooSlow,
}

impl Limit {
    /// A checked rule: `refill_per_sec` finite, above 0 and at most [`MAX_REFILL_PER_SEC`];
    /// `capacity` at least 1; filling from empty within [`MAX_FILL_TIME`].
    pub fn new(refill_per_sec: f64, capacity: u32) -> Result<Self, LimitError> {
        if !refill_per_sec.is_finite() || refill_per_sec <= 0.0 {
            return Err(LimitError::RateNotPositive);
        }
        if refill_per_sec > MAX_REFILL_PER_SEC {
            return Err(LimitError::RateTooHigh);
        }
        if capacity == 0 {
            return Err(LimitError::CapacityZero);
        }
        let fill_secs = f64::from(capacity) / refill_per_sec;
        if fill_secs > MAX_FILL_TIME.as_secs_f64() {
            return Err(LimitError::FillTooSlow);
        }
        // Whole microseconds, so the Lua script (doubles, exact below 2^53) and the local
        // backend (nanoseconds) count the same tokens; at most 0.5 µs off per token.
        let interval_us = ((1_000_000.0 / refill_per_sec).round() as u64).max(1);
        Ok(Self {
            refill_per_sec,
            capacity,
            interval_us,
        })
    }

    /// Tokens added per second, as given.
    pub fn refill_per_sec(&self) -> f64 {
        self.refill_per_sec
    }

    /// The most tokens the bucket holds.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// The time one token takes to come back (1 / rate, rounded to whole microseconds).
    pub fn interval(&self) -> Duration {
        Duration::from_micros(self.interval_us)
    }

    pub(crate) fn interval_us(&self) -> u64 {
        self.interval_us
    }
}

/// The answer to a [`RateLimiter::check`] or [`RateLimiter::status`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the tokens were taken (for `status`: whether a cost of 1 would be allowed now).
    pub allowed: bool,
    /// The bucket's capacity.
    pub limit: u32,
    /// Tokens left after this decision.
    pub remaining: u32,
    /// How long until the bucket is full again.
    pub reset_after: Duration,
    /// When denied: how long until `cost` tokens are there; `None` when allowed, and when
    /// `cost` exceeds the capacity (it never will be allowed).
    pub retry_after: Option<Duration>,
    /// False when the backend could not be asked and [`FailureMode::Open`] let the call
    /// through: then `remaining`/`reset_after` are not measurements, do not send them as headers.
    pub enforced: bool,
}

impl Decision {
    /// The decision given without asking the backend (Open failure mode).
    fn unenforced(limit: Limit) -> Self {
        Self {
            allowed: true,
            limit: limit.capacity,
            remaining: limit.capacity,
            reset_after: Duration::ZERO,
            retry_after: None,
            enforced: false,
        }
    }
}

/// What the Redis backend does when Redis cannot answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureMode {
    /// Allow, with `Decision::enforced == false` (availability over strictness).
    #[default]
    Open,
    /// Refuse: `check` and `status` return [`Unavailable`] (the API answers UNAVAILABLE).
    Closed,
}

/// A [`FailureMode`] name other than `open` or `closed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the rate-limit failure mode must be `open` or `closed`")]
pub struct FailureModeError;

impl FailureMode {
    /// `open` or `closed` (any case), as configuration spells them.
    pub fn parse(s: &str) -> Result<Self, FailureModeError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            _ => Err(FailureModeError),
        }
    }

    /// The configuration name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// The backend could not decide, and the failure mode is [`FailureMode::Closed`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// Redis did not answer in time.
    #[error("the rate-limit store did not answer within {0:?}")]
    Timeout(Duration),
    /// Redis answered with an error or the connection failed (password redacted).
    #[error("the rate-limit store failed: {0}")]
    Store(String),
}

/// Why [`RateLimiter::redis`] could not be built (never because Redis is down).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The URL does not parse as `redis://[user:password@]host[:port][/db]` (it is not
    /// echoed: it may hold a password).
    #[error("the Redis URL is not a valid redis:// or unix:// URL (TLS is not built in)")]
    InvalidUrl,
    /// The key prefix is longer than [`MAX_PREFIX_LEN`] bytes.
    #[error("the rate-limit key prefix must be at most {} bytes", MAX_PREFIX_LEN)]
    PrefixTooLong,
    /// Called outside a Tokio runtime (the connection manager needs one).
    #[error("the Redis rate limiter must be built inside a Tokio runtime")]
    NoRuntime,
}

/// The longest key prefix [`RateLimiter::redis`] accepts.
pub const MAX_PREFIX_LEN: usize = 128;

/// The backend's state for /health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    /// `"memory"` or `"redis"`.
    pub backend: &'static str,
    /// Whether the last call to the backend succeeded (memory: always).
    pub healthy: bool,
    /// The Redis backend's failure mode (`None` for memory, which cannot fail).
    pub failure_mode: Option<FailureMode>,
    /// The last failure while unhealthy, without secrets.
    pub last_error: Option<String>,
}

/// The rate limiter the API asks before costly operations. Cheap to share behind an `Arc`.
pub struct RateLimiter {
    backend: Backend,
}

enum Backend {
    Memory(local::LocalBuckets),
    Redis(redis::RedisBuckets),
}

impl RateLimiter {
    /// Buckets in this process (one API instance), at most [`local::DEFAULT_MAX_BUCKETS`].
    pub fn memory() -> Self {
        Self::memory_with_max_buckets(local::DEFAULT_MAX_BUCKETS)
    }

    /// Buckets in this process, tracking at most about `max_buckets` keys (see [`local`]).
    pub fn memory_with_max_buckets(max_buckets: usize) -> Self {
        metrics::gauge!("clustergenie_rate_limit_backend_up").set(1.0);
        Self {
            backend: Backend::Memory(local::LocalBuckets::new(max_buckets)),
        }
    }

    /// Buckets in Redis at `url`, each under `prefix` + key, shared by every instance that
    /// uses the same Redis and prefix. Redis being down at start is not an error in either
    /// mode: one warning is logged, health says unhealthy, and the connection manager keeps
    /// reconnecting; meanwhile `failure_mode` applies to every call.
    pub async fn redis(
        url: &str,
        prefix: String,
        failure_mode: FailureMode,
    ) -> Result<Self, ConfigError> {
        let buckets = redis::RedisBuckets::connect(url, prefix, failure_mode).await?;
        Ok(Self {
            backend: Backend::Redis(buckets),
        })
    }

    /// Takes `cost` tokens from `key`'s bucket under `limit` if they are all there; a cost of
    /// 0 takes nothing and is always allowed. `Err` only in [`FailureMode::Closed`] when Redis
    /// cannot answer. `key` is built by the caller from ids (`"user:<uuid>"`), never taken
    /// raw from a request: it is not length-checked here.
    pub async fn check(&self, key: &str, limit: Limit, cost: u32) -> Result<Decision, Unavailable> {
        let answer = match &self.backend {
            Backend::Memory(buckets) => Ok(buckets.check(key, limit, cost)),
            Backend::Redis(buckets) => buckets.check(key, limit, cost).await,
        };
        let outcome = match &answer {
            Ok(d) if !d.enforced => "unenforced",
            Ok(d) if d.allowed => "allowed",
            Ok(_) => "limited",
            Err(_) => "refused",
        };
        metrics::counter!("clustergenie_rate_limit_decisions_total", "outcome" => outcome)
            .increment(1);
        answer
    }

    /// `key`'s bucket under `limit` as a cost of 1 would find it, taking nothing.
    pub async fn status(&self, key: &str, limit: Limit) -> Result<Decision, Unavailable> {
        match &self.backend {
            Backend::Memory(buckets) => Ok(buckets.status(key, limit)),
            Backend::Redis(buckets) => buckets.status(key, limit).await,
        }
    }

    /// The backend's last known state (no I/O; see [`RateLimiter::probe`]).
    pub fn health(&self) -> Health {
        match &self.backend {
            Backend::Memory(_) => Health {
                backend: "memory",
                healthy: true,
                failure_mode: None,
                last_error: None,
            },
            Backend::Redis(buckets) => buckets.health(),
        }
    }

    /// Asks the backend now (Redis: PING within [`REDIS_CALL_TIMEOUT`]) and returns the
    /// resulting [`health`](Self::health), for a /health that should not wait for traffic.
    pub async fn probe(&self) -> Health {
        if let Backend::Redis(buckets) = &self.backend {
            buckets.ping().await;
        }
        self.health()
    }
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No URL here: it may hold a password.
        f.debug_struct("RateLimiter")
            .field("health", &self.health())
            .finish()
    }
}

/// What every backend must do with a burst, shared by their tests.
#[cfg(test)]
pub(crate) mod burst {
    use super::{Limit, RateLimiter};
    use std::time::Duration;

    /// At 10/s with capacity 5, ten requests in a burst: exactly five allowed, `remaining`
    /// counting down, denied ones told when to retry; one more after a token's refill.
    pub(crate) async fn exactly_the_capacity_then_one_after_a_refill(limiter: &RateLimiter) {
        // 10/s: the burst only has to finish within one 100 ms interval to be exact.
        let limit = Limit::new(10.0, 5).expect("a valid limit");
        let mut allowed = 0;
        for i in 0..10 {
            let d = limiter
                .check("user:a", limit, 1)
                .await
                .expect("the backend answers");
            assert!(d.enforced, "{:?}", limiter.health());
            assert_eq!(d.limit, 5);
            if d.allowed {
                allowed += 1;
                assert_eq!(d.remaining, 4 - i, "remaining counts down");
                assert!(d.retry_after.is_none());
                assert!(d.reset_after > Duration::ZERO);
            } else {
                assert_eq!(d.remaining, 0);
                assert!(d.retry_after.is_some_and(|r| r > Duration::ZERO), "{d:?}");
            }
        }
        assert_eq!(allowed, 5);
        tokio::time::sleep(Duration::from_millis(110)).await;
        let d = limiter
            .check("user:a", limit, 1)
            .await
            .expect("the backend answers");
        assert!(d.allowed, "one token came back: {d:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse_at_the_edge() {
        assert_eq!(Limit::new(f64::NAN, 1), Err(LimitError::RateNotPositive));
        assert_eq!(
            Limit::new(f64::INFINITY, 1),
            Err(LimitError::RateNotPositive)
        );
        assert_eq!(Limit::new(0.0, 1), Err(LimitError::RateNotPositive));
        assert_eq!(Limit::new(-1.0, 1), Err(LimitError::RateNotPositive));
        assert_eq!(Limit::new(2e6, 1), Err(LimitError::RateTooHigh));
        assert_eq!(Limit::new(1.0, 0), Err(LimitError::CapacityZero));
        assert_eq!(Limit::new(1e-9, 1), Err(LimitError::FillTooSlow));
        let limit = Limit::new(20.0, 5).expect("valid");
        assert_eq!(limit.capacity(), 5);
        assert_eq!(limit.interval(), Duration::from_millis(50));
        assert_eq!(Limit::new(3.0, 1).expect("valid").interval_us(), 333_333);
    }

    #[test]
    fn failure_modes_parse() {
        assert_eq!(FailureMode::parse(" Closed "), Ok(FailureMode::Closed));
        assert_eq!(FailureMode::parse("open"), Ok(FailureMode::Open));
        assert_eq!(FailureMode::parse("ajar"), Err(FailureModeError));
        assert_eq!(FailureMode::default(), FailureMode::Open);
    }
}
