//! What the `mapc` command-line tests share: the repository root, running
//! `mapc` there or in a scratch folder, and output as text.
#![allow(dead_code)] // each test file uses part of it

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `mapc args` in the repository root.
pub fn mapc(args: &[&str]) -> Output {
    mapc_in(&root(), args)
}

/// `mapc args` in `dir`, with stdin empty (not a terminal).
pub fn mapc_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mapc"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("mapc runs")
}

/// Bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A new empty folder for one test, under the system's temporary folder,
/// removed when the test ends.
pub fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("mapc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    Scratch(dir)
}

/// A test's folder; removed on drop, pass or fail.
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copy a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("readable") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copied");
        }
    }
}

/// `mapc` installed into a temporary root, `<root>/bin/mapc` (a hard link
/// to the built binary where the file system allows, else a copy); the
/// root goes when the value does.
pub struct Installed {
    _root: Scratch,
    /// The installed `mapc`.
    pub mapc: PathBuf,
}

/// Install `mapc` into a new temporary root.
pub fn install(name: &str) -> Installed {
    let root = scratch(name);
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).expect("bin folder");
    let mapc = bin.join(format!("mapc{}", std::env::consts::EXE_SUFFIX));
    let built = env!("CARGO_BIN_EXE_mapc");
    if std::fs::hard_link(built, &mapc).is_err() {
        std::fs::copy(built, &mapc).expect("installed");
    }
    Installed { _root: root, mapc }
}

/// `program args` in `dir`, with only the environment a shell gives.
pub fn run(program: &Path, dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(program);
    command.args(args).current_dir(dir);
    shell_environment(&mut command);
    command
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs")
}

/// Only the environment a user's shell gives: no cargo variables pointing
/// into this repository.
pub fn shell_environment(command: &mut Command) {
    command.env_clear();
    for key in [
        "PATH",
        "HOME",
        "CARGO_HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
    ] {
        if let Some(value) = std::env::var_os(key) {
            command.env(key, value);
        }
    }
}

/// Where `mapc build` in these tests keeps compiled dependencies between
/// runs: outside the repository, shared by the tests that build.
pub fn build_cache() -> PathBuf {
    std::env::temp_dir().join("mapc-test-build-cache")
}
