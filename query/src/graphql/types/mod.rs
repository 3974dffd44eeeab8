//! GraphQL object types: clusters, droplets, jobs, audit events and the catalog, one file
//! each; the enums shared by objects and filters are here.

mod catalog;
mod cluster;
mod droplet;
mod event;
mod job;

pub use catalog::{Catalog, CatalogImage, CatalogRegion, CatalogSize};
pub use cluster::{Cluster, Label};
pub use droplet::Droplet;
pub use event::Event;
pub use job::{Job, JobTimelineEntry};

use async_graphql::Enum;
use chrono::{DateTime, Utc};

/// A stored time in microseconds as a GraphQL `DateTime`.
pub(crate) fn time(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

macro_rules! gql_enum {
    ($(#[$doc:meta])* $name:ident, $rs:literal, $remote:path $(, $extra:meta)* { $($v:ident),+ }) => {
        $(#[$doc])*
        #[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
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

gql_enum!(
    /// Lifecycle of a cluster.
    ClusterStatus, "schema::ClusterStatus", schema::ClusterStatus { Active, Deleted }
);
gql_enum!(
    /// Lifecycle of a droplet.
    DropletStatus, "schema::DropletStatus", schema::DropletStatus { Provisioning, Running, Failed, Stopped, Destroying, Destroyed }
);
gql_enum!(
    /// Lifecycle of a job.
    JobStatus, "schema::JobStatus", schema::JobStatus { Queued, Running, Completed, Failed, Cancelled }
);
gql_enum!(
    /// What a job does.
    JobType, "schema::JobType", schema::JobType { Provision, Destroy, Resize, Power, Scale, Diagnose }
);
gql_enum!(
    /// Kinds of aggregate in the event log.
    AggregateType, "schema::AggregateType", schema::AggregateType, rename_items = "PascalCase" { Cluster, Droplet, Job }
);
