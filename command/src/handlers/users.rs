//! User and API-token commands, and the lookups sign-in needs.
//!
//! Passwords and token secrets never enter an event: the handler hashes them and the hash
//! goes to the credentials table in the transaction that appends the event
//! (`Append::secrets`). Verification reads the write side (the event store and the
//! credentials table), never a read model, so a disabled user or a revoked token is refused
//! from the moment the command commits.

use super::{check_version, retry_races, stored_id, CommandOptions, Commands, Outcome};
use crate::aggregates::{ApiToken, ApiTokenCommand, ApiTokenState, User, UserCommand, UserState};
use crate::context::RequestContext;
use crate::credentials::{self, IssuedToken};
use crate::error::CommandError;
use crate::store::{Append, Claim, StoreError};
use chrono::{DateTime, Utc};
use schema::users::{Password, Role, TokenName, UserStatus, Username};
use schema::{ApiTokenId, UserId};
use store::credentials::{API_TOKEN, PASSWORD};
use store::event::SecretWrite;

/// Scope of user-name claims (lower case: names are unique ignoring case).
pub const USERNAME: &str = "username";

/// Input of `createUser`.
#[derive(Debug, Clone)]
pub struct CreateUser {
    pub username: Username,
    pub password: Password,
    pub role: Role,
}

/// Input of `updateUser`: what to change (nothing given changes nothing).
#[derive(Debug, Clone, Default)]
pub struct UpdateUser {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password: Option<Password>,
}

/// Who a credential belongs to, as of now: the user, and the token when it was an API token.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub user_id: UserId,
    pub user: UserState,
    pub api_token: Option<ApiTokenId>,
}

impl Commands {
    /// Creates a user; its name is claimed (ignoring case) and its password hash stored in
    /// the same transaction.
    #[tracing::instrument(skip_all, fields(username = %input.username, role = %input.role))]
    pub async fn create_user(
        &self,
        ctx: &RequestContext,
        input: CreateUser,
    ) -> Result<Outcome<UserId>, CommandError> {
        let result = async {
            let hash = self
                .hashing
                .hash(&input.password)
                .await
                .map_err(CommandError::Internal)?;
            let id = UserId::new();
            let decided = self
                .decide::<User>(
                    &id.to_string(),
                    UserCommand::CreateUser {
                        username: input.username.clone(),
                        role: input.role,
                    },
                )
                .await?;
            let append = Append {
                events: decided.new_events(),
                metadata: ctx.metadata(),
                claims: vec![Claim {
                    scope: USERNAME,
                    value: input.username.unique_key(),
                    owner: id.to_string(),
                }],
                secrets: vec![SecretWrite {
                    principal_id: id.to_string(),
                    kind: PASSWORD,
                    hash,
                }],
                ..Append::default()
            };
            match self.commit_append("createUser", ctx, append).await {
                Ok(position) => Ok(Outcome {
                    value: id,
                    position,
                }),
                Err(StoreError::ClaimTaken { .. }) => Err(CommandError::Conflict(format!(
                    "user name \"{}\" is already taken",
                    input.username
                ))),
                Err(e) => Err(e.into()),
            }
        }
        .await;
        Self::record("createUser", &result);
        result
    }

    /// Changes a user's role, disables or enables them, or sets a new password; each change
    /// but enabling ends the user's sessions and makes their API tokens act with the new state.
    #[tracing::instrument(skip(self, ctx, input, options), fields(user_id = %id))]
    pub async fn update_user(
        &self,
        ctx: &RequestContext,
        id: UserId,
        input: UpdateUser,
        options: CommandOptions,
    ) -> Result<Outcome<UserId>, CommandError> {
        let Some(current) = self.user(id).await? else {
            return Err(CommandError::NotFound(format!("user {id} not found")));
        };
        let demotes = input.disabled == Some(true) || input.role.is_some_and(|r| r != Role::Admin);
        if demotes
            && current.role == Role::Admin
            && current.status == UserStatus::Active
            && self.active_admins().await? <= 1
        {
            return Err(CommandError::FailedPrecondition(format!(
                "{} is the last active admin: make another user admin first",
                current.username
            )));
        }
        let hash = match &input.password {
            Some(p) => Some(self.hashing.hash(p).await.map_err(CommandError::Internal)?),
            None => None,
        };
        let result = retry_races(options.expected_version, || async {
            let (mut state, version) = self.load::<User>(&id.to_string()).await?;
            if state.state.is_none() {
                return Err(CommandError::NotFound(format!("user {id} not found")));
            }
            check_version(options.expected_version, version)?;
            // Enable first and disable last, so that a password can be set in the same
            // request either way.
            let mut commands = Vec::new();
            if input.disabled == Some(false) {
                commands.push(UserCommand::Enable);
            }
            if let Some(role) = input.role {
                commands.push(UserCommand::ChangeRole { role });
            }
            if hash.is_some() {
                commands.push(UserCommand::ChangePassword);
            }
            if input.disabled == Some(true) {
                commands.push(UserCommand::Disable);
            }
            // Each command decides on the state the previous ones left.
            let mut events = Vec::new();
            let mut at = version;
            for command in commands {
                let decided = Self::decide_on(&id.to_string(), state, at, command).await?;
                events.extend(decided.new_events());
                at = decided.version + decided.events.len() as i64;
                state = decided.state;
            }
            if events.is_empty() {
                return Ok(Outcome {
                    value: id,
                    position: 0,
                });
            }
            let secrets = hash
                .iter()
                .map(|h| SecretWrite {
                    principal_id: id.to_string(),
                    kind: PASSWORD,
                    hash: h.clone(),
                })
                .collect();
            let append = Append {
                events,
                metadata: ctx.metadata(),
                secrets,
                ..Append::default()
            };
            let position = self.commit_append("updateUser", ctx, append).await?;
            Ok(Outcome {
                value: id,
                position,
            })
        })
        .await;
        Self::record("updateUser", &result);
        result
    }

    /// Issues an API token for `user_id`; the answer holds its secret, which is not kept.
    #[tracing::instrument(skip(self, ctx, name), fields(user_id = %user_id))]
    pub async fn create_api_token(
        &self,
        ctx: &RequestContext,
        user_id: UserId,
        name: TokenName,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<Outcome<(ApiTokenId, IssuedToken)>, CommandError> {
        let result = async {
            if expires_at.is_some_and(|at| at <= Utc::now()) {
                return Err(CommandError::BadInput(
                    "expiresAt: must be in the future".into(),
                ));
            }
            let (user, _) = self.load::<User>(&user_id.to_string()).await?;
            let user_generation = user.generation;
            match user.state {
                None => return Err(CommandError::NotFound(format!("user {user_id} not found"))),
                Some(u) if u.status == UserStatus::Disabled => {
                    return Err(CommandError::FailedPrecondition(format!(
                        "user {} is disabled",
                        u.username
                    )))
                }
                Some(_) => {}
            }
            let id = ApiTokenId::new();
            let issued = credentials::issue_token(id);
            let decided = self
                .decide::<ApiToken>(
                    &id.to_string(),
                    ApiTokenCommand::CreateApiToken {
                        user_id,
                        name,
                        expires_at,
                        user_generation,
                    },
                )
                .await?;
            let append = Append {
                events: decided.new_events(),
                metadata: ctx.metadata(),
                secrets: vec![SecretWrite {
                    principal_id: id.to_string(),
                    kind: API_TOKEN,
                    hash: issued.hash.clone(),
                }],
                ..Append::default()
            };
            let position = self.commit_append("createApiToken", ctx, append).await?;
            Ok(Outcome {
                value: (id, issued),
                position,
            })
        }
        .await;
        Self::record("createApiToken", &result);
        result
    }

    /// Revokes an API token (a no-op, position 0, when it already is).
    #[tracing::instrument(skip(self, ctx), fields(api_token_id = %id))]
    pub async fn revoke_api_token(
        &self,
        ctx: &RequestContext,
        id: ApiTokenId,
    ) -> Result<Outcome<ApiTokenId>, CommandError> {
        let result = retry_races(None, || async {
            let decided = self
                .decide::<ApiToken>(&id.to_string(), ApiTokenCommand::Revoke)
                .await?;
            let events = decided.new_events();
            if events.is_empty() {
                return Ok(Outcome {
                    value: id,
                    position: 0,
                });
            }
            let position = self
                .commit("revokeApiToken", ctx, events, vec![], vec![], None)
                .await?;
            Ok(Outcome {
                value: id,
                position,
            })
        })
        .await;
        Self::record("revokeApiToken", &result);
        result
    }

    /// The user and their current state, if they exist.
    pub async fn user(&self, id: UserId) -> Result<Option<UserState>, CommandError> {
        Ok(self.load::<User>(&id.to_string()).await?.0.state)
    }

    /// The id of the user called `username` (ignoring case), if any.
    pub async fn user_named(&self, username: &str) -> Result<Option<UserId>, CommandError> {
        let owner = self
            .store()
            .claim_owner(USERNAME, &username.to_ascii_lowercase())
            .await?;
        owner.map(|o| stored_id(&o)).transpose()
    }

    /// Every user's id, in name order.
    pub async fn user_ids(&self) -> Result<Vec<UserId>, CommandError> {
        let owners = self.store().claim_owners(USERNAME).await?;
        owners.iter().map(|o| stored_id(o)).collect()
    }

    /// How many users exist.
    pub async fn user_count(&self) -> Result<i64, CommandError> {
        Ok(self.store().claim_count(USERNAME).await?)
    }

    /// The active user whose name and password these are, or `None` (unknown name, wrong
    /// password or disabled user alike: the caller says only "invalid credentials"). An
    /// unknown name costs one hash too, so timing does not tell which names exist.
    pub async fn verify_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<Principal>, CommandError> {
        let found = match self.user_named(username).await? {
            Some(id) => {
                let hash = self.store().secret_hash(&id.to_string(), PASSWORD).await?;
                hash.map(|h| (id, h))
            }
            None => None,
        };
        let Some((user_id, hash)) = found else {
            // One verify, as for a known name (the dummy hash is computed once).
            let dummy = self
                .dummy_hash
                .get_or_try_init(|| async { self.hashing.hash(&dummy_password()).await })
                .await;
            if let Ok(dummy) = dummy {
                self.hashing
                    .verify(password.to_string(), dummy.clone())
                    .await;
            }
            return Ok(None);
        };
        if !self.hashing.verify(password.to_string(), hash).await {
            return Ok(None);
        }
        match self.user(user_id).await? {
            Some(user) if user.status == UserStatus::Active => Ok(Some(Principal {
                user_id,
                user,
                api_token: None,
            })),
            _ => Ok(None),
        }
    }

    /// The principal of an API token string (`cg_…`), or `None` when it is unknown, does
    /// not match, is revoked or expired, or its user is disabled.
    pub async fn verify_api_token(&self, raw: &str) -> Result<Option<Principal>, CommandError> {
        let Some((id, secret)) = credentials::parse_token(raw) else {
            return Ok(None);
        };
        let Some(hash) = self.store().secret_hash(&id.to_string(), API_TOKEN).await? else {
            return Ok(None);
        };
        if !credentials::token_matches(secret, &hash) {
            return Ok(None);
        }
        let (token, _) = self.load::<ApiToken>(&id.to_string()).await?;
        let issued_at = token.user_generation;
        let Some(token): Option<ApiTokenState> = token.state else {
            return Ok(None);
        };
        if !token.usable_at(Utc::now()) {
            return Ok(None);
        }
        let (user, _) = self.load::<User>(&token.user_id.to_string()).await?;
        if user.generation != issued_at {
            // Its user was disabled or changed password since: ended for good.
            return Ok(None);
        }
        match user.state {
            Some(user) if user.status == UserStatus::Active => Ok(Some(Principal {
                user_id: token.user_id,
                user,
                api_token: Some(id),
            })),
            _ => Ok(None),
        }
    }

    /// How many users are active admins.
    async fn active_admins(&self) -> Result<usize, CommandError> {
        let mut count = 0;
        for id in self.user_ids().await? {
            if self
                .user(id)
                .await?
                .is_some_and(|u| u.role == Role::Admin && u.status == UserStatus::Active)
            {
                count += 1;
            }
        }
        Ok(count)
    }

    /// The API token `id`'s state (who owns it), if it exists.
    pub async fn api_token(&self, id: ApiTokenId) -> Result<Option<ApiTokenState>, CommandError> {
        Ok(self.load::<ApiToken>(&id.to_string()).await?.0.state)
    }
}

/// A password nobody has, hashed when a sign-in names an unknown user.
fn dummy_password() -> Password {
    Password::parse("no such user: equal work").expect("a valid password")
}
