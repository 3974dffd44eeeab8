//! The Droplet aggregate: one virtual machine and its lifecycle.
//!
//! PROVISIONING → RUNNING | FAILED; RUNNING ↔ STOPPED; → DESTROYING → DESTROYED.
//! At most one operation (resize, power, destroy) is pending at a time; it is carried out
//! by a job and completed or abandoned by the worker.

use super::{DomainError, Lifecycle};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use schema::{
    ClusterId, DropletEvent, DropletName, DropletStatus, Image, JobId, JobType, Region, Size,
};
use serde::{Deserialize, Serialize};

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
}

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
            }
        }
    }
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
    fn current(&self) -> Result<&DropletState, DomainError> {
        self.state
            .as_ref()
            .ok_or_else(|| DomainError::NotFound("droplet not found".into()))
    }
    fn status(&self) -> Result<DropletStatus, DomainError> {
        self.current().map(|s| s.status)
    }
    fn name(&self) -> &str {
        self.state.as_ref().map_or("", |s| s.name.as_str())
    }
}

impl Aggregate for Droplet {
    const TYPE: &'static str = "Droplet";
    type Command = DropletCommand;
    type Event = DropletEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        use DropletStatus as S;
        match command {
            DropletCommand::CreateDroplet {
                name,
                cluster_id,
                region,
                size,
                image,
                job_id,
            } => {
                if self.state.is_some() {
                    return Err(DomainError::AlreadyExists("droplet already exists".into()));
                }
                let event = DropletEvent::DropletCreated {
                    name: name.to_string(),
                    cluster_id,
                    region: region.to_string(),
                    size: size.to_string(),
                    image: image.to_string(),
                    job_id,
                };
                sink.write(event, self).await;
            }
            DropletCommand::BeginProvisioning { job_id } => match self.status()? {
                S::Failed => {
                    sink.write(DropletEvent::DropletProvisioningRestarted { job_id }, self)
                        .await
                }
                S::Provisioning | S::Running | S::Stopped => {}
                other => {
                    return Err(DomainError::FailedPrecondition(format!(
                        "droplet {} is {other}; it cannot be provisioned",
                        self.name()
                    )))
                }
            },
            DropletCommand::CompleteProvisioning { ip } => {
                if self.status()? == S::Provisioning {
                    sink.write(DropletEvent::DropletProvisioned { ip }, self)
                        .await;
                }
            }
            DropletCommand::FailProvisioning { reason } => {
                if self.status()? == S::Provisioning {
                    sink.write(DropletEvent::DropletProvisioningFailed { reason }, self)
                        .await;
                }
            }
            DropletCommand::RequestOperation { job_id, operation } => {
                let current = self.current()?;
                let status = current.status;
                if let Some((pending, job_type)) = self.pending {
                    return Err(DomainError::FailedPrecondition(format!(
                        "droplet {} already has a {job_type} job in progress ({pending})",
                        self.name()
                    )));
                }
                let allowed = match &operation {
                    DropletOperation::Resize { size } => {
                        if size.as_str() == current.size {
                            return Err(DomainError::FailedPrecondition(format!(
                                "droplet {} already has size {}",
                                current.name, current.size
                            )));
                        }
                        matches!(status, S::Running | S::Stopped)
                    }
                    DropletOperation::Power { on: true } => status == S::Stopped,
                    DropletOperation::Power { on: false } => status == S::Running,
                    DropletOperation::Destroy => {
                        matches!(status, S::Running | S::Stopped | S::Failed)
                    }
                };
                if !allowed {
                    return Err(DomainError::FailedPrecondition(format!(
                        "droplet {} is {status}; cannot {}",
                        current.name,
                        describe(&operation)
                    )));
                }
                let job_type = operation.job_type();
                sink.write(
                    DropletEvent::DropletOperationRequested { job_id, job_type },
                    self,
                )
                .await;
                if operation == DropletOperation::Destroy {
                    sink.write(DropletEvent::DropletDestroying {}, self).await;
                }
            }
            DropletCommand::CompleteOperation { job_id, operation } => {
                self.status()?;
                let Some((pending, job_type)) = self.pending else {
                    // Already completed (a retried worker step): nothing to do.
                    return Ok(());
                };
                if pending != job_id {
                    return Ok(());
                }
                if job_type != operation.job_type() {
                    return Err(DomainError::FailedPrecondition(format!(
                        "job {job_id} is a {job_type} job, not {}",
                        operation.job_type()
                    )));
                }
                let event = match operation {
                    DropletOperation::Resize { size } => DropletEvent::DropletResized {
                        size: size.to_string(),
                    },
                    DropletOperation::Power { on: true } => DropletEvent::DropletPoweredOn {},
                    DropletOperation::Power { on: false } => DropletEvent::DropletPoweredOff {},
                    DropletOperation::Destroy => DropletEvent::DropletDestroyed {},
                };
                sink.write(event, self).await;
            }
            DropletCommand::AbandonOperation { job_id, reason } => {
                self.status()?;
                if self.pending.map(|p| p.0) == Some(job_id) {
                    sink.write(
                        DropletEvent::DropletOperationAbandoned { job_id, reason },
                        self,
                    )
                    .await;
                }
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match &event {
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
        DropletState::evolve(&mut self.state, &event);
    }
}

fn describe(op: &DropletOperation) -> String {
    match op {
        DropletOperation::Resize { size } => format!("resize to {size}"),
        DropletOperation::Power { on: true } => "power on".into(),
        DropletOperation::Power { on: false } => "power off".into(),
        DropletOperation::Destroy => "destroy".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::TestFramework;

    fn created(job_id: JobId) -> DropletEvent {
        DropletEvent::DropletCreated {
            name: "web-1".into(),
            cluster_id: None,
            region: "nyc1".into(),
            size: "s-1vcpu-1gb".into(),
            image: "debian-12-x64".into(),
            job_id,
        }
    }

    #[test]
    fn provisioning_completes_once() {
        let job = JobId::new();
        TestFramework::<Droplet>::with(())
            .given(vec![
                created(job),
                DropletEvent::DropletProvisioned {
                    ip: "10.0.0.1".into(),
                },
            ])
            .when(DropletCommand::CompleteProvisioning {
                ip: "10.0.0.1".into(),
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn destroy_moves_through_destroying() {
        let job = JobId::new();
        let destroy_job = JobId::new();
        TestFramework::<Droplet>::with(())
            .given(vec![
                created(job),
                DropletEvent::DropletProvisioned {
                    ip: "10.0.0.1".into(),
                },
            ])
            .when(DropletCommand::RequestOperation {
                job_id: destroy_job,
                operation: DropletOperation::Destroy,
            })
            .then_expect_events(vec![
                DropletEvent::DropletOperationRequested {
                    job_id: destroy_job,
                    job_type: JobType::Destroy,
                },
                DropletEvent::DropletDestroying {},
            ]);
    }

    #[test]
    fn refuses_operations_while_provisioning() {
        TestFramework::<Droplet>::with(())
            .given(vec![created(JobId::new())])
            .when(DropletCommand::RequestOperation {
                job_id: JobId::new(),
                operation: DropletOperation::Power { on: false },
            })
            .then_expect_error_message("droplet web-1 is PROVISIONING; cannot power off");
    }

    #[test]
    fn refuses_a_second_pending_operation() {
        let job = JobId::new();
        let resize = JobId::new();
        let result = TestFramework::<Droplet>::with(())
            .given(vec![
                created(job),
                DropletEvent::DropletProvisioned {
                    ip: "10.0.0.1".into(),
                },
                DropletEvent::DropletOperationRequested {
                    job_id: resize,
                    job_type: JobType::Resize,
                },
            ])
            .when(DropletCommand::RequestOperation {
                job_id: JobId::new(),
                operation: DropletOperation::Destroy,
            })
            .inspect_result();
        assert!(matches!(result, Err(DomainError::FailedPrecondition(_))));
    }

    #[test]
    fn abandoned_destroy_restores_status() {
        let job = JobId::new();
        let destroy = JobId::new();
        let mut d = Droplet::default();
        for e in [
            created(job),
            DropletEvent::DropletProvisioned {
                ip: "10.0.0.1".into(),
            },
            DropletEvent::DropletOperationRequested {
                job_id: destroy,
                job_type: JobType::Destroy,
            },
            DropletEvent::DropletDestroying {},
            DropletEvent::DropletOperationAbandoned {
                job_id: destroy,
                reason: "cancelled".into(),
            },
        ] {
            d.apply(e);
        }
        assert_eq!(d.status(), Ok(DropletStatus::Running));
        assert_eq!(d.pending, None);
    }
}
