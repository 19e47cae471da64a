//! Schemas as types: JSON Schema (draft 2020-12 and draft-07) -> [`Node`].
//!
//! Entry point: [`load`]. Reading files is injected (`read`), so this module
//! does no IO. `$ref`s (local `#/$defs/..`, `#/definitions/..`, and relative
//! files) are resolved while loading; the result is a plain tree.

mod load;
mod node;

pub use load::{load, SchemaError, SchemaErrorKind, MAX_REF_DEPTH};
pub use node::{Kind, Node};
