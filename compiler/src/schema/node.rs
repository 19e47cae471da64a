//! The schema type model: a [`Graph`] of [`Schema`]s linked by [`NodeId`],
//! read through [`Node`] views. Children are ids, not copies, so a
//! recursive schema is a cycle in the graph and every location is built once.

use serde_json::Value;

/// JSON types a node admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `"string"`
    String,
    /// `"integer"`
    Integer,
    /// `"number"`
    Number,
    /// `"boolean"`
    Boolean,
    /// `"object"`
    Object,
    /// `"array"`
    Array,
    /// `"null"`
    Null,
}

impl Kind {
    /// A string, number or boolean.
    pub fn is_scalar(self) -> bool {
        matches!(
            self,
            Self::String | Self::Integer | Self::Number | Self::Boolean
        )
    }

    /// The JSON Schema name.
    pub fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Object => "object",
            Self::Array => "array",
            Self::Null => "null",
        }
    }

    /// Parse a JSON Schema type name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "string" => Self::String,
            "integer" => Self::Integer,
            "number" => Self::Number,
            "boolean" => Self::Boolean,
            "object" => Self::Object,
            "array" => Self::Array,
            "null" => Self::Null,
            _ => return None,
        })
    }

    /// The type of a JSON value (`enum`/`const` without `type`).
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => Self::Integer,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::String,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }
}

/// A schema in a [`Graph`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) usize);

impl NodeId {
    /// The schema that admits anything (`true`, or absent `items`).
    pub const ANY: Self = Self(usize::MAX);
}

/// One schema's keywords, composition and `$ref`s already applied; children
/// are ids into the same graph.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Where it was defined: `file#/json/pointer`.
    pub origin: String,
    /// Admitted types (empty: anything).
    pub kinds: Vec<Kind>,
    /// `format` (e.g. `date-time`, `decimal`).
    pub format: Option<String>,
    /// `enum` (or `const`) values.
    pub enumeration: Option<Vec<Value>>,
    /// `properties`, in document order.
    pub properties: Vec<(String, NodeId)>,
    /// `required`.
    pub required: Vec<String>,
    /// `items`.
    pub items: Option<NodeId>,
    /// `additionalProperties` (or the one `patternProperties` value) when it
    /// is a schema with a type: the type of any property not listed in
    /// `properties` (a map of values).
    pub additional: Option<NodeId>,
    /// `description`.
    pub description: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// The branches an `anyOf`/`oneOf` of several shapes unites (null
    /// left out): a route may lead through one of them (`at . | .orders[]`
    /// over "an order, or a page of orders").
    pub branches: Vec<NodeId>,
    /// Why this schema could not be read (a `$ref` to nowhere in a branch):
    /// an error only for a mapping that reads it.
    pub broken: Option<Box<super::SchemaError>>,
}

impl Schema {
    /// Whether JSON `null` is admitted.
    pub fn nullable(&self) -> bool {
        self.kinds.contains(&Kind::Null)
    }

    /// The admitted types other than `null`.
    pub fn non_null_kinds(&self) -> Vec<Kind> {
        self.kinds
            .iter()
            .copied()
            .filter(|k| *k != Kind::Null)
            .collect()
    }

    /// The single non-null type, if there is exactly one.
    pub fn single_kind(&self) -> Option<Kind> {
        match self.non_null_kinds().as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Whether `name` is listed in `required`.
    pub fn requires(&self, name: &str) -> bool {
        self.required.iter().any(|r| r == name)
    }

    /// The string values of `enum`, when every value is a string.
    pub fn string_enum(&self) -> Option<Vec<&str>> {
        self.enumeration
            .as_ref()?
            .iter()
            .filter(|v| !v.is_null())
            .map(Value::as_str)
            .collect()
    }

    /// Whether both declare the same fields in the same place: one reads
    /// like the other (a nullable wrapper of `Address` and `Address`).
    pub fn same_fields(&self, other: &Schema) -> bool {
        self.origin == other.origin
            && self.properties == other.properties
            && self.additional == other.additional
    }

    /// A declared property's id.
    pub fn declared(&self, name: &str) -> Option<NodeId> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }
}

/// Every schema loaded for one mapping, and the warnings loading gave.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: Vec<Schema>,
    /// Things that load but deserve a word (an unknown `$schema`).
    pub warnings: Vec<super::SchemaError>,
}

impl Graph {
    /// Add a schema; its id.
    pub fn add(&mut self, schema: Schema) -> NodeId {
        self.nodes.push(schema);
        NodeId(self.nodes.len() - 1)
    }

    /// The schema with `id`, to read.
    pub fn node(&self, id: NodeId) -> Node<'_> {
        Node { graph: self, id }
    }

    /// The schema with `id`, to change (while loading).
    pub(crate) fn get_mut(&mut self, id: NodeId) -> Option<&mut Schema> {
        self.nodes.get_mut(id.0)
    }

    /// The schema data with `id` ([`NodeId::ANY`]: the empty schema).
    pub fn get(&self, id: NodeId) -> &Schema {
        static ANYTHING: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
        self.nodes
            .get(id.0)
            .unwrap_or_else(|| ANYTHING.get_or_init(Schema::default))
    }

    /// The parts that could not be loaded (each fails only a mapping that
    /// reads it).
    pub fn broken(&self) -> impl Iterator<Item = &super::SchemaError> {
        self.nodes.iter().filter_map(|n| n.broken.as_deref())
    }
}

/// A schema in its graph: the keywords (through `Deref`) and the way to its
/// children.
#[derive(Debug, Clone, Copy)]
pub struct Node<'g> {
    graph: &'g Graph,
    id: NodeId,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.graph, other.graph) && self.id == other.id
    }
}

impl<'g> std::ops::Deref for Node<'g> {
    type Target = Schema;

    fn deref(&self) -> &Schema {
        self.graph.get(self.id)
    }
}

impl<'g> Node<'g> {
    /// The node's id in its graph (one per schema location).
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The keywords, borrowed for as long as the graph.
    pub fn schema(self) -> &'g Schema {
        self.graph.get(self.id)
    }

    /// A property by name: a declared one, or one allowed by a typed
    /// `additionalProperties`.
    pub fn property(self, name: &str) -> Option<Node<'g>> {
        let schema = self.schema();
        schema
            .declared(name)
            .or(schema.additional)
            .map(|id| self.graph.node(id))
    }

    /// Whether both declare the same fields in the same place
    /// ([`Schema::same_fields`]).
    pub fn same_fields(self, other: Node<'_>) -> bool {
        self.schema().same_fields(other.schema())
    }

    /// The declared properties, in document order.
    pub fn properties(self) -> impl Iterator<Item = (&'g str, Node<'g>)> {
        let graph = self.graph;
        self.schema()
            .properties
            .iter()
            .map(move |(name, id)| (name.as_str(), graph.node(*id)))
    }

    /// `items`.
    pub fn items(self) -> Option<Node<'g>> {
        self.schema().items.map(|id| self.graph.node(id))
    }

    /// The shapes a union of several unites (empty for any other schema).
    pub fn branches(self) -> impl Iterator<Item = Node<'g>> {
        let graph = self.graph;
        self.schema().branches.iter().map(move |id| graph.node(*id))
    }

    /// The schema of an element: `items`, or anything when there is none.
    pub fn element(self) -> Node<'g> {
        self.graph.node(self.schema().items.unwrap_or(NodeId::ANY))
    }
}
