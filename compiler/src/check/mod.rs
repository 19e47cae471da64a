//! Checking: resolve every source path and target field against the schemas,
//! type-check, and lower to the typed IR.
//!
//! Entry point: [`check`]. One `check_<node>` method per AST node on
//! [`Checker`]; each returns `Option<ir::...>` and records errors instead of
//! stopping, so one run reports every problem in the file.

mod absence;
pub(crate) mod builtins;
mod error;
mod expr;
mod functions;
mod lineage;
mod params;
mod records;
mod scope;
mod source;
mod target;

pub use error::{
    similar, Absence, AbsenceNote, ArgumentProblem, CheckError, CheckErrorKind, FunctionProblem,
    Hint, NeededBy, RouteProblem, Severity, SourceTypeProblem,
};
pub use params::{param_value_type, ParamProblem};
pub use records::EmitProblem;

use crate::ir::{self, Loc, Origin, Seg};
use crate::schema::Node;
use crate::span::Span;
use crate::syntax::ast;
use scope::Scopes;

/// Everything the checker needs besides the AST (already loaded: no IO here).
#[derive(Debug)]
pub struct Inputs<'a> {
    /// Mapping file name used in runtime error locations.
    pub file_name: &'a str,
    /// The mapping text (for line/column of locations).
    pub text: &'a str,
    /// Source schema (the whole payload).
    pub source: Node<'a>,
    /// Target schema.
    pub target: Node<'a>,
    /// Lookup tables, in header order.
    pub tables: Vec<ir::Table>,
}

/// Check a parsed mapping. Returns the IR when there is no error, and every
/// error and warning found.
pub fn check(
    file: &ast::MappingFile,
    inputs: Inputs<'_>,
) -> (Option<ir::Mapping>, Vec<CheckError>) {
    let mut checker = Checker::new(&inputs);
    let mapping = checker.check_file(file, &inputs);
    for stated in mapping.iter().flat_map(lineage::stated_from_lists) {
        let kind = CheckErrorKind::StatedFromList {
            field: stated.field,
            list: stated.list,
        };
        checker.error(kind, stated.assigned);
    }
    let mut errors = checker.errors;
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    (mapping, errors)
}

/// What a new binding holds.
pub(crate) struct BindingValue<'a> {
    pub ty: ir::Ty,
    pub optional: bool,
    pub origin: Origin,
    pub node: Option<Node<'a>>,
}

/// The checking context.
pub(crate) struct Checker<'a> {
    text: &'a str,
    /// Line starts of `text`, for mapping locations.
    lines: crate::span::LineIndex,
    tables: Vec<ir::Table>,
    /// Source shapes being built, and the schema node of each.
    shapes: Vec<ir::Shape>,
    shape_nodes: Vec<Node<'a>>,
    record_origin: Origin,
    scopes: Scopes,
    locals: usize,
    /// The name each local was bound with (`index` for an unnamed loop index).
    local_names: Vec<String>,
    /// Per local: payload origin and (for source values) schema node.
    local_origins: Vec<Origin>,
    /// Why each optional `let` may be absent, and where it was bound.
    local_absences: std::collections::HashMap<ir::LocalId, (Span, error::Absence)>,
    local_nodes: Vec<Option<Node<'a>>>,
    local_types: Vec<ir::Ty>,
    /// Names of user functions (`fn`).
    functions: std::collections::BTreeSet<String>,
    /// Call sites of the function expansions being checked, outermost
    /// first: runtime errors inside them point at the first.
    sites: Vec<Span>,
    errors: Vec<CheckError>,
    /// The errors reported so far, to report each once.
    reported: std::collections::HashSet<CheckError>,
}

impl<'a> Checker<'a> {
    fn new(inputs: &Inputs<'a>) -> Self {
        Self {
            text: inputs.text,
            lines: crate::span::LineIndex::new(inputs.text),
            tables: inputs.tables.clone(),
            shapes: Vec::new(),
            shape_nodes: Vec::new(),
            record_origin: Vec::new(),
            scopes: Scopes::default(),
            locals: 0,
            local_names: Vec::new(),
            local_origins: Vec::new(),
            local_absences: std::collections::HashMap::new(),
            local_nodes: Vec::new(),
            local_types: Vec::new(),
            functions: std::collections::BTreeSet::new(),
            sites: Vec::new(),
            errors: Vec::new(),
            reported: std::collections::HashSet::new(),
        }
    }

    /// Report an error once (a function body checked at every call would
    /// otherwise repeat it per call).
    pub(crate) fn error(&mut self, kind: CheckErrorKind, span: Span) {
        let severity = kind.severity();
        let error = CheckError {
            kind,
            span,
            severity,
        };
        if self.reported.insert(error.clone()) {
            self.errors.push(error);
        }
    }

    /// The mapping location runtime errors report for `span`: inside a
    /// function's expansion, the call that expanded it.
    pub(crate) fn loc(&self, span: Span) -> Loc {
        let at = self.sites.first().copied().unwrap_or(span);
        let (line, column) = self.lines.line_col(self.text, at.start);
        Loc { line, column }
    }

    /// A fresh local with its payload origin and schema node.
    pub(crate) fn new_local(
        &mut self,
        name: &str,
        origin: Origin,
        node: Option<Node<'a>>,
    ) -> ir::LocalId {
        self.local_names.push(name.to_owned());
        self.local_origins.push(origin);
        self.local_nodes.push(node);
        self.local_types.push(ir::Ty::Unknown);
        self.locals += 1;
        self.locals - 1
    }

    /// Payload origin of a local.
    pub(crate) fn local_origin(&self, local: ir::LocalId) -> Origin {
        self.local_origins.get(local).cloned().unwrap_or_default()
    }

    /// Bind `name` to a fresh local in the innermost scope.
    pub(crate) fn bind(
        &mut self,
        name: &ast::Ident,
        value: BindingValue<'a>,
        kind: scope::BindingKind,
    ) -> ir::LocalId {
        let local = self.new_local(&name.name, value.origin, value.node);
        if let Some(slot) = self.local_types.get_mut(local) {
            *slot = value.ty.clone();
        }
        self.scopes.bind(scope::Binding {
            name: name.name.clone(),
            local,
            ty: value.ty,
            optional: value.optional,
            span: name.span,
            kind,
            used: false,
        });
        local
    }

    /// `format csv|tsv|xml [table]`; JSON when absent. `table` reads a
    /// delimited file whole, so it follows `csv` or `tsv` only.
    fn source_format(&mut self, decl: Option<&ast::SourceDecl>) -> runtime::SourceFormat {
        use ast::FormatName;
        use runtime::{Delimited, Separator, SourceFormat};
        let Some(format) = decl.and_then(|d| d.format.as_ref()) else {
            return SourceFormat::JSON;
        };
        let delimited = |separator| {
            SourceFormat::Delimited(Delimited {
                separator,
                whole_file: format.table.is_some(),
            })
        };
        let (plain, name) = match format.name {
            FormatName::Csv => return delimited(Separator::Comma),
            FormatName::Tsv => return delimited(Separator::Tab),
            FormatName::Json => (SourceFormat::JSON, "json"),
            FormatName::Xml => (SourceFormat::Xml, "xml"),
            FormatName::XmlJson => (SourceFormat::XmlJson, "xml_json"),
        };
        if let Some(table) = format.table {
            self.error(CheckErrorKind::TableOfUndelimited { format: name }, table);
        }
        plain
    }

    fn check_file(&mut self, file: &ast::MappingFile, inputs: &Inputs<'a>) -> Option<ir::Mapping> {
        let header = &file.header;
        self.check_title(header, inputs.target);
        let format = self.source_format(header.source.as_ref());
        let (record, at, routes) = self.check_routes(header, inputs.source)?;
        self.shape_for(record);
        self.functions = file.functions.iter().map(|f| f.name.name.clone()).collect();
        let items = self.expand_functions(file);
        let params = self.check_params(&header.params);
        let keep = header.keep.as_ref().map(|cond| self.check_keep(cond));
        let emitting = items.iter().any(|i| matches!(i, ast::Item::Emit(_)));
        let (body, emits) = if emitting {
            match self.check_records(&items, inputs.target) {
                Some((lets, emits)) => {
                    let body = ir::Object {
                        lets,
                        fields: Vec::new(),
                    };
                    (Some(body), emits)
                }
                None => (None, Vec::new()),
            }
        } else {
            let span = header.target_name.span;
            (self.check_block(&items, inputs.target, span), Vec::new())
        };
        let keep = match keep {
            Some(checked) => Some(checked?),
            None => None,
        };
        Some(ir::Mapping {
            id: header.id.name.clone(),
            target: header.target_name.name.clone(),
            file: inputs.file_name.to_owned(),
            at,
            routes,
            inputs: header
                .inputs
                .iter()
                .filter_map(|i| i.name.as_ref().map(|n| n.name.clone()))
                .collect(),
            optional_inputs: header
                .inputs
                .iter()
                .filter(|i| i.optional.is_some())
                .filter_map(|i| i.name.as_ref().map(|n| n.name.clone()))
                .collect(),
            format,
            params,
            keep,
            shapes: std::mem::take(&mut self.shapes),
            tables: self.tables.clone(),
            locals: self.locals,
            local_names: std::mem::take(&mut self.local_names),
            body: body?,
            emits,
        })
    }

    /// `mapping x.y -> SalesOrder` must name the target schema's `title`.
    fn check_title(&mut self, header: &ast::Header, target: Node<'a>) {
        let Some(title) = &target.title else { return };
        if *title != header.target_name.name {
            self.error(
                CheckErrorKind::TargetTitle {
                    written: header.target_name.name.clone(),
                    title: title.clone(),
                },
                header.target_name.span,
            );
        }
    }

    /// Resolve `source ... at` to the record's schema node. One plain route
    /// (`at .order`) is unwrapped by the generated code, so record paths
    /// start at the payload root; any other envelope is cut by the runtime,
    /// which reports paths from the root itself.
    fn check_routes(
        &mut self,
        header: &ast::Header,
        source: Node<'a>,
    ) -> Option<(Node<'a>, Vec<String>, Vec<ir::Route>)> {
        let decls = header
            .source
            .as_ref()
            .map(|s| s.at.as_slice())
            .unwrap_or_default();
        // Every record schema each route can lead to: through the source
        // itself or through one branch of it ("an order, or a page of
        // orders"); the record is the first of the first route's that every
        // other route can lead to as well.
        let mut failed = false;
        let mut reached: Vec<(&ast::RouteDecl, Vec<Node<'a>>)> = Vec::new();
        for decl in decls {
            match self.route_nodes(decl, source) {
                Some(nodes) => reached.push((decl, nodes)),
                None => failed = true,
            }
        }
        let record = reached.first().and_then(|(_, firsts)| {
            firsts.iter().copied().find(|node| {
                reached
                    .iter()
                    .all(|(_, nodes)| nodes.iter().any(|n| n.same_fields(*node)))
            })
        });
        if record.is_none() {
            if let Some(first) = reached
                .first()
                .and_then(|(_, nodes)| nodes.first().copied())
            {
                for (decl, nodes) in reached.iter().skip(1) {
                    if !nodes.iter().any(|n| n.same_fields(first)) {
                        failed = true;
                        self.error(
                            CheckErrorKind::BadRecordPath {
                                path: route_text(decl),
                                problem: RouteProblem::OtherRecordSchema,
                            },
                            decl.span,
                        );
                    }
                }
            }
        }
        if failed {
            return None;
        }
        let keys = |d: &ast::RouteDecl| d.keys.iter().map(|k| k.name.clone()).collect::<Vec<_>>();
        match decls {
            [] => Some((source, Vec::new(), Vec::new())),
            [one] if !one.each => {
                let at = keys(one);
                self.record_origin = at.iter().cloned().map(Seg::Key).collect();
                Some((record?, at, Vec::new()))
            }
            many => {
                let routes = many
                    .iter()
                    .map(|d| ir::Route {
                        keys: keys(d),
                        each: d.each,
                    })
                    .collect();
                Some((record?, Vec::new(), routes))
            }
        }
    }

    /// `where <condition>`: a present bool, read from the record.
    fn check_keep(&mut self, cond: &ast::Expr) -> Option<ir::Expr> {
        let checked = self.check_expr(cond)?;
        if checked.ty != ir::Ty::Bool {
            self.mismatch("bool", &checked.ty, None, checked.span);
            return None;
        }
        self.require_present(&checked, NeededBy::Condition("where"))
            .then_some(checked)
    }

    /// The schema nodes a route leads to: through the source, then through
    /// each branch of a source that unites several shapes. When none
    /// leads anywhere, the miss through the source itself is reported.
    fn route_nodes(&mut self, decl: &ast::RouteDecl, source: Node<'a>) -> Option<Vec<Node<'a>>> {
        let direct = follow(decl, source);
        let mut nodes: Vec<Node<'a>> = direct.iter().copied().collect();
        nodes.extend(source.branches().filter_map(|b| follow(decl, b).ok()));
        if !nodes.is_empty() {
            return Some(nodes);
        }
        match direct {
            Ok(_) => None,
            Err(RouteMiss::Broken(node, span)) => {
                self.loaded(node, span);
                None
            }
            Err(RouteMiss::Problem(problem, span)) => {
                let path = route_text(decl);
                self.error(CheckErrorKind::BadRecordPath { path, problem }, span);
                None
            }
        }
    }

    /// Origin of the record itself (`$.order`).
    pub(crate) fn record_origin(&self) -> Origin {
        self.record_origin.clone()
    }
}

/// Why a route leads nowhere from one node.
enum RouteMiss<'a> {
    /// A step the schema does not have.
    Problem(RouteProblem, Span),
    /// A step into a part of the schema that could not be loaded.
    Broken(Node<'a>, Span),
}

/// The schema node `decl` leads to from `node`.
fn follow<'a>(decl: &ast::RouteDecl, mut node: Node<'a>) -> Result<Node<'a>, RouteMiss<'a>> {
    for step in &decl.keys {
        let Some(next) = node.property(&step.name) else {
            return Err(RouteMiss::Problem(RouteProblem::NotAProperty, step.span));
        };
        if next.schema().broken.is_some() {
            return Err(RouteMiss::Broken(next, step.span));
        }
        node = next;
    }
    if decl.each {
        return node
            .items()
            .ok_or(RouteMiss::Problem(RouteProblem::NotAnArray, decl.span));
    }
    Ok(node)
}

/// A route as written: `.list.orders[]`.
fn route_text(decl: &ast::RouteDecl) -> String {
    let mut text: String = decl.keys.iter().map(|k| format!(".{}", k.name)).collect();
    if text.is_empty() {
        text.push('.');
    }
    if decl.each {
        text.push_str("[]");
    }
    text
}
