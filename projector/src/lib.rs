//! ClusterGenie's read side: projections from the event log into queryable tables.
//!
//! - [`models`]: the read models, one module each behind [`models::ReadModel`], and the one
//!   list of them that everything below iterates.
//! - [`fold`]: the aggregate's own transition function, applied to rows.
//! - [`projection`]: applies a batch and its checkpoint in one transaction.
//! - [`runner`]: the projector loop and the live change feed.
//! - [`rebuild`]: `clustergenie replay`.
//! - [`reads`]: the queries the API runs, and the dump that compares two builds.
//! - [`counts`]: row counts kept for `totalCount`.
//! - [`backend`]: the little the SQL needs from a driver, so it is written once.
//! - [`evidence`] and [`scaling`]: what a diagnosis and the autoscaler read.

pub mod backend;
mod batch;
pub mod checkpoint;
mod clause;
mod codec;
pub mod counts;
mod dump;
mod error;
pub mod evidence;
pub mod fold;
pub mod models;
mod page;
pub mod projection;
pub mod reads;
pub mod rebuild;
pub mod rows;
pub mod runner;
pub mod scaling;
mod table_io;

pub use checkpoint::Checkpoint;
pub use clause::Where;
pub use error::ProjectorError;
pub use models::audit::EventFilter;
pub use models::clusters::ClusterFilter;
pub use models::diagnoses::{DiagnosisFilter, DiagnosisRow};
pub use models::droplets::DropletFilter;
pub use models::health_checks::{HealthCheckFilter, HealthCheckRow};
pub use models::jobs::JobFilter;
pub use models::rate_limit_rules::{RateLimitRuleFilter, RateLimitRuleRow};
pub use models::scaling_policies::{ScalingPolicyFilter, ScalingPolicyRow};
pub use models::table_of;
pub use models::users::{ApiTokenFilter, ApiTokenRow, UserFilter, UserRow};
pub use page::{Page, Slice};
pub use reads::ReadModels;
pub use rows::{AuditRow, Change, ChangedRow, ClusterRow, DropletRow, JobRow, TimelineEntry};
pub use runner::{ChangeFeed, Projector};
