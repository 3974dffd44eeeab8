//! What a health check is: its specification as events record it, and how one is parsed from
//! what an operator typed (every field checked, errors naming the field).

use crate::conditions::Condition;
use crate::health_target::{AddressPolicy, HealthTarget};
use crate::ids::{ClusterId, DropletId};
use crate::values::{has_hidden, HealthCheckKind, ValueError};
use serde::{Deserialize, Serialize};

/// Bounds of a check's numbers.
pub mod limits {
    /// Longest name, in characters.
    pub const NAME_CHARS: usize = 100;
    /// Shortest and longest interval, in seconds.
    pub const INTERVAL_SECONDS: std::ops::RangeInclusive<i64> = 1..=86_400;
    /// Shortest timeout, in milliseconds; the longest is the interval.
    pub const MIN_TIMEOUT_MS: i64 = 10;
    /// Most conditions on one check.
    pub const CONDITIONS: usize = 20;
    /// Failure and success thresholds.
    pub const THRESHOLD: std::ops::RangeInclusive<i64> = 1..=100;
}

/// A health check as its events record it. Every value has been checked by
/// [`HealthCheckSpec::parse`]; conditions are kept as their normalized text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheckSpec {
    /// Shown to operators; free text.
    pub name: String,
    /// What it probes (its kind is the target's).
    pub target: HealthTarget,
    /// Seconds between runs.
    pub interval_seconds: u32,
    /// How long one run may take, in milliseconds (at most the interval).
    pub timeout_ms: u32,
    /// Gatus conditions, normalized.
    pub conditions: Vec<String>,
    /// Consecutive failed runs that turn it UNHEALTHY.
    pub failure_threshold: u32,
    /// Consecutive successful runs that turn it HEALTHY.
    pub success_threshold: u32,
    /// Whether the scheduler runs it.
    pub enabled: bool,
    /// The cluster or droplet it watches over, whose diagnoses cite its results; none for a
    /// check of something else (checks created before links existed have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watches: Option<Watched>,
}

/// What a check watches over: a cluster, or one droplet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Watched {
    Cluster(ClusterId),
    Droplet(DropletId),
}

impl Watched {
    /// The id of the cluster or droplet watched over.
    pub fn aggregate_id(&self) -> String {
        match self {
            Self::Cluster(id) => id.to_string(),
            Self::Droplet(id) => id.to_string(),
        }
    }
}

/// A check as typed: the fields of `createHealthCheck`'s input. `None` takes the default
/// (interval 60 s, timeout 10 s or the interval if shorter, thresholds 3 and 2, enabled).
#[derive(Debug, Clone, Default)]
pub struct HealthCheckDraft {
    pub name: Option<String>,
    pub kind: Option<HealthCheckKind>,
    pub target: Option<String>,
    pub interval_seconds: Option<i64>,
    pub timeout_ms: Option<i64>,
    pub conditions: Option<Vec<String>>,
    pub failure_threshold: Option<i64>,
    pub success_threshold: Option<i64>,
    pub enabled: Option<bool>,
    /// `Some(None)` removes the link; `None` leaves it (none for a new check).
    pub watches: Option<Option<Watched>>,
}

impl HealthCheckDraft {
    /// `self` over `current`: what an update makes of a check; fields not given keep their
    /// values. A new kind needs a new target.
    pub fn over(self, current: &HealthCheckSpec) -> Result<HealthCheckDraft, ValueError> {
        if self.kind.is_some_and(|k| k != current.target.kind()) && self.target.is_none() {
            return Err(ValueError::new(
                "target",
                "a check that changes its kind needs a target of the new kind",
            ));
        }
        Ok(HealthCheckDraft {
            name: self.name.or_else(|| Some(current.name.clone())),
            kind: self.kind.or(Some(current.target.kind())),
            target: self.target.or_else(|| Some(current.target.to_string())),
            interval_seconds: self
                .interval_seconds
                .or(Some(current.interval_seconds.into())),
            timeout_ms: self.timeout_ms.or(Some(current.timeout_ms.into())),
            conditions: self.conditions.or_else(|| Some(current.conditions.clone())),
            failure_threshold: self
                .failure_threshold
                .or(Some(current.failure_threshold.into())),
            success_threshold: self
                .success_threshold
                .or(Some(current.success_threshold.into())),
            enabled: self.enabled.or(Some(current.enabled)),
            watches: self.watches.or(Some(current.watches)),
        })
    }
}

impl HealthCheckSpec {
    /// Checks every field of `draft`, in input order; the first bad one is refused with an
    /// error naming it. Literal target addresses are checked against `policy`.
    pub fn parse(draft: HealthCheckDraft, policy: AddressPolicy) -> Result<Self, ValueError> {
        let name = draft.name.unwrap_or_default();
        let name = name.trim();
        let chars = name.chars().count();
        if chars == 0 || chars > limits::NAME_CHARS {
            return Err(ValueError::new(
                "name",
                format!("must be 1–{} characters, got {chars}", limits::NAME_CHARS),
            ));
        }
        if has_hidden(name) {
            return Err(ValueError::new(
                "name",
                "must not contain control or invisible formatting characters",
            ));
        }
        let kind = draft
            .kind
            .ok_or_else(|| ValueError::new("kind", "is required: HTTP, TCP or INTERNAL"))?;
        let target = HealthTarget::parse(kind, draft.target.as_deref().unwrap_or(""), policy)
            .map_err(|e| ValueError::new("target", e.0))?;
        let interval = draft.interval_seconds.unwrap_or(60);
        if !limits::INTERVAL_SECONDS.contains(&interval) {
            return Err(ValueError::new(
                "intervalSeconds",
                format!(
                    "must be {}–{} seconds, got {interval}",
                    limits::INTERVAL_SECONDS.start(),
                    limits::INTERVAL_SECONDS.end()
                ),
            ));
        }
        let longest = interval * 1000;
        let timeout = draft.timeout_ms.unwrap_or(10_000.min(longest));
        if timeout < limits::MIN_TIMEOUT_MS || timeout > longest {
            return Err(ValueError::new(
                "timeoutMs",
                format!(
                    "must be {}–{longest} ms (at most the interval), got {timeout}",
                    limits::MIN_TIMEOUT_MS
                ),
            ));
        }
        let texts = draft.conditions.unwrap_or_default();
        if texts.len() > limits::CONDITIONS {
            return Err(ValueError::new(
                "conditions",
                format!(
                    "at most {} conditions, got {}",
                    limits::CONDITIONS,
                    texts.len()
                ),
            ));
        }
        let mut conditions = Vec::with_capacity(texts.len());
        for text in &texts {
            let condition = Condition::parse_for(kind, text)
                .map_err(|e| ValueError::new("conditions", e.to_string()))?;
            conditions.push(condition.to_string());
        }
        let threshold = |field: &'static str, value: Option<i64>, default: i64| {
            let value = value.unwrap_or(default);
            if limits::THRESHOLD.contains(&value) {
                Ok(value as u32)
            } else {
                Err(ValueError::new(
                    field,
                    format!(
                        "must be {}–{}, got {value}",
                        limits::THRESHOLD.start(),
                        limits::THRESHOLD.end()
                    ),
                ))
            }
        };
        Ok(Self {
            name: name.to_string(),
            target,
            interval_seconds: interval as u32,
            timeout_ms: timeout as u32,
            conditions,
            failure_threshold: threshold("failureThreshold", draft.failure_threshold, 3)?,
            success_threshold: threshold("successThreshold", draft.success_threshold, 2)?,
            enabled: draft.enabled.unwrap_or(true),
            watches: draft.watches.flatten(),
        })
    }

    /// The kind of check.
    pub fn kind(&self) -> HealthCheckKind {
        self.target.kind()
    }

    /// The conditions, parsed again from their stored text; one that no longer parses (a
    /// grammar that changed since) is left out and named in the second list.
    pub fn parsed_conditions(&self) -> (Vec<Condition>, Vec<String>) {
        let mut parsed = Vec::new();
        let mut unreadable = Vec::new();
        for text in &self.conditions {
            match Condition::parse_for(self.kind(), text) {
                Ok(c) => parsed.push(c),
                Err(e) => unreadable.push(e.to_string()),
            }
        }
        (parsed, unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> HealthCheckDraft {
        HealthCheckDraft {
            name: Some(" API ".into()),
            kind: Some(HealthCheckKind::Http),
            target: Some("http://127.0.0.1:8080/health".into()),
            conditions: Some(vec!["[STATUS]==200".into(), "[RESPONSE_TIME] < 500".into()]),
            ..HealthCheckDraft::default()
        }
    }

    fn refused(d: HealthCheckDraft) -> ValueError {
        HealthCheckSpec::parse(d, AddressPolicy::default()).unwrap_err()
    }

    #[test]
    fn a_draft_takes_the_defaults_and_normalizes() {
        let spec = HealthCheckSpec::parse(draft(), AddressPolicy::default()).unwrap();
        assert_eq!(spec.name, "API");
        assert_eq!(spec.interval_seconds, 60);
        assert_eq!(spec.timeout_ms, 10_000);
        assert_eq!((spec.failure_threshold, spec.success_threshold), (3, 2));
        assert!(spec.enabled);
        assert_eq!(
            spec.conditions,
            ["[STATUS] == 200", "[RESPONSE_TIME] < 500"]
        );
        let short = HealthCheckDraft {
            interval_seconds: Some(2),
            ..draft()
        };
        let spec = HealthCheckSpec::parse(short, AddressPolicy::default()).unwrap();
        assert_eq!(
            spec.timeout_ms, 2000,
            "the default timeout fits the interval"
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let cases: Vec<(HealthCheckDraft, &str, &str)> = vec![
            (HealthCheckDraft { name: Some("  ".into()), ..draft() }, "name", "must be 1–100 characters, got 0"),
            (HealthCheckDraft { kind: None, ..draft() }, "kind", "is required: HTTP, TCP or INTERNAL"),
            (HealthCheckDraft { target: Some("ftp://x/".into()), ..draft() }, "target", "the scheme `ftp` is not allowed; use http or https"),
            (HealthCheckDraft { interval_seconds: Some(-5), ..draft() }, "intervalSeconds", "must be 1–86400 seconds, got -5"),
            (HealthCheckDraft { interval_seconds: Some(5), timeout_ms: Some(6000), ..draft() }, "timeoutMs", "must be 10–5000 ms (at most the interval), got 6000"),
            (HealthCheckDraft { conditions: Some(vec!["[STATUS] === 200".into()]), ..draft() }, "conditions", "condition \"[STATUS] === 200\": unknown operator `===`; use one of == != < <= > >="),
            (HealthCheckDraft { conditions: Some(vec!["[NOPE] < 1".into()]), ..draft() }, "conditions", "condition \"[NOPE] < 1\": unknown placeholder `[NOPE]`; use [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED], [IP] or [VALUE]"),
            (HealthCheckDraft { failure_threshold: Some(0), ..draft() }, "failureThreshold", "must be 1–100, got 0"),
            (HealthCheckDraft { success_threshold: Some(101), ..draft() }, "successThreshold", "must be 1–100, got 101"),
        ];
        for (d, field, reason) in cases {
            let e = refused(d);
            assert_eq!((e.field, e.reason.as_str()), (field, reason));
        }
        let many = HealthCheckDraft {
            conditions: Some(vec!["[STATUS] == 200".into(); 21]),
            ..draft()
        };
        assert_eq!(refused(many).reason, "at most 20 conditions, got 21");
        let metadata = HealthCheckDraft {
            target: Some("http://169.254.169.254/".into()),
            ..draft()
        };
        assert_eq!(refused(metadata).field, "target");
    }

    #[test]
    fn an_update_keeps_what_it_does_not_give() {
        let current = HealthCheckSpec::parse(draft(), AddressPolicy::default()).unwrap();
        let patch = HealthCheckDraft {
            interval_seconds: Some(30),
            enabled: Some(false),
            ..HealthCheckDraft::default()
        };
        let merged = patch.over(&current).unwrap();
        let spec = HealthCheckSpec::parse(merged, AddressPolicy::default()).unwrap();
        assert_eq!(spec.interval_seconds, 30);
        assert!(!spec.enabled);
        assert_eq!(spec.conditions, current.conditions);
        assert_eq!(spec.target, current.target);
        let kind_only = HealthCheckDraft {
            kind: Some(HealthCheckKind::Tcp),
            ..HealthCheckDraft::default()
        };
        assert_eq!(kind_only.over(&current).unwrap_err().field, "target");
    }

    #[test]
    fn a_link_is_kept_set_or_removed_and_old_specs_read_without_one() {
        let cluster = Watched::Cluster(crate::ClusterId::new());
        let linked = HealthCheckDraft {
            watches: Some(Some(cluster)),
            ..draft()
        };
        let current = HealthCheckSpec::parse(linked, AddressPolicy::default()).unwrap();
        assert_eq!(current.watches, Some(cluster));
        let keep = HealthCheckDraft::default().over(&current).unwrap();
        assert_eq!(keep.watches, Some(Some(cluster)));
        let unlink = HealthCheckDraft {
            watches: Some(None),
            ..HealthCheckDraft::default()
        };
        let spec = HealthCheckSpec::parse(unlink.over(&current).unwrap(), AddressPolicy::default());
        assert_eq!(spec.unwrap().watches, None);

        // Stored before links: no `watches` key reads as none, and none writes no key.
        let mut json = serde_json::to_value(&current).unwrap();
        assert_eq!(
            json["watches"]["cluster"],
            serde_json::json!(cluster.aggregate_id())
        );
        json.as_object_mut().unwrap().remove("watches");
        let old: HealthCheckSpec = serde_json::from_value(json).unwrap();
        assert_eq!(old.watches, None);
        assert!(serde_json::to_value(&old).unwrap().get("watches").is_none());
    }
}
