//! `mapc check` and `mapc test` as CI reads them (`--format github`,
//! `junit`, `json`), and the snapshot workflow of `mapc test`: a missing
//! or changed snapshot is pending until accepted.
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

mod support;

use std::path::Path;
use support::{copy_tree, mapc, mapc_in, root, scratch, text};

const BROKEN: &str = "tests/cases/errors/many_errors/mapping.map";

/// A workflow command parsed back, GitHub's escapes undone.
struct Annotation {
    command: String,
    properties: Vec<(String, String)>,
    message: String,
}

/// `line` as a workflow command; `None` unless it is well formed.
fn annotation(line: &str) -> Option<Annotation> {
    let rest = line.strip_prefix("::")?;
    let (head, message) = rest.split_once("::")?;
    let (command, properties) = head.split_once(' ')?;
    let unescape = |s: &str| {
        s.replace("%0A", "\n")
            .replace("%0D", "\r")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let mut pairs = Vec::new();
    for pair in properties.split(',') {
        let (key, value) = pair.split_once('=')?;
        pairs.push((key.to_owned(), unescape(value)));
    }
    // An unescaped newline would end the command early.
    (!message.contains('\n')).then(|| Annotation {
        command: command.to_owned(),
        properties: pairs,
        message: unescape(message),
    })
}

#[test]
fn github_format_prints_one_valid_annotation_per_error() {
    let out = mapc(&["check", "--format", "github", BROKEN]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let annotations: Vec<_> = stdout
        .lines()
        .map(|l| annotation(l).unwrap_or_else(|| panic!("not an annotation: {l}")))
        .collect();
    let at: Vec<(String, String, String)> = annotations
        .iter()
        .map(|a| {
            let get = |k: &str| {
                a.properties
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            assert_eq!(get("file"), BROKEN);
            (
                a.command.clone(),
                format!("{}:{}", get("line"), get("col")),
                get("title"),
            )
        })
        .collect();
    let expected = [
        ("error", "6:6", "error[E304]"),
        ("error", "7:10", "error[E311]"),
        ("error", "8:15", "error[E303]"),
        ("error", "9:25", "error[E301]"),
        ("error", "10:33", "error[E313]"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(at, expected);
    assert_eq!(
        annotations[3].message,
        "unknown source field `emial`\nhelp: did you mean `email`?"
    );
    assert_eq!(text(&out.stderr), "checked 1 mapping(s): 0 ok, 1 failed\n");
}

#[test]
fn json_format_is_one_object_per_diagnostic_then_a_summary() {
    let out = mapc(&["check", "--format", "json", BROKEN]);
    assert_eq!(out.status.code(), Some(1));
    let objects: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    let codes: Vec<&str> = objects
        .iter()
        .filter(|o| o["type"] == "diagnostic")
        .map(|o| o["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(codes, ["E304", "E311", "E303", "E301", "E313"]);
    assert_eq!(
        objects[3],
        serde_json::json!({
            "type": "diagnostic", "file": BROKEN, "line": 9, "column": 25,
            "end_line": 9, "end_column": 30, "severity": "error", "code": "E301",
            "message": "unknown source field `emial`",
            "labels": [{"line": 9, "column": 25, "primary": true,
                "text": "not a property of tests/cases/schemas/source.json#/$defs/Customer"}],
            "help": "did you mean `email`?",
        })
    );
    assert_eq!(
        objects.last(),
        Some(&serde_json::json!({"type": "summary", "checked": 1, "ok": 0, "failed": 1}))
    );
}

#[test]
fn junit_format_of_check_is_read_by_a_junit_parser() {
    let out = mapc(&[
        "check",
        "--format",
        "junit",
        "mappings/shopify/order.map",
        BROKEN,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = junit_parser::from_reader(std::io::Cursor::new(out.stdout)).expect("JUnit XML");
    assert_eq!((report.tests, report.failures), (2, 1));
    let cases = &report.suites[0].cases;
    assert_eq!(cases[0].original_name, "mappings/shopify/order.map");
    assert!(cases[0].status.is_success());
    assert_eq!(cases[1].original_name, BROKEN);
    let failure = cases[1].status.failure_as_ref();
    assert_eq!(failure.message, "5 error(s)");
    assert!(
        failure.text.contains(&format!(
            "{BROKEN}:9:25: error[E301]: unknown source field `emial`"
        )),
        "{}",
        failure.text
    );
}

/// A copy of the Shopify mappings and the schemas they read, in a scratch
/// folder laid out as in the repository.
fn shopify_copy(name: &str) -> support::Scratch {
    let dir = scratch(name);
    copy_tree(
        &root().join("mappings/shopify"),
        &dir.join("mappings/shopify"),
    );
    copy_tree(&root().join("schemas"), &dir.join("schemas"));
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_missing_snapshot_is_pending_until_accepted() {
    let dir = shopify_copy("pending");
    let snapshots = dir.join("mappings/shopify/snapshots");
    let accepted = read(&snapshots.join("order__order.snap"));
    std::fs::remove_file(snapshots.join("order__order.snap")).expect("removed");
    let mapping = "mappings/shopify/order.map";

    let out = mapc_in(&dir, &["test", mapping]);
    assert_eq!(out.status.code(), Some(1), "pending fails the run");
    assert_eq!(
        text(&out.stdout),
        "ok   shopify.order mappings/shopify/samples/order/go-shopify_orders.json\n\
         PEND shopify.order mappings/shopify/samples/order/order.json: new snapshot: mappings/shopify/snapshots/order__order.snap.new\n\
         1 passed, 0 failed, 1 pending (review with `mapc test --review` or accept with `mapc test --accept`)\n"
    );
    let pending = read(&snapshots.join("order__order.snap.new"));
    assert_eq!(
        mapc::project::snapshot_body(&pending),
        mapc::project::snapshot_body(&accepted),
        "the pending snapshot holds the output"
    );
    assert!(pending.starts_with(
        "---\nsource: mapc test\nexpression: shopify.order\ninput_file: mappings/shopify/samples/order/order.json\n---\n"
    ));

    let review = mapc_in(&dir, &["test", "--review", mapping]);
    assert_eq!(review.status.code(), Some(2), "--review needs a terminal");

    let out = mapc_in(&dir, &["test", "--accept", mapping]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).ends_with("1 passed, 0 failed, 1 accepted\n"));
    assert_eq!(read(&snapshots.join("order__order.snap")), pending);
    assert!(!snapshots.join("order__order.snap.new").exists());

    let out = mapc_in(&dir, &["test", mapping]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn a_changed_output_shows_its_diff_and_keeps_the_snapshot_header() {
    let dir = shopify_copy("changed");
    let snapshot = dir.join("mappings/shopify/snapshots/order__go-shopify_orders.snap");
    let accepted = read(&snapshot);
    std::fs::write(&snapshot, accepted.replace("John Smith", "John Smyth")).expect("written");
    let mapping = "mappings/shopify/order.map";

    let out = mapc_in(&dir, &["test", mapping]);
    assert_eq!(out.status.code(), Some(1));
    let expected = "\
PEND shopify.order mappings/shopify/samples/order/go-shopify_orders.json: output differs from its snapshot: mappings/shopify/snapshots/order__go-shopify_orders.snap.new
--- mappings/shopify/snapshots/order__go-shopify_orders.snap
+++ output
@@ -15,7 +15,7 @@
   \"currency\": \"USD\",
   \"customer\": {
     \"email\": \"john@test.com\",
-    \"name\": \"John Smyth\"
+    \"name\": \"John Smith\"
   },
   \"billing_address\": {
     \"name\": \"Bob Biller\",
ok   shopify.order mappings/shopify/samples/order/order.json
";
    assert!(
        text(&out.stdout).starts_with(expected),
        "{}",
        text(&out.stdout)
    );

    let report = mapc_in(&dir, &["test", "--format", "junit", mapping]);
    assert_eq!(report.status.code(), Some(1));
    let report = junit_parser::from_reader(std::io::Cursor::new(report.stdout)).expect("JUnit XML");
    assert_eq!((report.tests, report.failures), (2, 1));
    let suite = &report.suites[0];
    assert_eq!(suite.name, "shopify.order");
    let failure = suite.cases[0].status.failure_as_ref();
    assert_eq!(failure.failure_type, "snapshot");
    // junit-parser trims the text around each XML entity (`&quot;`), so
    // only the words are compared here; the report itself is above.
    assert!(failure.text.contains("John Smith"), "{}", failure.text);
    assert!(failure
        .text
        .starts_with("--- mappings/shopify/snapshots/order__go-shopify_orders.snap\n+++ output\n"));
    assert_eq!(suite.cases[1].classname.as_deref(), Some("shopify.order"));
    assert!(suite.cases[1].status.is_success());

    let out = mapc_in(&dir, &["test", "--accept", mapping]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(
        read(&snapshot),
        accepted,
        "insta's header kept, the output restored"
    );
}

#[test]
fn coverage_names_what_no_sample_exercises() {
    let out = mapc(&["test", "--coverage", "mappings/woocommerce/refund.map"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    insta::assert_snapshot!("coverage_woocommerce_refund", text(&out.stdout));
}
