//! The event store, which lives in the `store` crate; re-exported here so existing paths
//! (`command::store::EventStore`) keep working.

pub use ::store::event_store::*;
