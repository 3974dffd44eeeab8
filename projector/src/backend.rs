//! What the projector needs from a SQL driver, so its SQL is written once and compiled for
//! each driver: reading a row's columns ([`Columns`]), binding values ([`Bind`]) and running a
//! statement on a connection ([`Backend`]). Both backends' own sqlx drivers implement it
//! ([`Postgres`], [`Sqlite`]); [`on_backend!`] picks the one of a
//! [`store::Pool`] at the top of each entry point, so no value goes through `sqlx::Any`.
//!
//! The SQL is written with `$1`-style placeholders and passed through
//! [`store::Db::sql`], which rewrites them to SQLite's `?1`.
//!
//! Read models only use text and 64-bit integer columns (JSON is stored as text, times as
//! microseconds), so these few methods are all a read model's codec needs.

use sqlx::Row;
use std::future::Future;

/// Reads the columns of a result row by name.
pub trait Columns {
    /// A `TEXT NOT NULL` column.
    fn text(&self, col: &str) -> Result<String, sqlx::Error>;
    /// A nullable `TEXT` column.
    fn text_opt(&self, col: &str) -> Result<Option<String>, sqlx::Error>;
    /// A `BIGINT NOT NULL` column.
    fn int(&self, col: &str) -> Result<i64, sqlx::Error>;
    /// A nullable `BIGINT` column.
    fn int_opt(&self, col: &str) -> Result<Option<i64>, sqlx::Error>;
    /// A `DOUBLE PRECISION NOT NULL` column.
    fn float(&self, col: &str) -> Result<f64, sqlx::Error>;
}

/// Binds the next parameter of a statement.
pub trait Bind<'q>: Sized {
    /// Borrowed text.
    fn text(self, value: &'q str) -> Self;
    /// Borrowed nullable text.
    fn text_opt(self, value: Option<&'q str>) -> Self;
    /// Text made for this statement (JSON, an id's text form).
    fn owned(self, value: String) -> Self;
    /// Nullable text made for this statement.
    fn owned_opt(self, value: Option<String>) -> Self;
    /// An integer.
    fn int(self, value: i64) -> Self;
    /// A nullable integer.
    fn int_opt(self, value: Option<i64>) -> Self;
    /// A floating-point number.
    fn float(self, value: f64) -> Self;
}

/// A SQL driver the projector runs on.
pub trait Backend: Send + Sync + 'static {
    /// A connection (or a transaction's connection).
    type Conn: Send;
    /// A result row.
    type Row: Columns + Send;
    /// A statement with its bound parameters.
    type Query<'q>: Bind<'q> + Send;

    /// A statement over `sql` (placeholders already in the backend's form).
    fn query(sql: &str) -> Self::Query<'_>;
    /// Runs `q` and returns every row.
    fn fetch_all<'c>(
        conn: &'c mut Self::Conn,
        q: Self::Query<'c>,
    ) -> impl Future<Output = Result<Vec<Self::Row>, sqlx::Error>> + Send + 'c;
    /// Runs `q` and returns its first row, if any.
    fn fetch_optional<'c>(
        conn: &'c mut Self::Conn,
        q: Self::Query<'c>,
    ) -> impl Future<Output = Result<Option<Self::Row>, sqlx::Error>> + Send + 'c;
    /// Runs `q` for its effect.
    fn execute<'c>(
        conn: &'c mut Self::Conn,
        q: Self::Query<'c>,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send + 'c;
}

/// Implements [`Columns`], [`Bind`] and [`Backend`] for one sqlx driver `$db`.
macro_rules! backend {
    ($(#[$doc:meta])* $name:ident, $db:ty, $row:ty) => {
        $(#[$doc])*
        pub struct $name;

        impl Columns for $row {
            fn text(&self, col: &str) -> Result<String, sqlx::Error> {
                self.try_get(col)
            }
            fn text_opt(&self, col: &str) -> Result<Option<String>, sqlx::Error> {
                self.try_get(col)
            }
            fn int(&self, col: &str) -> Result<i64, sqlx::Error> {
                self.try_get(col)
            }
            fn int_opt(&self, col: &str) -> Result<Option<i64>, sqlx::Error> {
                self.try_get(col)
            }
            fn float(&self, col: &str) -> Result<f64, sqlx::Error> {
                self.try_get(col)
            }
        }

        impl<'q> Bind<'q> for sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
            fn text(self, value: &'q str) -> Self {
                self.bind(value)
            }
            fn text_opt(self, value: Option<&'q str>) -> Self {
                self.bind(value)
            }
            fn owned(self, value: String) -> Self {
                self.bind(value)
            }
            fn owned_opt(self, value: Option<String>) -> Self {
                self.bind(value)
            }
            fn int(self, value: i64) -> Self {
                self.bind(value)
            }
            fn int_opt(self, value: Option<i64>) -> Self {
                self.bind(value)
            }
            fn float(self, value: f64) -> Self {
                self.bind(value)
            }
        }

        impl Backend for $name {
            type Conn = <$db as sqlx::Database>::Connection;
            type Row = $row;
            type Query<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>;

            fn query(sql: &str) -> Self::Query<'_> {
                sqlx::query(sql)
            }
            fn fetch_all<'c>(
                conn: &'c mut Self::Conn,
                q: Self::Query<'c>,
            ) -> impl Future<Output = Result<Vec<Self::Row>, sqlx::Error>> + Send + 'c {
                q.fetch_all(conn)
            }
            fn fetch_optional<'c>(
                conn: &'c mut Self::Conn,
                q: Self::Query<'c>,
            ) -> impl Future<Output = Result<Option<Self::Row>, sqlx::Error>> + Send + 'c {
                q.fetch_optional(conn)
            }
            fn execute<'c>(
                conn: &'c mut Self::Conn,
                q: Self::Query<'c>,
            ) -> impl Future<Output = Result<(), sqlx::Error>> + Send + 'c {
                async move { q.execute(conn).await.map(|_| ()) }
            }
        }
    };
}

backend!(
    /// sqlx's own Postgres driver.
    Postgres,
    sqlx::Postgres,
    sqlx::postgres::PgRow
);
backend!(
    /// sqlx's own SQLite driver.
    Sqlite,
    sqlx::Sqlite,
    sqlx::sqlite::SqliteRow
);

/// Runs `$body` on the native pool of a [`store::Pool`]: `$p` is bound to the pool and `$B`
/// names the matching [`Backend`], so the body is written once and compiled per backend.
///
/// `on_backend!(db.reads(), p, B => { let mut c = p.acquire().await?; run::<B>(&mut c).await })`
macro_rules! on_backend {
    ($pool:expr, $p:ident, $B:ident => $body:expr) => {
        match $pool {
            ::store::Pool::Postgres($p) => {
                type $B = $crate::backend::Postgres;
                $body
            }
            ::store::Pool::Sqlite($p) => {
                type $B = $crate::backend::Sqlite;
                $body
            }
        }
    };
}
pub(crate) use on_backend;
