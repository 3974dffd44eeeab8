//! Cluster commands: create and delete.

use super::idempotency::UserCommand;
use super::{check_version, CommandOptions, Commands, CreateCluster, Outcome};
use crate::aggregates::{Cluster, ClusterCommand};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::{Claim, StoreError};
use schema::ClusterId;

/// Scope of cluster-name claims.
pub(crate) const CLUSTER_NAME: &str = "cluster-name";

impl Commands {
    /// Creates a cluster; its name is claimed in the same transaction.
    #[tracing::instrument(skip_all, fields(name = %input.name))]
    pub async fn create_cluster(
        &self,
        ctx: &RequestContext,
        input: CreateCluster,
    ) -> Result<Outcome<ClusterId>, CommandError> {
        let (name, region, labels) = (&input.name, &input.region, input.labels.as_map());
        let fingerprint = format!("{name}|{region}|{labels:?}");
        let key = input.idempotency_key.as_ref();
        let command = UserCommand::new("createCluster", ctx, key, fingerprint);
        let input = &input;
        self.run_user_command(command, |key| async move {
            let id = key
                .as_ref()
                .map_or_else(ClusterId::new, |k| ClusterId(k.derived("cluster")));
            let decided = self
                .decide::<Cluster>(
                    &id.to_string(),
                    ClusterCommand::CreateCluster {
                        name: input.name.clone(),
                        region: input.region.clone(),
                        labels: input.labels.clone(),
                    },
                )
                .await?;
            let claim = Claim {
                scope: CLUSTER_NAME,
                value: input.name.to_string(),
                owner: id.to_string(),
            };
            let record = key.map(|k| k.record(&id));
            let events = decided.new_events();
            match self
                .commit("createCluster", ctx, events, vec![claim], vec![], record)
                .await
            {
                Ok(position) => Ok(Outcome {
                    value: id,
                    position,
                }),
                Err(StoreError::ClaimTaken { .. }) => Err(CommandError::Conflict(format!(
                    "cluster name \"{}\" is already taken",
                    input.name
                ))),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Deletes a cluster that has no live droplets and frees its name.
    #[tracing::instrument(skip(self, ctx, options))]
    pub async fn delete_cluster(
        &self,
        ctx: &RequestContext,
        id: ClusterId,
        options: CommandOptions,
    ) -> Result<Outcome<ClusterId>, CommandError> {
        let expected_version = options.expected_version;
        let fingerprint = format!("{id}|{expected_version:?}");
        let command = UserCommand::guarded("deleteCluster", ctx, &options, fingerprint);
        self.run_user_command(command, |key| async move {
            let (state, version) = self.load::<Cluster>(&id.to_string()).await?;
            let Some(name) = state.state.as_ref().map(|s| s.name.clone()) else {
                return Err(CommandError::NotFound(format!("cluster {id} not found")));
            };
            check_version(expected_version, version)?;
            // A live policy would bring droplets back (or keep failing to): it goes first.
            let policies = self.live_policies_of(id).await?;
            if !policies.is_empty() {
                return Err(CommandError::FailedPrecondition(format!(
                    "cluster {name} has scaling policies {}; delete them first",
                    policies.join(", ")
                )));
            }
            let decided = Self::decide_on(
                &id.to_string(),
                state,
                version,
                ClusterCommand::DeleteCluster,
            )
            .await?;
            let release = Claim {
                scope: CLUSTER_NAME,
                value: name,
                owner: id.to_string(),
            };
            let record = key.map(|k| k.record(&id));
            let events = decided.new_events();
            let position = self
                .commit("deleteCluster", ctx, events, vec![], vec![release], record)
                .await?;
            Ok(Outcome {
                value: id,
                position,
            })
        })
        .await
    }
}
