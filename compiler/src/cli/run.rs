//! `mapc run` (the evaluator over a payload, also of an unfinished mapping:
//! what is assigned so far) and `mapc emit` (the generated Rust).

use super::check::compile_file;
use super::report::Format;
use super::{must_exist, Failure};
use mapc::{contract, project};
use std::io::Write;
use std::path::Path;

fn checked(path: &Path) -> Result<mapc::ir::Mapping, Failure> {
    match compiled(path)? {
        (ir, false) => Ok(ir),
        (_, true) => Err(Failure::Error(format!("{} has errors", path.display()))),
    }
}

/// The mapping's IR, and whether it is unfinished (only fields not
/// written yet are wrong: the rest runs).
fn compiled(path: &Path) -> Result<(mapc::ir::Mapping, bool), Failure> {
    must_exist(path)?;
    let session = mapc::Session::new(&project::read_file);
    let (compiled, _) = compile_file(&session, path, Format::Human)?;
    match (compiled.mapping, compiled.unfinished) {
        (Some(ir), _) => Ok((ir, false)),
        (None, Some(ir)) => Ok((ir, true)),
        (None, None) => Err(Failure::Error(format!("{} has errors", path.display()))),
    }
}

/// How `mapc run` reads its input.
#[derive(Clone, Copy, Default)]
pub struct RunOptions {
    /// Only the Nth record (1-based, counted after the envelope cut list
    /// pages into records).
    pub record: Option<usize>,
    /// Each input record is bare, as dead letters of form `record` hold it:
    /// the mapping's envelope (`at` routes) is not applied.
    pub bare: bool,
}

pub fn run(
    mapping: &Path,
    payload: &Path,
    compact: bool,
    params: &[String],
    options: RunOptions,
) -> Result<bool, Failure> {
    must_exist(payload)?;
    let (ir, unfinished) = compiled(mapping)?;
    if unfinished {
        eprintln!(
            "{} is unfinished: the fields above are left out of the output, which shows what is assigned so far",
            mapping.display()
        );
    }
    host::params::supply(&ir.id, &ir.param_decls(), params).map_err(Failure::Usage)?;
    // A folder is a sample of a mapping with named inputs (one file each),
    // a `.yml` a recorded HTTP cassette (its response bodies).
    let reader: Box<dyn std::io::BufRead> = if payload.is_dir() || project::is_cassette(payload) {
        Box::new(std::io::Cursor::new(project::read_sample(
            payload,
            &ir.inputs,
            &ir.optional_inputs,
        )?))
    } else {
        let file =
            std::fs::File::open(payload).map_err(|e| format!("{}: {e}", payload.display()))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut ok = true;
    let mut stdout = std::io::stdout().lock();
    // Records seen so far, counted after the envelope cut them out.
    let seen = std::cell::Cell::new(0usize);
    let evaluate = |input: &[u8], out: &mut Vec<u8>| {
        seen.set(seen.get() + 1);
        if options.record.is_some_and(|n| n != seen.get()) {
            return Ok(());
        }
        out.extend(mapc::eval::run(&ir, input)?);
        Ok(())
    };
    let mut out = Vec::new();
    host::format::for_each_record(reader, ir.format, &host::Limits::DEFAULT, |record| {
        out.clear();
        let mut failed = |e: &runtime::RuntimeError| {
            ok = false;
            eprintln!("record {} (line {}): {e}", record.number, record.line);
        };
        if options.bare {
            // The record as a dead letter holds it: no envelope to cut.
            let result = match &record.undecodable {
                Some(e) => Err(e.clone()),
                None => evaluate(record.bytes, &mut out),
            };
            if let Err(e) = result {
                failed(&e);
            }
        } else {
            ir.with_envelope(|envelope| {
                host::envelope::transform_record(
                    evaluate,
                    envelope,
                    &record,
                    &mut out,
                    |_, _, e| failed(&e),
                )
            });
        }
        for line in out.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let text = if compact {
                String::from_utf8_lossy(line).into_owned()
            } else {
                contract::pretty(line).unwrap_or_else(|e| e)
            };
            writeln!(stdout, "{text}")?;
        }
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    if let Some(n) = options.record.filter(|n| *n > seen.get()) {
        eprintln!(
            "error: --record {n}: the input has {} record(s)",
            seen.get()
        );
        return Ok(false);
    }
    Ok(ok && !unfinished)
}

pub fn emit(mapping: &Path) -> Result<bool, Failure> {
    let ir = checked(mapping)?;
    let code = mapc::codegen::generate(&ir);
    let code = project::rustfmt(&code).unwrap_or(code);
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{code}").map_err(|e| e.to_string())?;
    Ok(true)
}
