//! Fused loops (`sum(for ...)`, `count(for ...)`: a block
//! `{ let mut acc = ...; for ... { ... } acc }`) lifted out of the
//! expression that uses them onto a `let` of their own just before its
//! statement, named after the mapping position they come from
//! (`aggregate_70_29`). The code reads as steps instead of a loop nested in
//! a call's arguments, and lines stay short.
//!
//! Lifting never changes what the code does: a block is lifted only when
//! nothing evaluated before it in its statement can fail or write (no `?`,
//! no `return`/`break`/`continue`, no macro), and never out of code that
//! runs conditionally or later (`if`/`match` arms, `&&`/`||` right-hand
//! sides, closures, loop bodies, other blocks). So the first error a record
//! meets stays the same, and evaluator and generated code keep agreeing.

use std::collections::BTreeSet;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, Local, Stmt};

/// Lift the fused loops of a whole file.
pub(super) fn file(file: &mut syn::File) {
    Hoist::default().visit_file_mut(file);
}

#[derive(Default)]
struct Hoist {
    /// Names given so far (a mapping position can be expanded twice by
    /// user functions).
    names: BTreeSet<String>,
}

impl VisitMut for Hoist {
    fn visit_block_mut(&mut self, block: &mut Block) {
        // Inner blocks first: a lifted loop's own body is tidied already.
        visit_mut::visit_block_mut(self, block);
        let mut stmts = Vec::with_capacity(block.stmts.len());
        for mut stmt in std::mem::take(&mut block.stmts) {
            while let Some(lifted) = self.lift_first(&mut stmt) {
                stmts.push(lifted);
            }
            stmts.push(stmt);
        }
        block.stmts = stmts;
    }
}

impl Hoist {
    /// Take the first liftable loop out of `stmt`, leaving its name in its
    /// place; the `let` that computes it.
    fn lift_first(&mut self, stmt: &mut Stmt) -> Option<Stmt> {
        let top = match stmt {
            Stmt::Local(Local {
                init: Some(init), ..
            }) => &mut *init.expr,
            Stmt::Expr(e, _) => e,
            _ => return None,
        };
        if is_fused_loop(top) {
            return None; // already a step of its own
        }
        let slot = first_liftable(top)?;
        let name = self.name_for(slot);
        let ident = syn::Ident::new(&name, syn::spanned::Spanned::span(slot));
        let value = std::mem::replace(slot, syn::parse_quote!(#ident));
        Some(syn::parse_quote!(let #ident = #value;))
    }

    /// `aggregate_<line>_<column>` after the last mapping location the loop
    /// reports errors at, made unique.
    fn name_for(&mut self, block: &Expr) -> String {
        let mut finder = LastLocation(None);
        finder.visit_expr(block);
        let base = match finder.0 {
            Some(loc) => format!("aggregate_{}", loc.trim_start_matches("LOC_")),
            None => "aggregate".to_owned(),
        };
        let mut name = base.clone();
        let mut n = 2;
        while !self.names.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }
}

/// Printed code with a comment above each lifted loop naming the mapping
/// position it comes from (syntax trees carry no comments, so this is done
/// on the printed text): `// mappings/shopify/order.map:92:22`.
pub(super) fn comment_steps(code: &str, mapping_file: &str) -> String {
    let mut out = String::with_capacity(code.len() + 1024);
    for line in code.lines() {
        let statement = line.trim_start();
        let position = statement
            .strip_prefix("let aggregate_")
            .and_then(|rest| rest.split_once(' '))
            .and_then(|(name, _)| name.split_once('_'))
            .filter(|(l, c)| {
                let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                digits(l) && digits(c)
            });
        if let Some((line_no, column)) = position {
            let indent = &line[..line.len() - statement.len()];
            out.push_str(&format!("{indent}// {mapping_file}:{line_no}:{column}\n"));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The last `LOC_<line>_<column>` named in an expression.
struct LastLocation(Option<String>);

impl Visit<'_> for LastLocation {
    fn visit_ident(&mut self, ident: &syn::Ident) {
        let text = ident.to_string();
        if text.starts_with("LOC_") {
            self.0 = Some(text);
        }
    }
}

/// `{ let mut acc = ...; ... acc }`: a fused loop as codegen writes it.
fn is_fused_loop(e: &Expr) -> bool {
    let Expr::Block(block) = e else { return false };
    let Some(Stmt::Local(first)) = block.block.stmts.first() else {
        return false;
    };
    matches!(&first.pat, syn::Pat::Ident(p) if p.ident == "acc" && p.mutability.is_some())
}

/// Where evaluation of an expression stands while looking for a loop.
enum Walk<'e> {
    /// A loop to lift, reached with nothing fallible before it.
    Found(&'e mut Expr),
    /// Nothing found; evaluation may go on to what follows.
    Continue,
    /// Something before here may fail, write or run conditionally: stop.
    Stop,
}

/// The first fused loop `e` evaluates, if nothing before it can fail.
fn first_liftable(e: &mut Expr) -> Option<&mut Expr> {
    match walk(e) {
        Walk::Found(slot) => Some(slot),
        Walk::Continue | Walk::Stop => None,
    }
}

/// Walk `exprs` in evaluation order.
fn walk_all<'e>(exprs: impl IntoIterator<Item = &'e mut Expr>) -> Walk<'e> {
    for e in exprs {
        match walk(e) {
            Walk::Continue => {}
            other => return other,
        }
    }
    Walk::Continue
}

/// What follows `first` may not be reached unconditionally.
fn then_stop(first: Walk<'_>) -> Walk<'_> {
    match first {
        Walk::Continue => Walk::Stop,
        other => other,
    }
}

fn walk(e: &mut Expr) -> Walk<'_> {
    if is_fused_loop(e) {
        return Walk::Found(e);
    }
    match e {
        Expr::Lit(_) | Expr::Path(_) | Expr::Closure(_) => Walk::Continue,
        Expr::Paren(p) => walk(&mut p.expr),
        Expr::Reference(r) => walk(&mut r.expr),
        Expr::Unary(u) => walk(&mut u.expr),
        Expr::Field(f) => walk(&mut f.base),
        Expr::Cast(c) => walk(&mut c.expr),
        Expr::Call(call) => {
            let func = std::iter::once(&mut *call.func);
            walk_all(func.chain(call.args.iter_mut()))
        }
        Expr::MethodCall(call) => {
            let receiver = std::iter::once(&mut *call.receiver);
            walk_all(receiver.chain(call.args.iter_mut()))
        }
        Expr::Binary(b) => {
            let short_circuit = matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_));
            let (left, right) = (&mut *b.left, &mut *b.right);
            match walk(left) {
                Walk::Continue if short_circuit => Walk::Stop,
                Walk::Continue => walk(right),
                other => other,
            }
        }
        Expr::Tuple(t) => walk_all(t.elems.iter_mut()),
        Expr::Array(a) => walk_all(a.elems.iter_mut()),
        // The condition or scrutinee runs first; the rest conditionally.
        Expr::If(i) => then_stop(walk(&mut i.cond)),
        Expr::Match(m) => then_stop(walk(&mut m.expr)),
        Expr::Let(l) => walk(&mut l.expr),
        // Its operand runs first; then it may fail.
        Expr::Try(t) => then_stop(walk(&mut t.expr)),
        Expr::Return(r) => match r.expr.as_deref_mut() {
            Some(value) => then_stop(walk(value)),
            None => Walk::Stop,
        },
        // A macro, a loop, another block: may fail or write.
        _ => Walk::Stop,
    }
}

#[cfg(test)]
mod tests {
    fn hoisted(code: &str) -> String {
        let mut file = syn::parse_file(code).unwrap_or_else(|e| panic!("{e}: {code}"));
        super::file(&mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn a_loop_in_an_argument_becomes_a_step_of_its_own() {
        let code = hoisted(
            "fn f() { w.money(&round({ let mut acc = 0; for x in xs { acc += x.at(&LOC_3_7)?; } acc }, 2)?); }",
        );
        assert!(code.contains("let aggregate_3_7 = {"), "{code}");
        assert!(
            code.contains("w.money(&round(aggregate_3_7, 2)?);"),
            "{code}"
        );
    }

    #[test]
    fn nothing_fallible_or_conditional_is_reordered() {
        for code in [
            // A `?` runs first: its error must stay the first one reported.
            "fn f() { g(a()?, { let mut acc = 0; for x in xs { acc += 1; } acc }); }",
            // Only when the condition holds.
            "fn f() { if c { { let mut acc = 0; for x in xs { acc += 1; } acc } } else { 0 }; }",
            "fn f() { let b = c && { let mut acc = 0; for x in xs { acc += 1; } acc } > 0; }",
            // Already a step of its own.
            "fn f() { let total = { let mut acc = 0; for x in xs { acc += 1; } acc }; }",
        ] {
            let once = hoisted(code);
            assert!(!once.contains("aggregate"), "{once}");
        }
    }
}
