//! Loading JSON Schema files into a [`Graph`]: each file read, parsed and
//! validated once, each schema location built once (memoized by file and
//! pointer, so recursion is a cycle and branching `$ref`s cost nothing
//! more), keywords read into a [`Schema`].

use super::dialect;
use super::node::{Graph, Kind, NodeId, Schema};
use super::refs::Document;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What went wrong loading a schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SchemaErrorKind {
    /// The file could not be read.
    Read(String),
    /// The file is not JSON.
    Json(String),
    /// The file is not a valid JSON Schema (meta-schema validation).
    Invalid(String),
    /// A `$ref` points nowhere.
    BadRef(String),
    /// A schema that is only a `$ref` cycle, or composes itself
    /// (`allOf` of itself): nothing to type it by.
    Recursive(String),
    /// `$ref`s followed through more than [`MAX_REF_DEPTH`] levels.
    TooDeep(String),
    /// A `$ref` to an absolute URI that no loaded schema has as `$id` and
    /// no file next to the schema provides (nothing is fetched).
    UnknownUri(String),
    /// `allOf` members that admit no common type.
    NoCommonType(Vec<Kind>, Vec<Kind>),
    /// A warning: `$schema` names a dialect the compiler does not know; read
    /// as 2020-12.
    UnknownDialect(String),
}

/// Most `$ref`s followed one inside another (a hostile chain of files must
/// not overflow the stack).
pub const MAX_REF_DEPTH: usize = 64;

/// A schema loading error, with the file and pointer where it happened.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchemaError {
    /// What went wrong.
    pub kind: SchemaErrorKind,
    /// `file#/pointer`.
    pub origin: String,
}

/// Reads a schema file (injected: the compiler does no IO).
pub type Reader<'r> = &'r dyn Fn(&Path) -> Result<String, String>;

/// Load the schema at `path` into a graph of its own.
pub fn load(path: &Path, read: Reader<'_>) -> Result<(Graph, NodeId), SchemaError> {
    let documents = Documents::default();
    let mut loader = Loader::new(read, &documents);
    let root = loader.load(path, "")?;
    Ok((loader.finish(), root))
}

/// Schema files read, parsed and validated, kept for a whole compiler run:
/// every mapping using Square's 3 MB spec shares one parse.
#[derive(Debug, Default)]
pub struct Documents {
    files: RefCell<HashMap<PathBuf, Parsed>>,
}

/// A file as reading it went: the document and any warning, or the error.
type Parsed = Result<(Rc<Document>, Option<SchemaError>), SchemaError>;

impl Documents {
    /// The pointers of every component schema when `path` is an OpenAPI or
    /// Swagger document (`None` for a plain schema).
    pub fn components(
        &self,
        path: &Path,
        read: Reader<'_>,
    ) -> Result<Option<Vec<String>>, SchemaError> {
        let (document, _) = self.get(path, read)?;
        Ok(dialect::components(&document.value))
    }

    fn get(&self, path: &Path, read: Reader<'_>) -> Parsed {
        if let Some(parsed) = self.files.borrow().get(path) {
            return parsed.clone();
        }
        let parsed = parse(path, read);
        self.files
            .borrow_mut()
            .insert(path.to_path_buf(), parsed.clone());
        parsed
    }
}

fn parse(path: &Path, read: Reader<'_>) -> Parsed {
    let fail = |kind| SchemaError {
        kind,
        origin: origin(path, ""),
    };
    let text = read(path).map_err(|e| fail(SchemaErrorKind::Read(e)))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| fail(SchemaErrorKind::Json(e.to_string())))?;
    let warning = dialect::validate(&value).map_err(fail)?.map(fail);
    Ok((Rc::new(Document::new(path, value)), warning))
}

/// Loads several schemas into one graph (a mapping's source, inputs and
/// target), sharing files and locations between them.
pub struct Loader<'r> {
    read: Reader<'r>,
    documents: &'r Documents,
    pub(super) graph: Graph,
    /// Each file read once, shared by every `$ref` into it (never copied).
    pub(super) files: HashMap<PathBuf, Rc<Document>>,
    /// Absolute `$id` URI (no fragment) -> file and pointer.
    pub(super) ids: HashMap<String, (PathBuf, String)>,
    /// Schema locations already built (or being built).
    memo: HashMap<(PathBuf, String), NodeId>,
    /// Locations that are a bare `$ref` being resolved (a cycle of those
    /// has no type).
    resolving: HashSet<(PathBuf, String)>,
    /// Nodes allocated whose keywords are still being read (or wait for
    /// a node being read: `pending`).
    pub(super) building: HashSet<NodeId>,
    /// Set when composing needed a node still being read: the node being
    /// built waits in `pending` and is built again once that one is done
    /// (`parent: anyOf [$ref Category, null]` inside `Category`).
    pub(super) waited: bool,
    pending: Vec<(Rc<Document>, String, NodeId)>,
    /// `$ref`s followed on the way to the location being built.
    pub(super) depth: usize,
    /// `allOf` merges and unions already built, by their parts.
    pub(super) composed: HashMap<(char, Vec<NodeId>), NodeId>,
}

/// `file#pointer`.
pub(super) fn origin(file: &Path, pointer: &str) -> String {
    format!("{}#{pointer}", file.display())
}

/// The reference a schema object makes: `$ref`, or else `$dynamicRef`
/// (2020-12) or `$recursiveRef` (2019-09), followed to the anchor they name
/// in their own document. The dynamic scope is not searched: an extending
/// schema's `$dynamicAnchor` of the same name does not take over.
fn reference_of(obj: &Map<String, Value>) -> Option<&str> {
    ["$ref", "$dynamicRef", "$recursiveRef"]
        .iter()
        .find_map(|key| obj.get(*key).and_then(Value::as_str))
}

/// Keywords that only annotate: a `$ref` beside only these is the target.
const ANNOTATIONS: &[&str] = &[
    "$ref",
    "$dynamicRef",
    "$recursiveRef",
    "$dynamicAnchor",
    "$recursiveAnchor",
    "$comment",
    "description",
    "title",
    "examples",
    "example",
    "default",
    "readOnly",
    "writeOnly",
    "deprecated",
    "$id",
    "$schema",
    "$anchor",
    "$defs",
    "definitions",
];

impl<'r> Loader<'r> {
    /// A loader reading files through `read`, or from `documents` when
    /// they were read before (and into it when not).
    pub fn new(read: Reader<'r>, documents: &'r Documents) -> Self {
        Self {
            read,
            documents,
            graph: Graph::default(),
            files: HashMap::new(),
            ids: HashMap::new(),
            memo: HashMap::new(),
            resolving: HashSet::new(),
            building: HashSet::new(),
            waited: false,
            pending: Vec::new(),
            depth: 0,
            composed: HashMap::new(),
        }
    }

    /// Load the schema at `pointer` (`""`: the whole file) of `path`. A
    /// branch that cannot be read (a `$ref` to nowhere) is an error only
    /// when it is the schema itself; otherwise its node is
    /// [`Schema::broken`] and fails the mapping that reads it.
    pub fn load(&mut self, path: &Path, pointer: &str) -> Result<NodeId, SchemaError> {
        let document = self.file(path)?;
        let pointer = super::refs::decode_pointer(pointer);
        if document.value.pointer(&pointer).is_none() {
            return Err(SchemaError {
                kind: SchemaErrorKind::BadRef(format!("#{pointer}")),
                origin: origin(path, ""),
            });
        }
        let id = self.at(&document, &pointer);
        self.settle_pending();
        match &self.graph.get(id).broken {
            Some(why) => Err((**why).clone()),
            None => Ok(id),
        }
    }

    fn broken(&mut self, error: SchemaError) -> NodeId {
        self.graph.add(Schema {
            origin: error.origin.clone(),
            broken: Some(Box::new(error)),
            ..Schema::default()
        })
    }

    /// Add a schema built by hand (the record of named inputs).
    pub fn add(&mut self, schema: Schema) -> NodeId {
        self.graph.add(schema)
    }

    /// The graph of everything loaded.
    pub fn finish(self) -> Graph {
        self.graph
    }

    pub(super) fn file(&mut self, path: &Path) -> Result<Rc<Document>, SchemaError> {
        if let Some(v) = self.files.get(path) {
            return Ok(Rc::clone(v));
        }
        let (document, warning) = self.documents.get(path, self.read)?;
        self.graph.warnings.extend(warning);
        for (id, pointer) in document.ids() {
            self.ids
                .entry(id.clone())
                .or_insert_with(|| (path.to_path_buf(), pointer.clone()));
        }
        self.files.insert(path.to_path_buf(), Rc::clone(&document));
        Ok(document)
    }

    /// The node for the schema at `pointer` of `document` (known to exist).
    pub(super) fn at(&mut self, document: &Rc<Document>, pointer: &str) -> NodeId {
        let key = (document.path.clone(), pointer.to_owned());
        if let Some(id) = self.memo.get(&key) {
            return *id;
        }
        let here = origin(&document.path, pointer);
        let value = document
            .value
            .pointer(pointer)
            .unwrap_or(&Value::Bool(true));
        let Some(obj) = value.as_object() else {
            // `true` / `false` schemas: anything.
            let id = self.graph.add(Schema {
                origin: here,
                ..Schema::default()
            });
            self.memo.insert(key, id);
            return id;
        };
        if let Some(reference) = reference_of(obj) {
            if obj.keys().all(|k| ANNOTATIONS.contains(&k.as_str())) {
                if !self.resolving.insert(key.clone()) {
                    return self.broken(SchemaError {
                        kind: SchemaErrorKind::Recursive(reference.to_owned()),
                        origin: here,
                    });
                }
                let target = self.reference(document, &here, reference);
                self.resolving.remove(&key);
                let target = target.unwrap_or_else(|e| self.broken(e));
                self.memo.insert(key, target);
                return target;
            }
        }
        let id = self.graph.add(Schema {
            origin: here.clone(),
            ..Schema::default()
        });
        self.memo.insert(key, id);
        self.building.insert(id);
        let waited = self.waited;
        self.try_build(document, pointer, obj, id);
        self.waited = waited;
        id
    }

    /// Build the node `id` of the schema at `pointer`; when it needs a node
    /// still being read, it waits in `pending` to be built again.
    fn try_build(
        &mut self,
        document: &Rc<Document>,
        pointer: &str,
        obj: &Map<String, Value>,
        id: NodeId,
    ) {
        self.waited = false;
        let here = origin(&document.path, pointer);
        let schema = self.build(document, pointer, obj, here.clone());
        if schema.is_err() && self.waited {
            self.pending
                .push((Rc::clone(document), pointer.to_owned(), id));
        } else {
            self.building.remove(&id);
            self.fill(id, here, schema);
        }
    }

    fn fill(&mut self, id: NodeId, here: String, schema: Result<Schema, SchemaError>) {
        let schema = schema.unwrap_or_else(|e| Schema {
            origin: here,
            broken: Some(Box::new(e)),
            ..Schema::default()
        });
        if let Some(slot) = self.graph.get_mut(id) {
            *slot = schema;
        }
    }

    /// Build the nodes that waited for others, until none is left or none
    /// can be built: those compose themselves (E205).
    fn settle_pending(&mut self) {
        loop {
            let before = self.pending.len();
            for (document, pointer, id) in std::mem::take(&mut self.pending) {
                if let Some(obj) = document.value.pointer(&pointer).and_then(Value::as_object) {
                    self.try_build(&document, &pointer, obj, id);
                }
            }
            if self.pending.is_empty() || self.pending.len() == before {
                break;
            }
        }
        for (document, pointer, id) in std::mem::take(&mut self.pending) {
            self.building.remove(&id);
            let here = origin(&document.path, &pointer);
            let error = SchemaError {
                kind: SchemaErrorKind::Recursive(here.clone()),
                origin: here.clone(),
            };
            self.fill(id, here, Err(error));
        }
        self.waited = false;
    }

    /// A schema object's keywords, with its `$ref`, `allOf`, `anyOf` /
    /// `oneOf` and `if`/`then`/`else` applied.
    fn build(
        &mut self,
        document: &Rc<Document>,
        pointer: &str,
        obj: &Map<String, Value>,
        here: String,
    ) -> Result<Schema, SchemaError> {
        let mut schema = self.keywords(document, pointer, obj, here.clone());
        let mut parts = Vec::new();
        if let Some(reference) = reference_of(obj) {
            parts.push(self.reference(document, &here, reference)?);
        }
        for (i, _) in members(obj, "allOf").enumerate() {
            parts.push(self.at(document, &format!("{pointer}/allOf/{i}")));
        }
        for key in ["anyOf", "oneOf"] {
            let mut alternatives = Vec::new();
            for (i, _) in members(obj, key).enumerate() {
                alternatives.push(self.at(document, &format!("{pointer}/{key}/{i}")));
            }
            if !alternatives.is_empty() {
                parts.push(self.union(&alternatives, &here)?);
            }
        }
        let own_fields = !schema.properties.is_empty();
        let mut declaring = Vec::new();
        for part in parts {
            let other = self.settled(part, &here)?;
            if !other.properties.is_empty() {
                declaring.push(other.origin.clone());
            }
            schema = self.merge(schema, &other)?;
        }
        // Where the fields are declared, when that is one other place (a
        // nullable wrapper, `$ref` with `nullable`).
        if let (false, [only]) = (own_fields, declaring.as_slice()) {
            schema.origin.clone_from(only);
        }
        for key in ["then", "else"] {
            if obj.get(key).is_some_and(Value::is_object) {
                let branch = self.at(document, &format!("{pointer}/{key}"));
                let branch = self.settled(branch, &here)?;
                for (name, id) in branch.properties {
                    if schema.declared(&name).is_none() {
                        schema.properties.push((name, id));
                    }
                }
            }
        }
        if dialect::says_nullable(obj) && !schema.kinds.is_empty() && !schema.nullable() {
            schema.kinds.push(Kind::Null);
        }
        Ok(schema)
    }

    /// The keywords of the object itself (no composition).
    fn keywords(
        &mut self,
        document: &Rc<Document>,
        pointer: &str,
        obj: &Map<String, Value>,
        here: String,
    ) -> Schema {
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_owned);
        let mut schema = Schema {
            origin: here,
            kinds: kinds(obj),
            format: text("format"),
            enumeration: enumeration(obj),
            required: strings(obj.get("required")),
            description: text("description"),
            title: text("title"),
            ..Schema::default()
        };
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for name in props.keys() {
                let ptr = format!("{pointer}/properties/{}", escape_pointer(name));
                let id = self.at(document, &ptr);
                schema.properties.push((name.clone(), id));
            }
        }
        let patterns = obj.get("patternProperties").and_then(Value::as_object);
        let additional = match (obj.get("additionalProperties"), patterns) {
            (Some(extra), _) if extra.is_object() => {
                Some(format!("{pointer}/additionalProperties"))
            }
            (_, Some(patterns)) if patterns.len() == 1 => patterns
                .keys()
                .next()
                .map(|p| format!("{pointer}/patternProperties/{}", escape_pointer(p))),
            _ => None,
        };
        if let Some(ptr) = additional {
            let extra = self.at(document, &ptr);
            let typed = !self.graph.get(extra).kinds.is_empty() || self.building.contains(&extra);
            schema.additional = typed.then_some(extra);
        }
        if obj
            .get("items")
            .is_some_and(|v| v.is_object() || v.is_boolean())
        {
            schema.items = Some(self.at(document, &format!("{pointer}/items")));
        }
        schema
    }
}

/// The schemas listed under `key` (`allOf`, `anyOf`, `oneOf`).
fn members<'v>(obj: &'v Map<String, Value>, key: &str) -> impl Iterator<Item = &'v Value> {
    obj.get(key).and_then(Value::as_array).into_iter().flatten()
}

pub(super) fn escape_pointer(name: &str) -> String {
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
    if kinds.is_empty() {
        if let Some(values) = enumeration(obj) {
            kinds = values.iter().map(Kind::of).collect();
            kinds.sort();
            kinds.dedup();
            if kinds.contains(&Kind::Integer) && kinds.contains(&Kind::Number) {
                kinds.retain(|k| *k != Kind::Integer);
            }
        } else if obj.contains_key("properties") {
            kinds.push(Kind::Object);
        } else if obj.contains_key("items") {
            kinds.push(Kind::Array);
        }
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
