//! Upcasting stored payloads: every version-0 shape this build still reads, and malformed or
//! future payloads refused with a typed error that names the event (never a panic).

use schema::events::{payload_of, upcast, UpcastError};
use schema::{AggregateType, ClusterEvent, JobEvent, JobType};
use serde_json::json;

fn queued(max_attempts: u32) -> JobEvent {
    JobEvent::JobQueued {
        job_type: JobType::Provision,
        target_type: AggregateType::Droplet,
        target_id: "d-1".into(),
        params: json!({ "image": "debian-12-x64" }),
        max_attempts,
    }
}

/// The version-0 payload of `JobQueued`: today's shape without `max_attempts`.
fn queued_v0() -> serde_json::Value {
    let mut payload = payload_of(&queued(1));
    payload.as_object_mut().unwrap().remove("max_attempts");
    payload
}

#[test]
fn job_queued_v0_gets_the_default_of_three_attempts() {
    let e: JobEvent = upcast("JobQueued", "0", queued_v0()).unwrap();
    assert_eq!(e, queued(3));
}

#[test]
fn a_v0_payload_that_already_has_the_field_keeps_it() {
    let mut payload = queued_v0();
    payload["max_attempts"] = json!(7);
    let e: JobEvent = upcast("JobQueued", "0", payload).unwrap();
    assert_eq!(e, queued(7));
}

#[test]
fn a_v1_job_queued_without_max_attempts_is_malformed_not_defaulted() {
    let r: Result<JobEvent, _> = upcast("JobQueued", "1", queued_v0());
    match r {
        Err(UpcastError::Malformed {
            event_type,
            version,
            source,
        }) => {
            assert_eq!((event_type.as_str(), version.as_str()), ("JobQueued", "1"));
            assert!(source.to_string().contains("max_attempts"), "{source}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn malformed_payloads_are_typed_errors_that_name_the_event() {
    let cases: Vec<(&str, &str, serde_json::Value)> = vec![
        (
            "ClusterCreated",
            "1",
            json!({ "name": 5, "region": "nyc1" }),
        ),
        ("ClusterCreated", "0", json!({ "region": "nyc1" })),
        ("ClusterCreated", "1", json!("not an object")),
        ("ClusterCreated", "0", json!(null)),
        ("ClusterCreated", "1", json!([1, 2, 3])),
        ("NoSuchEvent", "1", json!({})),
        (
            "DropletAttached",
            "1",
            json!({ "droplet_id": "not-a-uuid" }),
        ),
    ];
    for (event_type, version, payload) in cases {
        let shown = payload.to_string();
        let r: Result<ClusterEvent, _> = upcast(event_type, version, payload);
        match r {
            Err(e @ UpcastError::Malformed { .. }) => {
                let message = e.to_string();
                assert!(
                    message.contains(event_type) && message.contains(&format!("v{version}")),
                    "{message}"
                );
            }
            other => panic!("{event_type} v{version} {shown}: expected Malformed, got {other:?}"),
        }
    }
    // A job payload is not a cluster event, whatever its type name says.
    let r: Result<ClusterEvent, _> = upcast("JobQueued", "1", payload_of(&queued(3)));
    assert!(matches!(r, Err(UpcastError::Malformed { .. })), "{r:?}");
}

#[test]
fn payloads_from_a_newer_build_are_refused_by_version() {
    for version in ["2", "10", "", "1.0"] {
        let r: Result<JobEvent, _> = upcast("JobQueued", version, payload_of(&queued(3)));
        match r {
            Err(UpcastError::FutureVersion {
                event_type,
                version: v,
            }) => assert_eq!((event_type.as_str(), v.as_str()), ("JobQueued", version)),
            other => panic!("version {version:?}: expected FutureVersion, got {other:?}"),
        }
    }
}
