//! pest pairs -> AST, one function per grammar rule.

use super::ast::*;
use super::literal;
use super::precedence::pratt;
use super::{Grammar, Rule};
use crate::span::Span;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::PrattParser;
use pest::Parser as _;
use std::cell::RefCell;

/// What is wrong with the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The grammar expected one of these token descriptions.
    Unexpected {
        /// Human names of what could come here.
        expected: Vec<String>,
    },
    /// A number does not fit a 64-bit integer or a decimal.
    InvalidNumber,
    /// `@...` is not an RFC 3339 timestamp with an offset.
    InvalidTimestamp,
    /// A string escape is not valid.
    InvalidEscape,
    /// Nesting deeper than [`super::MAX_DEPTH`].
    TooDeep,
}

/// A syntax error at a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong.
    pub kind: SyntaxErrorKind,
    /// Where.
    pub span: Span,
}

/// Parse a mapping file. All literal errors are reported; a grammar error
/// stops parsing at the first place the grammar cannot continue.
pub fn parse(text: &str) -> Result<MappingFile, Vec<SyntaxError>> {
    super::depth::prescan(text).map_err(|e| vec![e])?;
    // pest recurses once per nested rule: give it a stack that does not
    // depend on the caller's thread (test threads have 2 MiB).
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || parse_here(text))
            .map_or_else(
                |_| parse_here(text),
                |h| h.join().unwrap_or_else(|_| parse_here(text)),
            )
    })
}

/// Stack for the parser thread.
const PARSER_STACK: usize = 64 << 20;

/// Deepest pest pair nesting accepted before building the AST (several
/// grammar rules nest per expression level).
const MAX_PAIR_DEPTH: usize = super::MAX_DEPTH * 8;

fn parse_here(text: &str) -> Result<MappingFile, Vec<SyntaxError>> {
    let mut pairs = Grammar::parse(Rule::file, text).map_err(|e| vec![grammar_error(&e)])?;
    super::depth::check_pairs(pairs.clone(), MAX_PAIR_DEPTH).map_err(|e| vec![e])?;
    let file = pairs.next().map(|p| p.into_inner());
    let builder = Builder {
        pratt: pratt(),
        errors: RefCell::new(Vec::new()),
    };
    let mapping = file.and_then(|inner| builder.file(inner));
    let errors = builder.errors.into_inner();
    match mapping {
        Some(mapping) if errors.is_empty() => {
            super::depth::check_ast(&mapping).map_err(|e| vec![e])?;
            Ok(mapping)
        }
        _ => Err(errors),
    }
}

fn grammar_error(e: &pest::error::Error<Rule>) -> SyntaxError {
    let span = match e.location {
        InputLocation::Pos(p) => Span::new(p, p),
        InputLocation::Span((a, b)) => Span::new(a, b),
    };
    let mut expected: Vec<String> = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .filter_map(|r| describe(*r))
            .map(str::to_owned)
            .collect(),
        ErrorVariant::CustomError { message } => vec![message.clone()],
    };
    expected.sort();
    expected.dedup();
    SyntaxError {
        kind: SyntaxErrorKind::Unexpected { expected },
        span,
    }
}

/// Human names for the rules pest reports as expected.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::header => "`mapping <channel>.<object> -> <Target>`",
        Rule::mapping_id => "a mapping id such as `shopify.order`",
        Rule::ident | Rule::name | Rule::field_name => "a name",
        Rule::string | Rule::str_inner => "a string",
        Rule::expr | Rule::primary => "an expression",
        Rule::let_item | Rule::kw_let => "`let`",
        Rule::fn_item | Rule::kw_fn => "`fn`",
        Rule::assign | Rule::target_path => "a target field assignment",
        Rule::source_decl => "`source \"<schema>\"`",
        Rule::source_format => "`json`, `csv`, `tsv` or `xml`",
        Rule::route | Rule::root_path => "a route such as `.order` or `.orders[]`",
        Rule::each_marker => "`[]`",
        Rule::target_decl => "`target \"<schema>\"`",
        Rule::table_decl => "`table <name> = \"<file>\"`",
        Rule::keep_decl => "`where <condition>`",
        Rule::kw_in => "`in`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_where => "`where`",
        Rule::arrow => "`=>`",
        Rule::block => "`{`",
        Rule::arm | Rule::wildcard => "a match arm",
        Rule::op_default
        | Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_concat
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div => "an operator",
        Rule::op_assert | Rule::field | Rule::index => "`.field`, `[index]` or `!`",
        Rule::number | Rule::timestamp | Rule::boolean | Rule::null => "a literal",
        _ => return None,
    })
}

fn route(pair: Pair<'_, Rule>) -> RouteDecl {
    let whole = span_of(&pair);
    let mut keys = Vec::new();
    let mut each = false;
    // The route ends with its last part, not with the blank after it.
    let mut end = whole.start + 1;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::root_path => keys = part.into_inner().map(ident).collect(),
            _ => {
                end = end.max(span_of(&part).end);
                each = true;
            }
        }
    }
    if let Some(last) = keys.last() {
        end = end.max(last.span.end);
    }
    let span = Span::new(whole.start, end.min(whole.end));
    RouteDecl { keys, each, span }
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

/// A name; a quoted field name (`"settlement-id"`) loses its quotes.
fn ident(pair: Pair<'_, Rule>) -> Ident {
    let text = pair.as_str();
    let name = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    Ident {
        name: name.to_owned(),
        span: span_of(&pair),
    }
}

struct Builder {
    pratt: PrattParser<Rule>,
    errors: RefCell<Vec<SyntaxError>>,
}

impl Builder {
    fn error(&self, kind: SyntaxErrorKind, span: Span) {
        self.errors.borrow_mut().push(SyntaxError { kind, span });
    }

    fn file(&self, mut inner: Pairs<'_, Rule>) -> Option<MappingFile> {
        let header = self.header(inner.next()?)?;
        let mut items = Vec::new();
        let mut functions = Vec::new();
        for pair in inner.filter(|p| p.as_rule() != Rule::EOI) {
            if pair.as_rule() == Rule::fn_item {
                functions.extend(self.fn_item(pair));
            } else {
                items.extend(self.item(pair));
            }
        }
        Some(MappingFile {
            header,
            items,
            functions,
        })
    }

    fn fn_item(&self, pair: Pair<'_, Rule>) -> Option<FnDecl> {
        let mut inner = pair.into_inner().skip(1); // `fn`
        let name = ident(inner.next()?);
        let mut params = Vec::new();
        for part in inner {
            match part.as_rule() {
                Rule::ident => params.push(ident(part)),
                _ => {
                    return Some(FnDecl {
                        name,
                        params,
                        body: self.expr(part),
                    })
                }
            }
        }
        None
    }

    fn header(&self, pair: Pair<'_, Rule>) -> Option<Header> {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let id = ident(inner.next()?);
        let target_name = ident(inner.next()?);
        let mut header = Header {
            id,
            target_name,
            source: None,
            inputs: Vec::new(),
            target: None,
            tables: Vec::new(),
            keep: None,
            params: Vec::new(),
            span,
        };
        for directive in inner {
            match directive.as_rule() {
                Rule::source_decl => match self.source_decl(directive) {
                    Some(decl) if decl.name.is_some() => header.inputs.push(decl),
                    other => header.source = other,
                },
                Rule::target_decl => {
                    header.target = directive.into_inner().next().map(|s| self.string(s))
                }
                Rule::table_decl => header.tables.extend(self.table_decl(directive)),
                Rule::param_decl => header.params.extend(self.param_decl(directive)),
                Rule::keep_decl => {
                    header.keep = directive.into_inner().nth(1).map(|e| self.expr(e));
                }
                _ => {}
            }
        }
        Some(header)
    }

    fn source_decl(&self, pair: Pair<'_, Rule>) -> Option<SourceDecl> {
        let span = span_of(&pair);
        let mut inner = pair.into_inner().peekable();
        let name = inner.next_if(|p| p.as_rule() == Rule::ident).map(ident);
        let schema = self.string(inner.next()?);
        let mut at = Vec::new();
        let mut format: Option<FormatDecl> = None;
        let mut optional = None;
        for part in inner {
            match part.as_rule() {
                Rule::route => at.push(route(part)),
                Rule::optional_kw => optional = Some(span_of(&part)),
                Rule::table_kw => {
                    if let Some(f) = format.as_mut() {
                        f.table = Some(span_of(&part));
                    }
                }
                _ => {
                    let name = match part.as_str() {
                        "csv" => FormatName::Csv,
                        "tsv" => FormatName::Tsv,
                        "xml" => FormatName::Xml,
                        "xml_json" => FormatName::XmlJson,
                        _ => FormatName::Json,
                    };
                    format = Some(FormatDecl {
                        name,
                        span: span_of(&part),
                        table: None,
                    });
                }
            }
        }
        Some(SourceDecl {
            name,
            schema,
            at,
            format,
            optional,
            span,
        })
    }

    fn table_decl(&self, pair: Pair<'_, Rule>) -> Option<TableDecl> {
        let mut inner = pair.into_inner();
        let name = ident(inner.next()?);
        let file = self.string(inner.next()?);
        Some(TableDecl { name, file })
    }

    fn param_decl(&self, pair: Pair<'_, Rule>) -> Option<ParamDecl> {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let name = ident(inner.next()?);
        let ty = ident(inner.next()?);
        let default = inner.next().map(|d| {
            let at = span_of(&d);
            let text = match d.as_rule() {
                Rule::string => self.string(d).value,
                _ => d.as_str().to_owned(),
            };
            (text, at)
        });
        Some(ParamDecl {
            name,
            ty,
            default,
            span,
        })
    }

    fn string(&self, pair: Pair<'_, Rule>) -> StringLit {
        let span = span_of(&pair);
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        let value = literal::unescape(raw).unwrap_or_else(|| {
            self.error(SyntaxErrorKind::InvalidEscape, span);
            String::new()
        });
        StringLit { value, span }
    }

    fn item(&self, pair: Pair<'_, Rule>) -> Option<Item> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        match rule {
            Rule::let_item => {
                inner.next(); // `let`
                let name = ident(inner.next()?);
                let value = self.expr(inner.next()?);
                Some(Item::Let(LetItem { name, value }))
            }
            Rule::assert_item => Some(Item::Assert(self.expr_of_call(inner.next()?))),
            Rule::emit_item => {
                let each = inner.nth(1)?;
                let at = span_of(&each);
                let kind = self.for_expr(each)?;
                Some(Item::Emit(Expr::new(kind, at)))
            }
            Rule::assign => {
                let target = inner.next()?.into_inner().map(ident).collect();
                let value = self.expr(inner.next()?);
                Some(Item::Assign(Assign {
                    target,
                    value,
                    span,
                }))
            }
            _ => None,
        }
    }

    fn block(&self, pair: Pair<'_, Rule>) -> Vec<Item> {
        pair.into_inner().filter_map(|p| self.item(p)).collect()
    }

    fn expr(&self, pair: Pair<'_, Rule>) -> Expr {
        self.pratt
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, rhs| {
                let kind = if op.as_rule() == Rule::op_neg {
                    UnaryOp::Neg
                } else {
                    UnaryOp::Not
                };
                let span = span_of(&op).to(rhs.span);
                Expr::new(ExprKind::Unary(kind, Box::new(rhs)), span)
            })
            .map_postfix(|lhs, op| self.postfix(lhs, op))
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span.to(rhs.span);
                Expr::new(
                    ExprKind::Binary(binary_op(op.as_rule()), Box::new(lhs), Box::new(rhs)),
                    span,
                )
            })
            .parse(pair.into_inner())
    }

    fn postfix(&self, lhs: Expr, op: Pair<'_, Rule>) -> Expr {
        let span = lhs.span.to(span_of(&op));
        let kind = match op.as_rule() {
            Rule::field => match op.into_inner().next() {
                Some(name) => ExprKind::Field(Box::new(lhs), ident(name)),
                None => return lhs,
            },
            Rule::index => match op.into_inner().next() {
                Some(index) => ExprKind::Index(Box::new(lhs), Box::new(self.expr(index))),
                None => return lhs,
            },
            _ => ExprKind::Assert(Box::new(lhs)),
        };
        Expr::new(kind, span)
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        let kind = match pair.as_rule() {
            Rule::expr => return self.expr(pair),
            Rule::source_field => match pair.into_inner().next() {
                Some(name) => ExprKind::SourceField(ident(name)),
                None => ExprKind::Literal(Literal::Null),
            },
            Rule::variable => match pair.into_inner().next() {
                Some(name) => ExprKind::Variable(ident(name)),
                None => ExprKind::Literal(Literal::Null),
            },
            Rule::call => self.call(pair),
            Rule::array => ExprKind::Array(pair.into_inner().map(|p| self.expr(p)).collect()),
            Rule::block => ExprKind::Object(self.block(pair)),
            Rule::for_expr => self
                .for_expr(pair)
                .unwrap_or(ExprKind::Literal(Literal::Null)),
            Rule::with_expr => self
                .with_expr(pair)
                .unwrap_or(ExprKind::Literal(Literal::Null)),
            Rule::if_expr => self
                .if_expr(pair)
                .unwrap_or(ExprKind::Literal(Literal::Null)),
            Rule::match_expr => self
                .match_expr(pair)
                .unwrap_or(ExprKind::Literal(Literal::Null)),
            _ => ExprKind::Literal(self.literal(pair)),
        };
        Expr::new(kind, span)
    }

    fn literal(&self, pair: Pair<'_, Rule>) -> Literal {
        let span = span_of(&pair);
        let text = pair.as_str();
        let (parsed, error) = match pair.as_rule() {
            Rule::string => (Some(Literal::String(self.string(pair).value)), None),
            Rule::number => (literal::number(text), Some(SyntaxErrorKind::InvalidNumber)),
            Rule::timestamp => (
                literal::timestamp(text),
                Some(SyntaxErrorKind::InvalidTimestamp),
            ),
            Rule::boolean => (Some(Literal::Bool(text == "true")), None),
            _ => (Some(Literal::Null), None),
        };
        parsed.unwrap_or_else(|| {
            if let Some(kind) = error {
                self.error(kind, span);
            }
            Literal::Null
        })
    }

    /// A `call` pair standing alone (an `assert(...)` item).
    fn expr_of_call(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        Expr::new(self.call(pair), span)
    }

    fn call(&self, pair: Pair<'_, Rule>) -> ExprKind {
        let mut inner = pair.into_inner();
        let Some(name) = inner.next().map(ident) else {
            return ExprKind::Literal(Literal::Null);
        };
        let args = inner.map(|p| match p.as_rule() {
            Rule::key_fn => {
                let span = span_of(&p);
                let mut parts = p.into_inner();
                match (parts.next(), parts.next()) {
                    (Some(name), Some(key)) => {
                        let kind = ExprKind::KeyFn(ident(name), Box::new(self.expr(key)));
                        Expr::new(kind, span)
                    }
                    _ => Expr::new(ExprKind::Literal(Literal::Null), span),
                }
            }
            _ => self.expr(p),
        });
        ExprKind::Call(name, args.collect())
    }

    fn body(&self, pair: Pair<'_, Rule>) -> Option<Body> {
        let span = span_of(&pair);
        Some(match pair.as_rule() {
            Rule::block => Body::Object(self.block(pair), span),
            _ => Body::Value(Box::new(self.expr(pair.into_inner().next()?))),
        })
    }

    fn for_expr(&self, pair: Pair<'_, Rule>) -> Option<ExprKind> {
        let mut inner = pair
            .into_inner()
            .filter(|p| !matches!(p.as_rule(), Rule::kw_for | Rule::kw_in));
        let item = ident(inner.next()?);
        let mut next = inner.next()?;
        let mut index = None;
        if next.as_rule() == Rule::ident {
            index = Some(ident(next));
            next = inner.next()?;
        }
        let source = Box::new(self.expr(next));
        let mut next = inner.next()?;
        let mut filter = None;
        if next.as_rule() == Rule::for_where {
            let cond = next.into_inner().nth(1)?;
            filter = Some(Box::new(self.expr(cond)));
            next = inner.next()?;
        }
        let body = self.body(next)?;
        Some(ExprKind::For(ForExpr {
            item,
            index,
            source,
            filter,
            body,
        }))
    }

    fn with_expr(&self, pair: Pair<'_, Rule>) -> Option<ExprKind> {
        let mut inner = pair.into_inner().skip(1);
        let name = ident(inner.next()?);
        let value = self.expr(inner.next()?);
        let body = self.body(inner.next()?)?;
        Some(ExprKind::With(name, Box::new(value), body))
    }

    fn if_expr(&self, pair: Pair<'_, Rule>) -> Option<ExprKind> {
        let mut exprs = pair.into_inner().filter(|p| p.as_rule() == Rule::expr);
        let cond = self.expr(exprs.next()?);
        let then = self.expr(exprs.next()?);
        let otherwise = exprs.next().map(|p| Box::new(self.expr(p)));
        Some(ExprKind::If(Box::new(cond), Box::new(then), otherwise))
    }

    fn match_expr(&self, pair: Pair<'_, Rule>) -> Option<ExprKind> {
        let mut inner = pair.into_inner().skip(1);
        let scrutinee = self.expr(inner.next()?);
        let arms = inner.filter_map(|arm| self.arm(arm)).collect();
        Some(ExprKind::Match(Box::new(scrutinee), arms))
    }

    fn arm(&self, pair: Pair<'_, Rule>) -> Option<Arm> {
        let span = span_of(&pair);
        let mut patterns = Vec::new();
        let mut value = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::wildcard => {}
                Rule::expr => value = Some(self.expr(part)),
                _ => {
                    let pspan = span_of(&part);
                    patterns.push((self.literal(part), pspan));
                }
            }
        }
        Some(Arm {
            patterns,
            value: value?,
            span,
        })
    }
}

fn binary_op(rule: Rule) -> BinaryOp {
    match rule {
        Rule::op_default => BinaryOp::Default,
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_concat => BinaryOp::Concat,
        Rule::op_add => BinaryOp::Add,
        Rule::op_sub => BinaryOp::Sub,
        Rule::op_mul => BinaryOp::Mul,
        _ => BinaryOp::Div,
    }
}
