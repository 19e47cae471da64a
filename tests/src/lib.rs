//! Test harness: diagnostic cases, ok cases (evaluator vs compiled code) and
//! the contract tests of `mappings/` share these helpers. A panic here is a
//! failed test, so `expect` is allowed.
#![allow(clippy::expect_used)]

use mapc::Compiled;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/cases.rs"));

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Every mapping file under `dirs` (relative to the workspace root), as
/// paths relative to the root.
pub fn mapping_files(dirs: &[&str]) -> Vec<String> {
    let dirs: Vec<PathBuf> = dirs.iter().map(|d| root().join(d)).collect();
    let files = mapc::project::find_mappings(&dirs).expect("mapping folders");
    files
        .iter()
        .map(|f| {
            f.strip_prefix(root())
                .unwrap_or(f)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// Compile a mapping given by its path relative to the workspace root.
pub fn compile(relative: &str) -> (Compiled, String) {
    let root = root();
    let text = std::fs::read_to_string(root.join(relative)).expect("the mapping file exists");
    // Errors name the path as the mapping resolved it (relative), so
    // snapshots do not depend on where the repository is checked out.
    let read = |p: &Path| {
        std::fs::read_to_string(root.join(p)).map_err(|e| format!("{}: {e}", p.display()))
    };
    (mapc::compile(relative, &text, &read), text)
}

/// `----- MAPPING` / `----- DIAGNOSTICS` text for a snapshot.
pub fn render_diagnostics(file: &str, text: &str, compiled: &Compiled) -> String {
    let mut out = format!("----- MAPPING {file}\n{text}\n----- DIAGNOSTICS\n");
    let renderer = mapc::diagnostics::Renderer::new(file, text);
    for d in &compiled.diagnostics {
        out.push_str(&renderer.render(d, 90));
        out.push('\n');
    }
    out
}

fn settings(folder: &str) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join(folder));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// `cases/errors/<name>`: the mapping must produce diagnostics; their
/// rendering is snapshotted.
pub fn check_error_case(name: &str) {
    let file = format!("tests/cases/errors/{name}/mapping.map");
    let (compiled, text) = compile(&file);
    assert!(
        !compiled.diagnostics.is_empty(),
        "{file} produced no diagnostic"
    );
    // Every error says how to fix it.
    for d in &compiled.diagnostics {
        let error = d.severity == mapc::check::Severity::Error;
        assert!(
            !error || d.help.as_deref().is_some_and(|h| !h.is_empty()),
            "{file}: {} `{}` has no help line",
            d.code.code,
            d.title
        );
    }
    let rendered = render_diagnostics(&file, &text, &compiled);
    settings("tests/snapshots/errors").bind(|| insta::assert_snapshot!(name, rendered));
}

/// The target schema at `path` (from the repository root), with the files
/// it refers to, ready to validate outputs.
pub fn target_schema(path: &Path) -> mapc::contract::TargetSchema {
    let read = |p: &Path| mapc::project::read_file(&root().join(p));
    mapc::contract::TargetSchema::load(path, &read)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Run the evaluator and the compiled code on one input; they must agree
/// byte for byte (outputs, or error code, path and location). Returns the
/// evaluator's result.
pub fn differential(
    ir: &mapc::ir::Mapping,
    compiled: &runtime::CompiledMapping,
    input: &[u8],
) -> Result<Vec<u8>, runtime::RuntimeError> {
    let evaluated = mapc::eval::run(ir, input);
    let mut out = Vec::new();
    let generated = (compiled.transform)(input, &mut out).map(|()| out);
    match (&evaluated, &generated) {
        (Ok(a), Ok(b)) => assert_eq!(
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b),
            "evaluator and compiled output differ"
        ),
        (Err(a), Err(b)) => assert_eq!(
            (a.code, &a.reason, &a.path, &a.location, &a.message),
            (b.code, &b.reason, &b.path, &b.location, &b.message),
            "evaluator and compiled code fail differently:\n  eval: {a}\n  code: {b}"
        ),
        (a, b) => panic!("evaluator and compiled code disagree:\n  eval: {a:?}\n  code: {b:?}"),
    }
    evaluated
}

/// A whole payload through the mapping's format adapter (XML decoding)
/// and envelope (routes) on both back ends, as `maprt` runs it: the same outputs, and the same failures (code, path,
/// location), in the same order. Returns (outputs, failures).
pub fn differential_payload(
    ir: &mapc::ir::Mapping,
    compiled: &runtime::CompiledMapping,
    payload: &[u8],
) -> (u64, usize) {
    type Failures = Vec<(runtime::ErrorCode, String, Option<String>)>;
    type Transform<'t> = &'t dyn Fn(&[u8], &mut Vec<u8>) -> Result<(), runtime::RuntimeError>;
    let run = |transform: Transform<'_>| {
        let mut out = Vec::new();
        let mut failures: Failures = Vec::new();
        let mut n = 0;
        host::format::for_each_record(payload, ir.format, &host::Limits::DEFAULT, |record| {
            n += ir
                .with_envelope(|envelope| {
                    host::envelope::transform_record(
                        transform,
                        envelope,
                        &record,
                        &mut out,
                        |_, _, e| {
                            failures.push((e.code, e.path, e.location.map(|l| l.to_string())))
                        },
                    )
                })
                .written;
            Ok(())
        })
        .expect("framing an in-memory payload");
        (n, out, failures)
    };
    let evaluate = |input: &[u8], out: &mut Vec<u8>| {
        out.extend(mapc::eval::run(ir, input)?);
        Ok(())
    };
    let (n, evaluated, eval_failures) = run(&evaluate);
    let (m, generated, code_failures) = run(&compiled.transform);
    assert_eq!(
        String::from_utf8_lossy(&evaluated),
        String::from_utf8_lossy(&generated),
        "evaluator and compiled output differ"
    );
    assert_eq!(
        eval_failures, code_failures,
        "evaluator and compiled code fail differently"
    );
    assert_eq!(n, m);
    (n, eval_failures.len())
}

/// The input file of an ok case: `input.json`, `input.ndjson`,
/// `input.csv`, `input.tsv` or `input.xml` (exactly one).
pub fn case_input(name: &str) -> PathBuf {
    let dir = root().join(format!("tests/cases/ok/{name}"));
    let found: Vec<PathBuf> = ["json", "ndjson", "csv", "tsv", "xml"]
        .iter()
        .map(|ext| dir.join(format!("input.{ext}")))
        .filter(|p| p.is_file())
        .collect();
    match found.as_slice() {
        [one] => one.clone(),
        _ => panic!(
            "{}: expected one input.<json|ndjson|csv|tsv|xml>, found {found:?}",
            dir.display()
        ),
    }
}

/// The parameters an ok case supplies: `params.txt`, one `name=value` a
/// line, as `maprt --param` takes them.
fn supply_case_params(name: &str, ir: &mapc::ir::Mapping) {
    let file = root().join(format!("tests/cases/ok/{name}/params.txt"));
    let given = if file.is_file() {
        mapc::project::read_params(&file).expect("parameters file")
    } else {
        Vec::new()
    };
    host::params::supply(&ir.id, &ir.param_decls(), &given)
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
}

/// `cases/ok/<name>`: the mapping compiles; its input file is framed and
/// cut as `maprt` does it (the host's format adapter and envelope), and on
/// every record evaluator == compiled code; every output validates against
/// the target schema; the outputs are snapshotted (pretty for one record,
/// one line each for several), then the records that failed (the same
/// failure on both back ends), under `----- FAILED`.
pub fn check_ok_case(name: &str) {
    let file = format!("tests/cases/ok/{name}/mapping.map");
    let (compiled, text) = compile(&file);
    assert!(
        !compiled.failed(),
        "{}",
        render_diagnostics(&file, &text, &compiled)
    );
    let ir = compiled.mapping.as_ref().expect("checked above");
    let code = CASES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, m)| m)
        .expect("compiled by build.rs");
    assert_eq!(
        ir.format, code.format,
        "{file}: format of the compiled code"
    );
    supply_case_params(name, ir);
    let input = std::fs::read(case_input(name)).expect("the case's input");
    let mut outputs = Vec::new();
    let mut failed = Vec::new();
    host::format::for_each_record(
        input.as_slice(),
        ir.format,
        &host::Limits::DEFAULT,
        |record| {
            if let Some(e) = &record.undecodable {
                panic!("{file}: record {} does not decode: {e}", record.number);
            }
            let parts = ir
                .with_envelope(|envelope| host::envelope::split(record.bytes, envelope))
                .unwrap_or_else(|e| panic!("{file}: record {}: {e}", record.number));
            for part in parts {
                match differential(ir, code, part.bytes) {
                    Ok(out) => outputs.extend(mapc::contract::records(&out).map(<[u8]>::to_vec)),
                    Err(e) => {
                        failed.push(format!("record {} at {}: {e}", record.number, part.path))
                    }
                }
            }
            Ok(())
        },
    )
    .expect("framing an in-memory input");
    assert!(!outputs.is_empty(), "{file}: no output");
    let schema = target_schema(compiled.target_schema.as_deref().expect("target schema"));
    for out in &outputs {
        let problems = schema.problems(out).expect("output is JSON");
        assert!(
            problems.is_empty(),
            "{file}: output breaks the target schema: {problems:?}"
        );
    }
    let mut snapshot = mapc::contract::snapshot_text(&outputs).expect("JSON outputs");
    if !failed.is_empty() {
        snapshot.push_str("\n----- FAILED\n");
        snapshot.push_str(&failed.join("\n"));
    }
    settings("tests/snapshots/ok").bind(|| insta::assert_snapshot!(name, snapshot));
}
