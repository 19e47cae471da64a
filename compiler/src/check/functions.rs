//! User-defined functions: `fn name(a, b) = expr`, expanded where they are
//! called, before type checking.
//!
//! A function is a named template: its body is checked at every call with
//! the arguments' own types (so one function serves strings from several
//! places, or builds an object block for whatever target field it is
//! assigned to), and the generated code inlines it. To keep expansion
//! meaning what the text says, a body sees only its parameters, the record
//! (`.field`), lookup tables, builtins and other functions (no recursion);
//! a body's own bindings may not catch a name an argument uses.

use super::{CheckErrorKind, Checker, FunctionProblem as Problem};
use crate::span::Span;
use crate::syntax::ast::{Body, Expr, ExprKind, FnDecl, Ident, Item, MappingFile};
use std::collections::{BTreeSet, HashMap};

/// Most calls expanded in one mapping (guards against exponential growth).
const MAX_EXPANSIONS: usize = 10_000;

/// Most expression nodes all expansions may produce (an argument used twice
/// in a body doubles at each call: a few bytes can ask for gigabytes).
const MAX_EXPANDED_NODES: usize = 1_000_000;

/// Deepest expression nesting while expanding (the result must then pass
/// `syntax::MAX_DEPTH` too).
const MAX_EXPANSION_DEPTH: usize = 2 * crate::syntax::MAX_DEPTH;

struct Expander<'f> {
    functions: HashMap<&'f str, &'f FnDecl>,
    /// Functions being expanded (a call back into one is recursion).
    active: Vec<&'f str>,
    expansions: usize,
    /// Expression nodes the expansions produced so far.
    nodes: usize,
    /// Calls that failed to expand (reported once, then left alone when a
    /// body they were passed into is expanded).
    failed: std::collections::HashSet<Span>,
    /// Current nesting of `expr` calls, and whether it overflowed once.
    depth: usize,
    too_deep: bool,
    errors: Vec<(Problem, Span)>,
}

impl Checker<'_> {
    /// The file's items with every call of a user function expanded; errors
    /// are reported and the offending calls left as they are.
    pub(crate) fn expand_functions(&mut self, file: &MappingFile) -> Vec<Item> {
        if file.functions.is_empty() {
            return file.items.clone();
        }
        let tables: BTreeSet<String> = self.tables.iter().map(|t| t.name.clone()).collect();
        let mut functions = HashMap::new();
        let mut problems = Vec::new();
        for decl in &file.functions {
            problems.extend(declaration_problems(decl, &tables));
            if functions.insert(decl.name.name.as_str(), decl).is_some() {
                let function = decl.name.name.clone();
                problems.push((Problem::DeclaredTwice { function }, decl.name.span));
            }
        }
        let mut expander = Expander {
            functions,
            active: Vec::new(),
            expansions: 0,
            nodes: 0,
            failed: std::collections::HashSet::new(),
            depth: 0,
            too_deep: false,
            errors: problems,
        };
        let items: Vec<Item> = file.items.iter().map(|i| expander.item(i)).collect();
        if expander.errors.is_empty() {
            if let Err(e) = crate::syntax::check_depth(&items) {
                let levels = crate::syntax::MAX_DEPTH;
                expander.errors.push((Problem::TooDeep { levels }, e.span));
            }
        }
        for (problem, span) in expander.errors {
            self.error(CheckErrorKind::BadFunction(problem), span);
        }
        items
    }
}

/// What is wrong with a declaration by itself.
fn declaration_problems(decl: &FnDecl, tables: &BTreeSet<String>) -> Vec<(Problem, Span)> {
    let mut problems = Vec::new();
    let function = &decl.name.name;
    if super::builtins::is_builtin(function) {
        let function = function.clone();
        problems.push((Problem::NamedLikeBuiltin { function }, decl.name.span));
    }
    let mut seen = BTreeSet::new();
    for p in &decl.params {
        let parameter = || p.name.clone();
        if !seen.insert(p.name.as_str()) {
            let problem = Problem::ParameterTwice {
                parameter: parameter(),
            };
            problems.push((problem, p.span));
        }
        if tables.contains(&p.name) {
            let problem = Problem::ParameterHidesTable {
                parameter: parameter(),
            };
            problems.push((problem, p.span));
        }
    }
    let params: BTreeSet<String> = decl.params.iter().map(|p| p.name.clone()).collect();
    for bound in binders(&decl.body) {
        if params.contains(&bound.name) {
            let name = bound.name.clone();
            problems.push((Problem::RebindsParameter { name }, bound.span));
        }
    }
    for free in free_variables(&decl.body) {
        if !params.contains(&free.name) && !tables.contains(&free.name) {
            let problem = Problem::NotAParameter {
                name: free.name.clone(),
                function: function.clone(),
            };
            problems.push((problem, free.span));
        }
    }
    problems
}

impl<'f> Expander<'f> {
    fn item(&mut self, item: &Item) -> Item {
        match item {
            Item::Let(l) => {
                let mut l = l.clone();
                l.value = self.expr(&l.value);
                Item::Let(l)
            }
            Item::Assign(a) => {
                let mut a = a.clone();
                a.value = self.expr(&a.value);
                Item::Assign(a)
            }
            Item::Assert(e) => Item::Assert(self.expr(e)),
            Item::Emit(e) => Item::Emit(self.expr(e)),
        }
    }

    fn body(&mut self, body: &Body) -> Body {
        match body {
            Body::Object(items, span) => {
                Body::Object(items.iter().map(|i| self.item(i)).collect(), *span)
            }
            Body::Value(v) => Body::Value(Box::new(self.expr(v))),
        }
    }

    fn boxed(&mut self, e: &Expr) -> Box<Expr> {
        Box::new(self.expr(e))
    }

    /// `e` with every user-function call expanded.
    fn expr(&mut self, e: &Expr) -> Expr {
        // Expansion nests bodies in bodies: bound the recursion here, before
        // the depth check of the result can run (hostile chains of calls).
        if self.depth >= MAX_EXPANSION_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                let levels = MAX_EXPANSION_DEPTH;
                self.errors.push((Problem::TooDeep { levels }, e.span));
            }
            return e.clone();
        }
        self.depth += 1;
        let expanded = self.expand(e);
        self.depth -= 1;
        expanded
    }

    fn expand(&mut self, e: &Expr) -> Expr {
        use ExprKind as K;
        let kind = match &e.kind {
            K::Call(..) if self.failed.contains(&e.span) => e.kind.clone(),
            K::Call(name, args) => {
                let args: Vec<Expr> = args.iter().map(|a| self.expr(a)).collect();
                if let Some(decl) = self.functions.get(name.name.as_str()).copied() {
                    return self.call(decl, name, args, e.span);
                }
                K::Call(name.clone(), args)
            }
            K::Literal(_) | K::SourceField(_) | K::Variable(_) => e.kind.clone(),
            K::Field(x, f) => K::Field(self.boxed(x), f.clone()),
            K::Index(a, b) => K::Index(self.boxed(a), self.boxed(b)),
            K::Assert(x) => K::Assert(self.boxed(x)),
            K::Unary(op, x) => K::Unary(*op, self.boxed(x)),
            K::Binary(op, a, b) => K::Binary(*op, self.boxed(a), self.boxed(b)),
            K::If(c, a, b) => K::If(
                self.boxed(c),
                self.boxed(a),
                b.as_deref().map(|b| self.boxed(b)),
            ),
            K::Match(x, arms) => {
                let x = self.boxed(x);
                let arms = arms
                    .iter()
                    .map(|a| {
                        let mut a = a.clone();
                        a.value = self.expr(&a.value);
                        a
                    })
                    .collect();
                K::Match(x, arms)
            }
            K::For(f) => {
                let mut f = f.clone();
                f.source = self.boxed(&f.source);
                f.filter = f.filter.as_deref().map(|c| self.boxed(c));
                f.body = self.body(&f.body);
                K::For(f)
            }
            K::With(name, v, b) => K::With(name.clone(), self.boxed(v), self.body(b)),
            K::KeyFn(name, key) => K::KeyFn(name.clone(), self.boxed(key)),
            K::Object(items) => K::Object(items.iter().map(|i| self.item(i)).collect()),
            K::Array(items) => K::Array(items.iter().map(|i| self.expr(i)).collect()),
        };
        Expr {
            kind,
            span: e.span,
            site: e.site,
        }
    }

    /// Expand one call: the body with each parameter replaced by its
    /// argument (already expanded).
    fn call(&mut self, decl: &'f FnDecl, name: &Ident, args: Vec<Expr>, span: Span) -> Expr {
        // Left as a call the checker skips: the error is already reported.
        let unexpanded = |failed: &mut std::collections::HashSet<Span>| {
            failed.insert(span);
            Expr::new(ExprKind::Call(name.clone(), Vec::new()), span)
        };
        if args.len() != decl.params.len() {
            let problem = Problem::WrongArity {
                function: decl.name.name.clone(),
                expected: decl.params.len(),
                found: args.len(),
            };
            self.errors.push((problem, span));
            return unexpanded(&mut self.failed);
        }
        if self.active.contains(&decl.name.name.as_str()) {
            let function = decl.name.name.clone();
            self.errors.push((Problem::Recursive { function }, span));
            return unexpanded(&mut self.failed);
        }
        self.expansions += 1;
        if self.expansions > MAX_EXPANSIONS {
            if self.expansions == MAX_EXPANSIONS + 1 {
                let limit = MAX_EXPANSIONS;
                self.errors.push((Problem::TooManyCalls { limit }, span));
            }
            return unexpanded(&mut self.failed);
        }
        let bound: BTreeSet<String> = binders(&decl.body).into_iter().map(|b| b.name).collect();
        for arg in &args {
            for free in free_variables(arg) {
                if bound.contains(&free.name) {
                    let problem = Problem::CapturedArgument {
                        function: decl.name.name.clone(),
                        name: free.name.clone(),
                    };
                    self.errors.push((problem, free.span));
                }
            }
        }
        let by_name: HashMap<&str, &Expr> = decl
            .params
            .iter()
            .map(|p| p.name.as_str())
            .zip(args.iter())
            .collect();
        // The size of the body with its arguments in, counted before it is
        // built.
        let mut size = 0usize;
        visit(&decl.body, &mut |x| {
            size = size.saturating_add(match &x.kind {
                ExprKind::Variable(v) => by_name.get(v.name.as_str()).map_or(1, |a| node_count(a)),
                _ => 1,
            });
        });
        self.nodes = self.nodes.saturating_add(size);
        if self.nodes > MAX_EXPANDED_NODES {
            let limit = MAX_EXPANDED_NODES;
            if !self
                .errors
                .iter()
                .any(|(p, _)| matches!(p, Problem::TooLarge { .. }))
            {
                self.errors.push((Problem::TooLarge { limit }, span));
            }
            return unexpanded(&mut self.failed);
        }
        let substituted = substitute(&decl.body, &by_name);
        self.active.push(decl.name.name.as_str());
        let mut expanded = self.expr(&substituted);
        self.active.pop();
        // Runtime errors inside the expansion point at this call: the
        // outermost call wins, it is the line the mapping's reader wrote.
        visit_mut(&mut expanded, &mut |x| {
            x.site = Some(span);
            true
        });
        expanded
    }
}

/// Number of expression nodes in `e`.
fn node_count(e: &Expr) -> usize {
    let mut n = 0usize;
    visit(e, &mut |_| n = n.saturating_add(1));
    n
}

/// `e` with each variable named in `args` replaced by its argument (the
/// body binds no parameter name, so no scope can hide one).
fn substitute(e: &Expr, args: &HashMap<&str, &Expr>) -> Expr {
    let mut out = e.clone();
    visit_mut(&mut out, &mut |x| {
        if let ExprKind::Variable(v) = &x.kind {
            if let Some(arg) = args.get(v.name.as_str()) {
                *x = (*arg).clone();
                return false;
            }
        }
        true
    });
    out
}

/// Names bound inside `e`: loop variables, `with` names, block `let`s.
fn binders(e: &Expr) -> Vec<Ident> {
    let mut out = Vec::new();
    visit(e, &mut |x| match &x.kind {
        ExprKind::For(f) => {
            out.push(f.item.clone());
            out.extend(f.index.clone());
            if let Body::Object(items, _) = &f.body {
                out.extend(lets(items));
            }
        }
        ExprKind::KeyFn(name, _) => out.push(name.clone()),
        ExprKind::With(name, _, body) => {
            out.push(name.clone());
            if let Body::Object(items, _) = body {
                out.extend(lets(items));
            }
        }
        ExprKind::Object(items) => out.extend(lets(items)),
        _ => {}
    });
    out
}

fn lets(items: &[Item]) -> Vec<Ident> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Let(l) => Some(l.name.clone()),
            Item::Assign(_) | Item::Assert(_) | Item::Emit(_) => None,
        })
        .collect()
}

/// Variables `e` reads that it does not bind itself. Conservative: a name
/// bound anywhere inside `e` counts as bound everywhere in it.
fn free_variables(e: &Expr) -> Vec<Ident> {
    let bound: BTreeSet<String> = binders(e).into_iter().map(|b| b.name).collect();
    let mut out = Vec::new();
    visit(e, &mut |x| {
        if let ExprKind::Variable(v) = &x.kind {
            if !bound.contains(&v.name) {
                out.push(v.clone());
            }
        }
        // `table[key]` names the table as a variable: checked by the caller.
    });
    out
}

/// Every expression in `e`, parents first.
fn visit(e: &Expr, f: &mut impl FnMut(&Expr)) {
    f(e);
    for child in crate::syntax::children(e) {
        visit(child, f);
    }
}

/// Like [`visit`], mutably; `f` returns `false` to skip a node's children.
fn visit_mut(e: &mut Expr, f: &mut impl FnMut(&mut Expr) -> bool) {
    if !f(e) {
        return;
    }
    use ExprKind as K;
    let item = |i: &mut Item, f: &mut dyn FnMut(&mut Expr) -> bool| match i {
        Item::Let(l) => visit_mut_dyn(&mut l.value, f),
        Item::Assign(a) => visit_mut_dyn(&mut a.value, f),
        Item::Assert(e) | Item::Emit(e) => visit_mut_dyn(e, f),
    };
    let f: &mut dyn FnMut(&mut Expr) -> bool = f;
    match &mut e.kind {
        K::Literal(_) | K::SourceField(_) | K::Variable(_) => {}
        K::Field(x, _) | K::Assert(x) | K::Unary(_, x) | K::KeyFn(_, x) => visit_mut_dyn(x, f),
        K::Index(a, b) | K::Binary(_, a, b) => {
            visit_mut_dyn(a, f);
            visit_mut_dyn(b, f);
        }
        K::Call(_, args) | K::Array(args) => args.iter_mut().for_each(|a| visit_mut_dyn(a, f)),
        K::If(c, a, b) => {
            visit_mut_dyn(c, f);
            visit_mut_dyn(a, f);
            if let Some(b) = b {
                visit_mut_dyn(b, f);
            }
        }
        K::Match(x, arms) => {
            visit_mut_dyn(x, f);
            arms.iter_mut().for_each(|a| visit_mut_dyn(&mut a.value, f));
        }
        K::For(fe) => {
            visit_mut_dyn(&mut fe.source, f);
            if let Some(c) = &mut fe.filter {
                visit_mut_dyn(c, f);
            }
            match &mut fe.body {
                Body::Object(list, _) => list.iter_mut().for_each(|i| item(i, f)),
                Body::Value(v) => visit_mut_dyn(v, f),
            }
        }
        K::With(_, v, b) => {
            visit_mut_dyn(v, f);
            match b {
                Body::Object(list, _) => list.iter_mut().for_each(|i| item(i, f)),
                Body::Value(v) => visit_mut_dyn(v, f),
            }
        }
        K::Object(list) => list.iter_mut().for_each(|i| item(i, f)),
    }
}

fn visit_mut_dyn(e: &mut Expr, f: &mut dyn FnMut(&mut Expr) -> bool) {
    visit_mut(e, &mut |x| f(x));
}
