//! The HealthCheck aggregate: a Gatus-style check of an HTTP, TCP or internal target.
//!
//! Its runs are not events: the scheduler stores each result in the results store and asks
//! this aggregate to record a change of health once a threshold of consecutive results is
//! reached ([`HealthCheckCommand::RecordHealth`]); a change that is already recorded appends
//! nothing, so two schedulers racing on one check record it once.

use super::framework::{absent, event_sourced, existing};
use super::{DomainError, Lifecycle};
use schema::health_check::HealthCheckSpec;
use schema::values::{HealthCheckStatus, HealthState};
use schema::HealthCheckEvent;
use serde::{Deserialize, Serialize};

/// What can be asked of a health check.
#[derive(Debug, Clone, PartialEq)]
pub enum HealthCheckCommand {
    /// Create the check.
    CreateHealthCheck { spec: HealthCheckSpec },
    /// Replace its specification (a no-op when nothing changes).
    UpdateHealthCheck { spec: HealthCheckSpec },
    /// Delete it.
    DeleteHealthCheck,
    /// Record that its last `streak` runs all came out `to` (HEALTHY or UNHEALTHY); `error` is
    /// the last failed run's reason.
    RecordHealth {
        to: HealthState,
        streak: u32,
        error: String,
    },
}

/// What readers see of a health check: every field of its read-model row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthCheckState {
    /// Its specification.
    pub spec: HealthCheckSpec,
    /// Its health after the thresholds.
    pub health: HealthState,
    /// ACTIVE, or DELETED.
    pub status: HealthCheckStatus,
}

impl Lifecycle for HealthCheckState {
    type Event = HealthCheckEvent;

    fn create(event: &HealthCheckEvent) -> Option<Self> {
        let HealthCheckEvent::HealthCheckCreated { spec } = event else {
            return None;
        };
        Some(Self {
            spec: spec.clone(),
            health: HealthState::Unknown,
            status: HealthCheckStatus::Active,
        })
    }

    fn apply(&mut self, event: &HealthCheckEvent) {
        match event {
            HealthCheckEvent::HealthCheckCreated { .. } => {}
            HealthCheckEvent::HealthCheckUpdated { spec } => {
                let probes_otherwise =
                    spec.target != self.spec.target || spec.conditions != self.spec.conditions;
                if probes_otherwise {
                    self.health = HealthState::Unknown;
                }
                self.spec = spec.clone();
            }
            HealthCheckEvent::HealthCheckBecameUnhealthy { .. } => {
                self.health = HealthState::Unhealthy
            }
            HealthCheckEvent::HealthCheckRecovered { .. } => self.health = HealthState::Healthy,
            HealthCheckEvent::HealthCheckDeleted {} => self.status = HealthCheckStatus::Deleted,
        }
    }
}

/// The state of one health check, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HealthCheck {
    /// What readers see (`None` before creation).
    #[serde(flatten)]
    pub state: Option<HealthCheckState>,
}

impl HealthCheck {
    /// The events `command` records on this check, in order, or why it is refused.
    fn decide(&self, command: HealthCheckCommand) -> Result<Vec<HealthCheckEvent>, DomainError> {
        Ok(match command {
            HealthCheckCommand::CreateHealthCheck { spec } => {
                absent(&self.state, "health check")?;
                vec![HealthCheckEvent::HealthCheckCreated { spec }]
            }
            HealthCheckCommand::UpdateHealthCheck { spec } => {
                if self.require_active()?.spec == spec {
                    vec![]
                } else {
                    vec![HealthCheckEvent::HealthCheckUpdated { spec }]
                }
            }
            HealthCheckCommand::DeleteHealthCheck => {
                self.require_active()?;
                vec![HealthCheckEvent::HealthCheckDeleted {}]
            }
            HealthCheckCommand::RecordHealth { to, streak, error } => {
                let from = self.require_active()?.health;
                match to {
                    HealthState::Unknown => {
                        return Err(DomainError::FailedPrecondition(
                            "a check's health becomes UNKNOWN only when it changes".into(),
                        ))
                    }
                    _ if to == from => vec![],
                    HealthState::Unhealthy => vec![HealthCheckEvent::HealthCheckBecameUnhealthy {
                        failures: streak,
                        error,
                    }],
                    HealthState::Healthy => vec![HealthCheckEvent::HealthCheckRecovered {
                        from,
                        successes: streak,
                    }],
                }
            }
        })
    }

    /// Nothing beyond what readers see is needed to decide.
    fn remember(&mut self, _event: &HealthCheckEvent) {}

    /// The state of a check that exists and is not deleted, or why not.
    fn require_active(&self) -> Result<&HealthCheckState, DomainError> {
        let state = existing(&self.state, "health check")?;
        if state.status == HealthCheckStatus::Deleted {
            return Err(DomainError::NotFound(format!(
                "health check {} is deleted",
                state.spec.name
            )));
        }
        Ok(state)
    }
}

event_sourced!(
    HealthCheck,
    "HealthCheck",
    HealthCheckCommand,
    HealthCheckEvent,
    HealthCheckState
);

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::{AggregateTestExecutor, TestFramework};
    use schema::health_check::HealthCheckDraft;
    use schema::health_target::AddressPolicy;
    use schema::values::HealthCheckKind;

    fn spec(target: &str) -> HealthCheckSpec {
        let draft = HealthCheckDraft {
            name: Some("api".into()),
            kind: Some(HealthCheckKind::Http),
            target: Some(target.into()),
            conditions: Some(vec!["[STATUS] == 200".into()]),
            ..HealthCheckDraft::default()
        };
        HealthCheckSpec::parse(draft, AddressPolicy::default()).unwrap()
    }

    fn created() -> HealthCheckEvent {
        HealthCheckEvent::HealthCheckCreated {
            spec: spec("http://127.0.0.1:9/"),
        }
    }

    fn unhealthy() -> HealthCheckEvent {
        HealthCheckEvent::HealthCheckBecameUnhealthy {
            failures: 3,
            error: "[STATUS] == 200 was 503".into(),
        }
    }

    fn check(later: Vec<HealthCheckEvent>) -> AggregateTestExecutor<HealthCheck> {
        TestFramework::<HealthCheck>::with(()).given([vec![created()], later].concat())
    }

    fn record(to: HealthState, streak: u32) -> HealthCheckCommand {
        HealthCheckCommand::RecordHealth {
            to,
            streak,
            error: "[STATUS] == 200 was 503".into(),
        }
    }

    #[test]
    fn health_changes_are_recorded_once() {
        check(vec![])
            .when(record(HealthState::Unhealthy, 3))
            .then_expect_events(vec![unhealthy()]);
        check(vec![unhealthy()])
            .when(record(HealthState::Unhealthy, 4))
            .then_expect_events(vec![]);
        check(vec![unhealthy()])
            .when(record(HealthState::Healthy, 2))
            .then_expect_events(vec![HealthCheckEvent::HealthCheckRecovered {
                from: HealthState::Unhealthy,
                successes: 2,
            }]);
        check(vec![])
            .when(record(HealthState::Unknown, 1))
            .then_expect_error_message("a check's health becomes UNKNOWN only when it changes");
    }

    #[test]
    fn an_update_that_changes_nothing_records_nothing() {
        check(vec![])
            .when(HealthCheckCommand::UpdateHealthCheck {
                spec: spec("http://127.0.0.1:9/"),
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_new_target_makes_the_health_unknown_again() {
        let mut state = HealthCheckState::create(&created()).unwrap();
        state.apply(&unhealthy());
        assert_eq!(state.health, HealthState::Unhealthy);
        let mut renamed = state.spec.clone();
        renamed.name = "renamed".into();
        state.apply(&HealthCheckEvent::HealthCheckUpdated { spec: renamed });
        assert_eq!(state.health, HealthState::Unhealthy, "a new name probes the same");
        state.apply(&HealthCheckEvent::HealthCheckUpdated {
            spec: spec("http://127.0.0.1:10/"),
        });
        assert_eq!(state.health, HealthState::Unknown);
    }

    #[test]
    fn a_deleted_check_takes_no_commands() {
        check(vec![HealthCheckEvent::HealthCheckDeleted {}])
            .when(record(HealthState::Unhealthy, 3))
            .then_expect_error_message("health check api is deleted");
        TestFramework::<HealthCheck>::with(())
            .given_no_previous_events()
            .when(HealthCheckCommand::DeleteHealthCheck)
            .then_expect_error_message("health check not found");
    }
}
