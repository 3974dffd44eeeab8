//! Points in the append path where a test can pause an append, to force races (two appends
//! that have both decided before either writes) and to hold a transaction open before it
//! commits (the safe-read rule's test). The hooks exist only with the `test-hooks` feature;
//! without it [`EventStore::pause`] compiles to nothing.

use crate::event_store::EventStore;

/// Where in an append the hook is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// The append is decided (statements built, every value bound) and nothing is written.
    Decided,
    /// Everything is written inside the append's transaction, which has not committed yet.
    BeforeCommit,
}

#[cfg(feature = "test-hooks")]
pub use enabled::Hook;

#[cfg(feature = "test-hooks")]
mod enabled {
    use super::Point;
    use futures::future::BoxFuture;
    use std::sync::Arc;

    /// A test's pause: called at each [`Point`] of every append of the store it is set on,
    /// and the append waits for the returned future.
    #[derive(Clone)]
    pub struct Hook(Arc<dyn Fn(Point) -> BoxFuture<'static, ()> + Send + Sync>);

    impl Hook {
        /// Wraps the test's function.
        pub fn new(f: impl Fn(Point) -> BoxFuture<'static, ()> + Send + Sync + 'static) -> Self {
            Self(Arc::new(f))
        }

        pub(crate) async fn call(&self, point: Point) {
            (self.0)(point).await
        }
    }

    impl std::fmt::Debug for Hook {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Hook")
        }
    }
}

impl EventStore {
    /// The same store, every append of which calls `hook` at each [`Point`]. While a hook is
    /// set, Postgres appends that are one statement run it inside `BEGIN` … `COMMIT` so the
    /// hook can hold the commit; the statement is the same.
    #[cfg(feature = "test-hooks")]
    pub fn with_hook(mut self, hook: Hook) -> Self {
        self.hook = Some(hook);
        self
    }

    /// Waits for the test's hook at `point`, if one is set.
    pub(crate) async fn pause(&self, point: Point) {
        #[cfg(feature = "test-hooks")]
        if let Some(hook) = &self.hook {
            hook.call(point).await;
        }
        let _ = point;
    }

    /// True when a hook may hold commits, so one-statement appends need a transaction.
    pub(crate) fn holds_commits(&self) -> bool {
        #[cfg(feature = "test-hooks")]
        if self.hook.is_some() {
            return true;
        }
        false
    }
}
