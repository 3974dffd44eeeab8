//! Who may do what: user names, roles, passwords and API-token names, parsed once at the
//! edge. Secret values ([`Password`]) never print: their `Debug` is `[redacted]` and they
//! have no `Display` or `Serialize`, so a password cannot end up in an event, a log line or
//! an error message by accident.

use crate::values::{excerpt, string_enum, ValueError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest user name.
pub const MAX_USERNAME: usize = 64;
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 8;
/// Longest password accepted (argon2 hashes any length; this bounds the work per login).
pub const MAX_PASSWORD: usize = 1024;
/// Longest API-token name.
pub const MAX_TOKEN_NAME: usize = 64;

/// Actors the system records itself; no user may take these names, in any letter case.
pub const RESERVED_NAMES: &[&str] = &["anonymous", "local", "system"];

string_enum!(
    /// What a user may do. Each role includes everything of the roles after it.
    Role { Admin => "ADMIN", Operator => "OPERATOR", Viewer => "VIEWER" }
);

impl Role {
    /// 3 for ADMIN, 2 for OPERATOR, 1 for VIEWER: a role may do what needs `rank` or less.
    pub fn rank(self) -> u8 {
        match self {
            Role::Admin => 3,
            Role::Operator => 2,
            Role::Viewer => 1,
        }
    }

    /// Whether this role includes `needed`.
    pub fn allows(self, needed: Role) -> bool {
        self.rank() >= needed.rank()
    }

    /// The least role whose commands change aggregates of `kind`, as the API's role table
    /// grants them (`query/src/graphql/access.rs`); `None` for API tokens, which every
    /// user manages for themselves.
    pub fn to_change(kind: crate::AggregateType) -> Option<Role> {
        use crate::AggregateType as A;
        match kind {
            A::Cluster | A::Droplet | A::Job | A::HealthCheck | A::Diagnosis | A::ScalingPolicy => {
                Some(Role::Operator)
            }
            A::User | A::RateLimitRule => Some(Role::Admin),
            A::ApiToken => None,
        }
    }
}

string_enum!(
    /// Whether a user may sign in.
    UserStatus { Active => "ACTIVE", Disabled => "DISABLED" }
);

string_enum!(
    /// Whether an API token is accepted.
    ApiTokenStatus { Active => "ACTIVE", Revoked => "REVOKED" }
);

/// A user name: 1–64 ASCII letters, digits, `.`, `_`, `-` or `@`, starting with a letter or
/// digit, not a reserved actor (`anonymous`, `local`, `system`, in any case, also as a
/// `system:`-style prefix). Stored as given; unique ignoring letter case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Parses input field `username`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let err = |reason: String| ValueError::new("username", reason);
        let charset_ok = raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
        if raw.is_empty() || raw.len() > MAX_USERNAME || !charset_ok {
            return Err(err(format!(
                "{} must be 1–{MAX_USERNAME} ASCII letters, digits, '.', '_', '-' or '@'",
                excerpt(raw)
            )));
        }
        if !raw.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(err(format!(
                "{} must start with a letter or digit",
                excerpt(raw)
            )));
        }
        if RESERVED_NAMES.iter().any(|r| r.eq_ignore_ascii_case(raw)) {
            return Err(err(format!("{} is reserved for the system", excerpt(raw))));
        }
        Ok(Self(raw.to_string()))
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that makes names unique: lower case.
    pub fn unique_key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed: 8–1024 characters, not only whitespace. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Parses input field `password` (the error never contains the value).
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD || raw.len() > MAX_PASSWORD {
            return Err(ValueError::new(
                "password",
                format!("must be {MIN_PASSWORD}–{MAX_PASSWORD} characters long"),
            ));
        }
        if raw.trim().is_empty() {
            return Err(ValueError::new("password", "must not be only whitespace"));
        }
        Ok(Self(raw.to_string()))
    }

    /// The secret, for hashing or verifying only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

/// An API token's name ("ci deploy"): 1–64 printable characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    /// Parses input field `name`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let name = raw.trim();
        if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME {
            return Err(ValueError::new(
                "name",
                format!("must be 1–{MAX_TOKEN_NAME} characters"),
            ));
        }
        if name
            .chars()
            .any(|c| c.is_control() || crate::values::is_invisible(c))
        {
            return Err(ValueError::new(
                "name",
                format!("{} contains control or invisible characters", excerpt(name)),
            ));
        }
        Ok(Self(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["alice", "bob.smith", "ops-1@example.com", "A_b", "7up"] {
            assert!(Username::parse(ok).is_ok(), "{ok}");
        }
        let long = "a".repeat(65);
        for bad in [
            "",
            "system",
            "Anonymous",
            "LOCAL",
            "system:worker",
            "-alice",
            ".alice",
            "alice\nsystem",
            "ali\0ce",
            "ali\u{202e}ce",
            "alice ",
            "élise",
            long.as_str(),
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Username::parse("Alice").unwrap().unique_key(), "alice");
    }

    #[test]
    fn passwords_never_print() {
        let p = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "Password([redacted])");
        let err = Password::parse("short").unwrap_err().to_string();
        assert!(!err.contains("short"), "{err}");
        assert!(Password::parse("        ").is_err());
        assert!(Password::parse(&"x".repeat(MAX_PASSWORD + 1)).is_err());
    }

    #[test]
    fn roles_include_the_ones_below() {
        assert!(Role::Admin.allows(Role::Operator));
        assert!(Role::Operator.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Operator));
        assert!(!Role::Operator.allows(Role::Admin));
        assert_eq!(Role::parse("VIEWER"), Some(Role::Viewer));
    }

    #[test]
    fn token_names() {
        assert_eq!(
            TokenName::parse("  ci deploy ").unwrap().as_str(),
            "ci deploy"
        );
        assert!(TokenName::parse("").is_err());
        assert!(TokenName::parse("a\u{202e}b").is_err());
        assert!(TokenName::parse(&"n".repeat(65)).is_err());
    }
}
