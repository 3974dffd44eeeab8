//! The `clusters` read model: one row per cluster, its lifecycle folded by the aggregate.

use super::lifecycle::{Lifecycle, StateColumns};
use super::{Listed, Table};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::{json, json_opt, typed};
use crate::counts;
use crate::rows::{ChangedRow, LifecycleRow};
use command::aggregates::ClusterState;
use schema::{AggregateType, ClusterStatus};

/// A cluster as the API shows it: the aggregate's own [`ClusterState`] plus bookkeeping.
pub type ClusterRow = LifecycleRow<ClusterState>;

/// Filters of the `clusters` list.
#[derive(Debug, Clone, Default)]
pub struct ClusterFilter {
    pub name: Option<String>,
    pub region: Option<String>,
    pub status: Option<ClusterStatus>,
}

/// The `clusters` read model.
pub type Clusters = Lifecycle<ClusterState>;

impl StateColumns for ClusterState {
    const AGGREGATE: AggregateType = AggregateType::Cluster;
    const NAME: &'static str = "clusters";
    const COLUMNS: &'static str =
        "id, ordinal, name, region, labels, status, droplet_count, load, version, created_us, updated_us";

    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn statuses() -> Vec<&'static str> {
        ClusterStatus::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(ClusterState {
            name: row.text("name")?,
            region: row.text("region")?,
            labels: json(row, "labels")?,
            status: typed(row, "status", ClusterStatus::parse)?,
            droplet_count: row.int("droplet_count")?,
            load: json_opt(row, "load")?,
        })
    }
    fn bind<'q, Q: Bind<'q>>(&'q self, q: Q) -> Result<Q, serde_json::Error> {
        Ok(q.text(&self.name)
            .text(&self.region)
            .owned(serde_json::to_string(&self.labels)?)
            .text(self.status.as_str())
            .int(self.droplet_count)
            .owned_opt(self.load.map(|l| serde_json::to_string(&l)).transpose()?))
    }
    fn changed(row: &ClusterRow) -> Option<ChangedRow> {
        Some(ChangedRow::Cluster(row.clone()))
    }
}

impl Listed for Clusters {
    type Filter = ClusterFilter;
    fn filter(f: &ClusterFilter, w: &mut Where) -> Option<String> {
        w.like("name", &f.name);
        w.eq("region", f.region.as_deref());
        w.eq("status", f.status.map(|s| s.as_str()));
        (f.name.is_none() && f.region.is_none())
            .then(|| counts::key(Self::NAME, f.status.map(|s| s.as_str())))
    }
}
