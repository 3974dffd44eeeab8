//! Telemetry: the simulator's samples of running droplets, read back over GraphQL exactly as
//! the simulation computes them; cluster series combining their droplets; injected load as an
//! audited event that raises CPU; rollups read for long ranges; live samples; bad input
//! refused with nothing appended; per-cluster gauges in `/metrics`.

use crate::helpers::{assert_code, spawn_app_on, Backend, Storage, TestApp};
use crate::on_both_backends;
use command::telemetry::simulate::{droplet_sample, SimDroplet};
use schema::metrics::InjectedLoad;
use serde_json::{json, Value};
use std::time::Duration;
use store::metrics::{MetricsStore, Sample};
use testkit::wait;

const SEED: u64 = 4242;

/// An app whose simulator samples every second with a fixed seed.
async fn app(backend: Backend) -> TestApp {
    spawn_app_on(Storage::fresh(backend).await, |s| {
        s.metrics_simulator = true;
        s.metrics_interval_seconds = 1;
        s.metrics_seed = SEED;
    })
    .await
}

const SERIES: &str = "query($id: ID!, $metric: MetricName!, $range: MetricRange!) { droplet(id: $id) { createdAt size metrics(metric: $metric, range: $range) { metric unit stepSeconds resolution points { t v min max } latest { t v } } } }";

/// A cluster in nyc1 with `n` RUNNING droplets of size s-1vcpu-1gb: (cluster id, droplet ids).
async fn cluster_with_droplets(app: &TestApp, name: &str, n: usize) -> (String, Vec<String>) {
    let cluster = app.create_cluster(name, "nyc1").await;
    let mut droplets = Vec::new();
    for i in 0..n {
        let r = app
            .gql(
                "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } job { id } } }",
                json!({ "i": { "name": format!("{name}-{i}"), "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "clusterId": cluster } }),
            )
            .await;
        let job = testkit::graphql::string_at(&r, "/data/createDroplet/job/id");
        app.completed(&job).await;
        droplets.push(testkit::graphql::string_at(
            &r,
            "/data/createDroplet/droplet/id",
        ));
    }
    (cluster, droplets)
}

/// The droplet's series of `metric` over the last 15 minutes at one point per second, once
/// it has at least `points` points.
async fn points(app: &TestApp, id: &str, metric: &str, points: usize) -> Value {
    wait::until(
        &format!("{points} {metric} points of droplet {id}"),
        Duration::from_secs(30),
        || async move {
            let r = app
                .gql(
                    SERIES,
                    json!({ "id": id, "metric": metric, "range": { "last": "15m", "step": "1s" } }),
                )
                .await;
            let droplet = r["data"]["droplet"].clone();
            let n = droplet["metrics"]["points"].as_array().map_or(0, Vec::len);
            (n >= points).then_some(droplet).ok_or(r.to_string())
        },
    )
    .await
}

fn micros(t: &Value) -> i64 {
    let t: chrono::DateTime<chrono::Utc> = t.as_str().unwrap().parse().unwrap();
    t.timestamp_micros()
}

async fn running_droplets_report_what_the_simulation_computes(backend: Backend) {
    let app = app(backend).await;
    let (cluster, droplets) = cluster_with_droplets(&app, "sim", 2).await;
    let droplet = points(&app, &droplets[0], "CPU", 3).await;
    let series = &droplet["metrics"];
    assert_eq!(series["unit"], "percent");
    assert_eq!(series["resolution"], "RAW");
    assert_eq!(series["stepSeconds"], 1);
    // Each point is the sample the simulator computes for this droplet at that moment.
    let size = schema::Size::parse(droplet["size"].as_str().unwrap()).unwrap();
    let sim = SimDroplet {
        id: uuid::Uuid::parse_str(&droplets[0]).unwrap().as_u128(),
        size: size.info(),
        created_us: micros(&droplet["createdAt"]),
        load: None,
        cluster_load: None,
    };
    for p in series["points"].as_array().unwrap() {
        let expected = droplet_sample(SEED, &sim, micros(&p["t"]));
        let v = p["v"].as_f64().unwrap();
        assert!((v - expected[0]).abs() < 1e-9, "{p} vs {expected:?}");
        assert!((0.0..=100.0).contains(&v));
    }
    let latest = &series["latest"];
    assert!(latest["v"].is_number(), "{series}");

    // The cluster's series combine its droplets at each moment (once both report).
    for id in &droplets {
        points(&app, id, "MEMORY", 3).await;
    }
    let r = app
        .gql(
            "query($id: ID!) { cluster(id: $id) { avg: metrics(metric: MEMORY, range: {last: \"15m\", step: \"1s\"}) { points { t v } } max: metrics(metric: MEMORY, range: {last: \"15m\", step: \"1s\"}, aggregate: MAX) { points { t v } } queue: metrics(metric: QUEUE_DEPTH, range: {last: \"1h\"}) { unit latest { v } } } }",
            json!({ "id": cluster }),
        )
        .await;
    // Read after the cluster, so the droplets' series hold every moment it shows.
    let mut each = Vec::new();
    for id in &droplets {
        each.push(points(&app, id, "MEMORY", 3).await["metrics"]["points"].clone());
    }
    let c = &r["data"]["cluster"];
    assert_eq!(c["queue"]["unit"], "items", "{r}");
    assert!(c["queue"]["latest"]["v"].as_f64().unwrap() >= 0.0, "{r}");
    let at = |points: &Value, t: &Value| {
        points
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["t"] == *t)
            .map(|p| p["v"].as_f64().unwrap())
    };
    let mut compared = 0;
    for (avg, max) in c["avg"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .zip(c["max"]["points"].as_array().unwrap())
    {
        let values: Option<Vec<f64>> = each.iter().map(|d| at(d, &avg["t"])).collect();
        let Some(values) = values else { continue };
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let greatest = values.iter().cloned().fold(f64::MIN, f64::max);
        assert!(
            (avg["v"].as_f64().unwrap() - mean).abs() < 1e-9,
            "{avg} {values:?}"
        );
        assert!(
            (max["v"].as_f64().unwrap() - greatest).abs() < 1e-9,
            "{max} {values:?}"
        );
        compared += 1;
    }
    assert!(compared >= 2, "{r}");

    // /metrics shows one gauge per cluster, labelled with its name.
    let text = app.get("/metrics").await.text().await.unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("clustergenie_cluster_cpu_percent{cluster=\"sim\""))
        .unwrap_or_else(|| panic!("no cluster gauge in {text}"));
    assert!(
        line.contains(&format!("cluster_id=\"{cluster}\"")),
        "{line}"
    );
    app.stop().await;
}
on_both_backends!(running_droplets_report_what_the_simulation_computes);

async fn injected_load_raises_cpu_and_is_an_audited_event(backend: Backend) {
    let app = app(backend).await;
    let (cluster, droplets) = cluster_with_droplets(&app, "hot", 1).await;
    let id = &droplets[0];
    let r = app
        .gql(
            "mutation($i: InjectLoadInput!) { injectLoad(input: $i) { droplet { injectedLoad { cpu memory durationSeconds until active } } position } }",
            json!({ "i": { "targetType": "DROPLET", "targetId": id, "cpu": 60.0, "durationSeconds": 300 } }),
        )
        .await;
    let load = &r["data"]["injectLoad"]["droplet"]["injectedLoad"];
    assert_eq!(load["cpu"], 60.0, "{r}");
    assert_eq!(load["active"], true, "{r}");
    let since = micros(&load["until"]) - 300_000_000;
    // Samples after the injection carry it: the simulation with the load, exactly.
    let droplet = wait::until("a loaded sample", Duration::from_secs(30), || async {
        let d = points(&app, id, "CPU", 1).await;
        let loaded = d["metrics"]["points"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| micros(&p["t"]) > since);
        loaded.then_some(d.clone()).ok_or(d.to_string())
    })
    .await;
    let size = schema::Size::parse(droplet["size"].as_str().unwrap()).unwrap();
    let until = chrono::DateTime::from_timestamp_micros(micros(&load["until"])).unwrap();
    let sim = SimDroplet {
        id: uuid::Uuid::parse_str(id).unwrap().as_u128(),
        size: size.info(),
        created_us: micros(&droplet["createdAt"]),
        load: Some(InjectedLoad {
            cpu: 60.0,
            memory: 0.0,
            queue_depth: 0.0,
            duration_seconds: 300,
            until,
        }),
        cluster_load: None,
    };
    for p in droplet["metrics"]["points"].as_array().unwrap() {
        let t = micros(&p["t"]);
        if t > since {
            let v = p["v"].as_f64().unwrap();
            assert!(v >= 60.0, "{p}");
            assert!((v - droplet_sample(SEED, &sim, t)[0]).abs() < 1e-9, "{p}");
        }
    }
    // A cluster's queue takes injected items.
    let r = app
        .gql(
            "mutation($i: InjectLoadInput!) { injectLoad(input: $i) { cluster { injectedLoad { queueDepth } } } }",
            json!({ "i": { "targetType": "CLUSTER", "targetId": cluster, "queueDepth": 400.0, "durationSeconds": 120 } }),
        )
        .await;
    assert_eq!(
        r["data"]["injectLoad"]["cluster"]["injectedLoad"]["queueDepth"], 400.0,
        "{r}"
    );
    wait::until("the queue to hold 400 more", Duration::from_secs(30), || async {
        let r = app
            .gql(
                "query($id: ID!) { cluster(id: $id) { metrics(metric: QUEUE_DEPTH, range: {last: \"15m\"}) { latest { v } } } }",
                json!({ "id": cluster }),
            )
            .await;
        let v = r["data"]["cluster"]["metrics"]["latest"]["v"].as_f64();
        v.filter(|v| *v >= 400.0).ok_or(r.to_string())
    })
    .await;
    // Both are events of their aggregates, with the caller as actor.
    let log = app.store_log().await;
    let injected: Vec<(&str, &str)> = log
        .iter()
        .filter(|e| e.event_type.ends_with("LoadInjected"))
        .map(|e| (e.aggregate_type.as_str(), e.event_type.as_str()))
        .collect();
    assert_eq!(
        injected,
        [
            ("Droplet", "DropletLoadInjected"),
            ("Cluster", "ClusterLoadInjected")
        ]
    );
    app.stop().await;
}
on_both_backends!(injected_load_raises_cpu_and_is_an_audited_event);

async fn clear_load_ends_an_injection_early_and_is_refused_without_one(backend: Backend) {
    let app = app(backend).await;
    let (cluster, droplets) = cluster_with_droplets(&app, "calm", 1).await;
    let clear = |kind: &'static str, id: String| {
        let app = &app;
        async move {
            app.gql(
                "mutation($t: LoadTargetType!, $id: ID!) { clearLoad(targetType: $t, targetId: $id) { position cluster { injectedLoad { queueDepth } } droplet { injectedLoad { cpu } } } }",
                json!({ "t": kind, "id": id }),
            )
            .await
        }
    };
    // Nothing to end yet: refused, nothing appended.
    let before = app.store_log().await.len();
    let r = clear("CLUSTER", cluster.clone()).await;
    assert_eq!(
        r["errors"][0]["extensions"]["code"], "FAILED_PRECONDITION",
        "{r}"
    );
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("has no injected load to end"),
        "{r}"
    );
    assert_eq!(app.store_log().await.len(), before);

    let r = app
        .gql(
            "mutation($i: InjectLoadInput!) { injectLoad(input: $i) { position } }",
            json!({ "i": { "targetType": "CLUSTER", "targetId": cluster, "queueDepth": 5000.0, "durationSeconds": 3600 } }),
        )
        .await;
    assert!(r["errors"].is_null(), "{r}");
    wait::until(
        "the queue to hold the 5000",
        Duration::from_secs(30),
        || async {
            let (_, v) = latest_queue(&app, &cluster).await;
            (v >= 5000.0).then_some(()).ok_or(v.to_string())
        },
    )
    .await;

    let r = clear("CLUSTER", cluster.clone()).await;
    assert!(r["errors"].is_null(), "{r}");
    assert!(
        r["data"]["clearLoad"]["cluster"]["injectedLoad"].is_null(),
        "{r}"
    );
    let cleared_at = chrono::Utc::now().timestamp_micros();
    // Samples taken after it are the cluster's own queue again.
    wait::until(
        "a sample without the load",
        Duration::from_secs(30),
        || async {
            let (t, v) = latest_queue(&app, &cluster).await;
            (t > cleared_at && v < 5000.0)
                .then_some(())
                .ok_or(format!("{t} {v}"))
        },
    )
    .await;
    // A droplet's own injection ends the same way; a second clear finds nothing.
    let r = app
        .gql(
            "mutation($i: InjectLoadInput!) { injectLoad(input: $i) { position } }",
            json!({ "i": { "targetType": "DROPLET", "targetId": droplets[0], "cpu": 50.0, "durationSeconds": 3600 } }),
        )
        .await;
    assert!(r["errors"].is_null(), "{r}");
    let r = clear("DROPLET", droplets[0].clone()).await;
    assert!(
        r["data"]["clearLoad"]["droplet"]["injectedLoad"].is_null(),
        "{r}"
    );
    let r = clear("DROPLET", droplets[0].clone()).await;
    assert_eq!(
        r["errors"][0]["extensions"]["code"], "FAILED_PRECONDITION",
        "{r}"
    );
    let cleared: Vec<(String, String)> = app
        .store_log()
        .await
        .iter()
        .filter(|e| e.event_type.ends_with("LoadCleared"))
        .map(|e| (e.event_type.clone(), e.metadata.actor.clone()))
        .collect();
    assert_eq!(
        cleared,
        [
            ("ClusterLoadCleared".to_owned(), "local".to_owned()),
            ("DropletLoadCleared".to_owned(), "local".to_owned())
        ]
    );
    app.stop().await;
}
on_both_backends!(clear_load_ends_an_injection_early_and_is_refused_without_one);

/// The time and value of a cluster's newest QUEUE_DEPTH sample.
async fn latest_queue(app: &TestApp, cluster: &str) -> (i64, f64) {
    let r = app
        .gql(
            "query($id: ID!) { cluster(id: $id) { metrics(metric: QUEUE_DEPTH, range: {last: \"15m\"}) { latest { t v } } } }",
            json!({ "id": cluster }),
        )
        .await;
    let latest = &r["data"]["cluster"]["metrics"]["latest"];
    if latest.is_null() {
        return (0, 0.0);
    }
    (micros(&latest["t"]), latest["v"].as_f64().unwrap_or(0.0))
}

async fn long_ranges_read_the_hourly_rollups(backend: Backend) {
    let app = app(backend).await;
    let (_, droplets) = cluster_with_droplets(&app, "week", 1).await;
    let id = &droplets[0];
    // A week of hourly samples, older than the raw retention would keep, rolled up.
    let store = MetricsStore::new(app.storage.db().await);
    let now = store::now_us();
    let hour = 3_600_000_000i64;
    let start = (now / hour - 24 * 7) * hour;
    let samples: Vec<Sample> = (0..24 * 7)
        .flat_map(|h| {
            [0, 30].map(|m| Sample {
                series: format!("droplet:{id}"),
                metric: "DISK",
                at_us: start + h * hour + m * 60_000_000,
                value: (h % 24) as f64 + m as f64 / 30.0,
            })
        })
        .collect();
    store.write(&samples).await.unwrap();
    store.roll_up_between(start, now).await.unwrap();
    let r = app
        .gql(
            SERIES,
            json!({ "id": id, "metric": "DISK", "range": { "last": "7d" } }),
        )
        .await;
    let series = &r["data"]["droplet"]["metrics"];
    assert_eq!(series["resolution"], "HOUR", "{r}");
    assert_eq!(series["stepSeconds"], 3600, "{r}");
    let points = series["points"].as_array().unwrap();
    assert!(
        points.len() >= 160 && points.len() <= 170,
        "{}",
        points.len()
    );
    // Each hour holds two samples, h and h + 1: mean h + 0.5, least h, greatest h + 1.
    let p = points
        .iter()
        .find(|p| micros(&p["t"]) == start + 30 * hour)
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(
        (p["v"].as_f64(), p["min"].as_f64(), p["max"].as_f64()),
        (Some(6.5), Some(6.0), Some(7.0)),
        "{p}"
    );
    // A day reads five-minute steps of the minute rollups.
    let r = app
        .gql(
            SERIES,
            json!({ "id": id, "metric": "DISK", "range": { "last": "24h" } }),
        )
        .await;
    let series = &r["data"]["droplet"]["metrics"];
    assert_eq!(
        (
            series["resolution"].as_str(),
            series["stepSeconds"].as_i64()
        ),
        (Some("MINUTE"), Some(300)),
        "{r}"
    );
    app.stop().await;
}
on_both_backends!(long_ranges_read_the_hourly_rollups);

async fn samples_arrive_on_the_droplet_metrics_subscription(backend: Backend) {
    let app = app(backend).await;
    let (_, droplets) = cluster_with_droplets(&app, "live", 1).await;
    let samples = app
        .subscribe(
            "subscription($id: ID!) { dropletMetrics(dropletId: $id) { dropletId at cpu memory disk networkIn networkOut load1 } }",
            json!({ "id": droplets[0] }),
            2,
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(samples.len(), 2, "{samples:?}");
    let at: Vec<i64> = samples
        .iter()
        .map(|s| micros(&s["data"]["dropletMetrics"]["at"]))
        .collect();
    assert!(at[0] < at[1], "{samples:?}");
    for s in &samples {
        let m = &s["data"]["dropletMetrics"];
        assert_eq!(m["dropletId"], droplets[0].as_str());
        for field in ["cpu", "memory", "disk", "networkIn", "networkOut", "load1"] {
            assert!(m[field].is_number(), "{field} in {m}");
        }
    }
    app.stop().await;
}
on_both_backends!(samples_arrive_on_the_droplet_metrics_subscription);

async fn bad_telemetry_input_is_refused_naming_the_field(backend: Backend) {
    let app = app(backend).await;
    let (cluster, droplets) = cluster_with_droplets(&app, "bad", 1).await;
    let id = &droplets[0];
    for (range, metric, field) in [
        (json!({ "last": "15x" }), "CPU", "range.last"),
        (json!({ "last": "31d" }), "CPU", "range.last"),
        (json!({}), "CPU", "range"),
        (
            json!({ "from": "2026-12-02T10:00:00Z", "to": "2026-12-01T10:00:00Z" }),
            "CPU",
            "range.from",
        ),
        (
            json!({ "from": "2026-10-01T00:00:00Z", "to": "2026-12-01T00:00:00Z" }),
            "CPU",
            "range",
        ),
        (json!({ "last": "7d", "step": "1s" }), "CPU", "range.step"),
        (json!({ "last": "1h" }), "QUEUE_DEPTH", "metric"),
    ] {
        let r = app
            .gql(
                SERIES,
                json!({ "id": id, "metric": metric, "range": range }),
            )
            .await;
        assert_code(&r, "BAD_USER_INPUT");
        let message = r["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{field}:")), "{message}");
    }
    let r = app
        .gql(
            SERIES,
            json!({ "id": id, "metric": "NOPE", "range": { "last": "1h" } }),
        )
        .await;
    assert_code(&r, "BAD_USER_INPUT");

    let before = app.event_count().await;
    for (input, code) in [
        (
            json!({ "targetType": "DROPLET", "targetId": id, "cpu": 101.0, "durationSeconds": 60 }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "targetType": "DROPLET", "targetId": id, "cpu": 10.0, "durationSeconds": 0 }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "targetType": "DROPLET", "targetId": id, "queueDepth": 5.0, "durationSeconds": 60 }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "targetType": "DROPLET", "targetId": id, "durationSeconds": 60 }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "targetType": "CLUSTER", "targetId": id, "cpu": 5.0, "durationSeconds": 60 }),
            "NOT_FOUND",
        ),
        (
            json!({ "targetType": "DROPLET", "targetId": "not-an-id", "cpu": 5.0, "durationSeconds": 60 }),
            "BAD_USER_INPUT",
        ),
    ] {
        let r = app
            .gql(
                "mutation($i: InjectLoadInput!) { injectLoad(input: $i) { position } }",
                json!({ "i": input }),
            )
            .await;
        assert_code(&r, code);
    }
    app.assert_nothing_appended(before).await;
    // A destroyed droplet takes no load.
    let job = testkit::graphql::string_at(
        &app.gql(
            "mutation($id: ID!) { destroyDroplet(id: $id) { job { id } } }",
            json!({ "id": id }),
        )
        .await,
        "/data/destroyDroplet/job/id",
    );
    app.completed(&job).await;
    let r = app
        .gql(
            "mutation($i: InjectLoadInput!) { injectLoad(input: $i) { position } }",
            json!({ "i": { "targetType": "DROPLET", "targetId": id, "cpu": 5.0, "durationSeconds": 60 } }),
        )
        .await;
    assert_code(&r, "FAILED_PRECONDITION");
    let _ = cluster;
    app.stop().await;
}
on_both_backends!(bad_telemetry_input_is_refused_naming_the_field);

async fn one_simulator_takes_each_tick(backend: Backend) {
    // Two simulators on one store (two workers): each tick is claimed once, by either.
    let storage = Storage::fresh(backend).await;
    let store = MetricsStore::new(storage.db().await);
    let tick = 10_000_000i64;
    let t = store::now_us() / tick * tick;
    assert!(store.claim_tick(t, t + tick, "worker-a").await.unwrap());
    assert!(!store.claim_tick(t, t + tick, "worker-b").await.unwrap());
    assert!(!store.claim_tick(t, t + tick, "worker-a").await.unwrap());
    // The next tick goes to whichever asks first.
    assert!(store
        .claim_tick(t + tick, t + 2 * tick, "worker-b")
        .await
        .unwrap());
    assert!(!store
        .claim_tick(t + tick, t + 2 * tick, "worker-a")
        .await
        .unwrap());
}
on_both_backends!(one_simulator_takes_each_tick);
