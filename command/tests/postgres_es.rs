//! The events table stays readable by postgres-es: a Cluster's events appended through our
//! store load through postgres-es's own `PostgresEventRepository` as the same events.

use command::aggregates::Cluster;
use command::handlers::{CommandOptions, CreateCluster};
use command::{Commands, Db, EventStore, JobSettings, Pool, RequestContext};
use cqrs_es::persist::PersistedEventRepository;
use postgres_es::PostgresEventRepository;
use schema::AggregateType;
use std::sync::Arc;

fn postgres_base() -> String {
    std::env::var("CLUSTERGENIE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

async fn admin(sql: &str) {
    let mut conn =
        <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{}/postgres", postgres_base()))
            .await
            .expect("tests need Postgres at CLUSTERGENIE_TEST_POSTGRES");
    sqlx::Executor::execute(&mut conn, sql).await.unwrap();
}

#[tokio::test]
async fn postgres_es_reads_our_events() {
    let name = format!("cg_test_{}", uuid::Uuid::new_v4().simple());
    admin(&format!("CREATE DATABASE {name}")).await;
    let db = Db::postgres(&format!("{}/{name}", postgres_base()), 4)
        .await
        .unwrap();
    let store = EventStore::new(db.clone());
    let commands = Commands::new(
        store.clone(),
        JobSettings::default(),
        Arc::new(tokio::sync::Notify::new()),
    );
    let ctx = RequestContext::new("tester");
    let input = CreateCluster::new(
        schema::ClusterName::parse("pg-es").unwrap(),
        schema::Region::parse("nyc1").unwrap(),
    );
    let id = commands
        .create_cluster(&ctx, input)
        .await
        .unwrap()
        .value
        .to_string();
    commands
        .delete_cluster(&ctx, id.parse().unwrap(), CommandOptions::default())
        .await
        .unwrap();

    let ours = store.load(AggregateType::Cluster, &id).await.unwrap();
    assert!(ours.len() >= 2, "{ours:?}");
    let Pool::Postgres(pool) = db.writes().clone() else {
        unreachable!("opened on Postgres")
    };
    let theirs = PostgresEventRepository::new(pool)
        .get_events::<Cluster>(&id)
        .await
        .unwrap();
    assert_eq!(theirs.len(), ours.len());
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(t.aggregate_id, o.aggregate_id);
        assert_eq!(t.aggregate_type, o.aggregate_type);
        assert_eq!(t.sequence as i64, o.sequence);
        assert_eq!(t.event_type, o.event_type);
        assert_eq!(t.event_version, o.event_version);
        assert_eq!(t.payload, o.payload);
        assert_eq!(t.metadata, serde_json::to_value(&o.metadata).unwrap());
    }
    db.close().await;
    admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
}
