//! Value types that are parsed once at the edge: an invalid value cannot exist past it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Why a user-supplied value was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValueError {
    /// The input field that was rejected.
    pub field: &'static str,
    /// A human explanation.
    pub reason: String,
}

impl ValueError {
    /// Builds an error for `field`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// Checks the DNS-label rules shared by cluster and droplet names.
fn parse_dns_label(field: &'static str, raw: &str) -> Result<String, ValueError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ValueError::new(field, "must not be empty"));
    }
    if s.len() > 63 {
        return Err(ValueError::new(
            field,
            format!("must be at most 63 characters, got {}", s.chars().count()),
        ));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(ValueError::new(
            field,
            "may contain only lowercase letters, digits and '-'",
        ));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err(ValueError::new(field, "must not start or end with '-'"));
    }
    Ok(s.to_string())
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Parses a user-supplied name (a DNS label: 1–63 of `a-z 0-9 -`).
            pub fn parse(raw: &str) -> Result<Self, ValueError> {
                parse_dns_label($field, raw).map(Self)
            }
            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_type!(
    /// A cluster's name: unique among clusters, a DNS label.
    ClusterName,
    "name"
);
name_type!(
    /// A droplet's name: unique among live droplets, a DNS label.
    DropletName,
    "name"
);

/// Free-form labels attached to a cluster, validated like Kubernetes label keys and values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Labels(BTreeMap<String, String>);

impl Labels {
    /// Parses key/value pairs: at most 32 labels, keys 1–63 chars of `a-z0-9-_./`, values up to 63 chars.
    pub fn parse(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Self, ValueError> {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            let key_ok = !k.is_empty()
                && k.len() <= 63
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_./".contains(c));
            if !key_ok {
                return Err(ValueError::new(
                    "labels",
                    format!("invalid label key {k:?}: 1–63 characters of a-z 0-9 - _ . /"),
                ));
            }
            if v.len() > 63 || v.chars().any(|c| c.is_control()) {
                return Err(ValueError::new(
                    "labels",
                    format!("invalid value for label {k:?}: at most 63 printable characters"),
                ));
            }
            if map.insert(k.clone(), v).is_some() {
                return Err(ValueError::new(
                    "labels",
                    format!("duplicate label key {k:?}"),
                ));
            }
        }
        if map.len() > 32 {
            return Err(ValueError::new("labels", "at most 32 labels"));
        }
        Ok(Self(map))
    }
    /// The labels as an ordered map.
    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable upper-case name stored in read models and shown in the API.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Parses the stable name back.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// Lifecycle of a cluster.
    ClusterStatus { Active => "ACTIVE", Deleted => "DELETED" }
);
string_enum!(
    /// Lifecycle of a droplet.
    DropletStatus {
        Provisioning => "PROVISIONING",
        Running => "RUNNING",
        Failed => "FAILED",
        Stopped => "STOPPED",
        Destroying => "DESTROYING",
        Destroyed => "DESTROYED",
    }
);
string_enum!(
    /// Lifecycle of a job.
    JobStatus {
        Queued => "QUEUED",
        Running => "RUNNING",
        Completed => "COMPLETED",
        Failed => "FAILED",
        Cancelled => "CANCELLED",
    }
);
string_enum!(
    /// What a job does.
    JobType {
        Provision => "PROVISION",
        Destroy => "DESTROY",
        Resize => "RESIZE",
        Power => "POWER",
        Scale => "SCALE",
        Diagnose => "DIAGNOSE",
    }
);
string_enum!(
    /// The kinds of aggregate whose events make up the log.
    AggregateType { Cluster => "Cluster", Droplet => "Droplet", Job => "Job" }
);

impl JobStatus {
    /// True once the job can no longer change by itself.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled
        )
    }
}

impl DropletStatus {
    /// A live droplet holds its name and keeps its cluster from being deleted.
    pub fn is_live(&self) -> bool {
        !matches!(self, DropletStatus::Destroyed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_dns_label_rules() {
        assert!(ClusterName::parse("prod-eu-1").is_ok());
        assert!(ClusterName::parse("").is_err());
        assert!(ClusterName::parse(&"a".repeat(300)).is_err());
        assert!(ClusterName::parse(&"a".repeat(63)).is_ok());
        assert!(ClusterName::parse("Bad_Name").is_err());
        assert!(DropletName::parse("-web").is_err());
        assert!(DropletName::parse("web-").is_err());
    }

    #[test]
    fn labels_reject_bad_keys() {
        let ok = Labels::parse([("team".to_string(), "ops".to_string())]).unwrap();
        assert_eq!(ok.as_map()["team"], "ops");
        assert!(Labels::parse([("".to_string(), "x".to_string())]).is_err());
        assert!(Labels::parse([("A B".to_string(), "x".to_string())]).is_err());
    }

    #[test]
    fn enums_round_trip_through_their_names() {
        for s in DropletStatus::ALL {
            assert_eq!(DropletStatus::parse(s.as_str()), Some(*s));
        }
        assert!(JobStatus::Cancelled.is_terminal());
        assert!(!JobStatus::Queued.is_terminal());
    }
}
