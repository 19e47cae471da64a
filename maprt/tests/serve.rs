//! `maprt serve` over loopback, as a channel and an operator use it:
//! signed webhooks answered with the canonical records `maprt transform`
//! gives, every refusal with its status and code, the counters on
//! `/metrics` equal to what was sent, sinks, and a graceful shutdown that
//! finishes the request in flight.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a panic in a test is a failed test

mod support;

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use support::{hmac_base64, metric, request, root, scratch, transformed, Process};

const SHOPIFY_ORDER: &str = "mappings/shopify/samples/order/order.json";

fn sample(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).expect("sample")
}

#[test]
fn webhooks_answered_refused_and_counted() {
    let dir = scratch("serve-webhooks");
    let (out, dead) = (dir.join("records.ndjson"), dir.join("dead.ndjson"));
    let server = Process::start(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--mapping",
            "shopify.order",
            "--secret",
            "shopify=env:TEST_SHOPIFY_SECRET",
            "--max-body",
            "100000",
            "--max-depth",
            "32",
            "--output",
            &format!("file:{}", out.display()),
            "--dead-letter",
            &format!("file:{}", dead.display()),
        ],
        &[("TEST_SHOPIFY_SECRET", "hush")],
    );
    let at = server.address();
    let post = |body: &[u8], headers: &[(&str, &str)]| {
        request(at, "POST", "/v1/shopify.order", headers, body)
    };
    let signed = |body: &[u8], id: &str| {
        let sig = hmac_base64("hush", body);
        post(
            body,
            &[
                ("X-Shopify-Hmac-Sha256", &sig),
                ("X-Shopify-Webhook-Id", id),
            ],
        )
    };

    // A valid, signed webhook: 200 and exactly what `maprt transform` gives.
    let order = sample(SHOPIFY_ORDER);
    let ok = signed(&order, "delivery-1");
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(ok.header("x-correlation-id"), Some("delivery-1"));
    let expected = transformed("shopify.order", SHOPIFY_ORDER);
    assert_eq!(ok.text(), String::from_utf8_lossy(&expected));

    // A wrong signature, and none: 401, counted by reason.
    let wrong = post(
        &order,
        &[("X-Shopify-Hmac-Sha256", &hmac_base64("guess", &order))],
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["code"], "S105");
    assert_eq!(
        wrong.json()["message"],
        "the signature does not match the body (`x-shopify-hmac-sha256`, HMAC-SHA256 with the shopify webhook secret)"
    );
    let unsigned = post(&order, &[("X-Shopify-Webhook-Id", "delivery-2")]);
    assert_eq!(unsigned.status, 401);
    assert_eq!(
        unsigned.json(),
        json!({
            "code": "S105",
            "message": "the request carries no signature (`x-shopify-hmac-sha256`, HMAC-SHA256 with the shopify webhook secret)",
            "correlation_id": "delivery-2",
        })
    );

    // An oversized body: 413 before it is read whole.
    let big = vec![b' '; 200_000];
    let too_large = signed(&big, "delivery-3");
    assert_eq!(too_large.status, 413);
    assert_eq!(
        too_large.json(),
        json!({"code": "S102", "message": "the body is larger than 100000 bytes", "correlation_id": "delivery-3"})
    );

    // Nesting past the limit: 400 before the reader sees it.
    let deep = format!("{{\"order\":{}1{}}}", "[".repeat(40), "]".repeat(40));
    let too_deep = signed(deep.as_bytes(), "delivery-4");
    assert_eq!(too_deep.status, 400);
    assert_eq!(
        too_deep.json(),
        json!({"code": "S103", "message": "the JSON nests deeper than 32 levels", "correlation_id": "delivery-4"})
    );

    // Malformed JSON: 400 with the reader's message.
    let broken = signed(b"{\"order\": {\"id\": 1", "delivery-5");
    assert_eq!(broken.status, 400);
    assert_eq!(
        broken.json(),
        json!({
            "code": "R101",
            "message": "the record is not valid JSON: EOF while parsing an object at line 1 column 19",
            "correlation_id": "delivery-5",
            "records_ok": 0,
            "failures": [{
                "record": 1, "line": 1, "code": "R101", "path": "$", "mapping": null,
                "message": "the record is not valid JSON: EOF while parsing an object at line 1 column 19",
                "form": "payload",
            }],
        })
    );

    // A record the mapping fails on: 422 with the structured error, the
    // mapping's line included, as the dead letter has it.
    let text = String::from_utf8_lossy(&order).into_owned();
    let bad_price = text.replacen("\"price\": \"199.00\"", "\"price\": \"1 99\"", 1);
    assert_ne!(bad_price, text);
    let failed = signed(bad_price.as_bytes(), "delivery-6");
    assert_eq!(failed.status, 422, "{}", failed.text());
    let body = failed.json();
    assert_eq!(body["code"], "R104");
    assert_eq!(body["correlation_id"], "delivery-6");
    assert_eq!(body["records_ok"], 0);
    let failure = &body["failures"][0];
    assert_eq!(failure["code"], "R104");
    assert_eq!(failure["path"], "$.order.line_items[0].price");
    assert!(
        failure["mapping"]
            .as_str()
            .unwrap()
            .starts_with("mappings/shopify/order.map:"),
        "{failure}"
    );

    // A mapping that is not served: 404.
    let unknown = request(at, "POST", "/v1/ebay.order", &[], b"{}");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["code"], "S101");

    // Health and readiness.
    assert_eq!(request(at, "GET", "/healthz", &[], b"").status, 200);
    assert_eq!(request(at, "GET", "/readyz", &[], b"").status, 200);

    // The counters are what was sent.
    let metrics = request(at, "GET", "/metrics", &[], b"").text();
    let responses = |status: u16| {
        metric(
            &metrics,
            &format!("maprt_responses_total{{mapping=\"shopify.order\",status=\"{status}\"}}"),
        )
    };
    assert_eq!(
        [200, 400, 401, 413, 422].map(responses),
        [1, 2, 2, 1, 1],
        "{metrics}"
    );
    assert_eq!(
        metric(
            &metrics,
            "maprt_responses_total{mapping=\"unknown\",status=\"404\"}"
        ),
        1
    );
    let refused = |reason: &str| {
        metric(
            &metrics,
            &format!("maprt_signature_failures_total{{channel=\"shopify\",reason=\"{reason}\"}}"),
        )
    };
    assert_eq!([refused("mismatch"), refused("missing")], [1, 1]);
    let records = |outcome: &str| {
        metric(
            &metrics,
            &format!("maprt_records_total{{mapping=\"shopify.order\",outcome=\"{outcome}\"}}"),
        )
    };
    assert_eq!(
        ["in", "ok", "filtered", "dead_lettered"].map(records),
        [3, 1, 0, 2]
    );
    assert_eq!(
        metric(
            &metrics,
            "maprt_failures_total{mapping=\"shopify.order\",code=\"R104\"}"
        ),
        1
    );
    assert_eq!(
        metric(
            &metrics,
            "maprt_handling_seconds_count{mapping=\"shopify.order\"}"
        ),
        7
    );
    assert_eq!(metric(&metrics, "maprt_in_flight"), 0);

    // The sinks hold the record and the two dead letters, with their deliveries.
    assert_eq!(std::fs::read(&out).expect("records file"), expected);
    let letters: Vec<Value> = std::fs::read_to_string(&dead)
        .expect("dead letters file")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a letter"))
        .collect();
    let summary: Vec<(&str, &str)> = letters
        .iter()
        .map(|l| {
            (
                l["code"].as_str().unwrap(),
                l["correlation_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(summary, [("R101", "delivery-5"), ("R104", "delivery-6")]);
    // The failed record is kept as cut from the payload, replayable as is.
    assert_eq!(
        (letters[1]["form"].as_str(), letters[1]["at"].as_str()),
        (Some("record"), Some("$.order"))
    );
    let kept: Value = serde_json::from_str(letters[1]["input"].as_str().unwrap()).unwrap();
    let sent: Value = serde_json::from_str(&bad_price).unwrap();
    assert_eq!(kept, sent["order"]);
}

#[test]
fn woocommerce_and_square_signatures() {
    let server = Process::start(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--mapping",
            "woocommerce.legacy_order",
            "--mapping",
            "square.inventory_count",
            "--secret",
            "woocommerce=env:TEST_WC_SECRET",
            "--secret",
            "square=env:TEST_SQUARE_KEY",
            "--public-url",
            "https://hooks.example.com/",
        ],
        &[
            ("TEST_WC_SECRET", "wc-secret"),
            ("TEST_SQUARE_KEY", "sq-key"),
        ],
    );
    let at = server.address();

    let wc_sample = "mappings/woocommerce/samples/legacy_order/legacy_v3_list_orders_response.json";
    let wc = sample(wc_sample);
    let signature = hmac_base64("wc-secret", &wc);
    let answer = request(
        at,
        "POST",
        "/v1/woocommerce.legacy_order",
        &[
            ("X-WC-Webhook-Signature", &signature),
            ("X-WC-Webhook-Delivery-ID", "77"),
        ],
        &wc,
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(
        answer.body,
        transformed("woocommerce.legacy_order", wc_sample)
    );
    assert_eq!(answer.header("x-correlation-id"), Some("77"));

    // Square signs the URL it posts to, then the body.
    let sq_sample = "mappings/square/samples/inventory_count/InventoryCountUpdatedEvent.json";
    let sq = sample(sq_sample);
    let path = "/v1/square.inventory_count";
    let mut signed = format!("https://hooks.example.com{path}").into_bytes();
    signed.extend_from_slice(&sq);
    let signature = hmac_base64("sq-key", &signed);
    let header = [("x-square-hmacsha256-signature", signature.as_str())];
    let answer = request(at, "POST", path, &header, &sq);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(
        answer.body,
        transformed("square.inventory_count", sq_sample)
    );
    // The same signature over the body alone is refused.
    let body_only = hmac_base64("sq-key", &sq);
    let answer = request(
        at,
        "POST",
        path,
        &[("x-square-hmacsha256-signature", &body_only)],
        &sq,
    );
    assert_eq!(answer.status, 401);
}

#[test]
fn graceful_shutdown_finishes_the_request_in_flight() {
    let mut server = Process::start(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--mapping",
            "shopify.order",
            "--unsigned",
            "shopify",
        ],
        &[],
    );
    let at = server.address();
    let order = sample(SHOPIFY_ORDER);
    let mut stream = TcpStream::connect(at).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let head = support::head("POST", "/v1/shopify.order", &[], order.len());
    stream.write_all(head.as_bytes()).expect("head sent");
    let (first, rest) = order.split_at(order.len() / 2);
    stream.write_all(first).expect("half the body sent");
    std::thread::sleep(Duration::from_millis(200));
    server.terminate();
    server.wait_for_log("shutting down");
    // A new connection is not taken once shutdown began...
    std::thread::sleep(Duration::from_millis(200));
    assert!(TcpStream::connect(at).is_err(), "the listener is closed");
    // ...but the request in flight completes.
    stream.write_all(rest).expect("the rest sent");
    let answer = support::read_response(&mut stream);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.body, transformed("shopify.order", SHOPIFY_ORDER));
    assert_eq!(server.wait(), Some(0));
}

#[test]
fn a_signing_channel_without_a_secret_is_a_usage_error() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_maprt"))
            .args(args)
            .current_dir(root())
            .output()
            .expect("maprt runs")
    };
    let out = run(&["serve", "--mapping", "shopify.order"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: shopify.order signs its webhooks: give --secret shopify=env:NAME (or file:PATH), or --unsigned shopify when a gateway checks them\n"
    );
    let out = run(&[
        "serve",
        "--mapping",
        "square.order",
        "--secret",
        "square=env:PATH",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: square signs the URL it posts to: give --public-url (e.g. https://hooks.example.com)\n"
    );
    let out = run(&[
        "serve",
        "--mapping",
        "shopify.order",
        "--unsigned",
        "shopify",
        "--forward",
        "payloads",
        "--output",
        "stdout",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --forward publishes payloads untransformed for the workers: --output and --dead-letter are the workers' (--subject-out, --dead-letter-subject)\n"
    );
    let out = run(&["serve", "--mapping", "amazon.order", "--unsigned", "amazon"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: `amazon.order` combines named inputs (order, items) into a record: it is run with `maprt transform --input`, not on single deliveries\n"
    );
}

#[test]
fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let server = Process::start(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--mapping",
            "shopify.order",
            "--unsigned",
            "shopify",
            "--header-timeout",
            "1",
        ],
        &[],
    );
    let at = server.address();
    // One connection sends nothing, one half a head, one dribbles a header
    // a byte at a time: each is closed once its second is up.
    let silent = TcpStream::connect(at).expect("connects");
    let mut half = TcpStream::connect(at).expect("connects");
    half.write_all(b"POST /v1/shopify.order HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .expect("half a head sent");
    let mut dribbling = TcpStream::connect(at).expect("connects");
    let started = std::time::Instant::now();
    dribbling
        .write_all(b"POST /v1/shopify.order HTTP/1.1\r\nX-Slow: ")
        .expect("sent");
    while started.elapsed() < Duration::from_millis(2500) {
        if dribbling.write_all(b"a").is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for (name, mut stream) in [("silent", silent), ("half", half), ("dribbling", dribbling)] {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut buf = Vec::new();
        let read = stream.read_to_end(&mut buf);
        let closed = match &read {
            Ok(_) => true,
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        };
        assert!(closed, "{name}: still open after 10 s ({read:?})");
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{name}: closed only after {:?}",
            started.elapsed()
        );
    }
    // The server goes on answering whole requests.
    let order = sample(SHOPIFY_ORDER);
    let answer = support::request(at, "POST", "/v1/shopify.order", &[], &order);
    assert_eq!(answer.status, 200, "{}", answer.text());
}
