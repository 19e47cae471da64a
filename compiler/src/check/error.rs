//! Check errors as data: the facts a good message needs, no prose.

use crate::span::Span;

/// Error or warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Reported; does not fail the build.
    Warning,
}

/// What the checker found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckErrorKind {
    /// A source path names a field the source schema does not have.
    UnknownSourceField {
        /// The name written.
        name: String,
        /// Close matches among the object's properties.
        candidates: Vec<String>,
        /// Schema location of the object.
        schema: String,
    },
    /// An assignment names a field the target schema does not have.
    UnknownTargetField {
        /// The name written.
        name: String,
        /// Close matches among the object's properties.
        candidates: Vec<String>,
        /// Schema location of the object.
        schema: String,
    },
    /// A value of the wrong type.
    TypeMismatch {
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
        /// A fix, when one is known.
        hint: Option<String>,
    },
    /// A value that may be absent, assigned to a required non-null field.
    OptionalToRequired {
        /// Target field.
        field: String,
    },
    /// A required target field is never assigned.
    MissingTarget {
        /// Target field.
        field: String,
        /// Schema location of the object.
        schema: String,
    },
    /// A target field is assigned twice.
    DuplicateAssignment {
        /// Target field.
        field: String,
        /// The first assignment.
        first: Span,
    },
    /// A lookup table has no entry for keys that can occur.
    TableMiss {
        /// Table name.
        table: String,
        /// Keys with no entry.
        keys: Vec<String>,
        /// The table's file.
        file: String,
    },
    /// A call to a function that does not exist.
    UnknownFunction {
        /// The name written.
        name: String,
        /// Close matches among builtins.
        candidates: Vec<String>,
    },
    /// A call with the wrong number of arguments.
    WrongArity {
        /// Function.
        name: String,
        /// Accepted counts, e.g. `2` or `1 or more`.
        expected: String,
        /// Count given.
        found: usize,
    },
    /// A name that is neither a binding nor a table.
    UnknownName {
        /// The name written.
        name: String,
        /// Close matches among names in scope.
        candidates: Vec<String>,
    },
    /// A value the target schema's `enum` does not allow.
    NotInTargetEnum {
        /// Offending values.
        values: Vec<String>,
        /// Allowed values.
        allowed: Vec<String>,
    },
    /// A `match` without `_` that does not cover every value.
    NonExhaustiveMatch {
        /// Source enum values not covered (empty when the source has no enum).
        missing: Vec<String>,
    },
    /// A value that may be absent, used where a value is needed.
    MaybeAbsent {
        /// What needed the value (`argument of lower`, `operand of +`).
        context: String,
    },
    /// A source field whose schema gives no single usable type.
    UnsupportedSourceType {
        /// Field.
        field: String,
        /// The types the schema admits.
        kinds: String,
    },
    /// An object literal outside a target field.
    ObjectOutsideTarget,
    /// An argument that must be a known constant is not valid.
    InvalidArgument {
        /// What is wrong.
        reason: String,
    },
    /// `format <json|xml> table`: only a delimited file is read whole.
    TableOfUndelimited {
        /// The format written (`json`, `xml`).
        format: &'static str,
    },
    /// A literal argument that must be a known constant is not one.
    InvalidConstant {
        /// The literal.
        value: String,
        /// What it must be.
        constant: crate::builtins::Constant,
    },
    /// A `let` that is never used.
    UnusedLet {
        /// The binding.
        name: String,
    },
    /// `??`, `!` or `with` on a value that is never absent.
    NeverAbsent {
        /// The construct.
        construct: String,
    },
    /// The header's target name differs from the target schema's `title`.
    TargetTitle {
        /// Name written.
        written: String,
        /// Schema title.
        title: String,
    },
    /// A user function is declared or called wrongly.
    BadFunction {
        /// What is wrong.
        reason: String,
    },
    /// `source ... at .x` names a path the source schema does not have.
    BadRecordPath {
        /// The route written.
        path: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

/// A check error at a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError {
    /// What.
    pub kind: CheckErrorKind,
    /// Where.
    pub span: Span,
    /// How bad.
    pub severity: Severity,
}

impl CheckErrorKind {
    /// Warnings are the kinds that do not fail a build.
    pub fn severity(&self) -> Severity {
        match self {
            Self::UnusedLet { .. } | Self::NeverAbsent { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// Up to three names close to `name`, best first (for "did you mean").
pub fn similar<'n>(name: &str, names: impl IntoIterator<Item = &'n str>) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = names
        .into_iter()
        .map(|n| (strsim::jaro_winkler(name, n), n))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_owned())
        .collect()
}
