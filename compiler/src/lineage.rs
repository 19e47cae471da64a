//! Lineage: for every target field a mapping writes, the source paths,
//! lookup tables and parameters its value is computed from, followed
//! through `let`s, `with` bindings and `for` elements of the finished IR.
//! `mapc lineage` prints it (text, Markdown, Mermaid) and
//! `docs/mappings/<id>.md` holds each mapping's page.

use crate::ir::{self, Base, Expr, ExprKind, LocalId, Step};
use std::collections::{BTreeSet, HashMap};

/// What one target field is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldLineage {
    /// The target path (`lines[].unit_price`, `totals.stated.total`).
    pub field: String,
    /// Source paths from the record (`.line_items[].price`).
    pub sources: BTreeSet<String>,
    /// Lookup tables.
    pub tables: BTreeSet<String>,
    /// Parameters.
    pub params: BTreeSet<String>,
}

/// Every leaf target field of `mapping` with what it is computed from, in
/// target order (a field of an object in a list is written `list[].field`).
pub fn of(mapping: &ir::Mapping) -> Vec<FieldLineage> {
    let mut walker = Walker {
        mapping,
        bindings: HashMap::new(),
    };
    for param in &mapping.params {
        walker
            .bindings
            .insert(param.local, Binding::Param(&param.name));
    }
    walker.bind_object(&mapping.body);
    walker.bind_emits(&mapping.emits);
    let mut found = Vec::new();
    let mut inherited = FieldLineage::default();
    if let Some(keep) = &mapping.keep {
        walker.read(keep, &mut inherited);
    }
    if mapping.emits.is_empty() {
        walker.object(&mapping.body, "", &inherited, &mut found);
    } else {
        walker.emits(&mapping.emits, &inherited, &mut found);
    }
    found
}

/// What a local stands for: a value (a `let`, a `with`), or an element of
/// a list (a `for`'s item).
enum Binding<'m> {
    Value(&'m Expr),
    Element(&'m Expr),
    Param(&'m str),
}

struct Walker<'m> {
    mapping: &'m ir::Mapping,
    bindings: HashMap<LocalId, Binding<'m>>,
}

impl<'m> Walker<'m> {
    fn bind_object(&mut self, object: &'m ir::Object) {
        for (local, value) in &object.lets {
            self.bindings.insert(*local, Binding::Value(value));
            self.bind(value);
        }
        for field in &object.fields {
            self.bind(&field.value);
        }
    }

    fn bind_emits(&mut self, emits: &'m [ir::Emit]) {
        for emit in emits {
            self.bindings
                .insert(emit.item, Binding::Element(&emit.source));
            self.bind(&emit.source);
            match &emit.body {
                ir::EmitBody::Record(object) => self.bind_object(object),
                ir::EmitBody::Scope(lets, nested) => {
                    for (local, value) in lets {
                        self.bindings.insert(*local, Binding::Value(value));
                        self.bind(value);
                    }
                    self.bind_emits(nested);
                }
            }
        }
    }

    fn bind(&mut self, e: &'m Expr) {
        match &e.kind {
            ExprKind::With { local, value, .. } => {
                self.bindings.insert(*local, Binding::Value(value));
            }
            ExprKind::For(f) => {
                self.bindings.insert(f.item, Binding::Element(&f.source));
            }
            ExprKind::Object(object) => return self.bind_object(object),
            _ => {}
        }
        for child in e.children() {
            self.bind(child);
        }
    }

    fn emits(&self, emits: &[ir::Emit], inherited: &FieldLineage, found: &mut Vec<FieldLineage>) {
        for emit in emits {
            let mut scope = inherited.clone();
            self.read(&emit.source, &mut scope);
            if let Some(filter) = &emit.filter {
                self.read(filter, &mut scope);
            }
            match &emit.body {
                ir::EmitBody::Record(object) => self.object(object, "", &scope, found),
                ir::EmitBody::Scope(_, nested) => self.emits(nested, &scope, found),
            }
        }
    }

    /// The leaf fields of `object` under `prefix`; `inherited` is what the
    /// whole object depends on (a list's source and filter).
    fn object(
        &self,
        object: &ir::Object,
        prefix: &str,
        inherited: &FieldLineage,
        found: &mut Vec<FieldLineage>,
    ) {
        for field in &object.fields {
            let path = format!("{prefix}{}", field.name);
            self.value(&field.value, &path, inherited, found);
        }
    }

    fn value(&self, e: &Expr, path: &str, inherited: &FieldLineage, found: &mut Vec<FieldLineage>) {
        match &e.kind {
            ExprKind::Object(object) => self.object(object, &format!("{path}."), inherited, found),
            ExprKind::For(f) if matches!(f.body.kind, ExprKind::Object(_)) => {
                let mut scope = inherited.clone();
                self.read(&f.source, &mut scope);
                if let Some(filter) = &f.filter {
                    self.read(filter, &mut scope);
                }
                self.value(&f.body, &format!("{path}[]"), &scope, found);
            }
            ExprKind::With { value, body, .. } if matches!(body.kind, ExprKind::Object(_)) => {
                let mut scope = inherited.clone();
                self.read(value, &mut scope);
                self.value(body, path, &scope, found);
            }
            ExprKind::Array(items)
                if items.iter().all(|i| matches!(i.kind, ExprKind::Object(_))) =>
            {
                for item in items {
                    self.value(item, &format!("{path}[]"), inherited, found);
                }
            }
            _ => {
                let mut lineage = inherited.clone();
                lineage.field = path.to_owned();
                self.read(e, &mut lineage);
                match found.iter_mut().find(|l| l.field == lineage.field) {
                    Some(existing) => {
                        existing.sources.extend(lineage.sources);
                        existing.tables.extend(lineage.tables);
                        existing.params.extend(lineage.params);
                    }
                    None => found.push(lineage),
                }
            }
        }
    }

    /// Add what `e` reads to `lineage`.
    fn read(&self, e: &Expr, lineage: &mut FieldLineage) {
        self.read_seen(e, lineage, &mut Vec::new());
    }

    fn read_seen(&self, e: &Expr, lineage: &mut FieldLineage, seen: &mut Vec<LocalId>) {
        match &e.kind {
            ExprKind::Path { base, steps, .. } => {
                for prefix in self.base_paths(base, lineage, seen) {
                    lineage
                        .sources
                        .insert(format!("{prefix}{}", steps_text(steps)));
                }
                return;
            }
            ExprKind::Local(local) => {
                self.local(*local, lineage, seen);
                return;
            }
            ExprKind::Lookup(table, ..) => {
                if let Some(table) = self.mapping.tables.get(*table) {
                    lineage.tables.insert(table.name.clone());
                }
            }
            _ => {}
        }
        for child in e.children() {
            self.read_seen(child, lineage, seen);
        }
    }

    /// What a local reads, added to `lineage`.
    fn local(&self, local: LocalId, lineage: &mut FieldLineage, seen: &mut Vec<LocalId>) {
        if seen.contains(&local) {
            return;
        }
        seen.push(local);
        match self.bindings.get(&local) {
            Some(Binding::Value(value)) | Some(Binding::Element(value)) => {
                self.read_seen(value, lineage, seen);
            }
            Some(Binding::Param(name)) => {
                lineage.params.insert((*name).to_owned());
            }
            None => {} // a loop index
        }
        seen.pop();
    }

    /// The source paths a path's base stands for: `` for the record, the
    /// paths of a local's value (`.line_items[]` for a `for` element).
    fn base_paths(
        &self,
        base: &Base,
        lineage: &mut FieldLineage,
        seen: &mut Vec<LocalId>,
    ) -> Vec<String> {
        let Base::Local(local) = base else {
            return vec![String::new()];
        };
        if seen.contains(local) {
            return Vec::new();
        }
        seen.push(*local);
        let (value, element) = match self.bindings.get(local) {
            Some(Binding::Value(value)) => (*value, false),
            Some(Binding::Element(value)) => (*value, true),
            _ => {
                seen.pop();
                return Vec::new();
            }
        };
        let mut inner = FieldLineage::default();
        self.read_seen(value, &mut inner, seen);
        seen.pop();
        lineage.tables.extend(inner.tables);
        lineage.params.extend(inner.params);
        inner
            .sources
            .into_iter()
            .map(|p| if element { format!("{p}[]") } else { p })
            .collect()
    }
}

fn steps_text(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| match s {
            Step::Field { name, .. } => format!(".{name}"),
            Step::Index(i) => format!("[{i}]"),
        })
        .collect()
}

/// The lineage as text: one line per target field.
pub fn text(lineage: &[FieldLineage]) -> String {
    let mut out = String::new();
    for field in lineage {
        out.push_str(&format!(
            "{} <- {}\n",
            field.field,
            inputs(field).join(", ")
        ));
    }
    out
}

/// What a field is computed from, as written in the reports: source paths,
/// `table:<name>`, `param:<name>`; `(constant)` for nothing.
fn inputs(field: &FieldLineage) -> Vec<String> {
    let mut all: Vec<String> = field.sources.iter().cloned().collect();
    all.extend(field.tables.iter().map(|t| format!("table:{t}")));
    all.extend(field.params.iter().map(|p| format!("param:{p}")));
    if all.is_empty() {
        all.push("(constant)".to_owned());
    }
    all
}

/// The lineage as a Markdown page: a table of target fields and what each
/// is computed from.
pub fn markdown(mapping: &ir::Mapping, lineage: &[FieldLineage]) -> String {
    let mut out = format!(
        "# `{}` -> {}\n\n<!-- @generated from {} by `mapc lineage --pages docs/mappings`: do not edit. -->\n\nWhat every target field is computed from: source paths of the record, lookup tables, parameters.\n\n| Target field | Computed from |\n|---|---|\n",
        mapping.id, mapping.target, mapping.file
    );
    for field in lineage {
        let cells: Vec<String> = inputs(field).iter().map(|i| format!("`{i}`")).collect();
        out.push_str(&format!("| `{}` | {} |\n", field.field, cells.join(", ")));
    }
    out
}

/// The lineage as a Mermaid flowchart, source on the left.
pub fn mermaid(lineage: &[FieldLineage]) -> String {
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut nodes = String::new();
    let mut edges = String::new();
    let mut id = |name: &str, nodes: &mut String| -> String {
        if let Some(existing) = ids.get(name) {
            return existing.clone();
        }
        let new = format!("n{}", ids.len());
        nodes.push_str(&format!("  {new}[\"{}\"]\n", name.replace('"', "'")));
        ids.insert(name.to_owned(), new.clone());
        new
    };
    for field in lineage {
        let target = id(&field.field, &mut nodes);
        for input in inputs(field) {
            let source = id(&input, &mut nodes);
            edges.push_str(&format!("  {source} --> {target}\n"));
        }
    }
    format!("flowchart LR\n{nodes}{edges}")
}
