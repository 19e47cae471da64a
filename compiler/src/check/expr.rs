//! Expression checking: one `check_<node>` method per expression form.

use super::scope::BindingKind;
use super::{ArgumentProblem, BindingValue, CheckErrorKind, Checker, Hint, NeededBy};
use crate::ir::{self, Binary, Expr, ExprKind, ForLoop, Lit, Seg, Ty, Unary, Write};
use crate::schema::Node;
use crate::span::Span;
use crate::syntax::ast::{self, BinaryOp, Body, UnaryOp};

/// Lower an AST literal.
pub(crate) fn lower_literal(literal: &ast::Literal) -> (Lit, Ty) {
    match literal {
        ast::Literal::String(s) => (Lit::String(s.clone()), Ty::String),
        ast::Literal::Int(i) => (Lit::Int(*i), Ty::Int),
        ast::Literal::Decimal(d) => (Lit::Decimal(*d), Ty::Decimal),
        ast::Literal::Bool(b) => (Lit::Bool(*b), Ty::Bool),
        ast::Literal::Timestamp(t) => (Lit::Timestamp(*t), Ty::Timestamp),
        ast::Literal::Null => (Lit::Null, Ty::Null),
    }
}

impl<'a> Checker<'a> {
    /// Build a typed expression at `span`.
    pub(crate) fn mk(&self, kind: ExprKind, ty: Ty, optional: bool, span: Span) -> Expr {
        Expr {
            kind,
            ty,
            optional,
            loc: self.loc(span),
            span,
        }
    }

    pub(crate) fn mismatch(&mut self, expected: &str, found: &Ty, hint: Option<Hint>, span: Span) {
        let hint = hint.or_else(|| match found {
            Ty::Scalar => Some(Hint::ConvertScalar),
            Ty::Array(elem) if **elem == Ty::Opaque => Some(Hint::ElementsOfAnyType),
            _ => None,
        });
        self.error(
            CheckErrorKind::TypeMismatch {
                expected: expected.to_owned(),
                found: found.to_string(),
                hint,
                argument: None,
            },
            span,
        );
    }

    /// Report a value that may be absent where one is needed.
    pub(crate) fn require_present(&mut self, e: &Expr, needed_by: NeededBy) -> bool {
        if e.optional {
            let because = self.absence(e);
            self.error(CheckErrorKind::MaybeAbsent { needed_by, because }, e.span);
        }
        !e.optional
    }

    /// Check an expression in value position.
    pub(crate) fn check_expr(&mut self, e: &ast::Expr) -> Option<Expr> {
        self.at_site(e, |checker| checker.check_expr_here(e))
    }

    /// Run `check` with `e`'s call site (for expansions of function
    /// bodies) as the location runtime errors report.
    pub(crate) fn at_site<T>(&mut self, e: &ast::Expr, check: impl FnOnce(&mut Self) -> T) -> T {
        let Some(site) = e.site else {
            return check(self);
        };
        self.sites.push(site);
        let result = check(self);
        self.sites.pop();
        result
    }

    fn check_expr_here(&mut self, e: &ast::Expr) -> Option<Expr> {
        use ast::ExprKind as K;
        match &e.kind {
            K::Literal(l) => {
                let (lit, ty) = lower_literal(l);
                let optional = lit == Lit::Null;
                Some(self.mk(ExprKind::Lit(lit), ty, optional, e.span))
            }
            K::SourceField(name) => self.check_source_field(name, e.span),
            K::Variable(name) => self.check_variable(name),
            K::Field(base, name) => {
                let base = self.check_expr(base)?;
                self.extend_path(base, name)
            }
            K::Index(base, key) => self.check_index(base, key, e.span),
            K::Assert(inner) => self.check_assert(inner, e.span),
            K::Call(name, args) => self.check_call(name, args, e.span),
            K::Unary(op, inner) => self.check_unary(*op, inner, e.span),
            K::Binary(op, a, b) => self.check_binary(*op, a, b, e.span),
            K::If(c, a, b) => self.check_if(c, a, b.as_deref(), e.span),
            K::Match(x, arms) => self.check_match(x, arms, e.span),
            K::For(f) => self.check_for(f, e.span, None).map(|(x, _)| x),
            K::With(name, value, body) => self
                .check_with(name, value, body, e.span, None)
                .map(|(x, _)| x),
            K::Object(_) => {
                self.error(CheckErrorKind::ObjectOutsideTarget, e.span);
                None
            }
            K::Array(items) => self.check_array(items, e.span),
            K::KeyFn(..) => {
                let problem = ArgumentProblem::KeyFnOutsideGroupBy;
                self.error(CheckErrorKind::BadArgument(problem), e.span);
                None
            }
        }
    }

    fn check_source_field(&mut self, name: &ast::Ident, span: Span) -> Option<Expr> {
        let (ty, optional) = self.read_field(0, name)?;
        let kind = ExprKind::Path {
            base: ir::Base::Record,
            base_optional: false,
            steps: vec![ir::Step::Field {
                name: name.name.clone(),
                optional,
            }],
        };
        Some(self.mk(kind, ty, optional, span))
    }

    pub(crate) fn table_id(&self, name: &str) -> Option<ir::TableId> {
        self.tables.iter().position(|t| t.name == name)
    }

    fn check_variable(&mut self, name: &ast::Ident) -> Option<Expr> {
        if let Some(binding) = self.scopes.lookup(&name.name) {
            if binding.ty == Ty::Unknown {
                return None; // its definition already failed and was reported
            }
            let kind = ExprKind::Local(binding.local);
            return Some(self.mk(kind, binding.ty, binding.optional, name.span));
        }
        if self.table_id(&name.name).is_some() {
            let hint = Hint::LookUpTable {
                table: name.name.clone(),
            };
            self.mismatch("a value", &Ty::Unknown, Some(hint), name.span);
            return None;
        }
        let mut names = self.scopes.names();
        names.extend(self.tables.iter().map(|t| t.name.clone()));
        let candidates = super::similar(&name.name, names.iter().map(String::as_str));
        self.error(
            CheckErrorKind::UnknownName {
                name: name.name.clone(),
                candidates,
            },
            name.span,
        );
        None
    }

    fn check_index(&mut self, base: &ast::Expr, key: &ast::Expr, span: Span) -> Option<Expr> {
        if let ast::ExprKind::Variable(name) = &base.kind {
            let shadowed = self.scopes.names().contains(&name.name);
            if let (false, Some(table)) = (shadowed, self.table_id(&name.name)) {
                return self.check_lookup(table, key, span, ir::OnMiss::Fail);
            }
        }
        let base = self.check_expr(base)?;
        let ast::ExprKind::Literal(ast::Literal::Int(index)) = key.kind else {
            let problem = ArgumentProblem::IndexNotLiteral;
            self.error(CheckErrorKind::BadArgument(problem), key.span);
            return None;
        };
        if let (Ty::Array(elem), false) = (&base.ty, matches!(base.kind, ExprKind::Path { .. })) {
            if !is_opaque_array(&base.ty) {
                // A computed array (`split(href, "/")[2]`): `at(xs, i)`.
                let elem = (**elem).clone();
                let needed_by = NeededBy::Argument {
                    index: 0,
                    function: "at",
                };
                if !self.require_present(&base, needed_by) {
                    return None;
                }
                let origin = self.origin_of(&base);
                let position = self.mk(ExprKind::Lit(Lit::Int(index)), Ty::Int, false, key.span);
                let args = vec![base, position];
                let callee = super::builtins::callee(ir::Builtin::At, &args)?;
                return Some(self.mk(ExprKind::Call(callee, args, origin), elem, true, span));
            }
        }
        let (
            Ty::Array(elem),
            ExprKind::Path {
                base: b,
                base_optional,
                mut steps,
            },
        ) = (base.ty.clone(), base.kind)
        else {
            self.mismatch("an array read from the payload", &base.ty, None, base.span);
            return None;
        };
        if is_opaque_array(&base.ty) {
            self.mismatch("an array of typed elements", &base.ty, None, base.span);
            return None;
        }
        steps.push(ir::Step::Index(index));
        let kind = ExprKind::Path {
            base: b,
            base_optional,
            steps,
        };
        Some(self.mk(kind, *elem, true, span))
    }

    /// `table[key]` or `lookup(table, key)`: a literal key, or every value a
    /// source `enum` allows, must be in the table (a status table is checked
    /// whole at compile time); other keys are looked up at run time.
    pub(crate) fn check_lookup(
        &mut self,
        table: ir::TableId,
        key: &ast::Expr,
        span: Span,
        on_miss: ir::OnMiss,
    ) -> Option<Expr> {
        let key = self.check_expr(key)?;
        if !Ty::String.fits(&key.ty) {
            let hint = Some(Hint::TableKeysAreStrings);
            self.mismatch("string", &key.ty, hint, key.span);
            return None;
        }
        let t = self.tables.get(table)?.clone();
        let mut missing: Vec<String> = Vec::new();
        if let ExprKind::Lit(Lit::String(k)) = &key.kind {
            if !t.entries.contains_key(k) {
                missing.push(k.clone());
            }
        }
        if let Some(values) = self
            .path_node(&key)
            .as_ref()
            .and_then(|n| n.schema().string_enum())
        {
            missing.extend(
                values
                    .into_iter()
                    .filter(|v| !t.entries.contains_key(*v))
                    .map(str::to_owned),
            );
        }
        if !missing.is_empty() && on_miss == ir::OnMiss::Fail {
            self.error(
                CheckErrorKind::TableMiss {
                    table: t.name.clone(),
                    keys: missing,
                    file: t.file.clone(),
                },
                key.span,
            );
        }
        let origin = self.origin_of(&key);
        let optional = key.optional || on_miss == ir::OnMiss::Absent;
        Some(self.mk(
            ExprKind::Lookup(table, Box::new(key), origin, on_miss),
            t.value_ty,
            optional,
            span,
        ))
    }

    fn check_assert(&mut self, inner: &ast::Expr, span: Span) -> Option<Expr> {
        let value = self.check_expr(inner)?;
        if !value.optional {
            self.error(CheckErrorKind::NeverAbsent { construct: "!" }, span);
        }
        let origin = self.origin_of(&value);
        let ty = value.ty.clone();
        Some(self.mk(ExprKind::Assert(Box::new(value), origin), ty, false, span))
    }

    fn check_unary(&mut self, op: UnaryOp, inner: &ast::Expr, span: Span) -> Option<Expr> {
        let value = self.check_expr(inner)?;
        let operator = if op == UnaryOp::Neg { "-" } else { "not" };
        if !self.require_present(&value, NeededBy::Operand(operator)) {
            return None;
        }
        let (unary, ty) = match (op, &value.ty) {
            (UnaryOp::Neg, Ty::Int) => (Unary::NegInt, Ty::Int),
            (UnaryOp::Neg, Ty::Decimal) => (Unary::NegDecimal, Ty::Decimal),
            (UnaryOp::Not, Ty::Bool) => (Unary::Not, Ty::Bool),
            (UnaryOp::Neg, other) => {
                self.mismatch("int or decimal", other, None, value.span);
                return None;
            }
            (UnaryOp::Not, other) => {
                self.mismatch("bool", other, None, value.span);
                return None;
            }
        };
        Some(self.mk(ExprKind::Unary(unary, Box::new(value)), ty, false, span))
    }

    /// An int next to a decimal (in `??`, `if` branches, comparisons) is
    /// widened to a decimal, explicitly in the IR so both back ends agree.
    fn widen(&self, e: Expr, other: &Expr) -> Expr {
        if e.ty != Ty::Int || e.optional || other.ty != Ty::Decimal {
            return e;
        }
        let (span, loc) = (e.span, e.loc);
        let Some(decimal) = super::builtins::callee(ir::Builtin::Decimal, std::slice::from_ref(&e))
        else {
            return e;
        };
        let kind = match e.kind {
            ExprKind::Lit(Lit::Int(i)) => ExprKind::Lit(Lit::Decimal(i.into())),
            _ => ExprKind::Call(decimal, vec![e], Vec::new()),
        };
        Expr {
            kind,
            ty: Ty::Decimal,
            optional: false,
            loc,
            span,
        }
    }

    fn check_binary(
        &mut self,
        op: BinaryOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: Span,
    ) -> Option<Expr> {
        let (a, b) = (self.check_expr(a), self.check_expr(b));
        let (mut a, mut b) = (a?, b?);
        if matches!(
            op,
            BinaryOp::Default
                | BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge
        ) {
            a = self.widen(a, &b);
            b = self.widen(b, &a);
        }
        let (binary, ty, optional) = match op {
            BinaryOp::Default => self.type_default(&a, &b, span)?,
            BinaryOp::And | BinaryOp::Or => self.type_logic(op, &a, &b)?,
            BinaryOp::Eq | BinaryOp::Ne => self.type_equality(op, &a, &b)?,
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                self.type_ordering(op, &a, &b)?
            }
            BinaryOp::Concat => self.type_concat(&a, &b)?,
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                self.type_arithmetic(op, &a, &b, span)?
            }
        };
        let kind = ExprKind::Binary(binary, Box::new(a), Box::new(b));
        Some(self.mk(kind, ty, optional, span))
    }

    fn type_default(&mut self, a: &Expr, b: &Expr, span: Span) -> Option<(Binary, Ty, bool)> {
        if !a.optional {
            self.error(CheckErrorKind::NeverAbsent { construct: "??" }, span);
        }
        if !b.ty.fits(&a.ty) {
            // Two objects of the payload are never interchangeable, even
            // when their schemas look alike: say which ones they are.
            let hint = match (&a.ty, &b.ty) {
                (Ty::Source(x), Ty::Source(y)) => {
                    let origin = |s: &usize| {
                        self.shapes
                            .get(*s)
                            .map(|shape| shape.origin.clone())
                            .unwrap_or_default()
                    };
                    Some(Hint::DistinctPayloadObjects {
                        first: origin(x),
                        second: origin(y),
                    })
                }
                _ => None,
            };
            self.mismatch(&a.ty.to_string(), &b.ty, hint, b.span);
            return None;
        }
        Some((Binary::Default, a.ty.join(&b.ty), b.optional))
    }

    fn type_logic(&mut self, op: BinaryOp, a: &Expr, b: &Expr) -> Option<(Binary, Ty, bool)> {
        let operand = || NeededBy::Operand(op.symbol());
        let present = self.require_present(a, operand()) & self.require_present(b, operand());
        for side in [a, b] {
            if side.ty != Ty::Bool {
                self.mismatch("bool", &side.ty, None, side.span);
                return None;
            }
        }
        let binary = if op == BinaryOp::And {
            Binary::And
        } else {
            Binary::Or
        };
        present.then_some((binary, Ty::Bool, false))
    }

    fn type_equality(&mut self, op: BinaryOp, a: &Expr, b: &Expr) -> Option<(Binary, Ty, bool)> {
        if !a.ty.comparable() || !(a.ty.fits(&b.ty) || b.ty.fits(&a.ty)) {
            self.mismatch(&a.ty.to_string(), &b.ty, None, b.span);
            return None;
        }
        let binary = if op == BinaryOp::Eq {
            Binary::Eq
        } else {
            Binary::Ne
        };
        Some((binary, Ty::Bool, false))
    }

    fn type_ordering(&mut self, op: BinaryOp, a: &Expr, b: &Expr) -> Option<(Binary, Ty, bool)> {
        let operand = || NeededBy::Operand(op.symbol());
        let present = self.require_present(a, operand()) & self.require_present(b, operand());
        if !a.ty.comparable() || a.ty != b.ty {
            self.mismatch(&a.ty.to_string(), &b.ty, None, b.span);
            return None;
        }
        let binary = match op {
            BinaryOp::Lt => Binary::Lt,
            BinaryOp::Le => Binary::Le,
            BinaryOp::Gt => Binary::Gt,
            _ => Binary::Ge,
        };
        present.then_some((binary, Ty::Bool, false))
    }

    fn type_concat(&mut self, a: &Expr, b: &Expr) -> Option<(Binary, Ty, bool)> {
        let present = self.require_present(a, NeededBy::Operand("++"))
            & self.require_present(b, NeededBy::Operand("++"));
        for side in [a, b] {
            if side.ty != Ty::String {
                let hint = Some(Hint::ConvertToString);
                self.mismatch("string", &side.ty, hint, side.span);
                return None;
            }
        }
        present.then_some((Binary::Concat, Ty::String, false))
    }

    fn type_arithmetic(
        &mut self,
        op: BinaryOp,
        a: &Expr,
        b: &Expr,
        span: Span,
    ) -> Option<(Binary, Ty, bool)> {
        let symbol = op.symbol();
        let operand = || NeededBy::Operand(symbol);
        let present = self.require_present(a, operand()) & self.require_present(b, operand());
        let c = symbol.chars().next().unwrap_or('+');
        let numeric = |t: &Ty| matches!(t, Ty::Int | Ty::Decimal);
        let typed = match (&a.ty, &b.ty) {
            (Ty::Int, Ty::Int) if c != '/' => (Binary::Int(c), Ty::Int),
            (x, y) if numeric(x) && numeric(y) => (Binary::Decimal(c), Ty::Decimal),
            (Ty::Money, Ty::Money) if c == '+' || c == '-' => (Binary::Money(c), Ty::Money),
            (x, y) => {
                let hint = if *x == Ty::String || *y == Ty::String {
                    Hint::ArithmeticOnText
                } else if *x == Ty::Money || *y == Ty::Money {
                    Hint::ArithmeticOnMoney
                } else {
                    Hint::ArithmeticNeedsNumbers
                };
                self.error(
                    CheckErrorKind::TypeMismatch {
                        expected: "int or decimal operands".into(),
                        found: format!("{x} {symbol} {y}"),
                        hint: Some(hint),
                        argument: None,
                    },
                    span,
                );
                return None;
            }
        };
        present.then_some((typed.0, typed.1, false))
    }

    fn check_if(
        &mut self,
        c: &ast::Expr,
        a: &ast::Expr,
        b: Option<&ast::Expr>,
        span: Span,
    ) -> Option<Expr> {
        let cond = self.check_expr(c);
        let then = self.check_expr(a);
        let otherwise = b.map(|b| self.check_expr(b));
        let cond = cond?;
        if cond.ty != Ty::Bool {
            self.mismatch("bool", &cond.ty, None, cond.span);
        }
        let present = self.require_present(&cond, NeededBy::Condition("if"));
        // An int branch beside a decimal one is widened, as in `??`.
        let (then, otherwise) = match (then?, otherwise) {
            (then, Some(o)) => {
                let o = o?;
                let then = self.widen(then, &o);
                let o = self.widen(o, &then);
                (then, Some(o))
            }
            (then, None) => (then, None),
        };
        let mut ty = then.ty.clone();
        let mut optional = then.optional || otherwise.is_none();
        if let Some(o) = &otherwise {
            if !o.ty.fits(&ty) && !ty.fits(&o.ty) {
                self.mismatch(&ty.to_string(), &o.ty, None, o.span);
                return None;
            }
            ty = ty.join(&o.ty);
            optional |= o.optional;
        }
        if !present || cond.ty != Ty::Bool {
            return None;
        }
        let kind = ExprKind::If(Box::new(cond), Box::new(then), otherwise.map(Box::new));
        Some(self.mk(kind, ty, optional, span))
    }

    fn check_match(&mut self, x: &ast::Expr, arms: &[ast::Arm], span: Span) -> Option<Expr> {
        let scrutinee = self.check_expr(x)?;
        if !scrutinee.ty.comparable() {
            self.mismatch(
                "a string, number, bool or timestamp",
                &scrutinee.ty,
                None,
                scrutinee.span,
            );
            return None;
        }
        let mut lowered = Vec::new();
        let mut otherwise = None;
        let mut ty = Ty::Unknown;
        let mut optional = false;
        let mut ok = true;
        for arm in arms {
            let mut patterns = Vec::new();
            for (literal, pspan) in &arm.patterns {
                let (lit, lty) = lower_literal(literal);
                if !lty.fits(&scrutinee.ty) {
                    self.mismatch(&scrutinee.ty.to_string(), &lty, None, *pspan);
                    ok = false;
                }
                patterns.push(lit);
            }
            let Some(mut value) = self.check_expr(&arm.value) else {
                ok = false;
                continue;
            };
            // An arm rejecting the record blames the value matched.
            if let ExprKind::Call(callee, _, origin) = &mut value.kind {
                if callee.builtin == crate::ir::Builtin::Fail {
                    *origin = self.origin_of(&scrutinee);
                }
            }
            if !value.ty.fits(&ty) && !ty.fits(&value.ty) {
                self.mismatch(&ty.to_string(), &value.ty, None, value.span);
                ok = false;
            }
            ty = ty.join(&value.ty);
            optional |= value.optional;
            if patterns.is_empty() {
                otherwise = Some(Box::new(value));
            } else {
                lowered.push((patterns, value));
            }
        }
        if otherwise.is_none() {
            self.check_exhaustive(&scrutinee, &lowered, span);
        }
        let origin = self.origin_of(&scrutinee);
        let kind = ExprKind::Match {
            scrutinee: Box::new(scrutinee),
            arms: lowered,
            otherwise,
            origin,
        };
        ok.then(|| self.mk(kind, ty, optional, span))
    }

    /// A `match` without `_` must cover every value of the source `enum`.
    fn check_exhaustive(&mut self, scrutinee: &Expr, arms: &[(Vec<Lit>, Expr)], span: Span) {
        let covered: Vec<&Lit> = arms.iter().flat_map(|(p, _)| p).collect();
        let node = self.path_node(scrutinee);
        let Some(values) = node.as_ref().and_then(|n| n.schema().string_enum()) else {
            self.error(
                CheckErrorKind::NonExhaustiveMatch {
                    missing: Vec::new(),
                },
                span,
            );
            return;
        };
        let mut missing: Vec<String> = values
            .into_iter()
            .filter(|v| !covered.contains(&&Lit::String((*v).to_owned())))
            .map(|v| format!("{v:?}"))
            .collect();
        if scrutinee.optional && !covered.contains(&&Lit::Null) {
            missing.push("null".to_owned());
        }
        if !missing.is_empty() {
            self.error(CheckErrorKind::NonExhaustiveMatch { missing }, span);
        }
    }

    /// `for` in value position (`target` is `None`) or building a target
    /// array (`target` is the array's schema).
    pub(crate) fn check_for(
        &mut self,
        f: &ast::ForExpr,
        span: Span,
        target: Option<Node<'a>>,
    ) -> Option<(Expr, Option<Write>)> {
        let (source, elem) = self.check_loop_source(&f.source)?;
        self.scopes.push();
        let result = self.check_for_body(f, source, elem, span, target);
        self.scopes.pop();
        result
    }

    /// The array a loop walks (`for`, `emit for`) and its element type: a
    /// present array of typed elements.
    pub(crate) fn check_loop_source(&mut self, source: &ast::Expr) -> Option<(Expr, Ty)> {
        let source = self.check_expr(source)?;
        let Ty::Array(elem) = source.ty.clone() else {
            self.mismatch("an array", &source.ty, None, source.span);
            return None;
        };
        if is_opaque_array(&source.ty) {
            let expected = "an array of typed elements";
            self.mismatch(expected, &source.ty, None, source.span);
            return None;
        }
        self.require_present(&source, NeededBy::ForArray);
        Some((source, *elem))
    }

    /// Bind a loop's element and index in the current scope, and check its
    /// `where`: (item, index, filter).
    pub(crate) fn bind_loop(
        &mut self,
        f: &ast::ForExpr,
        source: &Expr,
        elem: Ty,
    ) -> Option<(ir::LocalId, ir::LocalId, Option<Expr>)> {
        let index_value = BindingValue {
            ty: Ty::Int,
            optional: false,
            origin: Vec::new(),
            node: None,
        };
        let index = match &f.index {
            Some(name) => self.bind(name, index_value, BindingKind::Loop),
            None => self.new_local("index", Vec::new(), None),
        };
        let mut origin = self.origin_of(source);
        // Elements of a list built by a `for` already end in `[*]`.
        if origin.last() != Some(&Seg::Any) {
            origin.push(Seg::Loop(index));
        }
        let node = self.path_node(source).and_then(|n| n.items());
        let item_value = BindingValue {
            ty: elem,
            optional: false,
            origin,
            node,
        };
        let item = self.bind(&f.item, item_value, BindingKind::Loop);
        let filter = match &f.filter {
            Some(cond) => {
                let cond = self.check_expr(cond)?;
                if cond.ty != Ty::Bool {
                    self.mismatch("bool", &cond.ty, None, cond.span);
                    return None;
                }
                self.require_present(&cond, NeededBy::Condition("where"));
                Some(cond)
            }
            None => None,
        };
        Some((item, index, filter))
    }

    fn check_for_body(
        &mut self,
        f: &ast::ForExpr,
        source: Expr,
        elem: Ty,
        span: Span,
        target: Option<Node<'a>>,
    ) -> Option<(Expr, Option<Write>)> {
        let (item, index, filter) = self.bind_loop(f, &source, elem)?;
        let items_node = target.map(|t| t.element());
        let (body, write) = self.check_body(&f.body, items_node)?;
        self.require_present(&body, NeededBy::ForElement);
        let ty = Ty::Array(Box::new(body.ty.clone()));
        let lowered = ForLoop {
            item,
            index,
            source,
            filter,
            body,
        };
        let write = write.map(|w| Write::Array(Box::new(w)));
        Some((
            self.mk(ExprKind::For(Box::new(lowered)), ty, false, span),
            write,
        ))
    }

    /// The body of `for` / `with`: an object block (target only) or a value.
    fn check_body(
        &mut self,
        body: &Body,
        target: Option<Node<'a>>,
    ) -> Option<(Expr, Option<Write>)> {
        match (body, target) {
            (Body::Object(items, span), Some(node)) => {
                let object = self.check_block(items, node, *span)?;
                Some((
                    self.mk(ExprKind::Object(object), Ty::Output, false, *span),
                    Some(Write::Object),
                ))
            }
            (Body::Object(_, span), None) => {
                self.error(CheckErrorKind::ObjectOutsideTarget, *span);
                None
            }
            (Body::Value(v), Some(node)) => {
                let (e, w) = self.check_for_target(v, node)?;
                Some((e, Some(w)))
            }
            (Body::Value(v), None) => Some((self.check_expr(v)?, None)),
        }
    }

    /// `with name = value { ... }`: absent when `value` is.
    pub(crate) fn check_with(
        &mut self,
        name: &ast::Ident,
        value: &ast::Expr,
        body: &Body,
        span: Span,
        target: Option<Node<'a>>,
    ) -> Option<(Expr, Option<Write>)> {
        let value = self.check_expr(value)?;
        if !value.optional {
            self.error(CheckErrorKind::NeverAbsent { construct: "with" }, span);
        }
        self.scopes.push();
        let bound = BindingValue {
            ty: value.ty.clone(),
            optional: false,
            origin: self.origin_of(&value),
            node: self.path_node(&value),
        };
        let local = self.bind(name, bound, BindingKind::Loop);
        let body = self.check_body(body, target);
        self.scopes.pop();
        let (body, write) = body?;
        let ty = body.ty.clone();
        let kind = ExprKind::With {
            local,
            value: Box::new(value),
            body: Box::new(body),
        };
        Some((self.mk(kind, ty, true, span), write))
    }

    fn check_array(&mut self, items: &[ast::Expr], span: Span) -> Option<Expr> {
        let mut ty = Ty::Unknown;
        let mut out = Vec::new();
        for item in items {
            let Some(value) = self.check_expr(item) else {
                continue;
            };
            self.require_present(&value, NeededBy::ArrayElement);
            if !value.ty.fits(&ty) {
                self.mismatch(&ty.to_string(), &value.ty, None, value.span);
                return None;
            }
            ty = ty.join(&value.ty);
            out.push(value);
        }
        if out.len() != items.len() {
            return None;
        }
        let kind = ExprKind::Array(out);
        Some(self.mk(kind, Ty::Array(Box::new(ty)), false, span))
    }
}

/// An array whose schema has no `items`: countable, not readable.
fn is_opaque_array(ty: &Ty) -> bool {
    matches!(ty, Ty::Array(elem) if **elem == Ty::Opaque)
}
