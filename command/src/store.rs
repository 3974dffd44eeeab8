//! The event store, which lives in the `store` crate; re-exported here so existing paths
//! (`command::store::EventStore`) keep working.

pub use ::store::{lag, worker_pool};
pub use ::store::{
    Append, Claim, Committed, EventStore, FirstResponse, IdempotencyRecord, LogCursor, NewEvent,
    StoreError, StoredEvent,
};
