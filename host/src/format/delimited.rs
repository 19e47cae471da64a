//! Delimited input (CSV, TSV) with a header line: each data row is the JSON
//! object `{"<header>": "<cell>", ...}`, or, for a file read whole
//! (`format tsv table`), one record `{"rows": [row, ...]}`. Empty cells are
//! left out (a missing field); every value is a string, typed by the
//! mapping.

use super::Record;
use crate::limits::{read_capped, Limits};
use runtime::{Delimited, ErrorCode, JsonWriter, RuntimeError, Separator};
use std::io::{self, Read};

/// Call `each` for every record of delimited `input`: one per data row, or
/// one for the whole file.
pub fn records(
    input: impl Read,
    format: Delimited,
    limits: &Limits,
    each: impl FnMut(Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    if format.whole_file {
        table(input, format, limits, each)
    } else {
        rows(input, format, limits, each)
    }
}

fn reader<R: Read>(input: R, format: Delimited) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .delimiter(format.separator.byte())
        .quoting(format.separator.quoting())
        .flexible(true)
        .from_reader(input)
}

/// One record per data row. A row with a cell that is not UTF-8 is handed
/// on undecodable, its cells as they were.
fn rows(
    input: impl Read,
    format: Delimited,
    limits: &Limits,
    mut each: impl FnMut(Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mut reader = reader(input, format);
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
        let size = row.as_slice().len() + row.len().saturating_sub(1);
        if size > limits.max_record_bytes {
            each(Record::too_large(number, line, limits, size as u64))?;
            continue;
        }
        json.clear();
        let record = match row_to_json(&headers, &row, &mut json) {
            Ok(()) => Record::json(number, line, &json),
            Err(e) => {
                // Handed on as the line it was, separators and all.
                json.clear();
                write_row(&row, format.separator, &mut json);
                Record {
                    undecodable: Some(e),
                    ..Record::json(number, line, &json)
                }
            }
        };
        each(record)?;
    }
    Ok(())
}

/// A row as delimited text again: exactly the input line for TSV (no
/// quoting); for CSV the same cells, quoted where they need it.
fn write_row(row: &csv::ByteRecord, separator: Separator, out: &mut Vec<u8>) {
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            out.push(separator.byte());
        }
        let quote = separator.quoting()
            && cell
                .iter()
                .any(|b| matches!(b, b'"' | b',' | b'\n' | b'\r'));
        if !quote {
            out.extend_from_slice(cell);
            continue;
        }
        out.push(b'"');
        for &b in cell {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    }
}

/// The whole input as one record. A row that is not UTF-8 makes the
/// record the raw input, undecodable.
fn table(
    mut input: impl Read,
    format: Delimited,
    limits: &Limits,
    each: impl FnOnce(Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mut raw = Vec::new();
    if let Some(size) = read_capped(&mut input, &mut raw, limits.max_record_bytes)? {
        return each(Record::too_large(1, 1, limits, size));
    }
    let mut reader = reader(raw.as_slice(), format);
    let headers = reader.byte_headers().map_err(io::Error::other)?.clone();
    let mut row = csv::ByteRecord::new();
    let mut json = Vec::with_capacity(raw.len() * 2);
    json.extend_from_slice(b"{\"rows\":[");
    let mut index = 0usize;
    let mut failure = None;
    while reader
        .read_byte_record(&mut row)
        .map_err(io::Error::other)?
    {
        if index > 0 {
            json.push(b',');
        }
        if let Err(mut e) = row_to_json(&headers, &row, &mut json) {
            e.path = format!("$.rows[{index}]{}", e.path.trim_start_matches('$'));
            failure = failure.or(Some(e));
        }
        index += 1;
    }
    json.extend_from_slice(b"]}");
    each(match failure {
        None => Record::json(1, 1, &json),
        Some(e) => Record {
            undecodable: Some(e),
            ..Record::json(1, 1, &raw)
        },
    })
}

/// Write a row as a JSON object. R102 when the row has another number of
/// cells than the header (a missing or extra cell would put values under
/// the wrong names, or drop them); R101 at the cell's column when a header
/// or cell is not UTF-8.
fn row_to_json(
    headers: &csv::ByteRecord,
    row: &csv::ByteRecord,
    out: &mut Vec<u8>,
) -> Result<(), RuntimeError> {
    if row.len() != headers.len() {
        return Err(RuntimeError::payload(
            ErrorCode::SchemaMismatch,
            "$",
            format!(
                "the row has {} cell(s), the header line {}",
                row.len(),
                headers.len()
            ),
        ));
    }
    let mut w = JsonWriter::new(out);
    w.begin_object();
    for (name, cell) in headers.iter().zip(row.iter()) {
        if cell.is_empty() {
            continue;
        }
        let (Ok(name), Ok(cell)) = (std::str::from_utf8(name), std::str::from_utf8(cell)) else {
            return Err(RuntimeError::payload(
                ErrorCode::InvalidJson,
                format!("$.{}", String::from_utf8_lossy(name)),
                "the cell is not valid UTF-8",
            ));
        };
        w.key(name);
        w.string(cell);
    }
    w.end_object();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(input: &[u8], separator: Separator, whole_file: bool) -> Vec<(u64, u64, String)> {
        let mut seen = Vec::new();
        let format = Delimited {
            separator,
            whole_file,
        };
        records(input, format, &Limits::DEFAULT, |r| {
            let text = match r.undecodable {
                None => String::from_utf8_lossy(r.bytes).into_owned(),
                Some(e) => format!("{} at {}: {}", e.code.as_str(), e.path, e.message),
            };
            seen.push((r.number, r.line, text));
            Ok(())
        })
        .unwrap();
        seen
    }

    #[test]
    fn rows_become_json_objects() {
        let tsv = b"sku\tprice\tqty\nA-1\t1.50\t3\nB\"2\t9.99\t\n";
        assert_eq!(
            frame(tsv, Separator::Tab, false),
            vec![
                (1, 2, r#"{"sku":"A-1","price":"1.50","qty":"3"}"#.to_owned()),
                (2, 3, r#"{"sku":"B\"2","price":"9.99"}"#.to_owned()),
            ]
        );
        let csv = b"a,b\n\"x, y\",2\n";
        assert_eq!(
            frame(csv, Separator::Comma, false),
            vec![(1, 2, r#"{"a":"x, y","b":"2"}"#.to_owned())]
        );
    }

    #[test]
    fn a_whole_file_is_one_record_of_rows() {
        let tsv = b"sku\tqty\nA\t1\nB\t2\n";
        assert_eq!(
            frame(tsv, Separator::Tab, true),
            vec![(
                1,
                1,
                r#"{"rows":[{"sku":"A","qty":"1"},{"sku":"B","qty":"2"}]}"#.to_owned()
            )]
        );
    }

    #[test]
    fn a_ragged_row_is_an_error_not_a_guess() {
        let tsv = b"sku\tqty\tprice\nA\t1\t2.00\nB\t2\nC\t3\t4.00\textra\n";
        assert_eq!(
            frame(tsv, Separator::Tab, false),
            vec![
                (1, 2, r#"{"sku":"A","qty":"1","price":"2.00"}"#.to_owned()),
                (
                    2,
                    3,
                    "R102 at $: the row has 2 cell(s), the header line 3".to_owned()
                ),
                (
                    3,
                    4,
                    "R102 at $: the row has 4 cell(s), the header line 3".to_owned()
                ),
            ]
        );
        assert_eq!(
            frame(tsv, Separator::Tab, true),
            vec![(
                1,
                1,
                "R102 at $.rows[1]: the row has 2 cell(s), the header line 3".to_owned()
            )]
        );
    }

    #[test]
    fn an_undecodable_row_is_handed_on_as_its_line() {
        for (input, separator, line) in [
            (
                &b"a\tb\nx\xff\ty z\n"[..],
                Separator::Tab,
                &b"x\xff\ty z"[..],
            ),
            (
                b"a,b\n\"x\xff, \"\"q\"\"\",2\n",
                Separator::Comma,
                b"\"x\xff, \"\"q\"\"\",2",
            ),
        ] {
            let format = Delimited {
                separator,
                whole_file: false,
            };
            let mut seen = Vec::new();
            records(input, format, &Limits::DEFAULT, |r| {
                assert!(r.undecodable.is_some());
                seen.push(r.bytes.to_vec());
                Ok(())
            })
            .unwrap();
            assert_eq!(seen, vec![line.to_vec()]);
        }
    }

    #[test]
    fn a_cell_that_is_not_utf8_names_its_column() {
        let tsv = b"sku\tqty\nA\t1\nB\t\xff\n";
        assert_eq!(
            frame(tsv, Separator::Tab, false),
            vec![
                (1, 2, r#"{"sku":"A","qty":"1"}"#.to_owned()),
                (
                    2,
                    3,
                    "R101 at $.qty: the cell is not valid UTF-8".to_owned()
                ),
            ]
        );
        assert_eq!(
            frame(tsv, Separator::Tab, true),
            vec![(
                1,
                1,
                "R101 at $.rows[1].qty: the cell is not valid UTF-8".to_owned()
            )]
        );
    }
}
