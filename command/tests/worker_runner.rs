//! The job worker's runner (`command::worker::Worker`) against real databases, SQLite and
//! Postgres: it leases and completes queued jobs, renews its lease while it works, and a job
//! whose worker died (its lease no longer renewed) is taken over by another worker once the
//! lease has expired. Every wait is bounded; nothing is timed by the wall clock.

use command::aggregates::Job;
use command::handlers::CreateDroplet;
use command::worker::{JobFeed, JobFeedError, SimulatedProvider, Worker, WorkerSettings};
use command::{Commands, Db, EventStore, JobSettings, RequestContext, StoredEvent};
use schema::{AggregateType, DropletName, Image, JobId, JobStatus, Region, Size};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use testkit::storage::{PostgresDatabase, TempDir};
use testkit::wait;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// The jobs this test created and that are not finished, oldest first; the runner decides
/// (through the Job aggregate) which of them it may start now.
struct Feed {
    commands: Commands,
    jobs: Mutex<Vec<JobId>>,
}

#[async_trait::async_trait]
impl JobFeed for Feed {
    async fn runnable(&self, _now_us: i64, limit: i64) -> Result<Vec<JobId>, JobFeedError> {
        let jobs = self.jobs.lock().expect("the job list").clone();
        let mut out = Vec::new();
        for job in jobs {
            let status = status(&self.commands, job).await;
            if !status.is_terminal() {
                out.push(job);
            }
        }
        out.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(out)
    }
}

async fn status(commands: &Commands, job: JobId) -> JobStatus {
    let (job, _) = commands
        .load::<Job>(&job.to_string())
        .await
        .expect("load the job");
    job.state.expect("a queued job").status
}

async fn events_of(store: &EventStore, job: JobId) -> Vec<StoredEvent> {
    store
        .load(AggregateType::Job, &job.to_string())
        .await
        .expect("the job's events")
}

/// Queues a provisioning job (by creating a droplet) and hands it to the feed.
async fn queue(commands: &Commands, feed: &Feed, name: &str) -> JobId {
    let input = CreateDroplet::new(
        DropletName::parse(name).expect("a droplet name"),
        Region::parse("nyc1").expect("a region"),
        Size::parse("s-1vcpu-1gb").expect("a size"),
        Image::parse("ubuntu-24-04-x64").expect("an image"),
    );
    let job = commands
        .create_droplet(&RequestContext::new("runner-test"), input)
        .await
        .expect("createDroplet")
        .value
        .job_id;
    feed.jobs.lock().expect("the job list").push(job);
    job
}

/// A running worker: its id, and how to stop it (as a crash would: mid-job, lease kept).
struct Running {
    id: String,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    async fn stop(self) {
        self.shutdown.cancel();
        self.task.await.expect("the worker stopped");
    }
}

fn start(commands: &Commands, feed: &Arc<Feed>, provision: Duration, lease: Duration) -> Running {
    let worker = Worker::new(
        commands.clone(),
        feed.clone(),
        SimulatedProvider {
            provision_time: provision,
            failure_rate: 0.0,
        },
        WorkerSettings {
            workers: 2,
            queue_capacity: 10,
            lease,
            progress_interval: Duration::from_millis(50),
            poll_interval: Duration::from_millis(50),
        },
    );
    let id = worker.id().to_string();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(worker.run(Arc::new(Notify::new()), shutdown.clone()));
    Running { id, shutdown, task }
}

/// Waits (bounded) until every job in `jobs` is COMPLETED.
async fn wait_completed(commands: &Commands, jobs: &[JobId], what: &str) {
    wait::until(what, Duration::from_secs(90), || async {
        let mut open = Vec::new();
        for job in jobs {
            let status = status(commands, *job).await;
            if status != JobStatus::Completed {
                open.push(format!("{job}: {status:?}"));
            }
        }
        open.is_empty().then_some(()).ok_or(open.join(", "))
    })
    .await;
}

fn worker_of(event: &StoredEvent) -> &str {
    event.payload["worker"].as_str().unwrap_or_default()
}

async fn runner_leases_completes_and_takes_over(db: Db) {
    let store = EventStore::new(db.clone());
    let commands = Commands::new(
        store.clone(),
        JobSettings::default(),
        Arc::new(Notify::new()),
    );
    let feed = Arc::new(Feed {
        commands: commands.clone(),
        jobs: Mutex::default(),
    });

    // A worker leases and completes every queued job.
    let mut jobs = Vec::new();
    for i in 0..5 {
        jobs.push(queue(&commands, &feed, &format!("web-{i}")).await);
    }
    let quick = start(
        &commands,
        &feed,
        Duration::from_millis(200),
        Duration::from_secs(5),
    );
    wait_completed(&commands, &jobs, "the worker to complete the queued jobs").await;
    for job in &jobs {
        let events = events_of(&store, *job).await;
        let started: Vec<_> = events
            .iter()
            .filter(|e| e.event_type == "JobStarted")
            .collect();
        assert!(!started.is_empty(), "{job} was started: {events:?}");
        assert!(
            started.iter().all(|e| worker_of(e) == quick.id),
            "{job} ran under this worker's lease: {events:?}"
        );
        let last = events.last().expect("events");
        assert_eq!(last.event_type, "JobCompleted", "{job}: {events:?}");
    }
    quick.stop().await;

    // A worker takes a long job and dies mid-job: its lease is no longer renewed.
    let job = queue(&commands, &feed, "long-1").await;
    let dying = start(
        &commands,
        &feed,
        Duration::from_secs(3600),
        Duration::from_secs(2),
    );
    wait::until(
        "the first worker to start the long job and renew its lease",
        Duration::from_secs(60),
        || async {
            let events = events_of(&store, job).await;
            let renewals = events
                .iter()
                .filter(|e| e.event_type == "JobProgressed")
                .count();
            (renewals >= 2)
                .then_some(())
                .ok_or(format!("{renewals} progress reports: {events:?}"))
        },
    )
    .await;
    let dead = dying.id.clone();
    dying.stop().await;
    assert_eq!(status(&commands, job).await, JobStatus::Running);

    // Another worker takes it over once the lease expired, and completes it.
    let rescuer = start(
        &commands,
        &feed,
        Duration::from_millis(200),
        Duration::from_secs(5),
    );
    wait_completed(
        &commands,
        &[job],
        "the second worker to take the long job over",
    )
    .await;
    let events = events_of(&store, job).await;
    let kinds: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.event_type.as_str(), worker_of(e)))
        .collect();
    let expired = kinds
        .iter()
        .position(|k| *k == ("JobLeaseExpired", dead.as_str()))
        .unwrap_or_else(|| panic!("the dead worker's lease expired: {kinds:?}"));
    assert!(
        kinds[..expired]
            .iter()
            .filter(|(kind, _)| *kind == "JobStarted")
            .all(|(_, worker)| *worker == dead),
        "only the first worker ran it before its lease expired: {kinds:?}"
    );
    assert!(
        kinds[expired..].contains(&("JobStarted", rescuer.id.as_str())),
        "the second worker started it after the expiry: {kinds:?}"
    );
    assert_eq!(kinds.last().map(|k| k.0), Some("JobCompleted"), "{kinds:?}");
    rescuer.stop().await;
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_the_runner_leases_completes_and_takes_over_expired_leases() {
    let dir = TempDir::new("clustergenie-runner");
    let db = Db::sqlite(dir.path()).await.expect("a SQLite database");
    runner_leases_completes_and_takes_over(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_the_runner_leases_completes_and_takes_over_expired_leases() {
    let database = PostgresDatabase::create("cg_test_runner").await;
    let db = Db::postgres(database.url(), 4)
        .await
        .expect("a Postgres database");
    runner_leases_completes_and_takes_over(db).await;
}
