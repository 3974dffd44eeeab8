//! Bearer-token authentication: an HS256 JWT whose `sub` becomes the actor of every event.
//!
//! One path for HTTP and WebSocket: both hand what the client sent to [`authenticate`].
//! A token must carry `exp`, is refused before its `nbf`, and its `sub` must be a
//! [`UserName`]; anything else is refused rather than recorded as an actor.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

/// Longest user name a token may carry.
pub const MAX_USER_NAME: usize = 64;

/// Actors the system records itself; no token may claim them, in any letter case.
const RESERVED: &[&str] = &["anonymous", "local", "system"];

/// Why a request's credentials were refused (HTTP 401, `UNAUTHENTICATED`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The `Authorization` value is not `Bearer <token>`.
    #[error("the Authorization header must be 'Bearer <token>'")]
    Malformed,
    /// A token was sent but the server verifies none.
    #[error("bearer tokens are not accepted: the server has no CLUSTERGENIE_AUTH_SECRET")]
    NotConfigured,
    /// The token failed verification.
    #[error("invalid bearer token: {0}")]
    Invalid(&'static str),
}

/// A user name a token may name: 1–64 ASCII letters, digits, `.`, `_`, `-` or `@`, and not
/// a reserved actor such as `anonymous`, `local` or `system` (in any letter case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    /// Parses a token subject.
    pub fn parse(s: &str) -> Result<Self, AuthError> {
        let charset_ok = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
        if s.is_empty() || s.len() > MAX_USER_NAME || !charset_ok {
            return Err(AuthError::Invalid(
                "the subject must be 1–64 ASCII letters, digits, '.', '_', '-' or '@'",
            ));
        }
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
            return Err(AuthError::Invalid("the subject is a reserved actor name"));
        }
        Ok(Self(s.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Verifies bearer tokens signed with the configured shared secret.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
}

impl TokenVerifier {
    /// A verifier for HS256 tokens signed with `secret`.
    pub fn new(secret: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = 30;
        validation.required_spec_claims = ["sub", "exp"].iter().map(|c| c.to_string()).collect();
        Self {
            key: DecodingKey::from_secret(secret.as_bytes()),
            validation,
        }
    }

    /// The user named by a valid token.
    pub fn verify(&self, token: &str) -> Result<UserName, AuthError> {
        let data = decode::<Claims>(token, &self.key, &self.validation).map_err(|e| {
            AuthError::Invalid(match e.kind() {
                ErrorKind::ExpiredSignature => "the token has expired",
                ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)",
                ErrorKind::MissingRequiredClaim(c) if c == "exp" => "the token has no exp claim",
                ErrorKind::MissingRequiredClaim(_) => "the token has no sub claim",
                ErrorKind::InvalidSignature => "the signature does not match",
                ErrorKind::InvalidAlgorithm => "the token must be signed with HS256",
                _ => "the token is malformed",
            })
        })?;
        UserName::parse(&data.claims.sub)
    }
}

/// What a client presented: an `Authorization` header value (`Bearer <token>`) or a bare token.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// An `Authorization` value.
    Header(&'a str),
    /// A token without the `Bearer` scheme (the WebSocket `token` init field).
    Token(&'a str),
}

/// The actor of a request: `anonymous` without a credential, the token's user with a valid
/// one, an error otherwise. HTTP and WebSocket both come here.
pub fn authenticate(
    credential: Option<Credential<'_>>,
    verifier: Option<&TokenVerifier>,
) -> Result<String, AuthError> {
    let token = match credential {
        None => return Ok(schema::metadata::ANONYMOUS_ACTOR.to_string()),
        Some(Credential::Header(value)) => value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(AuthError::Malformed)?
            .trim(),
        Some(Credential::Token(value)) => value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .unwrap_or(value)
            .trim(),
    };
    let verifier = verifier.ok_or(AuthError::NotConfigured)?;
    Ok(verifier.verify(token)?.0)
}

/// The actor named by an `Authorization` header value (or `anonymous` without one).
pub fn actor_from_header(
    header: Option<&str>,
    verifier: Option<&TokenVerifier>,
) -> Result<String, AuthError> {
    authenticate(header.map(Credential::Header), verifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names() {
        for ok in ["alice", "bob.smith", "ops-1@example.com", "A_b"] {
            assert!(UserName::parse(ok).is_ok(), "{ok}");
        }
        let long = "a".repeat(65);
        for bad in [
            "",
            "System:worker",
            "system",
            "Anonymous",
            "LOCAL",
            "alice\nsystem:worker",
            "ali\0ce",
            "ali\u{202e}ce",
            "alice ",
            "élise",
            long.as_str(),
        ] {
            assert!(UserName::parse(bad).is_err(), "{bad:?}");
        }
    }
}
