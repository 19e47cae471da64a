//! `mapc watch`: `mapc test` again on every save. It watches the project
//! (the folder of `mapc.toml`, or else the paths given and `schemas/`) for
//! changes to mappings, schemas, tables, samples and snapshots, waits for a
//! burst of writes to settle, and runs the same checks and contract tests
//! as `mapc test`, until it is stopped (Ctrl-C).

use super::test::{self, TestArgs};
use super::{default_paths, Failure};
use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// The arguments of `mapc watch`.
#[derive(clap::Args)]
pub struct WatchArgs {
    /// Mapping files or folders to test (default: the project's mapping folders)
    paths: Vec<PathBuf>,
}

/// How long writes must pause before the tests run again (an editor's
/// save is often several writes).
const SETTLE: Duration = Duration::from_millis(250);

/// The files whose change calls for a new run: what `mapc test` reads. A
/// pending `.snap.new` is what a run writes, so it is not one of them.
fn matters(path: &Path) -> bool {
    let inside_build = path
        .components()
        .any(|c| matches!(c.as_os_str().to_str(), Some("target" | ".git")));
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    !inside_build
        && matches!(
            extension,
            "map" | "json" | "ndjson" | "yaml" | "yml" | "csv" | "tsv" | "xml" | "snap" | "toml"
        )
}

/// Where to watch: the project's folder, or the paths and `schemas/`.
fn watched(paths: &[PathBuf]) -> Vec<PathBuf> {
    if let Ok((root, _)) = super::project_root() {
        return vec![root];
    }
    let mut roots: Vec<PathBuf> = paths.to_vec();
    let schemas = PathBuf::from("schemas");
    if schemas.is_dir() {
        roots.push(schemas);
    }
    roots
}

fn run(paths: &[PathBuf]) {
    match test::test(TestArgs::of(paths.to_vec())) {
        Ok(true) => eprintln!("[watch] passed; waiting for changes"),
        Ok(false) => eprintln!("[watch] failed (above); waiting for changes"),
        Err(Failure::Error(e) | Failure::Usage(e)) => {
            eprintln!("error: {e}\n[watch] waiting for changes");
        }
    }
}

/// The files changed in the next burst of writes (it ends once nothing
/// has changed for [`SETTLE`]); `None` when the watcher has stopped. A
/// file read (as every run reads the schemas) is no change.
fn next_changes(received: &Receiver<notify::Result<notify::Event>>) -> Option<Vec<PathBuf>> {
    let mut changed: Vec<PathBuf> = Vec::new();
    loop {
        let event = if changed.is_empty() {
            received.recv().ok()?
        } else {
            match received.recv_timeout(SETTLE) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => return Some(changed),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        };
        let event = match event {
            Ok(event) => event,
            Err(e) => {
                eprintln!("[watch] {e}");
                continue;
            }
        };
        let writes = match event.kind {
            EventKind::Modify(ModifyKind::Metadata(_)) => false,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
            _ => false,
        };
        for path in event.paths.into_iter().filter(|p| writes && matters(p)) {
            if !changed.contains(&path) {
                changed.push(path);
            }
        }
    }
}

/// Run `mapc test` now and again after every change, until stopped.
pub fn watch(args: WatchArgs) -> Result<bool, Failure> {
    let paths = default_paths(args.paths);
    for path in &paths {
        super::must_exist(path)?;
    }
    let roots = watched(&paths);
    let (events, received) = std::sync::mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(events).map_err(|e| Failure::Error(format!("watch: {e}")))?;
    for root in &roots {
        watcher
            .watch(root, RecursiveMode::Recursive)
            .map_err(|e| Failure::Error(format!("watch {}: {e}", root.display())))?;
    }
    let shown: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    eprintln!(
        "[watch] watching {}: `mapc test` runs again on every change (Ctrl-C stops)",
        shown.join(", ")
    );
    run(&paths);
    while let Some(changed) = next_changes(&received) {
        if let Some(first) = changed.first() {
            let more = changed.len() - 1;
            let also = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            eprintln!("\n[watch] {} changed{also}: testing again", first.display());
            run(&paths);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::matters;
    use std::path::Path;

    #[test]
    fn what_a_run_reads_matters_and_what_it_writes_does_not() {
        assert!(matters(Path::new("mappings/shop/order.map")));
        assert!(matters(Path::new(
            "schemas/channels/shop/order.schema.json"
        )));
        assert!(matters(Path::new("mappings/shop/snapshots/order__a.snap")));
        assert!(!matters(Path::new(
            "mappings/shop/snapshots/order__a.snap.new"
        )));
        assert!(!matters(Path::new("target/debug/build/x.json")));
        assert!(!matters(Path::new("mappings/shop/order.map.swp")));
    }
}
