//! Rate-limit rule commands: create (one rule per limiter, scope and scope id, claimed like a
//! user name), update the limit, delete (the claim is freed, the triple can be ruled again).

use super::idempotency::UserCommand;
use super::{check_version, CommandOptions, Commands, Outcome};
use crate::aggregates::{RateLimitRule, RateLimitRuleCommand};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::rate_limit::Limit;
use crate::store::{Claim, StoreError};
use schema::rate_limits::{LimiterName, RuleTarget};
use schema::{IdempotencyKey, RateLimitRuleId};

/// Scope of the claims that keep (limiter, scope, scope id) unique among live rules.
pub const RATE_LIMIT_RULE: &str = "rate-limit-rule";

/// Input of `createRateLimitRule`.
#[derive(Debug, Clone)]
pub struct CreateRateLimitRule {
    /// The limiter it configures.
    pub name: LimiterName,
    /// Whose requests share a bucket.
    pub target: RuleTarget,
    /// Rate and capacity.
    pub limit: Limit,
    /// Makes a retried request return the first result.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl Commands {
    /// Creates a rule; (name, scope, scope id) is claimed in the same transaction, so a
    /// second rule for the same triple is a `CONFLICT`.
    #[tracing::instrument(skip_all, fields(name = %input.name, scope = %input.target.scope))]
    pub async fn create_rate_limit_rule(
        &self,
        ctx: &RequestContext,
        input: CreateRateLimitRule,
    ) -> Result<Outcome<RateLimitRuleId>, CommandError> {
        let unique = input.target.unique_key(&input.name);
        let fingerprint = format!("{unique}|{:?}", input.limit);
        let key = input.idempotency_key.as_ref();
        let command = UserCommand::new("createRateLimitRule", ctx, key, fingerprint);
        let (input, unique) = (&input, &unique);
        self.run_user_command(command, |key| async move {
            let id = key.as_ref().map_or_else(RateLimitRuleId::new, |k| {
                RateLimitRuleId(k.derived("rate-limit-rule"))
            });
            let decided = self
                .decide::<RateLimitRule>(
                    &id.to_string(),
                    RateLimitRuleCommand::CreateRule {
                        name: input.name.clone(),
                        target: input.target.clone(),
                        limit: input.limit,
                    },
                )
                .await?;
            let claim = Claim {
                scope: RATE_LIMIT_RULE,
                value: unique.clone(),
                owner: id.to_string(),
            };
            let record = key.map(|k| k.record(&id));
            let events = decided.new_events();
            match self
                .commit(
                    "createRateLimitRule",
                    ctx,
                    events,
                    vec![claim],
                    vec![],
                    record,
                )
                .await
            {
                Ok(position) => Ok(Outcome {
                    value: id,
                    position,
                }),
                Err(StoreError::ClaimTaken { .. }) => Err(CommandError::Conflict(format!(
                    "a rate-limit rule for {} {}{} already exists; update it instead",
                    input.name,
                    input.target.scope,
                    input
                        .target
                        .scope_id
                        .as_ref()
                        .map(|id| format!(" {id}"))
                        .unwrap_or_default()
                ))),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Gives a rule another rate and capacity (position 0 when they are the same).
    #[tracing::instrument(skip(self, ctx, options))]
    pub async fn update_rate_limit_rule(
        &self,
        ctx: &RequestContext,
        id: RateLimitRuleId,
        limit: Limit,
        options: CommandOptions,
    ) -> Result<Outcome<RateLimitRuleId>, CommandError> {
        let expected_version = options.expected_version;
        let fingerprint = format!("{id}|{limit:?}|{expected_version:?}");
        let command = UserCommand::guarded("updateRateLimitRule", ctx, &options, fingerprint);
        self.run_user_command(command, |key| async move {
            let (rule, version) = self.load::<RateLimitRule>(&id.to_string()).await?;
            if rule.state.is_none() {
                return Err(CommandError::NotFound(format!(
                    "rate-limit rule {id} not found"
                )));
            }
            check_version(expected_version, version)?;
            let update = RateLimitRuleCommand::UpdateRule { limit };
            let decided = Self::decide_on(&id.to_string(), rule, version, update).await?;
            let events = decided.new_events();
            if events.is_empty() {
                return Ok(Outcome {
                    value: id,
                    position: 0,
                });
            }
            let record = key.map(|k| k.record(&id));
            let position = self
                .commit("updateRateLimitRule", ctx, events, vec![], vec![], record)
                .await?;
            Ok(Outcome {
                value: id,
                position,
            })
        })
        .await
    }

    /// Deletes a rule and frees its (name, scope, scope id).
    #[tracing::instrument(skip(self, ctx, options))]
    pub async fn delete_rate_limit_rule(
        &self,
        ctx: &RequestContext,
        id: RateLimitRuleId,
        options: CommandOptions,
    ) -> Result<Outcome<RateLimitRuleId>, CommandError> {
        let expected_version = options.expected_version;
        let fingerprint = format!("{id}|{expected_version:?}");
        let command = UserCommand::guarded("deleteRateLimitRule", ctx, &options, fingerprint);
        self.run_user_command(command, |key| async move {
            let (rule, version) = self.load::<RateLimitRule>(&id.to_string()).await?;
            let Some(state) = rule.state.clone() else {
                return Err(CommandError::NotFound(format!(
                    "rate-limit rule {id} not found"
                )));
            };
            check_version(expected_version, version)?;
            let decided = Self::decide_on(
                &id.to_string(),
                rule,
                version,
                RateLimitRuleCommand::DeleteRule,
            )
            .await?;
            let name = LimiterName::parse(&state.name)
                .map_err(|e| CommandError::Internal(format!("stored rule name: {e}")))?;
            let target = RuleTarget {
                scope: state.scope,
                scope_id: state.scope_id,
            };
            let release = Claim {
                scope: RATE_LIMIT_RULE,
                value: target.unique_key(&name),
                owner: id.to_string(),
            };
            let record = key.map(|k| k.record(&id));
            let events = decided.new_events();
            let position = self
                .commit(
                    "deleteRateLimitRule",
                    ctx,
                    events,
                    vec![],
                    vec![release],
                    record,
                )
                .await?;
            Ok(Outcome {
                value: id,
                position,
            })
        })
        .await
    }
}
