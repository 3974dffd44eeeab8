//! The diagnosis model backend against a real OpenAI-protocol server that each test starts
//! on 127.0.0.1 (actix-web, `POST /v1/chat/completions`, streamed and not). The server
//! records what it receives — the tests assert the names were masked, the JSON Schema was
//! sent, the prompt kept its bound and the key came in the header — and answers from a
//! script: valid, invalid, slow, failing. Every failure must give the built-in report with
//! a note; nothing here stubs our client.

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use chrono::{DateTime, Duration as Age, TimeZone, Utc};
use command::diagnosis::model::{
    answer, apply_answer, Answerer, ApiKey, Explained, ModelAnswer, ModelBackend, ModelSettings,
};
use schema::diagnosis::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "sk-test-secret-4711";
const MODEL: &str = "test-model";
/// Every real name, address and user of the fixture: none may reach the server.
const REAL: &[&str] = &[
    "prod-east",
    "web-1",
    "web-2",
    "db-1",
    "10.20.0.11",
    "10.20.0.12",
    "2001:db8::7",
    "alice",
    "192.168.7.9",
];

// ---------------------------------------------------------------------------------------
// The OpenAI-protocol server
// ---------------------------------------------------------------------------------------

/// One scripted answer of the server.
#[derive(Clone)]
enum Reply {
    /// A JSON body with this status.
    Json(u16, Value),
    /// `text/event-stream` with these `data:` payloads, `delay` apart, then `[DONE]`.
    Sse(Vec<Value>, Duration),
    /// Waits, then answers.
    Slow(Duration, Box<Reply>),
}

/// A request as the server received it.
#[derive(Debug, Clone)]
struct Received {
    authorization: Option<String>,
    body: Value,
}

impl Received {
    /// The messages' text, as the model would read it.
    fn prompt(&self) -> String {
        self.body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn prompt_bytes(&self) -> usize {
        self.body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"].as_str().unwrap().len())
            .sum()
    }
}

#[derive(Default)]
struct Script {
    replies: Mutex<VecDeque<Reply>>,
    received: Mutex<Vec<Received>>,
}

struct ModelServer {
    port: u16,
    handle: ServerHandle,
    script: Arc<Script>,
}

async fn chat_completions(
    request: HttpRequest,
    body: web::Json<Value>,
    script: web::Data<Script>,
) -> HttpResponse {
    script.received.lock().unwrap().push(Received {
        authorization: request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: body.into_inner(),
    });
    let reply = script.replies.lock().unwrap().pop_front();
    let mut reply = reply.unwrap_or(Reply::Json(
        500,
        json!({"error": {"message": "no scripted reply"}}),
    ));
    loop {
        match reply {
            Reply::Slow(delay, then) => {
                tokio::time::sleep(delay).await;
                reply = *then;
            }
            Reply::Json(status, body) => {
                return HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                    .json(body)
            }
            Reply::Sse(events, delay) => {
                let frames = events
                    .into_iter()
                    .map(|e| format!("data: {e}\n\n"))
                    .chain(std::iter::once("data: [DONE]\n\n".to_string()));
                let stream = futures::stream::unfold(frames, move |mut frames| async move {
                    let frame = frames.next()?;
                    tokio::time::sleep(delay).await;
                    Some((Ok::<_, actix_web::Error>(web::Bytes::from(frame)), frames))
                });
                return HttpResponse::Ok()
                    .content_type("text/event-stream")
                    .streaming(stream);
            }
        }
    }
}

impl ModelServer {
    async fn start(replies: Vec<Reply>) -> Self {
        let script = Arc::new(Script {
            replies: Mutex::new(replies.into()),
            ..Script::default()
        });
        let data = web::Data::from(script.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::JsonConfig::default().limit(4 << 20))
                .route("/v1/chat/completions", web::post().to(chat_completions))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            port,
            handle,
            script,
        }
    }

    fn settings(&self) -> ModelSettings {
        let mut settings = ModelSettings::new(
            &format!("http://127.0.0.1:{}/v1", self.port),
            MODEL,
            Some(ApiKey::new(KEY)),
        )
        .unwrap();
        settings.timeout = Duration::from_secs(5);
        settings.retry_backoff = Duration::from_millis(10);
        settings.max_prompt_bytes = 16 * 1024;
        settings.stream = false;
        settings
    }

    fn received(&self) -> Vec<Received> {
        self.script.received.lock().unwrap().clone()
    }

    async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

/// What every request must look like: masked, bounded, with the key and the budget.
fn assert_well_formed(received: &Received, settings: &ModelSettings) {
    assert_eq!(
        received.authorization.as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
    let prompt = received.prompt();
    for real in REAL {
        assert!(!prompt.contains(real), "{real} reached the model server");
    }
    for placeholder in ["cluster-1", "droplet-2", "ip-2", "user-1"] {
        assert!(prompt.contains(placeholder), "{placeholder} missing");
    }
    assert!(received.prompt_bytes() <= settings.max_prompt_bytes);
    assert_eq!(received.body["model"], MODEL);
    assert_eq!(received.body["max_completion_tokens"], settings.max_tokens);
}

fn assert_asked_for_the_schema(received: &Received) {
    let format = &received.body["response_format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["name"], answer::SCHEMA_NAME);
    assert_eq!(format["json_schema"]["strict"], true);
    assert_eq!(&format["json_schema"]["schema"], answer::schema());
}

// ---------------------------------------------------------------------------------------
// The evidence and the built-in report
// ---------------------------------------------------------------------------------------

const CLUSTER: &str = "6b0f9a3e-0000-4000-8000-000000000001";
const WEB1: &str = "6b0f9a3e-0000-4000-8000-000000000011";
const WEB2: &str = "6b0f9a3e-0000-4000-8000-000000000012";
const DB1: &str = "6b0f9a3e-0000-4000-8000-000000000013";
const CHECK: &str = "6b0f9a3e-0000-4000-8000-000000000021";
const JOB: &str = "6b0f9a3e-0000-4000-8000-000000000031";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap()
}

fn droplet(id: &str, name: &str, ip: &str) -> DropletFacts {
    DropletFacts {
        id: id.into(),
        name: name.into(),
        cluster_id: Some(CLUSTER.into()),
        status: "RUNNING".into(),
        size: "s-1vcpu-1gb".into(),
        image: "ubuntu-24-04-x64".into(),
        region: "nyc1".into(),
        ip: Some(ip.into()),
        status_since: t0() - Age::hours(5),
    }
}

fn snapshot(logs: usize) -> Snapshot {
    let now = t0();
    Snapshot {
        taken_at: now,
        target: DiagnosisTarget::Cluster,
        target_id: CLUSTER.into(),
        cluster: Some(ClusterFacts {
            id: CLUSTER.into(),
            name: "prod-east".into(),
            region: "nyc1".into(),
            status: "ACTIVE".into(),
        }),
        droplets: vec![
            droplet(WEB1, "web-1", "10.20.0.11"),
            droplet(WEB2, "web-2", "10.20.0.12"),
            droplet(DB1, "db-1", "2001:db8::7"),
        ],
        metrics: vec![MetricWindow {
            series: format!("droplet:{WEB2}"),
            droplet_id: Some(WEB2.into()),
            metric: "cpu".into(),
            from: now - Age::minutes(15),
            to: now,
            values: vec![91.0, 95.5, 97.25, 96.0, 94.0],
            step_seconds: 180,
        }],
        health_checks: vec![HealthFacts {
            id: CHECK.into(),
            name: "web-2 http".into(),
            kind: "HTTP".into(),
            health: "UNHEALTHY".into(),
            results: (0..3)
                .map(|i| HealthResultFacts {
                    at: now - Age::minutes(i),
                    ok: false,
                    latency_ms: None,
                    error: Some("connect to 10.20.0.12:80 refused".into()),
                })
                .collect(),
        }],
        jobs: vec![JobFacts {
            id: JOB.into(),
            job_type: "RESIZE".into(),
            target_id: WEB2.into(),
            status: "FAILED".into(),
            attempts: 3,
            error: Some("resize of web-2 timed out".into()),
            updated_at: now - Age::minutes(30),
        }],
        events: vec![
            EventFacts {
                position: 42,
                aggregate_type: "Droplet".into(),
                aggregate_id: WEB2.into(),
                event_type: "DropletResizeRequested".into(),
                actor: "alice".into(),
                actor_role: Some("OPERATOR".into()),
                at: now - Age::minutes(40),
            },
            EventFacts {
                position: 41,
                aggregate_type: "Job".into(),
                aggregate_id: JOB.into(),
                event_type: "JobFailed".into(),
                actor: "system:worker".into(),
                actor_role: None,
                at: now - Age::minutes(41),
            },
        ],
        logs: (0..logs)
            .map(|i| LogFacts {
                id: 1000 - i as i64,
                at: now - Age::seconds(i as i64 * 10),
                level: "WARN".into(),
                message: format!(
                    "cpu high on web-2 (10.20.0.12), load from 192.168.7.9 after alice's change #{i}"
                ),
            })
            .collect(),
    }
}

fn builtin() -> Report {
    let cpu = Finding {
        id: format!("cpu-sustained:{WEB2}"),
        check: DiagnosisCheck::Performance,
        severity: Severity::Warning,
        title: "CPU of web-2 above 90% for 15 minutes".into(),
        explanation: "web-2 averaged 94.8% CPU.".into(),
        confidence: 0.8,
        evidence: vec![Evidence {
            kind: EvidenceKind::MetricWindow,
            reference: snapshot(0).metrics[0].reference(),
            excerpt: "cpu mean 94.8".into(),
        }],
        recommendation: Some(Recommendation {
            text: "resize web-2 to s-2vcpu-4gb".into(),
            action: Some(Action::ResizeDroplet {
                droplet_id: WEB2.into(),
                size: "s-2vcpu-4gb".into(),
            }),
        }),
    };
    let health = Finding {
        id: format!("health-failing:{CHECK}"),
        check: DiagnosisCheck::Connectivity,
        severity: Severity::Critical,
        title: "web-2 http fails".into(),
        explanation: "3 of 3 results failed: connect to 10.20.0.12:80 refused".into(),
        confidence: 0.9,
        evidence: vec![],
        recommendation: None,
    };
    let check = |check, summary: &str| CheckResult {
        check,
        status: CheckStatus::Pass,
        summary: summary.into(),
        details: vec![],
        metrics: BTreeMap::new(),
    };
    let mut report = Report {
        checks: vec![
            check(DiagnosisCheck::Connectivity, "web-2 unreachable"),
            check(DiagnosisCheck::Performance, "web-2 CPU high"),
        ],
        findings: vec![cpu, health],
        backend: "builtin".into(),
        tokens_used: None,
        note: None,
        summary: None,
    };
    report.normalize();
    report
}

/// A valid answer in placeholders: the CPU finding first, then the health check, then a
/// finding of the model's own citing a log line.
fn valid_answer() -> Value {
    json!({
        "summary": "droplet-2 (ip-2) in cluster-1 is overloaded since user-1's change; resize it.",
        "findings": [
            {
                "builtin_id": format!("cpu-sustained:{WEB2}"),
                "check": "PERFORMANCE", "severity": "CRITICAL",
                "title": "droplet-2 is CPU-bound",
                "explanation": "droplet-2 ran at 95% CPU; its health check on ip-2 fails as a result.",
                "confidence": 0.92,
                "evidence": [{"kind": "JOB", "ref": JOB}],
                "recommendation": "Resize droplet-2 to s-2vcpu-4gb, then retry the job."
            },
            {
                "builtin_id": format!("health-failing:{CHECK}"),
                "check": "CONNECTIVITY", "severity": "CRITICAL",
                "title": "droplet-2 refuses HTTP",
                "explanation": "Port 80 on ip-2 refuses connections.",
                "confidence": 0.7,
                "evidence": [],
                "recommendation": null
            },
            {
                "builtin_id": null,
                "check": "PERFORMANCE", "severity": "INFO",
                "title": "user-1 changed droplet-2 just before",
                "explanation": "Event 42 by user-1 precedes the load.",
                "confidence": 0.5,
                "evidence": [{"kind": "EVENT", "ref": "42"}, {"kind": "LOG", "ref": "1000"}],
                "recommendation": "Ask user-1 about the change."
            }
        ]
    })
}

fn completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 900, "completion_tokens": 300, "total_tokens": 1200}
    })
}

fn chunk(content: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": MODEL,
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]
    })
}

fn usage_chunk() -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": MODEL,
        "choices": [], "usage": {"prompt_tokens": 900, "completion_tokens": 310, "total_tokens": 1210}
    })
}

/// The report with the real names back: ranked as the model said, actions only from the
/// built-in findings.
fn assert_the_models_report(report: &Report) {
    assert_eq!(report.backend, format!("openai:{MODEL}"));
    let ids: Vec<_> = report.findings.iter().map(|f| f.id.as_str()).collect();
    let cpu_id = format!("cpu-sustained:{WEB2}");
    let health_id = format!("health-failing:{CHECK}");
    assert_eq!(ids, [cpu_id.as_str(), health_id.as_str(), "model:1"]);
    let cpu = &report.findings[0];
    assert_eq!(cpu.title, "web-2 is CPU-bound");
    assert_eq!(
        cpu.explanation,
        "web-2 ran at 95% CPU; its health check on 10.20.0.12 fails as a result."
    );
    assert_eq!(
        cpu.severity,
        Severity::Warning,
        "the built-in severity stays"
    );
    let recommendation = cpu.recommendation.as_ref().unwrap();
    assert_eq!(
        recommendation.text,
        "Resize web-2 to s-2vcpu-4gb, then retry the job."
    );
    assert_eq!(
        recommendation.action,
        builtin().findings[1]
            .recommendation
            .as_ref()
            .unwrap()
            .action,
        "the action is the built-in one"
    );
    assert_eq!(cpu.evidence.len(), 2);
    assert_eq!(cpu.evidence[1].kind, EvidenceKind::Job);
    assert!(cpu.evidence[1]
        .excerpt
        .contains("resize of web-2 timed out"));
    let new = &report.findings[2];
    assert_eq!(new.title, "alice changed web-2 just before");
    assert_eq!(new.check, DiagnosisCheck::Performance);
    assert!(new.recommendation.as_ref().unwrap().action.is_none());
    assert_eq!(
        new.evidence[0].excerpt,
        "DropletResizeRequested on Droplet by alice"
    );
    assert_eq!(
        report.summary.as_deref(),
        Some("web-2 (10.20.0.12) in prod-east is overloaded since alice's change; resize it.")
    );
    let status = |c| report.checks.iter().find(|r| r.check == c).unwrap().status;
    assert_eq!(status(DiagnosisCheck::Connectivity), CheckStatus::Fail);
    assert_eq!(status(DiagnosisCheck::Performance), CheckStatus::Warning);
}

/// The built-in report with a note containing `why`.
fn assert_fell_back(explained: &Explained, why: &str) {
    let Explained::FellBack { report, reason, .. } = explained else {
        panic!("expected the built-in report, got {explained:?}");
    };
    assert!(reason.contains(why), "{reason}");
    let note = report.note.as_deref().unwrap();
    assert!(
        note.contains(why) && note.ends_with("showing the built-in analysis"),
        "{note}"
    );
    assert!(!format!("{explained:?}").contains(KEY));
    let mut without_note = report.clone();
    without_note.note = None;
    assert_eq!(without_note, builtin(), "the built-in report intact");
}

async fn explain(settings: ModelSettings) -> Explained {
    ModelBackend::new(settings)
        .explain(
            &snapshot(20),
            &builtin(),
            Some("why is web-2 slow?"),
            |_| {},
        )
        .await
}

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_valid_answer_is_unmasked_ranked_and_replays_identically() {
    let server = ModelServer::start(vec![Reply::Json(
        200,
        completion(&valid_answer().to_string()),
    )])
    .await;
    let settings = server.settings();
    let explained = explain(settings.clone()).await;
    let Explained::Answered {
        report,
        answer,
        prompt_hash,
        tokens_used,
        model,
    } = &explained
    else {
        panic!("expected the model's report, got {explained:?}");
    };
    assert_the_models_report(report);
    assert_eq!((*tokens_used, model.as_str()), (Some(1200), MODEL));
    assert_eq!(report.tokens_used, Some(1200));
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_well_formed(&received[0], &settings);
    assert_asked_for_the_schema(&received[0]);
    assert_eq!(received[0].body["stream"], false);
    assert!(received[0].prompt().contains("why is droplet-2 slow?"));

    // The audit event's answer is the unmasked one; replay needs no model.
    assert!(answer.to_string().contains("web-2") && !answer.to_string().contains("droplet-2"));
    server.stop().await;
    let recorded: ModelAnswer = serde_json::from_value(answer.clone()).unwrap();
    let answerer = Answerer {
        model: MODEL,
        tokens_used: *tokens_used,
    };
    let first = apply_answer(&snapshot(20), &builtin(), &recorded, &answerer);
    let second = apply_answer(&snapshot(20), &builtin(), &recorded, &answerer);
    assert_eq!(
        serde_json::to_vec(&first).unwrap(),
        serde_json::to_vec(&second).unwrap()
    );
    assert_eq!(&first, report);
    let backend = ModelBackend::new(settings);
    let (again, _) = backend.prompt(&snapshot(20), &builtin(), Some("why is web-2 slow?"));
    assert_eq!(
        &again.hash(),
        prompt_hash,
        "the same input, the same prompt"
    );
}

#[tokio::test]
async fn a_streamed_answer_reaches_on_text_in_order() {
    let text = valid_answer().to_string();
    let pieces: Vec<String> = text
        .chars()
        .collect::<Vec<_>>()
        .chunks(40)
        .map(|c| c.iter().collect())
        .collect();
    let mut events: Vec<Value> = pieces.iter().map(|p| chunk(p)).collect();
    events.push(usage_chunk());
    let server = ModelServer::start(vec![Reply::Sse(events, Duration::from_millis(1))]).await;
    let mut settings = server.settings();
    settings.stream = true;
    let mut seen = Vec::new();
    let backend = ModelBackend::new(settings.clone());
    let explained = backend
        .explain(&snapshot(20), &builtin(), None, |t| {
            seen.push(t.to_string())
        })
        .await;
    // Passed on as it arrives, in order: the answer's prose (not its JSON), with the names
    // back in place of the placeholders.
    let (_, masking) = backend.prompt(&snapshot(20), &builtin(), None);
    assert!(
        seen.len() > pieces.len() / 3,
        "streamed, not at the end: {seen:?}"
    );
    let prose = masking.unmask(&command::diagnosis::model::prose::prose_of(&text));
    assert_eq!(seen.concat(), prose);
    let answer = valid_answer();
    for text in [&answer["summary"], &answer["findings"][0]["explanation"]] {
        assert!(
            prose.contains(&masking.unmask(text.as_str().unwrap())),
            "{prose:?}"
        );
    }
    for piece in ["{", "\"findings\"", "\"confidence\""] {
        assert!(!prose.contains(piece), "no JSON in {prose:?}");
    }
    for (real, placeholder) in masking.pairs() {
        if text.contains(placeholder.as_str()) {
            assert!(seen.concat().contains(real.as_str()), "{real} in {seen:?}");
        }
    }
    let Explained::Answered {
        report,
        tokens_used,
        ..
    } = &explained
    else {
        panic!("expected the model's report, got {explained:?}");
    };
    assert_the_models_report(report);
    assert_eq!(*tokens_used, Some(1210));
    let received = server.received();
    assert_well_formed(&received[0], &settings);
    assert_asked_for_the_schema(&received[0]);
    assert_eq!(received[0].body["stream"], true);
    assert_eq!(received[0].body["stream_options"]["include_usage"], true);
    server.stop().await;
}

#[tokio::test]
async fn invalid_answers_fall_back_to_the_built_in_report() {
    let mut over_confident = valid_answer();
    over_confident["findings"][0]["confidence"] = json!(1.5);
    let mut unknown_evidence = valid_answer();
    unknown_evidence["findings"][2]["evidence"] = json!([{"kind": "LOG", "ref": "999999"}]);
    let mut unknown_finding = valid_answer();
    unknown_finding["findings"][1]["builtin_id"] = json!("disk-filling:nowhere");
    let mut check_not_run = valid_answer();
    check_not_run["findings"][2]["check"] = json!("SECURITY");
    let mut missing_field = valid_answer();
    missing_field.as_object_mut().unwrap().remove("summary");
    let cases = [
        (
            "Here is my analysis: the droplet is slow.".to_string(),
            "was not JSON",
        ),
        (over_confident.to_string(), "not valid JSON for the schema"),
        (missing_field.to_string(), "not valid JSON for the schema"),
        (
            unknown_evidence.to_string(),
            "cited evidence that does not exist: LOG \"999999\"",
        ),
        (
            unknown_finding.to_string(),
            "unknown or repeated built-in finding",
        ),
        (
            check_not_run.to_string(),
            "a new finding of check SECURITY, which was not run",
        ),
    ];
    for (content, why) in cases {
        let server = ModelServer::start(vec![Reply::Json(200, completion(&content))]).await;
        let explained = explain(server.settings()).await;
        assert_fell_back(&explained, why);
        assert_eq!(
            server.received().len(),
            1,
            "an invalid answer is not asked again"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn a_slow_answer_times_out_without_retrying() {
    let server = ModelServer::start(vec![Reply::Slow(
        Duration::from_secs(3),
        Box::new(Reply::Json(200, completion(&valid_answer().to_string()))),
    )])
    .await;
    let mut settings = server.settings();
    settings.timeout = Duration::from_millis(300);
    let started = Instant::now();
    let explained = explain(settings).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_fell_back(&explained, "the model did not answer within 0.3 s");
    assert_eq!(server.received().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff() {
    let server = ModelServer::start(vec![
        Reply::Json(500, json!({"error": {"message": "overloaded"}})),
        Reply::Json(
            429,
            json!({"error": {"message": "slow down", "type": "rate_limit"}}),
        ),
        Reply::Json(200, completion(&valid_answer().to_string())),
    ])
    .await;
    let explained = explain(server.settings()).await;
    assert_the_models_report(explained.report());
    assert_eq!(server.received().len(), 3);
    server.stop().await;

    let server = ModelServer::start(vec![
        Reply::Json(503, json!({"error": {"message": "down"}})),
        Reply::Json(503, json!({"error": {"message": "down"}})),
        Reply::Json(503, json!({"error": {"message": "down"}})),
    ])
    .await;
    let explained = explain(server.settings()).await;
    assert_fell_back(
        &explained,
        "the model server failed with HTTP 503 after 3 attempts",
    );
    server.stop().await;
}

#[tokio::test]
async fn a_server_without_structured_outputs_is_asked_for_plain_json() {
    let refusal = json!({"error": {
        "message": "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
        "type": "invalid_request_error", "param": "response_format", "code": null
    }});
    let fenced = format!("```json\n{}\n```", valid_answer());
    let server = ModelServer::start(vec![
        Reply::Json(400, refusal),
        Reply::Json(200, completion(&fenced)),
    ])
    .await;
    let settings = server.settings();
    let explained = explain(settings.clone()).await;
    assert_the_models_report(explained.report());
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_asked_for_the_schema(&received[0]);
    assert!(received[1].body.get("response_format").is_none());
    assert_well_formed(&received[1], &settings);
    assert_eq!(received[0].body["messages"], received[1].body["messages"]);
    assert!(received[1].prompt().contains("matches this JSON Schema"));
    server.stop().await;
}

#[tokio::test]
async fn a_stopped_server_and_a_refused_key_fall_back_without_the_key() {
    let server = ModelServer::start(vec![]).await;
    let settings = server.settings();
    server.stop().await;
    let explained = explain(settings).await;
    assert_fell_back(&explained, "the model server could not be reached");

    let server = ModelServer::start(vec![Reply::Json(
        401,
        json!({"error": {"message": format!("Incorrect API key provided: {KEY}"), "type": "invalid_request_error"}}),
    )])
    .await;
    let explained = explain(server.settings()).await;
    assert_fell_back(&explained, "the model server refused the request (HTTP 401");
    let Explained::FellBack { reason, .. } = &explained else {
        unreachable!()
    };
    assert!(reason.contains("***"), "{reason}");
    assert_eq!(server.received().len(), 1, "a refused key is not retried");
    let backend = ModelBackend::new(server.settings());
    let printed = format!("{backend:?} {:?}", server.settings());
    assert!(
        !printed.contains(KEY) && printed.contains("***"),
        "{printed}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_stream_past_the_token_budget_is_cut_and_falls_back() {
    let events: Vec<Value> = (0..200).map(|_| chunk("aaaa")).collect();
    let server = ModelServer::start(vec![Reply::Sse(events, Duration::from_millis(1))]).await;
    let mut settings = server.settings();
    settings.stream = true;
    settings.max_tokens = 20;
    let mut seen = 0;
    let explained = ModelBackend::new(settings)
        .explain(&snapshot(20), &builtin(), None, |_| seen += 1)
        .await;
    assert_fell_back(&explained, "exceeded the token budget of 20 tokens");
    assert!(seen <= 36, "{seen} chunks read past the budget");
    server.stop().await;
}

#[tokio::test]
async fn the_prompt_is_bounded_masked_and_deterministic() {
    let server = ModelServer::start(vec![Reply::Json(200, completion("not json"))]).await;
    let settings = server.settings();
    let big = snapshot(2000);
    let backend = ModelBackend::new(settings.clone());
    let (prompt, masking) = backend.prompt(&big, &builtin(), None);
    assert!(
        prompt.len() <= settings.max_prompt_bytes,
        "{}",
        prompt.len()
    );
    assert!(prompt
        .user
        .contains("older log lines cut to fit the prompt bound"));
    assert!(
        prompt.user.contains("- LOG 1000 "),
        "the newest log lines are kept"
    );
    assert!(!prompt.user.contains("- LOG -999 "), "the oldest are cut");
    assert!(prompt.user.contains("- EVENT 42 "));
    assert_eq!(
        backend.prompt(&big, &builtin(), None).0.hash(),
        prompt.hash()
    );
    let pairs: Vec<String> = masking
        .pairs()
        .iter()
        .map(|(r, p)| format!("{r}={p}"))
        .collect();
    assert_eq!(
        pairs,
        [
            "prod-east=cluster-1",
            "web-1=droplet-1",
            "web-2=droplet-2",
            "db-1=droplet-3",
            "10.20.0.11=ip-1",
            "10.20.0.12=ip-2",
            "2001:db8::7=ip-3",
            "alice=user-1",
            "192.168.7.9=ip-4",
        ]
    );
    let explained = backend.explain(&big, &builtin(), None, |_| {}).await;
    assert_fell_back(&explained, "was not JSON");
    assert_well_formed(&server.received()[0], &settings);
    assert_eq!(explained.prompt_hash(), prompt.hash());
    server.stop().await;
}

#[tokio::test]
async fn an_https_url_speaks_tls_and_falls_back_when_the_handshake_fails() {
    // The server speaks plain HTTP: a client with TLS (and its crypto provider installed)
    // fails the handshake and falls back; one without TLS would refuse the scheme.
    let server = ModelServer::start(vec![]).await;
    let mut settings = ModelSettings::new(
        &format!("https://127.0.0.1:{}/v1", server.port),
        MODEL,
        Some(ApiKey::new(KEY)),
    )
    .unwrap();
    settings.max_retries = 0;
    let explained = explain(settings).await;
    assert_fell_back(&explained, "the model server could not be reached");
    let Explained::FellBack { reason, .. } = &explained else {
        unreachable!()
    };
    assert!(!reason.contains("scheme"), "{reason}");
    assert!(server.received().is_empty());
    server.stop().await;
}
