//! The User aggregate: someone who signs in, with a role.
//!
//! Its password is not part of it: the handler hashes it and writes the hash to the
//! credentials table in the transaction that appends `UserCreated` or
//! `UserPasswordChanged`, so no event ever carries secret material. `token_version` counts
//! the changes that end existing sessions (role change, disable, password change); a token
//! names the version it was issued under and is refused once they differ.

use super::framework::{absent, event_sourced, existing};
use super::{DomainError, Lifecycle};
use schema::users::{Role, UserStatus, Username};
use schema::UserEvent;
use serde::{Deserialize, Serialize};

/// What can be asked of a user.
#[derive(Debug, Clone, PartialEq)]
pub enum UserCommand {
    /// Create the user.
    CreateUser { username: Username, role: Role },
    /// Give the user another role (a no-op when it is the same).
    ChangeRole { role: Role },
    /// Stop the user from signing in; ends their sessions and tokens.
    Disable,
    /// Let a disabled user sign in again.
    Enable,
    /// Record that the password was replaced (the handler writes the new hash).
    ChangePassword,
}

/// What readers see of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserState {
    /// The name as given at creation.
    pub username: String,
    /// What the user may do.
    pub role: Role,
    /// ACTIVE or DISABLED.
    pub status: UserStatus,
    /// Changes that ended the user's sessions so far; tokens carry the value they were issued at.
    pub token_version: u32,
}

impl Lifecycle for UserState {
    type Event = UserEvent;

    fn create(event: &UserEvent) -> Option<Self> {
        let UserEvent::UserCreated { username, role } = event else {
            return None;
        };
        Some(Self {
            username: username.clone(),
            role: *role,
            status: UserStatus::Active,
            token_version: 0,
        })
    }

    fn apply(&mut self, event: &UserEvent) {
        match event {
            UserEvent::UserCreated { .. } => {}
            UserEvent::UserRoleChanged { to, .. } => {
                self.role = *to;
                self.token_version += 1;
            }
            UserEvent::UserDisabled {} => {
                self.status = UserStatus::Disabled;
                self.token_version += 1;
            }
            UserEvent::UserEnabled {} => self.status = UserStatus::Active,
            UserEvent::UserPasswordChanged {} => self.token_version += 1,
        }
    }
}

/// The state of one user, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// What readers see (`None` before creation).
    #[serde(flatten)]
    pub state: Option<UserState>,
    /// Disables and password changes so far: an API token issued at an older generation is
    /// refused, so neither re-enabling the user nor anything else brings it back.
    #[serde(default)]
    pub generation: u32,
}

impl User {
    /// The events `command` records on this user, in order, or why it is refused.
    fn decide(&self, command: UserCommand) -> Result<Vec<UserEvent>, DomainError> {
        Ok(match command {
            UserCommand::CreateUser { username, role } => {
                absent(&self.state, "user")?;
                vec![UserEvent::UserCreated {
                    username: username.to_string(),
                    role,
                }]
            }
            UserCommand::ChangeRole { role } => {
                let from = existing(&self.state, "user")?.role;
                if from == role {
                    vec![]
                } else {
                    vec![UserEvent::UserRoleChanged { from, to: role }]
                }
            }
            UserCommand::Disable => match existing(&self.state, "user")?.status {
                UserStatus::Disabled => vec![],
                UserStatus::Active => vec![UserEvent::UserDisabled {}],
            },
            UserCommand::Enable => match existing(&self.state, "user")?.status {
                UserStatus::Active => vec![],
                UserStatus::Disabled => vec![UserEvent::UserEnabled {}],
            },
            UserCommand::ChangePassword => {
                let state = existing(&self.state, "user")?;
                if state.status == UserStatus::Disabled {
                    return Err(DomainError::FailedPrecondition(format!(
                        "user {} is disabled: enable it before changing its password",
                        state.username
                    )));
                }
                vec![UserEvent::UserPasswordChanged {}]
            }
        })
    }

    /// Counts the changes that end API tokens.
    fn remember(&mut self, event: &UserEvent) {
        if matches!(
            event,
            UserEvent::UserDisabled {} | UserEvent::UserPasswordChanged {}
        ) {
            self.generation += 1;
        }
    }
}

event_sourced!(User, "User", UserCommand, UserEvent, UserState);

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::TestFramework;

    fn created() -> UserEvent {
        UserEvent::UserCreated {
            username: "alice".into(),
            role: Role::Operator,
        }
    }

    #[test]
    fn creates_once() {
        let create = || UserCommand::CreateUser {
            username: Username::parse("alice").unwrap(),
            role: Role::Operator,
        };
        TestFramework::<User>::with(())
            .given_no_previous_events()
            .when(create())
            .then_expect_events(vec![created()]);
        TestFramework::<User>::with(())
            .given(vec![created()])
            .when(create())
            .then_expect_error(DomainError::AlreadyExists("user already exists".into()));
    }

    #[test]
    fn role_changes_and_disabling_end_sessions() {
        let mut state = UserState::create(&created()).unwrap();
        assert_eq!(state.token_version, 0);
        state.apply(&UserEvent::UserRoleChanged {
            from: Role::Operator,
            to: Role::Viewer,
        });
        state.apply(&UserEvent::UserDisabled {});
        state.apply(&UserEvent::UserEnabled {});
        assert_eq!((state.role, state.status, state.token_version), (Role::Viewer, UserStatus::Active, 2));
        state.apply(&UserEvent::UserPasswordChanged {});
        assert_eq!(state.token_version, 3);
    }

    #[test]
    fn unchanged_role_and_repeated_disable_record_nothing() {
        TestFramework::<User>::with(())
            .given(vec![created()])
            .when(UserCommand::ChangeRole { role: Role::Operator })
            .then_expect_events(vec![]);
        TestFramework::<User>::with(())
            .given(vec![created()])
            .when(UserCommand::ChangeRole { role: Role::Admin })
            .then_expect_events(vec![UserEvent::UserRoleChanged {
                from: Role::Operator,
                to: Role::Admin,
            }]);
        TestFramework::<User>::with(())
            .given(vec![created(), UserEvent::UserDisabled {}])
            .when(UserCommand::Disable)
            .then_expect_events(vec![]);
        TestFramework::<User>::with(())
            .given(vec![created(), UserEvent::UserDisabled {}])
            .when(UserCommand::Enable)
            .then_expect_events(vec![UserEvent::UserEnabled {}]);
    }

    #[test]
    fn a_disabled_user_keeps_its_password() {
        TestFramework::<User>::with(())
            .given(vec![created(), UserEvent::UserDisabled {}])
            .when(UserCommand::ChangePassword)
            .then_expect_error(DomainError::FailedPrecondition(
                "user alice is disabled: enable it before changing its password".into(),
            ));
        TestFramework::<User>::with(())
            .given_no_previous_events()
            .when(UserCommand::Disable)
            .then_expect_error(DomainError::NotFound("user not found".into()));
    }
}
