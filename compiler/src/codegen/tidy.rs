//! Rewrites of the generated syntax tree that change nothing but how it
//! reads: redundant parentheses (the printer adds the ones precedence
//! needs), `*&x`, `(&x).field` and `(&x).method()` for methods taking
//! `&self` (auto-deref and auto-ref make them `x.field`, `x.method()`),
//! negated comparisons and presence tests, `!!x`, `vec!` iterated once, and
//! `Part::Text` of borrowed text.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprReference, ExprUnary, UnOp};

/// Tidy a whole file.
pub(super) fn file(file: &mut syn::File) {
    Tidy.visit_file_mut(file);
}

struct Tidy;

/// Methods generated code calls that take `&self`.
const BY_REFERENCE: &[&str] = &["as_slice", "as_ref", "as_deref", "iter", "get", "is_some"];

/// `x` for `(x)`, however deep.
fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(inner) => unparen(&inner.expr),
        other => other,
    }
}

/// `x` for a shared borrow `&x`.
fn borrowed(e: &Expr) -> Option<&Expr> {
    match unparen(e) {
        Expr::Reference(ExprReference {
            mutability: None,
            expr,
            ..
        }) => Some(unparen(expr)),
        _ => None,
    }
}

/// `x.is_some()` for `!x.is_none()`, and the other way round.
fn presence_flipped(e: &Expr) -> Option<Expr> {
    let Expr::MethodCall(call) = e else {
        return None;
    };
    let flipped = match call.method.to_string().as_str() {
        "is_none" => "is_some",
        "is_some" => "is_none",
        _ => return None,
    };
    if !call.args.is_empty() {
        return None;
    }
    let mut call = call.clone();
    call.method = syn::Ident::new(flipped, call.method.span());
    Some(Expr::MethodCall(call))
}

/// `x` for `!x` (`not`) or `*x` (not `not`).
fn operand(e: &Expr, not: bool) -> Option<&Expr> {
    match unparen(e) {
        Expr::Unary(ExprUnary {
            op: UnOp::Not(_),
            expr,
            ..
        }) if not => Some(unparen(expr)),
        Expr::Unary(ExprUnary {
            op: UnOp::Deref(_),
            expr,
            ..
        }) if !not => Some(unparen(expr)),
        _ => None,
    }
}

/// `a != b` for `!(a == b)`, and so on. Generated code compares only
/// totally ordered values (integers, decimals, strings, instants, bools),
/// so `!(a < b)` is `a >= b`.
fn negated(e: &Expr) -> Option<Expr> {
    use syn::BinOp;
    let Expr::Binary(binary) = e else {
        return None;
    };
    let op = match binary.op {
        BinOp::Eq(_) => BinOp::Ne(Default::default()),
        BinOp::Ne(_) => BinOp::Eq(Default::default()),
        BinOp::Lt(_) => BinOp::Ge(Default::default()),
        BinOp::Le(_) => BinOp::Gt(Default::default()),
        BinOp::Gt(_) => BinOp::Le(Default::default()),
        BinOp::Ge(_) => BinOp::Lt(Default::default()),
        _ => return None,
    };
    let mut flipped = binary.clone();
    flipped.op = op;
    Some(Expr::Binary(flipped))
}

/// Whether `e` is a path whose last segment is `name`.
fn is_path_ending(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// `x` for `&*Str::Borrowed(x)`, `&x` for `&*x`.
fn borrowed_text(e: &Expr) -> Option<Expr> {
    let inner = operand(borrowed(e)?, false)?;
    if let Expr::Call(call) = inner {
        if is_path_ending(&call.func, "Borrowed") && call.args.len() == 1 {
            return call.args.first().cloned();
        }
    }
    let Expr::Reference(mut reference) = unparen(e).clone() else {
        return None;
    };
    reference.expr = Box::new(inner.clone());
    Some(Expr::Reference(reference))
}

/// `[a, b]` for `Vec::from([a, b])`.
fn vec_as_array(e: &Expr) -> Option<Expr> {
    let Expr::Call(call) = e else { return None };
    let Expr::Path(path) = &*call.func else {
        return None;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match (segments.as_slice(), call.args.first(), call.args.len()) {
        ([vec, from], Some(array @ Expr::Array(_)), 1) if vec == "Vec" && from == "from" => {
            Some(array.clone())
        }
        _ => None,
    }
}

impl VisitMut for Tidy {
    fn visit_expr_for_loop_mut(&mut self, f: &mut syn::ExprForLoop) {
        visit_mut::visit_expr_for_loop_mut(self, f);
        // Iterated once, by value: an array needs no allocation.
        if let Some(array) = vec_as_array(&f.expr) {
            *f.expr = array;
        }
    }

    fn visit_expr_mut(&mut self, e: &mut Expr) {
        visit_mut::visit_expr_mut(self, e);
        let replacement = if let Expr::Paren(p) = &*e {
            Some((*p.expr).clone())
        } else if let Some(x) = operand(e, true) {
            negated(x)
                .or_else(|| presence_flipped(x))
                .or_else(|| operand(x, true).cloned())
        } else {
            operand(e, false).and_then(borrowed).cloned()
        };
        if let Some(replacement) = replacement {
            *e = replacement;
            return;
        }
        match e {
            // `Part::Text(&*Str::Borrowed(x))` is `Part::Text(x)`: a
            // constructor argument is coerced to the `&str` it takes.
            Expr::Call(call) if is_path_ending(&call.func, "Text") => {
                for arg in call.args.iter_mut() {
                    if let Some(text) = borrowed_text(arg) {
                        *arg = text;
                    }
                }
            }
            Expr::Field(f) => {
                if let Some(inner) = borrowed(&f.base) {
                    *f.base = inner.clone();
                }
            }
            // Only methods taking `&self`: `(&v).into_iter()` is not `v.into_iter()`.
            Expr::MethodCall(m) if BY_REFERENCE.iter().any(|name| m.method == name) => {
                if let Some(inner) = borrowed(&m.receiver) {
                    *m.receiver = inner.clone();
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    fn tidy(code: &str) -> String {
        let mut file = syn::parse_file(code).unwrap();
        super::file(&mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn keeps_the_parentheses_precedence_needs() {
        let out =
            tidy("fn f() { let a = !((x && y)); let b = ((1 + 2)) * 3; let c = (-x).abs(); }");
        assert!(out.contains("let a = !(x && y);"), "{out}");
        assert!(out.contains("let b = (1 + 2) * 3;"), "{out}");
        assert!(out.contains("let c = (-x).abs();"), "{out}");
    }

    #[test]
    fn removes_borrows_auto_deref_makes_redundant() {
        let out =
            tidy("fn f() { let a = *(&r.x); let b = (&(&r.a).b).as_slice(); let c = &*(&r.s); }");
        assert!(out.contains("let a = r.x;"), "{out}");
        assert!(out.contains("let b = r.a.b.as_slice();"), "{out}");
        assert!(out.contains("let c = &r.s;"), "{out}");
        let out = tidy("fn f() { let n = !((a == b)); let m = !(a < b); let k = !(a && b); }");
        assert!(out.contains("let n = a != b;"), "{out}");
        assert!(out.contains("let m = a >= b;"), "{out}");
        assert!(out.contains("let k = !(a && b);"), "{out}");
        assert!(tidy("fn f() { let j = !!x; }").contains("let j = x;"));
        let out = tidy("fn f() { for t in Vec::from([a, b]) { g(t); } }");
        assert!(out.contains("for t in [a, b] {"), "{out}");
        assert!(tidy("fn f() { let j = !x.is_none(); }").contains("let j = x.is_some();"));
        let out = tidy("fn f() { g(&[Part::Text(&*Str::Borrowed(&r.s)), Part::Text(&*s)]); }");
        assert!(
            out.contains("g(&[Part::Text(&r.s), Part::Text(&s)]);"),
            "{out}"
        );
    }
}
