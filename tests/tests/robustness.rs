//! Hostile input never panics: mapping text (deep nesting, mutations of
//! every real mapping) through parse + check + codegen, and mutated payloads
//! through the evaluator and the compiled code, which must also agree.
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

use contract_tests::{compile, differential, root};
use mapc::diagnostics::codes;
use std::path::Path;

fn compile_text(file: &str, text: &str) -> mapc::Compiled {
    let root = root();
    let read = |p: &Path| std::fs::read_to_string(root.join(p)).map_err(|e| e.to_string());
    let compiled = mapc::compile(file, text, &read);
    if let Some(ir) = &compiled.mapping {
        let _ = mapc::codegen::generate(ir);
    }
    compiled
}

const HEADER: &str = "mapping t.deep -> TestRecord\n  source \"../../schemas/source.json\"\n  target \"../../schemas/target.json\"\n";

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let n = 10_000;
    let bodies = [
        format!("id = {}\"x\"{}", "(".repeat(n), ")".repeat(n)),
        format!("count = {}1", "- ".repeat(n)),
        format!("count = {}1", "not ".repeat(n)),
        format!(
            "id = {}\"x\"{}",
            "if true then ".repeat(n),
            " else \"y\"".repeat(n)
        ),
        format!(
            "labels = {}[\"a\"]{}",
            "for x in ".repeat(n),
            " => x".repeat(n)
        ),
        format!("email = {}x", "with x = .note => ".repeat(n)),
        format!("id = \"a\"{}", " ++ \"a\"".repeat(n)),
        format!(
            "id = {}\"x\"{}",
            "match 1 { _ => ".repeat(n),
            " }".repeat(n)
        ),
        format!("id = {}", "[".repeat(n)),
    ];
    for body in bodies {
        let text = format!("{HEADER}{body}\n");
        let compiled = compile_text("tests/cases/errors/deep/mapping.map", &text);
        let codes: Vec<&str> = compiled.diagnostics.iter().map(|d| d.code.code).collect();
        assert!(
            codes == [codes::TOO_DEEP.code] || codes == [codes::SYNTAX.code],
            "{}...: {codes:?}",
            body.get(..40).unwrap_or(&body)
        );
    }
}

/// Functions that each nest a little and call the next: every body is
/// shallow, their expansion is not. An error, never a stack overflow.
#[test]
fn deep_function_chains_are_an_error_not_a_stack_overflow() {
    let count = 2_000;
    let mut text = String::from(HEADER);
    for k in 0..count {
        let inner = if k + 1 < count {
            format!("f{}(x)", k + 1)
        } else {
            "x".to_owned()
        };
        text.push_str(&format!("fn f{k}(x) = trim(trim(trim({inner})))\n"));
    }
    text.push_str("id = f0(\"a\")\nstatus = \"open\"\ntotal = money(1, .currency)\n");
    let compiled = compile_text("tests/cases/errors/deep/mapping.map", &text);
    let codes: Vec<&str> = compiled.diagnostics.iter().map(|d| d.code.code).collect();
    assert_eq!(codes, [codes::BAD_FUNCTION.code]);
    assert!(compiled.diagnostics[0]
        .title
        .contains("nests deeper than 256 levels"));
}

fn mapping_files() -> Vec<String> {
    contract_tests::mapping_files(&["mappings", "tests/cases"])
}

#[test]
fn mutated_mappings_never_panic() {
    let inserts = [
        "(", "{", "}", "\"", ".", "??", " for ", "!", "[", "0.5", "@", "#", "=>", "\u{e9}", "\n",
    ];
    let mut runs = 0;
    for file in mapping_files() {
        let text = std::fs::read_to_string(root().join(&file)).expect("mapping");
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|i| text.is_char_boundary(*i))
            .collect();
        // Every 23rd position, at most ~50 per file: long mappings are
        // covered across their whole length without slowing the suite.
        let stride = (boundaries.len() / 50).max(23);
        for (k, &at) in boundaries.iter().enumerate().step_by(stride) {
            let truncated = &text[..at];
            let next = boundaries.get(k + 1).copied().unwrap_or(at);
            let deleted = format!("{}{}", &text[..at], &text[next..]);
            let inserted = format!(
                "{}{}{}",
                &text[..at],
                inserts[k % inserts.len()],
                &text[at..]
            );
            for variant in [truncated.to_owned(), deleted, inserted] {
                let result = std::panic::catch_unwind(|| compile_text(&file, &variant));
                assert!(
                    result.is_ok(),
                    "compiling a mutation of {file} at byte {at} panicked"
                );
                runs += 1;
            }
        }
    }
    assert!(runs > 300, "{runs}");
}

#[test]
fn mutated_payloads_never_panic_and_both_back_ends_agree() {
    let (compiled, _) = compile("mappings/shopify/order.map");
    let ir = compiled.mapping.expect("compiles");
    let code = maprt::find("shopify.order").expect("compiled in");
    // The mapping's routes hand its transform the order itself.
    let payload =
        std::fs::read(root().join("mappings/shopify/samples/order/order.json")).expect("sample");
    let parts = ir.with_envelope(|envelope| host::envelope::split(&payload, envelope));
    let sample = parts.expect("the sample's order").remove(0).bytes.to_vec();
    let flips = [
        b'"', b'0', b'x', b'{', b']', b'-', b'.', b'e', b'\\', b' ', 0xff,
    ];
    let mut outcomes = [0usize; 2];
    for at in (0..sample.len()).step_by(7) {
        let mut flipped = sample.clone();
        flipped[at] = flips[at % flips.len()];
        for input in [&sample[..at], &flipped[..]] {
            let result = differential(&ir, code, input);
            outcomes[usize::from(result.is_ok())] += 1;
        }
    }
    assert!(
        outcomes[0] > 100 && outcomes[1] > 10,
        "errors/successes: {outcomes:?}"
    );
}

/// Payloads that are JSON but not of the source schema's shape, and JSON
/// that is broken: the exact error (code, path, message), the same on both
/// back ends (one reader serves both).
#[test]
fn bad_payloads_fail_with_the_exact_error_on_both_back_ends() {
    let (compiled, _) = compile("mappings/shopify/order.map");
    let ir = compiled.mapping.expect("compiles");
    let code = maprt::find("shopify.order").expect("compiled in");
    let cases = [
        (
            r#"{"id": "450789469"}"#,
            "error[R102] at $.id: the record does not match the source schema: expected an integer, found the string \"450789469\" at line 1 column 8",
        ),
        (
            r#"{"id": 1, "id": 2}"#,
            "error[R102] at $.id: the record does not match the source schema: duplicate field `id` at line 1 column 17",
        ),
        (
            r#"{"id": 1.5}"#,
            "error[R102] at $.id: the record does not match the source schema: expected a 64-bit integer, found the number 1.5 at line 1 column 8",
        ),
        (
            r#"{"line_items": [{"quantity": 1}, {"id": 7, "quantity": null}]}"#,
            "error[R102] at $.line_items[0]: the record does not match the source schema: missing field `id` at line 1 column 31",
        ),
        (
            r#"[]"#,
            "error[R102] at $: the record does not match the source schema: expected a JSON object, found an array at line 1 column 1",
        ),
        (
            r#"{"id": 1, "note": "\q"}"#,
            "error[R101] at $: the record is not valid JSON: invalid escape in a string at line 1 column 20",
        ),
        (
            "{\"note\": \"\u{7}\"}",
            "error[R101] at $: the record is not valid JSON: control character in a string at line 1 column 11",
        ),
        // A lone surrogate is refused in a field the mapping skips as in
        // one it reads.
        (
            r#"{"id": 1, "unread": "\ud800"}"#,
            "error[R101] at $: the record is not valid JSON: lone leading surrogate in a \\u escape at line 1 column 22",
        ),
        (
            r#"{"id": 1, "note": "\udc00"}"#,
            "error[R101] at $: the record is not valid JSON: lone trailing surrogate in a \\u escape at line 1 column 20",
        ),
        // A shape error comes first in reading order, but the record is not
        // JSON at all: R101, not R102.
        (
            r#"{"id": "x", "note": tru}"#,
            "error[R101] at $: the record is not valid JSON: expected a JSON value at line 1 column 21",
        ),
    ];
    for (input, expected) in cases {
        let got = differential(&ir, code, input.as_bytes()).expect_err(input);
        assert_eq!(got.to_string(), expected, "{input}");
    }
}

/// XML payloads and payloads cut along routes, truncated and flipped: no
/// panic, the evaluator and the compiled code agree record by record, and a
/// broken document fails as one clear error (R114 for XML, R101/R102 for an
/// envelope), never losing the records that are intact.
#[test]
fn mutated_xml_and_enveloped_payloads_never_panic_and_agree() {
    let cases = [
        (
            "mappings/ebay/order.map",
            "ebay.order",
            "mappings/ebay/samples/order/GetOrdersResponseWithoutMonetaryDetailsRefundOptionalFields.xml",
        ),
        (
            "mappings/shopify/inventory_level.map",
            "shopify.inventory_level",
            "mappings/shopify/samples/inventory_level/inventory_levels.json",
        ),
    ];
    let flips = [b'<', b'>', b'/', b'"', b'&', b'{', b']', b'0', 0xff];
    for (mapping, id, sample) in cases {
        let (compiled, _) = compile(mapping);
        let ir = compiled.mapping.expect("compiles");
        let code = maprt::find(id).expect("compiled in");
        let sample = std::fs::read(root().join(sample)).expect("sample");
        let (whole, failed) = contract_tests::differential_payload(&ir, code, &sample);
        assert!(
            whole > 0 && failed == 0,
            "{id}: the sample itself transforms"
        );
        let mut outcomes = [0usize; 2];
        for at in (0..sample.len()).step_by(11) {
            let mut flipped = sample.clone();
            flipped[at] = flips[at % flips.len()];
            for input in [&sample[..at], &flipped[..]] {
                let (ok, failed) = contract_tests::differential_payload(&ir, code, input);
                outcomes[0] += failed;
                outcomes[1] += usize::try_from(ok).unwrap_or(usize::MAX);
            }
        }
        assert!(
            outcomes[0] > 50 && outcomes[1] > 10,
            "{id}: failures/records {outcomes:?}"
        );
    }
}

/// 20,000 `let`s, each unused: one W301 per `let`, each pointing at its own
/// line, also at the far end of the file (reports are cut from a line index
/// built once; scanning the file per report took 38 s in a release build).
#[test]
fn a_mapping_with_many_warnings_reports_each_at_its_line() {
    let n = 20_000;
    let lets: String = (0..n).map(|i| format!("let v{i} = .total\n")).collect();
    let body = "id = \"x\"\nstatus = \"open\"\ntotal = money(decimal(.total), .currency)\n";
    let text = format!("{HEADER}{lets}{body}");
    let file = "tests/cases/errors/many/mapping.map";
    let compiled = compile_text(file, &text);
    assert!(!compiled.failed());
    assert_eq!(compiled.diagnostics.len(), n);
    let renderer = mapc::diagnostics::Renderer::new(file, &text);
    let last = compiled.diagnostics.last().expect("a warning");
    assert_eq!(
        renderer.render_short(last),
        format!(
            "{file}:{}:5: warning[W301]: `v{}` is never used",
            n + 3,
            n - 1
        )
    );
    let report = renderer.render(last, 90);
    assert!(
        report.contains(&format!("{file}:{}:5]", n + 3))
            && report.contains(&format!("{} │ let v{} = .total", n + 3, n - 1)),
        "{report}"
    );
    for d in &compiled.diagnostics {
        assert!(renderer.render(d, 90).contains("W301"));
    }
}

/// Under 500 bytes whose expansion doubles at each call (an argument
/// used twice, nested 40 deep: 2^40 nodes) stop at the node limit with
/// E317, in bounded time and memory.
#[test]
fn exponential_function_expansion_is_an_error_not_gigabytes() {
    let mut text = String::from(HEADER);
    text.push_str("fn twice(x) = x ++ x\n");
    let call = format!("{}\"a\"{}", "twice(".repeat(40), ")".repeat(40));
    text.push_str(&format!(
        "id = {call}\nstatus = \"open\"\ntotal = money(1, .currency)\n"
    ));
    assert!(text.len() < 500, "{}", text.len());
    let compiled = compile_text("tests/cases/errors/big/mapping.map", &text);
    let found: Vec<(&str, &str)> = compiled
        .diagnostics
        .iter()
        .map(|d| (d.code.code, d.title.as_str()))
        .collect();
    assert_eq!(
        found,
        [(
            codes::BAD_FUNCTION.code,
            "expanding these functions would make the mapping more than 1000000 expression nodes: an argument used several times in a body is copied at each call"
        )]
    );
}

/// A chain of 5,000 schema files, each `$ref`-ing the next, is E211 after
/// 64 levels, never a stack overflow; a chain inside the limit loads.
#[test]
fn long_ref_chains_are_an_error_not_a_stack_overflow() {
    let depth = |n: usize| {
        move |path: &Path| -> Result<String, String> {
            let name = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
            let i: usize = name
                .trim_start_matches('s')
                .trim_end_matches(".json")
                .parse()
                .map_err(|_| format!("{name}: no such schema"))?;
            Ok(if i + 1 < n {
                format!(r#"{{"$ref": "s{}.json"}}"#, i + 1)
            } else {
                r#"{"type": "object", "properties": {"total": {"type": "string"}}}"#.to_owned()
            })
        }
    };
    let deep = mapc::schema::load(Path::new("schemas/s0.json"), &depth(5_000));
    let kind = deep.map(|_| ()).map_err(|e| e.kind);
    assert!(
        matches!(kind, Err(mapc::schema::SchemaErrorKind::TooDeep(_))),
        "{kind:?}"
    );
    let shallow = mapc::schema::load(Path::new("schemas/s0.json"), &depth(60));
    assert!(shallow.is_ok(), "{shallow:?}");
}

/// Definitions that each reference the next twice (`a` and `b`), 40 deep:
/// 2^40 paths through the schema if references were expanded rather than
/// resolved once each. The mapping reads a path 40 levels down and checks
/// in bounded time (a non-memoized resolver would not finish).
#[test]
fn branching_refs_are_resolved_once_each() {
    let levels = 40;
    let mut definitions = serde_json::Map::new();
    for i in 0..levels {
        let next = serde_json::json!({"$ref": format!("#/definitions/d{}", i + 1)});
        definitions.insert(
            format!("d{i}"),
            serde_json::json!({"type": "object", "properties": {"a": next, "b": next, "id": {"type": "string"}}}),
        );
    }
    definitions.insert(
        format!("d{levels}"),
        serde_json::json!({"type": "object", "properties": {"id": {"type": "string"}}}),
    );
    let source = serde_json::json!({
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "root": {"$ref": "#/definitions/d0"}},
        "definitions": definitions,
    })
    .to_string();
    let target = std::fs::read_to_string(root().join("tests/cases/schemas/target.json"))
        .expect("target schema");
    let read = |path: &Path| match path.file_name().and_then(|f| f.to_str()) {
        Some("branching.json") => Ok(source.clone()),
        Some("target.json") => Ok(target.clone()),
        _ => Err(format!("{}: no such file", path.display())),
    };
    let path: String = (0..levels)
        .map(|i| if i % 2 == 0 { ".a" } else { ".b" })
        .collect();
    let text = format!(
        "mapping t.branching -> TestRecord\n  source \"branching.json\"\n  target \"target.json\"\n\nid = .id ++ (.root{path}.id ?? \"\")\nstatus = \"open\"\ntotal = money(decimal(\"1.00\"), \"EUR\")\n"
    );
    let compiled = mapc::compile("tests/cases/ok/branching/mapping.map", &text, &read);
    let codes: Vec<&str> = compiled.diagnostics.iter().map(|d| d.code.code).collect();
    assert_eq!(codes, Vec::<&str>::new());
    assert!(compiled.mapping.is_some());
}
