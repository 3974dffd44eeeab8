//! Who is calling: the [`Caller`] of every request, from what the client presented.
//!
//! One path for HTTP and WebSocket: both hand what the client sent to
//! [`Authenticator::authenticate`]. Two kinds of credential are accepted:
//!
//! - an API token (`cg_<id>_<secret>`), checked against its stored hash
//!   ([`Commands::verify_api_token`]);
//! - a session JWT from `login`: HS256 only, with `sub` (the user id), `role`, `ver` (the
//!   user's token version), `iat` and `exp`; 30 s of clock skew are tolerated. The user is
//!   loaded on every request, so disabling a user, changing their role or their password
//!   ends their sessions at once (the version no longer matches).
//!
//! Without a credential, the [`AuthMode`] decides: `local` (the default on a loopback
//! address) acts as the built-in local operator, recorded as actor `local`, with every role;
//! `required` leaves the caller anonymous, and everything but `login` and introspection is
//! refused (`UNAUTHENTICATED`) by [`crate::graphql::access`].

use chrono::{DateTime, Utc};
use command::handlers::Principal;
use command::rate_limit::{Limit, RateLimiter};
use command::Commands;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use schema::users::{Role, UserStatus};
use schema::{ApiTokenId, UserId};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// The actor of requests without a credential in `local` mode.
pub const LOCAL_ACTOR: &str = "local";

/// Seconds of clock skew tolerated on `exp` and `iat`.
pub const LEEWAY_SECONDS: u64 = 30;

/// Whether a request without a token is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// Requests without a token act as the local operator (loopback addresses only).
    Local,
    /// Every request but `login` needs a token.
    Required,
}

impl AuthMode {
    /// The name in settings and in `me`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::Local => "local",
            AuthMode::Required => "required",
        }
    }
}

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// No credential, `local` mode.
    Local,
    /// No credential, `required` mode: only `login` and introspection.
    Anonymous,
    /// A session JWT from `login`.
    Session,
    /// An API token.
    ApiToken(ApiTokenId),
}

/// The caller of one request (in the GraphQL request data of every request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Recorded as the actor of every event the request appends: the user name, or `local`.
    pub actor: String,
    /// What the caller may do; `None` when anonymous.
    pub role: Option<Role>,
    /// The user, when signed in.
    pub user_id: Option<UserId>,
    /// How.
    pub via: Via,
    /// When the credential stops being valid (sessions and expiring API tokens).
    pub expires_at: Option<DateTime<Utc>>,
}

impl Caller {
    /// The built-in local operator.
    pub fn local() -> Self {
        Self {
            actor: LOCAL_ACTOR.into(),
            role: Some(Role::Admin),
            user_id: None,
            via: Via::Local,
            expires_at: None,
        }
    }

    /// Nobody yet (required mode, no token).
    pub fn anonymous() -> Self {
        Self {
            actor: schema::metadata::ANONYMOUS_ACTOR.into(),
            role: None,
            user_id: None,
            via: Via::Anonymous,
            expires_at: None,
        }
    }

    /// Whether this caller may do what needs `role`.
    pub fn allows(&self, role: Role) -> bool {
        self.role.is_some_and(|r| r.allows(role))
    }

    /// Whether the caller is a signed-in user (a session or an API token).
    pub fn is_user(&self) -> bool {
        self.user_id.is_some()
    }

    fn of(principal: Principal, via: Via, expires_at: Option<DateTime<Utc>>) -> Self {
        Self {
            actor: principal.user.username,
            role: Some(principal.user.role),
            user_id: Some(principal.user_id),
            via,
            expires_at,
        }
    }
}

/// Why a request's credentials were refused (HTTP 401, `UNAUTHENTICATED`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The `Authorization` value is not `Bearer <token>`.
    #[error("the Authorization header must be 'Bearer <token>'")]
    Malformed,
    /// The token failed verification.
    #[error("invalid bearer token: {0}")]
    Invalid(&'static str),
    /// Login: unknown user, wrong password or disabled user alike.
    #[error("invalid username or password")]
    BadCredentials,
    /// The store could not be asked.
    #[error("cannot check credentials now: {0}")]
    Unavailable(String),
}

/// What a client presented: an `Authorization` header value (`Bearer <token>`) or a bare token.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// An `Authorization` value.
    Header(&'a str),
    /// A token without the `Bearer` scheme (the WebSocket `token` init field).
    Token(&'a str),
}

impl<'a> Credential<'a> {
    /// The token itself.
    pub fn token(self) -> Result<&'a str, AuthError> {
        let (value, scheme_required) = match self {
            Credential::Header(v) => (v, true),
            Credential::Token(v) => (v, false),
        };
        let stripped = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "));
        match stripped {
            Some(t) => Ok(t.trim()),
            None if scheme_required => Err(AuthError::Malformed),
            None => Ok(value.trim()),
        }
    }
}

/// The claims of a session JWT.
#[derive(Debug, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The user id.
    pub sub: String,
    /// The role when issued (the current role is what counts; a change ends the session).
    pub role: String,
    /// The user's token version when issued.
    pub ver: u32,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expires at, seconds since the epoch.
    pub exp: i64,
}

/// A session issued by `login`.
#[derive(Debug, Clone)]
pub struct Session {
    /// The JWT.
    pub token: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// Who it is for, as of now.
    pub principal: Principal,
}

/// Login attempts allowed per user name and per client address: a burst, then one every 12 s.
pub const LOGIN_BURST: u32 = 10;
/// Refill of the login limiter, attempts per second.
pub const LOGIN_REFILL_PER_SEC: f64 = 1.0 / 12.0;

/// Authenticates requests and issues sessions.
#[derive(Clone)]
pub struct Authenticator {
    mode: AuthMode,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    session_ttl: Duration,
    commands: Commands,
    limiter: Arc<RateLimiter>,
    login_limit: Limit,
    /// Bumped whenever a user or an API token changes (see [`Authenticator::follow`]).
    changes: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Authenticator {
    /// An authenticator in `mode` signing sessions with `secret` (HS256).
    pub fn new(
        mode: AuthMode,
        secret: &[u8],
        session_ttl: Duration,
        commands: Commands,
        limiter: Arc<RateLimiter>,
    ) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        validation.required_spec_claims = ["sub", "exp", "iat"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        Self {
            mode,
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            session_ttl,
            commands,
            limiter,
            login_limit: Limit::new(LOGIN_REFILL_PER_SEC, LOGIN_BURST)
                .expect("the login limit is a valid limit"),
            changes: Arc::new(tokio::sync::watch::channel(0).0),
        }
    }

    /// Signals every change of a user or an API token the projector applies, until
    /// `shutdown`: signed-in WebSockets then check that their credential still holds.
    pub async fn follow(
        self,
        feed: projector::ChangeFeed,
        shutdown: tokio_util::sync::CancellationToken,
    ) {
        use tokio::sync::broadcast::error::RecvError;
        let mut changes = feed.subscribe();
        let user = schema::AggregateType::User.as_str();
        let token = schema::AggregateType::ApiToken.as_str();
        loop {
            let relevant = tokio::select! {
                _ = shutdown.cancelled() => return,
                change = changes.recv() => match change {
                    Ok(c) => c.audit.aggregate_type == user || c.audit.aggregate_type == token,
                    // Missed some: any of them may have been one.
                    Err(RecvError::Lagged(_)) => true,
                    Err(RecvError::Closed) => return,
                },
            };
            if relevant {
                self.changes.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
    }

    /// A receiver that sees every change of a user or an API token.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The mode.
    pub fn mode(&self) -> AuthMode {
        self.mode
    }

    /// How long a session lasts.
    pub fn session_ttl(&self) -> Duration {
        self.session_ttl
    }

    /// The caller of a request that presented `credential` (or nothing).
    pub async fn authenticate(
        &self,
        credential: Option<Credential<'_>>,
    ) -> Result<Caller, AuthError> {
        let Some(credential) = credential else {
            return Ok(match self.mode {
                AuthMode::Local => Caller::local(),
                AuthMode::Required => Caller::anonymous(),
            });
        };
        let token = credential.token()?;
        if token.starts_with(command::credentials::TOKEN_PREFIX) {
            return self.api_token(token).await;
        }
        self.session(token).await
    }

    async fn api_token(&self, token: &str) -> Result<Caller, AuthError> {
        let principal = self
            .commands
            .verify_api_token(token)
            .await
            .map_err(|e| AuthError::Unavailable(e.to_string()))?
            .ok_or(AuthError::Invalid(
                "the API token is unknown, revoked or expired, or its user is disabled",
            ))?;
        let Some(id) = principal.api_token else {
            return Err(AuthError::Invalid("not an API token"));
        };
        let expires_at = self
            .commands
            .api_token(id)
            .await
            .map_err(|e| AuthError::Unavailable(e.to_string()))?
            .and_then(|t| t.expires_at);
        Ok(Caller::of(principal, Via::ApiToken(id), expires_at))
    }

    async fn session(&self, token: &str) -> Result<Caller, AuthError> {
        let data =
            decode::<SessionClaims>(token, &self.decoding, &self.validation).map_err(|e| {
                AuthError::Invalid(match e.kind() {
                    ErrorKind::ExpiredSignature => "the token has expired",
                    ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)",
                    ErrorKind::MissingRequiredClaim(_) => {
                        "the token lacks a required claim (sub, iat, exp)"
                    }
                    ErrorKind::InvalidSignature => "the signature does not match",
                    ErrorKind::InvalidAlgorithm => "the token must be signed with HS256",
                    _ => "the token is malformed",
                })
            })?;
        let claims = data.claims;
        let now = Utc::now().timestamp();
        if claims.iat > now + LEEWAY_SECONDS as i64 {
            return Err(AuthError::Invalid("the token was issued in the future"));
        }
        let user_id: UserId = claims
            .sub
            .parse()
            .map_err(|_| AuthError::Invalid("the subject is not a user id"))?;
        let user = self
            .commands
            .user(user_id)
            .await
            .map_err(|e| AuthError::Unavailable(e.to_string()))?
            .ok_or(AuthError::Invalid("the token's user does not exist"))?;
        if user.status != UserStatus::Active {
            return Err(AuthError::Invalid("the token's user is disabled"));
        }
        if user.token_version != claims.ver {
            return Err(AuthError::Invalid(
                "the session has ended (the user's role, password or status changed)",
            ));
        }
        let expires_at = DateTime::from_timestamp(claims.exp, 0);
        let principal = Principal {
            user_id,
            user,
            api_token: None,
        };
        Ok(Caller::of(principal, Via::Session, expires_at))
    }

    /// A session JWT for `principal`, valid for the session length.
    pub fn issue(&self, principal: Principal) -> Result<Session, AuthError> {
        let now = Utc::now();
        let ttl =
            chrono::Duration::from_std(self.session_ttl).unwrap_or(chrono::Duration::hours(12));
        let expires_at = now + ttl;
        let claims = SessionClaims {
            sub: principal.user_id.to_string(),
            role: principal.user.role.as_str().to_string(),
            ver: principal.user.token_version,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AuthError::Unavailable(e.to_string()))?;
        Ok(Session {
            token,
            expires_at,
            principal,
        })
    }

    /// Checks a user name and password and issues a session. Attempts are limited per user
    /// name and per client address (`Err(Ok(retry_after))` when limited), whatever their
    /// outcome, so that guessing passwords is slow.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<std::net::IpAddr>,
    ) -> Result<Result<Session, AuthError>, Option<Duration>> {
        // Keys are built from checked values only (a name that cannot exist counts against
        // the address alone).
        let mut keys = Vec::new();
        if let Ok(name) = schema::users::Username::parse(username) {
            keys.push(format!("login:user:{}", name.unique_key()));
        }
        if let Some(ip) = client {
            keys.push(format!("login:addr:{ip}"));
        }
        for key in &keys {
            match self.limiter.check(key, self.login_limit, 1).await {
                Ok(decision) if !decision.allowed => return Err(decision.retry_after),
                Ok(_) => {}
                // Closed failure mode and the limiter is down: refuse rather than allow
                // unlimited guessing.
                Err(_) => return Err(Some(Duration::from_secs(1))),
            }
        }
        let principal = match self.commands.verify_password(username, password).await {
            Ok(Some(p)) => p,
            Ok(None) => return Ok(Err(AuthError::BadCredentials)),
            Err(e) => return Ok(Err(AuthError::Unavailable(e.to_string()))),
        };
        Ok(self.issue(principal))
    }
}

/// Whether `ip` is a loopback address (the only addresses `local` mode may listen on).
pub fn is_loopback(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => v4.is_loopback(),
        std::net::IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_need_the_bearer_scheme_in_headers() {
        assert_eq!(Credential::Header("Bearer abc").token(), Ok("abc"));
        assert_eq!(Credential::Header("bearer abc ").token(), Ok("abc"));
        assert_eq!(
            Credential::Header("Basic abc").token(),
            Err(AuthError::Malformed)
        );
        assert_eq!(Credential::Token("abc").token(), Ok("abc"));
        assert_eq!(Credential::Token("Bearer abc").token(), Ok("abc"));
    }

    #[test]
    fn loopback_addresses() {
        for ip in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] {
            assert!(is_loopback(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "0.0.0.0",
            "::",
            "10.0.0.1",
            "192.168.1.2",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_loopback(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn local_caller_has_every_role_and_anonymous_none() {
        let local = Caller::local();
        assert!(local.allows(Role::Admin) && local.allows(Role::Viewer));
        let anonymous = Caller::anonymous();
        assert!(!anonymous.allows(Role::Viewer));
    }
}
