//! The Cluster aggregate: a named group of droplets in one region.
//!
//! It tracks its live droplets so that deleting a cluster that still has any is refused on
//! the write side, under the same optimistic concurrency as everything else.

use super::framework::{absent, event_sourced, existing};
use super::{DomainError, Lifecycle};
use schema::metrics::InjectedLoad;
use schema::{ClusterEvent, ClusterName, ClusterStatus, DropletId, Labels, Region};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What can be asked of a cluster.
#[derive(Debug, Clone, PartialEq)]
pub enum ClusterCommand {
    /// Create the cluster.
    CreateCluster {
        name: ClusterName,
        region: Region,
        labels: Labels,
    },
    /// Record that a droplet was placed in it.
    AttachDroplet { droplet_id: DropletId },
    /// Record that a droplet left it.
    DetachDroplet { droplet_id: DropletId },
    /// Delete the cluster (refused while it has live droplets).
    DeleteCluster,
    /// Add simulated load to its droplets and its work queue.
    InjectLoad { load: InjectedLoad },
    /// End the injected load before its time (refused when none is active at `now`).
    ClearLoad { now: chrono::DateTime<chrono::Utc> },
}

/// What readers see of a cluster: every field of its read-model row. Folded by
/// [`Lifecycle::evolve`] on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterState {
    /// Name.
    pub name: String,
    /// Region slug.
    pub region: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Lifecycle status.
    pub status: ClusterStatus,
    /// Droplets in it that are not destroyed.
    pub droplet_count: i64,
    /// The load an operator injected last (the simulator adds it while it lasts).
    #[serde(default)]
    pub load: Option<InjectedLoad>,
}

impl Lifecycle for ClusterState {
    type Event = ClusterEvent;

    fn create(event: &ClusterEvent) -> Option<Self> {
        match event {
            ClusterEvent::ClusterCreated {
                name,
                region,
                labels,
            } => Some(Self {
                name: name.clone(),
                region: region.clone(),
                labels: labels.clone(),
                status: ClusterStatus::Active,
                droplet_count: 0,
                load: None,
            }),
            _ => None,
        }
    }

    fn apply(&mut self, event: &ClusterEvent) {
        match event {
            ClusterEvent::ClusterCreated { .. } => {}
            ClusterEvent::DropletAttached { .. } => self.droplet_count += 1,
            ClusterEvent::DropletDetached { .. } => {
                self.droplet_count = (self.droplet_count - 1).max(0)
            }
            ClusterEvent::ClusterDeleted {} => {
                self.status = ClusterStatus::Deleted;
                self.load = None;
            }
            ClusterEvent::ClusterLoadInjected { load } => self.load = Some(*load),
            ClusterEvent::ClusterLoadCleared {} => self.load = None,
        }
    }
}

/// The state of one cluster, folded from its events: what readers see, plus the set of live
/// droplets that deciding needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// What readers see (`None` before creation).
    #[serde(flatten)]
    pub state: Option<ClusterState>,
    /// Droplets that are not destroyed.
    pub live_droplets: BTreeSet<DropletId>,
}

impl Cluster {
    /// The events `command` records on this cluster, in order, or why it is refused.
    fn decide(&self, command: ClusterCommand) -> Result<Vec<ClusterEvent>, DomainError> {
        Ok(match command {
            ClusterCommand::CreateCluster {
                name,
                region,
                labels,
            } => {
                absent(&self.state, "cluster")?;
                vec![ClusterEvent::ClusterCreated {
                    name: name.to_string(),
                    region: region.to_string(),
                    labels: labels.as_map().clone(),
                }]
            }
            ClusterCommand::AttachDroplet { droplet_id } => {
                self.require_active()?;
                if self.live_droplets.contains(&droplet_id) {
                    vec![]
                } else {
                    vec![ClusterEvent::DropletAttached { droplet_id }]
                }
            }
            ClusterCommand::DetachDroplet { droplet_id } => {
                if self.live_droplets.contains(&droplet_id) {
                    vec![ClusterEvent::DropletDetached { droplet_id }]
                } else {
                    vec![]
                }
            }
            ClusterCommand::DeleteCluster => {
                let name = &self.require_active()?.name;
                if !self.live_droplets.is_empty() {
                    return Err(DomainError::FailedPrecondition(format!(
                        "cluster {name} still has {} live droplet(s); destroy them first",
                        self.live_droplets.len()
                    )));
                }
                vec![ClusterEvent::ClusterDeleted {}]
            }
            ClusterCommand::InjectLoad { load } => {
                self.require_active()?;
                vec![ClusterEvent::ClusterLoadInjected { load }]
            }
            ClusterCommand::ClearLoad { now } => {
                let state = self.require_active()?;
                if state.load.is_none_or(|l| l.until <= now) {
                    return Err(DomainError::FailedPrecondition(format!(
                        "cluster {} has no injected load to end",
                        state.name
                    )));
                }
                vec![ClusterEvent::ClusterLoadCleared {}]
            }
        })
    }

    /// Keeps the set of live droplets, which readers see only as a count.
    fn remember(&mut self, event: &ClusterEvent) {
        match event {
            ClusterEvent::DropletAttached { droplet_id } => {
                self.live_droplets.insert(*droplet_id);
            }
            ClusterEvent::DropletDetached { droplet_id } => {
                self.live_droplets.remove(droplet_id);
            }
            _ => {}
        }
    }

    /// The state of a cluster that exists and is not deleted, or why not.
    fn require_active(&self) -> Result<&ClusterState, DomainError> {
        let state = existing(&self.state, "cluster")?;
        if state.status == ClusterStatus::Deleted {
            return Err(DomainError::FailedPrecondition(format!(
                "cluster {} is deleted",
                state.name
            )));
        }
        Ok(state)
    }
}

event_sourced!(
    Cluster,
    "Cluster",
    ClusterCommand,
    ClusterEvent,
    ClusterState
);

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::{AggregateTestExecutor, TestFramework};

    fn created() -> ClusterEvent {
        ClusterEvent::ClusterCreated {
            name: "prod".into(),
            region: "nyc1".into(),
            labels: BTreeMap::new(),
        }
    }

    #[test]
    fn creates_a_cluster() {
        TestFramework::<Cluster>::with(())
            .given_no_previous_events()
            .when(ClusterCommand::CreateCluster {
                name: ClusterName::parse("prod").unwrap(),
                region: Region::parse("nyc1").unwrap(),
                labels: Labels::default(),
            })
            .then_expect_events(vec![created()]);
    }

    /// The cluster `prod`, created, then given `later` events.
    fn prod(later: Vec<ClusterEvent>) -> AggregateTestExecutor<Cluster> {
        TestFramework::<Cluster>::with(()).given([vec![created()], later].concat())
    }

    #[test]
    fn refuses_to_delete_with_live_droplets() {
        let d = DropletId::new();
        prod(vec![ClusterEvent::DropletAttached { droplet_id: d }])
            .when(ClusterCommand::DeleteCluster)
            .then_expect_error_message(
                "cluster prod still has 1 live droplet(s); destroy them first",
            );
    }

    #[test]
    fn deletes_once_droplets_are_gone() {
        let d = DropletId::new();
        prod(vec![
            ClusterEvent::DropletAttached { droplet_id: d },
            ClusterEvent::DropletDetached { droplet_id: d },
        ])
        .when(ClusterCommand::DeleteCluster)
        .then_expect_events(vec![ClusterEvent::ClusterDeleted {}]);
    }

    #[test]
    fn refuses_droplets_in_a_deleted_cluster() {
        prod(vec![ClusterEvent::ClusterDeleted {}])
            .when(ClusterCommand::AttachDroplet {
                droplet_id: DropletId::new(),
            })
            .then_expect_error_message("cluster prod is deleted");
    }

    #[test]
    fn clears_only_a_load_still_active() {
        let now = chrono::Utc::now();
        let load = |until| InjectedLoad {
            cpu: 0.0,
            memory: 0.0,
            queue_depth: 400.0,
            duration_seconds: 60,
            until,
        };
        let active = load(now + chrono::Duration::seconds(30));
        prod(vec![ClusterEvent::ClusterLoadInjected { load: active }])
            .when(ClusterCommand::ClearLoad { now })
            .then_expect_events(vec![ClusterEvent::ClusterLoadCleared {}]);
        let expired = load(now - chrono::Duration::seconds(1));
        prod(vec![ClusterEvent::ClusterLoadInjected { load: expired }])
            .when(ClusterCommand::ClearLoad { now })
            .then_expect_error_message("cluster prod has no injected load to end");
        prod(vec![
            ClusterEvent::ClusterLoadInjected { load: active },
            ClusterEvent::ClusterLoadCleared {},
        ])
        .when(ClusterCommand::ClearLoad { now })
        .then_expect_error_message("cluster prod has no injected load to end");
    }
}
