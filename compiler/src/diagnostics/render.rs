//! Rendering diagnostics: miette's graphical report (no colour, fixed width
//! when asked) and a one-line `file:line:col: error[CODE]: message` form.

use super::Diagnostic;
use crate::check::Severity;
use crate::span::line_col;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

fn to_miette(d: &Diagnostic) -> MietteDiagnostic {
    let labels = d.labels.iter().map(|l| {
        let span = (l.span.start, l.span.len());
        if l.primary {
            LabeledSpan::new_primary_with_span(Some(l.text.clone()), span)
        } else {
            LabeledSpan::new_with_span(Some(l.text.clone()), span)
        }
    });
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
    };
    let mut m = MietteDiagnostic::new(d.title.clone())
        .with_code(d.code.code)
        .with_severity(severity)
        .with_labels(labels);
    if let Some(help) = &d.help {
        m = m.with_help(help.clone());
    }
    m
}

/// The rustc-like report: code, file:line:col, the span underlined, help.
pub fn render(file: &str, text: &str, d: &Diagnostic, width: usize) -> String {
    let report =
        Report::new(to_miette(d)).with_source_code(NamedSource::new(file, text.to_owned()));
    let handler =
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(width);
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        return render_short(file, text, d);
    }
    out
}

/// One line for CI logs and editors: `file:line:col: error[E301]: message`.
pub fn render_short(file: &str, text: &str, d: &Diagnostic) -> String {
    let (line, column) = line_col(text, d.primary_span().start);
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "{file}:{line}:{column}: {level}[{}]: {}",
        d.code.code, d.title
    )
}
