//! `mapc schema check | import | infer`: loading, importing and inferring
//! source schemas.

use super::{must_exist, Failure};
use mapc::project;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `mapc schema import`: a component as a standalone schema, and its
/// examples as samples.
pub fn schema_import(
    spec: &Path,
    component: &str,
    out: Option<&Path>,
    examples: Option<&Path>,
) -> Result<bool, Failure> {
    must_exist(spec)?;
    let text = project::read_file(spec)?;
    let yaml = spec.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let document: serde_json::Value = if yaml {
        serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?
    } else {
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?
    };
    let imported = mapc::schema::import(&document, component)
        .map_err(|e| format!("{}: {e}", spec.display()))?;
    let write = |path: &Path, value: &serde_json::Value| -> Result<(), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())? + "\n";
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    match out {
        Some(path) => write(path, &imported.schema)?,
        None => {
            let text = serde_json::to_string_pretty(&imported.schema).map_err(|e| e.to_string())?;
            writeln!(std::io::stdout().lock(), "{text}").map_err(|e| e.to_string())?;
        }
    }
    if let Some(dir) = examples {
        for (i, example) in imported.examples.iter().enumerate() {
            let name = match i {
                0 => format!("{component}.json"),
                n => format!("{component}-{}.json", n + 1),
            };
            write(&dir.join(name), example)?;
        }
        eprintln!(
            "{} example(s) of {component} written to {}",
            imported.examples.len(),
            dir.display()
        );
    }
    Ok(true)
}

/// `mapc schema check`: every schema named (a folder: its `.json` files;
/// an OpenAPI document: each component) loaded through one session.
pub fn schema_check(paths: &[PathBuf]) -> Result<bool, Failure> {
    let documents = mapc::schema::Documents::default();
    let read = &project::read_file;
    let mut targets: Vec<(PathBuf, String)> = Vec::new();
    for path in paths {
        let text = path.to_string_lossy();
        let (file, pointer) = text.split_once('#').unwrap_or((&text, ""));
        let file = PathBuf::from(file);
        must_exist(&file)?;
        if file.is_dir() {
            let found = project::find_files(&[file], "json")?;
            targets.extend(found.into_iter().map(|f| (f, String::new())));
        } else if pointer.is_empty() {
            match documents.components(&file, read) {
                Ok(Some(components)) => {
                    targets.extend(components.into_iter().map(|p| (file.clone(), p)))
                }
                _ => targets.push((file, String::new())),
            }
        } else {
            targets.push((file, pointer.to_owned()));
        }
    }
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    let report = |e: &mapc::schema::SchemaError| {
        let d = mapc::diagnostics::from_schema(e, mapc::span::Span::default());
        let severity = d.severity.name();
        format!("{severity}[{}] {}: {}", d.code.code, e.origin, d.title)
    };
    let mut loader = mapc::schema::Loader::new(read, &documents);
    let mut failures = Vec::new();
    for (file, pointer) in &targets {
        let shown = format!("{}#{pointer}", file.display());
        match loader.load(file, pointer) {
            Ok(_) => {
                let _ = writeln!(out, "ok   {shown}");
            }
            Err(e) => {
                failed += 1;
                let _ = writeln!(out, "FAIL {shown}\n  {}", report(&e));
                failures.push(e);
            }
        }
    }
    let graph = loader.finish();
    let mut notes: Vec<String> = graph.warnings.iter().map(report).collect();
    notes.extend(
        graph
            .broken()
            .filter(|b| !failures.contains(b))
            .map(|b| format!("{} (fails only a mapping that reads it)", report(b))),
    );
    notes.sort();
    notes.dedup();
    for note in &notes {
        let _ = writeln!(out, "{note}");
    }
    let _ = writeln!(
        out,
        "checked {} schema(s): {} ok, {failed} failed",
        targets.len(),
        targets.len() - failed
    );
    Ok(failed == 0)
}

/// generated code is already formatted by prettyplease; rustfmt's style
/// differs in details, and a reader compares with rustfmt's).
/// The records of every sample file (under `record_at` when given).
pub fn infer_samples(files: &[PathBuf], record_at: Option<&str>) -> Result<Vec<Value>, Failure> {
    files.iter().try_for_each(|f| must_exist(f))?;
    let mut samples = Vec::new();
    for file in files {
        for sample in project::sample_values(file)? {
            match record_at {
                None => samples.push(sample),
                Some(route) => samples.extend(
                    mapc::infer::records_at(&sample, route)
                        .ok_or_else(|| format!("{}: nothing at `{route}`", file.display()))?,
                ),
            }
        }
    }
    Ok(samples)
}

pub fn infer(
    samples: &[Value],
    title: &str,
    options: mapc::infer::Options,
) -> Result<bool, Failure> {
    let schema = mapc::infer::infer(samples, title, options);
    let text = serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?;
    writeln!(std::io::stdout().lock(), "{text}").map_err(|e| e.to_string())?;
    Ok(true)
}

/// `schema infer --into`: the schema widened in place, the changes listed.
pub fn infer_into(into: &str, samples: &[Value], how: mapc::infer::Merge) -> Result<bool, Failure> {
    let (file, pointer) = into.split_once('#').unwrap_or((into, ""));
    let file = Path::new(file);
    let text = project::read_file(file)?;
    let schema: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    if schema.pointer(pointer).is_none() {
        return Err(Failure::Usage(format!(
            "{}: nothing at `#{pointer}`",
            file.display()
        )));
    }
    let (merged, changes) = mapc::infer::merge(&schema, pointer, samples, how);
    let mut out = std::io::stdout().lock();
    for change in &changes {
        writeln!(out, "{change}").map_err(|e| e.to_string())?;
    }
    let summary = match changes.len() {
        0 => "no change: the schema admits every sample".to_owned(),
        n => format!("{n} change(s) to review in {}", file.display()),
    };
    writeln!(out, "{summary}").map_err(|e| e.to_string())?;
    if !changes.is_empty() {
        let text = serde_json::to_string_pretty(&merged).map_err(|e| e.to_string())?;
        std::fs::write(file, format!("{text}\n"))
            .map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(true)
}
