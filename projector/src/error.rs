//! Why projecting, rebuilding or dumping the read models failed.

/// A failure of the projector or of a read over the read models.
#[derive(Debug, thiserror::Error)]
pub enum ProjectorError {
    /// The database refused or failed a statement.
    #[error("read-model database: {0}")]
    Database(#[from] sqlx::Error),
    /// The event store could not be read.
    #[error("event store: {0}")]
    Store(#[from] command::store::StoreError),
    /// A row could not be turned into JSON (for a column or a dump).
    #[error("cannot serialise a row of {table}: {source}")]
    Serialise {
        /// The table of the row.
        table: &'static str,
        /// What serde_json said.
        #[source]
        source: serde_json::Error,
    },
}
