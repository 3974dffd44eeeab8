//! What a rate-limit rule names, parsed once at the edge: the limiter it configures
//! ([`LimiterName`]) and whose requests share a bucket ([`RuleTarget`]: a scope and, for a
//! single user or cluster, its id).

use crate::values::{excerpt, string_enum, ValueError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest limiter name.
pub const MAX_LIMITER_NAME: usize = 64;

/// The limiters ClusterGenie itself asks: diagnosis requests, job-starting mutations and
/// HTTP requests per client address. Rules may name others, for limiters still to come.
pub const BUILT_IN_LIMITERS: &[&str] = &["diagnosis", "jobs", "http"];

string_enum!(
    /// Whose requests share one bucket: each user's, each cluster's, or everyone's.
    RateLimitScope { User => "USER", Cluster => "CLUSTER", Global => "GLOBAL" }
);

string_enum!(
    /// Lifecycle of a rate-limit rule.
    RateLimitRuleStatus { Active => "ACTIVE", Deleted => "DELETED" }
);

impl RateLimitScope {
    /// Parses a scope as configuration spells it (`user`, `cluster`, `global`, any case).
    pub fn parse_setting(s: &str) -> Option<Self> {
        Self::parse(&s.trim().to_ascii_uppercase())
    }
}

/// The name of a limiter: 1–64 of `a-z`, `0-9`, `_`, `-` (`jobs`, `diagnosis`, `http`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LimiterName(String);

impl LimiterName {
    /// Parses input field `name`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let ok = !raw.is_empty()
            && raw.len() <= MAX_LIMITER_NAME
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'));
        if !ok {
            return Err(ValueError::new(
                "name",
                format!(
                    "{} must be 1–{MAX_LIMITER_NAME} of a-z, 0-9, '_' or '-' (built in: {})",
                    excerpt(raw),
                    BUILT_IN_LIMITERS.join(", ")
                ),
            ));
        }
        Ok(Self(raw.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LimiterName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whose requests a rule governs: a scope and, for USER and CLUSTER, optionally one id (a
/// user id, a cluster id; none means "each user" / "each cluster"). GLOBAL takes no id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RuleTarget {
    /// The scope.
    pub scope: RateLimitScope,
    /// The one user or cluster, as a lower-case UUID.
    pub scope_id: Option<String>,
}

impl RuleTarget {
    /// Parses input fields `scope` and `scopeId` (an empty `scopeId` is none).
    pub fn parse(scope: RateLimitScope, scope_id: Option<&str>) -> Result<Self, ValueError> {
        let scope_id = scope_id.map(str::trim).filter(|s| !s.is_empty());
        let scope_id = match (scope, scope_id) {
            (_, None) => None,
            (RateLimitScope::Global, Some(_)) => {
                return Err(ValueError::new(
                    "scopeId",
                    "must be empty for GLOBAL (one bucket for everyone)",
                ))
            }
            (scope, Some(raw)) => {
                let what = match scope {
                    RateLimitScope::User => "a user id",
                    _ => "a cluster id",
                };
                let id = uuid::Uuid::parse_str(raw).map_err(|_| {
                    ValueError::new("scopeId", format!("{} is not {what}", excerpt(raw)))
                })?;
                Some(id.to_string())
            }
        };
        Ok(Self { scope, scope_id })
    }

    /// The key that makes rules unique with their limiter: one rule per (name, scope, id).
    pub fn unique_key(&self, name: &LimiterName) -> String {
        format!(
            "{name}|{}|{}",
            self.scope,
            self.scope_id.as_deref().unwrap_or("*")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_names() {
        for ok in ["jobs", "diagnosis", "http", "login-attempts", "a_1"] {
            assert!(LimiterName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Jobs", "jobs ", "jo bs", "jöbs", &"a".repeat(65)] {
            assert!(LimiterName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn targets() {
        let id = uuid::Uuid::new_v4();
        let cluster = RuleTarget::parse(
            RateLimitScope::Cluster,
            Some(&id.to_string().to_uppercase()),
        );
        assert_eq!(cluster.unwrap().scope_id, Some(id.to_string()));
        let each = RuleTarget::parse(RateLimitScope::User, Some(" ")).unwrap();
        assert_eq!(each.scope_id, None);
        let name = LimiterName::parse("jobs").unwrap();
        assert_eq!(each.unique_key(&name), "jobs|USER|*");
        let err = RuleTarget::parse(RateLimitScope::Global, Some(&id.to_string())).unwrap_err();
        assert_eq!(err.field, "scopeId");
        assert!(RuleTarget::parse(RateLimitScope::User, Some("alice")).is_err());
        assert_eq!(
            RateLimitScope::parse_setting(" cluster"),
            Some(RateLimitScope::Cluster)
        );
    }
}
