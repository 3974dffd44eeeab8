//! `User` and `ApiToken`: who may sign in and with what role, and the tokens scripts use —
//! the objects, `login` and `me`, the admin's user management and everyone's own API tokens.
//! Which root field needs which role is in [`crate::graphql::access`]; ownership of tokens is
//! checked here.

use super::Guarded;
use crate::auth::{AuthError, Caller, Via};
use crate::errors::{self, ErrorCode};
use crate::graphql::inputs::{self, parsed};
use crate::graphql::pagination::{Connection, PageArgs};
use crate::graphql::payloads::{caller, respond, single_payload, Payload, Written};
use crate::graphql::read_model::{self, list};
use crate::http::ClientAddress;
use async_graphql::{
    Context, Enum, ErrorExtensions, InputObject, Object, Result, SimpleObject, ID,
};
use chrono::{DateTime, Utc};
use command::handlers::{CreateUser, UpdateUser};
use projector::models::users::{ApiTokenRow, UserRow};
use schema::users::{Password, TokenName, Username};
use schema::{ApiTokenId, UserId};

gql_enum!(
    /// What a user may do: VIEWER reads; OPERATOR also runs cluster, droplet, job and
    /// health-check commands; ADMIN also manages users, tokens and rate limits.
    Role, "schema::users::Role", schema::users::Role { Admin, Operator, Viewer }
);

gql_enum!(
    /// Whether a user may sign in.
    UserStatus, "schema::users::UserStatus", schema::users::UserStatus { Active, Disabled }
);

gql_enum!(
    /// Whether an API token is accepted.
    ApiTokenStatus, "schema::users::ApiTokenStatus", schema::users::ApiTokenStatus { Active, Revoked }
);

parsed!(String => Username, Password, TokenName);
parsed!(ID => UserId, ApiTokenId);

/// Someone who may sign in.
pub struct User(pub UserRow);

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// As given at creation; unique ignoring letter case.
    async fn username(&self) -> &str {
        &self.0.state.username
    }
    async fn role(&self) -> Role {
        self.0.state.role.into()
    }
    async fn status(&self) -> UserStatus {
        self.0.state.status.into()
    }
    #[graphql(flatten)]
    async fn guarded(&self) -> Guarded {
        Guarded::of(self.0.version, self.0.created_us, self.0.updated_us)
    }
}

/// A token for scripts: acts as its user, with the user's current role.
pub struct ApiToken(pub ApiTokenRow);

#[Object]
impl ApiToken {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn name(&self) -> &str {
        &self.0.state.name
    }
    async fn user_id(&self) -> ID {
        ID(self.0.state.user_id.to_string())
    }
    /// Its user.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let state = crate::graphql::query::state(ctx);
        read_model::find(state, &self.0.state.user_id.to_string()).await
    }
    async fn status(&self) -> ApiTokenStatus {
        self.0.state.status.into()
    }
    /// When it stops being accepted; null: never.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.state.expires_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        super::time(self.0.created_us)
    }
    async fn version(&self) -> i64 {
        self.0.version
    }
}

/// Filters for `users`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UserFilter {
    /// Part of the user name, ignoring case.
    pub username: Option<String>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
}

impl From<UserFilter> for projector::models::users::UserFilter {
    fn from(f: UserFilter) -> Self {
        Self {
            username: f.username.filter(|u| !u.is_empty()),
            role: f.role.map(Into::into),
            status: f.status.map(Into::into),
        }
    }
}

/// Filters for `apiTokens`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ApiTokenFilter {
    /// Whose tokens (admins only may name another user).
    pub user_id: Option<ID>,
    pub status: Option<ApiTokenStatus>,
}

/// How the caller of this request proved who they are.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SignedInVia {
    /// No token, and the server is in `local` mode: the built-in local operator.
    Local,
    /// No token, and the server requires one: only `login` and introspection.
    Anonymous,
    /// A session from `login`.
    Session,
    /// An API token.
    ApiToken,
}

/// Who this request runs as.
#[derive(SimpleObject)]
pub struct Me {
    /// The actor events of this request record: the user name, `local` or `anonymous`.
    pub actor: String,
    /// What the caller may do; null when not signed in.
    pub role: Option<Role>,
    pub via: SignedInVia,
    /// `local` or `required`: whether requests without a token are served.
    pub auth_mode: String,
    /// The signed-in user.
    pub user: Option<User>,
    /// When the credential stops being accepted (sessions, expiring API tokens).
    pub expires_at: Option<DateTime<Utc>>,
}

/// Result of `login`: a session token for `Authorization: Bearer …`.
#[derive(SimpleObject)]
pub struct LoginPayload {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: LoginUser,
}

/// The user a session is for.
#[derive(SimpleObject)]
pub struct LoginUser {
    pub id: ID,
    pub username: String,
    pub role: Role,
}

/// Input of `createUser`.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// 1–64 ASCII letters, digits, `.`, `_`, `-` or `@`; unique ignoring case.
    pub username: String,
    /// 8–1024 characters; stored as an argon2id hash only.
    #[graphql(secret)]
    pub password: String,
    pub role: Role,
}

/// Input of `updateUser`: what to change.
#[derive(InputObject, Default)]
pub struct UpdateUserInput {
    pub role: Option<Role>,
    /// True disables the user (their sessions and API tokens stop working at once); false
    /// enables them again (their earlier API tokens stay revoked).
    pub disabled: Option<bool>,
    /// A new password (ends the user's sessions and API tokens).
    #[graphql(secret)]
    pub password: Option<String>,
}

/// Input of `createApiToken`.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// What the token is for, e.g. `ci-deploy`.
    pub name: String,
    /// Days until it expires (1–3650); omitted: it never expires.
    pub expires_in_days: Option<i32>,
}

single_payload!(
    /// Result of `createUser` and `updateUser`.
    UserPayload { user: User },
    UserId
);

single_payload!(
    /// Result of `revokeApiToken`.
    ApiTokenPayload { api_token: ApiToken },
    ApiTokenId
);

/// Result of `createApiToken`: the token's secret, shown this once.
#[derive(SimpleObject)]
pub struct CreatedApiToken {
    pub api_token: Option<ApiToken>,
    /// The token to send as `Authorization: Bearer …`. It is stored hashed and cannot be
    /// shown again.
    pub secret: String,
    #[doc = crate::graphql::payloads::position_doc!()]
    pub position: i64,
    #[doc = crate::graphql::payloads::projected_doc!()]
    pub projected: bool,
}

/// A token issued: its id and its secret.
pub struct Issued(ApiTokenId, String);

impl Payload for CreatedApiToken {
    type Affected = Issued;

    async fn read(
        state: &crate::state::AppState,
        issued: Issued,
        written: Written,
    ) -> Result<Self> {
        Ok(Self {
            api_token: read_model::find(state, &issued.0.to_string()).await?,
            secret: issued.1,
            position: written.position,
            projected: written.projected,
        })
    }
}

/// The caller of a request (anonymous when absent).
pub(crate) fn request_caller(ctx: &Context<'_>) -> Caller {
    ctx.data_opt::<Caller>()
        .cloned()
        .unwrap_or_else(Caller::anonymous)
}

/// The one login path (GraphQL `login` and REST `POST /api/v1/auth/login`): checks the
/// name and password within the login limits and issues a session.
pub(crate) async fn sign_in(
    state: &crate::state::AppState,
    username: &str,
    password: &str,
    client: Option<std::net::IpAddr>,
) -> Result<crate::auth::Session> {
    let session = match state.auth.login(username, password, client).await {
        Err(retry_after) => return Err(rate_limited(retry_after)),
        Ok(Err(e @ AuthError::Unavailable(_))) => {
            return Err(errors::coded(ErrorCode::Unavailable, e.to_string()))
        }
        Ok(Err(e)) => return Err(errors::coded(ErrorCode::Unauthenticated, e.to_string())),
        Ok(Ok(session)) => session,
    };
    tracing::info!(user_id = %session.principal.user_id, "signed in");
    Ok(session)
}

fn rate_limited(retry_after: Option<std::time::Duration>) -> async_graphql::Error {
    let seconds = retry_after.map_or(60, |d| d.as_secs_f64().ceil().max(1.0) as u64);
    let mut e = errors::coded(
        ErrorCode::RateLimited,
        format!("too many login attempts; try again in {seconds} s"),
    );
    e = e.extend_with(|_, ext| ext.set("retryAfterSeconds", seconds));
    e
}

/// Who may see or revoke the token `owner` owns: its owner, or an admin.
fn may_manage(caller: &Caller, owner: UserId) -> bool {
    caller.user_id == Some(owner) || caller.allows(schema::users::Role::Admin)
}

/// User and token reads.
#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// Who this request runs as.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me> {
        let state = crate::graphql::query::state(ctx);
        let caller = request_caller(ctx);
        let user = match caller.user_id {
            Some(id) => read_model::find(state, &id.to_string()).await?,
            None => None,
        };
        Ok(Me {
            actor: caller.actor.clone(),
            role: caller.role.map(Into::into),
            via: match caller.via {
                Via::Local => SignedInVia::Local,
                Via::Anonymous => SignedInVia::Anonymous,
                Via::Session => SignedInVia::Session,
                Via::ApiToken(_) => SignedInVia::ApiToken,
            },
            auth_mode: state.auth.mode().as_str().to_string(),
            user,
            expires_at: caller.expires_at,
        })
    }

    /// One user, or null (admin).
    async fn user(
        &self,
        ctx: &Context<'_>,
        id: ID,
        min_position: Option<i64>,
    ) -> Result<Option<User>> {
        read_model::get(crate::graphql::query::state(ctx), &id, min_position).await
    }

    /// Users, oldest first (admin).
    async fn users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<UserFilter>,
        min_position: Option<i64>,
    ) -> Result<Connection<User>> {
        let filter = filter.unwrap_or_default().into();
        list(ctx, PageArgs::forward(first, after), filter, min_position).await
    }

    /// API tokens, oldest first: the caller's own, or (admins) anyone's.
    async fn api_tokens(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ApiTokenFilter>,
        min_position: Option<i64>,
    ) -> Result<Connection<ApiToken>> {
        let caller = request_caller(ctx);
        let filter = filter.unwrap_or_default();
        let wanted: Option<UserId> = inputs::parse(filter.user_id)?;
        let user_id = if caller.allows(schema::users::Role::Admin) {
            wanted
        } else {
            let own = caller.user_id.ok_or_else(|| {
                errors::coded(ErrorCode::Forbidden, "sign in as a user to list API tokens")
            })?;
            if wanted.is_some_and(|w| w != own) {
                return Err(errors::coded(
                    ErrorCode::Forbidden,
                    "only an admin may list another user's API tokens",
                ));
            }
            Some(own)
        };
        let filter = projector::models::users::ApiTokenFilter {
            user_id: user_id.map(|u| u.to_string()),
            status: filter.status.map(Into::into),
        };
        list(ctx, PageArgs::forward(first, after), filter, min_position).await
    }
}

/// Signing in, users and tokens.
#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    /// Checks a user name and password and answers with a session token. Attempts are
    /// limited per user name and per client address (`RATE_LIMITED` with
    /// `retryAfterSeconds`); a wrong name, a wrong password and a disabled user all answer
    /// `UNAUTHENTICATED` "invalid username or password".
    async fn login(
        &self,
        ctx: &Context<'_>,
        username: String,
        #[graphql(secret)] password: String,
    ) -> Result<LoginPayload> {
        let state = crate::graphql::query::state(ctx);
        let client = ctx.data_opt::<ClientAddress>().and_then(|c| c.0);
        let session = sign_in(state, &username, &password, client).await?;
        Ok(LoginPayload {
            token: session.token,
            expires_at: session.expires_at,
            user: LoginUser {
                id: ID(session.principal.user_id.to_string()),
                username: session.principal.user.username,
                role: session.principal.user.role.into(),
            },
        })
    }

    /// Creates a user (admin).
    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> Result<UserPayload> {
        let input = CreateUser {
            username: inputs::parse(input.username)?,
            password: inputs::parse(input.password)?,
            role: input.role.into(),
        };
        let (state, context) = caller(ctx);
        respond(state, state.commands.create_user(&context, input)).await
    }

    /// Changes a user's role, disables or enables them, or sets their password (admin).
    /// The last active admin cannot be disabled or lose the role.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateUserInput,
        expected_version: Option<i64>,
    ) -> Result<UserPayload> {
        let id: UserId = inputs::parse(id)?;
        let update = UpdateUser {
            role: input.role.map(Into::into),
            disabled: input.disabled,
            password: inputs::parse(input.password)?,
        };
        let options = inputs::options(expected_version, None)?;
        let (state, context) = caller(ctx);
        respond(
            state,
            state.commands.update_user(&context, id, update, options),
        )
        .await
    }

    /// Issues an API token for the signed-in caller; its secret is in the answer, once.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> Result<CreatedApiToken> {
        let me = request_caller(ctx);
        let user_id = me.user_id.ok_or_else(|| {
            errors::coded(
                ErrorCode::Forbidden,
                "API tokens belong to a user: sign in as one (login) to create one",
            )
        })?;
        let name: TokenName = inputs::parse(input.name)?;
        let expires_at = match input.expires_in_days {
            None => None,
            Some(days @ 1..=3650) => Some(Utc::now() + chrono::Duration::days(i64::from(days))),
            Some(days) => {
                return Err(errors::bad_input(format!(
                    "expiresInDays: must be 1–3650, got {days}"
                )))
            }
        };
        let (state, context) = caller(ctx);
        respond(state, async {
            let outcome = state
                .commands
                .create_api_token(&context, user_id, name, expires_at)
                .await?;
            let (id, issued) = outcome.value;
            Ok(command::Outcome {
                value: Issued(id, issued.token),
                position: outcome.position,
            })
        })
        .await
    }

    /// Revokes an API token: one's own, or (admins) anyone's.
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> Result<ApiTokenPayload> {
        let id: ApiTokenId = inputs::parse(id)?;
        let me = request_caller(ctx);
        let (state, context) = caller(ctx);
        let token = state
            .commands
            .api_token(id)
            .await
            .map_err(errors::command)?
            .ok_or_else(|| errors::not_found(format!("API token {id} not found")))?;
        if !may_manage(&me, token.user_id) {
            return Err(errors::coded(
                ErrorCode::Forbidden,
                "only the token's user or an admin may revoke it",
            ));
        }
        respond(state, state.commands.revoke_api_token(&context, id)).await
    }
}
