//! The ScalingPolicy aggregate: how one cluster grows and shrinks on one metric.
//!
//! It holds the policy's specification and whether it is evaluated (ACTIVE), held
//! (PAUSED) or gone (DELETED). One live policy per cluster and metric is kept by a claim the
//! handlers take with the creating event (`command::handlers::scaling_policies`).

use super::framework::{absent, event_sourced, existing};
use super::{DomainError, Lifecycle};
use schema::scaling_policy::{ScalingPolicySpec, ScalingPolicyStatus};
use schema::{ClusterId, ScalingPolicyEvent};
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
        }
    }
}

/// The state of one scaling policy, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScalingPolicy {
    /// What readers see (`None` before creation).
    #[serde(flatten)]
    pub state: Option<ScalingPolicyState>,
}

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
        })
    }

    /// Nothing beyond what readers see is needed to decide.
    fn remember(&mut self, _event: &ScalingPolicyEvent) {}

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
}
