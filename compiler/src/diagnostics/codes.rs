//! The stable error-code registry: each code with its severity and
//! one-line meaning. Codes are never renumbered or reused;
//! `docs/diagnostics.md` has one entry per code (checked by a test).
//!
//! E1xx parse, E2xx loading schemas and tables, E3xx checking, W3xx
//! warnings. Runtime codes (R1xx) live in `runtime::ErrorCode`.

use crate::check::Severity;
use crate::schema::SchemaErrorKind;

/// A registered code, its severity and its one-line meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// `E301`.
    pub code: &'static str,
    /// Whether it fails a build (E) or is reported only (W).
    pub severity: Severity,
    /// What it means.
    pub title: &'static str,
}

macro_rules! codes {
    ($($severity:ident $name:ident = $code:literal : $title:literal,)*) => {
        $(
            #[doc = $title]
            pub const $name: Code = Code { code: $code, severity: Severity::$severity, title: $title };
        )*
        /// Every compile-time code, in number order.
        pub const ALL: &[Code] = &[$($name),*];
    };
}

codes! {
    Error SYNTAX = "E101": "syntax error",
    Error INVALID_NUMBER = "E102": "invalid number literal",
    Error INVALID_TIMESTAMP = "E103": "invalid timestamp literal",
    Error INVALID_ESCAPE = "E104": "invalid string escape",
    Error TOO_DEEP = "E105": "expression nested too deeply",
    Error READ_FAILED = "E201": "cannot read a file named by the mapping",
    Error SCHEMA_JSON = "E202": "schema file is not JSON",
    Error SCHEMA_INVALID = "E203": "schema is not a valid JSON Schema",
    Error SCHEMA_REF = "E204": "unresolvable `$ref`",
    Error SCHEMA_RECURSIVE = "E205": "a schema that is only a `$ref` cycle or composes itself",
    Error TABLE_INVALID = "E206": "invalid lookup table",
    Error RECORD_PATH = "E207": "`source ... at` route not in the source schema",
    Error MISSING_DIRECTIVE = "E208": "mapping has no `source` or `target` schema",
    Error TARGET_TITLE = "E209": "target name differs from the target schema's title",
    Error BAD_INPUTS = "E210": "named inputs mixed with a plain source, repeated, or given `at`/`format`",
    Error SCHEMA_TOO_DEEP = "E211": "`$ref`s nested too deeply",
    Error SCHEMA_URI = "E212": "`$ref` to a URI no loaded schema has as `$id`",
    Error SCHEMA_NO_COMMON_TYPE = "E213": "`allOf` members that admit no common type",
    Warning SCHEMA_DIALECT = "W201": "unknown `$schema` dialect, read as 2020-12",
    Error UNKNOWN_SOURCE_FIELD = "E301": "unknown source field",
    Error UNKNOWN_TARGET_FIELD = "E302": "unknown target field",
    Error TYPE_MISMATCH = "E303": "type mismatch",
    Error OPTIONAL_TO_REQUIRED = "E304": "value that may be absent assigned to a required field",
    Error MISSING_TARGET = "E305": "required target field never assigned",
    Error DUPLICATE_ASSIGNMENT = "E306": "target field assigned twice",
    Error TABLE_MISS = "E307": "lookup table has no entry for a possible key",
    Error UNKNOWN_FUNCTION = "E308": "unknown function",
    Error WRONG_ARITY = "E309": "wrong number of arguments",
    Error UNKNOWN_NAME = "E310": "unknown name",
    Error NOT_IN_TARGET_ENUM = "E311": "value not allowed by the target schema's enum",
    Error NON_EXHAUSTIVE_MATCH = "E312": "match does not cover every value",
    Error MAYBE_ABSENT = "E313": "value may be absent here",
    Error UNSUPPORTED_SOURCE_TYPE = "E314": "source field has no single usable type",
    Error OBJECT_OUTSIDE_TARGET = "E315": "object built outside a target field",
    Error INVALID_ARGUMENT = "E316": "invalid constant argument",
    Error BAD_FUNCTION = "E317": "invalid user function declaration or call",
    Error BAD_PARAM = "E318": "invalid mapping parameter: its type, default or supplied value",
    Error BAD_EMIT = "E319": "`emit` where records cannot be emitted",
    Error TODO = "E320": "target field not mapped yet (`todo`)",
    Warning UNUSED_LET = "W301": "unused let-binding",
    Warning NEVER_ABSENT = "W302": "`??`, `!`, `with` or `is_present` on a value that is never absent",
    Warning STATED_FROM_LIST = "W303": "stated figure computed from a list",
}

/// The code of a schema loading error.
pub fn of_schema_error(kind: &SchemaErrorKind) -> Code {
    match kind {
        SchemaErrorKind::Read(_) => READ_FAILED,
        SchemaErrorKind::Json(_) => SCHEMA_JSON,
        SchemaErrorKind::Invalid(_) => SCHEMA_INVALID,
        SchemaErrorKind::BadRef(_) => SCHEMA_REF,
        SchemaErrorKind::Recursive(_) => SCHEMA_RECURSIVE,
        SchemaErrorKind::TooDeep(_) => SCHEMA_TOO_DEEP,
        SchemaErrorKind::UnknownUri(_) => SCHEMA_URI,
        SchemaErrorKind::NoCommonType(..) => SCHEMA_NO_COMMON_TYPE,
        SchemaErrorKind::UnknownDialect(_) => SCHEMA_DIALECT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_codes_are_errors_and_w_codes_warnings() {
        for code in ALL {
            let warning = code.code.starts_with('W');
            assert_eq!(code.severity == Severity::Warning, warning, "{}", code.code);
        }
    }
}
