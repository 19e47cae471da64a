//! Snapshots of a sample's canonical output as `mapc test` keeps them:
//! insta's `.snap` format (a YAML header between `---` lines, then the
//! output), so `cargo insta` and this repository's cargo tests read the
//! same files. A missing or changed snapshot is written beside the old one
//! as `.snap.new`, pending until it is accepted.

use mapc::project;
use std::path::{Path, PathBuf};

/// How a sample's output compares with its snapshot.
pub enum Verdict {
    /// The snapshot holds this output.
    Matches,
    /// There is no snapshot yet.
    New,
    /// The snapshot holds something else: the unified diff, snapshot to
    /// output.
    Changed(String),
}

/// A sample's snapshot and the output it is compared with.
pub struct Snapshot {
    /// `<mapping dir>/snapshots/<mapping>__<sample>.snap`.
    pub path: PathBuf,
    /// What the snapshot file would hold with this output.
    text: String,
    /// The output.
    body: String,
    /// The snapshot file as it is, when there is one.
    existing: Option<String>,
}

impl Snapshot {
    /// The snapshot at `path` of `body`, the output of mapping `id` on
    /// `sample`.
    pub fn new(path: PathBuf, id: &str, sample: &Path, body: String) -> Result<Self, String> {
        let existing = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        // An accepted snapshot keeps its header (insta's or ours); a new
        // one says what wrote it.
        let header = existing
            .as_deref()
            .and_then(header_of)
            .map(str::to_owned)
            .unwrap_or_else(|| {
                format!(
                    "---\nsource: mapc test\nexpression: {id}\ninput_file: {}\n---\n",
                    sample.to_string_lossy().replace('\\', "/")
                )
            });
        let mut text = header + &body;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(Self {
            path,
            text,
            body,
            existing,
        })
    }

    /// The snapshot against the output.
    pub fn verdict(&self) -> Result<Verdict, String> {
        let Some(existing) = &self.existing else {
            return Ok(Verdict::New);
        };
        let expected = project::snapshot_body(existing)
            .ok_or_else(|| format!("{}: not a snapshot (no `---` header)", self.path.display()))?;
        if expected.trim_end() == self.body.trim_end() {
            return Ok(Verdict::Matches);
        }
        let diff = similar::TextDiff::from_lines(expected.trim_end(), self.body.trim_end())
            .unified_diff()
            .context_radius(3)
            .header(&self.path.to_string_lossy(), "output")
            .to_string();
        Ok(Verdict::Changed(diff))
    }

    /// `<snapshot>.snap.new`.
    pub fn pending_path(&self) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(".new");
        PathBuf::from(name)
    }

    /// Write the output as `.snap.new`, for review.
    pub fn write_pending(&self) -> Result<PathBuf, String> {
        let pending = self.pending_path();
        write(&pending, &self.text)?;
        Ok(pending)
    }

    /// Make the output the snapshot, and drop any pending one.
    pub fn accept(&self) -> Result<(), String> {
        write(&self.path, &self.text)?;
        self.drop_pending()
    }

    /// Remove a `.snap.new` left by an earlier run (the snapshot matches
    /// now, or it was just accepted).
    pub fn drop_pending(&self) -> Result<(), String> {
        let pending = self.pending_path();
        match std::fs::remove_file(&pending) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(format!("{}: {e}", pending.display()))
            }
            _ => Ok(()),
        }
    }

    /// The whole output, for review of a new snapshot.
    pub fn body(&self) -> &str {
        &self.body
    }
}

/// The `---` header of a snapshot file, both delimiters included.
fn header_of(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    text.get(..end + 4 + 5)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_ends_after_its_closing_line() {
        let text = "---\nsource: x\n---\n{}\n";
        assert_eq!(header_of(text), Some("---\nsource: x\n---\n"));
        assert_eq!(header_of("{}\n"), None);
    }
}
