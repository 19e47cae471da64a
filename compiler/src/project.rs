//! The IO edge: finding mapping files, their samples and snapshots on disk.
//! Everything else in the compiler is pure.

use std::path::{Path, PathBuf};

/// Mapping files end in this extension.
pub const EXTENSION: &str = "map";

/// Read a file as UTF-8, with the error as text.
pub fn read_file(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// A project's mapping folders (`mapc.toml`'s `[mappings] folders`), under
/// its root.
pub fn mapping_folders(root: &Path, manifest: &crate::manifest::Manifest) -> Vec<PathBuf> {
    manifest
        .mappings
        .folders
        .iter()
        .map(|f| root.join(f))
        .collect()
}

/// A project's mappings: each file's name relative to the root (with `/`,
/// the name diagnostics and generated code use) and its text, sorted.
pub fn project_mappings(
    root: &Path,
    manifest: &crate::manifest::Manifest,
) -> Result<Vec<(String, String)>, String> {
    let mut texts = Vec::new();
    for file in find_mappings(&mapping_folders(root, manifest))? {
        let relative = file.strip_prefix(root).map_err(|e| e.to_string())?;
        let name = relative.to_string_lossy().replace('\\', "/");
        texts.push((name, read_file(&file)?));
    }
    Ok(texts)
}

/// Every mapping file under `paths` (files are taken as given), sorted.
pub fn find_mappings(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    find_files(paths, EXTENSION)
}

/// Files named, and files ending in `.<extension>` under folders named,
/// sorted.
pub fn find_files(paths: &[PathBuf], extension: &str) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, extension, &mut found)?;
        } else if path.exists() {
            found.push(path.clone());
        } else {
            return Err(format!("{}: no such file or directory", path.display()));
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

fn walk(dir: &Path, extension: &str, found: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            walk(&path, extension, found)?;
        } else if path.extension().is_some_and(|e| e == extension) {
            found.push(path);
        }
    }
    Ok(())
}

/// Sample payloads of a mapping: `<dir>/samples/<stem>/*.{json,ndjson,csv,tsv,xml}`,
/// and, for a mapping with named inputs, case folders holding one
/// `<input>.json` per input; sorted.
pub fn samples_for(mapping: &Path) -> Vec<PathBuf> {
    let Some(dir) = sample_dir(mapping) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut samples: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                || p.extension().is_some_and(|e| {
                    ["json", "ndjson", "csv", "tsv", "xml", "yml"]
                        .iter()
                        .any(|x| e == *x)
                })
        })
        .collect();
    samples.sort();
    samples
}

/// Whether a sample is a recorded HTTP cassette (`.yml`).
pub fn is_cassette(sample: &Path) -> bool {
    sample.extension().is_some_and(|e| e == "yml")
}

/// The bytes of a sample: the file; a recorded HTTP cassette's response
/// bodies (`.yml`, see [`crate::cassette`]); or for a case folder of a
/// mapping with named inputs, the record combined from
/// `<folder>/<input>.json` files (an `optional` input's file may be
/// absent).
pub fn read_sample(
    sample: &Path,
    inputs: &[String],
    optional: &[String],
) -> Result<Vec<u8>, String> {
    if is_cassette(sample) {
        let text =
            std::fs::read_to_string(sample).map_err(|e| format!("{}: {e}", sample.display()))?;
        return crate::cassette::payloads(&text).map_err(|e| format!("{}: {e}", sample.display()));
    }
    if !sample.is_dir() {
        return std::fs::read(sample).map_err(|e| format!("{}: {e}", sample.display()));
    }
    let mut documents: Vec<(&str, Vec<u8>)> = Vec::new();
    for name in inputs {
        let path = sample.join(format!("{name}.json"));
        if optional.contains(name) && !path.exists() {
            continue; // the record comes without it
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        documents.push((name, bytes));
    }
    let named: Vec<(&str, &[u8])> = documents.iter().map(|(n, d)| (*n, d.as_slice())).collect();
    host::envelope::combine(&named).map_err(|e| format!("{}: {e}", sample.display()))
}

/// `mappings/shopify/order.map` -> `mappings/shopify/samples/order`.
pub fn sample_dir(mapping: &Path) -> Option<PathBuf> {
    Some(mapping.parent()?.join("samples").join(mapping.file_stem()?))
}

/// The parameters a mapping's samples were produced under:
/// `<sample dir>/params.txt`, one `name=value` a line (`#` comments), as
/// `--param` takes them; none when there is no such file.
pub fn sample_params(mapping: &Path) -> Result<Vec<String>, String> {
    let Some(file) = sample_dir(mapping).map(|d| d.join("params.txt")) else {
        return Ok(Vec::new());
    };
    if !file.is_file() {
        return Ok(Vec::new());
    }
    read_params(&file)
}

/// `name=value` lines of a parameters file (blank lines and `#` comments
/// skipped).
pub fn read_params(file: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

/// Snapshot of a sample's canonical output:
/// `mappings/shopify/snapshots/order__<sample stem>.snap`.
pub fn snapshot_for(mapping: &Path, sample: &Path) -> Option<PathBuf> {
    let name = snapshot_name(mapping, sample)?;
    Some(
        mapping
            .parent()?
            .join("snapshots")
            .join(format!("{name}.snap")),
    )
}

/// The insta snapshot name of a sample's output (`order__order`).
pub fn snapshot_name(mapping: &Path, sample: &Path) -> Option<String> {
    let mapping = mapping.file_stem()?.to_str()?;
    let sample = sample.file_stem()?.to_str()?;
    Some(format!("{mapping}__{sample}"))
}

/// The body of an insta `.snap` file (everything after its header).
pub fn snapshot_body(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    rest.get(end + 5..)
}

/// Every record of a sample file as a JSON value, for `mapc schema infer`:
/// `.csv`/`.tsv` rows as objects, `.xml` through the XML convention,
/// anything else a JSON document or NDJSON.
pub fn sample_values(file: &Path) -> Result<Vec<serde_json::Value>, String> {
    let reader = std::io::BufReader::new(
        std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?,
    );
    let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = host::format::for_extension(extension);
    let mut values = Vec::new();
    let mut bad = None;
    host::format::for_each_record(reader, format, &host::Limits::DEFAULT, |record| {
        let json = match record.undecodable {
            Some(e) => Err(e),
            None => Ok(record.bytes),
        };
        let parsed = json
            .map_err(|e| e.to_string())
            .and_then(|j| serde_json::from_slice(j).map_err(|e| e.to_string()));
        match parsed {
            Ok(value) => values.push(value),
            Err(e) => {
                bad = bad.take().or(Some(format!(
                    "{}: record {} (line {}): {e}",
                    file.display(),
                    record.number,
                    record.line
                )))
            }
        }
        Ok(())
    })
    .map_err(|e| format!("{}: {e}", file.display()))?;
    match bad {
        Some(message) => Err(message),
        None => Ok(values),
    }
}

/// `code` formatted by the toolchain's `rustfmt`, when there is one (what
/// `mapc emit` prints); `None` without rustfmt or when it fails.
pub fn rustfmt(code: &str) -> Option<String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(code.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !text.is_empty()).then_some(text)
}

/// Write a mapping's generated module to `<out_dir>/<mapping file>.rs`
/// (`OUT_DIR/mappings/shopify/order.map.rs`) and return the line that
/// includes it. Each module has a file named after its mapping, so if rustc
/// ever rejects generated code, its error names the mapping file, and the
/// lines it quotes carry the mapping positions (`LOC_<line>_<column>`,
/// `// <file>:<line>:<column>` above each lifted loop).
pub fn write_generated(out_dir: &Path, mapping_file: &str, code: &str) -> Result<String, String> {
    let path = out_dir.join(format!("{mapping_file}.rs"));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, code).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(format!(
        "include!(concat!(env!(\"OUT_DIR\"), \"/{mapping_file}.rs\"));\n"
    ))
}
