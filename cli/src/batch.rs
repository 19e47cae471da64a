//! `maprt batch` and `maprt replay`: a whole input into an output file and
//! a dead-letter file (and a JSON summary when asked), staged and renamed
//! into place only once every record is through and accounted for, so a
//! killed or failed run leaves only `*.partial` files. Reruns on the same
//! input give the same bytes.

use crate::job::{self, JobArgs};
use crate::progress::{self, When};
use host::batch::{Counted, Staged, Summary};
use host::{Outcome, Progress, Sinks};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;

/// Where a batch run writes.
#[derive(clap::Args)]
pub struct Outputs {
    /// Canonical records, one per line (written as FILE.partial, renamed when the run completes)
    #[arg(long)]
    output: PathBuf,
    /// Dead letters, one JSON object per failed record, replayable with `maprt replay`
    #[arg(long)]
    dead_letter: PathBuf,
    /// Also write the run's summary here as one JSON object
    #[arg(long)]
    summary: Option<PathBuf>,
    /// Draw a progress bar (payloads, bytes, rate, ETA) on stderr
    #[arg(long, value_enum, default_value_t = When::Auto)]
    progress: When,
}

/// One `maprt batch` invocation.
#[derive(clap::Args)]
pub struct BatchArgs {
    #[command(flatten)]
    job: JobArgs,
    /// Input file, `-` for stdin; for a mapping with named inputs, NDJSON of combined records (`{"order": ..., "items": ...}`)
    #[arg(long)]
    input: PathBuf,
    #[command(flatten)]
    outputs: Outputs,
}

/// One `maprt replay` invocation.
#[derive(clap::Args)]
pub struct ReplayArgs {
    /// Mapping id, e.g. shopify.order
    #[arg(long)]
    mapping: String,
    /// A mapping parameter: NAME=VALUE (repeat per parameter); every one without a default must be given
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Dead letters to replay (NDJSON as `batch` writes them), `-` for stdin
    #[arg(long)]
    input: PathBuf,
    #[command(flatten)]
    limits: job::LimitArgs,
    #[command(flatten)]
    outputs: Outputs,
}

/// Run `maprt batch`.
pub fn batch(args: BatchArgs) -> Result<ExitCode, String> {
    let BatchArgs {
        job,
        input,
        outputs,
    } = args;
    let mapping = match job::mapping(&job.mapping, &job.params) {
        Ok(mapping) => mapping,
        Err(message) => return Ok(job::usage(message)),
    };
    staged(mapping.id, &input, &outputs, |input, sinks| {
        job::run(mapping, &job, input, sinks)
    })
}

/// Run `maprt replay`.
pub fn replay(args: ReplayArgs) -> Result<ExitCode, String> {
    let ReplayArgs {
        mapping,
        params,
        input,
        limits,
        outputs,
    } = args;
    let mapping = match job::mapping(&mapping, &params) {
        Ok(mapping) => mapping,
        Err(message) => return Ok(job::usage(message)),
    };
    staged(mapping.id, &input, &outputs, |letters, sinks| {
        host::replay::replay(mapping, limits.limits(), letters, sinks)
    })
}

/// Refuse outputs that would overwrite the input or each other.
fn distinct(input: &Path, outputs: &Outputs) -> Result<(), String> {
    let mut written: Vec<(&str, &Path)> = vec![
        ("--output", &outputs.output),
        ("--dead-letter", &outputs.dead_letter),
    ];
    if let Some(summary) = &outputs.summary {
        written.push(("--summary", summary));
    }
    for (i, (flag, path)) in written.iter().enumerate() {
        if input != Path::new("-") && (input == *path || job::same_file(input, path)) {
            return Err(format!(
                "{flag} {}: that is the input (it would be lost)",
                path.display()
            ));
        }
        for (other, earlier) in written.iter().take(i) {
            if earlier == path || job::same_file(earlier, path) {
                return Err(format!(
                    "{flag} and {other} name one file: {}",
                    path.display()
                ));
            }
        }
    }
    Ok(())
}

/// Open `input` (stdin for `-`), with its size when it is a file.
fn open(input: &Path) -> Result<(Box<dyn BufRead + Send>, Option<u64>), String> {
    if input == Path::new("-") {
        return Ok((
            Box::new(BufReader::with_capacity(1 << 16, io::stdin())),
            None,
        ));
    }
    let file = File::open(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    Ok((Box::new(BufReader::with_capacity(1 << 16, file)), size))
}

/// The run `work` does from `input` into staged outputs, committed only
/// when it completes with every record accounted for.
fn staged(
    mapping: &str,
    input: &Path,
    outputs: &Outputs,
    work: impl FnOnce(Box<dyn BufRead + Send + '_>, Sinks<'_>) -> io::Result<Outcome>,
) -> Result<ExitCode, String> {
    let refused = distinct(input, outputs).err().or_else(|| {
        (input != Path::new("-"))
            .then(|| job::missing(input))
            .flatten()
    });
    if let Some(message) = refused {
        return Ok(job::usage(message));
    }
    let (reader, size) = open(input)?;
    let io_error = |e: io::Error| e.to_string();
    // Dead letters and summary first, the output last: an output under its
    // final name means the rest is complete too.
    let mut dead = Staged::create(&outputs.dead_letter).map_err(io_error)?;
    let summary_file = match &outputs.summary {
        Some(path) => Some(Staged::create(path).map_err(io_error)?),
        None => None,
    };
    let mut output = Staged::create(&outputs.output).map_err(io_error)?;
    let progress = Progress::default();
    let outcome = progress::while_running(outputs.progress, &progress, size, || {
        let sinks = Sinks {
            output: output.writer(),
            dead_letters: Some(dead.writer()),
            // Every failure is in the dead letters; the summary counts them.
            errors: &mut io::sink(),
            progress: Some(&progress),
        };
        work(Box::new(Counted::new(reader, &progress)), sinks)
    });
    let unfinished = |why: String| {
        format!("{why}; nothing was renamed into place (the *.partial files are incomplete)")
    };
    let outcome = outcome.map_err(|e| unfinished(e.to_string()))?;
    let summary = Summary {
        mapping,
        outcome: &outcome,
        bytes: progress.bytes.load(Ordering::Relaxed),
    };
    if !outcome.balanced() {
        return Err(unfinished(format!(
            "records unaccounted for: {}",
            summary.human()
        )));
    }
    dead.commit().map_err(io_error)?;
    if let Some(mut file) = summary_file {
        host::batch::write_summary(&summary, file.writer()).map_err(io_error)?;
        file.commit().map_err(io_error)?;
    }
    output.commit().map_err(io_error)?;
    let mut stderr = io::stderr().lock();
    // The run is done and its files are in place; a closed stderr only
    // loses this line.
    let _ = writeln!(stderr, "{}", summary.human());
    Ok(if outcome.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
