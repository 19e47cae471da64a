//! The `maprt` command line over any set of compiled mappings: `list`
//! prints what a build holds; `transform` streams one input to stdout;
//! `batch` turns a file into an output file and a dead-letter file that
//! appear only when the whole input is through, with a summary; `replay`
//! runs dead letters again after a mapping fix; `serve` takes webhooks over
//! HTTP and `worker` payloads from NATS JetStream.
//!
//! This repository's `maprt` and every binary `mapc build` makes for a
//! mapping project are this crate's [`main`] over the build's
//! [`runtime::Artifact`].

mod batch;
mod catalog;
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
    /// List the mappings compiled into this binary: id, target, file, and the SHA-256 of the mapping file and of its generated code, after a line naming the project, its version, the compiler and the canonical model
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

/// Run the command line over `artifact`'s mappings. Exit codes: 0 ok, 1
/// input or mapping errors, 2 usage.
pub fn main(artifact: &'static runtime::Artifact) -> ExitCode {
    catalog::install(artifact);
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List => list(artifact),
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

fn list(artifact: &runtime::Artifact) -> Result<ExitCode, String> {
    let mut out = io::stdout().lock();
    let header = format!(
        "# {} {} (built by {}, canonical model {})",
        artifact.project, artifact.version, artifact.compiler, artifact.canonical_model
    );
    writeln!(out, "{header}").map_err(|e| e.to_string())?;
    for (m, source) in artifact.mappings.iter().zip(artifact.sources) {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            m.id, m.target, m.file, source.sha256, source.code_sha256
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}
