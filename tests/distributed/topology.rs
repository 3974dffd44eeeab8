//! A distributed ClusterGenie made of real OS processes: a tansu broker on durable SQLite
//! storage, a fresh Postgres database, and `clustergenie` roles started, killed (-9) and
//! restarted by name.

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The tansu binary: `$TANSU_BIN`, `tansu` on the PATH, or `~/.cargo/bin/tansu`.
pub fn tansu_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TANSU_BIN") {
        return PathBuf::from(p);
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
    candidates.into_iter().find(|p| p.is_file()).expect(
        "the distributed tests need the tansu broker: cargo install tansu --locked --features dynostore,libsql \
         (or point TANSU_BIN at a binary; see README, 'Distributed mode')",
    )
}

fn signal(pid: u32, sig: &str) {
    let status = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "kill {sig} {pid}");
}

/// A tansu broker with durable storage in `dir`.
pub struct Broker {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Broker {
    fn start(dir: &Path, port: u16) -> Self {
        let mut b = Self {
            port,
            dir: dir.to_path_buf(),
            child: None,
        };
        b.restart();
        b
    }

    /// Bootstrap address.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Starts the broker again on the same storage.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "broker already running");
        let url = format!("tcp://127.0.0.1:{}", self.port);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("tansu.log"))
            .unwrap();
        let child = Command::new(tansu_binary())
            .current_dir(&self.dir)
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
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start tansu");
        self.child = Some(child);
        wait_for_port(self.port, Duration::from_secs(30));
    }

    /// kill -9.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGSTOP / SIGCONT.
    pub fn freeze(&self, frozen: bool) {
        let pid = self.child.as_ref().expect("broker running").id();
        signal(pid, if frozen { "-STOP" } else { "-CONT" });
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        if let Some(c) = &self.child {
            let _ = Command::new("kill")
                .args(["-CONT", &c.id().to_string()])
                .status();
        }
        self.kill9();
    }
}

fn wait_for_port(port: u16, timeout: Duration) {
    let deadline = std::time::Instant::now() + timeout;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "nothing listens on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Proc {
    role: String,
    port: u16,
    child: Option<Child>,
}

/// Postgres + broker + roles, all torn down on drop.
pub struct Topology {
    pub dir: PathBuf,
    pub database_url: String,
    pub prefix: String,
    pub partitions: i32,
    pub broker: Broker,
    procs: HashMap<String, Proc>,
    extra_env: Vec<(String, String)>,
}

impl Topology {
    /// A fresh database, a fresh broker, no roles yet.
    pub async fn new(partitions: i32) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("clustergenie-dist-{id}"));
        std::fs::create_dir_all(&dir).unwrap();
        let base = std::env::var("CLUSTERGENIE_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let name = format!("cg_test_dist_{id}");
        let mut conn =
            <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{base}/postgres"))
                .await
                .expect("the distributed tests need Postgres (CLUSTERGENIE_TEST_POSTGRES)");
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        let broker = Broker::start(&dir, free_port());
        Self {
            dir,
            database_url: format!("{base}/{name}"),
            prefix: format!("cgt{}", &id[..12]),
            partitions,
            broker,
            procs: HashMap::new(),
            extra_env: Vec::new(),
        }
    }

    /// Adds an environment variable for roles started from now on.
    pub fn env(&mut self, key: &str, value: &str) {
        self.extra_env.push((key.into(), value.into()));
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_clustergenie"));
        c.args(args)
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .env_remove("CLUSTERGENIE_CONFIG")
            .env("DATABASE_URL", &self.database_url)
            .env("CLUSTERGENIE_KAFKA_BROKERS", self.broker.address())
            .env("CLUSTERGENIE_KAFKA_TOPIC_PREFIX", &self.prefix)
            .env("CLUSTERGENIE_KAFKA_PARTITIONS", self.partitions.to_string())
            .env("CLUSTERGENIE_LOG_FORMAT", "json")
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
            .env("CLUSTERGENIE_DATA_DIR", self.dir.join("unused"))
            .env("RUST_LOG", "info,sqlx=warn,librdkafka=warn");
        for (k, v) in &self.extra_env {
            c.env(k, v);
        }
        c
    }

    /// Starts role `role` under `name`; returns its HTTP port.
    pub fn start(&mut self, name: &str, role: &str) -> u16 {
        let port = self
            .procs
            .get(name)
            .map(|p| p.port)
            .unwrap_or_else(free_port);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(format!("{name}.log")))
            .unwrap();
        let child = self
            .command(&[role])
            .env("CLUSTERGENIE_LISTEN", format!("127.0.0.1:{port}"))
            .env("OTEL_SERVICE_NAME", format!("clustergenie-{name}"))
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start clustergenie");
        self.procs.insert(
            name.into(),
            Proc {
                role: role.into(),
                port,
                child: Some(child),
            },
        );
        port
    }

    /// Starts a role and waits until its `/health` answers.
    pub async fn start_ready(&mut self, name: &str, role: &str) -> u16 {
        let port = self.start(name, role);
        wait_healthy(port).await;
        port
    }

    /// kill -9 of a role.
    pub fn kill9(&mut self, name: &str) {
        let p = self.procs.get_mut(name).expect("known role");
        if let Some(mut c) = p.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts a killed role again, same name, role and port.
    pub async fn restart(&mut self, name: &str) {
        let role = self.procs[name].role.clone();
        self.start_ready(name, &role).await;
    }

    /// The HTTP port of a role.
    pub fn port(&self, name: &str) -> u16 {
        self.procs[name].port
    }

    /// Runs `clustergenie <args>` to completion against this topology.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.command(args)
            .env("CLUSTERGENIE_LISTEN", "127.0.0.1:0")
            .output()
            .expect("run clustergenie")
    }

    /// A pool on the test's database.
    pub async fn pool(&self) -> sqlx::PgPool {
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect(&self.database_url)
            .await
            .unwrap()
    }

    /// The last lines of a role's log, for failure messages.
    pub fn log_tail(&self, name: &str) -> String {
        let text =
            std::fs::read_to_string(self.dir.join(format!("{name}.log"))).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Every message of the event topics, read by an independent consumer from offset 0 to
    /// the high watermark: (topic, partition, offset, key, headers, value).
    pub fn read_all_events(&self) -> Vec<Delivered> {
        let topics: Vec<String> = ["cluster", "droplet", "job"]
            .iter()
            .map(|t| format!("{}.{t}", self.prefix))
            .collect();
        read_topics(&self.broker.address(), &topics)
    }

    /// Every message of the dead-letter topic.
    pub fn read_dead_letters(&self) -> Vec<Delivered> {
        read_topics(
            &self.broker.address(),
            &[format!("{}.dead-letter", self.prefix)],
        )
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        for p in self.procs.values_mut() {
            if let Some(mut c) = p.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
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
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("verifier-{}", uuid::Uuid::new_v4()))
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    let mut ends = HashMap::new();
    for topic in topics {
        let md = consumer
            .fetch_metadata(Some(topic), Duration::from_secs(10))
            .unwrap();
        let partitions = md.topics()[0].partitions().len() as i32;
        for p in 0..partitions {
            let (low, high) = consumer
                .fetch_watermarks(topic, p, Duration::from_secs(10))
                .unwrap();
            if high > low {
                tpl.add_partition_offset(topic, p, Offset::Offset(low))
                    .unwrap();
                ends.insert((topic.clone(), p), high);
            }
        }
    }
    let mut out = Vec::new();
    if ends.is_empty() {
        return out;
    }
    consumer.assign(&tpl).unwrap();
    let expected: i64 = ends.values().sum::<i64>();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let mut done: HashMap<(String, i32), i64> = HashMap::new();
    while done.len() < ends.len() {
        assert!(
            std::time::Instant::now() < deadline,
            "verifier could not read every partition to its end ({} of about {expected} messages)",
            out.len()
        );
        let Some(msg) = consumer.poll(Duration::from_millis(500)) else {
            continue;
        };
        let msg = msg.unwrap();
        let key = (msg.topic().to_string(), msg.partition());
        let headers = msg
            .headers()
            .map(|h| {
                h.iter()
                    .map(|h| {
                        (
                            h.key.to_string(),
                            String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let value = msg
            .payload()
            .and_then(|p| serde_json::from_slice(p).ok())
            .unwrap_or_else(
                || json!({ "raw": msg.payload().map(|p| String::from_utf8_lossy(p).into_owned()) }),
            );
        out.push(Delivered {
            topic: key.0.clone(),
            partition: key.1,
            offset: msg.offset(),
            key: msg.key().map(|k| String::from_utf8_lossy(k).into_owned()),
            headers,
            value,
        });
        if msg.offset() + 1 >= ends[&key] {
            done.insert(key, msg.offset());
        }
    }
    out
}

/// Waits until `GET /health` on `port` answers (any status).
pub async fn wait_healthy(port: u16) {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("role on port {port} never answered /health");
}

/// `GET /health` as JSON, with the status code.
pub async fn health(port: u16) -> (u16, Value) {
    let r = reqwest::get(format!("http://127.0.0.1:{port}/health"))
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
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
