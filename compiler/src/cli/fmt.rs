//! `mapc fmt`: every mapping file of the project laid out the one way
//! (`mapc::syntax::format`), in place, or with `--check` only reported,
//! each change shown as the lines it would replace.

use super::report::{self, Format};
use super::{find_mappings, Failure};
use mapc::project;
use std::path::PathBuf;

/// The arguments of `mapc fmt`.
#[derive(clap::Args)]
pub struct FmtArgs {
    /// Mapping files or folders (default: the project's mapping folders)
    paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted, with the lines that would change, and exit 1 if there are any
    #[arg(long)]
    check: bool,
}

/// Format (or check) every mapping file; `false` when `--check` found one
/// not formatted or a file could not be formatted.
pub fn fmt(args: FmtArgs) -> Result<bool, Failure> {
    let files = find_mappings(&super::default_paths(args.paths))?;
    let (mut changed, mut failed) = (0usize, 0usize);
    for file in &files {
        let text = project::read_file(file)?;
        let name = file.to_string_lossy().into_owned();
        // Only a file that parses is formatted: its syntax errors, as
        // `mapc check` shows them, are what to fix first.
        if let Err(errors) = mapc::syntax::parse(&text) {
            let renderer = mapc::diagnostics::Renderer::new(&name, &text);
            let diagnostics: Vec<_> = errors.iter().map(mapc::diagnostics::from_syntax).collect();
            report::diagnostics(Format::Human, &renderer, &diagnostics);
            failed += 1;
            continue;
        }
        let formatted = match mapc::syntax::format::format(&text) {
            Ok(formatted) => formatted,
            Err(e) => {
                eprintln!("error: {name}: {e}");
                failed += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if args.check {
            println!("{name}: not formatted");
            for line in changed_lines(&text, &formatted) {
                println!("{line}");
            }
        } else {
            std::fs::write(file, &formatted).map_err(|e| Failure::Error(format!("{name}: {e}")))?;
            eprintln!("formatted {name}");
        }
    }
    let verb = if args.check {
        "not formatted"
    } else {
        "formatted"
    };
    eprintln!(
        "{} mapping file(s): {changed} {verb}{}",
        files.len(),
        if failed > 0 {
            format!(", {failed} could not be formatted")
        } else {
            String::new()
        }
    );
    Ok(failed == 0 && !(args.check && changed > 0))
}

/// The lines of `before` that `after` lays out differently, as
/// `  12 - old` / `  11 + new` pairs, each with its own line number
/// (formatting keeps every line's tokens on its line, so non-blank lines
/// pair up).
fn changed_lines(before: &str, after: &str) -> Vec<String> {
    let numbered = |text: &str| -> Vec<(usize, String)> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (i + 1, l.to_owned()))
            .collect()
    };
    let (old, new) = (numbered(before), numbered(after));
    let mut out = Vec::new();
    for ((was_at, was), (is_at, is)) in old.iter().zip(&new) {
        if was != is {
            out.push(format!("{was_at:>5} - {was}"));
            out.push(format!("{is_at:>5} + {is}"));
        }
    }
    if before.lines().count() != after.lines().count() || !before.ends_with('\n') {
        out.push("      (blank lines or the final newline change too)".to_owned());
    }
    out
}
