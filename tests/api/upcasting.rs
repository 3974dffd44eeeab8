//! Old events in a real database: version-0 payloads (from before `ClusterCreated` had labels
//! and `JobQueued` had `max_attempts`) stored as an old build wrote them, rebuilt by
//! `clustergenie replay`, projected and read back through GraphQL; and a malformed stored
//! payload answered with an error code, not a panic.

use crate::helpers::{
    error_code, spawn_app, spawn_app_on, Backend, Storage, CLUSTER_HISTORY, DELETE_CLUSTER,
};
use crate::on_both_backends;
use command::store::{Append, NewEvent};
use schema::events::payload_of;
use schema::{AggregateType, ClusterEvent, JobEvent, JobType};
use serde_json::{json, Value};

/// An event's stored payload with `fields` removed: its version-0 shape.
fn without<E: serde::Serialize>(event: &E, fields: &[&str]) -> Value {
    let mut payload = payload_of(event);
    for field in fields {
        payload.as_object_mut().unwrap().remove(*field);
    }
    payload
}

/// Appends `events` to the store of `storage` directly, as an old build did.
async fn append(storage: &Storage, events: Vec<NewEvent>) {
    let db = storage.db().await;
    command::EventStore::new(db.clone())
        .append(Append {
            events,
            ..Append::default()
        })
        .await
        .expect("appended");
    db.close().await;
}

async fn version_zero_events_are_replayed_projected_and_served(backend: Backend) {
    let storage = spawn_app(backend).await.stop().await;
    let cluster = uuid::Uuid::new_v4().to_string();
    let job = uuid::Uuid::new_v4().to_string();
    let created = ClusterEvent::ClusterCreated {
        name: "legacy".into(),
        region: "nyc1".into(),
        labels: Default::default(),
    };
    let queued = JobEvent::JobQueued {
        job_type: JobType::Provision,
        target_type: AggregateType::Droplet,
        target_id: uuid::Uuid::new_v4().to_string(),
        params: json!({}),
        max_attempts: 1,
    };
    let cancelled = JobEvent::JobCancelled {
        reason: "from an old build".into(),
    };
    let event = |aggregate_type, id: &str, sequence, event_type, event_version, payload| NewEvent {
        aggregate_type,
        aggregate_id: id.to_string(),
        sequence,
        event_type,
        event_version,
        payload,
    };
    append(
        &storage,
        vec![
            event(
                AggregateType::Cluster,
                &cluster,
                1,
                "ClusterCreated",
                "0",
                without(&created, &["labels"]),
            ),
            event(
                AggregateType::Job,
                &job,
                1,
                "JobQueued",
                "0",
                without(&queued, &["max_attempts"]),
            ),
            event(
                AggregateType::Job,
                &job,
                2,
                "JobCancelled",
                "1",
                payload_of(&cancelled),
            ),
        ],
    )
    .await;
    storage.run_cli(&["replay"]);

    let app = spawn_app_on(storage, |_| {}).await;
    let r = app
        .gql(
            "query($c: ID!, $j: ID!) { cluster(id: $c) { name region status labels { key } } job(id: $j) { status maxAttempts } \
             history(aggregateType: Cluster, aggregateId: $c) { exists version } \
             events(first: 10, filter: {aggregateId: $j}) { edges { node { type version } } } }",
            json!({ "c": cluster, "j": job }),
        )
        .await;
    assert!(r["errors"].is_null(), "{r}");
    let data = &r["data"];
    assert_eq!(data["cluster"]["name"], "legacy", "{r}");
    assert_eq!(data["cluster"]["status"], "ACTIVE", "{r}");
    assert_eq!(data["cluster"]["labels"], json!([]), "{r}");
    assert_eq!(data["job"]["status"], "CANCELLED", "{r}");
    assert_eq!(data["job"]["maxAttempts"], 3, "the v0 default: {r}");
    assert_eq!(data["history"]["exists"], true, "{r}");
    assert_eq!(data["history"]["version"], 1, "{r}");
    assert_eq!(
        data["events"]["edges"][0]["node"],
        json!({ "type": "JobQueued", "version": "0" }),
        "stored as written, never rewritten: {r}"
    );
    // The write side reads the old event too: the v0 cluster can be deleted.
    let r = app.gql_id(DELETE_CLUSTER, &cluster).await;
    assert_eq!(
        r["data"]["deleteCluster"]["cluster"]["status"], "DELETED",
        "{r}"
    );
    app.stop().await;
}
on_both_backends!(version_zero_events_are_replayed_projected_and_served);

async fn a_malformed_stored_event_is_an_error_with_a_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = uuid::Uuid::new_v4().to_string();
    append(
        &app.storage,
        vec![NewEvent {
            aggregate_type: AggregateType::Cluster,
            aggregate_id: cluster.clone(),
            sequence: 1,
            event_type: "ClusterCreated",
            event_version: "1",
            payload: json!({ "name": 5, "region": ["nyc1"] }),
        }],
    )
    .await;
    // Read through `history` and by the write side: both answer with a code.
    for query in [CLUSTER_HISTORY, DELETE_CLUSTER] {
        let r = app.gql_id(query, &cluster).await;
        assert!(error_code(&r).is_some(), "an error with a code: {r}");
    }
    // The server is still there for everything else.
    app.create_cluster("after-the-bad-one", "nyc1").await;
    app.stop().await;
}
on_both_backends!(a_malformed_stored_event_is_an_error_with_a_code);
