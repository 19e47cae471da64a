//! Merging samples into a reviewed schema (`mapc schema infer --into`):
//! the schema is kept as written (descriptions, enums, order, keywords)
//! and widened only where a sample shows it is wrong, each change listed
//! with its JSON pointer for the reviewer.
//!
//! Rules: a value of a type the schema does not admit adds that type
//! (`null` makes the field nullable; an integer fits `number`); a
//! `required` property some sample object lacks stops being required; a
//! string outside an `enum` is added to it; a string that breaks a
//! `date-time`, `date` or `decimal` format drops the format; a property
//! the schema does not declare is added, optional, as inferred from the
//! samples, where `additionalProperties: false` forbids it (and, with
//! [`Merge::declare_new_fields`], where the schema leaves other fields
//! open: hand-written schemas often declare only what a mapping reads;
//! `additionalProperties` as a schema takes the value). Local `$ref`s are
//! followed (the definition is widened); a node with `allOf`, `anyOf` or
//! `oneOf` is left as written and reported, since where to widen it is
//! the reviewer's call.

use super::{infer_node, is_decimal_text, Options};
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// One change made to the schema, or one place left for the reviewer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// JSON pointer of the schema node changed.
    pub pointer: String,
    /// What was done.
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "#"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.what)
    }
}

/// How to merge.
#[derive(Debug, Clone, Copy, Default)]
pub struct Merge {
    /// How the schemas of added properties are inferred.
    pub infer: Options,
    /// Also declare properties an open schema (no `additionalProperties`)
    /// does not list.
    pub declare_new_fields: bool,
}

/// `schema` widened so that the node at `pointer` (`""` for the root,
/// `/definitions/Order`) admits every sample, and what changed (sorted,
/// each once).
pub fn merge(schema: &Value, pointer: &str, samples: &[Value], how: Merge) -> (Value, Vec<Change>) {
    let mut merger = Merger {
        root: schema.clone(),
        changes: BTreeSet::new(),
        added: Vec::new(),
        added_at: HashMap::new(),
        declare_new_fields: how.declare_new_fields,
    };
    for sample in samples {
        merger.absorb(pointer.to_owned(), sample);
    }
    for (pointer, values) in std::mem::take(&mut merger.added) {
        let inferred = infer_node(&values, how.infer);
        if let Some(slot) = merger.root.pointer_mut(&pointer) {
            *slot = inferred;
        }
    }
    (merger.root, merger.changes.into_iter().collect())
}

/// `$ref`s followed one inside another before giving up (a cycle of bare
/// refs).
const MAX_REFS: usize = 64;

struct Merger {
    root: Value,
    changes: BTreeSet<Change>,
    /// Properties added in this run, with every value seen for them: their
    /// schemas are inferred at the end from all of them.
    added: Vec<(String, Vec<Value>)>,
    /// Where each added property is in `added`.
    added_at: HashMap<String, usize>,
    declare_new_fields: bool,
}

impl Merger {
    fn change(&mut self, pointer: &str, what: String) {
        self.changes.insert(Change {
            pointer: pointer.to_owned(),
            what,
        });
    }

    /// The node `pointer` resolves to after local `$ref`s.
    fn resolve(&mut self, mut pointer: String) -> Option<String> {
        for _ in 0..MAX_REFS {
            let node = self.root.pointer(&pointer)?;
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                return Some(pointer);
            };
            let Some(target) = reference.strip_prefix('#') else {
                let what = format!("`$ref` {reference} to another file: not merged");
                self.change(&pointer, what);
                return None;
            };
            pointer = target.to_owned();
        }
        self.change(&pointer, "a cycle of `$ref`s: not merged".to_owned());
        None
    }

    fn absorb(&mut self, pointer: String, value: &Value) {
        if let Some(&at) = self.added_at.get(&pointer) {
            if let Some((_, values)) = self.added.get_mut(at) {
                values.push(value.clone());
            }
            return;
        }
        let Some(target) = self.resolve(pointer.clone()) else {
            return;
        };
        let Some(node) = self.root.pointer(&target).and_then(Facts::of) else {
            return; // `true` or `{}`-like boolean schemas admit anything.
        };
        // `null` where a `$ref`'s target does not admit it: the referring
        // field is nullable, not every use of the definition.
        if value.is_null() && target != pointer && !node.admits("null") {
            self.wrap_nullable(&pointer);
            return;
        }
        if let Some((key, branch)) = &node.combinator {
            match branch {
                // `anyOf: [X, {"type": "null"}]`: a nullable `X`.
                Some(_) if value.is_null() => {}
                Some(i) => self.absorb(format!("{target}/{key}/{i}"), value),
                None => self.change(&target, format!("`{key}` left as written: review it")),
            }
            return;
        }
        self.widen_type(&target, &node, value);
        match value {
            Value::String(s) => self.check_string(&target, &node, s),
            Value::Object(object) => self.absorb_object(&target, &node, object),
            Value::Array(items) if node.has_items => {
                for item in items {
                    self.absorb(format!("{target}/items"), item);
                }
            }
            _ => {}
        }
    }

    /// `{"$ref": X}` at `pointer` becomes `{"anyOf": [{"$ref": X}, {"type": "null"}]}`.
    fn wrap_nullable(&mut self, pointer: &str) {
        if let Some(slot) = self.root.pointer_mut(pointer) {
            let referring = std::mem::take(slot);
            *slot = json!({"anyOf": [referring, {"type": "null"}]});
        }
        let what = "`null` seen: now nullable (`anyOf` the `$ref` and null)".to_owned();
        self.change(pointer, what);
    }

    fn widen_type(&mut self, pointer: &str, node: &Facts, value: &Value) {
        let kind = kind_of(value);
        let Some(admitted) = &node.types else {
            return; // no `type`: any type
        };
        if node.admits(kind) {
            return;
        }
        let mut kinds: Vec<Value> = admitted.iter().map(|k| json!(k)).collect();
        kinds.push(json!(kind));
        if let Some(Value::Object(slot)) = self.root.pointer_mut(pointer) {
            slot.insert("type".into(), Value::Array(kinds));
        }
        let what = if kind == "null" {
            "`null` seen: now nullable".to_owned()
        } else {
            format!("{kind} seen: type now admits it")
        };
        self.change(pointer, what);
    }

    fn check_string(&mut self, pointer: &str, node: &Facts, s: &str) {
        if node.has_enum {
            let at = format!("{pointer}/enum");
            if let Some(Value::Array(values)) = self.root.pointer_mut(&at) {
                if !values.iter().any(|v| v.as_str() == Some(s)) {
                    values.push(json!(s));
                    self.change(pointer, format!("{s:?} seen: added to `enum`"));
                }
            }
        }
        let Some(format) = node.format.as_deref() else {
            return;
        };
        let fits = match format {
            "date-time" => runtime::time::parse_rfc3339(s).is_ok(),
            "date" => jiff::civil::Date::strptime("%Y-%m-%d", s).is_ok(),
            "decimal" => is_decimal_text(s),
            _ => true,
        };
        if !fits {
            if let Some(Value::Object(slot)) = self.root.pointer_mut(pointer) {
                slot.remove("format");
            }
            self.change(pointer, format!("{s:?} is not `{format}`: format dropped"));
        }
    }

    fn absorb_object(&mut self, pointer: &str, node: &Facts, object: &Map<String, Value>) {
        for name in &node.required {
            if !object.contains_key(name) {
                self.drop_required(pointer, name);
            }
        }
        for (key, value) in object {
            let escaped = key.replace('~', "~0").replace('/', "~1");
            let property = format!("{pointer}/properties/{escaped}");
            if node.properties.contains(key) || self.added_at.contains_key(&property) {
                self.absorb(property, value);
            } else if node.typed_extra {
                self.absorb(format!("{pointer}/additionalProperties"), value);
            } else if node.pattern_properties {
                let what = "`patternProperties` left as written: review it".to_owned();
                self.change(pointer, what);
            } else if node.closed || self.declare_new_fields {
                self.add_property(pointer, &property, key, value);
            }
        }
    }

    fn drop_required(&mut self, pointer: &str, name: &str) {
        if let Some(Value::Object(node)) = self.root.pointer_mut(pointer) {
            if let Some(Value::Array(required)) = node.get_mut("required") {
                required.retain(|r| r.as_str() != Some(name));
                // Draft-04 allows no empty `required`.
                if required.is_empty() {
                    node.remove("required");
                }
            }
        }
        let what = format!("`{name}` missing in a sample: no longer required");
        self.change(pointer, what);
    }

    fn add_property(&mut self, pointer: &str, property: &str, key: &str, value: &Value) {
        let Some(Value::Object(node)) = self.root.pointer_mut(pointer) else {
            return;
        };
        let properties = node
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(properties) = properties {
            properties.insert(key.to_owned(), json!({}));
        }
        self.added_at.insert(property.to_owned(), self.added.len());
        self.added.push((property.to_owned(), vec![value.clone()]));
        let what = format!("`{key}` seen, not declared: added (optional, inferred)");
        self.change(pointer, what);
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What merging needs to know of a schema node (read without copying its
/// subschemas).
struct Facts {
    /// `type`, when given.
    types: Option<Vec<String>>,
    /// OpenAPI's `nullable: true`.
    nullable: bool,
    /// `allOf`/`anyOf`/`oneOf`, and for a nullable wrapper
    /// (`[X, {"type": "null"}]`) the index of `X`.
    combinator: Option<(&'static str, Option<usize>)>,
    has_enum: bool,
    format: Option<String>,
    required: Vec<String>,
    properties: BTreeSet<String>,
    /// `additionalProperties` is a schema.
    typed_extra: bool,
    /// `additionalProperties: false`.
    closed: bool,
    pattern_properties: bool,
    has_items: bool,
}

impl Facts {
    fn of(node: &Value) -> Option<Facts> {
        let node = node.as_object()?;
        let strings = |key: &str| -> Vec<String> {
            match node.get(key) {
                Some(Value::String(one)) => vec![one.clone()],
                Some(Value::Array(many)) => many
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                _ => Vec::new(),
            }
        };
        let combinator = ["allOf", "anyOf", "oneOf"].into_iter().find_map(|key| {
            let branches = node.get(key)?.as_array()?;
            let is_null = |b: &Value| b.get("type").and_then(Value::as_str) == Some("null");
            let wrapped = match branches.as_slice() {
                [x, null] | [null, x] if key != "allOf" && is_null(null) && !is_null(x) => {
                    branches.iter().position(|b| b == x)
                }
                _ => None,
            };
            Some((key, wrapped))
        });
        Some(Facts {
            types: node.get("type").map(|_| strings("type")),
            nullable: node.get("nullable") == Some(&Value::Bool(true)),
            combinator,
            has_enum: node.get("enum").is_some_and(Value::is_array),
            format: node
                .get("format")
                .and_then(Value::as_str)
                .map(str::to_owned),
            required: strings("required"),
            properties: node
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default(),
            typed_extra: node
                .get("additionalProperties")
                .is_some_and(Value::is_object),
            closed: node.get("additionalProperties") == Some(&Value::Bool(false)),
            pattern_properties: node.contains_key("patternProperties"),
            has_items: node.contains_key("items"),
        })
    }

    /// Whether a value of JSON type `kind` fits `type` (an integer is a
    /// number; no `type` admits anything, and a combinator is not looked
    /// into).
    fn admits(&self, kind: &str) -> bool {
        let Some(types) = &self.types else {
            return true;
        };
        types.iter().any(|t| t == kind)
            || (kind == "integer" && types.iter().any(|t| t == "number"))
            || (kind == "null" && self.nullable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declaring(schema: &Value, pointer: &str, samples: &[Value]) -> (Value, Vec<String>) {
        let how = Merge {
            declare_new_fields: true,
            ..Merge::default()
        };
        let (merged, changes) = merge(schema, pointer, samples, how);
        (merged, changes.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_schema_the_samples_fit_is_kept_byte_for_byte() {
        let schema = json!({
            "description": "Reviewed.", "type": "object", "required": ["id"],
            "properties": {
                "id": {"type": "integer", "description": "Kept."},
                "price": {"type": "number"},
                "status": {"type": "string", "enum": ["open", "paid"]},
                "at": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "extra": {"type": "object", "additionalProperties": {"type": "string"}}
            }
        });
        let samples = [
            json!({"id": 1, "price": 2, "status": "open", "at": "2024-01-01T00:00:00Z", "tags": ["a"], "extra": {"k": "v"}}),
            json!({"id": 2, "price": 2.5}),
        ];
        let (merged, changes) = declaring(&schema, "", &samples);
        assert_eq!(changes, Vec::<String>::new());
        assert_eq!(merged, schema);
    }

    #[test]
    fn each_break_widens_the_schema_and_is_listed() {
        let schema = json!({
            "type": "object", "required": ["id", "status"],
            "properties": {
                "id": {"type": "string", "description": "Kept."},
                "status": {"type": "string", "enum": ["open"]},
                "at": {"type": "string", "format": "date-time"},
                "total": {"$ref": "#/$defs/Money"},
                "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}}
            },
            "$defs": {
                "Money": {"type": "object", "properties": {"amount": {"type": "string"}}},
                "Line": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}}}
            }
        });
        let samples = [
            json!({"id": 7, "status": "paid", "at": "yesterday", "total": null, "lines": [{"qty": 1}], "new": {"a": 1}}),
            json!({"id": null, "total": {"amount": "1"}, "new": {"a": 2, "b": "x"}}),
        ];
        let (merged, changes) = declaring(&schema, "", &samples);
        assert_eq!(
            changes,
            [
                "#: `new` seen, not declared: added (optional, inferred)",
                "#: `status` missing in a sample: no longer required",
                "/$defs/Line: `qty` seen, not declared: added (optional, inferred)",
                "/$defs/Line: `sku` missing in a sample: no longer required",
                "/properties/at: \"yesterday\" is not `date-time`: format dropped",
                "/properties/id: `null` seen: now nullable",
                "/properties/id: integer seen: type now admits it",
                "/properties/status: \"paid\" seen: added to `enum`",
                "/properties/total: `null` seen: now nullable (`anyOf` the `$ref` and null)",
            ]
        );
        let p = &merged["properties"];
        assert_eq!(
            p["id"],
            json!({"type": ["string", "integer", "null"], "description": "Kept."})
        );
        assert_eq!(p["status"]["enum"], json!(["open", "paid"]));
        assert_eq!(p["at"], json!({"type": "string"}));
        assert_eq!(
            p["total"],
            json!({"anyOf": [{"$ref": "#/$defs/Money"}, {"type": "null"}]})
        );
        // Inferred from every value seen for it, optional in the object.
        assert_eq!(
            p["new"],
            json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}})
        );
        assert_eq!(merged["required"], json!(["id"]));
        // Draft-04 allows no empty `required`.
        assert_eq!(merged["$defs"]["Line"].get("required"), None);
        // Merging again changes nothing.
        let (again, changes) = super::merge(&merged, "", &samples, Merge::default());
        assert!(changes.is_empty(), "{changes:?}");
        assert_eq!(again, merged);
    }

    #[test]
    fn open_schemas_get_new_fields_only_when_asked() {
        let schema = json!({"type": "object", "properties": {
            "open": {"type": "object", "properties": {}},
            "closed": {"type": "object", "additionalProperties": false, "properties": {}}
        }});
        let sample = [json!({"open": {"a": 1}, "closed": {"b": true}})];
        let (merged, changes) = super::merge(&schema, "", &sample, Merge::default());
        let changes: Vec<String> = changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            changes,
            ["/properties/closed: `b` seen, not declared: added (optional, inferred)"]
        );
        assert_eq!(
            merged["properties"]["closed"]["properties"]["b"],
            json!({"type": "boolean"})
        );
        // Declaring new fields, the open object gets `a` too.
        let (_, changes) = declaring(&schema, "", &sample);
        assert_eq!(changes.len(), 2, "{changes:?}");
    }

    #[test]
    fn composition_is_left_to_the_reviewer_except_a_nullable_wrapper() {
        let schema = json!({"definitions": {"Order": {
            "type": "object",
            "properties": {
                "address": {"anyOf": [{"$ref": "#/definitions/Address"}, {"type": "null"}]},
                "payment": {"oneOf": [{"type": "object"}, {"type": "string"}]}
            }
        }, "Address": {"type": "object", "properties": {"city": {"type": "string"}}}}});
        let samples = [
            json!({"address": null, "payment": "cash"}),
            json!({"address": {"city": 5}}),
        ];
        let (_, changes) = declaring(&schema, "/definitions/Order", &samples);
        assert_eq!(
            changes,
            [
                "/definitions/Address/properties/city: integer seen: type now admits it",
                "/definitions/Order/properties/payment: `oneOf` left as written: review it",
            ]
        );
    }
}
