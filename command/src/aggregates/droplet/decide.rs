//! What each droplet command records, or why it is refused: pure, given the droplet and the
//! command.

use super::{Droplet, DropletCommand, DropletOperation, DropletState};
use crate::aggregates::framework::{absent, existing};
use crate::aggregates::DomainError;
use schema::{DropletEvent, DropletStatus};

impl Droplet {
    /// The events `command` records on this droplet, in order, or why it is refused.
    pub(super) fn decide(&self, command: DropletCommand) -> Result<Vec<DropletEvent>, DomainError> {
        use DropletStatus as S;
        Ok(match command {
            DropletCommand::CreateDroplet {
                name,
                cluster_id,
                region,
                size,
                image,
                job_id,
            } => {
                absent(&self.state, "droplet")?;
                vec![DropletEvent::DropletCreated {
                    name: name.to_string(),
                    cluster_id,
                    region: region.to_string(),
                    size: size.to_string(),
                    image: image.to_string(),
                    job_id,
                }]
            }
            DropletCommand::BeginProvisioning { job_id } => match self.current()?.status {
                S::Failed => vec![DropletEvent::DropletProvisioningRestarted { job_id }],
                S::Provisioning | S::Running | S::Stopped => vec![],
                other => {
                    return Err(DomainError::FailedPrecondition(format!(
                        "droplet {} is {other}; it cannot be provisioned",
                        self.current()?.name
                    )))
                }
            },
            DropletCommand::CompleteProvisioning { ip } => {
                self.if_provisioning(DropletEvent::DropletProvisioned { ip })?
            }
            DropletCommand::FailProvisioning { reason } => {
                self.if_provisioning(DropletEvent::DropletProvisioningFailed { reason })?
            }
            DropletCommand::RequestOperation { job_id, operation } => {
                self.allow(&operation)?;
                let job_type = operation.job_type();
                let mut events = vec![DropletEvent::DropletOperationRequested { job_id, job_type }];
                if operation == DropletOperation::Destroy {
                    events.push(DropletEvent::DropletDestroying {});
                }
                events
            }
            DropletCommand::CompleteOperation { job_id, operation } => {
                self.current()?;
                let Some((pending, job_type)) = self.pending else {
                    // Already completed (a retried worker step): nothing to do.
                    return Ok(vec![]);
                };
                if pending != job_id {
                    return Ok(vec![]);
                }
                if job_type != operation.job_type() {
                    return Err(DomainError::FailedPrecondition(format!(
                        "job {job_id} is a {job_type} job, not {}",
                        operation.job_type()
                    )));
                }
                vec![match operation {
                    DropletOperation::Resize { size } => DropletEvent::DropletResized {
                        size: size.to_string(),
                    },
                    DropletOperation::Power { on: true } => DropletEvent::DropletPoweredOn {},
                    DropletOperation::Power { on: false } => DropletEvent::DropletPoweredOff {},
                    DropletOperation::Destroy => DropletEvent::DropletDestroyed {},
                }]
            }
            DropletCommand::InjectLoad { load } => {
                let current = self.current()?;
                if matches!(current.status, S::Failed | S::Destroying | S::Destroyed) {
                    return Err(DomainError::FailedPrecondition(format!(
                        "droplet {} is {}; only a live droplet takes load",
                        current.name, current.status
                    )));
                }
                vec![DropletEvent::DropletLoadInjected { load }]
            }
            DropletCommand::ClearLoad { now } => {
                let current = self.current()?;
                if current.load.is_none_or(|l| l.until <= now) {
                    return Err(DomainError::FailedPrecondition(format!(
                        "droplet {} has no injected load to end",
                        current.name
                    )));
                }
                vec![DropletEvent::DropletLoadCleared {}]
            }
            DropletCommand::AbandonOperation { job_id, reason } => {
                self.current()?;
                if self.pending.map(|p| p.0) == Some(job_id) {
                    vec![DropletEvent::DropletOperationAbandoned { job_id, reason }]
                } else {
                    vec![]
                }
            }
        })
    }

    /// What readers see of this droplet, or the refusal that it does not exist.
    pub(super) fn current(&self) -> Result<&DropletState, DomainError> {
        existing(&self.state, "droplet")
    }

    /// `event` while provisioning is under way; nothing once it has settled (a late or
    /// repeated report).
    fn if_provisioning(&self, event: DropletEvent) -> Result<Vec<DropletEvent>, DomainError> {
        let provisioning = self.current()?.status == DropletStatus::Provisioning;
        Ok(if provisioning { vec![event] } else { vec![] })
    }

    /// Refuses `operation` while another is pending or in a status it cannot start from.
    fn allow(&self, operation: &DropletOperation) -> Result<(), DomainError> {
        use DropletStatus as S;
        let current = self.current()?;
        let status = current.status;
        if let Some((pending, job_type)) = self.pending {
            return Err(DomainError::FailedPrecondition(format!(
                "droplet {} already has a {job_type} job in progress ({pending})",
                current.name
            )));
        }
        let allowed = match operation {
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
            DropletOperation::Destroy => matches!(status, S::Running | S::Stopped | S::Failed),
        };
        if !allowed {
            return Err(DomainError::FailedPrecondition(format!(
                "droplet {} is {status}; cannot {}",
                current.name,
                describe(operation)
            )));
        }
        Ok(())
    }
}

/// An operation as a refusal names it.
fn describe(op: &DropletOperation) -> String {
    match op {
        DropletOperation::Resize { size } => format!("resize to {size}"),
        DropletOperation::Power { on: true } => "power on".into(),
        DropletOperation::Power { on: false } => "power off".into(),
        DropletOperation::Destroy => "destroy".into(),
    }
}
