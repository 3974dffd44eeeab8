//! The `rate_limit_rules` read model: one row per rule, folded by the RateLimitRule
//! aggregate. The API's rate limits read the ACTIVE rows ([`crate::ReadModels::list`] with
//! [`RateLimitRuleFilter::status`]) to decide which limit applies.

use super::lifecycle::{Lifecycle, StateColumns};
use super::{Listed, Table};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::{number, typed};
use crate::counts;
use crate::rows::{ChangedRow, LifecycleRow};
use command::aggregates::RateLimitRuleState;
use schema::rate_limits::{RateLimitRuleStatus, RateLimitScope};
use schema::AggregateType;

/// A rule as the API shows it.
pub type RateLimitRuleRow = LifecycleRow<RateLimitRuleState>;

/// The `rate_limit_rules` read model.
pub type RateLimitRules = Lifecycle<RateLimitRuleState>;

/// Filters of the `rateLimitRules` list.
#[derive(Debug, Clone, Default)]
pub struct RateLimitRuleFilter {
    /// The limiter, exactly.
    pub name: Option<String>,
    pub scope: Option<RateLimitScope>,
    /// The one user or cluster, exactly; `Some(None)` selects the rules for each user or
    /// cluster (and GLOBAL's), which have none.
    pub scope_id: Option<Option<String>>,
    pub status: Option<RateLimitRuleStatus>,
}

impl StateColumns for RateLimitRuleState {
    const AGGREGATE: AggregateType = AggregateType::RateLimitRule;
    const NAME: &'static str = "rate_limit_rules";
    const COLUMNS: &'static str = "id, ordinal, name, scope, scope_id, refill_rate, capacity, \
        status, version, created_us, updated_us";

    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn statuses() -> Vec<&'static str> {
        RateLimitRuleStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect()
    }
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(RateLimitRuleState {
            name: row.text("name")?,
            scope: typed(row, "scope", RateLimitScope::parse)?,
            scope_id: row.text_opt("scope_id")?,
            refill_rate: row.float("refill_rate")?,
            capacity: number(row, "capacity")?,
            status: typed(row, "status", RateLimitRuleStatus::parse)?,
        })
    }
    fn bind<'q, Q: Bind<'q>>(&'q self, q: Q) -> Result<Q, serde_json::Error> {
        Ok(q.text(&self.name)
            .text(self.scope.as_str())
            .text_opt(self.scope_id.as_deref())
            .float(self.refill_rate)
            .int(i64::from(self.capacity))
            .text(self.status.as_str()))
    }
    fn changed(_row: &RateLimitRuleRow) -> Option<ChangedRow> {
        None
    }
}

impl Listed for RateLimitRules {
    type Filter = RateLimitRuleFilter;
    fn filter(f: &RateLimitRuleFilter, w: &mut Where) -> Option<String> {
        w.eq("name", f.name.as_deref());
        w.eq("scope", f.scope.map(|s| s.as_str()));
        w.eq_or_null("scope_id", f.scope_id.as_ref().map(Option::as_deref));
        w.eq("status", f.status.map(|s| s.as_str()));
        let unfiltered = f.name.is_none() && f.scope.is_none() && f.scope_id.is_none();
        unfiltered.then(|| counts::key(Self::NAME, f.status.map(|s| s.as_str())))
    }
}
