//! The mapping AST: what the file says, with a byte span on every node.

use crate::span::Span;

/// A name and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// A parsed mapping file.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingFile {
    /// The `mapping ... -> ...` header and its directives.
    pub header: Header,
    /// Top-level lets and target assignments, in file order.
    pub items: Vec<Item>,
    /// `fn` declarations, in file order.
    pub functions: Vec<FnDecl>,
}

/// `fn name(a, b) = expr`.
#[derive(Debug, Clone, PartialEq)]
pub struct FnDecl {
    /// The function's name.
    pub name: Ident,
    /// Parameter names.
    pub params: Vec<Ident>,
    /// The body: any expression, or an object block built where called.
    pub body: Expr,
}

/// `mapping shopify.order -> SalesOrder` and the directives after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// `shopify.order`.
    pub id: Ident,
    /// `SalesOrder`.
    pub target_name: Ident,
    /// `source "..." at .order`.
    pub source: Option<SourceDecl>,
    /// `source <name> "..."`: named inputs of a record made of several
    /// documents, in order.
    pub inputs: Vec<SourceDecl>,
    /// `target "..."`.
    pub target: Option<StringLit>,
    /// `table name = "..."`, in order.
    pub tables: Vec<TableDecl>,
    /// `where <condition>`: only records for which it holds are mapped.
    pub keep: Option<Expr>,
    /// `param name: type [= default]`, in order.
    pub params: Vec<ParamDecl>,
    /// The whole header.
    pub span: Span,
}

/// A string literal with its decoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringLit {
    /// Decoded text.
    pub value: String,
    /// Where it was written (quotes included).
    pub span: Span,
}

/// `source "schema.json" at .order`.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDecl {
    /// The input's name (`source order "..."`), for named inputs.
    pub name: Option<Ident>,
    /// Path of the source JSON Schema, relative to the mapping file.
    pub schema: StringLit,
    /// Where the records sit in a payload: every route whose first key the
    /// payload has is taken (empty: the payload is the record).
    pub at: Vec<RouteDecl>,
    /// `format csv|tsv|xml|json [table]` (JSON when absent).
    pub format: Option<FormatDecl>,
    /// `optional`: a named input the record may come without.
    pub optional: Option<Span>,
    /// The whole directive.
    pub span: Span,
}

/// `format tsv table`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatDecl {
    /// The format named.
    pub name: FormatName,
    /// Where the name was written.
    pub span: Span,
    /// `table`: the whole file is one record `{"rows": [...]}`; where the
    /// keyword was written.
    pub table: Option<Span>,
}

/// The formats a mapping can name after `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatName {
    /// `json`: documents or NDJSON.
    Json,
    /// `csv`: comma-separated rows with a header line.
    Csv,
    /// `tsv`: tab-separated rows with a header line.
    Tsv,
    /// `xml`: an XML document read as a JSON tree.
    Xml,
    /// `xml_json`: JSON written from XML, a list of one as its element.
    XmlJson,
}

/// One route of `source ... at`: `.order`, or `.list.orders[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteDecl {
    /// Object keys from the payload root.
    pub keys: Vec<Ident>,
    /// `[]`: every element of the array there is a record.
    pub each: bool,
    /// The route as written.
    pub span: Span,
}

/// `param store_currency: CurrencyCode = "EUR"`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    /// The name expressions read it by.
    pub name: Ident,
    /// The type, as written (`CurrencyCode`).
    pub ty: Ident,
    /// The default's text (a string's value, a number or `true`/`false`)
    /// and where it was written.
    pub default: Option<(String, Span)>,
    /// The whole directive.
    pub span: Span,
}

/// `table status = "tables/status.yaml"`.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    /// Table name used in expressions.
    pub name: Ident,
    /// YAML file, relative to the mapping file.
    pub file: StringLit,
}

/// A statement in a block.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `let name = expr`
    Let(LetItem),
    /// `a.b = expr`
    Assign(Assign),
    /// `assert(condition, "reason", message)`: the record is rejected
    /// unless the condition holds (the call, checked as one).
    Assert(Expr),
    /// `emit for x in xs { ... }`: one canonical record per element (the
    /// `for`, whose block builds a record or holds further `emit`s).
    Emit(Expr),
}

/// `let name = expr`.
#[derive(Debug, Clone, PartialEq)]
pub struct LetItem {
    /// The bound name.
    pub name: Ident,
    /// Its value.
    pub value: Expr,
}

/// `totals.stated = expr`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    /// Target field path (one or more names).
    pub target: Vec<Ident>,
    /// The value.
    pub value: Expr,
    /// The whole assignment.
    pub span: Span,
}

/// An expression and its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
    /// For an expression expanded from a function body: the call in the
    /// mapping it came from (runtime errors point there; diagnostics still
    /// point at `span`).
    pub site: Option<Span>,
}

impl Expr {
    /// An expression written at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr {
            kind,
            span,
            site: None,
        }
    }
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `"text"`
    String(String),
    /// `42`
    Int(i64),
    /// `19.99` (exact)
    Decimal(rust_decimal::Decimal),
    /// `true`
    Bool(bool),
    /// `@2024-01-01T00:00:00Z`
    Timestamp(jiff::Timestamp),
    /// `null`
    Null,
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `a ?? b`
    Default,
    /// `a or b`
    Or,
    /// `a and b`
    And,
    /// `==`
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
    /// `++`
    Concat,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Default => "??",
            Self::Or => "or",
            Self::And => "and",
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Concat => "++",
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "/",
        }
    }
}

/// One `pattern | pattern => value` arm of a `match`.
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    /// Literal patterns; empty means `_`.
    pub patterns: Vec<(Literal, Span)>,
    /// The arm's value.
    pub value: Expr,
    /// The whole arm.
    pub span: Span,
}

/// The body of `for` / `with`: an object block or `=> expr`.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `{ field = expr ... }`
    Object(Vec<Item>, Span),
    /// `=> expr`
    Value(Box<Expr>),
}

/// `for item, i in xs where cond { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForExpr {
    /// Element name.
    pub item: Ident,
    /// Optional 0-based index name.
    pub index: Option<Ident>,
    /// The array iterated.
    pub source: Box<Expr>,
    /// Optional filter.
    pub filter: Option<Box<Expr>>,
    /// What each element becomes.
    pub body: Body,
}

/// Expression forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// `.field` on the source record.
    SourceField(Ident),
    /// A let-bound or loop variable, or a table name.
    Variable(Ident),
    /// `expr.field`
    Field(Box<Expr>, Ident),
    /// `expr[index]` (array index or table lookup)
    Index(Box<Expr>, Box<Expr>),
    /// `expr!`
    Assert(Box<Expr>),
    /// `f(args)`
    Call(Ident, Vec<Expr>),
    /// `x => key`: the key of each element, an argument of `group_by`.
    KeyFn(Ident, Box<Expr>),
    /// `-x`, `not x`
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Option<Box<Expr>>),
    /// `match x { ... }`
    Match(Box<Expr>, Vec<Arm>),
    /// `for ...`
    For(ForExpr),
    /// `with c = expr { ... }`
    With(Ident, Box<Expr>, Body),
    /// `{ field = expr ... }`
    Object(Vec<Item>),
    /// `[a, b]`
    Array(Vec<Expr>),
}
