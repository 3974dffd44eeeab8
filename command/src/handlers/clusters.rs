//! Cluster commands: create and delete.

use super::{
    check_version, idempotency_scope, parse_id, retry_races, Commands, IdempotencyKey, Outcome,
};
use crate::aggregates::{Cluster, ClusterCommand};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::{Claim, IdempotencyRecord, StoreError};
use schema::{ClusterId, ClusterName, Labels, Region};

/// Scope of cluster-name claims.
pub(crate) const CLUSTER_NAME: &str = "cluster-name";

/// Raw input of `createCluster`, parsed by the handler.
#[derive(Debug, Clone, Default)]
pub struct CreateClusterInput {
    /// Cluster name.
    pub name: String,
    /// Region slug.
    pub region: String,
    /// Labels as key/value pairs.
    pub labels: Vec<(String, String)>,
    /// Makes a retried request return the first result.
    pub idempotency_key: Option<String>,
}

impl Commands {
    /// Creates a cluster; its name is claimed in the same transaction.
    #[tracing::instrument(skip_all, fields(name = %input.name))]
    pub async fn create_cluster(
        &self,
        ctx: &RequestContext,
        input: CreateClusterInput,
    ) -> Result<Outcome<ClusterId>, CommandError> {
        let result = self.create_cluster_inner(ctx, input).await;
        Self::record("createCluster", &result);
        result
    }

    async fn create_cluster_inner(
        &self,
        ctx: &RequestContext,
        input: CreateClusterInput,
    ) -> Result<Outcome<ClusterId>, CommandError> {
        let name = ClusterName::parse(&input.name)?;
        let region = Region::parse(&input.region)?;
        let labels = Labels::parse(input.labels)?;
        let scope = idempotency_scope(ctx, "createCluster", input.idempotency_key.as_deref())?;
        let fingerprint = format!("{name}|{region}|{:?}", labels.as_map());
        if let Some(scope) = &scope {
            if let Some((response, position)) = self.replayed(scope, &fingerprint).await? {
                return Ok(Outcome {
                    value: parse_id("cluster", &response)?,
                    position,
                });
            }
        }
        let id = match &scope {
            Some(s) => ClusterId(schema::ids::derived_uuid(s, "cluster")),
            None => ClusterId::new(),
        };
        let decided = self
            .decide::<Cluster>(
                &id.to_string(),
                ClusterCommand::CreateCluster {
                    name: name.clone(),
                    region,
                    labels,
                },
            )
            .await;
        let decided = match (decided, &scope) {
            (Err(CommandError::Conflict(_) | CommandError::Race(_)), Some(s)) => {
                return self.replay_or_conflict(s, &fingerprint).await
            }
            (d, _) => d?,
        };
        let claim = Claim {
            scope: CLUSTER_NAME,
            value: name.to_string(),
            owner: id.to_string(),
        };
        let idempotency = scope.clone().map(|scope_key| IdempotencyRecord {
            scope_key,
            request_hash: fingerprint.clone(),
            response: id.to_string(),
        });
        let committed = self
            .commit(
                "createCluster",
                ctx,
                decided.new_events(),
                vec![claim],
                vec![],
                idempotency,
            )
            .await;
        match (committed, &scope) {
            (Ok(position), _) => Ok(Outcome {
                value: id,
                position,
            }),
            (
                Err(
                    StoreError::ClaimTaken { .. }
                    | StoreError::DuplicateKey
                    | StoreError::Conflict { .. },
                ),
                Some(s),
            ) => self.replay_or_conflict(s, &fingerprint).await.map_err(|_| {
                CommandError::Conflict(format!("cluster name \"{name}\" is already taken"))
            }),
            (Err(StoreError::ClaimTaken { .. }), None) => Err(CommandError::Conflict(format!(
                "cluster name \"{name}\" is already taken"
            ))),
            (Err(e), _) => Err(e.into()),
        }
    }

    async fn replay_or_conflict(
        &self,
        scope: &str,
        fingerprint: &str,
    ) -> Result<Outcome<ClusterId>, CommandError> {
        match self.replayed(scope, fingerprint).await? {
            Some((response, position)) => Ok(Outcome {
                value: parse_id("cluster", &response)?,
                position,
            }),
            None => Err(CommandError::Conflict(
                "a concurrent request changed the same data; try again".into(),
            )),
        }
    }

    /// Deletes a cluster that has no live droplets and frees its name.
    #[tracing::instrument(skip(self, ctx))]
    pub async fn delete_cluster(
        &self,
        ctx: &RequestContext,
        id: &str,
        expected_version: Option<i64>,
        idempotency_key: Option<&str>,
    ) -> Result<Outcome<ClusterId>, CommandError> {
        let decode = |s: &str| parse_id::<ClusterId>("cluster", s);
        let fingerprint = format!("{}|{expected_version:?}", id.trim());
        let run = |key: Option<IdempotencyKey>| {
            retry_races(expected_version, move || {
                let key = key.clone();
                async move {
                    let id: ClusterId = parse_id("cluster", id)?;
                    let (state, version) = self.load::<Cluster>(&id.to_string()).await?;
                    let Some(name) = state.state.as_ref().map(|s| s.name.clone()) else {
                        return Err(CommandError::NotFound(format!("cluster {id} not found")));
                    };
                    check_version(expected_version, version)?;
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
                    let position = self
                        .commit(
                            "deleteCluster",
                            ctx,
                            decided.new_events(),
                            vec![],
                            vec![release],
                            key.map(|k| k.record(id.to_string())),
                        )
                        .await?;
                    Ok(Outcome {
                        value: id,
                        position,
                    })
                }
            })
        };
        let result = self
            .idempotently(
                ctx,
                "deleteCluster",
                idempotency_key,
                fingerprint,
                decode,
                run,
            )
            .await;
        Self::record("deleteCluster", &result);
        result
    }
}
