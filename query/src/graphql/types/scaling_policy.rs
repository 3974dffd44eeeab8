//! `ScalingPolicy`: how a cluster grows and shrinks on CPU, memory or queue depth — the
//! object, its enums, its list filter, its queries and its mutations.

use super::scaling_decision::{self, ScalingDecisionRecord, ScalingEvaluation};
use super::{Cluster, Guarded};
use crate::errors;
use crate::graphql::filters::list_filter;
use crate::graphql::inputs::{self, parsed};
use crate::graphql::pagination::Connection;
use crate::graphql::payloads::{caller, respond, single_payload};
use crate::graphql::query::{reads, state};
use crate::graphql::read_model::find;
use crate::state::AppState;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use command::handlers::CreateScalingPolicy;
use command::RequestContext;
use projector::ScalingPolicyRow;
use schema::autoscale::{Behavior, StepAmount};
use schema::scaling_policy::{hourly_price, BehaviorDraft, ScalingPolicyDraft, ScalingPolicySpec};
use schema::{ClusterId, ScalingPolicyId};

gql_enum!(
    /// What a policy scales on: average CPU or memory percent over the cluster's droplets,
    /// or the cluster's job queue (whose target is per droplet).
    ScalingMetric, "schema::autoscale::ScalingMetric", schema::autoscale::ScalingMetric { Cpu, Memory, QueueDepth }
);
gql_enum!(
    /// How a policy scales: more or fewer droplets (HORIZONTAL), or bigger or smaller ones
    /// (VERTICAL, one catalog size at a time).
    ScalingMode, "schema::autoscale::ScalingMode", schema::autoscale::ScalingMode { Horizontal, Vertical }
);
gql_enum!(
    /// Lifecycle of a scaling policy: ACTIVE policies are evaluated, PAUSED ones are not.
    ScalingPolicyStatus, "schema::scaling_policy::ScalingPolicyStatus", schema::scaling_policy::ScalingPolicyStatus { Active, Paused, Deleted }
);

/// A step limit: at most `droplets` (or `percent` of the count at the period's start) within
/// any `periodSeconds`.
#[derive(SimpleObject)]
pub struct ScalingStep {
    pub droplets: Option<u32>,
    pub percent: Option<u32>,
    pub period_seconds: u32,
}

/// How one direction behaves (Kubernetes' `behavior.scaleUp` / `scaleDown`).
#[derive(SimpleObject)]
pub struct ScalingBehavior {
    /// Recommendations this recent are considered: scale-up follows the lowest, scale-down
    /// the highest, so a short spike or dip does not move the cluster.
    pub stabilization_window_seconds: u32,
    /// How far it may move within a period; null is unlimited.
    pub max_step: Option<ScalingStep>,
}

impl From<Behavior> for ScalingBehavior {
    fn from(b: Behavior) -> Self {
        Self {
            stabilization_window_seconds: b.stabilization_window_seconds,
            max_step: b.max_step.map(|s| {
                let (droplets, percent) = match s.amount {
                    StepAmount::Droplets(n) => (Some(n), None),
                    StepAmount::Percent(p) => (None, Some(p)),
                };
                ScalingStep {
                    droplets,
                    percent,
                    period_seconds: s.period_seconds,
                }
            }),
        }
    }
}

/// What new droplets of a horizontal policy are created with (in the cluster's region).
#[derive(SimpleObject)]
pub struct ScalingTemplate {
    pub size: String,
    pub image: String,
    /// What one droplet of the size costs an hour, in US dollars (monthly price / 672).
    pub hourly_price: f64,
}

/// A scaling policy of one cluster.
pub struct ScalingPolicy(pub ScalingPolicyRow);

impl ScalingPolicy {
    fn spec(&self) -> &ScalingPolicySpec {
        &self.0.state.spec
    }
}

#[Object]
impl ScalingPolicy {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn cluster_id(&self) -> ID {
        ID(self.0.state.cluster_id.to_string())
    }
    /// The cluster it scales (null once it is gone from the read models).
    async fn cluster(&self, ctx: &Context<'_>) -> Result<Option<Cluster>> {
        find(state(ctx), &self.0.state.cluster_id.to_string()).await
    }
    async fn name(&self) -> &str {
        &self.spec().name
    }
    /// Whether it is evaluated (status ACTIVE).
    async fn enabled(&self) -> bool {
        self.0.state.status == schema::scaling_policy::ScalingPolicyStatus::Active
    }
    async fn status(&self) -> ScalingPolicyStatus {
        self.0.state.status.into()
    }
    async fn mode(&self) -> ScalingMode {
        self.spec().mode.into()
    }
    async fn metric(&self) -> ScalingMetric {
        self.spec().metric.into()
    }
    /// Percent for CPU and MEMORY, queue depth per droplet for QUEUE_DEPTH.
    async fn target(&self) -> f64 {
        self.spec().target
    }
    /// How far from the target, as a share of it, counts as on target (0.1 = ±10 %).
    async fn tolerance(&self) -> f64 {
        self.spec().tolerance
    }
    /// Seconds the metric is averaged over.
    async fn window_seconds(&self) -> u32 {
        self.spec().window_seconds
    }
    async fn min_droplets(&self) -> u32 {
        self.spec().min_droplets
    }
    async fn max_droplets(&self) -> u32 {
        self.spec().max_droplets
    }
    async fn scale_up(&self) -> ScalingBehavior {
        self.spec().scale_up.into()
    }
    async fn scale_down(&self) -> ScalingBehavior {
        self.spec().scale_down.into()
    }
    /// Seconds after a scaling before the next.
    async fn cooldown_seconds(&self) -> u32 {
        self.spec().cooldown_seconds
    }
    /// The most the cluster's droplets may cost an hour, in US dollars; null is uncapped.
    async fn cost_limit_per_hour(&self) -> Option<f64> {
        self.spec().cost_limit_per_hour
    }
    /// What a horizontal policy creates droplets with; null for a vertical one.
    async fn template(&self) -> Option<ScalingTemplate> {
        self.spec().template.as_ref().map(|t| ScalingTemplate {
            size: t.size.to_string(),
            image: t.image.to_string(),
            hourly_price: hourly_price(&t.size),
        })
    }
    /// The smallest size a vertical policy may choose; null for a horizontal one.
    async fn min_size(&self) -> Option<String> {
        self.spec().min_size.as_ref().map(ToString::to_string)
    }
    /// The biggest size a vertical policy may choose; null for a horizontal one.
    async fn max_size(&self) -> Option<String> {
        self.spec().max_size.as_ref().map(ToString::to_string)
    }
    /// Decides and records, but never scales.
    async fn dry_run(&self) -> bool {
        self.spec().dry_run
    }
    /// The decisions that changed (or, for a dry run, would have changed) the cluster,
    /// newest first, each with what its SCALE job did; evaluations that changed nothing
    /// are not recorded (see `lastEvaluation`).
    async fn decisions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<ScalingDecisionRecord>> {
        scaling_decision::decisions(ctx, &self.0.id, first, after).await
    }
    /// The latest evaluation, whatever came of it; null before the first.
    async fn last_evaluation(&self, ctx: &Context<'_>) -> Result<Option<ScalingEvaluation>> {
        scaling_decision::last_evaluation(ctx, &self.0.id).await
    }
    #[graphql(flatten)]
    async fn guarded(&self) -> Guarded {
        Guarded::of(self.0.version, self.0.created_us, self.0.updated_us)
    }
}

list_filter!(
    /// Filters for `scalingPolicies`.
    ScalingPolicyFilter => projector::ScalingPolicyFilter {
        cluster_id: ID,
        /// Substring of the name.
        name: String,
        mode: ScalingMode,
        metric: ScalingMetric,
        status: ScalingPolicyStatus,
    }
);

parsed!(ID => ScalingPolicyId);

reads!(ScalingPolicyQuery: scaling_policy, scaling_policies -> ScalingPolicy, ScalingPolicyFilter, "One scaling policy, or null.", "Scaling policies, oldest first.");

/// One direction's behaviour; omitted fields take the direction's defaults (scale-up: no
/// stabilization; scale-down: 300 s; no step limit; a step's period 60 s).
#[derive(InputObject, Clone, Debug, Default)]
pub struct ScalingBehaviorInput {
    /// 0–86400.
    pub stabilization_window_seconds: Option<i64>,
    /// At most this many droplets per period (1–100)…
    pub max_step_droplets: Option<i64>,
    /// …or at most this percent of the count at the period's start (1–1000).
    pub max_step_percent: Option<i64>,
    /// The step's period, 1–86400 seconds.
    pub period_seconds: Option<i64>,
}

impl From<ScalingBehaviorInput> for BehaviorDraft {
    fn from(b: ScalingBehaviorInput) -> Self {
        BehaviorDraft {
            stabilization_window_seconds: b.stabilization_window_seconds,
            max_step_droplets: b.max_step_droplets,
            max_step_percent: b.max_step_percent,
            period_seconds: b.period_seconds,
        }
    }
}

/// What new droplets are created with: catalog slugs.
#[derive(InputObject, Clone, Debug)]
pub struct ScalingTemplateInput {
    pub size: String,
    pub image: String,
}

/// Input of `createScalingPolicy`. Omitted fields take their defaults: HORIZONTAL, a ±10 %
/// tolerance, a 60 s window, a 60 s cooldown, no cost limit, not a dry run, enabled.
#[derive(InputObject, Clone, Debug)]
pub struct CreateScalingPolicyInput {
    /// The cluster it scales; one live policy per cluster and metric.
    pub cluster_id: ID,
    /// Shown to operators; 1–100 characters.
    pub name: String,
    pub mode: Option<ScalingMode>,
    pub metric: ScalingMetric,
    /// Percent (0–100] for CPU and MEMORY, queue depth per droplet for QUEUE_DEPTH.
    pub target: f64,
    /// 0–0.9, a share of the target.
    pub tolerance: Option<f64>,
    /// Seconds the metric is averaged over, 1–86400.
    pub window_seconds: Option<i64>,
    /// HORIZONTAL: required, 1–100.
    pub min_droplets: Option<i64>,
    /// HORIZONTAL: required, at least `minDroplets`, at most 100.
    pub max_droplets: Option<i64>,
    pub scale_up: Option<ScalingBehaviorInput>,
    pub scale_down: Option<ScalingBehaviorInput>,
    /// Seconds after a scaling before the next, 0–86400.
    pub cooldown_seconds: Option<i64>,
    /// US dollars an hour; must pay for `minDroplets` of the template's size.
    pub cost_limit_per_hour: Option<f64>,
    /// HORIZONTAL: required.
    pub template: Option<ScalingTemplateInput>,
    /// VERTICAL: required, catalog sizes.
    pub min_size: Option<String>,
    pub max_size: Option<String>,
    /// Decide and record, never scale.
    pub dry_run: Option<bool>,
    /// False creates it PAUSED.
    pub enabled: Option<bool>,
    /// A retried request with the same key returns the first result and appends nothing.
    pub idempotency_key: Option<String>,
}

/// Input of `updateScalingPolicy`: the fields to change; the rest keep their values. A
/// behaviour given replaces that direction's; `costLimitPerHour: null` removes the limit.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateScalingPolicyInput {
    pub name: Option<String>,
    pub mode: Option<ScalingMode>,
    pub metric: Option<ScalingMetric>,
    pub target: Option<f64>,
    pub tolerance: Option<f64>,
    pub window_seconds: Option<i64>,
    pub min_droplets: Option<i64>,
    pub max_droplets: Option<i64>,
    pub scale_up: Option<ScalingBehaviorInput>,
    pub scale_down: Option<ScalingBehaviorInput>,
    pub cooldown_seconds: Option<i64>,
    pub cost_limit_per_hour: MaybeUndefined<f64>,
    pub template: Option<ScalingTemplateInput>,
    pub min_size: Option<String>,
    pub max_size: Option<String>,
    pub dry_run: Option<bool>,
}

impl From<UpdateScalingPolicyInput> for ScalingPolicyDraft {
    fn from(i: UpdateScalingPolicyInput) -> Self {
        let (template_size, template_image) = match i.template {
            Some(t) => (Some(t.size), Some(t.image)),
            None => (None, None),
        };
        ScalingPolicyDraft {
            name: i.name,
            mode: i.mode.map(Into::into),
            metric: i.metric.map(Into::into),
            target: i.target,
            tolerance: i.tolerance,
            window_seconds: i.window_seconds,
            min_droplets: i.min_droplets,
            max_droplets: i.max_droplets,
            scale_up: i.scale_up.map(Into::into),
            scale_down: i.scale_down.map(Into::into),
            cooldown_seconds: i.cooldown_seconds,
            cost_limit_per_hour: match i.cost_limit_per_hour {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(v) => Some(Some(v)),
            },
            template_size,
            template_image,
            min_size: i.min_size,
            max_size: i.max_size,
            dry_run: i.dry_run,
        }
    }
}

impl CreateScalingPolicyInput {
    /// The checked command input.
    fn parse(self) -> Result<CreateScalingPolicy> {
        let idempotency_key = inputs::idempotency_key(self.idempotency_key)?;
        let cluster_id: ClusterId = inputs::parse(self.cluster_id)?;
        let (template_size, template_image) = match self.template {
            Some(t) => (Some(t.size), Some(t.image)),
            None => (None, None),
        };
        let draft = ScalingPolicyDraft {
            name: Some(self.name),
            mode: self.mode.map(Into::into),
            metric: Some(self.metric.into()),
            target: Some(self.target),
            tolerance: self.tolerance,
            window_seconds: self.window_seconds,
            min_droplets: self.min_droplets,
            max_droplets: self.max_droplets,
            scale_up: self.scale_up.map(Into::into),
            scale_down: self.scale_down.map(Into::into),
            cooldown_seconds: self.cooldown_seconds,
            cost_limit_per_hour: self.cost_limit_per_hour.map(Some),
            template_size,
            template_image,
            min_size: self.min_size,
            max_size: self.max_size,
            dry_run: self.dry_run,
        };
        let spec = ScalingPolicySpec::parse(draft).map_err(errors::refused)?;
        Ok(CreateScalingPolicy {
            cluster_id,
            spec,
            paused: self.enabled == Some(false),
            idempotency_key,
        })
    }
}

single_payload!(
    /// Result of the scaling-policy mutations.
    ScalingPolicyPayload { scaling_policy: ScalingPolicy },
    ScalingPolicyId
);

/// Scaling-policy mutations.
#[derive(Default)]
pub struct ScalingPolicyMutation;

#[Object]
impl ScalingPolicyMutation {
    /// Creates a policy for a cluster; the autoscaler evaluates it from its next round.
    async fn create_scaling_policy(
        &self,
        ctx: &Context<'_>,
        input: CreateScalingPolicyInput,
    ) -> Result<ScalingPolicyPayload> {
        let (state, caller) = caller(ctx);
        create(state, &caller, input).await
    }

    /// Changes the given fields of a policy; the result is checked as a new policy would be.
    async fn update_scaling_policy(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateScalingPolicyInput,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<ScalingPolicyPayload> {
        let (state, caller) = caller(ctx);
        update(state, &caller, id, input, expected_version, idempotency_key).await
    }

    /// Stops evaluating a policy; it keeps its settings and its cluster's metric.
    async fn pause_scaling_policy(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<ScalingPolicyPayload> {
        let change = Lifecycle::Pause;
        let (state, caller) = caller(ctx);
        lifecycle(
            state,
            &caller,
            id,
            expected_version,
            idempotency_key,
            change,
        )
        .await
    }

    /// Evaluates a paused policy again.
    async fn resume_scaling_policy(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<ScalingPolicyPayload> {
        let change = Lifecycle::Resume;
        let (state, caller) = caller(ctx);
        lifecycle(
            state,
            &caller,
            id,
            expected_version,
            idempotency_key,
            change,
        )
        .await
    }

    /// Deletes a policy; its cluster and metric may have another.
    async fn delete_scaling_policy(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<ScalingPolicyPayload> {
        let change = Lifecycle::Delete;
        let (state, caller) = caller(ctx);
        lifecycle(
            state,
            &caller,
            id,
            expected_version,
            idempotency_key,
            change,
        )
        .await
    }
}

/// The one path of `createScalingPolicy` (GraphQL and REST v1): parse, then the command.
pub(crate) async fn create(
    state: &AppState,
    caller: &RequestContext,
    input: CreateScalingPolicyInput,
) -> Result<ScalingPolicyPayload> {
    let input = input.parse()?;
    respond(state, state.commands.create_scaling_policy(caller, input)).await
}

/// The one path of `updateScalingPolicy` (GraphQL and REST v1).
pub(crate) async fn update(
    state: &AppState,
    caller: &RequestContext,
    id: ID,
    input: UpdateScalingPolicyInput,
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
) -> Result<ScalingPolicyPayload> {
    let options = inputs::options(expected_version, idempotency_key)?;
    let id: ScalingPolicyId = inputs::parse(id)?;
    let update = state
        .commands
        .update_scaling_policy(caller, id, input.into(), options);
    respond(state, update).await
}

/// The mutations that change a policy's lifecycle.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lifecycle {
    Pause,
    Resume,
    Delete,
}

/// What pause, resume and delete share: the id and options parsed at the edge, the command
/// run, the policy read back.
pub(crate) async fn lifecycle(
    state: &AppState,
    caller: &RequestContext,
    id: ID,
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
    change: Lifecycle,
) -> Result<ScalingPolicyPayload> {
    let options = inputs::options(expected_version, idempotency_key)?;
    let id = inputs::parse(id)?;
    let commands = &state.commands;
    match change {
        Lifecycle::Pause => {
            respond(state, commands.pause_scaling_policy(caller, id, options)).await
        }
        Lifecycle::Resume => {
            respond(state, commands.resume_scaling_policy(caller, id, options)).await
        }
        Lifecycle::Delete => {
            respond(state, commands.delete_scaling_policy(caller, id, options)).await
        }
    }
}
