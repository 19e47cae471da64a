//! How `mapc check` and `mapc test` report: for people (`human`, `short`),
//! for CI (`github` workflow annotations, a `junit` XML report) and for
//! tools (`json`, one object a line).

use clap::ValueEnum;
use mapc::diagnostics::{Diagnostic, Renderer};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::io::Write;

/// `--format`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-like, with the span underlined (to stderr)
    Human,
    /// one `file:line:col: error[CODE]: message` line each (to stderr)
    Short,
    /// one JSON object a line on stdout: each diagnostic, each test, then a summary
    Json,
    /// GitHub Actions workflow annotations on stdout (`::error file=…,line=…::…`)
    Github,
    /// a JUnit XML report on stdout, at the end
    Junit,
}

/// Print a mapping's diagnostics as `format` says; for `junit`, they are
/// returned as short lines for the report instead.
pub fn diagnostics(format: Format, renderer: &Renderer<'_>, found: &[Diagnostic]) -> Vec<String> {
    let mut shown = Vec::new();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    for d in found {
        // A closed stdout or stderr cannot be reported anywhere; the exit
        // code still says what was found.
        let _ = match format {
            Format::Human => write!(err, "{}", renderer.render(d, 100)),
            Format::Short => writeln!(err, "{}", renderer.render_short(d)),
            Format::Json => {
                let mut object = renderer.render_json(d);
                object["type"] = "diagnostic".into();
                writeln!(out, "{object}")
            }
            Format::Github => writeln!(out, "{}", renderer.render_github(d)),
            Format::Junit => Ok(()),
        };
        shown.push(renderer.render_short(d));
    }
    shown
}

/// A line of JSON output (`--format json`).
pub fn json_line(value: &serde_json::Value) {
    let _ = writeln!(std::io::stdout().lock(), "{value}");
}

/// Why a JUnit test case failed.
pub struct CaseFailure {
    /// The failure's kind (`mapc check`, `snapshot`, `pending`, ...).
    pub kind: &'static str,
    /// One line.
    pub message: String,
    /// Everything else (diagnostics, the diff), possibly empty.
    pub details: String,
}

/// One JUnit test case: passed, or failed.
pub fn case(name: &str, classname: &str, failure: Option<CaseFailure>) -> TestCase {
    let status = match failure {
        None => TestCaseStatus::success(),
        Some(failure) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_type(failure.kind).set_message(failure.message);
            if !failure.details.is_empty() {
                status.set_description(failure.details);
            }
            status
        }
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(classname);
    case
}

/// Write a JUnit report of `suites` to stdout.
pub fn junit(name: &str, suites: Vec<TestSuite>) -> Result<(), String> {
    let mut report = Report::new(name);
    report.add_test_suites(suites);
    let text = report.to_string().map_err(|e| e.to_string())?;
    writeln!(std::io::stdout().lock(), "{text}").map_err(|e| e.to_string())
}
