//! Pagination of the read-model lists: forwards with `first`/`after`, backwards from the
//! newest with `last`/`before`.

use crate::helpers::{assert_code, spawn_app, Backend};
use crate::on_both_backends;
use serde_json::json;

/// Every root list pages backwards from its newest end with `last` and `before`; the page
/// stays oldest first. Mixing directions, and a bad `before`, are refused naming the argument.
async fn lists_page_backwards_from_the_newest(backend: Backend) {
    const PAGE: &str = "query($first: Int, $last: Int, $before: String) { clusters(first: $first, last: $last, before: $before) { totalCount pageInfo { hasPreviousPage startCursor } nodes { name } } }";
    let app = spawn_app(backend).await;
    for name in ["one", "two", "three"] {
        app.create_cluster(name, "nyc1").await;
    }
    let newest = app.gql(PAGE, json!({ "last": 2 })).await;
    let page = &newest["data"]["clusters"];
    assert_eq!(
        page["nodes"],
        json!([{ "name": "two" }, { "name": "three" }]),
        "{newest}"
    );
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true, "{newest}");
    assert_eq!(page["totalCount"], 3);
    let older = app
        .gql(
            PAGE,
            json!({ "last": 2, "before": page["pageInfo"]["startCursor"] }),
        )
        .await;
    assert_eq!(
        older["data"]["clusters"]["nodes"],
        json!([{ "name": "one" }]),
        "{older}"
    );
    assert_eq!(
        older["data"]["clusters"]["pageInfo"]["hasPreviousPage"], false,
        "{older}"
    );

    let mixed = app.gql(PAGE, json!({ "first": 1, "last": 1 })).await;
    assert_code(&mixed, "BAD_USER_INPUT");
    let bad = app.gql(PAGE, json!({ "last": 1, "before": "nope" })).await;
    assert_code(&bad, "BAD_USER_INPUT");
    assert!(
        bad["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("before:"),
        "{bad}"
    );
    app.stop().await;
}
on_both_backends!(lists_page_backwards_from_the_newest);
