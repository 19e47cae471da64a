//! Mappings that emit several canonical records per input record (`emit for
//! charge in .charges { ... }`, nested as deep as the payload is): each
//! block either assigns a whole record, checked against the target schema
//! as the top of an ordinary mapping is, or holds `let`s and further
//! `emit`s.

use super::scope::BindingKind;
use super::{CheckErrorKind, Checker};
use crate::ir::{self, Expr};
use crate::schema::Node;
use crate::syntax::ast;

/// Where an `emit` cannot stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmitProblem {
    /// Inside a record (a field's value, a record's block).
    InsideARecord,
    /// A field assigned beside `emit`s.
    BesideFields,
    /// `emit for ... => value` instead of a block.
    NotABlock,
}

type Lets = Vec<(ir::LocalId, Expr)>;

impl<'a> Checker<'a> {
    /// Items holding `emit`s: their `let`s (and `assert`s) and emits.
    pub(crate) fn check_records(
        &mut self,
        items: &[ast::Item],
        target: Node<'a>,
    ) -> Option<(Lets, Vec<ir::Emit>)> {
        self.scopes.push();
        let mut lets = Vec::new();
        let mut emits = Vec::new();
        let mut ok = true;
        for item in items {
            match item {
                ast::Item::Let(l) => lets.extend(self.check_let(l)),
                ast::Item::Assert(call) => lets.extend(self.check_assert_item(call)),
                ast::Item::Emit(each) => match self.check_emit(each, target) {
                    Some(emit) => emits.push(emit),
                    None => ok = false,
                },
                ast::Item::Assign(a) => {
                    let problem = EmitProblem::BesideFields;
                    self.error(CheckErrorKind::BadEmit(problem), a.span);
                    ok = false;
                }
            }
        }
        self.pop_scope_reporting_unused();
        ok.then_some((lets, emits))
    }

    fn check_emit(&mut self, each: &ast::Expr, target: Node<'a>) -> Option<ir::Emit> {
        let ast::ExprKind::For(f) = &each.kind else {
            return None; // the grammar gives `emit` a `for`
        };
        let ast::Body::Object(items, span) = &f.body else {
            self.error(CheckErrorKind::BadEmit(EmitProblem::NotABlock), each.span);
            return None;
        };
        let (source, elem) = self.check_loop_source(&f.source)?;
        self.scopes.push();
        let checked = self.emit_body(f, &source, elem, items, *span, target);
        self.scopes.pop();
        let (item, index, filter, body) = checked?;
        Some(ir::Emit {
            item,
            index,
            source,
            filter,
            body,
        })
    }

    fn emit_body(
        &mut self,
        f: &ast::ForExpr,
        source: &Expr,
        elem: ir::Ty,
        items: &[ast::Item],
        span: crate::span::Span,
        target: Node<'a>,
    ) -> Option<(ir::LocalId, ir::LocalId, Option<Expr>, ir::EmitBody)> {
        let (item, index, filter) = self.bind_loop(f, source, elem)?;
        let nested = items.iter().any(|i| matches!(i, ast::Item::Emit(_)));
        let body = if nested {
            let (lets, emits) = self.check_records(items, target)?;
            ir::EmitBody::Scope(lets, emits)
        } else {
            ir::EmitBody::Record(self.check_block(items, target, span)?)
        };
        Some((item, index, filter, body))
    }

    /// Close a scope, warning of `let`s nobody read.
    pub(crate) fn pop_scope_reporting_unused(&mut self) {
        for binding in self.scopes.pop() {
            if binding.kind == BindingKind::Let && !binding.used {
                self.error(
                    CheckErrorKind::UnusedLet { name: binding.name },
                    binding.span,
                );
            }
        }
    }
}
