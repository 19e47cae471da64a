//! `maprt`: run compiled mappings over payloads. `transform` streams one
//! input to stdout; `batch` turns a file into an output file and a
//! dead-letter file that appear only when the whole input is through, with
//! a summary; `replay` runs dead letters again after a mapping fix;
//! `serve` takes webhooks over HTTP and `worker` payloads from NATS
//! JetStream.

mod batch;
mod job;
mod progress;
mod service;
mod transform;

use clap::{Parser, Subcommand};
use std::io::{self, Write};
use std::process::ExitCode;

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
    Transform(transform::TransformArgs),
    /// Transform a whole input file into an output file and a dead-letter file, renamed into place only when the run completes, with a summary
    Batch(batch::BatchArgs),
    /// Run dead letters (as `batch` or `transform --dead-letter` wrote them) through the mapping again, writing the same three outputs as `batch`
    Replay(batch::ReplayArgs),
    /// Serve webhooks: POST /v1/<mapping-id> answers the canonical records (or the structured error), signatures checked; GET /healthz, /readyz, /metrics
    Serve(service::ServeArgs),
    /// Consume channel payloads from a NATS JetStream durable pull consumer, publish canonical records and dead letters, ack after the publishes are acknowledged
    Worker(service::WorkerArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List => list(),
        Command::Transform(args) => transform::transform(args),
        Command::Batch(args) => batch::batch(args),
        Command::Replay(args) => batch::replay(args),
        Command::Serve(args) => service::serve(args),
        Command::Worker(args) => service::worker(args),
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
