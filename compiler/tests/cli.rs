//! `mapc` as users run it: exit codes, diagnostics on stderr, help text.
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

mod support;

use support::{mapc, root, text};

#[test]
fn check_passes_on_the_repository_mappings() {
    let out = mapc(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mappings = mapc::project::find_mappings(&[root().join("mappings")]).expect("mappings");
    assert!(mappings.len() >= 5);
    let summary = format!("{} ok, 0 failed", mappings.len());
    assert!(
        text(&out.stderr).contains(&summary),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_on_a_broken_mapping_exits_1_with_code_location_and_underline() {
    let out = mapc(&[
        "check",
        "tests/cases/errors/unknown_source_field/mapping.map",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("E301"), "{err}");
    assert!(
        err.contains("tests/cases/errors/unknown_source_field/mapping.map:6:22"),
        "{err}"
    );
    assert!(err.contains("─┬─"), "span underlined: {err}");
    assert!(err.contains("did you mean `id`?"), "{err}");
}

#[test]
fn short_format_is_one_machine_parsable_line_per_diagnostic() {
    let out = mapc(&[
        "check",
        "--format",
        "short",
        "tests/cases/errors/many_errors/mapping.map",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = text(&out.stderr).lines().map(str::to_owned).collect();
    let expected = [
        "tests/cases/errors/many_errors/mapping.map:6:6: error[E304]: `id` is required, but this value may be absent",
        "tests/cases/errors/many_errors/mapping.map:7:10: error[E311]: \"done\" not allowed by the target schema",
        "tests/cases/errors/many_errors/mapping.map:8:15: error[E303]: type mismatch: expected int or decimal operands, found string + int",
        "tests/cases/errors/many_errors/mapping.map:9:25: error[E301]: unknown source field `emial`",
        "tests/cases/errors/many_errors/mapping.map:10:33: error[E313]: an element of a `for` array may be absent",
        "checked 1 mapping(s): 0 ok, 1 failed",
    ];
    assert_eq!(lines, expected);
}

#[test]
fn warnings_do_not_fail_a_check() {
    let out = mapc(&[
        "check",
        "--format",
        "short",
        "tests/cases/errors/unused_let/mapping.map",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("warning[W301]"));
}

#[test]
fn run_prints_canonical_json_and_test_passes() {
    let out = mapc(&[
        "run",
        "--compact",
        "mappings/shopify/order.map",
        "mappings/shopify/samples/order/order.json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("{\"id\":\"shopify:450789469\""));
    let test = mapc(&["test"]);
    assert_eq!(test.status.code(), Some(0), "{}", text(&test.stdout));
    let samples: usize = mapc::project::find_mappings(&[root().join("mappings")])
        .expect("mappings")
        .iter()
        .map(|m| mapc::project::samples_for(m).len())
        .sum();
    let summary = format!("{samples} passed, 0 failed\n");
    assert!(
        text(&test.stdout).ends_with(&summary),
        "{}",
        text(&test.stdout)
    );
}

#[test]
fn run_reports_a_bad_record_in_one_line_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("mapc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let payload = dir.join("truncated.json");
    std::fs::write(&payload, "{\"order\": {\"id\": 1,").expect("write");
    let out = mapc(&[
        "run",
        "mappings/shopify/order.map",
        payload.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "record 1 (line 1): error[R101] at $: the record is not valid JSON: EOF while parsing an object at line 1 column 20\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(mapc(&[]).status.code(), Some(2));
    assert_eq!(mapc(&["emit"]).status.code(), Some(2));
    assert_eq!(mapc(&["check", "--format", "xml"]).status.code(), Some(2));
}

#[test]
fn missing_paths_are_an_error_not_a_panic() {
    let out = mapc(&["check", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert_eq!(
        text(&out.stderr),
        "error: no/such/dir: no such file or directory\n"
    );
}

#[test]
fn help_is_snapshotted() {
    insta::assert_snapshot!("mapc_help", text(&mapc(&["--help"]).stdout));
    insta::assert_snapshot!("mapc_check_help", text(&mapc(&["check", "--help"]).stdout));
}

#[test]
fn schema_infer_prints_a_draft_schema() {
    let out = mapc(&[
        "schema",
        "infer",
        "--enums",
        "--title",
        "ShopifyOrder",
        "mappings/shopify/samples/order/order.json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let schema: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("JSON schema on stdout");
    assert_eq!(schema["title"], "ShopifyOrder");
    assert_eq!(
        schema["properties"]["order"]["properties"]["total_price"]["format"],
        "decimal"
    );
    assert_eq!(
        schema["properties"]["order"]["properties"]["created_at"]["format"],
        "date-time"
    );
    assert_eq!(mapc(&["schema", "infer"]).status.code(), Some(2));
    let missing = mapc(&["schema", "infer", "no/such.json"]);
    assert_eq!(missing.status.code(), Some(2), "a usage error");
    assert!(text(&missing.stderr).starts_with("error: no/such.json: "));
}

#[test]
fn schema_check_reads_every_component_of_a_spec_and_names_what_cannot_load() {
    let out = mapc(&["schema", "check", "schemas/channels/square/api.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.ends_with("checked 1401 schema(s): 1401 ok, 0 failed\n"),
        "{stdout}"
    );
    assert!(stdout
        .contains("ok   schemas/channels/square/api.json#/components/schemas/CatalogObject\n"));
    let notes: Vec<&str> = stdout.lines().filter(|l| l.starts_with("error")).collect();
    let broken = "/components/schemas/CatalogModifierOverride/properties/hidden_online_override: \
                  cannot resolve `$ref` \"#/components/schemas/CatalogModifierToggleOverrideType\" \
                  (fails only a mapping that reads it)";
    assert_eq!(notes.len(), 5, "{stdout}");
    assert!(notes.iter().any(|n| n.ends_with(broken)), "{stdout}");

    let out = mapc(&[
        "schema",
        "check",
        "tests/contracts/amazon/ShipmentTrackingMilestoneChangedNotification.json",
        "tests/cases/errors/unknown_dialect/source.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let expected = "\
FAIL tests/contracts/amazon/ShipmentTrackingMilestoneChangedNotification.json#
  error[E204] tests/contracts/amazon/ShipmentTrackingMilestoneChangedNotification.json#: cannot resolve `$ref` \"#/definitions/Notification\"
ok   tests/cases/errors/unknown_dialect/source.json#
warning[W201] tests/cases/errors/unknown_dialect/source.json#: unknown `$schema` \"https://schemas.example.com/our-own-dialect\": read as JSON Schema 2020-12
checked 2 schema(s): 1 ok, 1 failed
";
    assert_eq!(stdout, expected);
}

#[test]
fn schema_import_writes_a_component_and_its_examples() {
    let dir = std::env::temp_dir().join(format!("mapc-import-{}", std::process::id()));
    let schema = dir.join("order.schema.json");
    let samples = dir.join("samples");
    let out = mapc(&[
        "schema",
        "import",
        "schemas/channels/square/api.json",
        "--component",
        "RetrieveOrderResponse",
        "--out",
        &schema.to_string_lossy(),
        "--examples",
        &samples.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema).expect("schema written"))
            .expect("JSON");
    assert_eq!(written["title"], "RetrieveOrderResponse");
    assert_eq!(written["properties"]["order"]["$ref"], "#/$defs/Order");
    assert_eq!(
        written["$defs"]["Order"]["properties"]["state"]["anyOf"],
        serde_json::json!([{"$ref": "#/$defs/OrderState"}, {"type": "null"}])
    );
    let example =
        std::fs::read_to_string(samples.join("RetrieveOrderResponse.json")).expect("example");
    assert!(
        example.contains("\"CAISENgvlJ6jLWAzERDzjyHVybY\""),
        "{example}"
    );
    let check = mapc(&["schema", "check", &schema.to_string_lossy()]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    let _ = std::fs::remove_dir_all(&dir);

    let out = mapc(&[
        "schema",
        "import",
        "schemas/channels/square/api.json",
        "--component",
        "Ordr",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: schemas/channels/square/api.json: the document has no component schema `Ordr`; did you mean Order, OrderEntry, OrderState?\n"
    );
}

#[test]
fn lineage_names_what_each_target_field_is_computed_from() {
    let out = mapc(&["lineage", "mappings/shopify/inventory_level.map"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "# shopify.inventory_level (mappings/shopify/inventory_level.map)
id <- .inventory_item_id, .location_id
source.channel <- (constant)
source.object <- (constant)
source.external_id <- .inventory_item_id, .location_id
source.source_timestamp <- .updated_at
idempotency_key <- .available, .inventory_item_id, .location_id, .updated_at
location_id <- .location_id
sku <- .inventory_item_id, table:item_skus
channel_item_id <- .inventory_item_id
fulfillment <- (constant)
available <- .available

"
    );
    // Through `for` elements, their filter, and parameters.
    let out = mapc(&["lineage", "mappings/woocommerce/refund.map"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("\nlines[].tax <- .line_items, .line_items[].quantity, .line_items[].total, .line_items[].total_tax, param:store_currency\n"),
        "{stdout}"
    );
    let mermaid = mapc(&[
        "lineage",
        "--format",
        "mermaid",
        "mappings/shopify/inventory_level.map",
    ]);
    let mermaid = text(&mermaid.stdout);
    assert!(
        mermaid.starts_with("flowchart LR\n  n0[\"id\"]\n  n1[\".inventory_item_id\"]\n"),
        "{mermaid}"
    );
    assert!(mermaid.contains("  n1 --> n0\n"), "{mermaid}");
}

#[test]
fn run_takes_one_record_of_a_list_page_or_a_bare_record() {
    let mapping = "mappings/shopify/inventory_level.map";
    let page = "mappings/shopify/samples/inventory_level/inventory_levels.json";
    let all = mapc(&["run", "--compact", mapping, page]);
    let lines: Vec<String> = text(&all.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 4);
    let second = mapc(&["run", "--compact", "--record", "2", mapping, page]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert_eq!(text(&second.stdout), format!("{}\n", lines[1]));
    let beyond = mapc(&["run", "--record", "9", mapping, page]);
    assert_eq!(beyond.status.code(), Some(1));
    assert_eq!(
        text(&beyond.stderr),
        "error: --record 9: the input has 4 record(s)\n"
    );
    assert_eq!(
        mapc(&["run", "--record", "0", mapping, page]).status.code(),
        Some(2)
    );

    // The second level alone, as a dead letter holds it.
    let page_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(page)).expect("page"))
            .expect("JSON");
    let dir = std::env::temp_dir().join(format!("mapc-bare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bare = dir.join("level.json");
    std::fs::write(&bare, page_json["inventory_levels"][1].to_string()).expect("written");
    let bare = bare.to_string_lossy();
    let out = mapc(&["run", "--compact", "--bare", mapping, &bare]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{}\n", lines[1]));
    let enveloped = mapc(&["run", "--compact", mapping, &bare]);
    assert_eq!(
        enveloped.status.code(),
        Some(1),
        "without --bare the routes apply"
    );
    assert!(text(&enveloped.stderr).contains("error[R102]"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_on_an_unfinished_mapping_shows_what_is_assigned() {
    let out = mapc(&[
        "run",
        "--compact",
        "tests/cases/errors/todo_marker/mapping.map",
        "tests/cases/ok/control_flow/input.json",
    ]);
    assert_eq!(out.status.code(), Some(1), "unfinished is not done");
    assert_eq!(
        text(&out.stdout),
        "{\"id\":\"t:12\",\"total\":{\"amount\":\"250.00\",\"currency\":\"GBP\"}}\n",
        "`status = todo(...)` is left out"
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains("E320"), "{stderr}");
    assert!(stderr.ends_with("tests/cases/errors/todo_marker/mapping.map is unfinished: the fields above are left out of the output, which shows what is assigned so far\n"), "{stderr}");
    // Any other error still refuses to run.
    let broken = mapc(&[
        "run",
        "tests/cases/errors/many_errors/mapping.map",
        "tests/cases/ok/control_flow/input.json",
    ]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(broken.stdout.is_empty());
}

#[test]
fn explain_prints_a_code_with_its_wrong_and_right_mapping() {
    let out = mapc(&["explain", "e320"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("E320 target field not mapped yet (`todo`)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nWrong (tests/cases/errors/todo_marker/mapping.map):\n\n    # E320:"),
        "{stdout}"
    );
    assert!(stdout.contains("\nRight (tests/cases/errors/todo_marker/right.map):\n\n    # Right: the field is written.\n"), "{stdout}");
    let runtime_code = mapc(&["explain", "R104"]);
    assert!(text(&runtime_code.stdout).starts_with("R104 "));
    let unknown = mapc(&["explain", "E999"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn fmt_check_shows_what_would_change_and_fmt_writes_it() {
    let dir = support::scratch("fmt");
    let file = dir.join("order.map");
    let laid_out = "mapping shop.order -> SalesOrder\n  source \"s.json\"\n  target \"t.json\"\n\nid = \"shop:\" ++ string(.id)   # kept\nlines = for l in .lines {\n  sku = l.sku\n}\n";
    let untidy = "mapping shop.order -> SalesOrder\nsource \"s.json\"\n  target \"t.json\"  \n\n\nid = \"shop:\"++string( .id )   # kept\nlines = for l in .lines {\n      sku = l.sku\n}";
    std::fs::write(&file, untidy).expect("mapping");
    let path = file.to_str().expect("utf-8 path");
    let check = mapc(&["fmt", "--check", path]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));
    assert_eq!(
        text(&check.stdout),
        format!(
            "{path}: not formatted\n    2 - source \"s.json\"\n    2 +   source \"s.json\"\n    3 -   target \"t.json\"  \n    3 +   target \"t.json\"\n    6 - id = \"shop:\"++string( .id )   # kept\n    5 + id = \"shop:\" ++ string(.id)   # kept\n    8 -       sku = l.sku\n    7 +   sku = l.sku\n      (blank lines or the final newline change too)\n"
        )
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("mapping"),
        untidy,
        "--check writes nothing"
    );
    let write = mapc(&["fmt", path]);
    assert_eq!(write.status.code(), Some(0), "{}", text(&write.stderr));
    assert_eq!(std::fs::read_to_string(&file).expect("mapping"), laid_out);
    assert_eq!(
        mapc(&["fmt", "--check", path]).status.code(),
        Some(0),
        "formatted now"
    );
    // A file that does not parse is not formatted: its error is shown.
    std::fs::write(&file, "mapping shop.order -> SalesOrder\nid =\n").expect("mapping");
    let broken = mapc(&["fmt", path]);
    assert_eq!(broken.status.code(), Some(1));
    let shown = text(&broken.stderr);
    assert!(
        shown.contains("E101") && shown.contains("syntax error"),
        "{shown}"
    );
}

#[test]
fn watch_tests_again_on_every_save() {
    use std::io::BufRead;
    let dir = support::scratch("watch");
    let sample = root().join("mappings/shopify/samples/order/order.json");
    let sample = sample.to_str().expect("utf-8 path");
    assert_eq!(support::mapc_in(&dir, &["init"]).status.code(), Some(0));
    let new = support::mapc_in(
        &dir,
        &[
            "new",
            "shop.order",
            "--target",
            "SalesOrder",
            "--samples",
            sample,
        ],
    );
    assert_eq!(new.status.code(), Some(0), "{}", text(&new.stderr));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mapc"))
        .arg("watch")
        .current_dir(&*dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("mapc watch starts");
    let (lines, seen) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.send(line);
        }
    });
    // Everything up to a `[watch] ... waiting` line: one run's report.
    let next_run = || {
        let mut run = Vec::new();
        loop {
            match seen.recv_timeout(std::time::Duration::from_secs(60)) {
                Ok(line) if line.contains("waiting for changes") => return (run, line),
                Ok(line) => run.push(line),
                Err(e) => panic!("no run finished ({e}); so far: {run:#?}"),
            }
        }
    };
    // The first run: the scaffold's `todo(...)`s fail (E320).
    let (first, verdict) = next_run();
    assert!(
        first.iter().any(|l| l.starts_with("[watch] watching")),
        "{first:#?}"
    );
    assert!(first.iter().any(|l| l.contains("E320")), "{first:#?}");
    assert!(verdict.contains("failed"), "{verdict}");
    // A save that breaks the syntax: the next run says so, without restarting.
    let file = dir.join("mappings/shop/order.map");
    let text_now = std::fs::read_to_string(&file).expect("mapping");
    std::fs::write(&file, format!("{text_now}\nid =\n")).expect("saved");
    let (second, _) = next_run();
    assert!(
        second.iter().any(|l| l.contains("order.map changed")),
        "{second:#?}"
    );
    assert!(second.iter().any(|l| l.contains("E101")), "{second:#?}");
    let _ = child.kill();
    let _ = child.wait();
}
