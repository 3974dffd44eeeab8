//! One registry of aggregate types: every type in `schema::AggregateType` that has events in
//! the log has a projection that fills its table, and that table is rebuilt by `replay`.

mod common;

use common::Fixture;
use projector::projection::{self, Checkpoint};
use projector::rebuild::read_model_tables;
use schema::AggregateType;
use sqlx::{Acquire, Row};

#[tokio::test]
async fn every_aggregate_type_is_projected_and_rebuilt() {
    let f = Fixture::new("registry").await;
    let cluster = f.cluster("registry").await;
    f.droplet("registered", Some(&cluster)).await;
    let events = f.store.read_log(Default::default(), 1000).await.unwrap();
    let mut conn = f.db.writer.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    projection::apply(&f.db, &mut tx, Checkpoint::default(), &events)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let tables = read_model_tables();
    for kind in AggregateType::ALL {
        let with_events = events
            .iter()
            .filter(|e| e.aggregate_type == kind.as_str())
            .count();
        assert!(
            with_events > 0,
            "the fixture appends no {kind} events; extend it"
        );
        let table = projector::table_of(*kind);
        assert!(
            tables.contains(&table),
            "{kind}: table {table} is not rebuilt by replay"
        );
        let rows: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&f.db.reader)
            .await
            .unwrap()
            .get("n");
        assert!(
            rows > 0,
            "{kind} has {with_events} events but its projection wrote no row"
        );
    }
}
