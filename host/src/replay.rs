//! Replaying dead letters: each letter's input, exactly as it was kept, back
//! through the mapping (after a fix), in the form the letter names: a
//! record cut from its payload goes straight to the transform, a payload
//! through the mapping's routes, an undecoded input through its format
//! first. Outcomes, outputs and new dead letters are those of a run; a
//! record that fails again is dead-lettered again with its original record
//! number, line and input, so a replay of a replay is the same replay.

use crate::dead_letter::{form_of, input_of};
use crate::envelope::{rebase, transform_payload, transform_record, Cut, Envelope};
use crate::format::{self, Record};
use crate::limits::Limits;
use crate::run::{Outcome, Sinks};
use runtime::{CompiledMapping, ErrorCode, RuntimeError, SourceFormat};
use std::io::{self, BufRead};

/// Replay every dead letter of `letters` (NDJSON, as runs write them)
/// through `mapping`, under `limits`. A line that is not a dead letter ends
/// the replay with an error naming it: letters are never skipped.
pub fn replay(
    mapping: &CompiledMapping,
    limits: Limits,
    mut letters: impl BufRead,
    sinks: Sinks<'_>,
) -> io::Result<Outcome> {
    let Sinks {
        output,
        mut dead_letters,
        errors,
        progress,
    } = sinks;
    let envelope = Envelope::of(mapping).limited(limits);
    let mut outcome = Outcome::default();
    let (mut line, mut line_no) = (Vec::new(), 0u64);
    let mut out = Vec::new();
    loop {
        line.clear();
        if format::json::read_line(&mut letters, &mut line, usize::MAX)? == 0 {
            break;
        }
        line_no += 1;
        if format::json::is_blank(&line) {
            continue;
        }
        let letter = Letter::parse(&line).map_err(|why| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("dead letter on line {line_no}: {why}"),
            )
        })?;
        out.clear();
        let mut failures = Vec::new();
        outcome.payloads += 1;
        outcome.tally += letter.run(mapping, &envelope, &mut out, |bytes, cut, e| {
            failures.push((bytes.to_vec(), cut, e))
        })?;
        output.write_all(&out)?;
        let at = Record::json(letter.record, letter.line, &[]);
        outcome.report(&at, failures, errors, dead_letters.as_deref_mut())?;
        if let Some(progress) = progress {
            progress.advance(1);
        }
    }
    output.flush()?;
    Ok(outcome)
}

/// One dead letter, read back.
struct Letter {
    record: u64,
    line: u64,
    form: Cut,
    input: Vec<u8>,
    /// The failure it records, for an input nothing can decode again.
    error: RuntimeError,
}

impl Letter {
    fn parse(line: &[u8]) -> Result<Self, String> {
        let letter: serde_json::Value =
            serde_json::from_slice(line).map_err(|e| format!("not JSON ({e})"))?;
        let form = form_of(&letter);
        let input = match form {
            Cut::Omitted => Vec::new(),
            _ => input_of(&letter).ok_or("it has no `input` or `input_base64`")?,
        };
        let number = |key: &str| {
            letter
                .get(key)
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0)
        };
        let text = |key: &str| {
            letter
                .get(key)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let code = text("code");
        let code = ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == code)
            .ok_or_else(|| format!("unknown error code {code:?}"))?;
        let mut error = RuntimeError::payload(code, text("path"), text("message"));
        error.reason = letter
            .get("reason")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        Ok(Self {
            record: number("record"),
            line: number("line"),
            form,
            input,
            error,
        })
    }

    /// The letter's input through the mapping, as its form says.
    fn run(
        &self,
        mapping: &CompiledMapping,
        envelope: &Envelope<'_>,
        out: &mut Vec<u8>,
        mut failed: impl FnMut(&[u8], Cut, RuntimeError),
    ) -> io::Result<crate::envelope::Tally> {
        let transform = mapping.transform;
        let input = self.input.as_slice();
        match (&self.form, mapping.format) {
            // Failures are told from the payload root, as the first time.
            (Cut::Record(at), _) => Ok(transform_payload(
                transform,
                &Envelope::BARE.limited(envelope.limits),
                input,
                out,
                |bytes, _, e| failed(bytes, Cut::Record(at.clone()), rebase(e, at)),
            )),
            (Cut::Undecoded, SourceFormat::Xml) => {
                let mut tally = Default::default();
                format::xml::records(input, &envelope.limits, |record| {
                    tally = transform_record(transform, envelope, &record, out, &mut failed);
                    Ok(())
                })?;
                Ok(tally)
            }
            // A delimited row is decoded with its file's header, which the
            // letter does not hold, and an omitted input is not there at
            // all: it stays what it was.
            (Cut::Undecoded, SourceFormat::Delimited(_)) | (Cut::Omitted, _) => {
                failed(input, self.form.clone(), self.error.clone());
                Ok(crate::envelope::Tally {
                    records: 1,
                    ..Default::default()
                })
            }
            (Cut::Payload | Cut::Undecoded, _) => {
                Ok(transform_payload(transform, envelope, input, out, failed))
            }
        }
    }
}
