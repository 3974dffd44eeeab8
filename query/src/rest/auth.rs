//! `POST /api/v1/auth/login`: GraphQL's `login` (the same check, limits and session) in
//! the original's shape.

use super::error::{ErrorBody, RestError};
use super::request::{check_origin, JsonBody};
use crate::graphql::types::sign_in;
use crate::state::AppState;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// Body of a login.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // The document's schema; the body is read field by field (JsonBody).
pub struct LoginRequest {
    #[schema(example = "admin")]
    username: String,
    #[schema(format = Password)]
    password: String,
}

/// A session: send `Authorization: Bearer <token>`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: LoginUser,
}

/// The user a session is for.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginUser {
    pub id: String,
    pub username: String,
    /// ADMIN, OPERATOR or VIEWER.
    #[schema(example = "OPERATOR")]
    pub role: String,
}

/// Checks a user name and password and issues a session token. Attempts are limited per
/// user name and per client address, as GraphQL's `login`.
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 400, description = "A field is missing or not a string", body = ErrorBody),
        (status = 401, description = "Unknown user, wrong password or disabled user", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
        (status = 503, description = "Credentials cannot be checked now", body = ErrorBody),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, RestError> {
    check_origin(&state, &http)?;
    let mut body = JsonBody::read(&state, &http, payload).await?;
    let username = body.required_string("username")?;
    let password = body.required_string("password")?;
    let client = http.peer_addr().map(|a| a.ip());
    let session = sign_in(&state, &username, &password, client).await?;
    let user = session.principal;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token: session.token,
        expires_at: session.expires_at,
        user: LoginUser {
            id: user.user_id.to_string(),
            username: user.user.username,
            role: user.user.role.as_str().to_string(),
        },
    }))
}
