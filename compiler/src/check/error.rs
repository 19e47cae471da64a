//! Check errors as data: the facts a good message needs, no prose.

use crate::diagnostics::codes::{self, Code};
use crate::span::Span;

/// Error or warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Reported; does not fail the build.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as one-line reports write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// What the checker found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
        hint: Option<Hint>,
        /// The builtin argument (0-based position, builtin) that was given
        /// the value, when it was one.
        argument: Option<(usize, &'static str)>,
    },
    /// A value that may be absent, assigned to a required non-null field.
    OptionalToRequired {
        /// Target field.
        field: String,
        /// Why the value may be absent.
        because: Absence,
    },
    /// A `todo(...)` marker where a target field's value goes.
    Todo {
        /// The marker's note (none when it is not one string literal).
        note: Option<String>,
        /// The target field's schema description.
        description: Option<String>,
        /// Schema location of the field.
        schema: String,
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
        /// What needed the value.
        needed_by: NeededBy,
        /// Why it may be absent.
        because: Absence,
    },
    /// A source field whose schema gives no single usable type.
    UnsupportedSourceType {
        /// Field.
        field: String,
        /// Why no type can be read.
        problem: SourceTypeProblem,
        /// The schema location that says so (`file#/pointer`).
        schema: String,
    },
    /// An object literal outside a target field.
    ObjectOutsideTarget,
    /// An argument of the wrong form (not a type: a table, a path, a
    /// literal was needed).
    BadArgument(ArgumentProblem),
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
    /// An argument that must be a literal (a pattern, a reason code) is
    /// computed.
    NotALiteral {
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
        /// The construct as written: `??`, `!`, `with`, a builtin's name.
        construct: &'static str,
    },
    /// A stated figure (`totals.stated.*`, `stated_total`) adds up a list.
    StatedFromList {
        /// Its target path.
        field: String,
        /// The list it depends on.
        list: Span,
    },
    /// The header's target name differs from the target schema's `title`.
    TargetTitle {
        /// Name written.
        written: String,
        /// Schema title.
        title: String,
    },
    /// A user function is declared or called wrongly.
    BadFunction(FunctionProblem),
    /// An `emit` where records cannot be emitted.
    BadEmit(super::EmitProblem),
    /// An invalid `param` declaration.
    BadParam(super::params::ParamProblem),
    /// `source ... at .x` names a path the source schema does not have.
    BadRecordPath {
        /// The route written.
        path: String,
        /// What is wrong with it.
        problem: RouteProblem,
    },
    /// A path into a part of a schema that could not be loaded (its
    /// `$ref` points nowhere): the loading error, met where it is read.
    BrokenSchema(crate::schema::SchemaError),
}

/// Why a source field has no type a mapping can read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SourceTypeProblem {
    /// No `type` (and nothing else that gives one): any JSON value.
    NoType,
    /// Non-null types that are not all scalars (`object | string`).
    SeveralTypes(Vec<&'static str>),
    /// An array whose items may be null.
    NullableItems,
}

/// A fix the help of a type mismatch suggests.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Hint {
    /// Text where a number is needed: `decimal(...)` or `int(...)`.
    ParseNumber,
    /// A number or bool where text is needed: `string(...)`.
    ConvertToString,
    /// A value the schema lets be a string, a number or a boolean, used
    /// without a conversion.
    ConvertScalar,
    /// The elements of an array whose schema has no `items`.
    ElementsOfAnyType,
    /// Text or an int where a decimal is written: `decimal(...)`.
    ConvertToDecimal,
    /// Text where a timestamp is written: `timestamp(...)`, `parse_time(...)`.
    ParseTimestamp,
    /// A decimal where money is written: `money(amount, currency)`.
    MoneyNeedsCurrency,
    /// An array of money where numbers are summed.
    SumMoneyAmounts,
    /// `flatten` of something other than arrays built with `for`.
    FlattenWithFor,
    /// A table used as a value: `<table>[key]`.
    LookUpTable {
        /// The table.
        table: String,
    },
    /// A table key that is not a string.
    TableKeysAreStrings,
    /// `a ?? b` over two different objects of the payload.
    DistinctPayloadObjects {
        /// Where the first comes from in the payload.
        first: String,
        /// Where the second does.
        second: String,
    },
    /// `.field` of something that is not an object of the payload.
    FieldOfPayloadObject {
        /// The field.
        field: String,
    },
    /// `.field` of a computed object: bind it first.
    BindComputedObject,
    /// Arithmetic with text.
    ArithmeticOnText,
    /// Arithmetic with money other than `+`/`-` of money.
    ArithmeticOnMoney,
    /// Arithmetic on anything else.
    ArithmeticNeedsNumbers,
}

/// Why a value may be absent: what makes it so, at `span`, and the places
/// that lead there (a `let` it was bound by, an aggregate inside a
/// function body), each with its note.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Absence {
    /// What makes it absent, said at `span`.
    pub note: AbsenceNote,
    /// The expression that may be absent.
    pub span: crate::span::Span,
    /// Further places on the way, innermost last.
    pub labels: Vec<(crate::span::Span, AbsenceNote)>,
}

/// One step of why a value may be absent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AbsenceNote {
    /// A source field the schema lets be missing or null.
    SourceField,
    /// A builtin that gives no value for some inputs; `clause` is its
    /// documentation's (`absent for none`).
    Builtin {
        /// The builtin's name.
        name: &'static str,
        /// When it gives none, from its one-line doc.
        clause: &'static str,
    },
    /// An `if` without `else`.
    IfWithoutElse,
    /// `lookup(table, key)` of a key the table may not have.
    LookupMiss,
    /// A `let`'s local bound to a value that may be absent.
    Local(String),
    /// Where that local was bound.
    BoundHere(String),
    /// No more precise reason known.
    Unknown,
}

/// What needed a value that may be absent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NeededBy {
    /// Argument `index` (0-based) of a builtin.
    Argument {
        /// 0-based position.
        index: usize,
        /// The builtin.
        function: &'static str,
    },
    /// An operand of an operator (`+`, `not`, `++`).
    Operand(&'static str),
    /// The condition of `if` or `where`.
    Condition(&'static str),
    /// The array a `for` loops over.
    ForArray,
    /// The value a `for` gives for each element.
    ForElement,
    /// An element of an array literal.
    ArrayElement,
}

/// An argument of the wrong form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArgumentProblem {
    /// `lookup(table, key)` without a declared table.
    LookupNeedsTable,
    /// `has(...)` of something other than a source path to a field.
    HasNeedsField,
    /// `a[i]` with an index that is not an integer literal.
    IndexNotLiteral,
    /// `timestamp(.x)` of a field whose schema says `format: date`.
    DateIsNotATimestamp,
    /// `x => key` anywhere but as the key of `group_by`.
    KeyFnOutsideGroupBy,
    /// `group_by(xs, key)` whose key is not written `x => key`.
    GroupByNeedsKeyFn,
}

/// What is wrong with a user function's declaration or call.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FunctionProblem {
    /// Two functions of one name.
    DeclaredTwice {
        /// The function.
        function: String,
    },
    /// A function named like a builtin.
    NamedLikeBuiltin {
        /// The function.
        function: String,
    },
    /// Two parameters of one name.
    ParameterTwice {
        /// The parameter.
        parameter: String,
    },
    /// A parameter named like a table.
    ParameterHidesTable {
        /// The parameter.
        parameter: String,
    },
    /// A `let` or loop variable in the body named like a parameter.
    RebindsParameter {
        /// The name.
        name: String,
    },
    /// The body names something that is not a parameter.
    NotAParameter {
        /// The name.
        name: String,
        /// The function.
        function: String,
    },
    /// A call with the wrong number of arguments.
    WrongArity {
        /// The function.
        function: String,
        /// Parameters declared.
        expected: usize,
        /// Arguments given.
        found: usize,
    },
    /// A function that calls itself.
    Recursive {
        /// The function.
        function: String,
    },
    /// An argument that names a variable the body binds itself.
    CapturedArgument {
        /// The function.
        function: String,
        /// The name.
        name: String,
    },
    /// The expanded mapping nests deeper than the limit.
    TooDeep {
        /// The limit.
        levels: usize,
    },
    /// The expansions would produce more expression nodes than the limit.
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// More calls to expand than the limit.
    TooManyCalls {
        /// The limit.
        limit: usize,
    },
}

/// Why a `source ... at` route does not lead to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteProblem {
    /// A key the schema has no property for.
    NotAProperty,
    /// `[]` on something that is not an array.
    NotAnArray,
    /// Another record schema than the first route's.
    OtherRecordSchema,
}

/// A check error at a span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CheckError {
    /// What.
    pub kind: CheckErrorKind,
    /// Where.
    pub span: Span,
    /// How bad.
    pub severity: Severity,
}

impl CheckErrorKind {
    /// A target field not written yet (`todo`, or never assigned): the
    /// rest of the mapping can still run.
    pub fn is_unfinished(&self) -> bool {
        matches!(self, Self::Todo { .. } | Self::MissingTarget { .. })
    }

    /// The kind's registered code.
    pub fn code(&self) -> Code {
        match self {
            Self::UnknownSourceField { .. } => codes::UNKNOWN_SOURCE_FIELD,
            Self::UnknownTargetField { .. } => codes::UNKNOWN_TARGET_FIELD,
            Self::TypeMismatch { .. } => codes::TYPE_MISMATCH,
            Self::OptionalToRequired { .. } => codes::OPTIONAL_TO_REQUIRED,
            Self::MissingTarget { .. } => codes::MISSING_TARGET,
            Self::Todo { .. } => codes::TODO,
            Self::DuplicateAssignment { .. } => codes::DUPLICATE_ASSIGNMENT,
            Self::TableMiss { .. } => codes::TABLE_MISS,
            Self::UnknownFunction { .. } => codes::UNKNOWN_FUNCTION,
            Self::WrongArity { .. } => codes::WRONG_ARITY,
            Self::UnknownName { .. } => codes::UNKNOWN_NAME,
            Self::NotInTargetEnum { .. } => codes::NOT_IN_TARGET_ENUM,
            Self::NonExhaustiveMatch { .. } => codes::NON_EXHAUSTIVE_MATCH,
            Self::MaybeAbsent { .. } => codes::MAYBE_ABSENT,
            Self::UnsupportedSourceType { .. } => codes::UNSUPPORTED_SOURCE_TYPE,
            Self::ObjectOutsideTarget => codes::OBJECT_OUTSIDE_TARGET,
            Self::BadArgument(_)
            | Self::TableOfUndelimited { .. }
            | Self::InvalidConstant { .. }
            | Self::NotALiteral { .. } => codes::INVALID_ARGUMENT,
            Self::UnusedLet { .. } => codes::UNUSED_LET,
            Self::NeverAbsent { .. } => codes::NEVER_ABSENT,
            Self::StatedFromList { .. } => codes::STATED_FROM_LIST,
            Self::TargetTitle { .. } => codes::TARGET_TITLE,
            Self::BadFunction(_) => codes::BAD_FUNCTION,
            Self::BadParam(_) => codes::BAD_PARAM,
            Self::BadEmit(_) => codes::BAD_EMIT,
            Self::BadRecordPath { .. } => codes::RECORD_PATH,
            Self::BrokenSchema(e) => codes::of_schema_error(&e.kind),
        }
    }

    /// How bad: the severity its code is registered with.
    pub fn severity(&self) -> Severity {
        self.code().severity
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
