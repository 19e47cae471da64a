//! Target fields: blocks of assignments checked against the target schema,
//! how each value is written, and which target `enum`s are proven.

use super::scope::BindingKind;
use super::{BindingValue, CheckErrorKind, Checker, Hint, NeededBy};
use crate::ir::{self, Expr, ExprKind, Lit, Ty, WhenAbsent, Write};
use crate::schema::{Kind, Node};
use crate::span::Span;
use crate::syntax::ast;

/// Assignments of one object, keyed by field, before schema ordering.
#[derive(Default)]
struct Tree {
    entries: Vec<(String, Entry)>,
}

enum Entry {
    /// `name = value`.
    Value(Box<ir::Field>, Span),
    /// `name.sub = ...`: an object built field by field.
    Nested(Tree, Span),
    /// Assigned, but the value did not check (already reported).
    Failed(Span),
}

impl Entry {
    fn span(&self) -> Span {
        match self {
            Entry::Value(_, s) | Entry::Nested(_, s) | Entry::Failed(s) => *s,
        }
    }
}

impl Tree {
    fn get_mut(&mut self, name: &str) -> Option<&mut Entry> {
        self.entries
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e)
    }

    fn take(&mut self, name: &str) -> Option<Entry> {
        let at = self.entries.iter().position(|(n, _)| n == name)?;
        Some(self.entries.remove(at).1)
    }
}

/// Whether a schema object is a money object (`{amount, currency}`).
fn is_money(node: Node<'_>) -> bool {
    node.property("amount").is_some() && node.property("currency").is_some()
}

/// A short description of what a schema node wants.
fn describe(node: Node<'_>) -> String {
    let kinds = node.non_null_kinds();
    match (kinds.as_slice(), node.format.as_deref()) {
        ([Kind::String], Some("date-time")) => "timestamp (string, format date-time)".into(),
        ([Kind::String], Some("decimal")) => "decimal (string, format decimal)".into(),
        ([Kind::Object], _) if is_money(node) => "money".into(),
        ([Kind::Integer], _) => "int".into(),
        ([Kind::Number], _) => "decimal or int (number)".into(),
        ([Kind::Boolean], _) => "bool".into(),
        _ => kinds
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

impl<'a> Checker<'a> {
    /// A block of lets and assignments building one object of `node`.
    pub(crate) fn check_block(
        &mut self,
        items: &[ast::Item],
        node: Node<'a>,
        span: Span,
    ) -> Option<ir::Object> {
        self.scopes.push();
        let mut lets = Vec::new();
        let mut tree = Tree::default();
        for item in items {
            match item {
                ast::Item::Let(l) => lets.extend(self.check_let(l)),
                ast::Item::Assign(a) => self.check_assign(a, node, &mut tree),
                ast::Item::Assert(call) => lets.extend(self.check_assert_item(call)),
                ast::Item::Emit(each) => {
                    let problem = super::EmitProblem::InsideARecord;
                    self.error(CheckErrorKind::BadEmit(problem), each.span);
                }
            }
        }
        let fields = self.build_fields(tree, node, span);
        self.pop_scope_reporting_unused();
        Some(ir::Object { lets, fields })
    }

    pub(crate) fn check_let(&mut self, item: &ast::LetItem) -> Option<(ir::LocalId, Expr)> {
        let value = self.check_expr(&item.value);
        let bound = match &value {
            Some(v) => BindingValue {
                ty: v.ty.clone(),
                optional: v.optional,
                origin: self.origin_of(v),
                node: self.path_node(v),
            },
            None => BindingValue {
                ty: Ty::Unknown,
                optional: false,
                origin: Vec::new(),
                node: None,
            },
        };
        let local = self.bind(&item.name, bound, BindingKind::Let);
        if let Some(v) = &value {
            self.note_absence(local, item.value.site.unwrap_or(item.value.span), v);
        }
        if value.is_none() {
            // Already reported; do not also call it unused.
            self.scopes.lookup(&item.name.name);
        }
        Some((local, value?))
    }

    /// `assert(...)` standing as an item: a `let` of its (always `true`)
    /// value, evaluated in its place among the `let`s, before any field.
    pub(crate) fn check_assert_item(&mut self, call: &ast::Expr) -> Option<(ir::LocalId, Expr)> {
        let value = self.check_expr(call)?;
        let local = self.new_local("_asserted", Vec::new(), None);
        Some((local, value))
    }

    fn unknown_target(&mut self, name: &ast::Ident, node: Node<'a>) {
        let names = node.properties.iter().map(|(n, _)| n.as_str());
        self.error(
            CheckErrorKind::UnknownTargetField {
                name: name.name.clone(),
                candidates: super::similar(&name.name, names),
                schema: node.origin.clone(),
            },
            name.span,
        );
    }

    fn check_assign(&mut self, assign: &ast::Assign, node: Node<'a>, tree: &mut Tree) {
        let Some((last, parents)) = assign.target.split_last() else {
            return;
        };
        let mut node = node;
        let mut tree = tree;
        for part in parents {
            let Some(child) = node.property(&part.name) else {
                return self.unknown_target(part, node);
            };
            if !self.loaded(child, part.span) {
                return;
            }
            if child.single_kind() != Some(Kind::Object) {
                let found = Ty::Output;
                return self.mismatch(&describe(child), &found, None, part.span);
            }
            if tree.get_mut(&part.name).is_none() {
                let nested = Entry::Nested(Tree::default(), part.span);
                tree.entries.push((part.name.clone(), nested));
            }
            match tree.get_mut(&part.name) {
                Some(Entry::Nested(sub, _)) => tree = sub,
                Some(other) => {
                    let first = other.span();
                    return self.duplicate(part, first);
                }
                None => return,
            }
            node = child;
        }
        let Some(field_node) = node.property(&last.name) else {
            return self.unknown_target(last, node);
        };
        if let Some(existing) = tree.get_mut(&last.name) {
            let first = existing.span();
            return self.duplicate(last, first);
        }
        let required = node.requires(&last.name);
        let entry = match self.check_field(&last.name, &assign.value, field_node, required) {
            Some(field) => Entry::Value(Box::new(field), last.span),
            None => Entry::Failed(last.span),
        };
        tree.entries.push((last.name.clone(), entry));
    }

    fn duplicate(&mut self, name: &ast::Ident, first: Span) {
        let field = name.name.clone();
        self.error(
            CheckErrorKind::DuplicateAssignment { field, first },
            name.span,
        );
    }

    /// Check one field's value against its schema.
    fn check_field(
        &mut self,
        name: &str,
        value: &ast::Expr,
        node: Node<'a>,
        required: bool,
    ) -> Option<ir::Field> {
        let (value, write) = self.check_for_target(value, node)?;
        let absent = match (value.optional, node.nullable(), required) {
            (false, _, _) => WhenAbsent::Never,
            (true, true, _) => WhenAbsent::Null,
            (true, false, false) => WhenAbsent::Omit,
            (true, false, true) => {
                let field = name.to_owned();
                let because = self.absence(&value);
                self.error(
                    CheckErrorKind::OptionalToRequired { field, because },
                    value.span,
                );
                return None;
            }
        };
        let allowed = self.check_enum(&value, node)?;
        let origin = self.origin_of(&value);
        Some(ir::Field {
            name: name.to_owned(),
            span: value.span,
            value,
            write,
            absent,
            allowed,
            origin,
        })
    }

    /// Lay out assigned fields in schema order; report required fields
    /// never assigned.
    fn build_fields(&mut self, mut tree: Tree, node: Node<'a>, span: Span) -> Vec<ir::Field> {
        let mut fields = Vec::new();
        for (name, prop) in node.properties() {
            match tree.take(name) {
                Some(Entry::Value(field, assigned)) => fields.push(ir::Field {
                    span: assigned,
                    ..*field
                }),
                Some(Entry::Nested(sub, sub_span)) => {
                    let object = ir::Object {
                        lets: Vec::new(),
                        fields: self.build_fields(sub, prop, sub_span),
                    };
                    let value = self.mk(ExprKind::Object(object), Ty::Output, false, sub_span);
                    fields.push(ir::Field {
                        name: name.to_owned(),
                        span: sub_span,
                        value,
                        write: Write::Object,
                        absent: WhenAbsent::Never,
                        allowed: None,
                        origin: Vec::new(),
                    });
                }
                Some(Entry::Failed(_)) => {}
                None if node.requires(name) => {
                    let kind = CheckErrorKind::MissingTarget {
                        field: name.to_owned(),
                        schema: prop.origin.clone(),
                    };
                    self.error(kind, span);
                }
                None => {}
            }
        }
        fields
    }

    /// Check a value for a target schema node: objects, `for` and `with`
    /// are built against the node; anything else is a value to write.
    pub(crate) fn check_for_target(
        &mut self,
        e: &ast::Expr,
        node: Node<'a>,
    ) -> Option<(Expr, Write)> {
        self.at_site(e, |checker| checker.check_for_target_here(e, node))
    }

    fn check_for_target_here(&mut self, e: &ast::Expr, node: Node<'a>) -> Option<(Expr, Write)> {
        if !self.loaded(node, e.span) {
            return None;
        }
        let kinds = node.non_null_kinds();
        match &e.kind {
            ast::ExprKind::Call(name, args) if name.name == "todo" => {
                let note = match args.as_slice() {
                    [ast::Expr {
                        kind: ast::ExprKind::Literal(ast::Literal::String(note)),
                        ..
                    }] => Some(note.clone()),
                    _ => None,
                };
                let schema = node.schema();
                let kind = CheckErrorKind::Todo {
                    note,
                    description: schema.description.clone(),
                    schema: schema.origin.clone(),
                };
                self.error(kind, e.span);
                None
            }
            ast::ExprKind::Object(items) => {
                if !kinds.is_empty() && !kinds.contains(&Kind::Object) {
                    self.mismatch(&describe(node), &Ty::Output, None, e.span);
                    return None;
                }
                let object = self.check_block(items, node, e.span)?;
                Some((
                    self.mk(ExprKind::Object(object), Ty::Output, false, e.span),
                    Write::Object,
                ))
            }
            ast::ExprKind::For(f) => {
                if !kinds.contains(&Kind::Array) {
                    self.mismatch(
                        &describe(node),
                        &Ty::Array(Box::new(Ty::Unknown)),
                        None,
                        e.span,
                    );
                    return None;
                }
                let (value, write) = self.check_for(f, e.span, Some(node))?;
                Some((value, write?))
            }
            ast::ExprKind::With(name, value, body) => {
                let (value, write) = self.check_with(name, value, body, e.span, Some(node))?;
                Some((value, write?))
            }
            // `if c then [{...}] else []`: either branch built in place.
            ast::ExprKind::If(c, a, Some(b)) if builds(a) || builds(b) => {
                let cond = self.check_expr(c);
                let then = self.check_for_target(a, node);
                let otherwise = self.check_for_target(b, node);
                let (cond, (then, then_write), (otherwise, otherwise_write)) =
                    (cond?, then?, otherwise?);
                // `[]` writes nothing: the branch that builds says how.
                let write = if builds(a) {
                    then_write
                } else {
                    otherwise_write
                };
                if cond.ty != Ty::Bool {
                    self.mismatch("bool", &cond.ty, None, cond.span);
                    return None;
                }
                if !self.require_present(&cond, NeededBy::Condition("if")) {
                    return None;
                }
                let optional = then.optional || otherwise.optional;
                let ty = then.ty.clone();
                let kind = ExprKind::If(Box::new(cond), Box::new(then), Some(Box::new(otherwise)));
                Some((self.mk(kind, ty, optional, e.span), write))
            }
            // `[{...}, {...}]`: a fixed list of objects built in place.
            ast::ExprKind::Array(items)
                if !items.is_empty()
                    && items
                        .iter()
                        .all(|i| matches!(i.kind, ast::ExprKind::Object(_))) =>
            {
                let Some(elem) = node.items().filter(|_| kinds.contains(&Kind::Array)) else {
                    self.mismatch(
                        &describe(node),
                        &Ty::Array(Box::new(Ty::Output)),
                        None,
                        e.span,
                    );
                    return None;
                };
                let built: Vec<Option<(Expr, Write)>> = items
                    .iter()
                    .map(|i| self.check_for_target(i, elem))
                    .collect();
                let elems: Vec<Expr> = built
                    .into_iter()
                    .map(|b| b.map(|(x, _)| x))
                    .collect::<Option<_>>()?;
                Some((
                    self.mk(
                        ExprKind::Array(elems),
                        Ty::Array(Box::new(Ty::Output)),
                        false,
                        e.span,
                    ),
                    Write::Array(Box::new(Write::Object)),
                ))
            }
            _ => {
                let value = self.check_expr(e)?;
                let write = self.write_for(&value.ty, node, value.span)?;
                Some((value, write))
            }
        }
    }

    /// How a value of type `ty` is written to `node`, or a mismatch.
    fn write_for(&mut self, ty: &Ty, node: Node<'a>, span: Span) -> Option<Write> {
        // `null`, and the elements of `[]`, are never written as values.
        if *ty == Ty::Null || *ty == Ty::Unknown {
            return Some(Write::Null);
        }
        let kinds = node.non_null_kinds();
        let format = node.format.as_deref();
        let fits = |kind: Kind| kinds.is_empty() || kinds.contains(&kind);
        let write = match ty {
            Ty::Timestamp if fits(Kind::String) && format != Some("decimal") => {
                Some(Write::Timestamp)
            }
            Ty::Decimal if fits(Kind::String) && format == Some("decimal") => {
                Some(Write::DecimalString)
            }
            Ty::Decimal if fits(Kind::Number) => Some(Write::DecimalNumber),
            Ty::String
                if fits(Kind::String) && !matches!(format, Some("date-time" | "decimal")) =>
            {
                Some(Write::String)
            }
            Ty::Int if fits(Kind::Integer) || fits(Kind::Number) => Some(Write::Int),
            Ty::Bool if fits(Kind::Boolean) => Some(Write::Bool),
            Ty::Money if fits(Kind::Object) && (kinds.is_empty() || is_money(node)) => {
                Some(Write::Money)
            }
            Ty::Output if fits(Kind::Object) => Some(Write::Object),
            Ty::Array(elem) if fits(Kind::Array) => {
                let items = node.element();
                return Some(Write::Array(Box::new(self.write_for(elem, items, span)?)));
            }
            _ => None,
        };
        if write.is_none() {
            let hint = match (ty, format) {
                (Ty::String, Some("date-time")) => Some(Hint::ParseTimestamp),
                (Ty::String | Ty::Int, Some("decimal")) => Some(Hint::ConvertToDecimal),
                (Ty::Decimal, _) if is_money(node) => Some(Hint::MoneyNeedsCurrency),
                (Ty::Int | Ty::Decimal | Ty::Bool, None) if fits(Kind::String) => {
                    Some(Hint::ConvertToString)
                }
                _ => None,
            };
            self.mismatch(&describe(node), ty, hint, span);
        }
        write
    }

    /// Strings a value can take, when they are all known at compile time.
    fn known_strings(&self, e: &Expr) -> Option<Vec<(String, Span)>> {
        match &e.kind {
            ExprKind::Lit(Lit::String(s)) => Some(vec![(s.clone(), e.span)]),
            ExprKind::Lit(Lit::Null) => Some(Vec::new()),
            ExprKind::Lookup(table, _, _, _) => {
                let table = self.tables.get(*table)?;
                let values = table.entries.values().filter_map(|v| match v {
                    Lit::String(s) => Some((s.clone(), e.span)),
                    _ => None,
                });
                Some(values.collect())
            }
            ExprKind::If(_, a, b) => {
                let mut all = self.known_strings(a)?;
                if let Some(b) = b {
                    all.extend(self.known_strings(b)?);
                }
                Some(all)
            }
            ExprKind::Binary(ir::Binary::Default, a, b) => {
                let mut all = self.known_strings(a)?;
                all.extend(self.known_strings(b)?);
                Some(all)
            }
            ExprKind::Match {
                arms, otherwise, ..
            } => {
                let mut all = Vec::new();
                for (_, value) in arms {
                    all.extend(self.known_strings(value)?);
                }
                if let Some(o) = otherwise {
                    all.extend(self.known_strings(o)?);
                }
                Some(all)
            }
            _ => None,
        }
    }

    /// A string written to a target with `enum`: proven now, or checked at
    /// run time (the allowed list is returned).
    fn check_enum(&mut self, value: &Expr, node: Node<'a>) -> Option<Option<Vec<String>>> {
        let Some(allowed) = node.string_enum() else {
            return Some(None);
        };
        if value.ty != Ty::String {
            return Some(None);
        }
        let allowed: Vec<String> = allowed.into_iter().map(str::to_owned).collect();
        let Some(known) = self.known_strings(value) else {
            return Some(Some(allowed));
        };
        let mut bad: Vec<(String, Span)> = known
            .into_iter()
            .filter(|(s, _)| !allowed.contains(s))
            .collect();
        bad.dedup_by(|a, b| a.0 == b.0);
        if bad.is_empty() {
            return Some(None);
        }
        let span = bad.first().map_or(value.span, |b| b.1);
        let values = bad.into_iter().map(|(s, _)| s).collect();
        self.error(CheckErrorKind::NotInTargetEnum { values, allowed }, span);
        None
    }
}

/// Whether a value builds objects in place (a block, a `for` or `with`
/// building a block, a list of blocks, or an `if` between such values).
fn builds(e: &ast::Expr) -> bool {
    match &e.kind {
        ast::ExprKind::Object(_) | ast::ExprKind::For(_) | ast::ExprKind::With(..) => true,
        ast::ExprKind::Array(items) => items.iter().any(builds),
        ast::ExprKind::If(_, a, Some(b)) => builds(a) || builds(b),
        _ => false,
    }
}
