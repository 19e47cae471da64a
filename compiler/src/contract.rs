//! Contract checks shared by `mapc test` and the cargo test suite: pretty
//! output for snapshots and validation against the target schema.

use crate::ir::Mapping;
use serde_json::Value;

/// The records of a sample file, framed as the mapping reads them (one JSON
/// document, NDJSON lines, or CSV/TSV rows as JSON objects) and cut along
/// the mapping's routes.
pub fn sample_records(mapping: &Mapping, bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut payloads = Vec::new();
    runtime::stream::for_each_record(
        bytes,
        runtime::stream::InputFormat::for_source(mapping.format),
        |r| {
            payloads.push(r.bytes.to_vec());
            Ok(())
        },
    )
    .map_err(|e| e.to_string())?;
    let mut records = Vec::new();
    for (i, payload) in payloads.iter().enumerate() {
        let parts = mapping.with_envelope(|envelope| {
            let decoded = envelope.decode(payload)?;
            let parts = runtime::envelope::split(&decoded, envelope)?;
            Ok::<_, runtime::RuntimeError>(
                parts
                    .into_iter()
                    .map(|p| p.bytes.to_vec())
                    .collect::<Vec<_>>(),
            )
        });
        records.extend(parts.map_err(|e| format!("record {}: {e}", i + 1))?);
    }
    Ok(records)
}

/// Snapshot text of a sample's outputs: pretty JSON for one record, one
/// compact line per record for several.
pub fn snapshot_text(outputs: &[Vec<u8>]) -> Result<String, String> {
    match outputs {
        [one] => pretty(one),
        many => Ok(many
            .iter()
            .map(|o| String::from_utf8_lossy(o).into_owned())
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// Canonical output, pretty-printed with keys in the order written.
pub fn pretty(output: &[u8]) -> Result<String, String> {
    let value: Value =
        serde_json::from_slice(output).map_err(|e| format!("output is not JSON: {e}"))?;
    serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
}

/// Every way `output` breaks `schema`, as `instance path: message` lines.
pub fn validate(schema: &Value, output: &[u8]) -> Result<Vec<String>, String> {
    let validator = jsonschema::validator_for(schema).map_err(|e| format!("target schema: {e}"))?;
    let instance: Value =
        serde_json::from_slice(output).map_err(|e| format!("output is not JSON: {e}"))?;
    Ok(validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect())
}
