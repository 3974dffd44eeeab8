//! Health-check commands: create, update, delete, record a change of health, and seed the
//! checks every installation starts with.

use super::idempotency::UserCommand;
use super::{check_version, CommandOptions, Commands, Outcome};
use crate::aggregates::{HealthCheck, HealthCheckCommand};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::IdempotencyRecord;
use schema::diagnosis::DiagnosisTarget;
use schema::health_check::{HealthCheckDraft, HealthCheckSpec, Watched};
use schema::health_target::AddressPolicy;
use schema::values::HealthState;
use schema::{HealthCheckId, IdempotencyKey};

/// Input of `createHealthCheck`.
#[derive(Debug, Clone)]
pub struct CreateHealthCheck {
    /// The checked specification.
    pub spec: HealthCheckSpec,
    /// Makes a retried request return the first result.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl Commands {
    /// Creates a health check.
    #[tracing::instrument(skip_all, fields(name = %input.spec.name))]
    pub async fn create_health_check(
        &self,
        ctx: &RequestContext,
        input: CreateHealthCheck,
    ) -> Result<Outcome<HealthCheckId>, CommandError> {
        let fingerprint = format!("{:?}", input.spec);
        let command = UserCommand::new(
            "createHealthCheck",
            ctx,
            input.idempotency_key.as_ref(),
            fingerprint,
        );
        let spec = &input.spec;
        self.run_user_command(command, |key| async move {
            self.require_watched(spec.watches).await?;
            let id = key.as_ref().map_or_else(HealthCheckId::new, |k| {
                HealthCheckId(k.derived("health-check"))
            });
            let create = HealthCheckCommand::CreateHealthCheck { spec: spec.clone() };
            let record = key.map(|k| k.record(&id));
            self.append_to(ctx, "createHealthCheck", id, None, record, |_| Ok(create))
                .await
        })
        .await
    }

    /// Changes what `patch` gives of a check; the merged specification is checked as a new
    /// one would be (`BAD_USER_INPUT` naming the field).
    #[tracing::instrument(skip(self, ctx, patch, options))]
    pub async fn update_health_check(
        &self,
        ctx: &RequestContext,
        id: HealthCheckId,
        patch: HealthCheckDraft,
        policy: AddressPolicy,
        options: CommandOptions,
    ) -> Result<Outcome<HealthCheckId>, CommandError> {
        let expected_version = options.expected_version;
        let fingerprint = format!("{id}|{patch:?}|{expected_version:?}");
        let command = UserCommand::guarded("updateHealthCheck", ctx, &options, fingerprint);
        let patch = &patch;
        self.run_user_command(command, |key| async move {
            if let Some(linked) = patch.watches {
                self.require_watched(linked).await?;
            }
            let record = key.map(|k| k.record(&id));
            self.append_to(
                ctx,
                "updateHealthCheck",
                id,
                expected_version,
                record,
                |check| {
                    let Some(current) = check.state.as_ref() else {
                        return Err(CommandError::NotFound(format!(
                            "health check {id} not found"
                        )));
                    };
                    let spec = HealthCheckSpec::parse(patch.clone().over(&current.spec)?, policy)?;
                    Ok(HealthCheckCommand::UpdateHealthCheck { spec })
                },
            )
            .await
        })
        .await
    }

    /// The cluster (active) or droplet (not destroyed) a check is to watch exists;
    /// `BAD_USER_INPUT` naming the field otherwise.
    async fn require_watched(&self, watched: Option<Watched>) -> Result<(), CommandError> {
        let Some(watched) = watched else {
            return Ok(());
        };
        let (field, kind, target) = match watched {
            Watched::Cluster(_) => ("clusterId", "cluster", DiagnosisTarget::Cluster),
            Watched::Droplet(_) => ("dropletId", "droplet", DiagnosisTarget::Droplet),
        };
        let id = watched.aggregate_id();
        if self.is_live(target, &id).await? {
            Ok(())
        } else {
            Err(CommandError::BadInput(format!(
                "{field}: {kind} {id} not found"
            )))
        }
    }

    /// Deletes a check; it runs no more.
    #[tracing::instrument(skip(self, ctx, options))]
    pub async fn delete_health_check(
        &self,
        ctx: &RequestContext,
        id: HealthCheckId,
        options: CommandOptions,
    ) -> Result<Outcome<HealthCheckId>, CommandError> {
        let expected_version = options.expected_version;
        let fingerprint = format!("{id}|{expected_version:?}");
        let command = UserCommand::guarded("deleteHealthCheck", ctx, &options, fingerprint);
        self.run_user_command(command, |key| async move {
            let record = key.map(|k| k.record(&id));
            self.append_to(
                ctx,
                "deleteHealthCheck",
                id,
                expected_version,
                record,
                |_| Ok(HealthCheckCommand::DeleteHealthCheck),
            )
            .await
        })
        .await
    }

    /// Records that a check's last `streak` runs all came out `to` (the scheduler's call once a
    /// threshold is reached). Appends nothing when that health is already recorded.
    #[tracing::instrument(skip(self, ctx, error))]
    pub async fn record_health(
        &self,
        ctx: &RequestContext,
        id: HealthCheckId,
        to: HealthState,
        streak: u32,
        error: String,
    ) -> Result<Outcome<HealthCheckId>, CommandError> {
        let fingerprint = format!("{id}|{to}");
        let command = UserCommand::new("recordHealth", ctx, None, fingerprint);
        let error = &error;
        self.run_user_command(command, |_| async move {
            let record = HealthCheckCommand::RecordHealth {
                to,
                streak,
                error: error.clone(),
            };
            self.append_to(ctx, "recordHealth", id, None, None, |_| Ok(record))
                .await
        })
        .await
    }

    /// Creates the check `id` unless it exists or ever existed (an operator who deleted a
    /// seeded check keeps it deleted). `None` when nothing was created.
    pub async fn seed_health_check(
        &self,
        ctx: &RequestContext,
        id: HealthCheckId,
        spec: HealthCheckSpec,
    ) -> Result<Option<Outcome<HealthCheckId>>, CommandError> {
        let create = HealthCheckCommand::CreateHealthCheck { spec };
        // Version 0: it never existed (a deleted check has a version, and stays deleted).
        match self
            .append_to(ctx, "seedHealthCheck", id, Some(0), None, |_| Ok(create))
            .await
        {
            Ok(outcome) => Ok(Some(outcome)),
            // Another process seeded it first.
            Err(CommandError::Race(_) | CommandError::Conflict(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Decides the command `make` builds from check `id`'s current state (refused with
    /// `CONFLICT` unless it is at `expected_version`, when given) and appends what it records.
    async fn append_to(
        &self,
        ctx: &RequestContext,
        name: &'static str,
        id: HealthCheckId,
        expected_version: Option<i64>,
        record: Option<IdempotencyRecord>,
        make: impl FnOnce(&HealthCheck) -> Result<HealthCheckCommand, CommandError>,
    ) -> Result<Outcome<HealthCheckId>, CommandError> {
        let (check, version) = self.load::<HealthCheck>(&id.to_string()).await?;
        let command = make(&check)?;
        check_version(expected_version, version)?;
        let decided = Self::decide_on(&id.to_string(), check, version, command).await?;
        let position = self
            .commit(name, ctx, decided.new_events(), vec![], vec![], record)
            .await?;
        Ok(Outcome {
            value: id,
            position,
        })
    }
}
