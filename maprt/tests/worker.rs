//! `maprt worker` against a real `nats-server -js` on loopback (started by
//! the test with a temporary store; `.ci/run` installs it): two workers
//! share one durable consumer, one is SIGKILLed mid-stream, and every
//! input still ends in exactly one canonical record or one dead letter —
//! counted by key, no duplicates after JetStream's de-duplication.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a panic in a test is a failed test

mod support;

use async_nats::jetstream::{self, consumer, stream};
use futures_util::StreamExt;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{root, scratch, Process};

/// Payloads published, and how many of them are broken.
const PAYLOADS: u64 = 10_000;

/// The `nats-server` binary: `$NATS_SERVER`, on the PATH, or where
/// Debian's package puts it.
fn nats_server() -> PathBuf {
    if let Some(path) = std::env::var_os("NATS_SERVER") {
        return PathBuf::from(path);
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("nats-server"))
        .find(|path| path.is_file())
        .expect("nats-server is not installed: `apt-get install nats-server` (bash .ci/run installs it)")
}

/// A `nats-server -js` on a free loopback port with a fresh store.
struct Nats {
    child: Child,
    url: String,
}

impl Nats {
    fn start(store: &std::path::Path) -> Nats {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(nats_server())
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(store)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Nats {
            child,
            url: format!("nats://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Payload `n`: the Shopify sample order with its own id; every 20th is
/// cut short (R101), every 20th + 10 has a price that is not a number
/// (R104).
fn payload(order: &Value, n: u64) -> Vec<u8> {
    let mut order = order.clone();
    order["order"]["id"] = Value::from(1_000_000 + n);
    let text = order.to_string();
    match n % 20 {
        0 => text.as_bytes()[..text.len() / 2].to_vec(),
        10 => text
            .replacen("\"price\":\"199.00\"", "\"price\":\"1 99\"", 1)
            .into_bytes(),
        _ => text.into_bytes(),
    }
}

fn broken(n: u64) -> bool {
    n.is_multiple_of(10)
}

async fn stream_messages(js: &jetstream::Context, name: &str) -> u64 {
    let mut stream = js.get_stream(name).await.expect("stream");
    stream.info().await.expect("stream info").state.messages
}

/// Every message of a stream: its `Nats-Msg-Id` and its body.
async fn read_all(js: &jetstream::Context, name: &str) -> Vec<(String, Value)> {
    let expected = stream_messages(js, name).await;
    let stream = js.get_stream(name).await.expect("stream");
    let reader = stream
        .create_consumer(consumer::pull::Config {
            ack_policy: consumer::AckPolicy::None,
            ..Default::default()
        })
        .await
        .expect("reader");
    let mut messages = reader.messages().await.expect("messages");
    let mut all = Vec::new();
    while (all.len() as u64) < expected {
        let message = tokio::time::timeout(Duration::from_secs(30), messages.next())
            .await
            .expect("the stream delivers")
            .expect("a message")
            .expect("no error");
        let id = message
            .headers
            .as_ref()
            .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default();
        all.push((id, serde_json::from_slice(&message.payload).expect("JSON")));
    }
    all
}

/// A worker on the shared consumer; `extra` arguments appended.
fn worker(url: &str, extra: &[&str]) -> Process {
    let mut args = vec![
        "worker",
        "--nats",
        url,
        "--stream",
        "PAYLOADS",
        "--consumer",
        "mappers",
        "--mapping",
        "shopify.order",
        "--subject-out",
        "canonical.shopify.order",
        "--dead-letter-subject",
        "dead.shopify.order",
        "--ack-wait",
        "2",
    ];
    args.extend_from_slice(extra);
    Process::start(&args, &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_one_killed_every_input_once() {
    let dir = scratch("worker-nats");
    let nats = Nats::start(&dir);
    let client = async_nats::connect(&nats.url).await.expect("connects");
    let js = jetstream::new(client);
    for (name, subjects) in [
        ("PAYLOADS", "payloads.>"),
        ("CANONICAL", "canonical.>"),
        ("DEAD", "dead.>"),
    ] {
        js.create_stream(stream::Config {
            name: name.to_owned(),
            subjects: vec![subjects.to_owned()],
            duplicate_window: Duration::from_secs(600),
            ..Default::default()
        })
        .await
        .expect("stream created");
    }

    let sample = std::fs::read_to_string(root().join("mappings/shopify/samples/order/order.json"))
        .expect("sample");
    let order: Value = serde_json::from_str(&sample).expect("JSON");
    // Acknowledgements awaited 500 at a time (the client bounds how many
    // may be outstanding).
    let mut acks = Vec::new();
    for n in 0..PAYLOADS {
        let ack = js
            .publish("payloads.shopify.order", payload(&order, n).into())
            .await
            .expect("published");
        acks.push(ack);
        if acks.len() == 500 || n + 1 == PAYLOADS {
            for ack in acks.drain(..) {
                ack.await.expect("payload stored");
            }
        }
    }

    let mut first = worker(&nats.url, &[]);
    first.wait_for_log("consuming");
    let metrics_at = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let mut second = worker(&nats.url, &["--metrics-listen", &metrics_at.to_string()]);
    second.wait_for_log("consuming");

    // Kill the first worker once outputs are flowing, without warning.
    let deadline = Instant::now() + Duration::from_secs(120);
    while stream_messages(&js, "CANONICAL").await < 2_000 {
        assert!(Instant::now() < deadline, "no outputs: {:?}", first.stderr);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.child.kill().expect("SIGKILL");
    let _ = first.child.wait();
    let at_kill = stream_messages(&js, "CANONICAL").await;

    // The survivor takes over what the killed worker held unacknowledged.
    let mut consumer: consumer::PullConsumer = js
        .get_stream("PAYLOADS")
        .await
        .expect("stream")
        .get_consumer("mappers")
        .await
        .expect("the shared consumer");
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let info = consumer.info().await.expect("consumer info");
        if info.num_pending == 0 && info.num_ack_pending == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "not drained: {info:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Exactly one record per good input, keyed by its idempotency key.
    let records = read_all(&js, "CANONICAL").await;
    let good: BTreeSet<String> = (0..PAYLOADS)
        .filter(|n| !broken(*n))
        .map(|n| format!("shopify:{}", 1_000_000 + n))
        .collect();
    let ids: Vec<String> = records
        .iter()
        .map(|(_, r)| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        at_kill < good.len() as u64,
        "killed mid-stream ({at_kill} records then)"
    );
    assert_eq!(ids.len(), good.len(), "one record per good input");
    assert_eq!(ids.iter().cloned().collect::<BTreeSet<_>>(), good);
    for (key, record) in &records {
        assert_eq!(Some(key.as_str()), record["idempotency_key"].as_str());
    }

    // Exactly one dead letter per broken input, with its code and payload.
    let letters = read_all(&js, "DEAD").await;
    assert_eq!(letters.len() as u64, PAYLOADS / 10);
    let mut codes = BTreeMap::new();
    let mut inputs = BTreeSet::new();
    for (_, letter) in &letters {
        *codes
            .entry(letter["code"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
        inputs.insert(letter["correlation_id"].as_str().unwrap().to_owned());
        assert!(letter["input"].is_string(), "{letter}");
    }
    assert_eq!(
        codes,
        BTreeMap::from([("R101".to_owned(), 500), ("R104".to_owned(), 500)])
    );
    assert_eq!(inputs.len() as u64, PAYLOADS / 10, "one letter per input");

    // `serve --forward` publishes verified webhooks for the workers: a
    // channel's retry of one delivery is stored once, transformed once.
    let server = Process::start(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--mapping",
            "shopify.order",
            "--unsigned",
            "shopify",
            "--forward",
            "payloads",
            "--nats",
            &nats.url,
        ],
        &[],
    );
    let at = server.address();
    let webhook = sample.as_bytes();
    for _ in 0..2 {
        let answer = support::request(
            at,
            "POST",
            "/v1/shopify.order",
            &[(
                "X-Shopify-Webhook-Id",
                "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
            )],
            webhook,
        );
        assert_eq!(answer.status, 202, "{}", answer.text());
        assert_eq!(
            answer.json(),
            serde_json::json!({"accepted": true, "correlation_id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"})
        );
    }
    assert_eq!(stream_messages(&js, "PAYLOADS").await, PAYLOADS + 1);
    let deadline = Instant::now() + Duration::from_secs(60);
    while stream_messages(&js, "CANONICAL").await < good.len() as u64 + 1 {
        assert!(
            Instant::now() < deadline,
            "the forwarded webhook was not transformed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let records = read_all(&js, "CANONICAL").await;
    let (_, forwarded) = records.last().expect("the forwarded record");
    assert_eq!(forwarded["id"], "shopify:450789469");

    // The survivor's operator endpoints: ready, and its counters balance.
    assert_eq!(
        support::request(metrics_at, "GET", "/readyz", &[], b"").status,
        200
    );
    let metrics = support::request(metrics_at, "GET", "/metrics", &[], b"").text();
    let series = |outcome: &str| {
        let name =
            format!("maprt_records_total{{mapping=\"shopify.order\",outcome=\"{outcome}\"}}");
        support::metric(&metrics, &name)
    };
    let [seen, ok, dead] = ["in", "ok", "dead_lettered"].map(series);
    assert!(seen > 0, "{metrics}");
    assert_eq!(seen, ok + dead, "{metrics}");
    assert!(
        metrics.contains("maprt_published_total{kind=\"record\""),
        "{metrics}"
    );

    second.terminate();
    assert_eq!(second.wait(), Some(0));
}
