//! `mapc build`: a project's mappings compiled into its runtime binary.
//! The project is compiled (every diagnostic shown, any error stops the
//! build), the cargo workspace of `mapc::workspace` is written under
//! `target/mapc/workspace/` (only files whose text changed, so cargo
//! rebuilds only what changed), and cargo builds it; the binary is copied
//! to `target/mapc/<name>` or `--out`.

use super::report::{self, Format};
use super::{project_root, Failure};
use clap::{Args, ValueEnum};
use mapc::artifact::{Identity, Include, Source};
use mapc::embedded::CANONICAL_MODEL_VERSION;
use mapc::{project, workspace};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `mapc build`'s arguments.
#[derive(Args)]
pub struct BuildArgs {
    /// Where to put the binary (default: target/mapc/<project name>)
    #[arg(long)]
    out: Option<PathBuf>,
    /// Cargo profile: `release` for deployment, `dev` for a quick local build
    #[arg(long, value_enum, default_value_t = Profile::Release)]
    profile: Profile,
    /// Cargo's target folder (default: CARGO_TARGET_DIR, else target/mapc/cargo in the project); a shared one reuses compiled dependencies
    #[arg(long)]
    target_dir: Option<PathBuf>,
}

/// `--profile`.
#[derive(Clone, Copy, ValueEnum)]
enum Profile {
    /// optimized, what operators deploy
    Release,
    /// unoptimized, quick to build
    Dev,
}

pub fn build(args: BuildArgs) -> Result<bool, Failure> {
    let (root, manifest) = project_root()?;
    if manifest.project.canonical_model != CANONICAL_MODEL_VERSION {
        return Err(Failure::Error(format!(
            "{}: canonical-model = \"{}\", but this mapc carries canonical model {CANONICAL_MODEL_VERSION}: install the mapc of that model, or move the mappings to model {CANONICAL_MODEL_VERSION} (`mapc canonical export` writes it)",
            root.join(mapc::manifest::FILE).display(),
            manifest.project.canonical_model
        )));
    }
    // A folder named in the manifest that is missing is a usage error.
    for folder in project::mapping_folders(&root, &manifest) {
        super::must_exist(&folder)?;
    }
    let texts = project::project_mappings(&root, &manifest)?;
    if texts.is_empty() {
        return Err(Failure::Error(format!(
            "no mappings in {} (`mapc new <channel>.<object> --target <Canonical>` starts one)",
            manifest
                .mappings
                .folders
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(name, text)| Source { name, text })
        .collect();
    let read = |p: &Path| project::read_file(&root.join(p));
    let session = mapc::Session::new(&read);
    let identity = Identity::of(&manifest);
    let include = Include::Relative(workspace::GENERATED);
    let built = mapc::artifact::build(&session, &sources, &identity, &include);
    for ((name, diagnostics), (_, text)) in built.diagnostics.iter().zip(&texts) {
        let renderer = mapc::diagnostics::Renderer::new(name, text);
        report::diagnostics(Format::Human, &renderer, diagnostics);
    }
    if !built.failed.is_empty() {
        eprintln!(
            "error: mapping(s) failed to compile: {}",
            built.failed.join(", ")
        );
        return Ok(false);
    }
    let target = root.join("target/mapc");
    let tree = target.join("workspace");
    write_tree(&tree, &workspace::files(&manifest, &built)?)?;
    // As cargo does: `--target-dir`, else CARGO_TARGET_DIR, else the project's.
    let target_dir = args
        .target_dir
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| target.join("cargo"));
    let (profile, folder) = match args.profile {
        Profile::Release => ("release", "release"),
        Profile::Dev => ("dev", "debug"),
    };
    let name = &manifest.project.name;
    eprintln!(
        "building {name} {} ({} mapping(s), cargo profile {profile})",
        manifest.project.version,
        built.modules.len()
    );
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .arg("build")
        .arg("--manifest-path")
        .arg(tree.join("Cargo.toml"))
        .args(["--package", name, "--profile", profile, "--target-dir"])
        .arg(&target_dir)
        .status()
        .map_err(|e| {
            format!("cargo: {e} (mapc build needs a Rust toolchain: https://rustup.rs)")
        })?;
    if !status.success() {
        return Err(Failure::Error(format!(
            "cargo build of {} failed ({status})",
            tree.display()
        )));
    }
    let binary = target_dir
        .join(folder)
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let out = args.out.unwrap_or_else(|| target.join(name));
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::copy(&binary, &out)
        .map_err(|e| format!("{} -> {}: {e}", binary.display(), out.display()))?;
    eprintln!("built {}", out.display());
    Ok(true)
}

/// Write the workspace's files, leaving alone those already holding their
/// text and removing generated modules of mappings that are gone.
fn write_tree(tree: &Path, files: &[workspace::File]) -> Result<(), Failure> {
    let generated = tree.join("app/src").join(workspace::GENERATED);
    let mut stale = Vec::new();
    if generated.is_dir() {
        stale = project::find_files(&[generated], "rs")?;
    }
    for file in files {
        let path = tree.join(&file.path);
        stale.retain(|p| *p != path);
        if std::fs::read_to_string(&path).is_ok_and(|t| t == file.text) {
            continue;
        }
        super::project::write(&path, &file.text)?;
    }
    for path in stale {
        std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}
