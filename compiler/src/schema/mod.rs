//! Schemas as types: JSON Schema (draft-04 to 2020-12, OpenAPI 3.0/3.1
//! schema objects, Swagger 2.0) -> a [`Graph`] of [`Schema`]s.
//!
//! Entry points: [`load`] for one schema, [`Loader`] for several sharing one
//! graph. Reading files is injected (`read`), so this module does no IO.
//! `load.rs` reads keywords and memoizes locations, `refs.rs` resolves
//! `$ref`s, `compose.rs` merges `allOf` and unites `anyOf`/`oneOf`,
//! `dialect.rs` picks the meta-schema and reads `nullable`, `import.rs`
//! turns an OpenAPI component into a standalone schema.

mod compose;
mod dialect;
mod import;
mod load;
mod locate;
mod node;
mod refs;

pub use import::{import, ImportError, Imported};
pub use load::{load, Documents, Loader, Reader, SchemaError, SchemaErrorKind, MAX_REF_DEPTH};
pub use locate::pointer_span;
pub use node::{Graph, Kind, Node, NodeId, Schema};
pub use refs::ref_strings;
