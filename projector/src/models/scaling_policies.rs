//! The `scaling_policies` read model: one row per policy, its lifecycle folded by the
//! ScalingPolicy aggregate. The columns before `spec` repeat parts of it for the list
//! filters; the autoscaler reads the ACTIVE rows to know what to evaluate.

use super::lifecycle::{Lifecycle, StateColumns};
use super::{Listed, Table};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::{json, typed};
use crate::counts;
use crate::rows::{ChangedRow, LifecycleRow};
use command::aggregates::ScalingPolicyState;
use schema::autoscale::{ScalingMetric, ScalingMode};
use schema::scaling_policy::ScalingPolicyStatus;
use schema::AggregateType;

/// A policy as the API shows it.
pub type ScalingPolicyRow = LifecycleRow<ScalingPolicyState>;

/// The `scaling_policies` read model.
pub type ScalingPolicies = Lifecycle<ScalingPolicyState>;

/// Filters of the `scalingPolicies` list.
#[derive(Debug, Clone, Default)]
pub struct ScalingPolicyFilter {
    /// The cluster scaled.
    pub cluster_id: Option<String>,
    /// Substring of the name.
    pub name: Option<String>,
    pub mode: Option<ScalingMode>,
    pub metric: Option<ScalingMetric>,
    pub status: Option<ScalingPolicyStatus>,
}

impl StateColumns for ScalingPolicyState {
    const AGGREGATE: AggregateType = AggregateType::ScalingPolicy;
    const NAME: &'static str = "scaling_policies";
    const COLUMNS: &'static str =
        "id, ordinal, cluster_id, name, mode, metric, spec, status, version, created_us, updated_us";

    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn statuses() -> Vec<&'static str> {
        ScalingPolicyStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect()
    }
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(ScalingPolicyState {
            cluster_id: typed(row, "cluster_id", |s| s.parse::<schema::ClusterId>().ok())?,
            spec: json(row, "spec")?,
            status: typed(row, "status", ScalingPolicyStatus::parse)?,
        })
    }
    fn bind<'q, Q: Bind<'q>>(&'q self, q: Q) -> Result<Q, serde_json::Error> {
        Ok(q.owned(self.cluster_id.to_string())
            .text(&self.spec.name)
            .text(self.spec.mode.as_str())
            .text(self.spec.metric.as_str())
            .owned(serde_json::to_string(&self.spec)?)
            .text(self.status.as_str()))
    }
    fn changed(_row: &ScalingPolicyRow) -> Option<ChangedRow> {
        None
    }
}

impl Listed for ScalingPolicies {
    type Filter = ScalingPolicyFilter;
    fn filter(f: &ScalingPolicyFilter, w: &mut Where) -> Option<String> {
        w.eq("cluster_id", f.cluster_id.as_deref());
        w.like("name", &f.name);
        w.eq("mode", f.mode.map(|m| m.as_str()));
        w.eq("metric", f.metric.map(|m| m.as_str()));
        w.eq("status", f.status.map(|s| s.as_str()));
        let unfiltered =
            f.cluster_id.is_none() && f.name.is_none() && f.mode.is_none() && f.metric.is_none();
        unfiltered.then(|| counts::key(Self::NAME, f.status.map(|s| s.as_str())))
    }
}
