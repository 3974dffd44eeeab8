//! Read-model rows: what queries return and subscriptions push. Each row type lives with its
//! read model in [`crate::models`]; this module names them all and holds the change record.

use crate::backend::{Bind, Columns};
pub use crate::models::audit::AuditRow;
pub use crate::models::clusters::ClusterRow;
pub use crate::models::droplets::DropletRow;
pub use crate::models::jobs::{JobRow, TimelineEntry};
use serde::{Deserialize, Serialize};

/// A row whose lifecycle fields are an aggregate's own state `S`, plus bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LifecycleRow<S> {
    /// The aggregate id.
    pub id: String,
    /// Creation order (the audit ordinal of the creating event).
    pub ordinal: i64,
    /// Every lifecycle field, as the aggregate folds them.
    #[serde(flatten)]
    pub state: S,
    /// The sequence of the last event applied.
    pub version: i64,
    /// When the creating event was recorded (µs).
    pub created_us: i64,
    /// When the last event was recorded (µs).
    pub updated_us: i64,
}

impl<S> LifecycleRow<S> {
    /// Decodes a row of `id, ordinal, …, version, created_us, updated_us`, its state's
    /// columns with `state`.
    pub(crate) fn decode<C: Columns>(
        row: &C,
        state: impl FnOnce(&C) -> Result<S, sqlx::Error>,
    ) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: row.text("id")?,
            ordinal: row.int("ordinal")?,
            state: state(row)?,
            version: row.int("version")?,
            created_us: row.int("created_us")?,
            updated_us: row.int("updated_us")?,
        })
    }

    /// Binds `id, ordinal`, the state's values with `state`, then `version, created_us,
    /// updated_us`: a table whose columns are in that order.
    pub(crate) fn bind<'q, Q: Bind<'q>>(
        &'q self,
        q: Q,
        state: impl FnOnce(Q, &'q S) -> Result<Q, serde_json::Error>,
    ) -> Result<Q, serde_json::Error> {
        let q = state(q.text(&self.id).int(self.ordinal), &self.state)?;
        Ok(q.int(self.version)
            .int(self.created_us)
            .int(self.updated_us))
    }
}

/// What one projected event changed, as pushed to live subscribers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The event.
    pub audit: AuditRow,
    /// The row it changed, if it belongs to a known aggregate type.
    pub row: Option<ChangedRow>,
}

/// The row an event changed, after the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "row")]
pub enum ChangedRow {
    Cluster(ClusterRow),
    Droplet(DropletRow),
    Job(JobRow),
}
