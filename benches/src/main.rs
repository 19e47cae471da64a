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
    /// Timed repetitions per variant (the fastest counts)
    #[arg(long, default_value_t = 5)]
    repeat: u32,
    /// Run only the compiled variant on one thread, for a profiler
    #[arg(long)]
    profile: bool,
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

fn time(
    variant: Variant,
    subject: &benches::Subject,
    corpus: &[u8],
    repeat: u32,
) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    let mut out = Vec::with_capacity(corpus.len());
    for _ in 0..repeat.max(1) {
        out.clear();
        let start = Instant::now();
        let failed = run(variant, subject, corpus, &mut out).map_err(|e| e.to_string())?;
        best = best.min(start.elapsed());
        if failed > 0 {
            return Err(format!("{}: {failed} records failed", variant.label()));
        }
    }
    Ok(best)
}

fn bench(args: &Args) -> Result<(), String> {
    let subject = subject()?;
    let corpus = corpus::ndjson(args.seed, args.records);
    if args.profile {
        let t = time(
            Variant::Compiled { threads: 1 },
            &subject,
            &corpus,
            args.repeat,
        )?;
        println!(
            "compiled, 1 thread: {:.0} records/s",
            args.records as f64 / t.as_secs_f64()
        );
        return Ok(());
    }
    let mb = corpus.len() as f64 / 1e6;
    println!(
        "corpus: {} orders, {:.1} MB (seed {}), best of {}",
        args.records, mb, args.seed, args.repeat
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
        Variant::UntypedRoundTrip,
    ];
    let mut times = Vec::new();
    println!("| variant | records/s | MB/s |\n|---|---:|---:|");
    for variant in variants {
        let t = time(variant, &subject, &corpus, args.repeat)?;
        let secs = t.as_secs_f64();
        println!(
            "| {} | {:.0} | {:.1} |",
            variant.label(),
            args.records as f64 / secs,
            mb / secs
        );
        times.push(secs);
    }
    let (a, a_n, b, c, d, e) = (times[0], times[1], times[2], times[3], times[4], times[5]);
    println!("\n| ratio (throughput) | value |\n|---|---:|");
    println!("| a/b compiled vs hand-written | {:.2}x |", b / a);
    println!("| a/c compiled vs evaluator | {:.2}x |", c / a);
    println!("| a/d compiled vs parser ceiling | {:.2}x |", d / a);
    println!("| a/e compiled vs untyped round trip | {:.2}x |", e / a);
    println!("| a({cores} threads)/a(1 thread) | {:.2}x |", a / a_n);
    Ok(())
}
