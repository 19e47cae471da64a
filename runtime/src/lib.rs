//! The support library of compiled retail mappings.
//!
//! Generated mapping code and the compiler's reference evaluator both call
//! into this crate, so a builtin behaves the same on both paths. Framing
//! input, envelopes, parallelism and dead letters belong to the `host`
//! crate; nothing here reads files or knows CSV or XML.
//!
//! - [`error`]: [`RuntimeError`] with a stable code, the JSON path of the
//!   offending source value and the mapping line that failed;
//! - [`decimal`], [`money`], [`time`], [`text`], [`aggregate`]: the builtin
//!   functions (each builtin's one implementation, see the compiler's
//!   `builtins` registry); [`reject`]: the mapping's own rejections
//!   (`fail`, `assert`, R116 with a reason code); [`pattern`]: regular
//!   expressions (`matches`, `capture`); [`params`]: mapping parameters
//!   each deployment supplies;
//! - [`json_in`]: the JSON reader behind both back ends (only what a
//!   mapping reads is decoded; errors carry JSON paths);
//! - [`source`]: the types source values are read into;
//! - [`json_out`]: the canonical JSON writer;
//! - [`mapping`]: what a compiled mapping declares about itself (id,
//!   format, routes, transform); [`artifact`]: what a build of mappings
//!   records about itself (project, compiler, source hashes).
#![warn(missing_docs)]
#![deny(clippy::indexing_slicing)] // hostile payloads must never panic

pub mod aggregate;
pub mod artifact;
pub mod decimal;
pub mod error;
pub mod json_in;
pub mod json_out;
pub mod mapping;
pub mod money;
pub mod params;
pub mod pattern;
pub mod reject;
pub mod source;
pub mod text;
pub mod time;

pub use artifact::{Artifact, MappingSource};
pub use error::{ErrorCode, Fault, Location, RuntimeError};
pub use json_out::JsonWriter;
pub use mapping::{
    CompiledMapping, Delimited, JsonFraming, ParamDecl, Route, Separator, SourceFormat, TransformFn,
};
pub use money::Money;
pub use rust_decimal::Decimal;

/// A timestamp (an instant), always written as RFC 3339 UTC.
pub type Timestamp = jiff::Timestamp;

/// A string borrowed from the payload when possible.
pub type Str<'a> = std::borrow::Cow<'a, str>;
