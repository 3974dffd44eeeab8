//! A cluster's droplets as the autoscaler counts them, read from the event store (not a read
//! model, which may lag behind a SCALE job that just finished).

use crate::aggregates::{Cluster, ClusterState, Droplet};
use crate::error::CommandError;
use crate::handlers::Commands;
use cqrs_es::Aggregate;
use schema::events::upcast;
use schema::{AggregateType, ClusterId, DropletId, DropletName, DropletStatus, JobType};

/// One live droplet of the cluster.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: DropletId,
    pub name: String,
    pub status: DropletStatus,
    /// Its size slug.
    pub size: String,
    /// A job (provisioning or an operation) is pending on it.
    pub busy: bool,
    /// Being destroyed: no longer counted.
    pub leaving: bool,
    /// The position of its first event: larger is newer.
    pub born: i64,
}

impl Member {
    /// Whether the droplet counts as one of the cluster's: not destroyed and not leaving.
    pub fn counts(&self) -> bool {
        !self.leaving
            && !matches!(
                self.status,
                DropletStatus::Destroying | DropletStatus::Destroyed
            )
    }
}

/// The cluster's state, or NOT_FOUND.
pub async fn cluster(commands: &Commands, id: ClusterId) -> Result<ClusterState, CommandError> {
    let (cluster, _) = commands.load::<Cluster>(&id.to_string()).await?;
    cluster
        .state
        .ok_or_else(|| CommandError::NotFound(format!("cluster {id} not found")))
}

/// The cluster's droplets that are not destroyed, oldest first.
pub async fn members(commands: &Commands, id: ClusterId) -> Result<Vec<Member>, CommandError> {
    let (cluster, _) = commands.load::<Cluster>(&id.to_string()).await?;
    let mut members = Vec::with_capacity(cluster.live_droplets.len());
    for droplet_id in &cluster.live_droplets {
        let stored = commands
            .store()
            .load(AggregateType::Droplet, &droplet_id.to_string())
            .await?;
        let born = stored.first().map_or(0, |e| e.position);
        let mut droplet = Droplet::default();
        for e in stored {
            let event = upcast(&e.event_type, &e.event_version, e.payload)
                .map_err(|err| CommandError::Internal(err.to_string()))?;
            droplet.apply(event);
        }
        let Some(state) = droplet.state else { continue };
        if state.status == DropletStatus::Destroyed {
            continue;
        }
        let busy = droplet.pending.is_some() || state.status == DropletStatus::Provisioning;
        let leaving = matches!(droplet.pending, Some((_, JobType::Destroy)));
        members.push(Member {
            id: *droplet_id,
            name: state.name,
            status: state.status,
            size: state.size.to_string(),
            busy,
            leaving,
            born,
        });
    }
    members.sort_by_key(|m| m.born);
    Ok(members)
}

/// `count` names `<cluster>-<n>` for new droplets: the numbers after the highest the
/// cluster's droplets use, skipping names another droplet holds.
pub async fn free_names(
    commands: &Commands,
    cluster: &str,
    members: &[Member],
    count: u32,
) -> Result<Vec<String>, CommandError> {
    let prefix = format!("{cluster}-");
    let mut n = members
        .iter()
        .filter_map(|m| m.name.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    let mut names = Vec::with_capacity(count as usize);
    while names.len() < count as usize {
        n += 1;
        let name = format!("{prefix}{n}");
        DropletName::parse(&name).map_err(|e| {
            CommandError::FailedPrecondition(format!(
                "cannot name a new droplet of cluster {cluster}: {name}: {e}"
            ))
        })?;
        let held = commands
            .store()
            .claim_owner(crate::handlers::DROPLET_NAME, &name)
            .await?;
        if held.is_none() {
            names.push(name);
        }
    }
    Ok(names)
}
