//! JSON input: one document, one value per line (NDJSON), or either,
//! decided by whether the first non-blank line is a whole JSON value.

use super::Record;
use runtime::{ErrorCode, JsonFraming, RuntimeError};
use std::io::{self, BufRead, Read};

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
/// at a time (constant memory) and a JSON document whole.
pub fn records(
    input: impl BufRead,
    framing: JsonFraming,
    mut each: impl FnMut(Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let forced_document = framing == JsonFraming::Document;
    let (framing, mut input) = detect(input, framing)?;
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut number = 0u64;
    loop {
        buf.clear();
        if read_line(&mut input, &mut buf)? == 0 {
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
        if is_blank(&buf) {
            continue;
        }
        if framing == JsonFraming::Document {
            let start = line_no;
            input.read_to_end(&mut buf)?;
            return each(Record::json(1, start, &buf));
        }
        number += 1;
        each(Record::json(number, line_no, &buf))?;
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
/// document.
pub fn detect<R: BufRead>(
    mut input: R,
    framing: JsonFraming,
) -> io::Result<(JsonFraming, Peeked<R>)> {
    let mut peeked = Vec::new();
    let mut resolved = framing;
    if framing == JsonFraming::Auto {
        // Peeked lines only as far as deciding needs: the second one only
        // when the first neither is whole nor opens a document.
        let mut next = || -> io::Result<Option<Vec<u8>>> {
            let mut line = Vec::new();
            loop {
                line.clear();
                if read_line(&mut input, &mut line)? == 0 {
                    return Ok(None);
                }
                peeked.extend_from_slice(&line);
                if !is_blank(&line) {
                    return Ok(Some(line));
                }
            }
        };
        let ndjson = match next()? {
            Some(first) if is_whole_value(&first) => true,
            Some(first) if !opens_document(&first) => next()?.is_some_and(|l| is_whole_value(&l)),
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
        let (framing, _) = detect(&input[..], JsonFraming::Auto).unwrap();
        assert_eq!(framing, JsonFraming::Lines);
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

    fn frame(input: &str, framing: JsonFraming) -> Vec<(u64, u64, String)> {
        let mut seen = Vec::new();
        records(input.as_bytes(), framing, |r| {
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
        records(&b" \n"[..], JsonFraming::Document, |r| {
            let e = r.undecodable.expect("an error");
            seen.push(format!("{} at {}: {}", e.code.as_str(), e.path, e.message));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["R101 at $: the input is empty: no JSON document"]);
    }

    #[test]
    fn a_forced_framing_is_kept() {
        let two_lines = "{\"a\":1}\n{\"a\":2}\n";
        assert_eq!(frame(two_lines, JsonFraming::Document).len(), 1);
        assert_eq!(frame(two_lines, JsonFraming::Lines).len(), 2);
    }
}
