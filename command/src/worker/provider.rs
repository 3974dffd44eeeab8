//! The provider that carries out droplet work. ClusterGenie ships a simulated one: it walks
//! through named stages in real time and can fail on purpose.

use crate::aggregates::{DropletOperation, Job};
use crate::handlers::JobEffect;
use schema::catalog::ALWAYS_FAILING_IMAGE;
use schema::JobType;
use std::time::Duration;

/// A named step of a job and its share of the job's duration.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Stage name shown to users.
    pub name: &'static str,
    /// What happens in it.
    pub message: &'static str,
    /// Its share of the total duration (shares add up to 1).
    pub share: f64,
}

/// How a job will be carried out.
#[derive(Debug, Clone, PartialEq)]
pub struct JobPlan {
    /// The stages, in order.
    pub stages: Vec<Stage>,
    /// Total duration.
    pub duration: Duration,
    /// The stage (index) at which the attempt fails, with the error; `None` to succeed.
    pub fails_at: Option<(usize, ProviderError)>,
    /// What success does to the droplet.
    pub effect: JobEffect,
}

/// A failed attempt.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ProviderError {
    /// What went wrong.
    pub message: String,
    /// Whether another attempt may succeed.
    pub retryable: bool,
}

/// A provider that simulates a cloud: no machine is created, but timing, stages and
/// failures behave like a real one.
#[derive(Debug, Clone)]
pub struct SimulatedProvider {
    /// Total time of a provisioning job; other jobs take a fraction of it.
    pub provision_time: Duration,
    /// Probability (0–1) that an attempt fails at a random stage.
    pub failure_rate: f64,
}

const fn stage(name: &'static str, message: &'static str, share: f64) -> Stage {
    Stage {
        name,
        message,
        share,
    }
}

impl SimulatedProvider {
    /// Plans a job: its stages, timing, whether it will fail and its effect.
    pub fn plan(
        &self,
        job_id: &str,
        job: &Job,
        image: Option<&str>,
    ) -> Result<JobPlan, ProviderError> {
        let (stages, scale, effect) = match job.job_type() {
            Some(JobType::Provision) => (
                vec![
                    stage("allocating", "reserving capacity on a hypervisor", 0.15),
                    stage("booting", "booting the image", 0.45),
                    stage(
                        "networking",
                        "attaching the network and assigning an address",
                        0.25,
                    ),
                    stage("health check", "waiting for the droplet to answer", 0.15),
                ],
                1.0,
                JobEffect::Provisioned {
                    ip: simulated_ip(job.target_id()),
                },
            ),
            Some(JobType::Destroy | JobType::Resize | JobType::Power) => {
                let operation: DropletOperation = serde_json::from_value(job.params.clone())
                    .map_err(|e| ProviderError {
                        message: format!("corrupt job parameters: {e}"),
                        retryable: false,
                    })?;
                let stages = match &operation {
                    DropletOperation::Destroy => vec![
                        stage("draining", "stopping the droplet", 0.4),
                        stage("releasing", "releasing its address", 0.2),
                        stage("wiping", "wiping its disk", 0.4),
                    ],
                    DropletOperation::Resize { .. } => vec![
                        stage("powering off", "stopping the droplet", 0.3),
                        stage("resizing", "moving to the new size", 0.4),
                        stage("powering on", "starting the droplet again", 0.3),
                    ],
                    DropletOperation::Power { .. } => vec![
                        stage("signalling", "sending the power request", 0.5),
                        stage("settling", "waiting for the new power state", 0.5),
                    ],
                };
                (stages, 0.5, JobEffect::Operation(operation))
            }
            other => {
                return Err(ProviderError {
                    message: format!("the simulated provider cannot run {other:?} jobs"),
                    retryable: false,
                })
            }
        };
        let mut fails_at = None;
        if job.job_type() == Some(JobType::Provision) && image == Some(ALWAYS_FAILING_IMAGE) {
            fails_at = Some((
                1,
                ProviderError {
                    message: format!(
                        "image {ALWAYS_FAILING_IMAGE} failed to boot: no bootable disk"
                    ),
                    retryable: true,
                },
            ));
        } else if self.failure_rate > 0.0 && rand::random::<f64>() < self.failure_rate {
            let at = rand::random_range(0..stages.len());
            fails_at = Some((
                at,
                ProviderError {
                    message: format!(
                        "simulated transient failure while {} (job {job_id})",
                        stages[at].name
                    ),
                    retryable: true,
                },
            ));
        }
        Ok(JobPlan {
            duration: self.provision_time.mul_f64(scale),
            stages,
            fails_at,
            effect,
        })
    }
}

/// A stable private address derived from the droplet id.
fn simulated_ip(droplet_id: &str) -> String {
    let bytes = uuid::Uuid::parse_str(droplet_id)
        .map(|u| *u.as_bytes())
        .unwrap_or([7; 16]);
    format!("10.{}.{}.{}", bytes[13], bytes[14], bytes[15].clamp(2, 254))
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::AggregateType;

    fn job(job_type: JobType, params: serde_json::Value) -> Job {
        let mut job = Job::default();
        cqrs_es::Aggregate::apply(
            &mut job,
            schema::JobEvent::JobQueued {
                job_type,
                target_type: AggregateType::Droplet,
                target_id: uuid::Uuid::new_v4().to_string(),
                params,
                max_attempts: 3,
            },
        );
        job
    }

    /// The plan of a provisioning job from `image`, taking `provision_time` in all.
    fn provisioning(provision_time: Duration, image: &str) -> JobPlan {
        let p = SimulatedProvider {
            provision_time,
            failure_rate: 0.0,
        };
        p.plan(
            "j",
            &job(JobType::Provision, serde_json::json!({})),
            Some(image),
        )
        .unwrap()
    }

    #[test]
    fn provisioning_has_named_stages_and_an_ip() {
        let plan = provisioning(Duration::from_secs(8), "debian-12-x64");
        let names: Vec<_> = plan.stages.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            ["allocating", "booting", "networking", "health check"]
        );
        let total: f64 = plan.stages.iter().map(|s| s.share).sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert!(plan.fails_at.is_none());
        assert!(matches!(plan.effect, JobEffect::Provisioned { ip } if ip.starts_with("10.")));
    }

    #[test]
    fn the_broken_image_always_fails_while_booting() {
        let plan = provisioning(Duration::from_secs(1), ALWAYS_FAILING_IMAGE);
        assert_eq!(plan.fails_at.map(|f| f.0), Some(1));
    }
}
