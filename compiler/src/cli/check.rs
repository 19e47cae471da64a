//! `mapc check`: compile mappings and report every diagnostic.

use super::report::{self, Format};
use super::{find_mappings, Failure};
use mapc::{project, Compiled};
use quick_junit::TestSuite;
use std::path::{Path, PathBuf};

/// Compile one mapping file, reporting its diagnostics as `format` says;
/// returns them as short lines too.
pub fn compile_file(
    session: &mapc::Session<'_>,
    path: &Path,
    format: Format,
) -> Result<(Compiled, Vec<String>), Failure> {
    let text = project::read_file(path)?;
    let name = path.to_string_lossy().into_owned();
    let compiled = session.compile(&name, &text);
    let renderer = mapc::diagnostics::Renderer::new(&name, &text);
    let shown = report::diagnostics(format, &renderer, &compiled.diagnostics);
    Ok((compiled, shown))
}

pub fn check(paths: &[PathBuf], format: Format) -> Result<bool, Failure> {
    let files = find_mappings(paths)?;
    let mut failed = 0;
    let session = mapc::Session::new(&project::read_file);
    let mut suite = TestSuite::new("mapc check");
    for file in &files {
        let (compiled, shown) = compile_file(&session, file, format)?;
        failed += usize::from(compiled.failed());
        let name = file.to_string_lossy();
        let errors = compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == mapc::check::Severity::Error)
            .count();
        let failure = compiled.failed().then(|| report::CaseFailure {
            kind: "mapc check",
            message: format!("{errors} error(s)"),
            details: shown.join("\n"),
        });
        suite.add_test_case(report::case(&name, "mapc check", failure));
    }
    let ok = files.len() - failed;
    match format {
        Format::Junit => report::junit("mapc", vec![suite])?,
        Format::Json => report::json_line(&serde_json::json!({
            "type": "summary", "checked": files.len(), "ok": ok, "failed": failed,
        })),
        _ => {}
    }
    eprintln!(
        "checked {} mapping(s): {ok} ok, {failed} failed",
        files.len()
    );
    Ok(failed == 0)
}
