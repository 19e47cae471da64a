//! Rendering diagnostics: miette's graphical report (no colour, fixed width
//! when asked) and a one-line `file:line:col: error[CODE]: message` form.

use super::source::Window;
use super::Diagnostic;
use crate::check::Severity;
use crate::span::LineIndex;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, Report};

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

/// Renders the diagnostics of one mapping file: the file's line index is
/// built once, however many diagnostics there are.
pub struct Renderer<'t> {
    file: &'t str,
    text: &'t str,
    lines: LineIndex,
}

impl<'t> Renderer<'t> {
    /// A renderer for `text`, the mapping named `file`.
    pub fn new(file: &'t str, text: &'t str) -> Self {
        Self {
            file,
            text,
            lines: LineIndex::new(text),
        }
    }

    /// The rustc-like report: code, file:line:col, the span underlined,
    /// help.
    pub fn render(&self, d: &Diagnostic, width: usize) -> String {
        let spans = d.labels.iter().map(|l| l.span);
        let source = Window::around(self.file, self.text, &self.lines, spans);
        let report = Report::new(to_miette(d)).with_source_code(source);
        let handler =
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(width);
        let mut out = String::new();
        if handler.render_report(&mut out, report.as_ref()).is_err() {
            return self.render_short(d);
        }
        out
    }

    /// One line for CI logs and editors: `file:line:col: error[E301]: message`.
    pub fn render_short(&self, d: &Diagnostic) -> String {
        let (line, column) = self.lines.line_col(self.text, d.primary_span().start);
        let level = d.severity.name();
        format!(
            "{}:{line}:{column}: {level}[{}]: {}",
            self.file, d.code.code, d.title
        )
    }
}
