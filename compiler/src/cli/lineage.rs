//! `mapc lineage`: what every target field of a mapping is computed from,
//! as text, Markdown or Mermaid; `--pages DIR` writes one Markdown page
//! per mapping (`docs/mappings/<id>.md` in this repository).

use super::check::compile_file;
use super::report::Format;
use super::{default_paths, find_mappings, Failure};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// `mapc lineage`'s arguments.
#[derive(Args)]
pub struct LineageArgs {
    /// Mapping files or folders (default: the project's mappings)
    paths: Vec<PathBuf>,
    /// How it is printed
    #[arg(long, value_enum, default_value_t = LineageFormat::Text)]
    format: LineageFormat,
    /// Write a Markdown page per mapping into this folder (`<id>.md`) instead of printing
    #[arg(long, value_name = "DIR")]
    pages: Option<PathBuf>,
}

/// `--format`.
#[derive(Clone, Copy, ValueEnum)]
enum LineageFormat {
    /// `field <- inputs`, one line a field
    Text,
    /// a Markdown table
    Markdown,
    /// a Mermaid flowchart
    Mermaid,
}

pub fn lineage(args: LineageArgs) -> Result<bool, Failure> {
    let files = find_mappings(&default_paths(args.paths))?;
    let session = mapc::Session::new(&mapc::project::read_file);
    let mut ok = true;
    let mut out = std::io::stdout().lock();
    for file in &files {
        let (compiled, _) = compile_file(&session, file, Format::Short)?;
        let Some(ir) = compiled.mapping.filter(|_| {
            !compiled
                .diagnostics
                .iter()
                .any(|d| d.severity == mapc::check::Severity::Error)
        }) else {
            ok = false;
            continue;
        };
        let lineage = mapc::lineage::of(&ir);
        if let Some(dir) = &args.pages {
            let page = dir.join(format!("{}.md", ir.id));
            super::project::write(&page, &mapc::lineage::markdown(&ir, &lineage))?;
            continue;
        }
        let text = match args.format {
            LineageFormat::Text => format!(
                "# {} ({})\n{}",
                ir.id,
                file.display(),
                mapc::lineage::text(&lineage)
            ),
            LineageFormat::Markdown => mapc::lineage::markdown(&ir, &lineage),
            LineageFormat::Mermaid => mapc::lineage::mermaid(&lineage),
        };
        writeln!(out, "{text}")?;
    }
    if let Some(dir) = &args.pages {
        eprintln!("wrote {} page(s) to {}", files.len(), dir.display());
    }
    Ok(ok)
}
