//! Contract tests for every mapping in `mappings/`: each real sample's
//! canonical output is snapshotted next to the mapping, validated against
//! the target schema, and produced byte-identically by the evaluator and by
//! the code compiled into `maprt`. The generated Rust is snapshotted too.
#![allow(clippy::expect_used)] // a panic in a test helper is a failed test

use contract_tests::{differential, root, target_schema};
use mapc::project;

fn mappings() -> Vec<std::path::PathBuf> {
    project::find_mappings(&[root().join("mappings")]).expect("mappings/ exists")
}

fn relative(path: &std::path::Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn every_mapping_is_compiled_into_maprt() {
    let mut ids: Vec<String> = Vec::new();
    for file in mappings() {
        let (compiled, _) = contract_tests::compile(&relative(&file));
        ids.push(compiled.mapping.expect("compiles").id);
    }
    let compiled: Vec<&str> = maprt::MAPPINGS.iter().map(|m| m.id).collect();
    assert_eq!(ids, compiled);
    assert!(!ids.is_empty());
}

#[test]
fn samples_match_snapshots_schema_and_compiled_code() {
    let mut checked = 0;
    for file in mappings() {
        let name = relative(&file);
        let (compiled, _) = contract_tests::compile(&name);
        assert!(!compiled.failed(), "{name} does not compile");
        let ir = compiled.mapping.as_ref().expect("compiles");
        let code = maprt::find(&ir.id).expect("compiled into maprt");
        let params = project::sample_params(&file).expect("sample parameters");
        host::params::supply(&ir.id, &ir.param_decls(), &params).expect("valid parameters");
        let schema = target_schema(compiled.target_schema.as_deref().expect("target"));
        let samples = project::samples_for(&file);
        assert!(!samples.is_empty(), "{name} has no samples");
        let checks = mapc::checks::load(&file, &samples).expect("declarative checks");
        for sample in samples {
            let input =
                project::read_sample(&sample, &ir.inputs, &ir.optional_inputs).expect("sample");
            let records = mapc::contract::sample_records(ir, &input).expect("framing");
            assert!(!records.is_empty(), "{} has no records", sample.display());
            let mut outputs = Vec::new();
            for (i, record) in records.iter().enumerate() {
                let out = differential(ir, code, record)
                    .unwrap_or_else(|e| panic!("{} record {}: {e}", sample.display(), i + 1));
                // None: filtered out by the mapping's `where`; several: emitted.
                for record in mapc::contract::records(&out) {
                    let problems = schema.problems(record).expect("output is JSON");
                    assert!(
                        problems.is_empty(),
                        "{} record {}: {problems:?}",
                        sample.display(),
                        i + 1
                    );
                    outputs.push(record.to_vec());
                }
            }
            let records: Vec<serde_json::Value> = outputs
                .iter()
                .map(|r| serde_json::from_slice(r).expect("JSON"))
                .collect();
            let failures = checks.failures(&sample, &records);
            assert!(
                failures.is_empty(),
                "{}:\n{}",
                sample.display(),
                failures.join("\n")
            );
            let snapshot = project::snapshot_name(&file, &sample).expect("name");
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(file.parent().expect("dir").join("snapshots"));
            settings.set_prepend_module_to_snapshot(false);
            settings.set_input_file(&sample);
            let text = mapc::contract::snapshot_text(&outputs).expect("JSON");
            settings.bind(|| insta::assert_snapshot!(snapshot, text));
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn generated_code_is_snapshotted() {
    for file in mappings() {
        let name = relative(&file);
        let (compiled, _) = contract_tests::compile(&name);
        let ir = compiled.mapping.expect("compiles");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(root().join("tests/snapshots/generated"));
        settings.set_prepend_module_to_snapshot(false);
        let rust = mapc::codegen::generate(&ir);
        settings.bind(|| insta::assert_snapshot!(mapc::codegen::module_name(&ir.id), rust));
    }
}

/// Every snapshot belongs to something that still exists, so a deleted
/// sample or case cannot leave a stale snapshot behind.
#[test]
fn every_snapshot_has_an_owner() {
    let mut owners = std::collections::BTreeSet::new();
    for file in mappings() {
        for sample in project::samples_for(&file) {
            owners.insert(project::snapshot_for(&file, &sample).expect("path"));
        }
        let (compiled, _) = contract_tests::compile(&relative(&file));
        let module = mapc::codegen::module_name(&compiled.mapping.expect("compiles").id);
        owners.insert(root().join(format!("tests/snapshots/generated/{module}.snap")));
    }
    for kind in ["errors", "ok"] {
        for case in std::fs::read_dir(root().join("tests/cases").join(kind)).expect("cases") {
            let name = case
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            owners.insert(root().join(format!("tests/snapshots/{kind}/{name}.snap")));
        }
    }
    owners.insert(root().join("tests/snapshots/infer/square_order.snap"));
    let mut dirs: Vec<std::path::PathBuf> = ["errors", "ok", "generated", "infer"]
        .iter()
        .map(|k| root().join("tests/snapshots").join(k))
        .collect();
    dirs.extend(
        mappings()
            .iter()
            .filter_map(|f| Some(f.parent()?.join("snapshots"))),
    );
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "snap") {
                assert!(owners.contains(&path), "orphan snapshot {}", path.display());
            }
        }
    }
}

/// `where`: a record the mapping filters out produces nothing on both back
/// ends (neither output nor failure); a kept one is unchanged.
#[test]
fn where_filters_records_out_on_both_back_ends() {
    let (compiled, _) = contract_tests::compile("mappings/square/inventory_count.map");
    let ir = compiled.mapping.expect("compiles");
    let code = maprt::find("square.inventory_count").expect("compiled into maprt");
    let count = |state: &str| {
        format!(
            r#"{{"catalog_object_id": "V", "location_id": "L", "state": "{state}", "quantity": "3", "calculated_at": "2016-11-16T22:28:01.223Z"}}"#
        )
    };
    let sold = differential(&ir, code, count("SOLD").as_bytes()).expect("no failure");
    assert!(sold.is_empty());
    let kept = differential(&ir, code, count("RESERVED_FOR_SALE").as_bytes()).expect("kept");
    assert!(String::from_utf8_lossy(&kept).contains("\"reserved\":3"));
}

/// `mapc emit` of the Shopify order reads like code a person wrote: no line
/// over 120 characters (as printed, and after rustfmt), formatting it again
/// changes nothing, and its locals and tables carry the mapping's names.
#[test]
fn emitted_code_is_readable_and_rustfmt_stable() {
    let (compiled, _) = contract_tests::compile("mappings/shopify/order.map");
    let ir = compiled.mapping.expect("compiles");
    let printed = mapc::codegen::generate(&ir);
    let long = |code: &str| -> Vec<String> {
        code.lines()
            .filter(|l| l.chars().count() > 120)
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(long(&printed), Vec::<String>::new(), "lines over 120");
    for name in [
        "let lines_subtotal",
        "let tax_total",
        "fn table_financial_status",
        "LOC_96_22",
    ] {
        assert!(printed.contains(name), "no `{name}` in the generated code");
    }
    // CI has rustfmt (it runs `cargo fmt --check`); elsewhere this part is
    // skipped rather than failed.
    let Some(formatted) = mapc::project::rustfmt(&printed) else {
        eprintln!("rustfmt not found: stability not checked");
        return;
    };
    assert_eq!(
        long(&formatted),
        Vec::<String>::new(),
        "lines over 120 after rustfmt"
    );
    let again = mapc::project::rustfmt(&formatted).expect("rustfmt runs twice");
    assert!(
        again == formatted,
        "formatting `mapc emit` output again changes it"
    );
}
