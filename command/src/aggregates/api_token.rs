//! The ApiToken aggregate: a long-lived secret a script uses to act as its user.
//!
//! The secret is shown once, when the token is created; only its hash is kept, in the
//! credentials table, written with `ApiTokenCreated`. A token acts with its user's current
//! role and stops working when it is revoked, when it expires, or while its user is disabled.

use super::framework::{absent, event_sourced, existing};
use super::{DomainError, Lifecycle};
use chrono::{DateTime, Utc};
use schema::users::{ApiTokenStatus, TokenName};
use schema::{ApiTokenEvent, UserId};
use serde::{Deserialize, Serialize};

/// What can be asked of an API token.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiTokenCommand {
    /// Issue the token for `user_id`.
    CreateApiToken {
        user_id: UserId,
        name: TokenName,
        expires_at: Option<DateTime<Utc>>,
        /// The user's generation now ([`super::User::generation`]).
        user_generation: u32,
    },
    /// Revoke it (a no-op when it already is).
    Revoke,
}

/// What readers see of an API token (never its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiTokenState {
    /// Whose it is.
    pub user_id: UserId,
    /// What it is for.
    pub name: String,
    /// ACTIVE or REVOKED.
    pub status: ApiTokenStatus,
    /// When it stops working by itself, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Lifecycle for ApiTokenState {
    type Event = ApiTokenEvent;

    fn create(event: &ApiTokenEvent) -> Option<Self> {
        let ApiTokenEvent::ApiTokenCreated {
            user_id,
            name,
            expires_at,
            ..
        } = event
        else {
            return None;
        };
        Some(Self {
            user_id: *user_id,
            name: name.clone(),
            status: ApiTokenStatus::Active,
            expires_at: *expires_at,
        })
    }

    fn apply(&mut self, event: &ApiTokenEvent) {
        match event {
            ApiTokenEvent::ApiTokenCreated { .. } => {}
            ApiTokenEvent::ApiTokenRevoked {} => self.status = ApiTokenStatus::Revoked,
        }
    }
}

/// The state of one API token, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    /// What readers see (`None` before creation).
    #[serde(flatten)]
    pub state: Option<ApiTokenState>,
    /// The user's generation it was issued at; it works only while the user is still at it.
    #[serde(default)]
    pub user_generation: u32,
}

impl ApiToken {
    /// The events `command` records on this token, in order, or why it is refused.
    fn decide(&self, command: ApiTokenCommand) -> Result<Vec<ApiTokenEvent>, DomainError> {
        Ok(match command {
            ApiTokenCommand::CreateApiToken {
                user_id,
                name,
                expires_at,
                user_generation,
            } => {
                absent(&self.state, "API token")?;
                vec![ApiTokenEvent::ApiTokenCreated {
                    user_id,
                    name: name.as_str().to_string(),
                    expires_at,
                    user_generation,
                }]
            }
            ApiTokenCommand::Revoke => match existing(&self.state, "API token")?.status {
                ApiTokenStatus::Revoked => vec![],
                ApiTokenStatus::Active => vec![ApiTokenEvent::ApiTokenRevoked {}],
            },
        })
    }

    /// Keeps the user generation it was issued at.
    fn remember(&mut self, event: &ApiTokenEvent) {
        if let ApiTokenEvent::ApiTokenCreated {
            user_generation, ..
        } = event
        {
            self.user_generation = *user_generation;
        }
    }
}

impl ApiTokenState {
    /// Whether the token is accepted at `now` (its user's state is checked separately).
    pub fn usable_at(&self, now: DateTime<Utc>) -> bool {
        self.status == ApiTokenStatus::Active && self.expires_at.is_none_or(|at| now < at)
    }
}

event_sourced!(
    ApiToken,
    "ApiToken",
    ApiTokenCommand,
    ApiTokenEvent,
    ApiTokenState
);

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::TestFramework;

    fn created(user_id: UserId) -> ApiTokenEvent {
        ApiTokenEvent::ApiTokenCreated {
            user_id,
            name: "ci".into(),
            expires_at: None,
            user_generation: 0,
        }
    }

    #[test]
    fn issues_and_revokes_once() {
        let user = UserId::new();
        TestFramework::<ApiToken>::with(())
            .given_no_previous_events()
            .when(ApiTokenCommand::CreateApiToken {
                user_id: user,
                name: TokenName::parse(" ci ").unwrap(),
                expires_at: None,
                user_generation: 0,
            })
            .then_expect_events(vec![created(user)]);
        TestFramework::<ApiToken>::with(())
            .given(vec![created(user)])
            .when(ApiTokenCommand::Revoke)
            .then_expect_events(vec![ApiTokenEvent::ApiTokenRevoked {}]);
        TestFramework::<ApiToken>::with(())
            .given(vec![created(user), ApiTokenEvent::ApiTokenRevoked {}])
            .when(ApiTokenCommand::Revoke)
            .then_expect_events(vec![]);
    }

    #[test]
    fn expired_and_revoked_tokens_are_not_usable() {
        let now = Utc::now();
        let mut state = ApiTokenState::create(&created(UserId::new())).unwrap();
        assert!(state.usable_at(now));
        state.expires_at = Some(now);
        assert!(!state.usable_at(now));
        state.expires_at = None;
        state.apply(&ApiTokenEvent::ApiTokenRevoked {});
        assert!(!state.usable_at(now));
    }
}
