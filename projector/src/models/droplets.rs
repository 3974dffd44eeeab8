//! The `droplets` read model: one row per droplet, its lifecycle folded by the aggregate.

use super::{versioned, Listed, ReadModel, Table};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::{typed, typed_opt};
use crate::counts;
use crate::fold::lifecycle_row;
use crate::rows::{ChangedRow, LifecycleRow};
use command::aggregates::DropletState;
use command::StoredEvent;
use schema::{AggregateType, ClusterId, DropletEvent, DropletStatus, JobId};

/// A droplet as the API shows it: the aggregate's own [`DropletState`] plus bookkeeping.
pub type DropletRow = LifecycleRow<DropletState>;

/// Filters of the `droplets` list.
#[derive(Debug, Clone, Default)]
pub struct DropletFilter {
    pub name: Option<String>,
    pub region: Option<String>,
    pub status: Option<DropletStatus>,
    pub cluster_id: Option<String>,
}

impl DropletFilter {
    /// Whether a row passes the filter (for live subscriptions).
    pub fn matches(&self, r: &DropletRow) -> bool {
        self.name
            .as_ref()
            .is_none_or(|n| r.state.name.contains(n.as_str()))
            && self.region.as_ref().is_none_or(|v| &r.state.region == v)
            && self.status.is_none_or(|v| r.state.status == v)
            && self
                .cluster_id
                .as_ref()
                .is_none_or(|v| r.state.cluster_id.is_some_and(|c| c.to_string() == *v))
    }
}

/// The `droplets` table.
pub struct Droplets;

impl Table for Droplets {
    type Row = DropletRow;
    const NAME: &'static str = "droplets";
    const COLUMNS: &'static str = "id, ordinal, name, cluster_id, region, size, image, status, ip, job_id, status_before_destroy, version, created_us, updated_us";

    fn decode(row: &impl Columns) -> Result<DropletRow, sqlx::Error> {
        DropletRow::decode(row, |row| {
            Ok(DropletState {
                name: row.text("name")?,
                cluster_id: typed_opt(row, "cluster_id", |s| s.parse::<ClusterId>().ok())?,
                region: row.text("region")?,
                size: row.text("size")?,
                image: row.text("image")?,
                status: typed(row, "status", DropletStatus::parse)?,
                ip: row.text_opt("ip")?,
                job_id: typed(row, "job_id", |s| s.parse::<JobId>().ok())?,
                status_before_destroy: typed_opt(
                    row,
                    "status_before_destroy",
                    DropletStatus::parse,
                )?,
            })
        })
    }
}

versioned!(DropletRow, DropletStatus);

impl ReadModel for Droplets {
    type Event = DropletEvent;
    const AGGREGATE: AggregateType = AggregateType::Droplet;

    fn bind<'q, Q: Bind<'q>>(q: Q, r: &'q DropletRow) -> Result<Q, serde_json::Error> {
        r.bind(q, |q, s| {
            Ok(q.text(&s.name)
                .owned_opt(s.cluster_id.map(|c| c.to_string()))
                .text(&s.region)
                .text(&s.size)
                .text(&s.image)
                .text(s.status.as_str())
                .text_opt(s.ip.as_deref())
                .owned(s.job_id.to_string())
                .text_opt(s.status_before_destroy.map(|st| st.as_str())))
        })
    }
    fn fold(
        row: Option<DropletRow>,
        ordinal: i64,
        e: &StoredEvent,
        event: &DropletEvent,
    ) -> Option<DropletRow> {
        lifecycle_row(row, ordinal, e, event)
    }
    fn changed(row: &DropletRow) -> Option<ChangedRow> {
        Some(ChangedRow::Droplet(row.clone()))
    }
}

impl Listed for Droplets {
    type Filter = DropletFilter;
    fn filter(f: &DropletFilter, w: &mut Where) -> Option<String> {
        w.like("name", &f.name);
        w.eq("region", f.region.as_deref());
        w.eq("status", f.status.map(|s| s.as_str()));
        w.eq("cluster_id", f.cluster_id.as_deref());
        (f.name.is_none() && f.region.is_none() && f.cluster_id.is_none())
            .then(|| counts::key(Self::NAME, f.status.map(|s| s.as_str())))
    }
}
