//! The ScalingPolicy aggregate: how one cluster grows and shrinks on one metric.
//!
//! It holds the policy's specification and whether it is evaluated (ACTIVE), held
//! (PAUSED) or gone (DELETED). One live policy per cluster and metric is kept by a claim the
//! handlers take with the creating event (`command::handlers::scaling_policies`).

use super::framework::{absent, event_sourced, existing};
use super::{DomainError, Lifecycle};
use schema::scaling_policy::{ScalingPolicySpec, ScalingPolicyStatus};
use chrono::{DateTime, Utc};
use schema::autoscale::{ScaleOutcome, ScalePlan, ScalingAction, ScalingDecision};
use schema::{ClusterId, JobId, ScalingPolicyEvent};
use serde::{Deserialize, Serialize};

/// What can be asked of a scaling policy.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalingPolicyCommand {
    /// Create it for `cluster_id`, evaluated at once unless `paused`.
    CreatePolicy {
        cluster_id: ClusterId,
        spec: ScalingPolicySpec,
        paused: bool,
    },
    /// Replace its specification (a no-op when nothing changes).
    UpdatePolicy { spec: ScalingPolicySpec },
    /// Stop evaluating it (a no-op when paused).
    Pause,
    /// Evaluate it again (a no-op when active).
    Resume,
    /// Delete it.
    Delete,
    /// Record what an evaluation decided; with a plan and a job, the SCALE job that carries
    /// it out. Refused while the policy is not ACTIVE or an earlier SCALE job is unfinished.
    Decide {
        decision: ScalingDecision,
        plan: Option<ScalePlan>,
        job_id: Option<JobId>,
    },
    /// The SCALE job `job_id` finished (a no-op for any other job).
    CompleteScaling { job_id: JobId, outcome: ScaleOutcome },
    /// The SCALE job `job_id` failed for good or was cancelled (a no-op for any other).
    AbandonScaling { job_id: JobId, reason: String },
}

/// What readers see of a scaling policy: every field of its read-model row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalingPolicyState {
    /// The cluster it scales.
    pub cluster_id: ClusterId,
    /// Its specification.
    pub spec: ScalingPolicySpec,
    /// ACTIVE, PAUSED or DELETED.
    pub status: ScalingPolicyStatus,
}

impl Lifecycle for ScalingPolicyState {
    type Event = ScalingPolicyEvent;

    fn create(event: &ScalingPolicyEvent) -> Option<Self> {
        let ScalingPolicyEvent::ScalingPolicyCreated { cluster_id, spec } = event else {
            return None;
        };
        Some(Self {
            cluster_id: *cluster_id,
            spec: spec.clone(),
            status: ScalingPolicyStatus::Active,
        })
    }

    fn apply(&mut self, event: &ScalingPolicyEvent) {
        match event {
            ScalingPolicyEvent::ScalingPolicyCreated { .. } => {}
            ScalingPolicyEvent::ScalingPolicyUpdated { spec } => self.spec = spec.clone(),
            ScalingPolicyEvent::ScalingPolicyPaused {} => {
                self.status = ScalingPolicyStatus::Paused
            }
            ScalingPolicyEvent::ScalingPolicyResumed {} => {
                self.status = ScalingPolicyStatus::Active
            }
            ScalingPolicyEvent::ScalingPolicyDeleted {} => {
                self.status = ScalingPolicyStatus::Deleted
            }
            // Decisions and their jobs are the policy's history, not its settings.
            ScalingPolicyEvent::ScalingDecided { .. }
            | ScalingPolicyEvent::ScalingCompleted { .. }
            | ScalingPolicyEvent::ScalingAbandoned { .. } => {}
        }
    }
}

/// The state of one scaling policy, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScalingPolicy {
    /// What readers see (`None` before creation).
    #[serde(flatten)]
    pub state: Option<ScalingPolicyState>,
    /// The SCALE job carrying out the last decision, while it is unfinished.
    #[serde(default)]
    pub pending_job: Option<JobId>,
    /// The scalings decided most recently (at most [`KEPT_ACTIONS`]), oldest first, for
    /// step limits.
    #[serde(default)]
    pub actions: Vec<ScalingAction>,
    /// When the policy last decided to scale, for the cooldown.
    #[serde(default)]
    pub last_scaled_at: Option<DateTime<Utc>>,
    /// The last dry-run decision's change ("4 → 8"): a dry run records a decision only
    /// when it differs, not every evaluation.
    #[serde(default)]
    pub last_dry_run: Option<String>,
}

/// How many past scalings a policy keeps for its step limits (a step period holds far
/// fewer at any sane cooldown).
pub const KEPT_ACTIONS: usize = 50;

impl ScalingPolicy {
    /// The events `command` records on this policy, in order, or why it is refused.
    fn decide(
        &self,
        command: ScalingPolicyCommand,
    ) -> Result<Vec<ScalingPolicyEvent>, DomainError> {
        use ScalingPolicyStatus::{Active, Paused};
        Ok(match command {
            ScalingPolicyCommand::CreatePolicy {
                cluster_id,
                spec,
                paused,
            } => {
                absent(&self.state, "scaling policy")?;
                let mut events = vec![ScalingPolicyEvent::ScalingPolicyCreated { cluster_id, spec }];
                if paused {
                    events.push(ScalingPolicyEvent::ScalingPolicyPaused {});
                }
                events
            }
            ScalingPolicyCommand::UpdatePolicy { spec } => {
                if self.require_live()?.spec == spec {
                    vec![]
                } else {
                    vec![ScalingPolicyEvent::ScalingPolicyUpdated { spec }]
                }
            }
            ScalingPolicyCommand::Pause => match self.require_live()?.status {
                Paused => vec![],
                _ => vec![ScalingPolicyEvent::ScalingPolicyPaused {}],
            },
            ScalingPolicyCommand::Resume => match self.require_live()?.status {
                Active => vec![],
                _ => vec![ScalingPolicyEvent::ScalingPolicyResumed {}],
            },
            ScalingPolicyCommand::Delete => {
                self.require_live()?;
                vec![ScalingPolicyEvent::ScalingPolicyDeleted {}]
            }
            ScalingPolicyCommand::Decide {
                decision,
                plan,
                job_id,
            } => {
                let state = self.require_live()?;
                if state.status != Active {
                    return Err(DomainError::FailedPrecondition(format!(
                        "scaling policy {} is {}",
                        state.spec.name, state.status
                    )));
                }
                if let Some(pending) = self.pending_job {
                    return Err(DomainError::FailedPrecondition(format!(
                        "scaling policy {} is scaling already (job {pending})",
                        state.spec.name
                    )));
                }
                vec![ScalingPolicyEvent::ScalingDecided {
                    decision,
                    plan,
                    job_id,
                }]
            }
            ScalingPolicyCommand::CompleteScaling { job_id, outcome } => {
                if self.pending_job != Some(job_id) {
                    vec![]
                } else {
                    vec![ScalingPolicyEvent::ScalingCompleted { job_id, outcome }]
                }
            }
            ScalingPolicyCommand::AbandonScaling { job_id, reason } => {
                if self.pending_job != Some(job_id) {
                    vec![]
                } else {
                    vec![ScalingPolicyEvent::ScalingAbandoned { job_id, reason }]
                }
            }
        })
    }

    /// Keeps the unfinished SCALE job and the recent scalings.
    fn remember(&mut self, event: &ScalingPolicyEvent) {
        match event {
            ScalingPolicyEvent::ScalingDecided {
                decision, job_id, ..
            } => {
                if decision.dry_run {
                    self.last_dry_run = Some(decision.change());
                    return;
                }
                self.pending_job = *job_id;
                self.last_scaled_at = Some(decision.at);
                // Step limits count droplets: a resize is no step.
                if decision.sizes.is_none() {
                    self.actions.push(ScalingAction {
                        at: decision.at,
                        from: decision.current,
                        to: decision.desired,
                    });
                }
                if self.actions.len() > KEPT_ACTIONS {
                    self.actions.remove(0);
                }
            }
            ScalingPolicyEvent::ScalingCompleted { job_id, .. }
            | ScalingPolicyEvent::ScalingAbandoned { job_id, .. }
                if self.pending_job == Some(*job_id) =>
            {
                self.pending_job = None;
            }
            // A changed specification is a new start for dry-run de-duplication.
            ScalingPolicyEvent::ScalingPolicyUpdated { .. }
            | ScalingPolicyEvent::ScalingPolicyResumed {} => self.last_dry_run = None,
            _ => {}
        }
    }

    /// The state of a policy that exists and is not deleted, or why not.
    pub fn require_live(&self) -> Result<&ScalingPolicyState, DomainError> {
        let state = existing(&self.state, "scaling policy")?;
        if state.status == ScalingPolicyStatus::Deleted {
            return Err(DomainError::NotFound(format!(
                "scaling policy {} is deleted",
                state.spec.name
            )));
        }
        Ok(state)
    }
}

event_sourced!(
    ScalingPolicy,
    "ScalingPolicy",
    ScalingPolicyCommand,
    ScalingPolicyEvent,
    ScalingPolicyState
);

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::{AggregateTestExecutor, TestFramework};
    use schema::autoscale::ScalingMetric;
    use schema::scaling_policy::ScalingPolicyDraft;

    fn spec(max: i64) -> ScalingPolicySpec {
        ScalingPolicySpec::parse(ScalingPolicyDraft {
            name: Some("workers".into()),
            metric: Some(ScalingMetric::QueueDepth),
            target: Some(50.0),
            min_droplets: Some(2),
            max_droplets: Some(max),
            template_size: Some("s-1vcpu-1gb".into()),
            template_image: Some("ubuntu-24-04-x64".into()),
            ..ScalingPolicyDraft::default()
        })
        .unwrap()
    }

    fn cluster() -> ClusterId {
        ClusterId(uuid::Uuid::from_u128(7))
    }

    fn created() -> ScalingPolicyEvent {
        ScalingPolicyEvent::ScalingPolicyCreated {
            cluster_id: cluster(),
            spec: spec(8),
        }
    }

    fn policy(later: Vec<ScalingPolicyEvent>) -> AggregateTestExecutor<ScalingPolicy> {
        TestFramework::<ScalingPolicy>::with(()).given([vec![created()], later].concat())
    }

    #[test]
    fn a_policy_created_paused_records_both() {
        TestFramework::<ScalingPolicy>::with(())
            .given_no_previous_events()
            .when(ScalingPolicyCommand::CreatePolicy {
                cluster_id: cluster(),
                spec: spec(8),
                paused: true,
            })
            .then_expect_events(vec![created(), ScalingPolicyEvent::ScalingPolicyPaused {}]);
        policy(vec![])
            .when(ScalingPolicyCommand::CreatePolicy {
                cluster_id: cluster(),
                spec: spec(8),
                paused: false,
            })
            .then_expect_error_message("scaling policy already exists");
    }

    #[test]
    fn pause_and_resume_record_only_changes() {
        policy(vec![])
            .when(ScalingPolicyCommand::Resume)
            .then_expect_events(vec![]);
        policy(vec![])
            .when(ScalingPolicyCommand::Pause)
            .then_expect_events(vec![ScalingPolicyEvent::ScalingPolicyPaused {}]);
        policy(vec![ScalingPolicyEvent::ScalingPolicyPaused {}])
            .when(ScalingPolicyCommand::Pause)
            .then_expect_events(vec![]);
        policy(vec![ScalingPolicyEvent::ScalingPolicyPaused {}])
            .when(ScalingPolicyCommand::Resume)
            .then_expect_events(vec![ScalingPolicyEvent::ScalingPolicyResumed {}]);
    }

    #[test]
    fn updates_record_changes_and_a_deleted_policy_takes_no_command() {
        policy(vec![])
            .when(ScalingPolicyCommand::UpdatePolicy { spec: spec(8) })
            .then_expect_events(vec![]);
        policy(vec![])
            .when(ScalingPolicyCommand::UpdatePolicy { spec: spec(10) })
            .then_expect_events(vec![ScalingPolicyEvent::ScalingPolicyUpdated { spec: spec(10) }]);
        policy(vec![ScalingPolicyEvent::ScalingPolicyDeleted {}])
            .when(ScalingPolicyCommand::Resume)
            .then_expect_error_message("scaling policy workers is deleted");
        TestFramework::<ScalingPolicy>::with(())
            .given_no_previous_events()
            .when(ScalingPolicyCommand::Delete)
            .then_expect_error_message("scaling policy not found");
    }

    fn decision(current: u32, desired: u32, dry_run: bool) -> ScalingDecision {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        ScalingDecision {
            at,
            current,
            desired,
            metric_value: Some(100.0),
            target: 50.0,
            reason: "test".into(),
            capped_by: None,
            dry_run,
            sizes: None,
            inputs: schema::autoscale::DecisionInputs::Horizontal(Box::new(schema::autoscale::Inputs {
                now: at,
                current,
                metric: ScalingMetric::QueueDepth,
                metric_value: Some(400.0),
                target: 50.0,
                tolerance: 0.1,
                min: 2,
                max: 8,
                scale_up: schema::autoscale::Behavior::scale_up_default(),
                scale_down: schema::autoscale::Behavior::scale_down_default(),
                recommendations: vec![],
                actions: vec![],
                last_scaled_at: None,
                cooldown_seconds: 60,
                hourly_price_per_droplet: 0.01,
                cost_limit_per_hour: None,
            })),
        }
    }

    #[test]
    fn one_scaling_at_a_time_and_its_end_frees_the_policy() {
        let job = JobId(uuid::Uuid::from_u128(9));
        let decided = ScalingPolicyEvent::ScalingDecided {
            decision: decision(4, 8, false),
            plan: None,
            job_id: Some(job),
        };
        policy(vec![decided.clone()])
            .when(ScalingPolicyCommand::Decide {
                decision: decision(8, 9, false),
                plan: None,
                job_id: Some(JobId(uuid::Uuid::from_u128(10))),
            })
            .then_expect_error_message(&format!(
                "scaling policy workers is scaling already (job {job})"
            ));
        // Another job's end changes nothing; its own ends the scaling.
        policy(vec![decided.clone()])
            .when(ScalingPolicyCommand::CompleteScaling {
                job_id: JobId(uuid::Uuid::from_u128(11)),
                outcome: ScaleOutcome::default(),
            })
            .then_expect_events(vec![]);
        let done = ScalingPolicyEvent::ScalingCompleted {
            job_id: job,
            outcome: ScaleOutcome::default(),
        };
        policy(vec![decided.clone(), done])
            .when(ScalingPolicyCommand::Decide {
                decision: decision(8, 6, false),
                plan: None,
                job_id: None,
            })
            .then_expect_events(vec![ScalingPolicyEvent::ScalingDecided {
                decision: decision(8, 6, false),
                plan: None,
                job_id: None,
            }]);
        policy(vec![ScalingPolicyEvent::ScalingPolicyPaused {}])
            .when(ScalingPolicyCommand::Decide {
                decision: decision(4, 8, false),
                plan: None,
                job_id: Some(job),
            })
            .then_expect_error_message("scaling policy workers is PAUSED");
    }

    #[test]
    fn decisions_remember_scalings_and_dry_runs_apart() {
        let mut p = ScalingPolicy::default();
        use cqrs_es::Aggregate;
        p.apply(created());
        p.apply(ScalingPolicyEvent::ScalingDecided {
            decision: decision(4, 8, true),
            plan: None,
            job_id: None,
        });
        assert_eq!((p.last_dry_run.as_deref(), p.pending_job, p.actions.len()), (Some("4 → 8"), None, 0));
        let job = JobId(uuid::Uuid::from_u128(9));
        p.apply(ScalingPolicyEvent::ScalingDecided {
            decision: decision(4, 8, false),
            plan: None,
            job_id: Some(job),
        });
        assert_eq!(p.pending_job, Some(job));
        assert_eq!((p.actions[0].from, p.actions[0].to), (4, 8));
        assert!(p.last_scaled_at.is_some());
        p.apply(ScalingPolicyEvent::ScalingAbandoned {
            job_id: job,
            reason: "cancelled".into(),
        });
        assert_eq!(p.pending_job, None);
    }
}
