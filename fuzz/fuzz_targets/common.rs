//! What the targets share: the repository root, files read from it, and
//! every mapping of the repository compiled once (IR and generated code).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A file of the repository, as the compiler reads it.
pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(root().join(path)).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every mapping compiled into `maprt`, with its checked IR (for the
/// evaluator), compiled once per process.
pub fn mappings() -> &'static [(mapc::ir::Mapping, &'static runtime::CompiledMapping)] {
    static MAPPINGS: OnceLock<Vec<(mapc::ir::Mapping, &'static runtime::CompiledMapping)>> =
        OnceLock::new();
    MAPPINGS.get_or_init(|| {
        maprt::MAPPINGS
            .iter()
            .filter_map(|compiled| {
                let (checked, _) = contract_tests::compile(compiled.file);
                checked.mapping.map(|ir| (ir, compiled))
            })
            .collect()
    })
}

/// The text of every mapping file of the repository.
pub fn mapping_texts() -> &'static [(String, String)] {
    static TEXTS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        maprt::MAPPINGS
            .iter()
            .filter_map(|m| Some((m.file.to_owned(), read(Path::new(m.file)).ok()?)))
            .collect()
    })
}
