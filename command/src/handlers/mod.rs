//! Command handling: load an aggregate from its events, let it decide, append the result.
//!
//! One user command may touch several aggregates (creating a droplet also queues its job and
//! attaches it to its cluster); all of their events, unique-name claims and the idempotency
//! record are committed in one transaction, or nothing is.
//!
//! Each aggregate's handlers are one module here (an `impl Commands` block); the shared
//! path every user command takes is [`idempotency`] (`run_user_command`), crate-visible so
//! that an aggregate's handlers may also live next to its state machine.

mod clusters;
mod diagnoses;
mod droplets;
mod health_checks;
pub(crate) mod idempotency;
mod inputs;
mod jobs;
mod load;
mod rate_limit_rules;
mod scaling_policies;
mod users;

pub use diagnoses::{evidence_digest, Diagnose, DiagnosisJob, DIAGNOSIS_TARGET};
pub use droplets::DropletJob;
pub(crate) use droplets::DROPLET_NAME;
pub use health_checks::CreateHealthCheck;
pub use inputs::{CommandOptions, CreateCluster, CreateDroplet};
pub use jobs::JobEffect;
pub use load::LoadTarget;
pub use rate_limit_rules::{CreateRateLimitRule, RATE_LIMIT_RULE};
pub use scaling_policies::{CreateScalingPolicy, ScalingRecorded, SCALING_JOB, SCALING_POLICY};
pub use users::{CreateUser, Principal, UpdateUser, USERNAME};

use crate::aggregates::DomainError;
use crate::context::RequestContext;
use crate::credentials::PasswordHashing;
use crate::error::CommandError;
use crate::store::{Append, Claim, EventStore, IdempotencyRecord, NewEvent, StoreError};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use schema::events::{payload_of, upcast};
use schema::{AggregateType, DomainEventKind};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Notify;

/// Settings for jobs created by commands.
#[derive(Debug, Clone)]
pub struct JobSettings {
    /// Attempts before a job fails for good.
    pub max_attempts: u32,
    /// Base delay before a retry, doubled on each further attempt.
    pub retry_backoff: chrono::Duration,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            retry_backoff: chrono::Duration::seconds(2),
        }
    }
}

/// The result of a command: the ids it touched and the position of its last event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome<T> {
    /// What the command produced.
    pub value: T,
    /// Global position of its last event (or of the stored first response, for a replay).
    pub position: i64,
}

/// An aggregate's state, its version, and the events a command just produced for it.
pub(crate) struct Decided<A: Aggregate> {
    pub id: String,
    pub state: A,
    pub version: i64,
    pub events: Vec<A::Event>,
}

impl<A> Decided<A>
where
    A: Aggregate,
    A::Event: DomainEventKind,
{
    /// The events to append, with the sequences they must get.
    pub fn new_events(&self) -> Vec<NewEvent> {
        self.events
            .iter()
            .enumerate()
            .map(|(i, e)| NewEvent {
                aggregate_type: <A::Event as DomainEventKind>::AGGREGATE,
                aggregate_id: self.id.clone(),
                sequence: self.version + 1 + i as i64,
                event_type: e.type_name(),
                event_version: e.version(),
                payload: payload_of(e),
            })
            .collect()
    }
}

/// What a commit appended, for its line in the activity log.
struct CommitSummary {
    /// `ClusterCreated on Cluster <id>; …`, one part per aggregate.
    parts: String,
    /// The first aggregate of each kind it appended to.
    ids: Vec<(AggregateType, String)>,
}

impl CommitSummary {
    fn of(events: &[NewEvent]) -> Option<Self> {
        events.first()?;
        let mut groups: Vec<(AggregateType, &str, Vec<&str>)> = Vec::new();
        for e in events {
            match groups
                .iter_mut()
                .find(|(t, id, _)| *t == e.aggregate_type && *id == e.aggregate_id)
            {
                Some(group) => group.2.push(e.event_type),
                None => groups.push((e.aggregate_type, &e.aggregate_id, vec![e.event_type])),
            }
        }
        let mut ids: Vec<(AggregateType, String)> = Vec::new();
        for (t, id, _) in &groups {
            if !ids.iter().any(|(k, _)| k == t) {
                ids.push((*t, id.to_string()));
            }
        }
        let parts: Vec<String> = groups
            .iter()
            .map(|(t, id, types)| format!("{} on {t} {id}", types.join(", ")))
            .collect();
        Some(Self {
            parts: parts.join("; "),
            ids,
        })
    }

    /// The line, naming each aggregate (its id a resource id of the record) and the events
    /// by type; job progress at DEBUG (several per second per running job).
    fn log(&self, command: &'static str, ctx: &RequestContext, position: i64) {
        let id = |t: AggregateType| {
            self.ids
                .iter()
                .find(|(k, _)| *k == t)
                .map(|(_, id)| id.as_str())
        };
        let (cluster_id, droplet_id, job_id, health_check_id) = (
            id(AggregateType::Cluster),
            id(AggregateType::Droplet),
            id(AggregateType::Job),
            id(AggregateType::HealthCheck),
        );
        let correlation_id = ctx.correlation_id.as_str();
        let actor = ctx.actor.as_str();
        let parts = &self.parts;
        // `tracing` levels are constants per call site: one site per level.
        macro_rules! line {
            ($level:expr) => {
                tracing::event!(
                    $level,
                    command,
                    cluster_id,
                    droplet_id,
                    job_id,
                    health_check_id,
                    position,
                    correlation_id,
                    actor,
                    "{command}: {parts}"
                )
            };
        }
        if command == "reportProgress" {
            line!(tracing::Level::DEBUG);
        } else {
            line!(tracing::Level::INFO);
        }
    }
}

/// Handles every command of the write side.
#[derive(Clone)]
pub struct Commands {
    store: EventStore,
    jobs: JobSettings,
    committed: Arc<Notify>,
    hashing: PasswordHashing,
    /// A hash of a password nobody has: sign-ins naming an unknown user verify against it.
    dummy_hash: Arc<tokio::sync::OnceCell<String>>,
}

impl Commands {
    /// Builds the handler; `committed` is signalled after every successful append.
    pub fn new(store: EventStore, jobs: JobSettings, committed: Arc<Notify>) -> Self {
        Self {
            store,
            jobs,
            committed,
            hashing: PasswordHashing::default(),
            dummy_hash: Arc::default(),
        }
    }

    /// The same handler hashing passwords with `hashing` (small costs in tests).
    pub fn with_password_hashing(mut self, hashing: PasswordHashing) -> Self {
        self.hashing = hashing;
        self.dummy_hash = Arc::default();
        self
    }

    /// The event store.
    pub fn store(&self) -> &EventStore {
        &self.store
    }

    /// Loads an aggregate's current state and version (0 when it has no events).
    pub async fn load<A>(&self, id: &str) -> Result<(A, i64), CommandError>
    where
        A: Aggregate,
        A::Event: DomainEventKind,
    {
        let stored = self
            .store
            .load(<A::Event as DomainEventKind>::AGGREGATE, id)
            .await?;
        let mut state = A::default();
        let mut version = 0;
        for e in stored {
            let event: A::Event = upcast(&e.event_type, &e.event_version, e.payload)
                .map_err(|err| CommandError::Internal(err.to_string()))?;
            state.apply(event);
            version = e.sequence;
        }
        Ok((state, version))
    }

    /// Loads an aggregate and lets it decide on `command`.
    pub(crate) async fn decide<A>(
        &self,
        id: &str,
        command: A::Command,
    ) -> Result<Decided<A>, CommandError>
    where
        A: Aggregate<Error = DomainError, Services = ()>,
        A::Event: DomainEventKind,
    {
        let (state, version) = self.load::<A>(id).await?;
        Self::decide_on(id, state, version, command).await
    }

    /// Lets an already loaded aggregate decide on `command`.
    pub(crate) async fn decide_on<A>(
        id: &str,
        mut state: A,
        version: i64,
        command: A::Command,
    ) -> Result<Decided<A>, CommandError>
    where
        A: Aggregate<Error = DomainError, Services = ()>,
        A::Event: DomainEventKind,
    {
        let sink = EventSink::default();
        state.handle(command, &(), &sink).await?;
        Ok(Decided {
            id: id.to_string(),
            state,
            version,
            events: sink.collect().await,
        })
    }

    /// Appends events (and claims) atomically and records metrics; returns the last position.
    pub(crate) async fn commit(
        &self,
        command: &'static str,
        ctx: &RequestContext,
        events: Vec<NewEvent>,
        claims: Vec<Claim>,
        releases: Vec<Claim>,
        idempotency: Option<IdempotencyRecord>,
    ) -> Result<i64, StoreError> {
        let append = Append {
            events,
            metadata: ctx.metadata(),
            claims,
            releases,
            idempotency,
            secrets: vec![],
        };
        self.commit_append(command, ctx, append).await
    }

    /// Appends everything of `append` atomically and records metrics; returns the last position.
    pub(crate) async fn commit_append(
        &self,
        command: &'static str,
        ctx: &RequestContext,
        append: Append,
    ) -> Result<i64, StoreError> {
        let started = Instant::now();
        let summary = CommitSummary::of(&append.events);
        let result = self.store.append(append).await;
        metrics::histogram!("clustergenie_event_append_seconds", "command" => command)
            .record(started.elapsed().as_secs_f64());
        let committed = result?;
        if !committed.is_empty() {
            self.committed.notify_waiters();
            self.committed.notify_one();
        }
        if let (Some(summary), Some(last)) = (summary, committed.last()) {
            summary.log(command, ctx, last.position);
        }
        Ok(committed.last().map(|c| c.position).unwrap_or(0))
    }

    /// Counts a finished command by name and outcome.
    pub(crate) fn record<T>(command: &'static str, result: &Result<T, CommandError>) {
        let outcome = match result {
            Ok(_) => "ok",
            Err(e) => e.outcome(),
        };
        metrics::counter!("clustergenie_commands_total", "command" => command, "outcome" => outcome)
            .increment(1);
    }
}

/// Runs a user command, re-deciding from a fresh load when it lost a race on append.
/// With an explicit expected version the caller asked for that exact state, so a lost race
/// is reported as `CONFLICT` instead.
pub(crate) async fn retry_races<T, F, Fut>(
    expected_version: Option<i64>,
    mut run: F,
) -> Result<T, CommandError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, CommandError>>,
{
    // Many writers into one aggregate (droplets created into one cluster) can lose several
    // rounds in a row; a short random pause spreads the retries out.
    let attempts = if expected_version.is_some() { 1 } else { 20 };
    let mut attempt = 0;
    loop {
        attempt += 1;
        match run().await {
            Err(CommandError::Race(_)) if attempt < attempts => {
                let pause = rand::random_range(0..=2 * attempt as u64);
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

/// Parses an id this system stored itself; failing means the stored data is corrupt.
pub(crate) fn stored_id<T: FromStr>(raw: &str) -> Result<T, CommandError> {
    raw.parse()
        .map_err(|_| CommandError::Internal(format!("corrupt stored id {}", schema::excerpt(raw))))
}

/// Checks the caller's expected version, if any, for optimistic concurrency across requests.
pub(crate) fn check_version(expected: Option<i64>, actual: i64) -> Result<(), CommandError> {
    match expected {
        Some(v) if v != actual => Err(CommandError::Conflict(format!(
            "expected version {v} but the current version is {actual}; reload and try again"
        ))),
        _ => Ok(()),
    }
}
