//! This repository's mapping project (`mapc.toml`: every mapping in
//! `mappings/`), compiled to Rust by `build.rs` through `mapc::artifact`,
//! as `mapc build` compiles any project. The generated code depends only
//! on `runtime`.

include!(concat!(env!("OUT_DIR"), "/mappings.rs"));

/// The compiled mapping with this id (`shopify.order`).
pub fn find(id: &str) -> Option<&'static runtime::CompiledMapping> {
    ARTIFACT.find(id)
}
