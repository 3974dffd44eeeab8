//! The event store: appends events atomically with optimistic concurrency and reads the
//! global log in an order no reader can ever see change.
//!
//! On Postgres, positions are allocated by an identity column but transactions may commit
//! out of allocation order; readers therefore read in `(transaction_id, global_position)`
//! order and only below `pg_snapshot_xmin(pg_current_snapshot())`, so an event of a slow,
//! still-running transaction can never appear behind a reader's cursor. SQLite has one
//! writer, so its positions are already in commit order.

use crate::db::{now_us, Db, Dialect};
use schema::{AggregateType, EventMetadata};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Acquire, Row};

/// Where a reader of the global log stands: after the event `(tx, position)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogCursor {
    /// The writing transaction (always 0 on SQLite).
    pub tx: i64,
    /// The global position.
    pub position: i64,
}

/// One stored event as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Global position (strictly increasing).
    pub position: i64,
    /// Writing transaction id (0 on SQLite).
    pub tx: i64,
    /// Unique event id.
    pub event_id: String,
    /// Aggregate type name.
    pub aggregate_type: String,
    /// Aggregate id.
    pub aggregate_id: String,
    /// Per-aggregate sequence, from 1.
    pub sequence: i64,
    /// Stable event type name.
    pub event_type: String,
    /// Payload version.
    pub event_version: String,
    /// The payload, without its type tag.
    pub payload: Value,
    /// Who and why.
    pub metadata: EventMetadata,
    /// When it was recorded, in microseconds since the epoch.
    pub recorded_us: i64,
}

impl StoredEvent {
    /// This event's place in the global order.
    pub fn cursor(&self) -> LogCursor {
        LogCursor {
            tx: self.tx,
            position: self.position,
        }
    }
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Aggregate type.
    pub aggregate_type: AggregateType,
    /// Aggregate id.
    pub aggregate_id: String,
    /// The sequence this event must get; a taken sequence means a lost race.
    pub sequence: i64,
    /// Stable type name.
    pub event_type: &'static str,
    /// Payload version.
    pub event_version: &'static str,
    /// Payload without the type tag.
    pub payload: Value,
}

/// A value that must be unique within its scope (a cluster name, a live droplet name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The namespace, e.g. `cluster-name`.
    pub scope: &'static str,
    /// The unique value.
    pub value: String,
    /// The aggregate that holds it.
    pub owner: String,
}

/// The first response to an idempotency key, stored with the events it produced.
#[derive(Debug, Clone)]
pub struct IdempotencyRecord {
    /// Actor plus key.
    pub scope_key: String,
    /// Hash of the request's input, to refuse the same key with different input.
    pub request_hash: String,
    /// The response, serialized by the caller.
    pub response: String,
}

/// Everything one command writes, committed in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Append {
    /// Events, possibly for several aggregates.
    pub events: Vec<NewEvent>,
    /// Metadata stored with every event.
    pub metadata: EventMetadata,
    /// Unique values to claim.
    pub claims: Vec<Claim>,
    /// Unique values to release.
    pub releases: Vec<Claim>,
    /// Idempotency record to store.
    pub idempotency: Option<IdempotencyRecord>,
}

/// An event as committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// Aggregate id.
    pub aggregate_id: String,
    /// Sequence.
    pub sequence: i64,
    /// Global position.
    pub position: i64,
}

/// Why an append or read failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended to the same aggregate first.
    #[error("concurrent modification of {aggregate_type} {aggregate_id}")]
    Conflict {
        aggregate_type: String,
        aggregate_id: String,
    },
    /// A unique value is held by someone else.
    #[error("{scope} {value:?} is already taken")]
    ClaimTaken { scope: &'static str, value: String },
    /// The idempotency key was used concurrently; read the stored response.
    #[error("idempotency key already used")]
    DuplicateKey,
    /// The database failed or is unreachable.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored row could not be decoded.
    #[error("corrupt stored event at position {position}: {reason}")]
    Corrupt { position: i64, reason: String },
}

impl StoreError {
    /// True when the database could not be reached at all.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed
            )
        )
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            matches!(db.kind(), sqlx::error::ErrorKind::UniqueViolation)
                || matches!(db.code().as_deref(), Some("23505" | "1555" | "2067"))
        }
        _ => false,
    }
}

/// The event store over either backend.
#[derive(Clone, Debug)]
pub struct EventStore {
    db: Db,
}

impl EventStore {
    /// Wraps open pools.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// The underlying pools.
    pub fn db(&self) -> &Db {
        &self.db
    }

    fn select_list(&self) -> &'static str {
        match self.db.dialect {
            Dialect::Postgres => {
                "global_position, transaction_id::text::bigint AS tx, event_id::text AS event_id, \
                 aggregate_type, aggregate_id, sequence, event_type, event_version, \
                 payload::text AS payload, metadata::text AS metadata, \
                 (extract(epoch from recorded_at) * 1000000)::bigint AS recorded_us"
            }
            Dialect::Sqlite => {
                "global_position, 0 AS tx, event_id, aggregate_type, aggregate_id, sequence, \
                 event_type, event_version, payload, metadata, recorded_us"
            }
        }
    }

    fn decode(row: &AnyRow) -> Result<StoredEvent, StoreError> {
        let position: i64 = row.try_get("global_position")?;
        let corrupt = |reason: String| StoreError::Corrupt { position, reason };
        let payload: String = row.try_get("payload")?;
        let metadata: String = row.try_get("metadata")?;
        Ok(StoredEvent {
            position,
            tx: row.try_get("tx")?,
            event_id: row.try_get("event_id")?,
            aggregate_type: row.try_get("aggregate_type")?,
            aggregate_id: row.try_get("aggregate_id")?,
            sequence: row.try_get("sequence")?,
            event_type: row.try_get("event_type")?,
            event_version: row.try_get("event_version")?,
            payload: serde_json::from_str(&payload).map_err(|e| corrupt(e.to_string()))?,
            metadata: serde_json::from_str(&metadata).map_err(|e| corrupt(e.to_string()))?,
            recorded_us: row.try_get("recorded_us")?,
        })
    }

    /// Loads one aggregate's events in sequence order, optionally only up to `max_position`.
    pub async fn load(
        &self,
        aggregate_type: AggregateType,
        aggregate_id: &str,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let sql = format!(
            "SELECT {} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence",
            self.select_list()
        );
        let rows = sqlx::query(&self.db.sql(&sql))
            .bind(aggregate_type.as_str())
            .bind(aggregate_id)
            .fetch_all(&self.db.reader)
            .await?;
        rows.iter().map(Self::decode).collect()
    }

    /// The newest event of one of `event_types` in one aggregate's stream, if any.
    pub async fn latest_of(
        &self,
        aggregate_type: AggregateType,
        aggregate_id: &str,
        event_types: &[&str],
    ) -> Result<Option<StoredEvent>, StoreError> {
        let types = (0..event_types.len())
            .map(|i| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 \
             AND event_type IN ({types}) ORDER BY sequence DESC LIMIT 1",
            self.select_list()
        );
        let sql = self.db.sql(&sql);
        let mut query = sqlx::query(&sql)
            .bind(aggregate_type.as_str())
            .bind(aggregate_id);
        for t in event_types {
            query = query.bind(*t);
        }
        let row = query.fetch_optional(&self.db.reader).await?;
        row.as_ref().map(Self::decode).transpose()
    }

    /// Reads up to `limit` events of the global log strictly after `after`, in global order,
    /// never returning an event that a still-running transaction could precede.
    pub async fn read_log(
        &self,
        after: LogCursor,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let sql = match self.db.dialect {
            Dialect::Postgres => format!(
                "SELECT {} FROM events \
                 WHERE (transaction_id, global_position) > ($1::text::xid8, $2) \
                   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) \
                 ORDER BY transaction_id, global_position LIMIT $3",
                self.select_list()
            ),
            Dialect::Sqlite => format!(
                "SELECT {} FROM events WHERE $1 >= 0 AND global_position > $2 \
                 ORDER BY global_position LIMIT $3",
                self.select_list()
            ),
        };
        let rows = sqlx::query(&self.db.sql(&sql))
            .bind(after.tx.to_string())
            .bind(after.position)
            .bind(limit)
            .fetch_all(&self.db.reader)
            .await?;
        rows.iter().map(Self::decode).collect()
    }

    /// The global position of the newest committed event (0 when the log is empty).
    pub async fn head(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query("SELECT COALESCE(MAX(global_position), 0) AS head FROM events")
                .fetch_one(&self.db.reader)
                .await?
                .try_get("head")?,
        )
    }

    /// The number of events stored.
    pub async fn count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM events")
            .fetch_one(&self.db.reader)
            .await?
            .try_get("n")?)
    }

    /// Looks up a stored idempotent response: `(request_hash, response, position)`.
    pub async fn idempotent_response(
        &self,
        scope_key: &str,
    ) -> Result<Option<(String, String, i64)>, StoreError> {
        let row = sqlx::query(&self.db.sql(
            "SELECT request_hash, response, position FROM idempotency_keys WHERE scope_key = $1",
        ))
        .bind(scope_key)
        .fetch_optional(&self.db.writer)
        .await?;
        Ok(match row {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
            None => None,
        })
    }

    /// Commits one command's events, claims, releases and idempotency record atomically.
    /// The events go in as one multi-row `INSERT`.
    pub async fn append(&self, append: Append) -> Result<Vec<Committed>, StoreError> {
        if append.events.is_empty() {
            return Ok(Vec::new());
        }
        let metadata = serde_json::to_string(&append.metadata).expect("metadata serializes");
        let now = now_us();
        let sql = self.insert_sql(append.events.len());
        if append.claims.is_empty() && append.releases.is_empty() && append.idempotency.is_none() {
            // One statement is atomic by itself: no BEGIN/COMMIT round trips.
            let rows = self
                .bind_events(&sql, &append, &metadata, now)
                .fetch_all(&self.db.writer)
                .await;
            return Self::committed(rows, &append);
        }
        if self.db.dialect == Dialect::Postgres
            && !append.claims.iter().any(|c| {
                append
                    .releases
                    .iter()
                    .any(|r| r.scope == c.scope && r.value == c.value)
            })
        {
            return self
                .append_in_one_statement(&append, &sql, &metadata, now)
                .await;
        }
        let mut conn = self.db.writer.acquire().await?;
        let mut tx = conn.begin().await?;

        for claim in &append.claims {
            let r = sqlx::query(
                &self
                    .db
                    .sql("INSERT INTO unique_claims (scope, value, owner) VALUES ($1, $2, $3)"),
            )
            .bind(claim.scope)
            .bind(&claim.value)
            .bind(&claim.owner)
            .execute(&mut *tx)
            .await;
            match r {
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::ClaimTaken {
                        scope: claim.scope,
                        value: claim.value.clone(),
                    })
                }
                r => {
                    r?;
                }
            }
        }
        for release in &append.releases {
            sqlx::query(
                &self.db.sql(
                    "DELETE FROM unique_claims WHERE scope = $1 AND value = $2 AND owner = $3",
                ),
            )
            .bind(release.scope)
            .bind(&release.value)
            .bind(&release.owner)
            .execute(&mut *tx)
            .await?;
        }

        let rows = self
            .bind_events(&sql, &append, &metadata, now)
            .fetch_all(&mut *tx)
            .await;
        let committed = Self::committed(rows, &append)?;

        if let Some(idem) = &append.idempotency {
            let last = committed.last().map(|c| c.position).unwrap_or(0);
            let r = sqlx::query(&self.db.sql(
                "INSERT INTO idempotency_keys (scope_key, request_hash, response, position, created_us) \
                 VALUES ($1, $2, $3, $4, $5)",
            ))
            .bind(&idem.scope_key)
            .bind(&idem.request_hash)
            .bind(&idem.response)
            .bind(last)
            .bind(now)
            .execute(&mut *tx)
            .await;
            match r {
                Err(e) if is_unique_violation(&e) => return Err(StoreError::DuplicateKey),
                r => {
                    r?;
                }
            }
        }
        tx.commit().await?;
        Ok(committed)
    }

    /// Postgres: claims, releases, events and the idempotency record as one statement (data-
    /// modifying CTEs), atomic without `BEGIN`/`COMMIT`: one round trip instead of four or
    /// more. Which unique constraint failed tells which error it is.
    async fn append_in_one_statement(
        &self,
        append: &Append,
        events_sql: &str,
        metadata: &str,
        now: i64,
    ) -> Result<Vec<Committed>, StoreError> {
        let mut next = append.events.len() * 7;
        let mut param = || {
            next += 1;
            format!("${next}")
        };
        let mut ctes = Vec::new();
        for (i, _) in append.claims.iter().enumerate() {
            ctes.push(format!(
                "claim_{i} AS (INSERT INTO unique_claims (scope, value, owner) VALUES ({}, {}, {}) RETURNING 1)",
                param(),
                param(),
                param()
            ));
        }
        for (i, _) in append.releases.iter().enumerate() {
            ctes.push(format!(
                "release_{i} AS (DELETE FROM unique_claims WHERE scope = {} AND value = {} AND owner = {} RETURNING 1)",
                param(),
                param(),
                param()
            ));
        }
        ctes.push(format!("ev AS ({events_sql})"));
        if append.idempotency.is_some() {
            ctes.push(format!(
                "idem AS (INSERT INTO idempotency_keys (scope_key, request_hash, response, position, created_us) \
                 SELECT {}, {}, {}, max(global_position), {} FROM ev RETURNING 1)",
                param(),
                param(),
                param(),
                param()
            ));
        }
        let sql = format!(
            "WITH {} SELECT aggregate_id, sequence, global_position FROM ev",
            ctes.join(", ")
        );
        let mut q = self.bind_events(&sql, append, metadata, now);
        for c in append.claims.iter().chain(&append.releases) {
            q = q.bind(c.scope).bind(&c.value).bind(&c.owner);
        }
        if let Some(idem) = &append.idempotency {
            q = q
                .bind(&idem.scope_key)
                .bind(&idem.request_hash)
                .bind(&idem.response)
                .bind(now);
        }
        let rows = q.fetch_all(&self.db.writer).await;
        if let Err(sqlx::Error::Database(e)) = &rows {
            match e.constraint() {
                Some("unique_claims_pkey") if !append.claims.is_empty() => {
                    let claim = self.taken_claim(&append.claims).await;
                    return Err(StoreError::ClaimTaken {
                        scope: claim.scope,
                        value: claim.value.clone(),
                    });
                }
                Some("idempotency_keys_pkey") => return Err(StoreError::DuplicateKey),
                _ => {}
            }
        }
        Self::committed(rows, append)
    }

    /// Which of `claims` someone else holds (the first one when it cannot tell).
    async fn taken_claim<'a>(&self, claims: &'a [Claim]) -> &'a Claim {
        if claims.len() > 1 {
            for c in claims {
                let held =
                    sqlx::query(&self.db.sql(
                        "SELECT 1 AS held FROM unique_claims WHERE scope = $1 AND value = $2",
                    ))
                    .bind(c.scope)
                    .bind(&c.value)
                    .fetch_optional(&self.db.writer)
                    .await;
                if matches!(held, Ok(Some(_))) {
                    return c;
                }
            }
        }
        &claims[0]
    }

    /// The multi-row events `INSERT` with every value bound.
    fn bind_events<'q>(
        &self,
        sql: &'q str,
        append: &'q Append,
        metadata: &str,
        now: i64,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut q = sqlx::query(sql);
        for e in &append.events {
            q = q
                .bind(e.aggregate_type.as_str())
                .bind(&e.aggregate_id)
                .bind(e.sequence)
                .bind(e.event_type)
                .bind(e.event_version)
                .bind(e.payload.to_string())
                .bind(metadata.to_string());
            if self.db.dialect == Dialect::Sqlite {
                q = q.bind(uuid::Uuid::new_v4().to_string()).bind(now);
            }
        }
        q
    }

    /// Reads the `RETURNING` rows of the events `INSERT`; a taken sequence is a lost race.
    fn committed(
        rows: Result<Vec<AnyRow>, sqlx::Error>,
        append: &Append,
    ) -> Result<Vec<Committed>, StoreError> {
        let rows = match rows {
            Err(e) if is_unique_violation(&e) => {
                let first = &append.events[0];
                return Err(StoreError::Conflict {
                    aggregate_type: first.aggregate_type.as_str().to_string(),
                    aggregate_id: first.aggregate_id.clone(),
                });
            }
            r => r?,
        };
        let mut committed = Vec::with_capacity(rows.len());
        for row in &rows {
            committed.push(Committed {
                aggregate_id: row.try_get("aggregate_id")?,
                sequence: row.try_get("sequence")?,
                position: row.try_get("global_position")?,
            });
        }
        committed.sort_by_key(|c| c.position);
        Ok(committed)
    }

    fn insert_sql(&self, n: usize) -> String {
        let (cols, per_row) = match self.db.dialect {
            Dialect::Postgres => (
                "aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata",
                7,
            ),
            Dialect::Sqlite => (
                "aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, event_id, recorded_us",
                9,
            ),
        };
        let mut sql = format!("INSERT INTO events ({cols}) VALUES ");
        for i in 0..n {
            if i > 0 {
                sql.push_str(", ");
            }
            let b = i * per_row;
            match self.db.dialect {
                Dialect::Postgres => sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}::jsonb, ${}::jsonb)",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )),
                Dialect::Sqlite => {
                    let ps: Vec<String> = (1..=per_row).map(|k| format!("?{}", b + k)).collect();
                    sql.push_str(&format!("({})", ps.join(", ")));
                }
            }
        }
        sql.push_str(" RETURNING aggregate_id, sequence, global_position");
        sql
    }
}
