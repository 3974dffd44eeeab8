//! The Kafka path (distributed mode) against a real Kafka-protocol broker (tansu on its
//! SQLite storage), on Postgres, with the real `clustergenie` roles as OS processes:
//!
//! 1. Relay publish rate: events are appended first (the command path, in-process, as in the
//!    append benchmark), then `clustergenie relay` starts and is timed until its checkpoint
//!    reaches the last event. Reference, same broker, same run: a plain rdkafka
//!    `FutureProducer` with the relay's producer settings sending the same messages (same
//!    keys, headers, payloads and partitions) to a scratch topic.
//! 2. End-to-end lag: `api`, `relay` and `projector` running; `createCluster` mutations at a
//!    steady rate; commit → projected measured directly (the audit log polled) and from the
//!    projector's and relay's Prometheus histograms.
//! 3. RSS of the relay and projector processes.

use crate::server::{drop_postgres, fresh_postgres, rss_kib};
use bus::envelope::{partition_for, Envelope};
use bus::KafkaSettings;
use command::handlers::CreateCluster;
use command::store::StoredEvent;
use command::{Commands, EventStore, JobSettings, LogCursor, RequestContext};
use hdrhistogram::Histogram;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};
use serde::Serialize;
use serde_json::json;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Partitions of every topic (the relay's event topics and the reference's scratch topics).
const PARTITIONS: i32 = 6;
/// How often the direct lag measurement polls the audit log.
const POLL_MS: u64 = 2;
/// The SPEC's target for p99 delivery through Kafka.
pub const TARGET_P99_MS: f64 = 50.0;

/// Sizes of one run.
pub struct KafkaPlan {
    /// Events appended before the relay starts.
    pub events: usize,
    /// Mutations per second during the end-to-end measurement.
    pub rate: u32,
    /// Seconds of steady load.
    pub seconds: u32,
}

/// Everything the Kafka benchmark measured.
#[derive(Debug, Clone, Serialize)]
pub struct KafkaResult {
    pub broker: String,
    pub relay: RelayRate,
    pub lag: Lag,
    /// The broker alone, same rate, for the lag's reference.
    pub broker_round_trips: Vec<BrokerRoundTrip>,
    pub memory: Vec<RoleMemory>,
}

/// Relay catch-up next to a plain producer.
#[derive(Debug, Clone, Serialize)]
pub struct RelayRate {
    pub events: u64,
    /// Mean size of a message value (the JSON envelope), bytes.
    pub message_bytes: f64,
    /// Kafka headers per message (tansu stores one SQLite row per header).
    pub headers_per_message: u64,
    /// From spawning `clustergenie relay` to its checkpoint at the last event.
    pub relay_total_seconds: f64,
    pub relay_total_per_sec: f64,
    /// From its first checkpoint to its last (start-up and the first batch excluded).
    pub relay_steady_events: u64,
    pub relay_steady_seconds: f64,
    pub relay_steady_per_sec: f64,
    /// Plain `FutureProducer`, every message enqueued at once, then every delivery awaited.
    pub reference_all_in_flight_per_sec: f64,
    /// The relay's batch size (`RelaySettings::default().batch_size`).
    pub batch_size: u64,
    /// Same producer, batches of the relay's size, each awaited before the next.
    pub reference_batched_per_sec: f64,
    /// Same, each envelope encoded just before its send, as the relay's loop does.
    pub reference_encode_in_loop_per_sec: f64,
    /// The relay's work without the broker: reading the log in the relay's batches (its
    /// query, sqlx `Any` driver) and encoding each envelope and its headers.
    pub read_and_encode_seconds: f64,
}

/// Commit → projected, and commit → broker acknowledgement.
#[derive(Debug, Clone, Serialize)]
pub struct Lag {
    pub mutations: u64,
    pub rate_per_sec: u32,
    pub seconds: u32,
    pub failed_mutations: u64,
    /// Direct: audit log polled every `poll_ms`; an event counts as projected at the midpoint
    /// between the poll that first saw it and the one before.
    pub poll_ms: u64,
    pub direct_p50_ms: f64,
    pub direct_p99_ms: f64,
    pub direct_max_ms: f64,
    /// `clustergenie_projector_delay_seconds`, estimated like Prometheus' histogram_quantile.
    pub projector_hist_p50_ms: f64,
    pub projector_hist_p99_ms: f64,
    /// Share of events projected within 50 ms (exact: 0.05 is a bucket bound).
    pub projector_within_50ms: f64,
    /// `clustergenie_relay_publish_delay_seconds` (recorded → broker acknowledged).
    pub relay_hist_p50_ms: f64,
    pub relay_hist_p99_ms: f64,
    /// The mutation's HTTP round trip (it answers once its own event is projected).
    pub mutation_p50_ms: f64,
    pub mutation_p99_ms: f64,
}

/// Produce → consume through the broker alone, with the relay's producer settings and a
/// consumer assigned to the topic's end (no group), at the same rate as the roles' load.
#[derive(Debug, Clone, Serialize)]
pub struct BrokerRoundTrip {
    /// The consumer's `fetch.wait.max.ms` (librdkafka's default is 500).
    pub fetch_wait_max_ms: u32,
    /// Messages the broker already stored (0: a fresh broker).
    pub stored_before: u64,
    pub messages: u64,
    pub received: u64,
    /// Send → delivery report (broker acknowledged, acks=all).
    pub ack_p50_ms: f64,
    pub ack_p99_ms: f64,
    /// Send → received by the consumer.
    pub consume_p50_ms: f64,
    pub consume_p99_ms: f64,
}

/// RSS of one role process.
#[derive(Debug, Clone, Serialize)]
pub struct RoleMemory {
    pub role: String,
    pub phase: String,
    pub idle_kib: Option<u64>,
    pub peak_kib: u64,
    pub after_kib: u64,
}

/// The tansu binary: `$TANSU_BIN`, `tansu` on the PATH, or `~/.cargo/bin/tansu`.
pub fn tansu_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TANSU_BIN") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("tansu")).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        candidates.push(PathBuf::from(home).join("bin/tansu"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(".cargo/bin/tansu"));
    }
    candidates.into_iter().find(|p| p.is_file())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A child process of this benchmark, stopped (SIGTERM, then SIGKILL) by its own pid on drop.
struct Proc {
    name: String,
    child: Option<Child>,
    port: u16,
}

impl Proc {
    fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or(0)
    }

    fn rss_kib(&self) -> u64 {
        rss_kib(self.pid())
    }

    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Fails if the process has exited.
    fn ensure_running(&mut self, dir: &Path) -> anyhow::Result<()> {
        if let Some(child) = self.child.as_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                anyhow::bail!(
                    "{} exited ({status}); its log:\n{}",
                    self.name,
                    log_tail(dir, &self.name)
                );
            }
        }
        Ok(())
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

fn log_tail(dir: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn log_file(dir: &Path, name: &str) -> anyhow::Result<(Stdio, Stdio)> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(format!("{name}.log")))?;
    Ok((Stdio::from(f.try_clone()?), Stdio::from(f)))
}

/// A tansu broker on SQLite storage in `dir`.
fn start_broker(tansu: &Path, dir: &Path) -> anyhow::Result<Proc> {
    let port = free_port()?;
    let url = format!("tcp://127.0.0.1:{port}");
    let (out, err) = log_file(dir, "tansu")?;
    let child = Command::new(tansu)
        .current_dir(dir)
        .args([
            "broker",
            "--listener-url",
            &url,
            "--advertised-listener-url",
            &url,
            "--storage-engine",
            "sqlite://tansu.db",
        ])
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", tansu.display()))?;
    let mut broker = Proc {
        name: "tansu".into(),
        child: Some(child),
        port,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        broker.ensure_running(dir)?;
        anyhow::ensure!(Instant::now() < deadline, "tansu does not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(broker)
}

/// The roles' Kafka settings with their defaults (idempotent producers, acks=all, linger 2 ms).
fn kafka_settings(brokers: &str, prefix: &str) -> KafkaSettings {
    KafkaSettings {
        brokers: brokers.into(),
        topic_prefix: prefix.into(),
        partitions: PARTITIONS,
        replication: 1,
        idempotence: true,
        fetch_wait_ms: 10,
        stall_after: 2 * bus::kafka::SESSION_TIMEOUT,
        debug: None,
    }
}

/// One distributed setup: a database, a topic prefix, the broker.
struct Setup<'a> {
    binary: &'a Path,
    dir: &'a Path,
    database_url: String,
    brokers: String,
    prefix: String,
}

impl Setup<'_> {
    fn kafka(&self) -> KafkaSettings {
        kafka_settings(&self.brokers, &self.prefix)
    }

    /// Starts `clustergenie <role>` with the distributed-mode environment.
    fn start(&self, name: &str, role: &str) -> anyhow::Result<Proc> {
        let port = free_port()?;
        let (out, err) = log_file(self.dir, name)?;
        let child = Command::new(self.binary)
            .arg(role)
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .env_remove("CLUSTERGENIE_CONFIG")
            .env("DATABASE_URL", &self.database_url)
            .env("CLUSTERGENIE_KAFKA_BROKERS", &self.brokers)
            .env("CLUSTERGENIE_KAFKA_TOPIC_PREFIX", &self.prefix)
            .env("CLUSTERGENIE_KAFKA_PARTITIONS", PARTITIONS.to_string())
            .env("CLUSTERGENIE_LISTEN", format!("127.0.0.1:{port}"))
            .env("CLUSTERGENIE_PROVISION_SECONDS", "3600")
            .env("CLUSTERGENIE_DATA_DIR", self.dir.join("unused"))
            .env("RUST_LOG", "warn,librdkafka=error")
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", self.binary.display()))?;
        Ok(Proc {
            name: name.into(),
            child: Some(child),
            port,
        })
    }

    /// Starts a role and waits until its `/health` answers (any status).
    async fn start_ready(&self, name: &str, role: &str) -> anyhow::Result<Proc> {
        let mut p = self.start(name, role)?;
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if client
                .get(format!("http://127.0.0.1:{}/health", p.port))
                .send()
                .await
                .is_ok()
            {
                return Ok(p);
            }
            p.ensure_running(self.dir)?;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!(
            "{name} never answered /health:\n{}",
            log_tail(self.dir, name)
        )
    }
}

async fn pool(url: &str) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new().max_connections(4).connect(url).await?)
}

/// Appends `n` `createCluster` events through the command path (8 writers; not timed).
async fn append_events(database_url: &str, n: usize) -> anyhow::Result<()> {
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
async fn relay_checkpoint(pool: &PgPool) -> anyhow::Result<Option<(i64, i64)>> {
    let row = sqlx::query("SELECT tx, position FROM relay_checkpoints WHERE name = 'kafka'")
        .fetch_optional(pool)
        .await?;
    Ok(match row {
        Some(r) => Some((r.try_get("tx")?, r.try_get("position")?)),
        None => None,
    })
}

/// Events at or before a log cursor (the relay publishes in (transaction, position) order).
async fn events_upto(pool: &PgPool, cursor: (i64, i64)) -> anyhow::Result<i64> {
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
fn relay_batch() -> usize {
    bus::relay::RelaySettings::default().batch_size.max(1) as usize
}

/// Every stored event, read in the relay's order and batch size.
async fn read_events(database_url: &str) -> anyhow::Result<Vec<StoredEvent>> {
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

fn encode(e: &StoredEvent) -> anyhow::Result<Encoded> {
    let envelope = Envelope::of(e);
    Ok((
        e.aggregate_id.clone(),
        partition_for(&e.aggregate_id, PARTITIONS),
        serde_json::to_vec(&envelope)?,
        envelope,
    ))
}

/// Creates a scratch topic with `PARTITIONS` partitions (tansu creates none by itself).
async fn create_topic(kafka: &KafkaSettings, topic: &str) -> anyhow::Result<()> {
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

/// Produce → consume through the broker alone at `plan.rate` for `plan.seconds`.
async fn broker_round_trip(
    kafka: &KafkaSettings,
    topic: &str,
    plan: &KafkaPlan,
    fetch_wait_max_ms: u32,
    stored_before: u64,
) -> anyhow::Result<BrokerRoundTrip> {
    create_topic(kafka, topic).await?;
    let id = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let consumer: StreamConsumer = kafka
        .consumer_config(&id, &id, false)
        .set("fetch.wait.max.ms", fetch_wait_max_ms.to_string())
        .create()?;
    let mut tpl = TopicPartitionList::new();
    for p in 0..PARTITIONS {
        tpl.add_partition_offset(topic, p, Offset::End)?;
    }
    consumer.assign(&tpl)?;
    let received: Arc<Mutex<HashMap<usize, Instant>>> = Arc::default();
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let reader = {
        let received = received.clone();
        tokio::spawn(async move {
            loop {
                let msg = tokio::select! {
                    _ = &mut stopped => return,
                    m = consumer.recv() => m,
                };
                let now = Instant::now();
                let Ok(msg) = msg else { continue };
                let index = msg
                    .payload()
                    .and_then(|p| std::str::from_utf8(p).ok())
                    .and_then(|p| p.split(':').next()?.parse::<usize>().ok());
                if let Some(i) = index {
                    received.lock().expect("received").entry(i).or_insert(now);
                }
            }
        })
    };
    let producer: FutureProducer = kafka.producer_config(&format!("{id}-p")).create()?;
    let padding = "x".repeat(480);
    let send = |i: usize| {
        let key = uuid::Uuid::new_v4().to_string();
        let value = format!("{i}:{padding}");
        let record = FutureRecord::to(topic)
            .key(&key)
            .payload(&value)
            .partition(partition_for(&key, PARTITIONS));
        producer
            .send_result(record)
            .map_err(|(e, _)| anyhow::anyhow!("cannot enqueue: {e}"))
    };
    // Warm up until the consumer sees a message (its offsets are resolved, metadata known).
    let warm_index = usize::MAX / 2;
    let deadline = Instant::now() + Duration::from_secs(60);
    'warm: for w in 0.. {
        send(warm_index + w)?
            .await?
            .map_err(|(e, _)| anyhow::anyhow!("warm-up: {e}"))?;
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if !received.lock().expect("received").is_empty() {
                break 'warm;
            }
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the consumer saw nothing from {topic} in 60 s"
        );
    }
    let total = (plan.rate * plan.seconds) as usize;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(plan.rate)));
    let mut sent = Vec::with_capacity(total);
    let mut acks = Vec::with_capacity(total);
    for i in 0..total {
        tick.tick().await;
        let at = Instant::now();
        let delivery = send(i)?;
        sent.push(at);
        acks.push(tokio::spawn(async move {
            delivery
                .await
                .ok()
                .and_then(|d| d.ok())
                .map(|_| at.elapsed())
        }));
    }
    let mut ack = Histogram::<u64>::new(3)?;
    for a in acks {
        if let Some(took) = a.await? {
            ack.record((took.as_micros() as u64).max(1))?;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    while received
        .lock()
        .expect("received")
        .keys()
        .filter(|i| **i < total)
        .count()
        < total
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    let _ = reader.await;
    let mut consume = Histogram::<u64>::new(3)?;
    {
        let received = received.lock().expect("received");
        for (i, at) in sent.iter().enumerate() {
            if let Some(got) = received.get(&i) {
                consume.record((got.duration_since(*at).as_micros() as u64).max(1))?;
            }
        }
    }
    Ok(BrokerRoundTrip {
        fetch_wait_max_ms,
        stored_before,
        messages: total as u64,
        received: consume.len(),
        ack_p50_ms: ms(&ack, 0.5),
        ack_p99_ms: ms(&ack, 0.99),
        consume_p50_ms: ms(&consume, 0.5),
        consume_p99_ms: ms(&consume, 0.99),
    })
}

/// A plain producer with the relay's settings: messages/s to a fresh scratch topic,
/// awaiting deliveries every `batch` messages.
async fn reference_rate(
    kafka: &KafkaSettings,
    topic: &str,
    events: &[StoredEvent],
    batch: usize,
    encode_in_loop: bool,
) -> anyhow::Result<f64> {
    create_topic(kafka, topic).await?;
    let producer: FutureProducer = kafka.producer_config("bench-reference").create()?;
    // Warm up outside the timing: metadata, producer id, one message per partition.
    for p in 0..PARTITIONS {
        producer
            .send(
                FutureRecord::<str, str>::to(topic)
                    .partition(p)
                    .payload("warm-up"),
                Duration::from_secs(30),
            )
            .await
            .map_err(|(e, _)| anyhow::anyhow!("warm-up: {e}"))?;
    }
    let encoded = if encode_in_loop {
        Vec::new()
    } else {
        events
            .iter()
            .map(encode)
            .collect::<anyhow::Result<Vec<_>>>()?
    };
    let started = Instant::now();
    for (i, chunk) in events.chunks(batch.max(1)).enumerate() {
        let mut pending = Vec::with_capacity(chunk.len());
        for (j, e) in chunk.iter().enumerate() {
            let owned;
            let (key, partition, value, envelope) = if encode_in_loop {
                owned = encode(e)?;
                &owned
            } else {
                &encoded[i * batch.max(1) + j]
            };
            let record = FutureRecord::to(topic)
                .key(key)
                .payload(value)
                .partition(*partition)
                .headers(envelope.headers());
            pending.push(
                producer
                    .send_result(record)
                    .map_err(|(e, _)| anyhow::anyhow!("cannot enqueue: {e}"))?,
            );
        }
        for d in pending {
            d.await?
                .map_err(|(e, _)| anyhow::anyhow!("delivery failed: {e}"))?;
        }
    }
    let rate = events.len() as f64 / started.elapsed().as_secs_f64();
    let _ = producer.flush(Duration::from_secs(5));
    Ok(rate)
}

/// Part 1: the relay catching up with `n` stored events, next to a plain producer.
async fn relay_rate(
    setup: &Setup<'_>,
    n: usize,
    memory: &mut Vec<RoleMemory>,
    fresh_broker: impl Fn(&str) -> anyhow::Result<(PathBuf, Proc)>,
) -> anyhow::Result<RelayRate> {
    eprintln!("   appending {n} events through the command path");
    append_events(&setup.database_url, n).await?;
    let pg = pool(&setup.database_url).await?;
    let last: (i64, i64) = {
        let r = sqlx::query(
            "SELECT transaction_id::text::bigint AS tx, global_position AS p FROM events \
             ORDER BY transaction_id DESC, global_position DESC LIMIT 1",
        )
        .fetch_one(&pg)
        .await?;
        (r.try_get("tx")?, r.try_get("p")?)
    };
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM events")
        .fetch_one(&pg)
        .await?
        .try_get("n")?;

    eprintln!("   relay catching up");
    let spawned = Instant::now();
    let mut relay = setup.start("relay-catch-up", "relay")?;
    let (stop_rss, peak) = crate::rss_sampler(format!("/proc/{}/status", relay.pid()));
    let deadline = spawned + Duration::from_secs(600);
    let mut first: Option<((i64, i64), Instant)> = None;
    let done = loop {
        let now = Instant::now();
        if let Some(cp) = relay_checkpoint(&pg).await? {
            if first.is_none() {
                first = Some((cp, now));
            }
            if cp >= last {
                break now;
            }
        }
        relay.ensure_running(setup.dir)?;
        anyhow::ensure!(
            now < deadline,
            "the relay did not catch up in 600 s:\n{}",
            log_tail(setup.dir, &relay.name)
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let _ = stop_rss.send(());
    let peak = peak.await?;
    let (first_cp, first_at) = first.expect("a checkpoint was seen");
    let steady_events = (total - events_upto(&pg, first_cp).await?).max(0) as u64;
    let steady_seconds = done.duration_since(first_at).as_secs_f64();
    let total_seconds = done.duration_since(spawned).as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    memory.push(RoleMemory {
        role: "relay".into(),
        phase: format!("catch-up of {total} events"),
        idle_kib: None,
        peak_kib: peak,
        after_kib: relay.rss_kib(),
    });
    relay.stop();
    pg.close().await;

    eprintln!("   reference producer");
    let read_started = Instant::now();
    let events = read_events(&setup.database_url).await?;
    let encoded = events
        .iter()
        .map(encode)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let read_and_encode_seconds = read_started.elapsed().as_secs_f64();
    let message_bytes =
        encoded.iter().map(|m| m.2.len()).sum::<usize>() as f64 / encoded.len().max(1) as f64;
    let headers_per_message = encoded
        .first()
        .map(|m| m.3.headers().count() as u64)
        .unwrap_or(0);
    drop(encoded);
    // Each publisher gets a fresh broker: tansu slows down as it stores more (see the
    // round-trip reference on a filled broker).
    let mut rates = Vec::new();
    for (name, batch, encode_in_loop) in [
        ("reference-all", events.len(), false),
        ("reference-batched", relay_batch(), false),
        ("reference-relay-loop", relay_batch(), true),
    ] {
        let (_, broker) = fresh_broker(name)?;
        let kafka = kafka_settings(&format!("127.0.0.1:{}", broker.port), &setup.prefix);
        rates.push(
            reference_rate(&kafka, &kafka.topic(name), &events, batch, encode_in_loop).await?,
        );
    }
    let (all, batched, encode_in_loop) = (rates[0], rates[1], rates[2]);
    Ok(RelayRate {
        events: total as u64,
        message_bytes,
        headers_per_message,
        relay_total_seconds: total_seconds,
        relay_total_per_sec: total as f64 / total_seconds,
        relay_steady_events: steady_events,
        relay_steady_seconds: steady_seconds,
        relay_steady_per_sec: if steady_seconds > 0.0 {
            steady_events as f64 / steady_seconds
        } else {
            0.0
        },
        reference_all_in_flight_per_sec: all,
        batch_size: relay_batch() as u64,
        reference_batched_per_sec: batched,
        reference_encode_in_loop_per_sec: encode_in_loop,
        read_and_encode_seconds,
    })
}

/// Cumulative bucket counts of a Prometheus histogram (upper bound → count).
fn buckets(text: &str, name: &str) -> BTreeMap<OrdF64, f64> {
    let prefix = format!("{name}_bucket{{");
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with(&prefix)) {
        let Some(le) = line
            .split("le=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let bound = if le == "+Inf" {
            f64::INFINITY
        } else {
            match le.parse::<f64>() {
                Ok(b) => b,
                Err(_) => continue,
            }
        };
        if let Some(count) = line.rsplit(' ').next().and_then(|c| c.parse::<f64>().ok()) {
            *out.entry(OrdF64(bound)).or_default() += count;
        }
    }
    out
}

/// An f64 usable as a map key (bucket bounds are never NaN).
#[derive(Debug, Clone, Copy)]
struct OrdF64(f64);
impl PartialEq for OrdF64 {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// `after - before`, bucket by bucket.
fn delta(after: &BTreeMap<OrdF64, f64>, before: &BTreeMap<OrdF64, f64>) -> BTreeMap<OrdF64, f64> {
    after
        .iter()
        .map(|(k, v)| (*k, v - before.get(k).copied().unwrap_or(0.0)))
        .collect()
}

/// Prometheus' `histogram_quantile`: linear interpolation inside the bucket that holds the
/// quantile; the highest finite bound when it falls in `+Inf`.
fn histogram_quantile(q: f64, cumulative: &BTreeMap<OrdF64, f64>) -> f64 {
    let Some(total) = cumulative.get(&OrdF64(f64::INFINITY)).copied() else {
        return f64::NAN;
    };
    if total <= 0.0 {
        return f64::NAN;
    }
    let rank = q * total;
    let mut lower = 0.0;
    let mut below = 0.0;
    for (bound, count) in cumulative {
        if *count >= rank {
            if bound.0.is_infinite() {
                return lower;
            }
            let inside = count - below;
            if inside <= 0.0 {
                return bound.0;
            }
            return lower + (bound.0 - lower) * (rank - below) / inside;
        }
        lower = bound.0;
        below = *count;
    }
    lower
}

/// Share of observations at or below `bound` (must be a bucket bound).
fn share_within(bound: f64, cumulative: &BTreeMap<OrdF64, f64>) -> f64 {
    let total = cumulative
        .get(&OrdF64(f64::INFINITY))
        .copied()
        .unwrap_or(0.0);
    let within = cumulative.get(&OrdF64(bound)).copied().unwrap_or(0.0);
    if total > 0.0 {
        within / total
    } else {
        f64::NAN
    }
}

async fn scrape(client: &reqwest::Client, port: u16) -> anyhow::Result<String> {
    Ok(client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await?
        .text()
        .await?)
}

const CREATE_CLUSTER: &str =
    "mutation($i: CreateClusterInput!) { createCluster(input: $i) { position } }";

/// Sends one `createCluster`; returns its position.
async fn mutate(client: &reqwest::Client, port: u16, name: &str) -> anyhow::Result<i64> {
    let v: serde_json::Value = client
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .json(
            &json!({"query": CREATE_CLUSTER, "variables": {"i": {"name": name, "region": "nyc1"}}}),
        )
        .timeout(Duration::from_secs(30))
        .send()
        .await?
        .json()
        .await?;
    v["data"]["createCluster"]["position"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("createCluster failed: {v}"))
}

/// Polls the audit log every `POLL_MS` and notes when each global position first appears:
/// the midpoint between the poll that saw it and the one before, in µs since the epoch.
fn audit_poller(
    pg: PgPool,
    seen: Arc<Mutex<HashMap<i64, (i64, i64)>>>,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let (tx, mut rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let mut ordinal: i64 = sqlx::query("SELECT COALESCE(MAX(ordinal), 0) AS o FROM audit_log")
            .fetch_one(&pg)
            .await?
            .try_get("o")?;
        let mut previous = chrono::Utc::now().timestamp_micros();
        let mut tick = tokio::time::interval(Duration::from_millis(POLL_MS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut rx => return Ok(()),
                _ = tick.tick() => {}
            }
            let now = chrono::Utc::now().timestamp_micros();
            let rows = sqlx::query(
                "SELECT ordinal, global_position, recorded_us FROM audit_log \
                 WHERE ordinal > $1 ORDER BY ordinal",
            )
            .bind(ordinal)
            .fetch_all(&pg)
            .await?;
            let at = (previous + now) / 2;
            let mut seen = seen.lock().expect("seen map");
            for r in &rows {
                ordinal = ordinal.max(r.try_get("ordinal")?);
                let position: i64 = r.try_get("global_position")?;
                let recorded: i64 = r.try_get("recorded_us")?;
                seen.entry(position).or_insert((recorded, at));
            }
            previous = now;
        }
    });
    (tx, task)
}

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

/// Part 2 and 3: `api`, `relay` and `projector` under a steady mutation rate.
async fn end_to_end(
    setup: &Setup<'_>,
    plan: &KafkaPlan,
    memory: &mut Vec<RoleMemory>,
) -> anyhow::Result<Lag> {
    let mut relay = setup.start_ready("relay", "relay").await?;
    let mut projector = setup.start_ready("projector", "projector").await?;
    let mut api = setup.start_ready("api", "api").await?;
    let pg = pool(&setup.database_url).await?;
    let client = reqwest::Client::new();

    // Warm up until a mutation is projected through Kafka (topics created, group joined).
    eprintln!("   warming up (topics, consumer group)");
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut warm = 0;
    loop {
        for p in [&mut relay, &mut projector, &mut api] {
            p.ensure_running(setup.dir)?;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "nothing was projected through Kafka within 180 s:\n--- relay\n{}\n--- projector\n{}",
            log_tail(setup.dir, "relay"),
            log_tail(setup.dir, "projector")
        );
        let position = mutate(&client, api.port, &format!("warm-{warm}")).await;
        warm += 1;
        let projected: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
            .fetch_one(&pg)
            .await?
            .try_get("n")?;
        let stored: i64 = sqlx::query("SELECT COUNT(*) AS n FROM events")
            .fetch_one(&pg)
            .await?
            .try_get("n")?;
        if position.is_ok() && projected == stored && warm >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = [relay.rss_kib(), projector.rss_kib()];
    let before = [
        scrape(&client, projector.port).await?,
        scrape(&client, relay.port).await?,
    ];

    eprintln!("   {} mutations/s for {} s", plan.rate, plan.seconds);
    let samplers = [
        crate::rss_sampler(format!("/proc/{}/status", relay.pid())),
        crate::rss_sampler(format!("/proc/{}/status", projector.pid())),
    ];
    let seen: Arc<Mutex<HashMap<i64, (i64, i64)>>> = Arc::default();
    let (stop_poller, poller) = audit_poller(pg.clone(), seen.clone());
    let total = (plan.rate * plan.seconds) as usize;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(plan.rate)));
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        tick.tick().await;
        let client = client.clone();
        let name = format!("e2e-{run}-{i}");
        let port = api.port;
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let r = mutate(&client, port, &name).await;
            (r, started.elapsed())
        }));
    }
    let mut round_trips = Histogram::<u64>::new(3)?;
    let mut positions = Vec::with_capacity(total);
    let mut failed = 0u64;
    for t in tasks {
        match t.await? {
            (Ok(p), took) => {
                positions.push(p);
                round_trips.record((took.as_micros() as u64).max(1))?;
            }
            (Err(e), _) => {
                failed += 1;
                if failed <= 3 {
                    eprintln!("   mutation failed: {e:#}");
                }
            }
        }
    }
    // Every acknowledged mutation projected (or give up after 60 s).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let missing = {
            let seen = seen.lock().expect("seen map");
            positions.iter().filter(|p| !seen.contains_key(p)).count()
        };
        if missing == 0 {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{missing} acknowledged mutations were not projected within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop_poller.send(());
    poller.await??;
    // The projector records its histogram right after its commit; let a scrape see it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = [
        scrape(&client, projector.port).await?,
        scrape(&client, relay.port).await?,
    ];
    let mut peaks = Vec::new();
    for (stop, peak) in samplers {
        let _ = stop.send(());
        peaks.push(peak.await?);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    for (i, (name, p)) in [("relay", &relay), ("projector", &projector)]
        .into_iter()
        .enumerate()
    {
        memory.push(RoleMemory {
            role: name.into(),
            phase: format!("{} mutations/s for {} s", plan.rate, plan.seconds),
            idle_kib: Some(idle[i]),
            peak_kib: peaks[i],
            after_kib: p.rss_kib(),
        });
    }

    let mut direct = Histogram::<u64>::new(3)?;
    {
        let seen = seen.lock().expect("seen map");
        for p in &positions {
            if let Some((recorded, at)) = seen.get(p) {
                direct.record((at - recorded).max(1) as u64)?;
            }
        }
    }
    let projector_hist = delta(
        &buckets(&after[0], "clustergenie_projector_delay_seconds"),
        &buckets(&before[0], "clustergenie_projector_delay_seconds"),
    );
    let relay_hist = delta(
        &buckets(&after[1], "clustergenie_relay_publish_delay_seconds"),
        &buckets(&before[1], "clustergenie_relay_publish_delay_seconds"),
    );
    api.stop();
    projector.stop();
    relay.stop();
    pg.close().await;
    Ok(Lag {
        mutations: positions.len() as u64,
        rate_per_sec: plan.rate,
        seconds: plan.seconds,
        failed_mutations: failed,
        poll_ms: POLL_MS,
        direct_p50_ms: ms(&direct, 0.5),
        direct_p99_ms: ms(&direct, 0.99),
        direct_max_ms: direct.max() as f64 / 1000.0,
        projector_hist_p50_ms: histogram_quantile(0.5, &projector_hist) * 1000.0,
        projector_hist_p99_ms: histogram_quantile(0.99, &projector_hist) * 1000.0,
        projector_within_50ms: share_within(TARGET_P99_MS / 1000.0, &projector_hist),
        relay_hist_p50_ms: histogram_quantile(0.5, &relay_hist) * 1000.0,
        relay_hist_p99_ms: histogram_quantile(0.99, &relay_hist) * 1000.0,
        mutation_p50_ms: ms(&round_trips, 0.5),
        mutation_p99_ms: ms(&round_trips, 0.99),
    })
}

/// Runs the whole Kafka benchmark: one broker, a fresh database and topic prefix per part.
pub async fn measure(
    binary: &Path,
    tansu: &Path,
    postgres: &str,
    plan: &KafkaPlan,
) -> anyhow::Result<KafkaResult> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("cg-bench-kafka-{id}"));
    let version = Command::new(tansu)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "tansu".into());
    let mut memory = Vec::new();
    // Each part gets a fresh broker (its own SQLite file), as it gets a fresh database.
    let broker_in = |part: &str| -> anyhow::Result<(PathBuf, Proc)> {
        let d = dir.join(part);
        std::fs::create_dir_all(&d)?;
        let broker = start_broker(tansu, &d)?;
        Ok((d, broker))
    };

    let result = async {
        eprintln!("== postgres: Kafka path — relay publish rate");
        let (part_dir, broker) = broker_in("relay-rate")?;
        let database_url = fresh_postgres(postgres).await?;
        let setup = Setup {
            binary,
            dir: &part_dir,
            database_url: database_url.clone(),
            brokers: format!("127.0.0.1:{}", broker.port),
            prefix: format!("cgb{}a", &id[..10]),
        };
        let relay = relay_rate(&setup, plan.events, &mut memory, &broker_in).await;
        drop_postgres(postgres, &database_url).await;
        let relay = relay?;
        // The relay's broker now stores its messages: what does that do to a light load?
        eprintln!("== Kafka path — the broker alone, after the publish-rate part");
        let mut trips = vec![
            broker_round_trip(
                &setup.kafka(),
                &format!("{}.round-trip-filled", setup.prefix),
                plan,
                10,
                relay.events,
            )
            .await?,
        ];
        drop(broker);

        eprintln!("== postgres: Kafka path — commit → projector lag");
        let (part_dir, broker) = broker_in("lag")?;
        let database_url = fresh_postgres(postgres).await?;
        let setup = Setup {
            binary,
            dir: &part_dir,
            database_url: database_url.clone(),
            brokers: format!("127.0.0.1:{}", broker.port),
            prefix: format!("cgb{}b", &id[..10]),
        };
        let lag = end_to_end(&setup, plan, &mut memory).await;
        drop_postgres(postgres, &database_url).await;
        let lag = lag?;
        drop(broker);

        eprintln!("== Kafka path — the broker alone at the same rate (reference)");
        let (_, broker) = broker_in("round-trip")?;
        let kafka = kafka_settings(
            &format!("127.0.0.1:{}", broker.port),
            &format!("cgb{}c", &id[..10]),
        );
        // 500 ms is librdkafka's default, which the projector's consumer uses.
        for wait in [500, 10] {
            let topic = kafka.topic(&format!("round-trip-{wait}"));
            trips.push(broker_round_trip(&kafka, &topic, plan, wait, 0).await?);
        }
        drop(broker);
        trips.rotate_left(1);
        anyhow::Ok((relay, lag, trips))
    }
    .await;
    match result {
        Ok((relay, lag, broker_round_trips)) => {
            let _ = std::fs::remove_dir_all(&dir);
            Ok(KafkaResult {
                broker: format!("{version}, SQLite storage, {PARTITIONS} partitions per topic"),
                relay,
                lag,
                broker_round_trips,
                memory,
            })
        }
        Err(e) => Err(e.context(format!("Kafka benchmark; logs kept in {}", dir.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantile_interpolates_like_prometheus() {
        let text = "x_bucket{le=\"0.01\"} 50\nx_bucket{le=\"0.025\"} 90\nx_bucket{le=\"0.05\"} 100\nx_bucket{le=\"+Inf\"} 100\nx_count 100\n";
        let b = buckets(text, "x");
        assert!((histogram_quantile(0.5, &b) - 0.01).abs() < 1e-9);
        // 0.99 × 100 = 99: 9 of the 10 in (0.025, 0.05].
        assert!((histogram_quantile(0.99, &b) - 0.0475).abs() < 1e-9);
        assert!((share_within(0.05, &b) - 1.0).abs() < 1e-9);
        let before = buckets("x_bucket{le=\"0.01\"} 50\nx_bucket{le=\"+Inf\"} 50\n", "x");
        let d = delta(&b, &before);
        assert_eq!(d[&OrdF64(0.01)], 0.0);
        assert_eq!(d[&OrdF64(f64::INFINITY)], 50.0);
    }
}
