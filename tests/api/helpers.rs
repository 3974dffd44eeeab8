//! Shared test harness: `spawn_app` starts the real application on port 0 with its own
//! database (a fresh SQLite directory, or a fresh Postgres database), and a GraphQL client;
//! the operations tests repeat (create, delete, destroy, cancel, wait for a job, run a
//! `clustergenie` command on a test's storage, hold the projector back on Postgres) exist
//! here once.

use clustergenie::configuration::Settings;
use clustergenie::startup::Application;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;
use testkit::graphql::GraphqlClient;
use testkit::storage::{PostgresDatabase, TempDir};
use testkit::subscription::Subscription;
use tokio_util::sync::CancellationToken;

pub use testkit::graphql::error_code;
pub use testkit::subscription::{send as ws_send, WsClient};

/// `deleteCluster` by id.
pub const DELETE_CLUSTER: &str =
    "mutation($id: ID!) { deleteCluster(id: $id) { cluster { status } position } }";
/// `destroyDroplet` by id.
pub const DESTROY_DROPLET: &str = "mutation($id: ID!) { destroyDroplet(id: $id) \
    { droplet { status } job { id type } position projected } }";
/// `cancelJob` by id.
pub const CANCEL_JOB: &str =
    "mutation($id: ID!) { cancelJob(id: $id) { job { status message } position } }";
/// `retryJob` by id.
pub const RETRY_JOB: &str = "mutation($id: ID!) { retryJob(id: $id) { job { status attempts } } }";
/// A droplet's read model by id.
pub const DROPLET: &str = "query($id: ID!) { droplet(id: $id) { id name status size ip } }";
/// `history` of a cluster by id.
pub const CLUSTER_HISTORY: &str =
    "query($id: ID!) { history(aggregateType: Cluster, aggregateId: $id) { exists version } }";

/// Asserts that `response` is an error with `code` (showing the response when it is not).
#[track_caller]
pub fn assert_code(response: &Value, code: &str) {
    assert_eq!(error_code(response).as_deref(), Some(code), "{response}");
}

/// An open Postgres transaction that holds something back until it is rolled back (or the
/// test ends): a table lock that makes the projector's or the appends' commits wait, or just
/// an open transaction id below which the projector does not read.
pub struct OpenTransaction {
    conn: sqlx::PgConnection,
}

impl OpenTransaction {
    /// Connects to `url` and runs `BEGIN; <sql>` there.
    pub async fn begin(url: &str, sql: &str) -> Self {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url)
            .await
            .expect("a second connection to the test database");
        sqlx::Executor::execute(&mut conn, format!("BEGIN; {sql}").as_str())
            .await
            .unwrap_or_else(|e| panic!("BEGIN; {sql}: {e}"));
        Self { conn }
    }

    /// Holds the projector back: its checkpoint table locked, so its commits wait while
    /// reads of the read models go on.
    pub async fn hold_projector(url: &str) -> Self {
        Self::begin(url, "LOCK TABLE projector_checkpoints IN EXCLUSIVE MODE").await
    }

    /// Lets go: rolls the transaction back.
    pub async fn rollback(mut self) {
        sqlx::Executor::execute(&mut self.conn, "ROLLBACK")
            .await
            .expect("ROLLBACK");
    }
}

/// The sessions of `watcher`'s database that wait for a lock: for each, its transaction id
/// if it has one (a waiting session with an id holds back every reader's safe-read horizon,
/// server-wide).
pub async fn lock_waiters(watcher: &sqlx::PgPool) -> Vec<Option<String>> {
    sqlx::query_scalar(
        "SELECT backend_xid::text FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
    .fetch_all(watcher)
    .await
    .expect("pg_stat_activity")
}

/// The shared secret tests sign bearer tokens with.
pub const AUTH_SECRET: &str = "test-secret-for-clustergenie-tests";

/// Which event store backend a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where a test's data lives; kept across restarts of the app, removed (directory and
/// database) when the last copy is dropped.
#[derive(Debug, Clone)]
pub struct Storage {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    _guards: Arc<(TempDir, Option<PostgresDatabase>)>,
}

impl Storage {
    /// Fresh storage for one test.
    pub async fn fresh(backend: Backend) -> Self {
        let dir = TempDir::new("clustergenie-test");
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PostgresDatabase::create("cg_test").await),
        };
        Self {
            data_dir: dir.path().to_path_buf(),
            database_url: database.as_ref().map(|d| d.url().to_string()),
            _guards: Arc::new((dir, database)),
        }
    }

    /// Settings for an app on this storage, listening on a random port, with fast jobs.
    pub fn settings(&self) -> Settings {
        Settings {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            provision_seconds: 1.2,
            job_retry_backoff_seconds: 0.2,
            job_lease_seconds: 2.0,
            progress_interval_seconds: 0.1,
            auth_secret: Some(AUTH_SECRET.into()),
            consistency_timeout_seconds: 10.0,
            // Tests create the checks they need (tests/api/health_checks.rs covers the defaults).
            healthcheck_defaults: false,
            // Every app of this process would store every record of every test; the tests of
            // the activity log turn it on (tests/api/logs.rs).
            log_store_level: clustergenie::configuration::StoreLevel::Off,
            // Tests that read metrics start the simulator (tests/api/telemetry.rs).
            metrics_simulator: false,
            // Tests of the autoscaler start it (tests/api/autoscaling.rs).
            autoscaler: false,
            ..Settings::default()
        }
    }

    /// Environment variables that point a `clustergenie` process at this storage.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            (
                "CLUSTERGENIE_DATA_DIR".to_string(),
                self.data_dir.display().to_string(),
            ),
            ("CLUSTERGENIE_HEALTHCHECK_DEFAULTS".into(), "false".into()),
            ("CLUSTERGENIE_METRICS_SIMULATOR".into(), "false".into()),
            ("CLUSTERGENIE_AUTOSCALER".into(), "false".into()),
        ];
        if let Some(url) = &self.database_url {
            env.push(("DATABASE_URL".into(), url.clone()));
        }
        env
    }

    /// A `clustergenie <args>` command on this storage (quiet logs), not started yet.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_clustergenie"));
        command.args(args).envs(self.env()).env("RUST_LOG", "warn");
        command
    }

    /// Runs `clustergenie <args>` on this storage to completion and returns its stdout; the
    /// test fails when it exits unsuccessfully.
    pub fn run_cli(&self, args: &[&str]) -> String {
        testkit::cli::stdout_of(&mut self.command(args))
    }

    /// The Postgres URL; the test fails on SQLite storage.
    pub fn postgres_url(&self) -> &str {
        self.database_url
            .as_deref()
            .expect("this test runs on Postgres")
    }

    /// Opens the database directly (for counting events and dumping read models).
    pub async fn db(&self) -> command::Db {
        match &self.database_url {
            Some(url) => command::Db::postgres(url, 2).await.unwrap(),
            None => command::Db::sqlite(&self.data_dir).await.unwrap(),
        }
    }
}

/// A running application and a client for it.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub graphql: GraphqlClient,
    pub storage: Storage,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Starts the application on fresh storage.
pub async fn spawn_app(backend: Backend) -> TestApp {
    let storage = Storage::fresh(backend).await;
    spawn_app_on(storage, |_| {}).await
}

/// Starts the application on existing storage, with adjusted settings.
pub async fn spawn_app_on(storage: Storage, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    // Every record this test process writes goes to every running app's activity log.
    clustergenie::telemetry::install_capture(tracing::Level::INFO);
    let mut settings = storage.settings();
    adjust(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("application starts");
    let port = app.port();
    let shutdown = app.shutdown_token();
    let task = tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: reqwest::Client::new(),
        graphql: GraphqlClient::on_port(port),
        storage,
        shutdown,
        task,
    }
}

/// A signed token with exactly these claims.
pub fn token_with(claims: Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(AUTH_SECRET.as_bytes()),
    )
    .expect("a token")
}

/// The password of every user tests create.
pub const TEST_PASSWORD: &str = "correct-horse-battery";

impl TestApp {
    /// A session token for the OPERATOR `name`, created first when needed.
    pub async fn token(&self, name: &str) -> String {
        self.token_for(name, "OPERATOR").await
    }

    /// A session token for `name` with `role`: the user is created as the local admin
    /// (tests listen on a loopback address) when it does not exist yet, then signs in.
    pub async fn token_for(&self, name: &str, role: &str) -> String {
        self.create_user(name, role).await;
        self.login(name).await
    }

    /// Creates the user `name` with `role` and [`TEST_PASSWORD`] (a no-op when it exists)
    /// and returns its id, or `None` when it existed.
    pub async fn create_user(&self, name: &str, role: &str) -> Option<String> {
        let r = self
            .gql(
                "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
                json!({ "i": { "username": name, "password": TEST_PASSWORD, "role": role } }),
            )
            .await;
        match error_code(&r).as_deref() {
            None => Some(
                r["data"]["createUser"]["user"]["id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("createUser {name}: {r}"))
                    .to_string(),
            ),
            Some("CONFLICT") => None,
            Some(other) => panic!("createUser {name}: {other}: {r}"),
        }
    }

    /// Signs `name` in with [`TEST_PASSWORD`] and returns the session token.
    pub async fn login(&self, name: &str) -> String {
        let r = self
            .gql(
                "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
                json!({ "u": name, "p": TEST_PASSWORD }),
            )
            .await;
        r["data"]["login"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login {name}: {r}"))
            .to_string()
    }

    /// Stops the application gracefully and returns its storage.
    pub async fn stop(self) -> Storage {
        self.shutdown.cancel();
        self.task.await.unwrap().unwrap();
        self.storage
    }

    /// Posts a GraphQL request anonymously.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_as(None, query, variables).await
    }

    /// Posts a GraphQL request with an optional bearer token.
    pub async fn gql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.graphql.post_as(token, query, variables).await
    }

    /// Posts a request whose only variable is `$id`.
    pub async fn gql_id(&self, query: &str, id: &str) -> Value {
        self.gql(query, json!({ "id": id })).await
    }

    /// GETs `path` (e.g. `/health`); the test fails when no answer arrives.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// `/health`: its status and JSON body.
    pub async fn health(&self) -> (u16, Value) {
        let resp = self.get("/health").await;
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("/health answers JSON"))
    }

    /// Posts a raw body; returns the HTTP status and the JSON body (null if not JSON).
    pub async fn post_raw(&self, body: &str) -> (u16, Value) {
        let resp = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Posts `body` to `/graphql` with exactly these headers; returns the status, the
    /// headers and the JSON body (null if not JSON).
    pub async fn post_with(
        &self,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.address))
            .body(body);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }

    /// The number of events the API's audit log shows once it has caught up with `position`.
    pub async fn api_event_count(&self, position: i64) -> i64 {
        let r = self
            .gql(
                "query($p: Int) { events(first: 1, minPosition: $p) { totalCount } }",
                json!({ "p": position }),
            )
            .await;
        r["data"]["events"]["totalCount"]
            .as_i64()
            .unwrap_or_else(|| panic!("{r}"))
    }

    /// Sends `createCluster` (with a bearer token if given) and returns the whole answer,
    /// errors included.
    pub async fn try_create_cluster(&self, token: Option<&str>, name: &str, region: &str) -> Value {
        self.gql_as(
            token,
            "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } position projected } }",
            json!({ "i": { "name": name, "region": region } }),
        )
        .await
    }

    /// The cursor of the oldest event in the log; the test fails when the log is empty.
    pub async fn first_event_cursor(&self) -> String {
        let r = self
            .gql("{ events(first: 1) { edges { cursor } } }", json!({}))
            .await;
        testkit::graphql::string_at(&r, "/data/events/edges/0/cursor")
    }

    /// Creates a cluster and returns the position of its event.
    pub async fn create_cluster_position(&self, name: &str) -> i64 {
        let r = self.try_create_cluster(None, name, "nyc1").await;
        testkit::graphql::i64_at(&r, "/data/createCluster/position")
    }

    /// Opens a graphql-transport-ws connection (no `connection_init` sent yet) with extra
    /// upgrade headers.
    pub async fn ws_connect(
        &self,
        headers: &[(&str, &str)],
    ) -> Result<WsClient, tokio_tungstenite::tungstenite::Error> {
        testkit::subscription::connect(self.port, headers).await
    }

    /// A graphql-transport-ws connection, initialised and acknowledged.
    pub async fn ws_initialised(&self) -> WsClient {
        let mut ws = self.ws_connect(&[]).await.expect("websocket connects");
        ws_init(&mut ws).await;
        ws
    }

    /// The global position of the store's newest event.
    pub async fn store_head(&self) -> i64 {
        let db = self.storage.db().await;
        let head = command::EventStore::new(db.clone()).head().await.unwrap();
        db.close().await;
        head
    }

    /// Every event in the store, in global order.
    pub async fn store_log(&self) -> Vec<command::StoredEvent> {
        let db = self.storage.db().await;
        let store = command::EventStore::new(db.clone());
        let mut cursor = command::LogCursor::default();
        let mut out = Vec::new();
        // As replay does: an open transaction elsewhere on the Postgres server (another
        // test's) hides newer events from the log reader for a moment; read all counted.
        let total = store.count().await.unwrap() as usize;
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let batch = store.read_log(cursor, 1000).await.unwrap();
            let Some(last) = batch.last() else {
                if out.len() >= total || std::time::Instant::now() > deadline {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            };
            cursor = last.cursor();
            out.extend(batch);
        }
        db.close().await;
        out
    }

    /// Number of events in the store.
    pub async fn event_count(&self) -> i64 {
        let db = self.storage.db().await;
        let n = command::EventStore::new(db.clone()).count().await.unwrap();
        db.close().await;
        n
    }

    /// Asserts that the store holds `before` events still: nothing was appended since.
    pub async fn assert_nothing_appended(&self, before: i64) {
        let now = self.event_count().await;
        assert_eq!(now, before, "{} events appended", now - before);
    }

    /// Creates a cluster and returns its id.
    pub async fn create_cluster(&self, name: &str, region: &str) -> String {
        let r = self.try_create_cluster(None, name, region).await;
        testkit::graphql::string_at(&r, "/data/createCluster/cluster/id")
    }

    /// Creates a droplet; returns (droplet id, job id).
    pub async fn create_droplet(&self, name: &str, image: &str) -> (String, String) {
        let r = self
            .gql(
                "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } job { id } } }",
                json!({ "i": { "name": name, "region": "nyc1", "size": "s-1vcpu-1gb", "image": image } }),
            )
            .await;
        (
            testkit::graphql::string_at(&r, "/data/createDroplet/droplet/id"),
            testkit::graphql::string_at(&r, "/data/createDroplet/job/id"),
        )
    }

    /// Creates a droplet from a stock image; returns its job's id.
    pub async fn create_droplet_job(&self, name: &str) -> String {
        self.create_droplet(name, "debian-12-x64").await.1
    }

    /// Polls until the job reaches `status`; the test fails after `timeout`.
    pub async fn wait_for_job(&self, job_id: &str, status: &str, timeout: Duration) -> Value {
        testkit::wait::until(&format!("job {job_id} to be {status}"), timeout, || async {
            let r = self
                .gql(
                    "query($id: ID!) { job(id: $id) { id status progress stage attempts error } }",
                    json!({ "id": job_id }),
                )
                .await;
            let job = r["data"]["job"].clone();
            if job["status"] == status {
                Ok(job)
            } else {
                Err(r.to_string())
            }
        })
        .await
    }

    /// A droplet's read model (`id name status size ip`); the test fails when there is none.
    pub async fn droplet(&self, id: &str) -> Value {
        let r = self.gql_id(DROPLET, id).await;
        assert!(r["data"]["droplet"].is_object(), "no droplet {id}: {r}");
        r["data"]["droplet"].clone()
    }

    /// Waits (up to a minute) for the job to complete; returns it.
    pub async fn completed(&self, job_id: &str) -> Value {
        self.wait_for_job(job_id, "COMPLETED", Duration::from_secs(60))
            .await
    }

    /// Sends a droplet mutation that starts a job (`powerDroplet`, `resizeDroplet`, …) and
    /// waits for that job to complete; returns the job's id.
    pub async fn run_job(&self, field: &str, mutation: &str, variables: Value) -> String {
        let r = self.gql(mutation, variables).await;
        let job = testkit::graphql::string_at(&r, &format!("/data/{field}/job/id"));
        self.completed(&job).await;
        job
    }

    /// Powers a droplet off and waits for the job; returns the job's id.
    pub async fn power_off(&self, droplet: &str) -> String {
        self.run_job(
            "powerDroplet",
            "mutation($id: ID!) { powerDroplet(id: $id, on: false) { job { id } } }",
            json!({ "id": droplet }),
        )
        .await
    }

    /// Starts a graphql-transport-ws subscription on its own connection.
    pub async fn subscription(&self, query: &str, variables: Value) -> Subscription {
        Subscription::start(self.port, query, variables).await
    }

    /// Subscribes and collects `next` payloads until `complete` (or until `max` arrived).
    pub async fn subscribe(
        &self,
        query: &str,
        variables: Value,
        max: usize,
        timeout: Duration,
    ) -> Vec<Value> {
        let mut subscription = self.subscription(query, variables).await;
        let out = subscription.collect(max, timeout).await;
        subscription.close().await;
        out
    }
}

/// The next text message as JSON, answering pings; `Err(close frame)` when the server closes.
pub async fn ws_next(
    ws: &mut WsClient,
) -> Result<Value, Option<tokio_tungstenite::tungstenite::protocol::CloseFrame>> {
    testkit::subscription::next_message(ws, Duration::from_secs(60)).await
}

/// Sends `connection_init` and checks that the server acknowledges it.
pub async fn ws_init(ws: &mut WsClient) {
    ws_send(ws, json!({ "type": "connection_init" })).await;
    let ack = ws_next(ws)
        .await
        .unwrap_or_else(|close| panic!("closed before connection_ack: {close:?}"));
    assert_eq!(ack["type"], "connection_ack", "{ack}");
}

/// Starts operation `id` with `query` and returns the server's next message (its answer).
pub async fn ws_operation(ws: &mut WsClient, id: &str, query: &str) -> Value {
    ws_send(
        ws,
        json!({ "id": id, "type": "subscribe", "payload": { "query": query } }),
    )
    .await;
    let answer = ws_next(ws)
        .await
        .unwrap_or_else(|close| panic!("closed instead of answering {id}: {close:?}"));
    assert_eq!(answer["id"], id, "{answer}");
    answer
}

/// Runs an async test body against both backends, as two tests.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    };
}

/// A `clustergenie serve` child process on `storage` (port 0: nothing can take it between
/// picking and binding), with a short job lease and frequent progress, so a test can kill
/// it mid-job; `env` adds or overrides variables (`CLUSTERGENIE_PROVISION_SECONDS`, …).
pub async fn serve_process(
    storage: &Storage,
    env: &[(&str, &str)],
) -> (testkit::process::ChildProcess, GraphqlClient) {
    let mut command = storage.command(&["serve"]);
    command
        .env("CLUSTERGENIE_LISTEN", "127.0.0.1:0")
        .env("CLUSTERGENIE_JOB_LEASE_SECONDS", "1.5")
        .env("CLUSTERGENIE_PROGRESS_INTERVAL_SECONDS", "0.1")
        // A loaded CI machine can be slow; mutation payloads wait for their read models.
        .env("CLUSTERGENIE_CONSISTENCY_TIMEOUT_SECONDS", "60")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = testkit::process::ChildProcess::spawn(&mut command);
    let port = child
        .bound_port(Duration::from_secs(60), || "clustergenie serve".into())
        .await;
    (child, GraphqlClient::on_port(port))
}
