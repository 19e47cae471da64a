//! OpenAPI import: one component of an OpenAPI 3.0/3.1 or Swagger 2.0
//! document as a standalone JSON Schema 2020-12, with every component it
//! references under `$defs` (`mapc schema import`).
//!
//! OpenAPI 3.0 and Swagger schema objects are rewritten to what they mean
//! in 2020-12: `nullable` / `x-nullable` become a `null` type (or a `null`
//! branch beside a `$ref`), a boolean `exclusiveMinimum`/`exclusiveMaximum`
//! becomes the bound, `example` becomes `examples`, and references move
//! from `#/components/schemas/X` (`#/definitions/X`) to `#/$defs/X`.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Why a component cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The document is neither OpenAPI nor Swagger.
    NotASpec,
    /// No component of that name; the names it has that are close.
    NoComponent(String, Vec<String>),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotASpec => {
                f.write_str("not an OpenAPI or Swagger document (no `openapi` or `swagger` member)")
            }
            Self::NoComponent(name, close) if close.is_empty() => {
                write!(f, "the document has no component schema `{name}`")
            }
            Self::NoComponent(name, close) => write!(
                f,
                "the document has no component schema `{name}`; did you mean {}?",
                close.join(", ")
            ),
        }
    }
}

/// A component, standalone, and the example values the spec gives for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The JSON Schema 2020-12 document.
    pub schema: Value,
    /// The component's `example` / `examples` values, in spec order.
    pub examples: Vec<Value>,
}

/// Import `component` of `spec`.
pub fn import(spec: &Value, component: &str) -> Result<Imported, ImportError> {
    let (at, components) = super::dialect::spec_components(spec).ok_or(ImportError::NotASpec)?;
    let prefix = format!("#{at}/");
    let prefix = prefix.as_str();
    let no_component = |names: Vec<&str>| {
        let close = crate::check::similar(component, names);
        ImportError::NoComponent(component.to_owned(), close)
    };
    let components = components.ok_or_else(|| no_component(Vec::new()))?;
    let Some(root) = components.get(component) else {
        let names = components.keys().map(String::as_str).collect();
        return Err(no_component(names));
    };
    let mut needed = BTreeSet::new();
    let mut todo = vec![component.to_owned()];
    while let Some(name) = todo.pop() {
        if let Some(schema) = components.get(&name) {
            for reference in references(schema, prefix) {
                if reference != component && needed.insert(reference.clone()) {
                    todo.push(reference);
                }
            }
        }
    }
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    out.insert("title".into(), component.into());
    let rewriter = Rewrite { prefix, component };
    if let Value::Object(body) = rewriter.schema(root) {
        for (key, value) in body {
            if key != "title" {
                out.insert(key, value);
            }
        }
    }
    let mut defs = Map::new();
    for name in &needed {
        if let Some(schema) = components.get(name) {
            defs.insert(name.clone(), rewriter.schema(schema));
        }
    }
    if !defs.is_empty() {
        out.insert("$defs".into(), Value::Object(defs));
    }
    let mut examples: Vec<Value> = root.get("example").cloned().into_iter().collect();
    if let Some(Value::Array(more)) = root.get("examples") {
        examples.extend(more.iter().cloned());
    }
    Ok(Imported {
        schema: Value::Object(out),
        examples,
    })
}

/// The components a schema refers to.
fn references(schema: &Value, prefix: &str) -> Vec<String> {
    super::refs::ref_strings(schema)
        .into_iter()
        .filter_map(|r| r.strip_prefix(prefix))
        .map(unescape)
        .collect()
}

fn unescape(name: &str) -> String {
    super::refs::decode_pointer(name)
        .replace("~1", "/")
        .replace("~0", "~")
}

struct Rewrite<'c> {
    prefix: &'c str,
    /// The component imported: the root of the new document (`#`).
    component: &'c str,
}

/// Keywords whose values are schemas, or maps or lists of schemas.
const SCHEMA_VALUED: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
];
const SCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs", "definitions"];
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

impl Rewrite<'_> {
    fn schema(&self, schema: &Value) -> Value {
        let Value::Object(obj) = schema else {
            return schema.clone();
        };
        let mut out = Map::new();
        for (key, value) in obj {
            let value = match key.as_str() {
                "$ref" => match value.as_str().and_then(|r| r.strip_prefix(self.prefix)) {
                    Some(name) if unescape(name) == self.component => Value::String("#".into()),
                    Some(name) => Value::String(format!("#/$defs/{name}")),
                    None => value.clone(),
                },
                k if SCHEMA_VALUED.contains(&k) => self.schema(value),
                k if SCHEMA_MAPS.contains(&k) => match value {
                    Value::Object(map) => Value::Object(
                        map.iter()
                            .map(|(name, s)| (name.clone(), self.schema(s)))
                            .collect(),
                    ),
                    other => other.clone(),
                },
                k if SCHEMA_LISTS.contains(&k) => match value {
                    Value::Array(list) => {
                        Value::Array(list.iter().map(|s| self.schema(s)).collect())
                    }
                    other => other.clone(),
                },
                _ => value.clone(),
            };
            out.insert(key.clone(), value);
        }
        dialect_2020(&mut out);
        Value::Object(out)
    }
}

/// OpenAPI 3.0 / Swagger keywords in the words of 2020-12.
fn dialect_2020(obj: &mut Map<String, Value>) {
    let nullable = [obj.remove("nullable"), obj.remove("x-nullable")]
        .iter()
        .any(|v| *v == Some(Value::Bool(true)));
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(exclusive)) = obj.get(flag).cloned() {
            obj.remove(flag);
            if exclusive {
                if let Some(limit) = obj.remove(bound) {
                    obj.insert(flag.into(), limit);
                }
            }
        }
    }
    if let Some(example) = obj.remove("example") {
        obj.entry("examples")
            .or_insert_with(|| Value::Array(vec![example]));
    }
    if !nullable {
        return;
    }
    match obj.get_mut("type") {
        Some(Value::String(t)) if t != "null" => {
            let t = std::mem::take(t);
            obj.insert("type".into(), serde_json::json!([t, "null"]));
        }
        Some(Value::Array(types)) => {
            if !types.iter().any(|t| t == "null") {
                types.push("null".into());
            }
        }
        _ => {
            if let Some(reference) = obj.remove("$ref") {
                let branch = serde_json::json!([{"$ref": reference}, {"type": "null"}]);
                obj.insert("anyOf".into(), branch);
            }
        }
    }
    if let Some(Value::Array(values)) = obj.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_component_comes_with_what_it_references_in_2020_12_words() {
        let spec = json!({
            "openapi": "3.0.0",
            "components": {"schemas": {
                "Order": {
                    "type": "object",
                    "example": {"id": "o1"},
                    "properties": {
                        "replaces": {"$ref": "#/components/schemas/Order"},
                        "id": {"type": "string", "nullable": true},
                        "total": {"$ref": "#/components/schemas/Money", "nullable": true},
                        "state": {"$ref": "#/components/schemas/State"},
                        "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}}
                    }
                },
                "Money": {"type": "object", "properties": {
                    "amount": {"type": "integer", "minimum": 0, "exclusiveMinimum": true}
                }},
                "State": {"type": "string", "enum": ["OPEN", "DONE"], "nullable": true},
                "Line": {"type": "object", "properties": {"parent": {"$ref": "#/components/schemas/Line"}}},
                "Unused": {"type": "string"}
            }}
        });
        let imported = import(&spec, "Order").unwrap();
        assert_eq!(imported.examples, vec![json!({"id": "o1"})]);
        assert_eq!(
            imported.schema,
            json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "Order",
                "type": "object",
                "properties": {
                    "replaces": {"$ref": "#"},
                    "id": {"type": ["string", "null"]},
                    "total": {"anyOf": [{"$ref": "#/$defs/Money"}, {"type": "null"}]},
                    "state": {"$ref": "#/$defs/State"},
                    "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}}
                },
                "examples": [{"id": "o1"}],
                "$defs": {
                    "Line": {"type": "object", "properties": {"parent": {"$ref": "#/$defs/Line"}}},
                    "Money": {"type": "object", "properties": {
                        "amount": {"type": "integer", "exclusiveMinimum": 0}
                    }},
                    "State": {"type": ["string", "null"], "enum": ["OPEN", "DONE", null]}
                }
            })
        );
    }

    #[test]
    fn a_missing_component_or_document_is_named() {
        let spec = json!({"swagger": "2.0", "definitions": {"Order": {"type": "object"}}});
        assert_eq!(
            import(&spec, "Ordr"),
            Err(ImportError::NoComponent(
                "Ordr".into(),
                vec!["Order".into()]
            ))
        );
        assert!(import(&spec, "Order").is_ok());
        assert_eq!(
            import(&json!({"type": "object"}), "Order"),
            Err(ImportError::NotASpec)
        );
    }
}
