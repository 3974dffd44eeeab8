//! One test per rule over prepared evidence, and the report's determinism.

use super::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use schema::diagnosis::*;

fn at(minutes_ago: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap() - Duration::minutes(minutes_ago)
}

const CLUSTER: &str = "c0000000-0000-0000-0000-000000000001";

fn droplet(n: u8, status: &str) -> DropletFacts {
    DropletFacts {
        id: format!("d000000{n}-0000-0000-0000-000000000000"),
        name: format!("web-{n}"),
        cluster_id: Some(CLUSTER.into()),
        status: status.into(),
        size: "s-1vcpu-2gb".into(),
        image: "ubuntu-24-04-x64".into(),
        region: "fra1".into(),
        ip: Some(format!("10.0.0.{n}")),
        status_since: at(60),
    }
}

fn window(
    series: String,
    droplet_id: Option<String>,
    metric: &str,
    values: &[f64],
) -> MetricWindow {
    MetricWindow {
        series,
        droplet_id,
        metric: metric.into(),
        from: at(values.len() as i64),
        to: at(0),
        values: values.to_vec(),
        step_seconds: 60,
    }
}

fn of(d: &DropletFacts, metric: &str, values: &[f64]) -> MetricWindow {
    window(
        format!("droplet:{}", d.id),
        Some(d.id.clone()),
        metric,
        values,
    )
}

fn snapshot(droplets: Vec<DropletFacts>) -> Snapshot {
    Snapshot {
        taken_at: at(0),
        target: DiagnosisTarget::Cluster,
        target_id: CLUSTER.into(),
        cluster: Some(ClusterFacts {
            id: CLUSTER.into(),
            name: "shop".into(),
            region: "fra1".into(),
            status: "ACTIVE".into(),
        }),
        droplets,
        metrics: vec![],
        health_checks: vec![],
        jobs: vec![],
        events: vec![],
        logs: vec![],
    }
}

fn run(s: &Snapshot) -> Report {
    analyze(s, &[], &Thresholds::default())
}

fn only<'a>(r: &'a Report, prefix: &str) -> &'a Finding {
    let found: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.id.starts_with(prefix))
        .collect();
    assert_eq!(found.len(), 1, "one {prefix} finding in {:#?}", r.findings);
    found[0]
}

fn none(r: &Report, prefix: &str) {
    assert!(
        !r.findings.iter().any(|f| f.id.starts_with(prefix)),
        "no {prefix} finding in {:#?}",
        r.findings
    );
}

fn status(r: &Report, check: DiagnosisCheck) -> CheckStatus {
    r.checks.iter().find(|c| c.check == check).unwrap().status
}

#[test]
fn a_healthy_cluster_passes_every_check() {
    let d = droplet(1, "RUNNING");
    let mut s = snapshot(vec![d.clone()]);
    s.metrics = vec![
        of(&d, "CPU", &[20.0, 25.0, 22.0, 30.0]),
        of(&d, "MEMORY", &[40.0, 41.0, 40.0, 42.0]),
        of(&d, "DISK", &[10.0, 10.0, 10.0, 10.0]),
        of(&d, "NETWORK_OUT", &[5_000.0, 6_000.0, 5_500.0]),
    ];
    let r = run(&s);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.checks.len(), 5);
    assert!(r.checks.iter().all(|c| c.status == CheckStatus::Pass));
    assert_eq!(r.backend, "builtin");
    let perf = r
        .checks
        .iter()
        .find(|c| c.check == DiagnosisCheck::Performance)
        .unwrap();
    assert_eq!(perf.metrics["web-1.cpu_mean"], 24.25);
}

#[test]
fn sustained_cpu_recommends_the_next_size_up_in_vcpus() {
    let d = droplet(2, "RUNNING");
    let mut s = snapshot(vec![d.clone()]);
    s.metrics = vec![of(&d, "CPU", &[91.0, 96.0, 99.0, 97.0, 98.0])];
    let r = run(&s);
    let f = only(&r, "cpu-sustained:");
    assert_eq!(f.severity, Severity::Critical, "mean 96.2 ≥ 95");
    assert_eq!(f.check, DiagnosisCheck::Performance);
    assert_eq!(f.evidence[0].kind, EvidenceKind::MetricWindow);
    assert!(f.evidence[0].excerpt.contains("mean 96.2"), "{f:?}");
    let rec = f.recommendation.as_ref().unwrap();
    assert_eq!(
        rec.action,
        Some(Action::ResizeDroplet {
            droplet_id: d.id.clone(),
            size: "s-2vcpu-2gb".into()
        })
    );
    assert!(rec.text.contains("resize web-2 to s-2vcpu-2gb"), "{rec:?}");
    assert_eq!(status(&r, DiagnosisCheck::Performance), CheckStatus::Fail);
    // A spike is not sustained.
    s.metrics = vec![of(&d, "CPU", &[20.0, 99.0, 25.0, 30.0, 22.0])];
    none(&run(&s), "cpu-sustained:");
}

#[test]
fn sustained_memory_recommends_more_memory() {
    let d = droplet(3, "RUNNING");
    let mut s = snapshot(vec![d.clone()]);
    s.metrics = vec![of(&d, "MEMORY", &[88.0, 90.0, 89.0, 91.0])];
    let f = only(&run(&s), "memory-sustained:").clone();
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.recommendation.unwrap().action,
        Some(Action::ResizeDroplet {
            droplet_id: d.id,
            size: "s-2vcpu-4gb".into()
        })
    );
}

#[test]
fn the_largest_size_gets_advice_but_no_command() {
    let mut d = droplet(4, "RUNNING");
    d.size = "s-8vcpu-16gb".into();
    let mut s = snapshot(vec![d.clone()]);
    s.metrics = vec![of(&d, "CPU", &[90.0, 90.0, 90.0])];
    let f = only(&run(&s), "cpu-sustained:").clone();
    let rec = f.recommendation.unwrap();
    assert_eq!(rec.action, None);
    assert!(rec.text.contains("largest size"), "{rec:?}");
}

#[test]
fn outbound_traffic_beyond_the_monthly_transfer_pace_is_flagged() {
    let d = droplet(5, "RUNNING");
    let mut s = snapshot(vec![d.clone()]);
    // s-1vcpu-2gb includes 2,000 GB; 1 MB/s is 2,592 GB a month (130 %).
    s.metrics = vec![of(&d, "NETWORK_OUT", &[1e6, 1e6, 1e6])];
    let f = only(&run(&s), "transfer-pace:").clone();
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.title.contains("130 %"), "{}", f.title);
}

#[test]
fn a_filling_disk_gets_a_time_to_full() {
    let d = droplet(6, "RUNNING");
    let mut s = snapshot(vec![d.clone()]);
    // One point a minute per minute: 60 points an hour, 40 points left → full in 40 min.
    s.metrics = vec![of(&d, "DISK", &[56.0, 57.0, 58.0, 59.0, 60.0])];
    let r = run(&s);
    let f = only(&r, "disk-filling:");
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.title.contains("full in about 1 h"), "{}", f.title);
    assert_eq!(f.check, DiagnosisCheck::Capacity);
    let capacity = r
        .checks
        .iter()
        .find(|c| c.check == DiagnosisCheck::Capacity)
        .unwrap();
    assert_eq!(capacity.metrics["web-6.disk_hours_to_full"], 0.67);
    // Flat and low: nothing.
    s.metrics = vec![of(&d, "DISK", &[30.0, 30.0, 30.0, 30.0])];
    none(&run(&s), "disk-filling:");
}

#[test]
fn a_cluster_hot_as_a_whole_gets_one_more_droplet_like_its_others() {
    let (a, b) = (droplet(1, "RUNNING"), droplet(2, "RUNNING"));
    let mut s = snapshot(vec![a, b]);
    s.metrics = vec![window(
        format!("cluster:{CLUSTER}:AVG"),
        None,
        "CPU",
        &[85.0, 88.0, 90.0, 86.0],
    )];
    let f = only(&run(&s), "cluster-hot:").clone();
    assert_eq!(
        f.recommendation.unwrap().action,
        Some(Action::AddDroplet {
            cluster_id: CLUSTER.into(),
            size: "s-1vcpu-2gb".into(),
            image: "ubuntu-24-04-x64".into(),
            region: "fra1".into()
        })
    );
}

fn check(name: &str, health: &str, oks: &[bool]) -> HealthFacts {
    HealthFacts {
        id: format!("h-{name}"),
        name: name.into(),
        kind: "HTTP".into(),
        health: health.into(),
        results: oks
            .iter()
            .enumerate()
            .map(|(i, ok)| HealthResultFacts {
                at: at(i as i64),
                ok: *ok,
                latency_ms: Some(12.0),
                error: (!ok).then(|| "connection refused".to_string()),
            })
            .collect(),
    }
}

#[test]
fn a_failing_health_check_cites_its_results() {
    let mut s = snapshot(vec![droplet(1, "RUNNING")]);
    s.health_checks = vec![check("api", "UNHEALTHY", &[false, false, false, true])];
    let r = run(&s);
    let f = only(&r, "health-failing:");
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.evidence.len(), 3);
    assert_eq!(f.evidence[0].kind, EvidenceKind::HealthResult);
    assert!(f.evidence[0].reference.starts_with("h-api@"), "{f:?}");
    assert!(f.title.contains("connection refused"));
    assert_eq!(status(&r, DiagnosisCheck::Connectivity), CheckStatus::Fail);
}

#[test]
fn a_flapping_health_check_is_a_warning() {
    let mut s = snapshot(vec![]);
    s.health_checks = vec![check("api", "HEALTHY", &[true, false, true, false, true])];
    let r = run(&s);
    let f = only(&r, "health-flapping:");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.evidence.len(), 3);
    none(&r, "health-failing:");
}

fn job(n: u8, target: &str, status: &str, error: Option<&str>) -> JobFacts {
    JobFacts {
        id: format!("j{n}"),
        job_type: "PROVISION".into(),
        target_id: target.into(),
        status: status.into(),
        attempts: 3,
        error: error.map(String::from),
        updated_at: at(n as i64),
    }
}

#[test]
fn jobs_failing_with_one_error_recommend_retrying_the_newest() {
    let mut s = snapshot(vec![]);
    s.jobs = vec![
        job(1, "x", "FAILED", Some("image broken-boot-x64 did not boot")),
        job(2, "y", "FAILED", Some("image broken-boot-x64 did not boot")),
        job(3, "z", "FAILED", Some("something else")),
        job(4, "z", "COMPLETED", None),
    ];
    let r = run(&s);
    let f = only(&r, "job-failures:");
    assert_eq!(f.evidence.len(), 2);
    assert_eq!(
        f.recommendation.as_ref().unwrap().action,
        Some(Action::RetryJob {
            job_id: "j1".into()
        })
    );
}

#[test]
fn a_failed_droplet_points_at_its_failed_job() {
    let d = droplet(7, "FAILED");
    let mut s = snapshot(vec![d.clone(), droplet(8, "RUNNING")]);
    s.jobs = vec![job(9, &d.id, "FAILED", Some("did not boot"))];
    let r = run(&s);
    let f = only(&r, "droplet-failed:");
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.evidence[0].reference, "j9");
    assert_eq!(
        f.recommendation.as_ref().unwrap().action,
        Some(Action::RetryJob {
            job_id: "j9".into()
        })
    );
    none(&r, "no-running-droplet:");
}

#[test]
fn a_droplet_provisioning_too_long_is_stuck() {
    let mut d = droplet(1, "PROVISIONING");
    d.status_since = at(25);
    let mut fresh = droplet(2, "PROVISIONING");
    fresh.status_since = at(2);
    let r = run(&snapshot(vec![d.clone(), fresh]));
    let f = only(&r, "provisioning-stuck:");
    assert!(f.id.ends_with(&d.id));
    assert!(f.title.contains("25 min"), "{}", f.title);
}

#[test]
fn a_cluster_without_a_running_droplet_is_critical() {
    let r = run(&snapshot(vec![droplet(1, "STOPPED"), droplet(2, "FAILED")]));
    let f = only(&r, "no-running-droplet:");
    assert!(
        f.explanation.contains("1 FAILED, 1 STOPPED"),
        "{}",
        f.explanation
    );
    assert_eq!(status(&r, DiagnosisCheck::Reliability), CheckStatus::Fail);
}

#[test]
fn a_stopped_droplet_can_be_powered_on() {
    let d = droplet(3, "STOPPED");
    let mut s = snapshot(vec![d.clone(), droplet(4, "RUNNING")]);
    let event = |position, event_type: &str, actor: &str| EventFacts {
        position,
        aggregate_type: "Droplet".into(),
        aggregate_id: d.id.clone(),
        event_type: event_type.into(),
        actor: actor.into(),
        actor_role: Some("OPERATOR".into()),
        at: at(5),
    };
    s.events = vec![
        event(41, "DropletPoweredOff", "system:worker"),
        event(39, "DropletOperationRequested", "alice"),
        event(12, "DropletOperationRequested", "bob"),
    ];
    let r = run(&s);
    let f = only(&r, "droplet-stopped:");
    assert_eq!(f.severity, Severity::Info);
    let cited: Vec<(&EvidenceKind, &str)> = f
        .evidence
        .iter()
        .map(|e| (&e.kind, e.reference.as_str()))
        .collect();
    assert_eq!(
        cited,
        [(&EvidenceKind::Event, "39"), (&EvidenceKind::Event, "41")]
    );
    assert!(
        f.evidence[0].excerpt.contains("by alice"),
        "{:?}",
        f.evidence
    );
    assert_eq!(
        f.recommendation.as_ref().unwrap().action,
        Some(Action::PowerOnDroplet { droplet_id: d.id })
    );
    // INFO does not fail the check.
    assert_eq!(status(&r, DiagnosisCheck::Reliability), CheckStatus::Pass);
}

#[test]
fn a_droplet_outside_any_cluster_is_noted() {
    let mut d = droplet(1, "RUNNING");
    d.cluster_id = None;
    let f = only(&run(&snapshot(vec![d])), "no-cluster:").clone();
    assert_eq!(f.check, DiagnosisCheck::Security);
    assert_eq!(f.severity, Severity::Info);
}

#[test]
fn a_deprecated_image_is_a_security_warning() {
    let mut d = droplet(1, "RUNNING");
    d.image = "fedora-40-x64".into();
    let mut s = snapshot(vec![d.clone()]);
    s.events = vec![EventFacts {
        position: 7,
        aggregate_type: "Droplet".into(),
        aggregate_id: d.id.clone(),
        event_type: "DropletCreated".into(),
        actor: "carol".into(),
        actor_role: Some("OPERATOR".into()),
        at: at(1),
    }];
    let r = run(&s);
    let f = only(&r, "deprecated-image:");
    assert_eq!(f.severity, Severity::Warning);
    // It cites the droplet's creation: who chose the image, and when.
    assert_eq!(f.evidence.len(), 1, "{:?}", f.evidence);
    assert_eq!(f.evidence[0].reference, "7");
    assert!(
        f.evidence[0].excerpt.contains("by carol"),
        "{:?}",
        f.evidence
    );
    assert_eq!(status(&r, DiagnosisCheck::Security), CheckStatus::Warning);
}

#[test]
fn changes_beyond_the_actors_role_are_flagged() {
    let mut s = snapshot(vec![droplet(1, "RUNNING")]);
    let event = |position, actor: &str, role: &str| EventFacts {
        position,
        aggregate_type: "Droplet".into(),
        aggregate_id: "d".into(),
        event_type: "DropletResized".into(),
        actor: actor.into(),
        actor_role: Some(role.into()),
        at: at(position),
    };
    s.events = vec![
        event(7, "vera", "VIEWER"),
        event(6, "otto", "OPERATOR"),
        event(5, "vera", "VIEWER"),
    ];
    let r = run(&s);
    let f = only(&r, "beyond-role:");
    assert_eq!(f.id, "beyond-role:vera");
    let refs: Vec<_> = f.evidence.iter().map(|e| e.reference.as_str()).collect();
    assert_eq!(refs, ["7", "5"]);
}

#[test]
fn only_the_requested_checks_run_and_findings_are_worst_first() {
    let (hot, stopped) = (droplet(1, "RUNNING"), droplet(2, "STOPPED"));
    let mut s = snapshot(vec![hot.clone(), stopped]);
    s.metrics = vec![of(&hot, "CPU", &[99.0, 99.0, 99.0])];
    let r = analyze(
        &s,
        &[DiagnosisCheck::Reliability, DiagnosisCheck::Performance],
        &Thresholds::default(),
    );
    let checks: Vec<_> = r.checks.iter().map(|c| c.check).collect();
    assert_eq!(
        checks,
        [DiagnosisCheck::Performance, DiagnosisCheck::Reliability],
        "in the order of DiagnosisCheck::ALL"
    );
    let severities: Vec<_> = r.findings.iter().map(|f| f.severity).collect();
    assert_eq!(severities, [Severity::Critical, Severity::Info]);
}

#[test]
fn the_same_evidence_gives_the_same_report_byte_for_byte() {
    let (a, b) = (droplet(1, "RUNNING"), droplet(2, "FAILED"));
    let mut s = snapshot(vec![a.clone(), b.clone(), droplet(3, "STOPPED")]);
    s.metrics = vec![
        of(&a, "CPU", &[91.0, 96.0, 99.0]),
        of(&a, "DISK", &[56.0, 57.0, 58.0]),
        of(&a, "MEMORY", &[90.0, 91.0, 92.0]),
    ];
    s.health_checks = vec![check("api", "UNHEALTHY", &[false, true, false, true])];
    s.jobs = vec![
        job(1, &b.id, "FAILED", Some("boom")),
        job(2, &b.id, "FAILED", Some("boom")),
    ];
    let first = serde_json::to_vec(&run(&s)).unwrap();
    // Through JSON and back (as the snapshot is recorded), and again.
    let again: Snapshot = serde_json::from_slice(&serde_json::to_vec(&s).unwrap()).unwrap();
    for _ in 0..3 {
        assert_eq!(serde_json::to_vec(&run(&again)).unwrap(), first);
    }
    let r = run(&s);
    assert!(r.findings.len() >= 6, "{:#?}", r.findings);
    for pair in r.findings.windows(2) {
        assert!(pair[0].severity.rank() <= pair[1].severity.rank());
    }
}
