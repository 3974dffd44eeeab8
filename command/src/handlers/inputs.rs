//! The parsed inputs of user commands: every value is checked before a handler sees it.

use schema::{ClusterId, ClusterName, DropletName, IdempotencyKey, Image, Labels, Region, Size};

/// Input of `createCluster`.
#[derive(Debug, Clone)]
pub struct CreateCluster {
    /// Unique among clusters.
    pub name: ClusterName,
    /// Where its droplets run.
    pub region: Region,
    /// Free-form labels.
    pub labels: Labels,
    /// Makes a retried request return the first result.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl CreateCluster {
    /// A cluster without labels or idempotency key.
    pub fn new(name: ClusterName, region: Region) -> Self {
        Self {
            name,
            region,
            labels: Labels::default(),
            idempotency_key: None,
        }
    }
}

/// Input of `createDroplet`.
#[derive(Debug, Clone)]
pub struct CreateDroplet {
    /// Unique among live droplets.
    pub name: DropletName,
    /// Where it runs.
    pub region: Region,
    /// Its size.
    pub size: Size,
    /// The image it boots.
    pub image: Image,
    /// The cluster to place it in (same region).
    pub cluster_id: Option<ClusterId>,
    /// Makes a retried request return the first result.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl CreateDroplet {
    /// A droplet outside any cluster, without idempotency key.
    pub fn new(name: DropletName, region: Region, size: Size, image: Image) -> Self {
        Self {
            name,
            region,
            size,
            image,
            cluster_id: None,
            idempotency_key: None,
        }
    }
}

/// The guards a command on an existing aggregate may carry.
#[derive(Debug, Clone, Default)]
pub struct CommandOptions {
    /// Refuse with `CONFLICT` unless the aggregate is at exactly this version.
    pub expected_version: Option<i64>,
    /// Makes a retried request return the first result.
    pub idempotency_key: Option<IdempotencyKey>,
}
