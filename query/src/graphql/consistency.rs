//! Read-your-writes: wait (bounded) until the read models include a given position.

use crate::errors;
use crate::state::AppState;
use async_graphql::Result;
use std::time::Duration;

/// Waits until the event at global `position` has been projected.
pub async fn wait_for(state: &AppState, position: Option<i64>) -> Result<()> {
    let Some(position) = position else {
        return Ok(());
    };
    if position <= 0 {
        return Ok(());
    }
    let mut checkpoints = state.feed.checkpoint();
    let deadline = tokio::time::Instant::now() + state.settings.consistency_timeout;
    loop {
        if state
            .reads
            .includes_position(position)
            .await
            .map_err(errors::read)?
        {
            return Ok(());
        }
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        if remaining.is_zero() {
            return Err(errors::coded(
                "UNAVAILABLE",
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
