//! The `users` and `api_tokens` read models: one row per user and per API token, folded by
//! their aggregates. They hold no secret: hashes live in the write side's `credentials`.

use super::lifecycle::{Lifecycle, StateColumns};
use super::{Listed, Table};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::{number, time_opt, typed};
use crate::counts;
use crate::rows::{ChangedRow, LifecycleRow};
use command::aggregates::{ApiTokenState, UserState};
use schema::users::{ApiTokenStatus, Role, UserStatus};
use schema::AggregateType;

/// A user as the API shows it.
pub type UserRow = LifecycleRow<UserState>;
/// An API token as the API shows it.
pub type ApiTokenRow = LifecycleRow<ApiTokenState>;

/// The `users` read model.
pub type Users = Lifecycle<UserState>;
/// The `api_tokens` read model.
pub type ApiTokens = Lifecycle<ApiTokenState>;

/// Filters of the `users` list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub username: Option<String>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
}

/// Filters of the `apiTokens` list.
#[derive(Debug, Clone, Default)]
pub struct ApiTokenFilter {
    pub user_id: Option<String>,
    pub status: Option<ApiTokenStatus>,
}

impl StateColumns for UserState {
    const AGGREGATE: AggregateType = AggregateType::User;
    const NAME: &'static str = "users";
    const COLUMNS: &'static str =
        "id, ordinal, username, role, status, token_version, version, created_us, updated_us";

    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn statuses() -> Vec<&'static str> {
        UserStatus::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(UserState {
            username: row.text("username")?,
            role: typed(row, "role", Role::parse)?,
            status: typed(row, "status", UserStatus::parse)?,
            token_version: number(row, "token_version")?,
        })
    }
    fn bind<'q, Q: Bind<'q>>(&'q self, q: Q) -> Result<Q, serde_json::Error> {
        Ok(q.text(&self.username)
            .text(self.role.as_str())
            .text(self.status.as_str())
            .int(i64::from(self.token_version)))
    }
    fn changed(_row: &UserRow) -> Option<ChangedRow> {
        None
    }
}

impl Listed for Users {
    type Filter = UserFilter;
    fn filter(f: &UserFilter, w: &mut Where) -> Option<String> {
        w.like_ci("username", &f.username);
        w.eq("role", f.role.map(|r| r.as_str()));
        w.eq("status", f.status.map(|s| s.as_str()));
        let unfiltered = f.username.is_none() && f.role.is_none();
        unfiltered.then(|| counts::key(Self::NAME, f.status.map(|s| s.as_str())))
    }
}

impl StateColumns for ApiTokenState {
    const AGGREGATE: AggregateType = AggregateType::ApiToken;
    const NAME: &'static str = "api_tokens";
    const COLUMNS: &'static str =
        "id, ordinal, user_id, name, status, expires_us, version, created_us, updated_us";

    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn statuses() -> Vec<&'static str> {
        ApiTokenStatus::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(ApiTokenState {
            user_id: typed(row, "user_id", |s| s.parse().ok())?,
            name: row.text("name")?,
            status: typed(row, "status", ApiTokenStatus::parse)?,
            expires_at: time_opt(row, "expires_us")?,
        })
    }
    fn bind<'q, Q: Bind<'q>>(&'q self, q: Q) -> Result<Q, serde_json::Error> {
        Ok(q.owned(self.user_id.to_string())
            .text(&self.name)
            .text(self.status.as_str())
            .int_opt(self.expires_at.map(|t| t.timestamp_micros())))
    }
    fn changed(_row: &ApiTokenRow) -> Option<ChangedRow> {
        None
    }
}

impl Listed for ApiTokens {
    type Filter = ApiTokenFilter;
    fn filter(f: &ApiTokenFilter, w: &mut Where) -> Option<String> {
        w.eq("user_id", f.user_id.as_deref());
        w.eq("status", f.status.map(|s| s.as_str()));
        f.user_id
            .is_none()
            .then(|| counts::key(Self::NAME, f.status.map(|s| s.as_str())))
    }
}
