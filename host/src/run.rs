//! A run: every payload of the input, framed by the mapping's format and
//! cut by its envelope, through the transform; canonical records to the
//! output, failures reported and dead-lettered, none stopping the run.

use crate::dead_letter::report_failure;
use crate::envelope::{transform_record, Envelope};
use crate::format::{self, Record};
use runtime::{SourceFormat, TransformFn};
use std::io::{self, BufRead, Write};

/// How a run went.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Records transformed.
    pub transformed: u64,
    /// Records written to the dead letters.
    pub failed: u64,
}

/// Where a run writes.
pub struct Sinks<'w> {
    /// Canonical records, one per line.
    pub output: &'w mut dyn Write,
    /// Dead letters as NDJSON, when asked for.
    pub dead_letters: Option<&'w mut dyn Write>,
    /// One-line human-readable errors.
    pub errors: &'w mut dyn Write,
}

/// Bytes of output collected before they are written on.
const OUTPUT_BATCH: usize = 64 * 1024;

/// Transform every record of `input`, writing one canonical record per line.
/// A failing record never stops the run: it is reported and dead-lettered.
pub fn run(
    transform: TransformFn,
    envelope: &Envelope<'_>,
    input: impl BufRead,
    format: SourceFormat,
    sinks: Sinks<'_>,
) -> io::Result<Outcome> {
    let Sinks {
        output,
        mut dead_letters,
        errors,
    } = sinks;
    let mut outcome = Outcome::default();
    // Records are written in batches: one copy into `output` per 64 KiB.
    let mut out = Vec::with_capacity(OUTPUT_BATCH + 8192);
    format::for_each_record(input, format, |record| {
        let mut failures = Vec::new();
        outcome.transformed +=
            transform_record(transform, envelope, &record, &mut out, |bytes, e| {
                failures.push((bytes.to_vec(), e))
            });
        if out.len() >= OUTPUT_BATCH {
            output.write_all(&out)?;
            out.clear();
        }
        for (bytes, error) in failures {
            outcome.failed += 1;
            let part = Record::json(record.number, record.line, &bytes);
            report_failure(errors, dead_letters.as_deref_mut(), &part, &error)?;
        }
        Ok(())
    })?;
    output.write_all(&out)?;
    output.flush()?;
    Ok(outcome)
}
