//! `maprt transform`: one input (a file or stdin, or a mapping's named
//! inputs) through a mapping, canonical records to stdout, failures to
//! stderr and to a dead-letter file when asked.

use crate::job::{self, JobArgs};
use host::Sinks;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// One `maprt transform` invocation.
#[derive(clap::Args)]
pub struct TransformArgs {
    #[command(flatten)]
    job: JobArgs,
    /// Input file (stdin when absent)
    file: Option<PathBuf>,
    /// Write failed records (with code, path, mapping line and the input) here as NDJSON
    #[arg(long)]
    dead_letter: Option<PathBuf>,
    /// For a mapping with named inputs: NAME=FILE, one JSON document per input (repeat per input)
    #[arg(long = "input", value_name = "NAME=FILE")]
    inputs: Vec<String>,
}

/// The documents of a mapping with named inputs, from `--input NAME=FILE`,
/// in the mapping's order; an error is a usage error.
fn named_inputs(
    mapping: &runtime::CompiledMapping,
    given: &[String],
) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    if mapping.inputs.is_empty() {
        return Err(format!(
            "`{}` reads one document: give it as FILE, not --input",
            mapping.id
        ));
    }
    let mut documents: Vec<(&str, Vec<u8>)> = Vec::new();
    for arg in given {
        let Some((name, path)) = arg.split_once('=') else {
            return Err(format!("--input `{arg}`: expected NAME=FILE"));
        };
        let Some(known) = mapping.inputs.iter().find(|i| **i == name) else {
            return Err(format!(
                "`{}` has no input `{name}` (inputs: {})",
                mapping.id,
                mapping.inputs.join(", ")
            ));
        };
        if documents.iter().any(|(n, _)| n == known) {
            return Err(format!("--input {name}=...: given twice"));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        documents.push((known, bytes));
    }
    let mut ordered = Vec::new();
    for name in mapping.inputs {
        match documents.iter().position(|(n, _)| n == name) {
            Some(at) => ordered.push(documents.swap_remove(at)),
            None if mapping.optional_inputs.contains(name) => {} // the record comes without it
            None => return Err(format!("`{}` needs --input {name}=FILE", mapping.id)),
        }
    }
    Ok(ordered)
}

/// Run `maprt transform`.
pub fn transform(args: TransformArgs) -> Result<ExitCode, String> {
    let TransformArgs {
        job,
        file,
        dead_letter,
        inputs,
    } = args;
    let mapping = match job::mapping(&job.mapping, &job.params) {
        Ok(mapping) => mapping,
        Err(message) => return Ok(job::usage(message)),
    };
    if let Some(message) = file.as_deref().and_then(job::missing) {
        return Ok(job::usage(message));
    }
    let input: Box<dyn io::BufRead + Send> = match &file {
        _ if !inputs.is_empty() => {
            if file.is_some() {
                return Ok(job::usage(
                    "give either FILE or --input, not both".to_owned(),
                ));
            }
            let documents = match named_inputs(mapping, &inputs) {
                Ok(documents) => documents,
                Err(message) => return Ok(job::usage(message)),
            };
            let named: Vec<(&str, &[u8])> =
                documents.iter().map(|(n, d)| (*n, d.as_slice())).collect();
            let record = host::envelope::combine(&named).map_err(|e| e.to_string())?;
            Box::new(io::Cursor::new(record))
        }
        Some(path) => Box::new(BufReader::with_capacity(
            1 << 16,
            File::open(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
        None => Box::new(BufReader::with_capacity(1 << 16, io::stdin())),
    };
    if let (Some(input), Some(dead)) = (&file, &dead_letter) {
        if job::same_file(input, dead) {
            return Ok(job::usage(format!(
                "{}: the input cannot also be the dead-letter file (it would be emptied)",
                dead.display()
            )));
        }
    }
    let mut dead = match &dead_letter {
        Some(path) => Some(BufWriter::new(
            File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
        None => None,
    };
    let mut output = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut errors = io::stderr().lock();
    let sinks = Sinks {
        output: &mut output,
        dead_letters: dead.as_mut().map(|d| d as &mut dyn Write),
        errors: &mut errors,
        progress: None,
    };
    let outcome = job::run(mapping, &job, input, sinks).map_err(|e| e.to_string())?;
    if let Some(d) = dead.as_mut() {
        d.flush().map_err(|e| e.to_string())?;
    }
    Ok(if outcome.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
