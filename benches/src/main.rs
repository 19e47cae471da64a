//! `bench`: time the five variants on one generated corpus, in one run, and
//! print records/s, MB/s and the ratios the performance targets are stated in.
//! Outputs of (a), (b) and (c) are checked to be identical before timing.

use benches::{corpus, run, subject, Variant};
use clap::Parser;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Benchmark the compiled Shopify order mapping against its baselines.
#[derive(Parser)]
#[command(name = "bench")]
struct Args {
    /// Orders in the corpus
    #[arg(long, default_value_t = 20_000)]
    records: u64,
    /// Corpus seed (same seed, same bytes)
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Rounds; each times every variant once (the fastest round counts)
    #[arg(long, default_value_t = 5)]
    repeat: u32,
    /// Run one variant only (`compiled`, `hand-written`, `evaluator`,
    /// `ceiling` or `reader`), for a profiler
    #[arg(long)]
    profile: Option<String>,
    /// Write the corpus to this file (NDJSON) instead of benchmarking
    #[arg(long)]
    write_corpus: Option<std::path::PathBuf>,
    /// Read the corpus from this NDJSON file (from `--write-corpus`) instead
    /// of generating it: keeps a profiler's samples to the variants
    #[arg(long)]
    corpus: Option<std::path::PathBuf>,
}

fn main() -> ExitCode {
    match bench(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Time every variant `repeat` times, round-robin (each round runs every
/// variant once), keeping each variant's best: load drifting on the machine
/// then affects all variants alike instead of skewing the ratios.
fn time_all(
    variants: &[Variant],
    subject: &benches::Subject,
    corpus: &[u8],
    repeat: u32,
) -> Result<Vec<Duration>, String> {
    let mut best = vec![Duration::MAX; variants.len()];
    let mut out = Vec::with_capacity(corpus.len());
    for _ in 0..repeat.max(1) {
        for (variant, best) in variants.iter().zip(best.iter_mut()) {
            out.clear();
            let start = Instant::now();
            let failed = run(*variant, subject, corpus, &mut out).map_err(|e| e.to_string())?;
            *best = (*best).min(start.elapsed());
            if failed > 0 {
                return Err(format!("{}: {failed} records failed", variant.label()));
            }
        }
    }
    Ok(best)
}

/// Write `records` orders in chunks (constant memory), for memory tests.
fn write_corpus(path: &std::path::Path, args: &Args) -> Result<(), String> {
    use std::io::Write;
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut rng = fastrand::Rng::with_seed(args.seed);
    for n in 0..args.records {
        let line = corpus::order(&mut rng, n).to_string();
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn bench(args: &Args) -> Result<(), String> {
    if let Some(path) = &args.write_corpus {
        return write_corpus(path, args);
    }
    let subject = subject()?;
    let corpus = match &args.corpus {
        Some(path) => std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?,
        None => corpus::ndjson(args.seed, args.records),
    };
    let records = if args.corpus.is_some() {
        corpus.iter().filter(|&&b| b == b'\n').count() as u64
    } else {
        args.records
    };
    if let Some(which) = &args.profile {
        let variant = match which.as_str() {
            "compiled" => Variant::Compiled { threads: 1 },
            "hand-written" => Variant::HandWritten,
            "evaluator" => Variant::Evaluator,
            "ceiling" => Variant::ParserCeiling,
            "reader" => Variant::ReaderSkip,
            other => return Err(format!("unknown variant `{other}` for --profile")),
        };
        let t = time_all(&[variant], &subject, &corpus, args.repeat)?
            .first()
            .copied()
            .unwrap_or_default();
        println!(
            "{}: {:.0} records/s",
            variant.label(),
            records as f64 / t.as_secs_f64()
        );
        return Ok(());
    }
    let mb = corpus.len() as f64 / 1e6;
    println!(
        "corpus: {} orders, {:.1} MB (seed {}), best of {}",
        records, mb, args.seed, args.repeat
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut outputs = Vec::new();
    for variant in [
        Variant::Compiled { threads: 1 },
        Variant::HandWritten,
        Variant::Evaluator,
    ] {
        let mut out = Vec::new();
        run(variant, &subject, &corpus, &mut out).map_err(|e| e.to_string())?;
        outputs.push(out);
    }
    if outputs.windows(2).any(|w| w[0] != w[1]) {
        return Err(
            "outputs of (a), (b) and (c) differ: the comparison would be unfair".to_owned(),
        );
    }
    println!(
        "outputs of (a), (b), (c) identical: {} bytes\n",
        outputs[0].len()
    );
    let variants = [
        Variant::Compiled { threads: 1 },
        Variant::Compiled { threads: cores },
        Variant::HandWritten,
        Variant::Evaluator,
        Variant::ParserCeiling,
        Variant::ReaderSkip,
        Variant::UntypedRoundTrip,
    ];
    let times: Vec<f64> = time_all(&variants, &subject, &corpus, args.repeat)?
        .iter()
        .map(Duration::as_secs_f64)
        .collect();
    println!("| variant | records/s | MB/s |\n|---|---:|---:|");
    for (variant, secs) in variants.iter().zip(&times) {
        println!(
            "| {} | {:.0} | {:.1} |",
            variant.label(),
            records as f64 / secs,
            mb / secs
        );
    }
    let [a, a_n, b, c, d, d_reader, e] = times[..] else {
        return Err("missing timings".to_owned());
    };
    println!("\n| ratio (throughput) | value |\n|---|---:|");
    println!("| a/b compiled vs hand-written | {:.2}x |", b / a);
    println!("| a/c compiled vs evaluator | {:.2}x |", c / a);
    println!(
        "| a/d compiled vs parser ceiling | {:.3}x (the ceiling is {:.2}x faster) |",
        d / a,
        a / d
    );
    println!("| a/e compiled vs untyped round trip | {:.2}x |", e / a);
    println!(
        "| d'/d runtime reader skip vs IgnoredAny | {:.2}x |",
        d / d_reader
    );
    println!("| a({cores} threads)/a(1 thread) | {:.2}x |", a / a_n);
    Ok(())
}
