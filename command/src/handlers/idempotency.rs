//! The one path every user command runs on: counted in the metrics, retried when it lost a
//! race on append, and idempotent under a client's key — a key seen before returns the
//! stored first result and appends nothing; the same key with other input is a `CONFLICT`.

use super::{retry_races, CommandOptions, Commands, Outcome};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::IdempotencyRecord;
use schema::IdempotencyKey;
use std::fmt::Display;
use std::future::Future;
use std::str::FromStr;
use uuid::Uuid;

/// One run of a user command: who asks, under which name, key and expected version.
pub(crate) struct UserCommand<'a> {
    /// The command's name in metrics and idempotency scopes (`createCluster`).
    pub name: &'static str,
    /// The caller.
    pub ctx: &'a RequestContext,
    /// The client's idempotency key, if any.
    pub key: Option<&'a IdempotencyKey>,
    /// The parsed input, so that a key reused with other input is refused.
    pub fingerprint: String,
    /// An explicit expected version turns a lost race into `CONFLICT` instead of a retry.
    pub expected_version: Option<i64>,
}

impl<'a> UserCommand<'a> {
    /// A command without an expected version: lost races are decided again.
    pub fn new(
        name: &'static str,
        ctx: &'a RequestContext,
        key: Option<&'a IdempotencyKey>,
        fingerprint: String,
    ) -> Self {
        Self {
            name,
            ctx,
            key,
            fingerprint,
            expected_version: None,
        }
    }

    /// Its key, scoped to the caller and the command, with the input it comes with.
    fn key_in_force(&self) -> Option<KeyInForce> {
        self.key.map(|k| KeyInForce {
            scope: format!("{}\u{1f}{}\u{1f}{}", self.ctx.actor, self.name, k.as_str()),
            fingerprint: self.fingerprint.clone(),
        })
    }

    /// A command on an existing aggregate, guarded by `options`.
    pub fn guarded(
        name: &'static str,
        ctx: &'a RequestContext,
        options: &'a CommandOptions,
        fingerprint: String,
    ) -> Self {
        Self {
            expected_version: options.expected_version,
            ..Self::new(name, ctx, options.idempotency_key.as_ref(), fingerprint)
        }
    }
}

/// An idempotency key in force for one command, scoped to its caller and command name,
/// and the input it was first used with.
#[derive(Debug, Clone)]
pub(crate) struct KeyInForce {
    scope: String,
    fingerprint: String,
}

impl KeyInForce {
    /// The record to commit with the command's events; `response` is the command's value.
    pub fn record(&self, response: &impl Display) -> IdempotencyRecord {
        IdempotencyRecord {
            scope_key: self.scope.clone(),
            request_hash: self.fingerprint.clone(),
            response: response.to_string(),
        }
    }

    /// A stable id for the aggregate playing `role` in this command, so a retry that raced
    /// the first request addresses the same aggregate.
    pub fn derived(&self, role: &str) -> Uuid {
        schema::ids::derived_uuid(&self.scope, role)
    }
}

impl Commands {
    /// Runs `once` as `command`: a key seen before returns the stored first result, a lost
    /// race is decided again on a fresh load, and a command that failed because a
    /// concurrent duplicate won returns the winner's result.
    pub(crate) async fn run_user_command<T, F, Fut>(
        &self,
        command: UserCommand<'_>,
        once: F,
    ) -> Result<Outcome<T>, CommandError>
    where
        T: Display + FromStr,
        F: Fn(Option<KeyInForce>) -> Fut,
        Fut: Future<Output = Result<Outcome<T>, CommandError>>,
    {
        let key = command.key_in_force();
        let result = async {
            if let Some(first) = self.replayed(key.as_ref()).await? {
                return Ok(first);
            }
            match retry_races(command.expected_version, || once(key.clone())).await {
                Err(e) => self.replayed(key.as_ref()).await?.ok_or(e),
                done => done,
            }
        }
        .await;
        Self::record(command.name, &result);
        result
    }

    /// The stored first result of `command`'s key, if it was used before (with the same
    /// input; other input is a `CONFLICT`): what running it would answer without deciding.
    pub(crate) async fn replay_of<T: FromStr>(
        &self,
        command: &UserCommand<'_>,
    ) -> Result<Option<Outcome<T>>, CommandError> {
        self.replayed(command.key_in_force().as_ref()).await
    }

    /// The stored first result for a key in force, checking it was used with the same input.
    async fn replayed<T: FromStr>(
        &self,
        key: Option<&KeyInForce>,
    ) -> Result<Option<Outcome<T>>, CommandError> {
        let Some(key) = key else {
            return Ok(None);
        };
        // The store refuses a key reused with other input (`KeyReused`, a CONFLICT).
        let Some(first) = self
            .store()
            .first_response(&key.scope, &key.fingerprint)
            .await?
        else {
            return Ok(None);
        };
        let value = first
            .response
            .parse()
            .map_err(|_| CommandError::Internal("corrupt idempotency record".into()))?;
        Ok(Some(Outcome {
            value,
            position: first.position,
        }))
    }
}
