//! Shared test harness: `spawn_app` starts the real application on port 0 with its own
//! database (a fresh SQLite directory, or a fresh Postgres database), and a GraphQL client.

use clustergenie::configuration::Settings;
use clustergenie::startup::Application;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use testkit::graphql::GraphqlClient;
use testkit::storage::{PostgresDatabase, TempDir};
use testkit::subscription::Subscription;
use tokio_util::sync::CancellationToken;

pub use testkit::graphql::error_code;
pub use testkit::subscription::{send as ws_send, WsClient};

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
            ..Settings::default()
        }
    }

    /// Environment variables that point a `clustergenie` process at this storage.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![(
            "CLUSTERGENIE_DATA_DIR".to_string(),
            self.data_dir.display().to_string(),
        )];
        if let Some(url) = &self.database_url {
            env.push(("DATABASE_URL".into(), url.clone()));
        }
        env
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

/// A signed bearer token for `user`.
pub fn token(user: &str) -> String {
    let claims = json!({ "sub": user, "exp": chrono::Utc::now().timestamp() + 3600 });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(AUTH_SECRET.as_bytes()),
    )
    .unwrap()
}

impl TestApp {
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

    /// Creates a cluster and returns the position of its event.
    pub async fn create_cluster_position(&self, name: &str) -> i64 {
        let r = self
            .gql(
                "mutation($i: CreateClusterInput!) { createCluster(input: $i) { position } }",
                json!({ "i": { "name": name, "region": "nyc1" } }),
            )
            .await;
        r["data"]["createCluster"]["position"]
            .as_i64()
            .unwrap_or_else(|| panic!("{r}"))
    }

    /// Opens a graphql-transport-ws connection (no `connection_init` sent yet) with extra
    /// upgrade headers.
    pub async fn ws_connect(
        &self,
        headers: &[(&str, &str)],
    ) -> Result<WsClient, tokio_tungstenite::tungstenite::Error> {
        testkit::subscription::connect(self.port, headers).await
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
        loop {
            let batch = store.read_log(cursor, 1000).await.unwrap();
            let Some(last) = batch.last() else { break };
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

    /// Creates a cluster and returns its id.
    pub async fn create_cluster(&self, name: &str, region: &str) -> String {
        let r = self
            .gql(
                "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } position } }",
                json!({ "i": { "name": name, "region": region } }),
            )
            .await;
        r["data"]["createCluster"]["cluster"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{r}"))
            .to_string()
    }

    /// Creates a droplet; returns (droplet id, job id).
    pub async fn create_droplet(&self, name: &str, image: &str) -> (String, String) {
        let r = self
            .gql(
                "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } job { id } } }",
                json!({ "i": { "name": name, "region": "nyc1", "size": "s-1vcpu-1gb", "image": image } }),
            )
            .await;
        let p = &r["data"]["createDroplet"];
        (
            p["droplet"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{r}"))
                .to_string(),
            p["job"]["id"].as_str().unwrap().to_string(),
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
