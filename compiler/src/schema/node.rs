//! The schema type model: one [`Node`] per schema, `$ref`s already resolved.

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
}

/// One schema, after `$ref` resolution.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    /// Where it was defined: `file#/json/pointer`.
    pub origin: String,
    /// Admitted types (empty: anything).
    pub kinds: Vec<Kind>,
    /// `format` (e.g. `date-time`, `decimal`).
    pub format: Option<String>,
    /// `enum` (or `const`) values.
    pub enumeration: Option<Vec<Value>>,
    /// `properties`, in document order.
    pub properties: Vec<(String, Node)>,
    /// `required`.
    pub required: Vec<String>,
    /// `items`.
    pub items: Option<Box<Node>>,
    /// `additionalProperties` when it is a schema with a type: the type of
    /// any property not listed in `properties` (a map of values).
    pub additional: Option<Box<Node>>,
    /// `description`.
    pub description: Option<String>,
    /// `title`.
    pub title: Option<String>,
}

impl Node {
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

    /// A property by name: a declared one, or one allowed by a typed
    /// `additionalProperties`.
    pub fn property(&self, name: &str) -> Option<&Node> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, node)| node)
            .or(self.additional.as_deref())
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
}
