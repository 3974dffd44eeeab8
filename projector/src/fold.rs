//! Where each event is applied to its read model: the aggregate's own transition function
//! ([`Lifecycle::evolve`]) decides every lifecycle field; this module only adds bookkeeping
//! (ordinal, version, timestamps) and, for jobs, the human message and the timeline.

use crate::rows::{ClusterRow, DropletRow, JobRow, TimelineEntry};
use command::aggregates::{ClusterState, DropletState, JobState, Lifecycle};
use command::StoredEvent;
use schema::{ClusterEvent, DropletEvent, JobEvent};

/// Applies an event to a row's state with the aggregate's transition function; `None` when
/// there is no row and the event does not create one.
fn evolve<S: Lifecycle>(state: Option<S>, event: &S::Event) -> Option<S> {
    let mut state = state;
    S::evolve(&mut state, event);
    state
}

/// Applies a cluster event to its row (`None` before creation).
pub fn cluster(
    row: Option<ClusterRow>,
    ordinal: i64,
    e: &StoredEvent,
    event: &ClusterEvent,
) -> Option<ClusterRow> {
    Some(match row {
        Some(mut row) => {
            row.state.apply(event);
            row.version = e.sequence;
            row.updated_us = e.recorded_us;
            row
        }
        None => ClusterRow {
            id: e.aggregate_id.clone(),
            ordinal,
            state: evolve::<ClusterState>(None, event)?,
            version: e.sequence,
            created_us: e.recorded_us,
            updated_us: e.recorded_us,
        },
    })
}

/// Applies a droplet event to its row.
pub fn droplet(
    row: Option<DropletRow>,
    ordinal: i64,
    e: &StoredEvent,
    event: &DropletEvent,
) -> Option<DropletRow> {
    Some(match row {
        Some(mut row) => {
            row.state.apply(event);
            row.version = e.sequence;
            row.updated_us = e.recorded_us;
            row
        }
        None => DropletRow {
            id: e.aggregate_id.clone(),
            ordinal,
            state: evolve::<DropletState>(None, event)?,
            version: e.sequence,
            created_us: e.recorded_us,
            updated_us: e.recorded_us,
        },
    })
}

/// What a job event says, for people (the row's `message`, not a lifecycle field); `None`
/// for the creating event, whose message the new row gets.
fn job_message(event: &JobEvent) -> Option<String> {
    Some(match event {
        JobEvent::JobQueued { .. } => return None,
        JobEvent::JobStarted { attempt, .. } => format!("attempt {attempt} started"),
        JobEvent::JobLeaseExpired { worker } => format!("lease of {worker} expired; taken over"),
        JobEvent::JobProgressed { message, .. } => message.clone(),
        JobEvent::JobCompleted { .. } => "completed".into(),
        JobEvent::JobAttemptFailed {
            attempt,
            error,
            retry_at: Some(at),
        } => format!("attempt {attempt} failed: {error}; retrying at {at}"),
        JobEvent::JobAttemptFailed {
            attempt,
            error,
            retry_at: None,
        } => format!("attempt {attempt} failed: {error}"),
        JobEvent::JobCancelled { reason } => reason.clone(),
        JobEvent::JobRequeued {} => "queued again".into(),
    })
}

/// Applies a job event to its row.
pub fn job(row: Option<JobRow>, ordinal: i64, e: &StoredEvent, event: &JobEvent) -> Option<JobRow> {
    let mut row = match row {
        Some(mut row) => {
            let (status, stage) = (row.state.status, row.state.stage.clone());
            row.state.apply(event);
            if let Some(message) = job_message(event) {
                row.message = message;
            }
            if row.state.status != status || row.state.stage != stage || row.timeline.is_empty() {
                push_timeline(&mut row, e);
            }
            row
        }
        None => {
            let mut row = JobRow {
                id: e.aggregate_id.clone(),
                ordinal,
                state: evolve::<JobState>(None, event)?,
                message: "waiting for a worker".into(),
                timeline: vec![],
                version: 0,
                created_us: e.recorded_us,
                updated_us: e.recorded_us,
            };
            push_timeline(&mut row, e);
            row
        }
    };
    row.version = e.sequence;
    row.updated_us = e.recorded_us;
    Some(row)
}

/// Records the row's status and stage in its timeline.
fn push_timeline(row: &mut JobRow, e: &StoredEvent) {
    row.timeline.push(TimelineEntry {
        at_us: e.recorded_us,
        status: row.state.status,
        stage: row.state.stage.clone(),
        progress: row.state.progress as i64,
        message: row.message.clone(),
    });
}
