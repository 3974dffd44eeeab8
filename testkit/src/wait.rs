//! Bounded waits: poll a condition until it holds, and fail the test (never fall through)
//! when it does not hold in time.

use std::future::Future;
use std::time::Duration;

/// How often [`until`] polls.
pub const POLL: Duration = Duration::from_millis(100);

/// Polls `check` until it returns `Ok`, and returns that value. `Err` carries what was seen
/// last; after `timeout` the test fails with `what` and that description.
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let last = match check().await {
            Ok(value) => return value,
            Err(last) => last,
        };
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}; last seen: {last}"
        );
        tokio::time::sleep(POLL).await;
    }
}
