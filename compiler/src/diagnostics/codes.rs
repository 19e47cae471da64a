//! The stable error-code registry. Codes are never renumbered or reused;
//! `docs/diagnostics.md` has one entry per code (checked by a test).
//!
//! E1xx parse, E2xx loading schemas and tables, E3xx checking, W3xx
//! warnings. Runtime codes (R1xx) live in `runtime::ErrorCode`.

/// A registered code and its one-line meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// `E301`.
    pub code: &'static str,
    /// What it means.
    pub title: &'static str,
}

macro_rules! codes {
    ($($name:ident = $code:literal : $title:literal,)*) => {
        $(
            #[doc = $title]
            pub const $name: Code = Code { code: $code, title: $title };
        )*
        /// Every compile-time code, in number order.
        pub const ALL: &[Code] = &[$($name),*];
    };
}

codes! {
    SYNTAX = "E101": "syntax error",
    INVALID_NUMBER = "E102": "invalid number literal",
    INVALID_TIMESTAMP = "E103": "invalid timestamp literal",
    INVALID_ESCAPE = "E104": "invalid string escape",
    TOO_DEEP = "E105": "expression nested too deeply",
    READ_FAILED = "E201": "cannot read a file named by the mapping",
    SCHEMA_JSON = "E202": "schema file is not JSON",
    SCHEMA_INVALID = "E203": "schema is not a valid JSON Schema",
    SCHEMA_REF = "E204": "unresolvable `$ref`",
    SCHEMA_RECURSIVE = "E205": "recursive `$ref`",
    TABLE_INVALID = "E206": "invalid lookup table",
    RECORD_PATH = "E207": "`source ... at` route not in the source schema",
    MISSING_DIRECTIVE = "E208": "mapping has no `source` or `target` schema",
    TARGET_TITLE = "E209": "target name differs from the target schema's title",
    BAD_INPUTS = "E210": "named inputs mixed with a plain source, repeated, or given `at`/`format`",
    UNKNOWN_SOURCE_FIELD = "E301": "unknown source field",
    UNKNOWN_TARGET_FIELD = "E302": "unknown target field",
    TYPE_MISMATCH = "E303": "type mismatch",
    OPTIONAL_TO_REQUIRED = "E304": "value that may be absent assigned to a required field",
    MISSING_TARGET = "E305": "required target field never assigned",
    DUPLICATE_ASSIGNMENT = "E306": "target field assigned twice",
    TABLE_MISS = "E307": "lookup table has no entry for a possible key",
    UNKNOWN_FUNCTION = "E308": "unknown function",
    WRONG_ARITY = "E309": "wrong number of arguments",
    UNKNOWN_NAME = "E310": "unknown name",
    NOT_IN_TARGET_ENUM = "E311": "value not allowed by the target schema's enum",
    NON_EXHAUSTIVE_MATCH = "E312": "match does not cover every value",
    MAYBE_ABSENT = "E313": "value may be absent here",
    UNSUPPORTED_SOURCE_TYPE = "E314": "source field has no single usable type",
    OBJECT_OUTSIDE_TARGET = "E315": "object built outside a target field",
    INVALID_ARGUMENT = "E316": "invalid constant argument",
    BAD_FUNCTION = "E317": "invalid user function declaration or call",
    UNUSED_LET = "W301": "unused let-binding",
    NEVER_ABSENT = "W302": "`??`, `!`, `with` or `is_present` on a value that is never absent",
}
