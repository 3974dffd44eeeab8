//! The state monitoring reads, on both backends: the backlog after a reader's cursor (capped
//! count and the first waiting event's time), the relay's checkpoint, and the workers'
//! heartbeats, of which only fresh ones count and long-dead ones are deleted.

mod common;

use common::{append, event, id, TestDb};
use std::time::{Duration, Instant};
use store::lag::{Backlog, RELAY_CHECKPOINT};
use store::worker_pool::{Heartbeat, PoolFigures, WorkerPool, FORGET_AFTER, FRESH};
use store::{on_pool, LogCursor, StoredEvent};

on_both_backends!(
    the_backlog_counts_the_events_after_a_cursor,
    only_fresh_heartbeats_count
);

/// The whole log once `want` events are readable (other tests' transactions on the same
/// Postgres server can hold the safe-read horizon back for a moment).
async fn log_of(t: &TestDb, want: usize) -> Vec<StoredEvent> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = t.store().read_log(LogCursor::default(), 100).await.unwrap();
        if log.len() >= want {
            return log;
        }
        assert!(Instant::now() < deadline, "log has only {log:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn the_backlog_counts_the_events_after_a_cursor(t: TestDb) {
    let store = t.store();
    assert_eq!(
        store.backlog(LogCursor::default()).await.unwrap(),
        Backlog::default()
    );
    for note in ["one", "two", "three"] {
        store
            .append(append(vec![event(&id(), 1, note)]))
            .await
            .unwrap();
    }
    let log = log_of(&t, 3).await;
    let all = store.backlog(LogCursor::default()).await.unwrap();
    assert_eq!(
        all,
        Backlog {
            events: 3,
            oldest_us: Some(log[0].recorded_us)
        }
    );
    let after_first = store.backlog(log[0].cursor()).await.unwrap();
    assert_eq!(
        after_first,
        Backlog {
            events: 2,
            oldest_us: Some(log[1].recorded_us)
        }
    );
    assert_eq!(
        store.backlog(log[2].cursor()).await.unwrap(),
        Backlog::default()
    );
    // The first waiting event's age; nothing waiting is no lag.
    let now = log[1].recorded_us + 2_500_000;
    assert_eq!(after_first.seconds_behind(now), 2.5);
    assert_eq!(Backlog::default().seconds_behind(now), 0.0);

    // No relay has confirmed anything here; then one has, up to the second event.
    assert_eq!(store.relay_checkpoint().await.unwrap(), None);
    let cursor = log[1].cursor();
    let sql = t.db.sql(
        "INSERT INTO relay_checkpoints (name, tx, position, updated_us) VALUES ($1, $2, $3, 0)",
    );
    on_pool!(t.db.writes(), p => sqlx::query(&sql)
        .bind(RELAY_CHECKPOINT)
        .bind(cursor.tx)
        .bind(cursor.position)
        .execute(p)
        .await
        .map(|_| ())
        .unwrap());
    assert_eq!(store.relay_checkpoint().await.unwrap(), Some(cursor));
    assert_eq!(store.backlog(cursor).await.unwrap().events, 1);
}

fn beat(worker: &str, runners: i64, busy: i64, seen_us: i64) -> Heartbeat {
    Heartbeat {
        worker_id: worker.into(),
        runners,
        busy,
        started_us: seen_us - 60_000_000,
        seen_us,
    }
}

async fn rows(t: &TestDb) -> i64 {
    on_pool!(t.db.reads(), p => sqlx::query_scalar("SELECT COUNT(*) FROM worker_heartbeats")
        .fetch_one(p)
        .await
        .unwrap())
}

async fn only_fresh_heartbeats_count(t: TestDb) {
    let pool = WorkerPool::new(t.db.clone());
    let now = store::now_us();
    let fresh = FRESH.as_micros() as i64;
    assert_eq!(pool.live(now).await.unwrap(), PoolFigures::default());

    pool.beat(&beat(
        "long-gone",
        8,
        8,
        now - FORGET_AFTER.as_micros() as i64 - 1,
    ))
    .await
    .unwrap();
    pool.beat(&beat("frozen", 2, 2, now - fresh - 1))
        .await
        .unwrap();
    pool.beat(&beat("alive", 4, 1, now - fresh)).await.unwrap();
    assert_eq!(
        pool.live(now).await.unwrap(),
        PoolFigures {
            workers: 1,
            runners: 4,
            busy: 1
        }
    );
    // A beat replaces the worker's last one; the long-gone worker's row is deleted by it.
    pool.beat(&beat("alive", 4, 3, now)).await.unwrap();
    pool.beat(&beat("frozen", 2, 0, now)).await.unwrap();
    assert_eq!(
        pool.live(now).await.unwrap(),
        PoolFigures {
            workers: 2,
            runners: 6,
            busy: 3
        }
    );
    assert_eq!(
        rows(&t).await,
        2,
        "the long-gone worker's row is still there"
    );

    pool.forget("alive").await.unwrap();
    assert_eq!(
        pool.live(now).await.unwrap(),
        PoolFigures {
            workers: 1,
            runners: 2,
            busy: 0
        }
    );
}
