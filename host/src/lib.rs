//! The record-processing host of compiled mappings: everything between the
//! bytes a channel sends and the transform a mapping compiled to (which
//! only ever sees one record, and links only the `runtime` support crate).
//!
//! - [`format`]: the source-format seam, input bytes to payloads, one
//!   adapter per format (JSON and NDJSON, CSV/TSV rows or tables, XML);
//! - [`envelope`]: routes into a payload (`at .orders[]`) and named inputs
//!   combined into one record;
//! - [`limits`]: what one payload may cost (size, nesting, array length);
//! - [`run`]: a whole input through a mapping, records out, failures on;
//! - [`parallel`]: the same for NDJSON on several cores, order preserved;
//! - [`dead_letter`]: what a failed record is stored as;
//! - [`replay`]: dead letters back through a mapping;
//! - [`batch`]: files staged and renamed into place when a run completes,
//!   and the run's summary;
//! - [`params`]: mapping parameters from `--param NAME=VALUE`, checked
//!   before any record is read.
//!
//! The webhook server and the stream worker (crate `service`) build on
//! this crate; it stays synchronous.
#![warn(missing_docs)]
#![deny(clippy::indexing_slicing)] // hostile payloads must never panic

pub mod batch;
pub mod dead_letter;
pub mod envelope;
pub mod format;
pub mod limits;
pub mod parallel;
pub mod params;
pub mod replay;
pub mod run;

pub use envelope::Envelope;
pub use format::Record;
pub use limits::Limits;
pub use run::{run, Outcome, Progress, Sinks};
