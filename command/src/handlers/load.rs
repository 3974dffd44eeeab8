//! `injectLoad` / `clearLoad`: simulated load on a droplet or a cluster, recorded as an event
//! of it (an operator action worth auditing); the metrics simulator adds it while it lasts.

use super::{Commands, Outcome};
use crate::aggregates::{Cluster, ClusterCommand, Droplet, DropletCommand};
use crate::context::RequestContext;
use crate::error::CommandError;
use schema::metrics::InjectedLoad;
use schema::{ClusterId, DropletId};

/// What load is injected on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadTarget {
    /// One droplet.
    Droplet(DropletId),
    /// Every droplet of a cluster, and its work queue.
    Cluster(ClusterId),
}

/// What is done to a target's load.
enum Change {
    Inject(InjectedLoad),
    Clear,
}

impl Commands {
    /// Records `load` on `target`; refused for a target that does not exist, is deleted or
    /// destroyed.
    #[tracing::instrument(skip(self, ctx, load))]
    pub async fn inject_load(
        &self,
        ctx: &RequestContext,
        target: LoadTarget,
        load: InjectedLoad,
    ) -> Result<Outcome<LoadTarget>, CommandError> {
        self.change_load(ctx, target, Change::Inject(load), "injectLoad")
            .await
    }

    /// Ends the load injected on `target` before its time; refused when none is active.
    #[tracing::instrument(skip(self, ctx))]
    pub async fn clear_load(
        &self,
        ctx: &RequestContext,
        target: LoadTarget,
    ) -> Result<Outcome<LoadTarget>, CommandError> {
        self.change_load(ctx, target, Change::Clear, "clearLoad")
            .await
    }

    async fn change_load(
        &self,
        ctx: &RequestContext,
        target: LoadTarget,
        change: Change,
        operation: &'static str,
    ) -> Result<Outcome<LoadTarget>, CommandError> {
        let now = chrono::Utc::now();
        let events = match target {
            LoadTarget::Droplet(id) => {
                let key = id.to_string();
                let (droplet, version) = self.load::<Droplet>(&key).await?;
                if droplet.state.is_none() {
                    return Err(CommandError::NotFound(format!("droplet {id} not found")));
                }
                let command = match change {
                    Change::Inject(load) => DropletCommand::InjectLoad { load },
                    Change::Clear => DropletCommand::ClearLoad { now },
                };
                Self::decide_on(&key, droplet, version, command)
                    .await?
                    .new_events()
            }
            LoadTarget::Cluster(id) => {
                let key = id.to_string();
                let (cluster, version) = self.load::<Cluster>(&key).await?;
                if cluster.state.is_none() {
                    return Err(CommandError::NotFound(format!("cluster {id} not found")));
                }
                let command = match change {
                    Change::Inject(load) => ClusterCommand::InjectLoad { load },
                    Change::Clear => ClusterCommand::ClearLoad { now },
                };
                Self::decide_on(&key, cluster, version, command)
                    .await?
                    .new_events()
            }
        };
        let position = self
            .commit(operation, ctx, events, vec![], vec![], None)
            .await?;
        Ok(Outcome {
            value: target,
            position,
        })
    }
}
