//! What the autoscaler decided for a policy: its recorded decisions (`decisions`, from the
//! policy's `ScalingDecided` events, each with what its SCALE job did), its latest
//! evaluation (`lastEvaluation`, also when nothing changed) and `evaluateScalingPolicy`.

use super::{Job, ScalingPolicy};
use crate::errors;
use crate::graphql::inputs;
use crate::graphql::pagination::{self, Connection, ListInfo};
use crate::graphql::payloads::{caller, settle};
use crate::graphql::query::state;
use crate::graphql::read_model::find;
use crate::state::AppState;
use async_graphql::connection::Edge;
use async_graphql::{Context, Json, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use schema::autoscale::{ScaleOutcome, ScalePlan};
use schema::events::upcast;
use schema::{AggregateType, JobId, ScalingPolicyEvent, ScalingPolicyId};

gql_enum!(
    /// The rule that held a decision away from what the metric alone asked for.
    CappedBy, "schema::autoscale::CappedBy", schema::autoscale::CappedBy { Min, Max, Step, Stabilization, Cooldown, Cost }
);
gql_enum!(
    /// What came of an evaluation: SCALING (a SCALE job carries it out), DRY_RUN (recorded,
    /// not carried out), NO_CHANGE, HELD (a change waits; see `note`) or PREVIEW (nothing
    /// recorded).
    EvaluationOutcome, "schema::autoscale::EvaluationOutcome", schema::autoscale::EvaluationOutcome { Scaling, DryRun, NoChange, Held, Preview }
);

/// One evaluation's arithmetic: what the cluster had, what it should have, and why.
pub struct ScalingDecision(pub schema::autoscale::ScalingDecision);

#[Object]
impl ScalingDecision {
    /// When the evaluation ran.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Droplets the cluster had.
    async fn current(&self) -> u32 {
        self.0.current
    }
    /// Droplets it should have (VERTICAL: the same count, resized).
    async fn desired(&self) -> u32 {
        self.0.desired
    }
    /// VERTICAL: the size the cluster's droplets had (the one most of them had); null for
    /// HORIZONTAL.
    async fn current_size(&self) -> Option<&str> {
        self.0.sizes.as_ref().map(|s| s.current.as_str())
    }
    /// VERTICAL: the size they should have.
    async fn desired_size(&self) -> Option<&str> {
        self.0.sizes.as_ref().map(|s| s.desired.as_str())
    }
    /// The metric as compared with the target (queue depth per droplet for QUEUE_DEPTH);
    /// null without samples in the window.
    async fn metric_value(&self) -> Option<f64> {
        self.0.metric_value
    }
    async fn target(&self) -> f64 {
        self.0.target
    }
    /// Every rule that shaped the decision, in words ("desired 9 capped by max 8").
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// The rule that held `desired` away from what the metric asked for.
    async fn capped_by(&self) -> Option<CappedBy> {
        self.0.capped_by.map(Into::into)
    }
    /// Decided without acting (a dry-run policy, or a preview).
    async fn dry_run(&self) -> bool {
        self.0.dry_run
    }
    /// Everything the arithmetic looked at (the metric, the recent recommendations and
    /// scalings, the price per droplet…), so the decision can be recomputed.
    async fn inputs(&self) -> Json<serde_json::Value> {
        Json(serde_json::to_value(&self.0.inputs).unwrap_or_default())
    }
}

/// An evaluation as `lastEvaluation` and `evaluateScalingPolicy` show it.
pub struct ScalingEvaluation(pub schema::autoscale::Evaluation);

#[Object]
impl ScalingEvaluation {
    async fn decision(&self) -> ScalingDecision {
        ScalingDecision(self.0.decision.clone())
    }
    async fn outcome(&self) -> EvaluationOutcome {
        self.0.outcome.into()
    }
    /// Why a wanted change waits ("waiting for SCALE job …", "the policy is PAUSED").
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The SCALE job it queued.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        job(ctx, self.0.job_id).await
    }
}

async fn job(ctx: &Context<'_>, id: Option<JobId>) -> Result<Option<Job>> {
    match id {
        Some(id) => find(ctx.data_unchecked::<AppState>(), &id.to_string()).await,
        None => Ok(None),
    }
}

/// What a SCALE job did.
#[derive(SimpleObject)]
pub struct ScaleResult {
    /// Droplets it created.
    pub created: Vec<String>,
    /// Droplets it destroyed.
    pub destroyed: Vec<String>,
    /// Droplets it resized (VERTICAL).
    pub resized: Vec<String>,
    /// Steps it could not take, each with why ("web-3: a job is pending on it").
    pub skipped: Vec<String>,
}

impl From<ScaleOutcome> for ScaleResult {
    fn from(o: ScaleOutcome) -> Self {
        Self {
            created: o.created,
            destroyed: o.destroyed,
            resized: o.resized,
            skipped: o.skipped,
        }
    }
}

/// A recorded decision: the `ScalingDecided` event, who made it, what its SCALE job was to
/// do and what it did.
pub struct ScalingDecisionRecord {
    position: i64,
    actor: String,
    decision: schema::autoscale::ScalingDecision,
    plan: Option<ScalePlan>,
    job_id: Option<JobId>,
    result: Option<ScaleOutcome>,
    abandoned: Option<String>,
}

#[Object]
impl ScalingDecisionRecord {
    /// Global position of the `ScalingDecided` event (open it in `history`).
    async fn position(&self) -> i64 {
        self.position
    }
    /// Who decided: `system:autoscaler`, or the user who asked for an evaluation.
    async fn actor(&self) -> &str {
        &self.actor
    }
    async fn decision(&self) -> ScalingDecision {
        ScalingDecision(self.decision.clone())
    }
    /// The droplets its SCALE job was to create (`<cluster>-<n>`), destroy or resize.
    async fn planned(&self) -> Vec<String> {
        match &self.plan {
            Some(ScalePlan::Add { names, .. }) => names.clone(),
            Some(ScalePlan::Remove { droplets }) => {
                droplets.iter().map(|d| d.name.clone()).collect()
            }
            Some(ScalePlan::Resize { droplets, .. }) => {
                droplets.iter().map(|d| d.name.clone()).collect()
            }
            None => vec![],
        }
    }
    /// The SCALE job; null for a dry run.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        job(ctx, self.job_id).await
    }
    /// What the SCALE job did, once it completed.
    async fn result(&self) -> Option<ScaleResult> {
        self.result.clone().map(Into::into)
    }
    /// Why the SCALE job ended without completing (failed for good, cancelled).
    async fn abandoned(&self) -> Option<&str> {
        self.abandoned.as_deref()
    }
}

/// The policy's recorded decisions, newest first.
async fn records(state: &AppState, id: &str) -> Result<Vec<ScalingDecisionRecord>> {
    let stored = state
        .commands
        .store()
        .load(AggregateType::ScalingPolicy, id)
        .await
        .map_err(|e| errors::command(e.into()))?;
    let mut records: Vec<ScalingDecisionRecord> = Vec::new();
    for e in stored {
        let event: ScalingPolicyEvent = upcast(&e.event_type, &e.event_version, e.payload)
            .map_err(|err| errors::command(command::CommandError::Internal(err.to_string())))?;
        match event {
            ScalingPolicyEvent::ScalingDecided {
                decision,
                plan,
                job_id,
            } => records.push(ScalingDecisionRecord {
                position: e.position,
                actor: e.metadata.actor.clone(),
                decision,
                plan,
                job_id,
                result: None,
                abandoned: None,
            }),
            ScalingPolicyEvent::ScalingCompleted { job_id, outcome } => {
                if let Some(r) = records.iter_mut().rev().find(|r| r.job_id == Some(job_id)) {
                    r.result = Some(outcome);
                }
            }
            ScalingPolicyEvent::ScalingAbandoned { job_id, reason } => {
                if let Some(r) = records.iter_mut().rev().find(|r| r.job_id == Some(job_id)) {
                    r.abandoned = Some(reason);
                }
            }
            _ => {}
        }
    }
    records.reverse();
    Ok(records)
}

/// `ScalingPolicy.decisions`: the recorded decisions of policy `id`, newest first.
pub(super) async fn decisions(
    ctx: &Context<'_>,
    id: &str,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Connection<ScalingDecisionRecord>> {
    let state = state(ctx);
    let (after, limit) = pagination::args(state, first, after)?;
    let all = records(state, id).await?;
    let total = all.len() as i64;
    let mut page: Vec<ScalingDecisionRecord> = all
        .into_iter()
        .filter(|r| after.is_none_or(|a| r.position < a))
        .take(limit as usize + 1)
        .collect();
    let has_next = page.len() as i64 > limit;
    page.truncate(limit as usize);
    let mut connection = Connection::with_additional_fields(
        after.is_some(),
        has_next,
        ListInfo { total_count: total },
    );
    for r in page {
        connection
            .edges
            .push(Edge::new(pagination::encode(r.position), r));
    }
    Ok(connection)
}

/// `ScalingPolicy.lastEvaluation`: the latest evaluation of policy `id`.
pub(super) async fn last_evaluation(
    ctx: &Context<'_>,
    id: &str,
) -> Result<Option<ScalingEvaluation>> {
    let stored = state(ctx)
        .autoscaler
        .evaluations()
        .load(id)
        .await
        .map_err(errors::read)?;
    Ok(stored
        .latest
        .and_then(|json| serde_json::from_str(&json).ok())
        .map(ScalingEvaluation))
}

/// Result of `evaluateScalingPolicy`.
pub struct EvaluatePayload {
    pub(crate) policy: Option<ScalingPolicy>,
    pub(crate) evaluation: schema::autoscale::Evaluation,
    pub(crate) position: i64,
}

#[Object]
impl EvaluatePayload {
    /// The policy after the evaluation.
    async fn scaling_policy(&self) -> Option<&ScalingPolicy> {
        self.policy.as_ref()
    }
    async fn evaluation(&self) -> ScalingEvaluation {
        ScalingEvaluation(self.evaluation.clone())
    }
    /// Global position of the decision recorded; 0 when nothing was recorded.
    async fn position(&self) -> i64 {
        self.position
    }
}

/// The one path of `evaluateScalingPolicy` (GraphQL and REST v1).
pub(crate) async fn evaluate(
    state: &AppState,
    caller: &command::RequestContext,
    id: ID,
    dry_run: bool,
) -> Result<EvaluatePayload> {
    let id: ScalingPolicyId = inputs::parse(id)?;
    let evaluated = state
        .autoscaler
        .evaluate(caller, id, dry_run)
        .await
        .map_err(errors::command)?;
    if evaluated.position > 0 {
        settle(state, evaluated.position).await;
    }
    let policy = find(state, &id.to_string()).await?;
    Ok(EvaluatePayload {
        policy,
        evaluation: evaluated.evaluation,
        position: evaluated.position,
    })
}

/// `evaluateScalingPolicy`.
#[derive(Default)]
pub struct ScalingDecisionMutation;

#[Object]
impl ScalingDecisionMutation {
    /// Evaluates a policy now, as the autoscaler would on its next round: a decision that
    /// changes the cluster is recorded and its SCALE job queued (as the caller). With
    /// `dryRun: true`, only shows what it would decide, recording nothing.
    async fn evaluate_scaling_policy(
        &self,
        ctx: &Context<'_>,
        id: ID,
        dry_run: Option<bool>,
    ) -> Result<EvaluatePayload> {
        let (state, caller) = caller(ctx);
        evaluate(state, &caller, id, dry_run.unwrap_or(false)).await
    }
}
