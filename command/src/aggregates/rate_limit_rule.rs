//! The RateLimitRule aggregate: how many tokens one limiter's bucket holds and how fast it
//! refills, for one scope (each user, one user, each cluster, one cluster, or everyone).
//!
//! Its limiter name and target never change (they are claimed as a unique triple by the
//! handler); its limit does. The API enforces the rules it reads from the read model
//! (`query::rate_limits`), never from here.

use super::framework::{absent, event_sourced, existing};
use super::{DomainError, Lifecycle};
use crate::rate_limit::Limit;
use schema::rate_limits::{LimiterName, RateLimitRuleStatus, RateLimitScope, RuleTarget};
use schema::RateLimitRuleEvent;
use serde::{Deserialize, Serialize};

/// What can be asked of a rate-limit rule.
#[derive(Debug, Clone, PartialEq)]
pub enum RateLimitRuleCommand {
    /// Create the rule.
    CreateRule {
        name: LimiterName,
        target: RuleTarget,
        limit: Limit,
    },
    /// Give it another rate and capacity (a no-op when they are the same).
    UpdateRule { limit: Limit },
    /// Delete it.
    DeleteRule,
}

/// What readers see of a rule: every field of its read-model row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateLimitRuleState {
    /// The limiter it configures.
    pub name: String,
    /// Whose requests share a bucket.
    pub scope: RateLimitScope,
    /// The one user or cluster it is for; none for each of them (and for GLOBAL).
    pub scope_id: Option<String>,
    /// Tokens added per second.
    pub refill_rate: f64,
    /// Most tokens the bucket holds.
    pub capacity: u32,
    /// ACTIVE, or DELETED.
    pub status: RateLimitRuleStatus,
}

impl RateLimitRuleState {
    /// The rule's limit; `None` only if a stored rule no longer passes [`Limit::new`].
    pub fn limit(&self) -> Option<Limit> {
        Limit::new(self.refill_rate, self.capacity).ok()
    }
}

impl Lifecycle for RateLimitRuleState {
    type Event = RateLimitRuleEvent;

    fn create(event: &RateLimitRuleEvent) -> Option<Self> {
        let RateLimitRuleEvent::RateLimitRuleCreated {
            name,
            scope,
            scope_id,
            refill_rate,
            capacity,
        } = event
        else {
            return None;
        };
        Some(Self {
            name: name.clone(),
            scope: *scope,
            scope_id: scope_id.clone(),
            refill_rate: *refill_rate,
            capacity: *capacity,
            status: RateLimitRuleStatus::Active,
        })
    }

    fn apply(&mut self, event: &RateLimitRuleEvent) {
        match event {
            RateLimitRuleEvent::RateLimitRuleCreated { .. } => {}
            RateLimitRuleEvent::RateLimitRuleUpdated {
                refill_rate,
                capacity,
            } => {
                self.refill_rate = *refill_rate;
                self.capacity = *capacity;
            }
            RateLimitRuleEvent::RateLimitRuleDeleted {} => {
                self.status = RateLimitRuleStatus::Deleted
            }
        }
    }
}

/// The state of one rule, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimitRule {
    /// What readers see (`None` before creation).
    #[serde(flatten)]
    pub state: Option<RateLimitRuleState>,
}

impl RateLimitRule {
    /// The events `command` records on this rule, in order, or why it is refused.
    fn decide(&self, command: RateLimitRuleCommand) -> Result<Vec<RateLimitRuleEvent>, DomainError> {
        Ok(match command {
            RateLimitRuleCommand::CreateRule {
                name,
                target,
                limit,
            } => {
                absent(&self.state, "rate-limit rule")?;
                vec![RateLimitRuleEvent::RateLimitRuleCreated {
                    name: name.to_string(),
                    scope: target.scope,
                    scope_id: target.scope_id,
                    refill_rate: limit.refill_per_sec(),
                    capacity: limit.capacity(),
                }]
            }
            RateLimitRuleCommand::UpdateRule { limit } => {
                let state = self.require_active()?;
                if state.refill_rate == limit.refill_per_sec() && state.capacity == limit.capacity()
                {
                    vec![]
                } else {
                    vec![RateLimitRuleEvent::RateLimitRuleUpdated {
                        refill_rate: limit.refill_per_sec(),
                        capacity: limit.capacity(),
                    }]
                }
            }
            RateLimitRuleCommand::DeleteRule => {
                self.require_active()?;
                vec![RateLimitRuleEvent::RateLimitRuleDeleted {}]
            }
        })
    }

    /// Nothing beyond what readers see is needed to decide.
    fn remember(&mut self, _event: &RateLimitRuleEvent) {}

    /// The state of a rule that exists and is not deleted, or why not.
    pub fn require_active(&self) -> Result<&RateLimitRuleState, DomainError> {
        let state = existing(&self.state, "rate-limit rule")?;
        if state.status == RateLimitRuleStatus::Deleted {
            return Err(DomainError::NotFound(format!(
                "rate-limit rule for {} is deleted",
                state.name
            )));
        }
        Ok(state)
    }
}

event_sourced!(
    RateLimitRule,
    "RateLimitRule",
    RateLimitRuleCommand,
    RateLimitRuleEvent,
    RateLimitRuleState
);

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::TestFramework;

    fn created() -> RateLimitRuleEvent {
        RateLimitRuleEvent::RateLimitRuleCreated {
            name: "jobs".into(),
            scope: RateLimitScope::User,
            scope_id: None,
            refill_rate: 0.5,
            capacity: 10,
        }
    }

    fn create() -> RateLimitRuleCommand {
        RateLimitRuleCommand::CreateRule {
            name: LimiterName::parse("jobs").unwrap(),
            target: RuleTarget::parse(RateLimitScope::User, None).unwrap(),
            limit: Limit::new(0.5, 10).unwrap(),
        }
    }

    #[test]
    fn creates_once() {
        TestFramework::<RateLimitRule>::with(())
            .given_no_previous_events()
            .when(create())
            .then_expect_events(vec![created()]);
        TestFramework::<RateLimitRule>::with(())
            .given(vec![created()])
            .when(create())
            .then_expect_error(DomainError::AlreadyExists(
                "rate-limit rule already exists".into(),
            ));
    }

    #[test]
    fn updates_only_what_changes() {
        let update = |rate, capacity| RateLimitRuleCommand::UpdateRule {
            limit: Limit::new(rate, capacity).unwrap(),
        };
        TestFramework::<RateLimitRule>::with(())
            .given(vec![created()])
            .when(update(0.5, 10))
            .then_expect_events(vec![]);
        TestFramework::<RateLimitRule>::with(())
            .given(vec![created()])
            .when(update(2.0, 10))
            .then_expect_events(vec![RateLimitRuleEvent::RateLimitRuleUpdated {
                refill_rate: 2.0,
                capacity: 10,
            }]);
        let mut state = RateLimitRuleState::create(&created()).unwrap();
        state.apply(&RateLimitRuleEvent::RateLimitRuleUpdated {
            refill_rate: 2.0,
            capacity: 3,
        });
        assert_eq!(state.limit(), Some(Limit::new(2.0, 3).unwrap()));
    }

    #[test]
    fn a_deleted_rule_takes_no_more_commands() {
        let deleted = vec![created(), RateLimitRuleEvent::RateLimitRuleDeleted {}];
        TestFramework::<RateLimitRule>::with(())
            .given(deleted.clone())
            .when(RateLimitRuleCommand::DeleteRule)
            .then_expect_error(DomainError::NotFound(
                "rate-limit rule for jobs is deleted".into(),
            ));
        TestFramework::<RateLimitRule>::with(())
            .given_no_previous_events()
            .when(RateLimitRuleCommand::DeleteRule)
            .then_expect_error(DomainError::NotFound("rate-limit rule not found".into()));
    }
}
