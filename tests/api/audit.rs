//! The audit log read backwards (`last`/`before`, newest page first) and its filters.

use crate::helpers::{assert_code, spawn_app, Backend};
use crate::on_both_backends;
use serde_json::{json, Value};

const PAGE: &str = "query($last: Int, $before: String, $first: Int, $f: EventFilter) { events(last: $last, before: $before, first: $first, filter: $f) { totalCount pageInfo { hasPreviousPage hasNextPage startCursor endCursor } nodes { position type actor payload } } }";

fn names(r: &Value) -> Vec<String> {
    r["data"]["events"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|e| e["payload"]["name"].as_str().unwrap_or("?").to_string())
        .collect()
}

async fn the_newest_page_comes_first_and_older_pages_follow(backend: Backend) {
    let app = spawn_app(backend).await;
    for name in ["c1", "c2", "c3", "c4", "c5"] {
        app.create_cluster(name, "nyc1").await;
    }
    let f = json!({ "aggregateType": "Cluster" });
    let newest = app.gql(PAGE, json!({ "last": 2, "f": f })).await;
    assert_eq!(names(&newest), ["c4", "c5"], "{newest}");
    let info = &newest["data"]["events"]["pageInfo"];
    assert_eq!(info["hasPreviousPage"], true);
    assert_eq!(newest["data"]["events"]["totalCount"], 5);

    let before = info["startCursor"].as_str().unwrap();
    let older = app
        .gql(PAGE, json!({ "last": 2, "before": before, "f": f }))
        .await;
    assert_eq!(names(&older), ["c2", "c3"], "{older}");
    assert_eq!(older["data"]["events"]["pageInfo"]["hasNextPage"], true);
    let before = older["data"]["events"]["pageInfo"]["startCursor"]
        .as_str()
        .unwrap();
    let oldest = app
        .gql(PAGE, json!({ "last": 2, "before": before, "f": f }))
        .await;
    assert_eq!(names(&oldest), ["c1"], "{oldest}");
    assert_eq!(
        oldest["data"]["events"]["pageInfo"]["hasPreviousPage"],
        false
    );

    let both = app.gql(PAGE, json!({ "last": 2, "first": 2 })).await;
    assert_code(&both, "BAD_USER_INPUT");
    app.stop().await;
}
on_both_backends!(the_newest_page_comes_first_and_older_pages_follow);

async fn actor_matches_in_part_and_types_can_be_left_out(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_cluster("one", "nyc1").await;
    let r = app
        .gql(
            PAGE,
            json!({ "first": 100, "f": { "actorContains": "LOC" } }),
        )
        .await;
    let nodes = r["data"]["events"]["nodes"].as_array().unwrap().clone();
    assert_eq!(nodes.len(), 1, "{r}");
    assert_eq!(nodes[0]["actor"], "local");
    let none = app
        .gql(
            PAGE,
            json!({ "first": 100, "f": { "actorContains": "nobody" } }),
        )
        .await;
    assert_eq!(none["data"]["events"]["totalCount"], 0, "{none}");

    let without = app
        .gql(
            PAGE,
            json!({ "first": 100, "f": { "excludeEventTypes": ["ClusterCreated"] } }),
        )
        .await;
    assert_eq!(without["data"]["events"]["totalCount"], 0, "{without}");
    let too_many: Vec<String> = (0..51).map(|i| format!("T{i}")).collect();
    let r = app
        .gql(
            PAGE,
            json!({ "first": 1, "f": { "excludeEventTypes": too_many } }),
        )
        .await;
    assert_code(&r, "BAD_USER_INPUT");
    app.stop().await;
}
on_both_backends!(actor_matches_in_part_and_types_can_be_left_out);
