//! The Droplet aggregate: one virtual machine and its lifecycle.
//!
//! PROVISIONING → RUNNING | FAILED; RUNNING ↔ STOPPED; → DESTROYING → DESTROYED.
//! At most one operation (resize, power, destroy) is pending at a time; it is carried out
//! by a job and completed or abandoned by the worker.
//!
//! - `state`: what readers see ([`DropletState`]) and how each event changes it;
//! - `decide`: what each [`DropletCommand`] records, or why it is refused.

mod decide;
mod state;
#[cfg(test)]
mod tests;

use super::framework::event_sourced;
use schema::metrics::InjectedLoad;
use schema::{ClusterId, DropletEvent, DropletName, Image, JobId, JobType, Region, Size};
use serde::{Deserialize, Serialize};

pub use state::DropletState;

/// An operation carried out on an existing droplet by a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DropletOperation {
    /// Change the size.
    Resize { size: Size },
    /// Power on (`true`) or off.
    Power { on: bool },
    /// Destroy the droplet.
    Destroy,
}

impl DropletOperation {
    /// The job type that carries this operation out.
    pub fn job_type(&self) -> JobType {
        match self {
            Self::Resize { .. } => JobType::Resize,
            Self::Power { .. } => JobType::Power,
            Self::Destroy => JobType::Destroy,
        }
    }
}

/// What can be asked of a droplet.
#[derive(Debug, Clone, PartialEq)]
pub enum DropletCommand {
    /// Create the droplet; `job_id` will provision it.
    CreateDroplet {
        name: DropletName,
        cluster_id: Option<ClusterId>,
        region: Region,
        size: Size,
        image: Image,
        job_id: JobId,
    },
    /// Provisioning starts (again) under `job_id`.
    BeginProvisioning { job_id: JobId },
    /// Provisioning succeeded.
    CompleteProvisioning { ip: String },
    /// Provisioning failed for good.
    FailProvisioning { reason: String },
    /// Start an operation carried out by `job_id`.
    RequestOperation {
        job_id: JobId,
        operation: DropletOperation,
    },
    /// The operation's job succeeded: apply its effect.
    CompleteOperation {
        job_id: JobId,
        operation: DropletOperation,
    },
    /// The operation's job failed or was cancelled.
    AbandonOperation { job_id: JobId, reason: String },
    /// Add simulated load (an operator's test of monitoring or autoscaling).
    InjectLoad { load: InjectedLoad },
    /// End the injected load before its time (refused when none is active at `now`).
    ClearLoad { now: chrono::DateTime<chrono::Utc> },
}

/// The state of one droplet, folded from its events: what readers see, plus what only
/// deciding needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Droplet {
    /// What readers see (`None` before creation).
    #[serde(flatten)]
    pub state: Option<DropletState>,
    /// The job that provisions it.
    pub provision_job: Option<JobId>,
    /// The operation in progress, if any.
    pub pending: Option<(JobId, JobType)>,
}

impl Droplet {
    /// Keeps the provisioning job and the pending operation, which readers do not see.
    fn remember(&mut self, event: &DropletEvent) {
        match event {
            DropletEvent::DropletCreated { job_id, .. }
            | DropletEvent::DropletProvisioningRestarted { job_id } => {
                self.provision_job = Some(*job_id)
            }
            DropletEvent::DropletOperationRequested { job_id, job_type } => {
                self.pending = Some((*job_id, *job_type));
            }
            DropletEvent::DropletOperationAbandoned { .. }
            | DropletEvent::DropletResized { .. }
            | DropletEvent::DropletPoweredOn {}
            | DropletEvent::DropletPoweredOff {}
            | DropletEvent::DropletDestroyed {} => self.pending = None,
            _ => {}
        }
    }
}

event_sourced!(
    Droplet,
    "Droplet",
    DropletCommand,
    DropletEvent,
    DropletState
);
