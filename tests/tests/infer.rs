//! `mapc schema infer`: an inferred schema accepts every sample it was
//! inferred from, and its output is snapshotted for review.

#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

use contract_tests::root;
use mapc::infer::{infer, Merge, Options};

fn samples(folder: &str) -> Vec<serde_json::Value> {
    let mut files: Vec<_> = std::fs::read_dir(root().join(folder))
        .expect("samples")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| serde_json::from_slice(&std::fs::read(f).expect("read")).expect("JSON"))
        .collect()
}

#[test]
fn inferred_schemas_accept_their_samples() {
    let folders = [
        "mappings/shopify/samples/order",
        "mappings/shopify/samples/refund",
        "mappings/square/samples/order",
    ];
    for folder in folders {
        let samples = samples(folder);
        for enums in [false, true] {
            let schema = infer(&samples, "T", Options { enums, max_enum: 8 });
            let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
            for sample in &samples {
                let errors: Vec<String> = validator
                    .iter_errors(sample)
                    .map(|e| e.to_string())
                    .collect();
                assert!(errors.is_empty(), "{folder}: {errors:?}");
            }
        }
    }
}

/// XML (eBay) and TSV (Amazon) samples are read as the mappings read them,
/// and the inferred schema accepts what it was inferred from.
#[test]
fn xml_and_tsv_samples_are_inferred_as_mappings_read_them() {
    for folder in [
        "mappings/ebay/samples/order",
        "mappings/amazon/samples/listings_report",
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root().join(folder))
            .expect("samples")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml" || e == "tsv"))
            .collect();
        files.sort();
        let mut values = Vec::new();
        for file in &files {
            values.extend(mapc::project::sample_values(file).expect("readable"));
        }
        assert!(!values.is_empty(), "{folder}");
        let schema = infer(&values, "T", Options::default());
        let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
        for value in &values {
            assert!(validator.is_valid(value), "{folder}");
        }
        let text = schema.to_string();
        if folder.contains("ebay") {
            // Attributes and text beside them, as the convention writes them.
            assert!(text.contains("\"@currencyID\"") && text.contains("\"#text\""));
        } else {
            // One object per row, every cell a string.
            assert_eq!(values.len(), 243);
            assert_eq!(schema["properties"]["sku"]["type"], "string");
        }
    }
}

#[test]
fn inferred_square_order_schema() {
    let schema = infer(
        &samples("mappings/square/samples/order"),
        "SquareRetrieveOrderResponse",
        Options::default(),
    );
    let text = serde_json::to_string_pretty(&schema).expect("JSON");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("tests/snapshots/infer"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("square_order", text));
}

fn schema(file: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join(file)).expect("schema");
    serde_json::from_str(&text).expect("JSON")
}

/// `schema infer --into`: a reviewed schema merged with the samples its
/// mapping was written from changes nothing.
#[test]
fn merging_a_mappings_own_samples_changes_nothing() {
    // The order schema is every form an order arrives in: its samples'
    // orders are merged into the definition of one.
    let orders = |sample: serde_json::Value| -> Vec<serde_json::Value> {
        match (sample.get("order"), sample.get("orders")) {
            (Some(order), _) => vec![order.clone()],
            (_, Some(serde_json::Value::Array(page))) => page.clone(),
            _ => vec![sample],
        }
    };
    for (object, pointer) in [
        ("order", "/definitions/Order"),
        ("refund", ""),
        ("fulfillment", ""),
        ("inventory_level", ""),
    ] {
        let file = format!("schemas/channels/shopify/{object}.schema.json");
        let reviewed = schema(&file);
        let mut samples = samples(&format!("mappings/shopify/samples/{object}"));
        if object == "order" {
            samples = samples.into_iter().flat_map(orders).collect();
            assert_eq!(samples.len(), 2);
        }
        let (merged, changes) = mapc::infer::merge(&reviewed, pointer, &samples, Merge::default());
        assert!(changes.is_empty(), "{file}: {changes:?}");
        assert_eq!(merged, reviewed, "{file}");
    }
}

/// Merged with payloads it was not written for (Square orders into
/// Shopify's `Order`), the schema accepts them afterwards.
#[test]
fn a_merged_schema_accepts_what_it_was_merged_with() {
    let reviewed = schema("schemas/channels/shopify/order.schema.json");
    let orders: Vec<serde_json::Value> = samples("mappings/square/samples/order")
        .iter()
        .map(|response| response["order"].clone())
        .collect();
    let at = "/definitions/Order";
    let how = Merge {
        declare_new_fields: true,
        ..Merge::default()
    };
    let (mut merged, changes) = mapc::infer::merge(&reviewed, at, &orders, how);
    assert!(changes.len() > 10, "{changes:?}");
    let root = merged.as_object_mut().expect("an object schema");
    root.retain(|k, _| k.starts_with('$') || k == "definitions");
    root.insert("$ref".into(), serde_json::json!(format!("#{at}")));
    let validator = jsonschema::validator_for(&merged).expect("a valid JSON Schema");
    for order in &orders {
        let errors: Vec<String> = validator
            .iter_errors(order)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}
