//! The `health_checks` read model: one row per check, its lifecycle and health folded by the
//! aggregate. The columns before `spec` repeat parts of it for the list filters.

use super::lifecycle::{Lifecycle, StateColumns};
use super::{Listed, Table};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::{json, typed};
use crate::counts;
use crate::rows::{ChangedRow, LifecycleRow};
use command::aggregates::HealthCheckState;
use schema::values::{HealthCheckKind, HealthCheckStatus, HealthState};
use schema::AggregateType;

/// A health check as the API shows it.
pub type HealthCheckRow = LifecycleRow<HealthCheckState>;

/// Filters of the `healthChecks` list.
#[derive(Debug, Clone, Default)]
pub struct HealthCheckFilter {
    pub name: Option<String>,
    pub kind: Option<HealthCheckKind>,
    pub health: Option<HealthState>,
    pub status: Option<HealthCheckStatus>,
    pub enabled: Option<bool>,
}

/// The `health_checks` read model.
pub type HealthChecks = Lifecycle<HealthCheckState>;

impl StateColumns for HealthCheckState {
    const AGGREGATE: AggregateType = AggregateType::HealthCheck;
    const NAME: &'static str = "health_checks";
    const COLUMNS: &'static str = "id, ordinal, name, kind, target, enabled, spec, health, status, version, created_us, updated_us";

    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn statuses() -> Vec<&'static str> {
        HealthCheckStatus::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(HealthCheckState {
            spec: json(row, "spec")?,
            health: typed(row, "health", HealthState::parse)?,
            status: typed(row, "status", HealthCheckStatus::parse)?,
        })
    }
    fn bind<'q, Q: Bind<'q>>(&'q self, q: Q) -> Result<Q, serde_json::Error> {
        Ok(q.text(&self.spec.name)
            .text(self.spec.kind().as_str())
            .owned(self.spec.target.to_string())
            .int(i64::from(self.spec.enabled))
            .owned(serde_json::to_string(&self.spec)?)
            .text(self.health.as_str())
            .text(self.status.as_str()))
    }
    fn changed(_row: &HealthCheckRow) -> Option<ChangedRow> {
        // Its results have their own subscription (`healthCheckResults`).
        None
    }
}

impl Listed for HealthChecks {
    type Filter = HealthCheckFilter;
    fn filter(f: &HealthCheckFilter, w: &mut Where) -> Option<String> {
        w.like("name", &f.name);
        w.eq("kind", f.kind.map(|k| k.as_str()));
        w.eq("health", f.health.map(|h| h.as_str()));
        w.eq("status", f.status.map(|s| s.as_str()));
        w.num("enabled", "=", f.enabled.map(i64::from));
        let unfiltered =
            f.name.is_none() && f.kind.is_none() && f.health.is_none() && f.enabled.is_none();
        unfiltered.then(|| counts::key(Self::NAME, f.status.map(|s| s.as_str())))
    }
}
