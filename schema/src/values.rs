//! Value types that are parsed once at the edge: an invalid value cannot exist past it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// Characters of user input echoed in an error message, at most.
pub const EXCERPT_CHARS: usize = 32;

/// A short, quoted, escaped excerpt of user input for error messages: at most
/// [`EXCERPT_CHARS`] characters, control and format characters escaped, `…` when cut.
pub fn excerpt(raw: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in raw.chars().enumerate() {
        if i == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if c == '"' || c == '\\' || c.is_control() || is_invisible(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// Format characters (Unicode category Cf: bidi overrides and isolates, zero-width
/// characters, tag characters, …) and line/paragraph separators: invisible in a console,
/// so they could make one label look like another.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// True when `s` holds a control or invisible format character.
pub fn has_hidden(s: &str) -> bool {
    s.chars().any(|c| c.is_control() || is_invisible(c))
}

/// Checks the DNS-label rules shared by cluster and droplet names.
fn parse_dns_label(field: &'static str, raw: &str) -> Result<String, ValueError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ValueError::new(field, "must not be empty"));
    }
    let chars = s.chars().count();
    if chars > 63 {
        return Err(ValueError::new(
            field,
            format!("must be at most 63 characters, got {chars}"),
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

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
    /// Parses key/value pairs: at most 32 labels, keys 1–63 characters of `a-z0-9-_./`,
    /// values up to 63 characters without control or invisible format characters.
    pub fn parse(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Self, ValueError> {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            if map.len() == 32 {
                return Err(ValueError::new("labels", "at most 32 labels"));
            }
            let key_ok = !k.is_empty()
                && k.len() <= 63
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_./".contains(c));
            if !key_ok {
                return Err(ValueError::new(
                    "labels",
                    format!(
                        "invalid label key {}: 1–63 characters of a-z 0-9 - _ . /",
                        excerpt(&k)
                    ),
                ));
            }
            if v.chars().count() > 63 {
                return Err(ValueError::new(
                    "labels",
                    format!("the value of label {k} is longer than 63 characters"),
                ));
            }
            if has_hidden(&v) {
                return Err(ValueError::new(
                    "labels",
                    format!(
                        "the value of label {k} contains a control or invisible formatting \
                         character (such as a bidi override or zero-width space)"
                    ),
                ));
            }
            if map.insert(k.clone(), v).is_some() {
                return Err(ValueError::new(
                    "labels",
                    format!("duplicate label key {k}"),
                ));
            }
        }
        Ok(Self(map))
    }
    /// The labels as an ordered map.
    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

/// A client's idempotency key: 1–200 characters, no control or invisible format characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Longest key, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Parses a client-supplied key (surrounding whitespace is ignored).
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        const FIELD: &str = "idempotencyKey";
        let k = raw.trim();
        let chars = k.chars().count();
        if chars == 0 || chars > Self::MAX_CHARS {
            return Err(ValueError::new(
                FIELD,
                format!("must be 1–{} characters, got {chars}", Self::MAX_CHARS),
            ));
        }
        if has_hidden(k) {
            return Err(ValueError::new(
                FIELD,
                "must not contain control or invisible formatting characters",
            ));
        }
        Ok(Self(k.to_string()))
    }
    /// The key as text.
    pub fn as_str(&self) -> &str {
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

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

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
    /// What a health check probes: a URL, a host:port, or a part of ClusterGenie itself.
    HealthCheckKind { Http => "HTTP", Tcp => "TCP", Internal => "INTERNAL" }
);
string_enum!(
    /// Lifecycle of a health check.
    HealthCheckStatus { Active => "ACTIVE", Deleted => "DELETED" }
);
string_enum!(
    /// Whether a health check's target answers, after its failure and success thresholds.
    HealthState {
        Unknown => "UNKNOWN",
        Healthy => "HEALTHY",
        Unhealthy => "UNHEALTHY",
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
    AggregateType {
        Cluster => "Cluster",
        Droplet => "Droplet",
        Job => "Job",
        HealthCheck => "HealthCheck",
        User => "User",
        ApiToken => "ApiToken",
        RateLimitRule => "RateLimitRule",
        Diagnosis => "Diagnosis",
        ScalingPolicy => "ScalingPolicy",
    }
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
    fn lengths_count_characters() {
        assert!(ClusterName::parse(&"é".repeat(40))
            .unwrap_err()
            .reason
            .contains("only lowercase"));
        let long = ClusterName::parse(&"a".repeat(64)).unwrap_err();
        assert_eq!(long.reason, "must be at most 63 characters, got 64");
        let value = "é".repeat(63);
        assert!(Labels::parse([("k".to_string(), value)]).is_ok());
        assert!(Labels::parse([("k".to_string(), "é".repeat(64))]).is_err());
    }

    #[test]
    fn labels_refuse_invisible_characters() {
        for bad in [
            "a\u{202E}b",
            "a\u{200B}b",
            "a\u{E0041}",
            "a\u{2066}b",
            "a\u{0}b",
            "a\u{FEFF}",
        ] {
            let err = Labels::parse([("k".to_string(), bad.to_string())]).unwrap_err();
            assert!(err.reason.contains("invisible"), "{bad:?}: {err}");
        }
        assert!(Labels::parse([("k".to_string(), "café ☕".to_string())]).is_ok());
    }

    #[test]
    fn errors_echo_only_an_excerpt() {
        let err = Labels::parse([("K".repeat(1_000_000), "v".to_string())]).unwrap_err();
        assert!(err.to_string().len() < 200, "{err}");
        assert!(!excerpt("a\u{202E}b").contains('\u{202E}'));
    }

    #[test]
    fn idempotency_keys_are_bounded_and_visible() {
        assert!(IdempotencyKey::parse("retry-1").is_ok());
        assert!(IdempotencyKey::parse(&"é".repeat(200)).is_ok());
        assert!(IdempotencyKey::parse(&"é".repeat(201)).is_err());
        assert!(IdempotencyKey::parse("a\u{0}b").is_err());
        assert!(IdempotencyKey::parse("  ").is_err());
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
