//! What every run shares: the mapping by id, its parameters, how the input
//! is framed, and the input through the host (on several cores for NDJSON).

use clap::{Args, ValueEnum};
use host::format::json::detect;
use host::{Limits, Outcome, Sinks};
use runtime::{CompiledMapping, Delimited, JsonFraming, Separator, SourceFormat};
use std::io;
use std::path::Path;

/// Most worker threads a run may ask for.
const MAX_THREADS: i64 = 256;

/// `--format`: how the input is framed, when not as the mapping reads it.
#[derive(Clone, Copy, ValueEnum)]
pub enum Framing {
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

/// The arguments of every run over an input.
#[derive(Args)]
pub struct JobArgs {
    /// Mapping id, e.g. shopify.order
    #[arg(long)]
    pub mapping: String,
    /// How the input is framed
    #[arg(long, value_enum, default_value_t = Framing::Auto)]
    pub format: Framing,
    /// Worker threads for NDJSON input, 1 to 256 (default: one per core); output order is kept
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: Option<u16>,
    /// Records are bare JSON, as dead letters of form `record` hold them: read JSON and skip the mapping's envelope (routes `at .x[]`); `maprt replay` reads the letters themselves and takes each in its form
    #[arg(long)]
    pub bare: bool,
    /// A mapping parameter: NAME=VALUE (repeat per parameter); every one without a default must be given
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// What one payload may cost (see `docs/operations.md`, "Limits").
#[derive(Args)]
pub struct LimitArgs {
    /// Largest payload in bytes (a line, row or document); a larger one is dead-lettered as R118, without its bytes
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_record_bytes as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_record_bytes: u64,
    /// Deepest nesting of JSON arrays and objects, 1 to 128 (the default, the reader's own bound); deeper is R119 (R101 past 128)
    #[arg(long, value_name = "LEVELS", default_value_t = Limits::DEFAULT.max_depth as u64,
          value_parser = clap::value_parser!(u64).range(1..=Limits::MAX_DEPTH as u64))]
    pub max_depth: u64,
    /// Most elements in one JSON array (rows of a file read whole count too); more is R120
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.max_array_len as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_array_len: u64,
}

impl LimitArgs {
    /// The limits asked for.
    pub fn limits(&self) -> Limits {
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Limits {
            max_record_bytes: size(self.max_record_bytes),
            max_depth: size(self.max_depth),
            max_array_len: size(self.max_array_len),
        }
    }
}

/// Report a usage error (an unknown mapping, a missing input file, a
/// parameter that does not fit, flags that contradict): exit code 2.
pub fn usage(message: String) -> std::process::ExitCode {
    eprintln!("error: {message}");
    std::process::ExitCode::from(2)
}

/// Whether a path named on the command line is missing: a usage error,
/// not a failed run.
pub fn missing(path: &Path) -> Option<String> {
    (!path.exists()).then(|| format!("{}: no such file or directory", path.display()))
}

/// The compiled mapping `id`, its parameters supplied.
pub fn mapping(id: &str, params: &[String]) -> Result<&'static CompiledMapping, String> {
    let Some(mapping) = crate::catalog::find(id) else {
        let known: Vec<&str> = crate::catalog::all().iter().map(|m| m.id).collect();
        return Err(format!(
            "no mapping `{id}` (compiled: {})",
            known.join(", ")
        ));
    };
    host::params::supply(mapping.id, mapping.params, params)?;
    Ok(mapping)
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
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Every record of `input` through `mapping` into `sinks`.
pub fn run(
    mapping: &CompiledMapping,
    args: &JobArgs,
    input: Box<dyn io::BufRead + Send + '_>,
    sinks: Sinks<'_>,
) -> io::Result<Outcome> {
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let limits = args.limits.limits();
    let envelope = if args.bare {
        host::Envelope::BARE
    } else {
        host::Envelope::of(mapping)
    }
    .limited(limits);
    match framing(args.format, mapping.format, args.bare) {
        SourceFormat::Json(framing) => {
            let (framing, input) = detect(input, framing, &limits)?;
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
        format => host::run(mapping.transform, &envelope, input, format, sinks),
    }
}
