//! Builtin calls: arity, argument types, absence and constant arguments,
//! all read from the builtin's declaration (`crate::builtins`).

use super::{ArgumentProblem, CheckErrorKind, Checker, Hint, NeededBy};
use crate::builtins::{Builtin, Decl, Overload, ParamTy};
use crate::ir::{self, Callee, Expr, ExprKind, Lit, Ty};
use crate::span::Span;
use crate::syntax::ast;

/// Whether `name` is a builtin (including `lookup`).
pub(crate) fn is_builtin(name: &str) -> bool {
    name == "lookup" || Builtin::named(name).is_some()
}

fn arity_text(min: usize, max: usize) -> String {
    match (min, max) {
        (a, b) if a == b => a.to_string(),
        (a, usize::MAX) => format!("{a} or more"),
        (a, b) => format!("{a} to {b}"),
    }
}

/// The builtin call of `builtin` on already checked arguments, for calls
/// the checker inserts itself (widening an int to a decimal).
pub(crate) fn callee(builtin: Builtin, args: &[Expr]) -> Option<Callee> {
    let types: Vec<Ty> = args.iter().map(|a| a.ty.clone()).collect();
    let overload = builtin.decl().select(&types)?;
    Some(Callee { builtin, overload })
}

impl Checker<'_> {
    /// Whether `name` is a user function (expanded before checking: a call
    /// still here failed to expand and was reported).
    fn is_user_function(&self, name: &str) -> bool {
        self.functions.contains(name)
    }

    /// `lookup(table, key)`: the table its first argument names.
    fn lookup_table(&self, name: &ast::Ident, args: &[ast::Expr]) -> Option<ir::TableId> {
        let (true, [first, _]) = (name.name == "lookup", args) else {
            return None;
        };
        let ast::ExprKind::Variable(table) = &first.kind else {
            return None;
        };
        if self.scopes.names().contains(&table.name) {
            return None;
        }
        self.table_id(&table.name)
    }

    pub(crate) fn check_call(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> Option<Expr> {
        if self.is_user_function(&name.name) {
            return None;
        }
        if name.name == "lookup" {
            if let (Some(table), [_, key]) = (self.lookup_table(name, args), args) {
                return self.check_lookup(table, key, span, ir::OnMiss::Absent);
            }
            let problem = ArgumentProblem::LookupNeedsTable;
            self.error(CheckErrorKind::BadArgument(problem), span);
            return None;
        }
        let keyed;
        let args = if name.name == "group_by" {
            keyed = self.group_by_keys(args)?;
            keyed.as_slice()
        } else {
            args
        };
        let checked: Vec<Option<Expr>> = args.iter().map(|a| self.check_expr(a)).collect();
        let Some(builtin) = Builtin::named(&name.name) else {
            let names = Builtin::ALL.iter().map(|b| b.decl().name);
            let candidates = super::similar(&name.name, names);
            self.error(
                CheckErrorKind::UnknownFunction {
                    name: name.name.clone(),
                    candidates,
                },
                name.span,
            );
            return None;
        };
        let decl = builtin.decl();
        let (min, max) = decl.arity();
        if args.len() < min || args.len() > max {
            self.error(
                CheckErrorKind::WrongArity {
                    name: name.name.clone(),
                    expected: arity_text(min, max),
                    found: args.len(),
                },
                span,
            );
            return None;
        }
        let args: Vec<Expr> = checked.into_iter().collect::<Option<_>>()?;
        if builtin == Builtin::Timestamp && !self.not_a_date(&args) {
            return None;
        }
        let selected = self.select_overload(decl, &args);
        // Absence is reported too when no overload fits (as the first
        // declares its parameters): every problem of the call at once.
        let chosen = decl.overloads.get(selected.unwrap_or(0))?;
        let ok = self.check_absence(decl, chosen, &args) & self.check_constants(decl, &args);
        let overload = selected.filter(|_| ok)?;
        let ty = chosen.result.of(&args);
        let origin = match args.first() {
            Some(first) => self.origin_of(first),
            None => self.record_origin(),
        };
        let kind = ExprKind::Call(Callee { builtin, overload }, args, origin);
        Some(self.mk(kind, ty, chosen.optional, span))
    }

    /// `group_by(xs, x => key)` is `group_by(xs, for x in xs => key)`: the
    /// keys are computed by a loop over the same array, so there is one
    /// key per element by construction.
    fn group_by_keys(&mut self, args: &[ast::Expr]) -> Option<Vec<ast::Expr>> {
        let [items, key_fn] = args else {
            return Some(args.to_vec()); // the arity is reported
        };
        let ast::ExprKind::KeyFn(item, key) = &key_fn.kind else {
            let problem = ArgumentProblem::GroupByNeedsKeyFn;
            self.error(CheckErrorKind::BadArgument(problem), key_fn.span);
            return None;
        };
        let keys = ast::ForExpr {
            item: item.clone(),
            index: None,
            source: Box::new(items.clone()),
            filter: None,
            body: ast::Body::Value(key.clone()),
        };
        let keys = ast::Expr {
            kind: ast::ExprKind::For(keys),
            span: key_fn.span,
            site: key_fn.site,
        };
        Some(vec![items.clone(), keys])
    }

    /// `timestamp(.x)` where the schema says `.x` is a `format: date`: a
    /// date has no time and no zone, so it would fail every record (R105).
    fn not_a_date(&mut self, args: &[Expr]) -> bool {
        let Some(first) = args.first() else {
            return true;
        };
        let date = self
            .path_node(first)
            .is_some_and(|n| n.format.as_deref() == Some("date"));
        if date {
            let problem = ArgumentProblem::DateIsNotATimestamp;
            self.error(CheckErrorKind::BadArgument(problem), first.span);
        }
        !date
    }

    /// The first overload accepting the arguments' types; otherwise each
    /// argument no overload accepts is reported.
    fn select_overload(&mut self, decl: &Decl, args: &[Expr]) -> Option<usize> {
        let types: Vec<Ty> = args.iter().map(|a| a.ty.clone()).collect();
        if let Some(found) = decl.select(&types) {
            return Some(found);
        }
        for (i, arg) in args.iter().enumerate() {
            let params: Vec<ParamTy> = decl.overloads.iter().filter_map(|o| o.param(i)).collect();
            if params.iter().any(|p| p.accepts(&arg.ty)) {
                continue;
            }
            let mut expected: Vec<&str> = Vec::new();
            for p in &params {
                if !expected.contains(&p.describe()) {
                    expected.push(p.describe());
                }
            }
            let kind = CheckErrorKind::TypeMismatch {
                expected: expected.join(" or "),
                found: arg.ty.to_string(),
                hint: mismatch_hint(params.first().copied(), &arg.ty),
                argument: Some((i, decl.name)),
            };
            self.error(kind, arg.span);
        }
        None
    }

    /// Arguments must be present, except where the builtin asks whether
    /// they are (`is_present`, `has`): there they must be able to be absent.
    fn check_absence(&mut self, decl: &Decl, overload: &Overload, args: &[Expr]) -> bool {
        let mut ok = true;
        for (i, arg) in args.iter().enumerate() {
            match overload.param(i) {
                Some(ParamTy::KeyPath) => ok &= self.check_key_path(arg),
                Some(ParamTy::Optional) => {
                    if !arg.optional {
                        let construct = decl.name;
                        self.error(CheckErrorKind::NeverAbsent { construct }, arg.span);
                    }
                }
                _ => {
                    let needed_by = NeededBy::Argument {
                        index: i,
                        function: decl.name,
                    };
                    ok &= self.require_present(arg, needed_by);
                }
            }
        }
        ok
    }

    /// `has(.a.b)`: the argument must be a source path ending in a field;
    /// that field is then read keeping missing and null apart.
    fn check_key_path(&mut self, arg: &Expr) -> bool {
        let Some((shape, name)) = self.parent_shape(arg) else {
            let problem = ArgumentProblem::HasNeedsField;
            self.error(CheckErrorKind::BadArgument(problem), arg.span);
            return false;
        };
        let Some(field) = self
            .shapes
            .get_mut(shape)
            .and_then(|s| s.fields.get_mut(&name))
        else {
            return false;
        };
        if field.optional {
            field.presence = true;
        } else {
            self.error(CheckErrorKind::NeverAbsent { construct: "has" }, arg.span);
        }
        true
    }

    /// Arguments that must be valid constants when written as literals:
    /// rounding modes, time zones; patterns and reason codes must also be
    /// literals.
    fn check_constants(&mut self, decl: &Decl, args: &[Expr]) -> bool {
        let mut ok = true;
        for &(i, constant) in decl.constants {
            let Some(arg) = args.get(i) else { continue };
            let ExprKind::Lit(Lit::String(text)) = &arg.kind else {
                if constant.literal_only() {
                    self.error(CheckErrorKind::NotALiteral { constant }, arg.span);
                    ok = false;
                }
                continue;
            };
            if !constant.is_valid(text) {
                let value = text.clone();
                self.error(
                    CheckErrorKind::InvalidConstant { value, constant },
                    arg.span,
                );
                ok = false;
            }
        }
        ok
    }
}

/// What to suggest when an argument of type `found` is given where `param`
/// (the first overload's) is expected.
fn mismatch_hint(param: Option<ParamTy>, found: &Ty) -> Option<Hint> {
    Some(match (param?, found) {
        (_, Ty::Scalar) => Hint::ConvertScalar,
        (ParamTy::Num | ParamTy::Dec | ParamTy::Int, Ty::String) => Hint::ParseNumber,
        (ParamTy::Str, Ty::Decimal | Ty::Int | Ty::Bool) => Hint::ConvertToString,
        (ParamTy::Ints | ParamTy::Decs, Ty::Array(elem)) if **elem == Ty::Money => {
            Hint::SumMoneyAmounts
        }
        (ParamTy::Arrays, _) => Hint::FlattenWithFor,
        _ => return None,
    })
}
