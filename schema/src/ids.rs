//! Typed aggregate identifiers, so a droplet id can never be passed where a job id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
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
    ClusterId
);
id_type!(
    /// Identifies a Droplet aggregate.
    DropletId
);
id_type!(
    /// Identifies a Job aggregate.
    JobId
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
