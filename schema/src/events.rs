//! Domain events: past-tense facts, one enum per aggregate type.
//!
//! Each event is stored as JSON with a stable `type` name and an explicit version. A stored
//! event is never rewritten: when an event's shape changes, its version goes up and
//! [`upcast`] turns older payloads into the current shape when they are read.

use crate::autoscale::{ScaleOutcome, ScalePlan, ScalingDecision};
use crate::diagnosis::{Action, DiagnosisCheck, DiagnosisTarget, Report, Snapshot};
use crate::health_check::HealthCheckSpec;
use crate::ids::{ClusterId, DropletId, JobId, UserId};
use crate::metrics::InjectedLoad;
use crate::rate_limits::RateLimitScope;
use crate::scaling_policy::ScalingPolicySpec;
use crate::users::Role;
use crate::values::{AggregateType, HealthState, JobType};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Something every event enum can tell about itself.
pub trait DomainEventKind {
    /// Which aggregate type emits it.
    const AGGREGATE: AggregateType;
    /// The stable type name stored with the event.
    fn type_name(&self) -> &'static str;
    /// The current payload version of this type.
    fn version(&self) -> &'static str {
        "1"
    }
}

/// Facts about a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ClusterEvent {
    /// A cluster was created.
    ClusterCreated {
        name: String,
        region: String,
        #[serde(default)]
        labels: BTreeMap<String, String>,
    },
    /// A droplet was placed in the cluster.
    DropletAttached { droplet_id: DropletId },
    /// A droplet left the cluster (destroyed).
    DropletDetached { droplet_id: DropletId },
    /// The cluster was deleted.
    ClusterDeleted {},
    /// An operator added simulated load to every droplet of the cluster and to its work
    /// queue, until `load.until`.
    ClusterLoadInjected { load: InjectedLoad },
    /// An operator ended the cluster's injected load before its time (`clearLoad`).
    ClusterLoadCleared {},
}

/// Facts about a droplet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum DropletEvent {
    /// A droplet was requested; its provisioning job is `job_id`.
    DropletCreated {
        name: String,
        cluster_id: Option<ClusterId>,
        region: String,
        size: String,
        image: String,
        job_id: JobId,
    },
    /// Provisioning started again after a failure (a retried job).
    DropletProvisioningRestarted { job_id: JobId },
    /// The droplet is up and reachable.
    DropletProvisioned { ip: String },
    /// Provisioning failed for good.
    DropletProvisioningFailed { reason: String },
    /// A resize, power or destroy operation was requested and is carried out by `job_id`.
    DropletOperationRequested { job_id: JobId, job_type: JobType },
    /// A requested operation ended without changing the droplet.
    DropletOperationAbandoned { job_id: JobId, reason: String },
    /// The droplet now has a new size.
    DropletResized { size: String },
    /// The droplet was powered on.
    DropletPoweredOn {},
    /// The droplet was powered off.
    DropletPoweredOff {},
    /// Destruction started.
    DropletDestroying {},
    /// The droplet is gone; its name is free again.
    DropletDestroyed {},
    /// An operator added simulated load to the droplet until `load.until`.
    DropletLoadInjected { load: InjectedLoad },
    /// An operator ended the droplet's injected load before its time (`clearLoad`).
    DropletLoadCleared {},
}

/// Facts about a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum JobEvent {
    /// A job was queued.
    JobQueued {
        job_type: JobType,
        target_type: AggregateType,
        target_id: String,
        #[serde(default)]
        params: serde_json::Value,
        max_attempts: u32,
    },
    /// A worker took the job and holds a lease on it.
    JobStarted {
        attempt: u32,
        worker: String,
        lease_expires_at: DateTime<Utc>,
    },
    /// The worker holding the lease stopped renewing it; the job goes back to the queue.
    JobLeaseExpired { worker: String },
    /// Progress was made.
    JobProgressed {
        progress: u8,
        stage: String,
        message: String,
        lease_expires_at: DateTime<Utc>,
    },
    /// The job finished successfully.
    JobCompleted {
        #[serde(default)]
        result: serde_json::Value,
    },
    /// An attempt failed; `retry_at` is set when another attempt will follow.
    JobAttemptFailed {
        attempt: u32,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
    /// The job was cancelled.
    JobCancelled { reason: String },
    /// A failed or cancelled job was queued again by a user.
    JobRequeued {},
}

/// Facts about a health check. Its runs' results are not events (they go to the results
/// store); a change of its health after the thresholds is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum HealthCheckEvent {
    /// A check was created.
    HealthCheckCreated { spec: HealthCheckSpec },
    /// A check's specification changed; a new target or new conditions make its health
    /// UNKNOWN again.
    HealthCheckUpdated { spec: HealthCheckSpec },
    /// `failures` consecutive runs failed (the failure threshold); `error` is the last run's
    /// reason.
    HealthCheckBecameUnhealthy { failures: u32, error: String },
    /// `successes` consecutive runs succeeded (the success threshold) after `from`.
    HealthCheckRecovered { from: HealthState, successes: u32 },
    /// The check was deleted; it runs no more.
    HealthCheckDeleted {},
}

/// Facts about a user. No event carries a password, a hash or a token secret: those live in
/// the credentials table, written in the same transaction as the event that sets them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum UserEvent {
    /// A user was created with a password (stored apart from the event).
    UserCreated { username: String, role: Role },
    /// The user's role changed; tokens issued before name the old role and stop working.
    UserRoleChanged { from: Role, to: Role },
    /// The user may no longer sign in; every token of theirs stops working.
    UserDisabled {},
    /// A disabled user may sign in again (with new sessions and API tokens only).
    UserEnabled {},
    /// The user's password was replaced; sessions issued before stop working.
    UserPasswordChanged {},
}

/// Facts about an API token (a long-lived secret for scripts, acting as its user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ApiTokenEvent {
    /// A token was issued for `user_id`; its secret was shown once and only its hash kept.
    ApiTokenCreated {
        user_id: UserId,
        name: String,
        expires_at: Option<DateTime<Utc>>,
        /// The user's credential generation when the token was issued: a later disable or
        /// password change ends the token for good.
        #[serde(default)]
        user_generation: u32,
    },
    /// The token was revoked; it is refused from now on.
    ApiTokenRevoked {},
}

/// Facts about a rate-limit rule: how many tokens a limiter's bucket holds and how fast it
/// refills, for one scope (and optionally one user or cluster).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum RateLimitRuleEvent {
    /// A rule was created for limiter `name`.
    RateLimitRuleCreated {
        name: String,
        scope: RateLimitScope,
        scope_id: Option<String>,
        refill_rate: f64,
        capacity: u32,
    },
    /// The rule's rate or capacity changed.
    RateLimitRuleUpdated { refill_rate: f64, capacity: u32 },
    /// The rule was deleted; the limiter falls back to a less specific rule or its default.
    RateLimitRuleDeleted {},
}

/// Facts about a diagnosis: what was asked, what the analysis saw (the evidence, bounded,
/// and its digest), what it concluded (the report, and for a model the hash of the prompt
/// and its validated answer), and which recommendations were applied. `history` shows what
/// the assistant saw and said; replay rebuilds the report from these events alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum DiagnosisEvent {
    /// A diagnosis was asked for; `job_id` carries it out.
    DiagnosisRequested {
        target_type: DiagnosisTarget,
        target_id: String,
        checks: Vec<DiagnosisCheck>,
        question: Option<String>,
        job_id: JobId,
    },
    /// The evidence was collected (the analysis runs on exactly this).
    DiagnosisEvidenceCollected {
        /// SHA-256 of the snapshot's JSON.
        digest: String,
        snapshot: Snapshot,
    },
    /// The report is ready.
    DiagnosisCompleted {
        report: Report,
        /// What the model was asked and said, when one answered.
        #[serde(default)]
        model: Option<ModelExchange>,
        duration_ms: u64,
    },
    /// The diagnosis could not be made (its evidence could not be read).
    DiagnosisFailed { error: String },
    /// A finding's recommended command was run; its events name this diagnosis as their
    /// causation, and `job_id` carries it out (the retried job, for RETRY_JOB).
    RecommendationApplied {
        finding_id: String,
        action: Action,
        job_id: JobId,
    },
}

/// Facts about a scaling policy: what it watches and how it scales one cluster, and when an
/// operator paused, resumed or deleted it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ScalingPolicyEvent {
    /// A policy was created for `cluster_id`.
    ScalingPolicyCreated {
        cluster_id: ClusterId,
        spec: ScalingPolicySpec,
    },
    /// Its specification changed.
    ScalingPolicyUpdated { spec: ScalingPolicySpec },
    /// It is no longer evaluated; it keeps its settings.
    ScalingPolicyPaused {},
    /// It is evaluated again.
    ScalingPolicyResumed {},
    /// It was deleted; its cluster and metric may have another policy.
    ScalingPolicyDeleted {},
    /// An evaluation decided to change the cluster: `plan` is what the SCALE job `job_id`
    /// does (none for a dry run, which only records what it would have done).
    ScalingDecided {
        decision: ScalingDecision,
        plan: Option<ScalePlan>,
        job_id: Option<JobId>,
    },
    /// The SCALE job finished what it was asked.
    ScalingCompleted {
        job_id: JobId,
        outcome: ScaleOutcome,
    },
    /// The SCALE job failed for good or was cancelled; what it did stays done.
    ScalingAbandoned { job_id: JobId, reason: String },
}

/// What a model was asked and what it answered, as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelExchange {
    /// `<provider>:<model>`.
    pub backend: String,
    /// SHA-256 of the prompt as sent (masked).
    pub prompt_hash: String,
    /// The validated answer, unmasked; `None` when the built-in report was kept.
    pub answer: Option<serde_json::Value>,
    /// Why the built-in report was kept, if it was.
    pub fallback: Option<String>,
}

/// Makes `$event` a [`DomainEventKind`] of `$aggregate` and a cqrs-es `DomainEvent`: the
/// stored type name of each variant is its own name, as serde's `type` tag writes it, and the
/// `match` over the listed variants is exhaustive, so a new variant must be named here.
macro_rules! event_kind {
    ($event:ty, $aggregate:ident: $($variant:ident),+ $(,)?) => {
        impl DomainEventKind for $event {
            const AGGREGATE: AggregateType = AggregateType::$aggregate;
            fn type_name(&self) -> &'static str {
                match self {
                    $(Self::$variant { .. } => stringify!($variant),)+
                }
            }
        }

        impl cqrs_es::DomainEvent for $event {
            fn event_type(&self) -> String {
                self.type_name().to_string()
            }
            fn event_version(&self) -> String {
                self.version().to_string()
            }
        }
    };
}

event_kind!(
    ClusterEvent,
    Cluster: ClusterCreated,
    DropletAttached,
    DropletDetached,
    ClusterDeleted,
    ClusterLoadInjected,
    ClusterLoadCleared,
);
event_kind!(
    DropletEvent,
    Droplet: DropletCreated,
    DropletProvisioningRestarted,
    DropletProvisioned,
    DropletProvisioningFailed,
    DropletOperationRequested,
    DropletOperationAbandoned,
    DropletResized,
    DropletPoweredOn,
    DropletPoweredOff,
    DropletDestroying,
    DropletDestroyed,
    DropletLoadInjected,
    DropletLoadCleared,
);
event_kind!(
    JobEvent,
    Job: JobQueued,
    JobStarted,
    JobLeaseExpired,
    JobProgressed,
    JobCompleted,
    JobAttemptFailed,
    JobCancelled,
    JobRequeued,
);

event_kind!(
    HealthCheckEvent,
    HealthCheck: HealthCheckCreated,
    HealthCheckUpdated,
    HealthCheckBecameUnhealthy,
    HealthCheckRecovered,
    HealthCheckDeleted,
);

event_kind!(
    UserEvent,
    User: UserCreated,
    UserRoleChanged,
    UserDisabled,
    UserEnabled,
    UserPasswordChanged,
);

event_kind!(ApiTokenEvent, ApiToken: ApiTokenCreated, ApiTokenRevoked);

event_kind!(
    RateLimitRuleEvent,
    RateLimitRule: RateLimitRuleCreated,
    RateLimitRuleUpdated,
    RateLimitRuleDeleted,
);

event_kind!(
    DiagnosisEvent,
    Diagnosis: DiagnosisRequested,
    DiagnosisEvidenceCollected,
    DiagnosisCompleted,
    DiagnosisFailed,
    RecommendationApplied,
);

event_kind!(
    ScalingPolicyEvent,
    ScalingPolicy: ScalingPolicyCreated,
    ScalingPolicyUpdated,
    ScalingPolicyPaused,
    ScalingPolicyResumed,
    ScalingPolicyDeleted,
    ScalingDecided,
    ScalingCompleted,
    ScalingAbandoned,
);

/// Why a stored payload could not be brought to the current shape.
#[derive(Debug, thiserror::Error)]
pub enum UpcastError {
    /// The payload was written by a newer ClusterGenie than this one.
    #[error("event {event_type} has version {version}, newer than this build understands")]
    FutureVersion { event_type: String, version: String },
    /// The payload is not valid for its type.
    #[error("event {event_type} v{version} is malformed: {source}")]
    Malformed {
        event_type: String,
        version: String,
        source: serde_json::Error,
    },
}

/// Decodes a stored payload of any known version into the current event shape.
///
/// Version "0" is the pre-release shape, in which `ClusterCreated` carried no labels and
/// `JobQueued` had no `max_attempts`; they are filled with their defaults here.
pub fn upcast<E: for<'de> Deserialize<'de>>(
    event_type: &str,
    version: &str,
    mut payload: serde_json::Value,
) -> Result<E, UpcastError> {
    match version {
        "1" => {}
        "0" => {
            if let Some(obj) = payload.as_object_mut() {
                match event_type {
                    "ClusterCreated" => {
                        obj.entry("labels").or_insert(serde_json::json!({}));
                    }
                    "JobQueued" => {
                        obj.entry("max_attempts").or_insert(serde_json::json!(3));
                    }
                    _ => {}
                }
            }
        }
        _ => {
            return Err(UpcastError::FutureVersion {
                event_type: event_type.to_string(),
                version: version.to_string(),
            })
        }
    }
    if let Some(obj) = payload.as_object_mut() {
        obj.insert("type".into(), serde_json::Value::String(event_type.into()));
    }
    serde_json::from_value(payload).map_err(|source| UpcastError::Malformed {
        event_type: event_type.to_string(),
        version: version.to_string(),
        source,
    })
}

/// Encodes an event as its stored payload (without the `type` tag, which is stored beside it).
pub fn payload_of<E: Serialize>(event: &E) -> serde_json::Value {
    let mut value = serde_json::to_value(event).expect("events always serialize");
    if let Some(obj) = value.as_object_mut() {
        obj.remove("type");
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_stored_form() {
        let e = ClusterEvent::ClusterCreated {
            name: "prod".into(),
            region: "nyc1".into(),
            labels: BTreeMap::from([("team".into(), "ops".into())]),
        };
        let payload = payload_of(&e);
        assert!(payload.get("type").is_none());
        let back: ClusterEvent = upcast(e.type_name(), e.version(), payload).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn upcasts_version_zero_payloads() {
        let old = serde_json::json!({"name": "prod", "region": "nyc1"});
        let e: ClusterEvent = upcast("ClusterCreated", "0", old).unwrap();
        assert!(matches!(e, ClusterEvent::ClusterCreated { labels, .. } if labels.is_empty()));
    }

    #[test]
    fn refuses_future_versions() {
        let r: Result<ClusterEvent, _> = upcast("ClusterDeleted", "9", serde_json::json!({}));
        assert!(matches!(r, Err(UpcastError::FutureVersion { .. })));
    }
}
