//! The [`EventStore`] handle over either backend; its operations live in [`crate::append`]
//! (writing), [`crate::claims`] (unique values and idempotency records) and [`crate::log`]
//! (reading).

use crate::db::Db;

/// The event store over either backend.
#[derive(Clone, Debug)]
pub struct EventStore {
    db: Db,
    /// A test's pause in the append path.
    #[cfg(feature = "test-hooks")]
    pub(crate) hook: Option<crate::hooks::Hook>,
}

impl EventStore {
    /// Wraps open pools.
    pub fn new(db: Db) -> Self {
        Self {
            db,
            #[cfg(feature = "test-hooks")]
            hook: None,
        }
    }

    /// The underlying pools.
    pub fn db(&self) -> &Db {
        &self.db
    }
}
