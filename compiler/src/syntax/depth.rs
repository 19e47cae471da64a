//! Nesting limits, checked before anything recurses over the input: a
//! lexical pre-scan (bracket depth, runs of prefix operators) keeps the pest
//! parser's recursion bounded, and an iterative walk of the AST bounds every
//! later stage. Hostile mapping text gets E105, never a stack overflow.

use super::ast::{Body, Expr, ExprKind, Item, MappingFile};
use super::{SyntaxError, SyntaxErrorKind};
use crate::span::Span;

/// Deepest nesting accepted (brackets, prefix operators, expression depth).
pub const MAX_DEPTH: usize = 128;

fn too_deep(at: usize) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::TooDeep,
        span: Span::new(at, at + 1),
    }
}

/// Bracket depth and prefix-operator runs, skipping strings and comments.
pub fn prescan(text: &str) -> Result<(), SyntaxError> {
    let bytes = text.as_bytes();
    let (mut depth, mut run, mut i) = (0usize, 0usize, 0usize);
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' || c == b'\n' {
                        break;
                    }
                    i += 1;
                }
                run = 0;
            }
            b'#' => {
                while bytes.get(i).is_some_and(|c| *c != b'\n') {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                run = 0;
                if depth > MAX_DEPTH {
                    return Err(too_deep(i));
                }
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                run = 0;
            }
            b'-' if bytes.get(i + 1) != Some(&b'>') => run += 1,
            b'n' if text.get(i..i + 4).is_some_and(|w| w == "not ") => {
                run += 1;
                i += 2;
            }
            b if b.is_ascii_whitespace() => {}
            _ => run = 0,
        }
        if run > MAX_DEPTH {
            return Err(too_deep(i));
        }
        i += 1;
    }
    Ok(())
}

/// Depth of the pest pair tree, measured without recursion (pairs come in
/// pre-order; a pair is nested in every earlier pair whose span contains it).
pub fn check_pairs(
    pairs: pest::iterators::Pairs<'_, super::Rule>,
    limit: usize,
) -> Result<(), SyntaxError> {
    let mut open_ends: Vec<usize> = Vec::new();
    for pair in pairs.flatten() {
        let span = pair.as_span();
        while open_ends
            .last()
            .is_some_and(|end| *end <= span.start() && span.start() != span.end())
        {
            open_ends.pop();
        }
        open_ends.push(span.end());
        if open_ends.len() > limit {
            return Err(too_deep(span.start()));
        }
    }
    Ok(())
}

fn items(items: &[Item]) -> Vec<&Expr> {
    items
        .iter()
        .map(|i| match i {
            Item::Let(l) => &l.value,
            Item::Assign(a) => &a.value,
            Item::Assert(e) | Item::Emit(e) => e,
        })
        .collect()
}

fn body(b: &Body) -> Vec<&Expr> {
    match b {
        Body::Object(list, _) => items(list),
        Body::Value(v) => vec![v.as_ref()],
    }
}

/// The expressions directly inside `e`.
pub fn children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::SourceField(_) | ExprKind::Variable(_) => Vec::new(),
        ExprKind::Field(x, _)
        | ExprKind::Assert(x)
        | ExprKind::Unary(_, x)
        | ExprKind::KeyFn(_, x) => vec![x.as_ref()],
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => vec![a.as_ref(), b.as_ref()],
        ExprKind::Call(_, args) | ExprKind::Array(args) => args.iter().collect(),
        ExprKind::If(c, a, b) => [Some(c.as_ref()), Some(a.as_ref()), b.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
        ExprKind::Match(x, arms) => std::iter::once(x.as_ref())
            .chain(arms.iter().map(|a| &a.value))
            .collect(),
        ExprKind::For(f) => {
            let mut all = vec![f.source.as_ref()];
            all.extend(f.filter.as_deref());
            all.extend(body(&f.body));
            all
        }
        ExprKind::With(_, v, b) => std::iter::once(v.as_ref()).chain(body(b)).collect(),
        ExprKind::Object(list) => items(list),
    }
}

/// The AST may not nest deeper than [`MAX_DEPTH`] (walked without recursion).
pub fn check_ast(file: &MappingFile) -> Result<(), SyntaxError> {
    let mut roots = items(&file.items);
    roots.extend(file.functions.iter().map(|f| &f.body));
    check_exprs(roots)
}

/// Items after functions were expanded must stay within [`MAX_DEPTH`] too.
pub fn check_items(list: &[Item]) -> Result<(), SyntaxError> {
    check_exprs(items(list))
}

fn check_exprs(roots: Vec<&Expr>) -> Result<(), SyntaxError> {
    let mut stack: Vec<(&Expr, usize)> = roots.into_iter().map(|e| (e, 1)).collect();
    while let Some((e, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(too_deep(e.span.start));
        }
        stack.extend(children(e).into_iter().map(|c| (c, depth + 1)));
    }
    Ok(())
}
