//! `mapc init` (a new mapping project) and `mapc canonical export` (the
//! canonical model this compiler carries, written out).

use super::Failure;
use mapc::embedded::{CANONICAL_MODEL, CANONICAL_MODEL_VERSION};
use mapc::manifest::{self, Manifest};
use std::path::{Path, PathBuf};

/// The GitHub Actions workflow `mapc init` writes: check, test and build
/// on every push and pull request, annotations on the pull request, the
/// JUnit report and the built binary kept as artifacts.
const WORKFLOW: &str = r#"# Checks, tests and builds the mappings on every push and pull request.
# Set the repository variable MAPC_REPOSITORY to the git URL mapc is
# installed from (Settings > Secrets and variables > Actions > Variables).
name: mappings
on:
  push:
  pull_request:
jobs:
  mappings:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@stable
      - uses: actions/cache@v4
        with:
          path: |
            ~/.cargo/registry
            ~/.cargo/bin
            target/mapc/cargo
          key: mapc-${{ runner.os }}-${{ hashFiles('mapc.toml') }}
      - name: Install mapc
        run: cargo install --locked --git "${{ vars.MAPC_REPOSITORY }}" mapc
      - name: Check
        run: mapc check --format github
      - name: Test
        run: mapc test --format github
      - name: Test report
        if: always()
        run: mapc test --format junit > mapc-test.xml
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: mapc-test-report
          path: mapc-test.xml
      - name: Build
        run: mapc build --out "target/mapc/${{ github.event.repository.name }}"
      - uses: actions/upload-artifact@v4
        with:
          name: runtime
          path: target/mapc/${{ github.event.repository.name }}
"#;

/// `mapc init [DIR] [--name NAME]`.
pub fn init(dir: &Path, name: Option<&str>) -> Result<bool, Failure> {
    let manifest_file = dir.join(manifest::FILE);
    if manifest_file.exists() {
        return Err(Failure::Usage(format!(
            "{}: already a mapping project",
            manifest_file.display()
        )));
    }
    let name = match name {
        Some(name) => name.to_owned(),
        None => project_name(dir)?,
    };
    let text = Manifest::initial(&name, CANONICAL_MODEL_VERSION);
    // The manifest is checked before anything is written.
    Manifest::parse(&text).map_err(Failure::Usage)?;
    write(&manifest_file, &text)?;
    write(&dir.join(".gitignore"), "/target\n")?;
    write(&dir.join(".github/workflows/mappings.yml"), WORKFLOW)?;
    write(
        &dir.join("mappings/README.md"),
        "One folder per channel: `<channel>/<object>.map`, its `samples/<object>/`\n\
         (real payloads, with a SOURCES.md) and `snapshots/`. `mapc new\n\
         <channel>.<object> --target <Canonical>` starts one.\n",
    )?;
    write(
        &dir.join("schemas/channels/README.md"),
        "One folder per channel: its published contract (JSON Schema or OpenAPI),\n\
         as the channel publishes it.\n",
    )?;
    let written = export(&dir.join("schemas/canonical"))?;
    eprintln!(
        "created mapping project `{name}` in {} (canonical model {CANONICAL_MODEL_VERSION}, {written} schemas)",
        dir.display()
    );
    Ok(true)
}

/// `mapc canonical export [DIR]`.
pub fn canonical_export(dir: &Path) -> Result<bool, Failure> {
    let written = export(dir)?;
    eprintln!(
        "wrote canonical model {CANONICAL_MODEL_VERSION} ({written} schemas) to {}",
        dir.display()
    );
    Ok(true)
}

fn export(dir: &Path) -> Result<usize, Failure> {
    for (name, text) in CANONICAL_MODEL {
        write(&dir.join(name), text)?;
    }
    Ok(CANONICAL_MODEL.len())
}

/// A project name from a folder name: lower case, runs of anything but
/// letters and digits as one `-`.
fn project_name(dir: &Path) -> Result<String, Failure> {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| PathBuf::from(dir));
    let folder = absolute
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name = String::new();
    for c in folder.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-').to_owned();
    if name.starts_with(|c: char| c.is_ascii_lowercase()) {
        Ok(name)
    } else {
        Err(Failure::Usage(format!(
            "cannot make a project name of `{folder}`: give one with --name"
        )))
    }
}

/// Write a file, creating its folder.
pub fn write(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| Failure::Error(format!("{}: {e}", path.display())))
}
