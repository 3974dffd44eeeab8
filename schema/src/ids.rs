//! Typed aggregate identifiers, so a droplet id can never be passed where a job id is expected.

use crate::values::{excerpt, ValueError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// Why a client-supplied aggregate id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} id {excerpt} is not a valid UUID")]
pub struct InvalidId {
    /// What the id should have named: `cluster`, `droplet` or `job`.
    pub kind: &'static str,
    /// A short excerpt of what was sent.
    pub excerpt: String,
}

/// Parses a client-supplied UUID named by input field `field`, whatever it identifies.
pub fn parse_uuid(field: &'static str, raw: &str) -> Result<Uuid, ValueError> {
    Uuid::parse_str(raw.trim())
        .map_err(|_| ValueError::new(field, format!("{} is not a valid id", excerpt(raw))))
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }
            /// What it identifies, as named in error messages.
            pub const KIND: &'static str = $kind;

            /// Parses a client-supplied id (surrounding whitespace is ignored).
            pub fn parse(raw: &str) -> Result<Self, InvalidId> {
                raw.trim().parse().map_err(|_| InvalidId {
                    kind: $kind,
                    excerpt: excerpt(raw),
                })
            }
            /// The underlying UUID.
            pub fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self(Uuid::nil())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// Identifies a Cluster aggregate.
    ClusterId,
    "cluster"
);
id_type!(
    /// Identifies a Droplet aggregate.
    DropletId,
    "droplet"
);
id_type!(
    /// Identifies a Job aggregate.
    JobId,
    "job"
);

id_type!(
    /// Identifies a HealthCheck aggregate.
    HealthCheckId,
    "health check"
);

id_type!(
    /// Identifies a User aggregate.
    UserId,
    "user"
);

id_type!(
    /// Identifies an ApiToken aggregate.
    ApiTokenId,
    "API token"
);

id_type!(
    /// Identifies a RateLimitRule aggregate.
    RateLimitRuleId,
    "rate-limit rule"
);

id_type!(
    /// Identifies a Diagnosis aggregate.
    DiagnosisId,
    "diagnosis"
);

id_type!(
    /// Identifies a ScalingPolicy aggregate.
    ScalingPolicyId,
    "scaling policy"
);

/// Namespace for ids derived from idempotency keys, so a retried request maps to the same ids.
const IDEMPOTENCY_NAMESPACE: Uuid = Uuid::from_u128(0x8f1c_3c1e_6a2d_4e0b_9d3e_2c5b_7a41_c0de);

/// Derives a stable UUID from an idempotency scope (actor + key) and a role ("droplet", "job").
pub fn derived_uuid(scope: &str, role: &str) -> Uuid {
    Uuid::new_v5(
        &IDEMPOTENCY_NAMESPACE,
        format!("{scope}\u{1f}{role}").as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_trimmed_and_name_their_kind_when_refused() {
        let id = ClusterId::new();
        assert_eq!(ClusterId::parse(&format!(" {id} ")), Ok(id));
        let err = DropletId::parse("not-a-uuid").unwrap_err();
        assert_eq!(
            err.to_string(),
            "droplet id \"not-a-uuid\" is not a valid UUID"
        );
        let err = parse_uuid("jobId", "x").unwrap_err();
        assert_eq!(err.to_string(), "jobId: \"x\" is not a valid id");
    }
}
