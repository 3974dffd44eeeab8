//! `cargo run --release -p bench -- [--quick]`: measures ClusterGenie next to its references
//! in one run and writes a Markdown table and a JSON file.
//!
//! Sections: event append vs raw INSERT; commands over GraphQL; queries next to the earlier
//! REST design's figures; live delivery; rebuild; memory; the scale curve; the Kafka path
//! (relay publish rate next to a plain producer, commit → projector lag, role memory) against
//! a tansu broker, on Postgres only, skipped when tansu is not installed; hostile load
//! (`/health` and `createCluster` while each attack of the abuse battery runs); telemetry
//! (simulator ingest, the 7-day chart query, the health-check scheduler with many checks);
//! activity logs (append rate, the cost of storing logs on the list query, search latency at
//! 1 M and 10 M records on Postgres).

mod append;
mod hostile;
mod kafka;
mod live;
mod logs;
mod rebuild;
mod report;
mod server;
mod telemetry;
mod wrk;

use clap::Parser;
use serde_json::json;
use server::{Server, Storage};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Benchmark options.
#[derive(Debug, Parser)]
struct Args {
    /// Run every benchmark briefly (CI): proves it works, asserts no timing.
    #[arg(long)]
    quick: bool,
    /// Backends to measure.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<String>,
    /// Where to write `results.md` and `results.json`.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// Postgres server (a fresh database is created per benchmark).
    #[arg(
        long,
        env = "CLUSTERGENIE_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432"
    )]
    postgres: String,
    /// Sections to run.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "append,http,live,scale,kafka,hostile,telemetry,logs"
    )]
    only: Vec<String>,
    /// The `clustergenie` binary (default: next to this one).
    #[arg(long)]
    binary: Option<PathBuf>,
}

/// The list query of the HTTP section.
const LIST_DROPLETS: &str = r#"{"query":"{ droplets(first: 20) { totalCount edges { node { id name status ip size region } } } }"}"#;

/// Sizes and durations for a full or a quick run.
struct Plan {
    seconds: u32,
    subscribers: Vec<usize>,
    live_events: usize,
    scale_droplets: Vec<u64>,
    kafka: kafka::KafkaPlan,
    hostile: hostile::HostilePlan,
    telemetry: telemetry::TelemetryPlan,
    logs: logs::LogsPlan,
}

fn binary(args: &Args) -> anyhow::Result<PathBuf> {
    if let Some(b) = &args.binary {
        return Ok(b.clone());
    }
    let me = std::env::current_exe()?;
    let candidate = me.with_file_name("clustergenie");
    if !candidate.exists() {
        let release = me.parent().is_some_and(|p| p.ends_with("release"));
        let mut cmd =
            std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.args(["build", "--bin", "clustergenie"]);
        if release {
            cmd.arg("--release");
        }
        anyhow::ensure!(
            cmd.status()?.success(),
            "cannot build the clustergenie binary"
        );
    }
    Ok(candidate)
}

async fn fresh(kind: &str, pg: &str) -> anyhow::Result<Storage> {
    Ok(match kind {
        "postgres" => Storage::Postgres(server::fresh_postgres(pg).await?),
        _ => server::fresh_sqlite(),
    })
}

async fn cleanup(storage: &Storage, pg: &str) {
    match storage {
        Storage::Postgres(url) => server::drop_postgres(pg, url).await,
        Storage::Sqlite(dir) => {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Creates the 20 droplets the list query of the HTTP section reads.
async fn seed_droplets(server: &Server) -> anyhow::Result<()> {
    for i in 0..20 {
        let body = json!({"query": "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { position } }",
        "variables": {"i": {"name": format!("seed-{i}"), "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}}});
        let answer: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/graphql", server.base))
            .json(&body)
            .send()
            .await?
            .json()
            .await?;
        anyhow::ensure!(answer.get("errors").is_none(), "seeding droplets: {answer}");
    }
    Ok(())
}

/// The HTTP section's list query under load: wrk, 100 connections, `seconds`; fails when
/// any request failed.
fn list_load(server: &Server, seconds: u32) -> anyhow::Result<wrk::LoadResult> {
    wrk::run(
        &format!("{}/graphql", server.base),
        100,
        seconds,
        &wrk::post_script(LIST_DROPLETS),
    )
    .and_then(|r| r.ensure_clean("droplets(first: 20)"))
}

/// Sequential request latency (p50, p99 in ms) of `n` GraphQL requests.
async fn sequential(
    server: &Server,
    n: usize,
    body: impl Fn(usize) -> serde_json::Value,
) -> anyhow::Result<(f64, f64)> {
    let client = reqwest::Client::new();
    let mut h = hdrhistogram::Histogram::<u64>::new(3)?;
    for i in 0..n {
        let started = Instant::now();
        let r = client
            .post(format!("{}/graphql", server.base))
            .json(&body(i))
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success(), "HTTP {}", r.status());
        let v: serde_json::Value = r.json().await?;
        anyhow::ensure!(v.get("errors").is_none(), "GraphQL error: {v}");
        h.record((started.elapsed().as_micros() as u64).max(1))?;
    }
    Ok((
        h.value_at_quantile(0.5) as f64 / 1000.0,
        h.value_at_quantile(0.99) as f64 / 1000.0,
    ))
}

/// Samples the server's RSS every 100 ms until stopped; returns the peak.
fn rss_sampler(
    pid_status: String,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<u64>,
) {
    let (tx, mut rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let mut peak = 0;
        loop {
            if let Some(kib) = std::fs::read_to_string(&pid_status).ok().and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            }) {
                peak = peak.max(kib);
            }
            tokio::select! {
                _ = &mut rx => return peak,
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
    });
    (tx, task)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let plan = if args.quick {
        Plan {
            seconds: 1,
            subscribers: vec![1, 50],
            live_events: 3,
            scale_droplets: vec![200, 1_000],
            kafka: kafka::KafkaPlan {
                events: 300,
                rate: 50,
                seconds: 2,
            },
            hostile: hostile::HostilePlan {
                seconds: 1.0,
                attackers: 1,
                fragment_depth: 10,
                aliases: 3,
                sockets: 1,
                subscriptions: 3,
                slow_bodies: 2,
            },
            telemetry: telemetry::TelemetryPlan {
                ingest_droplets: vec![100, 1_000],
                ticks: 2,
                history_droplets: 30,
                history_days: 8,
                queries: 20,
                checks: 20,
                check_interval_s: 1,
                check_rounds: 2,
            },
            logs: logs::LogsPlan {
                batches: 2,
                writers: vec![1, 4],
                seconds: 1,
                rounds: 1,
                search_records: vec![10_000, 50_000],
                searches: 20,
            },
        }
    } else {
        Plan {
            seconds: 10,
            subscribers: vec![1, 1_000, 10_000],
            live_events: 20,
            scale_droplets: vec![1_000, 10_000, 100_000],
            kafka: kafka::KafkaPlan {
                events: 20_000,
                rate: 50,
                seconds: 10,
            },
            hostile: hostile::HostilePlan {
                seconds: 10.0,
                attackers: 4,
                fragment_depth: 25,
                aliases: 100,
                sockets: 10,
                subscriptions: 100,
                slow_bodies: 50,
            },
            telemetry: telemetry::TelemetryPlan {
                ingest_droplets: vec![1_000, 10_000],
                ticks: 10,
                history_droplets: 1_000,
                history_days: 30,
                queries: 500,
                checks: 1_000,
                check_interval_s: 10,
                check_rounds: 3,
            },
            logs: logs::LogsPlan {
                batches: 100,
                writers: vec![1, 4],
                seconds: 10,
                rounds: 3,
                search_records: vec![1_000_000, 10_000_000],
                searches: 500,
            },
        }
    };
    let bin = binary(&args)?;
    let mut report = report::Report::new(args.quick);
    let server_env: &[(&str, &str)] = &[
        ("CLUSTERGENIE_PROVISION_SECONDS", "1"),
        ("CLUSTERGENIE_HEALTHCHECK_DEFAULTS", "false"),
        ("CLUSTERGENIE_MAX_PAGE_SIZE", "100"),
        // The live section opens up to 10,000 sockets from this one address.
        ("CLUSTERGENIE_MAX_CONNECTIONS_PER_CLIENT", "100000"),
    ];

    let run = |section: &str| args.only.iter().any(|s| s == section);
    for backend in &args.backends {
        if run("append") {
            eprintln!("== {backend}: event append vs raw INSERT");
            for writers in [1usize, 32] {
                let storage = fresh(backend, &args.postgres).await?;
                let r = append::measure(&storage, writers, f64::from(plan.seconds)).await?;
                cleanup(&storage, &args.postgres).await;
                report.append.push(r);
            }
        }

        if run("http") || run("live") {
            eprintln!("== {backend}: HTTP load");
            let storage = fresh(backend, &args.postgres).await?;
            let srv = Server::start(&bin, &storage, server_env).await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let idle = srv.rss_kib();
            let status_path = format!("/proc/{}/status", srv_pid(&srv));
            let (stop, peak) = rss_sampler(status_path);
            seed_droplets(&srv).await?;
            let load = |path: &str, connections: u32, script: String, what: &str| {
                wrk::run(
                    &format!("{}{path}", srv.base),
                    connections,
                    plan.seconds,
                    &script,
                )
                .and_then(|r| r.ensure_clean(what))
            };
            let health = load("/health", 100, wrk::get_script(), "GET /health")?;
            let list = list_load(&srv, plan.seconds)?;
            let create = load(
                "/graphql",
                64,
                wrk::create_droplet_script(),
                "createDroplet",
            )?;
            let _ = stop.send(());
            let peak = peak.await?;
            tokio::time::sleep(Duration::from_secs(2)).await;
            let after = srv.rss_kib();
            report.http.push(report::Http {
                backend: backend.clone(),
                health,
                list_droplets: list,
                create_droplet: create,
            });
            report.memory.push(report::Memory {
                backend: backend.clone(),
                idle_kib: idle,
                peak_under_load_kib: peak,
                after_load_kib: after,
            });

            if run("live") {
                eprintln!("== {backend}: live delivery");
                for &n in &plan.subscribers {
                    // A lone subscriber gets ten times the events so that its p99 is not
                    // simply the slowest of a handful.
                    let events = if n == 1 {
                        plan.live_events * 10
                    } else {
                        plan.live_events
                    };
                    report
                        .live
                        .push(live::measure(&srv, backend, n, events).await?);
                }
            }
            srv.stop();
            cleanup(&storage, &args.postgres).await;
        }

        if run("telemetry") {
            eprintln!("== {backend}: telemetry (ingest, 7-day chart, health-check scheduler)");
            let storage = fresh(backend, &args.postgres).await?;
            let result =
                telemetry::measure(&bin, &storage, backend, server_env, &plan.telemetry).await;
            cleanup(&storage, &args.postgres).await;
            report.telemetry.push(result?);
        }

        if run("logs") {
            eprintln!("== {backend}: activity logs (append, cost on the list query)");
            let storage = fresh(backend, &args.postgres).await?;
            let ingest = logs::ingest(&storage, backend, &plan.logs).await;
            cleanup(&storage, &args.postgres).await;
            report.logs.ingest.extend(ingest?);
            let api = logs::api_cost(&bin, backend, &args.postgres, server_env, &plan.logs).await?;
            report.logs.api.extend(api);
            if backend == "postgres" {
                let url = server::fresh_postgres(&args.postgres).await?;
                eprintln!("== {backend}: activity log search (fill, then first pages of 50)");
                let search = logs::search::measure(&url, &plan.logs).await;
                server::drop_postgres(&args.postgres, &url).await;
                report.logs.search = search?;
            }
        }

        if run("hostile") {
            eprintln!("== {backend}: hostile load");
            let storage = fresh(backend, &args.postgres).await?;
            let srv = Server::start(&bin, &storage, server_env).await?;
            let results = hostile::measure(&srv, backend, &plan.hostile).await;
            srv.stop();
            cleanup(&storage, &args.postgres).await;
            report.hostile.extend(results?);
        }

        if !run("scale") {
            continue;
        }
        eprintln!("== {backend}: rebuild and scale curve");
        let storage = fresh(backend, &args.postgres).await?;
        let mut have = 0u64;
        for &droplets in &plan.scale_droplets {
            let generate = rebuild::generate(&storage, have + 1, droplets - have).await?;
            have = droplets;
            let rebuilt = rebuild::rebuild(&storage, generate).await?;
            let srv = Server::start(&bin, &storage, server_env).await?;
            let query = sequential(&srv, 200, |_| json!({"query": "{ droplets(first: 20, filter: {status: RUNNING}) { totalCount edges { node { id name ip } } } }"})).await?;
            let run = uuid::Uuid::new_v4().simple().to_string();
            let append = sequential(&srv, 100, |i| json!({"query": "mutation($i: CreateClusterInput!) { createCluster(input: $i) { position } }",
                "variables": {"i": {"name": format!("s{}-{i}", &run[..8]), "region": "nyc1"}}})).await?;
            srv.stop();
            report.scale.push(report::Scale {
                backend: backend.clone(),
                events: rebuilt.events,
                droplets: rebuilt.droplets,
                rebuild: rebuilt,
                query_p50_ms: query.0,
                query_p99_ms: query.1,
                append_p50_ms: append.0,
                append_p99_ms: append.1,
            });
        }
        cleanup(&storage, &args.postgres).await;
    }

    if run("kafka") {
        if !args.backends.iter().any(|b| b == "postgres") {
            report.kafka_skipped = Some("the Kafka path needs the postgres backend".into());
        } else if let Some(tansu) = kafka::tansu_binary() {
            report.kafka = Some(kafka::measure(&bin, &tansu, &args.postgres, &plan.kafka).await?);
        } else {
            report.kafka_skipped = Some(
                "tansu is not installed (cargo install tansu --locked --features \
                 dynostore,libsql, or set TANSU_BIN)"
                    .into(),
            );
        }
        if let Some(why) = &report.kafka_skipped {
            eprintln!("== Kafka path not measured: {why}");
        }
    }

    if run("logs") && !args.backends.iter().any(|b| b == "postgres") {
        report.logs.search_skipped =
            Some("search latency is measured on Postgres (the backend was not run)".into());
    }

    std::fs::create_dir_all(&args.out)?;
    let md = report.markdown();
    std::fs::write(args.out.join("results.md"), &md)?;
    std::fs::write(
        args.out.join("results.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    println!("{md}");
    eprintln!("wrote {}/results.md and results.json", args.out.display());
    Ok(())
}

fn srv_pid(srv: &Server) -> u32 {
    srv.pid()
}
