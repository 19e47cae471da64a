//! Contract checks shared by `mapc test` and the cargo test suite: pretty
//! output for snapshots and validation against the target schema.

use serde_json::Value;

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
