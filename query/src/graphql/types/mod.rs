//! GraphQL types, one module per aggregate (and one each for the audit log, the catalog
//! and monitoring). An aggregate's module owns everything of it the API shows: its object, its
//! status enum, its list filter, its mutation inputs and payloads, its queries and its
//! mutations. This file is the registry: a new aggregate adds its `mod` line, its part of
//! [`QueryRoot`] and [`MutationRoot`], and its variant of [`AggregateType`] (the compiler asks
//! for that one: the enum mirrors `schema::AggregateType`).

use async_graphql::{MergedObject, SimpleObject};
use chrono::{DateTime, Utc};

/// A GraphQL enum mirroring a `schema` enum, with its stored names.
macro_rules! gql_enum {
    ($(#[$doc:meta])* $name:ident, $rs:literal, $remote:path $(, $extra:meta)* { $($v:ident),+ }) => {
        $(#[$doc])*
        #[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
        #[graphql(remote = $rs $(, $extra)*)]
        pub enum $name { $($v),+ }

        impl $name {
            /// Parses the stored name.
            pub fn from_stored(s: &str) -> Option<Self> {
                <$remote>::parse(s).map(Into::into)
            }
            /// The stored name.
            pub fn stored(self) -> &'static str {
                let remote: $remote = self.into();
                remote.as_str()
            }
        }
    };
}

mod catalog;
mod cluster;
mod diagnosis;
mod droplet;
mod event;
mod health_check;
mod job;
mod logs;
mod monitoring;
mod rate_limits;
mod scaling_decision;
mod scaling_policy;
mod telemetry;
mod users;

pub use catalog::{Catalog, CatalogImage, CatalogRegion, CatalogSize};
pub(crate) use cluster::{create as create_cluster, delete as delete_cluster};
pub use cluster::{Cluster, ClusterFilter, ClusterPayload, ClusterStatus, CreateClusterInput};
pub use cluster::{Label, LabelInput};
pub(crate) use diagnosis::diagnose;
pub use diagnosis::{
    CheckResult, DiagnoseInput, DiagnosePayload, Diagnosis, DiagnosisCheck, DiagnosisFilter,
    DiagnosisReport, DiagnosisStatus, DiagnosisTarget,
};
pub(crate) use droplet::{create as create_droplet, operate_as as operate_droplet, Options};
pub use droplet::{CreateDropletInput, Droplet, DropletFilter, DropletPayload, DropletStatus};
pub use event::Event;
pub(crate) use health_check::{
    create as create_health_check, delete as delete_health_check, run as run_health_check,
    update as update_health_check,
};
pub use health_check::{
    ConditionResult, CreateHealthCheckInput, HealthCheckKind, UpdateHealthCheckInput,
};
pub use health_check::{HealthCheck, HealthCheckFilter, HealthCheckPayload, HealthCheckResult};
pub use job::{Job, JobFilter, JobPayload, JobStatus, JobTimelineEntry, JobType};
pub(crate) use logs::{
    decode as decode_log_cursor, encode as encode_log_cursor, search_of as log_search,
};
pub use logs::{LogFilter, LogRecord, LogTailMessage};
pub(crate) use monitoring::worker_pool;
pub(crate) use rate_limits::{
    create as create_rate_limit_rule, delete as delete_rate_limit_rule,
    status as rate_limit_status, update as update_rate_limit_rule,
};
pub use rate_limits::{
    CreateRateLimitRuleInput, RateLimitRule, RateLimitRuleFilter, RateLimitRulePayload,
    RateLimitScope, RateLimitSource, RateLimitStatus, UpdateRateLimitRuleInput,
};
pub(crate) use scaling_decision::evaluate as evaluate_scaling_policy;
pub(crate) use scaling_policy::{
    create as create_scaling_policy, lifecycle as scaling_policy_lifecycle,
    update as update_scaling_policy, Lifecycle as ScalingPolicyLifecycle,
};
pub use scaling_policy::{
    CreateScalingPolicyInput, ScalingBehaviorInput, ScalingMetric, ScalingMode,
    ScalingTemplateInput, UpdateScalingPolicyInput,
};
pub use scaling_policy::{ScalingPolicy, ScalingPolicyFilter, ScalingPolicyPayload};
pub(crate) use telemetry::droplet_usage;
pub use telemetry::{
    InjectedLoad, MetricAggregate, MetricName, MetricRange, MetricSample, MetricSeries,
};
pub(crate) use users::sign_in;
pub use users::{ApiToken, Me, Role, User};

// Root of all queries: each part is one module's. (A `//` comment: a doc comment would
// become the type's description in the SDL.)
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    cluster::ClusterQuery,
    droplet::DropletQuery,
    job::JobQuery,
    crate::graphql::query::LogQuery,
    health_check::HealthCheckQuery,
    monitoring::MonitoringQuery,
    logs::LogsQuery,
    users::UserQuery,
    rate_limits::RateLimitRuleQuery,
    rate_limits::RateLimitStatusQuery,
    diagnosis::DiagnosisQuery,
    scaling_policy::ScalingPolicyQuery,
);

// Root of all mutations: each part is one aggregate's.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    cluster::ClusterMutation,
    droplet::DropletMutation,
    job::JobMutation,
    health_check::HealthCheckMutation,
    telemetry::TelemetryMutation,
    users::UserMutation,
    rate_limits::RateLimitRuleMutation,
    diagnosis::DiagnosisMutation,
    scaling_policy::ScalingPolicyMutation,
    scaling_decision::ScalingDecisionMutation,
);

gql_enum!(
    /// Kinds of aggregate in the event log.
    AggregateType, "schema::AggregateType", schema::AggregateType, rename_items = "PascalCase" { Cluster, Droplet, Job, HealthCheck, User, ApiToken, RateLimitRule, Diagnosis, ScalingPolicy }
);

/// A stored time in microseconds as a GraphQL `DateTime`.
pub(crate) fn time(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

/// When a read-model row was created and last changed; flattened into each object.
#[derive(SimpleObject)]
pub(crate) struct Times {
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Times {
    /// From a row's stored times.
    pub fn of(created_us: i64, updated_us: i64) -> Self {
        Self {
            created_at: time(created_us),
            updated_at: time(updated_us),
        }
    }
}

/// The version and times of an aggregate whose commands take `expectedVersion`.
#[derive(SimpleObject)]
pub(crate) struct Guarded {
    /// The aggregate's sequence number; pass it as `expectedVersion` to guard against lost updates.
    pub version: i64,
    #[graphql(flatten)]
    pub times: Times,
}

impl Guarded {
    /// From a row's version and stored times.
    pub fn of(version: i64, created_us: i64, updated_us: i64) -> Self {
        Self {
            version,
            times: Times::of(created_us, updated_us),
        }
    }
}
