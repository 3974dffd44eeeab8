//! The events the relay publishes: appended through the command path, read back in the
//! relay's order, encoded as the relay encodes them, and the checkpoint it leaves.

use super::*;
use bus::envelope::{partition_for, Envelope};
use bus::KafkaSettings;
use command::handlers::CreateCluster;
use command::store::StoredEvent;
use command::{Commands, EventStore, JobSettings, LogCursor, RequestContext};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Row;
use std::sync::Arc;
use std::time::Duration;

pub(super) async fn pool(url: &str) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new().max_connections(4).connect(url).await?)
}

/// Appends `n` `createCluster` events through the command path (8 writers; not timed).
pub(super) async fn append_events(database_url: &str, n: usize) -> anyhow::Result<()> {
    let db = command::Db::postgres(database_url, 8).await?;
    let commands = Commands::new(
        EventStore::new(db.clone()),
        JobSettings::default(),
        Arc::new(tokio::sync::Notify::new()),
    );
    let writers = 8.min(n.max(1));
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let commands = commands.clone();
        let run = run.clone();
        let count = n / writers + usize::from(w < n % writers);
        tasks.push(tokio::spawn(async move {
            let ctx = RequestContext::new("bench");
            for i in 0..count {
                let name = schema::ClusterName::parse(&format!("k{run}-{w}-{i}"));
                let region = schema::Region::parse("nyc1");
                let input = CreateCluster::new(name.expect("a valid name"), region.expect("nyc1"));
                commands
                    .create_cluster(&ctx, input)
                    .await
                    .map_err(|e| anyhow::anyhow!("createCluster: {e:?}"))?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    db.close().await;
    Ok(())
}

/// The relay's checkpoint (tx, position), if written.
pub(super) async fn relay_checkpoint(pool: &PgPool) -> anyhow::Result<Option<(i64, i64)>> {
    let row = sqlx::query("SELECT tx, position FROM relay_checkpoints WHERE name = 'kafka'")
        .fetch_optional(pool)
        .await?;
    Ok(match row {
        Some(r) => Some((r.try_get("tx")?, r.try_get("position")?)),
        None => None,
    })
}

/// Events at or before a log cursor (the relay publishes in (transaction, position) order).
pub(super) async fn events_upto(pool: &PgPool, cursor: (i64, i64)) -> anyhow::Result<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM events \
         WHERE (transaction_id::text::bigint, global_position) <= ($1, $2)",
    )
    .bind(cursor.0)
    .bind(cursor.1)
    .fetch_one(pool)
    .await?
    .try_get("n")?)
}

/// Events per relay batch: read, published, confirmed, then the checkpoint.
pub(super) fn relay_batch() -> usize {
    bus::relay::RelaySettings::default().batch_size.max(1) as usize
}

/// Every stored event, read in the relay's order and batch size.
pub(super) async fn read_events(database_url: &str) -> anyhow::Result<Vec<StoredEvent>> {
    let db = command::Db::postgres(database_url, 2).await?;
    let store = EventStore::new(db.clone());
    let mut cursor = LogCursor::default();
    let mut out = Vec::new();
    loop {
        let events = store
            .read_log(cursor, relay_batch() as i64)
            .await
            .map_err(|e| anyhow::anyhow!("read_log: {e}"))?;
        let Some(last) = events.last() else { break };
        cursor = last.cursor();
        out.extend(events);
    }
    db.close().await;
    Ok(out)
}

/// One event as the relay sends it: key, partition, value, and the envelope whose headers
/// are built at send time, as the relay does.
type Encoded = (String, i32, Vec<u8>, Envelope);

pub(super) fn encode(e: &StoredEvent) -> anyhow::Result<Encoded> {
    let envelope = Envelope::of(e);
    Ok((
        e.aggregate_id.clone(),
        partition_for(&e.aggregate_id, PARTITIONS),
        serde_json::to_vec(&envelope)?,
        envelope,
    ))
}

/// Creates a scratch topic with `PARTITIONS` partitions (tansu creates none by itself).
pub(super) async fn create_topic(kafka: &KafkaSettings, topic: &str) -> anyhow::Result<()> {
    let admin: AdminClient<DefaultClientContext> = kafka.client_config("bench-admin").create()?;
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    for r in admin
        .create_topics(
            &[NewTopic::new(topic, PARTITIONS, TopicReplication::Fixed(1))],
            &options,
        )
        .await?
    {
        r.map_err(|(t, code)| anyhow::anyhow!("cannot create {t}: {code}"))?;
    }
    Ok(())
}
