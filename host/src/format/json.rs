//! JSON input: one document, one value per line (NDJSON), or either,
//! decided by whether the first non-blank line is a whole JSON value.

use super::Record;
use crate::limits::{read_capped, Limits};
use runtime::{ErrorCode, JsonFraming, RuntimeError};
use std::io::{self, BufRead, Read};

/// Append the next line of `input` (with its `\n`, if any) to `line`; the
/// number of bytes read, 0 at the end. As `BufRead::read_until`, with a
/// SIMD search for the newline. A line longer than `max` bytes (without
/// its `\n`) is read to its end but not kept: `line` is left as it was and
/// the number returned is the line's length.
pub fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>, max: usize) -> io::Result<usize> {
    let start = line.len();
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
        // Kept only while it fits (one byte over tells it did not).
        if read <= max {
            line.extend_from_slice(available.get(..used).unwrap_or_default());
        }
        let newline = done && used > 0 && available.get(used - 1) == Some(&b'\n');
        input.consume(used);
        read += used;
        if done {
            let size = read - usize::from(newline);
            if size > max {
                line.truncate(start);
                return Ok(size);
            }
            return Ok(read);
        }
    }
}

/// Whether a line holds nothing but white space (skipped between records).
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Whether `line` is one whole JSON value (then the input is NDJSON). Only
/// the structure counts: a line with broken UTF-8 in a string is still a
/// record of its own, rejected alone.
fn is_whole_value(line: &[u8]) -> bool {
    let text = String::from_utf8_lossy(line);
    runtime::json_in::read_record(text.as_bytes(), runtime::json_in::Reader::skip).is_ok()
}

/// Call `each` for every record of `input`, in order, reading NDJSON one line
/// at a time (constant memory) and a JSON document whole. A line or
/// document larger than the limit is handed on as R118, not kept.
pub fn records(
    input: impl BufRead,
    framing: JsonFraming,
    limits: &Limits,
    mut each: impl FnMut(Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let forced_document = framing == JsonFraming::Document;
    let max = limits.max_record_bytes;
    let (framing, mut input) = detect(input, framing, limits)?;
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut number = 0u64;
    loop {
        buf.clear();
        let read = read_line(&mut input, &mut buf, max)?;
        if read == 0 {
            if forced_document && number == 0 {
                // Asked for one document, given none: say so (NDJSON with
                // no lines, or a detected empty input, is no records).
                return each(Record {
                    undecodable: Some(RuntimeError::payload(
                        ErrorCode::InvalidJson,
                        "$",
                        "the input is empty: no JSON document",
                    )),
                    ..Record::json(1, line_no.max(1), &[])
                });
            }
            return Ok(());
        }
        line_no += 1;
        let oversized = buf.is_empty().then_some(read as u64);
        if oversized.is_none() && is_blank(&buf) {
            continue;
        }
        if framing == JsonFraming::Document {
            let start = line_no;
            let size = match oversized {
                Some(line) => Some(line + io::copy(&mut input, &mut io::sink())?),
                None => read_capped(&mut input, &mut buf, max)?,
            };
            return each(match size {
                Some(size) => Record::too_large(1, start, limits, size),
                None => Record::json(1, start, &buf),
            });
        }
        number += 1;
        each(match oversized {
            Some(size) => Record::too_large(number, line_no, limits, size),
            None => Record::json(number, line_no, &buf),
        })?;
    }
}

/// An input whose first bytes were read to detect its framing, then put back.
pub type Peeked<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// Decide the framing of `input` without losing anything (the peeked bytes
/// are chained back). For [`JsonFraming::Auto`]: NDJSON when the first
/// non-blank line is a whole JSON value, or when it is not but does not open
/// a document either (it does not end in `{`, `[`, `,` or `:`) and the next
/// non-blank line is a whole value: an NDJSON file whose first record is
/// broken stays NDJSON, its first record dead-lettered alone. Otherwise one
/// document. A line longer than the record limit is not peeked whole: it
/// makes NDJSON (it is a record of its own either way, and too large).
pub fn detect<R: BufRead>(
    mut input: R,
    framing: JsonFraming,
    limits: &Limits,
) -> io::Result<(JsonFraming, Peeked<R>)> {
    let max = limits.max_record_bytes;
    let mut peeked = Vec::new();
    let mut resolved = framing;
    if framing == JsonFraming::Auto {
        // Peeked lines only as far as deciding needs: the second one only
        // when the first neither is whole nor opens a document.
        let mut next = || -> io::Result<Peek> {
            let mut line = Vec::new();
            loop {
                line.clear();
                // One byte past the limit and its newline, at most.
                let room = (max as u64).saturating_add(2);
                if input.by_ref().take(room).read_until(b'\n', &mut line)? == 0 {
                    return Ok(Peek::End);
                }
                peeked.extend_from_slice(&line);
                if !line.ends_with(b"\n") && line.len() > max {
                    return Ok(Peek::TooLong);
                }
                if !is_blank(&line) {
                    return Ok(Peek::Line(line));
                }
            }
        };
        let whole = |peek: &Peek| match peek {
            Peek::Line(line) => is_whole_value(line),
            Peek::TooLong => true,
            Peek::End => false,
        };
        let ndjson = match next()? {
            first if whole(&first) => true,
            Peek::Line(first) if !opens_document(&first) => whole(&next()?),
            _ => false,
        };
        resolved = if ndjson {
            JsonFraming::Lines
        } else {
            JsonFraming::Document
        };
    }
    Ok((resolved, io::Cursor::new(peeked).chain(input)))
}

/// A line peeked to decide the framing.
enum Peek {
    Line(Vec<u8>),
    /// Longer than the record limit: not peeked to its end.
    TooLong,
    End,
}

/// Whether a line that is not a whole value ends the way a document's first
/// line does, its value going on below.
fn opens_document(line: &[u8]) -> bool {
    let text = String::from_utf8_lossy(line);
    text.trim_end().ends_with(['{', '[', ',', ':'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_line_with_broken_utf8_still_makes_ndjson() {
        let input = b"{\"a\": \"\xff\"}\n{\"a\": 2}\n";
        let (framing, _) = detect(&input[..], JsonFraming::Auto, &Limits::DEFAULT).unwrap();
        assert_eq!(framing, JsonFraming::Lines);
    }

    #[test]
    fn lines_are_read_whole_across_buffer_refills() {
        let text = "first line\n\nthird, longer than the buffer\nlast without newline";
        let mut input = io::BufReader::with_capacity(4, text.as_bytes());
        let mut lines = Vec::new();
        let mut line = Vec::new();
        while read_line(&mut input, &mut line, usize::MAX).unwrap() > 0 {
            lines.push(String::from_utf8(std::mem::take(&mut line)).unwrap());
        }
        assert_eq!(lines.concat(), text);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[2], "third, longer than the buffer\n");
    }

    fn frame(input: &str, framing: JsonFraming) -> Vec<(u64, u64, String)> {
        let mut seen = Vec::new();
        records(input.as_bytes(), framing, &Limits::DEFAULT, |r| {
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
    fn auto_detects_ndjson_and_documents() {
        let ndjson = frame("{\"a\":1}\n\n{\"a\":2}\n{bad\n", JsonFraming::Auto);
        assert_eq!(
            ndjson,
            vec![
                (1, 1, "{\"a\":1}".to_owned()),
                (2, 3, "{\"a\":2}".to_owned()),
                (3, 4, "{bad".to_owned())
            ]
        );
        let doc = frame("\n{\n  \"a\": 1\n}\n", JsonFraming::Auto);
        assert_eq!(doc, vec![(1, 2, "{\n  \"a\": 1\n}".to_owned())]);
    }

    #[test]
    fn a_broken_first_line_does_not_make_ndjson_one_document() {
        let ndjson = frame("{\"a\": 1, \"b\n{\"a\":2}\n{\"a\":3}\n", JsonFraming::Auto);
        assert_eq!(ndjson.len(), 3, "{ndjson:?}");
        assert_eq!(ndjson[0], (1, 1, "{\"a\": 1, \"b".to_owned()));
        // Documents still read whole, whatever their second line holds.
        for doc in [
            "{\n  \"a\": 1\n}\n",
            "[\n{\"a\":2}\n]\n",
            "{\"orders\": [\n{\"a\":2}\n]}\n",
            "{\"a\":\n1}\n",
        ] {
            assert_eq!(frame(doc, JsonFraming::Auto).len(), 1, "{doc}");
        }
    }

    #[test]
    fn an_empty_input_is_no_records_unless_a_document_was_asked_for() {
        for framing in [JsonFraming::Auto, JsonFraming::Lines] {
            assert_eq!(frame(" \n\n", framing), vec![]);
        }
        let mut seen = Vec::new();
        records(&b" \n"[..], JsonFraming::Document, &Limits::DEFAULT, |r| {
            let e = r.undecodable.expect("an error");
            seen.push(format!("{} at {}: {}", e.code.as_str(), e.path, e.message));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["R101 at $: the input is empty: no JSON document"]);
    }

    #[test]
    fn a_line_past_the_record_limit_is_counted_not_kept_even_first() {
        let limits = Limits {
            max_record_bytes: 12,
            ..Limits::DEFAULT
        };
        let input = format!(
            "{{\"a\": \"{}\"}}\n{{\"a\": 2}}\n\n{}",
            "x".repeat(100),
            "y".repeat(13)
        );
        let mut seen = Vec::new();
        records(input.as_bytes(), JsonFraming::Auto, &limits, |r| {
            let fate = match &r.undecodable {
                Some(e) => format!("{} {}", e.code.as_str(), e.message),
                None => String::from_utf8_lossy(r.bytes).into_owned(),
            };
            seen.push((r.number, r.line, fate));
            Ok(())
        })
        .unwrap();
        let too_large = |size| {
            format!("R118 the record is {size} bytes, more than the limit of 12 (--max-record-bytes); it is not kept: find it in the input by its line")
        };
        assert_eq!(
            seen,
            vec![
                (1, 1, too_large(109)),
                (2, 2, "{\"a\": 2}\n".to_owned()),
                (3, 4, too_large(13)),
            ]
        );
    }

    #[test]
    fn a_forced_framing_is_kept() {
        let two_lines = "{\"a\":1}\n{\"a\":2}\n";
        assert_eq!(frame(two_lines, JsonFraming::Document).len(), 1);
        assert_eq!(frame(two_lines, JsonFraming::Lines).len(), 2);
    }
}
