//! The `mapc` command line: the arguments, what each command runs, and the
//! exit codes (0 ok, 1 errors found, 2 usage).

mod build;
mod check;
mod fmt;
mod lineage;
mod lsp;
mod new;
mod project;
mod report;
mod run;
mod schema;
mod snapshot;
mod test;
mod watch;

use clap::{Parser, Subcommand};
use report::Format;
use std::path::PathBuf;
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
        /// How diagnostics are reported
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
        /// Run only the Nth record (from 1, counted after list pages are cut into records)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        record: Option<u64>,
        /// Records are bare, as dead letters hold them: the mapping's routes (`at ...`) are not applied
        #[arg(long)]
        bare: bool,
    },
    /// Print the Rust code generated for a mapping
    Emit {
        /// The mapping file
        mapping: PathBuf,
    },
    /// Run contract tests: every sample of every mapping against its snapshot and the target schema; a missing or changed snapshot is written beside it as `.snap.new`, pending review
    Test(test::TestArgs),
    /// Run `mapc test` again on every save of a mapping, schema, table, sample or snapshot of the project (Ctrl-C stops)
    Watch(watch::WatchArgs),
    /// Work with source schemas
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Create a mapping project: mapc.toml, mappings/, schemas/channels/, the canonical model in schemas/canonical/, a GitHub Actions workflow
    Init {
        /// The project folder (default: the current one)
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The project's name (default: from the folder's name)
        #[arg(long)]
        name: Option<String>,
    },
    /// Start a mapping in the project: the mapping file with every required target field as a `todo(...)` (status fields through pre-filled tables), its samples and snapshots folders
    New(new::NewArgs),
    /// Build the project's runtime binary: every mapping compiled into the maprt command line (needs cargo)
    Build(build::BuildArgs),
    /// The canonical model this compiler carries
    #[command(subcommand)]
    Canonical(CanonicalCommand),
    /// Explain a diagnostic code (E301, W302, R104, S105): what it means and how to fix it, with a wrong and a right mapping
    Explain {
        /// The code
        code: String,
    },
    /// What every target field is computed from: source paths, tables, parameters (text, Markdown, Mermaid)
    Lineage(lineage::LineageArgs),
    /// Lay out mapping files the one way (indentation, spacing; comments and alignment kept), or with --check report the ones that are not
    Fmt(fmt::FmtArgs),
    /// A language server on stdin/stdout for editors: the diagnostics of `mapc check` as you type, hover on source paths, go-to-definition into the schema
    Lsp,
}

#[derive(Subcommand)]
enum CanonicalCommand {
    /// Write the canonical model's schemas into a folder
    Export {
        /// The folder (default: schemas/canonical)
        #[arg(default_value = "schemas/canonical")]
        dir: PathBuf,
    },
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

/// Why a command stopped before finishing its job.
#[derive(Debug)]
pub enum Failure {
    /// The command line asks for something impossible (a missing file, an
    /// ill-typed parameter, `--review` without a terminal): exit 2.
    Usage(String),
    /// The job met an error it reports (unreadable file, bad output): exit 1.
    Error(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self::Error(message)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Self::Error(e.to_string())
    }
}

/// Run the command line; 0 when the job found nothing wrong, 1 when it
/// found errors (or could not finish), 2 for a usage error.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check { paths, format } => check::check(&default_paths(paths), format),
        Command::Fmt(args) => fmt::fmt(args),
        Command::Watch(args) => watch::watch(args),
        Command::Run {
            mapping,
            payload,
            compact,
            params,
            record,
            bare,
        } => {
            let options = run::RunOptions {
                record: record.and_then(|n| usize::try_from(n).ok()),
                bare,
            };
            run::run(&mapping, &payload, compact, &params, options)
        }
        Command::Emit { mapping } => run::emit(&mapping),
        Command::Test(args) => test::test(args),
        Command::Init { dir, name } => project::init(&dir, name.as_deref()),
        Command::New(args) => new::new(args),
        Command::Build(args) => build::build(args),
        Command::Canonical(CanonicalCommand::Export { dir }) => project::canonical_export(&dir),
        Command::Lsp => lsp::lsp(),
        Command::Lineage(args) => lineage::lineage(args),
        Command::Explain { code } => match mapc::explain::explain(&code) {
            Some(explanation) => {
                print!("{}", mapc::explain::render(&explanation));
                Ok(true)
            }
            None => Err(Failure::Usage(format!(
                "no diagnostic code `{code}` (codes are listed in docs/diagnostics.md)"
            ))),
        },
        Command::Schema(SchemaCommand::Check { schemas }) => schema::schema_check(&schemas),
        Command::Schema(SchemaCommand::Import {
            spec,
            component,
            out,
            examples,
        }) => schema::schema_import(&spec, &component, out.as_deref(), examples.as_deref()),
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
            let samples = schema::infer_samples(&samples, record_at.as_deref());
            let how = mapc::infer::Merge {
                infer: options,
                declare_new_fields,
            };
            match into {
                Some(schema) => samples.and_then(|s| schema::infer_into(&schema, &s, how)),
                None => samples.and_then(|s| schema::infer(&s, &title, options)),
            }
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Failure::Error(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The paths named, or else the mapping folders of the project around the
/// current folder (`mapc.toml`), or else `mappings`.
fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if !paths.is_empty() {
        return paths;
    }
    match project_root() {
        Ok((root, manifest)) => manifest
            .mappings
            .folders
            .iter()
            .map(|f| relative_to_cwd(&root.join(f)))
            .collect(),
        Err(_) => vec![PathBuf::from("mappings")],
    }
}

/// The project around the current folder: its root and manifest.
fn project_root() -> Result<(PathBuf, mapc::manifest::Manifest), Failure> {
    let cwd = std::env::current_dir()?;
    let Some(root) = mapc::manifest::find_root(&cwd) else {
        return Err(Failure::Usage(format!(
            "no {} in {} or any folder above it (`mapc init` creates a project)",
            mapc::manifest::FILE,
            cwd.display()
        )));
    };
    let file = root.join(mapc::manifest::FILE);
    let text = mapc::project::read_file(&file)?;
    let manifest = mapc::manifest::Manifest::parse(&text)
        .map_err(|e| Failure::Error(format!("{}: {e}", file.display())))?;
    Ok((relative_to_cwd(&root), manifest))
}

/// `path` relative to the current folder when it is under it, so
/// diagnostics name `mappings/x.map` rather than an absolute path.
fn relative_to_cwd(path: &std::path::Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    match path.strip_prefix(&cwd) {
        // The current folder itself is the empty path: `mappings` joined to
        // it stays `mappings`.
        Ok(rest) => rest.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// A path named on the command line that does not exist is a usage error.
fn must_exist(path: &std::path::Path) -> Result<(), Failure> {
    if path.exists() {
        return Ok(());
    }
    Err(Failure::Usage(format!(
        "{}: no such file or directory",
        path.display()
    )))
}

/// The mapping files under `paths`, each of which must exist.
fn find_mappings(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    paths.iter().try_for_each(|p| must_exist(p))?;
    Ok(mapc::project::find_mappings(paths)?)
}
