//! Database connections for both backends: Postgres (distributed) and SQLite (embedded).
//!
//! Each backend is reached through its own sqlx driver ([`Pool`]); code that serves both
//! writes its body once and runs it on whichever pool with [`on_pool!`](crate::on_pool). The
//! few statements that differ come from [`Dialect`]. SQLite has one writer, so it gets a pool
//! of a single writing connection beside a pool of readers.

use crate::migrations;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Which SQL backend is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL 13 or newer.
    Postgres,
    /// SQLite 3.35 or newer (bundled).
    Sqlite,
}

/// Failure to open or migrate the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The connection could not be made.
    #[error("cannot connect to {what}: {source}")]
    Connect {
        what: String,
        #[source]
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The data directory could not be created.
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// A backend's own pool (sqlx's native drivers, no `Any` copying).
#[derive(Clone, Debug)]
pub enum Pool {
    /// Postgres.
    Postgres(sqlx::PgPool),
    /// SQLite.
    Sqlite(sqlx::SqlitePool),
}

impl Pool {
    /// Closes the pool, waiting for its connections to be returned.
    pub async fn close(&self) {
        crate::on_pool!(self, p => p.close().await)
    }
}

/// Runs the same code on whichever backend, `$p` bound to the native pool.
///
/// `store::on_pool!(db.reads(), p => sqlx::query(&sql).bind(x).fetch_all(p).await)`; the body
/// is compiled once per backend, so decode rows inside it.
#[macro_export]
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::Pool::Postgres($p) => $body,
            $crate::Pool::Sqlite($p) => $body,
        }
    };
}

/// Open pools plus the dialect to speak to them.
#[derive(Clone, Debug)]
pub struct Db {
    /// The backend.
    pub dialect: Dialect,
    /// Native pool for statements that write (one connection on SQLite).
    writes: Pool,
    /// Native pool for reads.
    reads: Pool,
    /// A printable description without credentials.
    pub description: String,
    /// Where the pools were opened, to open more pools on the same database.
    source: Source,
}

/// The database a [`Db`] was opened on; its `Debug` hides the Postgres URL (it may hold a password).
#[derive(Clone)]
enum Source {
    Postgres(String),
    Sqlite(String),
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Postgres(url) => write!(f, "Postgres({})", redact(url)),
            Self::Sqlite(url) => write!(f, "Sqlite({url})"),
        }
    }
}

impl Db {
    /// Connects to Postgres at `url` and applies migrations.
    pub async fn postgres(url: &str, max_connections: u32) -> Result<Self, DbError> {
        let description = redact(url);
        let connect = |source| DbError::Connect {
            what: description.clone(),
            source,
        };
        let pool = postgres_pool(url, max_connections, Duration::from_secs(10))
            .await
            .map_err(connect)?;
        let db = Self {
            dialect: Dialect::Postgres,
            writes: Pool::Postgres(pool.clone()),
            reads: Pool::Postgres(pool),
            description,
            source: Source::Postgres(url.to_string()),
        };
        migrations::run(&db.writes).await?;
        Ok(db)
    }

    /// Opens (creating if needed) the SQLite file `clustergenie.db` in `data_dir` and migrates it.
    pub async fn sqlite(data_dir: &Path) -> Result<Self, DbError> {
        std::fs::create_dir_all(data_dir).map_err(|source| DbError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let file = data_dir.join("clustergenie.db");
        let url = format!("sqlite://{}?mode=rwc", file.display());
        let description = format!("sqlite {}", file.display());
        let connect = |source| DbError::Connect {
            what: description.clone(),
            source,
        };
        let timeout = Duration::from_secs(30);
        let writes = sqlite_pool(&url, 1, timeout).await.map_err(connect)?;
        migrations::run(&Pool::Sqlite(writes.clone())).await?;
        let reads = sqlite_pool(&url, 4, timeout).await.map_err(connect)?;
        Ok(Self {
            dialect: Dialect::Sqlite,
            writes: Pool::Sqlite(writes),
            reads: Pool::Sqlite(reads),
            description,
            source: Source::Sqlite(url),
        })
    }

    /// The same database with a pool of its own for reads: at most `max_connections`, each
    /// acquisition waiting at most `acquire_timeout`. Long-lived readers (subscriptions) use
    /// it so that however many there are, they cannot take the connections commands, the
    /// projector and the worker need.
    pub async fn with_own_readers(
        &self,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Result<Self, DbError> {
        let connect = |source| DbError::Connect {
            what: self.description.clone(),
            source,
        };
        let reads = match &self.source {
            Source::Postgres(url) => Pool::Postgres(
                postgres_pool(url, max_connections, acquire_timeout)
                    .await
                    .map_err(connect)?,
            ),
            Source::Sqlite(url) => Pool::Sqlite(
                sqlite_pool(url, max_connections, acquire_timeout)
                    .await
                    .map_err(connect)?,
            ),
        };
        Ok(Self {
            reads,
            ..self.clone()
        })
    }

    /// The native pool for statements that write (one connection on SQLite).
    pub fn writes(&self) -> &Pool {
        &self.writes
    }

    /// The native pool for reads.
    pub fn reads(&self) -> &Pool {
        &self.reads
    }

    /// Rewrites `$1`-style placeholders for the backend (SQLite wants `?1`).
    pub fn sql<'a>(&self, sql: &'a str) -> Cow<'a, str> {
        match self.dialect {
            Dialect::Postgres => Cow::Borrowed(sql),
            Dialect::Sqlite => Cow::Owned(sql.replace('$', "?")),
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        crate::on_pool!(self.reads(), p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))
    }

    /// Closes every pool (only the reads when they are this handle's own: see
    /// [`Db::close_reads`]).
    pub async fn close(&self) {
        self.writes.close().await;
        self.reads.close().await;
    }

    /// Closes only the read pool (the one [`Db::with_own_readers`] opened).
    pub async fn close_reads(&self) {
        self.reads.close().await;
    }
}

/// A native Postgres pool.
async fn postgres_pool(
    url: &str,
    max: u32,
    acquire_timeout: Duration,
) -> Result<sqlx::PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(acquire_timeout)
        .connect(url)
        .await
}

/// A native pool on the SQLite file at `url` with the pragmas every connection needs.
async fn sqlite_pool(
    url: &str,
    max: u32,
    acquire_timeout: Duration,
) -> Result<sqlx::SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    SqlitePoolOptions::new()
        .max_connections(max)
        .acquire_timeout(acquire_timeout)
        // A connection to a local file cannot have been hung up on while idle;
        // the ping would cost a round trip to its worker thread per query (sqlx
        // still pings on release).
        .test_before_acquire(false)
        .connect_with(options)
        .await
}

/// Hides the password in a connection URL.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

/// Microseconds since the Unix epoch, the time unit of every stored timestamp.
pub fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("postgres://h/db"), "postgres://h/db");
    }
}
