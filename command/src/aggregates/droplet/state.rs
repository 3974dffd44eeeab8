//! What readers see of a droplet, and how each event changes it.

use crate::aggregates::Lifecycle;
use schema::metrics::InjectedLoad;
use schema::{ClusterId, DropletEvent, DropletStatus, JobId};
use serde::{Deserialize, Serialize};

/// What readers see of a droplet: every field of its read-model row, and the status an
/// abandoned destroy returns to. Folded by [`Lifecycle::evolve`] on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropletState {
    /// Name.
    pub name: String,
    /// Cluster, if any.
    pub cluster_id: Option<ClusterId>,
    /// Region slug.
    pub region: String,
    /// Size slug.
    pub size: String,
    /// Image slug.
    pub image: String,
    /// Lifecycle status.
    pub status: DropletStatus,
    /// Public address once running.
    pub ip: Option<String>,
    /// The most recent job started for it (provisioning or an operation).
    pub job_id: JobId,
    /// Status before DESTROYING, restored if destruction is abandoned.
    pub status_before_destroy: Option<DropletStatus>,
    /// The load an operator injected last (the simulator adds it while it lasts).
    #[serde(default)]
    pub load: Option<InjectedLoad>,
}

impl Lifecycle for DropletState {
    type Event = DropletEvent;

    fn create(event: &DropletEvent) -> Option<Self> {
        match event {
            DropletEvent::DropletCreated {
                name,
                cluster_id,
                region,
                size,
                image,
                job_id,
            } => Some(Self {
                name: name.clone(),
                cluster_id: *cluster_id,
                region: region.clone(),
                size: size.clone(),
                image: image.clone(),
                status: DropletStatus::Provisioning,
                ip: None,
                job_id: *job_id,
                status_before_destroy: None,
                load: None,
            }),
            _ => None,
        }
    }

    fn apply(&mut self, event: &DropletEvent) {
        use DropletStatus as S;
        match event {
            DropletEvent::DropletCreated { .. } => {}
            DropletEvent::DropletProvisioningRestarted { job_id } => {
                self.status = S::Provisioning;
                self.job_id = *job_id;
            }
            DropletEvent::DropletProvisioned { ip } => {
                self.status = S::Running;
                self.ip = Some(ip.clone());
            }
            DropletEvent::DropletProvisioningFailed { .. } => self.status = S::Failed,
            DropletEvent::DropletOperationRequested { job_id, .. } => self.job_id = *job_id,
            DropletEvent::DropletOperationAbandoned { .. } => {
                if let Some(previous) = self.status_before_destroy.take() {
                    self.status = previous;
                }
            }
            DropletEvent::DropletResized { size } => self.size = size.clone(),
            DropletEvent::DropletPoweredOn {} => self.status = S::Running,
            DropletEvent::DropletPoweredOff {} => self.status = S::Stopped,
            DropletEvent::DropletDestroying {} => {
                self.status_before_destroy = Some(self.status);
                self.status = S::Destroying;
            }
            DropletEvent::DropletDestroyed {} => {
                self.status = S::Destroyed;
                self.status_before_destroy = None;
                self.ip = None;
                self.load = None;
            }
            DropletEvent::DropletLoadInjected { load } => self.load = Some(*load),
            DropletEvent::DropletLoadCleared {} => self.load = None,
        }
    }
}
