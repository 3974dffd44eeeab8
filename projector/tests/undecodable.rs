//! The projector's path for an event it cannot decode: the event is counted
//! (`clustergenie_projector_undecodable_events_total`), logged and recorded in the audit log
//! only; its row is left as it was, the checkpoint moves past it, and the aggregate's later
//! events still apply. A broken event never stalls the projector.

mod common;

use command::store::{Append, NewEvent};
use common::{Backend, Fixture};
use metrics_exporter_prometheus::PrometheusBuilder;
use projector::models::droplets::Droplets;
use projector::{ChangeFeed, EventFilter, Projector, ReadModels, Slice};
use schema::{AggregateType, DropletStatus};

/// Appends one droplet event with a raw payload.
async fn append(f: &Fixture, id: &str, sequence: i64, payload: serde_json::Value) {
    let event = NewEvent {
        aggregate_type: AggregateType::Droplet,
        aggregate_id: id.to_string(),
        sequence,
        event_type: "DropletProvisioned",
        event_version: "1",
        payload,
    };
    let append = Append {
        events: vec![event],
        ..Default::default()
    };
    f.store.append(append).await.unwrap();
}

/// Runs the projector until it has nothing left to read.
async fn project(f: &Fixture) {
    f.log().await;
    let projector = Projector::new(f.db.clone(), ChangeFeed::default());
    while projector.step().await.unwrap() > 0 {}
}

async fn an_undecodable_event_is_counted_audited_and_passed(backend: Backend) {
    let recorder = PrometheusBuilder::new().build_recorder();
    let metrics = recorder.handle();
    // The test runs on one thread, so the projector's counters land here.
    let _recorder = metrics::set_default_local_recorder(&recorder);
    let f = Fixture::new("undecodable", backend).await;
    f.droplet("d1", None).await;
    project(&f).await;
    let reads = ReadModels::new(f.db.clone());
    let droplets = reads
        .list::<Droplets>(&Default::default(), Slice::After(None), 10, false)
        .await;
    let before = droplets.unwrap().items.remove(0);
    assert_eq!(before.state.status, DropletStatus::Provisioning);

    // `ip` must be a string: this payload cannot be decoded.
    append(
        &f,
        &before.id,
        before.version + 1,
        serde_json::json!({ "ip": 42 }),
    )
    .await;
    project(&f).await;
    let rendered = metrics.render();
    assert!(
        rendered.contains("clustergenie_projector_undecodable_events_total 1"),
        "{rendered}"
    );
    let log = f.log().await;
    let last = log.last().unwrap();
    let cp = reads.checkpoint().await.unwrap();
    assert_eq!(
        cp.cursor,
        last.cursor(),
        "the checkpoint moves past the event"
    );
    let audited = EventFilter {
        aggregate_id: Some(before.id.clone()),
        event_type: Some("DropletProvisioned".into()),
        ..Default::default()
    };
    let audited = reads.events(&audited, None, 10, false).await.unwrap();
    assert_eq!(audited.items.len(), 1, "the event is in the audit log");
    assert_eq!(audited.items[0].payload, serde_json::json!({ "ip": 42 }));
    assert_eq!(
        reads.get::<Droplets>(&before.id).await.unwrap(),
        Some(before.clone())
    );

    // The droplet's next event is applied as usual.
    let ip = serde_json::json!({ "ip": "10.0.0.9" });
    append(&f, &before.id, before.version + 2, ip).await;
    project(&f).await;
    let after = reads.get::<Droplets>(&before.id).await.unwrap().unwrap();
    assert_eq!(after.state.status, DropletStatus::Running);
    assert_eq!(after.state.ip.as_deref(), Some("10.0.0.9"));
    assert_eq!(after.version, before.version + 2);
    assert!(metrics
        .render()
        .contains("clustergenie_projector_undecodable_events_total 1"));
    f.close().await;
}
on_both_backends!(an_undecodable_event_is_counted_audited_and_passed);
