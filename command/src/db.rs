//! Database connections for both backends: Postgres (distributed) and SQLite (embedded).
//!
//! Both are reached through sqlx's `Any` driver so that the same queries serve both; the few
//! statements that differ come from [`Dialect`]. SQLite has one writer, so it gets a pool of a
//! single writing connection beside a pool of readers.

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::borrow::Cow;
use std::path::Path;
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

/// Open pools plus the dialect to speak to them.
#[derive(Clone, Debug)]
pub struct Db {
    /// The backend.
    pub dialect: Dialect,
    /// Pool for statements that write (one connection on SQLite).
    pub writer: AnyPool,
    /// Pool for reads.
    pub reader: AnyPool,
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
        install_default_drivers();
        let description = redact(url);
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|source| DbError::Connect {
                what: description.clone(),
                source,
            })?;
        let db = Self {
            dialect: Dialect::Postgres,
            writer: pool.clone(),
            reader: pool,
            description,
            source: Source::Postgres(url.to_string()),
        };
        db.migrate().await?;
        Ok(db)
    }

    /// Opens (creating if needed) the SQLite file `clustergenie.db` in `data_dir` and migrates it.
    pub async fn sqlite(data_dir: &Path) -> Result<Self, DbError> {
        install_default_drivers();
        std::fs::create_dir_all(data_dir).map_err(|source| DbError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let file = data_dir.join("clustergenie.db");
        let url = format!("sqlite://{}?mode=rwc", file.display());
        let description = format!("sqlite {}", file.display());
        let open = |max: u32| sqlite_pool(url.clone(), max, Duration::from_secs(30));
        let writer = open(1).await.map_err(|source| DbError::Connect {
            what: description.clone(),
            source,
        })?;
        let db = Self {
            dialect: Dialect::Sqlite,
            writer: writer.clone(),
            reader: writer,
            description: description.clone(),
            source: Source::Sqlite(url.clone()),
        };
        db.migrate().await?;
        let reader = open(4).await.map_err(|source| DbError::Connect {
            what: description.clone(),
            source,
        })?;
        Ok(Self { reader, ..db })
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
        let reader = match &self.source {
            Source::Postgres(url) => AnyPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(acquire_timeout)
                .connect(url)
                .await
                .map_err(connect)?,
            Source::Sqlite(url) => sqlite_pool(url.clone(), max_connections, acquire_timeout)
                .await
                .map_err(connect)?,
        };
        Ok(Self {
            reader,
            ..self.clone()
        })
    }

    async fn migrate(&self) -> Result<(), DbError> {
        match self.dialect {
            Dialect::Postgres => {
                sqlx::migrate!("../migrations/postgres")
                    .run(&self.writer)
                    .await?
            }
            Dialect::Sqlite => {
                sqlx::migrate!("../migrations/sqlite")
                    .run(&self.writer)
                    .await?
            }
        }
        Ok(())
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
        sqlx::query("SELECT 1")
            .execute(&self.reader)
            .await
            .map(|_| ())
    }

    /// Closes every pool.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// A pool on the SQLite file at `url` with the pragmas every connection needs.
async fn sqlite_pool(
    url: String,
    max: u32,
    acquire_timeout: Duration,
) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(acquire_timeout)
        // A connection to a local file cannot have been hung up on while idle;
        // the ping would cost a round trip to its worker thread per query (sqlx
        // still pings on release).
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; \
                     PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
                )
                .await?;
                Ok(())
            })
        })
        .connect(&url)
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
