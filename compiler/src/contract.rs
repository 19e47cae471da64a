//! Contract checks shared by `mapc test` and the cargo test suite: pretty
//! output for snapshots and validation against the target schema.

use crate::ir::Mapping;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The records of a sample file, framed as the mapping reads them (one JSON
/// or XML document, NDJSON lines, or CSV/TSV rows as JSON objects) and cut
/// along the mapping's routes.
pub fn sample_records(mapping: &Mapping, bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut records = Vec::new();
    let mut failure = None;
    host::format::for_each_record(bytes, mapping.format, &host::Limits::DEFAULT, |record| {
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

/// The records one transform wrote: one, or one a line for a mapping that
/// emits several per input (`emit for ...`).
pub fn records(out: &[u8]) -> impl Iterator<Item = &[u8]> {
    out.split(|b| *b == b'\n').filter(|r| !r.is_empty())
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

/// A target schema compiled once to validate outputs, with the schema
/// files it refers to (the canonical model's `common.schema.json`): found
/// beside it by the last segment of each `$ref`, as the compiler finds
/// them. Nothing is fetched.
pub struct TargetSchema {
    validator: jsonschema::Validator,
}

impl TargetSchema {
    /// Read the schema at `path` and the files it refers to through `read`.
    pub fn load(path: &Path, read: crate::Read<'_>) -> Result<Self, String> {
        let mut files: HashMap<String, Value> = HashMap::new();
        let mut todo: Vec<PathBuf> = vec![path.to_path_buf()];
        let mut seen: HashSet<PathBuf> = HashSet::new();
        let mut root = None;
        while let Some(file) = todo.pop() {
            if !seen.insert(file.clone()) {
                continue;
            }
            let text = read(&file)?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{}: not JSON: {e}", file.display()))?;
            let dir = file.parent().unwrap_or(Path::new(""));
            for reference in references(&value) {
                if let Some(name) = reference.rsplit('/').next().filter(|n| !n.is_empty()) {
                    todo.push(crate::normalize(&dir.join(name)));
                }
            }
            let name = file_name(&file);
            match root {
                None => root = Some(value),
                Some(_) => {
                    files.insert(name, value);
                }
            }
        }
        let root = root.ok_or_else(|| format!("{}: no schema", path.display()))?;
        let validator = jsonschema::options()
            .with_retriever(Beside(files))
            .build(&root)
            .map_err(|e| format!("target schema: {e}"))?;
        Ok(Self { validator })
    }

    /// Every way `output` breaks the schema, as `instance path: message`
    /// lines.
    pub fn problems(&self, output: &[u8]) -> Result<Vec<String>, String> {
        let instance: Value =
            serde_json::from_slice(output).map_err(|e| format!("output is not JSON: {e}"))?;
        Ok(self
            .validator
            .iter_errors(&instance)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect())
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The part before `#` of every `$ref` naming another file.
fn references(value: &Value) -> Vec<&str> {
    crate::schema::ref_strings(value)
        .into_iter()
        .filter_map(|r| r.split('#').next().filter(|file| !file.is_empty()))
        .collect()
}

/// Schema files read beforehand, handed to the validator by file name.
struct Beside(HashMap<String, Value>);

impl jsonschema::Retrieve for Beside {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or("");
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| format!("{uri}: no schema of that name beside the target schema").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> Result<String, String> {
        let common = r#"{"$id": "https://example.com/model/1/common.schema.json",
            "$defs": {"Channel": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}}}"#;
        let order = r#"{"$id": "https://example.com/model/1/order.schema.json",
            "type": "object", "required": ["channel"],
            "properties": {"channel": {"$ref": "common.schema.json#/$defs/Channel"}}}"#;
        match path.to_str() {
            Some("model/common.schema.json") => Ok(common.to_owned()),
            Some("model/order.schema.json") => Ok(order.to_owned()),
            _ => Err(format!("{}: no such file", path.display())),
        }
    }

    #[test]
    fn a_target_schema_validates_through_the_files_it_refers_to() {
        let schema = TargetSchema::load(Path::new("model/order.schema.json"), &read);
        let Ok(schema) = schema else { panic!("loads") };
        assert_eq!(
            schema.problems(br#"{"channel": "woocommerce"}"#),
            Ok(vec![])
        );
        let problems = schema.problems(br#"{"channel": "Woo Commerce"}"#);
        assert_eq!(
            problems,
            Ok(vec![
                "/channel: \"Woo Commerce\" does not match \"^[a-z][a-z0-9_]*$\"".to_owned()
            ])
        );
        assert_eq!(
            schema.problems(b"{"),
            Err("output is not JSON: EOF while parsing an object at line 1 column 1".to_owned())
        );
    }
}
