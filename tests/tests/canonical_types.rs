//! The canonical model consumed the way another team would: every snapshot
//! of every mapping deserializes into the Rust type typify generated from
//! the mapping's target schema (`canonical-types`), and serializes back to
//! the same JSON. A field the schemas do not declare, a wrong type, a
//! pattern or enum the output breaks, or a shared definition a generator
//! cannot bundle fails here.
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

use canonical_types as canonical;
use contract_tests::{compile, mapping_files, root};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Deserializes `record` as `T` and serializes it back.
fn round_trip<T: DeserializeOwned + Serialize>(record: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(record.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// The generated type of a canonical schema, by the schema's `title`.
fn through_type(title: &str, record: &Value) -> Result<Value, String> {
    match title {
        "SalesOrder" => round_trip::<canonical::SalesOrder>(record),
        "Refund" => round_trip::<canonical::Refund>(record),
        "ReturnAuthorization" => round_trip::<canonical::ReturnAuthorization>(record),
        "FulfillmentEvent" => round_trip::<canonical::FulfillmentEvent>(record),
        "InventoryPosition" => round_trip::<canonical::InventoryPosition>(record),
        "StoreTransaction" => round_trip::<canonical::StoreTransaction>(record),
        "SettlementRecord" => round_trip::<canonical::SettlementRecord>(record),
        "Settlement" => round_trip::<canonical::Settlement>(record),
        other => Err(format!("no generated type for the schema titled {other}")),
    }
}

/// Where `back` (through the generated type) differs from `record`, if
/// anywhere. Instants are compared as instants: chrono writes `.38Z` as
/// `.380Z`.
fn difference(back: &Value, record: &Value, at: &str) -> Option<String> {
    match (back, record) {
        (Value::Object(b), Value::Object(r)) => {
            let mut keys: Vec<&String> = b.keys().chain(r.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| match (b.get(k), r.get(k)) {
                (Some(x), Some(y)) => difference(x, y, &format!("{at}.{k}")),
                (x, y) => Some(format!("{at}.{k}: {x:?} != {y:?}")),
            })
        }
        (Value::Array(b), Value::Array(r)) if b.len() == r.len() => b
            .iter()
            .zip(r)
            .enumerate()
            .find_map(|(i, (x, y))| difference(x, y, &format!("{at}[{i}]"))),
        (Value::String(b), Value::String(r)) if b != r && same_instant(b, r) => None,
        _ if back == record => None,
        _ => Some(format!("{at}: {back} != {record}")),
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

fn title_of(schema: &std::path::Path) -> String {
    let text = std::fs::read_to_string(root().join(schema)).expect("target schema");
    let schema: Value = serde_json::from_str(&text).expect("JSON");
    schema["title"].as_str().expect("title").to_string()
}

/// Every snapshot of canonical records with the schema title of its
/// mapping's target: the mappings' sample snapshots and the ok cases that
/// target the canonical model (`new_channel`).
fn canonical_snapshots() -> Vec<(std::path::PathBuf, String)> {
    let mut snapshots = Vec::new();
    for file in mapping_files(&["mappings"]) {
        let (compiled, _) = compile(&file);
        let title = title_of(compiled.target_schema.as_deref().expect("target schema"));
        let folder = root().join(&file).with_file_name("snapshots");
        let stem = std::path::Path::new(&file).file_stem().expect("stem");
        let prefix = format!("{}__", stem.to_string_lossy());
        for entry in
            std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            if name.starts_with(&prefix) {
                snapshots.push((path, title.clone()));
            }
        }
    }
    for entry in std::fs::read_dir(root().join("tests/cases/ok")).expect("ok cases") {
        let case = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let (compiled, _) = compile(&format!("tests/cases/ok/{case}/mapping.map"));
        let target = compiled.target_schema.expect("target schema");
        if target.starts_with("schemas/canonical") {
            let snapshot = root().join(format!("tests/snapshots/ok/{case}.snap"));
            snapshots.push((snapshot, title_of(&target)));
        }
    }
    snapshots
}

#[test]
fn every_snapshot_deserializes_into_the_generated_types() {
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    let snapshots = canonical_snapshots();
    let new_channel = root().join("tests/snapshots/ok/new_channel.snap");
    assert!(snapshots.iter().any(|(path, _)| *path == new_channel));
    for (path, title) in snapshots {
        let name = path.display();
        let text = std::fs::read_to_string(&path).expect("snapshot");
        let body = mapc::project::snapshot_body(&text).expect("insta header");
        for (i, record) in serde_json::Deserializer::from_str(body)
            .into_iter::<Value>()
            .enumerate()
        {
            let record = record.expect("snapshot records are JSON");
            let back = through_type(&title, &record)
                .unwrap_or_else(|e| panic!("{name} record {}: {e}", i + 1));
            if let Some(difference) = difference(&back, &record, "") {
                panic!("{name} record {} as {title}: {difference}", i + 1);
            }
            *checked.entry(title.clone()).or_default() += 1;
        }
    }
    // Every canonical object is exercised.
    let titles: Vec<&str> = checked.keys().map(String::as_str).collect();
    assert_eq!(
        titles,
        [
            "FulfillmentEvent",
            "InventoryPosition",
            "Refund",
            "ReturnAuthorization",
            "SalesOrder",
            "Settlement",
            "SettlementRecord",
            "StoreTransaction",
        ]
    );
}
