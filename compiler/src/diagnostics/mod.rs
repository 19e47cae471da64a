//! Diagnostics: stage errors -> [`Diagnostic`] (the only place with prose),
//! rendered with miette (rustc-like, with the span underlined) or as one
//! machine-parsable line.

pub mod codes;
mod render;
mod source;

pub use render::{escape_data, escape_property, Renderer};

use crate::check::{
    ArgumentProblem, CheckError, CheckErrorKind, FunctionProblem, Hint, NeededBy, RouteProblem,
    Severity,
};
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
            severity: code.severity,
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
            Diagnostic::new(codes::SYNTAX, "syntax error", e.span, label).help(
                "newlines are white space, so what is missing is often just before this: \
                 an unfinished value or route on the line above (`id =`, `at .x | .` before \
                 `target`); docs/dsl.md gives the grammar of each construct",
            )
        }
        SyntaxErrorKind::InvalidNumber => Diagnostic::new(
            codes::INVALID_NUMBER,
            "invalid number literal",
            e.span,
            "does not fit a 64-bit integer or a 28-digit decimal",
        )
        .help("an integer from -2^63 to 2^63-1, a decimal of at most 28 significant digits; for longer figures read the text with `decimal(...)` at run time"),
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
    let code = codes::of_schema_error(&e.kind);
    match &e.kind {
        SchemaErrorKind::Read(why) => Diagnostic::new(
            code,
            format!("cannot read schema: {why}"),
            span,
            at,
        )
        .help("a schema path is relative to the mapping file's folder (`../../schemas/channels/<channel>/<object>.schema.json`)"),
        SchemaErrorKind::Json(why) => Diagnostic::new(
            code,
            format!("schema is not JSON: {why}"),
            span,
            at,
        )
        .help("a schema file is JSON (an OpenAPI spec may be YAML: `mapc schema import` writes a component out as JSON)"),
        SchemaErrorKind::Invalid(why) => Diagnostic::new(
            code,
            format!("not a valid JSON Schema: {why}"),
            span,
            at,
        )
        .help("`mapc schema check <file>` lists every problem of the schema; fix it in a schema of your own that refers to the channel's"),
        SchemaErrorKind::BadRef(r) => Diagnostic::new(
            code,
            format!("cannot resolve `$ref` {r:?}"),
            span,
            at,
        )
        .help("local refs look like \"#/$defs/Name\"; file refs are relative to the schema file"),
        SchemaErrorKind::Recursive(r) => Diagnostic::new(
            code,
            format!("{r} is defined only by itself"),
            span,
            at,
        )
        .help("a `$ref` cycle with no keyword of its own, or `allOf`/`anyOf` of itself, admits nothing a mapping can read; recursion through `properties` or `items` is fine"),
        SchemaErrorKind::UnknownUri(uri) => Diagnostic::new(
            code,
            format!("no loaded schema has `$id` {uri:?}"),
            span,
            at,
        )
        .help("nothing is fetched over the network: put the schema with that `$id` next to the referring file, under the last segment of its URI"),
        SchemaErrorKind::NoCommonType(a, b) => Diagnostic::new(
            code,
            format!(
                "`allOf` needs both {} and {}",
                kind_list(a),
                kind_list(b)
            ),
            span,
            at,
        )
        .help("no JSON value is both; the schema admits nothing"),
        SchemaErrorKind::UnknownDialect(uri) => Diagnostic::new(
            code,
            format!("unknown `$schema` {uri:?}: read as JSON Schema 2020-12"),
            span,
            at,
        )
        .help("name a JSON Schema draft (04, 06, 07, 2019-09, 2020-12) in `$schema`, or remove it"),
        SchemaErrorKind::TooDeep(r) => Diagnostic::new(
            code,
            format!(
                "`$ref` {r:?} is more than {} `$ref`s deep",
                crate::schema::MAX_REF_DEPTH
            ),
            span,
            at,
        )
        .help("a chain of `$ref`s that long is a generated or hostile schema: point the mapping at the definition the chain ends in"),
    }
}

/// `string | integer`.
fn kind_list(kinds: &[crate::schema::Kind]) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    names.join(" | ")
}

/// A table file that failed to load.
pub fn from_table(e: &TableError, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::TABLE_INVALID,
        format!("invalid lookup table: {}", e.message),
        span,
        "table loaded from here",
    )
    .help("a table is a YAML map from keys to values of one type (strings, integers, decimals or booleans); docs/dsl.md, \"Lookup tables\"")
}

/// A file named by the mapping that could not be read.
pub fn read_failed(what: &str, why: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::READ_FAILED,
        format!("cannot read {what}: {why}"),
        span,
        "named here",
    )
    .help("paths in a mapping are relative to the mapping file's folder")
}

/// A header without `source` or `target`.
pub fn missing_directive(which: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::MISSING_DIRECTIVE,
        format!("the mapping has no `{which}` schema"),
        span,
        format!("add `{which} \"<path to schema>\"` to this header"),
    )
    .help(format!(
        "a mapping's header names both schemas: `{which} \"<path to schema>\"`"
    ))
}

/// What is wrong with a mapping's named inputs (`source <name> "..."`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputsProblem {
    /// Named inputs beside a plain `source`.
    MixedWithSource,
    /// A named input with `at` or `format`.
    RoutedOrFormatted,
    /// `optional` on the one plain `source`.
    OptionalSource,
    /// Two inputs of one name.
    DeclaredTwice {
        /// The input.
        input: String,
    },
}

/// Named inputs (`source <name> "..."`) used wrongly.
pub fn bad_inputs(problem: &InputsProblem, span: Span) -> Diagnostic {
    let title = match problem {
        InputsProblem::MixedWithSource => {
            "a mapping reads either one source or named inputs, not both".to_owned()
        }
        InputsProblem::RoutedOrFormatted => {
            "a named input is one JSON document: read into it with paths, not `at` or `format`"
                .to_owned()
        }
        InputsProblem::OptionalSource => {
            "only a named input can be `optional`: a mapping's one source is its record".to_owned()
        }
        InputsProblem::DeclaredTwice { input } => format!("input `{input}` is declared twice"),
    };
    let help = match problem {
        InputsProblem::MixedWithSource => {
            "name every input (`source order \"...\"`, `source items \"...\"`), or read one `source` alone"
        }
        InputsProblem::RoutedOrFormatted => "drop `at`/`format` from the named input",
        InputsProblem::OptionalSource => "drop `optional`, or name the inputs the record is made of",
        InputsProblem::DeclaredTwice { .. } => "remove one of the declarations, or rename one",
    };
    Diagnostic::new(codes::BAD_INPUTS, title, span, "here").help(help)
}

/// A checker error.
pub fn from_check(e: &CheckError) -> Diagnostic {
    let mut d = check_diagnostic(&e.kind, e.span);
    d.severity = e.severity;
    d
}

fn check_diagnostic(kind: &CheckErrorKind, span: Span) -> Diagnostic {
    use CheckErrorKind as K;
    let code = kind.code();
    match kind {
        K::UnknownSourceField { name, candidates, schema } => Diagnostic::new(
            code,
            format!("unknown source field `{name}`"),
            span,
            format!("not a property of {schema}"),
        )
        .maybe_help(did_you_mean(candidates)),
        K::BrokenSchema(e) => from_schema(e, span),
        K::UnknownTargetField { name, candidates, schema } => Diagnostic::new(
            code,
            format!("unknown target field `{name}`"),
            span,
            format!("not a property of {schema}"),
        )
        .maybe_help(did_you_mean(candidates)),
        K::TypeMismatch {
            expected,
            found,
            hint,
            argument,
        } => Diagnostic::new(
            code,
            match argument {
                None => format!("type mismatch: expected {expected}, found {found}"),
                Some((index, function)) => format!(
                    "type mismatch: expected {expected} (argument {} of `{function}`), found {found}",
                    index + 1
                ),
            },
            span,
            format!("this is {found}"),
        )
        .maybe_help(hint.as_ref().map(hint_text)),
        K::OptionalToRequired { field, because } => absent_because(
            Diagnostic::new(
                code,
                format!("`{field}` is required, but this value may be absent"),
                span,
                primary_absence(because, span),
            ),
            because,
            span,
        )
        .help("give a default with `?? value`, or assert presence with `!` (absent becomes a runtime error R103)"),
        K::Todo {
            note,
            description,
            schema,
        } => Diagnostic::new(
            code,
            match note {
                Some(note) => format!("not mapped yet: {note}"),
                None => "not mapped yet (`todo` takes one string: what is left to do)".to_owned(),
            },
            span,
            "write this field's value here",
        )
        .help(match description {
            Some(description) => format!("the target field ({schema}): {description}"),
            None => format!("the target field is declared at {schema}"),
        }),
        K::MissingTarget { field, schema } => Diagnostic::new(
            code,
            format!("required target field `{field}` is never assigned"),
            span,
            format!("`{field}` is missing from this object"),
        )
        .help(format!("assign it: `{field} = ...` (declared at {schema})")),
        K::DuplicateAssignment { field, first } => Diagnostic::new(
            code,
            format!("`{field}` is assigned twice"),
            span,
            "assigned again here",
        )
        .secondary(*first, "first assigned here")
        .help("remove one of the assignments"),
        K::TableMiss { table, keys, file } => Diagnostic::new(
            code,
            format!("lookup table `{table}` has no entry for {}", quoted_list(keys)),
            span,
            "this key can take a value the table does not map",
        )
        .help(format!("add the missing keys to {file}")),
        K::UnknownFunction { name, candidates } => Diagnostic::new(
            code,
            format!("unknown function `{name}`"),
            span,
            "not a builtin",
        )
        .help(did_you_mean(candidates).unwrap_or_else(|| "the builtins are listed in docs/dsl.md".to_owned())),
        K::WrongArity { name, expected, found } => Diagnostic::new(
            code,
            format!("`{name}` takes {expected} argument(s), {found} given"),
            span,
            format!("{found} argument(s)"),
        )
        .maybe_help(crate::builtins::Builtin::named(name).map(|b| {
            let decl = b.decl();
            format!("usage: {} gives {}", decl.usage, decl.doc)
        })),
        K::UnknownName { name, candidates } => Diagnostic::new(
            code,
            format!("unknown name `{name}`"),
            span,
            "not a let-binding, loop variable or table in scope",
        )
        .help(did_you_mean(candidates).unwrap_or_else(|| {
            "source fields start with a dot: `.field`".to_owned()
        })),
        K::NotInTargetEnum { values, allowed } => Diagnostic::new(
            code,
            format!("{} not allowed by the target schema", quoted_list(values)),
            span,
            "can produce a value outside the target's enum",
        )
        .help(format!("allowed values: {}", quoted_list(allowed))),
        K::NonExhaustiveMatch { missing } if missing.is_empty() => Diagnostic::new(
            code,
            "`match` has no `_` arm",
            span,
            "values not listed here are not handled",
        )
        .help("add a last arm `_ => ...`"),
        K::NonExhaustiveMatch { missing } => Diagnostic::new(
            code,
            format!("`match` does not handle {}", missing.join(", ")),
            span,
            "the source schema allows values no arm matches",
        )
        .help("add arms for them, or a last arm `_ => ...`"),
        K::MaybeAbsent { needed_by, because } => absent_because(
            Diagnostic::new(
                code,
                format!("{} may be absent", needed_by_text(needed_by)),
                span,
                primary_absence(because, span),
            ),
            because,
            span,
        )
        .help("give a default with `?? value` (`?? []` for arrays), or assert presence with `!`"),
        K::UnsupportedSourceType {
            field,
            problem,
            schema,
        } => {
            use crate::check::SourceTypeProblem as P;
            let why = match problem {
                P::NoType => "no `type` (nor `enum`, `const`, `properties` or `items`): any JSON value".to_owned(),
                P::SeveralTypes(kinds) => format!("`type` admits {}", kinds.join(" | ")),
                P::NullableItems => "the array's `items` admit null".to_owned(),
            };
            Diagnostic::new(
                code,
                format!("source field `{field}` has no single usable type"),
                span,
                format!("{schema}: {why}"),
            )
            .help(format!(
                "keep the channel's file as it is: point `source` at a schema of your own \
                 that is `allOf` the channel's and one giving `{field}` {} \
                 (`allOf` intersects, so the rest reads as before)",
                match problem {
                    P::NoType | P::SeveralTypes(_) => "a single `type`",
                    P::NullableItems => "`items` of one non-null type",
                }
            ))
        }
        K::ObjectOutsideTarget => Diagnostic::new(
            code,
            "objects can only be built as a target field's value",
            span,
            "built here",
        )
        .help("assign the object to a target field, or compute scalar values here"),
        K::BadArgument(problem) => {
            Diagnostic::new(code, "invalid argument", span, "not valid here").help(argument_text(*problem))
        }
        K::TableOfUndelimited { format } => Diagnostic::new(
            code,
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
                crate::builtins::Constant::ReasonCode => {
                    "a reason code is lower-case snake case, such as \"not_a_tracker\" (64 characters at most)"
                        .to_owned()
                }
                crate::builtins::Constant::Pattern => match runtime::pattern::compile(value) {
                    Err(fault) => fault.message,
                    Ok(_) => "a pattern is a regular expression in the `regex` crate's syntax".to_owned(),
                },
            };
            Diagnostic::new(code, "invalid argument", span, format!("{value:?} is not valid here"))
                .help(valid)
        }
        K::NotALiteral { constant } => {
            let what = match constant {
                crate::builtins::Constant::Pattern => "a pattern",
                crate::builtins::Constant::ReasonCode => "a reason code",
                _ => "this argument",
            };
            Diagnostic::new(
                code,
                "invalid argument",
                span,
                format!("{what} must be written as a string literal"),
            )
            .help("it is checked before any record is read; write it in quotes here")
        }
        K::UnusedLet { name } => Diagnostic::new(
            code,
            format!("`{name}` is never used"),
            span,
            "bound here",
        )
        .help("remove the `let`, or use it"),
        K::NeverAbsent { construct } => Diagnostic::new(
            code,
            format!("`{construct}` on a value that is never absent"),
            span,
            "this value is always present",
        )
        .help("remove it"),
        K::StatedFromList { field, list } => Diagnostic::new(
            code,
            format!("`{field}` is a stated figure, but it is computed from a list"),
            span,
            "assigned here",
        )
        .secondary(*list, "depends on this list")
        .help(
            "state only what the channel states (a figure the payload gives); leave it out \
             when the channel states none, and add up the lines in `computed`",
        ),
        K::TargetTitle { written, title } => Diagnostic::new(
            code,
            format!("the target schema is `{title}`, not `{written}`"),
            span,
            "named here",
        )
        .help(format!("write `-> {title}`")),
        K::BadFunction(problem) => {
            Diagnostic::new(code, function_text(problem), span, "here").help(function_help(problem))
        }
        K::BadEmit(problem) => {
            use crate::check::EmitProblem as P;
            let (label, help) = match problem {
                P::InsideARecord => (
                    "`emit` inside a record or a field",
                    "emit records at the top of the mapping, or inside another `emit`'s block",
                ),
                P::BesideFields => (
                    "a field assigned beside `emit`",
                    "a mapping that emits assigns every field inside its `emit` blocks; compute shared values with `let`",
                ),
                P::NotABlock => (
                    "`emit for ... => value`",
                    "write the record as a block: `emit for x in xs { field = ... }`",
                ),
            };
            Diagnostic::new(code, "`emit` where records cannot be emitted", span, label).help(help)
        }
        K::BadParam(problem) => {
            use crate::check::ParamProblem as P;
            match problem {
                P::UnknownType(ty) => Diagnostic::new(
                    code,
                    format!("unknown parameter type `{ty}`"),
                    span,
                    "not a parameter type",
                )
                .help(format!(
                    "parameter types are: {}",
                    runtime::params::ParamType::NAMES.join(", ")
                )),
                P::BadDefault(why) => Diagnostic::new(code, "invalid parameter default", span, why.clone())
                    .help("write a default of the parameter's type (`param rate: decimal = 0.2`), or none: then every deployment supplies it"),
                P::Duplicate(name) => Diagnostic::new(
                    code,
                    format!("`{name}` is already a parameter or a table"),
                    span,
                    "declared again here",
                )
                .help("give the parameter a name of its own"),
            }
        }
        K::BadRecordPath { path, problem } => Diagnostic::new(
            code,
            format!("the source schema has no record at `{path}`"),
            span,
            route_text(*problem),
        )
        .help(match problem {
            RouteProblem::NotAProperty | RouteProblem::NotAnArray => {
                "a route names where records sit in a payload: `.` (the payload is the record), `.order`, `.orders[]` (each element of an array); check the names against the source schema"
            }
            RouteProblem::OtherRecordSchema => {
                "every route of a mapping leads to one record schema; a payload of another record type is another mapping"
            }
        }),
    }
}

/// The help text of a type mismatch's hint.
fn hint_text(hint: &Hint) -> String {
    match hint {
        Hint::ParseNumber => "parse it with `decimal(...)` or `int(...)`".to_owned(),
        Hint::ConvertToString => "convert it with `string(...)`".to_owned(),
        Hint::ConvertScalar => "the schema lets it be a string, a number or a boolean: convert it with `string(...)`, `int(...)` or `decimal(...)`".to_owned(),
        Hint::ElementsOfAnyType => "the schema gives the array no `items`, so its elements cannot be read: count it, or give it `items` with a local schema that `allOf`s the channel's".to_owned(),
        Hint::ConvertToDecimal => "convert it with `decimal(...)`".to_owned(),
        Hint::ParseTimestamp => {
            "parse it with `timestamp(...)` (RFC 3339) or `parse_time(s, format, zone)`".to_owned()
        }
        Hint::MoneyNeedsCurrency => "money needs a currency: `money(amount, currency)`".to_owned(),
        Hint::SumMoneyAmounts => {
            "sum the amounts and wrap the total: `money(sum(for x in xs => amount(x)), currency)`"
                .to_owned()
        }
        Hint::FlattenWithFor => {
            "build the inner arrays with `for`: `flatten(for g in .groups => g.items ?? [])`"
                .to_owned()
        }
        Hint::LookUpTable { table } => format!("look a key up with `{table}[key]`"),
        Hint::TableKeysAreStrings => "table keys are strings; convert with `string(...)`".to_owned(),
        Hint::DistinctPayloadObjects { first, second } => format!(
            "`{first}` and `{second}` are different objects of the payload; read the field from each: `(with x = a => x.f) ?? (with y = b => y.f)`"
        ),
        Hint::FieldOfPayloadObject { field } => {
            format!("`.{field}` reads a field of an object from the payload")
        }
        Hint::BindComputedObject => "bind the object with `with x = ... { }` first".to_owned(),
        Hint::ArithmeticOnText => {
            "parse text with `decimal(...)` first; join strings with `++`".to_owned()
        }
        Hint::ArithmeticOnMoney => "money adds to money of the same currency; for other arithmetic use `amount(...)` and wrap the result with `money(...)`".to_owned(),
        Hint::ArithmeticNeedsNumbers => "arithmetic needs int or decimal operands".to_owned(),
    }
}

/// What needed a value, as the subject of "... may be absent".
/// The label of a value that may be absent: why, when the reason is the
/// value itself.
fn primary_absence(because: &crate::check::Absence, span: Span) -> String {
    if because.span == span {
        absence_text(&because.note)
    } else {
        "may be absent".to_owned()
    }
}

/// The places an absence comes from, as secondary labels.
fn absent_because(mut d: Diagnostic, because: &crate::check::Absence, span: Span) -> Diagnostic {
    if because.span != span {
        d = d.secondary(because.span, absence_text(&because.note));
    }
    for (at, note) in &because.labels {
        if *at != span {
            d = d.secondary(*at, absence_text(note));
        }
    }
    d
}

fn absence_text(note: &crate::check::AbsenceNote) -> String {
    use crate::check::AbsenceNote as N;
    match note {
        N::SourceField => "may be missing or null in the payload".to_owned(),
        N::Builtin { name, clause } => format!("`{name}` may give no value: {clause}"),
        N::IfWithoutElse => {
            "an `if` without `else` gives no value when its condition is false".to_owned()
        }
        N::LookupMiss => "`lookup` gives no value for a key its table does not have".to_owned(),
        N::Local(name) => format!("`{name}` may be absent"),
        N::BoundHere(name) => format!("`{name}` is bound here"),
        N::Unknown => "may be absent".to_owned(),
    }
}

fn needed_by_text(needed_by: &NeededBy) -> String {
    match needed_by {
        NeededBy::Argument { index, function } => {
            format!("argument {} of `{function}`", index + 1)
        }
        NeededBy::Operand(operator) => format!("the operand of `{operator}`"),
        NeededBy::Condition(construct) => format!("the condition of `{construct}`"),
        NeededBy::ForArray => "the array of a `for` loop".to_owned(),
        NeededBy::ForElement => "an element of a `for` array".to_owned(),
        NeededBy::ArrayElement => "an array element".to_owned(),
    }
}

fn argument_text(problem: ArgumentProblem) -> &'static str {
    match problem {
        ArgumentProblem::LookupNeedsTable => {
            "`lookup(table, key)` takes a table declared with `table <name> = \"<file>\"` and a key"
        }
        ArgumentProblem::HasNeedsField => {
            "`has` takes a source path ending in a field, e.g. `has(.customer.email)`"
        }
        ArgumentProblem::IndexNotLiteral => {
            "an array index must be an integer literal; iterate with `for` instead"
        }
        ArgumentProblem::KeyFnOutsideGroupBy => {
            "`x => key` is the key of each element, written only as the second argument of `group_by(xs, x => key)`"
        }
        ArgumentProblem::GroupByNeedsKeyFn => {
            "`group_by` takes the key of each element as `x => key`, e.g. `group_by(.lines, l => l.tax_rate)`"
        }
        ArgumentProblem::DateIsNotATimestamp => {
            "the schema says this is a date (`format: date`): it has no time or zone, so `timestamp` would fail every record (R105); keep it as text, or `parse_time` it with the zone it is in"
        }
    }
}

fn function_text(problem: &FunctionProblem) -> String {
    use FunctionProblem as P;
    match problem {
        P::DeclaredTwice { function } => format!("function `{function}` is declared twice"),
        P::NamedLikeBuiltin { function } => format!("`{function}` is a builtin function"),
        P::ParameterTwice { parameter } => format!("parameter `{parameter}` is named twice"),
        P::ParameterHidesTable { parameter } => {
            format!("parameter `{parameter}` hides the table of that name")
        }
        P::RebindsParameter { name } => format!("`{name}` is a parameter: bind another name"),
        P::NotAParameter { name, function } => format!(
            "`{name}` is not a parameter of `{function}`: a function sees only its parameters, the record, tables and functions"
        ),
        P::WrongArity {
            function,
            expected,
            found,
        } => format!("`{function}` takes {expected} argument(s), {found} given"),
        P::Recursive { function } => format!("`{function}` calls itself: functions cannot recurse"),
        P::CapturedArgument { function, name } => {
            format!("`{function}` binds its own `{name}`: rename this one to pass it in")
        }
        P::TooDeep { levels } => {
            format!("with its functions expanded, this nests deeper than {levels} levels")
        }
        P::TooManyCalls { limit } => format!("more than {limit} function calls to expand"),
        P::TooLarge { limit } => format!(
            "expanding these functions would make the mapping more than {limit} expression nodes: an argument used several times in a body is copied at each call"
        ),
    }
}

/// How to fix a function problem.
fn function_help(problem: &FunctionProblem) -> &'static str {
    use FunctionProblem as P;
    match problem {
        P::DeclaredTwice { .. } | P::NamedLikeBuiltin { .. } => "give the function another name",
        P::ParameterTwice { .. } | P::ParameterHidesTable { .. } | P::RebindsParameter { .. } => {
            "rename the parameter or the binding"
        }
        P::NotAParameter { .. } => "pass the value in as a parameter",
        P::WrongArity { .. } => "pass one argument per parameter",
        P::Recursive { .. } => {
            "write the repetition with `for` over a list, or as a second function"
        }
        P::CapturedArgument { .. } => "rename the binding outside the call, or inside the function",
        P::TooDeep { .. } | P::TooManyCalls { .. } | P::TooLarge { .. } => {
            "bind an argument used several times to a `let` before the call, or inline less"
        }
    }
}

fn route_text(problem: RouteProblem) -> &'static str {
    match problem {
        RouteProblem::NotAProperty => "not a property here",
        RouteProblem::NotAnArray => "not an array of records in the source schema",
        RouteProblem::OtherRecordSchema => "leads to another record schema than the first route",
    }
}
