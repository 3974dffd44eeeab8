//! Appending: one command's events, claims, releases and idempotency record, committed
//! atomically with optimistic concurrency (a taken `(aggregate, sequence)` is a lost race).
//!
//! Three paths, fastest first: events alone are one multi-row `INSERT`; on Postgres the rest
//! is one statement of data-modifying CTEs ([`crate::claims::one_statement_sql`]); otherwise
//! (SQLite, or a value released and claimed again) a transaction of several statements.

use crate::claims::{one_statement_sql, CLAIM, RELEASE, REMEMBER};
use crate::credentials::STORE_SECRET;
use crate::db::{now_us, Dialect};
use crate::error::{is_unique_violation, violated_constraint, StoreError};
use crate::event::{Append, Committed};
use crate::event_store::EventStore;
use crate::hooks::Point;
use crate::on_pool;
use sqlx::query::Query;
use sqlx::{Database, Encode, Row, Type};

impl EventStore {
    /// Commits one command's events, claims, releases and idempotency record atomically.
    /// The events go in as one multi-row `INSERT`.
    pub async fn append(&self, append: Append) -> Result<Vec<Committed>, StoreError> {
        if append.events.is_empty() {
            // A secret is only ever written with the event that sets it.
            debug_assert!(append.secrets.is_empty(), "secrets without an event");
            return Ok(Vec::new());
        }
        let metadata = serde_json::to_string(&append.metadata).map_err(StoreError::Encode)?;
        let now = now_us();
        let dialect = self.db().dialect;
        let events_sql = insert_sql(dialect, append.events.len());
        let sql = if append.events_only() {
            // One statement is atomic by itself: no BEGIN/COMMIT round trips.
            Some(events_sql.clone())
        } else if dialect == Dialect::Postgres && !append.reclaims() && append.secrets.is_empty() {
            Some(one_statement_sql(&append, &events_sql))
        } else {
            None
        };
        self.pause(Point::Decided).await;
        match sql {
            Some(sql) => {
                self.append_in_one_statement(&append, &sql, &metadata, now)
                    .await
            }
            None => {
                self.append_in_transaction(&append, &events_sql, &metadata, now)
                    .await
            }
        }
    }

    /// Runs the one-statement append `sql` (the events `INSERT`, or on Postgres the CTE
    /// statement). Which unique constraint failed tells which error it is.
    async fn append_in_one_statement(
        &self,
        append: &Append,
        sql: &str,
        metadata: &str,
        now: i64,
    ) -> Result<Vec<Committed>, StoreError> {
        let dialect = self.db().dialect;
        let rows = on_pool!(self.db().writes(), p => {
            let mut q = bind_events(sqlx::query(sql), append, metadata, now, dialect);
            for c in append.claims.iter().chain(&append.releases) {
                q = q.bind(c.scope).bind(c.value.as_str()).bind(c.owner.as_str());
            }
            if let Some(idem) = &append.idempotency {
                q = q
                    .bind(idem.scope_key.as_str())
                    .bind(idem.request_hash.as_str())
                    .bind(idem.response.as_str())
                    .bind(now);
            }
            let rows = if self.holds_commits() {
                let mut tx = p.begin().await?;
                let rows = q.fetch_all(&mut *tx).await;
                if rows.is_ok() {
                    self.pause(Point::BeforeCommit).await;
                    tx.commit().await?;
                }
                rows
            } else {
                q.fetch_all(p).await
            };
            rows.and_then(|rows| committed(&rows))
        });
        match rows {
            Err(e) => Err(self.refusal(e, append).await),
            Ok(rows) => Ok(rows),
        }
    }

    /// Claims, releases, events, secrets and the idempotency record as separate statements
    /// in one transaction (SQLite always; Postgres when a value is released and claimed
    /// again, or a secret is stored).
    async fn append_in_transaction(
        &self,
        append: &Append,
        events_sql: &str,
        metadata: &str,
        now: i64,
    ) -> Result<Vec<Committed>, StoreError> {
        let db = self.db();
        let (claim, release, remember) = (db.sql(CLAIM), db.sql(RELEASE), db.sql(REMEMBER));
        let store_secret = db.sql(STORE_SECRET);
        let result: Result<Vec<Committed>, sqlx::Error> = on_pool!(db.writes(), p => async {
            let mut tx = p.begin().await?;
            let claims = append.claims.iter().map(|c| (&claim, c));
            let releases = append.releases.iter().map(|r| (&release, r));
            for (sql, c) in claims.chain(releases) {
                sqlx::query(sql)
                    .bind(c.scope)
                    .bind(c.value.as_str())
                    .bind(c.owner.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            let rows = bind_events(sqlx::query(events_sql), append, metadata, now, db.dialect)
                .fetch_all(&mut *tx)
                .await?;
            let committed = committed(&rows)?;
            for secret in &append.secrets {
                sqlx::query(&store_secret)
                    .bind(secret.principal_id.as_str())
                    .bind(secret.kind)
                    .bind(secret.hash.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(idem) = &append.idempotency {
                let last = committed.last().map(|c| c.position).unwrap_or(0);
                sqlx::query(&remember)
                    .bind(idem.scope_key.as_str())
                    .bind(idem.request_hash.as_str())
                    .bind(idem.response.as_str())
                    .bind(last)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            self.pause(Point::BeforeCommit).await;
            tx.commit().await?;
            Ok(committed)
        }
        .await);
        match result {
            Err(e) => Err(self.refusal(e, append).await),
            Ok(rows) => Ok(rows),
        }
    }

    /// The typed error for a failed append: a violated unique constraint names what was
    /// taken (a claim, the idempotency key, or the aggregate's next sequence: a lost race).
    async fn refusal(&self, e: sqlx::Error, append: &Append) -> StoreError {
        if !is_unique_violation(&e) {
            return StoreError::Database(e);
        }
        let constraint = violated_constraint(&e).map(str::to_owned);
        let message = e.to_string();
        let on = |table: &str, pg: &str| match &constraint {
            Some(name) => name == pg,
            // SQLite names the table and columns in its message instead.
            None => message.contains(&format!("{table}.")),
        };
        if !append.claims.is_empty() && on("unique_claims", "unique_claims_pkey") {
            let claim = self.taken_claim(&append.claims).await;
            return StoreError::ClaimTaken {
                scope: claim.scope,
                value: claim.value.clone(),
            };
        }
        if append.idempotency.is_some() && on("idempotency_keys", "idempotency_keys_pkey") {
            return StoreError::DuplicateKey;
        }
        let first = &append.events[0];
        StoreError::Conflict {
            aggregate_type: first.aggregate_type.as_str().to_string(),
            aggregate_id: first.aggregate_id.clone(),
        }
    }
}

/// Binds every value of the multi-row events `INSERT` ([`insert_sql`]).
fn bind_events<'q, DB>(
    mut q: Query<'q, DB, <DB as Database>::Arguments<'q>>,
    append: &'q Append,
    metadata: &'q str,
    now: i64,
    dialect: Dialect,
) -> Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    &'q str: Encode<'q, DB> + Type<DB>,
    String: Encode<'q, DB> + Type<DB>,
    i64: Encode<'q, DB> + Type<DB>,
{
    for e in &append.events {
        q = q
            .bind(e.aggregate_type.as_str())
            .bind(e.aggregate_id.as_str())
            .bind(e.sequence)
            .bind(e.event_type)
            .bind(e.event_version)
            .bind(e.payload.to_string())
            .bind(metadata);
        if dialect == Dialect::Sqlite {
            q = q.bind(uuid::Uuid::new_v4().to_string()).bind(now);
        }
    }
    q
}

/// The events `INSERT`'s `RETURNING` rows, in global order.
fn committed<R>(rows: &[R]) -> Result<Vec<Committed>, sqlx::Error>
where
    R: Row,
    &'static str: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + Type<R::Database>,
{
    let mut committed = rows
        .iter()
        .map(|row| {
            Ok(Committed {
                aggregate_id: row.try_get("aggregate_id")?,
                sequence: row.try_get("sequence")?,
                position: row.try_get("global_position")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    committed.sort_by_key(|c| c.position);
    Ok(committed)
}

/// The multi-row events `INSERT` for `n` events, returning what was committed.
fn insert_sql(dialect: Dialect, n: usize) -> String {
    let (cols, per_row) = match dialect {
        Dialect::Postgres => (
            "aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata",
            7,
        ),
        Dialect::Sqlite => (
            "aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, event_id, recorded_us",
            9,
        ),
    };
    let rows: Vec<String> = (0..n)
        .map(|i| {
            let b = i * per_row;
            match dialect {
                Dialect::Postgres => format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}::jsonb, ${}::jsonb)",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                ),
                Dialect::Sqlite => {
                    let ps: Vec<String> = (1..=per_row).map(|k| format!("?{}", b + k)).collect();
                    format!("({})", ps.join(", "))
                }
            }
        })
        .collect();
    format!(
        "INSERT INTO events ({cols}) VALUES {} RETURNING aggregate_id, sequence, global_position",
        rows.join(", ")
    )
}
