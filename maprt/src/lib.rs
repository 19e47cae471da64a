//! Every mapping in `mappings/`, compiled to Rust by `build.rs` at build
//! time, plus lookup by id. The generated code depends only on `runtime`
//! and serde.

include!(concat!(env!("OUT_DIR"), "/mappings.rs"));

/// The compiled mapping with this id (`shopify.order`).
pub fn find(id: &str) -> Option<&'static runtime::CompiledMapping> {
    MAPPINGS.iter().find(|m| m.id == id)
}
