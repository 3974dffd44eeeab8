//! `HealthCheck`: a Gatus-style check of a URL, a host:port or a part of ClusterGenie — the
//! object with its results and uptime, its enums, its list filter, its queries and its
//! mutations.

use super::{time, Guarded};
use crate::errors;
use crate::graphql::filters::list_filter;
use crate::graphql::inputs::{self, parsed};
use crate::graphql::pagination::{self, Connection, ListInfo};
use crate::graphql::payloads::{caller, respond, single_payload};
use crate::graphql::query::{reads, state};
use crate::state::AppState;
use async_graphql::connection::Edge;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use command::handlers::CreateHealthCheck;
use command::health::ActiveCheck;
use command::RequestContext;
use projector::HealthCheckRow;
use schema::conditions::ConditionResult as StoredCondition;
use schema::health_check::{HealthCheckDraft, HealthCheckSpec, Watched};
use schema::{ClusterId, DropletId, HealthCheckId};
use store::health_results::StoredResult;

gql_enum!(
    /// What a health check probes.
    HealthCheckKind, "schema::values::HealthCheckKind", schema::values::HealthCheckKind { Http, Tcp, Internal }
);
gql_enum!(
    /// Whether a check's target answers, after its failure and success thresholds.
    HealthCheckState, "schema::values::HealthState", schema::values::HealthState { Unknown, Healthy, Unhealthy }
);
gql_enum!(
    /// Lifecycle of a health check.
    HealthCheckStatus, "schema::values::HealthCheckStatus", schema::values::HealthCheckStatus { Active, Deleted }
);

/// A Gatus-style health check.
pub struct HealthCheck(pub HealthCheckRow);

#[Object]
impl HealthCheck {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn name(&self) -> &str {
        &self.0.state.spec.name
    }
    async fn kind(&self) -> HealthCheckKind {
        self.0.state.spec.kind().into()
    }
    /// A URL (HTTP), `host:port` (TCP) or `database`, `broker`, `projector_lag`,
    /// `api_latency` (INTERNAL).
    async fn target(&self) -> String {
        self.0.state.spec.target.to_string()
    }
    /// Seconds between runs.
    async fn interval_seconds(&self) -> u32 {
        self.0.state.spec.interval_seconds
    }
    /// How long one run may take, in milliseconds.
    async fn timeout_ms(&self) -> u32 {
        self.0.state.spec.timeout_ms
    }
    /// Gatus conditions, normalized: `[STATUS] == 200`, `[RESPONSE_TIME] < 500`, …
    async fn conditions(&self) -> &[String] {
        &self.0.state.spec.conditions
    }
    /// Consecutive failed runs that turn it UNHEALTHY.
    async fn failure_threshold(&self) -> u32 {
        self.0.state.spec.failure_threshold
    }
    /// Consecutive successful runs that turn it HEALTHY.
    async fn success_threshold(&self) -> u32 {
        self.0.state.spec.success_threshold
    }
    /// Whether the scheduler runs it.
    async fn enabled(&self) -> bool {
        self.0.state.spec.enabled
    }
    /// The cluster it watches over (a diagnosis of the cluster or its droplets cites it).
    async fn cluster_id(&self) -> Option<ID> {
        match self.0.state.spec.watches {
            Some(Watched::Cluster(id)) => Some(ID(id.to_string())),
            _ => None,
        }
    }
    /// The droplet it watches over (a diagnosis of the droplet or its cluster cites it).
    async fn droplet_id(&self) -> Option<ID> {
        match self.0.state.spec.watches {
            Some(Watched::Droplet(id)) => Some(ID(id.to_string())),
            _ => None,
        }
    }
    /// Its health after the thresholds.
    async fn state(&self) -> HealthCheckState {
        self.0.state.health.into()
    }
    async fn status(&self) -> HealthCheckStatus {
        self.0.state.status.into()
    }
    #[graphql(flatten)]
    async fn guarded(&self) -> Guarded {
        Guarded::of(self.0.version, self.0.created_us, self.0.updated_us)
    }
    /// Its runs, newest first.
    async fn results(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<HealthCheckResult>> {
        let state = state(ctx);
        let (before, limit) = pagination::args(state, first, after)?;
        let store = state.health.scheduler.results();
        let mut rows = store
            .latest(&self.0.id, limit + 1, before)
            .await
            .map_err(errors::read)?;
        let has_next = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let total = store
            .uptime(&self.0.id, 0)
            .await
            .map_err(errors::read)?
            .runs;
        let mut connection = Connection::with_additional_fields(
            before.is_some(),
            has_next,
            ListInfo { total_count: total },
        );
        for row in rows {
            let cursor = pagination::encode(row.at_us);
            connection
                .edges
                .push(Edge::new(cursor, HealthCheckResult::from_stored(row)?));
        }
        Ok(connection)
    }
    /// The share of successful runs in the last `window`: `1h`, `24h` or `7d`.
    async fn uptime(&self, ctx: &Context<'_>, window: String) -> Result<Uptime> {
        let seconds = match window.trim() {
            "1h" => 3600,
            "24h" => 86_400,
            "7d" => 7 * 86_400,
            other => {
                return Err(errors::bad_input(format!(
                    "window: {} is not one of 1h, 24h, 7d",
                    schema::excerpt(other)
                )))
            }
        };
        let since = store::now_us() - seconds * 1_000_000;
        let counted = state(ctx)
            .health
            .scheduler
            .results()
            .uptime(&self.0.id, since)
            .await
            .map_err(errors::read)?;
        Ok(Uptime {
            window: window.trim().to_string(),
            runs: counted.runs,
            successes: counted.successes,
            ratio: (counted.runs > 0).then(|| counted.successes as f64 / counted.runs as f64),
        })
    }
}

/// Runs and successes in a window.
#[derive(SimpleObject)]
pub struct Uptime {
    /// `1h`, `24h` or `7d`.
    pub window: String,
    /// Runs in the window.
    pub runs: i64,
    /// Successful runs in the window.
    pub successes: i64,
    /// Successes ÷ runs; null without runs.
    pub ratio: Option<f64>,
}

/// One condition of a run.
#[derive(SimpleObject)]
pub struct ConditionResult {
    /// The condition, normalized.
    pub condition: String,
    /// Whether it held.
    pub success: bool,
    /// What the left side was (`(none)` when the run could not observe it).
    pub actual: String,
}

/// One run of a check.
#[derive(SimpleObject)]
pub struct HealthCheckResult {
    /// When it started.
    pub at: DateTime<Utc>,
    /// Whether every condition held.
    pub success: bool,
    /// How long it took.
    pub duration_ms: f64,
    /// HTTP status, when there was an answer.
    pub status: Option<i64>,
    /// Each condition's outcome.
    pub condition_results: Vec<ConditionResult>,
    /// Why the run could not observe its target.
    pub error: Option<String>,
}

impl HealthCheckResult {
    /// From the results store.
    pub fn from_stored(row: StoredResult) -> Result<Self> {
        let conditions: Vec<StoredCondition> =
            serde_json::from_str(&row.conditions).map_err(|e| {
                errors::coded(
                    errors::ErrorCode::Internal,
                    format!("stored condition results: {e}"),
                )
            })?;
        Ok(Self {
            at: time(row.at_us),
            success: row.success,
            duration_ms: row.duration_us as f64 / 1000.0,
            status: row.status,
            condition_results: conditions
                .into_iter()
                .map(|c| ConditionResult {
                    condition: c.condition,
                    success: c.success,
                    actual: c.actual,
                })
                .collect(),
            error: row.error,
        })
    }
}

list_filter!(
    /// Filters for `healthChecks`.
    HealthCheckFilter => projector::HealthCheckFilter {
        /// Substring of the name.
        name: String,
        kind: HealthCheckKind,
        /// Health after the thresholds.
        health: HealthCheckState,
        status: HealthCheckStatus,
        enabled: bool,
    }
);

reads!(HealthCheckQuery: health_check, health_checks -> HealthCheck, HealthCheckFilter, "One health check, or null.", "Health checks, oldest first.");

parsed!(ID => HealthCheckId);

/// Input of `createHealthCheck`. Omitted numbers take their defaults: every 60 s, a 10 s
/// timeout (or the interval, if shorter), 3 failures to turn UNHEALTHY, 2 successes to turn
/// HEALTHY.
#[derive(InputObject, Clone, Debug)]
pub struct CreateHealthCheckInput {
    /// Shown to operators; 1–100 characters.
    pub name: String,
    pub kind: HealthCheckKind,
    /// An http(s) URL (HTTP), `host:port` (TCP), or `database`, `broker`, `projector_lag`,
    /// `api_latency` (INTERNAL). Link-local and cloud metadata addresses are refused.
    pub target: String,
    /// Seconds between runs, 1–86400.
    pub interval_seconds: Option<i64>,
    /// Milliseconds one run may take, at least 10 and at most the interval.
    pub timeout_ms: Option<i64>,
    /// Gatus conditions: `[STATUS] == 200`, `[RESPONSE_TIME] < 500`, `[BODY].status == UP`,
    /// `[CONNECTED] == true`; at most 20.
    pub conditions: Option<Vec<String>>,
    /// Consecutive failed runs that turn it UNHEALTHY, 1–100.
    pub failure_threshold: Option<i64>,
    /// Consecutive successful runs that turn it HEALTHY, 1–100.
    pub success_threshold: Option<i64>,
    /// Whether it runs (default true).
    pub enabled: Option<bool>,
    /// The cluster it watches over: diagnoses of the cluster and its droplets cite its
    /// results. At most one of `clusterId` and `dropletId`; a check with neither is cited by
    /// every diagnosis.
    pub cluster_id: Option<ID>,
    /// The droplet it watches over: diagnoses of the droplet and its cluster cite its results.
    pub droplet_id: Option<ID>,
    /// A retried request with the same key returns the first result and appends nothing.
    pub idempotency_key: Option<String>,
}

/// Input of `updateHealthCheck`: the fields to change; the rest keep their values.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateHealthCheckInput {
    pub name: Option<String>,
    pub kind: Option<HealthCheckKind>,
    pub target: Option<String>,
    pub interval_seconds: Option<i64>,
    pub timeout_ms: Option<i64>,
    pub conditions: Option<Vec<String>>,
    pub failure_threshold: Option<i64>,
    pub success_threshold: Option<i64>,
    pub enabled: Option<bool>,
    /// Links the check to this cluster instead of what it watched; `null` removes the link.
    pub cluster_id: MaybeUndefined<ID>,
    /// Links the check to this droplet instead of what it watched; `null` removes the link.
    pub droplet_id: MaybeUndefined<ID>,
}

/// `clusterId` and `dropletId` as given: at most one, each a valid id.
fn watched(cluster_id: Option<ID>, droplet_id: Option<ID>) -> Result<Option<Watched>> {
    match (cluster_id, droplet_id) {
        (Some(_), Some(_)) => Err(errors::bad_input(
            "dropletId: a check watches a cluster or a droplet, not both",
        )),
        (Some(c), None) => Ok(Some(Watched::Cluster(inputs::parse::<_, ClusterId>(c)?))),
        (None, Some(d)) => Ok(Some(Watched::Droplet(inputs::parse::<_, DropletId>(d)?))),
        (None, None) => Ok(None),
    }
}

impl UpdateHealthCheckInput {
    /// The patch: the fields given, `watches` changed when either link field is given.
    fn draft(self) -> Result<HealthCheckDraft> {
        let i = self;
        let watches = if i.cluster_id.is_undefined() && i.droplet_id.is_undefined() {
            None
        } else {
            Some(watched(i.cluster_id.take(), i.droplet_id.take())?)
        };
        Ok(HealthCheckDraft {
            name: i.name,
            kind: i.kind.map(Into::into),
            target: i.target,
            interval_seconds: i.interval_seconds,
            timeout_ms: i.timeout_ms,
            conditions: i.conditions,
            failure_threshold: i.failure_threshold,
            success_threshold: i.success_threshold,
            enabled: i.enabled,
            watches,
        })
    }
}

impl CreateHealthCheckInput {
    /// The checked command input.
    fn parse(self, state: &AppState) -> Result<CreateHealthCheck> {
        let idempotency_key = inputs::idempotency_key(self.idempotency_key)?;
        let draft = HealthCheckDraft {
            name: Some(self.name),
            kind: Some(self.kind.into()),
            target: Some(self.target),
            interval_seconds: self.interval_seconds,
            timeout_ms: self.timeout_ms,
            conditions: self.conditions,
            failure_threshold: self.failure_threshold,
            success_threshold: self.success_threshold,
            enabled: self.enabled,
            watches: Some(watched(self.cluster_id, self.droplet_id)?),
        };
        let spec = HealthCheckSpec::parse(draft, state.health.policy).map_err(errors::refused)?;
        Ok(CreateHealthCheck {
            spec,
            idempotency_key,
        })
    }
}

single_payload!(
    /// Result of `createHealthCheck`, `updateHealthCheck` and `deleteHealthCheck`.
    HealthCheckPayload { health_check: HealthCheck },
    HealthCheckId
);

/// The one path of `createHealthCheck` (GraphQL and REST v1): parse, the command, then its
/// first run now rather than at the schedulers' next reading of the checks.
pub(crate) async fn create(
    state: &AppState,
    caller: &RequestContext,
    input: CreateHealthCheckInput,
) -> Result<HealthCheckPayload> {
    let input = input.parse(state)?;
    let payload: HealthCheckPayload =
        respond(state, state.commands.create_health_check(caller, input)).await?;
    if let Some(check) = &payload.health_check {
        let _ = state.health.scheduler.results().due_now(&check.0.id).await;
    }
    Ok(payload)
}

/// The one path of `updateHealthCheck` (GraphQL and REST v1).
pub(crate) async fn update(
    state: &AppState,
    caller: &RequestContext,
    id: ID,
    input: UpdateHealthCheckInput,
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
) -> Result<HealthCheckPayload> {
    let options = inputs::options(expected_version, idempotency_key)?;
    let id: HealthCheckId = inputs::parse(id)?;
    let policy = state.health.policy;
    let update = state
        .commands
        .update_health_check(caller, id, input.draft()?, policy, options);
    let payload = respond(state, update).await?;
    // A new interval or target takes effect now, not after the old interval.
    let _ = state
        .health
        .scheduler
        .results()
        .due_now(&id.to_string())
        .await;
    Ok(payload)
}

/// The one path of `deleteHealthCheck` (GraphQL and REST v1).
pub(crate) async fn delete(
    state: &AppState,
    caller: &RequestContext,
    id: ID,
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
) -> Result<HealthCheckPayload> {
    let options = inputs::options(expected_version, idempotency_key)?;
    let id = inputs::parse(id)?;
    respond(
        state,
        state.commands.delete_health_check(caller, id, options),
    )
    .await
}

/// The one path of `runHealthCheck` (GraphQL and REST v1): runs an active check now.
pub(crate) async fn run(state: &AppState, id: ID) -> Result<HealthCheckResult> {
    let id: HealthCheckId = inputs::parse(id)?;
    let (check, _) = state
        .commands
        .load::<command::aggregates::HealthCheck>(&id.to_string())
        .await
        .map_err(errors::command)?;
    let active = schema::values::HealthCheckStatus::Active;
    let Some(check) = check.state.filter(|c| c.status == active) else {
        return Err(errors::not_found(format!("health check {id} not found")));
    };
    let active = ActiveCheck {
        id,
        spec: check.spec,
        health: check.health,
    };
    let stored = state
        .health
        .scheduler
        .run_once(&active)
        .await
        .map_err(errors::command)?;
    HealthCheckResult::from_stored(stored)
}

/// Health-check mutations.
#[derive(Default)]
pub struct HealthCheckMutation;

#[Object]
impl HealthCheckMutation {
    /// Creates a health check; the scheduler runs it at once and then on its interval.
    async fn create_health_check(
        &self,
        ctx: &Context<'_>,
        input: CreateHealthCheckInput,
    ) -> Result<HealthCheckPayload> {
        let (state, caller) = caller(ctx);
        create(state, &caller, input).await
    }

    /// Changes the given fields of a check; the result is checked as a new check would be.
    async fn update_health_check(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateHealthCheckInput,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<HealthCheckPayload> {
        let (state, caller) = caller(ctx);
        update(state, &caller, id, input, expected_version, idempotency_key).await
    }

    /// Deletes a check; it runs no more (its results stay until the retention ends).
    async fn delete_health_check(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<HealthCheckPayload> {
        let (state, caller) = caller(ctx);
        delete(state, &caller, id, expected_version, idempotency_key).await
    }

    /// Runs a check now and answers with the run; it counts towards the thresholds like a
    /// scheduled run.
    async fn run_health_check(&self, ctx: &Context<'_>, id: ID) -> Result<HealthCheckResult> {
        run(state(ctx), id).await
    }
}
