//! Diagnostics: stage errors -> [`Diagnostic`] (the only place with prose),
//! rendered with miette (rustc-like, with the span underlined) or as one
//! machine-parsable line.

pub mod codes;
mod render;

pub use render::{render, render_short};

use crate::check::{CheckError, CheckErrorKind, Severity};
use crate::schema::{SchemaError, SchemaErrorKind};
use crate::span::Span;
use crate::syntax::{SyntaxError, SyntaxErrorKind};
use crate::tables::TableError;
use codes::Code;

/// A labelled span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub text: String,
    /// The main label.
    pub primary: bool,
}

/// A diagnostic, ready to render against its mapping file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One-line message.
    pub title: String,
    /// Labels (the first primary one is where file:line:col points).
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    fn new(code: Code, title: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            title: title.into(),
            labels: vec![Label {
                span,
                text: label.into(),
                primary: true,
            }],
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    fn secondary(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
            primary: false,
        });
        self
    }

    /// Where the diagnostic points.
    pub fn primary_span(&self) -> Span {
        self.labels
            .iter()
            .find(|l| l.primary)
            .map_or(Span::default(), |l| l.span)
    }
}

fn did_you_mean(candidates: &[String]) -> Option<String> {
    match candidates {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => {
            let list: Vec<String> = many.iter().map(|c| format!("`{c}`")).collect();
            Some(format!("did you mean one of {}?", list.join(", ")))
        }
    }
}

fn quoted_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A syntax error.
pub fn from_syntax(e: &SyntaxError) -> Diagnostic {
    match &e.kind {
        SyntaxErrorKind::Unexpected { expected } => {
            let label = if expected.is_empty() {
                "unexpected input".to_owned()
            } else {
                format!("expected {}", expected.join(", "))
            };
            Diagnostic::new(codes::SYNTAX, "syntax error", e.span, label)
                .help("see docs/dsl.md for the grammar of each construct")
        }
        SyntaxErrorKind::InvalidNumber => Diagnostic::new(
            codes::INVALID_NUMBER,
            "invalid number literal",
            e.span,
            "does not fit a 64-bit integer or a 28-digit decimal",
        ),
        SyntaxErrorKind::InvalidTimestamp => Diagnostic::new(
            codes::INVALID_TIMESTAMP,
            "invalid timestamp literal",
            e.span,
            "not an RFC 3339 timestamp",
        )
        .help("write an instant with its offset, e.g. `@2024-01-31T09:30:00Z`"),
        SyntaxErrorKind::InvalidEscape => Diagnostic::new(
            codes::INVALID_ESCAPE,
            "invalid string escape",
            e.span,
            "bad escape in this string",
        )
        .help("escapes are \\\" \\\\ \\n \\t \\r and \\u{hex}"),
        SyntaxErrorKind::TooDeep => Diagnostic::new(
            codes::TOO_DEEP,
            "expression nested too deeply",
            e.span,
            format!("more than {} levels deep here", crate::syntax::MAX_DEPTH),
        )
        .help("split the expression with `let` bindings"),
    }
}

/// A schema that failed to load; `span` is where the mapping names it.
pub fn from_schema(e: &SchemaError, span: Span) -> Diagnostic {
    let at = format!("at {}", e.origin);
    match &e.kind {
        SchemaErrorKind::Read(why) => Diagnostic::new(
            codes::READ_FAILED,
            format!("cannot read schema: {why}"),
            span,
            at,
        ),
        SchemaErrorKind::Json(why) => Diagnostic::new(
            codes::SCHEMA_JSON,
            format!("schema is not JSON: {why}"),
            span,
            at,
        ),
        SchemaErrorKind::Invalid(why) => Diagnostic::new(
            codes::SCHEMA_INVALID,
            format!("not a valid JSON Schema: {why}"),
            span,
            at,
        ),
        SchemaErrorKind::BadRef(r) => Diagnostic::new(
            codes::SCHEMA_REF,
            format!("cannot resolve `$ref` {r:?}"),
            span,
            at,
        )
        .help("local refs look like \"#/$defs/Name\"; file refs are relative to the schema file"),
        SchemaErrorKind::Recursive(r) => Diagnostic::new(
            codes::SCHEMA_RECURSIVE,
            format!("recursive `$ref` {r:?} is not supported"),
            span,
            at,
        ),
    }
}

/// A table file that failed to load.
pub fn from_table(e: &TableError, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::TABLE_INVALID,
        format!("invalid lookup table: {}", e.message),
        span,
        "table loaded from here",
    )
}

/// A file named by the mapping that could not be read.
pub fn read_failed(what: &str, why: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::READ_FAILED,
        format!("cannot read {what}: {why}"),
        span,
        "named here",
    )
}

/// A header without `source` or `target`.
pub fn missing_directive(which: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::MISSING_DIRECTIVE,
        format!("the mapping has no `{which}` schema"),
        span,
        format!("add `{which} \"<path to schema>\"` to this header"),
    )
}

/// Named inputs (`source <name> "..."`) used wrongly.
pub fn bad_inputs(problem: &str, span: Span) -> Diagnostic {
    Diagnostic::new(codes::BAD_INPUTS, problem.to_owned(), span, "here")
}

/// A checker error.
pub fn from_check(e: &CheckError) -> Diagnostic {
    let mut d = check_diagnostic(&e.kind, e.span);
    d.severity = e.severity;
    d
}

fn check_diagnostic(kind: &CheckErrorKind, span: Span) -> Diagnostic {
    use CheckErrorKind as K;
    match kind {
        K::UnknownSourceField { name, candidates, schema } => Diagnostic::new(
            codes::UNKNOWN_SOURCE_FIELD,
            format!("unknown source field `{name}`"),
            span,
            format!("not a property of {schema}"),
        )
        .maybe_help(did_you_mean(candidates)),
        K::UnknownTargetField { name, candidates, schema } => Diagnostic::new(
            codes::UNKNOWN_TARGET_FIELD,
            format!("unknown target field `{name}`"),
            span,
            format!("not a property of {schema}"),
        )
        .maybe_help(did_you_mean(candidates)),
        K::TypeMismatch { expected, found, hint } => Diagnostic::new(
            codes::TYPE_MISMATCH,
            format!("type mismatch: expected {expected}, found {found}"),
            span,
            format!("this is {found}"),
        )
        .maybe_help(hint.clone()),
        K::OptionalToRequired { field } => Diagnostic::new(
            codes::OPTIONAL_TO_REQUIRED,
            format!("`{field}` is required, but this value may be absent"),
            span,
            "may be missing or null in the payload",
        )
        .help("give a default with `?? value`, or assert presence with `!` (absent becomes a runtime error R103)"),
        K::MissingTarget { field, schema } => Diagnostic::new(
            codes::MISSING_TARGET,
            format!("required target field `{field}` is never assigned"),
            span,
            format!("`{field}` is missing from this object"),
        )
        .help(format!("assign it: `{field} = ...` (declared at {schema})")),
        K::DuplicateAssignment { field, first } => Diagnostic::new(
            codes::DUPLICATE_ASSIGNMENT,
            format!("`{field}` is assigned twice"),
            span,
            "assigned again here",
        )
        .secondary(*first, "first assigned here")
        .help("remove one of the assignments"),
        K::TableMiss { table, keys, file } => Diagnostic::new(
            codes::TABLE_MISS,
            format!("lookup table `{table}` has no entry for {}", quoted_list(keys)),
            span,
            "this key can take a value the table does not map",
        )
        .help(format!("add the missing keys to {file}")),
        K::UnknownFunction { name, candidates } => Diagnostic::new(
            codes::UNKNOWN_FUNCTION,
            format!("unknown function `{name}`"),
            span,
            "not a builtin",
        )
        .help(did_you_mean(candidates).unwrap_or_else(|| "the builtins are listed in docs/dsl.md".to_owned())),
        K::WrongArity { name, expected, found } => Diagnostic::new(
            codes::WRONG_ARITY,
            format!("`{name}` takes {expected} argument(s), {found} given"),
            span,
            format!("{found} argument(s)"),
        )
        .maybe_help(crate::builtins::Builtin::named(name).map(|b| {
            let decl = b.decl();
            format!("usage: {} gives {}", decl.usage, decl.doc)
        })),
        K::UnknownName { name, candidates } => Diagnostic::new(
            codes::UNKNOWN_NAME,
            format!("unknown name `{name}`"),
            span,
            "not a let-binding, loop variable or table in scope",
        )
        .help(did_you_mean(candidates).unwrap_or_else(|| {
            "source fields start with a dot: `.field`".to_owned()
        })),
        K::NotInTargetEnum { values, allowed } => Diagnostic::new(
            codes::NOT_IN_TARGET_ENUM,
            format!("{} not allowed by the target schema", quoted_list(values)),
            span,
            "can produce a value outside the target's enum",
        )
        .help(format!("allowed values: {}", quoted_list(allowed))),
        K::NonExhaustiveMatch { missing } if missing.is_empty() => Diagnostic::new(
            codes::NON_EXHAUSTIVE_MATCH,
            "`match` has no `_` arm",
            span,
            "values not listed here are not handled",
        )
        .help("add a last arm `_ => ...`"),
        K::NonExhaustiveMatch { missing } => Diagnostic::new(
            codes::NON_EXHAUSTIVE_MATCH,
            format!("`match` does not handle {}", missing.join(", ")),
            span,
            "the source schema allows values no arm matches",
        )
        .help("add arms for them, or a last arm `_ => ...`"),
        K::MaybeAbsent { context } => Diagnostic::new(
            codes::MAYBE_ABSENT,
            format!("{context} may be absent"),
            span,
            "may be missing or null in the payload",
        )
        .help("give a default with `?? value` (`?? []` for arrays), or assert presence with `!`"),
        K::UnsupportedSourceType { field, kinds } => Diagnostic::new(
            codes::UNSUPPORTED_SOURCE_TYPE,
            format!("source field `{field}` has no single usable type"),
            span,
            format!("the schema allows {kinds}"),
        )
        .help("give the field one type (plus null) in the source schema"),
        K::ObjectOutsideTarget => Diagnostic::new(
            codes::OBJECT_OUTSIDE_TARGET,
            "objects can only be built as a target field's value",
            span,
            "built here",
        )
        .help("assign the object to a target field, or compute scalar values here"),
        K::InvalidArgument { reason } => {
            Diagnostic::new(codes::INVALID_ARGUMENT, "invalid argument", span, reason.clone())
        }
        K::TableOfUndelimited { format } => Diagnostic::new(
            codes::INVALID_ARGUMENT,
            format!("`table` after `format {format}`"),
            span,
            "`table` reads a delimited file whole",
        )
        .help("write `format csv table` or `format tsv table`, or drop `table`"),
        K::InvalidConstant { value, constant } => {
            let valid = match constant {
                crate::builtins::Constant::RoundingMode => format!(
                    "rounding modes are: {}",
                    runtime::decimal::RoundingMode::NAMES.join(", ")
                ),
                crate::builtins::Constant::TimeZone => {
                    "time zones are IANA names such as \"UTC\" or \"America/New_York\"".to_owned()
                }
            };
            Diagnostic::new(
                codes::INVALID_ARGUMENT,
                "invalid argument",
                span,
                format!("{value:?} is not valid here; {valid}"),
            )
        }
        K::UnusedLet { name } => Diagnostic::new(
            codes::UNUSED_LET,
            format!("`{name}` is never used"),
            span,
            "bound here",
        )
        .help("remove the `let`, or use it"),
        K::NeverAbsent { construct } => Diagnostic::new(
            codes::NEVER_ABSENT,
            format!("{construct} on a value that is never absent"),
            span,
            "this value is always present",
        )
        .help("remove it"),
        K::TargetTitle { written, title } => Diagnostic::new(
            codes::TARGET_TITLE,
            format!("the target schema is `{title}`, not `{written}`"),
            span,
            "named here",
        )
        .help(format!("write `-> {title}`")),
        K::BadFunction { reason } => {
            Diagnostic::new(codes::BAD_FUNCTION, reason.clone(), span, "here")
        }
        K::BadRecordPath { path, why } => Diagnostic::new(
            codes::RECORD_PATH,
            format!("the source schema has no record at `{path}`"),
            span,
            *why,
        ),
    }
}
