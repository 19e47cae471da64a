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

#[test]
fn a_million_records_with_broken_ones_all_accounted_for_in_order() {
    // Generated here: Shopify inventory levels, the last of every 1,000
    // lines broken JSON (R101) and the 500th with a count that is not an
    // integer (R102); a million lines on every core.
    const RECORDS: u64 = 1_000_000;
    let dir = scratch("million");
    let input = dir.join("levels.ndjson");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&input).expect("input"));
        for n in 0..RECORDS {
            let line = match n % 1_000 {
                999 => format!("{{\"inventory_level\": {{\"inventory_item_id\": {n}, "),
                499 => format!(
                    "{{\"inventory_level\":{{\"inventory_item_id\":{n},\"location_id\":7,\"available\":\"many\",\"updated_at\":\"2018-05-07T15:51:26-04:00\"}}}}"
                ),
                _ => format!(
                    "{{\"inventory_level\":{{\"inventory_item_id\":{n},\"location_id\":7,\"available\":{},\"updated_at\":\"2018-05-07T15:51:26-04:00\"}}}}",
                    n % 97
                ),
            };
            writeln!(file, "{line}").expect("line written");
        }
        file.flush().expect("flushed");
    }
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
