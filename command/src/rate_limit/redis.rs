//! Buckets in Redis, shared by every API instance: one key per bucket holding its TAT, decided
//! by `gcra.lua` on Redis' clock (stock Redis has no redis-cell), sent with EVALSHA through
//! `redis::Script` (which loads the script again after a NOSCRIPT, e.g. after a restart).
//!
//! Every call is bounded by [`REDIS_CALL_TIMEOUT`]. After a failure the backend holds off for
//! [`HOLD_OFF`]: calls in that window get the failure mode at once instead of each waiting out
//! a timeout, and the connection manager reconnects meanwhile. Health changes are logged once
//! per change, never per call, and no message carries the URL or its password.

use super::{
    ConfigError, Decision, FailureMode, Health, Limit, Unavailable, MAX_PREFIX_LEN,
    REDIS_CALL_TIMEOUT,
};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long calls skip Redis after it failed.
pub const HOLD_OFF: Duration = Duration::from_secs(1);

/// The longest error text kept for health and logs.
const MAX_ERROR_LEN: usize = 200;

/// The Redis backend.
pub(crate) struct RedisBuckets {
    connection: ConnectionManager,
    script: Script,
    prefix: String,
    failure_mode: FailureMode,
    /// What must never appear in a message: the URL and its password.
    secrets: Vec<String>,
    state: Mutex<State>,
}

/// The backend's health as the last call found it.
struct State {
    /// The last failure, while unhealthy.
    failure: Option<Unavailable>,
    /// Until when calls skip Redis.
    hold_off_until: Option<Instant>,
}

impl RedisBuckets {
    pub(crate) async fn connect(
        url: &str,
        prefix: String,
        failure_mode: FailureMode,
    ) -> Result<Self, ConfigError> {
        if prefix.len() > MAX_PREFIX_LEN {
            return Err(ConfigError::PrefixTooLong);
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(ConfigError::NoRuntime);
        }
        // The parse error may quote the URL, so it is dropped.
        let client = redis::Client::open(url).map_err(|_| ConfigError::InvalidUrl)?;
        let mut secrets = vec![url.to_owned()];
        if let Some(password) = client.get_connection_info().redis_settings().password() {
            if !password.is_empty() {
                secrets.push(password.to_owned());
            }
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_CALL_TIMEOUT))
            .set_response_timeout(Some(REDIS_CALL_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(2));
        // Lazy: Redis being down at start is a health state, not a configuration error.
        // (This only fails for pub/sub settings, which are not used.)
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|_| ConfigError::InvalidUrl)?;
        let buckets = Self {
            connection,
            script: Script::new(include_str!("gcra.lua")),
            prefix,
            failure_mode,
            secrets,
            state: Mutex::new(State {
                failure: None,
                hold_off_until: None,
            }),
        };
        metrics::gauge!("clustergenie_rate_limit_backend_up").set(1.0);
        buckets.ping().await;
        Ok(buckets)
    }

    pub(crate) async fn check(
        &self,
        key: &str,
        limit: Limit,
        cost: u32,
    ) -> Result<Decision, Unavailable> {
        self.decide(key, limit, cost, true).await
    }

    pub(crate) async fn status(&self, key: &str, limit: Limit) -> Result<Decision, Unavailable> {
        self.decide(key, limit, 1, false).await
    }

    async fn decide(
        &self,
        key: &str,
        limit: Limit,
        cost: u32,
        take: bool,
    ) -> Result<Decision, Unavailable> {
        if let Some(failure) = self.held_off() {
            return self.on_failure(limit, failure);
        }
        let mut invocation = self.script.prepare_invoke();
        invocation
            .key(format!("{}{key}", self.prefix))
            .arg(limit.interval_us())
            .arg(limit.capacity())
            .arg(cost)
            .arg(if take { "1" } else { "0" });
        let mut connection = self.connection.clone();
        let reply = tokio::time::timeout(
            REDIS_CALL_TIMEOUT,
            invocation.invoke_async::<(i64, i64, i64, i64)>(&mut connection),
        )
        .await;
        match reply {
            Ok(Ok((allowed, remaining, reset_us, retry_us))) => {
                self.mark_up();
                Ok(Decision {
                    allowed: allowed == 1,
                    limit: limit.capacity(),
                    remaining: u32::try_from(remaining.max(0)).unwrap_or(limit.capacity()),
                    reset_after: micros(reset_us),
                    retry_after: (retry_us >= 0).then(|| micros(retry_us)),
                    enforced: true,
                })
            }
            Ok(Err(error)) => self.fail(limit, Unavailable::Store(self.redact(&error.to_string()))),
            Err(_elapsed) => self.fail(limit, Unavailable::Timeout(REDIS_CALL_TIMEOUT)),
        }
    }

    /// PINGs Redis now (ignoring the hold-off) and records what it found.
    pub(crate) async fn ping(&self) {
        let mut connection = self.connection.clone();
        let reply = tokio::time::timeout(
            REDIS_CALL_TIMEOUT,
            redis::cmd("PING").query_async::<String>(&mut connection),
        )
        .await;
        match reply {
            Ok(Ok(_pong)) => self.mark_up(),
            Ok(Err(error)) => self.mark_down(Unavailable::Store(self.redact(&error.to_string()))),
            Err(_elapsed) => self.mark_down(Unavailable::Timeout(REDIS_CALL_TIMEOUT)),
        }
    }

    pub(crate) fn health(&self) -> Health {
        let state = self.state();
        Health {
            backend: "redis",
            healthy: state.failure.is_none(),
            failure_mode: Some(self.failure_mode),
            last_error: state.failure.as_ref().map(ToString::to_string),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The last failure, while calls skip Redis.
    fn held_off(&self) -> Option<Unavailable> {
        let state = self.state();
        match state.hold_off_until {
            Some(until) if Instant::now() < until => state.failure.clone(),
            _ => None,
        }
    }

    fn fail(&self, limit: Limit, failure: Unavailable) -> Result<Decision, Unavailable> {
        self.mark_down(failure.clone());
        self.on_failure(limit, failure)
    }

    fn on_failure(&self, limit: Limit, failure: Unavailable) -> Result<Decision, Unavailable> {
        match self.failure_mode {
            FailureMode::Open => Ok(Decision::unenforced(limit)),
            FailureMode::Closed => Err(failure),
        }
    }

    fn mark_up(&self) {
        let mut state = self.state();
        if state.failure.take().is_some() {
            tracing::info!("the rate-limit store answers again: rate limits are enforced");
            metrics::gauge!("clustergenie_rate_limit_backend_up").set(1.0);
        }
        state.hold_off_until = None;
    }

    fn mark_down(&self, failure: Unavailable) {
        let mut state = self.state();
        if state.failure.is_none() {
            tracing::warn!(
                error = %failure,
                failure_mode = self.failure_mode.as_str(),
                "the rate-limit store is unreachable: {}; reconnecting in the background",
                match self.failure_mode {
                    FailureMode::Open => "requests are allowed without a limit",
                    FailureMode::Closed => "rate-limited requests are refused",
                }
            );
            metrics::gauge!("clustergenie_rate_limit_backend_up").set(0.0);
        }
        state.failure = Some(failure);
        state.hold_off_until = Some(Instant::now() + HOLD_OFF);
    }

    /// `message` without the URL or its password, and short.
    fn redact(&self, message: &str) -> String {
        let mut message = message.to_owned();
        for secret in &self.secrets {
            message = message.replace(secret.as_str(), "***");
        }
        if message.len() > MAX_ERROR_LEN {
            let mut end = MAX_ERROR_LEN;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
            message.push('…');
        }
        message
    }
}

fn micros(us: i64) -> Duration {
    Duration::from_micros(u64::try_from(us).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::RateLimiter;
    use std::sync::Arc;

    fn redis_url() -> String {
        std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
    }

    /// A prefix no other test (or run) uses.
    fn unique_prefix() -> String {
        format!("clustergenie:test:rl:{}:", uuid::Uuid::new_v4())
    }

    async fn limiter(prefix: &str, failure_mode: FailureMode) -> RateLimiter {
        RateLimiter::redis(&redis_url(), prefix.to_owned(), failure_mode)
            .await
            .expect("a valid Redis URL")
    }

    fn limit(rate: f64, capacity: u32) -> Limit {
        Limit::new(rate, capacity).expect("a valid limit")
    }

    /// A port on which nothing listens.
    fn dead_port() -> u16 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        listener.local_addr().expect("its address").port()
    }

    async fn check(limiter: &RateLimiter, key: &str, limit: Limit, cost: u32) -> Decision {
        let d = limiter
            .check(key, limit, cost)
            .await
            .expect("Redis answers");
        assert!(
            d.enforced,
            "Redis must be up for this test: {:?}",
            limiter.health()
        );
        d
    }

    #[tokio::test]
    async fn a_burst_gets_exactly_the_capacity_then_one_more_after_a_refill() {
        let prefix = unique_prefix();
        let limiter = limiter(&prefix, FailureMode::Closed).await;
        crate::rate_limit::burst::exactly_the_capacity_then_one_after_a_refill(&limiter).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_instances_share_the_buckets() {
        let prefix = unique_prefix();
        let a = Arc::new(limiter(&prefix, FailureMode::Closed).await);
        let b = Arc::new(limiter(&prefix, FailureMode::Closed).await);
        // One token per 10 s: nothing refills while the test runs.
        let limit = limit(0.1, 5);
        let barrier = Arc::new(tokio::sync::Barrier::new(15));
        let calls: Vec<_> = (0..15)
            .map(|i| {
                let limiter = if i % 2 == 0 { a.clone() } else { b.clone() };
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    limiter.check("cluster:x", limit, 1).await
                })
            })
            .collect();
        let mut allowed = 0;
        for call in calls {
            let d = call.await.expect("the task ran").expect("Redis answers");
            assert!(d.enforced);
            allowed += usize::from(d.allowed);
        }
        assert_eq!(allowed, 5);
        // Another prefix is another set of buckets.
        let other = limiter(&unique_prefix(), FailureMode::Closed).await;
        assert!(check(&other, "cluster:x", limit, 1).await.allowed);
    }

    #[tokio::test]
    async fn a_changed_limit_takes_effect_and_keeps_the_debt() {
        let limiter = limiter(&unique_prefix(), FailureMode::Closed).await;
        let small = limit(0.1, 2);
        assert!(check(&limiter, "k", small, 2).await.allowed);
        assert!(!check(&limiter, "k", small, 1).await.allowed);
        // Same rate, capacity 5: the 2 taken are still owed, 3 more fit.
        let bigger = limit(0.1, 5);
        let mut allowed = 0;
        for _ in 0..5 {
            allowed += usize::from(check(&limiter, "k", bigger, 1).await.allowed);
        }
        assert_eq!(allowed, 3);
        assert!(!check(&limiter, "k", limit(0.1, 1), 1).await.allowed);
    }

    #[tokio::test]
    async fn status_does_not_consume_and_the_key_expires_when_full() {
        let prefix = unique_prefix();
        let limiter = limiter(&prefix, FailureMode::Closed).await;
        let limit = limit(0.1, 3);
        let fresh = limiter.status("k", limit).await.expect("Redis answers");
        assert_eq!(
            (fresh.allowed, fresh.remaining, fresh.enforced),
            (true, 3, true)
        );
        assert_eq!(fresh.reset_after, Duration::ZERO);
        check(&limiter, "k", limit, 2).await;
        for _ in 0..5 {
            let s = limiter.status("k", limit).await.expect("Redis answers");
            assert_eq!((s.allowed, s.remaining), (true, 1));
            assert!(s.reset_after > Duration::from_secs(10));
        }
        assert!(check(&limiter, "k", limit, 1).await.allowed);
        let empty = limiter.status("k", limit).await.expect("Redis answers");
        assert_eq!((empty.allowed, empty.remaining), (false, 0));
        assert!(empty.retry_after.is_some_and(|r| r > Duration::ZERO));
        // The bucket's key lives until the bucket would be full: 3 tokens at 10 s each.
        let client = redis::Client::open(redis_url()).expect("URL");
        let mut raw = client
            .get_multiplexed_async_connection()
            .await
            .expect("Redis");
        let ttl: i64 = redis::cmd("PTTL")
            .arg(format!("{prefix}k"))
            .query_async(&mut raw)
            .await
            .expect("PTTL");
        assert!(ttl > 20_000 && ttl <= 30_000, "PTTL {ttl}");
        // Costs: 0 takes nothing, above the capacity never passes.
        let d = check(&limiter, "k", limit, 0).await;
        assert_eq!((d.allowed, d.remaining), (true, 0));
        let d = check(&limiter, "other", limit, 4).await;
        assert_eq!((d.allowed, d.remaining, d.retry_after), (false, 3, None));
    }

    #[tokio::test]
    async fn an_unreachable_store_follows_the_failure_mode_without_leaking_the_password() {
        let url = format!("redis://:s3cret-pw@127.0.0.1:{}", dead_port());
        let limit = limit(1.0, 1);

        let open = RateLimiter::redis(&url, unique_prefix(), FailureMode::Open)
            .await
            .expect("a down store is not a configuration error");
        for _ in 0..3 {
            let d = open.check("k", limit, 1).await.expect("open mode allows");
            assert!(d.allowed && !d.enforced, "{d:?}");
        }
        let health = open.probe().await;
        assert_eq!(health.backend, "redis");
        assert!(!health.healthy);
        assert_eq!(health.failure_mode, Some(FailureMode::Open));
        let error = health.last_error.expect("the failure is reported");
        assert!(!error.contains("s3cret-pw"), "{error}");
        assert!(!format!("{open:?}").contains("s3cret-pw"));

        let closed = RateLimiter::redis(&url, unique_prefix(), FailureMode::Closed)
            .await
            .expect("a down store is not a configuration error");
        for _ in 0..3 {
            let refused = closed
                .check("k", limit, 1)
                .await
                .expect_err("closed mode refuses");
            assert!(!refused.to_string().contains("s3cret-pw"), "{refused}");
        }
        assert!(closed.status("k", limit).await.is_err());
        assert!(!closed.health().healthy);
    }

    #[tokio::test]
    async fn bad_configuration_is_refused_without_echoing_the_url() {
        for url in [
            "http://127.0.0.1",
            "redis://:pw-123@host:notaport",
            "not a url",
        ] {
            let error = RateLimiter::redis(url, unique_prefix(), FailureMode::Open)
                .await
                .expect_err("invalid");
            assert_eq!(error, ConfigError::InvalidUrl);
            assert!(!error.to_string().contains("pw-123"));
        }
        let error = RateLimiter::redis(&redis_url(), "p".repeat(200), FailureMode::Open).await;
        assert_eq!(error.err(), Some(ConfigError::PrefixTooLong));
    }
}
