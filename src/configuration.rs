//! Configuration: defaults, then a TOML file, then environment variables, then flags.
//!
//! Loaded once and validated before anything listens. A bad value stops start-up with one
//! line that names the variable.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable, for terminals.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Every setting of ClusterGenie.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// Address of the HTTP server (`CLUSTERGENIE_LISTEN`).
    pub listen: SocketAddr,
    /// Directory of the embedded SQLite database (`CLUSTERGENIE_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Postgres URL; selects the Postgres backend (`DATABASE_URL`).
    pub database_url: Option<String>,
    /// Postgres pool size (`CLUSTERGENIE_DATABASE_MAX_CONNECTIONS`).
    pub database_max_connections: u32,
    /// Kafka bootstrap servers; the distributed roles need it (`KAFKA_BROKERS`, or
    /// `CLUSTERGENIE_KAFKA_BROKERS`).
    pub kafka_brokers: Option<String>,
    /// Redis URL for shared state such as rate limits (`REDIS_URL`, or
    /// `CLUSTERGENIE_REDIS_URL`); validated here, not used by the first wave.
    pub redis_url: Option<String>,
    /// Prefix of every topic name (`CLUSTERGENIE_KAFKA_TOPIC_PREFIX`).
    pub kafka_topic_prefix: String,
    /// Partitions of each event topic the relay creates (`CLUSTERGENIE_KAFKA_PARTITIONS`).
    pub kafka_partitions: i32,
    /// Replication factor of the topics the relay creates (`CLUSTERGENIE_KAFKA_REPLICATION`).
    pub kafka_replication: i32,
    /// Idempotent Kafka producers (`CLUSTERGENIE_KAFKA_IDEMPOTENCE`).
    pub kafka_idempotence: bool,
    /// Longest wait of a consumer's fetch at the broker, ms (`CLUSTERGENIE_KAFKA_FETCH_WAIT_MS`).
    pub kafka_fetch_wait_ms: u32,
    /// Seconds without consumer progress while messages wait before `/health` is degraded and
    /// the consumer rejoins (`CLUSTERGENIE_KAFKA_STALL_SECONDS`).
    pub kafka_stall_seconds: f64,
    /// librdkafka debug contexts, e.g. `cgrp,fetch` (`CLUSTERGENIE_KAFKA_DEBUG`).
    pub kafka_debug: Option<String>,
    /// Concurrent job runners (`CLUSTERGENIE_WORKER_COUNT`).
    pub worker_count: usize,
    /// Jobs handed out ahead of the runners (`CLUSTERGENIE_WORKER_QUEUE`).
    pub worker_queue: usize,
    /// Total time of a simulated provisioning job (`CLUSTERGENIE_PROVISION_SECONDS`).
    pub provision_seconds: f64,
    /// Probability that a simulated job attempt fails (`CLUSTERGENIE_PROVISION_FAILURE_RATE`).
    pub provision_failure_rate: f64,
    /// Attempts before a job fails for good (`CLUSTERGENIE_JOB_MAX_ATTEMPTS`).
    pub job_max_attempts: u32,
    /// Delay before the first retry, doubled each time (`CLUSTERGENIE_JOB_RETRY_BACKOFF_SECONDS`).
    pub job_retry_backoff_seconds: f64,
    /// Job lease length, renewed by progress (`CLUSTERGENIE_JOB_LEASE_SECONDS`).
    pub job_lease_seconds: f64,
    /// Minimum seconds between two progress events of a job (`CLUSTERGENIE_PROGRESS_INTERVAL_SECONDS`).
    pub progress_interval_seconds: f64,
    /// Shared secret for HS256 bearer tokens (`CLUSTERGENIE_AUTH_SECRET`).
    pub auth_secret: Option<String>,
    /// `pretty` or `json` (`CLUSTERGENIE_LOG_FORMAT`).
    pub log_format: LogFormat,
    /// OTLP/HTTP endpoint for traces (`OTEL_EXPORTER_OTLP_ENDPOINT`).
    pub otel_exporter_otlp_endpoint: Option<String>,
    /// Largest page size (`CLUSTERGENIE_MAX_PAGE_SIZE`).
    pub max_page_size: i64,
    /// How long reads wait for `minPosition` (`CLUSTERGENIE_CONSISTENCY_TIMEOUT_SECONDS`).
    pub consistency_timeout_seconds: f64,
    /// Most reads waiting for `minPosition` at once (`CLUSTERGENIE_MAX_CONSISTENCY_WAITS`).
    pub max_consistency_waits: usize,
    /// Deepest nesting of fields in a query (`CLUSTERGENIE_MAX_DEPTH`).
    pub max_depth: usize,
    /// Highest cost of a query, list fields times their page size (`CLUSTERGENIE_MAX_COMPLEXITY`).
    pub max_complexity: usize,
    /// Most mutations in one request, aliases included (`CLUSTERGENIE_MAX_MUTATIONS`).
    pub max_mutations: usize,
    /// Largest GraphQL answer in bytes (`CLUSTERGENIE_MAX_RESPONSE_BYTES`).
    pub max_response_bytes: usize,
    /// Largest request body and WebSocket message, bytes (`CLUSTERGENIE_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Time a client has to send a whole request body (`CLUSTERGENIE_BODY_TIMEOUT_SECONDS`).
    pub body_timeout_seconds: f64,
    /// Origins besides the server's own that may call the API from a browser, comma-separated
    /// (`CLUSTERGENIE_ALLOWED_ORIGINS`).
    pub allowed_origins: String,
    /// Active operations one WebSocket may run (`CLUSTERGENIE_MAX_SUBSCRIPTIONS_PER_CONNECTION`).
    pub max_subscriptions_per_connection: usize,
    /// Open WebSockets per client IP address (`CLUSTERGENIE_MAX_CONNECTIONS_PER_CLIENT`).
    pub max_connections_per_client: usize,
    /// Time a WebSocket has to send `connection_init` (`CLUSTERGENIE_WS_INIT_TIMEOUT_SECONDS`).
    pub ws_init_timeout_seconds: f64,
    /// Time a WebSocket client may leave a message unread before it is dropped
    /// (`CLUSTERGENIE_WS_SEND_TIMEOUT_SECONDS`).
    pub ws_send_timeout_seconds: f64,
    /// Size of the database pool subscriptions read from, apart from the main pool
    /// (`CLUSTERGENIE_SUBSCRIPTION_DATABASE_CONNECTIONS`).
    pub subscription_database_connections: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_max_connections: 16,
            kafka_brokers: None,
            redis_url: None,
            kafka_topic_prefix: "clustergenie".into(),
            kafka_partitions: 6,
            kafka_replication: 1,
            kafka_idempotence: true,
            kafka_fetch_wait_ms: 10,
            // Twice the consumer session timeout: a group that lost a member has rebalanced
            // by then on a broker that works.
            kafka_stall_seconds: 2.0 * bus::kafka::SESSION_TIMEOUT.as_secs_f64(),
            kafka_debug: None,
            worker_count: 4,
            worker_queue: 100,
            provision_seconds: 8.0,
            provision_failure_rate: 0.0,
            job_max_attempts: 3,
            job_retry_backoff_seconds: 2.0,
            job_lease_seconds: 30.0,
            progress_interval_seconds: 0.25,
            auth_secret: None,
            log_format: LogFormat::Pretty,
            otel_exporter_otlp_endpoint: None,
            max_page_size: 100,
            consistency_timeout_seconds: 5.0,
            max_consistency_waits: 256,
            max_depth: 10,
            max_complexity: 10_000,
            max_mutations: 10,
            max_response_bytes: 8 << 20,
            max_body_bytes: 1024 * 1024,
            body_timeout_seconds: 10.0,
            allowed_origins: String::new(),
            max_subscriptions_per_connection: 100,
            max_connections_per_client: 64,
            ws_init_timeout_seconds: 5.0,
            ws_send_timeout_seconds: 10.0,
            subscription_database_connections: 4,
        }
    }
}

/// Overrides given as command-line flags.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_queue: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provision_seconds: Option<f64>,
}

/// A configuration value that cannot be used, naming where it came from.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {name}: {reason}")]
pub struct ConfigError {
    /// The variable, key or flag.
    pub name: String,
    /// What is wrong.
    pub reason: String,
}

/// Conventional variables read without the `CLUSTERGENIE_` prefix, and their keys. When both
/// forms are set (`KAFKA_BROKERS` and `CLUSTERGENIE_KAFKA_BROKERS`), the conventional one wins.
const CONVENTIONAL: &[(&str, &str)] = &[
    ("DATABASE_URL", "database_url"),
    ("KAFKA_BROKERS", "kafka_brokers"),
    ("REDIS_URL", "redis_url"),
    ("OTEL_EXPORTER_OTLP_ENDPOINT", "otel_exporter_otlp_endpoint"),
];

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

fn variable_for(key: &str) -> String {
    CONVENTIONAL
        .iter()
        .find(|(_, k)| *k == key)
        .map(|(v, _)| v.to_string())
        .unwrap_or_else(|| format!("CLUSTERGENIE_{}", key.to_uppercase()))
}

impl Settings {
    /// Loads settings from `file` (or `CLUSTERGENIE_CONFIG`, or `clustergenie.toml` if present),
    /// the environment and the flags, then validates them.
    pub fn load(file: Option<PathBuf>, flags: FlagOverrides) -> Result<Self, ConfigError> {
        let file = file
            .or_else(|| std::env::var_os("CLUSTERGENIE_CONFIG").map(PathBuf::from))
            .or_else(|| Some(PathBuf::from("clustergenie.toml")).filter(|p| p.exists()));
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = &file {
            if !path.exists() {
                return Err(ConfigError {
                    name: "CLUSTERGENIE_CONFIG".into(),
                    reason: format!("file {} does not exist", path.display()),
                });
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment
            .merge(Env::prefixed("CLUSTERGENIE_").ignore(&["config"]))
            .merge(
                Env::raw()
                    .only(&CONVENTIONAL.iter().map(|(v, _)| *v).collect::<Vec<_>>())
                    .map(|k| {
                        let k = k.as_str().to_ascii_uppercase();
                        CONVENTIONAL
                            .iter()
                            .find(|(v, _)| *v == k)
                            .map(|(_, key)| (*key).into())
                            .unwrap_or_else(|| k.to_lowercase().into())
                    }),
            )
            .merge(Serialized::defaults(flags));
        let mut settings: Settings = figment.extract().map_err(|e| {
            let key = e.path.join(".");
            let from_env = e
                .metadata
                .as_ref()
                .is_some_and(|m| m.name.contains("environment"));
            let name = if key.is_empty() {
                "configuration".to_string()
            } else if from_env {
                variable_for(&key)
            } else if let Some(m) = &e.metadata {
                format!("{key} (from {})", m.name)
            } else {
                key
            };
            ConfigError {
                name,
                reason: e.kind.to_string(),
            }
        })?;
        // An empty endpoint means "not set", as in every OpenTelemetry SDK.
        settings.otel_exporter_otlp_endpoint = settings
            .otel_exporter_otlp_endpoint
            .filter(|e| !e.trim().is_empty());
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, reason: String| {
            Err(ConfigError {
                name: variable_for(key),
                reason,
            })
        };
        if !(1..=1024).contains(&self.worker_count) {
            return bad(
                "worker_count",
                format!("must be 1–1024, got {}", self.worker_count),
            );
        }
        if !(1..=100_000).contains(&self.worker_queue) {
            return bad(
                "worker_queue",
                format!("must be 1–100000, got {}", self.worker_queue),
            );
        }
        if !(0.0..=3600.0).contains(&self.provision_seconds) {
            return bad(
                "provision_seconds",
                format!("must be 0–3600, got {}", self.provision_seconds),
            );
        }
        if !(0.0..=1.0).contains(&self.provision_failure_rate) {
            return bad(
                "provision_failure_rate",
                format!("must be 0–1, got {}", self.provision_failure_rate),
            );
        }
        if !(1..=100).contains(&self.job_max_attempts) {
            return bad(
                "job_max_attempts",
                format!("must be 1–100, got {}", self.job_max_attempts),
            );
        }
        for (key, v) in [
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
            if !(v.is_finite() && v > 0.0 && v <= 86_400.0) {
                return bad(
                    key,
                    format!("must be a positive number of seconds, got {v}"),
                );
            }
        }
        if !(1..=1000).contains(&self.max_page_size) {
            return bad(
                "max_page_size",
                format!("must be 1–1000, got {}", self.max_page_size),
            );
        }
        for (key, v, range) in [
            (
                "max_consistency_waits",
                self.max_consistency_waits,
                1..=100_000,
            ),
            ("max_depth", self.max_depth, 1..=64),
            ("max_complexity", self.max_complexity, 1..=10_000_000),
            ("max_mutations", self.max_mutations, 1..=1000),
            (
                "max_response_bytes",
                self.max_response_bytes,
                1024..=1 << 30,
            ),
        ] {
            if !range.contains(&v) {
                return bad(
                    key,
                    format!("must be {}–{}, got {v}", range.start(), range.end()),
                );
            }
        }
        if !(1..=1000).contains(&self.database_max_connections) {
            return bad(
                "database_max_connections",
                format!("must be 1–1000, got {}", self.database_max_connections),
            );
        }
        if let Some(url) = &self.database_url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return bad(
                    "database_url",
                    "must be a postgres:// URL (leave it unset for embedded SQLite)".into(),
                );
            }
        }
        if let Some(endpoint) = &self.otel_exporter_otlp_endpoint {
            let authority = endpoint
                .strip_prefix("http://")
                .map(|rest| rest.split('/').next().unwrap_or_default());
            match authority {
                None => {
                    return bad(
                        "otel_exporter_otlp_endpoint",
                        format!("must be an http:// URL of an OTLP/HTTP collector (e.g. http://127.0.0.1:4318), got {endpoint:?}"),
                    )
                }
                Some(a) if a.is_empty() || a.contains('@') => {
                    return bad(
                        "otel_exporter_otlp_endpoint",
                        "must be http://host:port[/path] without credentials".into(),
                    )
                }
                Some(_) => {}
            }
        }
        if !(1..=1024).contains(&self.kafka_partitions) {
            return bad(
                "kafka_partitions",
                format!("must be 1–1024, got {}", self.kafka_partitions),
            );
        }
        if !(1..=16).contains(&self.kafka_replication) {
            return bad(
                "kafka_replication",
                format!("must be 1–16, got {}", self.kafka_replication),
            );
        }
        if !(1..=10_000).contains(&self.kafka_fetch_wait_ms) {
            return bad(
                "kafka_fetch_wait_ms",
                format!("must be 1–10000, got {}", self.kafka_fetch_wait_ms),
            );
        }
        if !(self.kafka_stall_seconds.is_finite()
            && (5.0..=86_400.0).contains(&self.kafka_stall_seconds))
        {
            return bad(
                "kafka_stall_seconds",
                format!("must be 5–86400 seconds, got {}", self.kafka_stall_seconds),
            );
        }
        if let Some(debug) = &self.kafka_debug {
            if let Some(unknown) = debug
                .split(',')
                .map(str::trim)
                .find(|c| !KAFKA_DEBUG_CONTEXTS.contains(c))
            {
                return bad(
                    "kafka_debug",
                    format!(
                        "unknown librdkafka debug context {unknown:?} (one or more of {}, comma-separated)",
                        KAFKA_DEBUG_CONTEXTS.join(",")
                    ),
                );
            }
        }
        let prefix_ok = !self.kafka_topic_prefix.is_empty()
            && self.kafka_topic_prefix.len() <= 200
            && self
                .kafka_topic_prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !prefix_ok {
            return bad(
                "kafka_topic_prefix",
                "must be 1–200 characters of a-z, A-Z, 0-9, '.', '_' or '-'".into(),
            );
        }
        if let Some(brokers) = &self.kafka_brokers {
            if brokers.trim().is_empty() || brokers.split(',').any(|b| !b.trim().contains(':')) {
                return bad(
                    "kafka_brokers",
                    format!("must be host:port[,host:port…], got {brokers:?}"),
                );
            }
        }
        if let Some(url) = &self.redis_url {
            let ok = ["redis://", "rediss://", "unix://"]
                .iter()
                .any(|scheme| url.starts_with(scheme) && url.len() > scheme.len());
            if !ok {
                return bad(
                    "redis_url",
                    "must be a redis://, rediss:// or unix:// URL".into(),
                );
            }
        }
        if !(1024..=64 * 1024 * 1024).contains(&self.max_body_bytes) {
            return bad(
                "max_body_bytes",
                format!("must be 1024–67108864, got {}", self.max_body_bytes),
            );
        }
        for (key, v) in [
            (
                "max_subscriptions_per_connection",
                self.max_subscriptions_per_connection,
            ),
            (
                "max_connections_per_client",
                self.max_connections_per_client,
            ),
        ] {
            if !(1..=1_000_000).contains(&v) {
                return bad(key, format!("must be 1–1000000, got {v}"));
            }
        }
        if !(1..=1000).contains(&self.subscription_database_connections) {
            return bad(
                "subscription_database_connections",
                format!(
                    "must be 1–1000, got {}",
                    self.subscription_database_connections
                ),
            );
        }
        if let Err(reason) = query::origin::AllowedOrigins::parse(&self.allowed_origins) {
            return bad("allowed_origins", reason.to_string());
        }
        if let Some(secret) = &self.auth_secret {
            if secret.len() < 16 {
                return bad("auth_secret", "must be at least 16 characters".into());
            }
        }
        Ok(())
    }

    /// The Kafka settings, or a one-line error naming the variable when a role needs them.
    pub fn kafka(&self) -> Result<bus::KafkaSettings, ConfigError> {
        let brokers = self.kafka_brokers.clone().ok_or_else(|| ConfigError {
            name: variable_for("kafka_brokers"),
            reason: "must be set for this role (the Kafka bootstrap servers, host:port)".into(),
        })?;
        Ok(bus::KafkaSettings {
            brokers,
            topic_prefix: self.kafka_topic_prefix.clone(),
            partitions: self.kafka_partitions,
            replication: self.kafka_replication,
            idempotence: self.kafka_idempotence,
            fetch_wait_ms: self.kafka_fetch_wait_ms,
            stall_after: Self::duration(self.kafka_stall_seconds),
            debug: self.kafka_debug.as_ref().map(|d| d.replace(' ', "")),
        })
    }

    /// Seconds as a `Duration`.
    pub fn duration(seconds: f64) -> std::time::Duration {
        std::time::Duration::from_secs_f64(seconds.max(0.0))
    }
}
