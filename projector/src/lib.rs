//! ClusterGenie's read side: projections from the event log into queryable tables.
//!
//! - [`fold`]: how each event changes its read-model row (pure).
//! - [`projection`]: applies a batch and its checkpoint in one transaction.
//! - [`runner`]: the projector loop and the live change feed.
//! - [`rebuild`]: `clustergenie replay`.
//! - [`reads`]: the queries the API runs.
//! - [`counts`]: row counts kept for `totalCount`.

pub mod counts;
pub mod fold;
pub mod projection;
pub mod reads;
pub mod rebuild;
pub mod rows;
pub mod runner;
mod tables;

pub use projection::{table_of, Checkpoint};
pub use reads::{ClusterFilter, DropletFilter, EventFilter, JobFilter, Page, ReadModels, Slice};
pub use rows::{AuditRow, Change, ChangedRow, ClusterRow, DropletRow, JobRow, TimelineEntry};
pub use runner::{ChangeFeed, Projector};
