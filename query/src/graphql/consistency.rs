//! Read-your-writes: wait (bounded in time and in number) until the read models include a
//! given position. A position the event store has not reached is refused at once: waiting
//! for it would only hold a connection until the timeout.

use crate::errors::{self, ErrorCode};
use crate::state::AppState;
use async_graphql::Result;
use std::time::Duration;

/// Waits until the event at global `position` has been projected (a query's `minPosition`).
pub async fn wait_for(state: &AppState, position: Option<i64>) -> Result<()> {
    let Some(position) = position else {
        return Ok(());
    };
    if position <= 0 || projected(state, position).await? {
        return Ok(());
    }
    let head = state
        .store()
        .head()
        .await
        .map_err(|e| errors::command(e.into()))?;
    if position > head {
        return Err(errors::bad_input(format!(
            "minPosition: {position} is beyond the newest event ({head}); pass a position a mutation returned"
        )));
    }
    let Ok(_permit) = state.read_waits.try_acquire() else {
        return Err(errors::coded(
            ErrorCode::Unavailable,
            "too many reads are waiting for the read models to catch up; try again",
        ));
    };
    wait(state, position).await
}

/// Waits for a position this request's own mutation just appended (no head check, no permit:
/// it exists, and mutations are bounded per request).
pub async fn wait_for_own(state: &AppState, position: i64) -> Result<()> {
    if position <= 0 || projected(state, position).await? {
        return Ok(());
    }
    wait(state, position).await
}

async fn projected(state: &AppState, position: i64) -> Result<bool> {
    state
        .reads
        .includes_position(position)
        .await
        .map_err(errors::read)
}

async fn wait(state: &AppState, position: i64) -> Result<()> {
    let mut checkpoints = state.feed.checkpoint();
    let deadline = tokio::time::Instant::now() + state.settings.consistency_timeout;
    loop {
        if projected(state, position).await? {
            return Ok(());
        }
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        if remaining.is_zero() {
            return Err(errors::coded(
                ErrorCode::Unavailable,
                format!("read models have not caught up to position {position} yet; try again"),
            ));
        }
        // Woken by the local projector, or polling for one in another process.
        let pause = remaining.min(Duration::from_millis(100));
        if let Ok(Err(_)) = tokio::time::timeout(pause, checkpoints.changed()).await {
            tokio::time::sleep(pause).await;
        }
    }
}
