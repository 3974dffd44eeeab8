//! The database handle, which lives in the `store` crate; re-exported here so existing paths
//! (`command::db::Db`) keep working.

pub use ::store::db::*;
