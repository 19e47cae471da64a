//! Framing input into payloads (one JSON or XML document, NDJSON lines,
//! CSV/TSV rows, or a delimited file read whole) and running a transform
//! over them through the mapping's envelope: canonical records out, dead
//! letters for the rest.

use crate::envelope::{transform_payload, Envelope};
use crate::error::RuntimeError;
use crate::TransformFn;
use std::io::{self, BufRead, Read, Write};

/// How the input is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// NDJSON when the first non-blank line is a whole JSON value, else one
    /// JSON document.
    Auto,
    /// The whole input is one JSON document.
    Json,
    /// One JSON value per line; blank lines are skipped.
    Ndjson,
    /// CSV with a header line: each row is the JSON object `{header: cell}`.
    Csv,
    /// TSV with a header line: each row is the JSON object `{header: cell}`.
    Tsv,
    /// CSV read whole: one record `{"rows": [row, ...]}`.
    CsvTable,
    /// TSV read whole: one record `{"rows": [row, ...]}`.
    TsvTable,
}

impl InputFormat {
    /// The framing a mapping's source format implies.
    pub fn for_source(format: crate::SourceFormat) -> Self {
        match format {
            crate::SourceFormat::Json => Self::Auto,
            crate::SourceFormat::Csv => Self::Csv,
            crate::SourceFormat::Tsv => Self::Tsv,
            crate::SourceFormat::CsvTable => Self::CsvTable,
            crate::SourceFormat::TsvTable => Self::TsvTable,
            // An XML payload is one document; the envelope converts it.
            crate::SourceFormat::Xml => Self::Json,
        }
    }
}

/// Call `each` for every data row of delimited input, as the JSON object
/// `{"<header>": "<cell>", ...}`. Empty cells are left out (a missing field);
/// every value is a string. A row that is not valid UTF-8 is passed on as
/// its raw bytes, so the transform rejects it (R101) and it is dead-lettered.
pub fn for_each_row(
    input: impl io::Read,
    delimiter: u8,
    mut each: impl FnMut(Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(delimiter != b'\t')
        .flexible(true)
        .from_reader(input);
    let headers = reader.byte_headers().map_err(io::Error::other)?.clone();
    let mut row = csv::ByteRecord::new();
    let mut json = Vec::new();
    let mut number = 0u64;
    while reader
        .read_byte_record(&mut row)
        .map_err(io::Error::other)?
    {
        number += 1;
        let line = row.position().map_or(number + 1, csv::Position::line);
        json.clear();
        let bytes = if row_to_json(&headers, &row, &mut json) {
            &json[..]
        } else {
            row.as_slice()
        };
        each(Record {
            number,
            line,
            bytes,
        })?;
    }
    Ok(())
}

/// Call `each` once with the whole delimited input as the record
/// `{"rows": [{"<header>": "<cell>"}, ...]}` (rows as in [`for_each_row`]),
/// for mappings that read a file as a whole (a settlement report's header row
/// and its transactions). A row that is not valid UTF-8 makes the record the
/// raw input, so the transform rejects it (R101) and nothing is lost.
pub fn for_each_table(
    mut input: impl io::Read,
    delimiter: u8,
    each: impl FnOnce(Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mut raw = Vec::new();
    input.read_to_end(&mut raw)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(delimiter != b'\t')
        .flexible(true)
        .from_reader(raw.as_slice());
    let headers = reader.byte_headers().map_err(io::Error::other)?.clone();
    let mut row = csv::ByteRecord::new();
    let mut json = Vec::with_capacity(raw.len() * 2);
    json.extend_from_slice(b"{\"rows\":[");
    let mut first = true;
    let mut valid = true;
    while reader
        .read_byte_record(&mut row)
        .map_err(io::Error::other)?
    {
        if !first {
            json.push(b',');
        }
        first = false;
        valid &= row_to_json(&headers, &row, &mut json);
    }
    json.extend_from_slice(b"]}");
    each(Record {
        number: 1,
        line: 1,
        bytes: if valid { &json } else { &raw },
    })
}

/// Write a row as a JSON object; `false` when a cell is not UTF-8.
fn row_to_json(headers: &csv::ByteRecord, row: &csv::ByteRecord, out: &mut Vec<u8>) -> bool {
    let mut w = crate::JsonWriter::new(out);
    w.begin_object();
    for (name, cell) in headers.iter().zip(row.iter()) {
        if cell.is_empty() {
            continue;
        }
        let (Ok(name), Ok(cell)) = (std::str::from_utf8(name), std::str::from_utf8(cell)) else {
            return false;
        };
        w.key(name);
        w.string(cell);
    }
    w.end_object();
    true
}

/// One record of the input.
#[derive(Debug)]
pub struct Record<'b> {
    /// 1-based record number.
    pub number: u64,
    /// 1-based line on which the record starts.
    pub line: u64,
    /// The record's bytes.
    pub bytes: &'b [u8],
}

/// How a run went.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Records transformed.
    pub transformed: u64,
    /// Records written to the dead letters.
    pub failed: u64,
}

/// Append the next line of `input` (with its `\n`, if any) to `line`; the
/// number of bytes read, 0 at the end. As `BufRead::read_until`, with a
/// SIMD search for the newline.
pub fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    let mut read = 0;
    loop {
        let available = match input.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), available.is_empty()),
        };
        line.extend_from_slice(available.get(..used).unwrap_or_default());
        input.consume(used);
        read += used;
        if done {
            return Ok(read);
        }
    }
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Whether `line` is one whole JSON value (then the input is NDJSON). Only
/// the structure counts: a line with broken UTF-8 in a string is still a
/// record of its own, rejected alone.
fn is_whole_value(line: &[u8]) -> bool {
    let text = String::from_utf8_lossy(line);
    crate::json_in::read_record(text.as_bytes(), crate::json_in::Reader::skip).is_ok()
}

/// Call `each` for every record of `input`, in order, reading NDJSON one line
/// at a time (constant memory) and a JSON document whole.
pub fn for_each_record(
    mut input: impl BufRead,
    format: InputFormat,
    mut each: impl FnMut(Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    match format {
        InputFormat::Csv => return for_each_row(input, b',', each),
        InputFormat::Tsv => return for_each_row(input, b'\t', each),
        InputFormat::CsvTable => return for_each_table(input, b',', each),
        InputFormat::TsvTable => return for_each_table(input, b'\t', each),
        _ => {}
    }
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut number = 0u64;
    let mut ndjson = format == InputFormat::Ndjson;
    let mut decided = format != InputFormat::Auto;
    loop {
        buf.clear();
        if read_line(&mut input, &mut buf)? == 0 {
            return Ok(());
        }
        line_no += 1;
        if is_blank(&buf) {
            continue;
        }
        if !decided {
            ndjson = is_whole_value(&buf);
            decided = true;
        }
        if !ndjson {
            let start = line_no;
            input.read_to_end(&mut buf)?;
            let bytes = &buf;
            return each(Record {
                number: 1,
                line: start,
                bytes,
            });
        }
        number += 1;
        each(Record {
            number,
            line: line_no,
            bytes: &buf,
        })?;
    }
}

/// An input whose first bytes were read to detect its framing, then put back.
pub type Peeked<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// Decide the framing of `input` (for [`InputFormat::Auto`], from its first
/// non-blank line) without losing anything: the peeked bytes are chained back.
pub fn detect<R: BufRead>(
    mut input: R,
    format: InputFormat,
) -> io::Result<(InputFormat, Peeked<R>)> {
    let mut peeked = Vec::new();
    let mut resolved = format;
    if format == InputFormat::Auto {
        let mut line = Vec::new();
        resolved = InputFormat::Json;
        loop {
            line.clear();
            if read_line(&mut input, &mut line)? == 0 {
                break;
            }
            peeked.extend_from_slice(&line);
            if !is_blank(&line) {
                if is_whole_value(&line) {
                    resolved = InputFormat::Ndjson;
                }
                break;
            }
        }
    }
    Ok((resolved, io::Cursor::new(peeked).chain(input)))
}

/// A dead letter: everything needed to fix and replay a failed record.
pub fn dead_letter(record: &Record<'_>, error: &RuntimeError) -> serde_json::Value {
    let text = String::from_utf8_lossy(record.bytes);
    serde_json::json!({
        "record": record.number,
        "line": record.line,
        "code": error.code.as_str(),
        "path": error.path,
        "mapping": error.location.as_ref().map(ToString::to_string),
        "message": error.message,
        "input": text.trim_end_matches(['\n', '\r']),
    })
}

/// Report a failed record: one line on `errors`, and a dead letter when
/// dead letters are written.
pub fn report_failure(
    errors: &mut (dyn Write + '_),
    dead_letters: Option<&mut (dyn Write + '_)>,
    record: &Record<'_>,
    error: &RuntimeError,
) -> io::Result<()> {
    writeln!(
        errors,
        "record {} (line {}): {error}",
        record.number, record.line
    )?;
    if let Some(dead) = dead_letters {
        writeln!(dead, "{}", dead_letter(record, error))?;
    }
    Ok(())
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
    format: InputFormat,
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
    for_each_record(input, format, |record| {
        let mut failures = Vec::new();
        outcome.transformed +=
            transform_payload(transform, envelope, record.bytes, &mut out, |bytes, e| {
                failures.push((bytes.to_vec(), e))
            });
        if out.len() >= OUTPUT_BATCH {
            output.write_all(&out)?;
            out.clear();
        }
        for (bytes, error) in failures {
            outcome.failed += 1;
            let part = Record {
                bytes: &bytes,
                ..record
            };
            report_failure(errors, dead_letters.as_deref_mut(), &part, &error)?;
        }
        Ok(())
    })?;
    output.write_all(&out)?;
    output.flush()?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_line_with_broken_utf8_still_makes_ndjson() {
        let input = b"{\"a\": \"\xff\"}\n{\"a\": 2}\n";
        let (format, _) = detect(&input[..], InputFormat::Auto).unwrap();
        assert_eq!(format, InputFormat::Ndjson);
    }

    #[test]
    fn lines_are_read_whole_across_buffer_refills() {
        let text = "first line\n\nthird, longer than the buffer\nlast without newline";
        let mut input = io::BufReader::with_capacity(4, text.as_bytes());
        let mut lines = Vec::new();
        let mut line = Vec::new();
        while read_line(&mut input, &mut line).unwrap() > 0 {
            lines.push(String::from_utf8(std::mem::take(&mut line)).unwrap());
        }
        assert_eq!(lines.concat(), text);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[2], "third, longer than the buffer\n");
    }

    fn frame(input: &str, format: InputFormat) -> Vec<(u64, u64, String)> {
        let mut seen = Vec::new();
        for_each_record(input.as_bytes(), format, |r| {
            seen.push((
                r.number,
                r.line,
                String::from_utf8_lossy(r.bytes).trim().to_owned(),
            ));
            Ok(())
        })
        .unwrap();
        seen
    }

    #[test]
    fn delimited_rows_become_json_objects() {
        let tsv = "sku\tprice\tqty\nA-1\t1.50\t3\nB\"2\t9.99\t\n";
        assert_eq!(
            frame(tsv, InputFormat::Tsv),
            vec![
                (1, 2, r#"{"sku":"A-1","price":"1.50","qty":"3"}"#.to_owned()),
                (2, 3, r#"{"sku":"B\"2","price":"9.99"}"#.to_owned()),
            ]
        );
        let csv = "a,b\n\"x, y\",2\n";
        assert_eq!(
            frame(csv, InputFormat::Csv),
            vec![(1, 2, r#"{"a":"x, y","b":"2"}"#.to_owned())]
        );
    }

    #[test]
    fn auto_detects_ndjson_and_documents() {
        let ndjson = frame("{\"a\":1}\n\n{\"a\":2}\n{bad\n", InputFormat::Auto);
        assert_eq!(
            ndjson,
            vec![
                (1, 1, "{\"a\":1}".to_owned()),
                (2, 3, "{\"a\":2}".to_owned()),
                (3, 4, "{bad".to_owned())
            ]
        );
        let doc = frame("\n{\n  \"a\": 1\n}\n", InputFormat::Auto);
        assert_eq!(doc, vec![(1, 2, "{\n  \"a\": 1\n}".to_owned())]);
    }
}
