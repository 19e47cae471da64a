//! Loading a JSON Schema file into a [`Node`] tree, resolving `$ref`s.

use super::node::{Kind, Node};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What went wrong loading a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaErrorKind {
    /// The file could not be read.
    Read(String),
    /// The file is not JSON.
    Json(String),
    /// The file is not a valid JSON Schema (meta-schema validation).
    Invalid(String),
    /// A `$ref` points nowhere.
    BadRef(String),
    /// A `$ref` cycle (recursive schemas are not supported yet).
    Recursive(String),
    /// `$ref`s followed through more than [`MAX_REF_DEPTH`] levels.
    TooDeep(String),
}

/// Most `$ref`s followed one inside another (a hostile chain of files must
/// not overflow the stack).
pub const MAX_REF_DEPTH: usize = 64;

/// A schema loading error, with the file and pointer where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// What went wrong.
    pub kind: SchemaErrorKind,
    /// `file#/pointer`.
    pub origin: String,
}

type Reader<'r> = &'r dyn Fn(&Path) -> Result<String, String>;

/// Load the schema at `path`, reading it (and any file it references)
/// through `read`.
pub fn load(path: &Path, read: Reader<'_>) -> Result<Node, SchemaError> {
    let mut loader = Loader {
        read,
        files: BTreeMap::new(),
        stack: Vec::new(),
    };
    let root = loader.file(path)?;
    loader.node(path, "", &root)
}

struct Loader<'r> {
    read: Reader<'r>,
    /// Each file read once, shared by every `$ref` into it (never copied).
    files: BTreeMap<PathBuf, Rc<Value>>,
    stack: Vec<String>,
}

fn origin(file: &Path, pointer: &str) -> String {
    format!("{}#{pointer}", file.display())
}

impl Loader<'_> {
    fn file(&mut self, path: &Path) -> Result<Rc<Value>, SchemaError> {
        if let Some(v) = self.files.get(path) {
            return Ok(Rc::clone(v));
        }
        let fail = |kind| SchemaError {
            kind,
            origin: origin(path, ""),
        };
        let text = (self.read)(path).map_err(|e| fail(SchemaErrorKind::Read(e)))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| fail(SchemaErrorKind::Json(e.to_string())))?;
        if let Err(e) = jsonschema::meta::validate(&value) {
            return Err(fail(SchemaErrorKind::Invalid(e.to_string())));
        }
        let value = Rc::new(value);
        self.files.insert(path.to_path_buf(), Rc::clone(&value));
        Ok(value)
    }

    fn node(&mut self, file: &Path, pointer: &str, schema: &Value) -> Result<Node, SchemaError> {
        let here = origin(file, pointer);
        let Some(obj) = schema.as_object() else {
            // `true` / `false` schemas: anything.
            return Ok(Node {
                origin: here,
                ..Node::default()
            });
        };
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            return self.reference(file, &here, reference);
        }
        if let Some(node) = self.combination(file, pointer, obj)? {
            return Ok(node);
        }
        let mut node = Node {
            origin: here,
            kinds: kinds(obj),
            format: obj.get("format").and_then(Value::as_str).map(str::to_owned),
            enumeration: enumeration(obj),
            required: strings(obj.get("required")),
            description: obj
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            title: obj.get("title").and_then(Value::as_str).map(str::to_owned),
            ..Node::default()
        };
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for (name, sub) in props {
                let ptr = format!("{pointer}/properties/{}", escape_pointer(name));
                node.properties
                    .push((name.clone(), self.node(file, &ptr, sub)?));
            }
        }
        if let Some(extra) = obj.get("additionalProperties").filter(|v| v.is_object()) {
            let ptr = format!("{pointer}/additionalProperties");
            let extra = self.node(file, &ptr, extra)?;
            node.additional = (!extra.kinds.is_empty()).then(|| Box::new(extra));
        }
        if let Some(items) = obj.get("items") {
            let ptr = format!("{pointer}/items");
            node.items = Some(Box::new(self.node(file, &ptr, items)?));
        }
        Ok(node)
    }

    /// `anyOf` / `oneOf` of alternatives: `X | null` becomes a nullable `X`;
    /// plain types merge; a single `allOf` member is that member.
    fn combination(
        &mut self,
        file: &Path,
        pointer: &str,
        obj: &Map<String, Value>,
    ) -> Result<Option<Node>, SchemaError> {
        for key in ["anyOf", "oneOf", "allOf"] {
            let Some(alternatives) = obj.get(key).and_then(Value::as_array) else {
                continue;
            };
            let mut nodes = Vec::new();
            for (i, alt) in alternatives.iter().enumerate() {
                nodes.push(self.node(file, &format!("{pointer}/{key}/{i}"), alt)?);
            }
            let null_only = |n: &Node| n.kinds == [Kind::Null];
            let has_null = nodes.iter().any(null_only);
            let mut rest: Vec<Node> = nodes.into_iter().filter(|n| !null_only(n)).collect();
            if rest.len() == 1 {
                let mut node = rest.remove(0);
                if has_null && !node.kinds.is_empty() && !node.nullable() {
                    node.kinds.push(Kind::Null);
                }
                if let Some(d) = obj.get("description").and_then(Value::as_str) {
                    node.description = Some(d.to_owned());
                }
                return Ok(Some(node));
            }
            let mut merged = Node {
                origin: origin(file, pointer),
                ..Node::default()
            };
            if rest
                .iter()
                .all(|n| !n.kinds.is_empty() && n.properties.is_empty())
            {
                merged.kinds = rest.iter().flat_map(|n| n.kinds.clone()).collect();
                if has_null {
                    merged.kinds.push(Kind::Null);
                }
                merged.kinds.sort();
                merged.kinds.dedup();
            }
            return Ok(Some(merged));
        }
        Ok(None)
    }

    fn reference(&mut self, file: &Path, here: &str, reference: &str) -> Result<Node, SchemaError> {
        let (file_part, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let target_file = if file_part.is_empty() {
            file.to_path_buf()
        } else {
            file.parent().unwrap_or(Path::new("")).join(file_part)
        };
        let key = origin(&target_file, pointer);
        if self.stack.contains(&key) {
            return Err(SchemaError {
                kind: SchemaErrorKind::Recursive(reference.to_owned()),
                origin: here.to_owned(),
            });
        }
        if self.stack.len() >= MAX_REF_DEPTH {
            return Err(SchemaError {
                kind: SchemaErrorKind::TooDeep(reference.to_owned()),
                origin: here.to_owned(),
            });
        }
        let document = self.file(&target_file)?;
        let target = document.pointer(pointer).ok_or_else(|| SchemaError {
            kind: SchemaErrorKind::BadRef(reference.to_owned()),
            origin: here.to_owned(),
        })?;
        self.stack.push(key);
        let node = self.node(&target_file, pointer, target);
        self.stack.pop();
        node
    }
}

fn escape_pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn kinds(obj: &Map<String, Value>) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = match obj.get("type") {
        Some(Value::String(s)) => Kind::from_name(s).into_iter().collect(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .filter_map(Kind::from_name)
            .collect(),
        _ => Vec::new(),
    };
    if kinds.is_empty() && (obj.contains_key("properties")) {
        kinds.push(Kind::Object);
    }
    if obj.get("nullable") == Some(&Value::Bool(true)) && !kinds.contains(&Kind::Null) {
        kinds.push(Kind::Null);
    }
    kinds
}

fn enumeration(obj: &Map<String, Value>) -> Option<Vec<Value>> {
    if let Some(values) = obj.get("enum").and_then(Value::as_array) {
        return Some(values.clone());
    }
    obj.get("const").map(|c| vec![c.clone()])
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn load_json(files: &[(&str, Value)]) -> Result<Node, SchemaError> {
        let files: BTreeMap<PathBuf, String> = files
            .iter()
            .map(|(p, v)| (PathBuf::from(p), v.to_string()))
            .collect();
        let read = move |p: &Path| {
            files
                .get(p)
                .cloned()
                .ok_or_else(|| "no such file".to_owned())
        };
        load(Path::new("s/root.json"), &read)
    }

    #[test]
    fn resolves_refs_type_arrays_and_nullable_unions() {
        let root = json!({
            "$defs": {"Money": {"type": "object", "properties": {"amount": {"type": "string"}}}},
            "additionalProperties": {"type": "number"},
            "definitions": {"Id": {"type": ["integer", "null"]}},
            "type": "object",
            "required": ["m"],
            "properties": {
                "m": {"$ref": "#/$defs/Money"},
                "id": {"$ref": "#/definitions/Id"},
                "c": {"anyOf": [{"$ref": "other.json#/$defs/C"}, {"type": "null"}]}
            }
        });
        let other = json!({"$defs": {"C": {"type": "string", "enum": ["a", "b"]}}});
        let node = load_json(&[("s/root.json", root), ("s/other.json", other)]).unwrap();
        assert!(node.requires("m"));
        let m = node.property("m").unwrap();
        assert_eq!(m.single_kind(), Some(Kind::Object));
        assert_eq!(m.origin, "s/root.json#/$defs/Money");
        assert_eq!(
            node.property("id").unwrap().kinds,
            vec![Kind::Integer, Kind::Null]
        );
        let c = node.property("c").unwrap();
        assert!(c.nullable());
        assert_eq!(c.string_enum(), Some(vec!["a", "b"]));
        let extra = node.property("anything").unwrap();
        assert_eq!(extra.kinds, vec![Kind::Number]);
    }

    #[test]
    fn reports_bad_and_recursive_refs() {
        let bad = load_json(&[(
            "s/root.json",
            json!({"properties": {"x": {"$ref": "#/$defs/Nope"}}}),
        )]);
        assert!(matches!(bad.unwrap_err().kind, SchemaErrorKind::BadRef(_)));
        let cyclic = json!({"$defs": {"A": {"properties": {"a": {"$ref": "#/$defs/A"}}}}, "$ref": "#/$defs/A"});
        let err = load_json(&[("s/root.json", cyclic)]).unwrap_err();
        assert!(matches!(err.kind, SchemaErrorKind::Recursive(_)));
        let invalid = load_json(&[("s/root.json", json!({"type": 5}))]).unwrap_err();
        assert!(matches!(invalid.kind, SchemaErrorKind::Invalid(_)));
    }
}
