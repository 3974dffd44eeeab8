//! Configuration: defaults, then a TOML file, then environment variables, then flags.
//!
//! Loaded once and validated before anything listens. A bad value stops start-up with one
//! line that names the variable.
//!
//! - this file: the settings, their defaults and the error;
//! - `sources`: where values come from (file, variables and their names, flags);
//! - `validation`: the bounds every value must keep;
//! - `rate_limits`, `llm`: the settings parsed into what the rate limits and the model
//!   backend use.

mod diagnosis;
mod llm;
mod rate_limits;
mod sources;
mod validation;

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

pub use rate_limits::LimiterDefault;
pub use sources::FlagOverrides;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable, for terminals.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The least severe level the activity log stores (`CLUSTERGENIE_LOG_STORE_LEVEL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    /// Stores nothing.
    Off,
}

impl StoreLevel {
    /// The tracing level, or `None` for `off`.
    pub fn level(self) -> Option<tracing::Level> {
        match self {
            StoreLevel::Trace => Some(tracing::Level::TRACE),
            StoreLevel::Debug => Some(tracing::Level::DEBUG),
            StoreLevel::Info => Some(tracing::Level::INFO),
            StoreLevel::Warn => Some(tracing::Level::WARN),
            StoreLevel::Error => Some(tracing::Level::ERROR),
            StoreLevel::Off => None,
        }
    }
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
    /// Redis URL for the rate limits' buckets, shared by every API instance (`REDIS_URL`,
    /// or `CLUSTERGENIE_REDIS_URL`); without it they are kept in process.
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
    /// `local` (requests without a token act as the local operator; loopback addresses only)
    /// or `required` (`CLUSTERGENIE_AUTH`); unset: `local` on a loopback address, else
    /// `required`.
    pub auth: Option<query::auth::AuthMode>,
    /// Secret that signs session tokens, HS256 (`CLUSTERGENIE_AUTH_SECRET`); unset: one is
    /// generated at the first start and kept in the database.
    pub auth_secret: Option<String>,
    /// Hours a session from `login` lasts (`CLUSTERGENIE_SESSION_HOURS`).
    pub session_hours: f64,
    /// Highest query cost for viewers, when lower than `CLUSTERGENIE_MAX_COMPLEXITY`
    /// (`CLUSTERGENIE_VIEWER_MAX_COMPLEXITY`).
    pub viewer_max_complexity: Option<usize>,
    /// Password of the user `admin` (ADMIN) created at the first start, when no user exists
    /// yet (`CLUSTERGENIE_ADMIN_PASSWORD`); ignored once any user exists.
    pub admin_password: Option<String>,
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
    /// Lets health checks reach link-local and cloud metadata addresses
    /// (`CLUSTERGENIE_HEALTHCHECK_ALLOW_PRIVATE`).
    pub healthcheck_allow_private: bool,
    /// Where the `api_latency` health check sends its request when this process serves no API
    /// itself, e.g. `http://api:8080` (`CLUSTERGENIE_HEALTHCHECK_API_URL`).
    pub healthcheck_api_url: Option<String>,
    /// Creates the default health checks (database connectivity, API latency) at start
    /// (`CLUSTERGENIE_HEALTHCHECK_DEFAULTS`).
    pub healthcheck_defaults: bool,
    /// Seconds between two samples of every running droplet
    /// (`CLUSTERGENIE_METRICS_INTERVAL_SECONDS`).
    pub metrics_interval_seconds: u64,
    /// Seed of the metrics simulator: the same seed gives the same values
    /// (`CLUSTERGENIE_METRICS_SEED`).
    pub metrics_seed: u64,
    /// Hours raw samples are kept; rollups are kept 30 days
    /// (`CLUSTERGENIE_METRICS_RETENTION_HOURS`).
    pub metrics_retention_hours: u64,
    /// Runs the metrics simulator in this process (`serve`, `worker`)
    /// (`CLUSTERGENIE_METRICS_SIMULATOR`).
    pub metrics_simulator: bool,
    /// Seconds between two evaluations of each scaling policy
    /// (`CLUSTERGENIE_AUTOSCALER_INTERVAL_SECONDS`).
    pub autoscaler_interval_seconds: u64,
    /// Runs the autoscaler in this process (`serve`, `worker`; one evaluates each policy
    /// each interval) (`CLUSTERGENIE_AUTOSCALER`).
    pub autoscaler: bool,
    /// The least severe records the activity log stores: `trace`, `debug`, `info`, `warn`,
    /// `error` or `off` (`CLUSTERGENIE_LOG_STORE_LEVEL`).
    pub log_store_level: StoreLevel,
    /// Hours the activity log keeps records (`CLUSTERGENIE_LOG_RETENTION_HOURS`).
    pub log_retention_hours: u64,
    /// Records waiting to be stored at most; more are dropped and counted in
    /// `clustergenie_log_records_dropped_total` (`CLUSTERGENIE_LOG_BUFFER_RECORDS`).
    pub log_buffer_records: usize,
    /// Tokens per second of the `diagnosis` limiter's default; 0.2 (`CLUSTERGENIE_DIAG_RATE`).
    pub diag_rate: Option<f64>,
    /// Capacity of the `diagnosis` limiter's default; 5 (`CLUSTERGENIE_DIAG_CAP`).
    pub diag_cap: Option<u32>,
    /// Scope of the `diagnosis` limiter's default: `user`, `cluster` (default) or `global`
    /// (`CLUSTERGENIE_DIAG_SCOPE`).
    pub diag_scope: Option<String>,
    /// Tokens per second of the `jobs` limiter's default; 0.1 (`CLUSTERGENIE_JOBS_RATE`).
    pub jobs_rate: Option<f64>,
    /// Capacity of the `jobs` limiter's default; 3 (`CLUSTERGENIE_JOBS_CAP`).
    pub jobs_cap: Option<u32>,
    /// Scope of the `jobs` limiter's default: `user` (default), `cluster` or `global`
    /// (`CLUSTERGENIE_JOBS_SCOPE`).
    pub jobs_scope: Option<String>,
    /// HTTP requests per client address, e.g. `100/min`; off when unset
    /// (`CLUSTERGENIE_HTTP_RATE_LIMIT`).
    pub http_rate_limit: Option<String>,
    /// Burst of the HTTP limiter; 20 (`CLUSTERGENIE_HTTP_RATE_BURST`).
    pub http_rate_burst: Option<u32>,
    /// `open` (allow) or `closed` (refuse) while Redis is down
    /// (`CLUSTERGENIE_RATE_LIMIT_FAILURE_MODE`).
    pub rate_limit_failure_mode: String,
    /// Prefix of the rate limits' Redis keys (`CLUSTERGENIE_RATE_LIMIT_PREFIX`).
    pub rate_limit_prefix: String,
    /// API root of an OpenAI-compatible server that explains diagnoses, e.g.
    /// `http://127.0.0.1:11434/v1`; unset: the built-in analyzer alone
    /// (`CLUSTERGENIE_LLM_BASE_URL`).
    pub llm_base_url: Option<String>,
    /// The model it asks (`CLUSTERGENIE_LLM_MODEL`).
    pub llm_model: Option<String>,
    /// Its API key; printed as `***` (`CLUSTERGENIE_LLM_API_KEY`).
    pub llm_api_key: Option<command::diagnosis::model::ApiKey>,
    /// A file holding the API key, read once at start (`CLUSTERGENIE_LLM_API_KEY_FILE`).
    pub llm_api_key_file: Option<PathBuf>,
    /// Seconds one model request may take (`CLUSTERGENIE_LLM_TIMEOUT_SECONDS`).
    pub llm_timeout_seconds: f64,
    /// Token budget of the model's answer (`CLUSTERGENIE_LLM_MAX_TOKENS`).
    pub llm_max_tokens: u32,
    /// CPU percent a diagnosis calls hot (`CLUSTERGENIE_DIAG_THRESHOLD_CPU_WARNING`).
    pub diag_threshold_cpu_warning: f64,
    /// CPU percent a diagnosis calls critical (`CLUSTERGENIE_DIAG_THRESHOLD_CPU_CRITICAL`).
    pub diag_threshold_cpu_critical: f64,
    /// Memory percent a diagnosis calls high (`CLUSTERGENIE_DIAG_THRESHOLD_MEMORY_WARNING`).
    pub diag_threshold_memory_warning: f64,
    /// Memory percent a diagnosis calls critical
    /// (`CLUSTERGENIE_DIAG_THRESHOLD_MEMORY_CRITICAL`).
    pub diag_threshold_memory_critical: f64,
    /// Share of a window's points over a level that makes it sustained
    /// (`CLUSTERGENIE_DIAG_THRESHOLD_SUSTAINED_SHARE`).
    pub diag_threshold_sustained_share: f64,
    /// Disk percent a diagnosis calls nearly full (`CLUSTERGENIE_DIAG_THRESHOLD_DISK_CRITICAL`).
    pub diag_threshold_disk_critical: f64,
    /// A disk expected full within this many hours is a finding
    /// (`CLUSTERGENIE_DIAG_THRESHOLD_DISK_FULL_HOURS`).
    pub diag_threshold_disk_full_hours: f64,
    /// Outbound traffic at this share of the size's monthly transfer pace is a finding
    /// (`CLUSTERGENIE_DIAG_THRESHOLD_TRANSFER_SHARE`).
    pub diag_threshold_transfer_share: f64,
    /// Minutes in PROVISIONING after which a droplet is stuck
    /// (`CLUSTERGENIE_DIAG_THRESHOLD_PROVISIONING_MINUTES`).
    pub diag_threshold_provisioning_minutes: f64,
    /// Pass/fail changes among a check's recent results that make it flapping
    /// (`CLUSTERGENIE_DIAG_THRESHOLD_FLAPPING_CHANGES`).
    pub diag_threshold_flapping_changes: usize,
    /// Failed jobs with one error that make a pattern
    /// (`CLUSTERGENIE_DIAG_THRESHOLD_REPEATED_FAILURES`).
    pub diag_threshold_repeated_failures: usize,
}

impl Default for Settings {
    fn default() -> Self {
        let analyzer = command::diagnosis::Thresholds::default();
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
            auth: None,
            auth_secret: None,
            session_hours: 12.0,
            viewer_max_complexity: None,
            admin_password: None,
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
            healthcheck_allow_private: false,
            healthcheck_api_url: None,
            healthcheck_defaults: true,
            metrics_interval_seconds: 10,
            metrics_seed: 1,
            metrics_retention_hours: 48,
            metrics_simulator: true,
            autoscaler_interval_seconds: 15,
            autoscaler: true,
            log_store_level: StoreLevel::Info,
            log_retention_hours: 72,
            log_buffer_records: 20_000,
            diag_rate: None,
            diag_cap: None,
            diag_scope: None,
            jobs_rate: None,
            jobs_cap: None,
            jobs_scope: None,
            http_rate_limit: None,
            http_rate_burst: None,
            rate_limit_failure_mode: "open".into(),
            rate_limit_prefix: command::rate_limit::DEFAULT_PREFIX.into(),
            llm_base_url: None,
            llm_model: None,
            llm_api_key: None,
            llm_api_key_file: None,
            llm_timeout_seconds: 60.0,
            llm_max_tokens: 2048,
            diag_threshold_cpu_warning: analyzer.cpu_warning,
            diag_threshold_cpu_critical: analyzer.cpu_critical,
            diag_threshold_memory_warning: analyzer.memory_warning,
            diag_threshold_memory_critical: analyzer.memory_critical,
            diag_threshold_sustained_share: analyzer.sustained_share,
            diag_threshold_disk_critical: analyzer.disk_critical,
            diag_threshold_disk_full_hours: analyzer.disk_full_hours,
            diag_threshold_transfer_share: analyzer.transfer_share,
            diag_threshold_provisioning_minutes: analyzer.provisioning_minutes,
            diag_threshold_flapping_changes: analyzer.flapping_changes,
            diag_threshold_repeated_failures: analyzer.repeated_failures,
        }
    }
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

impl Settings {
    /// The Kafka settings, or a one-line error naming the variable when a role needs them.
    pub fn kafka(&self) -> Result<bus::KafkaSettings, ConfigError> {
        let brokers = self.kafka_brokers.clone().ok_or_else(|| ConfigError {
            name: sources::variable_for("kafka_brokers"),
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

    /// The auth mode in effect: as set, else `local` on a loopback address and `required`
    /// on any other.
    pub fn auth_mode(&self) -> query::auth::AuthMode {
        self.auth
            .unwrap_or(if query::auth::is_loopback(self.listen.ip()) {
                query::auth::AuthMode::Local
            } else {
                query::auth::AuthMode::Required
            })
    }

    /// Seconds as a `Duration`.
    pub fn duration(seconds: f64) -> std::time::Duration {
        std::time::Duration::from_secs_f64(seconds.max(0.0))
    }
}
