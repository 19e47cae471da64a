//! The typed IR: what the checker produces and the only input to the
//! evaluator and to code generation.
//!
//! Every expression carries its type, whether it may be absent, and the
//! mapping location used in runtime errors. Source reads are described by
//! [`Shape`]s: exactly the fields the mapping reads, nothing else.

mod types;

pub use crate::builtins::Builtin;
pub use types::Ty;

use crate::span::Span;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Index of a [`Shape`] in [`Mapping::shapes`].
pub type ShapeId = usize;
/// Index of a local variable (let, loop element, loop index, with-binding).
pub type LocalId = usize;
/// Index of a [`Table`] in [`Mapping::tables`].
pub type TableId = usize;

/// One route into a payload (see `runtime::Route`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Object keys from the payload root.
    pub keys: Vec<String>,
    /// Every element of the array at `keys` is a record.
    pub each: bool,
}

impl Mapping {
    /// Call `f` with the envelope (routes, and the format's one-or-many
    /// rule) as the host takes it.
    pub fn with_envelope<R>(&self, f: impl FnOnce(&host::Envelope<'_>) -> R) -> R {
        let keys: Vec<Vec<&str>> = self
            .routes
            .iter()
            .map(|r| r.keys.iter().map(String::as_str).collect())
            .collect();
        let routes: Vec<runtime::Route<'_>> = self
            .routes
            .iter()
            .zip(&keys)
            .map(|(r, k)| runtime::Route {
                keys: k,
                each: r.each,
            })
            .collect();
        f(&host::Envelope::new(self.format, &routes))
    }
}

impl Expr {
    /// The expressions this one is built from, in evaluation order (an
    /// object's `let`s, then its fields).
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Lit(_) | ExprKind::Path { .. } | ExprKind::Local(_) => Vec::new(),
            ExprKind::Unary(_, x) | ExprKind::Assert(x, _) | ExprKind::Lookup(_, x, _, _) => {
                vec![x]
            }
            ExprKind::Binary(_, a, b) => vec![a, b],
            ExprKind::Call(_, args, _) | ExprKind::Array(args) => args.iter().collect(),
            ExprKind::If(c, a, b) => [Some(&**c), Some(&**a), b.as_deref()]
                .into_iter()
                .flatten()
                .collect(),
            ExprKind::Match {
                scrutinee,
                arms,
                otherwise,
                ..
            } => std::iter::once(&**scrutinee)
                .chain(arms.iter().map(|(_, v)| v))
                .chain(otherwise.as_deref())
                .collect(),
            ExprKind::For(f) => std::iter::once(&f.source)
                .chain(f.filter.as_ref())
                .chain(std::iter::once(&f.body))
                .collect(),
            ExprKind::With { value, body, .. } => vec![value, body],
            ExprKind::Object(object) => object
                .lets
                .iter()
                .map(|(_, e)| e)
                .chain(object.fields.iter().map(|f| &f.value))
                .collect(),
        }
    }

    /// Whether this value builds target objects in place (both back ends
    /// write it straight into the output): a block, a `for` building a
    /// block, a list of such values, or an `if` choosing between two.
    pub fn builds_in_place(&self) -> bool {
        match &self.kind {
            ExprKind::Object(_) => true,
            ExprKind::For(f) => matches!(f.body.kind, ExprKind::Object(_)),
            ExprKind::Array(items) => items.iter().all(Expr::builds_in_place),
            ExprKind::If(_, a, Some(b)) => a.builds_in_place() && b.builds_in_place(),
            _ => false,
        }
    }
}

/// What a table lookup does with a key the table does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnMiss {
    /// `table[key]`: the record fails (R106) and is dead-lettered.
    Fail,
    /// `lookup(table, key)`: the value is absent (give it a default with `??`).
    Absent,
}

/// A checked mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// `shopify.order`.
    pub id: String,
    /// `SalesOrder`.
    pub target: String,
    /// The mapping file, as named in runtime error locations.
    pub file: String,
    /// Path from the payload root to the record when the mapping has one
    /// plain route (`at .order`): the generated code unwraps it itself.
    pub at: Vec<String>,
    /// Otherwise, the routes the runtime cuts payloads along
    /// (`at .level | .levels[]`; see `host::envelope`).
    pub routes: Vec<Route>,
    /// Named inputs (`source order "..."`): the record is
    /// `{"<name>": <document>, ...}`, built by `host::envelope::combine`.
    pub inputs: Vec<String>,
    /// The named inputs a record may come without (`source x "..."
    /// optional`).
    pub optional_inputs: Vec<String>,
    /// What the mapping reads (JSON, or delimited rows as JSON objects).
    pub format: runtime::SourceFormat,
    /// Source object shapes; `shapes[0]` is the record.
    pub shapes: Vec<Shape>,
    /// Lookup tables.
    pub tables: Vec<Table>,
    /// Number of locals used.
    pub locals: usize,
    /// The name each local was bound with in the mapping (for generated
    /// code; not unique).
    pub local_names: Vec<String>,
    /// Parameters (`param store_currency: CurrencyCode`), read before
    /// anything else.
    pub params: Vec<Param>,
    /// `where <condition>`: a record for which it is false produces no
    /// output (neither a record nor a failure).
    pub keep: Option<Expr>,
    /// The canonical record; when the mapping emits its records
    /// (`emits`), only its `let`s, evaluated first.
    pub body: Object,
    /// `emit for ...`: the records, several per input (empty: `body` is the
    /// one record).
    pub emits: Vec<Emit>,
}

/// `emit for x in xs where c { ... }`: a record (or further emits) per
/// element, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Emit {
    /// Element local.
    pub item: LocalId,
    /// Index local.
    pub index: LocalId,
    /// The array.
    pub source: Expr,
    /// Filter.
    pub filter: Option<Expr>,
    /// What each element emits.
    pub body: EmitBody,
}

/// What an `emit` gives per element.
#[derive(Debug, Clone, PartialEq)]
pub enum EmitBody {
    /// One canonical record.
    Record(Object),
    /// `let`s, then further emits.
    Scope(Vec<(LocalId, Expr)>, Vec<Emit>),
}

/// The part of one source object type that the mapping reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shape {
    /// Schema location (`file#/pointer`) the shape was read from.
    pub origin: String,
    /// Fields read, sorted by name.
    pub fields: BTreeMap<String, ShapeField>,
}

/// One field read from a source object.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeField {
    /// Its type.
    pub ty: Ty,
    /// May be missing or null.
    pub optional: bool,
    /// `has(..)` asks whether the key is present (even when null): the
    /// generated struct keeps missing and null apart.
    pub presence: bool,
}

/// A lookup table loaded from YAML.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Name in the mapping.
    pub name: String,
    /// YAML file, as named in the mapping.
    pub file: String,
    /// Entries, sorted by key.
    pub entries: BTreeMap<String, Lit>,
    /// Type of every value.
    pub value_ty: Ty,
}

impl Mapping {
    /// The parameters, as the runtime declares them.
    pub fn param_decls(&self) -> Vec<runtime::ParamDecl<'_>> {
        self.params
            .iter()
            .map(|p| runtime::ParamDecl {
                name: &p.name,
                ty: p.ty,
                default: p.default.as_deref(),
            })
            .collect()
    }
}

/// A mapping parameter: the local it is read into.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The local holding its value.
    pub local: LocalId,
    /// Its name (as supplied: `--param <name>=...`).
    pub name: String,
    /// Its type.
    pub ty: runtime::params::ParamType,
    /// Its value when none is supplied.
    pub default: Option<String>,
    /// The declaration, blamed when no value is supplied.
    pub loc: Loc,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// Text.
    String(String),
    /// Integer.
    Int(i64),
    /// Exact decimal.
    Decimal(Decimal),
    /// Boolean.
    Bool(bool),
    /// Instant.
    Timestamp(jiff::Timestamp),
    /// Absent.
    Null,
}

/// A 1-based line and column in the mapping file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Loc {
    /// Line.
    pub line: u32,
    /// Column.
    pub column: u32,
}

/// One segment of a JSON path template used in runtime errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// `.name`
    Key(String),
    /// `[3]`
    Index(i64),
    /// `[i]` where `i` is the running index of the loop over local `LocalId`.
    Loop(LocalId),
    /// `[*]`: an element of an array picked by a `for` (a filtered list's
    /// index is not the payload's, so no index is claimed).
    Any,
}

/// Where a value came from in the payload (`$.order.line_items[i].price`).
pub type Origin = Vec<Seg>;

/// A typed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its type.
    pub ty: Ty,
    /// May be absent.
    pub optional: bool,
    /// Where it was written (line and column, for runtime errors).
    pub loc: Loc,
    /// Where it was written (bytes, for diagnostics).
    pub span: Span,
}

/// Where a path starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The record (after `at`).
    Record,
    /// A local bound to a source object.
    Local(LocalId),
}

/// One step of a source path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.name`; `optional` when the field may be missing or null.
    Field {
        /// Field name.
        name: String,
        /// May be missing or null.
        optional: bool,
    },
    /// `[n]` (absent when out of range).
    Index(i64),
}

/// Typed unary operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unary {
    /// Integer negation.
    NegInt,
    /// Decimal negation.
    NegDecimal,
    /// Boolean not.
    Not,
}

/// Typed binary operations (the checker picked the overload).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    /// `a ?? b`
    Default,
    /// `a or b`
    Or,
    /// `a and b`
    And,
    /// `==` (on any comparable type)
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `++` on strings
    Concat,
    /// Integer arithmetic.
    Int(char),
    /// Decimal arithmetic (integers are widened first).
    Decimal(char),
    /// Money `+` / `-` (same currency).
    Money(char),
}

/// A resolved builtin call: the builtin and which of its overloads the
/// argument types chose (see `crate::builtins`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Callee {
    /// The builtin.
    pub builtin: Builtin,
    /// Index into its declaration's overloads.
    pub overload: usize,
}

impl Callee {
    /// The overload called.
    pub fn overload(self) -> Option<&'static crate::builtins::Overload> {
        self.builtin.decl().overloads.get(self.overload)
    }
}

/// Expression forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Lit(Lit),
    /// A read from the source.
    Path {
        /// Start.
        base: Base,
        /// Whether the base itself may be absent (an optional `let`).
        base_optional: bool,
        /// Steps.
        steps: Vec<Step>,
    },
    /// A local's value.
    Local(LocalId),
    /// `-x`, `not x`.
    Unary(Unary, Box<Expr>),
    /// `a op b`.
    Binary(Binary, Box<Expr>, Box<Expr>),
    /// `x!`: absent is an error.
    Assert(Box<Expr>, Origin),
    /// A builtin call; `origin` names the source value blamed on failure.
    Call(Callee, Vec<Expr>, Origin),
    /// `if c then a else b` (no else: absent).
    If(Box<Expr>, Box<Expr>, Option<Box<Expr>>),
    /// `match x { lits => v, _ => d }`.
    Match {
        /// The value matched.
        scrutinee: Box<Expr>,
        /// Arms in order.
        arms: Vec<(Vec<Lit>, Expr)>,
        /// The `_` arm.
        otherwise: Option<Box<Expr>>,
        /// Blamed when no arm matches (only possible for a payload that
        /// breaks its schema's `enum`).
        origin: Origin,
    },
    /// `table[key]` (a miss is an error) or `lookup(table, key)` (a miss
    /// is absent).
    Lookup(TableId, Box<Expr>, Origin, OnMiss),
    /// `for item, i in xs where c => body`.
    For(Box<ForLoop>),
    /// `with x = v => body`: absent when `v` is.
    With {
        /// The binding.
        local: LocalId,
        /// The optional value bound.
        value: Box<Expr>,
        /// What it becomes.
        body: Box<Expr>,
    },
    /// An output object.
    Object(Object),
    /// `[a, b]`.
    Array(Vec<Expr>),
}

/// A `for` loop.
#[derive(Debug, Clone, PartialEq)]
pub struct ForLoop {
    /// Element local.
    pub item: LocalId,
    /// Index local (always bound; used in error paths).
    pub index: LocalId,
    /// The array.
    pub source: Expr,
    /// Filter.
    pub filter: Option<Expr>,
    /// Per-element value.
    pub body: Expr,
}

/// An output object: lets, then fields in target-schema order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object {
    /// `let`s, in order.
    pub lets: Vec<(LocalId, Expr)>,
    /// Fields, in target-schema order.
    pub fields: Vec<Field>,
}

/// How an absent value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenAbsent {
    /// The value is never absent.
    Never,
    /// The key is left out (optional target field).
    Omit,
    /// `null` is written (nullable target field).
    Null,
}

/// How a value is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// A JSON string.
    String,
    /// A decimal as a JSON string.
    DecimalString,
    /// A decimal as a JSON number.
    DecimalNumber,
    /// An integer.
    Int,
    /// A boolean.
    Bool,
    /// RFC 3339 UTC.
    Timestamp,
    /// `{amount, currency}`.
    Money,
    /// An output object (the value is an object-producing expression).
    Object,
    /// An array of elements written the given way.
    Array(Box<Write>),
    /// Always `null`.
    Null,
}

/// One output field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Key.
    pub name: String,
    /// Where it was assigned (for diagnostics).
    pub span: Span,
    /// Value.
    pub value: Expr,
    /// Encoding.
    pub write: Write,
    /// What happens when the value is absent.
    pub absent: WhenAbsent,
    /// Allowed strings to check at run time (target `enum` the checker
    /// could not prove).
    pub allowed: Option<Vec<String>>,
    /// Blamed when the run-time `enum` check fails.
    pub origin: Origin,
}
