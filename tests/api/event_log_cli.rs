//! `clustergenie events`: the event log as JSON lines, in global order, filtered by aggregate,
//! type and actor, and cut by `--limit`.

use crate::helpers::{spawn_app, Backend, Storage};
use crate::on_both_backends;
use serde_json::{json, Value};

/// `clustergenie events <args>`, one JSON value per line.
fn events(storage: &Storage, args: &[&str]) -> Vec<Value> {
    let args: Vec<&str> = std::iter::once("events")
        .chain(args.iter().copied())
        .collect();
    storage
        .run_cli(&args)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

async fn the_events_command_prints_the_log_in_order_and_filters_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app
        .try_create_cluster(Some(&app.token("alice").await), "printed", "nyc1")
        .await;
    let cluster = testkit::graphql::string_at(&r, "/data/createCluster/cluster/id");
    let (droplet, job) = app.create_droplet("printed-1", "debian-12-x64").await;
    app.completed(&job).await;
    let stored = app.event_count().await;
    let storage = app.stop().await;

    let all = events(&storage, &[]);
    assert_eq!(all.len() as i64, stored, "every stored event, once");
    let positions: Vec<i64> = all
        .iter()
        .map(|e| e["position"].as_i64().unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "global order: {positions:?}"
    );
    for e in &all {
        for field in [
            "type",
            "version",
            "aggregateType",
            "aggregateId",
            "eventId",
            "recordedAt",
            "metadata",
            "payload",
        ] {
            assert!(!e[field].is_null(), "{field} missing from {e}");
        }
        assert!(e["sequence"].as_i64().unwrap() >= 1, "{e}");
    }

    let created = events(&storage, &["--type", "ClusterCreated"]);
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(created[0]["aggregateId"], json!(cluster));
    assert_eq!(created[0]["payload"]["name"], "printed");
    assert_eq!(created[0]["metadata"]["actor"], "alice");

    let of_droplet = events(&storage, &["--aggregate-id", &droplet]);
    let types: Vec<&str> = of_droplet
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["DropletCreated", "DropletProvisioned"],
        "{of_droplet:?}"
    );
    let sequences: Vec<i64> = of_droplet
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(sequences, [1, 2]);

    let by_alice = events(&storage, &["--actor", "alice"]);
    assert_eq!(by_alice, created, "only alice's command");
    let first_two = events(&storage, &["--limit", "2"]);
    assert_eq!(first_two, all[..2]);
    assert!(events(&storage, &["--type", "NoSuchEvent"]).is_empty());
}
on_both_backends!(the_events_command_prints_the_log_in_order_and_filters_it);
