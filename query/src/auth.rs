//! Bearer-token authentication: an HS256 JWT whose `sub` becomes the actor of every event.

use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

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
        validation.required_spec_claims = ["sub".to_string()].into_iter().collect();
        Self {
            key: DecodingKey::from_secret(secret.as_bytes()),
            validation,
        }
    }

    /// The actor named by a valid token.
    pub fn verify(&self, token: &str) -> Result<String, String> {
        let data =
            decode::<Claims>(token, &self.key, &self.validation).map_err(|e| e.to_string())?;
        let sub = data.claims.sub.trim().to_string();
        if sub.is_empty()
            || sub.len() > 200
            || sub.starts_with("system:")
            || sub == schema::metadata::ANONYMOUS_ACTOR
        {
            return Err("token subject is not a valid user name".into());
        }
        Ok(sub)
    }
}

/// Works out the actor from an `Authorization` header value.
pub fn actor_from_header(
    header: Option<&str>,
    verifier: Option<&TokenVerifier>,
) -> Result<String, String> {
    let Some(value) = header else {
        return Ok(schema::metadata::ANONYMOUS_ACTOR.to_string());
    };
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or("Authorization header must be 'Bearer <token>'")?
        .trim();
    match verifier {
        Some(v) => v
            .verify(token)
            .map_err(|e| format!("invalid bearer token: {e}")),
        None => {
            Err("bearer tokens are not accepted: the server has no CLUSTERGENIE_AUTH_SECRET".into())
        }
    }
}
