//! Coverage of a mapping by its samples: which assignments wrote a value,
//! which `if` branches and `match` arms were taken, and which table keys
//! were looked up, as the evaluator ran the samples (`mapc test
//! --coverage`). Every point is listed from the IR, so what no sample
//! reaches is named.

use crate::ir::{self, Expr, ExprKind, Loc, TableId};
use std::collections::{BTreeSet, HashSet};

/// One thing a sample can exercise.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Point {
    /// A target field written with a value (the value's position).
    Field(Loc, String),
    /// The `then` branch of the `if` at a position.
    Then(Loc),
    /// The `else` branch (or, without one, the condition false).
    Else(Loc),
    /// A `match` arm, by position of the `match` and arm index.
    Arm(Loc, usize),
    /// A `match`'s `_` arm.
    Otherwise(Loc),
    /// A key of a lookup table found.
    TableKey(TableId, String),
}

/// The points the evaluator reached.
#[derive(Debug, Default, Clone)]
pub struct Hits(pub(crate) HashSet<Point>);

impl Hits {
    pub(crate) fn hit(&mut self, point: Point) {
        self.0.insert(point);
    }
}

/// Every point of `mapping`, in a stable order.
pub fn points(mapping: &ir::Mapping) -> BTreeSet<Point> {
    let mut all = BTreeSet::new();
    if let Some(keep) = &mapping.keep {
        expr(keep, mapping, &mut all);
    }
    object(&mapping.body, mapping, &mut all);
    emits(&mapping.emits, mapping, &mut all);
    all
}

fn emits(list: &[ir::Emit], mapping: &ir::Mapping, all: &mut BTreeSet<Point>) {
    for emit in list {
        expr(&emit.source, mapping, all);
        if let Some(filter) = &emit.filter {
            expr(filter, mapping, all);
        }
        match &emit.body {
            ir::EmitBody::Record(o) => object(o, mapping, all),
            ir::EmitBody::Scope(lets, nested) => {
                for (_, value) in lets {
                    expr(value, mapping, all);
                }
                emits(nested, mapping, all);
            }
        }
    }
}

fn object(o: &ir::Object, mapping: &ir::Mapping, all: &mut BTreeSet<Point>) {
    for (_, value) in &o.lets {
        expr(value, mapping, all);
    }
    for field in &o.fields {
        all.insert(Point::Field(field.value.loc, field.name.clone()));
        expr(&field.value, mapping, all);
    }
}

fn expr(e: &Expr, mapping: &ir::Mapping, all: &mut BTreeSet<Point>) {
    match &e.kind {
        ExprKind::Object(o) => return object(o, mapping, all),
        ExprKind::If(..) => {
            all.insert(Point::Then(e.loc));
            all.insert(Point::Else(e.loc));
        }
        ExprKind::Match {
            arms, otherwise, ..
        } => {
            for i in 0..arms.len() {
                all.insert(Point::Arm(e.loc, i));
            }
            if otherwise.is_some() {
                all.insert(Point::Otherwise(e.loc));
            }
        }
        ExprKind::Lookup(table, ..) => {
            if let Some(t) = mapping.tables.get(*table) {
                for key in t.entries.keys() {
                    all.insert(Point::TableKey(*table, key.clone()));
                }
            }
        }
        _ => {}
    }
    for child in e.children() {
        expr(child, mapping, all);
    }
}

/// What the samples of a mapping covered, as a report: counts per kind,
/// then every point not covered with its mapping position.
pub fn report(mapping: &ir::Mapping, hits: &Hits) -> String {
    let all = points(mapping);
    let mut counts = [(0, 0); 4]; // fields, branches, arms, table keys
    let mut missed = Vec::new();
    for point in &all {
        let kind = match point {
            Point::Field(..) => 0,
            Point::Then(_) | Point::Else(_) => 1,
            Point::Arm(..) | Point::Otherwise(_) => 2,
            Point::TableKey(..) => 3,
        };
        let covered = hits.0.contains(point);
        if let Some((hit, total)) = counts.get_mut(kind) {
            *total += 1;
            *hit += usize::from(covered);
        }
        if !covered {
            missed.push(describe(mapping, point));
        }
    }
    let [fields, branches, arms, keys] = counts;
    let mut out = format!(
        "coverage of {} by its samples: {}/{} assignments, {}/{} if branches, {}/{} match arms, {}/{} table keys\n",
        mapping.id, fields.0, fields.1, branches.0, branches.1, arms.0, arms.1, keys.0, keys.1
    );
    if !missed.is_empty() {
        out.push_str("not covered:\n");
        for line in missed {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

fn describe(mapping: &ir::Mapping, point: &Point) -> String {
    let at = |loc: &Loc| format!("{}:{}:{}", mapping.file, loc.line, loc.column);
    match point {
        Point::Field(loc, name) => format!("{}: `{name}` never written with a value", at(loc)),
        Point::Then(loc) => format!("{}: `if` never true", at(loc)),
        Point::Else(loc) => format!("{}: `if` never false", at(loc)),
        Point::Arm(loc, i) => format!("{}: `match` arm {} never taken", at(loc), i + 1),
        Point::Otherwise(loc) => format!("{}: `match` arm `_` never taken", at(loc)),
        Point::TableKey(table, key) => match mapping.tables.get(*table) {
            Some(t) => format!(
                "table `{}` ({}): key {key:?} never looked up",
                t.name, t.file
            ),
            None => format!("table {table}: key {key:?} never looked up"),
        },
    }
}
