//! The stated-figures rule, read from the IR's lineage: a figure the
//! channel states (any field under a target field named `stated` or
//! `stated_...`) is read from the payload's own scalars and never adds up a
//! list. Summing lines is what `computed` is for; a stated figure filled in
//! from them makes the reconciliation agree with itself (W303).

use crate::ir::{self, Builtin, Expr, ExprKind, LocalId, Ty};
use crate::span::Span;
use std::collections::{HashMap, HashSet};

/// A stated figure that depends on a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedFromList {
    /// Its target path (`totals.stated.subtotal`).
    pub field: String,
    /// Where it is assigned.
    pub assigned: Span,
    /// The list it depends on (a `for`, or a list passed to `sum`/`count`).
    pub list: Span,
}

/// Every stated figure of `mapping` that depends on a list, in target order.
pub fn stated_from_lists(mapping: &ir::Mapping) -> Vec<StatedFromList> {
    let mut lineage = Lineage::default();
    lineage.collect_mapping(mapping);
    let mut found = Vec::new();
    lineage.stated_in(&mapping.body, "", false, &mut found);
    lineage.stated_in_emits(&mapping.emits, &mut found);
    found
}

/// What each local was bound to (lets and `with` bindings).
#[derive(Default)]
struct Lineage<'m> {
    defs: HashMap<LocalId, &'m Expr>,
}

impl<'m> Lineage<'m> {
    fn collect_mapping(&mut self, mapping: &'m ir::Mapping) {
        self.collect_object(&mapping.body);
        self.collect_emits(&mapping.emits);
    }

    fn collect_emits(&mut self, emits: &'m [ir::Emit]) {
        for emit in emits {
            self.collect(&emit.source);
            match &emit.body {
                ir::EmitBody::Record(object) => self.collect_object(object),
                ir::EmitBody::Scope(lets, nested) => {
                    for (local, value) in lets {
                        self.defs.insert(*local, value);
                        self.collect(value);
                    }
                    self.collect_emits(nested);
                }
            }
        }
    }

    fn collect_object(&mut self, object: &'m ir::Object) {
        for (local, value) in &object.lets {
            self.defs.insert(*local, value);
            self.collect(value);
        }
        for field in &object.fields {
            self.collect(&field.value);
        }
    }

    fn collect(&mut self, e: &'m Expr) {
        match &e.kind {
            ExprKind::With { local, value, .. } => {
                self.defs.insert(*local, value);
            }
            ExprKind::Object(object) => return self.collect_object(object),
            _ => {}
        }
        for child in e.children() {
            self.collect(child);
        }
    }

    fn stated_in_emits(&self, emits: &[ir::Emit], found: &mut Vec<StatedFromList>) {
        for emit in emits {
            match &emit.body {
                ir::EmitBody::Record(object) => self.stated_in(object, "", false, found),
                ir::EmitBody::Scope(_, nested) => self.stated_in_emits(nested, found),
            }
        }
    }

    /// Check the stated figures among `object`'s fields (`stated`: the
    /// object is itself under a stated field).
    fn stated_in(
        &self,
        object: &ir::Object,
        path: &str,
        stated: bool,
        found: &mut Vec<StatedFromList>,
    ) {
        for field in &object.fields {
            let path = if path.is_empty() {
                field.name.clone()
            } else {
                format!("{path}.{}", field.name)
            };
            let stated = stated || field.name == "stated" || field.name.starts_with("stated_");
            self.stated_value(&field.value, field.span, &path, stated, found);
        }
    }

    fn stated_value(
        &self,
        value: &Expr,
        assigned: Span,
        path: &str,
        stated: bool,
        found: &mut Vec<StatedFromList>,
    ) {
        match &value.kind {
            ExprKind::Object(object) => return self.stated_in(object, path, stated, found),
            ExprKind::With {
                value: bound, body, ..
            } if matches!(body.kind, ExprKind::Object(_)) => {
                if stated {
                    self.report(bound, assigned, path, found);
                }
                return self.stated_value(body, assigned, path, stated, found);
            }
            _ => {}
        }
        if stated {
            self.report(value, assigned, path, found);
        }
    }

    fn report(&self, e: &Expr, assigned: Span, path: &str, found: &mut Vec<StatedFromList>) {
        if let Some(list) = self.list_in(e, &mut HashSet::new()) {
            found.push(StatedFromList {
                field: path.to_owned(),
                assigned,
                list,
            });
        }
    }

    /// The first list `e` depends on, through the locals it reads. Picking
    /// one element of a list (`first`, `last`, `at`, `xs[i]`) is reading a
    /// stated value, not adding up: only what the element is made of counts.
    fn list_in(&self, e: &Expr, seen: &mut HashSet<LocalId>) -> Option<Span> {
        if let ExprKind::Call(callee, args, _) = &e.kind {
            if matches!(callee.builtin, Builtin::First | Builtin::Last | Builtin::At) {
                return args.iter().find_map(|arg| self.picked_from(arg, seen));
            }
        }
        if matches!(e.ty, Ty::Array(_)) {
            return Some(e.span);
        }
        if let ExprKind::Local(local) = &e.kind {
            if seen.insert(*local) {
                if let Some(def) = self.defs.get(local) {
                    return self.list_in(def, seen);
                }
            }
            return None;
        }
        if let ExprKind::Path {
            base: ir::Base::Local(local),
            ..
        } = &e.kind
        {
            if seen.insert(*local) {
                if let Some(def) = self.defs.get(local) {
                    return self.list_in(def, seen);
                }
            }
        }
        e.children()
            .into_iter()
            .find_map(|child| self.list_in(child, seen))
    }

    /// The lists an argument of a picking builtin depends on beyond the one
    /// it picks from: a `for` choosing the candidates is read for its
    /// source, filter and element value; a list for what its elements are
    /// made of (a payload path, `xs ?? []`: nothing; a literal `[sum(...)]`:
    /// the sum's list).
    fn picked_from(&self, arg: &Expr, seen: &mut HashSet<LocalId>) -> Option<Span> {
        match &arg.kind {
            ExprKind::For(f) => self.picked_from(&f.source, seen).or_else(|| {
                f.filter
                    .iter()
                    .chain(std::iter::once(&f.body))
                    .find_map(|part| self.list_in(part, seen))
            }),
            ExprKind::Local(local) if matches!(arg.ty, Ty::Array(_)) => {
                let def = self.defs.get(local).filter(|_| seen.insert(*local))?;
                self.picked_from(def, seen)
            }
            _ if matches!(arg.ty, Ty::Array(_)) => arg
                .children()
                .into_iter()
                .find_map(|child| self.picked_from(child, seen)),
            _ => self.list_in(arg, seen),
        }
    }
}
