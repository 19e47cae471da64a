//! `service-bench`: the production runtime measured against its ceilings,
//! side by side in one run, with the release `maprt` binary:
//!
//! - `serve`: Shopify order webhooks with signature checking, by `wrk` over
//!   loopback, against the same requests answered with a constant body by
//!   the same HTTP stack (axum on a tokio runtime like `serve`'s, reading
//!   the body and answering at once: the stack's ceiling), and `GET
//!   /healthz` of `serve` itself for reference;
//! - `worker`: payloads through JetStream with 1 and 2 workers, against a
//!   consumer that acknowledges without transforming (the broker's ceiling);
//! - `batch`: records/s and peak RSS against `maprt transform` on the same
//!   NDJSON file.
//!
//! Needs `wrk` and `nats-server` (Debian packages), GNU time, and
//! `cargo build --release -p maprt`.

use async_nats::jetstream::{self, consumer, stream};
use clap::Parser;
use futures_util::StreamExt;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Benchmark `maprt serve`, `worker` and `batch` against their ceilings.
#[derive(Parser)]
#[command(name = "service-bench")]
struct Args {
    /// The release maprt binary
    #[arg(long, default_value = "target/release/maprt")]
    maprt: PathBuf,
    /// Seconds of load per wrk run
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// wrk connections
    #[arg(long, default_value_t = 32)]
    connections: u32,
    /// Messages through JetStream per worker run
    #[arg(long, default_value_t = 50_000)]
    messages: u64,
    /// Orders in the batch file (about 3 KB each; 330,000 is about 1 GB)
    #[arg(long, default_value_t = 330_000)]
    batch_records: u64,
    /// Only these parts (serve, worker, batch); all when absent
    #[arg(long)]
    only: Vec<String>,
    /// Scratch directory
    #[arg(long, default_value = "/tmp/maprt-service-bench")]
    scratch: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match bench(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn wanted(args: &Args, part: &str) -> bool {
    args.only.is_empty() || args.only.iter().any(|p| p == part)
}

fn bench(args: &Args) -> Result<(), String> {
    if !args.maprt.is_file() {
        return Err(format!(
            "{} not found: cargo build --release -p maprt",
            args.maprt.display()
        ));
    }
    let _ = std::fs::remove_dir_all(&args.scratch);
    std::fs::create_dir_all(&args.scratch).map_err(|e| e.to_string())?;
    // Shopify order webhook bodies, as Shopify sends them: `{"order": ...}`.
    let corpus = benches::corpus::ndjson(42, 2_000);
    let orders: Vec<&[u8]> = corpus
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    if wanted(args, "serve") {
        serve(args, orders.first().copied().unwrap_or_default())?;
    }
    if wanted(args, "worker") {
        let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
        runtime.block_on(worker(args, &orders))?;
    }
    let batched = if wanted(args, "batch") {
        batch(args)
    } else {
        Ok(())
    };
    // The batch files are gigabytes: none is left behind.
    let _ = std::fs::remove_dir_all(&args.scratch);
    batched
}

/// A child killed on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

fn wait_for_port(port: u16) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!("nothing listens on {port}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// Requests/s and latency percentiles, as wrk reports them.
struct Load {
    requests_per_second: f64,
    p50: String,
    p99: String,
}

fn wrk(args: &Args, url: &str, script: Option<&Path>) -> Result<Load, String> {
    let mut command = Command::new("wrk");
    command.args([
        "-t2".to_owned(),
        format!("-c{}", args.connections),
        format!("-d{}s", args.seconds),
        "--latency".to_owned(),
    ]);
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    let out = command
        .arg(url)
        .output()
        .map_err(|e| format!("wrk: {e} (apt-get install wrk)"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
            .unwrap_or_default()
    };
    if text.contains("Non-2xx") {
        return Err(format!("wrk saw failed requests:\n{text}"));
    }
    Ok(Load {
        requests_per_second: field("Requests/sec:").parse().unwrap_or(0.0),
        p50: field("50%"),
        p99: field("99%"),
    })
}

fn serve(args: &Args, order: &[u8]) -> Result<(), String> {
    let secret = "bench-secret";
    let port = free_port()?;
    let server = Command::new(&args.maprt)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--mapping",
            "shopify.order",
            "--secret",
            "shopify=env:BENCH_SECRET",
        ])
        .env("BENCH_SECRET", secret)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let _server = Running(server);
    wait_for_port(port)?;
    let signature = service::signature::Scheme::Shopify.sign(secret.as_bytes(), "", order);
    let body = String::from_utf8_lossy(order)
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let script = args.scratch.join("webhook.lua");
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = \"{body}\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"X-Shopify-Hmac-Sha256\"] = \"{signature}\"\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    let base = format!("http://127.0.0.1:{port}");
    let constant = constant_server()?;
    // Warm up, then each alternately, best of two.
    wrk(args, &format!("{base}/healthz"), None)?;
    let (mut ceiling, mut health, mut webhook) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..2 {
        ceiling.push(wrk(
            args,
            &format!("http://{constant}/v1/shopify.order"),
            Some(&script),
        )?);
        health.push(wrk(args, &format!("{base}/healthz"), None)?);
        webhook.push(wrk(
            args,
            &format!("{base}/v1/shopify.order"),
            Some(&script),
        )?);
    }
    let best = |runs: Vec<Load>| {
        runs.into_iter()
            .max_by(|a, b| a.requests_per_second.total_cmp(&b.requests_per_second))
    };
    let (Some(ceiling), Some(health), Some(webhook)) = (best(ceiling), best(health), best(webhook))
    else {
        return Err("no wrk runs".to_owned());
    };
    println!(
        "serve   GET /healthz (reference)         {:>9.0} req/s  p50 {:>8}  p99 {:>8}",
        health.requests_per_second, health.p50, health.p99
    );
    println!(
        "serve   ceiling: same POST, constant     {:>9.0} req/s  p50 {:>8}  p99 {:>8}",
        ceiling.requests_per_second, ceiling.p50, ceiling.p99
    );
    println!(
        "serve   shopify.order signed, {:>5} B    {:>9.0} req/s  p50 {:>8}  p99 {:>8}",
        order.len(),
        webhook.requests_per_second,
        webhook.p50,
        webhook.p99
    );
    println!(
        "serve   webhook / ceiling                {:>9.2}x",
        webhook.requests_per_second / ceiling.requests_per_second
    );
    Ok(())
}

/// The HTTP stack's ceiling: axum on a multi-threaded tokio runtime (as
/// `maprt serve` runs), reading each request's body whole and answering a
/// constant body. Runs on its own threads until the process ends.
fn constant_server() -> Result<std::net::SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let app = axum::Router::new().route(
                "/v1/{mapping}",
                axum::routing::post(|body: axum::body::Bytes| async move {
                    std::hint::black_box(body.len());
                    "{\"constant\":true}\n"
                }),
            );
            let _ = axum::serve(listener, app).await;
        });
    });
    Ok(address)
}

async fn worker(args: &Args, orders: &[&[u8]]) -> Result<(), String> {
    let port = free_port()?;
    let store = args.scratch.join("nats");
    let nats = Command::new(nats_server())
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
        .arg(&store)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("nats-server: {e} (apt-get install nats-server)"))?;
    let _nats = Running(nats);
    wait_for_port(port)?;
    let url = format!("nats://127.0.0.1:{port}");
    let client = async_nats::connect(&url).await.map_err(|e| e.to_string())?;
    let js = jetstream::new(client);
    for (name, subjects) in [
        ("PAYLOADS", "payloads.>"),
        ("CANONICAL", "canonical.>"),
        ("DEAD", "dead.>"),
    ] {
        js.create_stream(stream::Config {
            name: name.to_owned(),
            subjects: vec![subjects.to_owned()],
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    }
    let mut acks = Vec::new();
    for n in 0..args.messages {
        let order = orders.get((n as usize) % orders.len().max(1)).copied();
        let ack = js
            .publish(
                "payloads.shopify.order",
                order.unwrap_or_default().to_vec().into(),
            )
            .await
            .map_err(|e| e.to_string())?;
        acks.push(ack);
        if acks.len() == 1000 || n + 1 == args.messages {
            for ack in acks.drain(..) {
                ack.await.map_err(|e| e.to_string())?;
            }
        }
    }
    // Each run has its own durable consumer over the same messages.
    let ceiling = ack_only(&js, "ceiling", args.messages).await?;
    let one = workers(args, &js, &url, "one", 1).await?;
    let two = workers(args, &js, &url, "two", 2).await?;
    let rate = |d: Duration| args.messages as f64 / d.as_secs_f64();
    println!(
        "worker  ceiling (ack only, {} msgs)  {:>9.0} msg/s",
        args.messages,
        rate(ceiling)
    );
    println!(
        "worker  1 worker                         {:>9.0} msg/s  {:.2}x ceiling",
        rate(one),
        ceiling.as_secs_f64() / one.as_secs_f64()
    );
    println!(
        "worker  2 workers                        {:>9.0} msg/s  {:.2}x ceiling, {:.2}x one worker",
        rate(two),
        ceiling.as_secs_f64() / two.as_secs_f64(),
        one.as_secs_f64() / two.as_secs_f64()
    );
    Ok(())
}

fn nats_server() -> PathBuf {
    ["/usr/sbin/nats-server", "/usr/bin/nats-server"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("nats-server"))
}

async fn durable(js: &jetstream::Context, name: &str) -> Result<consumer::PullConsumer, String> {
    js.get_stream("PAYLOADS")
        .await
        .map_err(|e| e.to_string())?
        .create_consumer(consumer::pull::Config {
            durable_name: Some(name.to_owned()),
            ack_policy: consumer::AckPolicy::Explicit,
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())
}

/// The broker's ceiling: every message pulled and acknowledged, nothing else.
async fn ack_only(js: &jetstream::Context, name: &str, messages: u64) -> Result<Duration, String> {
    let consumer = durable(js, name).await?;
    let started = Instant::now();
    consumer
        .messages()
        .await
        .map_err(|e| e.to_string())?
        .take(messages as usize)
        .for_each_concurrent(64, |message| async move {
            if let Ok(message) = message {
                let _ = message.ack().await;
            }
        })
        .await;
    drained(js, name).await?;
    Ok(started.elapsed())
}

/// Wait until a consumer has nothing pending or unacknowledged.
async fn drained(js: &jetstream::Context, name: &str) -> Result<(), String> {
    let mut consumer: consumer::PullConsumer = js
        .get_stream("PAYLOADS")
        .await
        .map_err(|e| e.to_string())?
        .get_consumer(name)
        .await
        .map_err(|e| e.to_string())?;
    loop {
        let info = consumer.info().await.map_err(|e| e.to_string())?;
        if info.num_pending == 0 && info.num_ack_pending == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// `n` maprt workers on a fresh consumer, timed until it is drained.
async fn workers(
    args: &Args,
    js: &jetstream::Context,
    url: &str,
    name: &str,
    n: usize,
) -> Result<Duration, String> {
    durable(js, name).await?;
    let started = Instant::now();
    let mut running = Vec::new();
    for _ in 0..n {
        let child = Command::new(&args.maprt)
            .args(["worker", "--nats", url, "--stream", "PAYLOADS"])
            .args(["--consumer", name, "--mapping", "shopify.order"])
            .args(["--subject-out", &format!("canonical.{name}")])
            .args(["--dead-letter-subject", &format!("dead.{name}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        running.push(Running(child));
    }
    drained(js, name).await?;
    Ok(started.elapsed())
}

/// Seconds and peak RSS (KiB, by GNU time) of one maprt run, its stdout
/// written to `stdout` (a file, so `transform` writes as much as `batch`).
fn timed(args: &Args, maprt_args: &[&str], stdout: Stdio) -> Result<(f64, u64), String> {
    let report = args.scratch.join("time.txt");
    let started = Instant::now();
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(&args.maprt)
        .args(maprt_args)
        .stdout(stdout)
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("/usr/bin/time: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("maprt {maprt_args:?} failed"));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
    let kib = text
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    Ok((seconds, kib))
}

fn batch(args: &Args) -> Result<(), String> {
    let file = args.scratch.join("orders.ndjson");
    {
        let created = std::fs::File::create(&file).map_err(|e| e.to_string())?;
        let mut out = std::io::BufWriter::new(created);
        let mut done = 0;
        while done < args.batch_records {
            let n = 10_000.min(args.batch_records - done);
            out.write_all(&benches::corpus::ndjson(done, n))
                .map_err(|e| e.to_string())?;
            done += n;
        }
        out.flush().map_err(|e| e.to_string())?;
    }
    let bytes = std::fs::metadata(&file).map_err(|e| e.to_string())?.len();
    let path = |name: &str| args.scratch.join(name).to_string_lossy().into_owned();
    let (input, out, dead) = (
        path("orders.ndjson"),
        path("out.ndjson"),
        path("dead.ndjson"),
    );
    let transformed = std::fs::File::create(args.scratch.join("transformed.ndjson"))
        .map_err(|e| e.to_string())?;
    let transform = timed(
        args,
        &[
            "transform",
            "--mapping",
            "shopify.order",
            &input,
            "--dead-letter",
            &dead,
        ],
        Stdio::from(transformed),
    )?;
    let batch = timed(
        args,
        &[
            "batch",
            "--mapping",
            "shopify.order",
            "--input",
            &input,
            "--output",
            &out,
            "--dead-letter",
            &dead,
        ],
        Stdio::null(),
    )?;
    let opened = std::fs::File::open(&out).map_err(|e| e.to_string())?;
    let written = BufReader::new(opened).lines().count();
    let rate = |s: f64| args.batch_records as f64 / s;
    println!(
        "batch   input {} orders, {:.2} GB, {written} records written",
        args.batch_records,
        bytes as f64 / 1e9
    );
    println!(
        "batch   transform (stdout to a file)     {:>9.0} rec/s  peak RSS {:>7} KiB",
        rate(transform.0),
        transform.1
    );
    println!(
        "batch   batch                            {:>9.0} rec/s  peak RSS {:>7} KiB  {:.2}x transform",
        rate(batch.0),
        batch.1,
        transform.0 / batch.0
    );
    Ok(())
}
