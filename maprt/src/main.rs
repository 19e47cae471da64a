//! `maprt`: run compiled mappings over payloads (one JSON document or NDJSON),
//! one canonical record per line out, failures to a dead-letter file.

use clap::{Args, Parser, Subcommand, ValueEnum};
use host::format::json::detect;
use host::Sinks;
use runtime::{Delimited, JsonFraming, Separator, SourceFormat};
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Most worker threads a run may ask for.
const MAX_THREADS: i64 = 256;

/// The mapping runtime.
#[derive(Parser)]
#[command(
    name = "maprt",
    version,
    about = "Run compiled channel-to-canonical mappings"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the mappings compiled into this binary
    List,
    /// Transform records: a JSON document or NDJSON from FILE (stdin when absent)
    Transform(Run),
}

/// `--format`: how the input is framed, when not as the mapping reads it.
#[derive(Clone, Copy, ValueEnum)]
enum Framing {
    /// The mapping's source format; for JSON, NDJSON when the first line is a whole value, else one document
    Auto,
    /// One JSON document
    Json,
    /// One JSON value per line (also replays dead letters of CSV/TSV mappings)
    Ndjson,
    /// Comma-separated values with a header line
    Csv,
    /// Tab-separated values with a header line
    Tsv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List => list(),
        Command::Transform(run) => transform(run),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn list() -> Result<ExitCode, String> {
    let mut out = io::stdout().lock();
    for m in maprt::MAPPINGS {
        writeln!(out, "{}\t{}\t{}", m.id, m.target, m.file).map_err(|e| e.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One `maprt transform` invocation.
#[derive(Args)]
struct Run {
    /// Mapping id, e.g. shopify.order
    #[arg(long)]
    mapping: String,
    /// Input file (stdin when absent)
    file: Option<PathBuf>,
    /// How the input is framed
    #[arg(long, value_enum, default_value_t = Framing::Auto)]
    format: Framing,
    /// Write failed records (with code, path, mapping line and the input) here as NDJSON
    #[arg(long)]
    dead_letter: Option<PathBuf>,
    /// Worker threads for NDJSON input, 1 to 256 (default: one per core); output order is kept
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    threads: Option<u16>,
    /// Records are bare JSON, as in dead letters: read JSON and skip the mapping's envelope (routes `at .x[]`); a whole payload that failed (R101, R102 at `$`, R114) replays without it
    #[arg(long)]
    bare: bool,
    /// For a mapping with named inputs: NAME=FILE, one JSON document per input (repeat per input)
    #[arg(long = "input", value_name = "NAME=FILE")]
    inputs: Vec<String>,
    /// A mapping parameter: NAME=VALUE (repeat per parameter); every one without a default must be given
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
}

/// The record of a mapping with named inputs, from `--input NAME=FILE`.
fn combined_inputs(
    mapping: &runtime::CompiledMapping,
    given: &[String],
) -> Result<Vec<u8>, String> {
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
        let Some((_, bytes)) = documents.iter().find(|(n, _)| n == name) else {
            if mapping.optional_inputs.contains(name) {
                continue; // the record comes without it
            }
            return Err(format!("`{}` needs --input {name}=FILE", mapping.id));
        };
        ordered.push((*name, bytes.as_slice()));
    }
    host::envelope::combine(&ordered).map_err(|e| e.to_string())
}

/// The format `--format` asks for: the mapping's own for `auto`; a
/// delimited file read whole (`format tsv table`) stays whole. Bare records
/// (dead letters) are JSON.
fn framing(asked: Framing, mapping: SourceFormat, bare: bool) -> SourceFormat {
    let whole_file = matches!(mapping, SourceFormat::Delimited(d) if d.whole_file);
    let delimited = |separator| {
        SourceFormat::Delimited(Delimited {
            separator,
            whole_file,
        })
    };
    match asked {
        Framing::Auto if bare => SourceFormat::JSON,
        Framing::Auto => mapping,
        Framing::Json => SourceFormat::Json(JsonFraming::Document),
        Framing::Ndjson => SourceFormat::Json(JsonFraming::Lines),
        Framing::Csv => delimited(Separator::Comma),
        Framing::Tsv => delimited(Separator::Tab),
    }
}

/// Whether two paths name one existing file.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn transform(run: Run) -> Result<ExitCode, String> {
    let Run {
        mapping: id,
        file,
        format,
        dead_letter,
        threads,
        bare,
        inputs,
        params,
    } = run;
    let threads = threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let id = id.as_str();
    let Some(mapping) = maprt::find(id) else {
        let known: Vec<&str> = maprt::MAPPINGS.iter().map(|m| m.id).collect();
        return Err(format!(
            "no mapping `{id}` (compiled: {})",
            known.join(", ")
        ));
    };
    host::params::supply(mapping.id, mapping.params, &params)?;
    let input: Box<dyn io::BufRead + Send> = match &file {
        _ if !inputs.is_empty() => {
            if file.is_some() {
                return Err("give either FILE or --input, not both".to_owned());
            }
            Box::new(io::Cursor::new(combined_inputs(mapping, &inputs)?))
        }
        Some(path) => Box::new(BufReader::with_capacity(
            1 << 16,
            File::open(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
        None => Box::new(BufReader::with_capacity(1 << 16, io::stdin())),
    };
    if let (Some(input), Some(dead)) = (&file, &dead_letter) {
        if same_file(input, dead) {
            return Err(format!(
                "{}: the input cannot also be the dead-letter file (it would be emptied)",
                dead.display()
            ));
        }
    }
    let mut dead = match &dead_letter {
        Some(path) => Some(BufWriter::new(
            File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
        None => None,
    };
    let format = framing(format, mapping.format, bare);
    let mut output = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut errors = io::stderr().lock();
    let sinks = Sinks {
        output: &mut output,
        dead_letters: dead.as_mut().map(|d| d as &mut dyn Write),
        errors: &mut errors,
    };
    let envelope = if bare {
        host::Envelope::BARE
    } else {
        host::Envelope::of(mapping)
    };
    let outcome = match format {
        SourceFormat::Json(framing) => {
            let (framing, input) = detect(input, framing).map_err(|e| e.to_string())?;
            if framing == JsonFraming::Lines && threads > 1 {
                host::parallel::run_ndjson(mapping.transform, &envelope, input, threads, sinks)
            } else {
                host::run(
                    mapping.transform,
                    &envelope,
                    input,
                    SourceFormat::Json(framing),
                    sinks,
                )
            }
        }
        _ => host::run(mapping.transform, &envelope, input, format, sinks),
    }
    .map_err(|e| e.to_string())?;
    if let Some(d) = dead.as_mut() {
        d.flush().map_err(|e| e.to_string())?;
    }
    Ok(if outcome.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
