//! What a build of mappings records about itself: the project, the
//! compiler and canonical model it was built with, and every mapping with
//! the hash of its source. `maprt list` prints it; the generated code of a
//! build defines one `Artifact`.

use crate::mapping::CompiledMapping;

/// A set of compiled mappings and where they came from.
#[derive(Debug, Clone, Copy)]
pub struct Artifact {
    /// The mapping project's name (`mapc.toml`).
    pub project: &'static str,
    /// The project's version.
    pub version: &'static str,
    /// The compiler that generated the code (`mapc 0.1.0`).
    pub compiler: &'static str,
    /// The canonical model version the mappings target.
    pub canonical_model: &'static str,
    /// Every mapping, sorted by id.
    pub mappings: &'static [CompiledMapping],
    /// The source of each mapping, in the same order.
    pub sources: &'static [MappingSource],
}

/// Where a compiled mapping came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MappingSource {
    /// The mapping's id.
    pub id: &'static str,
    /// The mapping file, relative to the project.
    pub file: &'static str,
    /// SHA-256 of the mapping file, in hex.
    pub sha256: &'static str,
    /// SHA-256 of the Rust generated from it (which also changes when a
    /// table or schema it reads does), in hex.
    pub code_sha256: &'static str,
}

impl Artifact {
    /// The compiled mapping with this id (`shopify.order`).
    pub fn find(&self, id: &str) -> Option<&'static CompiledMapping> {
        self.mappings.iter().find(|m| m.id == id)
    }
}
