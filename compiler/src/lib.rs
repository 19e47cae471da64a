//! The mapping compiler: DSL text -> syntax -> schema check -> typed IR,
//! then either evaluated directly (the fast edit-run loop) or compiled to
//! Rust (the production path).
//!
//! ```
//! use std::path::Path;
//!
//! let mapping = r#"
//! mapping demo.order -> Order
//!   source "source.json"
//!   target "target.json"
//!
//! id    = "demo:" ++ string(.id)
//! total = money(decimal(.total), "EUR")
//! "#;
//! let source = r#"{"type": "object", "required": ["id", "total"],
//!   "properties": {"id": {"type": "integer"}, "total": {"type": "string"}}}"#;
//! let target = r#"{"title": "Order", "type": "object", "required": ["id", "total"],
//!   "properties": {"id": {"type": "string"},
//!     "total": {"type": "object", "properties": {
//!       "amount": {"type": "string", "format": "decimal"}, "currency": {"type": "string"}}}}}"#;
//! let read = |p: &Path| match p.to_str() {
//!     Some("m/source.json") => Ok(source.to_owned()),
//!     Some("m/target.json") => Ok(target.to_owned()),
//!     _ => Err("no such file".to_owned()),
//! };
//!
//! // Check against the schemas and lower to the typed IR.
//! let compiled = mapc::compile("m/demo.map", mapping, &read);
//! assert!(compiled.diagnostics.is_empty());
//! let ir = compiled.mapping.unwrap(); // ok: doctest on fixed inputs that check cleanly
//!
//! // Run it with the evaluator...
//! let out = mapc::eval::run(&ir, br#"{"id": 7, "total": "19.990"}"#).unwrap(); // ok: doctest, fixed valid payload
//! assert_eq!(out, br#"{"id":"demo:7","total":{"amount":"19.990","currency":"EUR"}}"#);
//!
//! // ...or generate the Rust module that `maprt` compiles in.
//! let rust = mapc::codegen::generate(&ir);
//! assert!(rust.contains("pub fn transform"));
//! ```

#![deny(clippy::indexing_slicing)] // input must never panic the compiler
pub mod artifact;
pub mod builtins;
pub mod cassette;
pub mod check;
pub mod checks;
pub mod codegen;
pub mod contract;
pub mod diagnostics;
pub mod embedded;
pub mod eval;
pub mod explain;
pub mod infer;
pub mod ir;
pub mod lineage;
pub mod manifest;
pub mod project;
pub mod schema;
pub mod span;
pub mod syntax;
pub mod tables;
pub mod workspace;

use diagnostics::{Diagnostic, InputsProblem};
use std::path::{Path, PathBuf};

/// Reads a file named by a mapping (injected: the compiler does no IO).
pub type Read<'r> = &'r dyn Fn(&Path) -> Result<String, String>;

/// The result of compiling one mapping file.
#[derive(Debug)]
pub struct Compiled {
    /// The typed IR, when there was no error.
    pub mapping: Option<ir::Mapping>,
    /// The IR of an unfinished mapping: every error is a field not written
    /// yet (`todo`, E320, or never assigned, E305), which the IR leaves
    /// out. `mapc run` runs it to show what is assigned so far.
    pub unfinished: Option<ir::Mapping>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The target schema file (for validating outputs).
    pub target_schema: Option<PathBuf>,
}

impl Compiled {
    /// Whether any diagnostic is an error.
    pub fn failed(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == check::Severity::Error)
    }
}

/// Compile mapping `text` (from `file`; schema and table paths in it are
/// relative to the file's folder), reading referenced files with `read`.
pub fn compile(file: &str, text: &str, read: Read<'_>) -> Compiled {
    Session::new(read).compile(file, text)
}

/// One compiler run over many mappings: each schema file is read, parsed
/// and validated once, whichever mappings use it.
pub struct Session<'r> {
    read: Read<'r>,
    documents: schema::Documents,
}

impl<'r> Session<'r> {
    /// A run reading referenced files with `read`.
    pub fn new(read: Read<'r>) -> Self {
        Self {
            read,
            documents: schema::Documents::default(),
        }
    }

    /// Compile one mapping, as [`compile`] does.
    pub fn compile(&self, file: &str, text: &str) -> Compiled {
        compile_in(file, text, self.read, &self.documents)
    }
}

fn compile_in(file: &str, text: &str, read: Read<'_>, documents: &schema::Documents) -> Compiled {
    let mut compiled = Compiled {
        mapping: None,
        unfinished: None,
        diagnostics: Vec::new(),
        target_schema: None,
    };
    let ast = match syntax::parse(text) {
        Ok(ast) => ast,
        Err(errors) => {
            compiled.diagnostics = errors.iter().map(diagnostics::from_syntax).collect();
            return compiled;
        }
    };
    let dir = Path::new(file).parent().unwrap_or(Path::new(""));
    let header = &ast.header;
    let mut loader = schema::Loader::new(read, documents);
    let source = if header.inputs.is_empty() {
        match header.source.as_ref().and_then(|s| s.optional) {
            Some(span) => Err(diagnostics::bad_inputs(
                &diagnostics::InputsProblem::OptionalSource,
                span,
            )),
            None => {
                let named = header.source.as_ref().map(|s| &s.schema);
                load_schema(dir, named, "source", header, &mut loader)
            }
        }
    } else {
        load_inputs(dir, header, &mut loader)
    };
    let target = load_schema(dir, header.target.as_ref(), "target", header, &mut loader);
    compiled.target_schema = header
        .target
        .as_ref()
        .map(|t| normalize(&dir.join(&t.value)));
    let mut tables = Vec::new();
    let mut problems = Vec::new();
    for decl in &header.tables {
        let path = normalize(&dir.join(&decl.file.value));
        let loaded = read(&path)
            .map_err(|why| diagnostics::read_failed("table", &why, decl.file.span))
            .and_then(|text| {
                tables::parse_table(&decl.name.name, &decl.file.value, &text)
                    .map_err(|e| diagnostics::from_table(&e, decl.file.span))
            });
        match loaded {
            Ok(table) => tables.push(table),
            Err(d) => problems.push(d),
        }
    }
    let (source, target) = match (source, target) {
        (Ok(s), Ok(t)) if problems.is_empty() => (s, t),
        (s, t) => {
            problems.extend(s.err());
            problems.extend(t.err());
            compiled.diagnostics = problems;
            return compiled;
        }
    };
    let graph = loader.finish();
    let inputs = check::Inputs {
        file_name: file,
        text,
        source: graph.node(source),
        target: graph.node(target),
        tables,
    };
    let (mapping, errors) = check::check(&ast, inputs);
    let mut failures = errors
        .iter()
        .filter(|e| e.severity == check::Severity::Error)
        .peekable();
    if failures.peek().is_none() {
        compiled.mapping = mapping;
    } else if failures.all(|e| e.kind.is_unfinished()) {
        compiled.unfinished = mapping;
    }
    let schema_span = header
        .source
        .as_ref()
        .map_or(header.id.span, |s| s.schema.span);
    compiled.diagnostics = graph
        .warnings
        .iter()
        .map(|w| diagnostics::from_schema(w, schema_span))
        .chain(errors.iter().map(diagnostics::from_check))
        .collect();
    compiled
}

/// `a/b/../c` -> `a/c`, lexically (the compiler does no IO).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Named inputs: the record is `{"<name>": <that input's document>, ...}`,
/// so its schema is an object with one property per input, required
/// unless the input is `optional`.
fn load_inputs(
    dir: &Path,
    header: &syntax::ast::Header,
    loader: &mut schema::Loader<'_>,
) -> Result<schema::NodeId, Diagnostic> {
    if let Some(plain) = &header.source {
        let problem = InputsProblem::MixedWithSource;
        return Err(diagnostics::bad_inputs(&problem, plain.schema.span));
    }
    let mut record = schema::Schema {
        origin: "named inputs".to_owned(),
        kinds: vec![schema::Kind::Object],
        ..schema::Schema::default()
    };
    for decl in &header.inputs {
        let Some(name) = &decl.name else { continue };
        if !decl.at.is_empty() || decl.format.is_some() {
            let problem = InputsProblem::RoutedOrFormatted;
            return Err(diagnostics::bad_inputs(&problem, decl.span));
        }
        if record.declared(&name.name).is_some() {
            let problem = InputsProblem::DeclaredTwice {
                input: name.name.clone(),
            };
            return Err(diagnostics::bad_inputs(&problem, name.span));
        }
        let node = load_schema(dir, Some(&decl.schema), "source", header, loader)?;
        if decl.optional.is_none() {
            record.required.push(name.name.clone());
        }
        record.properties.push((name.name.clone(), node));
    }
    Ok(loader.add(record))
}

/// Load a schema named by the mapping: a file, or a schema inside one
/// (`"api.json#/components/schemas/Order"`).
fn load_schema(
    dir: &Path,
    named: Option<&syntax::ast::StringLit>,
    which: &str,
    header: &syntax::ast::Header,
    loader: &mut schema::Loader<'_>,
) -> Result<schema::NodeId, Diagnostic> {
    let Some(named) = named else {
        return Err(diagnostics::missing_directive(which, header.id.span));
    };
    let (file, pointer) = named.value.split_once('#').unwrap_or((&named.value, ""));
    loader
        .load(&normalize(&dir.join(file)), pointer)
        .map_err(|e| diagnostics::from_schema(&e, named.span))
}
