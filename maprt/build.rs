//! Builds this repository's mapping project (`mapc.toml`, the mappings in
//! `mappings/`) as `mapc build` builds any project (`mapc::artifact`): one
//! module per mapping in `OUT_DIR/<mapping file>.rs`, and the registry in
//! `OUT_DIR/mappings.rs` defining `MAPPINGS` and `ARTIFACT`. A broken
//! mapping fails the build with the same diagnostics `mapc check` prints.

use mapc::artifact::{Identity, Include, Source};
use mapc::diagnostics::Renderer;
use std::path::{Path, PathBuf};

fn main() {
    if let Err(message) = build() {
        eprintln!("{message}");
        std::process::exit(1);
    }
}

fn build() -> Result<(), String> {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?;
    let root = Path::new(&manifest_dir)
        .parent()
        .ok_or("no workspace root")?
        .to_path_buf();
    let manifest_file = root.join(mapc::manifest::FILE);
    println!("cargo:rerun-if-changed={}", manifest_file.display());
    let manifest = mapc::manifest::Manifest::parse(&mapc::project::read_file(&manifest_file)?)
        .map_err(|e| format!("{}: {e}", manifest_file.display()))?;
    let folders = mapc::project::mapping_folders(&root, &manifest);
    for dir in folders.iter().chain([&root.join("schemas")]) {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    let texts = mapc::project::project_mappings(&root, &manifest)?;
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(name, text)| Source { name, text })
        .collect();
    let read = |p: &Path| mapc::project::read_file(&root.join(p));
    let session = mapc::Session::new(&read);
    let identity = Identity::of(&manifest);
    let built = mapc::artifact::build(&session, &sources, &identity, &Include::OutDir);
    for ((name, diagnostics), (_, text)) in built.diagnostics.iter().zip(&texts) {
        let renderer = Renderer::new(name, text);
        let failed = built.failed.contains(name);
        for d in diagnostics {
            if failed {
                eprint!("{}", renderer.render(d, 100));
            } else {
                println!("cargo:warning={}", renderer.render_short(d));
            }
        }
    }
    if !built.failed.is_empty() {
        return Err(format!(
            "error: mapping(s) failed to compile: {}",
            built.failed.join(", ")
        ));
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    for module in &built.modules {
        mapc::project::write_generated(&out, &module.mapping, &module.code)?;
    }
    let registry = out.join("mappings.rs");
    std::fs::write(&registry, &built.registry).map_err(|e| format!("{}: {e}", registry.display()))
}
