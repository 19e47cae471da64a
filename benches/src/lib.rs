//! Throughput benchmark of the Shopify order mapping, five ways over the
//! same NDJSON corpus (see `docs/performance.md`):
//!
//! - (a) the compiled mapping (generated code) through the runtime's NDJSON
//!   path, on 1 thread and on every core;
//! - (b) the same mapping written by hand ([`handwritten`]);
//! - (c) the reference evaluator;
//! - (d) the parser ceiling: validate each line into `IgnoredAny`, and for
//!   reference (d') the runtime's own reader skipping each line;
//! - (e) an untyped round trip: parse each line into `serde_json::Value` and
//!   serialize it back.

#![recursion_limit = "256"]

pub mod corpus;
pub mod handwritten;

use std::io;

/// One way of turning the corpus into output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// (a) generated code through `host::run` / `host::parallel`.
    Compiled {
        /// Worker threads (1: the serial path).
        threads: usize,
    },
    /// (b) the hand-written baseline.
    HandWritten,
    /// (c) the evaluator.
    Evaluator,
    /// (d) `IgnoredAny` per line.
    ParserCeiling,
    /// (d') the runtime's own reader skipping each line (for reference).
    ReaderSkip,
    /// (e) `Value` per line, serialized back.
    UntypedRoundTrip,
}

impl Variant {
    /// Row label.
    pub fn label(self) -> String {
        match self {
            Variant::Compiled { threads } => format!("(a) compiled, {threads} thread(s)"),
            Variant::HandWritten => "(b) hand-written serde".to_owned(),
            Variant::Evaluator => "(c) evaluator".to_owned(),
            Variant::ParserCeiling => "(d) parser ceiling (IgnoredAny)".to_owned(),
            Variant::ReaderSkip => "(d') runtime reader, skip only".to_owned(),
            Variant::UntypedRoundTrip => "(e) untyped Value round trip".to_owned(),
        }
    }
}

/// The compiled Shopify order mapping and its IR (for the evaluator).
pub struct Subject {
    /// Generated code.
    pub compiled: &'static runtime::CompiledMapping,
    /// Typed IR.
    pub ir: mapc::ir::Mapping,
}

/// Compile `mappings/shopify/order.map` for the evaluator and find its
/// generated code in `maprt`.
pub fn subject() -> Result<Subject, String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("no root")?
        .to_path_buf();
    let file = "mappings/shopify/order.map";
    let text = mapc::project::read_file(&root.join(file))?;
    let read = |p: &std::path::Path| mapc::project::read_file(&root.join(p));
    let ir = mapc::compile(file, &text, &read)
        .mapping
        .ok_or("the mapping does not compile")?;
    let compiled =
        maprt::find("shopify.order").ok_or("shopify.order is not compiled into maprt")?;
    Ok(Subject { compiled, ir })
}

/// Run one variant over an NDJSON corpus, appending its output to `out`.
/// Returns the number of records that failed.
pub fn run(
    variant: Variant,
    subject: &Subject,
    corpus: &[u8],
    out: &mut Vec<u8>,
) -> io::Result<u64> {
    if let Variant::Compiled { threads } = variant {
        let (mut errors, mut ignored) = (io::sink(), None);
        let sinks = host::Sinks {
            output: out,
            dead_letters: ignored.take(),
            errors: &mut errors,
            progress: None,
        };
        let outcome = if threads > 1 {
            host::parallel::run_ndjson(
                subject.compiled.transform,
                &host::Envelope::of(subject.compiled),
                corpus,
                threads,
                sinks,
            )?
        } else {
            host::run(
                subject.compiled.transform,
                &host::Envelope::of(subject.compiled),
                corpus,
                runtime::SourceFormat::Json(runtime::JsonFraming::Lines),
                sinks,
            )?
        };
        return Ok(outcome.failed);
    }
    let mut failed = 0;
    let mut buf = Vec::with_capacity(8192);
    host::format::for_each_record(
        corpus,
        runtime::SourceFormat::Json(runtime::JsonFraming::Lines),
        &host::Limits::DEFAULT,
        |record| {
            buf.clear();
            let ok = match variant {
                Variant::HandWritten => handwritten::transform(record.bytes, &mut buf).is_ok(),
                // Cut along the mapping's routes as `mapc run` does.
                Variant::Evaluator => subject.ir.with_envelope(|envelope| {
                    let eval = |record: &[u8], out: &mut Vec<u8>| {
                        out.extend(mapc::eval::run(&subject.ir, record)?);
                        Ok(())
                    };
                    let mut ok = true;
                    host::envelope::transform_payload(
                        eval,
                        envelope,
                        record.bytes,
                        &mut buf,
                        |_, _, _| ok = false,
                    );
                    // One record per line, as the other variants write it.
                    if buf.last() == Some(&b'\n') {
                        buf.pop();
                    }
                    ok
                }),
                Variant::ParserCeiling => {
                    serde_json::from_slice::<serde::de::IgnoredAny>(record.bytes).is_ok()
                }
                Variant::ReaderSkip => {
                    runtime::json_in::read_record(record.bytes, runtime::json_in::Reader::skip)
                        .is_ok()
                }
                _ => serde_json::from_slice::<serde_json::Value>(record.bytes)
                    .and_then(|v| serde_json::to_writer(&mut buf, &v))
                    .is_ok(),
            };
            if ok {
                out.extend_from_slice(&buf);
                out.push(b'\n');
            } else {
                failed += 1;
            }
            Ok(())
        },
    )?;
    Ok(failed)
}
