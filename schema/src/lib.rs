//! ClusterGenie's shared vocabulary: domain events, ids, value types and the catalog.
//!
//! Nothing here performs I/O. Every other crate depends on this one; it depends on none of them.

pub mod autoscale;
pub mod catalog;
pub mod conditions;
pub mod diagnosis;
pub mod events;
pub mod health_check;
pub mod health_target;
pub mod ids;
pub mod logs;
pub mod metadata;
pub mod metrics;
pub mod rate_limits;
pub mod scaling_policy;
pub mod users;
pub mod values;

pub use catalog::{Catalog, Image, Region, Size};
pub use events::{
    ApiTokenEvent, ClusterEvent, DiagnosisEvent, DomainEventKind, DropletEvent, HealthCheckEvent,
    JobEvent, RateLimitRuleEvent, ScalingPolicyEvent, UpcastError, UserEvent,
};
pub use ids::{
    ApiTokenId, ClusterId, DiagnosisId, DropletId, HealthCheckId, InvalidId, JobId,
    RateLimitRuleId, ScalingPolicyId, UserId,
};
pub use metadata::EventMetadata;
pub use values::{
    excerpt, AggregateType, ClusterName, ClusterStatus, DropletName, DropletStatus, IdempotencyKey,
    JobStatus, JobType, Labels, ValueError,
};
