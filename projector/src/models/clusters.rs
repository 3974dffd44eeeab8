//! The `clusters` read model: one row per cluster, its lifecycle folded by the aggregate.

use super::{versioned, Listed, ReadModel, Table};
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
        ClusterRow::decode(row, |row| {
            Ok(ClusterState {
                name: row.text("name")?,
                region: row.text("region")?,
                labels: json(row, "labels")?,
                status: typed(row, "status", ClusterStatus::parse)?,
                droplet_count: row.int("droplet_count")?,
            })
        })
    }
}

versioned!(ClusterRow, ClusterStatus);

impl ReadModel for Clusters {
    type Event = ClusterEvent;
    const AGGREGATE: AggregateType = AggregateType::Cluster;

    fn bind<'q, Q: Bind<'q>>(q: Q, r: &'q ClusterRow) -> Result<Q, serde_json::Error> {
        r.bind(q, |q, s| {
            Ok(q.text(&s.name)
                .text(&s.region)
                .owned(serde_json::to_string(&s.labels)?)
                .text(s.status.as_str())
                .int(s.droplet_count))
        })
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
