//! What `mapc` carries so that an installed copy needs no checkout of this
//! repository (written by `compiler/build.rs`): the canonical model, the
//! sources of the crates a project's runtime binary is built from, and
//! `docs/diagnostics.md` with the diagnostic cases' wrong and right
//! mappings (`EXAMPLES`: `<case>/mapping.map`, `<case>/right.map`).

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The version of the canonical model this compiler carries (the `1` of
/// every canonical schema's `$id`, `https://schemas.mapc.dev/canonical/1/...`).
pub const CANONICAL_MODEL_VERSION: &str = "1";
