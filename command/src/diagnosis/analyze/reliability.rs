//! RELIABILITY: jobs failing again and again with one error, FAILED droplets, droplets stuck
//! in PROVISIONING, a cluster without a RUNNING droplet, and STOPPED droplets.

use super::{event_evidence, finding, running, Found, Thresholds};
use schema::diagnosis::{
    Action, DropletFacts, Evidence, EvidenceKind, JobFacts, Recommendation, Severity, Snapshot,
};
use std::collections::BTreeMap;

pub(super) const RULES: &[fn(&Snapshot, &Thresholds, &mut Found)] = &[
    repeated_job_failures,
    failed_droplets,
    stuck_provisioning,
    no_running_droplet,
    stopped_droplets,
];

fn job_evidence(j: &JobFacts) -> Evidence {
    Evidence {
        kind: EvidenceKind::Job,
        reference: j.id.clone(),
        excerpt: format!(
            "{} {} after {} attempt{}: {}",
            j.job_type,
            j.status,
            j.attempts,
            if j.attempts == 1 { "" } else { "s" },
            j.error.as_deref().unwrap_or("no error recorded")
        ),
    }
}

fn failed_jobs(s: &Snapshot) -> impl Iterator<Item = &JobFacts> {
    s.jobs.iter().filter(|j| j.status == "FAILED")
}

/// `repeated_failures` or more failed jobs with the same error (jobs are newest first).
fn repeated_job_failures(s: &Snapshot, t: &Thresholds, found: &mut Found) {
    let mut by_error: BTreeMap<&str, Vec<&JobFacts>> = BTreeMap::new();
    for j in failed_jobs(s) {
        by_error
            .entry(j.error.as_deref().unwrap_or("no error recorded"))
            .or_default()
            .push(j);
    }
    found.metric("failed_jobs", failed_jobs(s).count() as f64);
    for (error, jobs) in by_error {
        if jobs.len() < t.repeated_failures {
            continue;
        }
        let newest = jobs[0];
        let mut f = finding(
            format!("job-failures:{}", newest.id),
            Severity::Warning,
            format!("{} jobs failed with the same error: {error}", jobs.len()),
        );
        f.explanation = format!(
            "The same error ended {} jobs ({}): retrying without changing anything is likely to \
             fail again.",
            jobs.len(),
            {
                let mut types: Vec<&str> = jobs.iter().map(|j| j.job_type.as_str()).collect();
                types.sort_unstable();
                types.dedup();
                types.join(", ")
            }
        );
        f.confidence = (0.5 + 0.1 * jobs.len() as f64).min(0.9);
        f.evidence = jobs.iter().take(5).map(|j| job_evidence(j)).collect();
        f.recommendation = Some(Recommendation {
            text: format!("fix the cause ({error}), then retry the newest job"),
            action: Some(Action::RetryJob {
                job_id: newest.id.clone(),
            }),
        });
        found.finding(f);
    }
}

/// The newest failed job about droplet `d`.
fn last_failed_job<'a>(s: &'a Snapshot, d: &DropletFacts) -> Option<&'a JobFacts> {
    failed_jobs(s).find(|j| j.target_id == d.id)
}

fn failed_droplets(s: &Snapshot, _: &Thresholds, found: &mut Found) {
    for d in s.droplets.iter().filter(|d| d.status == "FAILED") {
        let job = last_failed_job(s, d);
        let mut f = finding(
            format!("droplet-failed:{}", d.id),
            Severity::Critical,
            format!("droplet {} is FAILED", d.name),
        );
        f.explanation = match job {
            Some(j) => format!(
                "Its {} job failed: {}. The droplet serves nothing until it is provisioned again.",
                j.job_type,
                j.error.as_deref().unwrap_or("no error recorded")
            ),
            None => "The droplet serves nothing in this state.".into(),
        };
        f.confidence = 0.95;
        f.evidence = job.map(job_evidence).into_iter().collect();
        f.recommendation = Some(match job {
            Some(j) => Recommendation {
                text: format!(
                    "retry the {} job of {} (change its image first if it cannot boot)",
                    j.job_type, d.name
                ),
                action: Some(Action::RetryJob {
                    job_id: j.id.clone(),
                }),
            },
            None => Recommendation {
                text: format!("destroy {} and create it again", d.name),
                action: None,
            },
        });
        found.finding(f);
    }
}

fn stuck_provisioning(s: &Snapshot, t: &Thresholds, found: &mut Found) {
    for d in s.droplets.iter().filter(|d| d.status == "PROVISIONING") {
        let minutes = (s.taken_at - d.status_since).num_seconds() as f64 / 60.0;
        if minutes < t.provisioning_minutes {
            continue;
        }
        let mut f = finding(
            format!("provisioning-stuck:{}", d.id),
            Severity::Warning,
            format!(
                "droplet {} has been PROVISIONING for {minutes:.0} min",
                d.name
            ),
        );
        f.explanation = format!(
            "Provisioning normally takes a few minutes; after {minutes:.0} min its job is likely \
             stuck or retrying."
        );
        f.confidence = 0.7;
        f.evidence = s
            .jobs
            .iter()
            .filter(|j| j.target_id == d.id)
            .take(1)
            .map(job_evidence)
            .collect();
        f.recommendation = Some(Recommendation {
            text: format!(
                "look at the provisioning job of {}; cancel and retry it if it makes no progress",
                d.name
            ),
            action: None,
        });
        found.finding(f);
    }
}

/// A cluster with droplets none of which is RUNNING.
fn no_running_droplet(s: &Snapshot, _: &Thresholds, found: &mut Found) {
    let Some(c) = &s.cluster else {
        return;
    };
    let members: Vec<_> = s
        .droplets
        .iter()
        .filter(|d| d.cluster_id.as_deref() == Some(c.id.as_str()))
        .collect();
    found.metric("cluster.droplets", members.len() as f64);
    if members.is_empty() || running(s).next().is_some() {
        return;
    }
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &members {
        *states.entry(d.status.as_str()).or_default() += 1;
    }
    let states: Vec<String> = states.iter().map(|(s, n)| format!("{n} {s}")).collect();
    let mut f = finding(
        format!("no-running-droplet:{}", c.id),
        Severity::Critical,
        format!("cluster {} has no RUNNING droplet", c.name),
    );
    f.explanation = format!(
        "Of its {} droplets none runs ({}): the cluster serves nothing.",
        members.len(),
        states.join(", ")
    );
    f.confidence = 0.95;
    f.evidence = members
        .iter()
        .filter_map(|d| last_failed_job(s, d))
        .take(3)
        .map(job_evidence)
        .collect();
    f.recommendation = Some(Recommendation {
        text: format!(
            "bring at least one droplet of {} back: power on the stopped ones, retry the failed ones",
            c.name
        ),
        action: None,
    });
    found.finding(f);
}

fn stopped_droplets(s: &Snapshot, _: &Thresholds, found: &mut Found) {
    for d in s.droplets.iter().filter(|d| d.status == "STOPPED") {
        let mut f = finding(
            format!("droplet-stopped:{}", d.id),
            Severity::Info,
            format!("droplet {} is STOPPED", d.name),
        );
        f.explanation = format!(
            "{} is powered off: it adds nothing to {} until it is powered on.",
            d.name,
            s.cluster.as_ref().map_or("its work", |c| c.name.as_str())
        );
        f.confidence = 0.9;
        // The power-off, and the request that asked for it (the one just before; events
        // are newest first), which names the person rather than the worker.
        let of_droplet = || s.events.iter().filter(|e| e.aggregate_id == d.id);
        let off = of_droplet().find(|e| e.event_type == "DropletPoweredOff");
        let request = off.and_then(|off| {
            of_droplet()
                .find(|e| e.position < off.position && e.event_type == "DropletOperationRequested")
        });
        f.evidence = request.into_iter().chain(off).map(event_evidence).collect();
        f.recommendation = Some(Recommendation {
            text: format!("power on {} if it was not stopped on purpose", d.name),
            action: Some(Action::PowerOnDroplet {
                droplet_id: d.id.clone(),
            }),
        });
        found.finding(f);
    }
}
