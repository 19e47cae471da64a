//! Batch runs that cannot be mistaken for complete when they are not: every
//! file a run writes is staged beside its final name (`<name>.partial`) and
//! renamed into place only once the whole input is through, the output
//! last, so an output file under its final name means the run finished and
//! its dead letters and summary are complete. Also owns the run's summary
//! (records in, where each ended, failures by code) and the input byte
//! counter a progress display reads.

use crate::run::{Outcome, Progress};
use std::fs::File;
use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// A file written under a staging name and renamed into place by
/// [`Staged::commit`].
pub struct Staged {
    target: PathBuf,
    partial: PathBuf,
    file: BufWriter<File>,
}

/// The staging name of `target`: `orders.ndjson` -> `orders.ndjson.partial`.
pub fn partial_path(target: &Path) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

impl Staged {
    /// Start writing `target`: a file left there by an earlier run is
    /// removed first, so that no earlier output stands beside this run's
    /// files if it does not finish.
    pub fn create(target: &Path) -> io::Result<Self> {
        match std::fs::remove_file(target) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(at(target, e));
            }
            _ => {}
        }
        let partial = partial_path(target);
        let file = File::create(&partial).map_err(|e| at(&partial, e))?;
        Ok(Self {
            target: target.to_owned(),
            partial,
            file: BufWriter::with_capacity(1 << 16, file),
        })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.file
    }

    /// Flush, sync to disk and rename into place.
    pub fn commit(self) -> io::Result<()> {
        let Staged {
            target,
            partial,
            file,
        } = self;
        let file = file
            .into_inner()
            .map_err(|e| at(&partial, e.into_error()))?;
        file.sync_all().map_err(|e| at(&partial, e))?;
        drop(file);
        std::fs::rename(&partial, &target).map_err(|e| at(&target, e))
    }
}

/// An I/O error that names its file.
fn at(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// An input read through a counter of its bytes (for the progress display).
pub struct Counted<'p, R> {
    inner: R,
    progress: &'p Progress,
}

impl<'p, R> Counted<'p, R> {
    /// Count what is read from `inner` into `progress.bytes`.
    pub fn new(inner: R, progress: &'p Progress) -> Self {
        Self { inner, progress }
    }
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<'_, R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.progress
            .bytes
            .fetch_add(amount as u64, Ordering::Relaxed);
        self.inner.consume(amount);
    }
}

/// What a finished run reports: the counts of its [`Outcome`] under the
/// names operators read them by.
pub struct Summary<'a> {
    /// The mapping run.
    pub mapping: &'a str,
    /// How the run went.
    pub outcome: &'a Outcome,
    /// Input bytes read.
    pub bytes: u64,
}

impl Summary<'_> {
    /// The summary as one JSON object: `in` records, of which `ok`
    /// transformed, `filtered` left out by the mapping and `dead_lettered`;
    /// `written` canonical records; failures `by_code`; and `balanced`,
    /// whether `in == ok + filtered + dead_lettered`.
    pub fn to_json(&self) -> serde_json::Value {
        let o = self.outcome;
        serde_json::json!({
            "mapping": self.mapping,
            "input_bytes": self.bytes,
            "payloads": o.payloads,
            "in": o.tally.records,
            "ok": o.tally.transformed,
            "filtered": o.tally.filtered,
            "dead_lettered": o.failed,
            "written": o.tally.written,
            "by_code": o.failures,
            "balanced": o.balanced(),
        })
    }

    /// The summary as one line for a person.
    pub fn human(&self) -> String {
        let o = self.outcome;
        let mut line = format!(
            "{}: {} in ({} payloads, {} bytes): {} ok, {} filtered, {} dead-lettered; {} canonical records written",
            self.mapping,
            o.tally.records,
            o.payloads,
            self.bytes,
            o.tally.transformed,
            o.tally.filtered,
            o.failed,
            o.tally.written,
        );
        if !o.failures.is_empty() {
            let codes: Vec<String> = o
                .failures
                .iter()
                .map(|(code, n)| format!("{code} x{n}"))
                .collect();
            line.push_str(&format!(" (dead letters: {})", codes.join(", ")));
        }
        line
    }
}

/// Write `summary` as JSON to `writer`, one line.
pub fn write_summary(summary: &Summary<'_>, writer: &mut impl Write) -> io::Result<()> {
    writeln!(writer, "{}", summary.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_file_appears_only_when_committed() {
        let dir = std::env::temp_dir().join(format!("host-staged-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.ndjson");
        std::fs::write(&target, "from an earlier run\n").unwrap();
        let mut staged = Staged::create(&target).unwrap();
        assert!(
            !target.exists(),
            "an earlier output is gone once a run starts"
        );
        staged.writer().write_all(b"{}\n").unwrap();
        assert_eq!(std::fs::read(partial_path(&target)).unwrap(), b"");
        staged.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"{}\n");
        assert!(!partial_path(&target).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_counter_counts_what_is_consumed() {
        let progress = Progress::default();
        let mut input = Counted::new(&b"one\ntwo\n"[..], &progress);
        let mut line = String::new();
        input.read_line(&mut line).unwrap();
        assert_eq!(progress.bytes.load(Ordering::Relaxed), 4);
    }
}
