//! What every request handler can reach.

use crate::auth::Authenticator;
use crate::graphql::limits::Limits;
use crate::origin::AllowedOrigins;
use crate::request::BodyLimits;
use crate::ws::{ClientConnections, WsLimits};
use command::{Commands, Db, EventStore};
use projector::{ChangeFeed, ReadModels};
use std::time::Duration;

/// Limits and timeouts of the API.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Largest page a list returns.
    pub max_page_size: i64,
    /// Page size when `first` is not given.
    pub default_page_size: i64,
    /// How long a query with `minPosition` (or a mutation's payload) waits for the read models.
    pub consistency_timeout: Duration,
    /// Maximum query depth.
    pub max_depth: usize,
    /// Maximum query cost (fields, times page sizes for lists).
    pub max_complexity: usize,
    /// Maximum mutations (aliases included) per request.
    pub max_mutations: usize,
    /// Largest answer in bytes.
    pub max_response_bytes: usize,
    /// Most reads waiting for `minPosition` at once; more are refused at once.
    pub max_consistency_waits: usize,
    /// Size and time limits of request bodies.
    pub body: BodyLimits,
    /// A lower cost limit for viewers, if set.
    pub viewer_max_complexity: Option<usize>,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            max_page_size: 100,
            default_page_size: 20,
            consistency_timeout: Duration::from_secs(5),
            max_depth: 10,
            max_complexity: 10_000,
            max_mutations: 10,
            body: BodyLimits {
                max_bytes: 1024 * 1024,
                timeout: Duration::from_secs(10),
            },
            max_response_bytes: 8 << 20,
            max_consistency_waits: 256,
            viewer_max_complexity: None,
        }
    }
}

impl ApiSettings {
    /// The limits on GraphQL documents these settings imply.
    pub fn limits(&self) -> Limits {
        Limits {
            max_depth: self.max_depth,
            max_complexity: self.max_complexity,
            max_mutations: self.max_mutations,
            max_response_bytes: self.max_response_bytes,
            default_page_size: self.default_page_size,
            max_page_size: self.max_page_size,
            viewer_max_complexity: self.viewer_max_complexity,
        }
    }
}

/// Shared state of the API.
#[derive(Clone)]
pub struct AppState {
    /// Write side.
    pub commands: Commands,
    /// Read side.
    pub reads: ReadModels,
    /// Read side for subscriptions, on a pool of its own so that they cannot starve the rest.
    pub live_reads: ReadModels,
    /// Live changes from the projector.
    pub feed: ChangeFeed,
    /// The pools (for health checks).
    pub db: Db,
    /// Who is calling: sessions, API tokens and the auth mode.
    pub auth: Authenticator,
    /// Limits.
    pub settings: ApiSettings,
    /// Permits for reads waiting on `minPosition` (`max_consistency_waits` of them).
    pub read_waits: std::sync::Arc<tokio::sync::Semaphore>,
    /// Origins whose pages may call the API.
    pub origins: AllowedOrigins,
    /// Open WebSockets per client address.
    pub connections: ClientConnections,
    /// Limits of each WebSocket.
    pub ws_limits: WsLimits,
    /// Health checks: on-demand runs and the results store.
    pub health: HealthChecks,
    /// The metrics store and how often samples arrive.
    pub telemetry: Telemetry,
    /// Evaluates scaling policies on demand (`evaluateScalingPolicy`) and keeps their
    /// latest evaluations (`lastEvaluation`).
    pub autoscaler: command::autoscaler::Autoscaler,
    /// Whether a relay publishes the event store to Kafka (distributed mode); without one,
    /// `pipeline.relayLagEvents` is null.
    pub relay: bool,
    /// The activity log and its live tail.
    pub logs: crate::log_feed::LogFeed,
    /// The rate limits resolvers check (rules and built-in defaults).
    pub rate_limits: crate::rate_limits::RateLimits,
}

/// What the API needs of telemetry.
#[derive(Clone, Debug)]
pub struct Telemetry {
    /// Samples and rollups.
    pub store: store::metrics::MetricsStore,
    /// Seconds between samples (no chart step is shorter by default).
    pub interval_seconds: i64,
    /// Seconds raw samples are kept (older ranges read rollups).
    pub raw_retention_seconds: i64,
}

/// What the API needs of health checks.
#[derive(Clone)]
pub struct HealthChecks {
    /// Runs a check on demand (`runHealthCheck`) and reads the results store.
    pub scheduler: command::health::Scheduler,
    /// The addresses a check's target may name.
    pub policy: schema::health_target::AddressPolicy,
}

impl AppState {
    /// The event store.
    pub fn store(&self) -> &EventStore {
        self.commands.store()
    }
}
