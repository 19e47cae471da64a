//! `mapc`: check, run, emit and contract-test mappings. All file IO of the
//! compiler happens here and in `project`.

use clap::{Parser, Subcommand, ValueEnum};
use mapc::{contract, project, Compiled};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The mapping compiler.
#[derive(Parser)]
#[command(
    name = "mapc",
    version,
    about = "Check, run, emit and contract-test channel-to-canonical mappings"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check mappings against their schemas and report every problem
    Check {
        /// Mapping files or folders (default: mappings)
        paths: Vec<PathBuf>,
        /// Diagnostic format
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Run a mapping on a payload with the evaluator (no rustc needed)
    Run {
        /// The mapping file
        mapping: PathBuf,
        /// A JSON document or NDJSON file
        payload: PathBuf,
        /// One compact line per record instead of pretty JSON
        #[arg(long)]
        compact: bool,
        /// A mapping parameter: NAME=VALUE (repeat per parameter)
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
    },
    /// Print the Rust code generated for a mapping
    Emit {
        /// The mapping file
        mapping: PathBuf,
    },
    /// Run contract tests: every sample of every mapping against its snapshot and the target schema
    Test {
        /// Mapping files or folders (default: mappings)
        paths: Vec<PathBuf>,
    },
    /// Work with source schemas
    #[command(subcommand)]
    Schema(SchemaCommand),
}

#[derive(Subcommand)]
enum SchemaCommand {
    /// Load schemas as mappings would and report what cannot be read: files, `file#/pointer`s, folders of `.json` files; an OpenAPI or Swagger document is checked component by component
    Check {
        /// Schema files, `file#/json/pointer`s or folders
        #[arg(required = true)]
        schemas: Vec<PathBuf>,
    },
    /// Write one component of an OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML) as a standalone JSON Schema 2020-12, with every component it references
    Import {
        /// The spec (`.json`, `.yaml`, `.yml`)
        spec: PathBuf,
        /// The component (`components/schemas/<name>`, Swagger `definitions/<name>`)
        #[arg(long)]
        component: String,
        /// Write the schema here instead of to stdout
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write the spec's example values of the component here, one `<component>.json` (`-2`, `-3`, ... for more) each, as sample payloads
        #[arg(long)]
        examples: Option<PathBuf>,
    },
    /// Infer a draft JSON Schema from sample payloads: JSON documents, NDJSON, CSV/TSV rows (`.csv`, `.tsv`) or XML (`.xml`, read as mappings read it)
    Infer {
        /// Sample files
        #[arg(required = true)]
        samples: Vec<PathBuf>,
        /// Emit `enum` for strings with few distinct values
        #[arg(long)]
        enums: bool,
        /// Most distinct values an inferred enum may have
        #[arg(long, default_value_t = 8)]
        max_enum: usize,
        /// The schema's title
        #[arg(long, default_value = "InferredPayload")]
        title: String,
        /// Infer the record under this route of each sample, not the sample (`.orders[]`, `.[]`, `.order`)
        #[arg(long)]
        record_at: Option<String>,
        /// Merge into this reviewed schema (`file.json` or `file.json#/definitions/Order`) instead of writing a new one: it is widened in place only where a sample breaks it, and each change is listed
        #[arg(long, value_name = "SCHEMA", conflicts_with = "title")]
        into: Option<String>,
        /// With `--into`: also declare fields the samples have where the schema lists some and leaves others open (by default only a closed schema, `additionalProperties: false`, gets new fields)
        #[arg(long, requires = "into")]
        declare_new_fields: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// rustc-like, with the span underlined
    Human,
    /// one `file:line:col: error[CODE]: message` line each
    Short,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check { paths, format } => check(&default_paths(paths), format),
        Command::Run {
            mapping,
            payload,
            compact,
            params,
        } => run(&mapping, &payload, compact, &params),
        Command::Emit { mapping } => emit(&mapping),
        Command::Test { paths } => test(&default_paths(paths)),
        Command::Schema(SchemaCommand::Check { schemas }) => schema_check(&schemas),
        Command::Schema(SchemaCommand::Import {
            spec,
            component,
            out,
            examples,
        }) => schema_import(&spec, &component, out.as_deref(), examples.as_deref()),
        Command::Schema(SchemaCommand::Infer {
            samples,
            enums,
            max_enum,
            title,
            record_at,
            into,
            declare_new_fields,
        }) => {
            let options = mapc::infer::Options { enums, max_enum };
            let samples = infer_samples(&samples, record_at.as_deref());
            let how = mapc::infer::Merge {
                infer: options,
                declare_new_fields,
            };
            match into {
                Some(schema) => samples.and_then(|s| infer_into(&schema, &s, how)),
                None => samples.and_then(|s| infer(&s, &title, options)),
            }
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

/// `mapc schema import`: a component as a standalone schema, and its
/// examples as samples.
fn schema_import(
    spec: &Path,
    component: &str,
    out: Option<&Path>,
    examples: Option<&Path>,
) -> Result<bool, String> {
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
fn schema_check(paths: &[PathBuf]) -> Result<bool, String> {
    let documents = mapc::schema::Documents::default();
    let read = &project::read_file;
    let mut targets: Vec<(PathBuf, String)> = Vec::new();
    for path in paths {
        let text = path.to_string_lossy();
        let (file, pointer) = text.split_once('#').unwrap_or((&text, ""));
        let file = PathBuf::from(file);
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

fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("mappings")]
    } else {
        paths
    }
}

/// Compile one mapping file, printing its diagnostics to stderr.
fn compile_file(
    session: &mapc::Session<'_>,
    path: &Path,
    format: Format,
) -> Result<(Compiled, String), String> {
    let text = project::read_file(path)?;
    let name = path.to_string_lossy().into_owned();
    let compiled = session.compile(&name, &text);
    let mut err = std::io::stderr().lock();
    let renderer = mapc::diagnostics::Renderer::new(&name, &text);
    for d in &compiled.diagnostics {
        let shown = match format {
            Format::Human => renderer.render(d, 100),
            Format::Short => renderer.render_short(d) + "\n",
        };
        let _ = write!(err, "{shown}");
    }
    Ok((compiled, text))
}

fn check(paths: &[PathBuf], format: Format) -> Result<bool, String> {
    let files = project::find_mappings(paths)?;
    let mut failed = 0;
    let session = mapc::Session::new(&project::read_file);
    for file in &files {
        let (compiled, _) = compile_file(&session, file, format)?;
        failed += usize::from(compiled.failed());
    }
    eprintln!(
        "checked {} mapping(s): {} ok, {failed} failed",
        files.len(),
        files.len() - failed
    );
    Ok(failed == 0)
}

fn checked(path: &Path) -> Result<mapc::ir::Mapping, String> {
    let session = mapc::Session::new(&project::read_file);
    let (compiled, _) = compile_file(&session, path, Format::Human)?;
    compiled
        .mapping
        .ok_or_else(|| format!("{} has errors", path.display()))
}

fn run(mapping: &Path, payload: &Path, compact: bool, params: &[String]) -> Result<bool, String> {
    let ir = checked(mapping)?;
    host::params::supply(&ir.id, &ir.param_decls(), params)?;
    // A folder is a sample of a mapping with named inputs (one file each),
    // a `.yml` a recorded HTTP cassette (its response bodies).
    let reader: Box<dyn std::io::BufRead> = if payload.is_dir() || project::is_cassette(payload) {
        Box::new(std::io::Cursor::new(project::read_sample(
            payload,
            &ir.inputs,
            &ir.optional_inputs,
        )?))
    } else {
        let file =
            std::fs::File::open(payload).map_err(|e| format!("{}: {e}", payload.display()))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut ok = true;
    let mut stdout = std::io::stdout().lock();
    let evaluate = |input: &[u8], out: &mut Vec<u8>| {
        out.extend(mapc::eval::run(&ir, input)?);
        Ok(())
    };
    let mut out = Vec::new();
    host::format::for_each_record(reader, ir.format, |record| {
        out.clear();
        ir.with_envelope(|envelope| {
            host::envelope::transform_record(evaluate, envelope, &record, &mut out, |_, _, e| {
                ok = false;
                eprintln!("record {} (line {}): {e}", record.number, record.line);
            })
        });
        for line in out.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let text = if compact {
                String::from_utf8_lossy(line).into_owned()
            } else {
                contract::pretty(line).unwrap_or_else(|e| e)
            };
            writeln!(stdout, "{text}")?;
        }
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    Ok(ok)
}

fn emit(mapping: &Path) -> Result<bool, String> {
    let ir = checked(mapping)?;
    let code = mapc::codegen::generate(&ir);
    let code = project::rustfmt(&code).unwrap_or(code);
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{code}").map_err(|e| e.to_string())?;
    Ok(true)
}

/// `code` formatted by the toolchain's rustfmt, when there is one (the
/// generated code is already formatted by prettyplease; rustfmt's style
/// differs in details, and a reader compares with rustfmt's).
/// The records of every sample file (under `record_at` when given).
fn infer_samples(files: &[PathBuf], record_at: Option<&str>) -> Result<Vec<Value>, String> {
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

fn infer(samples: &[Value], title: &str, options: mapc::infer::Options) -> Result<bool, String> {
    let schema = mapc::infer::infer(samples, title, options);
    let text = serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?;
    writeln!(std::io::stdout().lock(), "{text}").map_err(|e| e.to_string())?;
    Ok(true)
}

/// `schema infer --into`: the schema widened in place, the changes listed.
fn infer_into(into: &str, samples: &[Value], how: mapc::infer::Merge) -> Result<bool, String> {
    let (file, pointer) = into.split_once('#').unwrap_or((into, ""));
    let file = Path::new(file);
    let text = project::read_file(file)?;
    let schema: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    if schema.pointer(pointer).is_none() {
        return Err(format!("{}: nothing at `#{pointer}`", file.display()));
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

fn test(paths: &[PathBuf]) -> Result<bool, String> {
    let files = project::find_mappings(paths)?;
    let (mut passed, mut failed) = (0, 0);
    let session = mapc::Session::new(&project::read_file);
    for file in &files {
        let (compiled, _) = compile_file(&session, file, Format::Short)?;
        let Some(ir) = compiled.mapping else {
            println!("FAIL {}: does not compile", file.display());
            failed += 1;
            continue;
        };
        let schema = compiled
            .target_schema
            .as_deref()
            .ok_or_else(|| "no target schema".to_owned())
            .and_then(|p| contract::TargetSchema::load(p, &project::read_file))?;
        let params = project::sample_params(file)?;
        if let Err(why) = host::params::supply(&ir.id, &ir.param_decls(), &params) {
            println!("FAIL {}: sample parameters: {why}", file.display());
            failed += 1;
            continue;
        }
        let samples = project::samples_for(file);
        if samples.is_empty() {
            println!(
                "FAIL {}: no samples in {:?}",
                file.display(),
                project::sample_dir(file)
            );
            failed += 1;
        }
        for sample in samples {
            match test_sample(file, &ir, &schema, &sample) {
                Ok(()) => {
                    println!("ok   {} {}", ir.id, sample.display());
                    passed += 1;
                }
                Err(why) => {
                    println!("FAIL {} {}: {why}", ir.id, sample.display());
                    failed += 1;
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0)
}

fn test_sample(
    file: &Path,
    ir: &mapc::ir::Mapping,
    schema: &contract::TargetSchema,
    sample: &Path,
) -> Result<(), String> {
    let input = project::read_sample(sample, &ir.inputs, &ir.optional_inputs)?;
    let mut outputs = Vec::new();
    for (i, record) in contract::sample_records(ir, &input)?.iter().enumerate() {
        let out = mapc::eval::run(ir, record).map_err(|e| format!("record {}: {e}", i + 1))?;
        // None: filtered out by the mapping's `where`; several: emitted.
        for record in contract::records(&out) {
            let problems = schema.problems(record)?;
            if let Some(first) = problems.first() {
                return Err(format!(
                    "record {}: output breaks the target schema: {first}",
                    i + 1
                ));
            }
            outputs.push(record.to_vec());
        }
    }
    let snap_path = project::snapshot_for(file, sample).ok_or("no snapshot path")?;
    let snap = project::read_file(&snap_path)
        .map_err(|_| format!("no snapshot {}", snap_path.display()))?;
    let expected = project::snapshot_body(&snap).ok_or("malformed snapshot")?;
    let actual = contract::snapshot_text(&outputs)?;
    if expected.trim_end() != actual.trim_end() {
        return Err(format!(
            "output differs from {} (review with `cargo insta review`)",
            snap_path.display()
        ));
    }
    Ok(())
}
