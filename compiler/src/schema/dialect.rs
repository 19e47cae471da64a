//! Dialects: which meta-schema a file is validated against, and the
//! dialect keywords that change a type (`nullable`, `x-nullable`).
//!
//! - `$schema` naming draft-04, -06, -07, 2019-09 or 2020-12: that draft.
//! - an unknown `$schema`: a warning, read and validated as 2020-12.
//! - no `$schema`: 2020-12, or draft-04 when only draft-04 accepts it (a
//!   schema written for OpenAPI 3.0, with a boolean `exclusiveMinimum`).
//! - an OpenAPI 3.0 or Swagger 2.0 document: each component schema
//!   (`components/schemas`, `definitions`) as draft-04; OpenAPI 3.1: as
//!   2020-12. The document around them is not a schema.

use super::load::SchemaErrorKind;
use serde_json::{Map, Value};

/// The JSON Schema drafts the compiler reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Draft {
    Four,
    Six,
    Seven,
    Y2019,
    Y2020,
}

impl Draft {
    fn of_uri(uri: &str) -> Option<Self> {
        let uri = uri.trim_end_matches('#');
        let uri = uri
            .strip_prefix("https://")
            .or_else(|| uri.strip_prefix("http://"))?;
        Some(match uri {
            "json-schema.org/draft-04/schema" => Self::Four,
            "json-schema.org/draft-06/schema" => Self::Six,
            "json-schema.org/draft-07/schema" => Self::Seven,
            "json-schema.org/draft/2019-09/schema" => Self::Y2019,
            "json-schema.org/draft/2020-12/schema" => Self::Y2020,
            _ => return None,
        })
    }

    fn check(self, schema: &Value) -> Result<(), String> {
        let result = match self {
            Self::Four => jsonschema::draft4::meta::validate(schema),
            Self::Six => jsonschema::draft6::meta::validate(schema),
            Self::Seven => jsonschema::draft7::meta::validate(schema),
            Self::Y2019 => jsonschema::draft201909::meta::validate(schema),
            Self::Y2020 => jsonschema::draft202012::meta::validate(schema),
        };
        result.map_err(|e| e.to_string())
    }
}

/// Validate a loaded file against its dialect's meta-schema. `Ok(Some(..))`
/// is a warning to report.
pub(super) fn validate(document: &Value) -> Result<Option<SchemaErrorKind>, SchemaErrorKind> {
    if let Some(components) = openapi_components(document) {
        let (draft, schemas) = components;
        for (name, schema) in schemas.into_iter().flatten() {
            draft
                .check(schema)
                .map_err(|why| SchemaErrorKind::Invalid(format!("component {name}: {why}")))?;
        }
        return Ok(None);
    }
    match document.get("$schema").and_then(Value::as_str) {
        Some(uri) => match Draft::of_uri(uri) {
            Some(draft) => draft.check(document).map(|()| None),
            None => Draft::Y2020
                .check(document)
                .map(|()| Some(SchemaErrorKind::UnknownDialect(uri.to_owned()))),
        },
        None => Draft::Y2020
            .check(document)
            .or_else(|newest| Draft::Four.check(document).map_err(|_| newest))
            .map(|()| None),
    }
    .map_err(SchemaErrorKind::Invalid)
}

/// The draft and the component schemas of an OpenAPI or Swagger document.
fn openapi_components(document: &Value) -> Option<(Draft, Option<&Map<String, Value>>)> {
    let (draft, at) = spec_kind(document)?;
    Some((draft, document.pointer(at).and_then(Value::as_object)))
}

/// For an OpenAPI or Swagger document: the draft its schema objects are
/// read as, and the pointer of its component schemas.
fn spec_kind(document: &Value) -> Option<(Draft, &'static str)> {
    Some(match document.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0") => (Draft::Four, "/components/schemas"),
        Some(_) => (Draft::Y2020, "/components/schemas"),
        None if document.get("swagger").is_some() => (Draft::Four, "/definitions"),
        None => return None,
    })
}

/// Where an OpenAPI or Swagger document keeps its component schemas
/// (`/components/schemas`, `/definitions`), and them.
pub(super) fn spec_components(
    document: &Value,
) -> Option<(&'static str, Option<&Map<String, Value>>)> {
    let (_, at) = spec_kind(document)?;
    Some((at, document.pointer(at).and_then(Value::as_object)))
}

/// The pointers of an OpenAPI or Swagger document's component schemas.
pub(super) fn components(document: &Value) -> Option<Vec<String>> {
    let (at, schemas) = spec_components(document)?;
    let names = schemas.into_iter().flat_map(|s| s.keys());
    Some(
        names
            .map(|name| format!("{at}/{}", super::load::escape_pointer(name)))
            .collect(),
    )
}

/// `nullable: true` (OpenAPI 3.0) or `x-nullable: true` (Swagger 2.0).
pub(super) fn says_nullable(obj: &Map<String, Value>) -> bool {
    ["nullable", "x-nullable"]
        .iter()
        .any(|key| obj.get(*key) == Some(&Value::Bool(true)))
}
