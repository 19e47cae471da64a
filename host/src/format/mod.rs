//! The source-format seam: input bytes become payloads, each a [`Record`]
//! with its record number and line. One adapter per format, behind one
//! signature (`records(input, <format's data>, each)`):
//!
//! - [`json`]: one document, NDJSON, or either by the first line;
//! - [`delimited`]: CSV/TSV rows as JSON objects, or a file read whole;
//! - [`xml`]: an XML document read as a JSON tree.
//!
//! Every adapter hands on JSON text; a payload that cannot be decoded (an
//! XML syntax error, a CSV row that is not UTF-8) is handed on as it was,
//! with the reason, so it is dead-lettered and nothing is lost.

pub mod delimited;
pub mod json;
pub mod xml;

use crate::limits::Limits;
use runtime::{RuntimeError, SourceFormat};
use std::io::{self, BufRead};

/// One payload of the input.
#[derive(Debug)]
pub struct Record<'b> {
    /// 1-based record number.
    pub number: u64,
    /// 1-based line on which the record starts.
    pub line: u64,
    /// The payload as JSON text; when it could not be decoded, the input
    /// as it was.
    pub bytes: &'b [u8],
    /// Why the payload could not be decoded (it goes to the dead letters).
    pub undecodable: Option<RuntimeError>,
}

impl<'b> Record<'b> {
    /// A payload decoded to JSON text.
    pub fn json(number: u64, line: u64, bytes: &'b [u8]) -> Self {
        Self {
            number,
            line,
            bytes,
            undecodable: None,
        }
    }

    /// A payload of `size` bytes, more than the record limit: handed on
    /// without its bytes (R118).
    pub fn too_large(number: u64, line: u64, limits: &Limits, size: u64) -> Self {
        Self {
            undecodable: Some(limits.too_large(size)),
            ..Record::json(number, line, &[])
        }
    }
}

/// Call `each` for every payload of `input` as `format` frames it, in order.
/// Row and line formats are read in constant memory; documents whole. A
/// payload larger than `limits` allows is handed on as R118, without its
/// bytes (lines and documents are never held whole; a CSV/TSV row is
/// measured once read).
pub fn for_each_record(
    input: impl BufRead,
    format: SourceFormat,
    limits: &Limits,
    each: impl FnMut(Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    match format {
        SourceFormat::Json(framing) => json::records(input, framing, limits, each),
        SourceFormat::Delimited(delimited) => delimited::records(input, delimited, limits, each),
        SourceFormat::Xml => xml::records(input, limits, each),
        SourceFormat::XmlJson => json::records(input, runtime::JsonFraming::Auto, limits, each),
    }
}

/// The format a sample file's extension names, for files read without a
/// mapping (`mapc schema infer`): `.csv`, `.tsv`/`.tdf`, `.xml`, else JSON.
pub fn for_extension(extension: &str) -> SourceFormat {
    use runtime::{Delimited, Separator};
    let rows = |separator| {
        SourceFormat::Delimited(Delimited {
            separator,
            whole_file: false,
        })
    };
    match extension.to_ascii_lowercase().as_str() {
        "csv" => rows(Separator::Comma),
        "tsv" | "tdf" => rows(Separator::Tab),
        "xml" => SourceFormat::Xml,
        _ => SourceFormat::JSON,
    }
}
