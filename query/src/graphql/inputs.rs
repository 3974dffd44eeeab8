//! GraphQL mutation inputs, parsed into the command side's checked values before any
//! handler sees them. A bad value is refused here with `BAD_USER_INPUT` and a message that
//! names the field; values are parsed in the order of the input's fields.

use crate::errors;
use async_graphql::{InputObject, Result, ID};
use command::handlers::{CommandOptions, CreateCluster, CreateDroplet};
use schema::{
    ClusterId, ClusterName, DropletId, DropletName, IdempotencyKey, Image, JobId, Labels, Region,
    Size,
};

/// A key/value label.
#[derive(InputObject, Clone, Debug)]
pub struct LabelInput {
    pub key: String,
    pub value: String,
}

/// Input of `createCluster`.
#[derive(InputObject, Clone, Debug)]
pub struct CreateClusterInput {
    /// DNS label, unique among clusters.
    pub name: String,
    /// Region slug from the catalog.
    pub region: String,
    pub labels: Option<Vec<LabelInput>>,
    /// A retried request with the same key returns the first result and appends nothing.
    pub idempotency_key: Option<String>,
}

/// Input of `createDroplet`.
#[derive(InputObject, Clone, Debug)]
pub struct CreateDropletInput {
    /// DNS label, unique among live droplets.
    pub name: String,
    /// Region slug from the catalog.
    pub region: String,
    /// Size slug from the catalog.
    pub size: String,
    /// Image slug from the catalog.
    pub image: String,
    /// Cluster to place the droplet in (same region).
    pub cluster_id: Option<ID>,
    /// A retried request with the same key returns the first result and appends nothing.
    pub idempotency_key: Option<String>,
}

impl CreateClusterInput {
    /// The checked command.
    pub fn parse(self) -> Result<CreateCluster> {
        let labels = self.labels.unwrap_or_default();
        Ok(CreateCluster {
            name: ClusterName::parse(&self.name).map_err(errors::refused)?,
            region: Region::parse(&self.region).map_err(errors::refused)?,
            labels: Labels::parse(labels.into_iter().map(|l| (l.key, l.value)))
                .map_err(errors::refused)?,
            idempotency_key: idempotency_key(self.idempotency_key)?,
        })
    }
}

impl CreateDropletInput {
    /// The checked command.
    pub fn parse(self) -> Result<CreateDroplet> {
        Ok(CreateDroplet {
            name: DropletName::parse(&self.name).map_err(errors::refused)?,
            region: Region::parse(&self.region).map_err(errors::refused)?,
            size: Size::parse(&self.size).map_err(errors::refused)?,
            image: Image::parse(&self.image).map_err(errors::refused)?,
            cluster_id: self.cluster_id.as_ref().map(cluster_id).transpose()?,
            idempotency_key: idempotency_key(self.idempotency_key)?,
        })
    }
}

/// Parses an optional `idempotencyKey` argument.
pub fn idempotency_key(raw: Option<String>) -> Result<Option<IdempotencyKey>> {
    raw.as_deref()
        .map(IdempotencyKey::parse)
        .transpose()
        .map_err(errors::refused)
}

/// Parses the `expectedVersion` and `idempotencyKey` arguments of a command on an
/// existing aggregate.
pub fn options(
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
) -> Result<CommandOptions> {
    Ok(CommandOptions {
        expected_version,
        idempotency_key: self::idempotency_key(idempotency_key)?,
    })
}

/// Parses a cluster id argument.
pub fn cluster_id(raw: &ID) -> Result<ClusterId> {
    ClusterId::parse(raw).map_err(errors::refused)
}

/// Parses a droplet id argument.
pub fn droplet_id(raw: &ID) -> Result<DropletId> {
    DropletId::parse(raw).map_err(errors::refused)
}

/// Parses a job id argument.
pub fn job_id(raw: &ID) -> Result<JobId> {
    JobId::parse(raw).map_err(errors::refused)
}

/// Parses the id argument `field` of a read: any UUID, whatever it identifies.
pub fn any_id(field: &'static str, raw: &ID) -> Result<String> {
    schema::ids::parse_uuid(field, raw)
        .map(|u| u.to_string())
        .map_err(errors::refused)
}
