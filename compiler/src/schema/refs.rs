//! `$ref` resolution: relative file paths, JSON pointers (percent-encoded
//! or not), `$anchor`s, and `$id` / absolute URIs matched against the
//! schemas already loaded or a file of that name next to the referring
//! schema. Nothing is fetched over a network.

use super::load::{Loader, SchemaError, SchemaErrorKind, MAX_REF_DEPTH};
use super::node::NodeId;
use fluent_uri::{Uri, UriRef};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// A loaded schema file.
#[derive(Debug)]
pub(super) struct Document {
    pub path: PathBuf,
    pub value: Value,
    /// The root `$id`, when it is an absolute URI.
    base: Option<Uri<String>>,
    /// `$anchor` (and draft-07 `$id: "#name"`) -> pointer.
    anchors: HashMap<String, String>,
    /// Absolute `$id`s of the root and its subschemas -> pointer.
    ids: Vec<(String, String)>,
}

impl Document {
    pub fn new(path: &Path, value: Value) -> Self {
        let base = value
            .get("$id")
            .and_then(Value::as_str)
            .and_then(|id| Uri::parse(id.to_owned()).ok());
        let mut document = Self {
            path: path.to_path_buf(),
            base,
            anchors: HashMap::new(),
            ids: Vec::new(),
            value: Value::Null,
        };
        document.index(&value, String::new(), document.base.clone());
        document.value = value;
        document
    }

    /// The `$id`s and anchors of `value` and everything inside it.
    fn index(&mut self, value: &Value, pointer: String, base: Option<Uri<String>>) {
        match value {
            Value::Object(obj) => {
                let mut base = base;
                if let Some(id) = obj.get("$id").and_then(Value::as_str) {
                    if let Some(anchor) = id.strip_prefix('#') {
                        self.anchors.insert(anchor.to_owned(), pointer.clone());
                    } else if let Some(resolved) = resolve(id, base.as_ref()) {
                        self.ids
                            .push((without_fragment(&resolved), pointer.clone()));
                        base = Some(resolved);
                    }
                }
                for key in ["$anchor", "$dynamicAnchor"] {
                    if let Some(anchor) = obj.get(key).and_then(Value::as_str) {
                        self.anchors.insert(anchor.to_owned(), pointer.clone());
                    }
                }
                for (key, sub) in obj {
                    let ptr = format!("{pointer}/{}", super::load::escape_pointer(key));
                    self.index(sub, ptr, base.clone());
                }
            }
            Value::Array(list) => {
                for (i, sub) in list.iter().enumerate() {
                    self.index(sub, format!("{pointer}/{i}"), base.clone());
                }
            }
            _ => {}
        }
    }

    /// Absolute `$id` -> pointer, for the loader's index.
    pub fn ids(&self) -> &[(String, String)] {
        &self.ids
    }
}

/// `reference` resolved against `base` when it is a URI reference.
fn resolve(reference: &str, base: Option<&Uri<String>>) -> Option<Uri<String>> {
    if let Ok(absolute) = Uri::parse(reference.to_owned()) {
        return Some(absolute);
    }
    let relative = UriRef::parse(reference).ok()?;
    relative.resolve_against(base?).ok()
}

fn without_fragment(uri: &Uri<String>) -> String {
    uri.strip_fragment().as_str().to_owned()
}

/// Every `$ref` string in `value`, however deep.
pub fn ref_strings(value: &Value) -> Vec<&str> {
    let mut found = Vec::new();
    let mut todo = vec![value];
    while let Some(value) = todo.pop() {
        match value {
            Value::Object(obj) => {
                if let Some(Value::String(r)) = obj.get("$ref") {
                    found.push(r.as_str());
                }
                todo.extend(obj.values());
            }
            Value::Array(list) => todo.extend(list),
            _ => {}
        }
    }
    found
}

/// A JSON pointer from a `$ref` fragment: percent-decoded.
pub(super) fn decode_pointer(fragment: &str) -> String {
    percent_encoding::percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned()
}

impl Loader<'_> {
    /// Follow `reference`, written in `document` at `here`.
    pub(super) fn reference(
        &mut self,
        document: &Rc<Document>,
        here: &str,
        reference: &str,
    ) -> Result<NodeId, SchemaError> {
        let fail = |kind| SchemaError {
            kind,
            origin: here.to_owned(),
        };
        if self.depth >= MAX_REF_DEPTH {
            return Err(fail(SchemaErrorKind::TooDeep(reference.to_owned())));
        }
        let (target, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let (target_document, mut pointer) = if target.is_empty() {
            (Rc::clone(document), String::new())
        } else {
            self.target_document(document, target, here)?
        };
        let fragment = decode_pointer(fragment);
        if fragment.starts_with('/') {
            pointer = fragment;
        } else if !fragment.is_empty() {
            pointer = target_document
                .anchors
                .get(&fragment)
                .cloned()
                .ok_or_else(|| fail(SchemaErrorKind::BadRef(reference.to_owned())))?;
        }
        if target_document.value.pointer(&pointer).is_none() {
            return Err(fail(SchemaErrorKind::BadRef(reference.to_owned())));
        }
        self.depth += 1;
        let node = self.at(&target_document, &pointer);
        self.depth -= 1;
        Ok(node)
    }

    /// The document (and the pointer of the schema in it) that the part of a
    /// `$ref` before `#` names: an `$id` URI, or a file relative to the
    /// referring one.
    fn target_document(
        &mut self,
        document: &Rc<Document>,
        target: &str,
        here: &str,
    ) -> Result<(Rc<Document>, String), SchemaError> {
        let absolute = Uri::parse(target).is_ok();
        if absolute || document.base.is_some() {
            if let Some(uri) = resolve(target, document.base.as_ref()) {
                let key = without_fragment(&uri);
                if let Some(found) = self.by_id(&key) {
                    return Ok(found);
                }
                // Not loaded yet: a file of that name next to the schema.
                let name = uri.path().as_str().rsplit('/').next().unwrap_or("");
                let beside = crate::normalize(&document.path.with_file_name(name));
                if !name.is_empty() && self.file(&beside).is_ok() {
                    if let Some(found) = self.by_id(&key) {
                        return Ok(found);
                    }
                    if !absolute {
                        return Ok((self.file(&beside)?, String::new()));
                    }
                }
                if absolute {
                    return Err(SchemaError {
                        kind: SchemaErrorKind::UnknownUri(key),
                        origin: here.to_owned(),
                    });
                }
            }
        }
        let path = crate::normalize(&document.path.parent().unwrap_or(Path::new("")).join(target));
        Ok((self.file(&path)?, String::new()))
    }

    fn by_id(&mut self, uri: &str) -> Option<(Rc<Document>, String)> {
        let (path, pointer) = self.ids.get(uri)?.clone();
        let document = self.files.get(&path).map(Rc::clone)?;
        Some((document, pointer))
    }
}
