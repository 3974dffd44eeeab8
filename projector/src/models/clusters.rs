//! The `clusters` read model: one row per cluster, its lifecycle folded by the aggregate.

use super::{Listed, ReadModel, Table};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::{json, typed};
use crate::counts;
use crate::fold::lifecycle_row;
use crate::rows::{ChangedRow, LifecycleRow};
use command::aggregates::ClusterState;
use command::StoredEvent;
use schema::{AggregateType, ClusterEvent, ClusterStatus};

/// A cluster as the API shows it: the aggregate's own [`ClusterState`] plus bookkeeping.
pub type ClusterRow = LifecycleRow<ClusterState>;

/// Filters of the `clusters` list.
#[derive(Debug, Clone, Default)]
pub struct ClusterFilter {
    pub name: Option<String>,
    pub region: Option<String>,
    pub status: Option<ClusterStatus>,
}

/// The `clusters` table.
pub struct Clusters;

impl Table for Clusters {
    type Row = ClusterRow;
    const NAME: &'static str = "clusters";
    const COLUMNS: &'static str =
        "id, ordinal, name, region, labels, status, droplet_count, version, created_us, updated_us";

    fn decode(row: &impl Columns) -> Result<ClusterRow, sqlx::Error> {
        Ok(ClusterRow {
            id: row.text("id")?,
            ordinal: row.int("ordinal")?,
            state: ClusterState {
                name: row.text("name")?,
                region: row.text("region")?,
                labels: json(row, "labels")?,
                status: typed(row, "status", ClusterStatus::parse)?,
                droplet_count: row.int("droplet_count")?,
            },
            version: row.int("version")?,
            created_us: row.int("created_us")?,
            updated_us: row.int("updated_us")?,
        })
    }
}

impl ReadModel for Clusters {
    type Event = ClusterEvent;
    const AGGREGATE: AggregateType = AggregateType::Cluster;

    fn statuses() -> Vec<&'static str> {
        ClusterStatus::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn id(row: &ClusterRow) -> &str {
        &row.id
    }
    fn version(row: &ClusterRow) -> i64 {
        row.version
    }
    fn status(row: &ClusterRow) -> &'static str {
        row.state.status.as_str()
    }
    fn bind<'q, Q: Bind<'q>>(q: Q, r: &'q ClusterRow) -> Result<Q, serde_json::Error> {
        let s = &r.state;
        Ok(q.text(&r.id)
            .int(r.ordinal)
            .text(&s.name)
            .text(&s.region)
            .owned(serde_json::to_string(&s.labels)?)
            .text(s.status.as_str())
            .int(s.droplet_count)
            .int(r.version)
            .int(r.created_us)
            .int(r.updated_us))
    }
    fn fold(
        row: Option<ClusterRow>,
        ordinal: i64,
        e: &StoredEvent,
        event: &ClusterEvent,
    ) -> Option<ClusterRow> {
        lifecycle_row(row, ordinal, e, event)
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
