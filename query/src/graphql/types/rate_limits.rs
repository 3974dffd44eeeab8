//! `RateLimitRule`: how many requests of one limiter a user, a cluster or everyone may make
//! in a burst and how fast they come back — the object, its enums, its list filter, its
//! queries (with `rateLimitStatus`, a bucket's figures now) and its mutations.

use super::{time, Guarded};
use crate::errors::{self, ErrorCode};
use crate::graphql::filters::list_filter;
use crate::graphql::inputs::{self, parsed};
use crate::graphql::payloads::{caller, respond, single_payload};
use crate::graphql::query::{reads, state};
use crate::rate_limits::rules::Source;
use crate::rate_limits::rules::UserKey;
use crate::rate_limits::user_of;
use crate::state::AppState;
use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use command::handlers::CreateRateLimitRule;
use command::rate_limit::{Limit, LimitError};
use command::RequestContext;
use projector::RateLimitRuleRow;
use schema::rate_limits::{LimiterName, RuleTarget};
use schema::RateLimitRuleId;

gql_enum!(
    /// Whose requests share one bucket: each user's (or one user's), each cluster's (or one
    /// cluster's), or everyone's.
    RateLimitScope, "schema::rate_limits::RateLimitScope", schema::rate_limits::RateLimitScope { User, Cluster, Global }
);
gql_enum!(
    /// Lifecycle of a rate-limit rule.
    RateLimitRuleStatus, "schema::rate_limits::RateLimitRuleStatus", schema::rate_limits::RateLimitRuleStatus { Active, Deleted }
);

/// A rule: limiter `name`'s bucket for `scope` (and `scopeId`) holds `capacity` tokens and
/// gains `refillRate` per second; each request takes one.
pub struct RateLimitRule(pub RateLimitRuleRow);

#[Object]
impl RateLimitRule {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The limiter: `jobs` (job-starting mutations), `diagnosis`, `http`, or one to come.
    async fn name(&self) -> &str {
        &self.0.state.name
    }
    async fn scope(&self) -> RateLimitScope {
        self.0.state.scope.into()
    }
    /// The one user (USER) or cluster (CLUSTER) it is for; null for each of them.
    async fn scope_id(&self) -> Option<ID> {
        self.0.state.scope_id.clone().map(ID)
    }
    /// Tokens added per second.
    async fn refill_rate(&self) -> f64 {
        self.0.state.refill_rate
    }
    /// Most tokens the bucket holds: the largest burst.
    async fn capacity(&self) -> i64 {
        i64::from(self.0.state.capacity)
    }
    async fn status(&self) -> RateLimitRuleStatus {
        self.0.state.status.into()
    }
    #[graphql(flatten)]
    async fn guarded(&self) -> Guarded {
        Guarded::of(self.0.version, self.0.created_us, self.0.updated_us)
    }
}

list_filter!(
    /// Filters for `rateLimitRules`.
    RateLimitRuleFilter => projector::RateLimitRuleFilter {
        /// The limiter, exactly.
        name: String,
        scope: RateLimitScope,
        /// The user's or cluster's id, exactly.
        scope_id: String,
        status: RateLimitRuleStatus,
    }
);

reads!(RateLimitRuleQuery: rate_limit_rule, rate_limit_rules -> RateLimitRule, RateLimitRuleFilter, "One rate-limit rule, or null.", "Rate-limit rules, oldest first.");

parsed!(ID => RateLimitRuleId);

/// What decides a bucket's limit.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum RateLimitSource {
    /// A rule (`ruleId`).
    Rule,
    /// The limiter's built-in default (`CLUSTERGENIE_JOBS_RATE`, …).
    Default,
    /// Nothing: the bucket is not limited.
    Unlimited,
}

/// A bucket's figures now (taking nothing). The numbers are null when it is unlimited.
#[derive(SimpleObject)]
pub struct RateLimitStatus {
    pub name: String,
    pub scope: RateLimitScope,
    /// The user or cluster whose bucket this is (null for GLOBAL and for your own).
    pub scope_id: Option<ID>,
    pub source: RateLimitSource,
    /// The rule in force, when `source` is RULE.
    pub rule_id: Option<ID>,
    /// Most tokens the bucket holds.
    pub capacity: Option<i64>,
    /// Tokens left: requests allowed now.
    pub remaining: Option<i64>,
    /// Tokens added per second.
    pub refill_rate: Option<f64>,
    /// When the bucket is full again.
    pub reset_at: Option<DateTime<Utc>>,
    /// False when the store could not be asked and the open failure mode lets requests
    /// through unlimited (the figures are the limit's, not measurements).
    pub enforced: bool,
}

/// `rateLimitStatus`.
#[derive(Default)]
pub struct RateLimitStatusQuery;

#[Object]
impl RateLimitStatusQuery {
    /// The bucket of limiter `name` in `scope` for `scopeId` (a user id for USER — yours
    /// when omitted —, a cluster id for CLUSTER, none for GLOBAL), and which limit governs it.
    async fn rate_limit_status(
        &self,
        ctx: &Context<'_>,
        name: String,
        scope: RateLimitScope,
        scope_id: Option<ID>,
    ) -> Result<RateLimitStatus> {
        status(state(ctx), &user_of(ctx), name, scope, scope_id).await
    }
}

/// `rateLimitStatus`: the bucket of limiter `name` in `scope` for `scope_id` (`user`'s own
/// for USER without one), taking nothing.
pub(crate) async fn status(
    state: &AppState,
    user: &UserKey,
    name: String,
    scope: RateLimitScope,
    scope_id: Option<ID>,
) -> Result<RateLimitStatus> {
    let name = LimiterName::parse(&name).map_err(errors::refused)?;
    let target = RuleTarget::parse(scope.into(), scope_id.as_ref().map(|i| i.as_str()))
        .map_err(errors::refused)?;
    if target.scope_id.is_none() && scope == RateLimitScope::Cluster {
        return Err(errors::bad_input(
            "scopeId: a cluster id is needed for CLUSTER",
        ));
    }
    let status = state
        .rate_limits
        .status(
            name.as_str(),
            target.scope,
            target.scope_id.as_deref(),
            user,
        )
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "rate-limit status unavailable");
            errors::coded(
                ErrorCode::Unavailable,
                "the rate-limit store is unavailable; try again",
            )
        })?;
    let mut answer = RateLimitStatus {
        name: name.to_string(),
        scope,
        scope_id: target.scope_id.map(ID),
        source: RateLimitSource::Unlimited,
        rule_id: None,
        capacity: None,
        remaining: None,
        refill_rate: None,
        reset_at: None,
        enforced: true,
    };
    if let Some(s) = status {
        let reset = chrono::Duration::from_std(s.decision.reset_after).unwrap_or_default();
        (answer.source, answer.rule_id) = match s.source {
            Source::Rule(id) => (RateLimitSource::Rule, Some(ID(id))),
            Source::Default => (RateLimitSource::Default, None),
        };
        answer.capacity = Some(i64::from(s.limit.capacity()));
        answer.remaining = Some(i64::from(s.decision.remaining));
        answer.refill_rate = Some(s.limit.refill_per_sec());
        answer.reset_at = Some(time(store::now_us()) + reset);
        answer.enforced = s.decision.enforced;
    }
    Ok(answer)
}

/// The checked limit of `refillRate` and `capacity`.
fn limit(refill_rate: f64, capacity: i64) -> Result<Limit> {
    let capacity = u32::try_from(capacity)
        .map_err(|_| errors::bad_input(format!("capacity: must be 1–{}", u32::MAX)))?;
    Limit::new(refill_rate, capacity).map_err(|e| {
        let field = match e {
            LimitError::CapacityZero => "capacity",
            LimitError::RateNotPositive | LimitError::RateTooHigh => "refillRate",
            LimitError::FillTooSlow => "capacity",
        };
        errors::bad_input(format!("{field}: {e}"))
    })
}

/// Input of `createRateLimitRule`.
#[derive(InputObject, Clone, Debug)]
pub struct CreateRateLimitRuleInput {
    /// The limiter: `jobs`, `diagnosis`, `http`, or any other 1–64 of a-z, 0-9, '_', '-'.
    pub name: String,
    pub scope: RateLimitScope,
    /// A user id (USER) or cluster id (CLUSTER) for a rule of that one; omitted for each of
    /// them, and for GLOBAL.
    pub scope_id: Option<ID>,
    /// Tokens added per second, above 0.
    pub refill_rate: f64,
    /// Most tokens the bucket holds, at least 1.
    pub capacity: i64,
    /// A retried request with the same key returns the first result and appends nothing.
    pub idempotency_key: Option<String>,
}

impl CreateRateLimitRuleInput {
    /// The checked command input.
    fn parse(self) -> Result<CreateRateLimitRule> {
        let name = LimiterName::parse(&self.name).map_err(errors::refused)?;
        let target = RuleTarget::parse(
            self.scope.into(),
            self.scope_id.as_ref().map(|i| i.as_str()),
        )
        .map_err(errors::refused)?;
        Ok(CreateRateLimitRule {
            name,
            target,
            limit: limit(self.refill_rate, self.capacity)?,
            idempotency_key: inputs::idempotency_key(self.idempotency_key)?,
        })
    }
}

/// Input of `updateRateLimitRule`: the rule's new rate and capacity.
#[derive(InputObject, Clone, Debug)]
pub struct UpdateRateLimitRuleInput {
    /// Tokens added per second, above 0.
    pub refill_rate: f64,
    /// Most tokens the bucket holds, at least 1.
    pub capacity: i64,
}

single_payload!(
    /// Result of `createRateLimitRule`, `updateRateLimitRule` and `deleteRateLimitRule`.
    RateLimitRulePayload { rate_limit_rule: RateLimitRule },
    RateLimitRuleId
);

/// Rate-limit rule mutations.
#[derive(Default)]
pub struct RateLimitRuleMutation;

#[Object]
impl RateLimitRuleMutation {
    /// Creates a rule; one per (name, scope, scopeId).
    async fn create_rate_limit_rule(
        &self,
        ctx: &Context<'_>,
        input: CreateRateLimitRuleInput,
    ) -> Result<RateLimitRulePayload> {
        let (state, caller) = caller(ctx);
        create(state, &caller, input).await
    }

    /// Gives a rule another rate and capacity; its buckets keep what they owe.
    async fn update_rate_limit_rule(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateRateLimitRuleInput,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<RateLimitRulePayload> {
        let (state, caller) = caller(ctx);
        update(state, &caller, id, input, expected_version, idempotency_key).await
    }

    /// Deletes a rule: a less specific rule, or the limiter's default, applies again.
    async fn delete_rate_limit_rule(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<RateLimitRulePayload> {
        let (state, caller) = caller(ctx);
        delete(state, &caller, id, expected_version, idempotency_key).await
    }
}

/// `createRateLimitRule`: creates the rule and puts it in force here.
pub(crate) async fn create(
    state: &AppState,
    caller: &RequestContext,
    input: CreateRateLimitRuleInput,
) -> Result<RateLimitRulePayload> {
    let input = input.parse()?;
    let command = state.commands.create_rate_limit_rule(caller, input);
    in_force(state, respond(state, command).await).await
}

/// `updateRateLimitRule`: gives rule `id` another rate and capacity.
pub(crate) async fn update(
    state: &AppState,
    caller: &RequestContext,
    id: ID,
    input: UpdateRateLimitRuleInput,
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
) -> Result<RateLimitRulePayload> {
    let options = inputs::options(expected_version, idempotency_key)?;
    let id = inputs::parse(id)?;
    let limit = limit(input.refill_rate, input.capacity)?;
    let command = state
        .commands
        .update_rate_limit_rule(caller, id, limit, options);
    in_force(state, respond(state, command).await).await
}

/// `deleteRateLimitRule`: deletes rule `id`.
pub(crate) async fn delete(
    state: &AppState,
    caller: &RequestContext,
    id: ID,
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
) -> Result<RateLimitRulePayload> {
    let options = inputs::options(expected_version, idempotency_key)?;
    let id = inputs::parse(id)?;
    let command = state.commands.delete_rate_limit_rule(caller, id, options);
    in_force(state, respond(state, command).await).await
}

/// Puts a projected rule change in force on this instance before answering (the others
/// follow the change feed and their periodic reload).
async fn in_force(
    state: &AppState,
    payload: Result<RateLimitRulePayload>,
) -> Result<RateLimitRulePayload> {
    let payload = payload?;
    if payload.projected {
        if let Err(e) = state.rate_limits.reload().await {
            tracing::warn!(error = %e, "cannot read the rate-limit rules after a change");
        }
    }
    Ok(payload)
}
