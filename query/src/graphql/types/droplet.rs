//! `Droplet`: a virtual machine.

use super::{time, Cluster, DropletStatus, Job};
use crate::graphql::pagination::Connection;
use crate::graphql::read_model::{find, list};
use crate::state::AppState;
use async_graphql::{Context, Object, Result, ID};
use chrono::{DateTime, Utc};
use projector::{DropletRow, JobFilter};

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
        find(ctx.data_unchecked::<AppState>(), &id.to_string()).await
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
        find(ctx.data_unchecked::<AppState>(), &id).await
    }
    /// Every job that worked on it, oldest first.
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Job>> {
        let filter = JobFilter {
            target_id: Some(self.0.id.clone()),
            ..Default::default()
        };
        list(ctx, first, after, filter, None).await
    }
}
