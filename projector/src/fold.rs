//! Where each event is applied to its read model: pure functions from (row, event) to row.

use crate::rows::{ClusterRow, DropletRow, JobRow, TimelineEntry};
use command::StoredEvent;
use schema::{ClusterEvent, DropletEvent, JobEvent};

/// Applies a cluster event to its row (`None` before creation).
pub fn cluster(
    row: Option<ClusterRow>,
    ordinal: i64,
    e: &StoredEvent,
    event: &ClusterEvent,
) -> Option<ClusterRow> {
    let mut row = match (row, event) {
        (
            None,
            ClusterEvent::ClusterCreated {
                name,
                region,
                labels,
            },
        ) => ClusterRow {
            id: e.aggregate_id.clone(),
            ordinal,
            name: name.clone(),
            region: region.clone(),
            labels: labels.clone(),
            status: "ACTIVE".into(),
            droplet_count: 0,
            version: 0,
            created_us: e.recorded_us,
            updated_us: e.recorded_us,
        },
        (None, _) => return None,
        (Some(row), _) => row,
    };
    match event {
        ClusterEvent::ClusterCreated { .. } => {}
        ClusterEvent::DropletAttached { .. } => row.droplet_count += 1,
        ClusterEvent::DropletDetached { .. } => row.droplet_count = (row.droplet_count - 1).max(0),
        ClusterEvent::ClusterDeleted {} => row.status = "DELETED".into(),
    }
    row.version = e.sequence;
    row.updated_us = e.recorded_us;
    Some(row)
}

/// Applies a droplet event to its row.
pub fn droplet(
    row: Option<DropletRow>,
    ordinal: i64,
    e: &StoredEvent,
    event: &DropletEvent,
) -> Option<DropletRow> {
    let mut row = match (row, event) {
        (
            None,
            DropletEvent::DropletCreated {
                name,
                cluster_id,
                region,
                size,
                image,
                job_id,
            },
        ) => DropletRow {
            id: e.aggregate_id.clone(),
            ordinal,
            name: name.clone(),
            cluster_id: cluster_id.map(|c| c.to_string()),
            region: region.clone(),
            size: size.clone(),
            image: image.clone(),
            status: "PROVISIONING".into(),
            ip: None,
            job_id: Some(job_id.to_string()),
            version: 0,
            created_us: e.recorded_us,
            updated_us: e.recorded_us,
        },
        (None, _) => return None,
        (Some(row), _) => row,
    };
    match event {
        DropletEvent::DropletCreated { .. } => {}
        DropletEvent::DropletProvisioningRestarted { job_id } => {
            row.status = "PROVISIONING".into();
            row.job_id = Some(job_id.to_string());
        }
        DropletEvent::DropletProvisioned { ip } => {
            row.status = "RUNNING".into();
            row.ip = Some(ip.clone());
        }
        DropletEvent::DropletProvisioningFailed { .. } => row.status = "FAILED".into(),
        DropletEvent::DropletOperationRequested { job_id, .. } => {
            row.job_id = Some(job_id.to_string())
        }
        DropletEvent::DropletOperationAbandoned { .. } => {
            if row.status == "DESTROYING" {
                row.status = if row.ip.is_some() {
                    "RUNNING".into()
                } else {
                    "FAILED".into()
                };
            }
        }
        DropletEvent::DropletResized { size } => row.size = size.clone(),
        DropletEvent::DropletPoweredOn {} => row.status = "RUNNING".into(),
        DropletEvent::DropletPoweredOff {} => row.status = "STOPPED".into(),
        DropletEvent::DropletDestroying {} => row.status = "DESTROYING".into(),
        DropletEvent::DropletDestroyed {} => {
            row.status = "DESTROYED".into();
            row.ip = None;
        }
    }
    row.version = e.sequence;
    row.updated_us = e.recorded_us;
    Some(row)
}

/// Applies a job event to its row.
pub fn job(row: Option<JobRow>, ordinal: i64, e: &StoredEvent, event: &JobEvent) -> Option<JobRow> {
    let mut row = match (row, event) {
        (
            None,
            JobEvent::JobQueued {
                job_type,
                target_type,
                target_id,
                max_attempts,
                ..
            },
        ) => JobRow {
            id: e.aggregate_id.clone(),
            ordinal,
            job_type: job_type.as_str().into(),
            target_type: target_type.as_str().into(),
            target_id: target_id.clone(),
            status: "QUEUED".into(),
            progress: 0,
            stage: "queued".into(),
            message: "waiting for a worker".into(),
            attempts: 0,
            max_attempts: *max_attempts as i64,
            worker: None,
            lease_expires_us: None,
            not_before_us: None,
            error: None,
            result: None,
            timeline: vec![],
            version: 0,
            created_us: e.recorded_us,
            updated_us: e.recorded_us,
        },
        (None, _) => return None,
        (Some(row), _) => row,
    };
    let before = (row.status.clone(), row.stage.clone());
    match event {
        JobEvent::JobQueued { .. } => {}
        JobEvent::JobStarted {
            attempt,
            worker,
            lease_expires_at,
        } => {
            row.status = "RUNNING".into();
            row.attempts = *attempt as i64;
            row.worker = Some(worker.clone());
            row.lease_expires_us = Some(lease_expires_at.timestamp_micros());
            row.not_before_us = None;
            row.stage = "starting".into();
            row.message = format!("attempt {attempt} started");
        }
        JobEvent::JobLeaseExpired { worker } => {
            row.status = "QUEUED".into();
            row.worker = None;
            row.lease_expires_us = None;
            row.message = format!("lease of {worker} expired; taken over");
        }
        JobEvent::JobProgressed {
            progress,
            stage,
            message,
            lease_expires_at,
        } => {
            row.progress = row.progress.max(*progress as i64);
            row.stage = stage.clone();
            row.message = message.clone();
            row.lease_expires_us = Some(lease_expires_at.timestamp_micros());
        }
        JobEvent::JobCompleted { result } => {
            row.status = "COMPLETED".into();
            row.progress = 100;
            row.stage = "done".into();
            row.message = "completed".into();
            row.result = Some(result.clone());
            row.worker = None;
            row.lease_expires_us = None;
        }
        JobEvent::JobAttemptFailed {
            attempt,
            error,
            retry_at,
        } => {
            row.error = Some(error.clone());
            row.worker = None;
            row.lease_expires_us = None;
            match retry_at {
                Some(at) => {
                    row.status = "QUEUED".into();
                    row.not_before_us = Some(at.timestamp_micros());
                    row.message = format!("attempt {attempt} failed: {error}; retrying at {at}");
                }
                None => {
                    row.status = "FAILED".into();
                    row.message = format!("attempt {attempt} failed: {error}");
                }
            }
        }
        JobEvent::JobCancelled { reason } => {
            row.status = "CANCELLED".into();
            row.message = reason.clone();
            row.worker = None;
            row.lease_expires_us = None;
        }
        JobEvent::JobRequeued {} => {
            row.status = "QUEUED".into();
            row.attempts = 0;
            row.progress = 0;
            row.stage = "queued".into();
            row.message = "queued again".into();
            row.error = None;
            row.not_before_us = None;
            row.result = None;
        }
    }
    if (row.status.clone(), row.stage.clone()) != before || row.timeline.is_empty() {
        row.timeline.push(TimelineEntry {
            at_us: e.recorded_us,
            status: row.status.clone(),
            stage: row.stage.clone(),
            progress: row.progress,
            message: row.message.clone(),
        });
    }
    row.version = e.sequence;
    row.updated_us = e.recorded_us;
    Some(row)
}
