//! Mutation payloads and the one path every mutation takes: run the command, map its error,
//! wait (bounded) until the read models include its last event, read the affected objects.
//! A payload with one affected object is one [`single_payload!`] line in its type module.

use super::consistency::wait_for_own;
use crate::errors;
use crate::state::AppState;
use async_graphql::{Context, Result};
use command::{CommandError, Outcome, RequestContext};
use std::future::Future;

/// The doc comment of every payload's `position`.
macro_rules! position_doc {
    () => {
        "Global position of the command's last event; pass as `minPosition` to read your write."
    };
}
pub(crate) use position_doc;

/// The doc comment of every payload's `projected`.
macro_rules! projected_doc {
    () => {
        "True when the read models include the command's last event, so the objects above\n\
         are current. False when they lag (the projector is behind or down): the command was\n\
         carried out all the same, but the objects may be null or older; read them again with\n\
         `minPosition: position`."
    };
}
pub(crate) use projected_doc;

/// A payload with one affected object: the struct and how it is read.
/// `single_payload!(/// doc  ClusterPayload { cluster: Cluster }, ClusterId)`.
macro_rules! single_payload {
    ($(#[$doc:meta])* $payload:ident { $field:ident: $object:ty }, $id:ty) => {
        $(#[$doc])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $payload {
            pub $field: Option<$object>,
            #[doc = $crate::graphql::payloads::position_doc!()]
            pub position: i64,
            #[doc = $crate::graphql::payloads::projected_doc!()]
            pub projected: bool,
        }

        impl $crate::graphql::payloads::Payload for $payload {
            type Affected = $id;

            async fn read(
                state: &$crate::state::AppState,
                id: $id,
                written: $crate::graphql::payloads::Written,
            ) -> async_graphql::Result<Self> {
                Ok(Self {
                    $field: $crate::graphql::read_model::find(state, &id.to_string()).await?,
                    position: written.position,
                    projected: written.projected,
                })
            }
        }
    };
}
pub(crate) use single_payload;

/// Where a command's write stands: its position and whether the read models include it.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    /// Global position of the command's last event.
    pub position: i64,
    /// Whether the read models include it.
    pub projected: bool,
}

/// A mutation's payload, read from the read models once its command's write settled.
pub trait Payload: Sized {
    /// What the command returns: the ids of the objects it affected.
    type Affected;

    /// Reads the affected objects.
    fn read(
        state: &AppState,
        affected: Self::Affected,
        written: Written,
    ) -> impl Future<Output = Result<Self>> + Send;
}

/// The shared state and the caller of a mutation.
pub fn caller<'a>(ctx: &'a Context<'_>) -> (&'a AppState, RequestContext) {
    let state = ctx.data_unchecked::<AppState>();
    let request = ctx
        .data_opt::<RequestContext>()
        .cloned()
        .unwrap_or_else(RequestContext::anonymous);
    (state, request)
}

/// Runs a command (the future `command`) and answers with its payload.
pub async fn respond<P, F>(state: &AppState, command: F) -> Result<P>
where
    P: Payload,
    F: Future<Output = Result<Outcome<P::Affected>, CommandError>>,
{
    let outcome = command.await.map_err(errors::command)?;
    let written = Written {
        position: outcome.position,
        projected: settle(state, outcome.position).await,
    };
    P::read(state, outcome.value, written).await
}

/// Waits (bounded) for the read models to include `position`; false when they did not.
pub(crate) async fn settle(state: &AppState, position: i64) -> bool {
    // The command is committed either way; if the projector is slow, objects may be null.
    match wait_for_own(state, position).await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(position, error = ?e.message, "mutation payload served before the read models caught up");
            false
        }
    }
}
