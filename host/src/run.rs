//! A run: every payload of the input, framed by the mapping's format and
//! cut by its envelope, through the transform; canonical records to the
//! output, failures reported and dead-lettered, none stopping the run.

use crate::dead_letter::report_failure;
use crate::envelope::{transform_record, Cut, Envelope, Tally};
use crate::format::{self, Record};
use runtime::{RuntimeError, SourceFormat, TransformFn};
use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::sync::atomic::{AtomicU64, Ordering};

/// How a run went: every record the input held, and what became of it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Payloads framed from the input (documents, lines, rows).
    pub payloads: u64,
    /// What became of their records.
    pub tally: Tally,
    /// Records that failed (reported, and dead-lettered when asked).
    pub failed: u64,
    /// Failures by error code, and by the mapping's reason code for a
    /// rejection (`R116 incomplete_order`).
    pub failures: BTreeMap<String, u64>,
}

impl Outcome {
    /// Count a failed record.
    pub fn fail(&mut self, error: &RuntimeError) {
        self.failed += 1;
        let key = match &error.reason {
            Some(reason) => format!("{} {reason}", error.code.as_str()),
            None => error.code.as_str().to_owned(),
        };
        *self.failures.entry(key).or_default() += 1;
    }

    /// Count and report the failures of one payload (`at`: its record
    /// number and line), in the order they happened: one line each on
    /// `errors`, and a dead letter each when dead letters are written.
    pub fn report(
        &mut self,
        at: &Record<'_>,
        failures: Vec<(Vec<u8>, Cut, RuntimeError)>,
        errors: &mut (dyn Write + '_),
        mut dead_letters: Option<&mut (dyn Write + '_)>,
    ) -> io::Result<()> {
        for (bytes, cut, error) in failures {
            self.fail(&error);
            let part = Record::json(at.number, at.line, &bytes);
            report_failure(errors, dead_letters.as_deref_mut(), &part, &cut, &error)?;
        }
        Ok(())
    }

    /// Whether every record read ended in exactly one place: transformed,
    /// filtered out by the mapping, or failed.
    pub fn balanced(&self) -> bool {
        let t = &self.tally;
        t.records == t.transformed + t.filtered + self.failed
    }
}

/// Counters a run keeps up to date while it goes, for a progress display
/// on another thread.
#[derive(Debug, Default)]
pub struct Progress {
    /// Payloads handled so far.
    pub payloads: AtomicU64,
    /// Input bytes read so far (see [`crate::batch::Counted`]).
    pub bytes: AtomicU64,
}

impl Progress {
    /// Count `n` more payloads handled.
    pub fn advance(&self, n: u64) {
        self.payloads.fetch_add(n, Ordering::Relaxed);
    }
}

/// Where a run writes.
pub struct Sinks<'w> {
    /// Canonical records, one per line.
    pub output: &'w mut dyn Write,
    /// Dead letters as NDJSON, when asked for.
    pub dead_letters: Option<&'w mut dyn Write>,
    /// One-line human-readable errors.
    pub errors: &'w mut dyn Write,
    /// Counters to keep up to date, when something displays them.
    pub progress: Option<&'w Progress>,
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
        progress,
    } = sinks;
    let mut outcome = Outcome::default();
    // Records are written in batches: one copy into `output` per 64 KiB.
    // The buffer grows as records come (a run of one small payload, as a
    // webhook is, allocates only what its records need).
    let mut out = Vec::new();
    format::for_each_record(input, format, &envelope.limits, |record| {
        let mut failures = Vec::new();
        outcome.payloads += 1;
        outcome.tally +=
            transform_record(transform, envelope, &record, &mut out, |bytes, cut, e| {
                failures.push((bytes.to_vec(), cut, e))
            });
        if out.len() >= OUTPUT_BATCH {
            output.write_all(&out)?;
            out.clear();
        }
        outcome.report(&record, failures, errors, dead_letters.as_deref_mut())?;
        if let Some(progress) = progress {
            progress.advance(1);
        }
        Ok(())
    })?;
    output.write_all(&out)?;
    output.flush()?;
    Ok(outcome)
}
