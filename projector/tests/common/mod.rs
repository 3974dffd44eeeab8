//! What the projector tests share: a fresh database on either backend (a temporary SQLite
//! directory, or a new Postgres database), removed again when the fixture is dropped, with
//! the command side over it; and [`on_both_backends!`] to run a test on each.
#![allow(dead_code)]

use command::handlers::{CreateCluster, CreateDroplet};
use command::{Commands, Db, EventStore, JobSettings, RequestContext};
use projector::projection::{Checkpoint, Transaction};
use projector::rows::Change;
use schema::{ClusterName, DropletName, Image, Region, Size};
use std::path::PathBuf;
use std::sync::Arc;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `async fn name(backend: Backend)` as two tests, `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::common::Backend::Postgres).await
            }
        }
    };
}

/// Base URL of the Postgres server tests create databases on.
fn postgres_base() -> String {
    std::env::var("CLUSTERGENIE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Where a fixture's data lives; removed on drop.
enum Storage {
    Dir(PathBuf),
    Database(String),
}

impl Drop for Storage {
    fn drop(&mut self) {
        match self {
            Storage::Dir(dir) => {
                let _removed = std::fs::remove_dir_all(dir);
            }
            Storage::Database(name) => {
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                // Drop runs inside the test's runtime; the database goes on a thread of its own.
                let dropped = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    rt.block_on(async {
                        let mut conn = admin().await?;
                        sqlx::Executor::execute(&mut conn, drop.as_str()).await?;
                        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
                    })
                    .map_err(std::io::Error::other)
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("could not drop test database {name}: {dropped:?}");
                }
            }
        }
    }
}

async fn admin() -> Result<sqlx::PgConnection, sqlx::Error> {
    <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{}/postgres", postgres_base()))
        .await
}

/// A fresh database, its event store, the command handlers and a caller.
pub struct Fixture {
    pub db: Db,
    pub store: EventStore,
    pub commands: Commands,
    pub ctx: RequestContext,
    pub backend: Backend,
    storage: Storage,
}

impl Fixture {
    /// A new, empty database on `backend`.
    pub async fn new(name: &str, backend: Backend) -> Self {
        let id = uuid::Uuid::new_v4().simple();
        let (db, storage) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("cg-{name}-{id}"));
                (Db::sqlite(&dir).await.unwrap(), Storage::Dir(dir))
            }
            Backend::Postgres => {
                let database = format!("cg_projector_{id}");
                let mut conn = admin()
                    .await
                    .expect("tests need Postgres at CLUSTERGENIE_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432)");
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {database}").as_str())
                    .await
                    .expect("create test database");
                let storage = Storage::Database(database.clone());
                let url = format!("{}/{database}", postgres_base());
                (Db::postgres(&url, 4).await.unwrap(), storage)
            }
        };
        let store = EventStore::new(db.clone());
        let commands = Commands::new(
            store.clone(),
            JobSettings::default(),
            Arc::new(tokio::sync::Notify::new()),
        );
        Self {
            db,
            store,
            commands,
            ctx: RequestContext::new("tester"),
            backend,
            storage,
        }
    }

    /// Creates a cluster in nyc1; returns its id.
    pub async fn cluster(&self, name: &str) -> String {
        let input = CreateCluster::new(ClusterName::parse(name).unwrap(), nyc1());
        let created = self.commands.create_cluster(&self.ctx, input).await;
        created.unwrap().value.to_string()
    }

    /// Creates an HTTP health check named `name` against a loopback URL (never run here);
    /// returns its id.
    pub async fn health_check(&self, name: &str) -> String {
        use schema::health_check::{HealthCheckDraft, HealthCheckSpec};
        let draft = HealthCheckDraft {
            name: Some(name.into()),
            kind: Some(schema::values::HealthCheckKind::Http),
            target: Some("http://127.0.0.1:9/health".into()),
            conditions: Some(vec!["[STATUS] == 200".into()]),
            ..HealthCheckDraft::default()
        };
        let spec = HealthCheckSpec::parse(draft, Default::default()).unwrap();
        let input = command::handlers::CreateHealthCheck {
            spec,
            idempotency_key: None,
        };
        let created = self.commands.create_health_check(&self.ctx, input).await;
        created.unwrap().value.to_string()
    }

    /// Creates an operator named `name` with an API token; returns both ids.
    pub async fn user_with_token(&self, name: &str) -> (schema::UserId, schema::ApiTokenId) {
        let input = command::handlers::CreateUser {
            username: schema::users::Username::parse(name).unwrap(),
            password: schema::users::Password::parse("a long enough password").unwrap(),
            role: schema::users::Role::Operator,
        };
        let commands = self
            .commands
            .clone()
            .with_password_hashing(command::credentials::PasswordHashing::for_tests());
        let user = commands.create_user(&self.ctx, input).await.unwrap().value;
        let token_name = schema::users::TokenName::parse("ci").unwrap();
        let token = commands
            .create_api_token(&self.ctx, user, token_name, None)
            .await;
        (user, token.unwrap().value.0)
    }

    /// Creates a rate-limit rule for limiter `name` (each user, 1 per second, burst 5).
    pub async fn rate_limit_rule(&self, name: &str) -> schema::RateLimitRuleId {
        use schema::rate_limits::{LimiterName, RateLimitScope, RuleTarget};
        let input = command::handlers::CreateRateLimitRule {
            name: LimiterName::parse(name).unwrap(),
            target: RuleTarget::parse(RateLimitScope::User, None).unwrap(),
            limit: command::rate_limit::Limit::new(1.0, 5).unwrap(),
            idempotency_key: None,
        };
        let created = self.commands.create_rate_limit_rule(&self.ctx, input).await;
        created.unwrap().value
    }

    /// Creates a queue-depth scaling policy (2..8 droplets) for cluster `cluster_id`.
    pub async fn scaling_policy(&self, cluster_id: &str) -> schema::ScalingPolicyId {
        use schema::scaling_policy::{ScalingPolicyDraft, ScalingPolicySpec};
        let draft = ScalingPolicyDraft {
            name: Some("workers".into()),
            metric: Some(schema::autoscale::ScalingMetric::QueueDepth),
            target: Some(50.0),
            min_droplets: Some(2),
            max_droplets: Some(8),
            template_size: Some("s-1vcpu-1gb".into()),
            template_image: Some("debian-12-x64".into()),
            ..ScalingPolicyDraft::default()
        };
        let input = command::handlers::CreateScalingPolicy {
            cluster_id: cluster_id.parse().unwrap(),
            spec: ScalingPolicySpec::parse(draft).unwrap(),
            paused: false,
            idempotency_key: None,
        };
        let created = self.commands.create_scaling_policy(&self.ctx, input).await;
        created.unwrap().value
    }

    /// Asks for a diagnosis of cluster `cluster_id` (its DIAGNOSE job is queued, never run
    /// here); returns the diagnosis' id.
    pub async fn diagnosis(&self, cluster_id: &str) -> schema::DiagnosisId {
        let input = command::handlers::Diagnose {
            target_type: schema::diagnosis::DiagnosisTarget::Cluster,
            target_id: cluster_id.parse().unwrap(),
            checks: vec![],
            question: Some("why is it slow?".into()),
            idempotency_key: None,
        };
        let asked = self.commands.diagnose(&self.ctx, input).await;
        asked.unwrap().value.diagnosis_id
    }

    /// Creates a droplet in nyc1, optionally in a cluster; returns its provisioning job's id.
    pub async fn droplet(&self, name: &str, cluster_id: Option<&str>) -> String {
        let mut input = CreateDroplet::new(
            DropletName::parse(name).unwrap(),
            nyc1(),
            Size::parse("s-1vcpu-1gb").unwrap(),
            Image::parse("debian-12-x64").unwrap(),
        );
        input.cluster_id = cluster_id.map(|c| c.parse().unwrap());
        let created = self.commands.create_droplet(&self.ctx, input).await;
        created.unwrap().value.job_id.to_string()
    }

    /// Applies `events` after `cp` in one transaction, as the projector does.
    pub async fn apply(
        &self,
        cp: Checkpoint,
        events: &[command::StoredEvent],
    ) -> (Checkpoint, Vec<Change>) {
        let mut tx = Transaction::begin(&self.db).await.unwrap();
        let applied = tx.apply(&self.db, cp, events).await.unwrap();
        tx.commit().await.unwrap();
        applied
    }

    /// The whole log, once every appended event is readable. On Postgres the log is read only
    /// below the oldest transaction still running anywhere on the server (the safe-read
    /// rule), so another session's open transaction can hide committed events for a moment;
    /// this waits (at most 30 s, then fails) until the log holds every appended event.
    pub async fn log(&self) -> Vec<command::StoredEvent> {
        let appended = self.store.count().await.unwrap() as usize;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let events = self
                .store
                .read_log(Default::default(), 100_000)
                .await
                .unwrap();
            if events.len() == appended {
                return events;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "only {} of {appended} events became readable",
                events.len()
            );
            tokio::task::yield_now().await;
        }
    }

    /// Projects the whole log from `cp` in batches of `batch` events.
    pub async fn project(&self, mut cp: Checkpoint, batch: i64) -> Checkpoint {
        self.log().await;
        loop {
            let events = self.store.read_log(cp.cursor, batch).await.unwrap();
            if events.is_empty() {
                return cp;
            }
            cp = self.apply(cp, &events).await.0;
        }
    }

    /// Runs a statement without parameters on the write pool (to tamper with the tables).
    pub async fn execute(&self, sql: &str) {
        command::on_pool!(self.db.writes(), p => sqlx::query(sql).execute(p).await.map(|_| ()))
            .unwrap();
    }

    /// Closes the pools; the storage goes when the fixture is dropped.
    pub async fn close(self) {
        self.db.close().await;
    }
}

fn nyc1() -> Region {
    Region::parse("nyc1").unwrap()
}
