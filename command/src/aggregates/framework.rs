//! How an aggregate plugs into cqrs-es, and the guards its decisions share.
//!
//! Each aggregate decides with an inherent `decide(&self, command)` that returns the events to
//! record or a refusal, and keeps what only deciding needs in `remember(&mut self, &event)`;
//! [`event_sourced!`] turns that into the framework's `Aggregate`, so a refused command can
//! never have written an event, and every aggregate folds its readers' state the same way.

use super::DomainError;

/// Refuses a creating command when the aggregate (`what`) already exists.
pub(super) fn absent<S>(state: &Option<S>, what: &str) -> Result<(), DomainError> {
    match state {
        Some(_) => Err(DomainError::AlreadyExists(format!("{what} already exists"))),
        None => Ok(()),
    }
}

/// The state of an aggregate (`what`) that exists, or the refusal that it does not.
pub(super) fn existing<'a, S>(state: &'a Option<S>, what: &str) -> Result<&'a S, DomainError> {
    state
        .as_ref()
        .ok_or_else(|| DomainError::NotFound(format!("{what} not found")))
}

/// Implements `cqrs_es::Aggregate` for `$aggregate` (stored under `$type_name`): `handle`
/// writes what `decide` returns, `apply` calls `remember` and then folds the `state` field
/// (an `Option<$state>`) with [`Lifecycle::evolve`](super::Lifecycle::evolve).
macro_rules! event_sourced {
    ($aggregate:ty, $type_name:literal, $command:ty, $event:ty, $state:ty) => {
        impl cqrs_es::Aggregate for $aggregate {
            const TYPE: &'static str = $type_name;
            type Command = $command;
            type Event = $event;
            type Error = $crate::aggregates::DomainError;
            type Services = ();

            async fn handle(
                &mut self,
                command: Self::Command,
                _services: &Self::Services,
                sink: &cqrs_es::event_sink::EventSink<Self>,
            ) -> Result<(), Self::Error> {
                for event in self.decide(command)? {
                    sink.write(event, self).await;
                }
                Ok(())
            }

            fn apply(&mut self, event: Self::Event) {
                self.remember(&event);
                <$state as $crate::aggregates::Lifecycle>::evolve(&mut self.state, &event);
            }
        }
    };
}
pub(super) use event_sourced;
