//! Thin runtime for compiled retail mappings.
//!
//! Generated mapping code and the compiler's reference evaluator both call
//! into this crate, so a builtin behaves the same on both paths:
//!
//! - [`error`]: [`RuntimeError`] with a stable code, the JSON path of the
//!   offending source value and the mapping line that failed;
//! - [`decimal`], [`money`], [`time`], [`text`], [`aggregate`]: the builtin
//!   functions (each builtin's one implementation, see the compiler's
//!   `builtins` registry);
//! - [`json_in`]: the JSON reader behind both back ends (only what a
//!   mapping reads is decoded; errors carry JSON paths);
//! - [`source`]: the types source values are read into;
//! - [`json_out`]: the canonical JSON writer;
//! - [`envelope`]: where the records sit inside a payload;
//! - [`stream`]: splitting input into records (one JSON document or NDJSON)
//!   and writing results and dead letters;
//! - [`xml`]: XML payloads read as JSON trees;
//! - [`parallel`]: the same for NDJSON on several cores, order preserved.
#![warn(missing_docs)]
#![deny(clippy::indexing_slicing)] // hostile payloads must never panic

pub mod aggregate;
pub mod decimal;
pub mod envelope;
pub mod error;
pub mod json_in;
pub mod json_out;
pub mod money;
pub mod parallel;
pub mod source;
pub mod stream;
pub mod text;
pub mod time;
pub mod xml;

pub use error::{ErrorCode, Fault, Location, RuntimeError};
pub use json_out::JsonWriter;
pub use money::Money;
pub use rust_decimal::Decimal;

/// A timestamp (an instant), always written as RFC 3339 UTC.
pub type Timestamp = jiff::Timestamp;

/// A string borrowed from the payload when possible.
pub type Str<'a> = std::borrow::Cow<'a, str>;

/// Signature of a compiled mapping: one source record in, one canonical
/// JSON record appended to `out`.
pub type TransformFn = fn(&[u8], &mut Vec<u8>) -> Result<(), RuntimeError>;

/// What a mapping reads: JSON (a document or NDJSON), or delimited rows,
/// each row becoming a JSON object keyed by the header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// JSON documents or NDJSON.
    Json,
    /// Comma-separated values with a header line (RFC 4180 quoting).
    Csv,
    /// Tab-separated values with a header line (no quoting).
    Tsv,
    /// CSV read whole, one record `{"rows": [...]}` (`format csv table`).
    CsvTable,
    /// TSV read whole, one record `{"rows": [...]}` (`format tsv table`).
    TsvTable,
    /// An XML document, read as a JSON tree (see [`xml`]).
    Xml,
}

/// A mapping compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct CompiledMapping {
    /// Mapping id, `<channel>.<object>` (e.g. `shopify.order`).
    pub id: &'static str,
    /// Canonical object the mapping produces (e.g. `SalesOrder`).
    pub target: &'static str,
    /// Mapping file the code was generated from, relative to the repository.
    pub file: &'static str,
    /// What the mapping reads.
    pub format: SourceFormat,
    /// Where the records sit in a payload (empty: the payload is the
    /// record, or the generated code unwraps it itself).
    pub routes: &'static [envelope::Route<'static>],
    /// Named inputs a record is made of (`source order "..."`), in order;
    /// empty when a record is one document.
    pub inputs: &'static [&'static str],
    /// The generated transform.
    pub transform: TransformFn,
}

impl CompiledMapping {
    /// How this mapping turns a payload into records.
    pub fn envelope(&self) -> envelope::Envelope<'static> {
        envelope::Envelope {
            format: self.format,
            routes: self.routes,
        }
    }
}
