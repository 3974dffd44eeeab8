//! GraphQL object types: clusters, droplets, jobs, audit events and the catalog.

use super::pagination::{self, Connection};
use crate::errors;
use crate::state::AppState;
use async_graphql::{Context, Enum, Json, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use projector::{AuditRow, ClusterRow, DropletFilter, DropletRow, JobFilter, JobRow};

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

/// A key/value label.
#[derive(SimpleObject, Clone, Debug)]
pub struct Label {
    pub key: String,
    pub value: String,
}

/// A named group of droplets in one region.
pub struct Cluster(pub ClusterRow);

#[Object]
impl Cluster {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn name(&self) -> &str {
        &self.0.state.name
    }
    async fn region(&self) -> &str {
        &self.0.state.region
    }
    async fn labels(&self) -> Vec<Label> {
        self.0
            .state
            .labels
            .iter()
            .map(|(k, v)| Label {
                key: k.clone(),
                value: v.clone(),
            })
            .collect()
    }
    async fn status(&self) -> ClusterStatus {
        self.0.state.status.into()
    }
    /// Droplets in the cluster that are not destroyed.
    async fn droplet_count(&self) -> i64 {
        self.0.state.droplet_count
    }
    /// The aggregate's sequence number; pass it as `expectedVersion` to guard against lost updates.
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        time(self.0.created_us)
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        time(self.0.updated_us)
    }
    /// The cluster's droplets, oldest first.
    async fn droplets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Droplet>> {
        let state = ctx.data_unchecked::<AppState>();
        let (after, limit) = pagination::args(state, first, after)?;
        let filter = DropletFilter {
            cluster_id: Some(self.0.id.clone()),
            ..Default::default()
        };
        let page = state
            .reads
            .droplets(&filter, after, limit, pagination::wants_total(ctx))
            .await
            .map_err(errors::read)?;
        Ok(pagination::connection(page, |d| d.ordinal, Droplet))
    }
}

/// A virtual machine.
pub struct Droplet(pub DropletRow);

#[Object]
impl Droplet {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn name(&self) -> &str {
        &self.0.state.name
    }
    async fn cluster_id(&self) -> Option<ID> {
        self.0.state.cluster_id.map(|c| ID(c.to_string()))
    }
    async fn cluster(&self, ctx: &Context<'_>) -> Result<Option<Cluster>> {
        let Some(id) = self.0.state.cluster_id else {
            return Ok(None);
        };
        let state = ctx.data_unchecked::<AppState>();
        Ok(state
            .reads
            .cluster(&id.to_string())
            .await
            .map_err(errors::read)?
            .map(Cluster))
    }
    async fn region(&self) -> &str {
        &self.0.state.region
    }
    async fn size(&self) -> &str {
        &self.0.state.size
    }
    async fn image(&self) -> &str {
        &self.0.state.image
    }
    async fn status(&self) -> DropletStatus {
        self.0.state.status.into()
    }
    /// Its address once RUNNING.
    async fn ip(&self) -> Option<&str> {
        self.0.state.ip.as_deref()
    }
    /// The aggregate's sequence number; pass it as `expectedVersion` to guard against lost updates.
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        time(self.0.created_us)
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        time(self.0.updated_us)
    }
    /// The most recent job started for it.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        let id = self.0.state.job_id.to_string();
        let state = ctx.data_unchecked::<AppState>();
        Ok(state.reads.job(&id).await.map_err(errors::read)?.map(Job))
    }
    /// Every job that worked on it, oldest first.
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Job>> {
        let state = ctx.data_unchecked::<AppState>();
        let (after, limit) = pagination::args(state, first, after)?;
        let filter = JobFilter {
            target_id: Some(self.0.id.clone()),
            ..Default::default()
        };
        let page = state
            .reads
            .jobs(&filter, after, limit, pagination::wants_total(ctx))
            .await
            .map_err(errors::read)?;
        Ok(pagination::connection(page, |j| j.ordinal, Job))
    }
}

/// One step in a job's history.
#[derive(SimpleObject, Clone, Debug)]
pub struct JobTimelineEntry {
    pub at: DateTime<Utc>,
    pub status: JobStatus,
    pub stage: String,
    pub progress: i64,
    pub message: String,
}

/// A unit of long-running work.
#[derive(Clone)]
pub struct Job(pub JobRow);

#[Object]
impl Job {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    #[graphql(name = "type")]
    async fn job_type(&self) -> JobType {
        self.0.state.job_type.into()
    }
    async fn status(&self) -> JobStatus {
        self.0.state.status.into()
    }
    /// 0–100; never goes backwards.
    async fn progress(&self) -> i64 {
        i64::from(self.0.state.progress)
    }
    async fn stage(&self) -> &str {
        &self.0.state.stage
    }
    async fn message(&self) -> &str {
        &self.0.message
    }
    async fn target_type(&self) -> &str {
        self.0.state.target_type.as_str()
    }
    async fn target_id(&self) -> ID {
        ID(self.0.state.target_id.clone())
    }
    /// Attempts started so far.
    async fn attempts(&self) -> i64 {
        i64::from(self.0.state.attempts)
    }
    async fn max_attempts(&self) -> i64 {
        i64::from(self.0.state.max_attempts)
    }
    /// The worker holding the job's lease.
    async fn worker(&self) -> Option<&str> {
        self.0.state.worker.as_deref()
    }
    async fn lease_expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.state.lease_expires_at
    }
    /// When a failed attempt will be retried.
    async fn retry_at(&self) -> Option<DateTime<Utc>> {
        self.0.state.not_before
    }
    /// The last error.
    async fn error(&self) -> Option<&str> {
        self.0.state.error.as_deref()
    }
    async fn result(&self) -> Option<Json<serde_json::Value>> {
        self.0.state.result.clone().map(Json)
    }
    /// Every status and stage change.
    async fn timeline(&self) -> Vec<JobTimelineEntry> {
        self.0
            .timeline
            .iter()
            .map(|t| JobTimelineEntry {
                at: time(t.at_us),
                status: t.status.into(),
                stage: t.stage.clone(),
                progress: t.progress,
                message: t.message.clone(),
            })
            .collect()
    }
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        time(self.0.created_us)
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        time(self.0.updated_us)
    }
}

/// One event of the audit log.
#[derive(Clone)]
pub struct Event(pub AuditRow);

#[Object]
impl Event {
    /// Global position: strictly increasing, as returned by mutations.
    async fn position(&self) -> i64 {
        self.0.position
    }
    /// Pagination cursor of the event in the audit log (null in `history`).
    async fn cursor(&self) -> Option<String> {
        (self.0.ordinal > 0).then(|| pagination::encode(self.0.ordinal))
    }
    #[graphql(name = "type")]
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// Payload version of the event type.
    async fn version(&self) -> &str {
        &self.0.event_version
    }
    async fn event_id(&self) -> ID {
        ID(self.0.event_id.clone())
    }
    async fn aggregate_type(&self) -> &str {
        &self.0.aggregate_type
    }
    async fn aggregate_id(&self) -> ID {
        ID(self.0.aggregate_id.clone())
    }
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }
    async fn recorded_at(&self) -> DateTime<Utc> {
        time(self.0.recorded_us)
    }
    /// Who caused it: a user, `anonymous` or `system:worker`.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    async fn correlation_id(&self) -> &str {
        &self.0.correlation_id
    }
    async fn causation_id(&self) -> &str {
        &self.0.causation_id
    }
    async fn payload(&self) -> Json<serde_json::Value> {
        Json(self.0.payload.clone())
    }
    /// Actor, correlation, causation and W3C trace context.
    async fn metadata(&self) -> Json<serde_json::Value> {
        Json(self.0.metadata.clone())
    }
}

/// A datacenter region.
#[derive(SimpleObject, Clone, Debug)]
pub struct CatalogRegion {
    pub slug: String,
    pub name: String,
}

/// A droplet size.
#[derive(SimpleObject, Clone, Debug)]
pub struct CatalogSize {
    pub slug: String,
    pub vcpus: i32,
    pub memory_mb: i32,
    pub disk_gb: i32,
    pub price_monthly: f64,
}

/// An image.
#[derive(SimpleObject, Clone, Debug)]
pub struct CatalogImage {
    pub slug: String,
    pub name: String,
    pub distribution: String,
}

/// What droplets can be created with.
#[derive(SimpleObject, Clone, Debug)]
pub struct Catalog {
    pub regions: Vec<CatalogRegion>,
    pub sizes: Vec<CatalogSize>,
    pub images: Vec<CatalogImage>,
}

impl Catalog {
    /// The built-in catalog.
    pub fn load() -> Self {
        let c = schema::Catalog;
        Self {
            regions: c
                .regions()
                .iter()
                .map(|r| CatalogRegion {
                    slug: r.slug.into(),
                    name: r.name.into(),
                })
                .collect(),
            sizes: c
                .sizes()
                .iter()
                .map(|s| CatalogSize {
                    slug: s.slug.into(),
                    vcpus: s.vcpus as i32,
                    memory_mb: s.memory_mb as i32,
                    disk_gb: s.disk_gb as i32,
                    price_monthly: s.price_monthly,
                })
                .collect(),
            images: c
                .images()
                .iter()
                .map(|i| CatalogImage {
                    slug: i.slug.into(),
                    name: i.name.into(),
                    distribution: i.distribution.into(),
                })
                .collect(),
        }
    }
}
