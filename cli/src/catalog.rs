//! The mappings this process runs: the build's artifact, installed once at
//! start, looked up by id.

use runtime::{Artifact, CompiledMapping};
use std::sync::OnceLock;

static ARTIFACT: OnceLock<&'static Artifact> = OnceLock::new();

/// Make `artifact` the process's mappings (the first call wins).
pub fn install(artifact: &'static Artifact) {
    let _ = ARTIFACT.set(artifact);
}

/// Every mapping, sorted by id (none before [`install`]).
pub fn all() -> &'static [CompiledMapping] {
    ARTIFACT.get().map_or(&[], |a| a.mappings)
}

/// The mapping with this id.
pub fn find(id: &str) -> Option<&'static CompiledMapping> {
    ARTIFACT.get().and_then(|a| a.find(id))
}
