//! One registry of aggregate types: every type in `schema::AggregateType` that has events in
//! the log has at least one read model, whose projection fills its table, and every read
//! model's table is rebuilt by `replay`.

mod common;

use common::{Backend, Fixture};
use projector::models::{table_of, tables_of};
use projector::projection::Checkpoint;
use projector::rebuild::read_model_tables;
use projector::ReadModels;
use schema::AggregateType;

async fn every_aggregate_type_is_projected_and_rebuilt(backend: Backend) {
    let f = Fixture::new("registry", backend).await;
    let cluster = f.cluster("registry").await;
    f.droplet("registered", Some(&cluster)).await;
    f.health_check("registered").await;
    f.user_with_token("registered").await;
    f.rate_limit_rule("registered").await;
    f.diagnosis(&cluster).await;
    f.scaling_policy(&cluster).await;
    let events = f.log().await;
    f.apply(Checkpoint::default(), &events).await;
    let dump = ReadModels::new(f.db.clone()).dump().await.unwrap();

    let rebuilt = read_model_tables();
    for kind in AggregateType::ALL {
        let with_events = events
            .iter()
            .filter(|e| e.aggregate_type == kind.as_str())
            .count();
        assert!(
            with_events > 0,
            "the fixture appends no {kind} events; extend it"
        );
        let tables = tables_of(*kind);
        assert!(
            tables.contains(&table_of(*kind)),
            "{kind} has {with_events} events but no read model in models::each"
        );
        for table in tables {
            assert!(
                rebuilt.contains(&table),
                "{kind}: table {table} is not rebuilt by replay"
            );
            let prefix = format!("{table}: ");
            assert!(
                dump.iter().any(|l| l.starts_with(&prefix)),
                "{kind} has {with_events} events but its read model {table} wrote no row"
            );
        }
    }
    f.close().await;
}
on_both_backends!(every_aggregate_type_is_projected_and_rebuilt);
