//! NDJSON on several cores, output order preserved: a reader thread cuts the
//! input into batches of lines, worker threads transform batches, and the
//! calling thread writes results back in input order. Memory stays bounded:
//! at most a few batches per worker are in flight.

use crate::dead_letter::report_failure;
use crate::envelope::{transform_record, Cut, Envelope, Tally};
use crate::format::Record;
use crate::run::{Outcome, Sinks};
use runtime::{RuntimeError, TransformFn};
use std::collections::BTreeMap;
use std::io::{self, BufRead};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

/// Records per batch: large enough to amortize channel traffic, small
/// enough to keep memory flat.
const BATCH: usize = 256;

/// Batches read but not yet written, at most: what the reorder buffer can
/// hold, whatever the order in which workers finish.
pub fn in_flight(threads: usize) -> usize {
    threads.max(1) * 8
}

/// A batch of input lines: one buffer, with an entry per record.
#[derive(Default)]
struct Batch {
    seq: u64,
    bytes: Vec<u8>,
    records: Vec<Entry>,
}

/// One record of a batch: its number, line, and where its bytes are in the
/// batch's buffer, or its size when it was larger than the record limit
/// (not kept).
struct Entry {
    number: u64,
    line: u64,
    bytes: std::ops::Range<usize>,
    too_large: Option<u64>,
}

/// A transformed batch: concatenated output lines and the failures.
struct Done {
    seq: u64,
    output: Vec<u8>,
    payloads: u64,
    tally: Tally,
    failures: Vec<(u64, u64, Vec<u8>, Cut, RuntimeError)>,
}

/// Read batches and hand them to the workers, each only once a slot is
/// free (`slots` gives one back per batch written): the writer's reorder
/// buffer never holds more than [`in_flight`] batches, however slow one
/// batch is.
fn read_batches(
    mut input: impl BufRead,
    max_record_bytes: usize,
    work: SyncSender<Batch>,
    slots: &Receiver<()>,
) -> io::Result<()> {
    let (mut line_no, mut number, mut seq) = (0u64, 0u64, 0u64);
    let mut batch = Batch::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = crate::format::json::read_line(&mut input, &mut line, max_record_bytes)?;
        if read > 0 {
            line_no += 1;
            let too_large = line.is_empty().then_some(read as u64);
            if too_large.is_some() || !crate::format::json::is_blank(&line) {
                number += 1;
                let start = batch.bytes.len();
                batch.bytes.extend_from_slice(&line);
                batch.records.push(Entry {
                    number,
                    line: line_no,
                    bytes: start..batch.bytes.len(),
                    too_large,
                });
            }
        }
        if batch.records.len() >= BATCH || (read == 0 && !batch.records.is_empty()) {
            batch.seq = seq;
            seq += 1;
            if slots.recv().is_err() || work.send(std::mem::take(&mut batch)).is_err() {
                return Ok(()); // the run is ending: nobody writes any more
            }
        }
        if read == 0 {
            return Ok(());
        }
    }
}

fn transform_batches(
    transform: TransformFn,
    envelope: &Envelope<'_>,
    work: &Mutex<Receiver<Batch>>,
    done: &SyncSender<Done>,
) {
    let mut out = Vec::with_capacity(4096);
    loop {
        let next = work.lock().map(|rx| rx.recv());
        let Ok(Ok(batch)) = next else { return };
        let mut result = Done {
            seq: batch.seq,
            output: Vec::with_capacity(batch.bytes.len()),
            payloads: batch.records.len() as u64,
            tally: Tally::default(),
            failures: Vec::new(),
        };
        for entry in batch.records {
            let bytes = batch.bytes.get(entry.bytes).unwrap_or_default();
            let (number, line) = (entry.number, entry.line);
            let record = match entry.too_large {
                Some(size) => Record::too_large(number, line, &envelope.limits, size),
                None => Record::json(number, line, bytes),
            };
            out.clear();
            result.tally +=
                transform_record(transform, envelope, &record, &mut out, |b, cut, e| {
                    result.failures.push((number, line, b.to_vec(), cut, e))
                });
            result.output.extend_from_slice(&out);
        }
        if done.send(result).is_err() {
            return;
        }
    }
}

fn write_done(done: Done, sinks: &mut Sinks<'_>, outcome: &mut Outcome) -> io::Result<()> {
    // Failures and successes of one batch are reported in record order
    // relative to other batches; within a batch, outputs come first.
    sinks.output.write_all(&done.output)?;
    outcome.payloads += done.payloads;
    outcome.tally += done.tally;
    for (number, line, bytes, cut, error) in done.failures {
        outcome.fail(&error);
        let record = Record::json(number, line, &bytes);
        report_failure(
            sinks.errors,
            sinks.dead_letters.as_deref_mut(),
            &record,
            &cut,
            &error,
        )?;
    }
    if let Some(progress) = sinks.progress {
        progress.advance(done.payloads);
    }
    Ok(())
}

/// Transform NDJSON with `threads` workers, writing results in input order.
pub fn run_ndjson(
    transform: TransformFn,
    envelope: &Envelope<'_>,
    input: impl BufRead + Send,
    threads: usize,
    mut sinks: Sinks<'_>,
) -> io::Result<Outcome> {
    let threads = threads.max(1);
    let (work_tx, work_rx) = sync_channel::<Batch>(threads * 2);
    let (done_tx, done_rx) = sync_channel::<Done>(threads * 2);
    let (slot_tx, slot_rx) = sync_channel::<()>(in_flight(threads));
    for _ in 0..in_flight(threads) {
        slot_tx
            .send(())
            .map_err(|_| io::Error::other("the batch slots closed early"))?;
    }
    let work_rx = Arc::new(Mutex::new(work_rx));
    let mut outcome = Outcome::default();
    std::thread::scope(|scope| {
        let max = envelope.limits.max_record_bytes;
        let reader = scope.spawn(move || read_batches(input, max, work_tx, &slot_rx));
        for _ in 0..threads {
            let (work, done) = (Arc::clone(&work_rx), done_tx.clone());
            scope.spawn(move || transform_batches(transform, envelope, &work, &done));
        }
        // Only the workers hold the ends they use: when writing fails, the
        // results receiver is dropped on return, the workers' sends fail and
        // they stop, their work receiver goes with them, and the reader's
        // send fails too (as its wait for a slot does, the slots' sender
        // being dropped with the results). Nothing stays blocked: a closed
        // pipe ends the run.
        drop(work_rx);
        drop(done_tx);
        // Owned here, so that it goes too when writing fails: the reader's
        // wait for a slot ends.
        let slots = slot_tx;
        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let mut next = 0u64;
        for done in done_rx {
            pending.insert(done.seq, done);
            while let Some(ready) = pending.remove(&next) {
                write_done(ready, &mut sinks, &mut outcome)?;
                next += 1;
                // The reader may be waiting for this slot; once it is done
                // no slot is needed, so a failed send is no error.
                let _ = slots.try_send(());
            }
        }
        sinks.output.flush()?;
        reader.join().unwrap_or(Ok(()))
    })?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that takes `room` bytes, then fails as a closed pipe does.
    struct ClosedAfter {
        room: usize,
    }

    impl io::Write for ClosedAfter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.len() > self.room {
                return Err(io::Error::from(io::ErrorKind::BrokenPipe));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    static DONE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    static SEEN_WHILE_SLOW: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// The first record takes 300 ms; how many others were done meanwhile
    /// is recorded.
    fn slow_first(input: &[u8], out: &mut Vec<u8>) -> Result<(), RuntimeError> {
        use std::sync::atomic::Ordering;
        if input.starts_with(b"slow") {
            std::thread::sleep(std::time::Duration::from_millis(300));
            SEEN_WHILE_SLOW.store(DONE.load(Ordering::SeqCst), Ordering::SeqCst);
        }
        DONE.fetch_add(1, Ordering::SeqCst);
        out.push(b'x');
        Ok(())
    }

    #[test]
    fn a_slow_batch_holds_back_the_reader_not_the_memory() {
        let mut input = String::from("slow\n");
        for i in 0..100 * BATCH {
            input.push_str(&format!("r{i}\n"));
        }
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        let sinks = Sinks {
            output: &mut out,
            dead_letters: None,
            errors: &mut errors,
            progress: None,
        };
        let outcome = run_ndjson(slow_first, &Envelope::BARE, input.as_bytes(), 2, sinks).unwrap();
        assert_eq!(outcome.tally.transformed, 100 * BATCH as u64 + 1);
        assert!(outcome.balanced());
        let ahead = SEEN_WHILE_SLOW.load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            ahead <= in_flight(2) * BATCH,
            "{ahead} records transformed ahead of the slow one (at most {} may wait)",
            in_flight(2) * BATCH
        );
    }

    #[test]
    fn a_failed_write_ends_the_run_with_its_error() {
        // More input than the channels buffer, so the reader would block.
        let input: String = (0..50_000).map(|i| format!("r{i}\n")).collect();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (mut out, mut errors) = (ClosedAfter { room: 4096 }, Vec::new());
            let sinks = Sinks {
                output: &mut out,
                dead_letters: None,
                errors: &mut errors,
                progress: None,
            };
            let result = run_ndjson(upper, &Envelope::BARE, input.as_bytes(), 2, sinks);
            let _ = tx.send(result.map_err(|e| e.kind()));
        });
        let result = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the run ends instead of hanging");
        assert_eq!(result, Err(io::ErrorKind::BrokenPipe));
    }

    fn upper(input: &[u8], out: &mut Vec<u8>) -> Result<(), RuntimeError> {
        if input.starts_with(b"bad") {
            return Err(RuntimeError::payload(
                runtime::ErrorCode::InvalidJson,
                "$",
                "bad",
            ));
        }
        out.extend(
            input
                .iter()
                .filter(|b| **b != b'\n')
                .map(u8::to_ascii_uppercase),
        );
        Ok(())
    }

    #[test]
    fn keeps_order_and_reports_failures_in_place() {
        let mut input = String::new();
        for i in 0..1000 {
            if i % 97 == 0 {
                input.push_str("bad\n\n");
            } else {
                input.push_str(&format!("r{i}\n"));
            }
        }
        let (mut out, mut errors, mut dead) = (Vec::new(), Vec::new(), Vec::new());
        let sinks = Sinks {
            output: &mut out,
            dead_letters: Some(&mut dead),
            errors: &mut errors,
            progress: None,
        };
        let outcome = run_ndjson(upper, &Envelope::BARE, input.as_bytes(), 3, sinks).unwrap();
        let tally = Tally {
            records: 1000,
            transformed: 989,
            filtered: 0,
            written: 989,
        };
        assert_eq!(
            (outcome.payloads, outcome.tally, outcome.failed),
            (1000, tally, 11)
        );
        assert_eq!(outcome.failures.get("R101"), Some(&11));
        assert!(outcome.balanced());
        let expected: Vec<String> = (0..1000)
            .filter(|i| i % 97 != 0)
            .map(|i| format!("R{i}"))
            .collect();
        assert_eq!(
            String::from_utf8(out).unwrap().lines().collect::<Vec<_>>(),
            expected
        );
        let errors = String::from_utf8(errors).unwrap();
        assert!(errors.starts_with("record 1 (line 1): "), "{errors}");
        assert!(errors.contains("record 98 (line 99): "), "{errors}");
        assert_eq!(String::from_utf8(dead).unwrap().lines().count(), 11);
    }
}
