//! Contract checks shared by `mapc test` and the cargo test suite: pretty
//! output for snapshots and validation against the target schema.

use crate::ir::Mapping;
use serde_json::Value;

/// The records of a sample file, framed as the mapping reads them (one JSON
/// or XML document, NDJSON lines, or CSV/TSV rows as JSON objects) and cut
/// along the mapping's routes.
pub fn sample_records(mapping: &Mapping, bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut records = Vec::new();
    let mut failure = None;
    host::format::for_each_record(bytes, mapping.format, |record| {
        let parts = match &record.undecodable {
            Some(e) => Err(e.clone()),
            None => mapping.with_envelope(|envelope| host::envelope::split(record.bytes, envelope)),
        };
        match parts {
            Ok(parts) => records.extend(parts.into_iter().map(|p| p.bytes.to_vec())),
            Err(e) => {
                failure = failure
                    .take()
                    .or(Some(format!("record {}: {e}", record.number)))
            }
        }
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    match failure {
        Some(failure) => Err(failure),
        None => Ok(records),
    }
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
