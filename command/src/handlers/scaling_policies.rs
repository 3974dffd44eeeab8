//! Scaling-policy commands: create (one live policy per cluster and metric, claimed with
//! the creating event), update (a new metric moves the claim), pause, resume, delete (the
//! claim is freed).

use super::idempotency::UserCommand;
use super::{check_version, CommandOptions, Commands, Outcome};
use crate::aggregates::{Cluster, ScalingPolicy, ScalingPolicyCommand};
use crate::aggregates::{Job, JobCommand};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::{Claim, IdempotencyRecord, NewEvent, StoreError};
use schema::autoscale::{ScalePlan, ScalingDecision};
use schema::scaling_policy::{ScalingPolicyDraft, ScalingPolicySpec};
use schema::values::ClusterStatus;
use schema::{AggregateType, ClusterId, IdempotencyKey, JobId, JobType, ScalingPolicyId};

/// Scope of the claims that keep one live policy per cluster and metric.
pub const SCALING_POLICY: &str = "scaling-policy";

/// Scope of the claims that keep one unfinished SCALE job per cluster, whichever of its
/// policies decided it (value: the cluster's id; owner: the policy).
pub const SCALING_JOB: &str = "scaling-job";

/// The claim a policy's SCALE job holds on its cluster until the job ends.
pub(crate) fn scaling_job_claim(cluster_id: ClusterId, policy: &str) -> Claim {
    Claim {
        scope: SCALING_JOB,
        value: cluster_id.to_string(),
        owner: policy.to_string(),
    }
}

/// What recording a decision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalingRecorded {
    /// Recorded; the SCALE job carrying it out (none for a dry run).
    Recorded { job_id: Option<JobId> },
    /// Not recorded: a dry run that decided what it decided last time.
    Unchanged,
}

/// Input of `createScalingPolicy`.
#[derive(Debug, Clone)]
pub struct CreateScalingPolicy {
    /// The cluster it scales.
    pub cluster_id: ClusterId,
    /// The checked specification.
    pub spec: ScalingPolicySpec,
    /// Created PAUSED instead of ACTIVE.
    pub paused: bool,
    /// Makes a retried request return the first result.
    pub idempotency_key: Option<IdempotencyKey>,
}

fn claim(cluster_id: ClusterId, spec: &ScalingPolicySpec, owner: ScalingPolicyId) -> Claim {
    Claim {
        scope: SCALING_POLICY,
        value: spec.unique_key(&cluster_id.to_string()),
        owner: owner.to_string(),
    }
}

impl Commands {
    /// Creates a policy for a cluster that exists; a second live policy on the same cluster
    /// and metric is a `CONFLICT` naming the first.
    #[tracing::instrument(skip_all, fields(cluster_id = %input.cluster_id, name = %input.spec.name))]
    pub async fn create_scaling_policy(
        &self,
        ctx: &RequestContext,
        input: CreateScalingPolicy,
    ) -> Result<Outcome<ScalingPolicyId>, CommandError> {
        let fingerprint = format!("{}|{:?}|{}", input.cluster_id, input.spec, input.paused);
        let key = input.idempotency_key.as_ref();
        let command = UserCommand::new("createScalingPolicy", ctx, key, fingerprint);
        let input = &input;
        self.run_user_command(command, |key| async move {
            let cluster_id = input.cluster_id;
            let (cluster, _) = self.load::<Cluster>(&cluster_id.to_string()).await?;
            match cluster.state.as_ref() {
                Some(c) if c.status == ClusterStatus::Active => {}
                Some(c) => {
                    return Err(CommandError::NotFound(format!(
                        "cluster {} is deleted",
                        c.name
                    )))
                }
                None => {
                    return Err(CommandError::NotFound(format!(
                        "cluster {cluster_id} not found"
                    )))
                }
            }
            let id = key.as_ref().map_or_else(ScalingPolicyId::new, |k| {
                ScalingPolicyId(k.derived("scaling-policy"))
            });
            let create = ScalingPolicyCommand::CreatePolicy {
                cluster_id,
                spec: input.spec.clone(),
                paused: input.paused,
            };
            let decided = self
                .decide::<ScalingPolicy>(&id.to_string(), create)
                .await?;
            let claims = vec![claim(cluster_id, &input.spec, id)];
            let record = key.map(|k| k.record(&id));
            self.commit_policy(
                "createScalingPolicy",
                ctx,
                id,
                decided.new_events(),
                claims,
                vec![],
                record,
            )
            .await
        })
        .await
    }

    /// Changes what `patch` gives of a policy; the merged specification is checked as a new
    /// one would be (`BAD_USER_INPUT` naming the field). Position 0 when nothing changes.
    #[tracing::instrument(skip(self, ctx, patch, options))]
    pub async fn update_scaling_policy(
        &self,
        ctx: &RequestContext,
        id: ScalingPolicyId,
        patch: ScalingPolicyDraft,
        options: CommandOptions,
    ) -> Result<Outcome<ScalingPolicyId>, CommandError> {
        let expected_version = options.expected_version;
        let fingerprint = format!("{id}|{patch:?}|{expected_version:?}");
        let command = UserCommand::guarded("updateScalingPolicy", ctx, &options, fingerprint);
        let patch = &patch;
        self.run_user_command(command, |key| async move {
            let (policy, version) = self.load::<ScalingPolicy>(&id.to_string()).await?;
            let current = policy.require_live()?.clone();
            let spec = ScalingPolicySpec::parse(patch.clone().over(&current.spec))?;
            check_version(expected_version, version)?;
            let (old, new) = (
                claim(current.cluster_id, &current.spec, id),
                claim(current.cluster_id, &spec, id),
            );
            let update = ScalingPolicyCommand::UpdatePolicy { spec };
            let decided = Self::decide_on(&id.to_string(), policy, version, update).await?;
            // A new metric moves the claim to the cluster's other metric.
            let (claims, releases) = if old.value == new.value {
                (vec![], vec![])
            } else {
                (vec![new], vec![old])
            };
            let record = key.map(|k| k.record(&id));
            self.commit_policy(
                "updateScalingPolicy",
                ctx,
                id,
                decided.new_events(),
                claims,
                releases,
                record,
            )
            .await
        })
        .await
    }

    /// Stops evaluating a policy (position 0 when it is paused already).
    pub async fn pause_scaling_policy(
        &self,
        ctx: &RequestContext,
        id: ScalingPolicyId,
        options: CommandOptions,
    ) -> Result<Outcome<ScalingPolicyId>, CommandError> {
        self.change_policy(
            ctx,
            "pauseScalingPolicy",
            id,
            options,
            ScalingPolicyCommand::Pause,
        )
        .await
    }

    /// Evaluates a paused policy again (position 0 when it is active already).
    pub async fn resume_scaling_policy(
        &self,
        ctx: &RequestContext,
        id: ScalingPolicyId,
        options: CommandOptions,
    ) -> Result<Outcome<ScalingPolicyId>, CommandError> {
        self.change_policy(
            ctx,
            "resumeScalingPolicy",
            id,
            options,
            ScalingPolicyCommand::Resume,
        )
        .await
    }

    /// Deletes a policy and frees its cluster and metric for another.
    pub async fn delete_scaling_policy(
        &self,
        ctx: &RequestContext,
        id: ScalingPolicyId,
        options: CommandOptions,
    ) -> Result<Outcome<ScalingPolicyId>, CommandError> {
        self.change_policy(
            ctx,
            "deleteScalingPolicy",
            id,
            options,
            ScalingPolicyCommand::Delete,
        )
        .await
    }

    /// Pause, resume or delete: decided on the policy's current state (at `expectedVersion`
    /// when given); a delete releases the policy's claim in the same commit.
    #[tracing::instrument(skip(self, ctx, options, change))]
    async fn change_policy(
        &self,
        ctx: &RequestContext,
        name: &'static str,
        id: ScalingPolicyId,
        options: CommandOptions,
        change: ScalingPolicyCommand,
    ) -> Result<Outcome<ScalingPolicyId>, CommandError> {
        let expected_version = options.expected_version;
        let fingerprint = format!("{id}|{expected_version:?}");
        let command = UserCommand::guarded(name, ctx, &options, fingerprint);
        let change = &change;
        self.run_user_command(command, |key| async move {
            let (policy, version) = self.load::<ScalingPolicy>(&id.to_string()).await?;
            let current = policy.require_live()?.clone();
            check_version(expected_version, version)?;
            let releases = match change {
                ScalingPolicyCommand::Delete => {
                    vec![claim(current.cluster_id, &current.spec, id)]
                }
                _ => vec![],
            };
            let decided = Self::decide_on(&id.to_string(), policy, version, change.clone()).await?;
            let record: Option<IdempotencyRecord> = key.map(|k| k.record(&id));
            self.commit_policy(
                name,
                ctx,
                id,
                decided.new_events(),
                vec![],
                releases,
                record,
            )
            .await
        })
        .await
    }

    /// Commits a policy's events with its claim changes (position 0 when there are none); a
    /// claim another policy holds is the `CONFLICT` naming that policy.
    #[allow(clippy::too_many_arguments)]
    async fn commit_policy(
        &self,
        name: &'static str,
        ctx: &RequestContext,
        id: ScalingPolicyId,
        events: Vec<NewEvent>,
        claims: Vec<Claim>,
        releases: Vec<Claim>,
        record: Option<IdempotencyRecord>,
    ) -> Result<Outcome<ScalingPolicyId>, CommandError> {
        if events.is_empty() {
            return Ok(Outcome {
                value: id,
                position: 0,
            });
        }
        let wanted = claims.first().cloned();
        let committed = self
            .commit(name, ctx, events, claims, releases, record)
            .await;
        match (committed, wanted) {
            (Ok(position), _) => Ok(Outcome {
                value: id,
                position,
            }),
            (Err(StoreError::ClaimTaken { .. }), Some(claim)) => Err(self.taken(&claim).await),
            (Err(e), _) => Err(e.into()),
        }
    }

    /// The live (active or paused) policies of a cluster, as `name (id)`, from their claims.
    pub(crate) async fn live_policies_of(
        &self,
        cluster_id: ClusterId,
    ) -> Result<Vec<String>, CommandError> {
        let mut found = Vec::new();
        for metric in schema::autoscale::ScalingMetric::ALL {
            let value = schema::scaling_policy::unique_key(&cluster_id.to_string(), *metric);
            if let Some(owner) = self.store().claim_owner(SCALING_POLICY, &value).await? {
                found.push(self.named(owner).await);
            }
        }
        Ok(found)
    }

    /// The refusal of a second live policy on a cluster and metric, naming the first.
    async fn taken(&self, claim: &Claim) -> CommandError {
        let metric = claim.value.rsplit(':').next().unwrap_or_default();
        let owner = self
            .store()
            .claim_owner(claim.scope, &claim.value)
            .await
            .ok()
            .flatten();
        let first = match owner {
            Some(owner) => self.named(owner).await,
            None => "another policy".to_string(),
        };
        CommandError::Conflict(format!(
            "the cluster already has a {metric} policy, {first}; update or delete it instead"
        ))
    }

    /// Policy `id` as `name (id)`, or its id alone when it cannot be read.
    async fn named(&self, id: String) -> String {
        match self.load::<ScalingPolicy>(&id).await {
            Ok((p, _)) => p
                .state
                .map(|s| format!("{} ({id})", s.spec.name))
                .unwrap_or(id),
            Err(_) => id,
        }
    }
}

impl Commands {
    /// Records what an evaluation of policy `id` decided. A decision that acts queues the
    /// SCALE job carrying out `plan` in the same append, under the cluster's scaling claim
    /// (a `CONFLICT` while another of its policies is scaling it); a dry run records only
    /// the decision, and only when it differs from its last one.
    #[tracing::instrument(skip(self, ctx, decision, plan), fields(current = decision.current, desired = decision.desired))]
    pub async fn decide_scaling(
        &self,
        ctx: &RequestContext,
        id: ScalingPolicyId,
        decision: ScalingDecision,
        plan: Option<ScalePlan>,
    ) -> Result<Outcome<ScalingRecorded>, CommandError> {
        super::retry_races(None, || async {
            let (policy, version) = self.load::<ScalingPolicy>(&id.to_string()).await?;
            let current = policy.require_live()?.clone();
            let dry_run = decision.dry_run;
            if dry_run && policy.last_dry_run.as_deref() == Some(decision.change().as_str()) {
                return Ok(Outcome {
                    value: ScalingRecorded::Unchanged,
                    position: 0,
                });
            }
            let job_id = (!dry_run && plan.is_some()).then(JobId::new);
            let decide = ScalingPolicyCommand::Decide {
                decision: decision.clone(),
                plan: plan.clone().filter(|_| !dry_run),
                job_id,
            };
            let mut events = Self::decide_on(&id.to_string(), policy, version, decide)
                .await?
                .new_events();
            let mut claims = vec![];
            if let Some(job_id) = job_id {
                let queue = JobCommand::QueueJob {
                    job_type: JobType::Scale,
                    target_type: AggregateType::ScalingPolicy,
                    target_id: id.to_string(),
                    params: serde_json::json!({
                        "from": decision.current,
                        "to": decision.desired,
                    }),
                    max_attempts: self.jobs.max_attempts,
                };
                events.extend(
                    self.decide::<Job>(&job_id.to_string(), queue)
                        .await?
                        .new_events(),
                );
                claims.push(scaling_job_claim(current.cluster_id, &id.to_string()));
            }
            match self
                .commit("decideScaling", ctx, events, claims, vec![], None)
                .await
            {
                Ok(position) => Ok(Outcome {
                    value: ScalingRecorded::Recorded { job_id },
                    position,
                }),
                Err(StoreError::ClaimTaken { .. }) => Err(CommandError::Conflict(format!(
                    "another scaling policy of the cluster is scaling it; {} waits for its job",
                    current.spec.name
                ))),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }
}
