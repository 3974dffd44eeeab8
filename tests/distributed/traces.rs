//! One trace across processes: the API's mutation span is the parent of the relay's publish,
//! the projector's apply and the worker's job run, each exported by its own process to one
//! OTLP receiver; the worker's log record of the job is in that trace too.

#[path = "../common/otlp_receiver.rs"]
mod otlp_receiver;

use super::topology::*;
use super::CREATE_DROPLET;
use otlp_receiver::{ReceivedSpan, Receiver};
use serde_json::json;
use std::time::Duration;

/// The span of `service` named `name` in `trace` whose parent is one of `parents`.
fn child_of(
    spans: &[ReceivedSpan],
    trace: &str,
    service: &str,
    name: &str,
    parents: &[String],
) -> Option<ReceivedSpan> {
    spans
        .iter()
        .find(|s| {
            s.trace_id == trace
                && s.service == service
                && s.name == name
                && parents.contains(&s.parent_span_id)
        })
        .cloned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_relay_projector_and_worker_spans_of_one_create_droplet_share_its_trace() {
    let receiver = Receiver::start().await;
    let mut t = Topology::new(2).await;
    t.env("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint());
    t.env("OTEL_BSP_SCHEDULE_DELAY", "100");
    t.env("OTEL_BLRP_SCHEDULE_DELAY", "100");
    let api = t.start_ready("api-1", "api").await;
    t.start_ready("relay-1", "relay").await;
    t.start_ready("projector", "projector").await;
    t.start_ready("worker-1", "worker").await;

    let r = gql(
        &reqwest::Client::new(),
        api,
        CREATE_DROPLET,
        json!({ "input": { "name": "traced", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" } }),
    )
    .await;
    let job = r["data"]["createDroplet"]["job"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_string();
    let wait = Duration::from_secs(90);
    let root = receiver
        .wait_for("the createDroplet request span", wait, |spans| {
            spans
                .iter()
                .find(|s| {
                    s.service == "clustergenie-api-1"
                        && s.name == "mutation createDroplet"
                        && s.parent_span_id.is_empty()
                })
                .cloned()
        })
        .await;
    let trace = root.trace_id.clone();
    let api_spans = |spans: &[ReceivedSpan]| -> Vec<String> {
        spans
            .iter()
            .filter(|s| s.trace_id == trace && s.service == "clustergenie-api-1")
            .map(|s| s.span_id.clone())
            .collect()
    };
    let mut job_run = None;
    for (service, name) in [
        ("clustergenie-relay-1", "relay.publish"),
        ("clustergenie-projector", "kafka.consume"),
        ("clustergenie-worker-1", "job.run"),
    ] {
        let span = receiver
            .wait_for(
                &format!("{service}'s {name} as a child of the API's span"),
                wait,
                |spans| child_of(spans, &trace, service, name, &api_spans(spans)),
            )
            .await;
        if name == "job.run" {
            assert_eq!(span.attributes["job.id"], job);
            job_run = Some(span);
        }
    }
    let job_run = job_run.expect("the job.run span");
    let completed = receiver
        .wait_for_log("the worker's \"job completed\" record", wait, |logs| {
            logs.iter()
                .find(|l| l.body == "job completed" && l.trace_id == trace)
                .cloned()
        })
        .await;
    assert_eq!(completed.service, "clustergenie-worker-1");
    assert_eq!(completed.scope, "command::worker::runner");
    assert_eq!(
        (completed.severity_text.as_str(), completed.severity_number),
        ("INFO", 9)
    );
    assert_eq!(completed.span_id, job_run.span_id);
    assert_eq!(completed.attributes["job_id"], job);
    // The projector's apply step is inside its consume span, in the same trace.
    receiver
        .wait_for("the projector's apply span", wait, |spans| {
            spans
                .iter()
                .find(|s| {
                    s.trace_id == trace
                        && s.service == "clustergenie-projector"
                        && s.name == "projector.apply"
                })
                .cloned()
        })
        .await;
    for name in ["api-1", "relay-1", "projector", "worker-1"] {
        let log = t.log_tail(name);
        assert!(!log.contains("panicked"), "{name}:\n{log}");
    }
    receiver.stop().await;
}
