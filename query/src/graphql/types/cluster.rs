//! `Cluster`: a named group of droplets in one region.

use super::{time, ClusterStatus, Droplet};
use crate::graphql::pagination::Connection;
use crate::graphql::read_model::list;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use projector::{ClusterRow, DropletFilter};

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
        let filter = DropletFilter {
            cluster_id: Some(self.0.id.clone()),
            ..Default::default()
        };
        list(ctx, first, after, filter, None).await
    }
}
