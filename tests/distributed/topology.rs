//! A distributed ClusterGenie made of real OS processes: a tansu broker on durable SQLite
//! storage, a fresh Postgres database, and `clustergenie` roles started, killed (-9) and
//! restarted by name. Every process listens on port 0 and the test reads the port back
//! (testkit::cluster); every wait is bounded and fails with the role's log.

use rdkafka::message::{Headers, Message};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;
use testkit::cluster::{Broker, Role, RoleEnv};
use testkit::storage::{PostgresDatabase, TempDir};

/// The tansu binary, or a failure that says how to get one.
pub fn tansu_binary() -> PathBuf {
    testkit::cluster::tansu_binary().expect(
        "the distributed tests need the tansu broker: scripts/ensure-tansu \
         (or point TANSU_BIN at a binary; see README, 'Distributed mode')",
    )
}

struct Proc {
    role: String,
    running: Option<Role>,
}

/// How many event topics there are (one per aggregate type): the projector reads them all.
pub const EVENT_TOPICS: i64 = schema::AggregateType::ALL.len() as i64;

/// The topologies run one at a time: each starts a broker and up to seven processes on a
/// small machine.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Postgres + broker + roles, all torn down on drop (roles first, then the broker, the
/// database and the directory), one at a time across the test binary.
pub struct Topology {
    procs: HashMap<String, Proc>,
    pub broker: Broker,
    db: PostgresDatabase,
    pub dir: PathBuf,
    pub database_url: String,
    pub prefix: String,
    pub partitions: i32,
    extra_env: Vec<(String, String)>,
    _dir: TempDir,
    /// Held until everything above is torn down (fields drop in order).
    _serial: tokio::sync::MutexGuard<'static, ()>,
}

impl Topology {
    /// A fresh database, a fresh broker, no roles yet.
    pub async fn new(partitions: i32) -> Self {
        let serial = SERIAL.lock().await;
        let temp = TempDir::new("clustergenie-dist");
        let dir = temp.path().to_path_buf();
        let db = PostgresDatabase::create("cg_test_dist").await;
        let broker = Broker::start(&tansu_binary(), &dir).await;
        let id = uuid::Uuid::new_v4().simple().to_string();
        Self {
            procs: HashMap::new(),
            broker,
            database_url: db.url().to_string(),
            db,
            dir,
            prefix: format!("cgt{}", &id[..12]),
            partitions,
            extra_env: Vec::new(),
            _dir: temp,
            _serial: serial,
        }
    }

    /// Adds an environment variable for roles started from now on.
    pub fn env(&mut self, key: &str, value: &str) {
        self.extra_env.push((key.into(), value.into()));
    }

    fn roles(&self) -> RoleEnv {
        RoleEnv {
            binary: env!("CARGO_BIN_EXE_clustergenie").into(),
            dir: self.dir.clone(),
            database_url: self.database_url.clone(),
            brokers: self.broker.address(),
            prefix: self.prefix.clone(),
            partitions: self.partitions,
        }
    }

    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut c = self.roles().command(args);
        c.env("CLUSTERGENIE_LOG_FORMAT", "json")
            .env("CLUSTERGENIE_DATABASE_MAX_CONNECTIONS", "6")
            // tansu 0.6 stops answering after it rejects an idempotent producer's retried
            // batch (DuplicateSequenceNumber); see README, "Distributed mode".
            .env("CLUSTERGENIE_KAFKA_IDEMPOTENCE", "false")
            .env("CLUSTERGENIE_PROVISION_SECONDS", "0.4")
            .env("CLUSTERGENIE_PROGRESS_INTERVAL_SECONDS", "0.5")
            .env("CLUSTERGENIE_JOB_LEASE_SECONDS", "2")
            .env("CLUSTERGENIE_JOB_RETRY_BACKOFF_SECONDS", "0.2")
            .env("CLUSTERGENIE_CONSISTENCY_TIMEOUT_SECONDS", "1")
            // Sooner than the default (2 × the 45 s session timeout), to keep the tests short.
            .env("CLUSTERGENIE_KAFKA_STALL_SECONDS", "30")
            .env("RUST_LOG", "info,sqlx=warn,librdkafka=warn");
        for (k, v) in &self.extra_env {
            c.env(k, v);
        }
        c
    }

    /// Starts role `role` under `name` and waits until its `/health` answers; returns its
    /// HTTP port (the one it bound; a restarted role gets a new one).
    pub async fn start_ready(&mut self, name: &str, role: &str) -> u16 {
        assert!(
            self.procs.get(name).is_none_or(|p| p.running.is_none()),
            "{name} is already running"
        );
        let mut command = self.command(&[role]);
        command.env("OTEL_SERVICE_NAME", format!("clustergenie-{name}"));
        let running = self.roles().spawn_ready(name, command).await;
        let port = running.port;
        self.procs.insert(
            name.into(),
            Proc {
                role: role.into(),
                running: Some(running),
            },
        );
        port
    }

    /// kill -9 of a role.
    pub fn kill9(&mut self, name: &str) {
        let p = self.procs.get_mut(name).expect("known role");
        if let Some(mut running) = p.running.take() {
            running.process.kill();
        }
    }

    /// Starts a killed role again, same name and role.
    pub async fn restart(&mut self, name: &str) -> u16 {
        let role = self.procs[name].role.clone();
        self.start_ready(name, &role).await
    }

    /// The HTTP port of a running role.
    pub fn port(&self, name: &str) -> u16 {
        self.procs[name]
            .running
            .as_ref()
            .unwrap_or_else(|| panic!("{name} is not running"))
            .port
    }

    /// Runs `clustergenie <args>` to completion against this topology.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.command(args).output().expect("run clustergenie")
    }

    /// A pool on the test's database.
    pub async fn pool(&self) -> sqlx::PgPool {
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect(self.db.url())
            .await
            .expect("connect to the test database")
    }

    /// The last lines of a role's log, for failure messages.
    pub fn log_tail(&self, name: &str) -> String {
        testkit::cluster::log_tail(&self.dir, name, 30)
    }

    /// Waits until the consumer-group members `names` (one group, reading `topics` topics)
    /// are steady and hold all `topics × partitions` partitions between them: the readiness
    /// signal before load.
    pub async fn wait_for_partitions(&self, names: &[&str], topics: i64) {
        let want = topics * i64::from(self.partitions);
        let ports: Vec<(String, u16)> = names
            .iter()
            .map(|n| (n.to_string(), self.port(n)))
            .collect();
        testkit::wait::until(
            &format!("{names:?} to hold all {want} partitions"),
            Duration::from_secs(120),
            || {
                let ports = ports.clone();
                async move {
                    let mut total = 0;
                    let mut seen = Vec::new();
                    for (name, port) in &ports {
                        let (_, h) = health(*port).await;
                        let b = &h["checks"]["broker"];
                        seen.push(format!("{name}: {b}"));
                        if b["groupState"] != "up/steady" {
                            return Err(seen.join("\n"));
                        }
                        total += b["assignedPartitions"].as_i64().unwrap_or(0);
                    }
                    (total == want).then_some(()).ok_or(seen.join("\n"))
                }
            },
        )
        .await;
    }

    /// The event topics, one per aggregate type.
    pub fn event_topics(&self) -> Vec<String> {
        schema::AggregateType::ALL
            .iter()
            .map(|t| format!("{}.{}", self.prefix, t.as_str().to_ascii_lowercase()))
            .collect()
    }

    /// Every message of the event topics, read by an independent consumer from offset 0 to
    /// the high watermark: (topic, partition, offset, key, headers, value).
    pub fn read_all_events(&self) -> Vec<Delivered> {
        read_topics(&self.broker.address(), &self.event_topics())
    }

    /// Every message of the dead-letter topic.
    pub fn read_dead_letters(&self) -> Vec<Delivered> {
        read_topics(
            &self.broker.address(),
            &[format!("{}.dead-letter", self.prefix)],
        )
    }
}

/// One consumed message.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<String>,
    pub headers: HashMap<String, String>,
    pub value: Value,
}

fn read_topics(brokers: &str, topics: &[String]) -> Vec<Delivered> {
    let consumer = testkit::kafka::verifier(brokers);
    let mut out = Vec::new();
    testkit::kafka::read_to_end(&consumer, topics, Duration::from_secs(120), |msg| {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        let headers = msg
            .headers()
            .map(|h| {
                h.iter()
                    .map(|h| (h.key.to_string(), text(h.value.unwrap_or_default())))
                    .collect()
            })
            .unwrap_or_default();
        let value = msg
            .payload()
            .and_then(|p| serde_json::from_slice(p).ok())
            .unwrap_or_else(|| json!({ "raw": msg.payload().map(text) }));
        out.push(Delivered {
            topic: msg.topic().to_string(),
            partition: msg.partition(),
            offset: msg.offset(),
            key: msg.key().map(text),
            headers,
            value,
        });
    });
    out
}

/// `GET /health` as JSON, with the status code; the test fails when no answer arrives.
pub async fn health(port: u16) -> (u16, Value) {
    testkit::cluster::health(port)
        .await
        .unwrap_or_else(|e| panic!("no answer from /health on port {port}: {e}"))
}

/// `GET /metrics` text.
pub async fn metrics(port: u16) -> String {
    reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The value of a metric line starting with `prefix` (sum over matching lines).
pub fn metric(text: &str, prefix: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// `createCluster` returning the new cluster's id and the event's position.
pub const CREATE_CLUSTER: &str = "mutation($input: CreateClusterInput!) { createCluster(input: $input) { cluster { id } position } }";

/// `createCluster` named `name` in nyc1 through the API on `port`: the whole answer.
pub async fn create_cluster(client: &reqwest::Client, port: u16, name: &str) -> Value {
    let input = json!({ "input": { "name": name, "region": "nyc1" } });
    gql(client, port, CREATE_CLUSTER, input).await
}

/// [`create_cluster`], failing the test unless it was acknowledged with a position.
pub async fn create_cluster_acknowledged(client: &reqwest::Client, port: u16, name: &str) {
    let r = create_cluster(client, port, name).await;
    assert!(r["data"]["createCluster"]["position"].is_i64(), "{r}");
}

/// A GraphQL POST.
pub async fn gql(client: &reqwest::Client, port: u16, query: &str, variables: Value) -> Value {
    match client
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .json(&json!({ "query": query, "variables": variables }))
        .timeout(Duration::from_secs(30))
        .send()
        .await
    {
        Ok(r) => r
            .json()
            .await
            .unwrap_or_else(|e| json!({ "transport": e.to_string() })),
        Err(e) => json!({ "transport": e.to_string() }),
    }
}

/// Read models as sorted JSON lines without projector-assigned ordinals (which follow the
/// order events arrived in, and so differ between Kafka and a replay).
pub async fn normalized_read_models(database_url: &str) -> Vec<String> {
    let db = command::Db::postgres(database_url, 2).await.unwrap();
    let lines = projector::ReadModels::new(db.clone()).dump().await.unwrap();
    db.close().await;
    let mut out: Vec<String> = lines
        .into_iter()
        .map(|line| {
            let (table, json) = line.split_once(": ").unwrap();
            let mut v: Value = serde_json::from_str(json).unwrap();
            strip_ordinals(&mut v);
            format!("{table}: {v}")
        })
        .collect();
    out.sort();
    out
}

fn strip_ordinals(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("ordinal");
            map.values_mut().for_each(strip_ordinals);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_ordinals),
        _ => {}
    }
}
