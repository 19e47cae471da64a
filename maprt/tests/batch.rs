//! `maprt batch` and `maprt replay` as operators run them: every record
//! accounted for in the summary, outputs in place only when the run is
//! complete, reruns and replays byte for byte the same.
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

mod support;

use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use support::{root, scratch};

fn maprt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maprt"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("maprt runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A sample, compacted to one NDJSON line.
fn line(sample: &str) -> String {
    let text = std::fs::read_to_string(root().join(sample)).expect("sample");
    serde_json::from_str::<Value>(&text)
        .expect("json")
        .to_string()
}

/// Shopify payloads in every form, one a line: an order by id, a list
/// page, a payload whose record has the wrong shape, a broken line, a
/// record that fails in the mapping (an unparseable price).
fn shopify_input() -> String {
    let order = line("mappings/shopify/samples/order/order.json");
    let page = line("mappings/shopify/samples/order/go-shopify_orders.json");
    let bad_price = order.replacen("\"price\":\"199.00\"", "\"price\":\"1 99\"", 1);
    assert_ne!(bad_price, order);
    format!("{order}\n{page}\n{{\"order\": 5}}\n\nnot json\n{bad_price}\n")
}

/// Run `maprt <verb>` (`batch` or `replay`) into `dir`: `out.ndjson`,
/// `dead.ndjson` and `summary.json`.
fn staged_run(verb: &str, dir: &Path, mapping: &str, input: &Path, extra: &[&str]) -> Output {
    let (out, dead, summary) = (
        dir.join("out.ndjson"),
        dir.join("dead.ndjson"),
        dir.join("summary.json"),
    );
    let mut args = vec![
        verb,
        "--mapping",
        mapping,
        "--input",
        path(input),
        "--output",
        path(&out),
        "--dead-letter",
        path(&dead),
        "--summary",
        path(&summary),
    ];
    args.extend_from_slice(extra);
    maprt(&args)
}

/// The three files a run left in `dir`: output, dead letters, summary.
fn files(dir: &Path) -> [Vec<u8>; 3] {
    let read = |name: &str| {
        let p = dir.join(name);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    [
        read("out.ndjson"),
        read("dead.ndjson"),
        read("summary.json"),
    ]
}

/// Run `maprt batch` into `dir`, returning the run and its three files.
fn batch(dir: &Path, mapping: &str, input: &Path, extra: &[&str]) -> (Output, [Vec<u8>; 3]) {
    let run = staged_run("batch", dir, mapping, input, extra);
    (run, files(dir))
}

#[test]
fn every_record_ends_in_one_place_and_a_rerun_is_the_same_bytes() {
    let dir = scratch("account");
    let input = dir.join("in.ndjson");
    std::fs::write(&input, shopify_input()).expect("input");
    let (run, [out, dead, summary]) = batch(&dir, "shopify.order", &input, &["--threads", "1"]);
    assert_eq!(run.status.code(), Some(1), "dead letters make the exit 1");
    let summary: Value = serde_json::from_slice(&summary).expect("summary");
    let bytes = std::fs::metadata(&input).expect("input").len();
    assert_eq!(
        summary,
        json!({
            "mapping": "shopify.order",
            "input_bytes": bytes,
            "payloads": 5,
            "in": 5,
            "ok": 2,
            "filtered": 0,
            "dead_lettered": 3,
            "written": 2,
            "by_code": {"R101": 1, "R102": 1, "R104": 1},
            "balanced": true,
        })
    );
    assert_eq!(
        text(&run.stderr),
        format!("shopify.order: 5 in (5 payloads, {bytes} bytes): 2 ok, 0 filtered, 3 dead-lettered; 2 canonical records written (dead letters: R101 x1, R102 x1, R104 x1)\n"),
        "the summary and nothing else: no progress bar when stderr is not a terminal"
    );
    assert_eq!(text(&out).lines().count(), 2);
    let letters: Vec<Value> = text(&dead)
        .lines()
        .map(|l| serde_json::from_str(l).expect("letter"))
        .collect();
    let fates: Vec<(&str, &str, &str, Option<&str>)> = letters
        .iter()
        .map(|l| {
            (
                l["code"].as_str().unwrap_or_default(),
                l["path"].as_str().unwrap_or_default(),
                l["form"].as_str().unwrap_or_default(),
                l["at"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        fates,
        vec![
            ("R102", "$.order", "record", Some("$.order")),
            ("R101", "$", "payload", None),
            (
                "R104",
                "$.order.line_items[0].price",
                "record",
                Some("$.order")
            ),
        ]
    );
    assert_eq!(letters[1]["line"], 5, "the blank line is counted in lines");
    // Again, and on two threads: the same three files, byte for byte.
    for threads in ["1", "2"] {
        let again = scratch(&format!("account-{threads}"));
        let (_, files) = batch(&again, "shopify.order", &input, &["--threads", threads]);
        let [o, d, s] = files;
        assert_eq!((o == out, d == dead), (true, true), "threads {threads}");
        let s: Value = serde_json::from_slice(&s).expect("summary");
        assert_eq!(s, summary);
    }
}

#[test]
fn records_a_mapping_filters_out_are_counted_not_lost() {
    let dir = scratch("filtered");
    let input = dir.join("counts.json");
    std::fs::write(
        &input,
        br#"{"counts": [
        {"catalog_object_id": "V1", "location_id": "L", "state": "SOLD", "quantity": "3", "calculated_at": "2016-11-16T22:28:01.223Z"},
        {"catalog_object_id": "V1", "location_id": "L", "state": "IN_STOCK", "quantity": "79", "calculated_at": "2016-11-16T22:28:01.223Z"},
        {"catalog_object_id": "V2", "location_id": "L", "state": "IN_STOCK", "quantity": "x", "calculated_at": "2016-11-16T22:28:01.223Z"}
    ]}"#,
    )
    .expect("input");
    let (run, [out, dead, summary]) = batch(&dir, "square.inventory_count", &input, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let summary: Value = serde_json::from_slice(&summary).expect("summary");
    assert_eq!(
        (
            &summary["payloads"],
            &summary["in"],
            &summary["ok"],
            &summary["filtered"],
            &summary["dead_lettered"],
            &summary["balanced"]
        ),
        (
            &json!(1),
            &json!(3),
            &json!(1),
            &json!(1),
            &json!(1),
            &json!(true)
        )
    );
    assert!(text(&out).contains("\"available\":79"));
    let letter: Value = serde_json::from_slice(&dead).expect("one letter");
    assert_eq!(letter["code"], "R112");
    assert_eq!(letter["at"], "$.counts[2]");
    assert_eq!(letter["path"], "$.counts[2].quantity");
}

#[test]
fn dead_letters_replay_the_same_and_a_fixed_record_transforms() {
    let dir = scratch("replay");
    let input = dir.join("in.ndjson");
    std::fs::write(&input, shopify_input()).expect("input");
    let (_, [_, dead, _]) = batch(&dir, "shopify.order", &input, &[]);
    let letters = dir.join("letters.ndjson");
    std::fs::write(&letters, &dead).expect("letters");
    let replayed = dir.join("replayed");
    std::fs::create_dir_all(&replayed).expect("dir");
    let replay = |input: &Path| {
        let run = staged_run("replay", &replayed, "shopify.order", input, &[]);
        let [out, dead, summary] = files(&replayed);
        (run, out, dead, summary)
    };
    // Nothing fixed: every letter fails again, as it did, byte for byte.
    let (run, out, again, _) = replay(&letters);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(out, b"");
    assert_eq!(text(&again), text(&dead));
    // A record fixed (the price), in a letter of an earlier maprt that did
    // not write `form`: it is inferred from the failure, and the record
    // transforms exactly as the good one did in the batch.
    let order = line("mappings/shopify/samples/order/order.json");
    let record: Value = serde_json::from_str(&order).expect("order");
    let fixed = json!({
        "record": 6, "line": 7, "code": "R104", "path": "$.order.line_items[0].price",
        "mapping": "mappings/shopify/order.map:96:53", "message": "cannot parse",
        "input": record["order"].to_string(),
    });
    let page = line("mappings/shopify/samples/order/go-shopify_orders.json");
    let whole = json!({"record": 2, "line": 2, "code": "R101", "path": "$", "form": "payload", "input": page});
    std::fs::write(&letters, format!("{fixed}\n{whole}\n")).expect("letters");
    let (run, out, again, summary) = replay(&letters);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(again, b"");
    let from_batch = maprt(&["transform", "--mapping", "shopify.order", path(&input)]).stdout;
    // The batch's two good records: the order, and the page's one order.
    assert_eq!(text(&from_batch).lines().count(), 2);
    assert_eq!(text(&out), text(&from_batch));
    let summary: Value = serde_json::from_slice(&summary).expect("summary");
    assert_eq!((&summary["in"], &summary["ok"]), (&json!(2), &json!(2)));
    // A line that is not a dead letter stops the replay; nothing is renamed.
    std::fs::write(&letters, format!("{fixed}\n{{\"record\": 1}}\n")).expect("letters");
    let _ = std::fs::remove_file(replayed.join("out.ndjson"));
    let run = staged_run("replay", &replayed, "shopify.order", &letters, &[]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        text(&run.stderr),
        "error: dead letter on line 2: it has no `input` or `input_base64`; nothing was renamed into place (the *.partial files are incomplete)\n"
    );
    assert!(!replayed.join("out.ndjson").exists());
    assert!(replayed.join("out.ndjson.partial").exists());
}

#[test]
fn a_killed_run_leaves_nothing_that_looks_complete() {
    let dir = scratch("killed");
    let (out, dead) = (dir.join("out.ndjson"), dir.join("dead.ndjson"));
    std::fs::write(&out, "an earlier run's output\n").expect("earlier");
    let mut child = Command::new(env!("CARGO_BIN_EXE_maprt"))
        .args([
            "batch",
            "--mapping",
            "shopify.order",
            "--input",
            "-",
            "--output",
            path(&out),
            "--dead-letter",
            path(&dead),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("maprt runs");
    let order = line("mappings/shopify/samples/order/order.json");
    let mut stdin = child.stdin.take().expect("stdin");
    for _ in 0..2000 {
        writeln!(stdin, "{order}").expect("write");
    }
    stdin.flush().expect("flush");
    // The run is under way (its staged files exist) and waits for more.
    let partial = dir.join("out.ndjson.partial");
    let start = std::time::Instant::now();
    while !partial.exists() && start.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(partial.exists());
    assert!(dir.join("dead.ndjson.partial").exists());
    assert!(
        !out.exists(),
        "neither this run's output nor the earlier one"
    );
    assert!(!dead.exists());
}

#[test]
fn outputs_that_would_overwrite_the_input_or_each_other_are_refused() {
    let dir = scratch("refused");
    let input = dir.join("in.ndjson");
    std::fs::write(&input, shopify_input()).expect("input");
    let other = dir.join("other.ndjson");
    let cases = [
        (
            [path(&input), path(&other)],
            format!(
                "error: --output {}: that is the input (it would be lost)\n",
                input.display()
            ),
        ),
        (
            [path(&other), path(&input)],
            format!(
                "error: --dead-letter {}: that is the input (it would be lost)\n",
                input.display()
            ),
        ),
        (
            [path(&other), path(&other)],
            format!(
                "error: --dead-letter and --output name one file: {}\n",
                other.display()
            ),
        ),
    ];
    for ([output, dead], expected) in cases {
        let run = maprt(&[
            "batch",
            "--mapping",
            "shopify.order",
            "--input",
            path(&input),
            "--output",
            output,
            "--dead-letter",
            dead,
        ]);
        assert_eq!(run.status.code(), Some(2), "a usage error");
        assert_eq!(text(&run.stderr), expected);
    }
    assert_eq!(
        std::fs::read_to_string(&input).expect("input"),
        shopify_input(),
        "the input is untouched"
    );
}

#[test]
fn an_undecodable_xml_document_replays_through_its_format() {
    let dir = scratch("xml");
    let sample = "mappings/ebay/samples/order/GetOrdersResponseWithoutMonetaryDetailsRefundOptionalFields.xml";
    let xml = std::fs::read_to_string(root().join(sample)).expect("sample");
    // Cut off mid-document: not well-formed XML.
    let torn = xml.get(..xml.len() / 2).expect("half");
    let input = dir.join("torn.xml");
    std::fs::write(&input, torn).expect("input");
    let (run, [out, dead, _]) = batch(&dir, "ebay.order", &input, &[]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(out, b"");
    let letter: Value = serde_json::from_slice(&dead).expect("one letter");
    assert_eq!(
        (&letter["code"], &letter["form"]),
        (&json!("R114"), &json!("undecoded"))
    );
    assert_eq!(letter["input"], torn, "the document as it was");
    // The whole document fixed upstream, in the letter: it replays through
    // the XML reader and the routes into the sample's two orders.
    let mut fixed = letter.clone();
    fixed["input"] = json!(xml);
    let letters = dir.join("letters.ndjson");
    std::fs::write(&letters, format!("{dead}{fixed}\n", dead = text(&dead))).expect("letters");
    let again = dir.join("again");
    std::fs::create_dir_all(&again).expect("dir");
    let run = staged_run("replay", &again, "ebay.order", &letters, &[]);
    assert_eq!(run.status.code(), Some(1), "the torn one fails again");
    let expected = maprt(&["transform", "--mapping", "ebay.order", sample]).stdout;
    assert_eq!(
        text(&std::fs::read(again.join("out.ndjson")).expect("out")),
        text(&expected)
    );
    assert_eq!(
        std::fs::read(again.join("dead.ndjson")).expect("dead"),
        dead
    );
}

/// Shopify inventory levels generated into `path`, one a line: the last of
/// every `period` lines broken JSON (R101) and, with `bad_count`, the one
/// in the middle of each period with a count that is not an integer (R102).
fn write_levels(path: &Path, records: u64, period: u64, bad_count: bool) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("input"));
    for n in 0..records {
        let line = if n % period == period - 1 {
            format!("{{\"inventory_level\": {{\"inventory_item_id\": {n}, ")
        } else {
            let available = if bad_count && n % period == period / 2 - 1 {
                "\"many\"".to_owned()
            } else {
                (n % 97).to_string()
            };
            format!(
                "{{\"inventory_level\":{{\"inventory_item_id\":{n},\"location_id\":7,\"available\":{available},\"updated_at\":\"2018-05-07T15:51:26-04:00\"}}}}"
            )
        };
        writeln!(file, "{line}").expect("line written");
    }
    file.flush().expect("flushed");
}

#[test]
fn a_million_records_with_broken_ones_all_accounted_for_in_order() {
    // Generated here: Shopify inventory levels, the last of every 1,000
    // lines broken JSON (R101) and the 500th with a count that is not an
    // integer (R102); a million lines on every core.
    const RECORDS: u64 = 1_000_000;
    let dir = scratch("million");
    let input = dir.join("levels.ndjson");
    write_levels(&input, RECORDS, 1_000, true);
    let (run, [out, dead, summary]) = batch(&dir, "shopify.inventory_level", &input, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let summary: Value = serde_json::from_slice(&summary).expect("summary");
    let broken = RECORDS / 1_000;
    assert_eq!(
        (
            &summary["in"],
            &summary["ok"],
            &summary["filtered"],
            &summary["dead_lettered"],
            &summary["balanced"]
        ),
        (
            &json!(RECORDS),
            &json!(RECORDS - 2 * broken),
            &json!(0),
            &json!(2 * broken),
            &json!(true)
        )
    );
    assert_eq!(summary["by_code"], json!({"R101": broken, "R102": broken}));
    // Output order is input order: the item ids of the good lines, ascending.
    let broken_line = |n: &u64| n % 1_000 == 999 || n % 1_000 == 499;
    let mut expected = (0..RECORDS).filter(|n| !broken_line(n));
    for line in text(&out).lines() {
        let record: Value = serde_json::from_str(line).expect("record");
        let id = record["source"]["external_id"]
            .as_str()
            .expect("external id");
        let want = expected.next().expect("no more records than good lines");
        assert_eq!(id, format!("7:{want}"), "line {want}");
    }
    assert_eq!(expected.next(), None, "every good line has its record");
    // Dead letters in input order too, each with its line.
    let lines: Vec<u64> = text(&dead)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("letter")["line"]
                .as_u64()
                .expect("line")
        })
        .collect();
    let want: Vec<u64> = (0..RECORDS).filter(broken_line).map(|n| n + 1).collect();
    assert_eq!(lines, want);
}

#[test]
fn payloads_past_the_operator_limits_are_dead_lettered_by_code_and_never_held() {
    let dir = scratch("limits");
    let order = line("mappings/shopify/samples/order/order.json");
    let too_large = format!(
        "{{\"order\": {{\"note\": \"{}\"}}}}",
        "x".repeat(order.len())
    );
    let too_deep = format!(
        "{{\"order\": {{\"note\": {}1{}}}}}",
        "[".repeat(30),
        "]".repeat(30)
    );
    let too_long = format!(
        "{{\"order\": {{\"line_items\": [{}]}}}}",
        vec!["{}"; 60].join(",")
    );
    let input = dir.join("in.ndjson");
    std::fs::write(
        &input,
        format!("{order}\n{too_large}\n{too_deep}\n{too_long}\n{order}\n"),
    )
    .expect("input");
    let max_bytes = (order.len() + 1).to_string();
    let limits = [
        "--max-record-bytes",
        max_bytes.as_str(),
        "--max-depth",
        "20",
        "--max-array-len",
        "50",
    ];
    let mut first = None;
    for threads in ["1", "2"] {
        let run_dir = dir.join(threads);
        std::fs::create_dir_all(&run_dir).expect("dir");
        let mut extra = vec!["--threads", threads];
        extra.extend_from_slice(&limits);
        let (run, files) = batch(&run_dir, "shopify.order", &input, &extra);
        assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
        match &first {
            None => first = Some(files),
            Some(first) => assert!(first == &files, "threads {threads}: other bytes"),
        }
    }
    let [out, dead, summary] = first.expect("a run");
    assert_eq!(text(&out).lines().count(), 2, "both orders transform");
    let summary: Value = serde_json::from_slice(&summary).expect("summary");
    assert_eq!(summary["by_code"], json!({"R118": 1, "R119": 1, "R120": 1}));
    assert_eq!(
        (&summary["in"], &summary["balanced"]),
        (&json!(5), &json!(true))
    );
    let letters: Vec<Value> = text(&dead)
        .lines()
        .map(|l| serde_json::from_str(l).expect("letter"))
        .collect();
    let size = too_large.len();
    assert_eq!(
        letters[0],
        json!({
            "record": 2, "line": 2, "code": "R118", "path": "$", "mapping": null, "form": "omitted",
            "message": format!("the record is {size} bytes, more than the limit of {max_bytes} (--max-record-bytes); it is not kept: find it in the input by its line"),
        }),
        "an omitted record's letter holds no input"
    );
    let fates: Vec<(&str, &str, &str, bool)> = letters
        .iter()
        .skip(1)
        .map(|l| {
            let code = l["code"].as_str().unwrap_or_default();
            let path = l["path"].as_str().unwrap_or_default();
            let form = l["form"].as_str().unwrap_or_default();
            (code, path, form, l["input"].is_string())
        })
        .collect();
    assert_eq!(
        fates,
        vec![
            (
                "R119",
                "$.order.note[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]",
                "payload",
                true
            ),
            ("R120", "$.order.line_items", "payload", true),
        ]
    );
    // Replayed under the same limits: the same letters again. Under wider
    // ones the kept records reach the mapping (and fail in it: they are
    // not orders); the omitted one stays what it was.
    let letters_file = dir.join("letters.ndjson");
    std::fs::write(&letters_file, &dead).expect("letters");
    let replayed = dir.join("replayed");
    std::fs::create_dir_all(&replayed).expect("dir");
    let run = staged_run("replay", &replayed, "shopify.order", &letters_file, &limits);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(text(&files(&replayed)[1]), text(&dead));
    let run = staged_run("replay", &replayed, "shopify.order", &letters_file, &[]);
    assert_eq!(run.status.code(), Some(1));
    let again = text(&files(&replayed)[1]);
    let codes: Vec<String> = again
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("letter")["code"].to_string())
        .collect();
    assert_eq!(codes, ["\"R118\"", "\"R102\"", "\"R102\""]);
    assert_eq!(again.lines().next(), text(&dead).lines().next());
}

#[test]
fn a_document_or_file_past_the_record_limit_is_one_omitted_letter() {
    let dir = scratch("limits-document");
    // A JSON document (pretty-printed: not NDJSON), an XML document and a
    // TSV file read whole, each one byte past the limit.
    let cases = [
        ("shopify.order", "mappings/shopify/samples/order/order.json"),
        (
            "amazon.settlement",
            "mappings/amazon/samples/settlement/settlement_flat_file_v1_sample.tsv",
        ),
        (
            "ebay.order",
            "mappings/ebay/samples/order/GetOrdersResponseWithTaxes.xml",
        ),
    ];
    for (mapping, sample) in cases {
        let input = root().join(sample);
        let size = std::fs::metadata(&input).expect("sample").len();
        let max = (size - 1).to_string();
        let (run, [out, dead, summary]) =
            batch(&dir, mapping, &input, &["--max-record-bytes", &max]);
        assert_eq!(
            run.status.code(),
            Some(1),
            "{mapping}: {}",
            text(&run.stderr)
        );
        assert_eq!(out, b"", "{mapping}");
        let letter: Value = serde_json::from_slice(&dead).expect("one letter");
        assert_eq!(
            (&letter["code"], &letter["form"], letter.get("input")),
            (&json!("R118"), &json!("omitted"), None),
            "{mapping}"
        );
        let summary: Value = serde_json::from_slice(&summary).expect("summary");
        assert_eq!(
            (&summary["in"], &summary["dead_lettered"]),
            (&json!(1), &json!(1))
        );
    }
}

/// One framing of the fault matrix: a mapping and an input holding good
/// records and bad ones, with how many of each the run must account for.
struct Framed {
    name: &'static str,
    mapping: &'static str,
    file: &'static str,
    input: Vec<u8>,
    ok: u64,
    dead: u64,
}

fn framings() -> Vec<Framed> {
    let order_line = line("mappings/shopify/samples/order/order.json");
    let order: Value = serde_json::from_str(&order_line).expect("order");
    let mut bad_price = order["order"].clone();
    bad_price["line_items"][0]["price"] = json!("1 99");
    let page =
        json!({"orders": [order["order"], bad_price, {"id": "not an order"}, order["order"]]});
    let read = |sample: &str| std::fs::read(root().join(sample)).expect("sample");
    let mut tsv =
        read("mappings/amazon/samples/listings_report/listings_report_sku_asin_price_qty.tsv");
    let rows = text(&tsv).lines().filter(|l| !l.is_empty()).count() as u64 - 1;
    if !tsv.ends_with(b"\n") {
        tsv.push(b'\n');
    }
    tsv.extend_from_slice(b"ragged\tB00X\n");
    tsv.extend_from_slice(b"bad-\xff-sku\tB00X\t1.00\t3\n");
    tsv.extend_from_slice(b"no-price\tB00X\tabc\t3\n");
    let xml = read("mappings/ebay/samples/order/GetOrdersResponseWithTaxes.xml");
    let torn = xml.get(..xml.len() / 2).expect("half").to_vec();
    vec![
        Framed {
            name: "ndjson",
            mapping: "shopify.order",
            file: "in.ndjson",
            input: shopify_input().into_bytes(),
            ok: 2,
            dead: 3,
        },
        Framed {
            name: "list page",
            mapping: "shopify.order",
            file: "page.json",
            input: serde_json::to_vec_pretty(&page).expect("page"),
            ok: 2,
            dead: 2,
        },
        Framed {
            name: "tsv rows",
            mapping: "amazon.listings_report",
            file: "listings.tsv",
            input: tsv,
            ok: rows,
            dead: 3,
        },
        Framed {
            name: "tsv file",
            mapping: "amazon.settlement",
            file: "settlement.tsv",
            input: read("mappings/amazon/samples/settlement/settlement_flat_file_v1_sample.tsv"),
            ok: 1,
            dead: 0,
        },
        Framed {
            name: "xml",
            mapping: "ebay.order",
            file: "orders.xml",
            input: xml,
            ok: 1,
            dead: 0,
        },
        Framed {
            name: "torn xml",
            mapping: "ebay.order",
            file: "torn.xml",
            input: torn,
            ok: 0,
            dead: 1,
        },
    ]
}

#[test]
fn nothing_is_lost_in_any_framing_on_any_thread_count() {
    for case in framings() {
        let name = case.name;
        let dir = scratch(&format!("matrix-{}", name.replace(' ', "-")));
        let input = dir.join(case.file);
        std::fs::write(&input, &case.input).expect("input");
        let mut first: Option<[Vec<u8>; 3]> = None;
        for threads in ["1", "2"] {
            let run_dir = dir.join(threads);
            std::fs::create_dir_all(&run_dir).expect("dir");
            let (run, files) = batch(&run_dir, case.mapping, &input, &["--threads", threads]);
            let expected_exit = if case.dead > 0 { 1 } else { 0 };
            assert_eq!(
                run.status.code(),
                Some(expected_exit),
                "{name}: {}",
                text(&run.stderr)
            );
            let summary: Value = serde_json::from_slice(&files[2]).expect("summary");
            let count = |key: &str| summary[key].as_u64().unwrap_or(u64::MAX);
            assert_eq!(
                (
                    count("ok"),
                    count("filtered"),
                    count("dead_lettered"),
                    count("in")
                ),
                (case.ok, 0, case.dead, case.ok + case.dead),
                "{name}: {summary}"
            );
            assert_eq!(summary["balanced"], json!(true), "{name}");
            assert_eq!(
                text(&files[1]).lines().count() as u64,
                case.dead,
                "{name}: one letter per record"
            );
            match &first {
                None => first = Some(files),
                Some(first) => assert!(
                    first == &files,
                    "{name}: threads {threads} wrote other bytes"
                ),
            }
        }
        let [out, dead, _] = first.expect("a run");
        // Order kept: the same records as a plain streamed transform, in
        // the same order; letters in record order.
        let streamed = maprt(&["transform", "--mapping", case.mapping, path(&input)]);
        assert_eq!(text(&out), text(&streamed.stdout), "{name}");
        let letters: Vec<Value> = text(&dead)
            .lines()
            .map(|l| serde_json::from_str(l).expect("letter"))
            .collect();
        let numbers: Vec<u64> = letters
            .iter()
            .filter_map(|l| l["record"].as_u64())
            .collect();
        assert!(
            numbers.windows(2).all(|w| w[0] <= w[1]),
            "{name}: {numbers:?}"
        );
        // Each letter holds its input as it was: a payload or an undecoded
        // one is in the input byte for byte (a row decoded to JSON, or a
        // record cut from its page, is checked by replaying instead).
        for letter in &letters {
            let form = letter["form"].as_str().unwrap_or_default();
            let kept = host::dead_letter::input_of(letter).expect("an input");
            let framed = form == "undecoded" || (form == "payload" && case.name == "ndjson");
            if framed {
                let found = case.input.windows(kept.len()).any(|w| w == kept.as_slice());
                assert!(found, "{name}: {letter} is not the input's bytes");
            }
        }
        // Replayed unchanged, every letter fails again exactly as it did.
        if case.dead > 0 {
            let letters_file = dir.join("letters.ndjson");
            std::fs::write(&letters_file, &dead).expect("letters");
            let replayed = dir.join("replayed");
            std::fs::create_dir_all(&replayed).expect("dir");
            let run = staged_run("replay", &replayed, case.mapping, &letters_file, &[]);
            assert_eq!(run.status.code(), Some(1), "{name}");
            let [again_out, again_dead, _] = files(&replayed);
            assert_eq!(
                (again_out, text(&again_dead)),
                (Vec::new(), text(&dead)),
                "{name}"
            );
        }
    }
}

#[test]
fn a_run_killed_at_any_point_is_never_taken_for_complete_and_a_rerun_is_identical() {
    let dir = scratch("kill-matrix");
    let input = dir.join("levels.ndjson");
    write_levels(&input, 60_000, 500, false);
    let reference_dir = dir.join("reference");
    std::fs::create_dir_all(&reference_dir).expect("dir");
    let started = std::time::Instant::now();
    let (run, reference) = batch(&reference_dir, "shopify.inventory_level", &input, &[]);
    let whole = started.elapsed();
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    // Killed at points spread over the run's length (and one drawn at
    // random, its seed in the message), on one thread and on two.
    let seed = u64::from(std::process::id());
    let random = (seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        >> 33)
        % 100;
    let points = [10, 40, 70, 100, random];
    for (i, percent) in points.into_iter().enumerate() {
        let threads = if i % 2 == 0 { "1" } else { "2" };
        let run_dir = dir.join(format!("killed-{i}"));
        std::fs::create_dir_all(&run_dir).expect("dir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_maprt"))
            .args([
                "batch",
                "--mapping",
                "shopify.inventory_level",
                "--threads",
                threads,
                "--input",
                path(&input),
            ])
            .args(["--output", path(&run_dir.join("out.ndjson"))])
            .args(["--dead-letter", path(&run_dir.join("dead.ndjson"))])
            .args(["--summary", path(&run_dir.join("summary.json"))])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("maprt runs");
        std::thread::sleep(whole * percent as u32 / 100);
        let _ = child.kill();
        let _ = child.wait();
        let at = format!("killed at {percent}% (seed {seed}, {threads} thread(s))");
        let finished = ["out.ndjson", "dead.ndjson", "summary.json"]
            .map(|name| std::fs::read(run_dir.join(name)).ok());
        let [out, dead, summary] = &finished;
        if out.is_some() {
            assert!(
                dead.is_some() && summary.is_some(),
                "{at}: an output without its letters"
            );
        }
        for (file, expected) in finished.iter().zip(&reference) {
            if let Some(bytes) = file {
                assert!(
                    bytes == expected,
                    "{at}: a file under its final name is not the complete one"
                );
            }
        }
        let (_, again) = batch(
            &run_dir,
            "shopify.inventory_level",
            &input,
            &["--threads", threads],
        );
        assert!(again == reference, "{at}: the rerun wrote other bytes");
    }
}
