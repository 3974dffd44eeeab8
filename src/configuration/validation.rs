//! The bounds every setting must keep, checked once after loading: the first value out of
//! bounds stops start-up with a line that names its variable.

use super::sources::variable_for;
use super::{ConfigError, Settings};
use std::fmt::Display;
use std::ops::RangeInclusive;

/// The debug contexts librdkafka accepts (`debug`).
const KAFKA_DEBUG_CONTEXTS: &[&str] = &[
    "generic",
    "broker",
    "topic",
    "metadata",
    "feature",
    "queue",
    "msg",
    "protocol",
    "cgrp",
    "security",
    "fetch",
    "interceptor",
    "plugin",
    "consumer",
    "admin",
    "eos",
    "mock",
    "assignor",
    "conf",
    "telemetry",
    "all",
];

/// The refusal of the value of `key`, naming its variable.
fn bad(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        name: variable_for(key),
        reason: reason.into(),
    }
}

/// Refuses a value of `key` outside `range` ("must be 1–1024, got 0").
fn within<T: PartialOrd + Display>(
    key: &str,
    value: T,
    range: RangeInclusive<T>,
) -> Result<(), ConfigError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(bad(
        key,
        format!("must be {}–{}, got {value}", range.start(), range.end()),
    ))
}

/// Refuses a time of `key` that is not a positive number of seconds, at most a day.
fn positive_seconds(key: &str, value: f64) -> Result<(), ConfigError> {
    if value.is_finite() && value > 0.0 && value <= 86_400.0 {
        return Ok(());
    }
    Err(bad(
        key,
        format!("must be a positive number of seconds, got {value}"),
    ))
}

impl Settings {
    /// The first setting out of bounds, as an error naming its variable.
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        within("worker_count", self.worker_count, 1..=1024)?;
        within("worker_queue", self.worker_queue, 1..=100_000)?;
        within("provision_seconds", self.provision_seconds, 0.0..=3600.0)?;
        within(
            "provision_failure_rate",
            self.provision_failure_rate,
            0.0..=1.0,
        )?;
        within("job_max_attempts", self.job_max_attempts, 1..=100)?;
        for (key, seconds) in [
            ("job_retry_backoff_seconds", self.job_retry_backoff_seconds),
            ("job_lease_seconds", self.job_lease_seconds),
            ("progress_interval_seconds", self.progress_interval_seconds),
            (
                "consistency_timeout_seconds",
                self.consistency_timeout_seconds,
            ),
            ("body_timeout_seconds", self.body_timeout_seconds),
            ("ws_init_timeout_seconds", self.ws_init_timeout_seconds),
            ("ws_send_timeout_seconds", self.ws_send_timeout_seconds),
        ] {
            positive_seconds(key, seconds)?;
        }
        within("max_page_size", self.max_page_size, 1..=1000)?;
        within(
            "metrics_interval_seconds",
            self.metrics_interval_seconds,
            1..=3_600,
        )?;
        within(
            "autoscaler_interval_seconds",
            self.autoscaler_interval_seconds,
            1..=3_600,
        )?;
        within(
            "metrics_retention_hours",
            self.metrics_retention_hours,
            1..=720,
        )?;
        within("log_retention_hours", self.log_retention_hours, 1..=8_760)?;
        within(
            "log_buffer_records",
            self.log_buffer_records,
            100..=10_000_000,
        )?;
        within(
            "max_consistency_waits",
            self.max_consistency_waits,
            1..=100_000,
        )?;
        within("max_depth", self.max_depth, 1..=64)?;
        within("max_complexity", self.max_complexity, 1..=10_000_000)?;
        within("max_mutations", self.max_mutations, 1..=1000)?;
        within(
            "max_response_bytes",
            self.max_response_bytes,
            1024..=1 << 30,
        )?;
        within(
            "database_max_connections",
            self.database_max_connections,
            1..=1000,
        )?;
        if let Some(url) = &self.database_url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(bad(
                    "database_url",
                    "must be a postgres:// URL (leave it unset for embedded SQLite)",
                ));
            }
        }
        if let Some(endpoint) = &self.otel_exporter_otlp_endpoint {
            let authority = endpoint
                .strip_prefix("http://")
                .map(|rest| rest.split('/').next().unwrap_or_default());
            match authority {
                None => {
                    return Err(bad(
                        "otel_exporter_otlp_endpoint",
                        format!("must be an http:// URL of an OTLP/HTTP collector (e.g. http://127.0.0.1:4318), got {endpoint:?}"),
                    ))
                }
                Some(a) if a.is_empty() || a.contains('@') => {
                    return Err(bad(
                        "otel_exporter_otlp_endpoint",
                        "must be http://host:port[/path] without credentials",
                    ))
                }
                Some(_) => {}
            }
        }
        within("kafka_partitions", self.kafka_partitions, 1..=1024)?;
        within("kafka_replication", self.kafka_replication, 1..=16)?;
        within("kafka_fetch_wait_ms", self.kafka_fetch_wait_ms, 1..=10_000)?;
        if !(self.kafka_stall_seconds.is_finite()
            && (5.0..=86_400.0).contains(&self.kafka_stall_seconds))
        {
            return Err(bad(
                "kafka_stall_seconds",
                format!("must be 5–86400 seconds, got {}", self.kafka_stall_seconds),
            ));
        }
        if let Some(debug) = &self.kafka_debug {
            if let Some(unknown) = debug
                .split(',')
                .map(str::trim)
                .find(|c| !KAFKA_DEBUG_CONTEXTS.contains(c))
            {
                return Err(bad(
                    "kafka_debug",
                    format!(
                        "unknown librdkafka debug context {unknown:?} (one or more of {}, comma-separated)",
                        KAFKA_DEBUG_CONTEXTS.join(",")
                    ),
                ));
            }
        }
        let prefix_ok = !self.kafka_topic_prefix.is_empty()
            && self.kafka_topic_prefix.len() <= 200
            && self
                .kafka_topic_prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !prefix_ok {
            return Err(bad(
                "kafka_topic_prefix",
                "must be 1–200 characters of a-z, A-Z, 0-9, '.', '_' or '-'",
            ));
        }
        if let Some(brokers) = &self.kafka_brokers {
            if brokers.trim().is_empty() || brokers.split(',').any(|b| !b.trim().contains(':')) {
                return Err(bad(
                    "kafka_brokers",
                    format!("must be host:port[,host:port…], got {brokers:?}"),
                ));
            }
        }
        if let Some(url) = &self.redis_url {
            let ok = ["redis://", "rediss://", "unix://"]
                .iter()
                .any(|scheme| url.starts_with(scheme) && url.len() > scheme.len());
            if !ok {
                return Err(bad(
                    "redis_url",
                    "must be a redis://, rediss:// or unix:// URL",
                ));
            }
        }
        within(
            "max_body_bytes",
            self.max_body_bytes,
            1024..=64 * 1024 * 1024,
        )?;
        within(
            "max_subscriptions_per_connection",
            self.max_subscriptions_per_connection,
            1..=1_000_000,
        )?;
        within(
            "max_connections_per_client",
            self.max_connections_per_client,
            1..=1_000_000,
        )?;
        within(
            "subscription_database_connections",
            self.subscription_database_connections,
            1..=1000,
        )?;
        if let Err(reason) = query::origin::AllowedOrigins::parse(&self.allowed_origins) {
            return Err(bad("allowed_origins", reason.to_string()));
        }
        if let Some(secret) = &self.auth_secret {
            if secret.len() < 16 {
                return Err(bad("auth_secret", "must be at least 16 characters"));
            }
        }
        if self.auth == Some(query::auth::AuthMode::Local)
            && !query::auth::is_loopback(self.listen.ip())
        {
            return Err(bad(
                "auth",
                format!(
                    "local is refused on {}, which is not a loopback address: anyone who \
                     can reach it would act without a token; use required, or listen on 127.0.0.1",
                    self.listen
                ),
            ));
        }
        if !(self.session_hours.is_finite()
            && self.session_hours >= 0.05
            && self.session_hours <= 24.0 * 90.0)
        {
            return Err(bad(
                "session_hours",
                format!("must be 0.05–2160 hours, got {}", self.session_hours),
            ));
        }
        if let Some(max) = self.viewer_max_complexity {
            within("viewer_max_complexity", max, 1..=self.max_complexity)?;
        }
        if let Some(password) = &self.admin_password {
            if let Err(e) = schema::users::Password::parse(password) {
                return Err(bad("admin_password", e.reason));
            }
        }
        self.validate_rate_limits()?;
        self.validate_llm()?;
        self.thresholds()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(settings: Settings) -> String {
        settings.validate().unwrap_err().to_string()
    }

    #[test]
    fn the_defaults_are_valid() {
        Settings::default().validate().unwrap();
    }

    #[test]
    fn local_auth_is_refused_off_loopback_and_the_mode_follows_the_address() {
        use query::auth::AuthMode;
        let mut s = Settings::default();
        assert_eq!(s.auth_mode(), AuthMode::Local);
        s.listen = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(s.auth_mode(), AuthMode::Required);
        s.validate().unwrap();
        s.auth = Some(AuthMode::Local);
        let refused = refusal(s.clone());
        assert!(
            refused.starts_with(
                "configuration error: CLUSTERGENIE_AUTH: local is refused on 0.0.0.0:8080"
            ),
            "{refused}"
        );
        s.listen = "[::1]:8080".parse().unwrap();
        s.validate().unwrap();
        s.auth = Some(AuthMode::Required);
        assert_eq!(s.auth_mode(), AuthMode::Required);
    }

    #[test]
    fn a_value_out_of_bounds_names_its_variable_and_the_bounds() {
        /// A change to the defaults and the refusal it earns.
        type Case = (fn(&mut Settings), &'static str);
        let cases: [Case; 4] = [
            (
                |s| s.worker_count = 0,
                "CLUSTERGENIE_WORKER_COUNT: must be 1–1024, got 0",
            ),
            (
                |s| s.provision_failure_rate = 2.0,
                "CLUSTERGENIE_PROVISION_FAILURE_RATE: must be 0–1, got 2",
            ),
            (
                |s| s.job_lease_seconds = f64::INFINITY,
                "CLUSTERGENIE_JOB_LEASE_SECONDS: must be a positive number of seconds, got inf",
            ),
            (
                |s| s.database_url = Some("sqlite://x".into()),
                "DATABASE_URL: must be a postgres:// URL (leave it unset for embedded SQLite)",
            ),
        ];
        for (change, expected) in cases {
            let mut settings = Settings::default();
            change(&mut settings);
            assert_eq!(
                refusal(settings),
                format!("configuration error: {expected}")
            );
        }
    }
}
