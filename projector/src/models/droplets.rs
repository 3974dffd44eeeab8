//! The `droplets` read model: one row per droplet, its lifecycle folded by the aggregate.

use super::lifecycle::{Lifecycle, StateColumns};
use super::{Listed, Table};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::{json_opt, typed, typed_opt};
use crate::counts;
use crate::rows::{ChangedRow, LifecycleRow};
use command::aggregates::DropletState;
use schema::{AggregateType, ClusterId, DropletStatus, JobId};

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

/// The `droplets` read model.
pub type Droplets = Lifecycle<DropletState>;

impl StateColumns for DropletState {
    const AGGREGATE: AggregateType = AggregateType::Droplet;
    const NAME: &'static str = "droplets";
    const COLUMNS: &'static str = "id, ordinal, name, cluster_id, region, size, image, status, ip, job_id, status_before_destroy, load, version, created_us, updated_us";

    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn statuses() -> Vec<&'static str> {
        DropletStatus::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(DropletState {
            name: row.text("name")?,
            cluster_id: typed_opt(row, "cluster_id", |s| s.parse::<ClusterId>().ok())?,
            region: row.text("region")?,
            size: row.text("size")?,
            image: row.text("image")?,
            status: typed(row, "status", DropletStatus::parse)?,
            ip: row.text_opt("ip")?,
            job_id: typed(row, "job_id", |s| s.parse::<JobId>().ok())?,
            status_before_destroy: typed_opt(row, "status_before_destroy", DropletStatus::parse)?,
            load: json_opt(row, "load")?,
        })
    }
    fn bind<'q, Q: Bind<'q>>(&'q self, q: Q) -> Result<Q, serde_json::Error> {
        Ok(q.text(&self.name)
            .owned_opt(self.cluster_id.map(|c| c.to_string()))
            .text(&self.region)
            .text(&self.size)
            .text(&self.image)
            .text(self.status.as_str())
            .text_opt(self.ip.as_deref())
            .owned(self.job_id.to_string())
            .text_opt(self.status_before_destroy.map(|st| st.as_str()))
            .owned_opt(self.load.map(|l| serde_json::to_string(&l)).transpose()?))
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
