//! `maprt` as operators run it: compiled mappings over documents and NDJSON,
//! dead letters, exit codes.
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn maprt(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_maprt"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("maprt runs");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin).expect("stdin");
    }
    child.wait_with_output().expect("maprt exits")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SAMPLE: &str = "mappings/shopify/samples/order/order.json";

/// `(id, target, file)` of every mapping file, read from its header line
/// (`mapping <id> -> <Target>`), sorted by id.
fn mapping_files() -> Vec<(String, String, String)> {
    let mut all = Vec::new();
    for channel in std::fs::read_dir(root().join("mappings")).expect("mappings") {
        let channel = channel.expect("entry").path();
        for file in std::fs::read_dir(&channel).expect("channel") {
            let file = file.expect("entry").path();
            if file.extension().is_none_or(|e| e != "map") {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("mapping");
            let header = text
                .lines()
                .find_map(|l| l.strip_prefix("mapping "))
                .expect("header");
            let (id, target) = header.split_once("->").expect("arrow");
            let relative = file.strip_prefix(root()).expect("in repo");
            all.push((
                id.trim().to_owned(),
                target.trim().to_owned(),
                relative.to_string_lossy().replace('\\', "/"),
            ));
        }
    }
    all.sort();
    all
}

#[test]
fn list_names_every_compiled_mapping() {
    let out = maprt(&["list"], b"");
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("# maprt 0.1.0 (built by mapc 0.1.0, canonical model 1)")
    );
    let listed: Vec<(String, String, String)> = lines
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 5, "{line}");
            let source = std::fs::read(root().join(cells[2])).expect("mapping file");
            assert_eq!(cells[3], sha256_hex(&source), "the mapping file's SHA-256");
            assert!(
                cells[4].len() == 64 && cells[4].bytes().all(|b| b.is_ascii_hexdigit()),
                "{line}"
            );
            (
                cells[0].to_owned(),
                cells[1].to_owned(),
                cells[2].to_owned(),
            )
        })
        .collect();
    assert!(listed.contains(&(
        "shopify.order".to_owned(),
        "SalesOrder".to_owned(),
        "mappings/shopify/order.map".to_owned()
    )));
    assert_eq!(listed, mapping_files());
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn transforms_a_document_file_to_one_canonical_line() {
    let out = maprt(&["transform", "--mapping", "shopify.order", SAMPLE], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.starts_with("{\"id\":\"shopify:450789469\""));
}

#[test]
fn ndjson_on_stdin_keeps_going_and_dead_letters_failures() {
    let sample = std::fs::read_to_string(root().join(SAMPLE)).expect("sample");
    let compact: serde_json::Value = serde_json::from_str(&sample).expect("json");
    let good = compact.to_string();
    let bad_price = good.replacen("\"price\":\"199.00\"", "\"price\":\"1 99\"", 1);
    let input = format!("{good}\n{{\"order\": \n\n{bad_price}\n{good}\n");
    let dead = std::env::temp_dir().join(format!("maprt-dead-{}.ndjson", std::process::id()));
    let dead_arg = dead.to_str().expect("utf-8");
    let out = maprt(
        &[
            "transform",
            "--mapping",
            "shopify.order",
            "--dead-letter",
            dead_arg,
        ],
        input.as_bytes(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed record makes the run exit 1"
    );
    assert_eq!(
        text(&out.stdout).lines().count(),
        2,
        "both good records are transformed"
    );
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("record 2 (line 2): error[R101] at $: the record is not valid JSON"),
        "{stderr}"
    );
    assert_eq!(
        lines[1],
        "record 3 (line 4): error[R104] at $.order.line_items[0].price (mappings/shopify/order.map:96:53): cannot parse \"1 99\" as an exact decimal"
    );
    let letters: Vec<serde_json::Value> = std::fs::read_to_string(&dead)
        .expect("dead letters")
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON"))
        .collect();
    assert_eq!(letters.len(), 2);
    assert_eq!(letters[1]["code"], "R104");
    assert_eq!(letters[1]["line"], 4);
    assert_eq!(letters[1]["mapping"], "mappings/shopify/order.map:96:53");
    // The record cut along the route (`.order`), as it was: it replays with
    // `--bare` once fixed.
    let bad_order: serde_json::Value = serde_json::from_str(&bad_price).expect("json");
    assert_eq!(
        letters[1]["input"],
        bad_order["order"].to_string().as_str(),
        "the record is kept for replay"
    );
}

#[test]
fn non_json_input_is_one_line_and_exit_1() {
    let out = maprt(
        &["transform", "--mapping", "shopify.order"],
        b"not json at all\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "record 1 (line 1): error[R101] at $: the record is not valid JSON: expected a JSON value at line 1 column 1\n"
    );
}

#[test]
fn unknown_mapping_and_usage_errors() {
    let out = maprt(&["transform", "--mapping", "nope.order", SAMPLE], b"");
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let ids: Vec<String> = mapping_files().into_iter().map(|m| m.0).collect();
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: no mapping `nope.order` (compiled: {})\n",
            ids.join(", ")
        )
    );
    assert_eq!(maprt(&["transform"], b"").status.code(), Some(2));
    assert_eq!(maprt(&["frobnicate"], b"").status.code(), Some(2));
}

#[test]
fn help_is_snapshotted() {
    insta::assert_snapshot!("maprt_help", text(&maprt(&["--help"], b"").stdout));
    insta::assert_snapshot!(
        "maprt_transform_help",
        text(&maprt(&["transform", "--help"], b"").stdout)
    );
    insta::assert_snapshot!(
        "maprt_batch_help",
        text(&maprt(&["batch", "--help"], b"").stdout)
    );
    insta::assert_snapshot!(
        "maprt_replay_help",
        text(&maprt(&["replay", "--help"], b"").stdout)
    );
    insta::assert_snapshot!(
        "maprt_serve_help",
        text(&maprt(&["serve", "--help"], b"").stdout)
    );
    insta::assert_snapshot!(
        "maprt_worker_help",
        text(&maprt(&["worker", "--help"], b"").stdout)
    );
}

#[test]
fn tsv_rows_transform_and_bad_rows_are_dead_lettered_for_replay() {
    let tsv = b"sku\tasin\tprice\tquantity\nA\tB1\t1.00\t3\nBAD\tB2\tnope\t1\nC\tB3\t2.50\t\n";
    let dead = std::env::temp_dir().join(format!("maprt-tsv-dead-{}.ndjson", std::process::id()));
    let dead_arg = dead.to_str().expect("utf-8");
    let out = maprt(
        &[
            "transform",
            "--mapping",
            "amazon.listings_report",
            "--dead-letter",
            dead_arg,
        ],
        tsv,
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let ids: Vec<&str> = stdout
        .lines()
        .map(|l| &l[7..l.find("\",").unwrap_or(7)])
        .collect();
    assert_eq!(ids, ["amazon:MFN:A", "amazon:AFN:C"]);
    assert_eq!(
        text(&out.stderr),
        "record 2 (line 3): error[R104] at $.price (mappings/amazon/listings_report.map:23:25): cannot parse \"nope\" as an exact decimal\n"
    );
    let letter: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&dead).expect("dead letters").trim())
            .expect("JSON");
    assert_eq!(letter["line"], 3);
    assert_eq!(
        letter["input"],
        r#"{"sku":"BAD","asin":"B2","price":"nope","quantity":"1"}"#
    );
    let fixed = letter["input"]
        .as_str()
        .expect("text")
        .replace("nope", "4.00");
    let replay = maprt(
        &[
            "transform",
            "--mapping",
            "amazon.listings_report",
            "--format",
            "ndjson",
        ],
        fixed.as_bytes(),
    );
    assert_eq!(replay.status.code(), Some(0), "{}", text(&replay.stderr));
    assert!(text(&replay.stdout).starts_with(r#"{"id":"amazon:MFN:BAD""#));
}

/// `maprt transform --mapping amazon.order --input NAME=<example>/FILE ...`.
fn amazon_order(inputs: &[&str]) -> Output {
    let dir = "mappings/amazon/samples/order/example";
    let mut args = vec![
        "transform".to_owned(),
        "--mapping".into(),
        "amazon.order".into(),
    ];
    for input in inputs {
        let (name, file) = input.split_once('=').expect("NAME=FILE");
        args.extend(["--input".to_owned(), format!("{name}={dir}/{file}")]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    maprt(&args, b"")
}

#[test]
fn named_inputs_are_combined_from_files() {
    let out = amazon_order(&["order=order.json", "items=items.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("{\"id\":\"amazon:902-3159896-1390916\""));

    let missing = amazon_order(&["order=order.json"]);
    assert_eq!(missing.status.code(), Some(2), "a usage error");
    assert_eq!(
        text(&missing.stderr),
        "error: `amazon.order` needs --input items=FILE\n"
    );

    let single = maprt(
        &["transform", "--mapping", "shopify.order", "--input", "x=y"],
        b"",
    );
    assert_eq!(
        text(&single.stderr),
        "error: `shopify.order` reads one document: give it as FILE, not --input\n"
    );
}

#[test]
fn enveloped_records_fail_alone_and_replay_bare() {
    // Two levels in a list page; the second has a non-integer location.
    let page = br#"{"inventory_levels": [
        {"inventory_item_id": 1, "location_id": 2, "available": 3, "updated_at": "2018-05-07T15:33:38-04:00"},
        {"inventory_item_id": 1, "location_id": "x", "available": 3, "updated_at": "2018-05-07T15:33:38-04:00"}
    ]}"#;
    let dir = std::env::temp_dir().join(format!("maprt-bare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let dead = dir.join("dead.ndjson");
    let out = maprt(
        &[
            "transform",
            "--mapping",
            "shopify.inventory_level",
            "--format",
            "json",
            "--dead-letter",
            dead.to_str().expect("utf-8 path"),
        ],
        page,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "the good record is kept"
    );
    assert!(
        text(&out.stderr).contains("error[R102] at $.inventory_levels[1].location_id"),
        "{}",
        text(&out.stderr)
    );
    let letters = std::fs::read_to_string(&dead).expect("dead letters");
    let letter: serde_json::Value = serde_json::from_str(letters.trim()).expect("JSON");
    // The dead letter holds the record itself; fixed, it replays with --bare.
    let fixed = letter["input"]
        .as_str()
        .expect("input")
        .replace("\"x\"", "7");
    let replay = maprt(
        &[
            "transform",
            "--mapping",
            "shopify.inventory_level",
            "--bare",
        ],
        fixed.as_bytes(),
    );
    assert_eq!(replay.status.code(), Some(0), "{}", text(&replay.stderr));
    assert!(text(&replay.stdout).starts_with("{\"id\":\"shopify:7:1\""));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn xml_payloads_transform_and_a_broken_document_fails_whole() {
    let sample = "mappings/ebay/samples/order/GetOrdersResponseWithoutMonetaryDetailsRefundOptionalFields.xml";
    let out = maprt(&["transform", "--mapping", "ebay.order", sample], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The document holds the same <Order> twice: two records.
    assert_eq!(text(&out.stdout).lines().count(), 2);

    // A record whose total is not a number fails alone; its dead letter is
    // the record as JSON, which replays with --bare once fixed.
    let xml = std::fs::read_to_string(root().join(sample)).expect("sample");
    let bad_total = xml.replacen(">0.0</Total>", ">zero</Total>", 1);
    assert_ne!(bad_total, xml);
    let dir = std::env::temp_dir().join(format!("maprt-xml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let dead = dir.join("dead.ndjson");
    let dead_arg = dead.to_str().expect("utf-8 path");
    let out = maprt(
        &[
            "transform",
            "--mapping",
            "ebay.order",
            "--dead-letter",
            dead_arg,
        ],
        bad_total.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "the other order is kept"
    );
    let letters = std::fs::read_to_string(&dead).expect("dead letters");
    let letter: serde_json::Value =
        serde_json::from_str(letters.lines().next().expect("one letter")).expect("JSON");
    assert_eq!(letter["code"], "R104");
    assert_eq!(
        letter["path"],
        "$.GetOrdersResponse.OrderArray.Order[0].Total.#text"
    );
    let fixed = letter["input"]
        .as_str()
        .expect("input")
        .replace("zero", "0.0");
    let replay = maprt(
        &["transform", "--mapping", "ebay.order", "--bare"],
        fixed.as_bytes(),
    );
    assert_eq!(replay.status.code(), Some(0), "{}", text(&replay.stderr));
    let _ = std::fs::remove_dir_all(&dir);

    let broken = b"<GetOrdersResponse><OrderArray><Order></OrderArray></GetOrdersResponse>";
    let out = maprt(&["transform", "--mapping", "ebay.order"], broken);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "record 1 (line 1): error[R114] at $: the record is not well-formed XML: ill-formed document: expected `</Order>`, but `</OrderArray>` was found (byte 38)\n"
    );
}

#[test]
fn a_where_filter_drops_records_without_failing_them() {
    let counts = br#"{"counts": [
        {"catalog_object_id": "V1", "location_id": "L", "state": "SOLD", "quantity": "3", "calculated_at": "2016-11-16T22:28:01.223Z"},
        {"catalog_object_id": "V1", "location_id": "L", "state": "IN_STOCK", "quantity": "79", "calculated_at": "2016-11-16T22:28:01.223Z"}
    ]}"#;
    let out = maprt(
        &[
            "transform",
            "--mapping",
            "square.inventory_count",
            "--format",
            "json",
        ],
        counts,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 1, "the SOLD count is filtered out");
    assert!(lines[0].contains("\"available\":79"));
    assert_eq!(text(&out.stderr), "");
}

/// `maprt transform ... | head -1`: when the reader of the output goes
/// away, the run ends with an error on every thread count instead of
/// hanging (it used to, with more than one thread).
#[test]
fn a_closed_output_pipe_ends_the_run() {
    let order = std::fs::read_to_string(root().join(SAMPLE)).expect("sample");
    let line = serde_json::to_string(
        &serde_json::from_str::<serde_json::Value>(&order).expect("JSON sample"),
    )
    .expect("one line");
    let input = format!("{line}\n").repeat(20_000);
    let dir = std::env::temp_dir().join(format!("maprt-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("orders.ndjson");
    std::fs::write(&file, input).expect("input");
    for threads in ["1", "2", "4"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_maprt"))
            .args([
                "transform",
                "--mapping",
                "shopify.order",
                "--threads",
                threads,
            ])
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("maprt runs");
        let mut first = [0u8; 1];
        let mut out = child.stdout.take().expect("stdout");
        std::io::Read::read_exact(&mut out, &mut first).expect("some output");
        drop(out);
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                panic!("--threads {threads}: maprt hangs after its output pipe closed");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(1), "--threads {threads}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// An NDJSON file whose first line is broken is still NDJSON: the first
/// record is dead-lettered alone (R101) and every other one transforms (it
/// used to be read as one broken document: one dead letter, no output).
#[test]
fn a_broken_first_line_fails_alone() {
    let sample = std::fs::read_to_string(root().join(SAMPLE)).expect("sample");
    let good = serde_json::from_str::<serde_json::Value>(&sample)
        .expect("json")
        .to_string();
    let broken = &good[..good.len() / 2];
    let input = format!("{broken}\n{}", format!("{good}\n").repeat(1000));
    let file = std::env::temp_dir().join(format!("maprt-broken-{}.ndjson", std::process::id()));
    std::fs::write(&file, input).expect("input");
    let path = file.to_str().expect("utf-8 path");
    for threads in ["1", "2"] {
        let args = [
            "transform",
            "--mapping",
            "shopify.order",
            "--threads",
            threads,
            path,
        ];
        let out = maprt(&args, b"");
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            text(&out.stdout).lines().count(),
            1000,
            "--threads {threads}"
        );
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("record 1 (line 1): error[R101] at $"),
            "{stderr}"
        );
    }
    let _ = std::fs::remove_file(&file);
}

/// Nothing vanishes from a routed payload: a payload on two routes gives
/// the records of both, and a route key given twice dead-letters the
/// payload (R102) instead of taking one of the values.
#[test]
fn routed_payloads_lose_no_record() {
    let level = r#"{"inventory_item_id": 39072856, "location_id": 487838322, "available": 27, "updated_at": "2018-05-07T15:33:38-04:00"}"#;
    let both = format!(r#"{{"inventory_level": {level}, "inventory_levels": [{level}, {level}]}}"#);
    let args = ["transform", "--mapping", "shopify.inventory_level"];
    let out = maprt(&args, both.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 3);
    let twice = format!(r#"{{"inventory_level": {level}, "inventory_level": {level}}}"#);
    let out = maprt(&args, twice.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert!(
        text(&out.stderr).starts_with(
            "record 1 (line 1): error[R102] at $.inventory_level: the payload has `inventory_level` more than once"
        ),
        "{}",
        text(&out.stderr)
    );
}

/// A row that is not UTF-8 is dead-lettered as it was: the line's exact
/// bytes (tabs included), base64 in `input_base64`, never a repaired copy
/// that a replay would transform.
#[test]
fn a_row_that_is_not_utf8_is_dead_lettered_byte_for_byte() {
    let tsv = b"sku\tasin\tprice\tquantity\nA\tB1\t1.00\t3\nB\xe9\tB2\t2.00\t1\n";
    let dead = std::env::temp_dir().join(format!("maprt-utf8-dead-{}.ndjson", std::process::id()));
    let dead_arg = dead.to_str().expect("utf-8");
    let args = [
        "transform",
        "--mapping",
        "amazon.listings_report",
        "--dead-letter",
        dead_arg,
    ];
    let out = maprt(&args, tsv);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout).lines().count(), 1);
    assert_eq!(
        text(&out.stderr),
        "record 2 (line 3): error[R101] at $.sku: the cell is not valid UTF-8\n"
    );
    let letter: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&dead).expect("dead letters").trim())
            .expect("JSON");
    assert!(letter.get("input").is_none(), "{letter}");
    assert_eq!(
        host::dead_letter::input_of(&letter).expect("input_base64"),
        b"B\xe9\tB2\t2.00\t1"
    );
    let _ = std::fs::remove_file(&dead);
}

/// Arguments that would lose data or crash are refused with a clear error:
/// an input given twice (the second was ignored), the input as its own
/// dead-letter file (it was emptied), thread counts out of range (2^62
/// panicked with "capacity overflow").
#[test]
fn dangerous_arguments_are_refused() {
    let twice = amazon_order(&["order=order.json", "items=items.json", "order=items.json"]);
    assert_eq!(twice.status.code(), Some(2), "a usage error");
    assert_eq!(
        text(&twice.stderr),
        "error: --input order=...: given twice\n"
    );

    let file = std::env::temp_dir().join(format!("maprt-self-{}.json", std::process::id()));
    let original = std::fs::read(root().join(SAMPLE)).expect("sample");
    std::fs::write(&file, &original).expect("copy");
    let path = file.to_str().expect("utf-8 path");
    let args = [
        "transform",
        "--mapping",
        "shopify.order",
        "--dead-letter",
        path,
        path,
    ];
    let same = maprt(&args, b"");
    assert_eq!(same.status.code(), Some(2), "a usage error");
    assert!(
        text(&same.stderr)
            .ends_with("the input cannot also be the dead-letter file (it would be emptied)\n"),
        "{}",
        text(&same.stderr)
    );
    assert_eq!(std::fs::read(&file).expect("still there"), original);
    let _ = std::fs::remove_file(&file);

    for threads in ["0", "257", "4611686018427387904"] {
        let args = [
            "transform",
            "--mapping",
            "shopify.order",
            "--threads",
            threads,
            SAMPLE,
        ];
        let out = maprt(&args, b"");
        assert_eq!(out.status.code(), Some(2), "--threads {threads}");
        assert!(
            text(&out.stderr).contains("is not in 1..=256"),
            "{}",
            text(&out.stderr)
        );
    }
}

/// An eBay page with no orders (`<OrderArray/>`) is no records, exit 0;
/// a response without `OrderArray` at all (an error response) is still a
/// dead letter, not silence.
#[test]
fn an_empty_xml_page_is_no_records_and_an_error_response_is_not() {
    let args = ["transform", "--mapping", "ebay.order"];
    let empty = r#"<?xml version="1.0" encoding="UTF-8"?>
<GetOrdersResponse xmlns="urn:ebay:apis:eBLBaseComponents"><Ack>Success</Ack><OrderArray/></GetOrdersResponse>"#;
    let out = maprt(&args, empty.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
    let failure = r#"<GetOrdersResponse xmlns="urn:ebay:apis:eBLBaseComponents"><Ack>Failure</Ack><Errors><ShortMessage>Auth token is invalid.</ShortMessage></Errors></GetOrdersResponse>"#;
    let out = maprt(&args, failure.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("record 1 (line 1): error[R102] at $.GetOrdersResponse.OrderArray: the payload has no `OrderArray`"),
        "{}",
        text(&out.stderr)
    );
}

/// Content the mapping does not support is dead-lettered with its own
/// reason code (R116), not mapped: a WooCommerce order with a store's own
/// status; the same order with a fee line maps, the fee in its fee lines
/// and its totals. Both made in memory from the real sample; the sample
/// itself is never edited.
#[test]
fn records_the_mapping_rejects_carry_its_reason_code() {
    let sample = "mappings/woocommerce/samples/legacy_order/legacy_v3_view_order_response.json";
    let real: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join(sample)).expect("sample")).expect("JSON");
    let mut with_fee = real.clone();
    with_fee["order"]["fee_lines"] =
        serde_json::json!([{"id": 9, "title": "Handling", "total": "2.00", "total_tax": "0.00"}]);
    let mut custom_status = real.clone();
    custom_status["order"]["status"] = serde_json::json!("awaiting-pickup");
    let input = format!("{real}\n{with_fee}\n{custom_status}\n");
    let dir = std::env::temp_dir().join(format!("maprt-reject-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let dead = dir.join("dead.ndjson");
    let out = maprt(
        &[
            "transform",
            "--mapping",
            "woocommerce.legacy_order",
            "--dead-letter",
            dead.to_str().expect("utf-8 path"),
        ],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let records: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON"))
        .collect();
    assert_eq!(
        records.len(),
        2,
        "the real order and the one with a fee map"
    );
    assert_eq!(
        records[1]["fee_lines"],
        serde_json::json!([{"title": "Handling", "amount": {"amount": "2.00", "currency": "USD"}}])
    );
    let computed =
        |r: &serde_json::Value, field: &str| r["totals"]["computed"][field]["amount"].clone();
    assert_eq!(computed(&records[0], "total"), "79.87");
    assert_eq!(computed(&records[1], "total"), "81.87");
    assert_eq!(computed(&records[1], "fees"), "2.00");
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "record 3 (line 3): error[R116 unknown_order_status] at $.order.status (mappings/woocommerce/legacy_order.map:30:19): WooCommerce status awaiting-pickup is not one the API documents",
        ]
    );
    let letters: Vec<serde_json::Value> = std::fs::read_to_string(&dead)
        .expect("dead letters")
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON"))
        .collect();
    let reasons: Vec<(&str, &str)> = letters
        .iter()
        .map(|l| {
            (
                l["code"].as_str().unwrap_or(""),
                l["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(reasons, [("R116", "unknown_order_status")]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A mapping's parameters come from `--param`: a run without one the
/// mapping needs, or with a value not of its type, stops before reading
/// anything; given, they are what the records carry.
#[test]
fn mapping_parameters_are_required_typed_and_used() {
    let sample = "mappings/woocommerce/samples/refund/wp_v1_list_refunds_response.json";
    let run = |params: &[&str]| {
        let mut args = vec!["transform", "--mapping", "woocommerce.refund", sample];
        for p in params {
            args.extend(["--param", p]);
        }
        maprt(&args, b"")
    };
    let missing = run(&["store_timezone=UTC"]);
    assert_eq!(missing.status.code(), Some(2), "a usage error");
    assert_eq!(
        text(&missing.stderr),
        "error: `woocommerce.refund` needs --param store_currency=<CurrencyCode>\n"
    );
    assert!(missing.stdout.is_empty());
    let ill_typed = run(&["store_currency=euro", "store_timezone=UTC"]);
    assert_eq!(
        text(&ill_typed.stderr),
        "error: --param store_currency: \"euro\" is not an ISO 4217 currency code (three upper-case letters)\n"
    );
    let out = run(&["store_currency=EUR", "store_timezone=Europe/Berlin"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let records: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["currency"], "EUR");
    // 17:31:48 on the site's clock in Berlin (summer time) is 15:31:48 UTC.
    assert_eq!(records[0]["created_at"], "2016-05-30T15:31:48Z");
}
